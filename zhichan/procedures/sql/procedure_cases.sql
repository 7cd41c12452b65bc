-- 办件: every case of every declared procedure as the workflow database stood at its last export
-- (zhichan.figures.export_workflow), opened on or before ${as_of}, attributed to the handling
-- organization's region. A case closed after the as-of date counts as open on it.
SELECT
  case_id,
  number,
  procedure,
  domain,
  jurisdiction,
  CASE WHEN closed_on IS NOT NULL AND closed_on <= DATE '${as_of}' THEN state ELSE 'open' END AS state,
  region_code AS geo,
  party_key,
  opened_on,
  CASE WHEN closed_on <= DATE '${as_of}' THEN closed_on END AS closed_on,
  cycle_started_on,
  CASE WHEN cycle_stopped_on <= DATE '${as_of}' THEN cycle_stopped_on END AS cycle_stopped_on,
  CASE WHEN cycle_stopped_on <= DATE '${as_of}' THEN cycle_paused_days END AS cycle_paused_days,
  CASE WHEN cycle_stopped_on <= DATE '${as_of}' THEN cycle_days END AS cycle_days,
  CASE WHEN cycle_stopped_on <= DATE '${as_of}' THEN cycle_in_time END AS cycle_in_time,
  overdue_clocks,
  opened_on >= DATE '${period_start}' AS opened_in_period,
  coalesce(closed_on BETWEEN DATE '${period_start}' AND DATE '${as_of}', FALSE) AS closed_in_period,
  coalesce(cycle_days IS NOT NULL AND cycle_stopped_on BETWEEN DATE '${period_start}' AND DATE '${as_of}', FALSE)
    AS cycle_ended_in_period,
  synthetic
FROM cases
WHERE opened_on <= DATE '${as_of}'
