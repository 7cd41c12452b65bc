WITH finance_fund_loans AS (
  -- 入池贷款: each loan enrolled in a risk-compensation fund on or before 2023-12-31, in the fund's
  -- jurisdiction, with its claim as it stood on the as-of date (a claim made later is not there yet).
  SELECT
    loan_id,
    fund_code,
    fund,
    region_code AS geo,
    borrower,
    bank,
    principal,
    enrolled_on,
    CASE WHEN claimed_on <= DATE '2023-12-31' THEN claimed_on END AS claimed_on,
    CASE WHEN approved_on <= DATE '2023-12-31' THEN approved_on END AS approved_on,
    CASE WHEN claimed_on <= DATE '2023-12-31' THEN principal_loss END AS principal_loss,
    CASE WHEN approved_on <= DATE '2023-12-31' THEN claim_amount END AS claim_amount,
    coalesce(claimed_on BETWEEN DATE '2023-01-01' AND DATE '2023-12-31', FALSE) AS claimed_in_period,
    coalesce(approved_on BETWEEN DATE '2023-01-01' AND DATE '2023-12-31', FALSE) AS approved_in_period,
    synthetic
  FROM finance_loans
  WHERE enrolled_on <= DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE claimed_in_period) AS finance_fund_claims,
  coalesce(sum(claim_amount) FILTER (WHERE approved_in_period), 0) AS finance_fund_claim_amount
FROM finance_fund_loans
GROUP BY geo
ORDER BY geo
