WITH protection_case_times AS (
  -- 保护案件办理时长: protection cases closed on or before 2023-12-31, with their handling time in days from
  -- receipt to closing on the legal-time module's net days (zhichan.legaltime.clocks.net_days, the periods
  -- the case was paused left out), attributed to the handling organization's region.
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
    c.closed_on >= DATE '2023-01-01' AS closed_in_period,
    c.synthetic
  FROM cases AS c
  JOIN protection_handling AS h ON h.case_id = c.case_id
  WHERE c.domain = 'protection' AND c.closed_on IS NOT NULL AND c.closed_on <= DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE procedure = 'protection.ecommerce_notice' AND closed_in_period) AS ecommerce_handled,
  coalesce(sum(handling_days) FILTER (WHERE procedure = 'protection.ecommerce_notice' AND closed_in_period), 0) AS ecommerce_handling_days_total
FROM protection_case_times
GROUP BY geo
ORDER BY geo
