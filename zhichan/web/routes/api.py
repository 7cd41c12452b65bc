"""The JSON API (``/api/v1``), documented by OpenAPI at ``/api/openapi.json`` and ``/api/docs``.

Same service functions and the same scope as the pages. Authenticate with an API token
(``Authorization: Bearer zc_…``) or a session cookie (then unsafe methods need ``X-CSRF-Token``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from zhichan.indicators import views
from zhichan.platform import accounts, audit, jobs, orgs, portal
from zhichan.platform.models import Job
from zhichan.platform.portal import CorpusAccess
from zhichan.platform.scope import Scope
from zhichan.search import views as search_views
from zhichan.search.filters import FACET_FIELD, MAX_FILTERS
from zhichan.web.deps import CorpusDep, DbDep, ScopeDep, TransactionRoute, lang
from zhichan.web.jobkinds import refuse_parametrized
from zhichan.web.openapi import IsoDate, errors
from zhichan.web.security import client_ip

#: the answer every operation can give (503); each lists its own error codes (zhichan.web.openapi.errors)
ERRORS: dict[int | str, dict[str, Any]] = {
    **errors(),
}
router = APIRouter(prefix="/api/v1", responses=ERRORS, route_class=TransactionRoute)

RegionCode = Path(..., pattern=r"^[0-9]{2}([0-9]{2}){0,2}$", description="GB/T 2260 代码（2/4/6位）/ region code")


class Me(BaseModel):
    authenticated: bool
    username: str
    role: str
    organization: str
    region_code: str | None
    enterprise: str | None


def list_job_kinds_in_schema(app: Any) -> None:
    """The kinds ``POST /jobs`` starts are the app's own (``app.state.jobs``): listed as the enum of
    ``JobIn.kind`` when the app generates its schema."""
    from zhichan.web.jobkinds import generic_kinds

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema: dict[str, Any] = generate()
        kind = schema.get("components", {}).get("schemas", {}).get("JobIn", {}).get("properties", {}).get("kind")
        if kind is not None:
            kind["enum"] = sorted(k.kind for k in generic_kinds(app.state.jobs.all()))
        return schema

    app.openapi = openapi


class JobIn(BaseModel):
    model_config = ConfigDict(strict=True)

    kind: str = Field(..., max_length=80, description="任务类型（角色须允许）/ job kind (your role must allow it)")


class JobOut(BaseModel):
    id: int
    kind: str
    title: str
    status: str
    done: int
    total: int | None
    progress: float
    message: str
    created_at: str
    result: dict[str, Any]


class TokenIn(BaseModel):
    model_config = ConfigDict(strict=True)

    name: str = Field(..., min_length=1, max_length=120)


def _public(data: dict[str, Any]) -> dict[str, Any]:
    """Without the internal ``_…`` keys (cache keys), also one level down."""
    return {k: _public(v) if isinstance(v, dict) else v for k, v in data.items() if not k.startswith("_")}


def _json_default(value: Any) -> str:
    """Dates and times as ISO 8601 (``2026-03-02``, ``2026-03-02T02:00:00``); anything else as text."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def fast_json(data: Any) -> Response:
    """JSON without FastAPI's per-field encoder walk (the dicts here hold plain JSON types and dates)."""
    return Response(json.dumps(data, ensure_ascii=False, default=_json_default, separators=(",", ":")),
                    media_type="application/json")


def _job_out(job: Job) -> JobOut:
    return JobOut(id=job.id, kind=job.kind, title=job.title, status=job.status, done=job.done, total=job.total,
                  progress=job.progress, message=job.message, created_at=job.created_at.isoformat() + "Z",
                  result=json.loads(job.result or "{}"))


@router.get("/me", response_model=Me, summary="当前调用者 / the caller", responses=errors(401))
def me(scope: Scope = ScopeDep) -> Me:
    return Me(authenticated=scope.is_authenticated, username=scope.username, role=scope.role,
              organization=scope.org_name, region_code=scope.region_code, enterprise=scope.party_key)


#: one facet click, ``facet:value`` (zhichan.search.filters); whether the value fits its field is the query
#: language's to say (400)
FacetFilter = Annotated[str, StringConstraints(max_length=220, pattern=rf"^({'|'.join(FACET_FIELD)}):.*\S")]
FacetFilters = Query([], max_length=MAX_FILTERS, description="分面筛选 facet:value，如 ipc:H01M、year:2021 / facet filters")


