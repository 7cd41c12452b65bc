-- 专利开放许可: declarations published on or before ${as_of} (refused ones never were), in force on
-- ${as_of} unless withdrawn or revoked by then; attributed to the declaring organization's region.
SELECT
  declaration_id,
  application_number,
  title,
  patentee,
  party_key,
  region_code AS geo,
  published_on,
  CASE WHEN ended_on <= DATE '${as_of}' THEN ended_on END AS ended_on,
  published_on >= DATE '${period_start}' AS published_in_period,
  coalesce(ended_on > DATE '${as_of}', TRUE) AS in_force,
  synthetic
FROM exchange_open_licences
WHERE published_on IS NOT NULL AND published_on <= DATE '${as_of}'
