"""An update import on top of a stored corpus: the merge of sorted runs against the whole-table sort.

From an export in the commercial layout (``--csv``, e.g. the 1M file) it makes, once, in ``--work``:
  - ``base.csv``   the export without every ``--new-every``-th row (1 % by default),
  - ``update.csv`` those rows (new records) and every ``--changed-every``-th other row with its title
                   changed (1.5 %: updated records), in number order as exports are,
then imports ``base.csv`` into ``base/`` (the stored corpus; skipped when it is there already) and
imports ``update.csv`` on top of a copy of it (the snapshots hard-linked) with
``importing.MERGE_SORTED_RUNS`` False (the whole table sorted again, the path before) and True
(the stored row groups and the new records merged as sorted runs), alternately, ``--rounds`` times
each. Each import runs in its own process: wall time, CPU (user + system, all threads and worker
processes), peak resident memory of the process and its workers together (sampled every 0.2 s),
the load average around it, and the wall and CPU of the merge alone (``importing._merge``: outcome,
the patents table, events, parties, key index, commit). The two snapshots' tables are compared.

    PYTHONPATH=. .venv/bin/python benchmarks/update_import.py --csv /work/benchdata/import-1m/export.csv \\
        --work /work/benchdata/s10-merge
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import proctree

csv.field_size_limit(1 << 30)

IMPORT = """
import datetime as dt, json, resource, sys, time
from pathlib import Path
import zhichan.corpus.importing as importing
importing.MERGE_SORTED_RUNS = {runs}
merge, timed = importing._merge, {{}}
def _merge(*args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        return merge(*args, **kwargs)
    finally:
        timed.update(merge_s=time.perf_counter() - wall, merge_cpu_s=time.process_time() - cpu)
importing._merge = _merge
from zhichan.corpus.store import CorpusStore
r = importing.import_file(Path(r"{csv}"), store=CorpusStore(Path(r"{store}")), as_of=dt.date({as_of}))
u, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
Path(sys.argv[1]).write_text(json.dumps({{"cpu_s": u.ru_utime + u.ru_stime + c.ru_utime + c.ru_stime, **timed,
    "note": f"added {{r.added:,}}, updated {{r.updated:,}}, unchanged {{r.unchanged:,}}, rejected {{r.rejected:,}}"}}))
"""


def make_files(export: Path, work: Path, new_every: int, changed_every: int) -> tuple[int, int]:
    """``base.csv`` and ``update.csv`` from ``export`` (rows kept in the export's order)."""
    base, update = work / "base.csv", work / "update.csv"
    if base.exists() and update.exists():
        return 0, 0
    new = changed = 0
    with (open(export, encoding="utf-8-sig", newline="") as fh,
          open(work / "base.tmp", "w", encoding="utf-8-sig", newline="") as b,
          open(work / "update.tmp", "w", encoding="utf-8-sig", newline="") as u):
        rows, to_base, to_update = csv.reader(fh), csv.writer(b), csv.writer(u)
        header = next(rows)
        to_base.writerow(header)
        to_update.writerow(header)
        title = header.index("专利名称")
        for i, row in enumerate(rows):
            if i % new_every == new_every - 1:
                to_update.writerow(row)
                new += 1
                continue
            to_base.writerow(row)
            if i % changed_every == 0:
                row[title] += "（更新）"
                to_update.writerow(row)
                changed += 1
    os.rename(work / "base.tmp", base)
    os.rename(work / "update.tmp", update)
    return new, changed


def copy_store(base: Path, target: Path) -> None:
    """``base`` (a corpus folder) as ``target``: snapshots hard-linked (never written again), the
    history and CURRENT copied (an import appends to and replaces them)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    subprocess.run(["cp", "-al", str(base / "snapshots"), str(target / "snapshots")], check=True)
    for name in ("CURRENT", "history.jsonl"):
        shutil.copy2(base / name, target / name)


def run(code: str, work: Path, data_dir: Path) -> dict[str, float | str]:
    report = work / "step-report.json"
    report.unlink(missing_ok=True)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    errors = work / "step-stderr.txt"
    with errors.open("w") as err, subprocess.Popen([sys.executable, "-c", code, str(report)], stdout=subprocess.DEVNULL,
                                                   stderr=err, env={**os.environ, "ZHICHAN_DATA_DIR": str(data_dir)}) as proc:
        peak = 0.0
        while not proctree.finished(proc):
            peak = max(peak, proctree.rss_mb(proc.pid))
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(errors.read_text(errors="replace")[-3000:])
    found = json.loads(report.read_text())
    return {"seconds": round(seconds, 1), "cpu_s": round(found["cpu_s"], 1), "peak_rss_mb": round(peak),
            "merge_s": round(found.get("merge_s", 0), 1), "merge_cpu_s": round(found.get("merge_cpu_s", 0), 1),
            "load": f"{load_before:.1f}–{os.getloadavg()[0]:.1f}", "note": found["note"]}


def tables(store: Path) -> dict[str, str]:
    """A digest of each imported table's contents (every column but the import's id), in key order."""
    from zhichan.corpus.store import CorpusStore

    con = CorpusStore(store).current().connect()
    try:
        return {t: con.execute(f"SELECT bit_xor(hash(s)) || ':' || count(*) FROM (SELECT * {'' if t == 'parties' else 'EXCLUDE (import_id)'} FROM {t}) s")
                .fetchall()[0][0] for t in ("patents", "events", "parties")}
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", type=Path, required=True, help="an export in the commercial layout")
    parser.add_argument("--work", type=Path, required=True, help="a folder for the files and stores (kept: the base)")
    parser.add_argument("--new-every", type=int, default=100, help="every n-th row left out of the base: new (1 %%)")
    parser.add_argument("--changed-every", type=int, default=67, help="every n-th other row changed (1.5 %%)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    new, changed = make_files(args.csv, work, args.new_every, args.changed_every)
    if new:
        print(f"update file: {new:,} new, {changed:,} changed records")
    if not (work / "base" / "CURRENT").exists():
        shutil.rmtree(work / "base", ignore_errors=True)
        r = run(IMPORT.format(runs=True, csv=work / "base.csv", store=work / "base", as_of="2025, 12, 30"), work, work / "var")
        print(f"base import: {r}")
    results = []
    for _ in range(args.rounds):
        for runs in (False, True):
            store = work / f"store-{'runs' if runs else 'sort'}"
            copy_store(work / "base", store)
            r = run(IMPORT.format(runs=runs, csv=work / "update.csv", store=store, as_of="2025, 12, 31"), work, work / "var")
            r["merge"] = "sorted runs" if runs else "whole sort (before)"
            results.append(r)
            print(r, flush=True)
    same = tables(work / "store-sort") == tables(work / "store-runs")
    print(f"\n{'merge':22} {'wall s':>7} {'CPU s':>7} {'merge wall s':>12} {'merge CPU s':>11} {'peak RSS MB':>11} "
          f"{'load':>10}  note")
    for r in results:
        print(f"{r['merge']:22} {r['seconds']:>7} {r['cpu_s']:>7} {r['merge_s']:>12} {r['merge_cpu_s']:>11} "
              f"{r['peak_rss_mb']:>11} {r['load']:>10}  {r['note']}")
    print(f"the two snapshots' patents, events and parties identical: {same}")
    for name in ("store-sort", "store-runs"):
        shutil.rmtree(work / name, ignore_errors=True)


if __name__ == "__main__":
    main()
