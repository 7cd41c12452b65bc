-- 高价值发明专利: a valid invention patent meeting any of the five criteria.
SELECT
  *,
  kind = 'invention' AND is_valid AS is_valid_invention,
  kind = 'invention' AND is_valid
    AND (sei_flag OR overseas_family_flag OR maintained_10y_flag OR pledge_flag OR award_flag) AS is_high_value
FROM patent_flags
