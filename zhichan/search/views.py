"""Page data of the search and patent pages, computed once and rendered as HTML
(:mod:`zhichan.search.router`) or returned as JSON (``/api/v1``): the hits, facets and exports; links
that keep the page's state (filters, sort, page size), the syntax help generated from the grammar's
field table, and a patent's similar patents and links.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from zhichan.corpus.parties import party_name_en
from zhichan.corpus.store import Snapshot
from zhichan.errors import InputError
from zhichan.platform import portal
from zhichan.platform.portal import CorpusAccess

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_PAGE_SIZE = 100
#: the query language's own limit (zhichan.search.parser.MAX_QUERY_CHARS; docs/query-language.md):
#: the search box takes what the command line takes — long synonym and applicant lists included
MAX_QUERY_CHARS = 4000
PAGE_SIZES = (10, 20, 50, 100)
SIMILAR_K = 10


@dataclass(frozen=True)
class PageState:
    """The search page's query string, facet filters (``facet:value``), sort and page size: every
    link on the page is built from it, so a facet click keeps the sort and a sort keeps the filters (the pager's
    links keep the whole address, ``_pager.html``)."""

    q: str
    filters: list[str] = field(default_factory=list)
    sort: str = "relevance"
    size: int = 20
    exact_facets: bool = False  # exact facet counts asked for (broad queries are estimated otherwise)
    #: the facets counted with the hits, in the page itself: a browser without JavaScript, which does not load
    #: them after the page (its link to them, ``<noscript>``, asks for this; so do the links of the page it shows)
    facets: bool = False

    def url(self, *, q: str | None = None, filters: list[str] | None = None, sort: str | None = None,
            size: int | None = None, path: str = "/search",
            exact_facets: bool | None = None, facets: bool | None = None, page: int = 1) -> str:
        params: list[tuple[str, Any]] = [("q", self.q if q is None else q)]
        params += [("f", f) for f in (self.filters if filters is None else filters)]
        if (sort or self.sort) != "relevance":
            params.append(("sort", sort or self.sort))
        if (size or self.size) != 20:
            params.append(("size", size or self.size))
        if self.exact_facets if exact_facets is None else exact_facets:
            params.append(("exact_facets", "true"))
        if path == "/search" and (self.facets if facets is None else facets):
            params.append(("facets", "true"))
        if page > 1:
            params.append(("page", page))
        return f"{path}?{urlencode(params)}"

    def adding(self, facet: str, value: str) -> str:
        param = f"{facet}:{value}"
        return self.url(filters=[*self.filters, param] if param not in self.filters else self.filters)

    def removing(self, param: str) -> str:
        return self.url(filters=[f for f in self.filters if f != param])

    def export(self, fmt: str) -> str:
        params = [("q", self.q), *(("f", f) for f in self.filters)]
        return f"/search/export.{fmt}?{urlencode(params)}"


@lru_cache(maxsize=1)
def syntax_help() -> dict[str, Any]:
    """The query language's fields, operators, value lists and date forms — read from
    :mod:`zhichan.search.fields` and the parser, so the help cannot drift from the grammar."""
    from zhichan.search import fields as F
    from zhichan.search.parser import MAX_DEPTH, MAX_QUERY_CHARS

    # every accepted name of every value, grouped by value ("发明/invention/发明专利/FM/I")
    values = {
        "TYPE": ["/".join(dict.fromkeys((names[1], *names))) for names in F.KIND_VALUES.values()],
        "LS": ["/".join(dict.fromkeys((names[1], *names))) for names in F.LS_VALUES.values()],
        "HV": ["/".join(dict.fromkeys((names[1], *names))) for names in (*F.HV_VALUES.values(), F.HV_NO)],
    }
    return {
        "fields": [{"code": s.code, "zh": s.zh, "en": s.en, "kind": s.kind, "aliases": list(s.aliases),
                    "examples": list(s.examples), "values": values.get(s.code, []),
                    "default": s.code == F.DEFAULT_FIELD} for s in F.FIELDS],
        "operators": [("AND", "与", "a AND b, a b"), ("OR", "或", "a OR b"), ("NOT", "非", "a NOT b, NOT a")],
        "dates": ["2021", "202103", "2021-03", "2021-3", "20210315", "2021-03-15", "2021.3.15", "2021/03/15"],
        "max_chars": MAX_QUERY_CHARS, "max_depth": MAX_DEPTH,
    }


FORM_ROWS = 5


@lru_cache(maxsize=2)
def form_choices(lang: str) -> dict[str, Any]:
    """What the form search offers: the fields (from the field table), the date fields, kinds,
    statuses and — for the IPC picker — every IPC subclass with its title in ``lang``."""
    from zhichan.reference.ipc import ipc_titles
    from zhichan.search import builder
    from zhichan.search import fields as F

    return {
        "fields": [{"code": f.code, "zh": f.zh, "en": f.en} for f in F.FIELDS if f.code in builder.ROW_FIELDS],
        "date_fields": [{"code": f.code, "zh": f.zh, "en": f.en} for f in F.FIELDS if f.code in builder.DATE_FIELDS],
        "kinds": [(k, names[1]) for k, names in F.KIND_VALUES.items()],
        # (code, the field whose label it has): a status group (有效/审中/失效) or a legal status
        "statuses": [(k, "status_group" if k in ("valid", "pending", "invalid") else "legal_status")
                     for k in F.LS_VALUES if k != "unknown"],
        "ipc": [(code, title[:40]) for code, title in ipc_titles("subclass", lang, clean=True).items()],
        "operators": builder.OPERATORS,
    }


def form_search(params: dict[str, Any]) -> dict[str, Any]:
    """The form's state from its parameters, and the query it writes (``query``) or the problem
    and the row it is in (``error``, ``error_row``) — the form is shown again with the input kept."""
    from zhichan.search.builder import FormError, FormRow, build_query

    ops, fields_, values = params.get("op", []), params.get("field", []), params.get("value", [])
    rows = []
    for i in range(max(FORM_ROWS, len(values))):
        rows.append({"op": ops[i] if i < len(ops) else "AND",
                     "field": fields_[i] if i < len(fields_) else ("TIABC", "TI", "PA", "IPC", "AB")[i % 5],
                     "value": values[i] if i < len(values) else ""})
    state = {"rows": rows, "date_field": params.get("date_field") or "AD", "date_from": params.get("date_from") or "",
             "date_to": params.get("date_to") or "", "kinds": params.get("kind", []),
             "statuses": params.get("status", []), "query": None, "error": None, "error_row": None}
    if params.get("build"):
        try:
            state["query"] = build_query([FormRow(r["op"], r["field"], r["value"]) for r in rows],
                                         date_field=state["date_field"], date_from=state["date_from"],
                                         date_to=state["date_to"], kinds=state["kinds"], statuses=state["statuses"])
        except FormError as exc:
            state["error"], state["error_row"] = exc.message, exc.row
    return state


# -- the patent page -------------------------------------------------------------------------------
def similar(access: CorpusAccess, application_number: str | None = None, text: str | None = None,
            k: int = SIMILAR_K) -> dict[str, Any]:
    """The ``k`` patents most similar to a patent or a text, with their scores (cosine, 0–1)."""
    if not 1 <= k <= 50:
        raise InputError("k 应在 1–50 之间 / k must be between 1 and 50")
    if text is not None and len(text) > 4000:
        raise InputError("文本过长（最多 4000 字） / text too long (4000 characters max)")
    from zhichan.search import service

    snap = searchable_snapshot(access)
    number = application_number.strip().upper() if application_number else None

    def compute(_cur: Any) -> list[dict[str, Any]]:
        hits = service.similar(number, text, k=k, snapshot=snap)
        return [{"application_number": h.application_number, "title": h.title, "score": h.score} for h in hits]

    # exact neighbours scan every vector (a chunked dot product): a patent's list is computed once
    # per snapshot and reused; a free text is not cached
    hits = access.cached(("similar", snap.id, number, k), compute) if number else compute(None)
    return {"application_number": number, "text": text, "snapshot_id": snap.id, "hits": hits}


#: why a patent page has no similar patents to show, by reason (messages ``patent.<reason>``)
SIMILAR_REASONS = ("no_vectors", "no_index", "not_indexed")


def _similar_or_reason(access: CorpusAccess, number: str) -> tuple[list[dict[str, Any]], str | None]:
    """Similar patents for the page; the reason instead when there are none to show — a reason of
    :data:`SIMILAR_REASONS` (no vectors in this build; no index ready yet, being built or to be rebuilt; the patent
    newer than the index searched meanwhile, the previous snapshot's) or another error's message — the page never
    fails because of them."""
    from zhichan.errors import ZhichanError
    from zhichan.search.errors import IndexMissing, PatentNotFound, VectorsMissing

    try:
        return similar(access, number)["hits"], None
    except VectorsMissing:
        return [], "no_vectors"
    except IndexMissing:
        return [], "no_index"
    except PatentNotFound:
        return [], "not_indexed"
    except ZhichanError as exc:
        return [], exc.message


_EXTRA_COLUMNS = ("family_members", "cited_patents", "first_patentee_key")


def patent_page(access: CorpusAccess, application_number: str) -> dict[str, Any]:
    """A patent's bibliographic data (:func:`portal.patent_detail`) with what the page links to:
    its family members and cited patents, the first patentee's enterprise page and its region
    (the similar patents follow with :func:`similar_fragment`)."""
    detail = portal.patent_detail(access, application_number)
    cur = access.cursor()
    try:
        row = cur.execute(f"SELECT {', '.join(_EXTRA_COLUMNS)} FROM patents WHERE application_number = ?",
                          [detail["application_number"]]).fetchall()[0]
    finally:
        cur.close()
    extra = dict(zip(_EXTRA_COLUMNS, row, strict=True))
    members = [m for m in extra["family_members"] or [] if m]
    # 同族数量: the source's 简单同族数量, else the members it lists (the patent itself included)
    family_size = detail.get("family_size")
    if family_size is None and members:
        family_size = len(members)
    # the parties in English where the generator named them (synthetic records; pages show them through holder_name)
    synthetic, region = bool(detail.get("synthetic")), detail.get("region_code")
    # its own publication and grant numbers, which a family list holds (the page marks them 本专利)
    own = [n for n in (detail.get("publication_number"), detail.get("grant_number")) if n]
    return {**detail, "high_value": high_value_status(access, detail["application_number"]),
            "family_members": members, "own_numbers": own, "cited_patents": [c for c in extra["cited_patents"] or [] if c],
            "family_size": family_size, "first_patentee_key": extra["first_patentee_key"],
            "applicants_en": [party_name_en(a, region, synthetic) for a in detail.get("applicants") or []],
            "current_patentees_en": [party_name_en(a, region, synthetic) for a in detail.get("current_patentees") or []],
            "inventors_en": [party_name_en(i, None, synthetic) for i in detail.get("inventors") or []],
            "agency_en": party_name_en(detail["agency"], region, synthetic) if detail.get("agency") else None}


def high_value_status(access: CorpusAccess, number: str) -> dict[str, Any]:
    """Whether a patent is a valid invention and high-value (高价值) at the corpus's data end — the date the cockpit,
    the indicators and ``HV=`` count at — and which of the five criteria it meets (the indicators' flags, one
    definition: ``zhichan.indicators.registry``)."""
    from zhichan.indicators import registry
    from zhichan.search.highvalue import CRITERIA

    day = portal.data_as_of(access)
    flags = ", ".join(CRITERIA.values())
    sql = registry.with_relations(f"SELECT is_valid_invention, is_high_value, {flags} FROM patent_status "
                                  "WHERE application_number = ?", ["patent_status"], registry.parameters(day))
    cur = access.cursor()
    try:
        rows = cur.execute(sql, [number]).fetchall()
    finally:
        cur.close()
    valid, high_value, *met = rows[0] if rows else (False, False, *([False] * len(CRITERIA)))
    return {"as_of": day.isoformat(), "valid_invention": bool(valid), "is_high_value": bool(high_value),
            "criteria": [column for column, hit in zip(CRITERIA.values(), met, strict=True) if hit]}


def similar_fragment(access: CorpusAccess, application_number: str) -> dict[str, Any]:
    """The patent page's similar-patents section (loaded after the page, like the search facets:
    the neighbour scan must not delay the bibliographic data)."""
    number = portal.patent_detail(access, application_number)["application_number"]  # 404 for unknown numbers
    hits, reason = _similar_or_reason(access, number)
    return {"similar": hits, "similar_unavailable": reason}


def check_paging(page: int, page_size: int) -> None:
    if page < 1 or page > 10_000 or page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise InputError(f"分页参数无效（每页1–{MAX_PAGE_SIZE}条） / invalid paging (1-{MAX_PAGE_SIZE} per page)")


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if hasattr(value, "__dataclass_fields__"):
        import dataclasses

        # shallow: dataclasses.asdict deep-copies every field, which a page of hits does not need
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return dict(vars(value))


def search(access: CorpusAccess, query: str, *, page: int = 1, page_size: int = 20,
           facets: bool = True, sort: str = "relevance", filters: list[str] | tuple[str, ...] = (),
           exact_facets: bool = False, session: Session | None = None) -> dict[str, Any]:
    """Search published patents (public) with ``zhichan.search``: through the newest indexed
    snapshot, or — while no snapshot has an index — the same query by a scan (``mode`` says which).
    The applicants of the hits, of the applicant facet and of an applicant filter are named in English by one
    lookup (:func:`_applicants_en`; ``session`` for the platform's organizations' own English names).

    ``facets=False`` leaves the facets of a full search to :func:`search_facets` (the search page
    shows the hits first and loads the facets with a second request). ``filters`` are facet
    clicks (``ipc:H01M``, :mod:`zhichan.search.filters`), joined to the query with AND. A page past
    the last is answered with the last page (``clamped``). Facets of more hits than the setting
    ``search_facets_exact_max_hits`` are estimates (``facets_approximate``, 约) unless ``exact_facets``."""
    check_paging(page, page_size)
    query = (query or "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(f"检索式过长（最多{MAX_QUERY_CHARS}字） / query too long ({MAX_QUERY_CHARS} characters max)")
    empty = {"query": query, "mode": "full", "total": 0, "hits": [], **_facets_out({}), "page": page,
             "page_size": page_size}
    if not query:
        return empty
    from zhichan.search import service
    from zhichan.search.errors import IndexMissing
    from zhichan.search.filters import narrow, parse_filters
    from zhichan.search.parser import parse

    parse(query)  # a syntax error's position refers to the typed query, not the narrowed one
    chosen = parse_filters(list(filters))
    run = narrow(query, chosen)
    snap = searchable_snapshot(access)
    current = access.require_snapshot()

    def page_of(run_page: int) -> Any:
        try:
            return service.search(run, snapshot=snap, page=run_page, page_size=page_size, facets=facets, sort=sort,
                                  exact_facets=exact_facets), None
        except IndexMissing:
            # no snapshot has an index yet: the same query by a scan of the current snapshot (said on the page)
            return service.scan_search(run, snapshot=current, page=run_page, page_size=page_size, sort=sort), "scan"

    result, mode = page_of(page)
    clamped = result.total > 0 and page > result.pages
    if clamped:  # page 99 of 148 hits: the last page, not "nothing found"
        page = result.pages
        result, mode = page_of(page)
    # "previous": the current snapshot's index is being built; these hits come from the newest
    # snapshot that has one (said on the page, with its id)
    mode = mode or ("full" if snap.id == current.id else "previous")
    hits = [_as_dict(h) for h in result.hits]
    english = _applicants_en(access, session, [(a, bool(h.get("synthetic"))) for h in hits
                                               for a in h.get("applicants") or []]
                             + [(f.value, None) for f in chosen if f.facet == "applicant"]
                             + [(str(v.value), None) for v in result.facets.get("applicant", [])])
    return {
        "query": query, "canonical_query": result.query, "total": result.total,
        "mode": mode, "snapshot_id": result.snapshot_id,
        "page": page, "page_size": page_size, "pages": result.pages, "clamped": clamped, "sort": sort,
        "filters": [{"facet": f.facet, "value": f.value, "clause": f.clause, "param": f.param,
                     "name_en": english.get((f.value, None)) if f.facet == "applicant" else None} for f in chosen],
        "elapsed_ms": result.elapsed_ms,
        "hits": [_hit(h, english) for h in hits],
        **_facets_out(result.facets, result.facet_sample, english),
        "facets_pending": mode != "scan" and not facets and result.total > 0,
        "hint": _english_hint(run) if result.total == 0 else None,
        "stale_index": _stale_index(current) if mode == "scan" else None,
    }


def _stale_index(snapshot: Snapshot) -> int | None:
    """The layout version of the snapshot's index when it is too old to open (rebuilt in the background)."""
    from zhichan.search.layout import stale_index_version

    return stale_index_version(snapshot)


