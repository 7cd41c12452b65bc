-- 入池贷款: each loan enrolled in a risk-compensation fund on or before ${as_of}, in the fund's
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
  CASE WHEN claimed_on <= DATE '${as_of}' THEN claimed_on END AS claimed_on,
  CASE WHEN approved_on <= DATE '${as_of}' THEN approved_on END AS approved_on,
  CASE WHEN claimed_on <= DATE '${as_of}' THEN principal_loss END AS principal_loss,
  CASE WHEN approved_on <= DATE '${as_of}' THEN claim_amount END AS claim_amount,
  coalesce(claimed_on BETWEEN DATE '${period_start}' AND DATE '${as_of}', FALSE) AS claimed_in_period,
  coalesce(approved_on BETWEEN DATE '${period_start}' AND DATE '${as_of}', FALSE) AS approved_in_period,
  synthetic
FROM finance_loans
WHERE enrolled_on <= DATE '${as_of}'
