WITH credit_listing_status AS (
  -- 失信名单: every listing decided on or before 2023-12-31 (zhichan.credit: one row per listing decision),
  -- attributed to the deciding organization's region. In force on 2023-12-31 exactly as
  -- zhichan.credit.service.active_listing decides it: from listed_from through listed_until, unless repaired
  -- on or before the day.
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
    listed_until >= DATE '2023-12-31' AND (repaired_on IS NULL OR repaired_on > DATE '2023-12-31') AS in_force,
    listed_from >= DATE '2023-01-01' AS listed_in_period,
    synthetic
  FROM credit_listings
  WHERE listed_from <= DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE in_force) AS credit_listings_in_force,
  count(*) FILTER (WHERE listed_in_period) AS credit_listings_new
FROM credit_listing_status
GROUP BY geo
ORDER BY geo
