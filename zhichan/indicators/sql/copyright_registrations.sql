-- 著作权登记: copyright registrations dated in the period ${period_start} … ${as_of}, by the
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
WHERE c.registration_date BETWEEN DATE '${period_start}' AND DATE '${as_of}'
  AND coalesce(c.region_code, c.city_code, c.province_code) IS NOT NULL
