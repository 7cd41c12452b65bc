WITH services_preexam_grants AS (
  SELECT
    g.case_id,
    g.number,
    g.region_code AS geo,
    g.centre,
    g.applicant,
    g.applicant_key,
    g.application_number,
    COALESCE(p.application_date, g.filed_on) AS filing_date,
    COALESCE(p.grant_date, g.granted_on) AS grant_date,
    DATEDIFF(DAY, COALESCE(p.application_date, g.filed_on), COALESCE(p.grant_date, g.granted_on)) AS days_to_grant,
    CASE WHEN NOT p.grant_date IS NULL THEN 'corpus' ELSE 'recorded' END AS date_source,
    COALESCE(p.grant_date, g.granted_on) >= CAST('2023-01-01' AS DATE) AS granted_in_period,
    g.synthetic
  FROM services_preexam_grants AS g
  LEFT JOIN patents AS p
    ON p.application_number = g.application_number
  WHERE
    COALESCE(p.grant_date, g.granted_on) <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    granted_in_period) AS preexam_granted,
  COALESCE(SUM(days_to_grant) FILTER(WHERE
    granted_in_period), 0) AS preexam_days_to_grant_total
FROM services_preexam_grants
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
