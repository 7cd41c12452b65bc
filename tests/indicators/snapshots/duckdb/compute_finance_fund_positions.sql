WITH finance_fund_positions AS (
  -- 资金池与在贷余额: one row per fund on 2023-12-31: the pool's balance after its last operation on or
  -- before the date, and the principal of its loans enrolled by then and not defaulted (no claim) by then.
  SELECT
    f.fund_code,
    f.fund,
    f.region_code AS geo,
    coalesce(p.balance, CAST(0 AS DECIMAL(18, 2))) AS balance,
    coalesce(l.outstanding, CAST(0 AS DECIMAL(18, 2))) AS outstanding,
    coalesce(l.loans, 0) AS loans,
    coalesce(p.synthetic, FALSE) OR coalesce(l.synthetic, FALSE) AS synthetic
  FROM (
    SELECT fund_code, max(fund) AS fund, max(region_code) AS region_code
    FROM (
      SELECT fund_code, fund, region_code FROM finance_ledger WHERE entry_on <= DATE '2023-12-31'
      UNION ALL
      SELECT fund_code, fund, region_code FROM finance_loans WHERE enrolled_on <= DATE '2023-12-31'
    ) known
    GROUP BY fund_code
  ) f
  LEFT JOIN (
    SELECT x.fund_code, x.balance, s.synthetic
    FROM finance_ledger x
    JOIN (
      SELECT fund_code, max(seq) AS seq, max(synthetic) AS synthetic
      FROM finance_ledger
      WHERE entry_on <= DATE '2023-12-31'
      GROUP BY fund_code
    ) s ON x.fund_code = s.fund_code AND x.seq = s.seq
  ) p ON p.fund_code = f.fund_code
  LEFT JOIN (
    SELECT fund_code, sum(principal) AS outstanding, count(*) AS loans, max(synthetic) AS synthetic
    FROM finance_loans
    WHERE enrolled_on <= DATE '2023-12-31'
      AND (claimed_on IS NULL OR claimed_on > DATE '2023-12-31')
      AND status <> 'repaid'
    GROUP BY fund_code
  ) l ON l.fund_code = f.fund_code
)
SELECT
  geo,
  coalesce(sum(balance) FILTER (WHERE TRUE), 0) AS finance_fund_balance,
  coalesce(sum(outstanding) FILTER (WHERE TRUE), 0) AS finance_fund_outstanding
FROM finance_fund_positions
GROUP BY geo
ORDER BY geo
