"""Every SQL statement of a navigation analysis, in one place, named after what it computes.

They run on one DuckDB connection over a snapshot (views ``patents``, ``events``) after
:func:`zhichan.navigation.matching.materialize_branch_hits` created ``branch_hits``. Named
parameters: ``$as_of`` (DATE), ``$home`` (the home region code), ``$top`` (row limits).
``{peer}`` is the region column at the home region's level (``province_code``, ``city_code`` or
``region_code``) — chosen from a fixed list, never from user text.

Conventions (docs/navigation.md):
- A patent belongs to the chain when any branch matches it; it is counted once per branch it
  matches and once in chain totals.
- Attribution follows the corpus (and official statistics): the **first patentee** and the region
  of the first patentee. "Local" (本地) = first patentee in the home region. Regional comparisons
  use domestic (国内) patents only; "national" (全国) rankings of applicants use all patents.
- An applicant is a normalized first-patentee key (``first_patentee_key``); its display name is
  the alphabetically first spelling, so output never depends on scan order.
- Validity and high-value flags as of ``$as_of`` come from the indicators domain
  (``patent_status``), never re-derived here.
- Every ORDER BY ends in a unique key: same data, same rows, same order.
"""

from __future__ import annotations

PEER_COLUMNS = {2: "province_code", 4: "city_code", 6: "region_code"}

#: One row per chain patent with the columns every section needs (``nav_status`` = validity and
#: high-value flags from the indicators domain, created just before).
CHAIN_PATENTS = """
CREATE OR REPLACE TEMP TABLE chain_patents AS
SELECT
    p.application_number,
    p.kind,
    p.application_date,
    year(p.application_date)                        AS filing_year,
    p.grant_date,
    p.lapse_date,
    p.legal_status,
    p.status_group,
    p.legal_status_date,
    p.title,
    p.applicants,
    p.applicant_types,
    p.inventors,
    p.first_patentee,
    coalesce(p.first_patentee_key, '')              AS applicant_key,
    coalesce(p.first_patentee_type, 'other')        AS applicant_type,
    p.region_code,
    p.city_code,
    p.province_code,
    p.is_domestic,
    p.applicant_country,
    p.synthetic,
    p.{peer}                                        AS peer_code,
    coalesce(p.{peer} = $home, false)               AS is_local,
    coalesce(p.forward_citations, 0)                AS forward_citations,
    coalesce(p.family_size, 1)                      AS family_size,
    coalesce(s.is_valid, false)                     AS is_valid,
    coalesce(s.is_valid AND p.kind = 'invention', false) AS is_valid_invention,
    coalesce(s.is_high_value, false)                AS is_high_value,
    coalesce(s.sei_flag, false)                     AS sei_flag,
    coalesce(s.overseas_family_flag, false)         AS overseas_family_flag,
    coalesce(s.maintained_10y_flag, false)          AS maintained_10y_flag,
    coalesce(s.pledge_flag, false)                  AS pledge_flag,
    coalesce(s.award_flag, false)                   AS award_flag,
    -- legal status as of the date: valid (有效) / invalid (失效) / pending (审中)
    CASE
        WHEN coalesce(s.is_valid, false) THEN 'valid'
        WHEN p.grant_date <= $as_of THEN 'invalid'
        WHEN p.lapse_date <= $as_of THEN 'invalid'
        WHEN p.status_group = 'invalid' AND coalesce(p.legal_status_date, $as_of) <= $as_of THEN 'invalid'
        ELSE 'pending'
    END                                             AS status_as_of
FROM patents AS p
JOIN (SELECT DISTINCT application_number FROM branch_hits) AS h USING (application_number)
LEFT JOIN nav_status AS s USING (application_number)
"""

#: Transfers, licences and pledges of chain patents registered on or before the date.
CHAIN_EVENTS = """
CREATE OR REPLACE TEMP TABLE chain_events AS
SELECT e.application_number, e.event_type, e.event_date, e.amount_yuan, e.party_from, e.party_to,
       c.is_local, c.applicant_type
FROM events AS e
JOIN chain_patents AS c USING (application_number)
WHERE e.event_date <= $as_of AND e.event_type IN ('transfer', 'licence', 'pledge')
"""

