"""Who sees which finance records — the one rule every route uses (404 outside it).

- Officers (governance roles) see the registrations, loans and whitelists of their organization's
  subtree (the handling bureau's ``org_path``).
- An enterprise user sees its own registrations (as the pledgor).
- A bank user sees the registrations naming its bank as pledgee, the loans it lent (enrolled under its
  organization's name) with their claims and payouts, and the whitelists pushed to it.
- Anyone else (the public) sees none of them: only aggregates (each fund's figures, the statistics).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select

from zhichan.finance.models import Loan, Pledge, Whitelist, WhitelistPush
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope


def pledge_filter(scope: Scope) -> ColumnElement[bool]:
    if not scope.is_authenticated:
        return false()
    if scope.governance and scope.org_path:
        return Pledge.org_path.like(scope.org_path_like())
    if scope.role == Role.ENTERPRISE_USER:
        return Pledge.pledgor_org_id == scope.org_id
    if scope.role == Role.BANK_USER:
        return Pledge.pledgee_org_id == scope.org_id
    return false()


def loan_filter(scope: Scope) -> ColumnElement[bool]:
    if scope.governance and scope.org_path:
        return Loan.org_path.like(scope.org_path_like())
    if scope.role == Role.BANK_USER and scope.org_name:
        return Loan.bank == scope.org_name
    return false()


def whitelist_filter(scope: Scope) -> ColumnElement[bool]:
    if not scope.is_authenticated:
        return false()
    if scope.governance and scope.org_path:
        return Whitelist.org_path.like(scope.org_path_like())
    if scope.role == Role.BANK_USER:
        pushed = select(WhitelistPush.whitelist_id).where(WhitelistPush.bank_org_id == scope.org_id)
        return Whitelist.id.in_(pushed)
    return false()
