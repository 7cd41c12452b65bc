"""An incremental index build finds exactly what a full build of the same snapshot finds.

A new snapshot whose patents mostly did not change is indexed from the last build: its segments
linked, the documents of changed and removed patents deleted, new and changed patents added. The
hits, counts and facets of every example of the query-language page must equal a full build's; the
base build is left as it was; deleted documents are never shown, looked up or returned as similar.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from zhichan.corpus.records import content_hash
from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot
from zhichan.search import build as build_module
from zhichan.search import service
from zhichan.search.build import _delta, build_index
from zhichan.search.highvalue import FILE_NAME, compute_high_value, flags_date
from zhichan.search.index import SearchIndex
from zhichan.search.layout import index_path
from zhichan.search.parser import parse

from . import corpus
from .reference_doc import valid_queries

NEW = corpus._p("202310000099", title="一种钠离子电池正极材料", abstract="本发明公开一种钠离子电池正极材料，成本低。",
                first_claim="1.一种钠离子电池正极材料。", ipc=["H01M4/58"], applicants=["宜宾钠电科技有限公司"],
                inventors=["赵六"], applicant_address="四川省宜宾市翠屏区长江大道1号", region_code="511502",
                sei_codes=["6.3"], application_date="2023-04-01", publication_number="CN116000099A",
                publication_date="2023-08-01")


def _changed(patents: list[dict[str, Any]], generation: int) -> list[dict[str, Any]]:
    """The reference patents with the first one's title changed, the last one removed and one added
    (generation 1); generation 2 changes the first one again and adds nothing."""
    changed = dict(patents[0], title="一种锂离子电池硅碳负极材料" if generation == 1 else "一种固态锂电池负极材料")
    changed["content_hash"] = content_hash("patents", changed)
    return [changed, *patents[1:-1], NEW]


def _snapshots(root: Path, generations: int) -> list[Snapshot]:
    patents = corpus.patents()
    made = [build_snapshot(root, patents=patents, events=corpus.events())]
    for g in range(1, generations + 1):
        made.append(build_snapshot(root, patents=_changed(patents, g), events=corpus.events()))
    return made


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Snapshots A → B → C indexed incrementally in one data folder; B and C built in full elsewhere."""
    monkey = pytest.MonkeyPatch()
    monkey.setattr(build_module, "INCREMENTAL_MAX_SHARE", 1.0)  # the reference corpus has 16 patents
    made: list[Snapshot] = []
    try:
        a, b, c = made[:] = _snapshots(tmp_path_factory.mktemp("inc") / "var", 2)
        base = build_index(a)
        base_info = json.loads((base / "index.json").read_text("utf-8"))
        b_path = build_index(b)
        c_path = build_index(c)
        full_b = _snapshots(tmp_path_factory.mktemp("full-b") / "var", 1)[1]
        full_c = _snapshots(tmp_path_factory.mktemp("full-c") / "var", 2)[2]
        made += [full_b, full_c]
        build_index(full_b, with_vectors=False)  # compared for hits and counts only
        build_index(full_c, with_vectors=False)
        yield {"a": a, "b": b, "c": c, "full_b": full_b, "full_c": full_c, "base": base, "base_info": base_info,
               "b_info": json.loads((b_path / "index.json").read_text("utf-8")),
               "c_info": json.loads((c_path / "index.json").read_text("utf-8"))}
    finally:
        monkey.undo()
        for snapshot in made:
            SearchIndex._cache.pop(snapshot.id, None)


def test_the_builds_are_incremental_and_say_what_they_changed(builds: dict[str, Any]) -> None:
    assert "incremental" not in builds["base_info"]
    b, c = builds["b_info"]["incremental"], builds["c_info"]["incremental"]
    # B: the first patent changed, the last removed, one added
    assert (b["added"], b["deleted"], b["dead_rows"]) == (2, 2, 2)
    # C: the first patent changed again: its row in B is deleted, a new one added
    assert (c["added"], c["deleted"], c["dead_rows"]) == (1, 1, 3)
    assert builds["c_info"]["rows"] == 16 + 2 + 1
    assert builds["c_info"]["documents"] == 16


@pytest.mark.parametrize("generation", ["b", "c"])
def test_every_example_finds_what_a_full_build_finds(builds: dict[str, Any], generation: str) -> None:
    inc, full = builds[generation], builds[f"full_{generation}"]
    queries = valid_queries()
    assert len(queries) > 50
    for query in queries:
        got = service.search(query, snapshot=inc, page_size=100, exact_facets=True)
        want = service.search(query, snapshot=full, page_size=100, exact_facets=True)
        assert got.total == want.total, query
        assert sorted(h.application_number for h in got.hits) == sorted(h.application_number for h in want.hits), query
        assert {k: [(v.value, v.count) for v in vs] for k, vs in got.facets.items()} == \
            {k: [(v.value, v.count) for v in vs] for k, vs in want.facets.items()}, query
        node = parse(query)
        inc_index, full_index = SearchIndex.for_snapshot(inc), SearchIndex.for_snapshot(full)
        assert inc_index is not None and full_index is not None
        assert sorted(inc_index.all_application_numbers(node).to_pylist()) == \
            sorted(full_index.all_application_numbers(node).to_pylist()), query


