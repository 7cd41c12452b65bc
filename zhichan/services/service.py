"""Online applications: the list a caller sees, and decision steps that carry a generated document.

An application is a procedure case of a catalogue service; the engine keeps its state, clocks,
documents and history. A decision step (``Entry.decisions``) carries a document generated from the case and this
step's fields, rendered to PDF and DOCX (both the step's declared document) by the engine's generator
(:func:`decision_generator`) — on the application page, which takes the decision, and on the generic case page alike —
so their digests are in the evidence log like any upload.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.errors import ConflictError, NotFoundError
from zhichan.platform.models import Organization
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.scope import CASES
from zhichan.procedures.service import CASE_ROW, DocumentRequest, ProcedureService, Upload
from zhichan.services.catalogue import Entry, entry_for_procedure, shipped_entries
from zhichan.services.documents import decision_document
from zhichan.services.scope import applications_filter
from zhichan.web.i18n import in_language


def service_procedures() -> list[str]:
    return [e.procedure for e in shipped_entries()]


def applications(procedures: ProcedureService, session: Session, scope: Scope, lang: str, *,
                 limit: int = 100) -> list[dict[str, Any]]:
    """The applications the caller sees, newest first: its own (an enterprise) or its area's (officers)."""
    scope.require_authenticated()
    where = applications_filter(scope, service_procedures(), dialect=procedures.engine.dialect.name)
    rows = session.execute(select(*CASE_ROW, CASES.c.created_at).where(where)
                           .order_by(CASES.c.created_at.desc(), CASES.c.id.desc()).limit(limit)).all()
    out = []
    for r, c in zip(rows, procedures.case_rows(session, rows, lang), strict=True):
        entry = entry_for_procedure(r.procedure)
        out.append({"id": r.id, "number": r.number, "title": c["title"], "service": c["procedure"],
                    "code": entry.code if entry else "", "state": c["state"], "is_open": r.is_open,
                    "created_at": r.created_at, "next_due": c["next_due"], "provisional": c["provisional"],
                    "due_unknown": c["due_unknown"]})
    return out


def decision_actions(procedures: ProcedureService, session: Session, scope: Scope, case_id: int) -> dict[str, Any]:
    """The case as the caller sees it (404 outside its scope) and which of its offered steps generate a document."""
    data = procedures.case(session, scope, case_id)
    entry = entry_for_procedure(data["case"]["procedure"])
    if entry is None:
        raise NotFoundError("该办件不是公共服务申请 / not a service application")
    generated = {a.event: entry.decisions[a.event] for a in data["actions"] if a.event in entry.decisions}
    return {**data, "entry": entry, "generated": generated}


def decision_generator(procedures: ProcedureService) -> Callable[[Session, DocumentRequest], tuple[Upload, ...]]:
    """The engine's generator of a service's decision documents (``ProcedureService.add_generator``): the document of
    a decision step (``Entry.decisions``) left empty — on the application page, which asks for none, and on the case
    page alike, which says it may be left empty — rendered to PDF and DOCX, both the step's declared document; the
    deciding organization issues it (a province recommends a city's case)."""

    def generate(session: Session, request: DocumentRequest) -> tuple[Upload, ...]:
        from zhichan.reports import pdf_and_docx

        entry = entry_for_procedure(request.procedure)
        title = entry.decisions.get(request.event) if entry else None
        case = request.case
        if title is None or case is None:
            return ()
        decl = procedures.declaration_of(session, case["procedure"], case["jurisdiction"], case["declaration_digest"])
        spec = decl.transition(request.event, case["state"])
        if spec is None:
            return ()
        org = session.get(Organization, request.org_id) if request.org_id is not None else None
        doc = decision_document(title=title.zh, decl=decl, spec=spec, case=case, fields=request.fields,
                                issuer=in_language(org.name, "zh") if org else "", now=request.now, seq=request.seq)
        name = f"{case['number']}-{title.zh}"
        pdf, docx = pdf_and_docx(doc)
        return (Upload(request.slot, f"{name}.pdf", pdf, generated=True),
                Upload(request.slot, f"{name}.docx", docx, generated=True))

    return generate


def generated_documents(registry: ProcedureRegistry, entry: Entry) -> frozenset[str]:
    """The documents of ``entry``'s decision steps, by Chinese label, in every declaration of its procedure: what a
    step's form says is generated when left empty."""
    return frozenset(d.zh for decl in registry.all() if decl.procedure == entry.procedure
                     for t in decl.transitions if t.event in entry.decisions for d in t.documents)


def decide(procedures: ProcedureService, session: Session, scope: Scope, case_id: int, event: str, *, version: int,
           fields: dict[str, Any], now: dt.datetime | None = None, ip: str = "") -> dict[str, Any]:
    """Take a decision step; the engine generates its document (:func:`decision_generator`), dated the step's day."""
    data = decision_actions(procedures, session, scope, case_id)
    step = next((t for t in data["declaration"].transitions if t.event == event), None)
    if event not in data["entry"].decisions or step is None:  # it read "no step … with a generated document here"
        raise NotFoundError(f"该服务没有名为“{event[:40]}”的决定 / this service has no decision '{event[:40]}'")
    if event not in data["generated"]:  # a decision of the service, not one this caller may take on the case now
        raise ConflictError(f"该办件当前不能由您作出“{step.title.zh}” / you cannot take '{step.title.en}' on this case "
                            "now (someone may have acted first)", details={"state": data["case"]["state"]})
    return procedures.act(session, scope, case_id, event, version=version, fields=fields, now=now, ip=ip)


def case_documents(case: dict[str, Any], steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every document of the case's steps, newest first (what the applicant downloads)."""
    docs = []
    for s in reversed(steps):
        for d in s["documents"] if isinstance(s["documents"], list) else json.loads(s["documents"]):
            docs.append({**d, "seq": s["seq"], "event": s["event"], "url": f"/cases/{case['id']}/documents/{d['sha256']}"})
    return docs
