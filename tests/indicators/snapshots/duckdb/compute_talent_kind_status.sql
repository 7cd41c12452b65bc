WITH talent_people_status AS (
  -- 人才库: each person's status on 2023-12-31 — the last of its status changes on or before the day
  -- (zhichan.talent: talent_status_changes, one row per change by any path), counted where the person works.
  -- A person with no change by then (entered later) is not a row.
  SELECT
    p.person_id,
    p.name,
    p.organization,
    p.region_code AS geo,
    c.status,
    c.changed_on AS status_since,
    c.reason,
    p.synthetic
  FROM (
    SELECT
      person_id,
      status,
      changed_on,
      reason,
      row_number() OVER (PARTITION BY person_id ORDER BY changed_on DESC, change_id DESC) AS latest
    FROM talent_status_changes
    WHERE changed_on <= DATE '2023-12-31'
  ) AS c
  JOIN talent_people AS p ON p.person_id = c.person_id
  WHERE c.latest = 1
),
talent_kind_status AS (
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
)
SELECT
  geo,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'patent_agent') AS talent_in_library_patent_agent,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'ip_practitioner_junior') AS talent_in_library_ip_practitioner_junior,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'ip_practitioner_intermediate') AS talent_in_library_ip_practitioner_intermediate,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'ip_practitioner_senior') AS talent_in_library_ip_practitioner_senior,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'technology_broker') AS talent_in_library_technology_broker,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'rights_aid_expert') AS talent_in_library_rights_aid_expert,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'people_mediator') AS talent_in_library_people_mediator,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'valuation_expert') AS talent_in_library_valuation_expert,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'technical_investigator') AS talent_in_library_technical_investigator,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'technical_expert') AS talent_in_library_technical_expert,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'review_expert') AS talent_in_library_review_expert,
  count(*) FILTER (WHERE status = 'in_library' AND kind = 'leading_talent') AS talent_in_library_leading_talent
FROM talent_kind_status
GROUP BY geo
ORDER BY geo