OVERVIEW = """
SELECT
    count(*)                                                   AS patents,
    count(*) FILTER (WHERE kind = 'invention')                 AS inventions,
    count(*) FILTER (WHERE kind = 'utility_model')             AS utility_models,
    count(*) FILTER (WHERE kind = 'design')                    AS designs,
    count(*) FILTER (WHERE is_domestic)                        AS domestic,
    count(*) FILTER (WHERE is_local)                           AS local,
    count(DISTINCT applicant_key)                              AS applicants,
    count(DISTINCT applicant_key) FILTER (WHERE is_local)      AS local_applicants,
    count(*) FILTER (WHERE is_valid_invention)                 AS valid_inventions,
    count(*) FILTER (WHERE is_valid_invention AND is_local)    AS local_valid_inventions,
    count(*) FILTER (WHERE is_high_value)                      AS high_value,
    count(*) FILTER (WHERE is_high_value AND is_local)         AS local_high_value,
    min(filing_year)                                           AS first_year,
    max(filing_year)                                           AS last_year
FROM chain_patents
"""

#: Applications and distinct applicants per filing year, nationally and locally.
TREND_BY_YEAR = """
SELECT
    filing_year                                                AS year,
    count(*)                                                   AS applications,
    count(DISTINCT applicant_key)                              AS applicants,
    count(*) FILTER (WHERE is_local)                           AS local_applications,
    count(DISTINCT applicant_key) FILTER (WHERE is_local)      AS local_applicants,
    count(*) FILTER (WHERE kind = 'invention')                 AS inventions
FROM chain_patents
GROUP BY filing_year
ORDER BY filing_year
"""

#: Applications and distinct applicants in two windows of years (life-cycle rule), per branch
#: and for the whole chain (branch_id = '').
LIFE_CYCLE_WINDOWS = """
WITH rows AS (
    SELECT '' AS branch_id, filing_year, applicant_key FROM chain_patents
    UNION ALL
    SELECT h.branch_id, c.filing_year, c.applicant_key
    FROM branch_hits AS h JOIN chain_patents AS c USING (application_number)
)
SELECT
    branch_id,
    count(*) FILTER (WHERE filing_year BETWEEN $w1_start AND $w1_end)                    AS apps_w1,
    count(*) FILTER (WHERE filing_year BETWEEN $w2_start AND $w2_end)                    AS apps_w2,
    count(DISTINCT applicant_key) FILTER (WHERE filing_year BETWEEN $w1_start AND $w1_end) AS applicants_w1,
    count(DISTINCT applicant_key) FILTER (WHERE filing_year BETWEEN $w2_start AND $w2_end) AS applicants_w2
FROM rows
GROUP BY branch_id
ORDER BY branch_id
"""

#: Domestic chain patents per peer region (provinces, cities or counties).
REGION_RANKING = """
SELECT
    peer_code                                                  AS region_code,
    count(*)                                                   AS patents,
    count(*) FILTER (WHERE kind = 'invention')                 AS inventions,
    count(*) FILTER (WHERE is_valid_invention)                 AS valid_inventions,
    count(DISTINCT applicant_key)                              AS applicants,
    rank() OVER (ORDER BY count(*) DESC)                       AS rank
FROM chain_patents
WHERE is_domestic AND peer_code IS NOT NULL
GROUP BY peer_code
ORDER BY patents DESC, region_code
"""

#: Per branch: all, domestic and local patents, and the home region's revealed technological
#: advantage RTA = (local_b / domestic_b) / (local_chain / domestic_chain).
BRANCH_STRENGTH = """
WITH chain_share AS (
    SELECT count(*) FILTER (WHERE is_local) / nullif(count(*) FILTER (WHERE is_domestic), 0) AS share
    FROM chain_patents
)
SELECT
    h.branch_id,
    count(*)                                                   AS patents,
    count(*) FILTER (WHERE c.is_domestic)                      AS domestic,
    count(*) FILTER (WHERE c.is_local)                         AS local,
    count(*) FILTER (WHERE c.is_local AND c.is_valid_invention) AS local_valid_inventions,
    count(DISTINCT c.applicant_key) FILTER (WHERE c.is_local)  AS local_applicants,
    count(*) FILTER (WHERE c.is_local) / nullif(count(*) FILTER (WHERE c.is_domestic), 0) AS local_share,
    (SELECT share FROM chain_share)                            AS chain_local_share,
    count(*) FILTER (WHERE c.is_local) / nullif(count(*) FILTER (WHERE c.is_domestic), 0)
        / nullif((SELECT share FROM chain_share), 0)           AS rta
FROM branch_hits AS h
JOIN chain_patents AS c USING (application_number)
GROUP BY h.branch_id
ORDER BY h.branch_id
"""