#: what :func:`hits_seal` gives (or nothing): another value in a facet request's address is no seal at all, refused
SEAL_PATTERN = r"^([0-9a-f]{32})?$"


def hits_seal(secret: str, snapshot_id: str, canonical_query: str, total: int) -> str:
    """The seal of a hit total: an HMAC (the app's secret key) of the snapshot, the query as the
    search ran it (``canonical_query``, filters included) and its ``total``. The search page hands
    the total it counted to its facet request with this seal, so the facet request need not count
    the hits again (~180 ms for a broad phrase at 10M patents) — and a total the server did not
    count for that query on that snapshot is never used (docs/search.md, Facets)."""
    message = f"{snapshot_id}\n{total}\n{canonical_query}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def search_facets(access: CorpusAccess, query: str, filters: list[str] | tuple[str, ...] = (),
                  exact: bool = False, *, hits: int | None = None, seal: str = "",
                  secret: str | None = None, session: Session | None = None) -> dict[str, Any]:
    """The facets of a full search alone (the search page's second request). ``hits`` is the hit
    total the page's search counted, used only with its valid ``seal`` (:func:`hits_seal`);
    without one the hits are counted here. Applicants named in English as :func:`search` names them."""
    query = (query or "").strip()
    if not query or len(query) > MAX_QUERY_CHARS:
        raise InputError(f"检索式为空或过长（最多{MAX_QUERY_CHARS}字） / empty or too long query "
                         f"({MAX_QUERY_CHARS} characters max)")
    from zhichan.search import service
    from zhichan.search.ast import to_query
    from zhichan.search.filters import narrow, parse_filters
    from zhichan.search.parser import parse

    run = narrow(query, parse_filters(list(filters)))
    snap = searchable_snapshot(access)
    sealed = (hits is not None and bool(secret) and bool(seal)
              and hmac.compare_digest(seal, hits_seal(str(secret), snap.id, to_query(parse(run)), hits)))
    total = hits if sealed else None
    counted = service.facets(run, snapshot=snap, exact=exact, total=total)
    english = _applicants_en(access, session, [(str(v.value), None) for v in counted.values.get("applicant", [])])
    return {"query": query, **_facets_out(counted.values, counted.sample, english)}


