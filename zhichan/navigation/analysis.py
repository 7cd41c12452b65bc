"""Navigation analysis of one chain, for one home region, as of one date (GB/T 39551 spirit).

:func:`analyse` runs the SQL of :mod:`zhichan.navigation.sql` on a snapshot and returns a
:class:`NavigationResult` — plain numbers and rows that the report, the web page, the quarterly
comparison and the tests all read. Rules that are ours (not SQL) live here and are documented in
docs/navigation.md:

- **Life cycle** (技术生命周期): compare two windows of three complete filing years, W2 = the last
  three and W1 = the three before. Applications are published about 18 months after filing
  (专利法 第三十四条), so the as-of year and the year before are incomplete
  (:func:`incomplete_years`, the years the trend chart marks); W2 ends two years before the as-of
  year. gA / gP = growth of applications / distinct applicants from W1 to W2.
  萌芽期 emerging if W1 has no applications or W2 ≥ 4 × W1; else 成长期 growth if gA ≥ +20 % and
  gP ≥ +20 %; else 衰退期 decline if gA ≤ −20 % and gP ≤ −20 %; else 成熟期 mature.
- **补链 missing links**: RTA_b = (local_b / domestic_b) / (local_chain / domestic_chain) — the
  home region's share of the branch relative to its share of the whole chain. A branch with at
  least ``min_branch_patents`` domestic patents is 缺失/补链 when RTA < 0.5, 薄弱 when
  0.5 ≤ RTA < 0.8, 均衡 when < 1.2, 优势 (strength) when ≥ 1.2.
- **Inventor teams**: connected components of the co-inventor graph of local patents (inventors
  identified by name + applicant, so namesakes at different applicants stay apart).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import duckdb

from zhichan.corpus.parties import normalize_name, party_name_en, with_party_names_en
from zhichan.corpus.store import Snapshot
from zhichan.indicators.service import PUBLICATION_LAG_YEARS
from zhichan.navigation import sql as Q
from zhichan.navigation.matching import materialize_branch_hits
from zhichan.navigation.recommend import recommendations
from zhichan.navigation.regions import check_region, region_label
from zhichan.navigation.schemas import Chain
from zhichan.progress import ProgressCallback, no_progress

RTA_MISSING = 0.5
RTA_WEAK = 0.8
RTA_STRONG = 1.2
GROWTH = 0.2
EMERGING_RATIO = 4.0

#: the codes the result carries (their labels: the navigation catalogue, ``navigation.<field>.<code>``)
STAGES = ("emerging", "growth", "mature", "decline", "insufficient")
STRENGTHS = ("strong", "balanced", "weak", "missing", "small")


@dataclass
class AnalysisParams:
    top: int = 10
    min_branch_patents: int = 5  # a branch needs this many domestic patents to be judged
    min_target_patents: int = 2  # an external applicant/inventor needs this many to be recommended
    targets_per_branch: int = 3
    team_min_members: int = 2


@dataclass
class NavigationResult:
    chain: Chain
    region_code: str
    region_name: str
    peer_level: str  # province | city | county
    as_of: dt.date
    snapshot_id: str
    synthetic: bool
    params: AnalysisParams
    overview: dict[str, Any] = field(default_factory=dict)
    trend: list[dict[str, Any]] = field(default_factory=list)
    life_cycle: dict[str, Any] = field(default_factory=dict)
    regions: list[dict[str, Any]] = field(default_factory=list)
    home_rank: dict[str, Any] = field(default_factory=dict)
    branches: list[dict[str, Any]] = field(default_factory=list)
    matrix: list[dict[str, Any]] = field(default_factory=list)
    matrix_regions: list[str] = field(default_factory=list)
    top_national: list[dict[str, Any]] = field(default_factory=list)
    top_local: list[dict[str, Any]] = field(default_factory=list)
    innovator_types: list[dict[str, Any]] = field(default_factory=list)
    local_by_type: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    teams: list[dict[str, Any]] = field(default_factory=list)
    collaboration: dict[str, Any] = field(default_factory=dict)
    pairs: list[dict[str, Any]] = field(default_factory=list)
    core_patents: list[dict[str, Any]] = field(default_factory=list)
    high_value: dict[str, dict[str, int]] = field(default_factory=dict)
    legal_status: list[dict[str, Any]] = field(default_factory=list)
    operations: list[dict[str, Any]] = field(default_factory=list)
    operations_by_year: list[dict[str, Any]] = field(default_factory=list)
    dormant: list[dict[str, Any]] = field(default_factory=list)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    applicant_counts: dict[str, int] = field(default_factory=dict)
    changes: dict[str, Any] | None = None  # filled by the quarterly run (zhichan.navigation.changes)

    def branch(self, branch_id: str) -> dict[str, Any]:
        return next(b for b in self.branches if b["branch_id"] == branch_id)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or {})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    rows = _rows(con, sql, params)
    return rows[0] if rows else {}


def _used(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """Only the named parameters a statement uses (DuckDB rejects unused ones)."""
    return {k: v for k, v in params.items() if f"${k}" in sql}


def incomplete_years(as_of: dt.date) -> tuple[int, int]:
    """The filing years the trend marks incomplete and the life cycle leaves out (first, last)."""
    return as_of.year - PUBLICATION_LAG_YEARS + 1, as_of.year


def life_cycle_windows(as_of: dt.date) -> tuple[tuple[int, int], tuple[int, int]]:
    """W1 and W2: the three complete years before the incomplete ones, and the three before those."""
    last = incomplete_years(as_of)[0] - 1
    return (last - 5, last - 3), (last - 2, last)


def classify_stage(apps_w1: int, apps_w2: int, applicants_w1: int, applicants_w2: int) -> str:
    """The life-cycle rule of the module docstring."""
    if apps_w1 == 0 and apps_w2 == 0:
        return "insufficient"
    if apps_w1 == 0 or apps_w2 >= EMERGING_RATIO * apps_w1:
        return "emerging"
    # rounded so that exactly +20 % counts as +20 % (12 / 10 - 1 is 0.19999… in binary floating point)
    g_apps = round(apps_w2 / apps_w1 - 1, 9)
    g_applicants = round(applicants_w2 / applicants_w1 - 1, 9) if applicants_w1 else 0.0
    if g_apps >= GROWTH and g_applicants >= GROWTH:
        return "growth"
    if g_apps <= -GROWTH and g_applicants <= -GROWTH:
        return "decline"
    return "mature"


def classify_strength(rta: float | None, domestic: int, min_patents: int) -> str:
    if domestic < min_patents or rta is None:
        return "small"
    if rta < RTA_MISSING:
        return "missing"
    if rta < RTA_WEAK:
        return "weak"
    if rta < RTA_STRONG:
        return "balanced"
    return "strong"


def inventor_teams(rows: list[dict[str, Any]], min_members: int, top: int) -> list[dict[str, Any]]:
    """Connected components of the co-inventor graph (see module docstring)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: tuple[str, str], b: tuple[str, str]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            parent[rb] = ra

    patents_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    applicant_names: dict[str, str] = {}
    real: set[tuple[str, str]] = set()  # inventors of a real (not synthetic) record: their names are data
    for row in rows:
        members = sorted({(name.strip(), row["applicant_key"]) for name in row["inventors"] or [] if name and name.strip()})
        applicant_names[row["applicant_key"]] = row["applicant"]
        for m in members:
            parent.setdefault(m, m)
            patents_of[m].add(row["application_number"])
            if not row.get("synthetic", False):
                real.add(m)
        for m in members[1:]:
            union(members[0], m)
    components: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for m in parent:
        components[find(m)].append(m)
    teams: list[dict[str, Any]] = []
    for members in components.values():
        if len(members) < min_members:
            continue
        patents = set().union(*(patents_of[m] for m in members))
        lead = min(members, key=lambda m: (-len(patents_of[m]), m))
        applicants = Counter(m[1] for m in members)
        main_applicant = min(applicants, key=lambda k: (-applicants[k], k))
        teams.append({
            "lead_inventor": lead[0],
            "lead_patents": len(patents_of[lead]),
            "members": len(members),
            "patents": len(patents),
            "applicant": applicant_names.get(main_applicant, main_applicant),
            "applicant_key": main_applicant,
            "member_names": sorted({m[0] for m in members})[:8],
            "synthetic": not real & set(members),
        })
    teams.sort(key=lambda t: (-t["patents"], -t["members"], t["lead_inventor"], t["applicant"]))
    return teams[:top]


