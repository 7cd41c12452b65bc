"""The services pages' data, computed once as dicts (the router renders them or returns them as JSON)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhichan.platform.scope import Scope
from zhichan.procedures import views as procedure_views
from zhichan.procedures.service import ProcedureService
from zhichan.services import catalogue, priority, service

RETURN_LABELS = {code: label for label, code in priority.RETURN_REASONS.items()}


def home_region(scope: Scope) -> str | None:
    """Whose catalogue a caller reads by default: its organization's area (an enterprise's, where it sits)."""
    return scope.region_code or scope.party_area


def catalogue_view(procedures: ProcedureService, session: Session, scope: Scope, region: str | None,
                   lang: str) -> dict[str, Any]:
    data = catalogue.catalogue_view(session, procedures.registry, region or home_region(scope), lang)
    return {**data, "may_edit": scope.governance and scope.role in catalogue.EDITORS}


def entry_view(procedures: ProcedureService, session: Session, scope: Scope, code: str, region: str | None,
               lang: str) -> dict[str, Any]:
    e = catalogue.entry(code)
    where = region or home_region(scope)
    return {"entry": catalogue.entry_view(session, procedures.registry, e, where, lang), "region_code": where,
            "may_edit": scope.governance and scope.role in catalogue.EDITORS}


def application_view(procedures: ProcedureService, session: Session, scope: Scope, case_id: int,
                     lang: str) -> dict[str, Any]:
    """An application's progress (state, deadlines, timeline via the case page), its documents, the
    decision steps the caller may take here, and a recommended case's examination deadlines."""
    data = service.decision_actions(procedures, session, scope, case_id)
    page = procedure_views.case_view(procedures, session, scope, case_id, lang)
    decisions = []
    for action in page["actions"]:
        if action["event"] in data["generated"]:
            decisions.append({**action, "document": data["generated"][action["event"]](lang)})
    rec = priority.recommendation_view(session, case_id)
    if rec is not None and rec["return_reason"]:
        rec["return_label"] = RETURN_LABELS.get(rec["return_reason"], rec["return_reason"])
    return {**page, "entry_code": data["entry"].code, "decisions": decisions,
            "documents": service.case_documents(page["case"], page["steps"]), "priority": rec}
