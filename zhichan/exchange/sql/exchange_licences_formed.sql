-- 开放许可实施: licences formed under published open licences (written notice plus payment, 专利法
-- 第五十一条) from the day they took effect, attributed to the patentee organization's region.
SELECT
  grant_id,
  declaration_id,
  application_number,
  patentee,
  party_key,
  licensee,
  region_code AS geo,
  effective_on,
  CASE WHEN recorded_on <= DATE '${as_of}' THEN recorded_on END AS recorded_on,
  paid_yuan,
  effective_on >= DATE '${period_start}' AS formed_in_period,
  synthetic
FROM exchange_licences
WHERE effective_on <= DATE '${as_of}'
