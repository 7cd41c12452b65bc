"""One search on two halves of the segments (zhichan/search/halves.py) answers as the single searcher:
the same totals, the same ranked pages (score and row of every hit), the same exact and estimated
facets — on an index of several segments, every kind of query of the mixed set."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any, cast

import pytest
import tantivy

from zhichan.corpus.store import Snapshot
from zhichan.search import fields as F
from zhichan.search import halves as halves_module
from zhichan.search import index as index_module
from zhichan.search.ast import Code, DateRange, Not, Or, walk
from zhichan.search.halves import Halves, split_segments
from zhichan.search.index import SearchIndex, merge_top
from zhichan.search.layout import FACET_FIELDS, SAMPLE_BUCKETS, index_path
from zhichan.search.parser import parse

from .reference_doc import examples

QUERIES = ("电池", "TI=电池", "(电池 OR 芯片) AND 材料 NOT 回收", '"锂离子电池"', "传感器", "锂", "材料",
           "AD=[2018 TO 2020] AND 芯片", "IPC=H01M AND 材料", "PA=科技", "AD>=1985", "IPC=H01 NOT 电池",
           "储能系统", "不存在的词语组合")


@pytest.fixture(scope="module")
def pair(segmented: Snapshot) -> tuple[SearchIndex, SearchIndex]:
    path = index_path(segmented)
    assert path is not None
    one, two = SearchIndex(path, split_min_documents=2**62), SearchIndex(path, split_min_documents=0)
    assert one.halves is None and two.halves is not None
    return one, two


def page(index: SearchIndex, query: str, offset: int = 0, sort: str = "relevance") -> tuple[int, list[tuple[float, int]]]:
    total, hits = index.top(index.compile(parse(query)), limit=20, offset=offset, sort=sort, split=True)
    rows = index.searcher.fast_field_values("row", [a for _, a in hits]) if hits else []
    return total, [(score, int(row)) for (score, _), row in zip(hits, rows, strict=True)]  # type: ignore[arg-type]


def test_the_halves_hold_every_segment_once(pair: tuple[SearchIndex, SearchIndex]) -> None:
    one, two = pair
    assert two.halves is not None
    counts = [s.num_segments for s in two.halves.searchers]
    assert min(counts) >= 1 and sum(counts) == one.searcher.num_segments
    assert sum(s.num_docs for s in two.halves.searchers) == one.searcher.num_docs


@pytest.mark.parametrize("query", QUERIES)
def test_split_search_answers_as_the_single_searcher(pair: tuple[SearchIndex, SearchIndex], query: str) -> None:
    one, two = pair
    node = parse(query)
    assert two.count(two.compiler.matching(node)) == one.count(one.compiler.matching(node))
    for offset in (0, 20):  # the scores are the whole index's, not a half's
        assert page(two, query, offset) == page(one, query, offset)
        for sort in ("date_desc", "date_asc"):  # equal dates in the whole index's order
            assert page(two, query, offset, sort) == page(one, query, offset, sort)
    assert two.facets(node) == one.facets(node)


@pytest.mark.parametrize("query", QUERIES)
def test_split_ranking_with_the_tree_answers_as_the_single_searcher(pair: tuple[SearchIndex, SearchIndex],
                                                                    query: str) -> None:
    """The product path (``ranked``: the tree passed on, the proposals scored by
    ``QueryCompiler.rescoring`` where it can) on the halves gives the single searcher's pages."""
    one, two = pair
    node = parse(query)
    for offset in (0, 20, 180):
        want = one.top(one.compile(node), limit=20, offset=offset)
        got = two.top(two.compile(node), limit=20, offset=offset, split=True, node=node)
        assert got[0] == want[0]
        assert [(s, a.segment_ord, a.doc) for s, a in got[1]] == [(s, a.segment_ord, a.doc) for s, a in want[1]]


def _rescoring_queries() -> list[str]:
    return list(dict.fromkeys([*QUERIES, *(q for q, expected in examples() if not expected.startswith("错误"))]))