#: Domestic patents per branch and peer region (the branch × region matrix).
BRANCH_REGION_MATRIX = """
SELECT h.branch_id, c.peer_code AS region_code, count(*) AS patents
FROM branch_hits AS h
JOIN chain_patents AS c USING (application_number)
WHERE c.is_domestic AND c.peer_code IS NOT NULL
GROUP BY h.branch_id, c.peer_code
ORDER BY h.branch_id, region_code
"""

#: Leading applicants: nationally (all patents) or locally (``WHERE is_local``).
TOP_APPLICANTS = """
SELECT
    applicant_key,
    min(first_patentee)                                        AS name,
    min(applicant_type)                                        AS applicant_type,
    min(peer_code)                                             AS region_code,
    -- a foreign applicant's country or region (ISO 3166), shown where a domestic one's region is
    min(applicant_country) FILTER (WHERE NOT is_domestic)      AS country,
    -- the applicant's own county and whether it holds synthetic records: its English name (parties.party_name_en)
    min(chain_patents.region_code)                             AS party_region_code,
    bool_or(synthetic)                                         AS synthetic,
    bool_or(is_local)                                          AS is_local,
    count(*)                                                   AS patents,
    count(*) FILTER (WHERE kind = 'invention')                 AS inventions,
    count(*) FILTER (WHERE is_valid_invention)                 AS valid_inventions,
    count(*) FILTER (WHERE is_high_value)                      AS high_value,
    rank() OVER (ORDER BY count(*) DESC)                       AS rank
FROM chain_patents
WHERE applicant_key <> '' {where}
GROUP BY applicant_key
ORDER BY patents DESC, applicant_key
LIMIT $top
"""

#: Every applicant with its patent count (kept with a run so the next quarter can compare).
APPLICANT_COUNTS = """
SELECT applicant_key, count(*) AS patents, bool_or(is_local) AS is_local
FROM chain_patents
WHERE applicant_key <> ''
GROUP BY applicant_key
ORDER BY applicant_key
"""

#: Local innovators by type (企业 / 高校 / 科研院所 / 个人 …).
LOCAL_INNOVATOR_TYPES = """
SELECT
    applicant_type,
    count(DISTINCT applicant_key)                              AS applicants,
    count(*)                                                   AS patents,
    count(*) FILTER (WHERE is_valid_invention)                 AS valid_inventions
FROM chain_patents
WHERE is_local
GROUP BY applicant_type
ORDER BY patents DESC, applicant_type
"""

#: The local inventors of each local patent (input to the co-inventor clustering in Python).
LOCAL_INVENTORS = """
SELECT application_number, applicant_key, min(first_patentee) OVER (PARTITION BY applicant_key) AS applicant,
       inventors, synthetic
FROM chain_patents
WHERE is_local AND len(inventors) > 0
ORDER BY application_number
"""

#: Co-applicant pairs (联合申请): each unordered pair of distinct applicant names on one patent.
CO_APPLICANT_PAIRS = """
WITH named AS (
    SELECT application_number, is_local, synthetic,
           unnest(applicants) AS name, unnest(applicant_types) AS type
    FROM chain_patents
    WHERE len(applicants) >= 2
)
SELECT a.name AS applicant_a, a.type AS type_a, b.name AS applicant_b, b.type AS type_b,
       count(DISTINCT a.application_number)                    AS patents,
       bool_or(a.is_local)                                     AS involves_local,
       bool_and(a.synthetic)                                   AS synthetic
FROM named AS a
JOIN named AS b ON a.application_number = b.application_number AND a.name < b.name
GROUP BY a.name, a.type, b.name, b.type
ORDER BY patents DESC, applicant_a, applicant_b
LIMIT $top
"""

