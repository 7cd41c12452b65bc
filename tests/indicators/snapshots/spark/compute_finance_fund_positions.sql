WITH finance_fund_positions AS (
  SELECT
    f.fund_code,
    f.fund,
    f.region_code AS geo,
    COALESCE(p.balance, CAST(0 AS DECIMAL(18, 2))) AS balance,
    COALESCE(l.outstanding, CAST(0 AS DECIMAL(18, 2))) AS outstanding,
    COALESCE(l.loans, 0) AS loans,
    COALESCE(p.synthetic, FALSE) OR COALESCE(l.synthetic, FALSE) AS synthetic
  FROM (
    SELECT
      fund_code,
      MAX(fund) AS fund,
      MAX(region_code) AS region_code
    FROM (
      SELECT
        fund_code,
        fund,
        region_code
      FROM finance_ledger
      WHERE
        entry_on <= CAST('2023-12-31' AS DATE)
      UNION ALL
      SELECT
        fund_code,
        fund,
        region_code
      FROM finance_loans
      WHERE
        enrolled_on <= CAST('2023-12-31' AS DATE)
    ) AS known
    GROUP BY
      fund_code
  ) AS f
  LEFT JOIN (
    SELECT
      x.fund_code,
      x.balance,
      s.synthetic
    FROM finance_ledger AS x
    JOIN (
      SELECT
        fund_code,
        MAX(seq) AS seq,
        MAX(synthetic) AS synthetic
      FROM finance_ledger
      WHERE
        entry_on <= CAST('2023-12-31' AS DATE)
      GROUP BY
        fund_code
    ) AS s
      ON x.fund_code = s.fund_code AND x.seq = s.seq
  ) AS p
    ON p.fund_code = f.fund_code
  LEFT JOIN (
    SELECT
      fund_code,
      SUM(principal) AS outstanding,
      COUNT(*) AS loans,
      MAX(synthetic) AS synthetic
    FROM finance_loans
    WHERE
      enrolled_on <= CAST('2023-12-31' AS DATE)
      AND (
        claimed_on IS NULL OR claimed_on > CAST('2023-12-31' AS DATE)
      )
      AND status <> 'repaid'
    GROUP BY
      fund_code
  ) AS l
    ON l.fund_code = f.fund_code
)
SELECT
  geo,
  COALESCE(SUM(balance) FILTER(WHERE
    TRUE), 0) AS finance_fund_balance,
  COALESCE(SUM(outstanding) FILTER(WHERE
    TRUE), 0) AS finance_fund_outstanding
FROM finance_fund_positions
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