def _english_hint(query: str) -> dict[str, Any] | None:
    """For a query that found nothing: its English terms and the Chinese to search instead."""
    from zhichan.search.hints import english_hint
    from zhichan.search.parser import parse

    hint = english_hint(parse(query))
    if hint is None:
        return None
    return {"terms": hint.terms, "chinese": hint.chinese, "suggested_query": hint.suggested_query,
            "ipc": [{"code": c, "title": t} for c, t in hint.ipc]}


def searchable_snapshot(access: CorpusAccess) -> Snapshot:
    """The current snapshot if its search index exists, else the newest earlier snapshot that has
    one (after an import, while the new index is built in the background), else the current one
    (searching it then reports the missing index)."""
    current = access.require_snapshot()
    from zhichan.search.layout import index_path

    if index_path(current) is not None:
        return current
    for snap in sorted(access.store.snapshots(), key=lambda x: x.id, reverse=True):
        if snap.id < current.id and index_path(snap) is not None:
            return snap
    return current


def _facets_out(facets: dict[str, Any], sample: Any = None,
                english: dict[tuple[str, bool | None], str] | None = None) -> dict[str, Any]:
    """The facets as the page and the API show them: each value with its count and whether it is an
    estimate (an applicant with ``name_en``, :func:`_applicants_en`, as the hits name it); ``facets_approximate``
    and ``facet_sample`` (what the estimate counted) for the whole."""
    english = english or {}
    return {
        "facets": {name: [{"value": f.value, "label": f.label, "count": f.count, "approximate": f.approximate,
                           **({"name_en": english.get((str(f.value), None))} if name == "applicant" else {})}
                          for f in values] for name, values in facets.items()},
        "facets_approximate": sample is not None,
        "facet_sample": None if sample is None else {"hits": sample.hits, "total": sample.total,
                                                     "share": round(sample.share, 6)},
    }


