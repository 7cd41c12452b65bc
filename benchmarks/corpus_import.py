"""Import rate and peak memory for N records of the commercial export layout.

Side by side in one run:
  - zhichan import  : read, validate every field, resolve addresses, merge, write a snapshot
                      (the columnar checks; rows not in common form take the row path)
  - row path        : the same import row by row (ZHICHAN_IMPORT_COLUMNAR=false), with --row-path
  - baseline        : pandas.read_csv → DataFrame.to_parquet (no validation, no merge)
The input is a synthetic corpus exported to the 61-column layout (generation is measured by
benchmarks/corpus_generate.py). Each step runs in its own process so peak RSS is its own; the
CPU seconds (user + system, all threads and worker processes), the CPU per record (the figure
that does not depend on the machine's load: 20,000 records/s on 2 cores needs ≤ 100 CPU-µs a
record), the main thread's share of it (the serial part), the rate two idle cores could give at
most (records / max(main-thread CPU, all CPU / 2)), the peak resident memory of the step's
process and its workers together (sampled every 0.2 s) and the load average around each step are
printed, and the import's time as a ratio to the baseline's.

    .venv/bin/python benchmarks/corpus_import.py --patents 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import proctree

STEPS = {
    "generate": """
from zhichan.corpus.generator import generate
from zhichan.corpus.store import CorpusStore
generate({n}, 7, store=CorpusStore(Path(r"{source}")))
""",
    "export to the commercial layout": """
from zhichan.corpus.exporting import export_commercial
from zhichan.corpus.store import CorpusStore
export_commercial(CorpusStore(Path(r"{source}")).current(), Path(r"{work}") / "export.csv")
""",
    "zhichan import": """
import datetime as dt
from zhichan.corpus.importing import import_file
from zhichan.corpus.store import CorpusStore
r = import_file(Path(r"{work}") / "export.csv", store=CorpusStore(Path(r"{work}") / "target"), as_of=dt.date(2025, 12, 31))
NOTE = f"added {{r.added:,}}, rejected {{r.rejected:,}}"
""",
    "zhichan import, row path": """
import datetime as dt, os
os.environ["ZHICHAN_IMPORT_COLUMNAR"] = "false"
from zhichan.corpus.importing import import_file
from zhichan.corpus.store import CorpusStore
r = import_file(Path(r"{work}") / "export.csv", store=CorpusStore(Path(r"{work}") / "target-rows"), as_of=dt.date(2025, 12, 31))
NOTE = f"added {{r.added:,}}, rejected {{r.rejected:,}}"
""",
    "baseline: pandas read_csv → parquet": """
