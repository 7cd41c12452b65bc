WITH domestic_trademarks AS (
  -- 有效注册商标: registered on or before 2023-12-31, term not expired, not cancelled, invalidated or
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
      t.registration_date <= DATE '2023-12-31'
      AND (t.expiry_date IS NULL OR t.expiry_date > DATE '2023-12-31')
      AND CASE
        WHEN t.status IN ('cancelled', 'invalidated', 'expired')
          THEN coalesce(t.status_date, t.expiry_date) > DATE '2023-12-31'
        ELSE TRUE
      END,
      FALSE
    ) AS is_valid,
    coalesce(t.registration_date BETWEEN DATE '2023-01-01' AND DATE '2023-12-31', FALSE) AS registered_in_period
  FROM trademarks AS t
  WHERE t.is_domestic
)
SELECT
  geo,
  count(*) FILTER (WHERE is_valid) AS valid_trademarks,
  count(*) FILTER (WHERE registered_in_period) AS trademark_registrations
FROM domestic_trademarks
GROUP BY geo
ORDER BY geo
