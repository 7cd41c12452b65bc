"""Page data of the search and patent pages beyond the hit list: links that keep the page's state
(filters, sort, page size), the syntax help generated from the grammar's field table, and a
patent's similar patents and links. Like :mod:`zhichan.web.views`, plain dicts for HTML and JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from zhichan.errors import InputError
from zhichan.platform import portal
from zhichan.platform.portal import CorpusAccess

PAGE_SIZES = (10, 20, 50, 100)
SIMILAR_K = 10


@dataclass(frozen=True)
class PageState:
    """The search page's query string, facet filters (``facet:value``), sort and page size: every
    link on the page is built from it, so a facet click keeps the sort and a sort keeps the filters."""

    q: str
    filters: list[str] = field(default_factory=list)
    sort: str = "relevance"
    size: int = 20

    def url(self, *, q: str | None = None, filters: list[str] | None = None, sort: str | None = None,
            size: int | None = None, page: int | None = None, path: str = "/search") -> str:
        params: list[tuple[str, Any]] = [("q", self.q if q is None else q)]
        params += [("f", f) for f in (self.filters if filters is None else filters)]
        if (sort or self.sort) != "relevance":
            params.append(("sort", sort or self.sort))
        if (size or self.size) != 20:
            params.append(("size", size or self.size))
        if page and page > 1:
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
    from zhichan.web.views import searchable_snapshot

    snap = searchable_snapshot(access)
    number = application_number.strip().upper() if application_number else None

    def compute(_cur: Any) -> list[dict[str, Any]]:
        hits = service.similar(number, text, k=k, snapshot=snap)
        return [{"application_number": h.application_number, "title": h.title, "score": h.score} for h in hits]

    # exact neighbours scan every vector (a chunked dot product): a patent's list is computed once
    # per snapshot and reused; a free text is not cached
    hits = access.cached(("similar", snap.id, number, k), compute) if number else compute(None)
    return {"application_number": number, "text": text, "snapshot_id": snap.id, "hits": hits}


def _similar_or_reason(access: CorpusAccess, number: str) -> tuple[list[dict[str, Any]], str | None]:
    """Similar patents for the page; the reason instead when there are none to show (no index, no
    vectors in this build) — the page never fails because of them."""
    from zhichan.errors import ZhichanError
    from zhichan.search.errors import VectorsMissing

    try:
        return similar(access, number)["hits"], None
    except VectorsMissing:
        return [], "no_vectors"
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
    region = detail.get("region_code")
    region_name = None
    if region:
        from zhichan.reference import region_name as name_of

        try:
            region_name = name_of(region)
        except Exception:  # noqa: BLE001 - an unknown code is shown as the code
            region_name = None
    return {**detail, "family_members": members, "cited_patents": [c for c in extra["cited_patents"] or [] if c],
            "family_size": family_size, "first_patentee_key": extra["first_patentee_key"],
            "region_name": region_name}


def similar_fragment(access: CorpusAccess, application_number: str) -> dict[str, Any]:
    """The patent page's similar-patents section (loaded after the page, like the search facets:
    the neighbour scan must not delay the bibliographic data)."""
    number = portal.patent_detail(access, application_number)["application_number"]  # 404 for unknown numbers
    hits, reason = _similar_or_reason(access, number)
    return {"similar": hits, "similar_unavailable": reason}
