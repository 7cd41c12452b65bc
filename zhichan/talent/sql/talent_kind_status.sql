-- 人才库 by kind: talent_people_status once per kind the person belongs to (a person of two kinds is a row
-- of each).
SELECT
  s.person_id,
  s.name,
  s.organization,
  s.geo,
  k.kind,
  s.status,
  s.status_since,
  s.reason,
  s.synthetic
FROM talent_people_status AS s
JOIN talent_person_kinds AS k ON k.person_id = s.person_id
