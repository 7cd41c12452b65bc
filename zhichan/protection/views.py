"""Protection's pages as dicts: the public complaint form, the case panels, published decisions."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.platform.models import Organization, Role
from zhichan.platform.scope import Scope
from zhichan.procedures.service import GOVERNANCE_KINDS, ProcedureService
from zhichan.procedures.views import start_view
from zhichan.protection import service as protection
from zhichan.protection.service import COMPLAINT, DISPUTE


def offices(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """The offices a complaint may be filed with (a county office handles its area, 第十二条、第二十五条):
    any for the public; an officer enters complaints for its own office or one below it."""
    query = select(Organization.id, Organization.name, Organization.region_code).where(
        Organization.kind.in_([str(k) for k in GOVERNANCE_KINDS]))
    if scope.governance and scope.org_path is not None:
        query = query.where(Organization.path.like(scope.org_path_like()))
    rows = session.execute(query.order_by(Organization.region_code, Organization.id)).all()
    return [{"id": r.id, "name": r.name, "region_code": r.region_code} for r in rows]


def complaint_form(procedures: ProcedureService, session: Session, scope: Scope, lang: str) -> dict[str, Any]:
    """An enterprise files with the bureau it belongs to (``own_office``); anyone else chooses the office."""
    decl = procedures.registry.get(COMPLAINT, "default")
    own: str | None = None
    if scope.role == Role.ENTERPRISE_USER and scope.org_id is not None:
        org = session.get(Organization, scope.org_id)
        parent = session.get(Organization, org.parent_id) if org is not None and org.parent_id else None
        own = parent.name if parent is not None else None
    return {**start_view(decl, lang), "offices": [] if own else offices(session, scope), "own_office": own}


def case_panel(session: Session, scope: Scope, case: dict[str, Any]) -> dict[str, Any] | None:
    """The protection part of a case page (``case``: the engine's case view), or ``None``."""
    procedure = case["case"]["procedure"]
    case_id = case["case"]["id"]
    if procedure == COMPLAINT:
        row = protection.complaint_row(session, case_id)
        return {"kind": "complaint", "checks": json.loads(row.checks), "anonymous": row.anonymous,
                "patent_number": row.patent_number, "route": row.route, "linked_case_id": row.linked_case_id,
                "duplicates": protection.duplicates(session, scope, case_id) if case["officer"] else []}
    if procedure == DISPUTE:
        row = protection.dispute_row(session, case_id)
        if row is None:
            return None
        return {"kind": "dispute", "checks": json.loads(row.checks) if case["officer"] else [],
                "patent_number": row.patent_number, "panel": row.panel, "simplified": row.simplified,
                "respondent_abroad": row.respondent_abroad, "complaint_case_id": row.complaint_case_id,
                "decided_on": row.decided_on, "published_on": row.published_on,
                "challenge_until": protection.challenge_until(row.decided_on) if row.decided_on else None}
    return None
