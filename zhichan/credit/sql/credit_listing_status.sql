-- 失信名单: every listing decided on or before ${as_of} (zhichan.credit: one row per listing decision),
-- attributed to the deciding organization's region. In force on ${as_of} exactly as
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
  listed_until >= DATE '${as_of}' AND (repaired_on IS NULL OR repaired_on > DATE '${as_of}') AS in_force,
  listed_from >= DATE '${period_start}' AS listed_in_period,
  synthetic
FROM credit_listings
WHERE listed_from <= DATE '${as_of}'
