WITH exchange_licences_formed AS (
  -- 开放许可实施: licences formed under published open licences (written notice plus payment, 专利法
  -- 第五十一条) from the day they took effect, attributed to the patentee organization's region.
  SELECT
    grant_id,
    declaration_id,
    application_number,
    patentee,
    party_key,
    licensee,
    region_code AS geo,
    effective_on,
    CASE WHEN recorded_on <= DATE '2023-12-31' THEN recorded_on END AS recorded_on,
    paid_yuan,
    effective_on >= DATE '2023-01-01' AS formed_in_period,
    synthetic
  FROM exchange_licences
  WHERE effective_on <= DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE formed_in_period) AS exchange_open_licences_taken,
  coalesce(sum(paid_yuan) FILTER (WHERE formed_in_period), 0) AS exchange_open_licence_fees
FROM exchange_licences_formed
GROUP BY geo
ORDER BY geo
