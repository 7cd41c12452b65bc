WITH copyright_registrations AS (
  -- 著作权登记: copyright registrations dated in the period 2023-01-01 … 2023-12-31, by the
  -- owner's region (the table has no domestic flag: records without a region are not counted).
  SELECT
    c.registration_number,
    c.work_type,
    c.title,
    c.owner,
    coalesce(c.region_code, c.city_code, c.province_code, '') AS geo,
    c.registration_date,
    c.synthetic
  FROM copyrights AS c
  WHERE c.registration_date BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'
    AND coalesce(c.region_code, c.city_code, c.province_code) IS NOT NULL
)
SELECT
  geo,
  count(*) FILTER (WHERE TRUE) AS copyright_registrations,
  count(*) FILTER (WHERE work_type = 'software') AS software_copyright_registrations
FROM copyright_registrations
GROUP BY geo
ORDER BY geo
