WITH finance_fund_payouts AS (
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
    entry_on >= CAST('2023-01-01' AS DATE) AS paid_in_period,
    synthetic
  FROM finance_ledger
  WHERE
    kind = 'payout' AND entry_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COALESCE(SUM(paid) FILTER(WHERE
    paid_in_period), 0) AS finance_fund_payouts
FROM finance_fund_payouts
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
