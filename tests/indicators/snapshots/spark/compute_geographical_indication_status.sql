WITH geographical_indication_status AS (
  SELECT
    g.gi_id,
    g.name,
    g.gi_type,
    g.holder,
    COALESCE(g.region_code, g.city_code, g.province_code, '') AS geo,
    g.approval_date,
    g.status,
    g.synthetic,
    COALESCE(g.approval_date <= CAST('2023-12-31' AS DATE) AND g.status = 'protected', FALSE) AS is_protected
  FROM geographical_indications AS g
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    is_protected) AS geographical_indications,
  COUNT(*) FILTER(WHERE
    is_protected AND gi_type = 'product') AS gi_products,
  COUNT(*) FILTER(WHERE
    is_protected AND gi_type = 'mark') AS gi_marks
FROM geographical_indication_status
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
