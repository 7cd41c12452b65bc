"""Protection's rules on the engine, installed once per procedure service (the app's, the demo
generator's): each procedure's hook and the standard-document generator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zhichan.corpus.store import Snapshot
from zhichan.procedures.service import ProcedureService
from zhichan.protection.channels import (
    ECOMMERCE,
    ENFORCEMENT,
    POLICE,
    EcommerceRules,
    EnforcementRules,
    police_rules,
)
from zhichan.protection.documents import OFFICE_DOCUMENTS, DocumentGenerator, Documents
from zhichan.protection.mediation import MEDIATION, JudicialConfirmation, MediationRules
from zhichan.protection.overseas import GUIDANCE, GuidanceRules
from zhichan.protection.rules import HELD, DisputeRules, dispute_holds
from zhichan.protection.service import COMPLAINT, DISPUTE, ComplaintRules
from zhichan.protection.titles import titler


def install(service: ProcedureService, snapshot: Callable[[], Snapshot | None], template_dir: Path | None, *,
            generator: Documents | None = None) -> None:
    """``generator``: another maker of the standard documents (the demo's placeholder files)."""
    documents = generator or DocumentGenerator(template_dir)
    service.add_hook(COMPLAINT, ComplaintRules(service, snapshot, documents))
    service.add_hook(DISPUTE, DisputeRules(service, snapshot))
    service.add_hook(DISPUTE, JudicialConfirmation(service, "mediate"))  # 调解 within 裁决: one confirmation rule
    service.add_holds(DISPUTE, HELD, dispute_holds)  # the decision after the hearing, never while suspended
    service.add_hook(MEDIATION, MediationRules(service))
    service.add_hook(POLICE, police_rules)
    service.add_hook(ECOMMERCE, EcommerceRules(service))
    service.add_hook(ENFORCEMENT, EnforcementRules(service))
    service.add_hook(GUIDANCE, GuidanceRules())
    service.add_generator(DISPUTE, documents, OFFICE_DOCUMENTS)
    service.add_titler(COMPLAINT, titler(COMPLAINT))
    service.add_titler(DISPUTE, titler(DISPUTE))
    service.add_titler(MEDIATION, titler(MEDIATION))
    service.add_generator(MEDIATION, documents, OFFICE_DOCUMENTS)
    service.add_generator(ENFORCEMENT, documents, OFFICE_DOCUMENTS)
