"""The JSON API (``/api/v1``), documented by OpenAPI at ``/api/openapi.json`` and ``/api/docs``.

Same service functions and the same scope as the pages. Authenticate with an API token
(``Authorization: Bearer zc_…``) or a session cookie (then unsafe methods need ``X-CSRF-Token``).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from zhichan.platform import accounts, audit, jobs, orgs
from zhichan.platform.models import Job
from zhichan.platform.portal import region_display_name
from zhichan.platform.scope import Scope
from zhichan.web.deps import DbDep, ScopeDep, TransactionRoute
from zhichan.web.jobkinds import refuse_parametrized
from zhichan.web.openapi import BodyText, errors
from zhichan.web.security import client_ip

#: the answer every operation can give (503); each lists its own error codes (zhichan.web.openapi.errors)
ERRORS: dict[int | str, dict[str, Any]] = {
    **errors(),
}
router = APIRouter(prefix="/api/v1", responses=ERRORS, route_class=TransactionRoute)



class Me(BaseModel):
    authenticated: bool
    username: str
    role: str
    organization: str
    #: its English name where known, else ""
    organization_en: str = ""
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

    kind: BodyText = Field(..., max_length=80, description="任务类型（角色须允许）/ job kind (your role must allow it)")


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

    name: BodyText = Field(..., min_length=1, max_length=120)


def _job_out(request: Request, job: Job) -> JobOut:
    return JobOut(id=job.id, kind=job.kind, title=request.app.state.jobs.title_of(job), status=job.status, done=job.done, total=job.total,
                  progress=job.progress, message=job.message, created_at=job.created_at.isoformat() + "Z",
                  result=json.loads(job.result or "{}"))


@router.get("/me", response_model=Me, summary="当前调用者 / the caller", responses=errors(401))
def me(scope: Scope = ScopeDep) -> Me:
    return Me(authenticated=scope.is_authenticated, username=scope.username, role=scope.role,
              organization=scope.org_name, organization_en=scope.org_name_en, region_code=scope.region_code, enterprise=scope.party_key)


@router.get("/jobs", response_model=list[JobOut], summary="后台任务 / jobs of your organization subtree",
            responses=errors(401))
def list_jobs(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> list[JobOut]:
    return [_job_out(request, j) for j in jobs.list_jobs(session, scope)]


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
    return _job_out(request, job)


@router.get("/jobs/{job_id}", response_model=JobOut, summary="任务进度 / one job", responses=errors(401, 404, 422))
def get_job(request: Request, job_id: int = Path(..., ge=1, le=2**31 - 1), scope: Scope = ScopeDep,
            session: Session = DbDep) -> JobOut:
    return _job_out(request, jobs.get_job(session, scope, job_id))


@router.get("/admin/users", summary="用户（管理员）/ users (admins)", responses=errors(401, 403))
def admin_users(scope: Scope = ScopeDep, session: Session = DbDep) -> list[dict[str, Any]]:
    return [{"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
             "org_id": o.id, "organization": o.name, "organization_en": o.name_en, "active": u.is_active}
            for u, o in accounts.list_users(session, scope)]


@router.get("/admin/orgs", summary="机构（管理员）/ organizations (admins)", responses=errors(401, 403))
def admin_orgs(scope: Scope = ScopeDep, session: Session = DbDep) -> list[dict[str, Any]]:
    scope.require_admin()
    return [{"id": o.id, "name": o.name, "name_en": o.name_en, "kind": o.kind, "region_code": o.region_code,
             "region_name": region_display_name(o.region_code, "zh"), "region_name_en": region_display_name(o.region_code, "en"),
             "parent_id": o.parent_id, "party_key": o.party_key} for o in orgs.list_orgs(session, scope)]


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
