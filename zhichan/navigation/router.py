"""Patent navigation pages (专利导航) and their ``/api/v1/navigation`` twins: thin, the data comes from
:mod:`zhichan.navigation.views` (scope: :mod:`zhichan.navigation.scope`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path as PathLib
from typing import Any

from fastapi import APIRouter, FastAPI, Form, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from zhichan.errors import FormError
from zhichan.indicators.views import parse_as_of
from zhichan.navigation import jobs
from zhichan.navigation import views as nav
from zhichan.navigation.scope import NAV_ROLES
from zhichan.platform import audit, portal
from zhichan.platform.scope import Scope
from zhichan.web.deps import DbDep, ScopeDep, TransactionRoute, check_texts, lang, render
from zhichan.web.domains import MenuItem, WebDomain
from zhichan.web.openapi import IsoDate, errors
from zhichan.web.security import client_ip

router = APIRouter(include_in_schema=False, route_class=TransactionRoute)
api_router = APIRouter(prefix="/api/v1/navigation", tags=["navigation"], route_class=TransactionRoute,
                       responses=errors(401, 403))
# no pattern: sign-in and scope are checked before the chain is looked up (an unknown code is a 404)
ChainCode = Path(..., min_length=1, max_length=40, description="产业链代码 / chain code")
RunId = Path(..., ge=1, le=2**31 - 1)
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def _engine(request: Request) -> Any:
    return request.app.state.engine


def _settings(request: Request) -> Any:
    return request.app.state.settings


def _default_as_of(request: Request) -> dt.date:
    access = request.app.state.corpus
    return nav.default_as_of(data_end=portal.data_as_of(access) if access.snapshot() is not None else None)


def _submit(request: Request, session: Session, scope: Scope, code: str, as_of: dt.date | None) -> Any:
    params = nav.job_params(_engine(request), scope, code, as_of or _default_as_of(request))
    job = request.app.state.jobs.submit(session, scope, jobs.JOB_KIND, params)
    audit.record(session, scope, "navigation.run", f"chain:{code}", detail=params, ip=client_ip(request))
    if request.app.state.worker is not None:
        request.app.state.worker.wake()
    return job


# pages -------------------------------------------------------------------------------------------
@router.get("/navigation")
def navigation_home(request: Request, scope: Scope = ScopeDep) -> Response:
    engine, settings = _engine(request), _settings(request)
    return render(request, "navigation/index.html", {
        "chains": nav.chains(engine, scope), "runs": nav.runs(engine, settings, scope, limit=50),
        "schedules": nav.schedules(engine, scope)})


@router.get("/navigation/chains/{code}")
def navigation_chain(request: Request, code: str = ChainCode, scope: Scope = ScopeDep) -> Response:
    return _chain_page(request, scope, code)


def _chain_page(request: Request, scope: Scope, code: str, *, as_of: str | None = None,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    """A chain's page; its run form again with the date as typed and the message beside it (``errors``)."""
    engine, settings = _engine(request), _settings(request)
    return render(request, "navigation/chain.html", {
        "chain": nav.chain_detail(engine, scope, code),
        "default_as_of": _default_as_of(request).isoformat() if as_of is None else as_of,
        "runs": nav.runs(engine, settings, scope, chain_code=code, limit=20), "errors": errors or {}}, status=status)


@router.post("/navigation/chains/{code}/run")
def navigation_run(
    request: Request, code: str = ChainCode, as_of: str = Form(""), scope: Scope = ScopeDep,
    session: Session = DbDep,
) -> Response:
    try:
        check_texts({"as_of": (as_of, 10)})
        day = parse_as_of(as_of) if as_of else None
    except FormError as exc:
        return _chain_page(request, scope, code, as_of=as_of, errors=exc.errors, status=422)
    _submit(request, session, scope, code, day)
    return RedirectResponse("/jobs", status_code=303)


@router.post("/navigation/chains/{code}/schedule")
def navigation_schedule(
    request: Request, code: str = ChainCode, scope: Scope = ScopeDep, session: Session = DbDep,
) -> Response:
    row = nav.schedule(_engine(request), scope, code)
    audit.record(session, scope, "navigation.schedule", f"chain:{code}", detail=row, ip=client_ip(request))
    return RedirectResponse("/navigation", status_code=303)


