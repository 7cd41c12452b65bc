WITH exchange_listing_posts AS (
  -- 挂牌: every listing posted on or before 2023-12-31, attributed to the listing organization's region.
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
    listed_on >= DATE '2023-01-01' AS listed_in_period,
    synthetic
  FROM exchange_listings
  WHERE listed_on <= DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE listed_in_period) AS exchange_listings_posted
FROM exchange_listing_posts
GROUP BY geo
ORDER BY geo
