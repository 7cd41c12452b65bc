WITH exchange_deal_records AS (
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
    CASE WHEN recorded_on <= CAST('2023-12-31' AS DATE) THEN recorded_on END AS recorded_on,
    region_code AS geo,
    contract_on >= CAST('2023-01-01' AS DATE) AS contracted_in_period,
    deal_kind IN ('独占许可', '排他许可', '普通许可') AS is_licence,
    synthetic
  FROM exchange_deals
  WHERE
    NOT contract_on IS NULL
    AND contract_on <= CAST('2023-12-31' AS DATE)
    AND state <> 'abandoned'
)
SELECT
  geo,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND is_licence) AS exchange_licence_deals,
  COUNT(*) FILTER(WHERE
    contracted_in_period) AS exchange_deals_contracted,
  COALESCE(SUM(amount_yuan) FILTER(WHERE
    contracted_in_period), 0) AS exchange_deal_amount,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND pricing_method = '协议定价') AS exchange_deals_method_agreed,
  COALESCE(
    SUM(amount_yuan) FILTER(WHERE
      contracted_in_period AND pricing_method = '协议定价'),
    0
  ) AS exchange_deal_amount_method_agreed,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND pricing_method = '评估定价') AS exchange_deals_method_appraised,
  COALESCE(
    SUM(amount_yuan) FILTER(WHERE
      contracted_in_period AND pricing_method = '评估定价'),
    0
  ) AS exchange_deal_amount_method_appraised,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND pricing_method = '网络竞价') AS exchange_deals_method_online_bidding,
  COALESCE(
    SUM(amount_yuan) FILTER(WHERE
      contracted_in_period AND pricing_method = '网络竞价'),
    0
  ) AS exchange_deal_amount_method_online_bidding,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND pricing_method = '拍卖竞价') AS exchange_deals_method_auction,
  COALESCE(
    SUM(amount_yuan) FILTER(WHERE
      contracted_in_period AND pricing_method = '拍卖竞价'),
    0
  ) AS exchange_deal_amount_method_auction,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND pricing_method = '竞争性谈判') AS exchange_deals_method_negotiation,
  COALESCE(
    SUM(amount_yuan) FILTER(WHERE
      contracted_in_period AND pricing_method = '竞争性谈判'),
    0
  ) AS exchange_deal_amount_method_negotiation,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND pricing_method = '大数据系统估价') AS exchange_deals_method_system_valuation,
  COALESCE(
    SUM(amount_yuan) FILTER(WHERE
      contracted_in_period AND pricing_method = '大数据系统估价'),
    0
  ) AS exchange_deal_amount_method_system_valuation,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND trading_mode = '协议交易') AS exchange_deals_mode_agreement,
  COALESCE(SUM(amount_yuan) FILTER(WHERE
    contracted_in_period AND trading_mode = '协议交易'), 0) AS exchange_deal_amount_mode_agreement,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND trading_mode = '竞价交易') AS exchange_deals_mode_bidding,
  COALESCE(SUM(amount_yuan) FILTER(WHERE
    contracted_in_period AND trading_mode = '竞价交易'), 0) AS exchange_deal_amount_mode_bidding,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND trading_mode = '定向交易') AS exchange_deals_mode_directed,
  COALESCE(SUM(amount_yuan) FILTER(WHERE
    contracted_in_period AND trading_mode = '定向交易'), 0) AS exchange_deal_amount_mode_directed,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND trading_mode = '挂牌转让') AS exchange_deals_mode_listed,
  COALESCE(SUM(amount_yuan) FILTER(WHERE
    contracted_in_period AND trading_mode = '挂牌转让'), 0) AS exchange_deal_amount_mode_listed,
  COUNT(*) FILTER(WHERE
    contracted_in_period AND trading_mode = '联盟交易') AS exchange_deals_mode_alliance,
  COALESCE(SUM(amount_yuan) FILTER(WHERE
    contracted_in_period AND trading_mode = '联盟交易'), 0) AS exchange_deal_amount_mode_alliance
FROM exchange_deal_records
GROUP BY
  geo
ORDER BY
  geo NULLS LAST
