WITH exchange_open_licence_status AS (
  SELECT
    declaration_id,
    application_number,
    title,
    patentee,
    party_key,
    region_code AS geo,
    published_on,
    CASE WHEN ended_on <= CAST('2023-12-31' AS DATE) THEN ended_on END AS ended_on,
    published_on >= CAST('2023-01-01' AS DATE) AS published_in_period,
    COALESCE(ended_on > CAST('2023-12-31' AS DATE), TRUE) AS in_force,
    synthetic
  FROM exchange_open_licences
  WHERE
    NOT published_on IS NULL AND published_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    published_in_period) AS exchange_open_licences_published,
  COUNT(*) FILTER(WHERE
    in_force) AS exchange_open_licences_in_force
FROM exchange_open_licence_status
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
