"""Server-rendered pages. Each one renders the same dict its ``/api/v1`` twin returns."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from zhichan.errors import FormError
from zhichan.platform import accounts, audit, jobs
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope
from zhichan.web.deps import DbDep, PartRoute, ScopeDep, TransactionRoute, check_texts, page_part, render
from zhichan.web.jobkinds import generic_kinds, refuse_parametrized
from zhichan.web.security import client_ip

router = APIRouter(include_in_schema=False, route_class=TransactionRoute)
#: the parts these pages load in their place (zhichan.web.deps.PartRoute): what they cannot show is said there
parts = APIRouter(include_in_schema=False, route_class=PartRoute)


@router.get("/")
def home(scope: Scope = ScopeDep) -> Response:
    if scope.governance:
        return RedirectResponse("/cockpit", status_code=303)
    if scope.role == Role.ENTERPRISE_USER:
        return RedirectResponse("/enterprise", status_code=303)
    if scope.role == Role.BANK_USER:  # a bank's work here: the pledges it is pledgee of, its whitelists
        return RedirectResponse("/finance", status_code=303)
    return RedirectResponse("/search", status_code=303)


# jobs --------------------------------------------------------------------------------------------
def _jobs_context(request: Request, session: Session, scope: Scope) -> dict[str, Any]:
    registry = request.app.state.jobs
    listed = jobs.list_jobs(session, scope)
    return {"jobs": listed, "titles": {j.id: registry.title_of(j) for j in listed},
            "kinds": generic_kinds(registry.kinds(scope))}


@router.get("/jobs")
def jobs_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return render(request, "jobs.html", _jobs_context(request, session, scope))


@parts.get("/jobs/table")
@page_part(element=("div", "jobs-table", ""))
def jobs_table(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """The HTMX fragment the jobs page polls; signed out meanwhile, it says so in its place and the poll stops."""
    scope.require_authenticated()
    return render(request, "_jobs_table.html", _jobs_context(request, session, scope))


@router.post("/jobs")
def jobs_submit(
    request: Request, kind: str = Form(""), scope: Scope = ScopeDep, session: Session = DbDep
) -> Response:
    scope.require_authenticated()
    try:
        check_texts({"kind": (kind, 80)}, required=("kind",))
    except FormError as exc:
        return render(request, "jobs.html", {**_jobs_context(request, session, scope), "errors": exc.errors}, status=422)
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
    request: Request, name: str = Form(""), scope: Scope = ScopeDep, session: Session = DbDep
) -> Response:
    scope.require_authenticated()
    try:
        check_texts({"name": (name, 120)}, required=("name",))
    except FormError as exc:
        return render(request, "account.html", {"tokens": accounts.list_api_tokens(session, scope), "new_token": None,
                                                "errors": exc.errors, "values": {"name": name}}, status=422)
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
