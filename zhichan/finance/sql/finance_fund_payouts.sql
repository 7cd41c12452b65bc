-- 补偿拨付: each payout of a fund's pool ledger on or before ${as_of} (the ledger's amount is negative;
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
  entry_on >= DATE '${period_start}' AS paid_in_period,
  synthetic
FROM finance_ledger
WHERE kind = 'payout' AND entry_on <= DATE '${as_of}'
