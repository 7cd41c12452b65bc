WITH protection_case_times AS (
  SELECT
    c.case_id,
    c.number,
    c.procedure,
    c.state,
    c.region_code AS geo,
    c.party_key,
    c.opened_on,
    c.closed_on,
    h.handling_days,
    c.closed_on >= CAST('2023-01-01' AS DATE) AS closed_in_period,
    c.synthetic
  FROM cases AS c
  JOIN protection_handling AS h
    ON h.case_id = c.case_id
  WHERE
    c.domain = 'protection'
    AND NOT c.closed_on IS NULL
    AND c.closed_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.ecommerce_notice' AND closed_in_period) AS ecommerce_handled,
  COALESCE(
    SUM(handling_days) FILTER(WHERE
      procedure = 'protection.ecommerce_notice' AND closed_in_period),
    0
  ) AS ecommerce_handling_days_total
FROM protection_case_times
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
