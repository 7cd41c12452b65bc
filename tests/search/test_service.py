"""The service API the web layer calls: pages, sorting, facets, snippets, scope, export, similar,
and the index's crash rule. All on the reference corpus (tests/search/corpus.py)."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from zhichan.corpus.store import Snapshot
from zhichan.errors import InputError
from zhichan.search import service
from zhichan.search.build import build_index
from zhichan.search.errors import IndexMissing, PatentNotFound, QuerySyntaxError
from zhichan.search.layout import index_path, index_status
from zhichan.search.oracle import filter_rows
from zhichan.search.parser import parse
from zhichan.search.snippets import highlight

from . import corpus


def test_search_returns_a_page_with_total_and_canonical_query(ref_snapshot: Snapshot) -> None:
    result = service.search("名称=电池 与 AD>=2020", snapshot=ref_snapshot, page_size=2)
    assert result.query == "(TI=电池 AND AD=[2020-01-01 TO *])"
    assert result.total == 3 and len(result.hits) == 2 and result.pages == 2
    second = service.search("名称=电池 与 AD>=2020", snapshot=ref_snapshot, page=2, page_size=2)
    assert len(second.hits) == 1
    numbers = {h.application_number for h in result.hits + second.hits}
    assert len(numbers) == 3
    assert result.to_dict()["pages"] == 2


def test_relevance_puts_the_title_match_first(ref_snapshot: Snapshot) -> None:
    result = service.search("涂层", snapshot=ref_snapshot)
    assert result.total == 3
    assert "涂层" in result.hits[0].title


@pytest.mark.parametrize("sort", ["date_desc", "date_asc"])
def test_sort_by_application_date(sort: str, ref_snapshot: Snapshot) -> None:
    dates = [h.application_date for h in service.search("RC=51", snapshot=ref_snapshot, sort=sort, page_size=50).hits]
    assert len(dates) == 12
    assert dates == sorted(dates, reverse=sort == "date_desc")


def test_facets_count_all_hits_with_labels(ref_snapshot: Snapshot, ref_rows: list[dict[str, Any]]) -> None:
    from collections import Counter

    result = service.search("RC=51", snapshot=ref_snapshot, page_size=1)
    facets = {name: {v.value: (v.label, v.count) for v in values} for name, values in result.facets.items()}
    hits = [r for r in ref_rows if r["province_code"] == "51"]
    for name, column in (("kind", "kind"), ("legal_status", "legal_status"), ("city", "city_code")):
        assert {k: c for k, (_, c) in facets[name].items()} == dict(Counter(r[column] for r in hits)), name
    assert {k: c for k, (_, c) in facets["year"].items()} == dict(Counter(str(r["application_date"].year) for r in hits))
    ipc = Counter(s for r in hits for s in r["ipc_subclasses"])
    assert {k: c for k, (_, c) in facets["ipc"].items()} == dict(ipc)
    assert facets["province"] == {"51": ("四川省", 12)}
    assert facets["city"]["5101"][0] == "成都市"
    assert facets["kind"]["design"] == ("外观设计", 1)
    assert facets["legal_status"]["granted"][0] == "有权-授权"
    assert facets["ipc"]["H01M"][0].startswith("H01M ")
    assert facets["applicant"]["成都锂能科技有限公司"][1] == 3
    assert facets["sei"]["5.2"][1] == 2
    assert [v.value for v in result.facets["year"]] == sorted(facets["year"], reverse=True)
    assert service.search("RC=51", snapshot=ref_snapshot, facets=False).facets == {}


def test_snippets_are_escaped_and_marked(ref_snapshot: Snapshot) -> None:
    hit = service.search("TI=锂离子 AND 硅碳", snapshot=ref_snapshot).hits[0]
    assert hit.title_html == "一种<mark>锂离子</mark>电池负极材料及其制备方法"
    assert "<mark>硅碳</mark>" in hit.snippet_html and "<mark>锂离子</mark>" in hit.snippet_html
    assert highlight("a<b>电池</b>&c", ["电池"]) == "a&lt;b&gt;<mark>电池</mark>&lt;/b&gt;&amp;c"
    assert highlight("ＬＥＤ照明", ["led"]) == "<mark>ＬＥＤ</mark>照明"
    long = "前" * 300 + "电池" + "后" * 300
    cut = highlight(long, ["电池"], max_chars=100)
    assert cut.startswith("…") and cut.endswith("…") and "<mark>电池</mark>" in cut


def test_negated_terms_are_not_highlighted(ref_snapshot: Snapshot) -> None:
    hit = service.search("电池 NOT 负极", snapshot=ref_snapshot).hits[0]
    assert "<mark>负极</mark>" not in hit.snippet_html


def test_region_scope_restricts_hits(ref_snapshot: Snapshot) -> None:
    assert service.search("芯片", snapshot=ref_snapshot).total == 4
    assert service.search("芯片", snapshot=ref_snapshot, region_prefix="5101").total == 2
    assert service.search("芯片", snapshot=ref_snapshot, region_prefix="4403").total == 2
    with pytest.raises(InputError):
        service.search("芯片", snapshot=ref_snapshot, region_prefix="5")


def test_bad_parameters_are_input_errors(ref_snapshot: Snapshot) -> None:
    with pytest.raises(InputError):
        service.search("电池", snapshot=ref_snapshot, sort="random")
    with pytest.raises(InputError):
        service.search("电池", snapshot=ref_snapshot, page=0)
    with pytest.raises(QuerySyntaxError):
        service.search("TI=(电池", snapshot=ref_snapshot)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_writes_every_hit(fmt: str, tmp_path: Path, ref_snapshot: Snapshot,
                                 ref_rows: list[dict[str, Any]]) -> None:
    path = tmp_path / f"hits.{fmt}"
    seen: list[tuple[int, int | None]] = []
    written = service.export("NOT 电池", path, snapshot=ref_snapshot, progress=lambda d, t: seen.append((d, t)))
    expected = filter_rows(parse("NOT 电池"), ref_rows)
    assert written == len(expected) == 12
    assert seen[-1] == (12, 12)
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    else:
        book = load_workbook(path, read_only=True)
        rows = [list(r) for r in book["检索结果"].iter_rows(values_only=True)]
        book.close()
    assert rows[0][0] == "申请号"
    assert sorted(r[0] for r in rows[1:]) == expected
    assert not list(tmp_path.glob(".*.part"))
    # the header is Chinese, and so are the coded values (类型 发明, 法律状态 有权-授权), never the codes
    kind, status = rows[0].index("类型"), rows[0].index("法律状态")
    assert {r[kind] for r in rows[1:]} <= set(service.KIND_LABELS.values())
    assert {r[status] for r in rows[1:]} <= set(service.STATUS_LABELS.values())


def test_an_english_export_is_headed_and_labelled_in_english(tmp_path: Path, ref_snapshot: Snapshot) -> None:
    """An English page's export came out as the Chinese one (申请号 …, 发明, 有权-授权, 是): every heading, coded
    value and sheet name is now in the page's language; the titles, names and addresses are data."""
    import re

    service.export("NOT 电池", tmp_path / "hits.xlsx", snapshot=ref_snapshot, lang="en")
    book = load_workbook(tmp_path / "hits.xlsx", read_only=True)
    rows = [list(r) for r in book["Hits"].iter_rows(values_only=True)]
    about = [list(r) for r in book["Query"].iter_rows(values_only=True)]
    book.close()
    assert rows[0][:3] == ["Application no.", "Title", "Applicants"] and "Legal status" in rows[0]
    assert not [h for h in rows[0] if re.search(r"[\u4e00-\u9fff]", h)]
    kind, status, synthetic = rows[0].index("Kind"), rows[0].index("Legal status"), rows[0].index("Synthetic record")
    assert {r[kind] for r in rows[1:]} <= {"Invention", "Utility model", "Design"}
    assert all(r[status] and not re.search(r"[\u4e00-\u9fff]", r[status]) for r in rows[1:])
    assert {r[synthetic] for r in rows[1:]} <= {"Yes", "No"}
    assert [r[0] for r in about] == ["Query", "Snapshot", "Hits", "Synthetic data"]
    service.export("NOT 电池", tmp_path / "hits.csv", snapshot=ref_snapshot, lang="en")
    with open(tmp_path / "hits.csv", encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh)) == rows[0]


