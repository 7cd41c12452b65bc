"""The services pages' data, computed once as dicts (the router renders them or returns them as JSON)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhichan.platform.scope import Scope
from zhichan.procedures import views as procedure_views
from zhichan.procedures.scope import may_start
from zhichan.procedures.service import ProcedureService
from zhichan.services import catalogue, priority, service

RETURN_LABELS = {code: label for label, code in priority.RETURN_REASONS.items()}


def home_region(scope: Scope) -> str | None:
    """Whose catalogue a caller reads by default: its organization's area (an enterprise's, where it sits)."""
    return scope.region_code or scope.party_area


def may_apply(procedures: ProcedureService, scope: Scope, entry: dict[str, Any]) -> bool:
    """Whether the page offers the entry's "apply online" link: to a visitor (who signs in on following it) and to
    whoever may file it (:func:`zhichan.procedures.scope.may_start`), never to a bureau's staff it refuses."""
    if not entry["online"] or not entry["offered"]:
        return False
    return not scope.is_authenticated or may_start(scope, procedures.registry.for_region(entry["procedure"],
                                                                                         scope.region_code).start)


def catalogue_view(procedures: ProcedureService, session: Session, scope: Scope, region: str | None,
                   lang: str) -> dict[str, Any]:
    data = catalogue.catalogue_view(session, procedures.registry, region or home_region(scope), lang)
    entries = [{**e, "may_apply": may_apply(procedures, scope, e)} for e in data["entries"]]
    return {**data, "entries": entries, "may_edit": scope.governance and scope.role in catalogue.EDITORS}


def entry_view(procedures: ProcedureService, session: Session, scope: Scope, code: str, region: str | None,
               lang: str) -> dict[str, Any]:
    e = catalogue.entry(code)
    where = region or home_region(scope)
    entry = catalogue.entry_view(session, procedures.registry, e, where, lang)
    return {"entry": {**entry, "may_apply": may_apply(procedures, scope, entry)}, "region_code": where,
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
    documents = service.case_documents(page["case"], page["steps"])
    # a decision's document is an official one, in Chinese from an English page too: the page says so where it is
    # made and where it is downloaded
    issued = any(d["event"] in data["entry"].decisions for d in documents)
    return {**page, "entry_code": data["entry"].code, "decisions": decisions, "documents": documents,
            "decision_issued": issued, "priority": rec}
