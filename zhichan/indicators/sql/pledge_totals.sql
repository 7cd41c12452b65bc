-- 累计质押融资金额: each patent's pledge financing registered on or before the as-of date
-- (high-value criterion 4). Amounts are exact (DECIMAL(18, 2) in the corpus): every engine gets the same total.
SELECT
  application_number,
  sum(amount_yuan) AS pledge_amount_yuan
FROM events
WHERE event_type = 'pledge'
  AND event_date <= DATE '${as_of}'
GROUP BY application_number
