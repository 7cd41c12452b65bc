"""The cockpit (数据驾驶舱), plan targets, region, indicator and enterprise pages: thin, the data comes
from :mod:`zhichan.indicators.views` (every figure from the indicator registry); scope is checked
in the views and :mod:`zhichan.platform.portal`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from zhichan.errors import InputError
from zhichan.indicators import views
from zhichan.platform import audit, plans, portal
from zhichan.platform.models import Role
from zhichan.platform.portal import CorpusAccess
from zhichan.platform.scope import Scope
from zhichan.web.deps import CorpusDep, DbDep, ScopeDep, TransactionRoute, lang, render, render_string
from zhichan.web.domains import WebDomain
from zhichan.web.i18n import translate
from zhichan.web.security import client_ip

router = APIRouter(include_in_schema=False, route_class=TransactionRoute)


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
                         lambda _cur: render_string(request, "indicators/_cockpit_body.html", data))
    return render(request, "indicators/cockpit.html", {"body": body, "overview": data["overview"]})


# plan targets ------------------------------------------------------------------------------------
@router.get("/plans")
def plans_page(
    request: Request, as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> Response:
    gauges = views.plan_gauges(access, request.app.state.settings, scope, views.parse_as_of(as_of, access), lang(request))
    return render(request, "indicators/plans.html", {"gauges": gauges, "can_upload": scope.role in plans.UPLOAD_ROLES,
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
    return render(request, "indicators/region.html", {"overview": overview,
                                            "indicators": views.indicator_panel(scope, overview["code"], access)})


@router.get("/regions/{code}/indicators")
def region_indicators_page(
    request: Request, code: str, as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> Response:
    data = views.region_indicators(access, scope, code, views.parse_as_of(as_of, access))
    return render(request, "indicators/indicators.html", {"d": data})


@router.get("/regions/{code}/indicators/{indicator}/records")
def indicator_records_page(
    request: Request, code: str, indicator: str, as_of: str | None = Query(None, max_length=10),
    page: int = Query(1, ge=1, le=10_000), scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep,
) -> Response:
    data = views.indicator_records(access, scope, code, indicator, views.parse_as_of(as_of, access), page)
    return render(request, "indicators/indicator_records.html", {"d": data})


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
    return render(request, "indicators/enterprise.html", {"d": data, "trend_spec": trend.spec()})


DOMAIN = WebDomain("indicators", (router,), templates=Path(__file__).resolve().parent / "templates")
