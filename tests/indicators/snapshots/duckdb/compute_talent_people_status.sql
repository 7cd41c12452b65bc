WITH talent_people_status AS (
  -- 人才库: each person's status on 2023-12-31 — the last of its status changes on or before the day
  -- (zhichan.talent: talent_status_changes, one row per change by any path), counted where the person works.
  -- A person with no change by then (entered later) is not a row.
  SELECT
    p.person_id,
    p.name,
    p.organization,
    p.region_code AS geo,
    c.status,
    c.changed_on AS status_since,
    c.reason,
    p.synthetic
  FROM (
    SELECT
      person_id,
      status,
      changed_on,
      reason,
      row_number() OVER (PARTITION BY person_id ORDER BY changed_on DESC, change_id DESC) AS latest
    FROM talent_status_changes
    WHERE changed_on <= DATE '2023-12-31'
  ) AS c
  JOIN talent_people AS p ON p.person_id = c.person_id
  WHERE c.latest = 1
)
SELECT
  geo,
  count(*) FILTER (WHERE status = 'in_library') AS talent_in_library,
  count(*) FILTER (WHERE status = 'suspended') AS talent_suspended
FROM talent_people_status
GROUP BY geo
ORDER BY geo
