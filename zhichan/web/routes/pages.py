"""Server-rendered pages. Each one renders the same dict its ``/api/v1`` twin returns."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from zhichan.errors import InputError
from zhichan.platform import accounts, audit, jobs, plans, portal
from zhichan.platform.models import Role
from zhichan.platform.portal import CorpusAccess
from zhichan.platform.scope import Scope
from zhichan.web import views
from zhichan.web.deps import CorpusDep, DbDep, ScopeDep, TransactionRoute, lang, render, render_string
from zhichan.web.i18n import translate
from zhichan.web.jobkinds import generic_kinds, refuse_parametrized
from zhichan.web.security import client_ip

router = APIRouter(include_in_schema=False, route_class=TransactionRoute)


@router.get("/")
def home(scope: Scope = ScopeDep) -> Response:
    if scope.governance:
        return RedirectResponse("/cockpit", status_code=303)
    if scope.role == Role.ENTERPRISE_USER:
        return RedirectResponse("/enterprise", status_code=303)
    return RedirectResponse("/search", status_code=303)


#: facet filters ``facet:value`` (zhichan.search.filters), repeatable: ``?f=ipc:H01M&f=year:2021``
FacetFilters = Annotated[list[str] | None, Query(max_length=220)]
#: a repeated field of the form search (one per row or checkbox); a type, not a shared default:
#: FastAPI binds a ``Query`` object to the first parameter that uses it
FormList = Annotated[list[str] | None, Query(max_length=500)]


@router.get("/search")
def search_page(
    request: Request,
    q: str = Query("", max_length=views.MAX_QUERY_CHARS),
    page: int = Query(1, ge=1, le=10_000),
    size: int = Query(20, ge=1, le=views.MAX_PAGE_SIZE),
    sort: str = Query("relevance", max_length=20),
    f: FacetFilters = None,
    access: CorpusAccess = CorpusDep,
) -> Response:
    from zhichan.web import search_views

    result, error, error_at = None, None, None
    if q.strip():
        try:
            result = views.search(access, q, page=page, page_size=size, facets=False, sort=sort, filters=f or [])
        except InputError as exc:  # a query syntax error is shown beside the query box
            error = exc.message
            position = exc.details.get("position")
            if isinstance(position, int) and exc.details.get("query") == q.strip():
                text = q.strip()  # the query with the offending character marked
                error_at = (text[:position - 1], text[position - 1:position] or " ", text[position:])
    state = search_views.PageState(q, (f or []) if result and result["filters"] else [], sort, size)
    return render(request, "search.html", {"q": q, "result": result, "error": error, "error_at": error_at,
                                           "state": state,
                                           "syntax": search_views.syntax_help()},
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
    from zhichan.web import search_views

    value = value or []
    if len(value) > 20 or any(len(v) > 500 for v in value):
        raise InputError("表格行过多或取值过长 / too many rows or a value too long")
    state = search_views.form_search({"op": op or [], "field": field or [], "value": value, "kind": kind or [],
                                      "status": status or [],
                                      "date_field": date_field, "date_from": date_from, "date_to": date_to,
                                      "build": build})
    if state["query"]:
        return RedirectResponse(f"/search?{urlencode({'q': state['query']})}", status_code=303)
    return render(request, "search_form.html", {"form": state, "choices": search_views.form_choices(lang(request))},
                  status=400 if state["error"] else 200)


@router.get("/search/facets")
def search_facets(request: Request, q: str = Query(..., min_length=1, max_length=views.MAX_QUERY_CHARS),
                  size: int = Query(20, ge=1, le=views.MAX_PAGE_SIZE),
                  sort: str = Query("relevance", max_length=20), f: FacetFilters = None,
                  access: CorpusAccess = CorpusDep) -> Response:
    """The search page's facets (an HTML fragment HTMX loads after the hits are shown): each value
    a link that adds it as a filter."""
    from zhichan.web import search_views

    facets = views.search_facets(access, q, f or [])["facets"]
    return render(request, "_search_facets.html",
                  {"facets": facets, "state": search_views.PageState(q, f or [], sort, size), "clickable": True})


@router.get("/search/export.{fmt}")
def search_export(
    request: Request, fmt: str, q: str = Query(..., min_length=1, max_length=views.MAX_QUERY_CHARS),
    f: FacetFilters = None,
    access: CorpusAccess = CorpusDep, scope: Scope = ScopeDep, session: Session = DbDep,
) -> Response:
    path = views.search_export(access, q, fmt, request.app.state.settings.data_dir / "tmp", filters=f or [])
    audit.record(session, scope, "search.export", q[:300], detail={"format": fmt, "filters": (f or [])[:12]},
                 ip=client_ip(request))
    media = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt]
    return FileResponse(path, media_type=media, filename=f"zhichan-search.{fmt}",
                        background=BackgroundTask(path.unlink, missing_ok=True))


@router.get("/patents/{application_number}")
def patent_page(request: Request, application_number: str, access: CorpusAccess = CorpusDep) -> Response:
    from zhichan.search.ast import quote
    from zhichan.web import search_views

    return render(request, "patent.html", {"p": search_views.patent_page(access, application_number),
                                           "quote_term": quote})


@router.get("/patents/{application_number}/similar")
def patent_similar(request: Request, application_number: str, access: CorpusAccess = CorpusDep) -> Response:
    """The patent page's similar patents (an HTML fragment HTMX loads after the page)."""
    from zhichan.web import search_views

    return render(request, "_similar.html", {"p": search_views.similar_fragment(access, application_number)})