@pytest.mark.parametrize("query", _rescoring_queries())
def test_rescoring_gives_the_querys_scores_bit_for_bit(pair: tuple[SearchIndex, SearchIndex], query: str) -> None:
    """``rescoring(node) AND among`` scores every matching document of ``among`` exactly as ``compile(node)``
    (the float32 scores compared for equality, not closeness), for every query of the reference page
    that it takes; among holds 300 of the hits and 50 other documents (those it may match too, never
    ranked by it in the product)."""
    one, _ = pair
    node = parse(query)
    rescoring = one.compiler.rescoring(node)
    if rescoring is None:
        assert any(isinstance(n, Or) for n in walk(node)) or isinstance(node, Not) or sum(
            1 for c in getattr(node, "children", ()) if not isinstance(c, Not | Code | DateRange)) > 2
        return
    hits = one.searcher.search(one.compile(node), 100_000, count=False).hits
    if not hits:
        return
    scores = {int(cast(int, r)): s for r, (s, _) in zip(one.searcher.fast_field_values("row", [a for _, a in hits]), hits,
                                                        strict=True)}
    rng = random.Random(query)
    rows = rng.sample(sorted(scores), min(300, len(scores))) + rng.sample(range(one.searcher.num_docs), 50)
    among = tantivy.Query.const_score_query(tantivy.Query.term_set_query(
        one.schema, "an", [F.normalize_an(one._number(r)) for r in rows]), 0.0)
    rescored = one.searcher.search(tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, rescoring), (tantivy.Occur.Must, among)]), 1_000, count=False).hits
    got = {int(cast(int, r)): s for r, (s, _) in zip(one.searcher.fast_field_values("row", [a for _, a in rescored]),
                                                     rescored, strict=True)}
    sampled = [r for r in rows if r in scores]
    assert sampled and all(got[r] == scores[r] for r in sampled)


def test_rescoring_is_none_where_sums_could_change(pair: tuple[SearchIndex, SearchIndex]) -> None:
    one, _ = pair
    for query in ("电池 OR 芯片", "NOT 电池", "电池 AND 芯片 AND 材料", "(电池 OR 芯片) AND 材料"):
        assert one.compiler.rescoring(parse(query)) is None
    for query in ("电池", "TI=电池", "电池 AND 芯片 AND IPC=H01M NOT 回收", "IPC=H01M AND AD>=2015"):
        assert one.compiler.rescoring(parse(query)) is not None


@pytest.mark.parametrize("query", ["AD>=1985", "材料", "电池 OR 芯片"])
def test_split_estimates_are_the_single_searchers(pair: tuple[SearchIndex, SearchIndex], query: str) -> None:
    one, two = pair
    node = parse(query)
    total = one.count(one.compiler.matching(node))
    buckets = math.ceil(SAMPLE_BUCKETS * 500 / total)
    assert buckets < SAMPLE_BUCKETS
    names = tuple(FACET_FIELDS)
    assert two._estimate(node, names, buckets, total) == one._estimate(node, names, buckets, total)


def test_a_halfs_own_scores_differ(pair: tuple[SearchIndex, SearchIndex]) -> None:
    """Why the proposals are scored again: BM25 takes its statistics from the searcher it runs on."""
    one, two = pair
    assert two.halves is not None
    query = one.compile(parse("传感器"))
    whole = {int(r): s for (s, _), r in zip(*_scored(one.searcher, query), strict=True)}
    for searcher in two.halves.searchers:
        hits, rows = _scored(searcher, query)
        assert any(abs(s - whole[int(r)]) > 1e-6 for (s, _), r in zip(hits, rows, strict=True))


def _scored(searcher: tantivy.Searcher, query: tantivy.Query) -> tuple[list[Any], list[Any]]:
    hits = searcher.search(query, 100_000, count=False).hits
    return hits, searcher.fast_field_values("row", [a for _, a in hits])


def test_merged_facet_lists() -> None:
    def part(counts: dict[str, int], other: int = 0) -> dict[str, object]:
        return {"buckets": [{"key": k, "doc_count": n} for k, n in counts.items()], "sum_other_doc_count": other}

    # complete lists: summed, ties by value
    assert merge_top([part({"a": 3, "b": 1}), part({"b": 2, "c": 5})], 2) == [
        {"key": "c", "doc_count": 5}, {"key": "a", "doc_count": 3}]
    assert merge_top([part({"a": 3, "b": 1}), part({"b": 2})], 5) == [
        {"key": "a", "doc_count": 3}, {"key": "b", "doc_count": 3}]
    # a cut list: "b" may hold up to 4 more in the first part — not provable
    assert merge_top([part({"a": 9, "c": 4}, other=10), part({"b": 6, "a": 1})], 2) is None
    # provable: everything either part could hide stays below the last value taken
    assert merge_top([part({"a": 9, "b": 3}, other=3), part({"a": 1, "b": 8, "c": 1})], 2) == [
        {"key": "b", "doc_count": 11}, {"key": "a", "doc_count": 10}]
    # …but not when a taken value is missing from a cut list
    assert merge_top([part({"a": 9, "c": 2}, other=3), part({"a": 1, "b": 8, "c": 1})], 2) is None
    # a value no part lists could tie with the last one taken
    assert merge_top([part({"a": 9, "b": 3}, other=3), part({"a": 4, "b": 3}, other=3)], 2) is None
    assert merge_top([part({}), part({})], 3) == []


