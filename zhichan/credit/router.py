"""HTTP for the credit domain: the public credit list (page and API), the officers' listings, the
subject's own listings, patent agencies with their credit files and published list, random inspections.
Thin: the service and views decide. The listing cases themselves use the engine's generic pages
(/procedures/credit.listing/new, /cases/{id})."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from zhichan.credit import agencies, draws, views
from zhichan.credit.jobs import SEED_KIND
from zhichan.credit.scope import require_officer
from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.legaltime import china_today
from zhichan.platform.models import Organization, Role
from zhichan.platform.scope import Scope
from zhichan.reference.regions import region_options
from zhichan.web.deps import DbDep, ScopeDep, TransactionRoute, check_texts, lang, render
from zhichan.web.domains import MenuItem, WebDomain
from zhichan.web.openapi import errors, fast_json

TEMPLATES = Path(__file__).resolve().parent / "templates"
router = APIRouter(route_class=TransactionRoute)
MAX_INT = 2**31 - 1
Id = Annotated[int, PathParam(ge=1, le=MAX_INT)]


def menu(scope: Scope) -> list[MenuItem]:
    items: list[MenuItem] = [("/credit/listings", "credit.nav.listings")]
    if scope.governance:
        # one entry: the page links the agencies' credit files and the random inspections
        items.append(("/credit/manage", "credit.nav.manage"))
    elif scope.role in (Role.ENTERPRISE_USER, Role.AGENCY_USER):
        items.append(("/credit/mine", "credit.nav.mine"))
    return items


def cutoffs(request: Request) -> tuple[tuple[str, int], ...]:
    return agencies.parse_cutoffs(request.app.state.settings.credit_agency_grades)


async def form_fields(request: Request) -> dict[str, str]:
    async with request.form(max_files=0, max_fields=50) as form:
        return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


# -- the credit list -----------------------------------------------------------------------------

@router.get("/credit/listings", include_in_schema=False)
def listings_page(request: Request, session: Session = DbDep, page: int = Query(1, ge=1, le=10_000)) -> Response:
    return render(request, "credit/listings.html", views.listings_view(session, on=china_today(), page=page, per_page=50))


@router.get("/api/v1/credit/listings", tags=["credit"], responses=errors(422))
def api_listings(session: Session = DbDep, page: int = Query(1, ge=1, le=10_000),
                 per_page: int = Query(50, ge=1, le=200)) -> Response:
    """The public credit list (知识产权领域严重违法失信名单): published listings in force today (China
    time), newest first; expired and repaired listings are no longer shown. No sign-in needed."""
    return fast_json(views.listings_view(session, on=china_today(), page=page, per_page=per_page))


@router.get("/credit/manage", include_in_schema=False)
def manage_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep,
                page: int = Query(1, ge=1, le=10_000)) -> Response:
    scope.require_authenticated()
    return render(request, "credit/manage.html", views.manage_view(session, scope, on=china_today(), page=page))


@router.get("/credit/mine", include_in_schema=False)
def mine_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return render(request, "credit/mine.html", views.mine_view(session, scope, on=china_today()))


# -- agencies --------------------------------------------------------------------------------------

def _agencies_page(request: Request, scope: Scope, session: Session, *, errors: dict[str, str] | None = None,
                   values: dict[str, str] | None = None, status: int = 200) -> Response:
    if scope.role == Role.AGENCY_USER:
        own = agencies.own_agency(session, scope)
        if own is None:
            raise NotFoundError("本机构尚未登记 / your agency is not registered yet")
        return RedirectResponse(f"/credit/agencies/{own.id}", status_code=303)
    data = views.agencies_view(session, scope, on=china_today(), cutoffs=cutoffs(request))
    # the registration form offers the officer's area's regions by name (a national office: the code box)
    regions = region_options(scope.region_code if scope.governance else None, lang(request))
    # the buttons only for who may press them: reading the snapshot's agencies is the platform's job (its
    # administrator and a platform-wide leader), publishing the area's list a leader's or the administrator's
    may = {"seed": any(k.kind == SEED_KIND for k in request.app.state.jobs.kinds(scope)),
           "publish": scope.role in (Role.SYSTEM_ADMIN, Role.BUREAU_LEADER)}
    return render(request, "credit/agencies.html", {**data, "errors": errors or {}, "values": values or {},
                                                    "regions": regions, "may": may}, status=status)


@router.get("/credit/agencies", include_in_schema=False)
def agencies_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return _agencies_page(request, scope, session)


@router.post("/credit/agencies", include_in_schema=False)
async def register_agency(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields = await form_fields(request)
    try:
        check_texts({name: (text, None) for name, text in fields.items()})
        row = agencies.register_agency(session, scope, fields)
    except FormError as exc:
        session.rollback()
        return _agencies_page(request, scope, session, errors=exc.errors, values=fields, status=422)
    session.commit()
    return RedirectResponse(f"/credit/agencies/{row.id}", status_code=303)


@router.post("/credit/agencies/seed", include_in_schema=False)
def seed_agencies(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """Queue the job that reads the current snapshot's agencies and agents into the registry."""
    snap = request.app.state.corpus.require_snapshot()
    request.app.state.jobs.submit(session, scope, SEED_KIND, {"snapshot": snap.id})
    session.commit()
    return RedirectResponse("/jobs", status_code=303)  # the jobs page lists it with its progress


