-- 白名单企业获贷: each bank's approval (授信) of a whitelisted enterprise, with its loan amount, recorded
-- on or before ${as_of}, in the listing bureau's region.
SELECT
  entry_id,
  party_key,
  name,
  region_code AS geo,
  bank,
  loan_amount,
  decided_on,
  decided_on >= DATE '${period_start}' AS decided_in_period,
  synthetic
FROM finance_whitelisted
WHERE decision = 'approved' AND loan_amount IS NOT NULL AND decided_on <= DATE '${as_of}'
