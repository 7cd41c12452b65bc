"""Every facet count equals a DuckDB count over the snapshot, on an index of several segments.

tantivy counts a facet per segment and merges; a value cut off in one segment's list would come
out undercounted (and still look exact). The index (the ``segmented`` fixture, conftest.py) is
built single-threaded with a small writer heap, so it has several segments in the same order on every run.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from zhichan.corpus.store import Snapshot
from zhichan.search import service
from zhichan.search.duckdb_backend import where_clause
from zhichan.search.index import SearchIndex, approximate
from zhichan.search.layout import FACET_FIELDS, SAMPLE_BUCKETS

#: each facet's definition over the snapshot's ``patents`` (zhichan.search.prepare fills the index
#: fields from the same columns): the number of patents holding the value
FACET_SQL = {
    "year": "CAST(year(application_date) AS VARCHAR)",
    "ipc": "unnest(ipc_subclasses)",
    "applicant": "coalesce(nullif(first_patentee, ''), applicants[1])",
    "province": "province_code",
    "city": "city_code",
    "kind": "kind",
    "legal_status": "legal_status",
    "sei": "unnest(sei_codes)",
}
QUERIES = ("AD>=1985", "材料", "电池 OR 芯片", "AD>=2015 AND RC=44", "IPC=H01 NOT 电池", "PA=科技")


def duckdb_counts(snapshot: Snapshot, query: str, facet: str) -> dict[str, int]:
    sql, params = where_clause(query)
    con = snapshot.connect()
    try:
        rows = con.execute(
            f"SELECT v, count(DISTINCT application_number) FROM "
            f"(SELECT application_number, {FACET_SQL[facet]} AS v FROM patents WHERE {sql}) "
            "WHERE v IS NOT NULL AND v <> '' GROUP BY v", params).fetchall()
    finally:
        con.close()
    return {str(v): int(c) for v, c in rows}


def test_index_has_several_segments(segmented: Snapshot) -> None:
    index = SearchIndex.for_snapshot(segmented)
    assert index is not None and index.searcher.num_segments >= 3


@pytest.mark.parametrize("query", QUERIES)
def test_every_facet_count_equals_duckdb(segmented: Snapshot, query: str) -> None:
    facets = service.facets(query, snapshot=segmented).values
    total = service.search(query, snapshot=segmented, page_size=1, facets=False).total
    assert total > 0
    if query == "AD>=1985":
        assert total == 20_000  # the broad one: every patent
    for facet, (_field, size) in FACET_FIELDS.items():
        truth = duckdb_counts(segmented, query, facet)
        shown = {v.value: v.count for v in facets.get(facet, [])}
        assert shown == {v: truth[v] for v in shown}, facet  # every count shown is the true count
        assert len(shown) == min(size, len(truth)), facet
        if shown:  # and they are the top values: nothing left out counts more than the smallest shown
            smallest = min(shown.values())
            assert not {v: c for v, c in truth.items() if v not in shown and c > smallest}, facet


# -- estimated facets (约) above the hit limit ---------------------------------------------------------
BROAD = "AD>=1985"  # every patent of the test corpus


@pytest.fixture
def hit_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Sets the setting ``search_facets_exact_max_hits`` for one test."""
    from zhichan.settings import get_settings

    def set_limit(hits: int) -> None:
        monkeypatch.setenv("ZHICHAN_SEARCH_FACETS_EXACT_MAX_HITS", str(hits))
        get_settings.cache_clear()

    yield set_limit
    monkeypatch.delenv("ZHICHAN_SEARCH_FACETS_EXACT_MAX_HITS", raising=False)
    get_settings.cache_clear()


def test_counts_up_to_the_limit_are_exact(segmented: Snapshot, hit_limit) -> None:
    hit_limit(20_000)  # = the hits of BROAD: still exact
    result = service.search(BROAD, snapshot=segmented, page_size=1)
    assert result.total == 20_000 and result.facet_sample is None
    for facet in FACET_FIELDS:
        truth = duckdb_counts(segmented, BROAD, facet)
        assert {v.value: v.count for v in result.facets[facet]} == {v.value: truth[v.value] for v in result.facets[facet]}
        assert not any(v.approximate for v in result.facets[facet])


def _binomial_tail(k: int, n: int, p: float) -> float:
    """The chance of a count as far from n·p as k on its side: P(X ≥ k) above the mean, P(X ≤ k) below it, X ~ B(n, p)."""
    def pmf(i: int) -> float:
        return math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                        + i * math.log(p) + (n - i) * math.log1p(-p))

    return sum(pmf(i) for i in (range(k, n + 1) if k >= n * p else range(k + 1)))


