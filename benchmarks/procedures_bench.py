"""The procedure engine at 100,000 open cases: an officer's to-do list (p95) and the deadline sweep,
on SQLite and PostgreSQL, each beside a baseline in the same run.

    .venv/bin/python benchmarks/procedures_bench.py --cases 100000 [--database-url postgresql+psycopg://…]

Cases are bulk-inserted as the engine writes them (one running clock each, deadlines spread over
±60 days around today) for 3 districts of one city; a deadline in a year whose holiday schedule is not loaded
is a provisional date as the engine stores it (``due_problem`` naming the year) — at the end of a year, about
three in ten. Measured: ``ProcedureService.todo`` for a
district officer (a third of the cases) and for the city (all), 50 runs each after 3 warm-ups, p50
and p95; then ``sweep`` over all clocks (first run: many warnings; second: none). Baselines in the
same run: the to-do queries after dropping the engine's indexes (a scan of every case); for the sweep,
recomputing every running deadline from its clock in Python, and a third sweep as it was before it counted again only
the provisional deadlines naming a year loaded since (every one, on every run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, insert, select, text, update

from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService
from zhichan.legaltime import CalendarNotPublished, Clock, published
from zhichan.platform.accounts import create_user, hash_password
from zhichan.platform.db import make_engine, session_scope, upgrade
from zhichan.platform.models import OrgKind, Role, User
from zhichan.platform.orgs import create_org, scope_for_user
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import Case, CaseClock
from zhichan.procedures.service import ProcedureService, awaiting_period

#: (procedure, number prefix, open states, the running clock): what ``seed`` writes, case i taking entry i % len
DISPUTES = (("protection.patent_dispute", "PD", ("filed", "accepted", "served", "answered", "hearing"), "closing"),)


def seed(engine, n: int, mix: tuple[tuple[str, str, tuple[str, ...], str], ...] = DISPUTES) -> dict[str, int]:  # type: ignore[no-untyped-def]
    pw = hash_password("bench password 1")
    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        province = create_org(s, "四川省知识产权局", OrgKind.PROVINCE, "510000", nation)
        city = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100", province)
        districts = [create_org(s, name, OrgKind.COUNTY, code, city)
                     for code, name in (("510104", "锦江区"), ("510105", "青羊区"), ("510107", "武侯区"))]
        users = {"city": create_user(s, username="city", password="bench password 1", role=Role.CASE_OFFICER, org=city, password_hash=pw).id,
                 "district": create_user(s, username="district", password="bench password 1", role=Role.CASE_OFFICER, org=districts[2],
                                         password_hash=pw).id,
                 # the city's leader and the province's officer: their own lists hold the steps of an office above
                 # the one handling a case (``office: above`` / ``province``), looked for in the districts' cases
                 "city_leader": create_user(s, username="city_leader", password="bench password 1", role=Role.BUREAU_LEADER,
                                            org=city, password_hash=pw).id,
                 "province": create_user(s, username="province", password="bench password 1", role=Role.CASE_OFFICER,
                                         org=province, password_hash=pw).id}
        paths = [(d.id, d.path, d.region_code) for d in districts]
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    batch = 10_000
    registry = ProcedureRegistry.load()
    with engine.begin() as conn:
        for start in range(0, n, batch):
            cases = []
            for i in range(start, min(n, start + batch)):
                org_id, path, region = paths[i % 3]
                procedure, prefix, states, _ = mix[i % len(mix)]
                cases.append({"id": i + 1, "number": f"{prefix}-2026-{i + 1:07d}", "procedure": procedure,
                              "jurisdiction": "default", "revision": 1, "title": f"案件 {i}",
                              "state": states[(i // len(mix)) % len(states)],
                              "version": 1, "org_id": org_id, "org_path": path, "region_code": region,
                              "party_user_id": None, "party_key": None, "fields": "{}", "is_open": True,
                              "next_due": today + dt.timedelta(days=(i * 7919) % 121 - 60), "created_at": now,
                              "updated_at": now, "closed_at": None})
                cases[-1]["next_office_due"] = cases[-1]["next_due"]  # the one clock is the office's (closing)
            problems: dict[int, str] = {}
            for c in cases:
                if not published(c["next_due"].year):  # as the engine stores it: a provisional date, and why
                    started = dt.datetime.combine(c["next_due"] - relativedelta(months=3), dt.time(2))
                    due = Clock(3, "month", started).reckon()
                    assert due is not None and due.provisional and due.year is not None
                    c["next_due"] = c["next_office_due"] = due.day
                    problems[c["id"]] = CalendarNotPublished(due.year).message
            for c in cases:  # who its one clock awaits while it runs, if it says so (the holder's 15 days: the party)
                clock = SimpleNamespace(status="running", due_on=c["next_due"])
                c["awaits_until"], c["awaits_by"] = awaiting_period(
                    registry.get(c["procedure"], "default"), c["state"], {mix[(c["id"] - 1) % len(mix)][3]: clock})
            conn.execute(insert(Case.__table__), cases)
            conn.execute(insert(CaseClock.__table__), [
                {"case_id": c["id"], "name": mix[(c["id"] - 1) % len(mix)][3], "amount": 3, "unit": "month",
                 "started_at": dt.datetime.combine(c["next_due"] - relativedelta(months=3), dt.time(2)),
                 "status": "running", "pauses": "[]", "extensions": "[]", "due_on": c["next_due"],
                 "due_at": None, "warn_on": c["next_due"] - dt.timedelta(days=10),
                 "due_problem": problems.get(c["id"]), "warned": 0,
                 "alert_on": c["next_due"] - dt.timedelta(days=10),
                 "stopped_at": None} for c in cases])
    return users


def timed(fn, runs: int = 50) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    for _ in range(3):
        fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * len(samples)) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        t0 = time.perf_counter()
        users = seed(engine, args.cases)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))  # as autovacuum (PostgreSQL) or the optimizer (SQLite) would have
        with engine.connect() as conn:
            provisional = conn.scalar(select(func.count()).select_from(CaseClock.__table__).where(
                CaseClock.due_problem.is_not(None))) or 0
        print(f"seeded {args.cases:,} open cases ({provisional:,} with a provisional deadline) in "
              f"{time.perf_counter() - t0:.1f} s ({engine.dialect.name})")
        service = ProcedureService(engine, ProcedureRegistry.load(), EvidenceService(engine, SigningKey.generate(), "bench"),
                                   Path(tmp) / "files")
        with session_scope(engine) as s:
            scopes = {k: scope_for_user(s, s.get(User, v)) for k, v in users.items()}
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"load {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}")
        print("| what | p50 ms | p95 ms |\n|---|---:|---:|")
        runs = (("to-do, district officer", "district", False), ("辖区待办, city officer (area=true)", "city", True))
        for label, key, area in runs:
            with session_scope(engine) as s:
                p50, p95 = timed(lambda s=s, key=key, area=area: service.todo(s, scopes[key], area=area))
                total = service.todo(s, scopes[key], area=area)["total"]
            print(f"| {label} ({total:,} open) | {p50:.1f} | {p95:.1f} |")
        # what the sweep's first statement costs — the clocks to warn of written unchanged, locked before its moment
        # is read — measured on its own and rolled back, before the first run
        t = time.perf_counter()
        clocks = CaseClock.__table__
        due = (clocks.c.status != "stopped", clocks.c.alert_on <= dt.date.today(), clocks.c.warned < 3)
        with engine.connect() as conn, conn.begin() as tx:
            if engine.dialect.name == "sqlite":  # the write lock: a write matching nothing
                conn.execute(update(clocks).where(*due, clocks.c.id.is_(None)).values(warned=clocks.c.warned))
            else:
                conn.execute(select(clocks.c.id).where(*due).with_for_update()).all()
            tx.rollback()
        print(f"of the first run: locking the clocks to warn of before the moment: {time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        with engine.connect() as conn, conn.begin() as tx:  # the alternative: every one written unchanged
            rows = conn.execute(update(clocks).where(*due).values(warned=clocks.c.warned)).rowcount
            tx.rollback()
        print(f"baseline: locking them by writing all {rows:,} unchanged: {time.perf_counter() - t:.2f} s")
        for attempt in ("first", "second"):
            t = time.perf_counter()
            with session_scope(engine) as s:
                counts = service.sweep(s)
            print(f"sweep ({attempt} run) over {args.cases:,} running clocks: {time.perf_counter() - t:.2f} s {counts}")
        # baseline for the second run: the sweep as it was, counting every provisional deadline again on each run
        # (no year counts as still unpublished, so none is left as it stands; the dates come out the same)
        import zhichan.procedures.service as engine_module

        kept = engine_module.unpublished_years
        engine_module.unpublished_years = lambda: range(0)  # type: ignore[assignment]
        try:
            t = time.perf_counter()
            with session_scope(engine) as s:
                counts = service.sweep(s)
            print(f"baseline: the sweep counting all {provisional:,} provisional deadlines again (second run, as "
                  f"before): {time.perf_counter() - t:.2f} s {counts}")
        finally:
            engine_module.unpublished_years = kept
        # baseline for the sweep: recompute every running deadline from its clock (what storing them avoids)
        t = time.perf_counter()
        late = unknown = 0
        with session_scope(engine) as s:
            for row in s.execute(select(CaseClock.__table__).where(CaseClock.status == "running")):
                reckoned = ProcedureService.clock_of(row).reckon()
                unknown += reckoned is not None and reckoned.provisional
                late += reckoned is not None and reckoned.day < dt.date.today()
        print(f"baseline: recomputing all {args.cases:,} deadlines in Python: {time.perf_counter() - t:.2f} s "
              f"({late:,} late, {unknown:,} provisional, past the loaded holiday schedule)")
        # the baseline: the same queries without the engine's indexes (a scan of every case)
        with engine.begin() as conn:
            for index in ("ix_procedure_cases_queue", "ix_procedure_cases_own", "ix_procedure_cases_area"):
                conn.execute(text(f"DROP INDEX {index}"))
        for label, key, area in (("baseline (no index): to-do, district officer", "district", False),
                                 ("baseline (no index): 辖区待办, city officer", "city", True)):
            with session_scope(engine) as s:
                p50, p95 = timed(lambda s=s, key=key, area=area: service.todo(s, scopes[key], area=area), runs=20)
            print(f"| {label} | {p50:.1f} | {p95:.1f} |")

        engine.dispose()


if __name__ == "__main__":
    main()
