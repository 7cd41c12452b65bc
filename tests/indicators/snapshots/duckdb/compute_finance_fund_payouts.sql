WITH finance_fund_payouts AS (
  -- 补偿拨付: each payout of a fund's pool ledger on or before 2023-12-31 (the ledger's amount is negative;
  -- here it is what was paid), in the fund's jurisdiction.
  SELECT
    entry_id,
    fund_code,
    fund,
    region_code AS geo,
    seq,
    entry_on AS paid_on,
    -amount AS paid,
    claim_id,
    borrower,
    bank,
    entry_on >= DATE '2023-01-01' AS paid_in_period,
    synthetic
  FROM finance_ledger
  WHERE kind = 'payout' AND entry_on <= DATE '2023-12-31'
)
SELECT
  geo,
  coalesce(sum(paid) FILTER (WHERE paid_in_period), 0) AS finance_fund_payouts
FROM finance_fund_payouts
GROUP BY geo
ORDER BY geo
