"""HTTP for the procedures domain: the to-do list, starting a case, the case page with its timeline,
taking a step, documents; the same data as JSON under ``/api/v1``. Thin: the service decides."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from zhichan.errors import ConflictError, NotFoundError, PermissionDenied
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope
from zhichan.procedures import views
from zhichan.procedures.scope import may_start
from zhichan.procedures.service import FormError, ProcedureService, Upload
from zhichan.web.deps import DbDep, ScopeDep, TransactionRoute, case_url, lang, render, render_string
from zhichan.web.domains import MenuItem, WebDomain
from zhichan.web.openapi import errors, fast_json

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: files per submitted step, and their total as a multiple of the per-file limit (memory stays bounded)
MAX_FILES = 20
MAX_FILES_TOTAL_FACTOR = 5
router = APIRouter(route_class=TransactionRoute)

#: ids and versions as the database stores them (a larger number is a 422, never an overflow)
MAX_INT = 2**31 - 1
CaseId = Annotated[int, PathParam(ge=1, le=MAX_INT)]
StepSeq = Annotated[int, PathParam(ge=1, le=100_000)]


def service(request: Request) -> ProcedureService:
    service: ProcedureService = request.app.state.procedures
    return service


def menu(scope: Scope) -> list[MenuItem]:
    """The domain's menu entries for this caller."""
    if scope.governance or scope.role in (Role.ENTERPRISE_USER, Role.BANK_USER, Role.AGENCY_USER):
        return [("/todo", "nav.todo")]
    return []


async def read_step_form(request: Request, fields: dict[str, Any]) -> tuple[tuple[Upload, ...], int | None]:
    """The submitted step: its fields go into ``fields`` as they are read, so a refusal on the files
    still re-renders the form with the typed text; the version is ``None`` unless a plain number."""
    uploads: list[Upload] = []
    total = 0
    async with request.form(max_files=MAX_FILES, max_fields=200) as form:
        fields.update((k, v) for k, v in form.multi_items() if isinstance(v, str) and k not in ("csrf_token", "version"))
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                # an oversized file is not read into memory: its first bytes carry the refusal
                limit = service(request).max_attachment_bytes
                content = await value.read(limit + 1)
                total += len(content)
                if total > MAX_FILES_TOTAL_FACTOR * limit:
                    mb = MAX_FILES_TOTAL_FACTOR * limit // (1024 * 1024)
                    raise FormError({"extra": f"附件合计超过 {mb} MB / attachments exceed {mb} MB in total"})
                if content or value.filename:
                    uploads.append(Upload(key, value.filename or "", content))
        raw_version = form.get("version")
    # str.isdigit() also accepts "²"; a number past the column's range would overflow the driver
    valid = isinstance(raw_version, str) and re.fullmatch(r"[0-9]{1,10}", raw_version) and int(raw_version) <= MAX_INT
    return tuple(uploads), int(raw_version) if valid and isinstance(raw_version, str) else None


# -- pages ---------------------------------------------------------------------------------------

@router.get("/todo", include_in_schema=False)
def todo_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep,
              page: int = Query(1, ge=1, le=10_000), area: bool = False, moved: str = "") -> Response:
    scope.require_authenticated()
    data = _todo(request, session, scope, page=page, area=area)
    starts = [(d.procedure, d.title(lang(request))) for d in _startable(request, scope)]
    # the case the caller just moved to another office (``act_submit``): the number it was redirected with, said as given
    moved = moved if CASE_NUMBER.fullmatch(moved) else ""
    return render(request, "procedures/todo.html", {**data, "starts": starts, "moved": moved})


#: a case number as the engine makes it (PD-2026-000509): what the to-do page repeats of its ``moved`` parameter
CASE_NUMBER = re.compile(r"[A-Z]{1,8}-\d{4}-\d{1,9}")


def _todo(request: Request, session: Session, scope: Scope, *, page: int, area: bool) -> dict[str, Any]:
    """The to-do list, each case with the address of its page (a service application's own progress page)."""
    data = views.todo_view(service(request), session, scope, lang(request), page=page, area=area)
    domains = request.app.state.domains
    return {**data, "items": [{**i, "url": case_url(domains, i["code"], i["id"])} for i in data["items"]]}


