WITH services_priority_cases AS (
  -- 优先审查推荐: every recommendation (令85号) as the workflow database stood at its last export,
  -- made on or before 2023-12-31, in the handling office's region; a later notice, conclusion or return
  -- is not known on the as-of date.
  SELECT
    case_id,
    number,
    region_code AS geo,
    application_number,
    subject,
    applicant,
    applicant_key,
    recommended_on,
    CASE WHEN notice_date <= DATE '2023-12-31' THEN notice_date END AS notice_date,
    CASE WHEN concluded_on <= DATE '2023-12-31' THEN concluded_on END AS concluded_on,
    CASE WHEN returned_on <= DATE '2023-12-31' THEN returned_on END AS returned_on,
    recommended_on >= DATE '2023-01-01' AS recommended_in_period,
    synthetic
  FROM services_priority
  WHERE recommended_on <= DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE recommended_in_period) AS priority_recommended
FROM services_priority_cases
GROUP BY geo
ORDER BY geo