def test_above_the_limit_counts_are_estimates_within_the_stated_error(segmented: Snapshot, hit_limit) -> None:
    """docs/search.md: an estimate from a share f of the hits is the value's count in the sample — a binomial
    draw B(c, f) around the true count c — scaled by 1/f (and rounded to two significant digits). The values
    shown are the sample's top ones, picked among all the values the hits hold: near the cut a value is shown
    *because* its draw was high (上海卓龙纺织科技有限责任公司, c = 18, counted 8 times in a 10 % sample: 79), so
    each shown value's draw is held to the binomial at a level corrected for that choice among the m values
    (p ≥ 0.001 / m). A biased sample (a row range: the rows follow filing dates) or a wrong scale fails this."""
    hit_limit(19_999)  # a sample of about 2,000 of the 20,000 hits (a tenth of the limit)
    result = service.search(BROAD, snapshot=segmented, page_size=1)
    sample = result.facet_sample
    assert sample is not None and sample.total == 20_000 and 1_500 < sample.hits < 2_500
    assert service.facets(BROAD, snapshot=segmented).sample == sample  # the page's second request: the same
    f = sample.buckets / SAMPLE_BUCKETS  # each hit's chance of being in the sample
    scale = sample.total / sample.hits
    checked = 0
    for facet in FACET_FIELDS:
        truth = duckdb_counts(segmented, BROAD, facet)
        assert result.facets[facet], facet
        for value in result.facets[facet]:
            assert value.approximate
            c = truth[value.value]
            # the sampled counts that round to the estimate shown
            near = value.count / scale  # the rounding moves an estimate by at most 5 %
            drawn = [k for k in range(max(1, int(near * 0.9)), min(c, int(near * 1.1) + 1) + 1)
                     if approximate(k, scale, sample.total) == value.count]
            assert drawn, (facet, value, c)
            assert max(_binomial_tail(k, c, f) for k in drawn) >= 0.001 / len(truth), (facet, value, c, drawn)
            checked += 1
    assert checked > 100
    # the stated error in plain words: values of at least 5 % of the hits within 30 %
    big = [(v.count, duckdb_counts(segmented, BROAD, "kind")[v.value]) for v in result.facets["kind"]]
    assert all(abs(est - c) <= 0.3 * c for est, c in big)


def test_exact_counts_on_request_above_the_limit(segmented: Snapshot, hit_limit) -> None:
    hit_limit(8_000)
    assert service.facets(BROAD, snapshot=segmented).approximate  # what the request overrides
    counted = service.facets(BROAD, snapshot=segmented, exact=True)
    assert counted.sample is None and not counted.approximate
    for facet, (_field, size) in FACET_FIELDS.items():
        truth = duckdb_counts(segmented, BROAD, facet)
        shown = {v.value: v.count for v in counted.values.get(facet, [])}
        assert shown == {v: truth[v] for v in shown} and len(shown) == min(size, len(truth)), facet
        assert not any(v.approximate for v in counted.values[facet])
    with_page = service.search(BROAD, snapshot=segmented, page_size=1, exact_facets=True)
    assert with_page.facet_sample is None and with_page.facets == counted.values


def test_an_estimate_rounds_to_two_significant_digits() -> None:
    from zhichan.search.index import approximate

    assert [approximate(n, 10.0) for n in (0, 1, 9, 12, 1234, 12_347)] == [0, 10, 90, 120, 12_000, 120_000]
    assert approximate(1, 0.4) == 1  # a value the sample holds is never estimated as none
    assert approximate(127, 100.0, 12_700) == 12_700  # never more than the hits (not 13,000)


def test_the_counting_query_matches_what_the_search_matches(ref_snapshot: Snapshot) -> None:
    """Facets count :meth:`QueryCompiler.matching` — no ranking clauses, the sample pushed down to
    every part — which must match the same patents as the search (∧ the sample): every counted
    example of docs/query-language.md, whole and within two samples."""
    import tantivy

    from tests.search.reference_doc import examples
    from zhichan.search.parser import parse

    index = SearchIndex.for_snapshot(ref_snapshot)
    assert index is not None
    counted = [(q, int(h)) for q, h in examples() if h.isdigit()]
    assert len(counted) >= 70
    for buckets in (None, 1500, 3000):
        within = None if buckets is None else tantivy.Query.range_query(
            index.schema, "sample", tantivy.FieldType.Unsigned, 0, buckets - 1, use_inverted_index=True)
        for query, hits in counted:
            node = parse(query)
            search = index.compile(node)
            if within is not None:
                search = tantivy.Query.boolean_query([(tantivy.Occur.Must, search), (tantivy.Occur.Must, within)])
            else:
                assert index.count(search) == hits, query
            assert index.rows(index.compiler.matching(node, within)).to_pylist() == index.rows(search).to_pylist(), query
