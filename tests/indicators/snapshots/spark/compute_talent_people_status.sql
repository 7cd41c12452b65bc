WITH talent_people_status AS (
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
      ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY changed_on DESC, change_id DESC) AS latest
    FROM talent_status_changes
    WHERE
      changed_on <= CAST('2023-12-31' AS DATE)
  ) AS c
  JOIN talent_people AS p
    ON p.person_id = c.person_id
  WHERE
    c.latest = 1
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    status = 'in_library') AS talent_in_library,
  COUNT(*) FILTER(WHERE
    status = 'suspended') AS talent_suspended
FROM talent_people_status
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
