WITH finance_fund_loans AS (
  SELECT
    loan_id,
    fund_code,
    fund,
    region_code AS geo,
    borrower,
    bank,
    principal,
    enrolled_on,
    CASE WHEN claimed_on <= CAST('2023-12-31' AS DATE) THEN claimed_on END AS claimed_on,
    CASE WHEN approved_on <= CAST('2023-12-31' AS DATE) THEN approved_on END AS approved_on,
    CASE WHEN claimed_on <= CAST('2023-12-31' AS DATE) THEN principal_loss END AS principal_loss,
    CASE WHEN approved_on <= CAST('2023-12-31' AS DATE) THEN claim_amount END AS claim_amount,
    COALESCE(
      claimed_on BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE),
      FALSE
    ) AS claimed_in_period,
    COALESCE(
      approved_on BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE),
      FALSE
    ) AS approved_in_period,
    synthetic
  FROM finance_loans
  WHERE
    enrolled_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    claimed_in_period) AS finance_fund_claims,
  COALESCE(SUM(claim_amount) FILTER(WHERE
    approved_in_period), 0) AS finance_fund_claim_amount
FROM finance_fund_loans
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
