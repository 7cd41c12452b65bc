"""Benchmark: precision@10 of 供需匹配 (zhichan.exchange.matching) against a keyword baseline, same run.

    .venv/bin/python benchmarks/exchange_matching.py --patents 20000
    .venv/bin/python benchmarks/exchange_matching.py --corpus /tmp/matchbench/corpus   # reuse a corpus

The labelled set is built from the corpus's recorded transfers and licences. Each party that acquired
patents (assignee or licensee) and holds at least ``--min-own`` patents of its own becomes a *need*:
the titles and abstracts of up to five of its own patents (its technology profile) — the patents it
acquired are held out, they are the positives. The candidates are every patent with a recorded
transfer or licence (the "market"). Both rankers order the same candidates for the same needs:

* **matching** — ``Matcher.rank``: semantic similarity, IPC overlap (the need's IPC inferred from its
  nearest patents, the positives excluded), proximity;
* **keyword baseline** — how many of the need's words (rjieba, two characters or more) occur in the
  candidate's title and abstract.

Precision@10 is the mean share of positives in each need's top ten; the chance level is the mean
share of positives among the candidates. Prints a table; nothing is asserted.

On a synthetic corpus the assignees and licensees are drawn at random from the enterprises of a
province (zhichan/corpus/generator/patents.py), not by technology, so there is little for any ranker
to find; the script is meant for a real corpus (``zhichan import``) as much as for the synthetic one.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--patents", type=int, default=20_000, help="generate a corpus of this size (0: reuse --corpus)")
    ap.add_argument("--corpus", type=Path, default=None, help="corpus folder (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--needs", type=int, default=200, help="at most this many needs")
    ap.add_argument("--min-own", type=int, default=3, help="own patents a party needs to become a need")
    args = ap.parse_args()

    from zhichan.corpus.parties import normalize_name
    from zhichan.corpus.store import CorpusStore
    from zhichan.exchange.matching import Matcher, words
    from zhichan.search.build import build_index
    from zhichan.search.layout import index_path

    folder = args.corpus or Path(tempfile.mkdtemp(prefix="matchbench-")) / "corpus"
    store = CorpusStore(folder)
    if args.patents:
        from zhichan.corpus.generator import generate

        t = time.perf_counter()
        generate(args.patents, args.seed, store=store, workers=2)
        print(f"generated {args.patents:,} patents in {time.perf_counter() - t:.1f} s")
    snapshot = store.current()
    if index_path(snapshot) is None or not (index_path(snapshot) / "vectors.npy").exists():  # type: ignore[operator]
        t = time.perf_counter()
        build_index(snapshot)
        print(f"indexed with vectors in {time.perf_counter() - t:.1f} s")

    con = snapshot.connect()
    try:
        acquired = con.execute(
            "SELECT party_to, application_number FROM events WHERE event_type IN ('transfer', 'licence') "
            "AND party_to IS NOT NULL").fetchall()
        patents = con.execute("SELECT application_number, title, abstract, applicants, region_code FROM patents").fetchall()
    finally:
        con.close()
    text = {n: f"{t or ''} {a or ''}" for n, t, a, _, _ in patents}
    region = {n: r or "" for n, _, _, _, r in patents}
    own: dict[str, list[str]] = {}
    for n, _, _, applicants, _ in patents:
        for name in applicants or []:
            own.setdefault(normalize_name(name), []).append(n)
    positives: dict[str, set[str]] = {}
    for party, n in acquired:
        for name in str(party).replace("；", ";").split(";"):
            if name.strip():
                positives.setdefault(normalize_name(name), set()).add(n)
    market = sorted({n for _, n in acquired})
    rng = random.Random(args.seed)
    needs = []
    for party in sorted(positives):
        mine = [n for n in own.get(party, []) if n not in positives[party]]
        if len(mine) >= args.min_own:
            profile = rng.sample(mine, min(5, len(mine)))
            needs.append((party, " ".join(text[n] for n in profile), region[profile[0]], positives[party]))
    rng.shuffle(needs)
    needs = needs[:args.needs]
    if not needs:
        print("no party both acquired patents and holds enough of its own: nothing to measure")
        return
    print(f"needs: {len(needs)}; candidates (patents transferred or licensed): {len(market):,}")

    matcher = Matcher(snapshot)
    market_words = {n: words(text[n]) for n in market}
    results: dict[str, list[float]] = {"matching": [], "keyword": [], "chance": []}
    hit: dict[str, int] = {"matching": 0, "keyword": 0}
    timings: list[float] = []
    for _party, need_text, need_region, wanted in needs:
        t = time.perf_counter()
        ranked = matcher.rank(need_text, need_region, [(n, None) for n in market], k=10, exclude_from_ipc=wanted)
        timings.append(time.perf_counter() - t)
        need_words = words(need_text)
        keyword = sorted(market, key=lambda n: (-len(need_words & market_words[n]), n))[:10]
        for name, top in (("matching", [m["application_number"] for m in ranked]), ("keyword", keyword)):
            found = len(set(top) & wanted)
            results[name].append(found / 10)
            hit[name] += found > 0
        results["chance"].append(len(wanted & set(market)) / len(market))

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    print(f"\nmachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}; corpus {snapshot.id} ({'synthetic' if snapshot.synthetic else 'real'})")
    print(f"{'ranker':<12}{'precision@10':>14}{'needs with a hit in the top 10':>34}")
    for name in ("matching", "keyword"):
        print(f"{name:<12}{mean(results[name]):>14.4f}{hit[name]:>24} / {len(needs)}")
    print(f"{'chance':<12}{mean(results['chance']):>14.4f}")
    timings.sort()
    print(f"\nmatching time per need: p50 {timings[len(timings) // 2] * 1000:.0f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)] * 1000:.0f} ms over {len(market):,} candidates")


if __name__ == "__main__":
    main()
