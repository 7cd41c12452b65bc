-- Every patent's state as of ${as_of}: where it counts, whether it is valid (有效), and the five
-- high-value criteria as separate flags (SYSTEM.md M2; 成都市“十四五”规划 附录 名词解释).
-- Cut-off dates are literals computed in zhichan/indicators/dates.py (no per-row date arithmetic):
--   filed on or before ${filed_by_10y} ⇔ the 10th anniversary of filing is on or before ${as_of}.
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
    p.grant_date <= DATE '${as_of}'
    AND CASE
      WHEN p.lapse_date IS NOT NULL THEN p.lapse_date > DATE '${as_of}'
      WHEN p.status_group = 'invalid' THEN p.legal_status_date > DATE '${as_of}'
      ELSE TRUE
    END
    AND (p.application_date > CASE
      WHEN p.kind = 'invention' THEN DATE '${filed_by_20y}'
      WHEN p.kind = 'design' AND p.application_date >= DATE '2021-06-01' THEN DATE '${filed_by_15y}'
      ELSE DATE '${filed_by_10y}'
    END OR coalesce(comp.term_end >= DATE '${as_of}', FALSE)),
    FALSE
  ) AS is_valid,
  -- (1) 战略性新兴产业: the 2021 SEI ↔ IPC concordance gave the patent at least one category
  coalesce(array_length(p.sei_codes) > 0, FALSE) AS sei_flag,
  -- (2) 在海外有同族专利权: a family member granted outside China
  coalesce(p.family_granted_abroad, FALSE) AS overseas_family_flag,
  -- (3) 维持年限超过10年: on its 10th filing anniversary the patent enters its 11th year
  p.application_date <= DATE '${filed_by_10y}' AS maintained_10y_flag,
  -- (4) 实现较高质押融资金额: cumulative pledge financing at or above the configured threshold
  coalesce(pledge.pledge_amount_yuan >= ${pledge_threshold_yuan}, FALSE) AS pledge_flag,
  -- (5) 获得国家科学技术奖或中国专利奖
  award.application_number IS NOT NULL AS award_flag,
  -- flows of the period ${period_start} … ${as_of} (当年累计)
  coalesce(p.application_date BETWEEN DATE '${period_start}' AND DATE '${as_of}', FALSE) AS filed_in_period,
  coalesce(p.grant_date BETWEEN DATE '${period_start}' AND DATE '${as_of}', FALSE) AS granted_in_period,
  coalesce(p.pct_application_date BETWEEN DATE '${period_start}' AND DATE '${as_of}', FALSE) AS pct_filed_in_period
FROM patent_attribution AS p
LEFT JOIN pledge_totals AS pledge ON pledge.application_number = p.application_number
LEFT JOIN award_winners AS award ON award.application_number = p.application_number
LEFT JOIN term_compensations AS comp ON comp.application_number = p.application_number
