"""One search on both cores (zhichan/search/halves.py) beside one thread, on the same index in the same
run: per query of the mixed set (benchmarks/search_bench.py QUERIES), a search as the product runs it
(the ranked page — on the halves only where worth it — and the facets, estimated above the setting's
limit) and its parts — the ranked page with its count (on the halves for every query), the count
alone, exact facets, estimated facets — each way, interleaved; wall time and the CPU of the whole process (both threads), with the
load. Checks on every run that the two ways agree: the hit total, the first page (score and row of
each of the 20 hits) and every facet list.

    PYTHONPATH=. .venv/bin/python benchmarks/search_split.py --corpus /work/benchdata/search8-10m/corpus \\
        --corpus /work/benchdata/facets-1m/corpus --repeat 10
    # the ranking's threshold (zhichan.search.index.SPLIT_RANK_MIN_POSTINGS): the product's search with
    # its ranking on one thread and on the halves, interleaved, and the set's p50 / p95 per threshold
    PYTHONPATH=. .venv/bin/python benchmarks/search_split.py --corpus /work/benchdata/s10-search/s10m/corpus \\
        --threshold --repeat 10
    # the second scoring of a ranking on the halves: the query AND the proposals vs QueryCompiler.rescoring
    PYTHONPATH=. .venv/bin/python benchmarks/search_split.py --corpus /work/benchdata/s11-search/s10m/corpus \\
        --rescoring --repeat 10

Reads only.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from search_bench import QUERIES, pct

from zhichan.corpus.store import CorpusStore
from zhichan.search import service
from zhichan.search.index import RESULT_DEPTH, SearchIndex
from zhichan.search.layout import FACET_FIELDS, SAMPLE_BUCKETS, index_path
from zhichan.search.parser import parse
from zhichan.settings import get_settings

WAYS = ("one thread", "two halves")


def page(index: SearchIndex, query: object) -> list[tuple[float, int]]:
    _, hits = index.top(query, limit=20, split=index.halves is not None)  # type: ignore[arg-type]
    rows = index.searcher.fast_field_values("row", [a for _, a in hits]) if hits else []
    return [(round(score, 5), int(row)) for (score, _), row in zip(hits, rows, strict=True)]  # type: ignore[arg-type]


class CriticalPath:
    """The CPU on the longest thread of a run on the halves: the calling thread's CPU with its own
    half's replaced by the longer of the two halves' — the wall time on two idle cores (the wall
    figures of a loaded machine follow its load)."""

    def __init__(self, index: SearchIndex) -> None:
        assert index.halves is not None
        self.longer_by = 0.0
        halves, plain = index.halves, index.halves.map

        def timed_map(fn: Callable[[Any], Any]) -> list[Any]:
            spent: dict[int, float] = {}

            def run(i: int, searcher: Any) -> Any:
                c = time.thread_time()
                try:
                    return fn(searcher)
                finally:
                    spent[i] = time.thread_time() - c

            first = halves.searchers[0]
            out = plain(lambda s: run(0 if s is first else 1, s))
            self.longer_by += max(0.0, spent[1] - spent[0])
            return out

        halves.map = timed_map  # type: ignore[method-assign]

    def measure(self, fn: Callable[[], object]) -> float:
        self.longer_by = 0.0
        c = time.thread_time()
        fn()
        return (time.thread_time() - c + self.longer_by) * 1000


def searched(index: SearchIndex, node: Any, total: int, limit: int) -> None:
    """What ``service.search`` asks of the index, cold: the ranked first page (on the halves only
    where :meth:`SearchIndex.worth_halves` says so) and the facets, estimated above the limit."""
    index.forget_results()
    index.ranked(node, limit=20)
    if total > limit:
        index.estimated_facets(node, total, limit // service.SAMPLE_PART)
    else:
        index.facets(node)


def ranked_page(index: SearchIndex, node: Any) -> None:
    """The ranked first page alone, cold (a search without facets)."""
    index.forget_results()
    index.ranked(node, limit=20)


def searched_ranking(index: SearchIndex, node: Any, total: int, limit: int, split: bool) -> None:
    """:func:`searched` with the ranking forced onto one thread or the halves (the facets on the halves
    either way): the two paths :data:`zhichan.search.index.SPLIT_RANK_MIN_POSTINGS` chooses between."""
    index.forget_results()
    index.top(index.compile(node), limit=RESULT_DEPTH, split=split, node=node)
    if total > limit:
        index.estimated_facets(node, total, limit // service.SAMPLE_PART)
    else:
        index.facets(node)


THRESHOLDS = (("1,000,000", 1_000_000), ("4,000,000", 4_000_000), ("never", 2**62))


def threshold(corpus: Path, repeat: int) -> None:
    """Per query of the mixed set, the product's search (ranked first page + facets, cold) with the
    ranking on one thread and on the halves, interleaved, on the index in halves; then, per candidate
    threshold, the whole set's p50 / p95 taking each query's figures of the path that threshold
    chooses for it (by :meth:`QueryCompiler.postings`). Wall time, CPU of the process and the critical
    path (the longest thread's CPU: the wall time on two idle cores)."""
    snapshot = CorpusStore(corpus).current()
    path = index_path(snapshot)
    assert path is not None
    index = SearchIndex(path, 0)
    assert index.halves is not None, "the index has one segment: nothing to split"
    limit = get_settings().search_facets_exact_max_hits
    critical = CriticalPath(index)
    print(f"\n# {path}: {index.searcher.num_docs:,} documents, {index.searcher.num_segments} segments; "
          f"{os.cpu_count()} cores; load before {os.getloadavg()}")
    index.count(index.compile(parse("电池")))
    index.facets(parse("电池"))
    ways = {"ranking on one thread": False, "ranking on the halves": True}
    print(f"\nthe product's search (ranked page 1, {RESULT_DEPTH} deep, + facets), cold, ms p50 / p95; repeat {repeat}, "
          "interleaved\n| query | hits | postings | " + " | ".join(
              f"{w}: wall | {w}: CPU of the process | {w}: critical path" for w in ways) + " | same page |\n"
          + "|---" * (4 + 3 * len(ways)) + "|")
    samples: dict[tuple[str, str], dict[str, list[float]]] = {}
    postings: dict[str, int] = {}
    for name, query in QUERIES:
        node = parse(query)
        total = index.count(index.compiler.matching(node))
        postings[name] = index.compiler.postings(node, index.searcher) or 0
        for _ in range(repeat):
            for way, split in ways.items():
                got = samples.setdefault((name, way), {"wall": [], "cpu": [], "path": []})
                t, c = time.perf_counter(), time.process_time()
                searched_ranking(index, node, total, limit, split)
                got["wall"].append((time.perf_counter() - t) * 1000)
                got["cpu"].append((time.process_time() - c) * 1000)
                got["path"].append(critical.measure(partial(searched_ranking, index, node, total, limit, split)))
        compiled = index.compile(node)
        pages = []
        for halves in (False, True):
            count, hits = index.top(compiled, limit=20, split=halves)
            rows = index.searcher.fast_field_values("row", [a for _, a in hits]) if hits else []
            pages.append((count, [(round(s, 5), int(r)) for (s, _), r in zip(hits, rows, strict=True)]))  # type: ignore[arg-type]
        same = pages[0] == pages[1]
        cells = " | ".join(f"{pct(samples[(name, w)][k], .5):.1f} / {pct(samples[(name, w)][k], .95):.1f}"
                           for w in ways for k in ("wall", "cpu", "path"))
        print(f"| {name}: `{query}` | {total:,} | {postings[name]:,} | {cells} | {'yes' if same else 'NO'} |", flush=True)
    print(f"\nload after {os.getloadavg()}\n\nthe whole set per threshold (a query ranks on the halves when it reads at "
          "least that many postings), ms p50 / p95\n| threshold | queries on the halves | wall | CPU of the process "
          "| critical path |\n|---|---|---|---|---|")
    for label, least in THRESHOLDS:
        chosen = {name: "ranking on the halves" if postings[name] >= least else "ranking on one thread"
                  for name, _ in QUERIES}
        figures: list[str] = []
        for k in ("wall", "cpu", "path"):
            values = [v for name, _ in QUERIES for v in samples[(name, chosen[name])][k]]
            figures.append(f"{pct(values, .5):.1f} / {pct(values, .95):.1f}")
        on_halves = [name for name in chosen if chosen[name] == "ranking on the halves"]
        print(f"| {label} | {len(on_halves)}: {', '.join(on_halves) or '—'} | " + " | ".join(figures) + " |")


def rescoring(corpus: Path, repeat: int) -> None:
    """The second scoring of a ranking on the halves (``SearchIndex._top_split``): the proposals scored
    by ``query AND among`` (before 2026-12-05 afternoon) and by ``QueryCompiler.rescoring(node) AND
    among``, interleaved (the order rotating), in the product's search as the product runs it (cold,
    the ranking on the halves above the threshold): the ranked page alone and with the facets. Wall
    time, CPU of the process, critical path; checks that both ways give the same first page."""
    snapshot = CorpusStore(corpus).current()
    path = index_path(snapshot)
    assert path is not None
    index = SearchIndex(path, 0)
    assert index.halves is not None, "the index has one segment: nothing to split"
    limit = get_settings().search_facets_exact_max_hits
    critical = CriticalPath(index)
    real = index.compiler.rescoring
    ways: dict[str, Callable[[Any], Any]] = {"query AND among": lambda node: None, "rescoring(node) AND among": real}
    print(f"\n# {path}: {index.searcher.num_docs:,} documents, {index.searcher.num_segments} segments; "
          f"{os.cpu_count()} cores; load before {os.getloadavg()}")
    index.count(index.compile(parse("电池")))
    index.facets(parse("电池"))
    kinds = ("page", "page + facets")
    print(f"\nms p50 (critical path), repeat {repeat}, interleaved: " + " → ".join(ways) +
          "\n| query | hits | on the halves | page | page + facets | CPU of the process, page + facets | same page |"
          "\n|---|---:|---|---:|---:|---:|---|")
    whole: dict[tuple[str, str, str], list[float]] = {}
    for _, query in QUERIES:
        node = parse(query)
        total = index.count(index.compiler.matching(node))
        samples: dict[tuple[str, str, str], list[float]] = {}
        names = list(ways)
        for i in range(repeat):
            for way in names[i % 2:] + names[:i % 2]:
                index.compiler.rescoring = ways[way]  # type: ignore[method-assign]
                for kind in kinds:
                    run = partial(searched, index, node, total, limit) if kind == "page + facets" else partial(
                        ranked_page, index, node)
                    t, c = time.perf_counter(), time.process_time()
                    got = critical.measure(run)
                    for m, v in (("wall", (time.perf_counter() - t) * 1000), ("cpu", (time.process_time() - c) * 1000),
                                 ("path", got)):
                        samples.setdefault((way, kind, m), []).append(v)
                        whole.setdefault((way, kind, m), []).append(v)
        pages = []
        for way in ways:
            index.compiler.rescoring = ways[way]  # type: ignore[method-assign]
            index.forget_results()
            count, hits = index.ranked(node, limit=20)
            rows = index.searcher.fast_field_values("row", [a for _, a in hits]) if hits else []
            pages.append((count, [(s, int(r)) for (s, _), r in zip(hits, rows, strict=True)]))  # type: ignore[arg-type]
        cells = " | ".join(" → ".join(f"{pct(samples[(w, k, 'path')], .5):.1f}" for w in ways) for k in kinds)
        process = " → ".join(f"{pct(samples[(w, 'page + facets', 'cpu')], .5):.1f}" for w in ways)
        print(f"| `{query}` | {total:,} | {'yes' if index.worth_halves(node) else 'no'} | {cells} | {process} "
              f"| {'yes' if pages[0] == pages[1] else 'NO'} |", flush=True)
    index.compiler.rescoring = real  # type: ignore[method-assign]
    print(f"\nload after {os.getloadavg()}")
    for kind in kinds:
        for m, label in (("path", "critical path"), ("cpu", "CPU of the process"), ("wall", "wall")):
            print(f"whole set, {kind}, {label}: " + " → ".join(
                f"p50 {pct(whole[(w, kind, m)], .5):.1f} / p95 {pct(whole[(w, kind, m)], .95):.1f}" for w in ways)
                + f" ms (p95 {(pct(whole[(names[1], kind, m)], .95) / pct(whole[(names[0], kind, m)], .95) - 1) * 100:+.0f} %)")


def half_scores(index: SearchIndex, query: object, one: list[tuple[float, int]]) -> str:
    """What the halves' own scores would rank (no scoring again on the whole index): of the single
    searcher's first 20 hits, how many the halves' merged first 20 hold at the same place / at all."""
    assert index.halves is not None
    merged = []
    for searcher in index.halves.searchers:
        hits = searcher.search(query, 20 + 64, count=False).hits  # type: ignore[arg-type]
        rows = searcher.fast_field_values("row", [a for _, a in hits]) if hits else []
        merged += [(score, int(row)) for (score, _), row in zip(hits, rows, strict=True)]  # type: ignore[arg-type]
    got = [row for _, row in sorted(merged, key=lambda sr: (-sr[0], sr[1]))[:20]]
    want = [row for _, row in one]
    return f"{sum(a == b for a, b in zip(got, want, strict=False))} / {len(set(got) & set(want))} of {len(want)}"


def run(corpus: Path, repeat: int) -> None:
    snapshot = CorpusStore(corpus).current()
    path = index_path(snapshot)
    assert path is not None
    indexes = {"one thread": SearchIndex(path, split_min_documents=2**62), "two halves": SearchIndex(path, 0)}
    assert indexes["two halves"].halves is not None, "the index has one segment: nothing to split"
    limit = get_settings().search_facets_exact_max_hits
    one = indexes["one thread"]
    critical = CriticalPath(indexes["two halves"])
    print(f"\n# {path}: {one.searcher.num_docs:,} documents, {one.searcher.num_segments} segments; "
          f"{os.cpu_count()} cores; load before {os.getloadavg()}")
    for index in indexes.values():  # touch every file both ways before timing
        index.count(index.compile(parse("电池")))
        index.facets(parse("电池"))
    parts = ("search (the product's rule)", "top (page + count)", "count", "facets exact", "facets estimated")
    print(f"\nms p50 per part, wall (CPU of the process) — {' / '.join(WAYS)} [the halves' critical path: CPU of "
          f"the longest thread]; repeat {repeat}, interleaved\n"
          "| query | hits | " + " | ".join(parts) + " | same total, page 1, facets | halves' own scores: page 1 in place / in it |\n" + "|---" * (len(parts) + 4) + "|")
    whole: dict[str, dict[str, list[float]]] = {w: {} for w in WAYS}
    agree = 0
    for name, query in QUERIES:
        node = parse(query)
        compiled, matching = one.compile(node), one.compiler.matching(node)
        total = one.count(matching)
        runs: dict[str, dict[str, Callable[[], object]]] = {}
        for way, index in indexes.items():
            runs[way] = {"search (the product's rule)": partial(searched, index, node, total, limit),
                         "top (page + count)": partial(index.top, compiled, limit=20, split=index.halves is not None),
                         "count": partial(index.count, matching),
                         "facets exact": partial(index._aggregate, matching, tuple(FACET_FIELDS))}
            if total > limit:  # what estimated_facets runs, without its cache
                buckets = math.ceil(SAMPLE_BUCKETS * (limit // service.SAMPLE_PART) / total)
                runs[way]["facets estimated"] = partial(index._estimate, node, tuple(FACET_FIELDS), buckets, total)
        wall: dict[tuple[str, str], list[float]] = {}
        cpu: dict[tuple[str, str], list[float]] = {}
        path: dict[str, list[float]] = {}
        for _ in range(repeat):
            for part in parts:
                for way in WAYS:
                    if part not in runs[way]:
                        continue
                    t, c = time.perf_counter(), time.process_time()
                    runs[way][part]()
                    wall.setdefault((way, part), []).append((time.perf_counter() - t) * 1000)
                    cpu.setdefault((way, part), []).append((time.process_time() - c) * 1000)
                if part in runs[WAYS[1]]:
                    path.setdefault(part, []).append(critical.measure(runs[WAYS[1]][part]))
        for way in WAYS:
            for part in ("top (page + count)", "search (the product's rule)"):
                whole[way].setdefault(f"wall {part}", []).extend(wall[(way, part)])
                whole[way].setdefault(f"cpu {part}", []).extend(cpu[(way, part)])
        for part in ("top (page + count)", "search (the product's rule)"):
            whole[WAYS[1]].setdefault(f"path {part}", []).extend(path[part])
        same = (indexes["one thread"].count(matching) == indexes["two halves"].count(matching)
                and page(indexes["one thread"], compiled) == page(indexes["two halves"], compiled)
                and indexes["one thread"].facets(node) == indexes["two halves"].facets(node))
        agree += same
        own = half_scores(indexes["two halves"], compiled, page(indexes["one thread"], compiled))
        cells = []
        for part in parts:
            if (WAYS[0], part) not in wall:
                cells.append("—")
                continue
            cells.append(" / ".join(f"{pct(wall[(w, part)], .5):.1f} ({pct(cpu[(w, part)], .5):.1f})" for w in WAYS)
                         + f" [{pct(path[part], .5):.1f}]")
        print(f"| {name}: `{query}` | {total:,} | " + " | ".join(cells) + f" | {'yes' if same else 'NO'} | {own} |", flush=True)
        for index in indexes.values():
            index.forget_results()
    print(f"\nthe two ways agree on {agree} of {len(QUERIES)} queries; load after {os.getloadavg()}")
    for part in ("top (page + count)", "search (the product's rule)"):
        for way in WAYS:
            w, c = whole[way][f"wall {part}"], whole[way][f"cpu {part}"]
            line = (f"whole set, {part} ({way}): wall p50 {pct(w, .5):.1f} ms, p95 {pct(w, .95):.1f} ms; CPU of the "
                    f"process p50 {pct(c, .5):.1f} ms, p95 {pct(c, .95):.1f} ms")
            if f"path {part}" in whole[way]:
                path_ms = whole[way][f"path {part}"]
                line += f"; critical path p50 {pct(path_ms, .5):.1f} ms, p95 {pct(path_ms, .95):.1f} ms"
            print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, action="append", required=True)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--threshold", action="store_true",
                    help="only the ranking's threshold: the product's search with the ranking on one thread and on "
                    "the halves, and the whole set per candidate SPLIT_RANK_MIN_POSTINGS")
    ap.add_argument("--rescoring", action="store_true",
                    help="only the second scoring of a ranking on the halves: query AND among vs "
                    "QueryCompiler.rescoring(node) AND among, in the product's search")
    args = ap.parse_args()
    for corpus in args.corpus:
        (threshold if args.threshold else rescoring if args.rescoring else run)(corpus, args.repeat)


if __name__ == "__main__":
    main()
