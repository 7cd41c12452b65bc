WITH exchange_licences_formed AS (
  SELECT
    grant_id,
    declaration_id,
    application_number,
    patentee,
    party_key,
    licensee,
    region_code AS geo,
    effective_on,
    CASE WHEN recorded_on <= CAST('2023-12-31' AS DATE) THEN recorded_on END AS recorded_on,
    paid_yuan,
    effective_on >= CAST('2023-01-01' AS DATE) AS formed_in_period,
    synthetic
  FROM exchange_licences
  WHERE
    effective_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    formed_in_period) AS exchange_open_licences_taken,
  COALESCE(SUM(paid_yuan) FILTER(WHERE
    formed_in_period), 0) AS exchange_open_licence_fees
FROM exchange_licences_formed
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