def _startable(request: Request, scope: Scope) -> list[Any]:
    seen: dict[str, Any] = {}
    for d in service(request).registry.all():
        if d.procedure in seen:
            continue
        if may_start(scope, d.start):
            seen[d.procedure] = d
    return list(seen.values())


def _start_page(request: Request, scope: Scope, procedure: str, *, errors: dict[str, str] | None = None,
                values: dict[str, Any] | None = None, status: int = 200) -> Response:
    if procedure not in service(request).registry.procedures():
        raise NotFoundError(f"没有办理程序 {procedure} / no procedure {procedure}")
    decl = next((d for d in _startable(request, scope) if d.procedure == procedure), None)
    if decl is None:
        raise PermissionDenied("当前角色不能发起该程序 / your role cannot start this procedure")
    region = scope.region_code
    decl = service(request).registry.for_region(procedure, region) if region else decl
    # a list's choices open to the filer's area — an office's, or an enterprise's registered one (the protection
    # centres serving it)
    area = region or scope.party_area
    options = {f.name: service(request).options(f, area) for f in decl.start.fields if f.options is not None}
    return render(request, "procedures/start.html", {**views.start_view(decl, lang(request), options),
                                                     "errors": errors or {}, "values": values or {}}, status=status)


@router.get("/procedures/{procedure}/new", include_in_schema=False)
def start_form(request: Request, procedure: str, scope: Scope = ScopeDep) -> Response:
    scope.require_authenticated()
    registry = service(request).registry
    decl = registry.for_region(procedure, scope.region_code) if procedure in registry.procedures() else None
    # a declared field named in the query starts filled in (a list's "grade this patent" link)
    given = {f.name: request.query_params[f.name][:200] for f in decl.start.fields
             if f.name in request.query_params} if decl else {}
    return _start_page(request, scope, procedure, values={**views.start_prefill(decl, scope), **given} if decl else None)


