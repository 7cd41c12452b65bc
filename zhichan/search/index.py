"""An open search index: runs compiled queries, pages hits, reads their display columns and counts
facets.

Recall and ranking (SYSTEM.md M1: "segmentation alone misses; n-grams alone are noisy")
- Every text field is indexed as **overlapping character bigrams with true positions**: the text
  ``锂电池`` is handed to tantivy as ``"锂电 电池 池␃"`` (whitespace tokenizer), so the token at
  position *i* is the bigram starting at character *i*. A term of 2 characters is one term
  query; 3+ characters a phrase query over bigrams at their character offsets (exact substring
  — no false hits from bigrams scattered over the text, which tantivy's own n-gram tokenizer
  cannot avoid because it gives every n-gram position 0); 1 character a prefix (``X.``) over the
  bigram dictionary — the end sentinel ␃ makes the last character a bigram start too.
  This is *substring* recall, proven against a substring scan in tests/search/test_recall.py.
- Title, abstract and claims are indexed a second time as **rjieba words**. A text clause is
  ``MUST(bigram match) SHOULD(word match, boosted)``: the bigrams decide *whether* a patent
  matches, the words lift patents where the term is a real word (电池 in 锂电池 rather than in
  "…用电池…"-style accidental adjacency) and BM25 on both ranks.

Building: :mod:`zhichan.search.build`; the query compiler: :mod:`zhichan.search.compiler`.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast

import pyarrow as pa
import pyarrow.feather as feather
import tantivy

from zhichan.corpus.store import Snapshot
from zhichan.search import fields as F
from zhichan.search.ast import Node, to_query
from zhichan.search.compiler import QueryCompiler
from zhichan.search.errors import IndexMissing
from zhichan.search.halves import Halves
from zhichan.search.layout import (
    FACET_FIELDS,
    SAMPLE_BUCKETS,
    SAMPLE_FIELD,
    SCHEMA_VERSION,
    index_path,
    register_tokenizers,
    stale_index_version,
)
from zhichan.search.models import SORTS, FacetSample

TIE_MARGIN = 64
T = TypeVar("T")
#: Each index segment hands on every value it counted, not only its top ones: tantivy's default cut
#: (10 × size per segment, as Elasticsearch per shard) undercounts a value that missed one
#: segment's cut — a wrong number shown as exact (an IPC subclass's 160 patents instead of 161). The
#: cost is merging the segments' value maps: noticeable only for the applicant facet of broad queries.
EVERY_VALUE = 2**32 - 1

#: Rank on two halves (:meth:`SearchIndex.worth_halves`) from this many postings read. Measured on the
#: real 10M build on the quiet machine (2026-12-06 02:50, ``benchmarks/search_split.py --threshold``, wall;
#: docs/search.md "Search at 10M"): of the 9 queries reading 1–4 million postings, 7 are faster ranked on
#: the halves (the boolean 114 → 97 ms p50, ``"深度学习模型"`` 86 → 71, ``储能系统`` 108 → 85, ``锂离子电池``
#: 113 → 98), 2 within 2 ms; below 1 million all lose (``涂层`` 17 → 24). The set's p50 57.2 ms from 1
#: million against 61.5 from 4 million, for +15–40 % CPU of the process on the queries sent there. (4
#: million was chosen on the 1M index replicated ten times, when reading the proposals' numbers cost up
#: to 60 ms a ranking on the halves.)
SPLIT_RANK_MIN_POSTINGS = 1_000_000
#: A searcher (each half on the split path, :mod:`zhichan.search.halves`) lists this many times a
#: facet's size, so that the top values are usually provable from its lists (:func:`merge_top`).
FACET_MARGIN = 3

FacetCounts = dict[str, list[tuple[Any, int]]]
#: The result cache of an open index: per query as run (scope included) and sort, the hit total and
#: the first RESULT_DEPTH ranked hits; per query and counting, its facet counts — each for the
#: RESULT_QUERIES most recently used (~30 kB a ranking, a few kB a facet panel). Paging within the
#: first pages and repeating a search do not evaluate the query again (~180 ms CPU for a broad
#: phrase at 10M patents). A new index build is a new SearchIndex: its caches start empty.
RESULT_DEPTH = 200
RESULT_QUERIES = 256
Ranked = list[tuple[float, tantivy.DocAddress]]


class ResultCache:
    """A map of at most :data:`RESULT_QUERIES` entries, the least recently used dropped first; safe
    across the server's request threads."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > RESULT_QUERIES:
                self._entries.popitem(last=False)

    def in_use_order(self) -> list[tuple[Any, ...]]:
        """The keys, least recently used first."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def approximate(count: int, scale: float, most: int | None = None) -> int:
    """A sampled count scaled up, rounded to two significant digits (12,347 → 12,000): an estimate
    does not pretend to a precision it lacks; at least 1 for a value the sample holds, and never
    more than ``most`` (the hits: a value every sampled hit holds is estimated as all of them)."""
    if count <= 0:
        return 0
    value = count * scale
    digits = max(0, math.floor(math.log10(value)) - 1)
    rounded = max(1, round(value / 10**digits) * 10**digits)
    return rounded if most is None else min(rounded, most)


def _count(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
    result = searcher.search(query, 1, count=True)  # limit 0 panics in tantivy-py
    return int(result.count)  # type: ignore[attr-defined]  # the stub omits SearchResult.count


def merge_top(parts: list[dict[str, Any]], size: int) -> list[dict[str, Any]] | None:
    """The top ``size`` values of a facet, with their counts, from the terms aggregations of disjoint
    parts of the hits (each ``{"buckets": [{"key", "doc_count"}…], "sum_other_doc_count"}``) — or None
    where the parts' lists do not prove them. A part whose list was cut (other documents left) may
    hold a value it does not list, at most as often as its last listed value: a value is *known*
    when every part lists it or lists everything, and the merge is proven when each value taken is
    known and no other value — listed or not — can reach the last one taken. Counted ties are
    ordered by value, the whole index's lists alike."""
    counts: dict[Any, int] = {}
    listed: list[set[Any]] = []
    floors: list[int] = []  # the most a part can hold of a value it does not list
    for part in parts:
        buckets = part.get("buckets", [])
        listed.append({b["key"] for b in buckets})
        for b in buckets:
            counts[b["key"]] = counts.get(b["key"], 0) + int(b["doc_count"])
        cut = int(part.get("sum_other_doc_count") or 0) > 0
        if cut and not buckets:  # documents left and no value listed: nothing bounds them
            return None
        floors.append(min((int(b["doc_count"]) for b in buckets), default=0) if cut else 0)

    def most(key: Any) -> int:
        return counts.get(key, 0) + sum(f for keys, f in zip(listed, floors, strict=True) if key not in keys)

    order = sorted(counts, key=lambda k: (-counts[k], str(k)))
    taken, rest = order[:size], order[size:]
    unlisted = sum(floors)  # a value no part lists; also the most any value can lack
    if unlisted == 0:  # every part listed every value: the sums are the counts
        return [{"key": k, "doc_count": counts[k]} for k in taken]
    if any(most(k) != counts[k] for k in taken):
        return None
    last = counts[taken[-1]] if len(taken) == size else 0
    if len(taken) < size or unlisted >= last:
        return None
    for k in rest:  # by count, highest first: from the first that cannot reach ``last`` none can
        if counts[k] + unlisted < last:
            break
        if most(k) > last or (most(k) == last and most(k) != counts[k]):
            return None
    return [{"key": k, "doc_count": counts[k]} for k in taken]


