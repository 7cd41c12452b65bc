"""Every facet count equals a DuckDB count over the snapshot, on an index of several segments.

tantivy counts a facet per segment and merges; a value cut off in one segment's list would come
out undercounted (and still look exact). The index here is built single-threaded with a small
writer heap, so it has several segments in the same order on every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.search import service
from zhichan.search.build import build_index
from zhichan.search.duckdb_backend import where_clause
from zhichan.search.index import SearchIndex
from zhichan.search.layout import FACET_FIELDS

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


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshot]:
    from zhichan.corpus.generator import generate

    store = CorpusStore(tmp_path_factory.mktemp("facets") / "var" / "corpus")
    snapshot = generate(20_000, seed=1, store=store, as_of=dt.date(2023, 12, 31))
    build_index(snapshot, heap_bytes=15_000_000, threads=1, with_vectors=False, workers=1)
    yield snapshot
    SearchIndex._cache.pop(snapshot.id, None)


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
    facets = service.facets(query, snapshot=segmented)
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
