"""Benchmark: listing text search (``/exchange/listings?q=``) at 100,000 listings — the current path (the visible
listings walked newest first until the page is full, ``listings.list_listings``) beside the two before it (the
hits looked up by number in SQL, and every visible listing filtered in Python), same run, same queries, same hits.

    .venv/bin/python benchmarks/exchange_listing_search.py                      # 100,000 patents and listings
    .venv/bin/python benchmarks/exchange_listing_search.py --patents 0 --data /tmp/lsb/var  # reuse a corpus

What is timed, and what is not. Generating the corpus, building its index, migrating the database and
seeding the listings are set-up (printed, not measured); so is the app's start-up (one app, created once).
Each query is run once on every path before timing (the first call opens the index and warms SQLite's page
cache and DuckDB); then the queries are timed round-robin, ``--runs`` times each (the Python filter, which
takes seconds, ``--baseline-runs`` times), and each path separately:

* ``index``    — ``openlicence.text_hits``: the search index's hits for the query (the same set for every path);
* ``sql``      — the current path given those hits: the walk index read newest first (in chunks sized by the
  rate of matches seen), the hits matched in Python, until the page of 100 (and one more) is found — or,
  after 2 listings walked per hit, every hit
  looked up by number — then the total (exact, or estimated from the listings of 500 evenly spaced hits,
  looked up by number) and the page's 100 rows;
* ``previous`` — the path before it given the same hits (no total): up to 20,000 hits looked up by the (asset
  number, state) index in chunks of 2,000, more by a newest-first walk; on this database, which has the walk
  index, its walk reads that index too;
* ``python``   — the first path given the same hits: every visible listing as an ORM row, kept when its number
  is a hit, the first 100;
* ``request``  — ``GET /exchange/listings?q=…`` through the app in-process (index + current path + the page
  rendered), as an anonymous visitor.

A full garbage collection runs (untimed) before each timed call, so that a collection the Python filter's
90,000 rows set off is not charged to the next path. Wall time p50 and p95 in milliseconds per path and
query, and this process's CPU time per call (p50, p95:
SQLite, tantivy and the app all run in it), with the machine and its load average before and after. The
current path's listings are checked against the Python filter's, and its total against theirs when exact.
Nothing else is asserted.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

#: from narrow to broad on the synthetic corpus (the hit counts are printed)
QUERIES = ("钠离子", "图像去噪", "传感器", "控制方法", "电池", "装置")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _old_python_path(session: Any, scope: Any, hits: set[str]) -> list[Any]:
    """The listing search before it matched in SQL: every visible patent listing, filtered in Python (all the
    matches: the first 100 were the page)."""
    from sqlalchemy import select

    from zhichan.exchange.models import Listing
    from zhichan.exchange.scope import visible

    query = visible(scope, select(Listing), Listing, "active").where(Listing.asset_kind == "patent")
    return [r for r in session.scalars(query.order_by(Listing.id.desc())) if r.asset_number in hits]


def _previous_sql_path(session: Any, scope: Any, hits: set[str], limit: int = 100) -> list[Any]:
    """The listing search before the walk came first (as it was): ids by the asset-number index in chunks up to
    20,000 hits, a newest-first walk above, then the page's rows; no total."""
    from sqlalchemy import select

    from zhichan.exchange.models import Listing
    from zhichan.exchange.scope import visible

    query = visible(scope, select(Listing), Listing, "active").where(Listing.asset_kind == "patent")
    ids = query.with_only_columns(Listing.id)
    if len(hits) <= 20_000:
        numbers = sorted(hits)
        found: list[int] = []
        for i in range(0, len(numbers), 2_000):
            found.extend(session.scalars(ids.where(Listing.asset_number.in_(numbers[i:i + 2_000]))))
        chosen = sorted(found, reverse=True)[:limit]
    else:
        chosen, last = [], None
        pairs = query.with_only_columns(Listing.id, Listing.asset_number)
        while len(chosen) < limit:
            page = pairs if last is None else pairs.where(Listing.id < last)
            rows = session.execute(page.order_by(Listing.id.desc()).limit(2_000)).all()
            if not rows:
                break
            chosen.extend(listing_id for listing_id, number in rows if number in hits)
            last = rows[-1][0]
        chosen = chosen[:limit]
    if not chosen:
        return []
    return list(session.scalars(select(Listing).where(Listing.id.in_(chosen)).order_by(Listing.id.desc())))


