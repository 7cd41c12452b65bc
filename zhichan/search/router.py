"""The search and patent pages (专利检索): thin, the data comes from :mod:`zhichan.search.views`; the
corpus is public data, scoped exports are audited."""

from __future__ import annotations

from pathlib import Path as PathLib
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import StringConstraints
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from zhichan.errors import InputError, NotFoundError
from zhichan.platform import audit, portal
from zhichan.platform.portal import CorpusAccess
from zhichan.platform.scope import Scope
from zhichan.search import views
from zhichan.search.filters import FACET_FIELD, MAX_FILTERS
from zhichan.search.models import SORTS
from zhichan.web.deps import CorpusDep, DbDep, PartRoute, ScopeDep, TransactionRoute, lang, page_part, render
from zhichan.web.domains import WebDomain
from zhichan.web.openapi import errors
from zhichan.web.security import client_ip

router = APIRouter(include_in_schema=False, route_class=TransactionRoute)
#: the parts the search and patent pages load in their place (zhichan.web.deps.PartRoute): what they cannot show is said
#: there
parts = APIRouter(include_in_schema=False, route_class=PartRoute)
#: the JSON twins (public: the corpus is published data)
api_router = APIRouter(prefix="/api/v1", responses=errors(), route_class=TransactionRoute)


#: facet filters ``facet:value`` (zhichan.search.filters), repeatable: ``?f=ipc:H01M&f=year:2021``
FacetFilters = Annotated[list[str] | None, Query(max_length=220)]
#: a repeated field of the form search (one per row or checkbox); a type, not a shared default:
#: FastAPI binds a ``Query`` object to the first parameter that uses it
FormList = Annotated[list[str] | None, Query(max_length=500)]
SORT_PATTERN = f"^({'|'.join(SORTS)})$"
#: the search's parameters, one definition for the page, its facets and its exports: a value one of them cannot take
#: is refused by all alike (zhichan.web.query_errors: a page shown without it, its message beside the field; a file, the
#: error page) — the export took any sort or page (sort=bogus, page=0: a file, 200) where the page refused the sort
SearchSort = Annotated[str, Query(pattern=SORT_PATTERN)]
SearchPage = Annotated[int, Query(ge=1, le=10_000)]
SearchSize = Annotated[int, Query(ge=1, le=views.MAX_PAGE_SIZE)]
SearchQuery = Annotated[str, Query(max_length=views.MAX_QUERY_CHARS)]


@router.get("/search")
def search_page(
    request: Request,
    q: SearchQuery = "",
    page: SearchPage = 1,
    size: SearchSize = 20,
    sort: SearchSort = "relevance",
    f: FacetFilters = None,
    exact_facets: bool = Query(False),
    facets: bool = Query(False),
    access: CorpusAccess = CorpusDep, session: Session = DbDep,
) -> Response:
    """The hits at once, the facets loaded after them (``/search/facets``); ``facets=true``, the link a browser
    without JavaScript is given in their place: the facets counted with the hits, in the page."""
    result, error, error_at = None, None, None
    if q.strip():
        try:
            result = views.search(access, q, page=page, page_size=size, facets=facets, sort=sort, filters=f or [],
                                  exact_facets=exact_facets, session=session)
        except InputError as exc:  # a query syntax error is shown beside the query box
            error = exc.message
            position = exc.details.get("position")
            if isinstance(position, int) and exc.details.get("query") == q.strip():
                text = q.strip()  # the query with the offending character marked
                error_at = (text[:position - 1], text[position - 1:position] or " ", text[position:])
    state = views.PageState(q, (f or []) if result and result["filters"] else [], sort, size, exact_facets, facets)
    # the facet request gets the hit total counted here, sealed: it need not count the hits again
    counted = ({"hits": result["total"], "seal": views.hits_seal(request.app.state.secret_key, result["snapshot_id"],
                                                                result["canonical_query"], result["total"])}
               if result and result["facets_pending"] else {})
    return render(request, "search/search.html", {"q": q, "result": result, "error": error, "error_at": error_at,
                                           "state": state, "counted": counted,
                                           "syntax": views.syntax_help()},
                  status=400 if error else 200)


