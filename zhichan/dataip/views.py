"""The data-IP pages' data, computed once as dicts (the router renders them as HTML or JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.dataip.models import Status
from zhichan.dataip.service import PROCEDURE, REGS, DataIPService, decision_reasons_text, published
from zhichan.finance.service import registered_pledges
from zhichan.legaltime import china_date, china_today
from zhichan.platform.inlists import rows_in
from zhichan.platform.models import Role
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case


def may_apply(service: DataIPService, scope: Scope) -> bool:
    """Whether the caller may open an application (the declaration's start: the party online, or its roles)."""
    start = service.procedures.registry.for_region(PROCEDURE, None).start
    return scope.is_authenticated and ((scope.role == Role.ENTERPRISE_USER and start.party)
                                       or (scope.governance and scope.role in start.roles))


def named_in_english(service: DataIPService, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each published registration with the English names of the organizations it names as written (its holder,
    ``applicant_en``; its pledgees, ``pledgee_en``) where known, which pages show through ``org_name`` (one query)."""
    named = [RowName(r["applicant"]) for r in rows] + [RowName(p["pledgee"]) for r in rows for p in r.get("pledges", ())]
    with Session(service.engine) as session:
        found = english_names(session, named)
    return [{**r, "applicant_en": found.get(RowName(r["applicant"])),
             **({"pledges": [{**p, "pledgee_en": found.get(RowName(p["pledgee"]))} for p in r["pledges"]]}
                if "pledges" in r else {})} for r in rows]


def notices_view(service: DataIPService, scope: Scope, date: dt.date | None = None) -> dict[str, Any]:
    """公示: the registrations under notice on ``date`` (default today, China time); on today's list a
    signed-in user may object to each (the notice clock decides again when the objection arrives)."""
    today = china_today()
    day = date or today
    regs = service.under_notice(day)
    relation = service.relation(scope, [r["case_id"] for r in regs if r["case_id"] is not None])
    with Session(service.engine) as session:  # the case's number (DIPA-…) beside the registration's, to who sees it
        numbers = dict(rows_in(session, select(Case.id, Case.number), relation, Case.id))
    rows = [{**published(r), "end_day": r["notice_end"],
             # the applicant and the area's officers reach the case itself
             "case_id": r["case_id"] if r["case_id"] in relation else None, "case_number": numbers.get(r["case_id"]),
             # a provisional last day closes nothing (the published schedule may move it later)
             "can_object": scope.is_authenticated and r["case_id"] is not None
             and relation.get(r["case_id"]) != "party" and r["notice_start"] <= today
             and (r["notice_end_provisional"] or today <= r["notice_end"])}
            for r in regs]
    return {"rows": named_in_english(service, rows), "date": date, "today": today, "signed_in": scope.is_authenticated,
            "objector": scope.org_name or scope.username, "may_apply": may_apply(service, scope)}


def register_view(service: DataIPService, *, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    """登记簿: registered data IP, newest first (published fields and the decision's log entry)."""
    rows = service.registrations(Status.REGISTERED, limit=per_page + 1, offset=(page - 1) * per_page)
    with service.engine.connect() as conn:
        pledges = registered_pledges(conn, [r["number"] for r in rows[:per_page]])
    items = [{**published(r), "decided": china_date(r["decided_at"]).isoformat() if r["decided_at"] else None,
              "decision_index": r["decision_index"], "pledges": pledges.get(r["number"], [])} for r in rows[:per_page]]
    return {"items": named_in_english(service, items), "page": page, "more": len(rows) > per_page}


def registration_view(service: DataIPService, number: str, scope: Scope, lang: str = "zh") -> dict[str, Any]:
    """One published registration (under notice or registered); anything else is not found. Its registered
    pledges (数据知识产权质押) show with it; to who sees its case, the case's number (its 申请号, DIPA-…) and link."""
    reg = service.public_registration(number)
    registered = reg["status"] == Status.REGISTERED
    case_id = reg["case_id"] if reg["case_id"] is not None and service.relation(scope, [reg["case_id"]]) else None
    with Session(service.engine) as session:
        case_number = session.scalar(select(Case.number).where(Case.id == case_id)) if case_id is not None else None
    with service.engine.connect() as conn:
        pledges = registered_pledges(conn, [reg["number"]]).get(reg["number"], [])
    shown = {**published(reg), "end_day": reg["notice_end"],
             "decided": china_date(reg["decided_at"]).isoformat() if registered and reg["decided_at"] else None,
             "decision_index": reg["decision_index"] if registered else None,
             "decision_reasons": decision_reasons_text(reg["decision_reasons"], lang) if registered else None,
             "case_id": case_id, "case_number": case_number, "pledges": pledges}
    return {"registration": named_in_english(service, [shown])[0], "registered": registered}


def case_panel(session: Session, case: dict[str, Any]) -> dict[str, Any] | None:
    """A data-IP case's part of its case page (``case``: the engine's case view, shown to who sees the case): the
    registration number (DIP-…) issued with the application beside the case's number (DIPA-…), and, once published
    (under notice, objected, registered), the link to its public page, which names the registration by it."""
    if case["case"]["procedure"] != PROCEDURE:
        return None
    row = session.execute(select(REGS.c.number, REGS.c.status).where(REGS.c.case_id == case["case"]["id"])).first()
    if row is None:
        return None
    return {"number": row.number, "status": row.status,
            "published": row.status in (Status.IN_NOTICE, Status.OBJECTED, Status.REGISTERED)}
