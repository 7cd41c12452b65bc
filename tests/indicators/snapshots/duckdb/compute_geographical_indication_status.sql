WITH geographical_indication_status AS (
  -- 地理标志: approved on or before 2023-12-31 and still protected (a revoked GI carries no revocation
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
    coalesce(g.approval_date <= DATE '2023-12-31' AND g.status = 'protected', FALSE) AS is_protected
  FROM geographical_indications AS g
)
SELECT
  geo,
  count(*) FILTER (WHERE is_protected) AS geographical_indications,
  count(*) FILTER (WHERE is_protected AND gi_type = 'product') AS gi_products,
  count(*) FILTER (WHERE is_protected AND gi_type = 'mark') AS gi_marks
FROM geographical_indication_status
GROUP BY geo
ORDER BY geo
