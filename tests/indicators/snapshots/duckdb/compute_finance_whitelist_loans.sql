WITH finance_whitelist_loans AS (
  -- 白名单企业获贷: each bank's approval (授信) of a whitelisted enterprise, with its loan amount, recorded
  -- on or before 2023-12-31, in the listing bureau's region.
  SELECT
    entry_id,
    party_key,
    name,
    region_code AS geo,
    bank,
    loan_amount,
    decided_on,
    decided_on >= DATE '2023-01-01' AS decided_in_period,
    synthetic
  FROM finance_whitelisted
  WHERE decision = 'approved' AND loan_amount IS NOT NULL AND decided_on <= DATE '2023-12-31'
)
SELECT
  geo,
  coalesce(sum(loan_amount) FILTER (WHERE decided_in_period), 0) AS finance_whitelist_loans
FROM finance_whitelist_loans
GROUP BY geo
ORDER BY geo
