WITH pledge_totals AS (
  SELECT
    application_number,
    SUM(amount_yuan) AS pledge_amount_yuan
  FROM events
  WHERE
    event_type = 'pledge' AND event_date <= CAST('2023-12-31' AS DATE)
  GROUP BY
    application_number
), award_winners AS (
  SELECT DISTINCT
    application_number
  FROM events
  WHERE
    event_type = 'award'
    AND event_date <= CAST('2023-12-31' AS DATE)
    AND (
      detail LIKE 'china_patent_award%' OR detail LIKE 'national_sti_award%'
    )
), patent_attribution AS (
  SELECT
    p.*,
    COALESCE(p.region_code, p.city_code, p.province_code, '') AS geo
  FROM patents AS p
), patent_flags AS (
  SELECT
    p.application_number,
    p.title,
    p.kind,
    p.is_domestic,
    p.geo,
    p.region_code,
    p.first_patentee,
    p.first_patentee_key,
    p.first_patentee_type,
    p.application_date,
    p.grant_date,
    p.lapse_date,
    p.legal_status,
    p.main_ipc,
    p.sei_codes,
    p.pct_application_number,
    p.synthetic,
    COALESCE(pledge.pledge_amount_yuan, 0) AS pledge_amount_yuan,
    COALESCE(
      p.grant_date <= CAST('2023-12-31' AS DATE)
      AND CASE
        WHEN NOT p.lapse_date IS NULL
        THEN p.lapse_date > CAST('2023-12-31' AS DATE)
        WHEN p.status_group = 'invalid'
        THEN p.legal_status_date > CAST('2023-12-31' AS DATE)
        ELSE TRUE
      END
      AND (
        p.application_date > CASE
          WHEN p.kind = 'invention'
          THEN CAST('2003-12-31' AS DATE)
          WHEN p.kind = 'design' AND p.application_date >= CAST('2021-06-01' AS DATE)
          THEN CAST('2008-12-31' AS DATE)
          ELSE CAST('2013-12-31' AS DATE)
        END
        OR COALESCE(comp.term_end >= CAST('2023-12-31' AS DATE), FALSE)
      ),
      FALSE
    ) AS is_valid,
    COALESCE(SIZE(p.sei_codes) > 0, FALSE) AS sei_flag,
    COALESCE(p.family_granted_abroad, FALSE) AS overseas_family_flag,
    p.application_date <= CAST('2013-12-31' AS DATE) AS maintained_10y_flag,
    COALESCE(pledge.pledge_amount_yuan >= 10000000.00, FALSE) AS pledge_flag,
    NOT award.application_number IS NULL AS award_flag,
    COALESCE(
      p.application_date BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE),
      FALSE
    ) AS filed_in_period,
    COALESCE(
      p.grant_date BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE),
      FALSE
    ) AS granted_in_period,
    COALESCE(
      p.pct_application_date BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE),
      FALSE
    ) AS pct_filed_in_period
  FROM patent_attribution AS p
  LEFT JOIN pledge_totals AS pledge
    ON pledge.application_number = p.application_number
  LEFT JOIN award_winners AS award
    ON award.application_number = p.application_number
  LEFT JOIN term_compensations AS comp
    ON comp.application_number = p.application_number
), patent_status AS (
  SELECT
    *,
    kind = 'invention' AND is_valid AS is_valid_invention,
    kind = 'invention'
    AND is_valid
    AND (
      sei_flag OR overseas_family_flag OR maintained_10y_flag OR pledge_flag OR award_flag
    ) AS is_high_value
  FROM patent_flags
), domestic_patents AS (
  SELECT
    *
  FROM patent_status
  WHERE
    is_domestic
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    filed_in_period) AS patent_applications,
  COUNT(*) FILTER(WHERE
    filed_in_period AND kind = 'invention') AS invention_applications,
  COUNT(*) FILTER(WHERE
    filed_in_period AND kind = 'utility_model') AS utility_model_applications,
  COUNT(*) FILTER(WHERE
    filed_in_period AND kind = 'design') AS design_applications,
  COUNT(*) FILTER(WHERE
    granted_in_period) AS patent_grants,
  COUNT(*) FILTER(WHERE
    granted_in_period AND kind = 'invention') AS invention_grants,
  COUNT(*) FILTER(WHERE
    granted_in_period AND kind = 'utility_model') AS utility_model_grants,
  COUNT(*) FILTER(WHERE
    granted_in_period AND kind = 'design') AS design_grants,
  COUNT(*) FILTER(WHERE
    pct_filed_in_period) AS pct_applications,
  COUNT(*) FILTER(WHERE
    is_valid_invention) AS valid_inventions,
  COUNT(*) FILTER(WHERE
    is_high_value) AS high_value_inventions,
  COUNT(*) FILTER(WHERE
    is_valid_invention AND sei_flag) AS high_value_sei,
  COUNT(*) FILTER(WHERE
    is_valid_invention AND overseas_family_flag) AS high_value_overseas_family,
  COUNT(*) FILTER(WHERE
    is_valid_invention AND maintained_10y_flag) AS high_value_maintained_10y,
  COUNT(*) FILTER(WHERE
    is_valid_invention AND pledge_flag) AS high_value_pledge,
  COUNT(*) FILTER(WHERE
    is_valid_invention AND award_flag) AS high_value_award
FROM domestic_patents
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
