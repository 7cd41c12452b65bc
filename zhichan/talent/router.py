"""HTTP for the talent and expert library. Thin: :mod:`zhichan.talent.service` and the views decide, the
scope rule is :mod:`zhichan.talent.scope`'s.

``/talent`` (the directory: officers every person of their area; members the people who share; the public
the counts per kind) and its JSON twin ``/api/v1/talent``; ``/talent/export.csv|.xlsx`` (the scoped view);
``/talent/people/{id}`` and ``/api/v1/talent/people/{id}``; ``/talent/apply`` (anyone signed in, for
themself: a ``talent.registration`` case, then the engine's case page); officers enter a person
(``POST /talent/people``), change a case-less person's status, and import a roster (``POST /talent/import``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from zhichan.errors import FormError
from zhichan.platform.scope import Scope
from zhichan.talent import service, views
from zhichan.web.deps import DbDep, ScopeDep, TransactionRoute, check_texts, lang, render
from zhichan.web.domains import MenuItem, WebDomain
from zhichan.web.openapi import StatsAsOf, StatsRegion, errors, fast_json

TEMPLATES = Path(__file__).resolve().parent / "templates"
router = APIRouter(route_class=TransactionRoute)
MAX_INT = 2**31 - 1
PersonId = Annotated[int, PathParam(ge=1, le=MAX_INT)]
Kind = Annotated[str, Query(max_length=40, description="人员类别代码 / kind code (kinds.yaml)")]
Field = Annotated[str, Query(max_length=20, description="IPC 分类号前缀，如 H01M / IPC prefix, e.g. H01M")]
Region = Annotated[str, Query(pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6})?$", description="行政区划代码 / region code")]
StatusQ = Annotated[str, Query(max_length=16, description="状态（仅管理部门） / status (officers only)")]


def menu(scope: Scope) -> list[MenuItem]:
    return [("/talent", "talent.nav")]


async def form_fields(request: Request) -> dict[str, str]:
    async with request.form(max_files=0, max_fields=100) as form:
        return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _filters(kind: str, field: str, region: str, status: str) -> dict[str, str]:
    return {"kind": kind, "field": field, "region": region, "status": status}


def chain_names(request: Request) -> dict[str, str]:
    """The industry chains the platform knows (navigation's, shipped and saved), by Chinese name and by code, named
    in the page's language: the library's chain column is free text, and a chain a person names that the platform
    knows reads in English on an English page; any other text stays as written (it is data)."""
    from zhichan.navigation.service import list_chains

    english = lang(request) == "en"
    names: dict[str, str] = {}
    for chain in list_chains(request.app.state.engine):
        names[chain.name] = names[chain.code] = (chain.name_en or chain.name) if english else chain.name
    return names


def _directory_page(request: Request, scope: Scope, session: Session, filters: dict[str, str], *,
                    errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                    status: int = 200, report: dict[str, Any] | None = None) -> Response:
    try:
        data = views.directory_view(session, scope, lang=lang(request), **filters)
    except FormError as exc:
        data = views.directory_view(session, scope, lang=lang(request))
        errors, status = {**exc.errors, **(errors or {})}, 422
        data["filters"] = filters
    return render(request, "talent/directory.html",
                  {**data, "errors": errors or {}, "values": values or {}, "report": report,
                   "chain_names": chain_names(request)},
                  status=status)


@router.get("/talent", include_in_schema=False)
def directory_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep, kind: Kind = "",
                   field: Field = "", region: Region = "", status: StatusQ = "") -> Response:
    return _directory_page(request, scope, session, _filters(kind, field, region, status))


@router.get("/api/v1/talent", tags=["talent"], responses=errors(401, 403, 422))
def directory_api(request: Request, scope: Scope = ScopeDep, session: Session = DbDep, kind: Kind = "",
                  field: Field = "", region: Region = "", status: StatusQ = "") -> Response:
    """人才库名录 / The talent library: the people the caller sees (officers: every person of their area with
    every field; enterprises, universities, banks: admitted people of their city, only the fields each
    consented to share) and the counts per kind; the public gets the counts only (``items`` null)."""
    return fast_json(views.directory_view(session, scope, lang=lang(request), **_filters(kind, field, region, status)))


@router.get("/api/v1/talent/statistics", tags=["talent"], responses=errors(400, 422))
def statistics_api(
    request: Request,
    region: StatsRegion = "CN",
    as_of: StatsAsOf = None,
) -> Response:
    """人才库统计（公开，仅人数） / The library's figures (public, counts only): people in the library on the day,
    all and per kind, suspended, admitted and removed in the year to date, with 同比 — the registered
    indicators over the status history. The people behind each number are on the region's records pages, for
    its officers. Every figure's definition is at ``definition_ref``."""
    from zhichan.talent.figures import statistics

    return fast_json(statistics(request.app.state.corpus.require_snapshot(), region, as_of, lang(request)))


@router.get("/talent/export.{fmt}", include_in_schema=False)
def export(request: Request, fmt: Annotated[str, PathParam(pattern="^(csv|xlsx)$")], scope: Scope = ScopeDep,
           session: Session = DbDep, kind: Kind = "", field: Field = "", region: Region = "",
           status: StatusQ = "") -> Response:
    """The scoped directory as CSV or XLSX (signed in only)."""
    header, rows = views.export_rows(session, scope, lang(request), chains=chain_names(request),
                                     **_filters(kind, field, region, status))
    if fmt == "csv":
        body, media = views.export_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body = views.export_xlsx(header, rows, lang(request))
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = views.export_name(session, scope, region, fmt)
    return Response(body, media_type=media, headers={"Content-Disposition": f"attachment; filename={name}",
                                                     "Cache-Control": "no-store"})


@router.post("/talent/people", include_in_schema=False)
async def enter(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """录入: an officer enters a person directly (audited)."""
    scope.require_authenticated()
    values = await form_fields(request)
    try:
        check_texts({name: (text, None) for name, text in values.items()})
        row = service.enter_person(session, scope, service.form_fields(dict(values)))
    except FormError as exc:
        session.rollback()
        return _directory_page(request, scope, session, _filters("", "", "", ""), errors=exc.errors, values=values,
                               status=422)
    session.commit()
    return RedirectResponse(f"/talent/people/{row.id}", status_code=303)


@router.post("/talent/import", include_in_schema=False)
async def import_roster(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """A roster (CSV/XLSX): good rows entered, every bad row in the rejects report shown on the page."""
    from zhichan.errors import InputError
    from zhichan.talent.importer import import_roster as run
    from zhichan.web.uploads import read_upload

    scope.require_authenticated()
    try:
        data, filename = await read_upload(request)
        report = run(session, scope, data, filename)
    except InputError as exc:
        session.rollback()
        return _directory_page(request, scope, session, _filters("", "", "", ""), errors={"file": exc.message},
                               status=422)
    session.commit()
    return _directory_page(request, scope, session, _filters("", "", "", ""), report=report.as_dict(),
                           status=200 if report.imported or not report.rejects else 422)


def _person_page(request: Request, scope: Scope, session: Session, person_id: int, *,
                 errors: dict[str, str] | None = None, status: int = 200) -> Response:
    data = views.person_view(session, scope, person_id, lang=lang(request))
    return render(request, "talent/person.html", {**data, "errors": errors or {}, "chain_names": chain_names(request)},
                  status=status)


@router.get("/talent/people/{person_id}", include_in_schema=False)
def person_page(request: Request, person_id: PersonId, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return _person_page(request, scope, session, person_id)


@router.get("/api/v1/talent/people/{person_id}", tags=["talent"], responses=errors(401, 404, 422))
def person_api(request: Request, person_id: PersonId, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """人才库中的一人 / One person of the library, as the caller may see it (404 outside its scope)."""
    scope.require_authenticated()
    return fast_json(views.person_view(session, scope, person_id, lang=lang(request)))


@router.post("/talent/people/{person_id}/status", include_in_schema=False)
async def person_status(request: Request, person_id: PersonId, scope: Scope = ScopeDep,
                        session: Session = DbDep) -> Response:
    scope.require_authenticated()
    values = await form_fields(request)
    try:
        check_texts({name: (text, None) for name, text in values.items()})
        service.change_status(session, scope, person_id, values.get("change", ""), values.get("reason", ""))
    except FormError as exc:
        session.rollback()
        return _person_page(request, scope, session, person_id, errors=exc.errors, status=422)
    session.commit()
    return RedirectResponse(f"/talent/people/{person_id}", status_code=303)


def _apply_page(request: Request, scope: Scope, session: Session, *, errors: dict[str, str] | None = None,
                values: dict[str, Any] | None = None, status: int = 200) -> Response:
    data = views.apply_view(session, scope, lang(request))
    return render(request, "talent/apply.html", {**data, "errors": errors or {}, "values": values or {}},
                  status=status)


@router.get("/talent/apply", include_in_schema=False)
def apply_form(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return _apply_page(request, scope, session)


@router.post("/talent/apply", include_in_schema=False)
async def apply_submit(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """申请入库: the caller applies for themself (a ``talent.registration`` case; materials' digests go to the
    evidence log with the engine's step)."""
    from zhichan.procedures.router import read_step_form

    scope.require_authenticated()
    fields: dict[str, Any] = {}
    try:
        uploads, _ = await read_step_form(request, fields)
        created = service.apply(session, scope, request.app.state.procedures, fields, uploads,
                                ip=request.client.host if request.client else "")
    except FormError as exc:
        session.rollback()
        return _apply_page(request, scope, session, errors=exc.errors, values=fields, status=422)
    session.commit()
    return RedirectResponse(f"/cases/{created['id']}", status_code=303)


# -- panels ---------------------------------------------------------------------------------------

def _panels_page(request: Request, scope: Scope, session: Session, *, errors: dict[str, str] | None = None,
                 values: dict[str, str] | None = None, status: int = 200) -> Response:
    from zhichan.talent import panels

    rows = panels.panels(session, scope)
    names = panels.names_en(session, rows, lang(request))
    items = [panels.panel_json(p, lang(request), names) for p in rows]
    kinds = [{"code": k.code, "label": k.label(lang(request))} for k in service.kinds().values()]
    return render(request, "talent/panels.html", {"items": items, "kinds": kinds, "purposes": panels.PURPOSES,
                                                  "errors": errors or {}, "values": values or {}}, status=status)


@router.get("/talent/panels", include_in_schema=False)
def panels_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return _panels_page(request, scope, session)


@router.post("/talent/panels", include_in_schema=False)
async def draw_panel(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """Draw a panel from the library (published seed; conflicts excluded with reasons)."""
    from zhichan.talent import panels

    scope.require_authenticated()
    values = await form_fields(request)
    try:
        check_texts({name: (text, None) for name, text in values.items()})
        row = panels.draw_panel(session, scope, request.app.state.corpus.snapshot(), values)
    except FormError as exc:
        session.rollback()
        return _panels_page(request, scope, session, errors=exc.errors, values=values, status=422)
    session.commit()
    return RedirectResponse(f"/talent/panels/{row.id}", status_code=303)


PanelId = Annotated[int, PathParam(ge=1, le=MAX_INT)]


@router.get("/talent/panels/{panel_id}", include_in_schema=False)
def panel_page(request: Request, panel_id: PanelId, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    from zhichan.talent import panels

    scope.require_authenticated()
    row = panels.get_panel(session, scope, panel_id)
    data = panels.panel_json(row, lang(request), panels.names_en(session, [row], lang(request)))
    return render(request, "talent/panel.html", {"panel": data, "record": json.dumps(data["record"], ensure_ascii=False,
                                                                                       indent=1)})


@router.get("/api/v1/talent/panels/{panel_id}", tags=["talent"], responses=errors(401, 404, 422))
def panel_api(request: Request, panel_id: PanelId, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """一次专家抽取 / A panel drawn from the library: its seed, pool, conflicts and members; ``record`` is what
    ``zhichan credit redraw`` repeats (officers of the drawing office's area)."""
    from zhichan.talent import panels

    scope.require_authenticated()
    row = panels.get_panel(session, scope, panel_id)
    return fast_json(panels.panel_json(row, lang(request), panels.names_en(session, [row], lang(request))))


def _setup(app: FastAPI) -> None:
    app.state.procedures.add_hook(service.PROCEDURE, service.registration_hook)
    app.state.procedures.add_options("talent.regions", views.declared_regions)  # the declaration's region, by name


DOMAIN = WebDomain("talent", (router,), TEMPLATES, setup=_setup, menu=menu, menu_group="services")
