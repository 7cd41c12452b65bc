WITH finance_whitelist_enterprises AS (
  SELECT
    party_key,
    MIN(name) AS name,
    region_code AS geo,
    MIN(listed_on) AS first_listed_on,
    COUNT(DISTINCT whitelist_id) AS lists,
    MAX(synthetic) AS synthetic
  FROM finance_whitelisted
  WHERE
    listed_on BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE)
  GROUP BY
    party_key,
    region_code
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    TRUE) AS finance_whitelist_enterprises
FROM finance_whitelist_enterprises
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