@router.get("/navigation/runs/{run_id}")
def navigation_report(request: Request, run_id: int = RunId, scope: Scope = ScopeDep) -> Response:
    engine, settings = _engine(request), _settings(request)
    run = nav.get_run(engine, settings, scope, run_id)
    fragment = nav.run_fragment(engine, settings, scope, run_id, lang(request))
    return render(request, "navigation/report.html",
                  {"run": run, "fragment": Markup(fragment) if fragment is not None else None})


@router.get("/navigation/runs/{run_id}/report.{fmt}")
def navigation_download(
    request: Request, fmt: str, run_id: int = RunId, scope: Scope = ScopeDep, session: Session = DbDep,
) -> Response:
    path = nav.run_download(_engine(request), _settings(request), scope, run_id, fmt, lang(request))
    fmt = path.suffix.lstrip(".")
    audit.record(session, scope, "navigation.download", f"run:{run_id}", detail={"format": fmt},
                 ip=client_ip(request))
    return FileResponse(path, media_type=MEDIA[fmt], filename=path.name)


# API ---------------------------------------------------------------------------------------------
class RunIn(BaseModel):
    model_config = ConfigDict(strict=True)

    as_of: IsoDate | None = Field(None, description="截至日期 YYYY-MM-DD（1985–2100；默认上一个已结束季度末）/ "
                                                    "as-of date (1985-2100; default: the last quarter end)")


@api_router.get("/chains", summary="产业链 / industry chains")
def api_chains(request: Request, scope: Scope = ScopeDep) -> list[dict[str, Any]]:
    return nav.chains(_engine(request), scope)


@api_router.get("/chains/{code}", summary="产业链技术分解表 / a chain's decomposition tree and queries",
                responses=errors(404, 422))
def api_chain(request: Request, code: str = ChainCode, scope: Scope = ScopeDep) -> dict[str, Any]:
    return nav.chain_detail(_engine(request), scope, code)


@api_router.post("/chains/{code}/runs", status_code=202, summary="后台分析并生成报告 / run an analysis (job)",
                 responses=errors(400, 404, 422, _400="请求体无法解析 / an unreadable body"))
def api_run(request: Request, body: RunIn, code: str = ChainCode, scope: Scope = ScopeDep,
            session: Session = DbDep) -> dict[str, Any]:
    job = _submit(request, session, scope, code, body.as_of)
    return {"job_id": job.id, "status": job.status, "url": f"/api/v1/jobs/{job.id}"}


@api_router.get("/runs", summary="导航报告（本机构范围）/ report runs in your area", responses=errors(422))
def api_runs(request: Request, chain: str | None = Query(None, max_length=40),
             scope: Scope = ScopeDep) -> list[dict[str, Any]]:
    return nav.runs(_engine(request), _settings(request), scope, chain_code=chain)


@api_router.get("/runs/{run_id}", summary="一份导航报告 / one report run", responses=errors(404, 422))
def api_run_detail(request: Request, run_id: int = RunId, scope: Scope = ScopeDep) -> dict[str, Any]:
    return nav.get_run(_engine(request), _settings(request), scope, run_id)


@api_router.get("/schedules", summary="季度计划（本机构范围）/ quarterly schedules in your area")
def api_schedules(request: Request, scope: Scope = ScopeDep) -> list[dict[str, Any]]:
    return nav.schedules(_engine(request), scope)


TEMPLATES = PathLib(__file__).resolve().parent / "templates"


def menu(scope: Scope) -> list[MenuItem]:
    if scope.governance and scope.role in NAV_ROLES:
        return [("/navigation", "nav.navigation")]
    return []


def _setup(app: FastAPI) -> None:
    jobs.register(app.state.jobs, app.state.engine, app.state.settings, app.state.corpus)


DOMAIN = WebDomain("navigation", (router, api_router), TEMPLATES, setup=_setup, menu=menu, menu_group="analysis")
