WITH credit_listing_status AS (
  SELECT
    listing_id,
    subject,
    subject_key,
    ground,
    decision_number,
    region_code AS geo,
    listed_from,
    listed_until,
    repaired_on,
    published_on,
    listed_until >= CAST('2023-12-31' AS DATE)
    AND (
      repaired_on IS NULL OR repaired_on > CAST('2023-12-31' AS DATE)
    ) AS in_force,
    listed_from >= CAST('2023-01-01' AS DATE) AS listed_in_period,
    synthetic
  FROM credit_listings
  WHERE
    listed_from <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    in_force) AS credit_listings_in_force,
  COUNT(*) FILTER(WHERE
    listed_in_period) AS credit_listings_new
FROM credit_listing_status
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