@router.get("/search/form")
def search_form(
    request: Request, op: FormList = None, field: FormList = None, value: FormList = None,
    kind: FormList = None, status: FormList = None,
    date_field: str = Query("AD", max_length=8), date_from: str = Query("", max_length=20),
    date_to: str = Query("", max_length=20), build: str = Query("", max_length=2),
) -> Response:
    """The form search (表格检索): writes the command-line query and runs it on the search page;
    a value the query language rejects re-renders the form with the input kept and the message
    beside its row."""
    value = value or []
    if len(value) > 20 or any(len(v) > 500 for v in value):
        raise InputError("表格行过多或取值过长 / too many rows or a value too long")
    state = views.form_search({"op": op or [], "field": field or [], "value": value, "kind": kind or [],
                                      "status": status or [],
                                      "date_field": date_field, "date_from": date_from, "date_to": date_to,
                                      "build": build})
    if state["query"]:
        return RedirectResponse(f"/search?{urlencode({'q': state['query']})}", status_code=303)
    return render(request, "search/search_form.html", {"form": state, "choices": views.form_choices(lang(request))},
                  status=400 if state["error"] else 200)


@parts.get("/search/facets")
@page_part(heading="search.facets", level=3)
def search_facets(request: Request, q: str = Query(..., min_length=1, max_length=views.MAX_QUERY_CHARS),
                  size: SearchSize = 20, sort: SearchSort = "relevance", f: FacetFilters = None,
                  exact_facets: bool = Query(False), hits: int | None = Query(None, ge=0),
                  seal: str = Query("", pattern=views.SEAL_PATTERN), access: CorpusAccess = CorpusDep,
                  session: Session = DbDep) -> Response:
    """The search page's facets (an HTML fragment HTMX loads after the hits are shown): each value
    a link that adds it as a filter; estimated counts (约) with a link to the exact ones. ``hits``
    and ``seal``: the page's hit total, used only if the seal is the server's (views.hits_seal) —
    a seal of another total, query or key only costs the count; a value that is no seal or no
    number, like a missing query or a filter it cannot read, is refused in the panel (PartRoute)."""
    counted = views.search_facets(access, q, f or [], exact=exact_facets, hits=hits, seal=seal,
                                  secret=request.app.state.secret_key, session=session)
    return render(request, "search/_search_facets.html",
                  {"facets": counted["facets"], "facet_sample": counted["facet_sample"],
                   "state": views.PageState(q, f or [], sort, size, exact_facets), "clickable": True})


@router.get("/search/export.{fmt}")
def search_export(
    request: Request, fmt: str, q: str = Query(..., min_length=1, max_length=views.MAX_QUERY_CHARS),
    f: FacetFilters = None, page: SearchPage = 1, size: SearchSize = 20, sort: SearchSort = "relevance",
    access: CorpusAccess = CorpusDep, scope: Scope = ScopeDep, session: Session = DbDep,
) -> Response:
    """Every hit of the page's search (its page, size and sort, the page's parameters, are checked as the page checks
    them; the file holds every hit, newest first)."""
    path = views.search_export(access, q, fmt, request.app.state.settings.data_dir / "tmp", filters=f or [],
                               lang=lang(request))
    audit.record(session, scope, "search.export", q[:300], detail={"format": fmt, "filters": (f or [])[:12]},
                 ip=client_ip(request))
    media = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt]
    # named as the other exports: what it holds and the day its data describe (it was zhichan-search.csv each time)
    return FileResponse(path, media_type=media, filename=f"search-{portal.data_as_of(access).isoformat()}.{fmt}",
                        background=BackgroundTask(path.unlink, missing_ok=True))


@router.get("/patents/{application_number}")
def patent_page(request: Request, application_number: str, similar: bool = Query(False),
                access: CorpusAccess = CorpusDep, scope: Scope = ScopeDep) -> Response:
    """The patent, its similar patents loaded after it (``/patents/…/similar``); ``similar=true``, the link a browser
    without JavaScript is given in their place: found with the page, in it."""
    from zhichan.search.ast import quote
    p = views.patent_page(access, application_number)
    # the enterprise page's link where the caller may open it (signing in first, if need be), by the party's own
    # region as that page checks it: a county's officer following it to an applicant from abroad met a refusal, and
    # so did another city's, following a person of the same name placed elsewhere
    key = p.get("first_patentee_key") or ""
    open_to = bool(key) and (not scope.is_authenticated or _opens_enterprise(access, scope, key))
    # the region page's link likewise: an enterprise, a bank or another district's officer was refused (403)
    region_code = p.get("region_code") or ""
    region_open = bool(region_code) and (not scope.is_authenticated or _covers_region(scope, region_code))
    return render(request, "search/patent.html", {"p": {**p, "enterprise_link": open_to, "region_link": region_open},
                                                  "quote_term": quote,
                                                  "similar": views.similar_fragment(access, p["application_number"])
                                                  if similar else None,
                                                  "similar_reasons": views.SIMILAR_REASONS})


