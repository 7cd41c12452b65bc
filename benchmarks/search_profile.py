"""Where a search's time goes, per query of the mixed set (benchmarks/search_bench.py QUERIES): the
parts of ``service.search`` timed one by one, interleaved, CPU of the calling thread (where tantivy
runs) and wall, and the first query of a fresh process.

    PYTHONPATH=. .venv/bin/python benchmarks/search_profile.py --corpus /work/benchdata/search8-10m/corpus
    PYTHONPATH=. .venv/bin/python benchmarks/search_profile.py --corpus /work/benchdata/facets-1m/corpus

Parts: compile; count alone (the matching query, no scoring); the ranked page with its count
(``SearchIndex.top``, what a search runs); the page's rows and snippets (display columns, highlight);
exact facets; estimated facets (the sample of the setting's limit / 10 — only above the limit).
CPU is the calling thread's: on an index searched in two halves (zhichan/search/halves.py) its own
half and the serial parts; benchmarks/search_split.py gives both halves and the critical path.
Reads only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from search_bench import QUERIES, pct

from zhichan.corpus.store import CorpusStore
from zhichan.search import service
from zhichan.search.ast import positive_texts
from zhichan.search.index import SearchIndex
from zhichan.search.parser import parse
from zhichan.search.snippets import highlight
from zhichan.settings import get_settings

FIRST = """
import sys, time
t, c = time.perf_counter(), time.thread_time()
from pathlib import Path
from zhichan.corpus.store import CorpusStore
from zhichan.search import service
snap = CorpusStore(Path(sys.argv[1])).current()
w = time.perf_counter()
if sys.argv[3] == "warm":
    service.warm(snap)  # what the platform does at start-up (zhichan.web.app.warm_up)
i, ic = time.perf_counter(), time.thread_time()
service.search(sys.argv[2], snapshot=snap)
print((w - t) * 1000, (i - w) * 1000, (time.perf_counter() - i) * 1000, (time.thread_time() - ic) * 1000)
"""


def page_rows(index: SearchIndex, top: list[tuple[float, Any]], needles: list[str]) -> None:
    """What a search does for its page: the display columns and the highlighted snippets."""
    for d in index.displays([a for _, a in top]):
        highlight(d["abstract"] or d["title"], needles, 160)
        highlight(d["title"], needles)


def timed(fn: Callable[[], object], wall: list[float], cpu: list[float]) -> None:
    t, c = time.perf_counter(), time.thread_time()
    fn()
    wall.append((time.perf_counter() - t) * 1000)
    cpu.append((time.thread_time() - c) * 1000)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--first", type=int, default=2, help="fresh processes per query for the first-query figure (0: skip)")
    args = ap.parse_args()
    snapshot = CorpusStore(args.corpus).current()
    index = SearchIndex.for_snapshot(snapshot)
    assert index is not None
    limit = get_settings().search_facets_exact_max_hits
    service.search("电池", snapshot=snapshot)
    print(f"index: {index.path} ({index.searcher.num_docs:,} documents, {index.searcher.num_segments} segments); "
          f"facets estimated above {limit:,} hits; machine: {os.cpu_count()} cores; load before {os.getloadavg()}")
    parts = ("compile", "count", "top (page + count)", "rows + snippets", "facets exact", "facets estimated")
    print("\nCPU ms p50 (wall p50) per part, repeat", args.repeat)
    print("| query | hits | " + " | ".join(parts) + " | search (CPU p50 / p95) | first search in a process, wall, CPU: cold / after the start-up warm-up (service.warm) |")
    print("|---" * (len(parts) + 4) + "|")
    whole_cpu: list[float] = []
    for name, query in QUERIES:
        node = parse(query)
        compiled = index.compile(node)
        matching = index.compiler.matching(node)
        total = index.count(matching)
        _, top = index.top(compiled, limit=20)
        needles = [t.value for t in positive_texts(node) if t.field in {"TIABC", "TIAB", "AB", "TI"}]

        runs: dict[str, Callable[[], object]] = {
            "compile": partial(index.compile, node),
            "count": partial(index.count, matching),
            "top (page + count)": partial(index.top, compiled, limit=20),
            "rows + snippets": partial(page_rows, index, top, needles),
            "facets exact": partial(index.facets, node),
        }
        if total > limit:
            runs["facets estimated"] = partial(index.estimated_facets, node, total, limit // service.SAMPLE_PART)
        runs["search"] = partial(service.search, query, snapshot=snapshot)
        wall: dict[str, list[float]] = {k: [] for k in runs}
        cpu: dict[str, list[float]] = {k: [] for k in runs}
        for _ in range(args.repeat):
            for key, fn in runs.items():
                index.forget_results()  # cold: the result cache would answer a repeated search
                timed(fn, wall[key], cpu[key])
        whole_cpu += cpu["search"]
        cells = [f"{pct(cpu[p], .5):.1f} ({pct(wall[p], .5):.1f})" if p in runs else "—" for p in parts]
        first = "—"
        if args.first:
            env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
            got = []
            for _ in range(args.first):
                for way in ("cold", "warm"):
                    out = subprocess.run([sys.executable, "-c", FIRST, str(args.corpus), query, way], env=env,
                                         check=True, capture_output=True, text=True).stdout.split()
                    got.append((way, [float(v) for v in out]))
            first = " ; ".join(f"{way} {v[2]:.0f}, {v[3]:.0f}" for way, v in got)
        print(f"| {name}: `{query}` | {total:,} | " + " | ".join(cells)
              + f" | {pct(cpu['search'], .5):.1f} / {pct(cpu['search'], .95):.1f} | {first} |", flush=True)
    print(f"\nwhole set, service.search with facets: CPU p50 {pct(whole_cpu, .5):.1f} ms, p95 {pct(whole_cpu, .95):.1f} ms; "
          f"load after {os.getloadavg()}")


if __name__ == "__main__":
    main()
