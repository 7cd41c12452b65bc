"""The data-IP pages' data, computed once as dicts (the router renders them as HTML or JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhichan.dataip.models import Status
from zhichan.dataip.service import PROCEDURE, DataIPService, published
from zhichan.finance.service import registered_pledges
from zhichan.legaltime import china_date, china_today
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope


def may_apply(service: DataIPService, scope: Scope) -> bool:
    """Whether the caller may open an application (the declaration's start: the party online, or its roles)."""
    start = service.procedures.registry.for_region(PROCEDURE, None).start
    return scope.is_authenticated and ((scope.role == Role.ENTERPRISE_USER and start.party)
                                       or (scope.governance and scope.role in start.roles))


def notices_view(service: DataIPService, scope: Scope, date: dt.date | None = None) -> dict[str, Any]:
    """公示: the registrations under notice on ``date`` (default today, China time); on today's list a
    signed-in user may object to each (the notice clock decides again when the objection arrives)."""
    today = china_today()
    day = date or today
    regs = service.under_notice(day)
    relation = service.relation(scope, [r["case_id"] for r in regs if r["case_id"] is not None])
    rows = [{**published(r), "end_day": r["notice_end"],
             # the applicant and the area's officers reach the case itself
             "case_id": r["case_id"] if r["case_id"] in relation else None,
             # a provisional last day closes nothing (the published schedule may move it later)
             "can_object": scope.is_authenticated and r["case_id"] is not None
             and relation.get(r["case_id"]) != "party" and r["notice_start"] <= today
             and (r["notice_end_provisional"] or today <= r["notice_end"])}
            for r in regs]
    return {"rows": rows, "date": date, "today": today, "signed_in": scope.is_authenticated,
            "objector": scope.org_name or scope.username, "may_apply": may_apply(service, scope)}


def home_registrations(service: DataIPService, session: Any, scope: Scope) -> dict[str, Any]:
    """On an enterprise's own home: its latest data-IP registrations, each with its state and — under notice — the
    notice's last day (objections until then; the decision after it): a registration under notice awaits nothing of
    the applicant, so it is on no to-do list, and the home showed nothing of it."""
    rows, total = service.own(session, scope)
    items = [{**published(r), "end_day": r["notice_end"] if r["status"] in (Status.IN_NOTICE, Status.OBJECTED) else None,
              "case_id": r["case_id"]} for r in rows]
    return {"items": items, "total": total, "may_apply": may_apply(service, scope)}


def register_view(service: DataIPService, *, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    """登记簿: registered data IP, newest first (published fields and the decision's log entry)."""
    rows = service.registrations(Status.REGISTERED, limit=per_page + 1, offset=(page - 1) * per_page)
    with service.engine.connect() as conn:
        pledges = registered_pledges(conn, [r["number"] for r in rows[:per_page]])
    items = [{**published(r), "decided": china_date(r["decided_at"]).isoformat() if r["decided_at"] else None,
              "decision_index": r["decision_index"], "pledges": pledges.get(r["number"], [])} for r in rows[:per_page]]
    return {"items": items, "page": page, "more": len(rows) > per_page}


def registration_view(service: DataIPService, number: str, scope: Scope) -> dict[str, Any]:
    """One published registration (under notice or registered); anything else is not found. Its registered
    pledges (数据知识产权质押) show with it."""
    reg = service.public_registration(number)
    registered = reg["status"] == Status.REGISTERED
    case_id = reg["case_id"] if reg["case_id"] is not None and service.relation(scope, [reg["case_id"]]) else None
    with service.engine.connect() as conn:
        pledges = registered_pledges(conn, [reg["number"]]).get(reg["number"], [])
    return {"registration": {**published(reg), "end_day": reg["notice_end"], "decided": china_date(reg["decided_at"]).isoformat()
                             if registered and reg["decided_at"] else None,
                             "decision_index": reg["decision_index"] if registered else None,
                             "decision_reasons": reg["decision_reasons"] if registered else None,
                             "case_id": case_id, "pledges": pledges},
            "registered": registered}