import pandas as pd
pd.read_csv(Path(r"{work}") / "export.csv", dtype=str).to_parquet(Path(r"{work}") / "baseline.parquet")
""",
}


def run_step(name: str, code: str, n: int, work: Path, source: Path) -> dict[str, float | str]:
    script = (
        "import json, resource, sys, time\nfrom pathlib import Path\nNOTE = ''\n" + code.format(n=n, work=work, source=source)
        + "\nu = resource.getrusage(resource.RUSAGE_SELF)\nc = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "Path(sys.argv[1]).write_text(json.dumps({'cpu_s': u.ru_utime + u.ru_stime + c.ru_utime + c.ru_stime, "
        "'main_cpu_s': time.thread_time(), 'note': NOTE}))"
    )
    report_path = work / "step-report.json"
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    errors = work / "step-stderr.txt"  # a file, not a pipe nobody reads while the step runs
    with errors.open("w") as err, subprocess.Popen([sys.executable, "-c", script, str(report_path)],
                                                   stdout=subprocess.DEVNULL, stderr=err,
                                                   env={**os.environ, "ZHICHAN_DATA_DIR": str(work / "var")}) as proc:
        peak = 0.0  # the step's process and its workers together, sampled
        while not proctree.finished(proc):
            peak = max(peak, proctree.rss_mb(proc.pid))
    stderr = errors.read_text(errors="replace")
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed:\n{stderr[-3000:]}")
    report = json.loads(report_path.read_text())
    return {"step": name, "seconds": round(seconds, 1), "records_per_s": round(n / seconds),
            "cpu_s": round(report["cpu_s"], 1), "cpu_us": round(report["cpu_s"] / n * 1e6), "peak_rss_mb": round(peak),
            "main_share": f"{report['main_cpu_s'] / report['cpu_s']:.0%}",
            "idle_2_cores": round(n / max(report["main_cpu_s"], report["cpu_s"] / 2)),
            "load": f"{load_before:.1f}–{os.getloadavg()[0]:.1f}", "note": report["note"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patents", type=int, default=1_000_000)
    parser.add_argument("--corpus", type=Path, help="an existing corpus folder (…/corpus) to export instead of generating")
    parser.add_argument("--csv", type=Path, help="an existing export in the commercial layout to import instead")
    parser.add_argument("--row-path", action="store_true", help="also import row by row (the reference path)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="leave out the pandas baseline (it holds the whole file in memory: ~3.3 GB a million rows)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhichan-bench-") as tmp:
        work = Path(tmp)
        source = args.corpus or work / "source"
        if args.csv:
            os.symlink(args.csv.resolve(), work / "export.csv")
            with open(args.csv, "rb") as fh:
                args.patents = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) - 1
        steps = {k: v for k, v in STEPS.items() if not ((args.corpus or args.csv) and k == "generate")
                 and not (args.csv and k.startswith("export"))
                 and not (not args.row_path and k.endswith("row path"))
                 and not (args.no_baseline and k.startswith("baseline"))}
        if args.corpus and not args.csv:
            from zhichan.corpus.store import CorpusStore

            args.patents = CorpusStore(args.corpus).current().counts["patents"]
        results = [run_step(name, code, args.patents, work, source) for name, code in steps.items()]
        size_mb = (work / "export.csv").stat().st_size / 1e6
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"records: {args.patents:,}; export file {size_mb:,.0f} MB")
    print(f"{'step':40} {'seconds':>9} {'records/s':>10} {'CPU s':>8} {'CPU µs/rec':>10} {'main thread':>11} "
          f"{'≤ on 2 idle cores':>17} {'peak RSS MB':>12} {'load':>10}  note")
    for r in results:
        print(f"{r['step']:40} {r['seconds']:>9} {r['records_per_s']:>10} {r['cpu_s']:>8} {r['cpu_us']:>10} "
              f"{r['main_share']:>11} {r['idle_2_cores']:>17} {r['peak_rss_mb']:>12} {r['load']:>10}  {r['note']}")
    print("main thread: its share of the step's CPU (the serial part); ≤ on 2 idle cores: records/s the step "
          "cannot exceed on two free cores, n / max(main-thread CPU, all CPU / 2)")
    baseline = next((r for r in results if str(r["step"]).startswith("baseline")), None)
    for r in results:
        if "import" in str(r["step"]) and baseline:
            print(f"{r['step']}: {float(r['seconds']) / float(baseline['seconds']):.2f}× the baseline's time, "
                  f"{float(r['cpu_s']) / float(baseline['cpu_s']):.2f}× its CPU")
    # the README's table rows ("Benchmarks", import with the columnar checks), ready to paste
    print(f"\nREADME rows ({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC):")
    for i, r in enumerate(results):
        if not ("import" in str(r["step"]) or r is baseline):
            continue
        ratio = ("1" if r is baseline else "no baseline" if baseline is None else
                 f"{float(r['seconds']) / float(baseline['seconds']):.2f}× / {float(r['cpu_s']) / float(baseline['cpu_s']):.2f}×")
        first = f"{args.patents:,} ({size_mb / 1000:.2f} GB)" if i == 0 or r is results[0] else ""
        print(f"| {first} | {r['step']} | {r['seconds']} s | {float(r['records_per_s']) / 1000:.1f}k/s | "
              f"{r['cpu_s']} s ({r['cpu_us']} µs; main thread {r['main_share']}; ≤ {float(r['idle_2_cores']) / 1000:.1f}k/s "
              f"on 2 idle cores) | {float(r['peak_rss_mb']) / 1000:.2f} GB | {r['load']} | {ratio} |")


if __name__ == "__main__":
    main()
