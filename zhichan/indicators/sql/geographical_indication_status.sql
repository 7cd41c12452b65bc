-- 地理标志: approved on or before ${as_of} and still protected (a revoked GI carries no revocation
-- date, so it is not counted at any date).
SELECT
  g.gi_id,
  g.name,
  g.gi_type,
  g.holder,
  coalesce(g.region_code, g.city_code, g.province_code, '') AS geo,
  g.approval_date,
  g.status,
  g.synthetic,
  coalesce(g.approval_date <= DATE '${as_of}' AND g.status = 'protected', FALSE) AS is_protected
FROM geographical_indications AS g