@router.get("/cockpit")
def cockpit_page(
    request: Request, region: str | None = Query(None, max_length=6),
    as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep,
) -> Response:
    current_lang = lang(request)
    data = views.cockpit(access, scope, region, current_lang, as_of=views.parse_as_of(as_of, access),
                         settings=request.app.state.settings)
    # the content depends only on the view's key (snapshot, region, as-of, language, plan files, the
    # caller's area): rendered once, then reused — the page around it carries the caller's details
    body = access.cached(("cockpit_html", *data.pop("_view_key")),
                         lambda _cur: render_string(request, "_cockpit_body.html", data))
    return render(request, "cockpit.html", {"body": body, "overview": data["overview"]})


# plan targets ------------------------------------------------------------------------------------
@router.get("/plans")
def plans_page(
    request: Request, as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> Response:
    gauges = views.plan_gauges(access, request.app.state.settings, scope, views.parse_as_of(as_of, access), lang(request))
    return render(request, "plans.html", {"gauges": gauges, "can_upload": scope.role in plans.UPLOAD_ROLES,
                                          "uploaded": request.query_params.get("uploaded", "")[:120]})


PlanFileField = File(..., description="YAML / XLSX")


@router.post("/plans")
def plans_upload(
    request: Request, file: UploadFile = PlanFileField, scope: Scope = ScopeDep, session: Session = DbDep,
) -> Response:
    scope.require_roles(*plans.UPLOAD_ROLES)
    content = file.file.read(plans.MAX_UPLOAD_BYTES + 1)
    saved = plans.save_upload(request.app.state.settings, scope, file.filename or "", content)
    audit.record(session, scope, "plan.upload", saved.id[:300],
                 detail={"targets": len(saved.plan.targets) if saved.plan else 0}, ip=client_ip(request))
    return RedirectResponse(f"/plans?uploaded={quote(saved.id, safe='')}", status_code=303)


@router.post("/plans/delete")
def plans_delete(
    request: Request, plan_id: str = Form(..., max_length=200), scope: Scope = ScopeDep, session: Session = DbDep,
) -> Response:
    plans.delete_upload(request.app.state.settings, scope, plan_id)
    audit.record(session, scope, "plan.delete", plan_id[:300], ip=client_ip(request))
    return RedirectResponse("/plans", status_code=303)


@router.get("/charts/{chart_id}.{fmt}")
def chart_image(
    request: Request, chart_id: str, fmt: str, region: str | None = Query(None, max_length=6),
    scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep,
) -> Response:
    """The page's chart as a static image — same definition, rendered by vl-convert."""
    scope.require_region(region or scope.home_region())  # scope before anything else
    if fmt not in ("svg", "png"):
        raise InputError("图片格式只能是 svg 或 png / image format must be svg or png")
    chart = views.chart_for(access, scope, chart_id, region, lang(request))
    if fmt == "svg":
        return Response(chart.svg(), media_type="image/svg+xml")
    return Response(chart.png(), media_type="image/png")


@router.get("/regions/{code}")
def region_page(request: Request, code: str, scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep) -> Response:
    overview = portal.region_overview(access, scope, code)
    return render(request, "region.html", {"overview": overview,
                                            "indicators": views.indicator_panel(scope, overview["code"], access)})


@router.get("/regions/{code}/indicators")
def region_indicators_page(
    request: Request, code: str, as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> Response:
    data = views.region_indicators(access, scope, code, views.parse_as_of(as_of, access))
    return render(request, "indicators.html", {"d": data})


@router.get("/regions/{code}/indicators/{indicator}/records")
def indicator_records_page(
    request: Request, code: str, indicator: str, as_of: str | None = Query(None, max_length=10),
    page: int = Query(1, ge=1, le=10_000), scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep,
) -> Response:
    data = views.indicator_records(access, scope, code, indicator, views.parse_as_of(as_of, access), page)
    return render(request, "indicator_records.html", {"d": data})


@router.get("/regions/{code}/indicators/{indicator}/records.{fmt}")
def indicator_records_export(
    request: Request, code: str, indicator: str, fmt: str, as_of: str | None = Query(None, max_length=10),
    scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep, session: Session = DbDep,
) -> Response:
    day = views.parse_as_of(as_of, access)
    path, name = views.indicator_records_export(access, scope, code, indicator, day, fmt,
                                                request.app.state.settings.data_dir / "tmp")
    audit.record(session, scope, "indicator.export", f"{code[:12]}:{indicator[:80]}",
                 detail={"format": fmt, "as_of": day.isoformat()}, ip=client_ip(request))
    media = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt]
    # scoped data: never kept by a browser or proxy cache
    return FileResponse(path, media_type=media, filename=name, headers={"Cache-Control": "no-store"},
                        background=BackgroundTask(path.unlink, missing_ok=True))


@router.get("/regions/{code}/export.csv")
def region_export(
    request: Request, code: str, scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep,
    session: Session = DbDep,
) -> Response:
    portal.region_overview(access, scope, code)  # scope check before streaming
    audit.record(session, scope, "region.export", code[:12], ip=client_ip(request))
    return StreamingResponse(views.region_csv(access, scope, code), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f"attachment; filename=region-{code[:6]}.csv",
                                      "Cache-Control": "no-store"})


