"""The same documents in different segment layouts, and the facets' exact-count limit, side by side in
one run: per query of the mixed set (benchmarks/search_bench.py QUERIES), interleaved per repeat, for
every index given (``--corpus``, e.g. the 1M index replicated ten times and the same merged into fewer
segments by benchmarks/merge_index.py) the product's ranked first page alone (a search without facets)
and with its facets at each ``--limit`` (``search_facets_exact_max_hits``: exact up to it, estimated
above), cold. Wall time, the critical path (the longest thread's CPU on the halves: the wall time on
two idle cores) and the CPU of the process; the load. Checks that every index gives the same hit
total, the same first page (score and row of each hit) and, with every limit, the same facets.

    PYTHONPATH=. .venv/bin/python benchmarks/search_segments.py --corpus /work/benchdata/s13-search/r20/corpus \\
        --corpus /work/benchdata/s13-search/r2/corpus --repeat 7
    PYTHONPATH=. .venv/bin/python benchmarks/search_segments.py --corpus /work/benchdata/s13-search/r20/corpus \\
        --limit 100000 --limit 50000 --limit 20000 --limit 10000 --repeat 7

Reads only.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from search_bench import QUERIES, pct
from search_split import CriticalPath, page

from zhichan.corpus.store import CorpusStore
from zhichan.search import service
from zhichan.search.index import SearchIndex
from zhichan.search.layout import index_path
from zhichan.search.parser import parse


def searched(index: SearchIndex, node: Any, total: int, limit: int) -> Any:
    """What ``service.search`` asks of the index with facets, cold, at the limit ``limit``."""
    index.forget_results()
    index.ranked(node, limit=20)
    if total > limit:
        return index.estimated_facets(node, total, limit // service.SAMPLE_PART)[0]
    return index.facets(node)


def ranked_page(index: SearchIndex, node: Any) -> None:
    index.forget_results()
    index.ranked(node, limit=20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, action="append", required=True)
    ap.add_argument("--limit", type=int, action="append", help="exact-facet limits (default: 100,000)")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--query", action="append", help="only these queries of the set (by query text)")
    args = ap.parse_args()
    limits = args.limit or [100_000]
    indexes: dict[str, SearchIndex] = {}
    critical: dict[str, CriticalPath] = {}
    for corpus in args.corpus:
        path = index_path(CorpusStore(corpus).current())
        assert path is not None
        index = SearchIndex(path)
        name = f"{index.searcher.num_segments} segments"
        indexes[name] = index
        if index.halves is not None:
            critical[name] = CriticalPath(index)
        print(f"# {name}: {path}, {index.searcher.num_docs:,} documents, halves "
              f"{[h.num_segments for h in index.halves.searchers] if index.halves else None}")
    print(f"{os.cpu_count()} cores; load before {os.getloadavg()}")
    ways = [(name, "page", 0) for name in indexes] + [(name, "facets", limit) for name in indexes for limit in limits]
    figures: dict[tuple[str, str, int], dict[str, list[float]]] = {
        way: {"wall": [], "critical": [], "process": []} for way in ways}
    queries = [(n, q) for n, q in QUERIES if not args.query or q in args.query]
    print("\n| query | hits | " + " | ".join(f"{n} {w}{f' ≤{lim:,}' if w == 'facets' else ''}" for n, w, lim in ways)
          + " |  (critical path p50, ms)\n" + "|---" * (len(ways) + 2) + "|")
    for _label, text in queries:
        node = parse(text)
        totals = {name: index.count(index.compile(node)) for name, index in indexes.items()}
        assert len(set(totals.values())) == 1, (text, totals)
        pages = {name: page(index, index.compile(node)) for name, index in indexes.items()}
        first = next(iter(pages.values()))
        assert all(sorted(p) == sorted(first) for p in pages.values()), (text, "first pages differ")
        total = next(iter(totals.values()))
        for limit in limits:
            counted = [searched(index, node, total, limit) for index in indexes.values()]
            assert all(c == counted[0] for c in counted), (text, limit, "facets differ")
        per_query: dict[tuple[str, str, int], list[float]] = {way: [] for way in ways}
        for _ in range(args.repeat):
            for way in ways:
                name, what, limit = way
                index = indexes[name]

                def run(index: SearchIndex = index, what: str = what, limit: int = limit, node: Any = node,
                        total: int = total) -> None:
                    if what == "page":
                        ranked_page(index, node)
                    else:
                        searched(index, node, total, limit)

                t, w = time.perf_counter(), time.process_time()
                cp = critical[name].measure(run) if name in critical else None
                if cp is None:
                    c = time.thread_time()
                    run()
                    cp = (time.thread_time() - c) * 1000
                figures[way]["wall"].append((time.perf_counter() - t) * 1000)
                figures[way]["process"].append((time.process_time() - w) * 1000)
                figures[way]["critical"].append(cp)
                per_query[way].append(cp)
        print(f"| `{text}` | {total:,} | " + " | ".join(f"{pct(per_query[w], .5):.1f}" for w in ways) + " |", flush=True)
    print(f"\nload after {os.getloadavg()}\n\nwhole set (ms): way | critical path p50 / p95 | process CPU p50 / p95 "
          "| wall p50 / p95")
    for way in ways:
        f = figures[way]
        name, what, limit = way
        print(f"{name} {what}{f' ≤{limit:,}' if what == 'facets' else ''} | {pct(f['critical'], .5):.1f} / "
              f"{pct(f['critical'], .95):.1f} | {pct(f['process'], .5):.1f} / {pct(f['process'], .95):.1f} "
              f"| {pct(f['wall'], .5):.1f} / {pct(f['wall'], .95):.1f}")


if __name__ == "__main__":
    main()
