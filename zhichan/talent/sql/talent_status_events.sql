-- 人才库 status changes up to ${as_of}, where the person works. An admission is a first entry into the
-- library (from nothing — an officer's entry or a roster import — or from an application under review); a
-- reinstatement after a suspension is not one. in_period: on or after ${period_start}.
SELECT
  c.change_id,
  c.person_id,
  p.name,
  p.organization,
  p.region_code AS geo,
  c.changed_on,
  NULLIF(c.previous_status, '') AS previous_status,
  c.status,
  c.via,
  c.reason,
  c.status = 'in_library' AND c.previous_status IN ('', 'applying') AS admission,
  c.changed_on >= DATE '${period_start}' AS in_period,
  p.synthetic
FROM talent_status_changes AS c
JOIN talent_people AS p ON p.person_id = c.person_id
WHERE c.changed_on <= DATE '${as_of}'
