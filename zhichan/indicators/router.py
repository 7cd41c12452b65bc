"""The cockpit (数据驾驶舱), plan targets, region, indicator and enterprise pages: thin, the data comes
from :mod:`zhichan.indicators.views` (every figure from the indicator registry); scope is checked
in the views and :mod:`zhichan.platform.portal`."""

from __future__ import annotations

from pathlib import Path as PathLib
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from zhichan.errors import FormError, InputError, PermissionDenied
from zhichan.indicators import views
from zhichan.indicators.registry import figure_shown, figure_text, in_points, unit_key
from zhichan.platform import audit, plans, portal
from zhichan.platform.models import Role
from zhichan.platform.portal import CorpusAccess
from zhichan.platform.scope import Scope, region_filter
from zhichan.web.deps import CorpusDep, DbDep, ScopeDep, TransactionRoute, lang, render, render_string
from zhichan.web.domains import WebDomain
from zhichan.web.i18n import translate
from zhichan.web.openapi import SCOPED, AsOf, IsoDate, RegionCode, errors, fast_json, public_dict
from zhichan.web.security import client_ip
from zhichan.web.uploads import chosen_file

router = APIRouter(include_in_schema=False, route_class=TransactionRoute)
#: the JSON twins of the pages (scoped like them)
api_router = APIRouter(prefix="/api/v1", responses=errors(), route_class=TransactionRoute)


@router.get("/cockpit")
def cockpit_page(
    request: Request, region: str | None = Query(None, max_length=6),
    as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep,
    session: Session = DbDep,
) -> Response:
    current_lang = lang(request)
    region = region_filter(region) if region else None  # an invalid code: the cockpit, the message beside it
    data = views.cockpit(access, scope, region, current_lang, as_of=views.parse_as_of(as_of),
                         settings=request.app.state.settings, session=session)
    # the content depends only on the view's key (snapshot, region, as-of, language, plan files, the
    # caller's area): rendered once, then reused — the page around it carries the caller's details
    body = access.cached(("cockpit_html", *data.pop("_view_key")),
                         lambda _cur: render_string(request, "indicators/_cockpit_body.html", data))
    return render(request, "indicators/cockpit.html", {"body": body, "overview": data["overview"], "parent": data["parent"],
                                                       "errors": {}})


