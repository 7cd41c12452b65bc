-- 资助奖励: every award of a subsidy round with its payment, in the applicant's registered region;
-- a payment after ${as_of} is not known on it. Amounts are exact yuan (DECIMAL(18,2)).
SELECT
  award_id,
  programme,
  round_number,
  applicant,
  applicant_key,
  region_code AS geo,
  awarded_yuan,
  CASE WHEN disbursed_on <= DATE '${as_of}' THEN disbursed_on END AS disbursed_on,
  voucher,
  coalesce(disbursed_on BETWEEN DATE '${period_start}' AND DATE '${as_of}', FALSE) AS paid_in_period,
  synthetic
FROM services_subsidy_awards
WHERE round_state IN ('published', 'concluded')
