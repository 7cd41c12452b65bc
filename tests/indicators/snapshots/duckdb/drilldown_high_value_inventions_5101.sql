WITH pledge_totals AS (
  -- 累计质押融资金额: each patent's pledge financing registered on or before the as-of date
  -- (high-value criterion 4). Amounts are exact (DECIMAL(18, 2) in the corpus): every engine gets the same total.
  SELECT
    application_number,
    sum(amount_yuan) AS pledge_amount_yuan
  FROM events
  WHERE event_type = 'pledge'
    AND event_date <= DATE '2023-12-31'
  GROUP BY application_number
),
award_winners AS (
  -- 获得中国专利奖或国家科学技术奖: patents with such an award dated on or before the as-of date
  -- (high-value criterion 5). An award event without a date is not counted at any date.
  SELECT DISTINCT application_number
  FROM events
  WHERE event_type = 'award'
    AND event_date <= DATE '2023-12-31'
    AND (detail LIKE 'china_patent_award%' OR detail LIKE 'national_sti_award%')
),
patent_attribution AS (
  -- Every patent with its attribution key (归属): the first patentee's region at the finest level the
  -- record knows — county (region_code), else city, else province, else '' (domestic, region unknown).
  SELECT
    p.*,
    coalesce(p.region_code, p.city_code, p.province_code, '') AS geo
  FROM patents AS p
),
patent_flags AS (
  -- Every patent's state as of 2023-12-31: where it counts, whether it is valid (有效), and the five
  -- high-value criteria as separate flags (SYSTEM.md M2; 成都市“十四五”规划 附录 名词解释).
  -- Cut-off dates are literals computed in zhichan/indicators/dates.py (no per-row date arithmetic):
  --   filed on or before 2013-12-31 ⇔ the 10th anniversary of filing is on or before 2023-12-31.
  SELECT
    p.application_number,
    p.title,
    p.kind,
    p.is_domestic,
    p.geo,
    p.region_code,
    p.first_patentee,
    p.first_patentee_key,
    p.first_patentee_type,
    p.application_date,
    p.grant_date,
    p.lapse_date,
    p.legal_status,
    p.main_ipc,
    p.sei_codes,
    p.pct_application_number,
    p.synthetic,
    coalesce(pledge.pledge_amount_yuan, 0) AS pledge_amount_yuan,
    -- 有效: granted on/before the date, not lapsed on/before it, term not over: the statutory term, or the
    -- term with its registered compensation (term_compensations: its last day computed once, in Python, by
    -- zhichan.corpus.rights.patent_term; NULL where the compensation cannot be read — not valid after the
    -- statutory end, as we cannot show it was).
    -- A record that is invalid now but carries no lapse date falls back to its legal-status date;
    -- with neither date it is never counted as valid (we cannot show when it was).
    coalesce(
      p.grant_date <= DATE '2023-12-31'
      AND CASE
        WHEN p.lapse_date IS NOT NULL THEN p.lapse_date > DATE '2023-12-31'
        WHEN p.status_group = 'invalid' THEN p.legal_status_date > DATE '2023-12-31'
        ELSE TRUE
      END
      AND (p.application_date > CASE
        WHEN p.kind = 'invention' THEN DATE '2003-12-31'
        WHEN p.kind = 'design' AND p.application_date >= DATE '2021-06-01' THEN DATE '2008-12-31'
        ELSE DATE '2013-12-31'
      END OR coalesce(comp.term_end >= DATE '2023-12-31', FALSE)),
      FALSE
    ) AS is_valid,
    -- (1) 战略性新兴产业: the 2021 SEI ↔ IPC concordance gave the patent at least one category
    coalesce(array_length(p.sei_codes) > 0, FALSE) AS sei_flag,
    -- (2) 在海外有同族专利权: a family member granted outside China
    coalesce(p.family_granted_abroad, FALSE) AS overseas_family_flag,
    -- (3) 维持年限超过10年: on its 10th filing anniversary the patent enters its 11th year
    p.application_date <= DATE '2013-12-31' AS maintained_10y_flag,
    -- (4) 实现较高质押融资金额: cumulative pledge financing at or above the configured threshold
    coalesce(pledge.pledge_amount_yuan >= 10000000.00, FALSE) AS pledge_flag,
    -- (5) 获得国家科学技术奖或中国专利奖
    award.application_number IS NOT NULL AS award_flag,
    -- flows of the period 2023-01-01 … 2023-12-31 (当年累计)
    coalesce(p.application_date BETWEEN DATE '2023-01-01' AND DATE '2023-12-31', FALSE) AS filed_in_period,
    coalesce(p.grant_date BETWEEN DATE '2023-01-01' AND DATE '2023-12-31', FALSE) AS granted_in_period,
    coalesce(p.pct_application_date BETWEEN DATE '2023-01-01' AND DATE '2023-12-31', FALSE) AS pct_filed_in_period
  FROM patent_attribution AS p
  LEFT JOIN pledge_totals AS pledge ON pledge.application_number = p.application_number
  LEFT JOIN award_winners AS award ON award.application_number = p.application_number
  LEFT JOIN term_compensations AS comp ON comp.application_number = p.application_number
),
patent_status AS (
  -- 高价值发明专利: a valid invention patent meeting any of the five criteria.
  SELECT
    *,
    kind = 'invention' AND is_valid AS is_valid_invention,
    kind = 'invention' AND is_valid
      AND (sei_flag OR overseas_family_flag OR maintained_10y_flag OR pledge_flag OR award_flag) AS is_high_value
  FROM patent_flags
),
domestic_patents AS (
  -- 国内（不含港澳台）: patents whose first patentee is on the mainland; the base of every patent indicator.
  SELECT *
  FROM patent_status
  WHERE is_domestic
)
SELECT
  application_number,
  title,
  kind,
  first_patentee,
  first_patentee_type,
  region_code,
  geo,
  application_date,
  grant_date,
  lapse_date,
  legal_status,
  main_ipc,
  sei_codes,
  is_valid,
  sei_flag,
  overseas_family_flag,
  maintained_10y_flag,
  pledge_flag,
  pledge_amount_yuan,
  award_flag,
  is_high_value,
  synthetic
FROM domestic_patents
WHERE (is_high_value)
  AND geo LIKE '5101%'
ORDER BY application_number
