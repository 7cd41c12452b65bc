WITH exchange_listing_posts AS (
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
    listed_on >= CAST('2023-01-01' AS DATE) AS listed_in_period,
    synthetic
  FROM exchange_listings
  WHERE
    listed_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    listed_in_period) AS exchange_listings_posted
FROM exchange_listing_posts
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
