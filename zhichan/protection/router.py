"""HTTP for protection: the public complaint form (anonymous allowed), published decisions (public),
and protection's panel on the generic case page. Thin: the engine and :mod:`.service` decide."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from zhichan.errors import FormError, NotFoundError
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope
from zhichan.procedures.router import MAX_INT, read_step_form
from zhichan.procedures.scope import may_start
from zhichan.procedures.service import ProcedureService, served_media_type
from zhichan.procedures.views import start_prefill
from zhichan.protection import service as protection
from zhichan.protection import views
from zhichan.protection.service import COMPLAINT, PUBLIC_FILER
from zhichan.web.deps import DbDep, ScopeDep, TransactionRoute, check_texts, lang, render, render_string
from zhichan.web.domains import MenuItem, WebDomain
from zhichan.web.openapi import errors, fast_json

TEMPLATES = Path(__file__).resolve().parent / "templates"
router = APIRouter(route_class=TransactionRoute)
CaseId = Annotated[int, PathParam(ge=1, le=MAX_INT)]


def procedures(request: Request) -> ProcedureService:
    service: ProcedureService = request.app.state.procedures
    return service


def menu(scope: Scope) -> list[MenuItem]:
    if scope.governance:
        return [("/protection/complaints/new", "nav.protection_complaint"), ("/protection/cases", "nav.protection_cases"),
                ("/protection/investigators", "nav.protection_investigators"),
                ("/protection/overseas", "nav.protection_overseas"),
                ("/protection/decisions", "nav.protection_decisions")]
    if scope.role == Role.ENTERPRISE_USER:
        return [("/protection/complaints/new", "nav.protection_complaint"), ("/protection/cases", "nav.protection_cases"),
                ("/protection/overseas", "nav.protection_overseas"),
                ("/protection/decisions", "nav.protection_decisions")]
    return [("/protection/complaints/new", "nav.protection_complaint"), ("/protection/decisions", "nav.protection_decisions")]


def _complaint_page(request: Request, session: Session, scope: Scope, *, errors: dict[str, str] | None = None,
                    values: dict[str, Any] | None = None, status: int = 200) -> Response:
    data = views.complaint_form(procedures(request), session, scope, lang(request))
    return render(request, "protection/complaint_new.html",
                  {**data, "errors": errors or {}, "values": values or {}}, status=status)


@router.get("/protection/complaints/new", include_in_schema=False)
def complaint_form(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """投诉举报: open to everyone; a report may be anonymous. A signed-in enterprise files as itself: its name starts
    in the complainant's field."""
    decl = procedures(request).registry.get(COMPLAINT, "default")
    return _complaint_page(request, session, scope, values=start_prefill(decl, scope))