def test_merged_facet_lists_are_right_whenever_they_claim_proof() -> None:
    """Random parts cut at random lengths (ties cut in any order, as a searcher may): a merge that
    claims proof names exactly the true top values and counts; complete lists always prove."""
    rng = random.Random(16)
    proven = 0
    for _ in range(3000):
        keys = [f"v{i}" for i in range(rng.randint(0, 40))]
        fulls = [{k: rng.choice([0, 1, 1, 2, 3, 5, 8, 40]) for k in keys} for _ in range(rng.randint(1, 3))]
        size = rng.randint(1, 12)
        parts, complete = [], True
        for full in fulls:
            values = [(k, n) for k, n in full.items() if n]
            rng.shuffle(values)
            values.sort(key=lambda kv: -kv[1])
            cut = rng.randint(0, len(values)) if rng.random() < 0.7 else len(values)
            complete &= cut == len(values)
            parts.append({"buckets": [{"key": k, "doc_count": n} for k, n in values[:cut]],
                          "sum_other_doc_count": sum(n for _, n in values[cut:])})
        total = {k: sum(f[k] for f in fulls) for k in keys}
        truth = sorted((k for k in keys if total[k]), key=lambda k: (-total[k], k))[:size]
        merged = merge_top(parts, size)
        if complete:
            assert merged is not None
        if merged is not None:
            proven += 1
            assert merged == [{"key": k, "doc_count": total[k]} for k in truth]
    assert proven > 1000


def test_segments_split_by_live_documents() -> None:
    segments: list[dict[str, Any]] = [{"segment_id": str(i), "max_doc": n, "deletes": None}
                                      for i, n in enumerate([100, 60, 50, 40, 10])]
    segments[0]["deletes"] = {"num_deleted_docs": 50, "opstamp": 1}
    a, b = split_segments(segments)
    assert sorted(s["segment_id"] for s in a + b) == ["0", "1", "2", "3", "4"]
    live = [sum(s["max_doc"] - (s["deletes"] or {}).get("num_deleted_docs", 0) for s in h) for h in (a, b)]
    assert abs(live[0] - live[1]) <= 10


def test_the_halves_folder_goes_with_them(segmented: Snapshot) -> None:
    path = index_path(segmented)
    assert path is not None
    halves = Halves(path / "tantivy")
    folder = Path(halves._dir)
    assert (folder / "0" / "meta.json").exists() and not any((path / "tantivy").glob("zhichan-halves*"))
    halves.close()
    assert not folder.exists()


def test_ranking_goes_to_the_halves_only_when_it_pays(pair: tuple[SearchIndex, SearchIndex],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = pair
    node = parse("电池")
    postings = two.compiler.postings(node, two.searcher)
    assert postings is not None and postings > 0
    other = two.compiler.postings(parse("深度学习"), two.searcher)
    assert other is not None and other != postings
    assert two.compiler.postings(parse("电池 AND 深度学习"), two.searcher) == min(postings, other)  # its rarest part
    assert two.compiler.postings(parse("电池 OR 深度学习"), two.searcher) == postings + other
    assert two.compiler.postings(parse("锂"), two.searcher) is None  # a prefix: the dictionary cannot tell
    assert not two.worth_halves(node) and not two.worth_halves(node, "relevance")  # 20,000 patents read far fewer postings than the threshold
    monkeypatch.setattr(index_module, "SPLIT_RANK_MIN_POSTINGS", postings)
    assert two.worth_halves(node) and not one.worth_halves(node)
    assert two.worth_halves(parse("涂层"), "date_desc")  # a date sort: always, nothing to score again
    split: list[tuple[Any, ...]] = []

    def recorded(*args: Any) -> Any:
        split.append(args)
        return SearchIndex._top_split(two, *args)

    monkeypatch.setattr(two, "_top_split", recorded)
    two.forget_results()
    got, want = two.ranked(node, limit=20, offset=20), one.ranked(node, limit=20, offset=20)
    assert split and got[0] == want[0]
    assert [(s, a.segment_ord, a.doc) for s, a in got[1]] == [(s, a.segment_ord, a.doc) for s, a in want[1]]


def test_a_forked_child_makes_its_own_pool_and_leaves_the_folder(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    """A forked child inherits the pool object but not its threads, and the parent's folder."""
    first = halves_module._shared_pool()
    monkeypatch.setattr(halves_module, "_pool", halves_module._pool)  # restored after the test
    monkeypatch.setattr(halves_module.os, "getpid", lambda: -1)
    child = halves_module._shared_pool()
    try:
        assert child is not first and child.submit(lambda: 7).result(timeout=10) == 7
    finally:
        child.shutdown()
    folder = tmp_path / "halves"
    folder.mkdir()
    halves_module._remove(str(folder), owner=-2)  # the exit of a process that did not make it
    assert folder.exists()
    halves_module._remove(str(folder), owner=-1)
    assert not folder.exists()