def _seed(engine: Any, snapshot: Any, count: int) -> float:
    """``count`` active patent listings (one in ten withdrawn) of 200 enterprises, inserted in bulk."""
    import datetime as dt

    from sqlalchemy import insert

    from zhichan.exchange.models import Listing
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import OrgKind
    from zhichan.platform.orgs import create_org

    t = time.perf_counter()
    con = snapshot.connect()
    try:
        patents = con.execute(f"SELECT application_number, title, array_to_string(ipc, ' '), region_code "
                              f"FROM patents ORDER BY application_number LIMIT {int(count)}").fetchall()
    finally:
        con.close()
    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        orgs = [(o.id, o.path, o.name) for o in (
            create_org(s, f"挂牌基准企业{i:03d}（合成）", OrgKind.ENTERPRISE, "100000", nation,
                       party_key=f"挂牌基准企业{i:03d}（合成）") for i in range(200))]
    now = dt.datetime(2026, 12, 1)
    modes = ("sale", "exclusive", "sole", "ordinary", "equity")
    rows = [{"asset_kind": "patent", "asset_number": number, "title": (title or "")[:500], "mode": modes[i % 5],
             "price_yuan": None, "description": "", "owner": orgs[i % 200][2], "ipc": ipc or "",
             "asset_region": region or "", "pledgee_consent": False, "state": "withdrawn" if i % 10 == 9 else "active",
             "org_id": orgs[i % 200][0], "org_path": orgs[i % 200][1], "party_key": orgs[i % 200][2], "user_id": None,
             "synthetic": True, "created_at": now + dt.timedelta(seconds=i)}
            for i, (number, title, ipc, region) in enumerate(patents)]
    with engine.begin() as c:
        for i in range(0, len(rows), 5_000):
            c.execute(insert(Listing), rows[i:i + 5_000])
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--patents", type=int, default=100_000, help="generate a corpus of this size (0: reuse --data)")
    ap.add_argument("--listings", type=int, default=100_000)
    ap.add_argument("--data", type=Path, default=None, help="data folder (corpus/, index/); default a temporary one")
    ap.add_argument("--db-url", default="", help="workflow database (default: a fresh SQLite file)")
    ap.add_argument("--runs", type=int, default=30, help="timed runs of each query on each path")
    ap.add_argument("--baseline-runs", type=int, default=5, help="timed runs of the Python filter (seconds each)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    from sqlalchemy.orm import Session

    from zhichan.corpus.store import CorpusStore
    from zhichan.exchange.listings import list_listings
    from zhichan.exchange.openlicence import text_hits
    from zhichan.platform.db import make_engine, upgrade
    from zhichan.platform.scope import Scope
    from zhichan.search.build import build_index
    from zhichan.search.layout import index_path
    from zhichan.settings import Settings

    data = args.data or Path(tempfile.mkdtemp(prefix="listingbench-")) / "var"
    store = CorpusStore(data / "corpus")
    if args.patents:
        from zhichan.corpus.generator import generate

        t = time.perf_counter()
        generate(args.patents, args.seed, store=store, workers=2)
        print(f"set-up: generated {args.patents:,} patents in {time.perf_counter() - t:.1f} s")
    snapshot = store.current()
    if index_path(snapshot) is None:
        t = time.perf_counter()
        build_index(snapshot, with_vectors=False)
        print(f"set-up: indexed in {time.perf_counter() - t:.1f} s")
    db_url = args.db_url or f"sqlite:///{tempfile.mkdtemp(prefix='listingbench-db-')}/zhichan.sqlite3"
    engine = make_engine(db_url)
    upgrade(engine)
    print(f"set-up: {args.listings:,} listings seeded in {_seed(engine, snapshot, args.listings):.1f} s "
          f"({engine.dialect.name})")

    from zhichan.web.app import create_app
    from zhichan.web.testing import TestClient

    t = time.perf_counter()
    app = create_app(Settings(data_dir=data, database_url=db_url), engine=engine, start_worker=False)
    client = TestClient(app)
    client.__enter__()
    print(f"set-up: app started in {time.perf_counter() - t:.1f} s (not timed below)")

    public = Scope()
    hits_of: dict[str, set[str]] = {}
    found: dict[str, Any] = {}
    totals: dict[str, tuple[int, bool, int]] = {}

    def index(q: str) -> None:
        hits_of[q] = text_hits(snapshot, q) or set()

    def sql(q: str) -> None:
        with Session(engine) as s:
            found[q] = list_listings(s, public, hits=hits_of[q])

    def previous(q: str) -> None:
        with Session(engine) as s:
            _previous_sql_path(s, public, hits_of[q])

    def python(q: str) -> None:
        with Session(engine) as s:
            _old_python_path(s, public, hits_of[q])

    def request(q: str) -> None:
        r = client.get("/exchange/listings", params={"q": q})
        assert r.status_code == 200, r.status_code

    paths = {"index": index, "sql": sql, "previous": previous, "python": python, "request": request}
    for q in QUERIES:  # warm-up, not timed: the index opened, caches filled
        for fn in paths.values():
            fn(q)
    with Session(engine) as s:  # the paths answer the same; the total is right, or marked as estimated
        for q in QUERIES:
            every = [r.id for r in _old_python_path(s, public, hits_of[q])]
            assert [r.id for r in found[q].rows] == every[:100] == \
                [r.id for r in _previous_sql_path(s, public, hits_of[q])], q
            assert found[q].estimated or found[q].total == len(every), q
            totals[q] = (found[q].total, found[q].estimated, len(every))
    load_before = os.getloadavg()
    walls: dict[tuple[str, str], list[float]] = {(p, q): [] for p in paths for q in QUERIES}
    cpus: dict[tuple[str, str], list[float]] = {(p, q): [] for p in paths for q in QUERIES}
    for run in range(args.runs):
        for q in QUERIES:
            for name, fn in paths.items():
                if name == "python" and run >= args.baseline_runs:
                    continue
                gc.collect()  # another path's garbage (the Python filter's 90,000 rows) is not charged to this one
                t, c = time.perf_counter(), time.process_time()
                fn(q)
                walls[(name, q)].append((time.perf_counter() - t) * 1000)
                cpus[(name, q)].append((time.process_time() - c) * 1000)
    load_after = os.getloadavg()
    client.__exit__(None, None, None)

    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{engine.dialect.name}; load average before {load_before[0]:.2f} {load_before[1]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f}; {args.runs} runs per query and path "
          f"({args.baseline_runs} of python)")
    for title, times in (("wall", walls), ("CPU of this process", cpus)):
        print(f"\n{title}: p50 / p95 ms")
        print(f"{'query':<8}{'hits':>8}{'total':>10} | " + " | ".join(f"{p:>16}" for p in paths))
        for q in QUERIES:
            total, estimated, exact = totals[q]
            shown = f"~{total:,}" if estimated else f"{total:,}"
            cells = [f"{statistics.median(times[(p, q)]):7.1f} /{_pct(times[(p, q)], 0.95):7.1f}" for p in paths]
            print(f"{q:<8}{len(hits_of[q]):>8,}{shown:>10} | " + " | ".join(f"{c:>16}" for c in cells)
                  + (f"   (exactly {exact:,})" if estimated else ""))
        everything = {p: [v for q in QUERIES for v in times[(p, q)]] for p in paths}
        print(f"{'all':<8}{'':>8}{'':>10} | " + " | ".join(
            f"{statistics.median(v):7.1f} /{_pct(v, 0.95):7.1f}".rjust(16) for v in everything.values()))
    engine.dispose()


if __name__ == "__main__":
    main()
