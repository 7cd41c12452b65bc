WITH exchange_dormant_status AS (
  -- 存量专利盘活: the patents universities' and institutes' inventories found dormant on or before 2023-12-31
  -- (in force, never transferred or licensed on the inventory day), attributed to the institution's region;
  -- each one's approval into the 转化资源库, listing and activation (a transfer or licence recorded after the
  -- inventory, or a deal's signed contract) as they stood on 2023-12-31.
  SELECT
    dormant_id,
    application_number,
    title,
    institution,
    party_key,
    region_code AS geo,
    inventoried_on,
    CASE WHEN approved_on <= DATE '2023-12-31' THEN approved_on END AS approved_on,
    CASE WHEN listed_on <= DATE '2023-12-31' THEN listed_on END AS listed_on,
    CASE WHEN activated_on <= DATE '2023-12-31' THEN activated_on END AS activated_on,
    CASE WHEN activated_on <= DATE '2023-12-31' THEN activated_by END AS activated_by,
    TRUE AS inventoried,
    coalesce(approved_on <= DATE '2023-12-31', FALSE) AND coalesce(activated_on > DATE '2023-12-31', TRUE) AS in_pool,
    coalesce(activated_on BETWEEN DATE '2023-01-01' AND DATE '2023-12-31', FALSE) AS activated_in_period,
    synthetic
  FROM exchange_dormant_patents
  WHERE inventoried_on <= DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE inventoried) AS exchange_dormant_inventoried,
  count(*) FILTER (WHERE in_pool) AS exchange_dormant_in_pool,
  count(*) FILTER (WHERE activated_in_period) AS exchange_dormant_activated
FROM exchange_dormant_status
GROUP BY geo
ORDER BY geo
