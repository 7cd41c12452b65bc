"""Administration pages: users, organizations, audit log (system administrators, own subtree).

A form the service refuses (an unknown region code, a taken user name, a weak password …) comes
back as the same page with the input kept and the message beside its field (``errors``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from zhichan.errors import ZhichanError
from zhichan.platform import accounts, audit, orgs, portal
from zhichan.platform.models import Role
from zhichan.platform.portal import CorpusAccess
from zhichan.platform.scope import Scope
from zhichan.reference.regions import region_choices
from zhichan.web import labels
from zhichan.web.deps import (
    CorpusDep,
    DbDep,
    ScopeDep,
    TransactionRoute,
    check_texts,
    form_errors,
    lang,
    render,
)
from zhichan.web.i18n import in_language
from zhichan.web.security import client_ip

router = APIRouter(prefix="/admin", include_in_schema=False, route_class=TransactionRoute)


def _users_context(session: Session, scope: Scope, language: str) -> dict[str, Any]:
    return {"rows": accounts.list_users(session, scope), "orgs": orgs.list_orgs(session, scope), "roles": list(Role),
            "policy": in_language(accounts.PASSWORD_POLICY, language), "errors": {}, "form": {}}


@router.get("/users")
def users_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return render(request, "admin_users.html", _users_context(session, scope, lang(request)))


@router.post("/users")
def users_create(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    role: str = Form(""),
    org_id: int = Form(...),
    display_name: str = Form(""),
    scope: Scope = ScopeDep,
    session: Session = DbDep,
) -> Response:
    scope.require_admin()
    try:
        check_texts({"username": (username, 80), "password": (password, 256), "role": (role, 30),
                     "display_name": (display_name, 200)}, required=("username", "role"))
        user = accounts.add_user(session, scope, username=username, password=password, role=role, org_id=org_id,
                                 display_name=display_name)
    except ZhichanError as exc:
        form = {"username": username, "role": role, "org_id": org_id, "display_name": display_name}
        refused = form_errors(session, exc, form)  # rolls the transaction back before the page reads
        return render(request, "admin_users.html", {**_users_context(session, scope, lang(request)), **refused},
                      status=exc.http_status)
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


@router.post("/users/{user_id}/password")
def users_reset_password(
    request: Request, user_id: int, password: str = Form(""), scope: Scope = ScopeDep,
    session: Session = DbDep,
) -> Response:
    """An administrator sets a temporary password; the user must choose a new one at next sign-in."""
    scope.require_admin()
    try:
        check_texts({"password": (password, 256)})  # an empty or weak one: the password policy says why
        user = accounts.reset_password(session, scope, user_id, password)
    except ZhichanError as exc:
        form = {"reset_user": user_id}
        refused = form_errors(session, exc, form, field_prefix="reset_")
        return render(request, "admin_users.html", {**_users_context(session, scope, lang(request)), **refused},
                      status=exc.http_status)
    audit.record(session, scope, "user.password_reset", f"user:{user.username}", ip=client_ip(request))
    return RedirectResponse("/admin/users", status_code=303)


def _orgs_context(session: Session, scope: Scope, language: str) -> dict[str, Any]:
    # a new organization's region chosen by name within the administrator's area (None: the code, nation-wide)
    # only the levels it may create below its organizations (a city's offered 国家 first, refused on saving)
    return {"orgs": orgs.list_orgs(session, scope), "kinds": orgs.creatable_kinds(session, scope), "errors": {}, "form": {},
            "regions": region_choices(scope.region_code, language)}


@router.get("/orgs")
def orgs_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_admin()
    return render(request, "admin_orgs.html", _orgs_context(session, scope, lang(request)))


@router.post("/orgs")
def orgs_create(
    request: Request,
    name: str = Form(""),
    kind: str = Form(""),
    name_en: str = Form(""),
    region_code: str = Form(""),
    parent_id: int = Form(...),
    party_key: str = Form(""),
    scope: Scope = ScopeDep,
    session: Session = DbDep,
    access: CorpusAccess = CorpusDep,
) -> Response:
    scope.require_admin()
    try:
        check_texts({"name": (name, 200), "kind": (kind, 20), "name_en": (name_en, 200), "region_code": (region_code, 12),
                     "party_key": (party_key, 300)}, required=("name", "kind", "region_code"))
        org = orgs.add_org(session, scope, name=name, kind=kind, region_code=region_code, parent_id=parent_id,
                           party_key=party_key or None, parties=lambda key: portal.party_lookup(access, key),
                           name_en=name_en or None)
    except ZhichanError as exc:
        form = {"name": name, "name_en": name_en, "kind": kind, "region_code": region_code, "parent_id": parent_id,
                "party_key": party_key}
        refused = form_errors(session, exc, form)
        return render(request, "admin_orgs.html", {**_orgs_context(session, scope, lang(request)), **refused},
                      status=exc.http_status)
    audit.record(session, scope, "org.create", f"org:{org.id}",
                 detail={"name": name, "name_en": name_en, "kind": kind, "party_key": org.party_key}, ip=client_ip(request))
    return RedirectResponse("/admin/orgs", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request, page: int = Query(1, ge=1, le=100_000), action: str | None = Query(None, max_length=80),
    scope: Scope = ScopeDep, session: Session = DbDep,
) -> Response:
    rows, total = audit.list_entries(session, scope, action=action, limit=50, offset=(page - 1) * 50)
    # a step's title from the declaration of its case's procedure (the case number's prefix names it)
    steps: dict[tuple[str, str], tuple[str, str]] = {}
    for d in request.app.state.procedures.registry.all():
        steps[(d.number_prefix, "start")] = (d.start.title.zh, d.start.title.en)
        steps.update({(d.number_prefix, t.event): (t.title.zh, t.title.en) for t in d.transitions})
    current = lang(request)
    action_labels = {(r.action, r.target): labels.audit_action(current, r.action, steps, r.target) for r in rows}
    return render(request, "admin_audit.html", {"rows": rows, "total": total, "page": page, "action": action or "",
                                                "action_labels": action_labels})
