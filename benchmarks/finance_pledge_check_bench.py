"""The automatic checks of a 100-patent pledge registration (claim: < 200 ms against a 10M-patent
corpus), on corpora of two sizes in the same run: the checks read by key, so their cost should not grow
with the corpus — that is the evidence for 10M.

    .venv/bin/python benchmarks/finance_pledge_check_bench.py --data-dir /work/benchdata/finance-1m \
        [--small 100000] [--unsorted-dir /work/benchdata/1m]

The large corpus (``--data-dir``) is read only (its current snapshot). The small one (``--small``
patents, synthetic) is generated into a temporary folder. ``--unsorted-dir``: a corpus written before
snapshots stored ``patents`` and ``events`` in application-number order (the old layout), measured too.
On each: the holder with the most granted patents is the pledgor; 100 of its patents are pledged (an
empty workflow database on SQLite, migrations applied). Measured, 3 warm-ups then 20 runs:
:func:`zhichan.finance.service.check_application` (every refusal rule on the registration date, as the
pledgor's filing and the officer's decision run it), wall p50 / p95; inside it
:func:`zhichan.corpus.rights.rights_on` (the corpus part), wall p50 / p95 and CPU p50 (all threads of
the process: what the shared machine's load does not inflate as much); beside it the old corpus
part — the numbers joined with the snapshot's views — wall and CPU p50; and the row groups the new
lookup reads of those the tables hold (DuckDB's EXPLAIN ANALYZE).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from zhichan.corpus.rights import _PATENT_COLUMNS, lookup_sql, rights_on
from zhichan.corpus.store import CorpusStore, Snapshot, duckdb_connect
from zhichan.finance.service import Application, Rights, check_application
from zhichan.platform.db import make_engine, upgrade

RUNS = 20


def _pledge(snap: Snapshot) -> tuple[str, list[str], dt.date, int]:
    """The holder with the most granted patents, 100 of them, the corpus's last filing date, its size."""
    con = snap.connect()
    try:
        holder, = con.execute("SELECT first_patentee FROM patents WHERE legal_status = 'granted' "
                              "AND first_patentee IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchall()[0]
        numbers = [r[0] for r in con.execute(
            "SELECT application_number FROM patents WHERE legal_status = 'granted' AND first_patentee = ? "
            "ORDER BY application_number LIMIT 100", [holder]).fetchall()]
        last, size = con.execute("SELECT max(application_date), count(*) FROM patents").fetchall()[0]
    finally:
        con.close()
    return holder, numbers, last, int(size)


def _joined(snap: Snapshot, numbers: list[str]) -> None:
    """The corpus part as it was: the numbers in a table joined with the snapshot's views (baseline)."""
    con = snap.connect()
    try:
        con.execute("CREATE TEMP TABLE wanted(n VARCHAR)")
        con.executemany("INSERT INTO wanted VALUES (?)", [(n,) for n in numbers])
        con.execute(f"SELECT {', '.join('p.' + c for c in _PATENT_COLUMNS)} FROM patents p "
                    "JOIN wanted w ON p.application_number = w.n").fetchall()
        con.execute("SELECT e.application_number, e.event_type, e.event_date, e.amount_yuan, e.party_from, e.party_to, "
                    "e.detail FROM events e JOIN wanted w ON e.application_number = w.n "
                    "ORDER BY e.application_number, e.event_date NULLS FIRST, e.event_id").fetchall()
    finally:
        con.close()


def _groups_read(snap: Snapshot, numbers: list[str]) -> str:
    """Row groups the lookup reads / row groups the table holds, for patents and events."""
    con = duckdb_connect()
    out = []
    try:
        for sql in lookup_sql(snap, sorted(numbers)):
            plan = "".join(str(r[1]) for r in con.execute("EXPLAIN ANALYZE " + sql).fetchall())
            found = re.findall(r"Row Groups Scanned: *([0-9]+) */ *([0-9]+)", plan)
            out.append(" + ".join(f"{a}/{b}" for a, b in found) or "?")
    finally:
        con.close()
    return " · ".join(out)


def _timed(fn: object) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for i in range(3 + RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        if i >= 3:
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    return sorted(wall), sorted(cpu)


def _p95(values: list[float]) -> float:
    return values[int(0.95 * len(values)) - 1]


def _measure(snap: Snapshot, session: Session) -> dict[str, float | int | str]:
    holder, numbers, on, size = _pledge(snap)
    app = Application(holder, Rights(patents=numbers), on + dt.timedelta(days=365))
    report = check_application(session, snap, app, on)
    checks, _ = _timed(lambda: check_application(session, snap, app, on))
    corpus, corpus_cpu = _timed(lambda: rights_on(snap, numbers, on))
    old, old_cpu = _timed(lambda: _joined(snap, numbers))
    refused = sum(1 for r in report.rights.values() if r["refusals"])
    return {"patents": size, "rights": len(numbers), "refused": refused,
            "p50": statistics.median(checks), "p95": _p95(checks),
            "corpus_p50": statistics.median(corpus), "corpus_p95": _p95(corpus), "corpus_cpu": statistics.median(corpus_cpu),
            "old_p50": statistics.median(old), "old_cpu": statistics.median(old_cpu), "groups": _groups_read(snap, numbers)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("ZHICHAN_DATA_DIR", "var")))
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--unsorted-dir", type=Path, default=None)
    args = parser.parse_args()
    corpora = [("large", CorpusStore(args.data_dir / "corpus").current())]
    if args.unsorted_dir:
        corpora.append(("large, old layout (not in number order)", CorpusStore(args.unsorted_dir / "corpus").current()))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        from zhichan.corpus.generator.service import generate

        small = generate(args.small, 7, store=CorpusStore(Path(tmp) / "corpus"))
        engine = make_engine(f"sqlite:///{Path(tmp) / 'workflow.sqlite3'}")
        upgrade(engine)
        rows = []
        with Session(engine) as session:
            for name, snap in (("small", small), *corpora):
                rows.append((name, _measure(snap, session)))
        engine.dispose()
    print(f"{platform.python_implementation()} {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print("| corpus | patents | rights (refused) | check_application p50 / p95 | rights_on p50 / p95 (CPU p50) "
          "| old join p50 (CPU p50) | row groups read: patents · events |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, r in rows:
        print(f"| {name} | {r['patents']:,} | {r['rights']} ({r['refused']}) | {r['p50']:.1f} / {r['p95']:.1f} ms | "
              f"{r['corpus_p50']:.1f} / {r['corpus_p95']:.1f} ms ({r['corpus_cpu']:.1f}) | "
              f"{r['old_p50']:.1f} ms ({r['old_cpu']:.1f}) | {r['groups']} |")


if __name__ == "__main__":
    main()
