-- 质押的知识产权（件）: each right (patent, trademark, data-IP registration) of a pledge registered on or
-- before ${as_of}, with its pledge's bureau region and bank and its own industry (a patent's SEI category).
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
  registered_on >= DATE '${period_start}' AS registered_in_period,
  synthetic
FROM finance_register_rights
WHERE registered_on <= DATE '${as_of}'
