"""Protection at scale, each beside a baseline in the same run.

    .venv/bin/python benchmarks/protection_bench.py cases --cases 100000 [--database-url postgresql+psycopg://…]

**cases**: 100,000 open protection cases (complaints, adjudications, mediations, e-commerce notices, police
transfers, exhibitions, overseas guidance — one running clock each, deadlines spread ±60 days around today)
for 3 districts of one city, bulk-inserted as the engine writes them (``procedures_bench.seed``). Measured:
the protection case list (:func:`zhichan.protection.service.case_list`, newest first with the total) and the
to-do list (``ProcedureService.todo``) for a district officer (a third of the cases) and for the city (all),
50 runs each after 3 warm-ups: wall p50 and p95, and the CPU time of a request (p50, p95) — this process's
and, on a local PostgreSQL, its server process's (``/proc``) — since wall time on a shared machine measures
the load. Baselines in the same run: the same calls choosing the plan as before (no ordered walk to the
page: the planner's narrower index and a sort of every match), and after dropping the engine's case indexes
(a scan of every case).

The own 我的待办 (not 辖区待办) of the offices above the districts — the city's officer and leader (a leader takes the
upper level's extension of a district's dispute, ``office: above``) and the province's officer (``office: province``)
— beside the district officer's, then again with 1 case in 100 handled by the city itself; each beside the same lists
on the code of ``--before`` (``git archive`` of its ``zhichan``, run in a process of its own on the same database with
the states index as that code made it), with whether both found the same totals, counts and first page. Besides the
protection cases, ``--priority`` (8,000) priority-examination applications of the province's offices
(:func:`seed_priority`: half awaiting the province's recommendation), with the province's leader's list and the officer's
count badge (the total, ``limit=1``); ``--own-only`` measures only the own lists (``--runs`` calls each).

    .venv/bin/python benchmarks/protection_bench.py case-list --cases 100000 [--database-url postgresql+psycopg://…]

**case-list**: the protection case list (newest first, walked in id order when an office's cases are dense) where its
matches are not spread evenly over the ids: the same 100,000 cases, the older 70 % closed (cases close in the order they
came, roughly), so an office's closed list lies under every open case, and an office's whole list under 10,000 newer
cases of the city's own. Each list by the code as it is and, interleaved call by call in the same process, by the rule
before (``walk_in_order`` without the cases ahead of the newest match: the density rule alone), each ``--runs`` times
after 3 warm-ups: CPU p50 / p95 (the server's included on a local PostgreSQL), and whether both found the same page.
(The rule before: a row walked in id order costed as one sorted match, ``WALK_IDS = 1``.)

    .venv/bin/python benchmarks/protection_bench.py stats --cases 1000000 [--engines duckdb,spark]

**stats**: 1,000,000 exported protection cases (the ``cases`` and ``protection_handling`` workflow tables as
``export_workflow`` writes them, generated with numpy over every county, labelled synthetic) and 20,000
credit listings. Measured: ``indicators.service.compute`` of every protection and credit-list indicator
for every region (nation, provinces, cities, counties) at one date, on DuckDB and on Spark, the two results
compared value by value; wall time and this process's CPU time (DuckDB's threads included; Spark's JVM not).
The indicator registry (the procedure declarations it reads) is loaded first and timed on its own line: a
server loads it once at start. Baseline in the same run: one DuckDB ``GROUP BY region_code`` count over the
cases file (the bare scan the figures cannot beat).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from procedures_bench import seed
from sqlalchemy import insert, select, text

from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService
from zhichan.platform.accounts import create_user
from zhichan.platform.db import make_engine, session_scope, upgrade
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.orgs import create_org, scope_for_user
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import Case, CaseClock
from zhichan.procedures.service import NO_DEADLINE, ProcedureService, awaiting_period
from zhichan.protection.service import case_list
from zhichan.services.models import PriorityAllocation, PriorityQuota

#: the protection procedures in the seeded mix: their open states an officer acts in, and a running clock
MIX = (
    ("protection.complaint", "TS", ("received",), "acceptance"),
    ("protection.patent_dispute", "PD", ("filed", "accepted", "served", "answered", "hearing"), "closing"),
    ("protection.mediation", "TJ", ("filed", "served", "replied", "accepted", "agreed"), "service"),
    ("protection.ecommerce_notice", "DS", ("notified", "measures", "countered"), "holder_window"),
    ("protection.police_transfer", "YS", ("reported", "approved"), "decision"),
    ("protection.exhibition", "ZH", ("received", "passed_on"), "pass_on"),
    ("protection.overseas_guidance", "HW", ("filed", "guiding"), "admission"),
)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def server_cpu(session: Any) -> Any:
    """A function giving the CPU seconds used so far by the PostgreSQL server for ``session`` (read from /proc:
    a server on this machine) — its backend process, and the parallel workers it starts, which the postmaster
    reaps (its children's time) — or 0 when there is none to read (SQLite runs in-process). The kernel counts
    in ticks (10 ms): a p50 over many requests is meaningful, a single one is not."""
    if session.get_bind().dialect.name != "postgresql":
        return lambda: 0.0
    backend = Path(f"/proc/{session.scalar(text('SELECT pg_backend_pid()'))}/stat")
    if not backend.exists():
        return lambda: 0.0

    def fields(stat: Path) -> list[str]:
        return stat.read_text().rsplit(")", 1)[1].split()

    postmaster = Path(f"/proc/{fields(backend)[1]}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        own, reaped = fields(backend), fields(postmaster)
        return (int(own[11]) + int(own[12]) + int(reaped[13]) + int(reaped[14])) / tick  # utime stime cutime cstime

    return used


#: the priority-examination applications (令85号) the province's offices hold beside the districts' protection cases
PRIORITY = "services.priority_exam"


def seed_priority(engine: Any, users: dict[str, int], n: int, first_id: int) -> dict[str, int]:
    """``n`` open priority-examination applications (ids from ``first_id``) of the province's cities — the seed's city
    (成都), two more made here (德阳, 绵阳) — and of one of its districts (武侯区), one in four each: half awaiting the
    province's recommendation (``filed``, one in five of those with the applicant's cure period running — the case
    awaits the party, not the province), the others already recommended or under CNIPA's examination. The year's
    quota is allocated to the three cities; 绵阳 has used all of its share (its applications are over quota: the
    recommendation is still the province's to take, and the step refuses it until more is allocated). Adds the
    province's leader (``province_leader``) to ``users``, who may recommend too but is not awaited."""
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    decl = ProcedureRegistry.load().get(PRIORITY, "default")
    with session_scope(engine) as s:
        province = s.scalars(select(Organization).where(Organization.region_code == "510000")).one()
        chengdu = s.scalars(select(Organization).where(Organization.region_code == "510100")).one()
        wuhou = s.scalars(select(Organization).where(Organization.region_code == "510107")).one()
        offices = [(o.id, o.path, o.region_code, city) for o, city in (
            (chengdu, "510100"), (create_org(s, "德阳市知识产权局", OrgKind.CITY, "510600", province), "510600"),
            (create_org(s, "绵阳市知识产权局", OrgKind.CITY, "510700", province), "510700"), (wuhou, "510100"))]
        users = {**users, "province_leader": create_user(
            s, username="province_leader", password="bench password 1", role=Role.BUREAU_LEADER, org=province,
            password_hash=s.get(User, users["province"]).password_hash).id}
    cases, clocks = [], []
    used = {"510100": 0, "510600": 0, "510700": 0}
    for k in range(n):
        case_id = first_id + k
        org_id, path, region, city = offices[k % 4]
        state = ("filed",) * 5 + ("recommended",) * 3 + ("examining",) * 2
        state_k = state[(k // 4) % 10]
        cure = state_k == "filed" and (k // 4) % 10 == 4
        due = today + dt.timedelta(days=(k * 7919) % 15 - 5)  # some review periods overdue
        rows: dict[str, Any] = {}
        if state_k == "filed":
            rows["review"] = {"status": "paused" if cure else "running", "due_on": None if cure else due,
                              "amount": 5, "unit": "working_day",
                              "pauses": json.dumps([{"start": today.isoformat(), "end": None, "reason": "",
                                                     "event": "request_cure"}] if cure else [])}
            if cure:
                rows["cure"] = {"status": "running", "due_on": today + dt.timedelta(days=k % 30), "amount": 30,
                                "unit": "day", "pauses": "[]"}
        else:
            used[city] += 1
        running = {name: SimpleNamespace(**row) for name, row in rows.items()}
        until, by = awaiting_period(decl, state_k, running)
        dues = [r["due_on"] for r in rows.values() if r["due_on"] is not None]
        office = [r["due_on"] for name, r in rows.items() if r["due_on"] is not None and decl.clocks[name].binds == "office"]
        cases.append({"id": case_id, "number": f"PE-2026-{k + 1:07d}", "procedure": PRIORITY, "jurisdiction": "default",
                      "revision": decl.revision, "title": f"优先审查推荐 {k}", "state": state_k, "version": 1,
                      "org_id": org_id, "org_path": path, "region_code": region, "party_user_id": None,
                      "party_key": None, "is_open": True, "created_at": now, "updated_at": now, "closed_at": None,
                      "fields": json.dumps({"application_number": f"20261{k:07d}", "subject": "发明专利申请",
                                            "ground": "省市重点发展产业", "applicant": f"企业{k}"}, ensure_ascii=False),
                      "next_due": min(dues, default=NO_DEADLINE), "next_office_due": min(office, default=NO_DEADLINE),
                      "awaits_until": until, "awaits_by": by})
        clocks += [{"case_id": case_id, "name": name, "started_at": now - dt.timedelta(days=3), "extensions": "[]",
                    "due_at": None, "warn_on": row["due_on"], "due_problem": None, "warned": 0,
                    "alert_on": row["due_on"] or NO_DEADLINE, "stopped_at": None, **row} for name, row in rows.items()]
    with engine.begin() as conn:
        for start in range(0, n, 10_000):
            conn.execute(insert(Case.__table__), cases[start:start + 10_000])
        for start in range(0, len(clocks), 10_000):
            conn.execute(insert(CaseClock.__table__), clocks[start:start + 10_000])
        quota = conn.execute(insert(PriorityQuota.__table__).values(
            year=today.year, province_code="510000", total=sum(used.values()) + n, allocated=sum(used.values()) + n,
            updated_by="bench", updated_at=now).returning(PriorityQuota.__table__.c.id)).scalar_one()
        # 成都 and 德阳 with room for every application they hold; 绵阳's share used up
        conn.execute(insert(PriorityAllocation.__table__), [
            {"quota_id": quota, "city_code": city, "used": count,
             "allocated": count if city == "510700" else count + n // 2} for city, count in used.items()])
    return users


def timed_cpu(fn: Any, server: Any, runs: int) -> tuple[float, float, float, float]:
    """(wall p50, wall p95, CPU p50, CPU p95) in ms over ``runs`` calls after 3 warm-ups."""
    for _ in range(3):
        fn()
    walls, cpus = [], []
    for _ in range(runs):
        w, c, sc = time.perf_counter(), time.process_time(), server()
        fn()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c + server() - sc) * 1000)
    walls.sort()
    cpus.sort()
    p95 = int(0.95 * runs) - 1
    return statistics.median(walls), walls[p95], statistics.median(cpus), cpus[p95]


def bench_cases(n: int, database_url: str | None, before: str | None, priority: int, own_only: bool,
                runs: int = 50) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        t0 = time.perf_counter()
        users = seed(engine, n, MIX)
        if priority:
            users = seed_priority(engine, users, priority, n + 1)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))  # as autovacuum (PostgreSQL) or the optimizer (SQLite) would have
        print(f"seeded {n:,} open protection cases and {priority:,} priority-examination applications in "
              f"{time.perf_counter() - t0:.1f} s ({engine.dialect.name})")
        registry = ProcedureRegistry.load()
        service = ProcedureService(engine, registry, EvidenceService(engine, SigningKey.generate(), "bench"),
                                   Path(tmp) / "files")
        with session_scope(engine) as s:
            scopes = {k: scope_for_user(s, s.get(User, v)) for k, v in users.items()}
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"Python {sys.version.split()[0]}")
        calls = (
            ("case list, district officer", lambda s, sc: case_list(s, sc, service, "zh")),
            ("case list, city officer (all districts)", lambda s, sc: case_list(s, sc, service, "zh")),
            ("case list, city, one procedure, all states",
             lambda s, sc: case_list(s, sc, service, "zh", status="all", procedure="protection.mediation")),
            ("to-do, district officer", lambda s, sc: service.todo(s, sc)),
            ("辖区待办, city officer (area=true)", lambda s, sc: service.todo(s, sc, area=True)),
        )
        who = ("district", "city", "city", "district", "city")

        def run(prefix: str, runs: int) -> None:
            print("| what | rows | wall p50 / p95 ms | CPU p50 / p95 ms | load (1/5 min) |\n|---|---:|---:|---:|---|")
            for (label, call), key in zip(calls, who, strict=True):
                with session_scope(engine) as s:
                    w50, w95, c50, c95 = timed_cpu(lambda s=s, call=call, key=key: call(s, scopes[key]),
                                                   server_cpu(s), runs)
                    total = call(s, scopes[key])["total"]
                print(f"| {prefix}{label} | {total:,} | {w50:.1f} / {w95:.1f} | {c50:.1f} / {c95:.1f} | {load()} |")

        if not own_only:
            run("", 50)
        # the own 我的待办 of the offices above the districts, beside the same lists on the code before (a checkout of
        # ``before`` in a process of its own, reading this database with the states index as it was), and the same
        # lists with some of the city's own cases among the districts'
        print("| own 我的待办 | rows | wall p50 / p95 ms | CPU p50 / p95 ms | load (1/5 min) |\n|---|---:|---:|---:|---|")
        for _, row, _ in own_lists(engine, service, users, runs):
            print(row)
        if before:
            compare_before(engine, url, users, before, runs=runs)
        if own_only:
            engine.dispose()
            return
        with engine.begin() as conn:  # 1 case in 100 handled by the city itself (sparse among all open cases)
            conn.execute(text("CREATE TABLE bench_moved AS SELECT id, org_id, org_path, region_code FROM procedure_cases "
                              "WHERE id % 100 = 0"))
            conn.execute(text("UPDATE procedure_cases SET org_id = :city, org_path = :path, region_code = '510100' "
                              "WHERE id % 100 = 0"), {"city": scopes["city"].org_id, "path": scopes["city"].org_path})
            conn.execute(text("ANALYZE"))
        for _, row, _ in own_lists(engine, service, users, 50, prefix="1 case in 100 the city's own: "):
            print(row)
        if before:
            compare_before(engine, url, users, before, prefix="1 case in 100 the city's own: ")
        with engine.begin() as conn:  # back in their districts for the baselines below
            for column in ("org_id", "org_path", "region_code"):
                conn.execute(text(f"UPDATE procedure_cases SET {column} = (SELECT m.{column} FROM bench_moved m "
                                  "WHERE m.id = procedure_cases.id) WHERE id % 100 = 0"))
            conn.execute(text("DROP TABLE bench_moved"))
            conn.execute(text("ANALYZE"))
        # baseline 1: the plan as before — no ordered walk to the page (the planner sorts every match)
        import zhichan.procedures.scope as lists
        import zhichan.procedures.service as engine_service

        walk = lists.walk_in_order
        lists.walk_in_order = engine_service.walk_in_order = lambda session, where, **_: where  # type: ignore[assignment]
        try:
            run("baseline (sorted, as before): ", 20)
        finally:
            lists.walk_in_order = engine_service.walk_in_order = walk  # type: ignore[assignment]
        with engine.begin() as conn:  # baseline 2: no case index (a scan of every case)
            for index in ("ix_procedure_cases_queue", "ix_procedure_cases_own", "ix_procedure_cases_area",
                          "ix_procedure_cases_states"):
                conn.execute(text(f"DROP INDEX {index}"))
        run("baseline (no index): ", 20)
        engine.dispose()


#: the code before a city's and a province's own 我的待办 were made fast (``cases --before``)
BEFORE = "4dffd1d7"
#: the own 我的待办 (not 辖区待办) of the offices above the districts holding the cases: (label, user seeded)
OWN_LISTS = (("to-do, district officer", "district", 50), ("to-do, city officer (own list)", "city", 50),
             ("to-do, city leader (own list)", "city_leader", 50),
             ("to-do, provincial officer (own list)", "province", 50),
             # the count beside 我的待办 (its total, one row read), and the province's leader (``seed_priority``)
             ("count badge, provincial officer", "province", 1),
             ("to-do, provincial leader (own list)", "province_leader", 50))
#: the states index as it was before procedures_0007 (the baseline's)
STATES_BEFORE = "(is_open, procedure, jurisdiction, state, org_path)"
STATES_NOW = "(is_open, procedure, jurisdiction, state, org_path, awaits_until, awaits_by, awaits_also)"
#: the migration that gave the states index its awaits columns (a ``--before`` commit holding it keeps them)
STATES_MIGRATION = "zhichan/procedures/migrations/versions/procedures_0007_states_awaits.py"


def own_lists(engine: Any, service: ProcedureService, users: dict[str, int], runs: int,
              prefix: str = "") -> list[tuple[str, str, str]]:
    """Each of :data:`OWN_LISTS` timed (``timed_cpu``): (label, its table row, what it found: the total, overdue and
    due-today counts and the first page's ids)."""
    with session_scope(engine) as s:
        scopes = {k: scope_for_user(s, s.get(User, v)) for k, v in users.items()}
    out = []
    for label, key, limit in OWN_LISTS:
        if key not in scopes:  # no priority applications seeded: no provincial leader
            continue
        with session_scope(engine) as s:
            w50, w95, c50, c95 = timed_cpu(lambda s=s, key=key, limit=limit: service.todo(s, scopes[key], limit=limit),
                                           server_cpu(s), runs)
            page = service.todo(s, scopes[key], limit=limit)
        found = f"{page['total']}:{page['overdue']}:{page['due_today']}:" + ",".join(str(i["id"]) for i in page["items"])
        out.append((label, f"| {prefix}{label} | {page['total']:,} | {w50:.1f} / {w95:.1f} | {c50:.1f} / {c95:.1f} | "
                           f"{load()} |", found))
    return out


def compare_before(engine: Any, url: str, users: dict[str, int], before: str, prefix: str = "", runs: int = 50) -> None:
    """The own lists measured by the code of the commit ``before`` (``git archive`` of its ``zhichan`` in a temporary
    folder, run in a process of its own on this database, its states index as that code made it — with or without
    procedures_0007), then the lists compared with this code's: the same totals and the same first page."""
    service = ProcedureService(engine, ProcedureRegistry.load(), EvidenceService(engine, SigningKey.generate(), "bench"),
                               Path(tempfile.gettempdir()) / "bench-files")
    now = own_lists(engine, service, users, 1)
    with tempfile.TemporaryDirectory() as tree:
        root = Path(__file__).resolve().parents[1]
        archive = subprocess.run(["git", "-C", str(root), "archive", before, "zhichan"], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", tree], input=archive.stdout, check=True)
        # the states index as that code made it: as before procedures_0007 unless ``before`` has the migration
        states = STATES_NOW if (Path(tree) / STATES_MIGRATION).exists() else STATES_BEFORE
        with engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_procedure_cases_states"))
            conn.execute(text(f"CREATE INDEX ix_procedure_cases_states ON procedure_cases {states}"))
            conn.execute(text("ANALYZE"))
        try:
            done = subprocess.run([sys.executable, __file__, "own-lists", "--database-url", url, "--users",
                                   json.dumps(users), "--prefix", f"before ({before}): {prefix}", "--runs", str(runs)],
                                  env={**os.environ, "PYTHONPATH": tree}, check=True, capture_output=True, text=True)
        finally:
            with engine.begin() as conn:
                conn.execute(text("DROP INDEX ix_procedure_cases_states"))
                conn.execute(text(f"CREATE INDEX ix_procedure_cases_states ON procedure_cases {STATES_NOW}"))
                conn.execute(text("ANALYZE"))
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    for (_, _, found), (row, found_before) in zip(now, lines, strict=True):
        print(f"{row} the same total, counts and first page as this code: {found == found_before} |")


def bench_case_list(n: int, database_url: str | None, runs: int) -> None:
    """The protection case list where its matches lie under newer cases (the module's ``case-list``), by this code and
    by the rule before, interleaved call by call."""
    import zhichan.procedures.scope as lists

    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        t0 = time.perf_counter()
        users = seed(engine, n, MIX)
        newer = n // 10
        with session_scope(engine) as s:
            scopes = {k: scope_for_user(s, s.get(User, v)) for k, v in users.items()}
        city = scopes["city"]
        with engine.begin() as conn:  # the older 70 % closed; 10,000 newer cases the city handles itself, open
            conn.execute(text("UPDATE procedure_cases SET is_open = :f, state = 'closed', closed_at = updated_at "
                              "WHERE id <= :old"), {"f": False, "old": n * 7 // 10})
            conn.execute(text(
                "INSERT INTO procedure_cases (id, number, procedure, jurisdiction, revision, title, state, version, "
                "org_id, org_path, region_code, party_user_id, party_key, fields, is_open, next_due, next_office_due, "
                "created_at, updated_at, closed_at, synthetic) SELECT id + :n, 'N' || number, procedure, jurisdiction, "
                "revision, title, 'received', version, :org, :path, '510100', party_user_id, party_key, fields, :t, "
                "next_due, next_office_due, created_at, updated_at, NULL, synthetic FROM procedure_cases "
                "WHERE id <= :newer"), {"n": n, "org": city.org_id, "path": city.org_path, "t": True, "newer": newer})
            conn.execute(text("UPDATE procedure_cases SET procedure = 'protection.complaint' WHERE id > :n"), {"n": n})
            conn.execute(text("ANALYZE"))
        print(f"seeded {n:,} protection cases (the older 70 % closed) and {newer:,} newer of the city's own in "
              f"{time.perf_counter() - t0:.1f} s ({engine.dialect.name}, load {load()})")
        registry = ProcedureRegistry.load()
        service = ProcedureService(engine, registry, EvidenceService(engine, SigningKey.generate(), "bench"),
                                   Path(tmp) / "files")
        walk = lists.walk_in_order

        def before(session: Any, where: Any, **kw: Any) -> Any:  # the density rule alone, a walked id a sorted row
            return walk(session, where, **{**kw, "newest": None, "cost": 1})

        calls: tuple[tuple[str, ...], ...] = (("closed cases, district officer", "district", "closed"), ("closed cases, city officer", "city", "closed"),
                 ("closed mediations, district officer", "district", "closed", "protection.mediation"),
                 ("closed mediations, city officer", "city", "closed", "protection.mediation"),
                 ("all cases, district officer (under the city's newer own)", "district", "all"),
                 ("open cases, district officer", "district", "open"), ("open cases, city officer", "city", "open"))
        print("| case list (rows) | now: CPU p50 / p95 ms | before: CPU p50 / p95 ms | wall p95 now / before ms | "
              "same page | load (1/5 min) |\n|---|---:|---:|---:|---|---|")
        for label, key, status, *procedure in calls:
            with session_scope(engine) as s:
                server = server_cpu(s)
                found: dict[str, Any] = {}
                timed: dict[str, tuple[list[float], list[float]]] = {"now": ([], []), "before": ([], [])}
                for i in range(runs + 3):
                    for name in ("now", "before"):
                        lists.walk_in_order = walk if name == "now" else before  # type: ignore[assignment]
                        try:
                            w, c, sc = time.perf_counter(), time.process_time(), server()
                            page = case_list(s, scopes[key], service, "zh", status=status,
                                             procedure=procedure[0] if procedure else None)
                            if i >= 3:
                                timed[name][0].append((time.perf_counter() - w) * 1000)
                                timed[name][1].append((time.process_time() - c + server() - sc) * 1000)
                        finally:
                            lists.walk_in_order = walk  # type: ignore[assignment]
                        found[name] = (page["total"], [item["id"] for item in page["items"]])
            p95 = int(0.95 * runs) - 1
            cpu = {k: sorted(v[1]) for k, v in timed.items()}
            wall = {k: sorted(v[0]) for k, v in timed.items()}
            print(f"| {label} ({found['now'][0]:,}) | {statistics.median(cpu['now']):.1f} / {cpu['now'][p95]:.1f} | "
                  f"{statistics.median(cpu['before']):.1f} / {cpu['before'][p95]:.1f} | {wall['now'][p95]:.0f} / "
                  f"{wall['before'][p95]:.0f} | {found['now'] == found['before']} | {load()} |")
        engine.dispose()


def write_cases(folder: Path, n: int, seed_: int = 7) -> None:
    """``n`` protection cases and 20,000 credit listings as the export writes them (synthetic)."""
    from zhichan import reference
    from zhichan.credit.figures import LISTINGS
    from zhichan.procedures.figures import CASES
    from zhichan.protection.figures import HANDLING

    rng = np.random.default_rng(seed_)
    counties = np.array(reference.all_counties())
    procedures = np.array([p for p, *_ in MIX] + ["protection.enforcement"])
    finals = {"protection.complaint": ["adjudication", "refused", "closed"], "protection.patent_dispute": ["closed", "mediated", "withdrawn"],
              "protection.mediation": ["closed", "failed", "refused", "withdrawn"],
              "protection.ecommerce_notice": ["closed", "maintained", "restored"], "protection.police_transfer": ["closed"],
              "protection.exhibition": ["closed"], "protection.overseas_guidance": ["concluded", "declined"],
              "protection.enforcement": ["closed"]}
    proc = procedures[rng.integers(0, len(procedures), n)]
    opened = np.datetime64("2024-01-01") + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    handling = rng.integers(0, 120, n)
    closed_mask = rng.random(n) < 0.75
    closed = np.where(closed_mask, opened + handling.astype("timedelta64[D]"), np.datetime64("NaT"))
    state = np.array([rng.choice(finals[p]) if c else "open" for p, c in zip(proc, closed_mask, strict=True)])
    adjudication = (proc == "protection.patent_dispute") & closed_mask
    paused = np.where(adjudication, rng.integers(0, 20, n), 0)
    folder.mkdir(parents=True, exist_ok=True)
    cases = pa.table({
        "case_id": np.arange(1, n + 1), "number": [f"X-{i}" for i in range(1, n + 1)], "procedure": proc,
        "domain": np.full(n, "protection"), "jurisdiction": np.full(n, "default"), "state": state,
        "is_open": ~closed_mask, "region_code": counties[rng.integers(0, len(counties), n)],
        "party_key": pa.nulls(n, pa.string()), "opened_on": opened, "closed_on": pa.array(closed, pa.date32()),
        "cycle_started_on": pa.array(np.where(adjudication, opened, np.datetime64("NaT")), pa.date32()),
        "cycle_stopped_on": pa.array(np.where(adjudication, closed, np.datetime64("NaT")), pa.date32()),
        "cycle_paused_days": pa.array(np.where(adjudication, paused, 0), pa.int32(), mask=~adjudication),
        "cycle_days": pa.array(np.where(adjudication, handling - paused, 0), pa.int32(), mask=~adjudication),
        "cycle_in_time": pa.array(handling - paused <= 92, pa.bool_(), mask=~adjudication),
        "overdue_clocks": rng.integers(0, 2, n).astype("int32"), "synthetic": np.ones(n, bool),
    }, schema=CASES)
    pq.write_table(cases, folder / "cases.parquet", compression="zstd")
    ids = np.arange(1, n + 1)[closed_mask]
    pq.write_table(pa.table({"case_id": ids, "handling_days": (handling - paused)[closed_mask].astype("int32")},
                            schema=HANDLING), folder / "protection_handling.parquet", compression="zstd")
    m = 20_000
    listed = np.datetime64("2024-06-01") + rng.integers(0, 900, m).astype("timedelta64[D]")
    repaired = rng.random(m) < 0.1
    pq.write_table(pa.table({
        "listing_id": np.arange(1, m + 1), "subject": [f"主体{i}" for i in range(m)], "subject_key": [f"主体{i}" for i in range(m)],
        "ground": np.full(m, "abnormal_filing"), "decision_number": [f"第{i}号" for i in range(m)],
        "region_code": counties[rng.integers(0, len(counties), m)], "listed_from": listed,
        "listed_until": listed + np.timedelta64(365, "D"),
        "repaired_on": pa.array(np.where(repaired, listed + np.timedelta64(200, "D"), np.datetime64("NaT")), pa.date32()),
        "published_on": listed, "synthetic": np.ones(m, bool)}, schema=LISTINGS), folder / "credit_listings.parquet")


def bench_stats(n: int, engines: list[str]) -> None:
    from zhichan import reference
    from zhichan.corpus.testing import build_snapshot, patent
    from zhichan.figures import all_figures
    from zhichan.indicators import registry, service

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        snap = build_snapshot(data, patents=[patent("202010000001")])
        t = time.perf_counter()
        write_cases(data / "workflow", n)
        print(f"wrote {n:,} protection cases and 20,000 listings in {time.perf_counter() - t:.1f} s")
        protection = {"zhichan.protection.figures", "zhichan.credit.figures"}
        codes = [i.code for f in all_figures() if f.indicators.__module__ in protection for i in f.indicators()]
        codes += [c for c in ("protection_cases_opened", "protection_cases_closed", "protection_cases_closed_in_time",
                              "protection_in_time_rate", "adjudication_cycle_days", "adjudication_on_time_rate",
                              "protection_out_of_court_share")]
        regions = [reference.NATION, *reference.all_provinces(), *reference.all_cities(), *reference.all_counties()]
        as_of = dt.date(2026, 6, 30)
        t, c = time.perf_counter(), time.process_time()
        registry.indicators()  # every domain's indicators; the services' read the procedure declarations
        print(f"| indicator registry loaded (once per process) | {time.perf_counter() - t:.2f} s | "
              f"{time.process_time() - c:.2f} CPU-s | load {load()} |")
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
              f"{len(codes)} indicators × {len(regions):,} regions")
        con = snap.connect()
        try:
            t = time.perf_counter()
            groups = len(con.execute(f"SELECT region_code, count(*) FROM read_parquet('{data / 'workflow' / 'cases.parquet'}') "
                                     "GROUP BY region_code").fetchall())
            print(f"| baseline: one GROUP BY region_code over the cases file ({groups:,} groups) | "
                  f"{time.perf_counter() - t:.2f} s | load {load()} |")
        finally:
            con.close()
        city = "510100"
        cockpit = [city, *reference.children(city)]
        results: dict[str, Any] = {}
        def took(t: float, c: float) -> str:
            return f"{time.perf_counter() - t:.2f} s | {time.process_time() - c:.2f} CPU-s | load {load()} |"

        for engine in engines:
            service._CACHE.clear()  # every run scans the files afresh
            t, c = time.perf_counter(), time.process_time()
            totals = service.all_totals(snap, as_of, engine, codes)
            print(f"| {engine}: every protection figure for every county (the scans, one date) | {took(t, c)}")
            service._CACHE.clear()
            t, c = time.perf_counter(), time.process_time()
            cockpit_values = service.compute(codes, cockpit, as_of, snapshot=snap, engine=engine)
            print(f"| {engine}: cockpit of one city ({len(cockpit)} regions, with 同比, shares, ranks) | {took(t, c)}")
            t, c = time.perf_counter(), time.process_time()
            everything = service.compute(codes, regions, as_of, snapshot=snap, engine=engine)
            print(f"| {engine}: all {len(regions):,} regions, scans cached ({len(everything):,} values; Python roll-ups) | "
                  f"{took(t, c)}")
            results[engine] = (totals, [(v.code, v.region_code, v.value, v.previous_value, v.rank) for v in everything],
                               [(v.code, v.region_code, v.value) for v in cockpit_values])
        if len(results) > 1:
            first, *others = results.values()
            print("identical on every engine (county totals, every region's values, the cockpit):",
                  all(o == first for o in others))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    cases = sub.add_parser("cases", help="case list and to-do list over N open protection cases")
    cases.add_argument("--cases", type=int, default=100_000)
    cases.add_argument("--database-url", default=None, help="default: a new SQLite file in a temporary folder")
    cases.add_argument("--before", default=BEFORE, help="the commit whose code the own lists are compared with "
                                                       "('' for none)")
    cases.add_argument("--priority", type=int, default=8_000,
                       help="priority-examination applications of the province's offices besides (0: none)")
    cases.add_argument("--own-only", action="store_true", help="only the own lists (no case lists, no 1 case in 100 moved, no baselines)")
    cases.add_argument("--runs", type=int, default=50, help="timed calls of each own list")
    lists = sub.add_parser("own-lists", help="(run by cases --before) the own lists on an existing database, as JSON")
    lists.add_argument("--database-url", required=True)
    lists.add_argument("--users", required=True)
    lists.add_argument("--prefix", default="")
    lists.add_argument("--runs", type=int, default=50)
    listed = sub.add_parser("case-list", help="the protection case list over N cases, its matches under newer ones")
    listed.add_argument("--cases", type=int, default=100_000)
    listed.add_argument("--database-url", default=None, help="default: a new SQLite file in a temporary folder")
    listed.add_argument("--runs", type=int, default=30, help="timed calls of each list, by each rule")
    stats = sub.add_parser("stats", help="protection and credit-list indicators over N exported cases")
    stats.add_argument("--cases", type=int, default=1_000_000)
    stats.add_argument("--engines", default="duckdb,spark")
    args = parser.parse_args()
    if args.what == "cases":
        bench_cases(args.cases, args.database_url, args.before or None, args.priority, args.own_only, args.runs)
    elif args.what == "case-list":
        bench_case_list(args.cases, args.database_url, args.runs)
    elif args.what == "own-lists":
        engine = make_engine(args.database_url)
        with tempfile.TemporaryDirectory() as tmp:
            service = ProcedureService(engine, ProcedureRegistry.load(),
                                       EvidenceService(engine, SigningKey.generate(), "bench"), Path(tmp))
            for _, row, found in own_lists(engine, service, json.loads(args.users), args.runs, prefix=args.prefix):
                print(json.dumps([row, found], ensure_ascii=False))
        engine.dispose()
    else:
        bench_stats(args.cases, args.engines.split(","))


if __name__ == "__main__":
    main()