def test_an_xlsx_export_gives_date_cells_and_its_query_sheet_in_one_language(tmp_path: Path,
                                                                             ref_snapshot: Snapshot) -> None:
    """Opened in a spreadsheet: the filing, publication and grant days are date cells (they were text, sorted and
    filtered as text, while the records' export gave date cells), the same days in CSV; the Chinese file's query sheet
    reads Chinese (its labels read "检索式 query", "快照 snapshot"); a row's synthetic flag is headed as the records'
    export heads it (合成记录)."""
    import datetime as dt
    import re

    service.export("NOT 电池", tmp_path / "hits.xlsx", snapshot=ref_snapshot)
    book = load_workbook(tmp_path / "hits.xlsx")
    rows = list(book["检索结果"].iter_rows())
    header = [c.value for c in rows[0]]
    assert "合成记录" in header and "合成数据" not in header
    for heading in ("申请日", "公开日", "授权日"):
        cells = [r[header.index(heading)] for r in rows[1:] if r[header.index(heading)].value is not None]
        assert cells and all(c.is_date and c.number_format == "yyyy-mm-dd" for c in cells), heading
    labels = [r[0].value for r in book["检索式"].iter_rows()]
    assert labels == ["检索式", "快照", "命中数", "合成数据"] and not [x for x in labels if re.search("[a-z]", x)]
    service.export("NOT 电池", tmp_path / "hits.csv", snapshot=ref_snapshot)
    with open(tmp_path / "hits.csv", encoding="utf-8-sig", newline="") as fh:
        text = list(csv.reader(fh))
    filed = header.index("申请日")
    by_number = {r[0].value: r[filed].value for r in rows[1:]}
    assert all(isinstance(by_number[r[0]], dt.datetime) and by_number[r[0]].date().isoformat() == r[filed]
               for r in text[1:])


