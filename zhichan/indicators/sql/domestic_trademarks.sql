-- 有效注册商标: registered on or before ${as_of}, term not expired, not cancelled, invalidated or
-- expired on or before it (the status date dates a cancellation; an ended mark without one is
-- not counted). Domestic registrants only, by the registrant's region.
SELECT
  t.registration_number,
  t.mark_name,
  t.nice_class,
  t.mark_kind,
  t.is_geographical_indication,
  t.registrant,
  coalesce(t.region_code, t.city_code, t.province_code, '') AS geo,
  t.application_date,
  t.registration_date,
  t.expiry_date,
  t.status,
  t.status_date,
  t.synthetic,
  coalesce(
    t.registration_date <= DATE '${as_of}'
    AND (t.expiry_date IS NULL OR t.expiry_date > DATE '${as_of}')
    AND CASE
      WHEN t.status IN ('cancelled', 'invalidated', 'expired')
        THEN coalesce(t.status_date, t.expiry_date) > DATE '${as_of}'
      ELSE TRUE
    END,
    FALSE
  ) AS is_valid,
  coalesce(t.registration_date BETWEEN DATE '${period_start}' AND DATE '${as_of}', FALSE) AS registered_in_period
FROM trademarks AS t
WHERE t.is_domestic
