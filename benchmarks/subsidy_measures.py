"""Subsidies: a round's corpus measures at 1M patents, this code beside the code before in one run.

    ZHICHAN_DATA_DIR=DIR .venv/bin/zhichan generate --patents 1000000 --seed 20261121
    .venv/bin/python benchmarks/subsidy_measures.py --data-dir DIR [--before 3695b3e2^] [--main 6c97b09c] [--applicants 40]

An application's measures (:func:`zhichan.services.subsidies.measures`): its valid high-value inventions and the
assignments and licences it granted in the programme's period, assignors compared by
:func:`zhichan.corpus.parties.normalize_name`, which runs in Python. Measured for a round of ``--applicants``
applicants of the example programme (``SUB-2026-01``; period 2025) — the period's busiest assignors and as many first
patentees — each way in a process of its own (cold: nothing folded yet): the first application, the whole round, and
the round's CPU seconds (this process's, DuckDB's threads included). The ways, one run:

* **before** — the code of ``--before`` (``git archive`` of its ``zhichan``): every application read the period's
  distinct assignor/assignee pairs and normalised both names of each again, and computed the high-value flags of every
  valid invention to count its own;
* **main** — the code of ``--main``: the pairs folded by their normalised assignor once per snapshot and period, each
  application a dictionary look-up for them — and still the flags of every invention for its high-value count;
* **now** — this code: both measures folded once per snapshot (one ``GROUP BY`` of the high-value inventions by first
  patentee key per counting day), each application two look-ups.

Every way must give the same counts for every applicant (printed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
from pathlib import Path
mode, data_dir, applicants = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
from zhichan.corpus.store import CorpusStore
from zhichan.services import subsidies
snapshot = CorpusStore(data_dir / "corpus").current()
p = subsidies.programmes()["SUB-2026-01"]
measures = subsidies.measures
wall0, cpu0 = time.perf_counter(), time.process_time()
counts, first = [], None
for name in applicants:
    counts.append(measures(snapshot, p, name))
    if first is None:
        first = (time.perf_counter() - wall0, time.process_time() - cpu0)
print(json.dumps({"first_wall": first[0], "first_cpu": first[1], "wall": time.perf_counter() - wall0,
                  "cpu": time.process_time() - cpu0, "counts": counts}))
"""


def applicants_of(data_dir: Path, n: int) -> list[str]:
    """The period's busiest assignors and licensors, then first patentees of high-value candidates (old patents)."""
    sys.path.insert(0, str(ROOT))
    from zhichan.corpus.store import CorpusStore

    con = CorpusStore(data_dir / "corpus").current().connect()
    busy = [r[0] for r in con.execute(
        "SELECT party_from FROM events WHERE event_type IN ('transfer', 'licence') AND year(event_date) = 2025 "
        "AND party_from IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ?", [n // 2]).fetchall()]
    holders = [r[0] for r in con.execute(
        "SELECT first_patentee FROM patents WHERE kind = 'invention' AND grant_date IS NOT NULL "
        "AND first_patentee IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ?", [n - len(busy)]).fetchall()]
    con.close()
    return busy + holders


def run(mode: str, code_root: Path, data_dir: Path, applicants: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code_root), "ZHICHAN_DATA_DIR": str(data_dir)}
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(data_dir), json.dumps(applicants, ensure_ascii=False)],
                         env=env, check=True, capture_output=True, text=True, cwd=code_root)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--before", default="3695b3e2^", help="the commit whose code is the baseline")
    parser.add_argument("--main", default="6c97b09c", help="the commit before the high-value count was folded")
    parser.add_argument("--applicants", type=int, default=40)
    args = parser.parse_args()
    applicants = applicants_of(args.data_dir, args.applicants)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; "
          f"{len(applicants)} applicants of SUB-2026-01")
    results = {}
    for mode, commit in (("before", args.before), ("main", args.main)):
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "zhichan"], check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            results[f"{mode} ({commit})"] = run(mode, Path(tmp), args.data_dir, applicants)
    results["now"] = run("now", ROOT, args.data_dir, applicants)
    print("| way | first application (wall s, CPU s) | the round (wall s) | the round (CPU s) | per application (CPU ms) |")
    print("|---|---|---|---|---|")
    for mode, r in results.items():
        print(f"| {mode} | {r['first_wall']:.3f}, {r['first_cpu']:.3f} | {r['wall']:.3f} | {r['cpu']:.3f} | "
              f"{1000 * r['cpu'] / len(applicants):.1f} |")
    same = all(r["counts"] == results["now"]["counts"] for r in results.values())
    print(f"the same counts for every applicant on every way: {same}; "
          f"assigned or licensed out in all: {sum(c['assigned_or_licensed'] for c in results['now']['counts'])}; "
          f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