def test_similar_from_text_and_from_a_patent(ref_snapshot: Snapshot) -> None:
    hits = service.similar(text="锂离子电池负极材料的制备", k=3, snapshot=ref_snapshot)
    assert hits[0].application_number == corpus.an("202110000001")
    assert hits[0].score > hits[1].score
    same = service.similar(corpus.an("202010000014"), k=4, snapshot=ref_snapshot)
    assert corpus.an("202010000014") not in [h.application_number for h in same]
    assert len(same) == 4 and all(h.title for h in same)
    with pytest.raises(PatentNotFound):
        service.similar("CN000000000000.0", snapshot=ref_snapshot)
    with pytest.raises(InputError):
        service.similar(snapshot=ref_snapshot)


def test_a_failed_build_leaves_the_previous_index_in_use(ref_snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch) -> None:
    before = index_path(ref_snapshot)
    assert before is not None

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("zhichan.search.similar.fit_projection", boom)
    with pytest.raises(RuntimeError):
        build_index(ref_snapshot)
    assert index_path(ref_snapshot) == before
    assert not [p for p in before.parent.iterdir() if p.name.startswith(".tmp-")]
    assert service.search("电池", snapshot=ref_snapshot).total == 4


def test_a_rebuild_switches_atomically_and_removes_the_old_build(tmp_path: Path) -> None:
    from zhichan.corpus.testing import build_snapshot

    snapshot = build_snapshot(tmp_path / "var", patents=corpus.patents()[:4])
    with pytest.raises(IndexMissing):
        service.search("电池", snapshot=snapshot)
    first = build_index(snapshot, with_vectors=False)
    second = build_index(snapshot, with_vectors=False)
    assert first != second and not first.exists() and index_path(snapshot) == second
    info = index_status(snapshot)
    assert info is not None and info["documents"] == 4 and os.path.isdir(info["path"])
    assert service.search("电池", snapshot=snapshot).total == 1