def _opens_enterprise(access: CorpusAccess, scope: Scope, key: str) -> bool:
    try:
        party = portal.party_region(access, key)
    except NotFoundError:
        return False
    return scope.covers_party(key, party.get("region_code"))


def _covers_region(scope: Scope, code: str) -> bool:
    try:
        return scope.covers_region(code)
    except InputError:  # a code the reference does not know: no page to open
        return False


@parts.get("/patents/{application_number}/similar")
@page_part(heading="patent.similar")
def patent_similar(request: Request, application_number: str, access: CorpusAccess = CorpusDep) -> Response:
    """The patent page's similar patents (an HTML fragment HTMX loads after the page). A number the current snapshot
    does not hold (it changed since the page was shown, or an edited address) is said in the section (PartRoute);
    no index or no similarity vectors yet, the reason why there is no list."""
    return render(request, "search/_similar.html", {"p": views.similar_fragment(access, application_number),
                                                    "similar_reasons": views.SIMILAR_REASONS})


#: one facet click, ``facet:value`` (zhichan.search.filters); whether the value fits its field is the query
#: language's to say (400)
FacetFilter = Annotated[str, StringConstraints(max_length=220, pattern=rf"^({'|'.join(FACET_FIELD)}):.*\S")]
ApiFacetFilters = Query([], max_length=MAX_FILTERS, description="分面筛选 facet:value，如 ipc:H01M、year:2021 / facet filters")


# a query that does not parse is a 400: the query language (docs/query-language.md) is not a
# pattern the schema can state, so a schema-valid ``q`` may still be refused
@api_router.get("/search", summary="专利检索（公开）/ search published patents (public)",
            responses=errors(400, 422, _400="检索式语法错误或分面筛选无效 / query syntax error or invalid facet filter"))
def search(
    q: str = Query(..., min_length=1, max_length=views.MAX_QUERY_CHARS),
    page: int = Query(1, ge=1, le=10_000, description="页码；超过末页时返回末页（clamped=true）/ page; past the end: the last page"),
    page_size: int = Query(20, ge=1, le=views.MAX_PAGE_SIZE),
    sort: str = Query("relevance", pattern=SORT_PATTERN),
    f: list[FacetFilter] = ApiFacetFilters,
    exact_facets: bool = Query(False, description="精确计数分面（命中超过上限时默认按抽样估算，标 approximate）/ count the "
                               "facets exactly (above the hit limit they are estimated from a sample, flagged approximate)"),
    access: CorpusAccess = CorpusDep, session: Session = DbDep,
) -> dict[str, Any]:
    return views.search(access, q, page=page, page_size=page_size, sort=sort, filters=f, exact_facets=exact_facets,
                        session=session)


@api_router.get("/similar", summary="相似专利（公开）/ similar patents (public)", responses=errors(
    400, 404, 422, _400="须且只能给出 application_number 与 text 之一 / give exactly one of application_number "
    "and text"))
def similar(
    application_number: str | None = Query(None, min_length=3, max_length=40),
    text: str | None = Query(None, min_length=1, max_length=4000),
    k: int = Query(10, ge=1, le=50),
    access: CorpusAccess = CorpusDep,
) -> dict[str, Any]:
    """The ``k`` patents most similar to a patent (``application_number``) or to ``text`` — exactly
    one of the two — with cosine scores."""

    return views.similar(access, application_number, text, k=k)


@api_router.get("/patents/{application_number}", summary="专利著录项目（公开）/ one patent (public)",
            responses=errors(400, 404, 422))
def patent(
    application_number: str = Path(..., min_length=3, max_length=40), access: CorpusAccess = CorpusDep
) -> dict[str, Any]:
    return portal.patent_detail(access, application_number)


DOMAIN = WebDomain("search", (router, parts, api_router), templates=PathLib(__file__).resolve().parent / "templates")
