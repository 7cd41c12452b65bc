"""Benchmark: synthetic corpus generation rate and peak memory.

    .venv/bin/python benchmarks/corpus_generate.py                 # 1M patents
    .venv/bin/python benchmarks/corpus_generate.py --patents 10000000 --workers 2
    nice -n 10 .venv/bin/python benchmarks/corpus_generate.py --patents 10000000 --root /data/gen-10m --every 60

Each run happens in a fresh child process. Memory is sampled every 0.2 s as the summed RSS of
that process and the worker processes it spawns (``/proc``), so "peak RSS" is the whole run's
footprint; CPU seconds are the children's user + system time (on a loaded machine,
patents per CPU-second × cores is the rate an idle machine would reach). Prints a table; with
``--every S`` also a line every S seconds while it runs (records drawn, CPU seconds of the process
tree so far, load average), so a long run on a shared machine can be extrapolated even if it is
stopped. ``--root`` puts the corpus in that folder (deleted afterwards) instead of a temporary one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import proctree

CHILD = """
import json, sys, time
from pathlib import Path
from zhichan.corpus.generator import generate
from zhichan.corpus.store import CorpusStore
n, seed, workers, root = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
t = time.perf_counter()
store = CorpusStore(root / "corpus")
last = [0.0]
def progress(done, total):
    if time.perf_counter() - last[0] >= 5 or done >= total:
        last[0] = time.perf_counter()
        (root / "progress.tmp").write_text(f"{done} {total}")
        (root / "progress.tmp").replace(root / "progress.txt")
snap = generate(n, seed, store=store, workers=workers or None, progress=progress)
stages = store.history()[-1].get("stage_seconds", {})
result = {"seconds": time.perf_counter() - t, "counts": snap.counts, "path": str(snap.path), "stages": stages}
(root / "result.json").write_text(json.dumps(result))
"""


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} CPUs, {mem:.0f} GB RAM, Python {platform.python_version()}"


def run(n: int, seed: int, workers: int, root: Path | None = None, every: float = 0) -> dict:
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="zhichan-bench-gen-"))
    else:
        root.mkdir(parents=True, exist_ok=False)
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(n), str(seed), str(workers), str(root)],
                                stdout=subprocess.DEVNULL)
        peak = 0.0
        started = time.perf_counter()
        shown = started
        while not proctree.finished(proc):
            peak = max(peak, proctree.rss_mb(proc.pid))
            if every and time.perf_counter() - shown >= every:
                shown = time.perf_counter()
                try:
                    done, total = (int(v) for v in (root / "progress.txt").read_text().split())
                except (OSError, ValueError):
                    done, total = 0, 0
                print(f"  {shown - started:7.0f} s: {done:,} of {total:,} records, {proctree.cpu_s(proc.pid):,.0f} CPU-s, "
                      f"RSS {peak:,.0f} MB peak, load average {os.getloadavg()[0]:.1f}", flush=True)
        if proc.returncode:
            raise SystemExit(f"generation failed ({proc.returncode})")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # read from a file: DuckDB may draw a progress bar on stdout on a slow machine
        result = json.loads((root / "result.json").read_text())
        size = sum(f.stat().st_size for f in Path(result["path"]).rglob("*") if f.is_file())
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        result.update(n=n, workers=workers, peak_rss_mb=peak, disk_mb=size / 2**20, cpu_s=cpu)
        return result
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patents", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="0 = the generator's default")
    parser.add_argument("--root", type=Path, help="a new folder for the corpus (deleted afterwards); default: a temporary one")
    parser.add_argument("--every", type=float, default=0, help="print progress every so many seconds (0: only the table)")
    args = parser.parse_args()
    print(f"machine: {_machine()}")
    header = (f"{'patents':>11} {'workers':>7} {'seconds':>8} {'patents/s':>10} {'all rec/s':>10} "
              f"{'CPU s':>8} {'pat/CPU-s':>9} {'peak RSS':>9} {'disk':>8}")
    print(header)
    print("-" * len(header))
    for n in args.patents:
        started = time.perf_counter()
        load_before = os.getloadavg()[0]
        r = run(n, args.seed, args.workers, args.root / str(n) if args.root else None, args.every)
        total = sum(v for k, v in r["counts"].items() if k != "parties")
        print(f"{n:>11,} {args.workers or 'auto':>7} {r['seconds']:>8.1f} {n / r['seconds']:>10,.0f} "
              f"{total / r['seconds']:>10,.0f} {r['cpu_s']:>8,.0f} {n / r['cpu_s']:>9,.0f} "
              f"{r['peak_rss_mb']:>7,.0f}MB {r['disk_mb']:>6,.0f}MB"
              f"   (wall incl. start {time.perf_counter() - started:.0f}s; CPU-s per 1M patents "
              f"{r['cpu_s'] / n * 1e6:.0f}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
              f"stages {json.dumps(r['stages'])}; {json.dumps(r['counts'])})")


if __name__ == "__main__":
    main()
