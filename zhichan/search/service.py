"""Patent retrieval (专利检索) — the Python API the web layer and the CLI call.

    search("TI=电池 AND AD>=2020", page=1)        → SearchResult (hits, facets, total)
    export("PA=华为", Path("hits.xlsx"), fmt="xlsx") → number of rows written (all hits, streamed)
    similar(application_number="CN…", k=10)       → [SimilarHit]
    parse("…")                                     → syntax tree (raises QuerySyntaxError)

Every function takes an optional ``snapshot``; by default the current one of the configured
data directory. Nothing here imports the web framework.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from zhichan.corpus.store import Snapshot, open_corpus
from zhichan.errors import InputError
from zhichan.progress import ProgressCallback, no_progress
from zhichan.search import fields as F
from zhichan.search.ast import And, Code, Node, positive_texts, to_query
from zhichan.search.index import SearchIndex
from zhichan.search.models import SORTS, Facets, FacetSample, FacetValue, Hit, SearchResult, SimilarHit
from zhichan.search.parser import parse
from zhichan.search.snippets import highlight
from zhichan.spreadsheet import csv_row, xlsx_row

MAX_PAGE_SIZE = 200
#: estimated facets count a sample of about 1/SAMPLE_PART of ``search_facets_exact_max_hits`` hits
#: (10,000 by default: a value holding 1 % of the hits is counted ~100 times, ±10 %). The sample
#: leads the query, so the estimate's cost follows the documents of the sample — at 10M patents
#: and ~10^6 hits about ten times the sampled hits (docs/search.md, Facets)
SAMPLE_PART = 10
SNIPPET_CHARS = 160
_SNIPPET_FIELDS = {"TIABC", "TIAB", "AB", "TI"}

KIND_LABELS = {"invention": "发明", "utility_model": "实用新型", "design": "外观设计"}
STATUS_LABELS = {
    "published": "审中-公开", "under_examination": "审中-实质审查", "granted": "有权-授权", "rejected": "无权-驳回",
    "withdrawn": "无权-撤回", "abandoned": "无权-放弃", "lapsed_unpaid": "无权-未缴年费", "expired": "无权-期限届满",
    "invalidated": "无权-全部无效", "pct_not_entered": "PCT-未进入国家阶段", "unknown": "未知",
}


def _snapshot(snapshot: Snapshot | None) -> Snapshot:
    return snapshot or open_corpus()


def _scoped(node: Node, region_prefix: str | None) -> Node:
    """The query restricted to an organization's region (its scope), if it has one."""
    if not region_prefix:
        return node
    try:
        code = Code("RC", F.normalize_code("RC", region_prefix, False))
    except F.ValueProblem as exc:
        raise InputError(f"区域范围无效：{exc.zh} / invalid region scope: {exc.en}") from None
    return And((node, code)) if not isinstance(node, And) else And((*node.children, code))


@lru_cache(maxsize=16_384)
def _label(facet: str, value: Any) -> str:
    """A facet value's display label (reference data: the same for every query, hence cached)."""
    try:
        if facet in ("province", "city"):
            from zhichan.reference import region_name

            return region_name(str(value))
        if facet == "ipc":  # a subclass the edition has no title for says so (never its class's title as its own)
            from zhichan.web.labels import ipc_label

            return ipc_label(str(value), "zh")
        if facet == "sei":
            from zhichan.reference import sei_category

            return f"{value} {sei_category(str(value)).name}"
    except Exception:  # noqa: BLE001 - a missing label must never fail a search; the code is shown instead
        return str(value)
    if facet == "kind":
        return KIND_LABELS.get(str(value), str(value))
    if facet == "legal_status":
        return STATUS_LABELS.get(str(value), str(value))
    return str(value)


def _check_page(sort: str, page: int, page_size: int) -> None:
    if sort not in SORTS:
        raise InputError(f"未知的排序方式 {sort} / unknown sort {sort}; expected one of {', '.join(SORTS)}")
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError(f"分页参数无效 / invalid page ({page}) or page size ({page_size}, 1…{MAX_PAGE_SIZE})")


