-- 质押登记（笔）: every pledge registered on this platform on or before ${as_of}, as the register stood
-- at its last export (zhichan/finance/figures.py), counted where its handling bureau is. A pledge that
-- ended (released, cancelled, disposed) after the as-of date counts as registered on it.
SELECT
  pledge_id,
  registration_number,
  region_code AS geo,
  pledgor_key,
  pledgor,
  bank,
  industry,
  industry_name,
  industry_name_en,
  debt_amount,
  rights,
  patents,
  trademarks,
  data_ip,
  registered_on,
  CASE WHEN ended_on <= DATE '${as_of}' THEN ended_on END AS ended_on,
  CASE WHEN ended_on <= DATE '${as_of}' THEN status ELSE 'registered' END AS state,
  first_time,
  registered_on >= DATE '${period_start}' AS registered_in_period,
  synthetic
FROM finance_register
WHERE registered_on <= DATE '${as_of}'