@router.post("/procedures/{procedure}/new", include_in_schema=False)
async def start_submit(request: Request, procedure: str, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields: dict[str, Any] = {}
    try:
        uploads, _ = await read_step_form(request, fields)
        created = service(request).start(session, scope, procedure, fields=fields, uploads=uploads,
                                         ip=request.client.host if request.client else "")
    except FormError as exc:
        session.rollback()
        return _start_page(request, scope, procedure, errors=exc.errors, values=fields, status=422)
    session.commit()
    # the new case's own page: a service application opens its progress page, other cases the case page
    return RedirectResponse(case_url(request.app.state.domains, procedure, created["id"]), status_code=303)


def _case_page(request: Request, scope: Scope, session: Session, case_id: CaseId, *, errors: dict[str, str] | None = None,
               values: dict[str, Any] | None = None, failed: str | None = None, message: str = "",
               status: int = 200) -> Response:
    data = views.case_view(service(request), session, scope, case_id, lang(request), keep=failed, values=values)
    panels = [p for d in request.app.state.domains if d.case_panel
              for p in [d.case_panel(request, session, scope, data)] if p is not None]
    return render(request, "procedures/case.html", {**data, "panels": panels, "errors": errors or {}, "values": values or {},
                                                    "failed": failed, "message": message}, status=status)


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(request: Request, case_id: CaseId, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return _case_page(request, scope, session, case_id)


@router.post("/cases/{case_id}/act/{event}", include_in_schema=False)
async def act_submit(request: Request, case_id: CaseId, event: str, scope: Scope = ScopeDep,
                     session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields: dict[str, Any] = {}
    try:
        uploads, version = await read_step_form(request, fields)
        done = service(request).act(session, scope, case_id, event, version=version or 0, fields=fields, uploads=uploads,
                                    ip=request.client.host if request.client else "")
    except FormError as exc:
        session.rollback()
        return _case_page(request, scope, session, case_id, errors=exc.errors, values=fields, failed=event, status=422)
    except ConflictError as exc:
        session.rollback()
        return _case_page(request, scope, session, case_id, values=fields, failed=event, message=exc.message, status=409)
    session.commit()
    if done.get("moved") and not service(request).sees(session, scope, case_id):
        # moved to an office the caller's is not above (移送 to a sibling district): its page is no longer the caller's
        return RedirectResponse(f"/todo?moved={done['number']}", status_code=303)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}/documents/{sha256}", include_in_schema=False)
def document(request: Request, case_id: CaseId, sha256: str, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    path, name, media = service(request).document_path(session, scope, case_id, sha256)
    return FileResponse(path, media_type=media, filename=name, headers={"Cache-Control": "no-store"})


@router.get("/cases/{case_id}/steps/{seq}/certificate.pdf", include_in_schema=False)
def step_certificate(request: Request, case_id: CaseId, seq: StepSeq, scope: Scope = ScopeDep,
                     session: Session = DbDep) -> Response:
    """The evidence certificate of one step (its entry in the log, with the inclusion proof)."""
    from zhichan.evidence.certificate import render_pdf

    scope.require_authenticated()
    cert, details, synthetic = views.step_certificate(service(request), session, scope, case_id, seq)
    pdf = render_pdf(cert, details=details, synthetic=synthetic)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="case-{case_id}-step-{seq}.pdf"', "Cache-Control": "no-store"})


# -- JSON API ------------------------------------------------------------------------------------

class TransitionIn(BaseModel):
    model_config = ConfigDict(strict=True)

    event: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    version: int = Field(ge=1, le=MAX_INT)
    fields: dict[str, str | int] = Field(default_factory=dict, max_length=50)


@router.get("/api/v1/todo", tags=["procedures"], responses=errors(401, 422))
def api_todo(request: Request, scope: Scope = ScopeDep, session: Session = DbDep,
             page: int = Query(1, ge=1, le=10_000), area: bool = False) -> Response:
    """我的待办: open cases of the caller's organization awaiting a step it may take, nearest deadline
    first; ``area=true``: of the whole area below it (辖区待办)."""
    scope.require_authenticated()
    return fast_json(_todo(request, session, scope, page=page, area=area))


@router.get("/api/v1/cases/{case_id}", tags=["procedures"], responses=errors(401, 404, 422))
def api_case(request: Request, case_id: CaseId, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """A case: its state, clocks with deadlines, timeline of steps, notices and the steps the caller may take."""
    scope.require_authenticated()
    return fast_json(views.case_view(service(request), session, scope, case_id, lang(request)))


@router.post("/api/v1/cases/{case_id}/transitions", tags=["procedures"], responses=errors(
    400, 401, 403, 404, 409, 422, _403="角色不能执行此步骤，或缺少 CSRF 令牌 / your role may not take this step, or no "
    "CSRF token", _409="案件已前进（版本过期），或该步骤此时不适用（如没有待决定的申请）/ the case moved on (stale "
    "version), or the step does not apply now (such as a decision with no request pending)",
    _422="字段或文件无效或缺失 / invalid or missing fields or documents"))
def api_transition(request: Request, case_id: CaseId, body: TransitionIn, scope: Scope = ScopeDep,
                   session: Session = DbDep) -> JSONResponse:
    """Take a step without documents (steps that need documents are taken on the case page)."""
    scope.require_authenticated()
    result = service(request).act(session, scope, case_id, body.event, version=body.version,
                                  fields=dict(body.fields), ip=request.client.host if request.client else "")
    session.commit()
    return JSONResponse(result)


def home_panel(request: Request, session: Session, scope: Scope) -> Markup | None:
    """On an enterprise's own home: the cases it filed that are still open, each leading to its page — those a domain
    gives a page of their own (the service catalogue's applications) its own panel lists."""
    domains = request.app.state.domains
    listed_elsewhere = [p for p in service(request).registry.procedures()
                        if any(d.case_page and d.case_page(p, 0) for d in domains)]
    data = views.own_cases_view(service(request), session, scope, lang(request), excluded=listed_elsewhere)
    if not data["items"]:
        return None  # nothing under way: no panel (its services panel says how to apply)
    items = [{**i, "url": case_url(domains, i["code"], i["id"])} for i in data["items"]]
    return render_string(request, "procedures/_home_panel.html", {**data, "items": items})


def _setup(app: FastAPI) -> None:
    from zhichan.procedures import jobs

    settings = app.state.settings
    jobs.register(app.state.jobs, app.state.procedures, settings.procedure_sweep_seconds,
                  settings.data_dir, settings.procedure_export_seconds)


DOMAIN = WebDomain("procedures", (router,), TEMPLATES, setup=_setup, menu=menu, home_panel=home_panel)