@router.post("/protection/complaints/new", include_in_schema=False)
async def complaint_submit(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    fields: dict[str, Any] = {}
    raw_office = ""
    try:
        uploads, _ = await read_step_form(request, fields)
        raw_office = str(fields.pop("handling_org", "") or "")
        office = int(raw_office) if re.fullmatch(r"[0-9]{1,9}", raw_office) else None
        filer = scope if scope.is_authenticated else PUBLIC_FILER
        created = procedures(request).start(session, filer, COMPLAINT, fields=fields, uploads=uploads,
                                            handling_org_id=office, ip=request.client.host if request.client else "")
    except FormError as exc:
        session.rollback()
        return _complaint_page(request, session, scope, errors=exc.errors, values={**fields, "handling_org": raw_office},
                               status=422)
    session.commit()
    if scope.is_authenticated:
        return RedirectResponse(f"/cases/{created['id']}", status_code=303)
    return render(request, "protection/complaint_received.html", {"number": created["number"]}, status=201)


@router.get("/protection/decisions", include_in_schema=False)
def decisions_page(request: Request, session: Session = DbDep, page: int = Query(1, ge=1, le=10_000)) -> Response:
    items = protection.published_decisions(session, limit=51, offset=(page - 1) * 50)  # the 51st: a next page
    return render(request, "protection/decisions.html", {"items": items[:50], "page": page, "more": len(items) > 50})


@router.get("/protection/decisions/{case_id}", include_in_schema=False)
def decision_page(request: Request, case_id: CaseId, session: Session = DbDep) -> Response:
    return render(request, "protection/decision.html", {"d": protection.published_decision(session, case_id)})


@router.get("/protection/decisions/{case_id}/documents/{sha256}", include_in_schema=False)
def decision_document(request: Request, case_id: CaseId, sha256: str, session: Session = DbDep) -> Response:
    decision = protection.published_decision(session, case_id)
    doc = next((d for d in decision["documents"] if d["sha256"] == sha256), None)
    if doc is None:
        raise NotFoundError("没有该文件 / no such document")
    path = procedures(request).files_dir / sha256[:2] / sha256
    return FileResponse(path, media_type=served_media_type(doc["media_type"], doc["file_name"]),
                        filename=doc["file_name"], headers={"Cache-Control": "no-store"})


@router.get("/api/v1/protection/decisions", tags=["protection"], responses=errors(422))
def api_decisions(session: Session = DbDep, page: int = Query(1, ge=1, le=10_000)) -> Response:
    """Published patent-dispute decisions (public), newest first."""
    return fast_json({"items": protection.published_decisions(session, limit=50, offset=(page - 1) * 50), "page": page})


@router.get("/protection/investigators", include_in_schema=False)
def investigators_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return _roster_page(request, session, scope)


def _roster_page(request: Request, session: Session, scope: Scope, *, errors: dict[str, str] | None = None,
                 values: dict[str, Any] | None = None, status: int = 200) -> Response:
    from zhichan.protection.investigators import roster

    return render(request, "protection/investigators.html", {
        "items": roster(session, scope), "kinds": _roster_kinds(request), "errors": errors or {},
        "values": values or {}}, status=status)


def _roster_kinds(request: Request) -> dict[str, str]:
    """The roster's kinds (the talent library's) by code, labelled in the page's language."""
    from zhichan.protection.investigators import ROSTER_KINDS
    from zhichan.talent.service import kinds

    declared = kinds()
    return {code: declared[code].label(lang(request)) for code in ROSTER_KINDS}


@router.post("/protection/investigators", include_in_schema=False)
async def investigators_add(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    from zhichan.protection.investigators import add_investigator

    scope.require_authenticated()
    form = await request.form()
    # refused beside the field above 2000 characters, never cut: a longer text lost its end without a word
    values = {k: str(form.get(k) or "") for k in ("name", "organization", "kind", "ipc_fields", "prior_parties")}
    try:
        check_texts({name: (text, 2000) for name, text in values.items()})
        add_investigator(session, scope, **values, available=form.get("available") != "no")
    except FormError as exc:
        session.rollback()
        return _roster_page(request, session, scope, errors=exc.errors, values=values, status=422)
    session.commit()
    return RedirectResponse("/protection/investigators", status_code=303)


def _suggest_page(request: Request, session: Session, scope: Scope, case_id: int, *,
                  errors: dict[str, str] | None = None, status: int = 200) -> Response:
    from zhichan.protection.investigators import suggest

    data = suggest(session, scope, request.app.state.corpus.snapshot(), case_id)
    return render(request, "protection/case_investigators.html",
                  {**data, "kinds": _roster_kinds(request), "errors": errors or {}}, status=status)


@router.get("/protection/cases/{case_id}/investigators", include_in_schema=False)
def case_investigators(request: Request, case_id: CaseId, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """Candidates for a dispute by IPC, each conflict shown with its reason."""
    scope.require_authenticated()
    return _suggest_page(request, session, scope, case_id)


@router.post("/protection/cases/{case_id}/investigators", include_in_schema=False)
async def case_investigators_assign(request: Request, case_id: CaseId, scope: Scope = ScopeDep,
                                    session: Session = DbDep) -> Response:
    from zhichan.protection.investigators import assign

    scope.require_authenticated()
    form = await request.form()
    raw = str(form.get("investigator") or "")
    try:
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            raise FormError({"investigator": "请选择人员 / choose a person"})
        assign(session, scope, request.app.state.corpus.snapshot(), case_id, int(raw))
    except FormError as exc:
        session.rollback()
        return _suggest_page(request, session, scope, case_id, errors=exc.errors, status=422)
    session.commit()
    return RedirectResponse(f"/protection/cases/{case_id}/investigators", status_code=303)


@router.get("/api/v1/protection/cases/{case_id}", tags=["protection"], responses=errors(401, 404, 422))
def api_case(request: Request, case_id: CaseId, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """Protection's register of a case the caller sees: the right's checks and duplicates (a complaint),
    the admission checks, panel, track and publication (a dispute). The steps are at /api/v1/cases/{id}."""
    scope.require_authenticated()
    data = procedures(request).case(session, scope, case_id)
    panel = views.case_panel(session, scope, {"case": data["case"], "officer": data["officer"]}, lang(request))
    if panel is None:
        raise NotFoundError(f"该办件没有保护登记 / case {case_id} has no protection register")
    return fast_json(panel)


# --- 案件列表 ---------------------------------------------------------------------------------------------

def _case_list(request: Request, session: Session, scope: Scope, status: str, procedure: str | None,
               page: int) -> dict[str, Any]:
    data = protection.case_list(session, scope, procedures(request), lang(request), status=status,
                                procedure=procedure or None, limit=50, offset=(page - 1) * 50)
    return {**data, "page": page, "per_page": 50}


#: a case list's ``status`` filter
CASE_STATUSES = ("open", "closed", "all")


@router.get("/protection/cases", include_in_schema=False)
def cases_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep,
               status: str = Query("open", max_length=64), procedure: str = Query("", max_length=64),
               page: int = Query(1, ge=1, le=10_000)) -> Response:
    """案件列表: an office's subtree's protection cases (an enterprise: its own), newest first."""
    if status not in CASE_STATUSES:  # the page names the choices by their labels, as its list does (the API: codes)
        from zhichan.web.i18n import translate

        zh, en = ([translate(lg, f"protection.case_status_{s}") for s in CASE_STATUSES] for lg in ("zh", "en"))
        raise FormError({"status": f"应为 {'、'.join(zh)} 之一 / must be one of {', '.join(en)}"})
    return render(request, "protection/cases.html", _case_list(request, session, scope, status, procedure, page))


@router.get("/api/v1/protection/cases", tags=["protection"], responses=errors(401, 404, 422))
def api_cases(request: Request, scope: Scope = ScopeDep, session: Session = DbDep,
              status: str = Query("open", pattern="^(open|closed|all)$"), procedure: str = Query("", max_length=64),
              page: int = Query(1, ge=1, le=10_000)) -> Response:
    """The protection cases the caller handles (an office's subtree) or filed (an enterprise), newest first;
    ``status`` open | closed | all, ``procedure`` one protection procedure."""
    return fast_json(_case_list(request, session, scope, status, procedure, page))


# --- 海外纠纷预警 ---------------------------------------------------------------------------------------

def _overseas_data(request: Request, session: Session, scope: Scope) -> dict[str, Any]:
    settings = request.app.state.settings
    return views.overseas_page(session, scope, request.app.state.corpus,
                               threshold=settings.protection_overseas_share,
                               min_patents=settings.protection_overseas_min_patents, lang=lang(request))


def _overseas_page(request: Request, session: Session, scope: Scope, *, errors: dict[str, str] | None = None,
                   values: dict[str, Any] | None = None, report: dict[str, Any] | None = None,
                   form: str = "", status: int = 200) -> Response:
    from zhichan.protection.overseas import GUIDANCE

    # the guidance request's link only for who may file it (a bureau's leader was shown it and refused)
    guidance = request.app.state.procedures.registry.for_region(GUIDANCE, scope.region_code)
    return render(request, "protection/overseas.html", {
        **_overseas_data(request, session, scope), "errors": errors or {}, "values": values or {}, "report": report,
        "form": form, "may_request_guidance": may_start(scope, guidance.start)}, status=status)


@router.get("/protection/overseas", include_in_schema=False)
def overseas_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """海外纠纷预警: an office's area and watch list; an enterprise's own alerts."""
    return _overseas_page(request, session, scope)


@router.get("/api/v1/protection/overseas", tags=["protection"], responses=errors(401, 403))
def api_overseas(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """The overseas warning page's data: exposure of the area's enterprises, fields where foreign holders
    concentrate, recorded disputes, the watch list and alerts (an enterprise: its own alerts only)."""
    return fast_json(_overseas_data(request, session, scope))


@router.post("/protection/overseas/disputes", include_in_schema=False)
async def overseas_record(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    from zhichan.protection.overseas import COLUMNS, record_dispute

    scope.require_authenticated()
    form = await request.form()
    # refused beside the field above 6000 characters, never cut: a longer text lost its end without a word
    values = {k: str(form.get(k) or "") for k in COLUMNS}
    try:
        check_texts({name: (text, 6000) for name, text in values.items()})
        record_dispute(session, scope, values)
    except FormError as exc:
        session.rollback()
        return _overseas_page(request, session, scope, errors=exc.errors, values=values, form="dispute", status=422)
    session.commit()
    return RedirectResponse("/protection/overseas#disputes", status_code=303)


@router.post("/protection/overseas/import", include_in_schema=False)
async def overseas_import(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """CSV or XLSX of overseas disputes: good rows recorded, every bad row reported with its line."""
    from zhichan.errors import InputError
    from zhichan.protection.overseas import import_disputes
    from zhichan.web.uploads import read_upload

    scope.require_authenticated()
    try:
        data, filename = await read_upload(request)
        report = import_disputes(session, scope, data, filename)
    except InputError as exc:
        session.rollback()
        return _overseas_page(request, session, scope, errors={"file": exc.message}, form="import", status=422)
    session.commit()
    return _overseas_page(request, session, scope, report=report.as_dict(), form="import",
                          status=200 if report.imported or not report.rejects else 422)


@router.post("/protection/overseas/watches", include_in_schema=False)
async def overseas_watch(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    from zhichan.protection.overseas import add_watch

    scope.require_authenticated()
    form = await request.form()
    # refused beside the field above 600 characters, never cut: a longer text lost its end without a word
    values = {k: str(form.get(k) or "") for k in ("enterprise", "ipc_groups")}
    try:
        check_texts({name: (text, 600) for name, text in values.items()})
        add_watch(session, scope, request.app.state.corpus.snapshot(), values["enterprise"], values["ipc_groups"])
    except FormError as exc:
        session.rollback()
        return _overseas_page(request, session, scope, errors=exc.errors, values=values, form="watch", status=422)
    session.commit()
    return RedirectResponse("/protection/overseas#watches", status_code=303)


def case_panel(request: Request, session: Session, scope: Scope, case: dict[str, Any]) -> Markup | None:
    data = views.case_panel(session, scope, case, lang(request))
    if data is None:
        return None
    return render_string(request, "protection/_case_panel.html", {"p": data, "case": case})


def _setup(app: FastAPI) -> None:
    from zhichan.protection import jobs
    from zhichan.protection.hooks import install

    install(app.state.procedures, app.state.corpus.snapshot, app.state.settings.protection_template_dir)
    jobs.register(app.state.jobs, app.state.corpus, app.state.settings)


DOMAIN = WebDomain("protection", (router,), TEMPLATES, setup=_setup, menu=menu, menu_group="protection", case_panel=case_panel)
