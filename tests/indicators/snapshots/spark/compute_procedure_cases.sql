WITH procedure_cases AS (
  SELECT
    case_id,
    number,
    procedure,
    domain,
    jurisdiction,
    CASE
      WHEN NOT closed_on IS NULL AND closed_on <= CAST('2023-12-31' AS DATE)
      THEN state
      ELSE 'open'
    END AS state,
    region_code AS geo,
    party_key,
    opened_on,
    CASE WHEN closed_on <= CAST('2023-12-31' AS DATE) THEN closed_on END AS closed_on,
    cycle_started_on,
    CASE WHEN cycle_stopped_on <= CAST('2023-12-31' AS DATE) THEN cycle_stopped_on END AS cycle_stopped_on,
    CASE WHEN cycle_stopped_on <= CAST('2023-12-31' AS DATE) THEN cycle_paused_days END AS cycle_paused_days,
    CASE WHEN cycle_stopped_on <= CAST('2023-12-31' AS DATE) THEN cycle_days END AS cycle_days,
    CASE WHEN cycle_stopped_on <= CAST('2023-12-31' AS DATE) THEN cycle_in_time END AS cycle_in_time,
    overdue_clocks,
    opened_on >= CAST('2023-01-01' AS DATE) AS opened_in_period,
    COALESCE(closed_on BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE), FALSE) AS closed_in_period,
    COALESCE(
      NOT cycle_days IS NULL
      AND cycle_stopped_on BETWEEN CAST('2023-01-01' AS DATE) AND CAST('2023-12-31' AS DATE),
      FALSE
    ) AS cycle_ended_in_period,
    synthetic
  FROM cases
  WHERE
    opened_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    domain = 'protection' AND opened_in_period) AS protection_cases_opened,
  COUNT(*) FILTER(WHERE
    domain = 'protection' AND closed_in_period) AS protection_cases_closed,
  COUNT(*) FILTER(WHERE
    domain = 'protection' AND closed_in_period AND overdue_clocks = 0) AS protection_cases_closed_in_time,
  COUNT(*) FILTER(WHERE
    domain = 'finance' AND opened_in_period) AS finance_cases_opened,
  COUNT(*) FILTER(WHERE
    domain = 'finance' AND closed_in_period) AS finance_cases_closed,
  COUNT(*) FILTER(WHERE
    domain = 'finance' AND closed_in_period AND overdue_clocks = 0) AS finance_cases_closed_in_time,
  COUNT(*) FILTER(WHERE
    domain = 'exchange' AND opened_in_period) AS exchange_cases_opened,
  COUNT(*) FILTER(WHERE
    domain = 'exchange' AND closed_in_period) AS exchange_cases_closed,
  COUNT(*) FILTER(WHERE
    domain = 'exchange' AND closed_in_period AND overdue_clocks = 0) AS exchange_cases_closed_in_time,
  COUNT(*) FILTER(WHERE
    domain = 'services' AND opened_in_period) AS services_cases_opened,
  COUNT(*) FILTER(WHERE
    domain = 'services' AND closed_in_period) AS services_cases_closed,
  COUNT(*) FILTER(WHERE
    domain = 'services' AND closed_in_period AND overdue_clocks = 0) AS services_cases_closed_in_time,
  COUNT(*) FILTER(WHERE
    domain = 'dataip' AND opened_in_period) AS dataip_cases_opened,
  COUNT(*) FILTER(WHERE
    domain = 'dataip' AND closed_in_period) AS dataip_cases_closed,
  COUNT(*) FILTER(WHERE
    domain = 'dataip' AND closed_in_period AND overdue_clocks = 0) AS dataip_cases_closed_in_time,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.patent_dispute' AND cycle_ended_in_period) AS adjudication_cycle_cases,
  COALESCE(
    SUM(cycle_days) FILTER(WHERE
      procedure = 'protection.patent_dispute' AND cycle_ended_in_period),
    0
  ) AS adjudication_cycle_days_total,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.patent_dispute'
    AND cycle_ended_in_period
    AND cycle_in_time) AS adjudication_closed_on_time,
  COUNT(*) FILTER(WHERE
    closed_in_period
    AND (
      (
        procedure = 'protection.patent_dispute'
        AND state IN ('mediated', 'mediated_confirmed', 'mediated_unconfirmed')
      )
      OR (
        procedure = 'protection.mediation'
        AND state IN ('closed', 'confirmed', 'unconfirmed')
      )
    )) AS protection_mediated,
  COUNT(*) FILTER(WHERE
    procedure = 'services.search_service' AND opened_in_period) AS services_applications_search_service,
  COUNT(*) FILTER(WHERE
    procedure = 'services.priority_exam' AND opened_in_period) AS services_applications_priority_exam,
  COUNT(*) FILTER(WHERE
    procedure = 'services.preexam_filing' AND opened_in_period) AS services_applications_preexam_filing,
  COUNT(*) FILTER(WHERE
    procedure = 'services.preexam_case' AND opened_in_period) AS services_applications_preexam_case,
  COUNT(*) FILTER(WHERE
    (
      procedure = 'services.search_service'
      OR procedure = 'services.priority_exam'
      OR procedure = 'services.preexam_filing'
      OR procedure = 'services.preexam_case'
    )
    AND cycle_ended_in_period) AS services_cycle_cases,
  COALESCE(
    SUM(cycle_days) FILTER(WHERE
      (
        procedure = 'services.search_service'
        OR procedure = 'services.priority_exam'
        OR procedure = 'services.preexam_filing'
        OR procedure = 'services.preexam_case'
      )
      AND cycle_ended_in_period),
    0
  ) AS services_cycle_days_total,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.complaint' AND opened_in_period) AS protection_complaints_received,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.complaint' AND closed_in_period) AS protection_complaints_closed,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.patent_dispute' AND opened_in_period) AS protection_adjudications_received,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.patent_dispute' AND closed_in_period) AS protection_adjudications_closed,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.mediation' AND opened_in_period) AS protection_mediations_received,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.mediation' AND closed_in_period) AS protection_mediations_closed,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.ecommerce_notice' AND opened_in_period) AS protection_ecommerce_received,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.ecommerce_notice' AND closed_in_period) AS protection_ecommerce_closed,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.exhibition' AND opened_in_period) AS protection_exhibitions_received,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.exhibition' AND closed_in_period) AS protection_exhibitions_closed,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.police_transfer' AND opened_in_period) AS protection_police_transfers_received,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.police_transfer' AND closed_in_period) AS protection_police_transfers_closed,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.enforcement' AND opened_in_period) AS protection_enforcements_received,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.enforcement' AND closed_in_period) AS protection_enforcements_closed,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.overseas_guidance' AND opened_in_period) AS protection_overseas_guidance_received,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.overseas_guidance' AND closed_in_period) AS protection_overseas_guidance_closed,
  COUNT(*) FILTER(WHERE
    procedure = 'protection.mediation'
    AND closed_in_period
    AND state IN ('closed', 'confirmed', 'unconfirmed')) AS protection_mediations_agreed
FROM procedure_cases
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
