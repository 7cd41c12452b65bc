WITH finance_whitelist_enterprises AS (
  -- 白名单企业: each enterprise on a whitelist made from 2023-01-01 to 2023-12-31, once per listing
  -- bureau's region however many lists name it.
  SELECT
    party_key,
    min(name) AS name,
    region_code AS geo,
    min(listed_on) AS first_listed_on,
    count(DISTINCT whitelist_id) AS lists,
    max(synthetic) AS synthetic
  FROM finance_whitelisted
  WHERE listed_on BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'
  GROUP BY party_key, region_code
)
SELECT
  geo,
  count(*) FILTER (WHERE TRUE) AS finance_whitelist_enterprises
FROM finance_whitelist_enterprises
GROUP BY geo
ORDER BY geo