def search(query: str, *, snapshot: Snapshot | None = None, page: int = 1, page_size: int = 20,
           sort: str = "relevance", facets: bool = True, region_prefix: str | None = None,
           exact_facets: bool = False) -> SearchResult:
    """One page of hits of ``query``, with facets over *all* hits and highlighted snippets. Above
    the setting ``search_facets_exact_max_hits`` the facet counts are estimates (``facet_sample``
    says how they were made; each value is ``approximate``) unless ``exact_facets``."""
    started = time.perf_counter()
    _check_page(sort, page, page_size)
    snap = _snapshot(snapshot)
    node = _scoped(parse(query), region_prefix)
    index = SearchIndex.for_snapshot(snap)
    assert index is not None
    total, top = index.ranked(node, limit=page_size, offset=(page - 1) * page_size, sort=sort)
    needles = [t.value for t in positive_texts(node) if t.field in _SNIPPET_FIELDS]
    hits = []
    for (score, _address), d in zip(top, index.displays([a for _, a in top]), strict=True):
        hits.append(Hit(
            application_number=d["application_number"], title=d["title"], applicants=d["applicants"],
            application_date=d["application_date"], kind=d["kind"], legal_status=d["legal_status"],
            main_ipc=d["main_ipc"], region_code=d["region_code"], score=float(score),
            snippet_html=highlight(d["abstract"] or d["title"], needles, SNIPPET_CHARS),
            title_html=highlight(d["title"], needles), publication_number=d.get("publication_number"),
            grant_number=d.get("grant_number"), synthetic=bool(d.get("synthetic")),
        ))
    counted = _facets(index, node, total, exact_facets) if facets and total else Facets({})
    return SearchResult(total=total, hits=hits, facets=counted.values, query=to_query(node),
                        elapsed_ms=round((time.perf_counter() - started) * 1000, 2), page=page,
                        page_size=page_size, sort=sort, snapshot_id=snap.id, facet_sample=counted.sample)


def scan_search(query: str, *, snapshot: Snapshot | None = None, page: int = 1, page_size: int = 20,
                sort: str = "relevance", region_prefix: str | None = None) -> SearchResult:
    """One page of hits of ``query`` by a DuckDB scan of the snapshot — the same query language and
    the same hits as :func:`search`, for a snapshot whose index is not built yet. Slower, with no
    facets and no relevance (newest first; ``date_asc`` oldest first)."""
    started = time.perf_counter()
    _check_page(sort, page, page_size)
    from zhichan.search.duckdb_backend import scan_application_numbers

    snap = _snapshot(snapshot)
    node = _scoped(parse(query), region_prefix)
    numbers = scan_application_numbers(node, snap)
    order = "ASC" if sort == "date_asc" else "DESC"
    con = snap.reader()
    try:
        con.register("search_hits", pa.table({"application_number": numbers}))
        rows = con.execute(
            "SELECT p.application_number, p.title, p.applicants, p.application_date, p.kind, p.legal_status, "
            "p.main_ipc, p.region_code, p.abstract, p.publication_number, p.grant_number, p.synthetic "
            f"FROM patents p JOIN search_hits h USING (application_number) "
            f"ORDER BY p.application_date {order}, p.application_number LIMIT ? OFFSET ?",
            [page_size, (page - 1) * page_size]).fetchall()
    finally:
        con.close()
    needles = [t.value for t in positive_texts(node) if t.field in _SNIPPET_FIELDS]
    hits = [Hit(application_number=r[0], title=r[1], applicants=list(r[2] or []), application_date=r[3].isoformat() if r[3] else "", kind=r[4],
                legal_status=r[5], main_ipc=r[6], region_code=r[7], score=0.0,
                snippet_html=highlight(r[8] or r[1], needles, SNIPPET_CHARS), title_html=highlight(r[1], needles),
                publication_number=r[9], grant_number=r[10], synthetic=bool(r[11])) for r in rows]
    return SearchResult(total=len(numbers), hits=hits, facets={}, query=to_query(node),
                        elapsed_ms=round((time.perf_counter() - started) * 1000, 2), page=page,
                        page_size=page_size, sort=sort, snapshot_id=snap.id)


def facets(query: str, *, snapshot: Snapshot | None = None, region_prefix: str | None = None,
           exact: bool = False, total: int | None = None) -> Facets:
    """The facets over all hits of ``query`` alone (no page of hits): for a page that shows the
    hits first and fills the facets in with a second request. Estimated as in :func:`search`
    unless ``exact``. ``total`` is the query's hit count on this snapshot as :func:`search`
    returned it (the web layer passes it only under its seal); without it the total a search of
    the query left in the index's result cache, else the hits are counted first — unless
    ``exact`` (exact counts do not need the total)."""
    snap = _snapshot(snapshot)
    index = SearchIndex.for_snapshot(snap)
    assert index is not None
    node = _scoped(parse(query), region_prefix)
    if total is None and not exact:
        total = index.cached_total(node)
    if total is None and not exact:
        total = index.count(index.compiler.matching(node))
    return _facets(index, node, total or 0, exact)