def test_changed_and_removed_patents_show_only_their_new_state(builds: dict[str, Any]) -> None:
    b = builds["b"]
    first, last = corpus.patents()[0]["application_number"], corpus.patents()[-1]["application_number"]
    hits = service.search(f"AN={first}", snapshot=b).hits
    assert [h.title for h in hits] == ["一种锂离子电池硅碳负极材料"]
    assert service.search(f"AN={last}", snapshot=b).total == 0
    assert service.search("钠离子", snapshot=b).total == 1
    # similar patents: never the removed one, never a deleted row of the changed one
    for hit in service.similar(application_number=first, snapshot=b, k=50):
        assert hit.application_number not in (last, first, None)
    numbers = [h.application_number for h in service.similar(text="锂离子电池负极材料", snapshot=b, k=50)]
    assert last not in numbers and None not in numbers and len(numbers) == len(set(numbers))


def test_the_base_build_is_left_as_it_was(builds: dict[str, Any]) -> None:
    a = builds["a"]
    assert index_path(a) == builds["base"]
    last = corpus.patents()[-1]["application_number"]
    assert service.search(f"AN={last}", snapshot=a).total == 1
    assert service.search("钠离子", snapshot=a).total == 0
    first = corpus.patents()[0]
    assert [h.title for h in service.search(f"AN={first['application_number']}", snapshot=a).hits] == [first["title"]]


def test_a_change_of_high_value_flags_alone_reindexes_the_patent(builds: dict[str, Any]) -> None:
    """High-value flags change with the date (the 10-year mark) while the record stays the same."""
    import pyarrow as pa

    b = builds["b"]
    base = index_path(b)
    assert base is not None
    hv = compute_high_value(b, flags_date(b))
    assert hv.num_rows > 0 and pq.read_table(base / FILE_NAME).num_rows == hv.num_rows
    unchanged = _delta(b, base, hv, with_vectors=True)
    assert unchanged is not None and len(unchanged.add) == 0 and len(unchanged.dead_rows) == 0
    flagged = corpus.patents()[1]["application_number"]
    more = pa.concat_tables([hv, pa.table({hv.column_names[0]: [flagged], hv.column_names[1]: ["X"]},
                                          schema=hv.schema)])
    delta = _delta(b, base, more, with_vectors=True)
    assert delta is not None and delta.add.to_pylist() == [flagged] and len(delta.dead_rows) == 1


def test_a_large_change_or_the_full_flag_builds_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = _snapshots(tmp_path / "var", 2)
    try:
        build_index(a, with_vectors=False)
        monkeypatch.setattr(build_module, "INCREMENTAL_MAX_SHARE", 0.2)
        info = json.loads((build_index(b, with_vectors=False) / "index.json").read_text("utf-8"))
        assert "incremental" not in info  # 2 added + 2 deleted of 16 patents is above 20 %
        assert info["documents"] == info["rows"] == 16
        assert service.search("钠离子", snapshot=b).total == 1
        monkeypatch.setattr(build_module, "INCREMENTAL_MAX_SHARE", 1.0)
        info = json.loads((build_index(c, with_vectors=False, full=True) / "index.json").read_text("utf-8"))
        assert "incremental" not in info and info["rows"] == 16
        assert "incremental" in json.loads((build_index(c, with_vectors=False) / "index.json").read_text("utf-8"))
    finally:
        for snapshot in (a, b, c):
            SearchIndex._cache.pop(snapshot.id, None)


def test_deleted_rows_have_no_number_and_no_vector(builds: dict[str, Any]) -> None:
    index = SearchIndex.for_snapshot(builds["c"])
    assert index is not None
    numbers = index.ids.to_pylist()
    assert sum(n is None for n in numbers) == 3
    vectors = np.load(index.path / "vectors.npy", mmap_mode="r")
    dead = [i for i, n in enumerate(numbers) if n is None]
    assert np.isnan(vectors[dead]).all() and not np.isnan(np.delete(vectors, dead, axis=0)).any()


def test_the_indexes_of_pruned_snapshots_are_removed(tmp_path: Path) -> None:
    """The store keeps 3 snapshots; the index of one it pruned goes at the next build."""
    from zhichan.search.layout import index_root

    root = tmp_path / "var"
    first = build_snapshot(root, patents=corpus.patents()[:4])
    build_index(first, with_vectors=False)
    later = [build_snapshot(root, patents=corpus.patents()[:n]) for n in (5, 6, 7)]
    assert not first.path.exists() and (index_root(first) / first.id).exists()
    build_index(later[-1], with_vectors=False)
    assert sorted(p.name for p in index_root(first).iterdir()) == [later[-1].id]
    assert service.search("AD>=1900", snapshot=later[-1]).total == 7
    SearchIndex._cache.pop(later[-1].id, None)
