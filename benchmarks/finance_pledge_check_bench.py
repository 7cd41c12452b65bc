"""The automatic checks of a 100-patent pledge registration (claim: < 200 ms against a 10M-patent
corpus), on corpora of three sizes in the same run: the checks read by key, so their cost should not grow
with the corpus — that is the evidence for 10M.

    .venv/bin/python benchmarks/finance_pledge_check_bench.py --data-dir /work/benchdata/keyindex-1m \
        [--small 100000] [--replicated-dir /work/benchdata/keyindex-10m --times 10] [--unsorted-dir …]

The large corpus (``--data-dir``) is read only (its current snapshot). The small one (``--small``
patents, synthetic) is generated into a temporary folder. ``--replicated-dir``: a corpus ``--times`` the
large one's size, made (once, kept there) of the large one's ``patents`` and ``events`` — only the
columns a right on a date reads — copied ``--times`` times with each copy's application numbers given a
prefix of its own (CN0…, CN1…), written in key order in 10,000-row groups, its key index built by
:func:`zhichan.corpus.keyindex.build_key_index` (the build's CPU time is printed); its pledge is the large
corpus's, number i taken from copy i·7 mod ``--times``, so the 100 rows lie all over the key range.
``--unsorted-dir``: a corpus written before snapshots stored ``patents`` and ``events`` in
application-number order and before key indexes (the old layout), measured too.
On each: the holder with the most granted patents is the pledgor; 100 of its patents are pledged (an
empty workflow database on SQLite, migrations applied). Measured, 3 warm-ups then 20 runs:
:func:`zhichan.corpus.rights.rights_on` (the corpus part, through the snapshot's key index), wall p50 / p95
and CPU p50 (all threads of the process: what the shared machine's load does not inflate as much), and
its first call in the process, cold (the index unmapped and its files' pages dropped from the page cache: it
maps the files and reads their pages from disk), then, cold again, the background warm-up the app runs when it
starts or a snapshot becomes current (:func:`zhichan.corpus.keyindex.warm`) and the first call after it;
:func:`zhichan.finance.service.check_application` (every refusal rule on the registration date, as the
pledgor's filing and the officer's decision run it), wall p50 / p95; beside them, the same rows read
without the key index (DuckDB over the Parquet files: every row group whose min/max can hold a number),
wall and CPU p50, with the row groups it reads of those the tables hold (DuckDB's EXPLAIN ANALYZE).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from zhichan.corpus import keyindex
from zhichan.corpus.keyindex import LOOKUP_COLUMNS, build_key_index, has_key_index, warm
from zhichan.corpus.rights import lookup_rows, lookup_sql, rights_on
from zhichan.corpus.store import KEY_ROW_GROUP_ROWS, CorpusStore, Snapshot, duckdb_connect
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


def _replicated(large: Snapshot, folder: Path, times: int) -> Snapshot:
    """``times`` copies of ``large``'s lookup columns under prefixed numbers, with a key index (made once)."""
    store = CorpusStore(folder / "corpus")
    if store.current_id():
        return store.current()
    path = store.snapshots_dir / f"replicated-{times}x-{large.id}"
    for table, columns in LOOKUP_COLUMNS.items():
        source = pq.read_table(large.files(table), columns=list(columns))
        (path / table).mkdir(parents=True)
        with pq.ParquetWriter(path / table / "part-00000.parquet", source.schema, compression="zstd") as out:
            for k in range(times):
                copy = source.set_column(0, source.schema.field(0), pc.binary_join_element_wise(
                    f"CN{k}", pc.utf8_slice_codeunits(source.column(0), 2), ""))
                out.write_table(copy, row_group_size=KEY_ROW_GROUP_ROWS)
    c0 = time.process_time()
    build_key_index(path)
    print(f"key index of {times} × {large.counts['patents']:,} patents built in {time.process_time() - c0:.1f} s CPU")
    counts = {t: times * large.counts[t] for t in LOOKUP_COLUMNS}
    (path / "manifest.json").write_text(json.dumps({
        "id": path.name, "counts": counts, "synthetic_records": sum(counts.values()), "schema_version": 1,
        "import": {"source": f"benchmark: {large.id} (synthetic) copied {times} times, numbers prefixed, "
                             "only the columns a right on a date reads"}}, indent=2), "utf-8")
    store.root.mkdir(parents=True, exist_ok=True)
    store._switch(path.name)
    return store.current()


def _spread(numbers: list[str], times: int) -> list[str]:
    """The large corpus's pledge in the replicated one: number i from copy i·7 mod ``times``."""
    return [f"CN{(i * 7) % times}{n[2:]}" for i, n in enumerate(numbers)]


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


