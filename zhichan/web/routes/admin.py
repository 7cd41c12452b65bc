"""Administration pages: users, organizations, audit log (system administrators, own subtree)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from zhichan.platform import accounts, audit, orgs
from zhichan.platform.models import OrgKind, Role
from zhichan.platform.scope import Scope
from zhichan.web.deps import DbDep, ScopeDep, render
from zhichan.web.security import client_ip

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/users")
def users_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    rows = accounts.list_users(session, scope)
    return render(request, "admin_users.html", {"rows": rows, "orgs": orgs.list_orgs(session, scope),
                                                "roles": list(Role)})


@router.post("/users")
def users_create(
    request: Request,
    username: str = Form(..., max_length=80),
    password: str = Form(..., max_length=256),
    role: str = Form(..., max_length=30),
    org_id: int = Form(...),
    display_name: str = Form("", max_length=200),
    scope: Scope = ScopeDep,
    session: Session = DbDep,
) -> Response:
    user = accounts.add_user(session, scope, username=username, password=password, role=role, org_id=org_id,
                             display_name=display_name)
    audit.record(session, scope, "user.create", f"user:{user.username}", detail={"role": role, "org_id": org_id},
                 ip=client_ip(request))
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/active")
def users_set_active(
    request: Request, user_id: int, active: bool = Form(...), scope: Scope = ScopeDep, session: Session = DbDep
) -> Response:
    user = accounts.set_active(session, scope, user_id, active)
    audit.record(session, scope, "user.activate" if active else "user.deactivate", f"user:{user.username}",
                 ip=client_ip(request))
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/orgs")
def orgs_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_admin()
    return render(request, "admin_orgs.html", {"orgs": orgs.list_orgs(session, scope), "kinds": list(OrgKind)})


@router.post("/orgs")
def orgs_create(
    request: Request,
    name: str = Form(..., max_length=200),
    kind: str = Form(..., max_length=20),
    region_code: str = Form(..., max_length=12),
    parent_id: int = Form(...),
    party_key: str = Form("", max_length=300),
    scope: Scope = ScopeDep,
    session: Session = DbDep,
) -> Response:
    if kind not in set(OrgKind):
        from zhichan.errors import InputError

        raise InputError("未知机构层级 / unknown organization level")
    org = orgs.add_org(session, scope, name=name, kind=kind, region_code=region_code, parent_id=parent_id,
                       party_key=party_key or None)
    audit.record(session, scope, "org.create", f"org:{org.id}", detail={"name": name, "kind": kind},
                 ip=client_ip(request))
    return RedirectResponse("/admin/orgs", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request, page: int = Query(1, ge=1, le=100_000), action: str | None = Query(None, max_length=80),
    scope: Scope = ScopeDep, session: Session = DbDep,
) -> Response:
    rows, total = audit.list_entries(session, scope, action=action, limit=50, offset=(page - 1) * 50)
    return render(request, "admin_audit.html", {"rows": rows, "total": total, "page": page, "action": action or ""})
