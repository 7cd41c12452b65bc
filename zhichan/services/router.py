"""HTTP for the services domain: the public catalogue, a bureau's edits, applications with their
generated decision documents, priority-examination quotas. Thin: the services decide."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from zhichan.errors import ConflictError, FormError, InputError
from zhichan.legaltime import china_today
from zhichan.platform.db import session_scope
from zhichan.platform.exceptions import TooManyAttempts
from zhichan.platform.models import Role
from zhichan.platform.qr import qr_data_uri
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case
from zhichan.procedures.router import MAX_INT, read_step_form, service
from zhichan.reference.regions import all_provinces, children, labelled
from zhichan.services import catalogue, library, objections, priority, progress, subsidies, views
from zhichan.services import service as applications
from zhichan.services.hooks import install
from zhichan.services.models import SubsidyAward
from zhichan.web.deps import DbDep, ScopeDep, TransactionRoute, check_texts, lang, render, render_string
from zhichan.web.domains import MenuItem, WebDomain
from zhichan.web.openapi import errors, fast_json
from zhichan.web.security import client_ip

TEMPLATES = Path(__file__).resolve().parent / "templates"
router = APIRouter(route_class=TransactionRoute)

Code = Annotated[str, PathParam(pattern=r"^[A-Z]{2}-[A-Z]{2}-[0-9]{3}$")]
CaseId = Annotated[int, PathParam(ge=1, le=MAX_INT)]
Region = Annotated[str | None, Query(pattern=r"^[0-9]{6}$")]
Year = Annotated[int | None, Query(ge=2017, le=2100)]


def menu(scope: Scope) -> list[MenuItem]:
    items: list[MenuItem] = [("/services", "services.nav.catalogue"), ("/services/subsidies", "services.nav.subsidies"),
                             ("/services/library", "services.nav.library"), ("/services/progress", "services.nav.progress")]
    if scope.governance or scope.role == Role.ENTERPRISE_USER:
        items.append(("/services/applications", "services.nav.applications"))
    if scope.governance:
        items.append(("/services/priority/quotas", "services.nav.quotas"))
    return items


def _ip(request: Request) -> str:
    return request.client.host if request.client else ""


# -- the catalogue (public) -------------------------------------------------------------------------

@router.get("/services", include_in_schema=False)
def catalogue_page(request: Request, region: Region = None, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return render(request, "services/catalogue.html",
                  views.catalogue_view(service(request), session, scope, region, lang(request)))


@router.get("/api/v1/services/catalogue", tags=["services"], responses=errors(422))
def api_catalogue(request: Request, region: Region = None, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """公共服务事项清单: every service with its legal basis, who may apply, materials, time limit, fee and
    the procedure it runs, as it applies in ``region`` (default: the caller's area)."""
    return fast_json(views.catalogue_view(service(request), session, scope, region, lang(request)))


# -- applications --------------------------------------------------------------------------------

@router.get("/services/applications", include_in_schema=False)
def applications_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    items = applications.applications(service(request), session, scope, lang(request))
    return render(request, "services/applications.html", {"items": items})


@router.get("/api/v1/services/applications", tags=["services"], responses=errors(401))
def api_applications(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """The service applications the caller sees: an enterprise its own, officers their area's (newest first)."""
    scope.require_authenticated()
    return fast_json({"items": applications.applications(service(request), session, scope, lang(request))})


def _application_page(request: Request, scope: Scope, session: Session, case_id: int, *,
                      errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
                      failed: str | None = None, message: str = "", status: int = 200) -> Response:
    data = views.application_view(service(request), session, scope, case_id, lang(request))
    return render(request, "services/application.html", {**data, "errors": errors or {}, "values": values or {},
                                                         "failed": failed, "message": message}, status=status)


@router.get("/services/applications/{case_id}", include_in_schema=False)
def application_page(request: Request, case_id: CaseId, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return _application_page(request, scope, session, case_id)


@router.post("/services/applications/{case_id}/receipt", include_in_schema=False)
def receipt(request: Request, case_id: CaseId, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """收件回执 of an application taken at the window: its number and a new query code (the previous one stops working),
    to print for an applicant without an account, who follows the application with them (/services/progress)."""
    scope.require_authenticated()
    data = progress.issue_receipt(service(request), session, scope, case_id)
    session.commit()
    # the lookup's address as the applicant types it: the platform's public address where set, else the one used here
    base = (request.app.state.settings.public_base_url or str(request.base_url)).rstrip("/")
    item = service(request).registry.for_region(data["procedure"], None).title(lang(request))
    # the QR code opens the look-up with the case number filled in — never the code, the secret kept on the paper
    filled = f"{base}/services/progress?{urlencode({'number': data['number']})}"
    return render(request, "services/receipt.html", {**data, "item": item, "lookup_url": f"{base}/services/progress",
                                                      "qr": qr_data_uri(filled.encode()), "qr_url": filled})


@router.get("/services/progress", include_in_schema=False)
def progress_page(request: Request, number: Annotated[str, Query(max_length=40)] = "") -> Response:
    """办件查询: an application's progress by its number and the query code on its receipt (public)."""
    return render(request, "services/progress.html", {"values": {"number": number}, "errors": {}, "result": None})


@router.post("/services/progress", include_in_schema=False)
def progress_submit(request: Request, number: str = Form(""), code: str = Form("")) -> Response:
    values = {"number": number}  # the code is never written back into the page
    try:
        check_texts({"number": (number, 40), "code": (code, 40)})
        with session_scope(request.app.state.engine) as s:
            result = progress.lookup(service(request), s, number, code, client_ip(request), lang(request))
    except FormError as exc:
        return render(request, "services/progress.html", {"values": values, "errors": exc.errors, "result": None},
                      status=422)
    except TooManyAttempts as exc:
        return render(request, "services/progress.html", {"values": values, "errors": {"code": exc.message},
                                                          "result": None}, status=exc.http_status)
    return render(request, "services/progress.html", {"values": values, "errors": {}, "result": result})


@router.post("/services/applications/{case_id}/decide/{event}", include_in_schema=False)
async def decide_submit(request: Request, case_id: CaseId, event: str, scope: Scope = ScopeDep,
                        session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields: dict[str, Any] = {}
    try:
        _, version = await read_step_form(request, fields)
        applications.decide(service(request), session, scope, case_id, event, version=version or 0, fields=fields,
                            ip=_ip(request))
    except FormError as exc:
        session.rollback()
        return _application_page(request, scope, session, case_id, errors=exc.errors, values=fields, failed=event,
                                 status=422)
    except ConflictError as exc:
        session.rollback()
        return _application_page(request, scope, session, case_id, values=fields, failed=event, message=exc.message,
                                 status=409)
    session.commit()
    return RedirectResponse(f"/services/applications/{case_id}", status_code=303)


# -- priority-examination quotas -------------------------------------------------------------------

def _quota_page(request: Request, scope: Scope, session: Session, year: int | None, *, form: str = "",
                values: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    year = year or china_today().year
    data = priority.quota_view(session, scope, year)
    # the forms choose the province and its cities by name (a province's office its own; the nation's every one)
    prefix = scope.region_prefix or ""
    provinces = [prefix.ljust(6, "0")] if len(prefix) == 2 else [p.ljust(6, "0") for p in all_provinces()]
    choices = {"province_code": labelled(provinces, lang(request)),
               "city_code": labelled([c.ljust(6, "0") for p in provinces for c in children(p)], lang(request))}
    return render(request, "services/quotas.html", {**data, "form": form, "values": values or {},
                                                    "errors": errors or {}, "choices": choices}, status=status)


@router.get("/services/priority/quotas", include_in_schema=False)
def quotas_page(request: Request, year: Year = None, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return _quota_page(request, scope, session, year)


@router.post("/services/priority/quotas", include_in_schema=False)
async def quota_submit(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return await _quota_post(request, scope, session, "quota")


@router.post("/services/priority/allocations", include_in_schema=False)
async def allocation_submit(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return await _quota_post(request, scope, session, "allocation")


async def _quota_post(request: Request, scope: Scope, session: Session, form_name: str) -> Response:
    scope.require_roles(*priority.QUOTA_ROLES)
    async with request.form(max_files=0, max_fields=20) as form:
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        if form_name == "quota":
            row = priority.set_quota(session, scope, values.get("year", ""), values.get("province_code", ""),
                                     values.get("total", ""), ip=_ip(request))
            year = row.year
        else:
            priority.allocate(session, scope, values.get("year", ""), values.get("city_code", ""),
                              values.get("allocated", ""), ip=_ip(request))
            year = int(values["year"])
    except FormError as exc:
        session.rollback()
        raw = values.get("year", "")
        shown = int(raw) if raw.isascii() and raw.isdigit() and 2017 <= int(raw) <= 2100 else None
        return _quota_page(request, scope, session, shown, form=form_name, values=values, errors=exc.errors, status=422)
    session.commit()
    return RedirectResponse(f"/services/priority/quotas?year={year}", status_code=303)


# -- subsidies and awards ----------------------------------------------------------------------------

ProgrammeCode = Annotated[str, PathParam(pattern=r"^SUB-[0-9]{4}-[0-9]{2}$")]
AwardId = Annotated[int, PathParam(ge=1, le=MAX_INT)]


@router.get("/services/subsidies", include_in_schema=False)
def subsidies_page(request: Request, scope: Scope = ScopeDep) -> Response:
    return render(request, "services/subsidies.html", {"programmes": list(subsidies.programmes().values())})


def _programme_page(request: Request, scope: Scope, session: Session, code: str, *, errors: dict[str, str] | None = None,
                    values: dict[str, Any] | None = None, award: int | None = None, objection: bool = False,
                    message: str = "", status: int = 200) -> Response:
    data = subsidies.results_view(session, scope, code, lang(request))
    return render(request, "services/programme.html", {**data, "errors": errors or {}, "values": values or {},
                                                       "failed_award": award, "failed_objection": objection,
                                                       "message": message}, status=status)


@router.get("/services/subsidies/{programme}", include_in_schema=False)
def programme_page(request: Request, programme: ProgrammeCode, scope: Scope = ScopeDep,
                   session: Session = DbDep) -> Response:
    return _programme_page(request, scope, session, programme)


@router.get("/api/v1/services/subsidies/{programme}", tags=["services"], responses=errors(404, 422))
def api_programme(request: Request, programme: ProgrammeCode, scope: Scope = ScopeDep,
                  session: Session = DbDep) -> Response:
    """A programme's published results (public; amounts in yuan as exact decimals), and the applications the
    caller may see (officers of its area, an enterprise its own)."""
    data = subsidies.results_view(session, scope, programme, lang(request))
    return fast_json({**data, "programme": data["programme"].model_dump(mode="json")})


@router.post("/services/subsidies/{programme}/apply", include_in_schema=False)
def programme_apply(request: Request, programme: ProgrammeCode, scope: Scope = ScopeDep,
                    session: Session = DbDep) -> Response:
    scope.require_roles(Role.ENTERPRISE_USER)
    try:
        subsidies.apply(session, scope, request.app.state.corpus.snapshot(), programme)
    except FormError as exc:
        session.rollback()
        return _programme_page(request, scope, session, programme, errors=exc.errors, status=422)
    session.commit()
    return RedirectResponse(f"/services/subsidies/{programme}", status_code=303)


@router.post("/services/subsidies/{programme}/reassess", include_in_schema=False)
def programme_reassess(request: Request, programme: ProgrammeCode, scope: Scope = ScopeDep,
                       session: Session = DbDep) -> Response:
    """The deciding officers assess the open applications made under an earlier version of the programme anew."""
    try:
        subsidies.reassess(session, scope, request.app.state.corpus.snapshot(), programme, ip=_ip(request))
    except FormError as exc:
        session.rollback()
        return _programme_page(request, scope, session, programme, errors=exc.errors, status=422)
    session.commit()
    return RedirectResponse(f"/services/subsidies/{programme}", status_code=303)


@router.post("/services/subsidies/{programme}/objections", include_in_schema=False)
async def programme_object(request: Request, programme: ProgrammeCode, scope: Scope = ScopeDep,
                           session: Session = DbDep) -> Response:
    """An objection to a line of the published result (anyone signed in, during the objection period); the
    objector then follows it on its case page."""
    scope.require_authenticated()
    subsidies.programme(programme)  # 404 for an unknown programme
    fields: dict[str, Any] = {}
    try:
        uploads, _ = await read_step_form(request, fields)
        case = objections.file_objection(service(request), session, scope, programme, fields=fields, uploads=uploads,
                                         ip=_ip(request))
    except FormError as exc:
        session.rollback()
        return _programme_page(request, scope, session, programme, errors=exc.errors, values=fields, objection=True,
                               status=422)
    session.commit()
    return RedirectResponse(f"/cases/{case['id']}", status_code=303)


@router.post("/services/subsidies/awards/{award_id}/disburse", include_in_schema=False)
async def award_disburse(request: Request, award_id: AwardId, scope: Scope = ScopeDep,
                         session: Session = DbDep) -> Response:
    scope.require_roles(Role.CASE_OFFICER, Role.BUREAU_LEADER)
    async with request.form(max_files=0, max_fields=20) as form:
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        check_texts({name: (text, None) for name, text in values.items()})
        award = subsidies.disburse(session, scope, award_id, values.get("paid_on", ""), values.get("voucher", ""))
    except FormError as exc:
        session.rollback()
        row = session.get(SubsidyAward, award_id)
        assert row is not None  # disburse() answers 404 for an award it does not find
        return _programme_page(request, scope, session, row.programme, errors=exc.errors, values=values,
                               award=award_id, status=422)
    session.commit()
    return RedirectResponse(f"/services/subsidies/{award.programme}", status_code=303)


# -- policy and typical-case library (public) ----------------------------------------------------------

LibraryQuery = Annotated[str, Query(max_length=200)]
LibraryKind = Annotated[str | None, Query(pattern=r"^(policy|case)?$")]


@router.get("/services/library", include_in_schema=False)
def library_page(request: Request, q: LibraryQuery = "", kind: LibraryKind = None) -> Response:
    try:
        return render(request, "services/library.html", library.library_view(q, kind))
    except InputError as exc:  # said beside the search box, the query kept
        return render(request, "services/library.html", {"q": q, "kind": kind or "", "items": [], "total": 0,
                                                         "error": exc.message}, status=422)


@router.get("/api/v1/services/library", tags=["services"], responses=errors(422))
def api_library(q: LibraryQuery = "", kind: LibraryKind = None) -> Response:
    """政策与典型案例库: entries containing every space-separated term of ``q`` (full-text, any substring),
    best first; ``kind``: policy or case. Synthetic examples say so (``synthetic``)."""
    return fast_json(library.library_view(q, kind))


# -- catalogue entries (after the fixed paths above: ``{service_code}`` would match them) -----------------

@router.get("/services/{service_code}", include_in_schema=False)
def entry_page(request: Request, service_code: Code, region: Region = None, scope: Scope = ScopeDep,
               session: Session = DbDep) -> Response:
    return render(request, "services/entry.html",
                  views.entry_view(service(request), session, scope, service_code, region, lang(request)))


def _edit_page(request: Request, scope: Scope, session: Session, code: str, *, values: dict[str, Any] | None = None,
               errors: dict[str, str] | None = None, status: int = 200) -> Response:
    data = views.entry_view(service(request), session, scope, code, scope.region_code, lang(request))
    e = data["entry"]
    shown = values if values is not None else {"applicants": e["applicants"], "fee_yuan": f"{e['fee_yuan']:.2f}",
                                               "contact": e["contact"], "notes": e["notes"],
                                               "offered": "1" if e["offered"] else ""}
    return render(request, "services/entry_edit.html", {**data, "values": shown, "errors": errors or {}}, status=status)


@router.get("/services/{service_code}/edit", include_in_schema=False)
def entry_edit_form(request: Request, service_code: Code, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_roles(*catalogue.EDITORS)
    return _edit_page(request, scope, session, service_code)


@router.post("/services/{service_code}/edit", include_in_schema=False)
async def entry_edit_submit(request: Request, service_code: Code, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_roles(*catalogue.EDITORS)
    async with request.form(max_files=0, max_fields=20) as form:
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        check_texts({name: (text, None) for name, text in values.items()})
        catalogue.edit_entry(session, scope, service_code, values, ip=_ip(request))
    except FormError as exc:
        session.rollback()
        return _edit_page(request, scope, session, service_code, values=values, errors=exc.errors, status=422)
    session.commit()
    return RedirectResponse(f"/services/{service_code}", status_code=303)



def _setup(app: FastAPI) -> None:
    install(app.state.procedures, app.state.corpus.snapshot)


def application_page_of(procedure: str, case_id: int) -> str | None:
    """A service application's own page is its progress page (the to-do and a new application lead there)."""
    return f"/services/applications/{case_id}" if catalogue.entry_for_procedure(procedure) else None


def case_panel(request: Request, session: Session, scope: Scope, case: dict[str, Any]) -> Markup | None:
    """On the generic case page of a service application: the way back to its progress page; of a subsidy round or an
    objection to one: the way to its programme's page, where the allotment a leader publishes, the published result
    objected to and the payments are (the case page showed only the programme's code)."""
    url = application_page_of(case["case"]["procedure"], case["case"]["id"])
    if url:
        return render_string(request, "services/_case_panel.html", {"url": url})
    if case["case"]["procedure"] not in (subsidies.ROUND_PROCEDURE, objections.PROCEDURE):
        return None
    row = session.get(Case, case["case"]["id"])
    code = str(json.loads(row.fields or "{}").get("programme", "")) if row is not None else ""
    if code not in subsidies.programmes():
        return None
    return render_string(request, "services/_programme_panel.html", {"url": f"/services/subsidies/{code}"})


def home_panel(request: Request, session: Session, scope: Scope) -> Markup | None:
    """On an enterprise's own home: its latest service applications, each leading to its progress page."""
    items = applications.applications(service(request), session, scope, lang(request), limit=5)
    return render_string(request, "services/_home_panel.html", {"items": items})


DOMAIN = WebDomain("services", (router,), TEMPLATES, setup=_setup, menu=menu, menu_group="services",
                   case_page=application_page_of, case_panel=case_panel, home_panel=home_panel)