# a query that does not parse is a 400: the query language (docs/query-language.md) is not a
# pattern the schema can state, so a schema-valid ``q`` may still be refused
@router.get("/search", summary="专利检索（公开）/ search published patents (public)",
            responses=errors(400, 422, _400="检索式语法错误或分面筛选无效 / query syntax error or invalid facet filter"))
def search(
    q: str = Query(..., min_length=1, max_length=search_views.MAX_QUERY_CHARS),
    page: int = Query(1, ge=1, le=10_000, description="页码；超过末页时返回末页（clamped=true）/ page; past the end: the last page"),
    page_size: int = Query(20, ge=1, le=search_views.MAX_PAGE_SIZE),
    sort: str = Query("relevance", pattern="^(relevance|date_desc|date_asc)$"),
    f: list[FacetFilter] = FacetFilters,
    access: CorpusAccess = CorpusDep,
) -> dict[str, Any]:
    return search_views.search(access, q, page=page, page_size=page_size, sort=sort, filters=f)


@router.get("/similar", summary="相似专利（公开）/ similar patents (public)", responses=errors(
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

    return search_views.similar(access, application_number, text, k=k)


@router.get("/patents/{application_number}", summary="专利著录项目（公开）/ one patent (public)",
            responses=errors(400, 404, 422))
def patent(
    application_number: str = Path(..., min_length=3, max_length=40), access: CorpusAccess = CorpusDep
) -> dict[str, Any]:
    return portal.patent_detail(access, application_number)


SCOPED = errors(400, 401, 403, 404, 422)


@router.get("/regions/{code}", summary="地区概况 / region overview (scoped)", responses=SCOPED)
def region(code: str = RegionCode, scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep) -> Response:
    return fast_json(portal.region_overview(access, scope, code))


AsOf = Query(None, description="截至日期 YYYY-MM-DD（1985–2100；默认数据截止日）/ as-of date (1985-2100; "
                              "default: the last date the corpus describes)")
IndicatorCode = Path(..., min_length=1, max_length=80, description="指标代码或中文名 / indicator code or Chinese name")


@router.get("/regions/{code}/indicators", summary="地区全部指标及定义 / every indicator of a region (scoped)",
            responses=SCOPED)
def region_indicators(
    code: str = RegionCode, as_of: IsoDate | None = AsOf, scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep
) -> Response:
    """The key figures (``kpis``: registry indicators, see ``indicator_codes``) and every indicator of
    the registry with its definition, 同比, rank and the address of its records — the page
    ``/regions/{code}/indicators`` renders the same ``indicators`` list."""
    day = views.parse_as_of(as_of, access)
    overview = portal.region_overview(access, scope, code, day)
    data = views.region_indicators(access, scope, code, day)
    return fast_json({"code": overview["code"], "name": overview["name"], "year": overview["year"],
                      "kpis": overview["kpis"], "indicator_codes": overview["indicator_codes"],
                      "snapshot": overview["snapshot"], "per_10k": overview["per_10k"],
                      "coverage": data["coverage"], "indicators": data["indicators"],
                      "official_indicators": views.indicator_panel(scope, overview["code"], access, as_of=day)})


@router.get("/regions/{code}/indicators/{indicator}/records",
            summary="指标明细记录（分页）/ the records behind an indicator (scoped, paged)", responses=SCOPED)
def indicator_records(
    code: str = RegionCode, indicator: str = IndicatorCode, as_of: IsoDate | None = AsOf,
    page: int = Query(1, ge=1, le=10_000), scope: Scope = ScopeDep, access: CorpusAccess = CorpusDep,
) -> Response:
    """The same definition as the number and as ``zhichan indicators drill`` (50 records a page);
    CSV/XLSX of all records: ``/regions/{code}/indicators/{indicator}/records.csv`` (``.xlsx``)."""
    return fast_json(views.indicator_records(access, scope, code, indicator, views.parse_as_of(as_of, access), page))


@router.get("/cockpit", summary="驾驶舱数据与图表定义 / cockpit data and chart specs (scoped)", responses=SCOPED)
def cockpit(
    request: Request,
    region: str | None = Query(None, pattern=r"^[0-9]{2}([0-9]{2}){0,2}$"),
    as_of: IsoDate | None = AsOf,
    scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> Response:
    return fast_json(_public(views.cockpit(access, scope, region, lang(request), as_of=views.parse_as_of(as_of, access),
                                           settings=request.app.state.settings)))


@router.get("/plans", summary="规划目标完成度（本机构范围）/ plan-target progress (scoped)", responses=SCOPED)
def plan_targets(
    request: Request,
    region: str | None = Query(None, pattern=r"^[0-9]{2}([0-9]{2}){0,2}$"),
    as_of: IsoDate | None = AsOf,
    scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> dict[str, Any]:
    """Progress %, share of the planned increase achieved, required annual growth, forecast (with its
    method) and ``will_meet`` of every plan target inside the caller's area (``zhichan.indicators.plans``)."""
    data = views.plan_gauges(access, request.app.state.settings, scope, views.parse_as_of(as_of, access), lang(request),
                             region=scope.require_region(region) if region else None)
    return _public({k: v for k, v in data.items() if k != "chart"})


@router.get("/enterprises/{party_key}", summary="创新主体专利组合 / enterprise portfolio (scoped)", responses=SCOPED)
def enterprise(
    party_key: str = Path(..., min_length=1, max_length=300),
    page: int = Query(1, ge=1, le=10_000),
    scope: Scope = ScopeDep,
    access: CorpusAccess = CorpusDep,
) -> dict[str, Any]:
    return portal.enterprise_portfolio(access, scope, party_key, page=page)


@router.get("/jobs", response_model=list[JobOut], summary="后台任务 / jobs of your organization subtree",
            responses=errors(401))
def list_jobs(scope: Scope = ScopeDep, session: Session = DbDep) -> list[JobOut]:
    return [_job_out(j) for j in jobs.list_jobs(session, scope)]


@router.post("/jobs", response_model=JobOut, status_code=201, summary="提交任务 / submit a job",
             responses=errors(400, 401, 403, 422, _400="任务须在其页面提交，或请求体无法解析 / a job submitted from "
                              "its own page only, or an unreadable body"))
def submit_job(body: JobIn, request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> JobOut:
    refuse_parametrized(body.kind)
    params = {"region": scope.region_code} if scope.governance else {}
    job = request.app.state.jobs.submit(session, scope, body.kind, params)
    audit.record(session, scope, "job.submit", f"job:{job.id}", detail={"kind": body.kind}, ip=client_ip(request))
    session.commit()  # stored before the worker is woken
    if request.app.state.worker is not None:
        request.app.state.worker.wake()
    return _job_out(job)


@router.get("/jobs/{job_id}", response_model=JobOut, summary="任务进度 / one job", responses=errors(401, 404, 422))
def get_job(job_id: int = Path(..., ge=1, le=2**31 - 1), scope: Scope = ScopeDep,
            session: Session = DbDep) -> JobOut:
    return _job_out(jobs.get_job(session, scope, job_id))


@router.get("/admin/users", summary="用户（管理员）/ users (admins)", responses=errors(401, 403))
def admin_users(scope: Scope = ScopeDep, session: Session = DbDep) -> list[dict[str, Any]]:
    return [{"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
             "org_id": o.id, "organization": o.name, "active": u.is_active}
            for u, o in accounts.list_users(session, scope)]


@router.get("/admin/orgs", summary="机构（管理员）/ organizations (admins)", responses=errors(401, 403))
def admin_orgs(scope: Scope = ScopeDep, session: Session = DbDep) -> list[dict[str, Any]]:
    scope.require_admin()
    return [{"id": o.id, "name": o.name, "kind": o.kind, "region_code": o.region_code, "parent_id": o.parent_id,
             "party_key": o.party_key} for o in orgs.list_orgs(session, scope)]


@router.get("/admin/audit", summary="审计日志（管理员）/ audit log (admins)", responses=errors(401, 403, 422))
def admin_audit(
    page: int = Query(1, ge=1, le=100_000), action: str | None = Query(None, max_length=80),
    scope: Scope = ScopeDep, session: Session = DbDep,
) -> dict[str, Any]:
    rows, total = audit.list_entries(session, scope, action=action, limit=100, offset=(page - 1) * 100)
    return {"total": total, "entries": [
        {"id": r.id, "at": r.at.isoformat() + "Z", "username": r.username, "action": r.action, "target": r.target,
         "detail": json.loads(r.detail or "{}"), "ip": r.ip, "success": r.success} for r in rows]}


@router.post("/tokens", status_code=201, summary="新建 API 令牌（只显示一次）/ new API token (shown once)",
             responses=errors(400, 401, 403, 422))
def new_token(body: TokenIn, request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> dict[str, Any]:
    token, plain = accounts.create_api_token(session, scope, body.name)
    audit.record(session, scope, "token.create", f"token:{token.id}", ip=client_ip(request))
    return {"id": token.id, "name": token.name, "token": plain}
