-- 获得中国专利奖或国家科学技术奖: patents with such an award dated on or before the as-of date
-- (high-value criterion 5). An award event without a date is not counted at any date.
SELECT DISTINCT application_number
FROM events
WHERE event_type = 'award'
  AND event_date <= DATE '${as_of}'
  AND (detail LIKE 'china_patent_award%' OR detail LIKE 'national_sti_award%')