@router.post("/credit/agencies/publish", include_in_schema=False)
def publish_agencies(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """Publish the area's agency credit list now (the job also publishes it periodically)."""
    scope.require_roles(Role.SYSTEM_ADMIN, Role.BUREAU_LEADER)
    require_officer(scope)
    org = session.get(Organization, scope.org_id)
    assert org is not None
    row = agencies.publish(session, org, as_of=china_today(), cutoffs=cutoffs(request))
    session.commit()
    return RedirectResponse(f"/credit/agency-list?publication={row.id}", status_code=303)


def _agency_page(request: Request, scope: Scope, session: Session, agency_id: int, *,
                 errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                 status: int = 200) -> Response:
    data = views.agency_view(session, scope, agency_id, on=china_today(), cutoffs=cutoffs(request))
    return render(request, "credit/agency.html", {**data, "errors": errors or {}, "values": values or {}},
                  status=status)


@router.get("/credit/agencies/{agency_id}", include_in_schema=False)
def agency_page(request: Request, agency_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    return _agency_page(request, scope, session, agency_id)


@router.get("/api/v1/credit/agencies/{agency_id}", tags=["credit"], responses=errors(401, 404, 422))
def api_agency(request: Request, agency_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """An agency's credit file: score, grade and the negative items behind them (officers of its area;
    the agency's own users)."""
    scope.require_authenticated()
    return fast_json(views.agency_view(session, scope, agency_id, on=china_today(), cutoffs=cutoffs(request)))


@router.post("/credit/agencies/{agency_id}/items", include_in_schema=False)
async def add_item(request: Request, agency_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields = await form_fields(request)
    try:
        check_texts({name: (text, None) for name, text in fields.items()})
        agencies.record_item(session, scope, agency_id, item=fields.get("item", ""),
                             occurred_on=fields.get("occurred_on", ""), source="complaint" if fields.get("source") == "complaint" else "officer",
                             reference=fields.get("reference", ""),
                             note=fields.get("note", ""))
    except FormError as exc:
        session.rollback()
        return _agency_page(request, scope, session, agency_id, errors=exc.errors, values=fields, status=422)
    session.commit()
    return RedirectResponse(f"/credit/agencies/{agency_id}", status_code=303)


@router.get("/credit/agency-list", include_in_schema=False)
def agency_list_page(request: Request, session: Session = DbDep,
                     publication: int | None = Query(None, ge=1, le=MAX_INT)) -> Response:
    """The published agency credit list (public)."""
    return render(request, "credit/agency_list.html", {"publication": agencies.latest_publication(session, publication),
                                                       "publications": agencies.publications(session)})


@router.get("/api/v1/credit/agency-list", tags=["credit"], responses=errors(404, 422))
def api_agency_list(session: Session = DbDep, publication: int | None = Query(None, ge=1, le=MAX_INT)) -> Response:
    """The published agency credit list (the newest unless ``publication`` is given): each agency's
    score, grade and the items behind it as published. No sign-in needed."""
    data = agencies.latest_publication(session, publication)
    if data is None:
        raise NotFoundError("尚无公示的代理机构信用名单 / no agency credit list published yet")
    return fast_json(data)


# -- random inspections ----------------------------------------------------------------------------

def _inspections_page(request: Request, scope: Scope, session: Session, *, errors: dict[str, str] | None = None,
                      values: dict[str, str] | None = None, status: int = 200) -> Response:
    return render(request, "credit/inspections.html",
                  {**views.inspections_view(session, scope), "errors": errors or {}, "values": values or {}},
                  status=status)


@router.get("/credit/inspections", include_in_schema=False)
def inspections_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return _inspections_page(request, scope, session)


@router.post("/credit/inspections", include_in_schema=False)
async def new_inspection(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields = await form_fields(request)
    try:
        check_texts({name: (text, None) for name, text in fields.items()})
        row = draws.create_inspection(session, scope, fields, cutoffs=cutoffs(request))
    except FormError as exc:
        session.rollback()
        return _inspections_page(request, scope, session, errors=exc.errors, values=fields, status=422)
    session.commit()
    return RedirectResponse(f"/credit/inspections/{row.id}", status_code=303)


def _inspection_page(request: Request, scope: Scope, session: Session, inspection_id: int, *,
                     errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                     status: int = 200) -> Response:
    return render(request, "credit/inspection.html",
                  {**views.inspection_view(session, scope, inspection_id), "errors": errors or {},
                   "values": values or {}}, status=status)


@router.get("/credit/inspections/{inspection_id}", include_in_schema=False)
def inspection_page(request: Request, inspection_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return _inspection_page(request, scope, session, inspection_id)


@router.get("/api/v1/credit/inspections/{inspection_id}", tags=["credit"], responses=errors(404, 422))
def api_inspection(inspection_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """A random inspection: its seed, both pools, the conflicts with reasons, the draw and the results —
    everything needed to repeat the draw (``zhichan credit redraw``). Public once published."""
    return fast_json(views.inspection_view(session, scope, inspection_id))


@router.post("/credit/inspections/{inspection_id}/results", include_in_schema=False)
async def inspection_result(request: Request, inspection_id: Id, scope: Scope = ScopeDep,
                            session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields = await form_fields(request)
    try:
        check_texts({name: (text, None) for name, text in fields.items()})
        draws.record_result(session, scope, inspection_id, fields)
    except FormError as exc:
        session.rollback()
        return _inspection_page(request, scope, session, inspection_id, errors=exc.errors, values=fields, status=422)
    session.commit()
    return RedirectResponse(f"/credit/inspections/{inspection_id}", status_code=303)


@router.post("/credit/inspections/{inspection_id}/publish", include_in_schema=False)
def inspection_publish(request: Request, inspection_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    try:
        draws.publish_inspection(session, scope, inspection_id, today=china_today())
    except FormError as exc:
        session.rollback()
        return _inspection_page(request, scope, session, inspection_id, errors=exc.errors, status=422)
    session.commit()
    return RedirectResponse(f"/credit/inspections/{inspection_id}", status_code=303)


def _setup(app: FastAPI) -> None:
    from zhichan.credit import jobs
    from zhichan.credit.service import PROCEDURE, install, listing_title

    install(app.state.procedures)  # the listing hook, and the days of cases opened before the terms were declared
    app.state.procedures.add_titler(PROCEDURE, listing_title)  # the subject and the ground in the page's language
    jobs.register(app.state.jobs, app.state.procedures, app.state.corpus, app.state.settings, app.state.engine)


__all__ = ["DOMAIN", "PermissionDenied"]

DOMAIN = WebDomain("credit", (router,), TEMPLATES, setup=_setup, menu=menu, menu_group="protection")
