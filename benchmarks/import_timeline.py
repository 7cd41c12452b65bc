"""An import's wall clock phase by phase, and how many cores each phase kept busy.

``import_profile.py`` adds up each stage's CPU; this one follows the clock: it marks when each
phase of one import begins and ends (by wrapping the functions that run them; nothing in the
import changes) and samples the CPU of the import's process and its workers every 0.25 s (from
/proc), so a phase that runs on one core while the other waits — the start before the first
batch reaches a worker, the merge after the last — shows as such:

    .venv/bin/python benchmarks/import_timeline.py /work/benchdata/import-1m/export.csv --work /tmp/tl

Phases: ``start`` (open the file, start the workers, until the first checked batch is back),
``checking`` (until the reader has read the last batch), ``last batches`` (the workers finish),
``duplicates``, ``merge`` (outcome; the staged parts moved in, or sorted and written), ``events``,
``key order`` (the snapshot's key order checked), ``parties``, ``commit`` (key index, counts,
files flushed to disk, switch).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import proctree

T0 = time.perf_counter()
MARKS: dict[str, float] = {}


def _mark(name: str) -> None:
    MARKS.setdefault(name, time.perf_counter() - T0)


def _wrap(target: Any, attribute: str, begin: str, end: str | None = None) -> None:
    fn = getattr(target, attribute)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _mark(begin)
        try:
            return fn(*args, **kwargs)
        finally:
            if end:
                _mark(end)
    setattr(target, attribute, wrapper)


def _wrap_iter(target: Any, attribute: str, first: str, last: str) -> None:
    fn: Callable[..., Iterator[Any]] = getattr(target, attribute)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for item in fn(*args, **kwargs):
            _mark(first)
            yield item
        _mark(last)
    setattr(target, attribute, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", type=Path)
    parser.add_argument("--work", type=Path, required=True, help="a folder for the corpus (emptied first)")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    os.environ["ZHICHAN_DATA_DIR"] = str(args.work / "var")

    from zhichan import parallel
    from zhichan.corpus import importing, store
    from zhichan.corpus.importers import columnar

    _wrap_iter(columnar, "read_batches", "first batch read", "last batch read")
    _wrap_iter(parallel, "ordered_map", "first batch checked", "last batch checked")
    _wrap(importing, "_drop_duplicates", "duplicates")
    _wrap(importing, "_merge", "merge")
    _wrap(importing, "_merge_events", "events")
    _wrap(store.SnapshotWriter, "_sort_by_key", "key order")
    _wrap(store.SnapshotWriter, "_build_parties", "parties", "commit")

    samples: list[tuple[float, float, float]] = []  # (time, CPU of the tree, CPU of the import's process)
    stop = threading.Event()
    me = os.getpid()
    peak_mb = 0.0

    def sample() -> None:
        nonlocal peak_mb
        while not stop.is_set():
            samples.append((time.perf_counter() - T0, proctree.cpu_s(me), _own_cpu(me)))
            peak_mb = max(peak_mb, proctree.rss_mb(me))
            stop.wait(0.25)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    load = os.getloadavg()[0]
    before = os.times()
    _mark("start")
    result = importing.import_file(args.csv, as_of=dt.date(2025, 12, 31))
    _mark("end")
    after = os.times()
    stop.set()
    thread.join()
    n = result.rows_read
    import zhichan

    # the whole import's CPU: this process (all threads) and its workers (children, counted when they end)
    cpu = sum(getattr(after, f) - getattr(before, f) for f in ("user", "system", "children_user", "children_system"))
    print(f"code: {Path(zhichan.__file__).parent}")
    print(f"{n:,} rows; added {result.added:,}, rejected {result.rejected:,}, columnar {result.columnar_rows:,}; "
          f"load {load:.1f}–{os.getloadavg()[0]:.1f}")
    print(f"wall {MARKS['end'] - MARKS['start']:.1f} s, CPU {cpu:.1f} s ({cpu / max(n, 1) * 1e6:.0f} µs a record), "
          f"peak RSS of the import and its workers {peak_mb / 1000:.2f} GB")
    phases = [("start", "start", "first batch checked"), ("checking", "first batch checked", "last batch read"),
              ("last batches", "last batch read", "last batch checked"), ("duplicates", "duplicates", "merge"),
              ("merge", "merge", "events"), ("events", "events", "key order"), ("key order", "key order", "parties"),
              ("parties", "parties", "commit"),
              ("commit", "commit", "end")]
    times = [s[0] for s in samples]

    def at(t: float) -> tuple[float, float, float]:
        return samples[min(bisect.bisect_left(times, t), len(samples) - 1)]

    print(f"{'phase':14} {'from s':>7} {'wall s':>7} {'CPU s':>7} {'cores busy':>10} {'import process':>14}")
    total_wall = total_cpu = 0.0
    for name, begin, end in phases:
        if begin not in MARKS or end not in MARKS:
            continue
        a, b = at(MARKS[begin]), at(MARKS[end])
        wall = MARKS[end] - MARKS[begin]
        # the tree's CPU counts live processes: the workers' time vanishes when they exit, so a
        # phase's CPU is never taken as negative
        cpu, own = max(0.0, b[1] - a[1]), b[2] - a[2]
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        busy = cpu / (b[0] - a[0]) if b[0] > a[0] else 0.0
        print(f"{name:14} {MARKS[begin]:>7.1f} {wall:>7.1f} {cpu:>7.1f} {busy:>10.2f} {own:>14.1f}")
    print(f"{'total':14} {'':>7} {total_wall:>7.1f} {'':>7} {'':>10} {'':>14}   {n / total_wall:,.0f} records/s")


def _own_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
