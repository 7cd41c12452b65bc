-- 白名单企业: each enterprise on a whitelist made from ${period_start} to ${as_of}, once per listing
-- bureau's region however many lists name it.
SELECT
  party_key,
  min(name) AS name,
  region_code AS geo,
  min(listed_on) AS first_listed_on,
  count(DISTINCT whitelist_id) AS lists,
  max(synthetic) AS synthetic
FROM finance_whitelisted
WHERE listed_on BETWEEN DATE '${period_start}' AND DATE '${as_of}'
GROUP BY party_key, region_code
