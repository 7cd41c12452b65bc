WITH talent_status_events AS (
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
    c.changed_on >= CAST('2023-01-01' AS DATE) AS in_period,
    p.synthetic
  FROM talent_status_changes AS c
  JOIN talent_people AS p
    ON p.person_id = c.person_id
  WHERE
    c.changed_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    admission AND in_period) AS talent_admitted,
  COUNT(*) FILTER(WHERE
    status = 'removed' AND in_period) AS talent_removed
FROM talent_status_events
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
