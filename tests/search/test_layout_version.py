"""An index of an older layout (before the ``sample`` field) is never opened: it is reported as
stale with the rebuild to run, the running platform rebuilds it, and the rebuilt index is used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhichan.corpus.testing import build_snapshot, patent
from zhichan.search import service
from zhichan.search.build import build_index
from zhichan.search.errors import IndexMissing
from zhichan.search.index import SearchIndex
from zhichan.search.layout import (
    SAMPLE_BUCKETS,
    SCHEMA_VERSION,
    index_path,
    sample_bucket,
    stale_index_version,
)


def test_an_index_of_an_older_layout_is_stale_and_rebuilt(tmp_path: Path) -> None:
    snapshot = build_snapshot(tmp_path / "var", patents=[patent(serial=i, title=f"一种电池{i}") for i in range(5)])
    path = build_index(snapshot, with_vectors=False, workers=1)
    assert index_path(snapshot) == path and stale_index_version(snapshot) is None
    info_file = path / "index.json"
    info = json.loads(info_file.read_text("utf-8"))
    assert info["schema_version"] == SCHEMA_VERSION == 6
    info["schema_version"] = 3  # a build of the layout before the sample field
    info_file.write_text(json.dumps(info), "utf-8")
    SearchIndex._cache.pop(snapshot.id, None)
    assert index_path(snapshot) is None and stale_index_version(snapshot) == 3
    with pytest.raises(IndexMissing) as caught:
        service.search("电池", snapshot=snapshot)
    assert "旧版" in caught.value.message and "layout 3" in caught.value.message
    assert "zhichan index build" in caught.value.message
    rebuilt = build_index(snapshot, with_vectors=False, workers=1)  # what `zhichan index build` and the platform do
    assert index_path(snapshot) == rebuilt and stale_index_version(snapshot) is None
    assert service.search("电池", snapshot=snapshot).total == 5
    SearchIndex._cache.pop(snapshot.id, None)


def test_every_document_has_its_sample_bucket(tmp_path: Path) -> None:
    """The ``sample`` field holds each row's bucket (hashed, not the row order): counting it over
    every document gives the buckets of rows 0…n−1."""
    import tantivy

    snapshot = build_snapshot(tmp_path / "var", patents=[patent(serial=i, title=f"一种电池{i}") for i in range(40)])
    build_index(snapshot, with_vectors=False, workers=1)
    index = SearchIndex.for_snapshot(snapshot)
    assert index is not None
    result = index.searcher.aggregate(tantivy.Query.all_query(),
                                      {"b": {"terms": {"field": "sample", "size": SAMPLE_BUCKETS}}})
    counted = {int(b["key"]): b["doc_count"] for b in result["b"]["buckets"]}
    expected: dict[int, int] = {}
    for row in range(40):
        expected[sample_bucket(row)] = expected.get(sample_bucket(row), 0) + 1
    assert counted == expected and len(counted) > 30  # spread over the buckets, not 0…39 in a row
    assert sorted(counted) != list(range(len(counted)))
    SearchIndex._cache.pop(snapshot.id, None)
