WITH copyright_registrations AS (
  SELECT
    c.registration_number,
    c.work_type,
    c.title,
    c.owner,
    COALESCE(c.region_code, c.city_code, c.province_code, '') AS geo,
    c.registration_date,
    c.synthetic
  FROM copyrights AS c
  WHERE
    c.registration_date BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE)
    AND NOT COALESCE(c.region_code, c.city_code, c.province_code) IS NULL
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    TRUE) AS copyright_registrations,
  COUNT(*) FILTER(WHERE
    work_type = 'software') AS software_copyright_registrations
FROM copyright_registrations
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
