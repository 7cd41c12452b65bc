-- 存量专利盘活: the patents universities' and institutes' inventories found dormant on or before ${as_of}
-- (in force, never transferred or licensed on the inventory day), attributed to the institution's region;
-- each one's approval into the 转化资源库, listing and activation (a transfer or licence recorded after the
-- inventory, or a deal's signed contract) as they stood on ${as_of}.
SELECT
  dormant_id,
  application_number,
  title,
  institution,
  party_key,
  region_code AS geo,
  inventoried_on,
  CASE WHEN approved_on <= DATE '${as_of}' THEN approved_on END AS approved_on,
  CASE WHEN listed_on <= DATE '${as_of}' THEN listed_on END AS listed_on,
  CASE WHEN activated_on <= DATE '${as_of}' THEN activated_on END AS activated_on,
  CASE WHEN activated_on <= DATE '${as_of}' THEN activated_by END AS activated_by,
  TRUE AS inventoried,
  coalesce(approved_on <= DATE '${as_of}', FALSE) AND coalesce(activated_on > DATE '${as_of}', TRUE) AS in_pool,
  coalesce(activated_on BETWEEN DATE '${period_start}' AND DATE '${as_of}', FALSE) AS activated_in_period,
  synthetic
FROM exchange_dormant_patents
WHERE inventoried_on <= DATE '${as_of}'
