"""What a look-up of a file in the evidence log may say about the case step that certifies it (``/evidence/verify``
with a file alone: a citizen holding the 决定书 a bureau sent).

To anyone: that the file is certified, when, by which office, as which document of which procedure's step — the
declared names, which say what the document is, not whose case. Only a caller who sees the case
(:func:`zhichan.procedures.scope.sees`: its officers, its party, its counterparty) also learns the case — its
number, the step's number, the links to the case and to the step's certificate, whose leaf names the case and
the officer who took the step. docs/evidence.md, "Looking a file up".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.platform.models import Organization
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import Text, step_title
from zhichan.procedures.scope import sees
from zhichan.procedures.service import CASES, STEPS, ProcedureService


@dataclass(frozen=True)
class CaseOfStep:
    """The case a certifying step belongs to, for a caller who sees it."""

    id: int
    number: str
    procedure: str
    seq: int


@dataclass(frozen=True)
class CertifiedStep:
    procedure: Text
    step: Text | None
    office: str
    office_en: str | None
    synthetic: bool
    #: the step's documents' declared labels, by SHA-256
    documents: Mapping[str, Text]
    #: ``None`` unless the caller sees the case
    case: CaseOfStep | None


def certified_steps(service: ProcedureService, session: Session, scope: Scope,
                    entries: Mapping[int, Mapping[str, Any]]) -> dict[int, CertifiedStep]:
    """The steps recorded as these log entries (index → the entry's leaf fields, ``kind`` ``procedure.step``), found
    by the case number and step the leaf names and kept only where the step's own record points back at the entry."""
    numbers = {str(f["case"]) for f in entries.values() if f.get("case")}
    if not numbers:
        return {}
    rows = session.execute(
        select(STEPS.c.evidence_index, STEPS.c.seq, STEPS.c.event, STEPS.c.from_state, STEPS.c.documents,
               CASES.c.id, CASES.c.number, CASES.c.procedure, CASES.c.jurisdiction, CASES.c.declaration_digest,
               CASES.c.org_path, CASES.c.party_user_id, CASES.c.party_key, CASES.c.counterparty_org_id,
               CASES.c.synthetic, Organization.name, Organization.name_en)
        .join(CASES, CASES.c.id == STEPS.c.case_id).join(Organization, Organization.id == CASES.c.org_id)
        .where(CASES.c.number.in_(sorted(numbers)), STEPS.c.evidence_index.in_(sorted(entries))))
    found: dict[int, CertifiedStep] = {}
    for row in rows:
        fields = entries[int(row.evidence_index)]
        if fields.get("case") != row.number or fields.get("seq") != row.seq:
            continue
        decl = service.declaration_of(session, row.procedure, row.jurisdiction, row.declaration_digest)
        documents = {d["sha256"]: Text(zh=d.get("label") or "", en=d.get("label_en") or d.get("label") or "")
                     for d in json.loads(row.documents) if isinstance(d, dict) and d.get("sha256")}
        found[int(row.evidence_index)] = CertifiedStep(
            procedure=decl.title, step=step_title(decl, row.event, row.from_state), office=row.name,
            office_en=row.name_en, synthetic=bool(row.synthetic), documents=documents,
            case=CaseOfStep(int(row.id), row.number, row.procedure, int(row.seq)) if sees(scope, row) else None)
    return found
