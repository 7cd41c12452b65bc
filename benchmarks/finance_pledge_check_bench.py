"""The automatic checks of a 100-patent pledge registration (claim: < 200 ms against a 10M-patent
corpus), measured on a large corpus beside the same checks on a small one in the same run: if the
checks read by key, their cost should hardly grow with the corpus.

    .venv/bin/python benchmarks/finance_pledge_check_bench.py --data-dir /work/benchdata/1m [--small 20000]

The large corpus is read only (its current snapshot). The small one (``--small`` patents, synthetic)
is generated into a temporary folder. On each: the holder with the most granted patents is the
pledgor; 100 of its patents are pledged (an empty workflow database on SQLite, migrations applied).
Measured: :func:`zhichan.finance.service.check_application` — every refusal rule on the
registration date, as the pledgor's filing and the officer's decision run it — 3 warm-ups, then 20
runs, p50 / p95; and, inside it, :func:`zhichan.corpus.rights.rights_on` (the corpus part) alone.
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

from sqlalchemy.orm import Session

from zhichan.corpus.rights import rights_on
from zhichan.corpus.store import CorpusStore, Snapshot
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


def _measure(snap: Snapshot, session: Session) -> dict[str, float | int | str]:
    holder, numbers, on, size = _pledge(snap)
    app = Application(holder, Rights(patents=numbers), on + dt.timedelta(days=365))

    def timed(fn: object) -> list[float]:
        out = []
        for i in range(3 + RUNS):
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            if i >= 3:
                out.append((time.perf_counter() - t0) * 1000)
        return sorted(out)

    report = check_application(session, snap, app, on)
    checks = timed(lambda: check_application(session, snap, app, on))
    corpus = timed(lambda: rights_on(snap, numbers, on))
    refused = sum(1 for r in report.rights.values() if r["refusals"])
    return {"patents": size, "rights": len(numbers), "refused": refused,
            "p50": statistics.median(checks), "p95": checks[int(0.95 * len(checks)) - 1],
            "corpus_p50": statistics.median(corpus), "corpus_p95": corpus[int(0.95 * len(corpus)) - 1]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("ZHICHAN_DATA_DIR", "var")))
    parser.add_argument("--small", type=int, default=20_000)
    args = parser.parse_args()
    large = CorpusStore(args.data_dir / "corpus").current()
    with tempfile.TemporaryDirectory() as tmp:
        from zhichan.corpus.generator.service import generate

        small = generate(args.small, 7, store=CorpusStore(Path(tmp) / "corpus"))
        engine = make_engine(f"sqlite:///{Path(tmp) / 'workflow.sqlite3'}")
        upgrade(engine)
        rows = []
        with Session(engine) as session:
            for name, snap in (("small (baseline)", small), ("large", large)):
                rows.append((name, _measure(snap, session)))
        engine.dispose()
    print(f"{platform.python_implementation()} {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    print("| corpus | patents | rights pledged (refused) | check_application p50 / p95 | of which rights_on p50 / p95 |")
    print("|---|---:|---:|---:|---:|")
    for name, r in rows:
        print(f"| {name} | {r['patents']:,} | {r['rights']} ({r['refused']}) | {r['p50']:.1f} / {r['p95']:.1f} ms | "
              f"{r['corpus_p50']:.1f} / {r['corpus_p95']:.1f} ms |")


if __name__ == "__main__":
    main()
