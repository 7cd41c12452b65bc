WITH finance_pledged_rights AS (
  -- 质押的知识产权（件）: each right (patent, trademark, data-IP registration) of a pledge registered on or
  -- before 2023-12-31, with its pledge's bureau region and bank and its own industry (a patent's SEI category).
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
    registered_on >= DATE '2023-01-01' AS registered_in_period,
    synthetic
  FROM finance_register_rights
  WHERE registered_on <= DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE registered_in_period) AS finance_pledged_rights
FROM finance_pledged_rights
GROUP BY geo
ORDER BY geo
