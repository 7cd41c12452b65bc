WITH domestic_trademarks AS (
  SELECT
    t.registration_number,
    t.mark_name,
    t.nice_class,
    t.mark_kind,
    t.is_geographical_indication,
    t.registrant,
    COALESCE(t.region_code, t.city_code, t.province_code, '') AS geo,
    t.application_date,
    t.registration_date,
    t.expiry_date,
    t.status,
    t.status_date,
    t.synthetic,
    COALESCE(
      t.registration_date <= CAST('2023-12-31' AS DATE)
      AND (
        t.expiry_date IS NULL OR t.expiry_date > CAST('2023-12-31' AS DATE)
      )
      AND CASE
        WHEN t.status IN ('cancelled', 'invalidated', 'expired')
        THEN COALESCE(t.status_date, t.expiry_date) > CAST('2023-12-31' AS DATE)
        ELSE TRUE
      END,
      FALSE
    ) AS is_valid,
    COALESCE(
      t.registration_date BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE),
      FALSE
    ) AS registered_in_period
  FROM trademarks AS t
  WHERE
    t.is_domestic
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    is_valid) AS valid_trademarks,
  COUNT(*) FILTER(WHERE
    registered_in_period) AS trademark_registrations
FROM domestic_trademarks
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
