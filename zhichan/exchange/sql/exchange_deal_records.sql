-- 交易: deals whose contract was signed on or before ${as_of} (abandoned deals are left out: the
-- export keeps no date of the abandonment), with the contract price, attributed to the seller
-- organization's region.
SELECT
  deal_id,
  case_id,
  application_number,
  title,
  seller,
  party_key,
  buyer,
  pricing_method,
  trading_mode,
  deal_kind,
  contract_price AS amount_yuan,
  contract_on,
  CASE WHEN recorded_on <= DATE '${as_of}' THEN recorded_on END AS recorded_on,
  region_code AS geo,
  contract_on >= DATE '${period_start}' AS contracted_in_period,
  deal_kind IN ('独占许可', '排他许可', '普通许可') AS is_licence,
  synthetic
FROM exchange_deals
WHERE contract_on IS NOT NULL AND contract_on <= DATE '${as_of}' AND state <> 'abandoned'