def analyse(con: duckdb.DuckDBPyConnection, chain: Chain, as_of: dt.date, *, snapshot_id: str,
            region_code: str | None = None, synthetic: bool = False, params: AnalysisParams | None = None,
            snapshot: Snapshot | None = None, progress: ProgressCallback = no_progress) -> NavigationResult:
    """Analyse ``chain`` on the snapshot behind ``con`` (views ``patents``/``events``).

    Pass ``snapshot`` to let branch matching use its full-text index when it has one.
    """
    from zhichan.indicators.registry import parameters, with_relations

    params = params or AnalysisParams()
    home = check_region(region_code or chain.home_region)
    peer = Q.PEER_COLUMNS[len(home)]
    steps = 14
    progress(0, steps)

    materialize_branch_hits(con, chain, as_of, snapshot)
    progress(1, steps)
    status_sql = with_relations(
        "SELECT application_number, is_valid, is_high_value, sei_flag, overseas_family_flag, maintained_10y_flag,"
        " pledge_flag, award_flag FROM patent_status"
        " WHERE application_number IN (SELECT application_number FROM branch_hits)",
        ["patent_status"], parameters(as_of),
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE nav_status AS {status_sql}")
    p: dict[str, Any] = {"as_of": as_of, "home": home, "top": params.top}
    con.execute(Q.CHAIN_PATENTS.format(peer=peer), _used(Q.CHAIN_PATENTS, p))
    con.execute(Q.CHAIN_EVENTS, _used(Q.CHAIN_EVENTS, p))
    progress(2, steps)

    r = NavigationResult(
        chain=chain, region_code=home, region_name=region_label(home),
        peer_level={2: "province", 4: "city", 6: "county"}[len(home)], as_of=as_of,
        snapshot_id=snapshot_id, synthetic=synthetic, params=params,
    )
    r.overview = {k: (v if v is not None else 0) for k, v in _one(con, Q.OVERVIEW).items()}
    r.overview["local_share"] = r.overview["local"] / r.overview["domestic"] if r.overview.get("domestic") else 0.0
    r.trend = _rows(con, Q.TREND_BY_YEAR)
    progress(3, steps)

    # life cycle ---------------------------------------------------------------------------
    (w1s, w1e), (w2s, w2e) = life_cycle_windows(as_of)
    windows = _rows(con, Q.LIFE_CYCLE_WINDOWS, {"w1_start": w1s, "w1_end": w1e, "w2_start": w2s, "w2_end": w2e})
    by_branch = {w["branch_id"]: w for w in windows}
    whole = by_branch.get("", {"apps_w1": 0, "apps_w2": 0, "applicants_w1": 0, "applicants_w2": 0})
    stage = classify_stage(whole["apps_w1"], whole["apps_w2"], whole["applicants_w1"], whole["applicants_w2"])
    r.life_cycle = {"stage": stage, "w1": [w1s, w1e], "w2": [w2s, w2e],
                    "incomplete": list(incomplete_years(as_of)),
                    **{k: whole[k] for k in ("apps_w1", "apps_w2", "applicants_w1", "applicants_w2")}}
    progress(4, steps)

    # regions ------------------------------------------------------------------------------
    regions = _rows(con, Q.REGION_RANKING)
    domestic_total = sum(x["patents"] for x in regions)
    for x in regions:
        x["name"] = region_label(x["region_code"])
        x["share"] = x["patents"] / domestic_total if domestic_total else 0.0
        x["is_home"] = x["region_code"] == home
    r.regions = regions
    home_row = next((x for x in regions if x["is_home"]), None)
    r.home_rank = {"rank": home_row["rank"] if home_row else None, "of": len(regions),
                   "patents": home_row["patents"] if home_row else 0,
                   "share": home_row["share"] if home_row else 0.0}
    progress(5, steps)

    # branches and the branch × region matrix ------------------------------------------------
    strength = {x["branch_id"]: x for x in _rows(con, Q.BRANCH_STRENGTH)}
    for b in chain.branches:
        s = strength.get(b.id, {})
        w = by_branch.get(b.id, {"apps_w1": 0, "apps_w2": 0, "applicants_w1": 0, "applicants_w2": 0})
        domestic = int(s.get("domestic") or 0)
        rta = s.get("rta")
        cls = classify_strength(rta, domestic, params.min_branch_patents)
        b_stage = classify_stage(w["apps_w1"], w["apps_w2"], w["applicants_w1"], w["applicants_w2"])
        r.branches.append({
            "branch_id": b.id, "name": b.name, "path": chain.path_name(b.id), "level": b.level,
            "patents": int(s.get("patents") or 0), "domestic": domestic, "local": int(s.get("local") or 0),
            "local_valid_inventions": int(s.get("local_valid_inventions") or 0),
            "local_applicants": int(s.get("local_applicants") or 0),
            "local_share": float(s.get("local_share") or 0.0),
            "chain_local_share": float(r.overview["local_share"]),
            "rta": None if rta is None else float(rta), "strength": cls, "stage": b_stage,
            "apps_w1": w["apps_w1"], "apps_w2": w["apps_w2"],
        })
    top_regions = [x["region_code"] for x in regions[: params.top - 1]]
    r.matrix_regions = top_regions + ([home] if home not in top_regions else [])
    cells = {(m["branch_id"], m["region_code"]): m["patents"] for m in _rows(con, Q.BRANCH_REGION_MATRIX)}
    region_totals = {x["region_code"]: x["patents"] for x in regions}
    for row in r.branches:
        for code in r.matrix_regions:
            n = cells.get((row["branch_id"], code), 0)
            share_b = n / row["domestic"] if row["domestic"] else 0.0
            share_all = region_totals.get(code, 0) / domestic_total if domestic_total else 0.0
            r.matrix.append({"branch_id": row["branch_id"], "branch": row["name"], "region_code": code,
                             "region": region_label(code), "patents": n,
                             "rta": round(share_b / share_all, 2) if share_all else 0.0})
    progress(6, steps)

    # applicants ----------------------------------------------------------------------------
    r.top_national = _rows(con, Q.TOP_APPLICANTS.format(where=""), {"top": params.top})
    r.top_local = _rows(con, Q.TOP_APPLICANTS.format(where="AND is_local"), {"top": params.top})
    for row in (*r.top_national, *r.top_local):
        row["region"] = region_label(row["region_code"], country=row["country"])
    r.applicant_counts = {x["applicant_key"]: x["patents"] for x in _rows(con, Q.APPLICANT_COUNTS)}
    progress(7, steps)

    # local innovators and teams ----------------------------------------------------------------
    r.innovator_types = _rows(con, Q.LOCAL_INNOVATOR_TYPES)
    for kind in ("enterprise", "university", "institute"):
        r.local_by_type[kind] = _rows(
            con, Q.TOP_APPLICANTS.format(where=f"AND is_local AND applicant_type = '{kind}'"), {"top": 5}
        )
    for row in (*r.top_national, *r.top_local, *(x for rows in r.local_by_type.values() for x in rows)):
        row["name_en"] = party_name_en(row["name"], row.pop("party_region_code"), bool(row["synthetic"]))
    r.teams = inventor_teams(_rows(con, Q.LOCAL_INVENTORS), params.team_min_members, params.top)
    teams_applicants = with_party_names_en(con, [{"party_key": t["applicant_key"], "name": t["applicant"],
                                                  "synthetic": t["synthetic"]} for t in r.teams])
    for t, applicant in zip(r.teams, teams_applicants, strict=True):
        # people and the team's applicant in English where the generator named them (synthetic records only)
        t["lead_inventor_en"] = party_name_en(t["lead_inventor"], None, t["synthetic"])
        t["member_names_en"] = [party_name_en(n, None, t["synthetic"]) for n in t["member_names"]]
        t["applicant_en"] = applicant["name_en"]
    progress(8, steps)

    # collaboration ------------------------------------------------------------------------------
    r.collaboration = _one(con, Q.COLLABORATION_SUMMARY)
    r.pairs = _rows(con, Q.CO_APPLICANT_PAIRS, {"top": params.top})
    for side in ("a", "b"):  # each co-applicant in English where the corpus implies a name (with_party_names_en)
        named = with_party_names_en(con, [{"party_key": normalize_name(row[f"applicant_{side}"]),
                                           "name": row[f"applicant_{side}"], "synthetic": row["synthetic"]}
                                          for row in r.pairs])
        for row, party in zip(r.pairs, named, strict=True):
            row[f"applicant_{side}_en"] = party["name_en"]
    for row in r.pairs:
        types = {row["type_a"], row["type_b"]}
        row["industry_academia"] = "enterprise" in types and bool(types & {"university", "institute"})
    progress(9, steps)

    # core patents, legal status, operations ----------------------------------------------------------
    r.core_patents = _rows(con, Q.CORE_PATENTS, {"top": params.top})
    core_applicants = with_party_names_en(con, [{"party_key": c["applicant_key"], "name": c["applicant"],
                                                 "synthetic": c["synthetic"]} for c in r.core_patents])
    for c, applicant in zip(r.core_patents, core_applicants, strict=True):
        c["applicant_en"] = applicant["name_en"]  # the applicant in English where the corpus implies a name
    r.high_value = {"chain": _one(con, Q.HIGH_VALUE_FLAGS.format(where="")),
                    "local": _one(con, Q.HIGH_VALUE_FLAGS.format(where="WHERE is_local"))}
    r.legal_status = _rows(con, Q.LEGAL_STATUS)
    r.operations = _rows(con, Q.OPERATIONS)  # amounts exact (Decimal); None: no event of the kind records one
    r.operations_by_year = _rows(con, Q.OPERATIONS_BY_YEAR)
    progress(10, steps)

    r.dormant = _rows(con, Q.DORMANT_LOCAL_PATENTS)
    progress(11, steps)
    r.recommendations = recommendations(con, r)
    progress(steps, steps)
    return r
