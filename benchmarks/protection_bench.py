"""Protection at scale, each beside a baseline in the same run.

    .venv/bin/python benchmarks/protection_bench.py cases --cases 100000 [--database-url postgresql+psycopg://…]

**cases**: 100,000 open protection cases (complaints, adjudications, mediations, e-commerce notices, police
transfers, exhibitions, overseas guidance — one running clock each, deadlines spread ±60 days around today)
for 3 districts of one city, bulk-inserted as the engine writes them (``procedures_bench.seed``). Measured:
the protection case list (:func:`zhichan.protection.service.case_list`, newest first with the total) and the
to-do list (``ProcedureService.todo``) for a district officer (a third of the cases) and for the city (all),
50 runs each after 3 warm-ups, p50 and p95. Baseline: the same calls after dropping the engine's case
indexes (a scan of every case).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from procedures_bench import seed, timed
from sqlalchemy import text

from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService
from zhichan.platform.db import make_engine, session_scope, upgrade
from zhichan.platform.models import User
from zhichan.platform.orgs import scope_for_user
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.service import ProcedureService
from zhichan.protection.service import case_list

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


def bench_cases(n: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        t0 = time.perf_counter()
        users = seed(engine, n, MIX)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))  # as autovacuum (PostgreSQL) or the optimizer (SQLite) would have
        print(f"seeded {n:,} open protection cases in {time.perf_counter() - t0:.1f} s ({engine.dialect.name})")
        registry = ProcedureRegistry.load()
        service = ProcedureService(engine, registry, EvidenceService(engine, SigningKey.generate(), "bench"),
                                   Path(tmp) / "files")
        with session_scope(engine) as s:
            scopes = {k: scope_for_user(s, s.get(User, v)) for k, v in users.items()}
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"Python {sys.version.split()[0]}")
        calls = (
            ("case list, district officer", lambda s, sc: case_list(s, sc, registry, "zh")),
            ("case list, city officer (all districts)", lambda s, sc: case_list(s, sc, registry, "zh")),
            ("case list, city, one procedure, all states",
             lambda s, sc: case_list(s, sc, registry, "zh", status="all", procedure="protection.mediation")),
            ("to-do, district officer", lambda s, sc: service.todo(s, sc)),
            ("辖区待办, city officer (area=true)", lambda s, sc: service.todo(s, sc, area=True)),
        )
        who = ("district", "city", "city", "district", "city")

        def run(prefix: str, runs: int) -> None:
            print("| what | rows | p50 ms | p95 ms | load (1/5 min) |\n|---|---:|---:|---:|---|")
            for (label, call), key in zip(calls, who, strict=True):
                with session_scope(engine) as s:
                    p50, p95 = timed(lambda s=s, call=call, key=key: call(s, scopes[key]), runs=runs)
                    total = call(s, scopes[key])["total"]
                print(f"| {prefix}{label} | {total:,} | {p50:.1f} | {p95:.1f} | {load()} |")

        run("", 50)
        with engine.begin() as conn:  # the baseline: no case index (a scan of every case)
            for index in ("ix_procedure_cases_queue", "ix_procedure_cases_own", "ix_procedure_cases_area"):
                conn.execute(text(f"DROP INDEX {index}"))
        run("baseline (no index): ", 20)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    cases = sub.add_parser("cases", help="case list and to-do list over N open protection cases")
    cases.add_argument("--cases", type=int, default=100_000)
    cases.add_argument("--database-url", default=None, help="default: a new SQLite file in a temporary folder")
    args = parser.parse_args()
    if args.what == "cases":
        bench_cases(args.cases, args.database_url)


if __name__ == "__main__":
    main()
