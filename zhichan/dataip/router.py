"""HTTP for data-IP registration. Thin: the engine and :mod:`zhichan.dataip.service` decide.

Public (anonymous): ``/dataip/notices`` (registrations under notice, with their objection deadlines;
the old ``/evidence/notices`` redirects here), ``/api/v1/dataip/notices`` (the same, JSON),
``/dataip/register`` and ``/dataip/register/{number}`` (the register of registered data IP) and the
registration certificate ``/dataip/register/{number}/certificate.pdf``.

Signed in: ``POST /dataip/notices/{number}/objections`` — an objection during the notice, taken as
the procedure's public ``object`` step. Applying, reviewing, publishing and deciding are the
engine's generic pages (``/procedures/dataip.registration/new``, ``/cases/{id}``, ``/todo``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.dataip import views
from zhichan.dataip.service import CASES, PROCEDURE, DataIPService
from zhichan.errors import ConflictError, NotFoundError
from zhichan.platform.scope import Scope
from zhichan.procedures.service import FormError
from zhichan.web.deps import DbDep, ScopeDep, TransactionRoute, lang, render, render_string
from zhichan.web.domains import MenuItem, WebDomain
from zhichan.web.openapi import IsoDate, errors

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: how often an objection is tried when other steps on the case got in first
OBJECTION_ATTEMPTS = 3
router = APIRouter(route_class=TransactionRoute)

#: a registration number as the register issues it (DIP-<year>-<8 digits>)
NUMBER = r"^DIP-[0-9]{4}-[0-9]{8}$"
Number = Annotated[str, PathParam(pattern=NUMBER)]


def service(request: Request) -> DataIPService:
    dataip: DataIPService = request.app.state.dataip
    return dataip


def menu(scope: Scope) -> list[MenuItem]:
    """One entry for everybody (the register is linked from the notices page; the menu bar is full)."""
    return [("/dataip/notices", "dataip.nav.notices")]


# -- public: the notice, and objections to it ---------------------------------------------------


def _notices_page(request: Request, scope: Scope, date: Any = None, *, failed: str | None = None,
                  errors: dict[str, str] | None = None, values: dict[str, str] | None = None, filed: str | None = None,
                  status: int = 200) -> Response:
    data = views.notices_view(service(request), scope, date)
    return render(request, "dataip/notices.html", {**data, "failed": failed, "errors": errors or {},
                                                   "values": values or {}, "filed": filed}, status=status)


@router.get("/dataip/notices", include_in_schema=False)
def notices_page(request: Request, date: Annotated[IsoDate | None, Query()] = None,
                 filed: Annotated[str | None, Query(pattern=NUMBER)] = None, scope: Scope = ScopeDep) -> Response:
    return _notices_page(request, scope, date, filed=filed)


@router.get("/evidence/notices", include_in_schema=False)
def old_notices_page(request: Request) -> Response:
    """The notices' earlier address (they lived with the evidence pages)."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/dataip/notices{query}", status_code=301)


@router.post("/dataip/notices/{number}/objections", include_in_schema=False)
def object_submit(request: Request, number: Number, scope: Scope = ScopeDep, session: Session = DbDep,
                  objector: Annotated[str, Form()] = "",
                  reason: Annotated[str, Form()] = "") -> Response:
    """提出异议: the procedure's public ``object`` step (anyone signed in, while the notice clock runs)."""
    scope.require_authenticated()
    values = {"objector": objector, "reason": reason}
    reg = service(request).public_registration(number)
    if reg["case_id"] is None:
        raise NotFoundError(f"没有公开的登记 {number} / no published registration {number}")
    # an objection does not depend on what others did meanwhile (the state check still applies): it
    # is taken on the current version, and retried when another step got in first, so two objectors at
    # once are not sent back with a stale form
    for attempt in range(1, OBJECTION_ATTEMPTS + 1):
        version = int(session.scalar(select(CASES.c.version).where(CASES.c.id == reg["case_id"])) or 0)
        try:
            request.app.state.procedures.act(session, scope, reg["case_id"], "object", version=version, fields=values,
                                             ip=request.client.host if request.client else "")
            break
        except FormError as exc:
            session.rollback()
            return _notices_page(request, scope, failed=number, errors=exc.errors, values=values, status=422)
        except ConflictError as exc:
            session.rollback()
            if "field" not in exc.details and attempt < OBJECTION_ATTEMPTS:
                continue  # the engine's conflict (the case moved on): look again
            field = str(exc.details.get("field") or "reason")
            return _notices_page(request, scope, failed=number, errors={field: exc.message}, values=values, status=409)
    session.commit()
    return RedirectResponse(f"/dataip/notices?filed={number}", status_code=303)


@router.get("/api/v1/dataip/notices", tags=["dataip"], responses=errors(422))
def notices_api(
    request: Request,
    date: Annotated[IsoDate | None, Query(description="公示中的日期 YYYY-MM-DD（默认今天）/ the day (default: today)")] = None,
) -> list[dict[str, Any]]:
    """数据知识产权登记公示（公开） / Data-IP registrations under notice (public)."""
    rows = views.notices_view(service(request), Scope.anonymous(), date)["rows"]
    return [{k: v for k, v in r.items() if k not in ("can_object", "case_id", "case_number")} for r in rows]


# -- public: the register -----------------------------------------------------------------------


@router.get("/dataip/register", include_in_schema=False)
def register_page(request: Request, page: int = Query(1, ge=1, le=10_000),
                  number: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    if number and not re.fullmatch(NUMBER, number.strip().upper()):  # the register, the message beside the field
        raise FormError({"number": "登记号应为 DIP-年份-8 位数字 / a registration number reads DIP-<year>-<8 digits>"})
    if number:
        return RedirectResponse(f"/dataip/register/{quote(number.strip().upper(), safe='')}", status_code=303)
    return render(request, "dataip/register.html", views.register_view(service(request), page=page))


@router.get("/dataip/register/{number}", include_in_schema=False)
def registration_page(request: Request, number: str, scope: Scope = ScopeDep) -> Response:
    return render(request, "dataip/registration.html", views.registration_view(service(request), number, scope,
                                                                                   lang(request)))


@router.get("/dataip/register/{number}/certificate.pdf", include_in_schema=False)
def certificate_pdf(request: Request, number: str) -> Response:
    """数据知识产权登记证书: the log certificate of the "registered" decision (public, like the register)."""
    from zhichan.evidence.certificate import render_pdf

    data = views.registration_view(service(request), number, Scope.anonymous())
    if not data["registered"]:
        raise NotFoundError(f"{number} 尚未准予登记 / {number} is not registered")
    pdf = render_pdf(service(request).evidence.certificate(int(data["registration"]["decision_index"])),
                     synthetic=data["registration"]["synthetic"])
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{number}.pdf"'})


def _setup(app: FastAPI) -> None:
    app.state.dataip = DataIPService(app.state.procedures)  # installs the register's step hook


def case_panel(request: Request, session: Session, scope: Scope, case: dict[str, Any]) -> Markup | None:
    data = views.case_panel(session, case)
    return render_string(request, "dataip/_case_panel.html", data) if data is not None else None


DOMAIN = WebDomain("dataip", (router,), TEMPLATES, setup=_setup, menu=menu, menu_group="use", case_panel=case_panel)

__all__ = ["DOMAIN", "PROCEDURE", "router"]