def _facets(index: SearchIndex, node: Node, total: int, exact: bool) -> Facets:
    """Exact counts up to ``search_facets_exact_max_hits`` hits (or when ``exact``), else the
    estimate from a sample of about a tenth of that many hits (marked approximate)."""
    from zhichan.settings import get_settings

    limit = get_settings().search_facets_exact_max_hits
    sample: FacetSample | None = None
    if exact or total <= limit:
        counts = index.facets(node)
    else:
        counts, sample = index.estimated_facets(node, total, max(1, limit // SAMPLE_PART))
    out: dict[str, list[FacetValue]] = {}
    for name, buckets in counts.items():
        if name == "year":
            buckets = sorted(buckets, key=lambda b: b[0], reverse=True)
        if buckets:
            out[name] = [FacetValue(str(v), _label(name, v), c, sample is not None) for v, c in buckets]
    return Facets(out, sample)


def warm(snapshot: Snapshot) -> bool:
    """Load what the first search of a process would otherwise load while its user waits — the
    index, the applicant facet's names, the query grammar, the reference titles of facet labels
    (IPC, regions, industries): ~0.8 s CPU and 1.4 s wall at 10M patents (docs/search.md, "The
    first query"). False when the snapshot has no index yet (nothing to warm)."""
    index = SearchIndex.for_snapshot(snapshot, required=False)
    if index is None:
        return False
    index.facet_names()
    from zhichan.search.parser import _lark

    _lark()  # the grammar: ``parse`` caches its results, so a cached query would not build it
    for facet, value in (("ipc", "H01M"), ("province", "110000"), ("sei", "1")):
        _label(facet, value)
    search("电池", snapshot=snapshot)
    return True


def count(query: str, *, snapshot: Snapshot | None = None) -> int:
    snap = _snapshot(snapshot)
    index = SearchIndex.for_snapshot(snap)
    assert index is not None
    return index.count(index.compile(parse(query)))


# -- export ------------------------------------------------------------------------------------------
EXPORT_COLUMNS = (
    ("application_number", "申请号"), ("title", "名称"), ("applicants", "申请人"), ("current_patentees", "当前权利人"),
    ("inventors", "发明人"), ("application_date", "申请日"), ("publication_number", "公开号"),
    ("publication_date", "公开日"), ("grant_number", "授权公告号"), ("grant_date", "授权日"), ("kind", "类型"),
    ("legal_status", "法律状态"), ("main_ipc", "主分类号"), ("ipc", "IPC"), ("region_code", "区域代码"),
    ("applicant_address", "地址"), ("agency", "代理机构"), ("sei_codes", "战新产业"), ("abstract", "摘要"),
    ("synthetic", "合成记录"),
)


#: an English export's heading of a column: the web catalogue's ``field.<key>`` (the Chinese export keeps the
#: CNIPA-style headings of EXPORT_COLUMNS)
EXPORT_FIELD_KEYS = {"applicant_address": "address"}


def export_header(lang: str) -> list[str]:
    """The export's column headings in ``lang``."""
    if lang == "zh":
        return [zh for _, zh in EXPORT_COLUMNS]
    from zhichan.web.i18n import translate

    return [translate(lang, f"field.{EXPORT_FIELD_KEYS.get(c, c)}") for c, _ in EXPORT_COLUMNS]


def _cell(value: Any, lang: str = "zh") -> Any:
    """A value as an export's cell: a list joined, a flag yes/no in ``lang``; a date stays a date — a date cell in
    XLSX (it was text there, sorted and filtered as text, while the records' export gave date cells), the same
    ``YYYY-MM-DD`` in CSV."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if v is not None)
    if isinstance(value, bool):
        if lang == "zh":
            return "是" if value else "否"
        from zhichan.web.i18n import translate

        return translate(lang, "report.yes" if value else "report.no")
    return value


def _coded(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """The labels of the kind and legal-status codes in ``lang`` (the Chinese ones are CNIPA's: 发明, 有权-授权)."""
    if lang == "zh":
        return KIND_LABELS, STATUS_LABELS
    from zhichan.web.i18n import translate

    return ({k: translate(lang, f"kind.{k}") for k in KIND_LABELS},
            {k: translate(lang, f"legal_status.{k}") for k in STATUS_LABELS})


def _export_batches(numbers: pa.Array, snap: Snapshot, batch_rows: int = 20_000,
                    lang: str = "zh") -> Iterator[list[list[Any]]]:
    con = snap.reader()
    try:
        con.register("search_hits", pa.table({"application_number": numbers}))
        columns = ", ".join(f"p.{c}" for c, _ in EXPORT_COLUMNS)
        reader = con.sql(
            f"SELECT {columns} FROM patents p JOIN search_hits h USING (application_number) "
            "ORDER BY p.application_date DESC, p.application_number").to_arrow_reader(batch_rows)
        names = [c for c, _ in EXPORT_COLUMNS]
        kinds, statuses = _coded(lang)
        coded = {names.index("kind"): kinds, names.index("legal_status"): statuses}
        for batch in reader:
            cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for i, table in coded.items():  # the coded values in the header's language (发明, 有权-授权)
                cols[i] = [table.get(v, v) for v in cols[i]]
            yield [[_cell(v, lang) for v in row] for row in zip(*cols, strict=True)]
    finally:
        con.close()


def export(query: str, path: Path, *, fmt: Literal["csv", "xlsx"] | None = None, snapshot: Snapshot | None = None,
           progress: ProgressCallback = no_progress, region_prefix: str | None = None, lang: str = "zh") -> int:
    """Write *all* hits of ``query`` (no cap) to ``path`` as CSV (UTF-8 with BOM, for Excel) or
    XLSX (openpyxl write-only, constant memory). Returns the number of rows written. The file is
    written beside ``path`` and renamed into place, so a failed export leaves no partial file.
    ``lang``: the headings, coded values and sheet names (Chinese: CNIPA's headings; English for an English page)."""
    path = Path(path)
    fmt = fmt or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
    if fmt not in ("csv", "xlsx"):
        raise InputError(f"不支持的导出格式 {fmt} / unsupported export format {fmt} (csv, xlsx)")
    snap = _snapshot(snapshot)
    node = _scoped(parse(query), region_prefix)
    from zhichan.search.duckdb_backend import match_application_numbers

    numbers = match_application_numbers(node, snap)
    total = len(numbers)
    progress(0, total)
    header = export_header(lang)
    tmp = path.with_name(f".{path.name}.part")
    written = 0
    try:
        if fmt == "csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                out = csv.writer(fh)
                out.writerow(header)
                for rows in _export_batches(numbers, snap, lang=lang):
                    out.writerows(csv_row(row) for row in rows)
                    written += len(rows)
                    progress(written, total)
        else:
            from openpyxl import Workbook

            from zhichan.web.i18n import translate

            def word(key: str) -> str:
                return translate(lang, f"search.export.{key}")

            book = Workbook(write_only=True)
            sheet = book.create_sheet(word("hits_sheet"))
            sheet.append(header)
            for rows in _export_batches(numbers, snap, lang=lang):
                for row in rows:
                    sheet.append(xlsx_row(sheet, row))
                written += len(rows)
                progress(written, total)
            info = book.create_sheet(word("query_sheet"))
            info.append(xlsx_row(info, [word("query"), to_query(node)]))
            info.append([word("snapshot"), snap.id])
            info.append([word("hits"), written])
            info.append([word("synthetic"), _cell(snap.synthetic, lang)])
            book.save(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return written


# -- similar -----------------------------------------------------------------------------------------
def similar(application_number: str | None = None, text: str | None = None, *, k: int = 10,
            snapshot: Snapshot | None = None) -> list[SimilarHit]:
    """The ``k`` patents closest to a patent of the corpus or to free text (see :mod:`.similar`)."""
    from zhichan.search.similar import similar_rows

    if (application_number is None) == (text is None):
        raise InputError("请给出申请号或文本之一 / give either an application number or a text")
    if text is not None and not text.strip():
        raise InputError("文本为空 / empty text")
    snap = _snapshot(snapshot)
    index = SearchIndex.for_snapshot(snap)
    assert index is not None
    if not (index.path / "vectors.npy").exists():
        from zhichan.search.errors import VectorsMissing

        raise VectorsMissing("当前检索索引未包含语义向量，请重建索引 / the search index holds no similarity vectors: "
                             "rebuild it (zhichan index build)")
    rows = similar_rows(index.path, index.ids, application_number=application_number, text=text, k=k)
    numbers = index.ids.take(pa.array([r for r, _ in rows], pa.uint64())).to_pylist() if rows else []
    titles = index.titles(numbers)
    return [SimilarHit(n, titles.get(n, ""), round(s, 4)) for n, (_, s) in zip(numbers, rows, strict=True)]


__all__ = ["count", "export", "parse", "search", "similar"]