def test_a_build_with_worker_processes_equals_the_in_process_build(ref_snapshot: Snapshot, tmp_path: Path) -> None:
    """The worker-process path (used from 100,000 patents: JSON lines prepared in spawned processes)
    gives the same hits, scores, facets, display data and similarity vectors."""
    import numpy as np

    from zhichan.corpus.testing import build_snapshot

    snapshot = build_snapshot(tmp_path / "var", patents=corpus.patents(), events=corpus.events())
    path = build_index(snapshot, workers=2)
    reference = index_path(ref_snapshot)
    assert reference is not None
    for query in ("电池", "PA=成都 OR IPC=H01M", "HV=是", "NOT 电池", "锂离子电池", "涂"):
        ours = service.search(query, snapshot=snapshot, page_size=50)
        theirs = service.search(query, snapshot=ref_snapshot, page_size=50)
        assert [(h.application_number, round(h.score, 4), h.snippet_html) for h in ours.hits] == [
            (h.application_number, round(h.score, 4), h.snippet_html) for h in theirs.hits]
        assert ours.facets == theirs.facets
    assert np.allclose(np.load(path / "vectors.npy"), np.load(reference / "vectors.npy"), atol=1e-5)
    assert index_status(snapshot)["workers"] == 2  # type: ignore[index]