class SearchIndex:
    """An open index build: compiles syntax trees to tantivy queries and runs them."""

    _cache: ClassVar[dict[str, SearchIndex]] = {}

    def __init__(self, path: Path, split_min_documents: int | None = None) -> None:
        self.path = path
        self.info = json.loads((path / "index.json").read_text("utf-8"))
        self.index = tantivy.Index.open(str(path / "tantivy"))
        register_tokenizers(self.index)  # tokenizers are not persisted: register after every open
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        #: the segments in two halves searched side by side (both cores), None for one thread
        self.halves = Halves.of(path / "tantivy", self.searcher, split_min_documents)  # None: SPLIT_MIN_DOCUMENTS
        self.table = feather.read_table(path / "ids.arrow", memory_map=True)
        self._facet_names: dict[int, str] | None = None
        self.ids = self.table.column("application_number")
        self._batches: list[pa.RecordBatch] | None = None  # ids.arrow's record batches, read on first use
        self._batch_starts: list[int] = []
        self.compiler = QueryCompiler(self.schema)
        self._results = ResultCache()  # (query as run, sort) → (total, first RESULT_DEPTH ranked hits)
        self._facet_results = ResultCache()  # (query as run, facets, how counted) → counts

    @classmethod
    def for_snapshot(cls, snapshot: Snapshot, required: bool = True) -> SearchIndex | None:
        path = index_path(snapshot)
        if path is None:
            if not required:
                return None
            if (old := stale_index_version(snapshot)) is not None:
                raise IndexMissing(
                    f"快照 {snapshot.id} 的检索索引为旧版格式（版本 {old}，本版本读取版本 {SCHEMA_VERSION}），"
                    f"须重建：运行 zhichan index build（运行中的平台会自动重建） / the search index of snapshot "
                    f"{snapshot.id} has layout {old}, this version reads layout {SCHEMA_VERSION}: rebuild it with "
                    "`zhichan index build` (a running platform rebuilds it by itself)")
            raise IndexMissing(
                f"快照 {snapshot.id} 尚未建立检索索引，请运行 zhichan index build / "
                f"no search index for snapshot {snapshot.id}: run `zhichan index build`")
        cached = cls._cache.get(snapshot.id)
        if cached is None or cached.path != path:
            cached = cls(path)
            cls._cache[snapshot.id] = cached
        return cached

    def compile(self, node: Node) -> tantivy.Query:
        return self.compiler.compile(node)

    # run ---------------------------------------------------------------------------------------------
    def count(self, query: tantivy.Query) -> int:
        return sum(self._each(lambda searcher: _count(searcher, query)))

    def top(self, query: tantivy.Query, *, limit: int, offset: int = 0, sort: str = "relevance", split: bool = False,
            node: Node | None = None) -> tuple[int, list[tuple[float, tantivy.DocAddress]]]:
        """The hit total and the hits ``offset`` … ``offset + limit`` in ``sort`` order; with ``split``
        (and an index in halves) on both halves side by side (:meth:`_top_split`, :meth:`_dated_split`;
        ``node``, the syntax tree ``query`` was compiled from, makes the ranking's second step cheaper)."""
        if sort == "relevance" and split and self.halves is not None:
            return self._top_split(query, offset + limit + TIE_MARGIN, offset, limit, node)
        if sort == "relevance":
            # Equal scores are ordered by the document's row in the snapshot, not by tantivy's doc
            # address (which depends on how the index was built), so every build of a snapshot pages
            # identically — exact unless more than TIE_MARGIN hits tie across a page boundary.
            result = self.searcher.search(query, offset + limit + TIE_MARGIN, count=True)
            hits = list(result.hits)
            rows = cast(list[int], self.searcher.fast_field_values("row", [a for _, a in hits])) if hits else []
            ranked = [h for h, _ in sorted(zip(hits, rows, strict=True), key=lambda hr: (-hr[0][0], hr[1]))]
            return int(result.count), ranked[offset:offset + limit]  # type: ignore[attr-defined]  # stub omits .count
        order = tantivy.Order.Desc if sort == "date_desc" else tantivy.Order.Asc
        if split and self.halves is not None and (merged := self._dated_split(query, offset, limit, order)):
            return merged
        result = self.searcher.search(query, limit, count=True, offset=offset, order_by_field="ad", order=order)
        return int(result.count), list(result.hits)  # type: ignore[attr-defined]  # stub omits .count

    def _dated_split(self, query: tantivy.Query, offset: int, limit: int, order: tantivy.Order
                     ) -> tuple[int, Ranked] | None:
        """A date sort on the two halves side by side: each half's first ``offset + limit`` by date,
        merged by date and then by the document's address in the whole index — tantivy's own order
        of equal dates — so the page is the single searcher's (no scores: nothing to score again).
        None (the caller sorts on one searcher) when a hit has no date."""
        def first(searcher: tantivy.Searcher) -> tuple[int, list[tuple[Any, tantivy.DocAddress]]]:
            result = searcher.search(query, offset + limit, count=True, order_by_field="ad", order=order)
            return int(result.count), list(result.hits)  # type: ignore[attr-defined]  # stub omits .count

        assert self.halves is not None
        parts = self.halves.map(first)
        merged = [(day, self.halves.ordinals[h][a.segment_ord], a.doc)
                  for h, (_, hits) in enumerate(parts) for day, a in hits]
        if any(day is None for day, _, _ in merged):
            return None
        sign = -1 if order == tantivy.Order.Desc else 1
        merged.sort(key=lambda m: (sign * m[0], m[1], m[2]))
        return (sum(count for count, _ in parts),
                [(day, tantivy.DocAddress(segment, doc)) for day, segment, doc in merged[offset:offset + limit]])

    def _top_split(self, query: tantivy.Query, depth: int, offset: int, limit: int,
                   node: Node | None = None) -> tuple[int, Ranked]:
        """:meth:`top` by relevance on the two halves side by side: each half counts its hits and
        proposes its best ``depth``; the proposals are scored again on the whole index — the query
        restricted to the proposed patents, a cheap search led by the restriction — because a half
        scores with its own BM25 statistics (:mod:`zhichan.search.halves`). The scores are the single
        searcher's; the ranking is the single searcher's unless a patent below a half's first
        ``depth`` by the half's scores belongs in the whole index's first ``depth`` (scores within a
        fraction of a per cent of each other across the cut: docs/search.md, "Search at 10M"). With the
        syntax tree ``node`` the proposals are scored by :meth:`QueryCompiler.rescoring` (the same
        scores, without evaluating the query's unions around each proposal) where it can be."""

        def propose(searcher: tantivy.Searcher) -> tuple[int, list[int]]:
            result = searcher.search(query, depth, count=True)
            hits = [a for _, a in result.hits]
            rows = cast(list[int], searcher.fast_field_values("row", hits)) if hits else []
            return int(result.count), rows  # type: ignore[attr-defined]  # the stub omits .count

        proposed = self.halves.map(propose) if self.halves is not None else []
        total = sum(count for count, _ in proposed)
        rows = sorted({r for _, half in proposed for r in half})
        if not rows:
            return total, []
        numbers = [F.normalize_an(self._number(r)) for r in rows]
        among = tantivy.Query.const_score_query(tantivy.Query.term_set_query(self.schema, "an", numbers), 0.0)
        scoring = (self.compiler.rescoring(node) if node is not None else None) or query
        result = self.searcher.search(tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, scoring), (tantivy.Occur.Must, among)]), depth, count=False)
        hits = list(result.hits)
        scored = cast(list[int], self.searcher.fast_field_values("row", [a for _, a in hits])) if hits else []
        ranked = [h for h, _ in sorted(zip(hits, scored, strict=True), key=lambda hr: (-hr[0][0], hr[1]))]
        return total, ranked[offset:offset + limit]

    def _row(self, row: int) -> tuple[pa.RecordBatch, int]:
        """The record batch of ``ids.arrow`` holding ``row``, and the row's place in it (~3 µs). The
        file holds one batch per build batch (2,000 at 10M): slicing or indexing the chunked table
        finds the chunk by walking them (~0.2 ms a row at 10M), and ``ChunkedArray.chunks`` builds a
        new list of them on every call (1.2 ms), so the batches and their first rows are read once."""
        if self._batches is None:
            self._batches = self.table.to_batches()
            self._batch_starts = list(itertools.accumulate((b.num_rows for b in self._batches), initial=0))
        i = bisect.bisect_right(self._batch_starts, row) - 1
        return self._batches[i], row - self._batch_starts[i]

    def _number(self, row: int) -> str:
        """The application number of one row."""
        batch, at = self._row(row)
        return cast(str, batch.column("application_number")[at].as_py())

    def worth_halves(self, node: Node, sort: str = "relevance") -> bool:
        """Whether sorting the hits of ``node`` on two halves pays. A date sort always (its halves
        merge by date at no extra cost); a ranking by relevance costs a second search that scores
        the halves' proposals again (at 10M ~4–18 ms CPU by QueryCompiler.rescoring, the term set 3–12
        of it; by the query itself, where that does not apply, up to ~35), so only for a query that reads at least
        :data:`SPLIT_RANK_MIN_POSTINGS` postings (:meth:`QueryCompiler.postings`). Counting and
        facets always run on both halves: they merge exactly at no extra cost."""
        if self.halves is None:
            return False
        if sort != "relevance":
            return True
        return (self.compiler.postings(node, self.searcher) or 0) >= SPLIT_RANK_MIN_POSTINGS

    def ranked(self, node: Node, *, limit: int, offset: int = 0, sort: str = "relevance") -> tuple[int, Ranked]:
        """:meth:`top` of ``node``, through the result cache (:data:`RESULT_DEPTH`): a page within the
        first RESULT_DEPTH hits is cut from the query's cached ranking, computed once that deep."""
        key = (to_query(node), sort)
        cached: tuple[int, Ranked] | None = self._results.get(key)
        if cached is not None and (offset + limit <= len(cached[1]) or len(cached[1]) == cached[0]):
            return cached[0], cached[1][offset:offset + limit]
        if offset + limit > RESULT_DEPTH:
            return self.top(self.compile(node), limit=limit, offset=offset, sort=sort,
                            split=self.worth_halves(node, sort), node=node)
        total, hits = self.top(self.compile(node), limit=RESULT_DEPTH, sort=sort, split=self.worth_halves(node, sort),
                               node=node)
        self._results.put(key, (total, hits))
        return total, hits[offset:offset + limit]

    def cached_total(self, node: Node) -> int | None:
        """The hit total of ``node`` if a search of it (in any order) is in the result cache."""
        query = to_query(node)
        for sort in SORTS:
            cached: tuple[int, Ranked] | None = self._results.get((query, sort))
            if cached is not None:
                return cached[0]
        return None

    def forget_results(self) -> None:
        """Empty the result caches (benchmarks measure the cold path with it)."""
        self._results.clear()
        self._facet_results.clear()

    def displays(self, addresses: list[tantivy.DocAddress]) -> list[dict[str, Any]]:
        """Display columns of the given hits, from the memory-mapped ``ids.arrow`` (by ``row``)."""
        if not addresses:
            return []
        # "row" is an integer fast field every document has: never a float, bool or None
        rows = cast(list[int], self.searcher.fast_field_values("row", list(addresses)))
        # one zero-copy slice of its batch per row: ``take`` on the chunked table would concatenate its chunks
        out = []
        for r in rows:
            batch, at = self._row(int(r))
            out.append(batch.slice(at, 1).to_pylist()[0])
        for d in out:
            day = d["application_date"]
            d["application_date"] = day.isoformat() if day else None
        return out

    def display(self, address: tantivy.DocAddress) -> dict[str, Any]:
        return self.displays([address])[0]

    def rows(self, query: tantivy.Query) -> pa.Array:
        """Row numbers (into ``ids``) of every hit, in index order: the all-hits path (no cap)."""
        total = self.count(query)
        if total == 0:
            return pa.array([], pa.uint64())
        hits = self.searcher.search(query, total, count=False, order_by_field="row", order=tantivy.Order.Asc).hits
        return pa.array(self.searcher.fast_field_values("row", [h[1] for h in hits]), pa.uint64())

    def all_application_numbers(self, node: Node) -> pa.Array:
        return self.ids.take(self.rows(self.compile(node))).combine_chunks()

    def titles(self, numbers: list[str]) -> dict[str, str]:
        """Titles of the given application numbers (one term-set query on ``an``)."""
        if not numbers:
            return {}
        query = tantivy.Query.term_set_query(self.schema, "an", [F.normalize_an(n) for n in numbers])
        hits = self.searcher.search(query, len(numbers), count=False).hits
        return {d["application_number"]: d["title"] for d in self.displays([a for _, a in hits])}

    def facets(self, node: Node, names: tuple[str, ...] | None = None) -> FacetCounts:
        """The top values of each facet over *all* hits of ``node``, with exact counts (see
        :data:`EVERY_VALUE`), through the result cache."""
        names = names or tuple(FACET_FIELDS)
        key = (to_query(node), names, "exact")
        counts: FacetCounts | None = self._facet_results.get(key)
        if counts is None:
            counts = self._aggregate(self.compiler.matching(node), names)[0]
            self._facet_results.put(key, counts)
        return counts

    def estimated_facets(self, node: Node, total: int, sample_hits: int,
                         names: tuple[str, ...] | None = None) -> tuple[FacetCounts, FacetSample | None]:
        """The facets of ``node`` (``total`` hits) counted over a uniformly random sample of about
        ``sample_hits`` of them — the documents whose ``sample`` bucket is below *k* — and scaled up.
        The sample is pushed down to every part of the query (:meth:`QueryCompiler.matching`) and
        read from the inverted index, so it leads: the cost follows the sample, not the hits. Exact
        counts and no sample when the sample would be every document."""
        names = names or tuple(FACET_FIELDS)
        buckets = min(SAMPLE_BUCKETS, math.ceil(SAMPLE_BUCKETS * sample_hits / max(total, 1)))
        if buckets >= SAMPLE_BUCKETS:
            return self.facets(node, names), None
        key = (to_query(node), names, "sample", buckets, total)
        cached: tuple[FacetCounts, FacetSample | None] | None = self._facet_results.get(key)
        if cached is None:
            cached = self._estimate(node, names, buckets, total)
            self._facet_results.put(key, cached)
        return cached

    def _estimate(self, node: Node, names: tuple[str, ...], buckets: int, total: int
                  ) -> tuple[FacetCounts, FacetSample | None]:
        in_sample = tantivy.Query.range_query(self.schema, SAMPLE_FIELD, tantivy.FieldType.Unsigned, 0, buckets - 1,
                                              use_inverted_index=True)
        # a sample of ~10^4 hits holds few documents of each value: its lists, cut, would seldom prove
        # their top (ties at the cut) and be counted again; listing every value costs less
        counts, hits = self._aggregate(self.compiler.matching(node, in_sample), names, every=True)
        if hits == 0:  # nothing to scale (a total this broad leaves no bucket empty in practice)
            return self.facets(node, names), None
        scale = total / hits
        estimated = {name: [(key, approximate(n, scale, total)) for key, n in values]
                     for name, values in counts.items()}
        return estimated, FacetSample(buckets, hits, total)

    def _aggregate(self, query: tantivy.Query, names: tuple[str, ...], every: bool = False
                   ) -> tuple[FacetCounts, int]:
        """Every facet of ``names`` in one pass over the hits (tantivy terms aggregations), and the
        number of hits counted — on the two halves side by side where the index is split, summed.
        Each searcher lists a facet's top values with a margin (:data:`FACET_MARGIN` × the size);
        where its lists cannot prove the top values and their counts (:func:`merge_top`: a tie at
        the cut, a value one half cut off), that facet is counted again with every value listed.
        ``every``: every value listed at once (for few hits, where a cut list seldom proves its top)."""
        aggs: dict[str, Any] = {name: {"terms": {"field": FACET_FIELDS[name][0], "segment_size": EVERY_VALUE,
                                                 "size": EVERY_VALUE if every else FACET_FIELDS[name][1] * FACET_MARGIN}}
                                for name in names}
        aggs["_hits"] = {"value_count": {"field": "row"}}  # every document has its row
        parts = self._each(lambda searcher: searcher.aggregate(query, aggs))
        found = {name: merge_top([part.get(name, {}) for part in parts], FACET_FIELDS[name][1]) for name in names}
        if again := [name for name, top in found.items() if top is None]:
            listed = {name: {"terms": {**aggs[name]["terms"], "size": EVERY_VALUE}} for name in again}
            recount = self._each(lambda searcher: searcher.aggregate(query, listed))
            found |= {name: merge_top([part.get(name, {}) for part in recount], FACET_FIELDS[name][1]) for name in again}
        out: FacetCounts = {}
        for name in names:
            buckets = found[name]
            assert buckets is not None  # lists of every value always prove their top
            if name == "applicant":
                names_by_key = self.facet_names()
                buckets = [{"key": names_by_key.get(int(b["key"])), "doc_count": b["doc_count"]} for b in buckets]
            out[name] = [(b["key"], int(b["doc_count"])) for b in buckets if b["key"] not in ("", None)]
        return out, sum(int(part.get("_hits", {}).get("value") or 0) for part in parts)

    def _each(self, fn: Callable[[tantivy.Searcher], T]) -> list[T]:
        """``fn`` on each half side by side where the index is split, else on the one searcher."""
        return self.halves.map(fn) if self.halves is not None else [fn(self.searcher)]

    def facet_names(self) -> dict[int, str]:
        """Applicant facet key → name (``facet_names.arrow``), read on first use."""
        if self._facet_names is None:
            table = feather.read_table(self.path / "facet_names.arrow")
            self._facet_names = dict(zip(table.column("key").to_pylist(), table.column("name").to_pylist(),
                                         strict=True))
        return self._facet_names