@router.get("/enterprise")
def own_enterprise(scope: Scope = ScopeDep) -> Response:
    scope.require_roles(Role.ENTERPRISE_USER)
    if not scope.party_key:
        raise InputError("当前账号未关联企业 / this account is not linked to an enterprise")
    return RedirectResponse(f"/enterprises/{quote(scope.party_key, safe='')}", status_code=303)


@router.get("/enterprises/{party_key}")
def enterprise_page(
    request: Request, party_key: str, page: int = Query(1, ge=1, le=10_000), scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> Response:
    data = portal.enterprise_portfolio(access, scope, party_key, page=page)
    from zhichan.reports import charts as rc

    trend = rc.line("enterprise_trend", data["trend"], x="year", y="applications", title="", width=420, height=180,
                    x_title=translate(lang(request), "field.year"), y_title=translate(lang(request), "field.applications"))
    return render(request, "enterprise.html", {"d": data, "trend_spec": trend.spec()})


# jobs --------------------------------------------------------------------------------------------
def _jobs_context(request: Request, session: Session, scope: Scope) -> dict[str, Any]:
    return {"jobs": jobs.list_jobs(session, scope), "kinds": generic_kinds(request.app.state.jobs.kinds(scope))}


@router.get("/jobs")
def jobs_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return render(request, "jobs.html", _jobs_context(request, session, scope))


@router.get("/jobs/table")
def jobs_table(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """The HTMX fragment the jobs page polls."""
    scope.require_authenticated()
    return render(request, "_jobs_table.html", _jobs_context(request, session, scope))


@router.post("/jobs")
def jobs_submit(
    request: Request, kind: str = Form(..., max_length=80), scope: Scope = ScopeDep, session: Session = DbDep
) -> Response:
    refuse_parametrized(kind)
    params: dict[str, Any] = {}
    if scope.governance:
        params["region"] = scope.region_code
    job = request.app.state.jobs.submit(session, scope, kind, params)
    audit.record(session, scope, "job.submit", f"job:{job.id}", detail={"kind": kind}, ip=client_ip(request))
    worker = request.app.state.worker
    if worker is not None:
        worker.wake()
    return RedirectResponse("/jobs", status_code=303)


@router.post("/jobs/{job_id}/resume")
def jobs_resume(request: Request, job_id: int, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    jobs.resume(session, scope, job_id)
    audit.record(session, scope, "job.resume", f"job:{job_id}", ip=client_ip(request))
    if request.app.state.worker is not None:
        request.app.state.worker.wake()
    return RedirectResponse("/jobs", status_code=303)


# account -----------------------------------------------------------------------------------------
@router.get("/account")
def account_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return render(request, "account.html", {"tokens": accounts.list_api_tokens(session, scope), "new_token": None})


@router.post("/account/tokens")
def account_new_token(
    request: Request, name: str = Form(..., max_length=120), scope: Scope = ScopeDep, session: Session = DbDep
) -> Response:
    token, plain = accounts.create_api_token(session, scope, name)
    audit.record(session, scope, "token.create", f"token:{token.id}", ip=client_ip(request))
    return render(request, "account.html", {"tokens": accounts.list_api_tokens(session, scope), "new_token": plain})


@router.post("/account/tokens/{token_id}/revoke")
def account_revoke_token(
    request: Request, token_id: int, scope: Scope = ScopeDep, session: Session = DbDep
) -> Response:
    accounts.revoke_api_token(session, scope, token_id)
    audit.record(session, scope, "token.revoke", f"token:{token_id}", ip=client_ip(request))
    return RedirectResponse("/account", status_code=303)