COLLABORATION_SUMMARY = """
SELECT
    count(*) FILTER (WHERE len(applicants) >= 2)               AS joint_patents,
    count(*) FILTER (WHERE len(applicants) >= 2 AND is_local)  AS local_joint_patents,
    count(*) FILTER (WHERE len(applicants) >= 2
        AND list_contains(applicant_types, 'enterprise')
        AND (list_contains(applicant_types, 'university') OR list_contains(applicant_types, 'institute'))
    )                                                          AS industry_academia_patents
FROM chain_patents
"""

#: Core patents: most cited, then largest family; with their high-value flags.
CORE_PATENTS = """
SELECT application_number, title, first_patentee AS applicant, applicant_key, synthetic, is_local, filing_year,
       forward_citations, family_size, is_high_value, sei_flag, overseas_family_flag,
       maintained_10y_flag, pledge_flag, award_flag, status_as_of
FROM chain_patents
WHERE forward_citations > 0 OR family_size > 1 OR is_high_value
ORDER BY forward_citations DESC, family_size DESC, application_number
LIMIT $top
"""

HIGH_VALUE_FLAGS = """
SELECT
    count(*) FILTER (WHERE is_valid_invention)                       AS valid_inventions,
    count(*) FILTER (WHERE is_high_value)                            AS high_value,
    count(*) FILTER (WHERE is_high_value AND sei_flag)               AS sei,
    count(*) FILTER (WHERE is_high_value AND overseas_family_flag)   AS overseas_family,
    count(*) FILTER (WHERE is_high_value AND maintained_10y_flag)    AS maintained_10y,
    count(*) FILTER (WHERE is_high_value AND pledge_flag)            AS pledge,
    count(*) FILTER (WHERE is_high_value AND award_flag)             AS award
FROM chain_patents
{where}
"""

LEGAL_STATUS = """
SELECT status_as_of AS status, count(*) AS patents, count(*) FILTER (WHERE is_local) AS local
FROM chain_patents
GROUP BY status_as_of
ORDER BY CASE status_as_of WHEN 'valid' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END
"""

OPERATIONS = """
SELECT
    event_type,
    count(*)                                                   AS events,
    count(DISTINCT application_number)                         AS patents,
    count(*) FILTER (WHERE is_local)                           AS local_events,
    -- NULL, not 0, when no event of the kind records an amount: the report prints "—" (unknown), not "0 元"
    sum(amount_yuan)                                           AS amount_yuan,
    sum(amount_yuan) FILTER (WHERE is_local)                   AS local_amount_yuan
FROM chain_events
GROUP BY event_type
ORDER BY CASE event_type WHEN 'transfer' THEN 1 WHEN 'licence' THEN 2 ELSE 3 END
"""

OPERATIONS_BY_YEAR = """
SELECT year(event_date) AS year, event_type, count(*) AS events
FROM chain_events
GROUP BY year(event_date), event_type
ORDER BY year, event_type
"""

#: 招商引资: non-local enterprises in one branch (universities and institutes are partners, not investment
#: targets), ranked by what makes one worth attracting: valid inventions, high-value ones among them, then
#: applications filed since ``$recent_from`` (recent activity), then all patents. One without a valid invention
#: qualifies only by its recent applications (at least ``$min_patents``), and the report says so.
EXTERNAL_APPLICANTS_IN_BRANCH = """
SELECT c.applicant_key, min(c.first_patentee) AS name, min(c.peer_code) AS region_code,
       bool_or(c.is_domestic) AS is_domestic, bool_and(c.synthetic) AS synthetic,
       min(c.applicant_country) FILTER (WHERE NOT c.is_domestic) AS country,
       count(*) AS patents, count(*) FILTER (WHERE c.is_valid_invention) AS valid_inventions,
       count(*) FILTER (WHERE c.is_high_value) AS high_value,
       count(*) FILTER (WHERE c.filing_year >= $recent_from) AS recent
FROM branch_hits AS h JOIN chain_patents AS c USING (application_number)
WHERE h.branch_id = $branch AND NOT c.is_local AND c.applicant_key <> '' AND c.applicant_type = 'enterprise'
GROUP BY c.applicant_key
HAVING count(*) >= $min_patents
   AND (count(*) FILTER (WHERE c.is_valid_invention) > 0 OR count(*) FILTER (WHERE c.filing_year >= $recent_from) >= $min_patents)
ORDER BY valid_inventions DESC, high_value DESC, recent DESC, patents DESC, c.applicant_key
LIMIT $top
"""

