WITH finance_whitelist_loans AS (
  SELECT
    entry_id,
    party_key,
    name,
    region_code AS geo,
    bank,
    loan_amount,
    decided_on,
    decided_on >= CAST('2023-01-01' AS DATE) AS decided_in_period,
    synthetic
  FROM finance_whitelisted
  WHERE
    decision = 'approved'
    AND NOT loan_amount IS NULL
    AND decided_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COALESCE(SUM(loan_amount) FILTER(WHERE
    decided_in_period), 0) AS finance_whitelist_loans
FROM finance_whitelist_loans
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
