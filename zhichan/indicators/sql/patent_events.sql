-- Transfers, licences and pledges registered in the period ${period_start} … ${as_of}, attributed to
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
  AND e.event_date BETWEEN DATE '${period_start}' AND DATE '${as_of}'
