WITH exchange_deal_records AS (
  -- 交易: deals whose contract was signed on or before 2023-12-31 (abandoned deals are left out: the
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
    CASE WHEN recorded_on <= DATE '2023-12-31' THEN recorded_on END AS recorded_on,
    region_code AS geo,
    contract_on >= DATE '2023-01-01' AS contracted_in_period,
    deal_kind IN ('独占许可', '排他许可', '普通许可') AS is_licence,
    synthetic
  FROM exchange_deals
  WHERE contract_on IS NOT NULL AND contract_on <= DATE '2023-12-31' AND state <> 'abandoned'
)
SELECT
  geo,
  count(*) FILTER (WHERE contracted_in_period AND is_licence) AS exchange_licence_deals,
  count(*) FILTER (WHERE contracted_in_period) AS exchange_deals_contracted,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period), 0) AS exchange_deal_amount,
  count(*) FILTER (WHERE contracted_in_period AND pricing_method = '协议定价') AS exchange_deals_method_agreed,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND pricing_method = '协议定价'), 0) AS exchange_deal_amount_method_agreed,
  count(*) FILTER (WHERE contracted_in_period AND pricing_method = '评估定价') AS exchange_deals_method_appraised,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND pricing_method = '评估定价'), 0) AS exchange_deal_amount_method_appraised,
  count(*) FILTER (WHERE contracted_in_period AND pricing_method = '网络竞价') AS exchange_deals_method_online_bidding,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND pricing_method = '网络竞价'), 0) AS exchange_deal_amount_method_online_bidding,
  count(*) FILTER (WHERE contracted_in_period AND pricing_method = '拍卖竞价') AS exchange_deals_method_auction,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND pricing_method = '拍卖竞价'), 0) AS exchange_deal_amount_method_auction,
  count(*) FILTER (WHERE contracted_in_period AND pricing_method = '竞争性谈判') AS exchange_deals_method_negotiation,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND pricing_method = '竞争性谈判'), 0) AS exchange_deal_amount_method_negotiation,
  count(*) FILTER (WHERE contracted_in_period AND pricing_method = '大数据系统估价') AS exchange_deals_method_system_valuation,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND pricing_method = '大数据系统估价'), 0) AS exchange_deal_amount_method_system_valuation,
  count(*) FILTER (WHERE contracted_in_period AND trading_mode = '协议交易') AS exchange_deals_mode_agreement,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND trading_mode = '协议交易'), 0) AS exchange_deal_amount_mode_agreement,
  count(*) FILTER (WHERE contracted_in_period AND trading_mode = '竞价交易') AS exchange_deals_mode_bidding,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND trading_mode = '竞价交易'), 0) AS exchange_deal_amount_mode_bidding,
  count(*) FILTER (WHERE contracted_in_period AND trading_mode = '定向交易') AS exchange_deals_mode_directed,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND trading_mode = '定向交易'), 0) AS exchange_deal_amount_mode_directed,
  count(*) FILTER (WHERE contracted_in_period AND trading_mode = '挂牌转让') AS exchange_deals_mode_listed,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND trading_mode = '挂牌转让'), 0) AS exchange_deal_amount_mode_listed,
  count(*) FILTER (WHERE contracted_in_period AND trading_mode = '联盟交易') AS exchange_deals_mode_alliance,
  coalesce(sum(amount_yuan) FILTER (WHERE contracted_in_period AND trading_mode = '联盟交易'), 0) AS exchange_deal_amount_mode_alliance
FROM exchange_deal_records
GROUP BY geo
ORDER BY geo
