-- 挂牌: every listing posted on or before ${as_of}, attributed to the listing organization's region.
-- The export holds each listing's state as it stood then (withdrawal and conclusion keep no date).
SELECT
  listing_id,
  asset_kind,
  asset_number,
  title,
  mode,
  state,
  price_yuan,
  owner,
  party_key,
  region_code AS geo,
  listed_on,
  listed_on >= DATE '${period_start}' AS listed_in_period,
  synthetic
FROM exchange_listings
WHERE listed_on <= DATE '${as_of}'