#: 招才引智: non-local inventors in the weak branches, ranked as the investment targets are (valid inventions,
#: high-value ones, recent applications, patents; one without a valid invention only by its recent applications).
EXTERNAL_INVENTORS_IN_BRANCHES = """
WITH weak AS (
    SELECT DISTINCT h.application_number
    FROM branch_hits AS h
    WHERE list_contains($branches, h.branch_id)
), inv AS (
    SELECT c.application_number, unnest(c.inventors) AS inventor, c.applicant_key, c.first_patentee,
           c.peer_code, c.is_domestic, c.applicant_country, c.synthetic, c.is_valid_invention, c.is_high_value,
           c.filing_year
    FROM chain_patents AS c JOIN weak USING (application_number)
    WHERE NOT c.is_local
)
SELECT inventor, applicant_key, min(first_patentee) AS applicant, min(peer_code) AS region_code,
       min(applicant_country) FILTER (WHERE NOT is_domestic) AS country, bool_and(synthetic) AS synthetic,
       count(DISTINCT application_number) AS patents,
       count(DISTINCT application_number) FILTER (WHERE is_valid_invention) AS valid_inventions,
       count(DISTINCT application_number) FILTER (WHERE is_high_value) AS high_value,
       count(DISTINCT application_number) FILTER (WHERE filing_year >= $recent_from) AS recent
FROM inv
WHERE inventor <> ''
GROUP BY inventor, applicant_key
HAVING count(DISTINCT application_number) >= $min_patents
   AND (count(DISTINCT application_number) FILTER (WHERE is_valid_invention) > 0
        OR count(DISTINCT application_number) FILTER (WHERE filing_year >= $recent_from) >= $min_patents)
ORDER BY valid_inventions DESC, high_value DESC, recent DESC, patents DESC, inventor, applicant_key
LIMIT $top
"""

#: 强链: the local leader of a strong branch — an organization (no person) holding a valid invention in it, by valid
#: inventions, high-value ones, then patents; none where no local organization holds one.
LOCAL_LEADER_IN_BRANCH = """
SELECT min(c.first_patentee) AS name, c.applicant_key, bool_and(c.synthetic) AS synthetic,
       count(*) AS patents, count(*) FILTER (WHERE c.is_valid_invention) AS valid_inventions,
       count(*) FILTER (WHERE c.is_high_value) AS high_value
FROM branch_hits AS h JOIN chain_patents AS c USING (application_number)
WHERE h.branch_id = $branch AND c.is_local AND c.applicant_key <> ''
  AND c.applicant_type IN ('enterprise', 'university', 'institute', 'government')
GROUP BY c.applicant_key
HAVING count(*) FILTER (WHERE c.is_valid_invention) > 0
ORDER BY valid_inventions DESC, high_value DESC, patents DESC, c.applicant_key
LIMIT 1
"""

#: 沉睡专利: valid local patents of universities and institutes never transferred or licensed
#: (no transfer or licence event registered on or before the date).
DORMANT_LOCAL_PATENTS = """
SELECT c.application_number, c.title, c.first_patentee AS holder, c.applicant_key, c.applicant_type, c.kind,
       c.filing_year, c.forward_citations, c.is_high_value, c.synthetic
FROM chain_patents AS c
WHERE c.is_local AND c.is_valid
  AND c.applicant_type IN ('university', 'institute')
  AND NOT EXISTS (SELECT 1 FROM chain_events AS e
                  WHERE e.application_number = c.application_number AND e.event_type IN ('transfer', 'licence'))
ORDER BY c.forward_citations DESC, c.application_number
"""