def test_pages_of_tied_hits_concatenate_to_the_single_page_order(ref_snapshot: Snapshot) -> None:
    """Relevance ties are ordered by snapshot row, so small pages add up to the one big page."""
    for query in ("电池", "NOT 电池", "涂"):
        whole = [h.application_number for h in service.search(query, snapshot=ref_snapshot, page_size=50).hits]
        paged: list[str] = []
        for page in range(1, len(whole) // 3 + 2):
            paged += [h.application_number for h in service.search(query, snapshot=ref_snapshot, page=page,
                                                                     page_size=3).hits]
        assert paged == whole and len(set(whole)) == len(whole)


@pytest.mark.parametrize("query", [
    " OR ".join(["电池", *(f"词{i}" for i in range(499))]),  # a long synonym list
    " ".join(f"P{i}" for i in range(500)),  # juxtaposed terms
    "NOT " * 999 + "电池",
    "GD=[* TO *]",
    "NOT GD=[* TO *]",
    "x OR " + "(芯片 OR NOT (" * 31 + "电池" + "))" * 31,  # deep but within the limit
])
def test_long_and_deep_queries_run_on_every_backend(query: str, ref_snapshot: Snapshot,
                                                    ref_rows: list[dict[str, Any]]) -> None:
    from zhichan.search.duckdb_backend import scan_application_numbers

    node = parse(query)
    expected = filter_rows(node, ref_rows)
    result = service.search(query, snapshot=ref_snapshot, page_size=50)
    assert sorted(h.application_number for h in result.hits) == expected
    assert sorted(scan_application_numbers(node, ref_snapshot).to_pylist()) == expected


def test_warm_loads_what_the_first_search_would_load(ref_snapshot: Snapshot, tmp_path: Path) -> None:
    from zhichan.corpus.testing import build_snapshot
    from zhichan.reference import ipc
    from zhichan.search import parser
    from zhichan.search.index import SearchIndex

    SearchIndex._cache.pop(ref_snapshot.id, None)
    for cached in (service._label, ipc._zh, parser._lark):
        cached.cache_clear()
    assert service.warm(ref_snapshot) is True
    index = SearchIndex._cache[ref_snapshot.id]
    assert index._facet_names is not None  # the applicant facet's names, read on first use otherwise
    assert ipc._zh.cache_info().currsize == 1 and parser._lark.cache_info().currsize == 1
    assert service._label("ipc", "H01M").startswith("H01M ")  # the IPC title, loaded
    unindexed = build_snapshot(tmp_path / "var", patents=corpus.patents()[:2])
    assert service.warm(unindexed) is False


def _calls(monkeypatch: pytest.MonkeyPatch, obj: Any, name: str) -> list[int]:
    """A list that grows by one at each call of ``obj.name`` (which still runs)."""
    calls: list[int] = []
    real = getattr(obj, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(obj, name, counted)
    return calls


def test_pages_come_from_the_result_cache_and_equal_the_direct_ranking(ref_snapshot: Snapshot,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from zhichan.search.index import SearchIndex

    index = SearchIndex.for_snapshot(ref_snapshot)
    assert index is not None
    index.forget_results()
    real_top = index.top
    runs = _calls(monkeypatch, index, "top")
    for query in ("电池", "PA=科技", "AD>=2000"):
        for sort in ("relevance", "date_desc", "date_asc"):
            compiled = index.compile(parse(query))
            for page in (1, 2, 3):
                got = service.search(query, snapshot=ref_snapshot, page=page, page_size=2, sort=sort, facets=False)
                total, direct = real_top(compiled, limit=2, offset=(page - 1) * 2, sort=sort)
                assert got.total == total
                assert [h.application_number for h in got.hits] == [
                    d["application_number"] for d in index.displays([a for _, a in direct])]
            assert len(runs) == 1  # pages 2 and 3 were cut from page 1's ranking: the query ran once
            runs.clear()
    # the reference corpus has fewer hits than the cached depth: every page, however deep, is cut from it
    deep = service.search("AD>=2000", snapshot=ref_snapshot, page=3, page_size=100, facets=False)
    assert deep.total < 200 and deep.hits == [] and runs == []


def test_the_result_cache_is_bounded(ref_snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhichan.search import index as index_module
    from zhichan.search.index import SearchIndex

    index = SearchIndex.for_snapshot(ref_snapshot)
    assert index is not None
    index.forget_results()
    monkeypatch.setattr(index_module, "RESULT_QUERIES", 3)
    for year in range(2000, 2010):
        service.search(f"AD>={year}", snapshot=ref_snapshot, facets=False)
        service.facets(f"AD>={year}", snapshot=ref_snapshot, exact=True)
    assert {q for q, _ in index._results.in_use_order()} == {"AD=[2007-01-01 TO *]", "AD=[2008-01-01 TO *]",
                                                     "AD=[2009-01-01 TO *]"}
    assert [k[0] for k in index._facet_results.in_use_order()] == ["AD=[2007-01-01 TO *]", "AD=[2008-01-01 TO *]",
                                                           "AD=[2009-01-01 TO *]"]


def test_facets_come_from_the_result_cache_and_equal_a_fresh_count(ref_snapshot: Snapshot,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from zhichan.search.index import SearchIndex

    index = SearchIndex.for_snapshot(ref_snapshot)
    assert index is not None
    index.forget_results()
    real_aggregate = index._aggregate
    counted = _calls(monkeypatch, index, "_aggregate")
    node = parse("AD>=2000")
    total = index.count(index.compile(node))
    exact = [index.facets(node) for _ in range(3)]
    estimated = [index.estimated_facets(node, total, 5) for _ in range(3)]
    assert len(counted) == 2  # one exact count, one sample: each asked three times
    assert exact[0] == exact[2] == real_aggregate(index.compiler.matching(node), tuple(exact[0]))[0]
    assert estimated[0] == estimated[2] and estimated[0][1] is not None
    index.estimated_facets(node, total + 1, 5)  # another total scales differently: counted again
    assert len(counted) == 3
    index.forget_results()
    index.facets(node)
    assert len(counted) == 4


def test_the_facet_request_after_a_search_takes_its_total_from_the_result_cache(
        ref_snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhichan.search.index import SearchIndex

    index = SearchIndex.for_snapshot(ref_snapshot)
    assert index is not None
    index.forget_results()
    counts: list[int] = []
    real_count = index.count

    def counted(*args: Any, **kwargs: Any) -> int:
        counts.append(1)
        return real_count(*args, **kwargs)

    monkeypatch.setattr(index, "count", counted)
    without_search = service.facets("AD>=2000", snapshot=ref_snapshot)
    assert counts == [1]  # nothing cached: counted
    index.forget_results()
    searched = service.search("AD>=2000", snapshot=ref_snapshot, sort="date_desc", facets=False)
    index._facet_results.clear()
    after_search = service.facets("AD>=2000", snapshot=ref_snapshot)
    assert counts == [1] and index.cached_total(parse("AD>=2000")) == searched.total
    assert after_search == without_search
