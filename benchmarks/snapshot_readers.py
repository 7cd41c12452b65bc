"""A snapshot's readers: a fresh DuckDB connection with the snapshot's views (``Snapshot.connect``, the baseline)
against a cursor of the process's shared one (``Snapshot.reader``), side by side in one run.

    .venv/bin/python benchmarks/snapshot_readers.py --data-dir /path/to/a/data/dir --rounds 50

On the data directory's current snapshot: the CPU of opening a connection alone, and of what an indicator's records
page asks (the valid inventions of a city at the data end: ``zhichan.indicators.service.drilldown_page``'s first
page, one engine opened for it) — each timed ``--rounds`` times per way, the median printed. Prints the machine's
load beside the table: the figures are CPU time of this process, less sensitive to load than wall time, not free of it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def _cpu_ms(work: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        work()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--region", default="510100")
    args = parser.parse_args()
    os.environ["ZHICHAN_DATA_DIR"] = str(args.data_dir)

    from zhichan.corpus.store import CorpusStore
    from zhichan.indicators import service
    from zhichan.indicators.engines import DuckDBEngine

    snapshot = CorpusStore().current()
    day = service.data_as_of(snapshot)

    def opened(connect: Callable[[], object]) -> Callable[[], None]:
        def work() -> None:
            connect().close()  # type: ignore[attr-defined]
        return work

    def records(way: str) -> Callable[[], None]:
        def work() -> None:
            original = DuckDBEngine.__init__

            def init(self: DuckDBEngine, snap: object, threads: int | None = None) -> None:
                original(self, snap, threads)  # type: ignore[arg-type]
                if way == "connect":  # the baseline: the cursor given back, a fresh connection instead
                    self._con.close()
                    self._con = snapshot.connect(threads)

            DuckDBEngine.__init__ = init  # type: ignore[method-assign]
            try:
                service.drilldown_page("valid_inventions", args.region, day, snapshot=snapshot, offset=0, limit=50)
            finally:
                DuckDBEngine.__init__ = original  # type: ignore[method-assign]
        return work

    snapshot.reader().close()  # the shared views made once, as a running server has them
    rows = [
        ("open a connection", _cpu_ms(opened(snapshot.connect), args.rounds), _cpu_ms(opened(snapshot.reader), args.rounds)),
        ("an indicator's records, first page", _cpu_ms(records("connect"), args.rounds),
         _cpu_ms(records("reader"), args.rounds)),
    ]
    print(f"snapshot {snapshot.id}: {snapshot.counts.get('patents', 0):,} patents; {os.cpu_count()} cores, "
          f"{platform.processor() or platform.machine()}, load {os.getloadavg()[0]:.1f}; median of {args.rounds}, CPU ms")
    print(f"{'':36} {'connect() (baseline)':>22} {'reader()':>10}")
    for name, fresh, shared in rows:
        print(f"{name:36} {fresh:22.1f} {shared:10.1f}")


if __name__ == "__main__":
    main()
