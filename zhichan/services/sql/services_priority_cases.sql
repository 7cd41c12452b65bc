-- 优先审查推荐: every recommendation (令85号) as the workflow database stood at its last export,
-- made on or before ${as_of}, in the handling office's region; a later notice, conclusion or return
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
  CASE WHEN notice_date <= DATE '${as_of}' THEN notice_date END AS notice_date,
  CASE WHEN concluded_on <= DATE '${as_of}' THEN concluded_on END AS concluded_on,
  CASE WHEN returned_on <= DATE '${as_of}' THEN returned_on END AS returned_on,
  recommended_on >= DATE '${period_start}' AS recommended_in_period,
  synthetic
FROM services_priority
WHERE recommended_on <= DATE '${as_of}'
