"""Where an import's time goes, stage by stage: wall time, the main thread's CPU and the
process's CPU (all threads, worker processes included) of each stage of one import.

The serial share is the main thread's CPU over the whole import's CPU: with the rest spread
over both cores, the import cannot run faster than the main thread's CPU time, whatever the
load — on two idle cores its wall time is at least max(main-thread CPU, total CPU / 2).

    .venv/bin/python benchmarks/import_profile.py /work/benchdata/import-1m/export.csv --work /tmp/prof

Each stage is timed by wrapping the function that does it (nothing in the import changes);
a stage's figures exclude the stages timed inside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import resource
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

TOTALS: dict[str, list[float]] = {}
_STACK: list[list[float]] = []  # per open stage: the clocks of the stages timed inside it


def _clocks() -> tuple[float, float, float]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.thread_time(), time.process_time() + children.ru_utime + children.ru_stime


def _add(name: str, start: tuple[float, float, float]) -> None:
    end = _clocks()
    spent = [e - s for e, s in zip(end, start, strict=True)]
    inner = _STACK.pop()
    own = [s - i for s, i in zip(spent, inner, strict=True)]
    total = TOTALS.setdefault(name, [0.0, 0.0, 0.0])
    for i in range(3):
        total[i] += own[i]
    if _STACK:
        for i in range(3):
            _STACK[-1][i] += spent[i]


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _STACK.append([0.0, 0.0, 0.0])
        start = _clocks()
        try:
            return fn(*args, **kwargs)
        finally:
            _add(name, start)
    return wrapper


def timed_iter(name: str, fn: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        it = iter(fn(*args, **kwargs))
        while True:
            _STACK.append([0.0, 0.0, 0.0])
            start = _clocks()
            try:
                item = next(it)
            except StopIteration:
                _add(name, start)
                return
            _add(name, start)
            yield item
    return wrapper


def patch(target: Any, attribute: str, name: str, iterator: bool = False) -> None:
    fn = getattr(target, attribute)
    setattr(target, attribute, (timed_iter if iterator else timed)(name, fn))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", type=Path)
    parser.add_argument("--work", type=Path, required=True, help="a folder for the corpus (emptied first)")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    os.environ["ZHICHAN_DATA_DIR"] = str(args.work / "var")

    from zhichan.corpus import importing, store
    from zhichan.corpus.importers import columnar

    patch(columnar, "read_batches", "read (Arrow CSV)", iterator=True)
    patch(columnar.ColumnarBatch, "_cells_sql", "cells: SQL text")
    patch(columnar.ColumnarBatch, "_byte_checks", "cells: byte checks (numpy)")
    patch(columnar.ColumnarBatch, "_labelled", "labels")
    patch(columnar.ColumnarBatch, "_regions", "addresses (cpca, per distinct)")
    patch(columnar.ColumnarBatch, "_parties", "party types and keys")
    patch(columnar.ColumnarBatch, "_sei_column", "derived: SEI join")
    patch(columnar, "_sha256_each", "hash: SHA-256 loop")
    patch(columnar.ColumnarBatch, "_finalize", "derived fields + to_json")
    patch(columnar.ColumnarBatch, "process", "cells: DuckDB checks, rest of process")
    from zhichan import parallel

    patch(parallel, "to_ipc_file", "batches to Arrow IPC files (for the workers)")
    patch(parallel, "ordered_map", "waiting for / taking results from the workers", iterator=True)
    patch(importing._Staging, "map_row", "row path (rows not in common form)")
    patch(importing, "_write_staged", "staging: Parquet parts, events")
    patch(importing, "_with_provenance", "staging: provenance")
    patch(importing, "_flush", "staging: row path's records")
    patch(importing, "_drop_duplicates", "staging: duplicate check")
    patch(store.SnapshotWriter, "replace", "merge: DuckDB sort (a thread) + zstd Parquet")
    patch(importing, "_in_background", "merge: waiting for the sort", iterator=True)
    patch(store.SnapshotWriter, "_build_parties", "commit: parties")
    patch(store.SnapshotWriter, "_commit", "commit: counts, manifest")
    patch(importing, "_merge_events", "merge: events")
    patch(importing, "_merge", "merge: outcome, ranges")
    patch(importing, "_write_rejects", "rejects report")
    patch(importing, "import_file", "other (open, history, cleanup)")

    start = _clocks()
    load = os.getloadavg()[0]
    result = importing.import_file(args.csv, as_of=dt.date(2025, 12, 31))
    end = _clocks()
    wall, main_cpu, cpu = (e - s for e, s in zip(end, start, strict=True))
    n = result.rows_read
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{n:,} rows; added {result.added:,}, rejected {result.rejected:,}, columnar {result.columnar_rows:,}")
    print(f"load {load:.1f}–{os.getloadavg()[0]:.1f}; peak RSS {peak:,.0f} MB (largest worker {peak_children:,.0f} MB)")
    print(f"{'stage':42} {'wall s':>8} {'main µs':>8} {'all µs':>8}  (µs a record)")
    for name, (w, m, c) in sorted(TOTALS.items(), key=lambda kv: -kv[1][2]):
        print(f"{name:42} {w:>8.1f} {m / n * 1e6:>8.1f} {c / n * 1e6:>8.1f}")
    print(f"{'total':42} {wall:>8.1f} {main_cpu / n * 1e6:>8.1f} {cpu / n * 1e6:>8.1f}")
    merge = [v for k, v in TOTALS.items() if k.startswith(("merge", "commit"))]
    merge_main, merge_cpu = sum(v[1] for v in merge), sum(v[2] for v in merge)
    bound = max(main_cpu - merge_main, (cpu - merge_cpu) / 2) + max(merge_main, merge_cpu / 2)
    print(f"main thread's share of the CPU: {main_cpu / cpu:.0%}; {n / wall:,.0f} records/s here. On two idle cores "
          f"each phase takes at least max(its main-thread CPU, its CPU / 2): staging max({main_cpu - merge_main:.1f}, "
          f"{(cpu - merge_cpu) / 2:.1f}) + merge max({merge_main:.1f}, {merge_cpu / 2:.1f}) = {bound:.1f} s "
          f"→ at most {n / bound:,.0f} records/s")


if __name__ == "__main__":
    main()