# plan targets ------------------------------------------------------------------------------------
@router.get("/plans")
def plans_page(
    request: Request, as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> Response:
    return _plans_page(request, scope, access, as_of)


def _plans_page(request: Request, scope: Scope, access: CorpusAccess, as_of: str | None = None, *,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    """The plans page; a refused upload's message beside its file field (``errors["file"]``)."""
    gauges = views.plan_gauges(access, request.app.state.settings, scope, views.parse_as_of(as_of), lang(request))
    return render(request, "indicators/plans.html", {"gauges": gauges, "errors": errors or {},
                                                     "can_upload": scope.role in plans.UPLOAD_ROLES,
                                                     "uploaded": request.query_params.get("uploaded", "")[:120]},
                  status=status)


@router.post("/plans")
def plans_upload(
    request: Request, file: Annotated[UploadFile | None, File(description="YAML / XLSX")] = None,
    scope: Scope = ScopeDep, session: Session = DbDep, access: CorpusAccess = CorpusDep,
) -> Response:
    scope.require_roles(*plans.UPLOAD_ROLES)
    try:
        upload = chosen_file(file)
        content = upload.file.read(plans.MAX_UPLOAD_BYTES + 1)
        saved = plans.save_upload(request.app.state.settings, scope, upload.filename or "", content)
    except (InputError, PermissionDenied) as exc:  # the page again, the reason beside the file field
        message = exc.errors["file"] if isinstance(exc, FormError) else exc.message
        return _plans_page(request, scope, access, errors={"file": message}, status=exc.http_status)
    audit.record(session, scope, "plan.upload", saved.id[:300],
                 detail={"targets": len(saved.plan.targets) if saved.plan else 0}, ip=client_ip(request))
    return RedirectResponse(f"/plans?uploaded={quote(saved.id, safe='')}", status_code=303)


@router.post("/plans/delete")
def plans_delete(
    request: Request, plan_id: str = Form(""), scope: Scope = ScopeDep, session: Session = DbDep,
) -> Response:
    # a button's hidden value, no field to show a message beside: one the list does not hold is no plan (404)
    plans.delete_upload(request.app.state.settings, scope, plan_id)
    audit.record(session, scope, "plan.delete", plan_id[:300], ip=client_ip(request))
    return RedirectResponse("/plans", status_code=303)


@router.get("/charts/{chart_id}.{fmt}")
def chart_image(
    request: Request, chart_id: str, fmt: str, region: str | None = Query(None, max_length=6),
    as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep,
) -> Response:
    """The page's chart as a static image — same definition, rendered by vl-convert, at the page's date."""
    scope.require_region(region or scope.home_region())  # scope before anything else
    if fmt not in ("svg", "png"):
        raise InputError("图片格式只能是 svg 或 png / image format must be svg or png")
    chart = views.chart_for(access, scope, chart_id, region, lang(request), views.parse_as_of(as_of))
    if fmt == "svg":
        return Response(chart.svg(), media_type="image/svg+xml")
    return Response(chart.png(), media_type="image/png")


@router.get("/regions/{code}")
def region_page(
    request: Request, code: str, as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> Response:
    # at the date of the page it was opened from (the cockpit, the indicators), the data end without one
    day = views.parse_as_of(as_of)
    overview = portal.region_overview(access, scope, code, day)
    return render(request, "indicators/region.html", {"overview": overview,
                                            "indicators": views.indicator_panel(scope, overview["code"], access, as_of=day)})


@router.get("/regions/{code}/indicators")
def region_indicators_page(
    request: Request, code: str, as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> Response:
    data = views.region_indicators(access, scope, code, views.parse_as_of(as_of))
    return render(request, "indicators/indicators.html", {"d": data})


@router.get("/regions/{code}/indicators/{indicator}/records")
def indicator_records_page(
    request: Request, code: str, indicator: str, as_of: str | None = Query(None, max_length=10),
    page: int = Query(1, ge=1, le=10_000), holder: str | None = Query(None, min_length=1, max_length=200),
    scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep, session: Session = DbDep,
) -> Response:
    data = views.indicator_records(access, scope, code, indicator, views.parse_as_of(as_of), page, holder, session)
    return render(request, "indicators/indicator_records.html",
                  {"d": views.labelled_records(data, lang(request), request.app.state.procedures.registry, session)})


@router.get("/regions/{code}/indicators/{indicator}/records.{fmt}")
def indicator_records_export(
    request: Request, code: str, indicator: str, fmt: str, as_of: str | None = Query(None, max_length=10),
    holder: str | None = Query(None, min_length=1, max_length=200),
    scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep, session: Session = DbDep,
) -> Response:
    day = views.parse_as_of(as_of)
    path, name = views.indicator_records_export(access, scope, code, indicator, day, fmt,
                                                request.app.state.settings.data_dir / "tmp", lang(request),
                                                request.app.state.procedures.registry, holder, session=session)
    audit.record(session, scope, "indicator.export", f"{code[:12]}:{indicator[:80]}",
                 detail={"format": fmt, "as_of": day.isoformat() if day else None}, ip=client_ip(request))
    media = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt]
    # scoped data: never kept by a browser or proxy cache
    return FileResponse(path, media_type=media, filename=name, headers={"Cache-Control": "no-store"},
                        background=BackgroundTask(path.unlink, missing_ok=True))


TenMonths = Query(views.LEVERS_TEN_MONTHS, ge=1, le=views.LEVERS_TEN_MONTHS_MAX,
                  description="满10年的窗口（月，1–120）/ the 10-year mark's window in months (1-120)")
AnnuityMonths = Query(views.LEVERS_ANNUITY_MONTHS, ge=1, le=views.LEVERS_ANNUITY_MONTHS_MAX,
                      description="年费到期的窗口（月，1–12）/ the annuities' window in months (1-12)")


def _lever_page(lever: str) -> Any:
    """A lever's page in the address (one Query each: FastAPI names a shared one after its first parameter)."""
    return Query(1, ge=1, le=10_000, description=f"{lever} 的页码 / the page of {lever}")


@router.get("/regions/{code}/levers")
def levers_page(
    request: Request, code: str, as_of: str | None = Query(None, max_length=10), ten_months: int = TenMonths,
    annuity_months: int = AnnuityMonths, ten_years_page: int = _lever_page("ten_years"),
    annuity_page: int = _lever_page("annuity"), top_page: int = _lever_page("top"), scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep, session: Session = DbDep,
) -> Response:
    data = views.levers(access, scope, code, views.parse_as_of(as_of), session=session, ten_months=ten_months,
                        annuity_months=annuity_months,
                        pages={"ten_years": ten_years_page, "annuity": annuity_page, "top": top_page})
    return render(request, "indicators/levers.html", {"d": data})


@router.get("/regions/{code}/levers/{lever}.{fmt}")
def levers_export(
    request: Request, code: str, lever: str, fmt: str, as_of: str | None = Query(None, max_length=10),
    months: int | None = Query(None, ge=1, le=120), scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep,
    session: Session = DbDep,
) -> Response:
    day = views.parse_as_of(as_of)
    body, name = views.levers_export(access, scope, code, lever, day, fmt, lang(request), session=session, months=months)
    audit.record(session, scope, "levers.export", f"{code[:12]}:{lever[:20]}",
                 detail={"format": fmt, "as_of": day.isoformat() if day else None}, ip=client_ip(request))
    media = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt]
    return Response(body, media_type=media, headers={"Content-Disposition": f"attachment; filename={name}",
                                                     "Cache-Control": "no-store"})


@router.get("/regions/{code}/export.csv")
def region_export(
    request: Request, code: str, as_of: str | None = Query(None, max_length=10), scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep, session: Session = DbDep,
) -> Response:
    day = views.parse_as_of(as_of)  # the cockpit's date: the file holds the figures the page shows
    overview = portal.region_overview(access, scope, code, day)  # scope check before streaming
    audit.record(session, scope, "region.export", code[:12], detail={"as_of": overview["as_of"]}, ip=client_ip(request))
    return StreamingResponse(views.region_csv(access, scope, code, day, lang(request)), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f"attachment; filename=region-{code[:6]}-{overview['as_of']}.csv",
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
    access: CorpusAccess = CorpusDep, session: Session = DbDep,
) -> Response:
    data = views.enterprise_data(session, portal.enterprise_portfolio(access, scope, party_key, page=page))
    # its own home: what it has under way in the domains (its service applications), above its portfolio
    own = scope.role == Role.ENTERPRISE_USER and scope.party_key == party_key
    panels = [p for d in request.app.state.domains if own and d.home_panel
              for p in [d.home_panel(request, session, scope)] if p is not None]
    from zhichan.reports import charts as rc

    trend = rc.line("enterprise_trend", data["trend"], x="year", y="applications", title="", width=420, height=180,
                    x_title=translate(lang(request), "field.year"), y_title=translate(lang(request), "field.applications"))
    return render(request, "indicators/enterprise.html", {"d": data, "trend_spec": trend.spec(), "panels": panels})




@api_router.get("/regions/{code}", summary="地区概况 / region overview (scoped)", responses=SCOPED)
def region(code: str = RegionCode, as_of: IsoDate | None = AsOf, scope: Scope = ScopeDep,
           access: CorpusAccess = CorpusDep) -> Response:
    """The region page's figures at ``as_of`` (none: each at its default date; ``dates`` says which)."""
    return fast_json(portal.region_overview(access, scope, code, views.parse_as_of(as_of)))


IndicatorCode = Path(..., min_length=1, max_length=80, description="指标代码或中文名 / indicator code or Chinese name")


@api_router.get("/regions/{code}/indicators", summary="地区全部指标及定义 / every indicator of a region (scoped)",
            responses=SCOPED)
def region_indicators(
    code: str = RegionCode, as_of: IsoDate | None = AsOf, scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep
) -> Response:
    """The key figures (``kpis``: registry indicators, see ``indicator_codes``) and every indicator of
    the registry with its definition, 同比, rank and the address of its records — the page
    ``/regions/{code}/indicators`` renders the same ``indicators`` list."""
    day = views.parse_as_of(as_of)
    overview = portal.region_overview(access, scope, code, day)
    data = views.region_indicators(access, scope, code, day)
    return fast_json({"code": overview["code"], "name": overview["name"], "name_en": overview["name_en"],
                      "year": overview["year"],
                      "kpis": overview["kpis"], "indicator_codes": overview["indicator_codes"],
                      "snapshot": overview["snapshot"], "per_10k": overview["per_10k"],
                      "coverage": data["coverage"], "dates": data["dates"], "indicators": data["indicators"],
                      "official_indicators": views.indicator_panel(scope, overview["code"], access, as_of=day)})


@api_router.get("/regions/{code}/indicators/{indicator}/records",
            summary="指标明细记录（分页）/ the records behind an indicator (scoped, paged)", responses=SCOPED)
def indicator_records(
    code: str = RegionCode, indicator: str = IndicatorCode, as_of: IsoDate | None = AsOf,
    page: int = Query(1, ge=1, le=10_000),
    holder: str | None = Query(None, min_length=1, max_length=200,
                               description="一个权利人的记录（主要权利人排名的 holder_key）/ one holder's records (a ranking's "
                               "holder_key)"),
    scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep, session: Session = DbDep,
) -> Response:
    """The same definition as the number and as ``zhichan indicators drill`` (50 records a page);
    CSV/XLSX of all records: ``/regions/{code}/indicators/{indicator}/records.csv`` (``.xlsx``)."""
    return fast_json(views.indicator_records(access, scope, code, indicator, views.parse_as_of(as_of), page, holder,
                                             session))


@api_router.get("/regions/{code}/levers", summary="抓手：即将满10年、年费到期、主要权利人 / levers: 10-year mark, "
                "annuities due, top holders (scoped, paged)", responses=SCOPED)
def levers(
    code: str = RegionCode, as_of: IsoDate | None = AsOf, ten_months: int = TenMonths,
    annuity_months: int = AnnuityMonths, ten_years_page: int = _lever_page("ten_years"),
    annuity_page: int = _lever_page("annuity"), top_page: int = _lever_page("top"), scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep, session: Session = DbDep,
) -> Response:
    """The levers of 每万人口高价值发明专利拥有量 for one region (``zhichan.indicators.levers``, the numbers ``zhichan
    indicators levers`` prints): ``ten_years`` — valid inventions not yet high-value whose 10th filing anniversary
    falls in (``as_of``, ``window_end``]; ``annuity`` — valid inventions whose next annuity falls due in that window
    (``high_value``: how many of them count as high-value now); ``top`` — the holders ranked by their high-value
    inventions (the first ``limit``). Each a page of ``page_size`` rows with its ``total``; ``figures`` the two
    high-value figures at ``as_of`` (default: the corpus's data end). CSV/XLSX of every row:
    ``/regions/{code}/levers/{lever}.csv`` (``.xlsx``)."""
    return fast_json(views.levers(access, scope, code, views.parse_as_of(as_of), session=session,
                                  ten_months=ten_months, annuity_months=annuity_months,
                                  pages={"ten_years": ten_years_page, "annuity": annuity_page, "top": top_page}))


@api_router.get("/cockpit", summary="驾驶舱数据与图表定义 / cockpit data and chart specs (scoped)", responses=SCOPED)
def cockpit(
    request: Request,
    region: str | None = Query(None, pattern=r"^[0-9]{2}([0-9]{2}){0,2}$"),
    as_of: IsoDate | None = AsOf,
    scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
    session: Session = DbDep,
) -> Response:
    return fast_json(public_dict(views.cockpit(access, scope, region, lang(request), as_of=views.parse_as_of(as_of),
                                           settings=request.app.state.settings, session=session)))


@api_router.get("/plans", summary="规划目标完成度（本机构范围）/ plan-target progress (scoped)", responses=SCOPED)
def plan_targets(
    request: Request,
    region: str | None = Query(None, pattern=r"^[0-9]{2}([0-9]{2}){0,2}$"),
    as_of: IsoDate | None = AsOf,
    scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> dict[str, Any]:
    """Progress %, share of the planned increase achieved, required annual growth, forecast (with its
    method) and ``will_meet`` of every plan target inside the caller's area (``zhichan.indicators.plans``)."""
    data = views.plan_gauges(access, request.app.state.settings, scope, views.parse_as_of(as_of), lang(request),
                             region=scope.require_region(region) if region else None)
    return public_dict({k: v for k, v in data.items() if k != "chart"})


@api_router.get("/enterprises/{party_key}", summary="创新主体专利组合 / enterprise portfolio (scoped)", responses=SCOPED)
def enterprise(
    party_key: str = Path(..., min_length=1, max_length=300),
    page: int = Query(1, ge=1, le=10_000),
    scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
    session: Session = DbDep,
) -> dict[str, Any]:
    """The portfolio, with ``organization``: the platform's enterprise bound to the party (its ``name`` and
    ``name_en`` as it registered), ``null`` where none is."""
    return views.enterprise_data(session, portal.enterprise_portfolio(access, scope, party_key, page=page))



def _setup(app: FastAPI) -> None:
    # ``t(unit_key(code))``: an indicator's unit says what it counts (registry.unit_key)
    app.state.templates.env.globals["unit_key"] = unit_key
    app.state.templates.env.globals["figure_text"] = figure_text  # its value, formatted by what it measures
    app.state.templates.env.globals["figure_shown"] = figure_shown  # as the cockpit shows it (万元), indicators/_figure.html
    app.state.templates.env.globals["in_points"] = in_points  # a share's 同比 in percentage points


DOMAIN = WebDomain("indicators", (router, api_router), templates=PathLib(__file__).resolve().parent / "templates",
                   setup=_setup)
