WITH finance_pledges AS (
  -- 质押登记（笔）: every pledge registered on this platform on or before 2023-12-31, as the register stood
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
    CASE WHEN ended_on <= DATE '2023-12-31' THEN ended_on END AS ended_on,
    CASE WHEN ended_on <= DATE '2023-12-31' THEN status ELSE 'registered' END AS state,
    first_time,
    registered_on >= DATE '2023-01-01' AS registered_in_period,
    synthetic
  FROM finance_register
  WHERE registered_on <= DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE registered_in_period) AS finance_pledge_registrations,
  coalesce(sum(debt_amount) FILTER (WHERE registered_in_period), 0) AS finance_pledge_secured_amount,
  count(*) FILTER (WHERE registered_in_period AND first_time) AS finance_first_time_pledgors
FROM finance_pledges
GROUP BY geo
ORDER BY geo
