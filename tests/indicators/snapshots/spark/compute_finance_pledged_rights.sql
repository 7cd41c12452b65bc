WITH finance_pledged_rights AS (
  SELECT
    right_id,
    pledge_id,
    registration_number,
    kind,
    number,
    title,
    region_code AS geo,
    pledgor,
    bank,
    industry,
    industry_name,
    industry_name_en,
    registered_on,
    registered_on >= CAST('2023-01-01' AS DATE) AS registered_in_period,
    synthetic
  FROM finance_register_rights
  WHERE
    registered_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    registered_in_period) AS finance_pledged_rights
FROM finance_pledged_rights
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
