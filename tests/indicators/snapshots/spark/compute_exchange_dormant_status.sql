WITH exchange_dormant_status AS (
  SELECT
    dormant_id,
    application_number,
    title,
    institution,
    party_key,
    region_code AS geo,
    inventoried_on,
    CASE WHEN approved_on <= CAST('2023-12-31' AS DATE) THEN approved_on END AS approved_on,
    CASE WHEN listed_on <= CAST('2023-12-31' AS DATE) THEN listed_on END AS listed_on,
    CASE WHEN activated_on <= CAST('2023-12-31' AS DATE) THEN activated_on END AS activated_on,
    CASE WHEN activated_on <= CAST('2023-12-31' AS DATE) THEN activated_by END AS activated_by,
    TRUE AS inventoried,
    COALESCE(approved_on <= CAST('2023-12-31' AS DATE), FALSE)
    AND COALESCE(activated_on > CAST('2023-12-31' AS DATE), TRUE) AS in_pool,
    COALESCE(
      activated_on BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE),
      FALSE
    ) AS activated_in_period,
    synthetic
  FROM exchange_dormant_patents
  WHERE
    inventoried_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    inventoried) AS exchange_dormant_inventoried,
  COUNT(*) FILTER(WHERE
    in_pool) AS exchange_dormant_in_pool,
  COUNT(*) FILTER(WHERE
    activated_in_period) AS exchange_dormant_activated
FROM exchange_dormant_status
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
