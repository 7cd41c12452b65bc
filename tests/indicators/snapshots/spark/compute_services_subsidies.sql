WITH services_subsidies AS (
  SELECT
    award_id,
    programme,
    round_number,
    applicant,
    applicant_key,
    region_code AS geo,
    awarded_yuan,
    CASE WHEN disbursed_on <= CAST('2023-12-31' AS DATE) THEN disbursed_on END AS disbursed_on,
    voucher,
    COALESCE(
      disbursed_on BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE),
      FALSE
    ) AS paid_in_period,
    synthetic
  FROM services_subsidy_awards
  WHERE
    round_state IN ('published', 'concluded')
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    paid_in_period) AS subsidies_paid_count,
  COALESCE(SUM(awarded_yuan) FILTER(WHERE
    paid_in_period), 0) AS subsidies_paid
FROM services_subsidies
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
