-- Every patent with its attribution key (归属): the first patentee's region at the finest level the
-- record knows — county (region_code), else city, else province, else '' (domestic, region unknown).
SELECT
  p.*,
  coalesce(p.region_code, p.city_code, p.province_code, '') AS geo
FROM patents AS p
