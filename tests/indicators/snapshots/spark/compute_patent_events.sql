WITH patent_attribution AS (
  SELECT
    p.*,
    COALESCE(p.region_code, p.city_code, p.province_code, '') AS geo
  FROM patents AS p
), patent_events AS (
  SELECT
    e.event_id,
    e.application_number,
    e.event_type,
    e.event_date,
    e.amount_yuan,
    e.party_from,
    e.party_to,
    p.title,
    p.kind,
    p.geo,
    p.first_patentee,
    p.first_patentee_key,
    p.first_patentee_type,
    e.synthetic
  FROM events AS e
  JOIN patent_attribution AS p
    ON p.application_number = e.application_number
  WHERE
    p.is_domestic
    AND e.event_date BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    event_type = 'transfer') AS patent_transfers,
  COUNT(*) FILTER(WHERE
    event_type = 'licence') AS patent_licences,
  COUNT(*) FILTER(WHERE
    event_type = 'pledge') AS ip_pledge_count,
  COALESCE(SUM(amount_yuan) FILTER(WHERE
    event_type = 'pledge'), 0) AS ip_pledge_amount
FROM patent_events
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
