"""Which applications a caller sees: the procedure engine's one rule (officers their organization's
subtree, an enterprise its own), restricted to the catalogue's procedures. The catalogue and its
entries are public."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false

from zhichan.platform.scope import Scope
from zhichan.procedures.scope import CASES, officer_filter, party_filter


def applications_filter(scope: Scope, procedures: list[str], *, dialect: str = "") -> ColumnElement[bool]:
    if not scope.is_authenticated or not procedures:
        return false()
    who = officer_filter(scope, dialect=dialect) if scope.governance else party_filter(scope)
    return CASES.c.procedure.in_(procedures) & who