def _forget(snap: Snapshot) -> None:
    """As in a fresh process on a machine that has not read the index lately: the index unmapped, and its files'
    pages dropped from the page cache (POSIX_FADV_DONTNEED: only pages no process maps; the files are read only)."""
    keyindex._opened.cache_clear()
    gc.collect()  # the memory maps close with their last reference
    for table in LOOKUP_COLUMNS:
        path = keyindex.index_path(snap.path, table)
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def _measure(snap: Snapshot, session: Session, pledge: tuple[str, list[str], dt.date, int] | None = None,
             ) -> dict[str, float | int | str]:
    holder, numbers, on, size = pledge or _pledge(snap)
    app = Application(holder, Rights(patents=numbers), on + dt.timedelta(days=365))
    _forget(snap)
    t0, c0 = time.perf_counter(), time.process_time()
    rights_on(snap, numbers, on)  # the first in the process, cold: the index files are mapped, their pages read
    first, first_cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    _forget(snap)
    t0 = time.perf_counter()
    warm(snap.path)  # what the app does in the background when it starts or a snapshot becomes current
    warming = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    rights_on(snap, numbers, on)  # the first after that warm-up
    warmed, warmed_cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    report = check_application(session, snap, app, on)
    checks, _ = _timed(lambda: check_application(session, snap, app, on))
    corpus, corpus_cpu = _timed(lambda: rights_on(snap, numbers, on))
    wanted = sorted(set(numbers))
    parquet, parquet_cpu = _timed(lambda: lookup_rows(snap, wanted, key_index=False))
    patents, events = lookup_rows(snap, wanted)
    assert (patents, events) == lookup_rows(snap, wanted, key_index=False)
    refused = sum(1 for r in report.rights.values() if r["refusals"])
    return {"patents": size, "rights": len(numbers), "refused": refused, "indexed": has_key_index(snap.path),
            "rows": f"{len(patents)} · {len(events)}", "first": first, "first_cpu": first_cpu,
            "warming": warming, "warmed": warmed, "warmed_cpu": warmed_cpu,
            "p50": statistics.median(checks), "p95": _p95(checks),
            "corpus_p50": statistics.median(corpus), "corpus_p95": _p95(corpus), "corpus_cpu": statistics.median(corpus_cpu),
            "old_p50": statistics.median(parquet), "old_cpu": statistics.median(parquet_cpu),
            "groups": _groups_read(snap, numbers)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("ZHICHAN_DATA_DIR", "var")))
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--replicated-dir", type=Path, default=None)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--unsorted-dir", type=Path, default=None)
    args = parser.parse_args()
    large = CorpusStore(args.data_dir / "corpus").current()
    corpora: list[tuple[str, Snapshot, tuple[str, list[str], dt.date, int] | None]] = [("large", large, None)]
    if args.replicated_dir:
        holder, numbers, on, size = _pledge(large)
        corpora.append((f"large × {args.times}", _replicated(large, args.replicated_dir, args.times),
                        (holder, _spread(numbers, args.times), on, size * args.times)))
    if args.unsorted_dir:
        corpora.append(("old layout, no key index", CorpusStore(args.unsorted_dir / "corpus").current(), None))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        from zhichan.corpus.generator.service import generate

        small = generate(args.small, 7, store=CorpusStore(Path(tmp) / "corpus"))
        engine = make_engine(f"sqlite:///{Path(tmp) / 'workflow.sqlite3'}")
        upgrade(engine)
        rows = []
        with Session(engine) as session:
            for name, snap, pledge in (("small", small, None), *corpora):
                rows.append((name, _measure(snap, session, pledge)))
        engine.dispose()
    print(f"{platform.python_implementation()} {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print("| corpus | patents | rights (refused) | key index | check_application p50 / p95 "
          "| rights_on p50 / p95 (CPU p50) | its first call, cold (CPU) | warm-up | first call after it (CPU) "
          "| rows found: patents · events "
          "| without the index p50 (CPU p50) | row groups it reads: patents · events |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---|")
    for name, r in rows:
        print(f"| {name} | {r['patents']:,} | {r['rights']} ({r['refused']}) | {'yes' if r['indexed'] else 'no'} | "
              f"{r['p50']:.1f} / {r['p95']:.1f} ms | {r['corpus_p50']:.1f} / {r['corpus_p95']:.1f} ms "
              f"({r['corpus_cpu']:.1f}) | {r['first']:.1f} ms ({r['first_cpu']:.1f}) | {r['warming']:.1f} s "
              f"| {r['warmed']:.1f} ms ({r['warmed_cpu']:.1f}) | {r['rows']} | {r['old_p50']:.1f} ms ({r['old_cpu']:.1f}) | {r['groups']} |")


if __name__ == "__main__":
    main()
