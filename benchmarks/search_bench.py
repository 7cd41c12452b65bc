"""Retrieval benchmark: index build, mixed-query latency (with facets — estimated above the hit
limit — beside the same with exact facets, and without facets; the facets alone, the page's second
request, both ways) against SQLite FTS5 (trigram) and a DuckDB full scan on the same data in the
same run, substring recall, the all-hits path.

    .venv/bin/python benchmarks/search_bench.py --patents 1000000
    .venv/bin/python benchmarks/search_bench.py --corpus $ZHICHAN_DATA_DIR/corpus --root /tmp/sb --facet-limit 10000
    .venv/bin/python benchmarks/search_bench.py --corpus $ZHICHAN_DATA_DIR/corpus --root /tmp/sb --facet-limit 10000 \
        --facet-request-only   # the page's facet request: hits counted again vs the sealed total
    .venv/bin/python benchmarks/search_bench.py --root /tmp/sb --rebuild --build-only   # the build beside FTS5's
Prints tables; writes nothing outside --root (default benchmarks/out/search-<n>): with --corpus
the corpus and its index are only read (the index must exist), the FTS5 table goes to --root.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import time
from functools import partial
from pathlib import Path

import duckdb

from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.search import service
from zhichan.search.build import build_index
from zhichan.search.duckdb_backend import match_application_numbers, where_clause
from zhichan.search.index import SearchIndex
from zhichan.search.layout import index_status
from zhichan.search.models import FacetValue
from zhichan.search.parser import parse
from zhichan.settings import get_settings

#: the fixed mixed query set, tuned to the vocabulary of zhichan.corpus.generator (titles and
#: abstracts in the words of each IPC field, zhichan/corpus/generator/lexicon.py): every term
#: occurs, from ~0.1 % of the patents (1 character, a phrase) to ~10 % (broad); the last four are
#: the terms a bureau searches first (0.5-3 % each).
QUERIES = [
    ("field", "TI=电池"),
    ("boolean", "(电池 OR 芯片) AND 材料 NOT 回收"),
    ("phrase (6 chars)", '"深度学习模型"'),
    ("2-char term", "涂层"),
    ("3-char term", "传感器"),
    ("4-char term", "储能系统"),
    ("1-char term", "锂"),
    ("date range", "AD=[2018 TO 2020] AND 芯片"),
    ("IPC prefix", "IPC=H01M AND 材料"),
    ("field+region", "PA=科技 AND RC=5101"),
    ("broad term", "材料"),
    ("bureau term", "电动汽车"),
    ("bureau term 2", "人工智能"),
    ("bureau term 3", "锂离子电池"),
    ("bureau term 4", "芯片"),
]
#: the same intent in FTS5 MATCH syntax where it can be expressed (the FTS5 table holds title + abstract)
FTS = {
    "field": 'title:"电池"', "boolean": '("电池" OR "芯片") AND "材料" NOT "回收"', "phrase (6 chars)": '"深度学习模型"',
    "2-char term": '"涂层"', "3-char term": '"传感器"', "4-char term": '"储能系统"', "1-char term": '"锂"',
    "date range": '"芯片"', "IPC prefix": '"材料"', "field+region": None, "broad term": '"材料"',
    "bureau term": '"电动汽车"', "bureau term 2": '"人工智能"', "bureau term 3": '"锂离子电池"', "bureau term 4": '"芯片"',
}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def estimate_error(estimated: list[FacetValue], exact: list[FacetValue], total: int) -> list[float]:
    """Relative errors of the estimated values that hold at least 1 % of the hits."""
    truth = {v.value: v.count for v in exact}
    return [abs(v.count - truth[v.value]) / truth[v.value] for v in estimated
            if v.value in truth and truth[v.value] >= total / 100]


def facet_request(snapshot: Snapshot, repeat: int) -> None:
    """The search page's facet request (``/search/facets``), both ways interleaved in one run: the
    previous path counts the hits again to choose exact or estimated counting; the page now hands
    on the total its search counted, sealed (``views.hits_seal``: the seal is checked here too)."""
    from zhichan.search.ast import to_query
    from zhichan.search.views import hits_seal

    service.search("电池", snapshot=snapshot)  # warm caches (labels, searcher)
    index = SearchIndex.for_snapshot(snapshot)
    assert index is not None
    limit = get_settings().search_facets_exact_max_hits
    key = "benchmark-secret-key"

    def sealed(query: str, hits: int, seal: str) -> None:
        assert hits_seal(key, snapshot.id, to_query(parse(query)), hits) == seal
        service.facets(query, snapshot=snapshot, total=hits)

    print(f"\nmachine: {os.cpu_count()} cores; load average before {os.getloadavg()}")
    print(f"\n## The page's facet request, ms (repeat {repeat}, both ways interleaved; facets of more than "
          f"{limit:,} hits estimated)\n| query | hits | facets | counted again: CPU p50 / p95 | sealed total: "
          "CPU p50 / p95 | counted again: wall p50 / p95 | sealed total: wall p50 / p95 |\n|---|---|---|---|---|---|---|")
    ways = ("counted again", "sealed total")
    broad: dict[str, list[float]] = {w: [] for w in ways}
    for name, query in QUERIES:
        hits = index.count(index.compile(parse(query)))
        seal = hits_seal(key, snapshot.id, to_query(parse(query)), hits)
        runs = {"counted again": partial(service.facets, query, snapshot=snapshot),
                "sealed total": partial(sealed, query, hits, seal)}
        wall: dict[str, list[float]] = {w: [] for w in ways}
        cpu: dict[str, list[float]] = {w: [] for w in ways}
        for _ in range(repeat):
            for way in ways:
                t, c = time.perf_counter(), time.thread_time()
                runs[way]()
                wall[way].append((time.perf_counter() - t) * 1000)
                cpu[way].append((time.thread_time() - c) * 1000)
        if hits > limit:
            for way in ways:
                broad[way] += cpu[way]
        cells = " | ".join(f"{pct(cpu[w], .5):.1f} / {pct(cpu[w], .95):.1f}" for w in ways)
        walls = " | ".join(f"{pct(wall[w], .5):.1f} / {pct(wall[w], .95):.1f}" for w in ways)
        print(f"| {name}: `{query}` | {hits:,} | {'estimated' if hits > limit else 'exact'} | {cells} | {walls} |",
              flush=True)
    print(f"\nload average after: {os.getloadavg()}")
    for way in ways:
        if broad[way]:
            print(f"the broad queries (more than {limit:,} hits), {way}: CPU p50 {pct(broad[way], .5):.1f} ms, "
                  f"p95 {pct(broad[way], .95):.1f} ms")


def latency(snapshot: Snapshot, repeat: int, db: sqlite3.Connection | None = None,
            con: duckdb.DuckDBPyConnection | None = None, scan_runs: int = 0) -> None:
    """The mixed set's latency, the five ways interleaved; with the FTS5 table ``db`` and the
    snapshot's DuckDB ``con``, their baselines in the same run."""
    service.search("电池", snapshot=snapshot)  # warm caches (labels, searcher)
    index = SearchIndex.for_snapshot(snapshot)
    assert index is not None
    print(f"\nindex segments: {index.searcher.num_segments}; "
          + (f"searched in two halves of {[h.num_segments for h in index.halves.searchers]} segments"
             if index.halves else "one thread"))
    limit = get_settings().search_facets_exact_max_hits
    print(f"\n## Query latency, ms (repeat {repeat}, the seven ways interleaved; facets of more than {limit:,} hits "
          f"estimated from a sample of ~{limit // service.SAMPLE_PART:,}; load average before {os.getloadavg()})\n"
          "search = service.search page 1 with facets (estimated above the limit) / with exact facets / without "
          "facets; facets = service.facets alone (the page's second request: count, then facets) estimated / exact; "
          "error = relative error of the estimated values holding ≥ 1 % of the hits, median / max. Every way but the "
          "last two run cold: the index's result caches are emptied before each (outside the timing); page 2 = the "
          "next page without facets right after page 1, again = the same search with facets repeated: both from the "
          "result caches (warm)")
    print("| query | hits | search p50 | search p95 | exact p50 | exact p95 | no facets p50 | no facets p95 "
          "| facets p50 | facets p95 | facets exact p50 | facets exact p95 | page 2 p50 | page 2 p95 | again p50 | again p95 "
          "| sample (share) | error median / max | CPU ms p50: search / exact / no facets / facets / facets exact / page 2 "
          "/ again | FTS5 p50 | FTS5 hits | DuckDB scan p50 |\n" + "|---" * 22 + "|")
    ways = ("search", "search exact", "no facets", "facets", "facets exact", "page 2", "again")
    whole: dict[str, list[float]] = {w: [] for w in ways}
    # tantivy searches and aggregates on the calling thread, and on a large index (two halves of its
    # segments, zhichan/search/halves.py) on one more: the calling thread's CPU time is its own half and
    # the serial parts — about the wall time on idle cores, whatever the load of the machine (the
    # wall-clock figures follow the load); the process's CPU time is the work of both threads
    cpu: dict[str, list[float]] = {w: [] for w in ways}
    work: dict[str, list[float]] = {w: [] for w in ways}
    for name, query in QUERIES:
        compiled = index.compile(parse(query))
        runs = {
            "search": partial(service.search, query, snapshot=snapshot, facets=True),
            "search exact": partial(service.search, query, snapshot=snapshot, facets=True, exact_facets=True),
            "no facets": partial(service.search, query, snapshot=snapshot, facets=False),
            "facets": partial(service.facets, query, snapshot=snapshot),
            "facets exact": partial(service.facets, query, snapshot=snapshot, exact=True),
            "page 2": partial(service.search, query, snapshot=snapshot, facets=False, page=2),
            "again": partial(service.search, query, snapshot=snapshot, facets=True),
        }
        times: dict[str, list[float]] = {w: [] for w in ways}
        cpu_before = {w: len(cpu[w]) for w in ways}
        for _ in range(repeat):
            # page 2 right after page 1 (no facets), whose ranking the result cache then holds; the
            # search again right after the search
            for way in ("search", "again", "search exact", "facets", "facets exact", "no facets", "page 2"):
                if way not in ("page 2", "again"):
                    index.forget_results()
                t, c, w = time.perf_counter(), time.thread_time(), time.process_time()
                runs[way]()
                times[way].append((time.perf_counter() - t) * 1000)
                cpu[way].append((time.thread_time() - c) * 1000)
                work[way].append((time.process_time() - w) * 1000)
        for way in ways:
            whole[way] += times[way]
        hits = index.count(compiled)
        estimated, exact = service.facets(query, snapshot=snapshot), service.facets(query, snapshot=snapshot, exact=True)
        errors = [e for f, values in estimated.values.items() for e in estimate_error(values, exact.values[f], hits)]
        sampled = (f"{estimated.sample.hits:,} ({estimated.sample.share:.1%})" if estimated.sample else "exact")
        error = (f"{statistics.median(errors):.1%} / {max(errors):.1%}" if estimated.sample and errors else "—")
        fts_times, fts_hits = [], "n/a"
        if FTS[name] and db is not None:
            for _ in range(max(3, repeat // 4)):
                t = time.perf_counter()
                fts_hits = db.execute("SELECT count(*) FROM p WHERE p MATCH ?", (FTS[name],)).fetchone()[0]
                fts_times.append((time.perf_counter() - t) * 1000)
        sql, params = where_clause(query)
        duck_times = []
        for _ in range(scan_runs if con is not None else 0):
            t = time.perf_counter()
            con.execute(f"SELECT count(*) FROM patents WHERE {sql}", params).fetchall()
            duck_times.append((time.perf_counter() - t) * 1000)
        fts = f"{statistics.median(fts_times):.1f}" if fts_times else "—"
        duck = f"{statistics.median(duck_times):.0f}" if duck_times else "not run"
        cells = " | ".join(f"{pct(times[w], .5):.1f} | {pct(times[w], .95):.1f}" for w in ways)
        cpus = " / ".join(f"{pct(cpu[w][cpu_before[w]:], .5):.1f}" for w in ways)
        print(f"| {name}: `{query}` | {hits:,} | {cells} | {sampled} | {error} | {cpus} | {fts} | {fts_hits} | {duck} |",
              flush=True)
    print(f"\nload average after the latency runs: {os.getloadavg()}")
    for way in ways:
        print(f"whole mixed set, {way}: p50 {pct(whole[way], .5):.1f} ms, p95 {pct(whole[way], .95):.1f} ms wall; "
              f"CPU of the calling thread p50 {pct(cpu[way], .5):.1f} ms, p95 {pct(cpu[way], .95):.1f} ms; "
              f"of the process (both threads) p50 {pct(work[way], .5):.1f} ms, p95 {pct(work[way], .95):.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patents", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--root", type=Path)
    ap.add_argument("--corpus", type=Path, help="an existing corpus folder with its index (read only)")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--generator", choices=["corpus", "synthetic"], default="corpus")
    ap.add_argument("--rebuild", action="store_true",
                    help="rebuild the index (and the FTS5 baseline) even if the snapshot has them")
    ap.add_argument("--workers", type=int, default=None, help="document preparation processes (default: auto)")
    ap.add_argument("--facet-limit", type=int, default=None,
                    help="search_facets_exact_max_hits for this run (default: the setting): facets of more hits are estimated")
    ap.add_argument("--scan-runs", type=int, default=2,
                    help="DuckDB full-scan runs per query (0: skip that baseline; at 10M one run of the set takes ~50 min)")
    ap.add_argument("--build-only", action="store_true",
                    help="the index build and the FTS5 baseline's, side by side; no latency")
    ap.add_argument("--index-only", action="store_true",
                    help="only the index's latency (no FTS5, scan, recall, all-hits): for an index whose corpus "
                    "does not hold its documents, e.g. one made by replicate_index.py")
    ap.add_argument("--facet-request-only", action="store_true",
                    help="only the facet request of the search page: hits counted again vs the page's sealed total")
    ap.add_argument("--one-thread", action="store_true",
                    help="search on one thread, never on two halves of the segments (the baseline of zhichan/search/halves.py)")
    args = ap.parse_args()
    if args.one_thread:
        from zhichan.search import halves

        halves.SPLIT_MIN_DOCUMENTS = 2**62
    if args.facet_limit is not None:
        os.environ["ZHICHAN_SEARCH_FACETS_EXACT_MAX_HITS"] = str(args.facet_limit)
        get_settings.cache_clear()
    root = args.root or Path("benchmarks/out") / f"search-{args.patents}"
    store = CorpusStore(args.corpus or root / "var" / "corpus")
    root.mkdir(parents=True, exist_ok=True)
    snapshot = store.current_or_none()
    if snapshot is None:
        t = time.perf_counter()
        if args.generator == "corpus":
            from zhichan.corpus.generator import generate

            snapshot = generate(args.patents, args.seed, store=store)
        else:
            from zhichan.search.synthetic import synthetic_batches

            with store.writer() as writer:
                for table in synthetic_batches(args.patents, args.seed):
                    writer.write("patents", table)
                snapshot = writer.commit({"source": "synthetic-search"})
        print(f"generated {args.patents:,} patents in {time.perf_counter() - t:.0f} s")
    n = snapshot.counts["patents"]

    # -- builds --------------------------------------------------------------------------------------
    status = index_status(snapshot)
    if args.corpus and (status is None or args.rebuild):
        raise SystemExit("--corpus is read only: build its index with `zhichan index build` first")
    if status is None or args.rebuild:
        load = os.getloadavg()
        t = time.perf_counter()
        build_index(snapshot, workers=args.workers)
        status = index_status(snapshot)
        assert status is not None
        status["wall"] = time.perf_counter() - t
        status["load"] = (load, os.getloadavg())
    assert status is not None
    if args.facet_request_only:
        facet_request(snapshot, args.repeat)
        return
    if args.index_only:
        index = SearchIndex.for_snapshot(snapshot)
        assert index is not None
        print(f"index {index.path}: {index.info['documents']:,} documents"
              + (f" — {index.info['replicated']['note']}" if "replicated" in index.info else ""))
        latency(snapshot, args.repeat)
        return
    con = snapshot.connect()
    fts_path = root / "fts5.sqlite3"
    if args.rebuild:
        fts_path.unlink(missing_ok=True)
    fts_build: dict[str, float] = {}
    if not fts_path.exists():
        t, cpu0, load0 = time.perf_counter(), time.process_time(), os.getloadavg()[0]
        db = sqlite3.connect(fts_path)
        db.execute("CREATE VIRTUAL TABLE p USING fts5(an UNINDEXED, title, abstract, tokenize='trigram')")
        reader = con.sql("SELECT application_number, title, abstract FROM patents").to_arrow_reader(50_000)
        for batch in reader:
            db.executemany("INSERT INTO p VALUES (?,?,?)", zip(*(batch.column(i).to_pylist() for i in range(3)), strict=True))
        db.commit()
        db.close()
        fts_build = {"wall": time.perf_counter() - t, "cpu": time.process_time() - cpu0, "load": load0,
                     "load_after": os.getloadavg()[0]}
        print(f"FTS5 trigram build: {fts_build['wall']:.0f} s")
    db = sqlite3.connect(fts_path)
    print(f"\nmachine: {os.cpu_count()} cores; load average now {os.getloadavg()}")
    timings = status.get("timings", {})
    cpu = timings.get("cpu")
    print(f"build: {status['build_seconds']} s wall, stages {timings}, workers {status.get('workers')}"
          + (f", load before/after {status['load']}" if "load" in status else ""))
    if cpu:
        print(f"build CPU: {cpu:.0f} CPU-s = {cpu / n * 1e6:.0f} µs per document "
              f"(on 2 idle cores at most {2 * n / cpu:,.0f} docs/s)")
    print(f"\n## Index build ({n:,} patents)\n| engine | docs/s wall | CPU-µs per doc | load before → after | size |"
          "\n|---|---|---|---|---|")
    tantivy_bytes = sum(f.stat().st_size for f in (Path(status["path"]) / "tantivy").rglob("*") if f.is_file())
    loads = (f"{status['load'][0][0]:.1f} → {status['load'][1][0]:.1f}" if "load" in status else "(earlier build)")
    print(f"| tantivy (bigram + words + LSA vectors; {status.get('workers')} workers) | {n / status['build_seconds']:,.0f} "
          f"| {cpu / n * 1e6:,.0f} | {loads} | {status['bytes'] / 1e6:,.0f} MB "
          f"(full-text {tantivy_bytes / 1e6:,.0f} MB) |" if cpu else "| tantivy | (no CPU figure in this build) |")
    if fts_build:
        print(f"| SQLite FTS5 trigram (title + abstract, 1 thread) | {n / fts_build['wall']:,.0f} "
              f"| {fts_build['cpu'] / n * 1e6:,.0f} | {fts_build['load']:.1f} → {fts_build['load_after']:.1f} "
              f"| {fts_path.stat().st_size / 1e6:,.0f} MB |")
    else:
        print(f"| SQLite FTS5 trigram | (earlier run; --rebuild) | | | {fts_path.stat().st_size / 1e6:,.0f} MB |")

    if args.build_only:
        return
    latency(snapshot, args.repeat, db, con, args.scan_runs)

    # -- recall ----------------------------------------------------------------------------------------
    rng = random.Random(7)
    sample = con.sql("SELECT abstract FROM patents USING SAMPLE 200 ROWS").fetchall()
    needles = []
    for length in (2, 3, 4, 5, 6):
        for _ in range(8):
            text = rng.choice(sample)[0] or ""
            if len(text) > length:
                start = rng.randrange(len(text) - length)
                needles.append(text[start:start + length])
    # the ground truth of every needle in one scan of the abstracts
    counts = ", ".join(f"count_if(contains(lower(abstract), lower(${i + 1})))" for i in range(len(needles)))
    truths = con.execute(f"SELECT {counts} FROM patents", needles).fetchall()[0]
    ok = fts_ok = 0
    total = len(needles)
    for needle, truth in zip(needles, truths, strict=True):
        got = len(match_application_numbers(f'AB="{needle}"', snapshot))
        fts = db.execute("SELECT count(*) FROM p WHERE abstract MATCH ?", ('"' + needle.replace('"', '""') + '"',)).fetchone()[0]
        ok += got == truth
        fts_ok += fts == truth
    print(f"\n## Substring recall (random 2–6-character substrings of abstracts, hit counts vs DuckDB contains())\n"
          f"tantivy {ok}/{total} exact; FTS5 trigram {fts_ok}/{total} exact")

    # -- all hits --------------------------------------------------------------------------------------
    print("\n## All-hits path (match_application_numbers)\n| query | hits | seconds |\n|---|---|---|")
    for query in ("IPC=H01M", "电池", "AD>=2015"):
        t = time.perf_counter()
        numbers = match_application_numbers(query, snapshot)
        print(f"| `{query}` | {len(numbers):,} | {time.perf_counter() - t:.2f} |")
    SearchIndex._cache.clear()


if __name__ == "__main__":
    main()
