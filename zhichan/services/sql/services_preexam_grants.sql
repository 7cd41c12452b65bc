-- 预审案件授权: pre-examined applications whose grant was recorded, in the handling office's region.
-- The filing and grant dates are the corpus's where the corpus has the application number, else the
-- dates recorded at the grant step (date_source says which); days_to_grant = grant − filing.
SELECT
  g.case_id,
  g.number,
  g.region_code AS geo,
  g.centre,
  g.applicant,
  g.applicant_key,
  g.application_number,
  coalesce(p.application_date, g.filed_on) AS filing_date,
  coalesce(p.grant_date, g.granted_on) AS grant_date,
  date_diff('day', coalesce(p.application_date, g.filed_on), coalesce(p.grant_date, g.granted_on)) AS days_to_grant,
  CASE WHEN p.grant_date IS NOT NULL THEN 'corpus' ELSE 'recorded' END AS date_source,
  coalesce(p.grant_date, g.granted_on) >= DATE '${period_start}' AS granted_in_period,
  g.synthetic
FROM services_preexam_grants AS g
LEFT JOIN patents AS p ON p.application_number = g.application_number
WHERE coalesce(p.grant_date, g.granted_on) <= DATE '${as_of}'