def _hit(h: dict[str, Any], english: dict[tuple[str, bool | None], str]) -> dict[str, Any]:
    """A hit of the search module; its ``*_html`` fields are already escaped (matches in ``<mark>``).
    ``applicants_en``: its applicants as an English page lists them (``english``, :func:`_applicants_en`), ``None``
    where none has an English name."""
    applicants = h.get("applicants") or []
    named = [english.get((a, bool(h.get("synthetic")))) for a in applicants]
    return {
        "application_number": h["application_number"], "title": h["title"],
        "title_html": Markup(h.get("title_html") or escape(h["title"])),
        "snippet_html": Markup(h.get("snippet_html") or ""), "kind": h["kind"],
        "application_date": h["application_date"], "legal_status": h["legal_status"], "status_field": "legal_status",
        "applicants": "；".join(applicants), "region_code": h.get("region_code"),
        "synthetic": bool(h.get("synthetic")),
        "applicants_en": "; ".join(en or a for en, a in zip(named, applicants, strict=True)) if any(named) else None,
    }


def _applicants_en(access: CorpusAccess, session: Session | None,
                   names: Sequence[tuple[str, bool | None]]) -> dict[tuple[str, bool | None], str]:
    """Applicants named in a search (a hit's, with whether its record is synthetic; a facet's or a filter's, ``None``:
    as synthetic as its party) → their English names, for those that have one: the product's one lookup of a corpus
    party (:func:`zhichan.platform.portal.holders_named`), so a facet names an applicant as its hits do."""
    from zhichan.corpus.parties import normalize_name

    wanted = sorted(set(names), key=lambda n: (n[0], n[1] is None, bool(n[1])))
    holders = [{"party_key": normalize_name(name), "name": name, **({} if synthetic is None else {"synthetic": synthetic})}
               for name, synthetic in wanted if name]
    named = portal.holders_named(access, session, holders)
    return {(h["name"], None if "synthetic" not in h else bool(h["synthetic"])): str(h["name_en"])
            for h in named if h.get("name_en")}


def search_export(access: CorpusAccess, query: str, fmt: str, folder: Path,
                  filters: list[str] | tuple[str, ...] = (), lang: str = "zh") -> Path:
    """All hits of ``query`` (narrowed by facet ``filters``) as CSV or XLSX in ``folder``, headed in ``lang``."""
    if fmt not in ("csv", "xlsx"):
        raise InputError("导出格式只能是 csv 或 xlsx / export format must be csv or xlsx")
    result = search(access, query, page=1, page_size=1, filters=filters)  # validates the query first
    if result["filters"]:
        from zhichan.search.filters import narrow, parse_filters

        query = narrow(query, parse_filters(list(filters)))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"search-{secrets.token_hex(8)}.{fmt}"
    from zhichan.search import service

    # every hit (no cap), through the index or by a scan: the search module's one export
    service.export(query, path, fmt="xlsx" if fmt == "xlsx" else "csv", snapshot=access.require_snapshot(), lang=lang)
    return path
