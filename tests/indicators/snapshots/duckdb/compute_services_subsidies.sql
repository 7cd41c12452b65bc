WITH services_subsidies AS (
  -- 资助奖励: every award of a subsidy round with its payment, in the applicant's registered region;
  -- a payment after 2023-12-31 is not known on it. Amounts are exact yuan (DECIMAL(18,2)).
  SELECT
    award_id,
    programme,
    round_number,
    applicant,
    applicant_key,
    region_code AS geo,
    awarded_yuan,
    CASE WHEN disbursed_on <= DATE '2023-12-31' THEN disbursed_on END AS disbursed_on,
    voucher,
    coalesce(disbursed_on BETWEEN DATE '2023-01-01' AND DATE '2023-12-31', FALSE) AS paid_in_period,
    synthetic
  FROM services_subsidy_awards
  WHERE round_state IN ('published', 'concluded')
)
SELECT
  geo,
  count(*) FILTER (WHERE paid_in_period) AS subsidies_paid_count,
  coalesce(sum(awarded_yuan) FILTER (WHERE paid_in_period), 0) AS subsidies_paid
FROM services_subsidies
GROUP BY geo
ORDER BY geo
