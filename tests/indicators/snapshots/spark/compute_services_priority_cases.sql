WITH services_priority_cases AS (
  SELECT
    case_id,
    number,
    region_code AS geo,
    application_number,
    subject,
    applicant,
    applicant_key,
    recommended_on,
    CASE WHEN notice_date <= CAST('2023-12-31' AS DATE) THEN notice_date END AS notice_date,
    CASE WHEN concluded_on <= CAST('2023-12-31' AS DATE) THEN concluded_on END AS concluded_on,
    CASE WHEN returned_on <= CAST('2023-12-31' AS DATE) THEN returned_on END AS returned_on,
    recommended_on >= CAST('2023-01-01' AS DATE) AS recommended_in_period,
    synthetic
  FROM services_priority
  WHERE
    recommended_on <= CAST('2023-12-31' AS DATE)
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    recommended_in_period) AS priority_recommended
FROM services_priority_cases
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
