WITH patent_attribution AS (
  -- Every patent with its attribution key (归属): the first patentee's region at the finest level the
  -- record knows — county (region_code), else city, else province, else '' (domestic, region unknown).
  SELECT
    p.*,
    coalesce(p.region_code, p.city_code, p.province_code, '') AS geo
  FROM patents AS p
),
patent_events AS (
  -- Transfers, licences and pledges registered in the period 2023-01-01 … 2023-12-31, attributed to
  -- the region of the patent's first patentee (domestic patents only).
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
  JOIN patent_attribution AS p ON p.application_number = e.application_number
  WHERE p.is_domestic
    AND e.event_date BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE event_type = 'transfer') AS patent_transfers,
  count(*) FILTER (WHERE event_type = 'licence') AS patent_licences,
  count(*) FILTER (WHERE event_type = 'pledge') AS ip_pledge_count,
  coalesce(sum(amount_yuan) FILTER (WHERE event_type = 'pledge'), 0) AS ip_pledge_amount
FROM patent_events
GROUP BY geo
ORDER BY geo
