-- 国内（不含港澳台）: patents whose first patentee is on the mainland; the base of every patent indicator.
SELECT *
FROM patent_status
WHERE is_domestic
