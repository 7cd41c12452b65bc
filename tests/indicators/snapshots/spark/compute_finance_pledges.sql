WITH finance_pledges AS (
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
    CASE WHEN ended_on <= CAST('2023-12-31' AS DATE) THEN ended_on END AS ended_on,
    CASE WHEN ended_on <= CAST('2023-12-31' AS DATE) THEN status ELSE 'registered' END AS state,
    first_time,
    registered_on >= CAST('2023-01-01' AS DATE) AS registered_in_period,
    synthetic
  FROM finance_register
  WHERE
    registered_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    registered_in_period) AS finance_pledge_registrations,
  COALESCE(SUM(debt_amount) FILTER(WHERE
    registered_in_period), 0) AS finance_pledge_secured_amount,
  COUNT(*) FILTER(WHERE
    registered_in_period AND first_time) AS finance_first_time_pledgors
FROM finance_pledges
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
