"""Each finance page's data computed once as a dict; the router renders it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.corpus.store import Snapshot
from zhichan.errors import NotFoundError, PermissionDenied
from zhichan.evidence.service import utcnow
from zhichan.finance import funds as fund_rules
from zhichan.finance.models import Claim, LedgerEntry, Loan, Pledge, PledgedRight
from zhichan.finance.scope import loan_filter, pledge_filter
from zhichan.finance.service import HOLDING, PledgeRules
from zhichan.legaltime import china_date
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case
from zhichan.procedures.views import china_time

STATUS = {"applied": "待质权人确认", "confirmed": "待登记审查", "registered": "已登记", "refused": "不予登记",
          "withdrawn": "已撤回", "released": "已解除", "cancelled": "已注销", "disposed": "已处置"}


def register_view(session: Session, scope: Scope, *, limit: int = 200) -> dict[str, Any]:
    """质押登记簿 as the caller may see it."""
    scope.require_authenticated()
    counts = dict(session.execute(select(PledgedRight.pledge_id, func.count()).join(
        Pledge, Pledge.id == PledgedRight.pledge_id).where(pledge_filter(scope)).group_by(PledgedRight.pledge_id)).all())
    rows = session.execute(select(Pledge, Case.number).join(Case, Case.id == Pledge.case_id)
                           .where(pledge_filter(scope)).order_by(Pledge.id.desc()).limit(limit)).all()
    return {"pledges": [{"pledge": p, "case_number": number, "rights": counts.get(p.id, 0),
                         "status": STATUS.get(p.status, p.status)} for p, number in rows]}


def visible_pledge(session: Session, scope: Scope, pledge_id: int) -> Pledge:
    scope.require_authenticated()
    pledge = session.scalar(select(Pledge).where(Pledge.id == pledge_id, pledge_filter(scope)))
    if pledge is None:
        raise NotFoundError(f"没有质押登记 {pledge_id} / no pledge registration {pledge_id}")
    return pledge


def pledge_view(session: Session, scope: Scope, pledge_id: int, rules: PledgeRules, snapshot: Snapshot | None) -> dict[str, Any]:
    """A registration: its rights and, while it awaits a decision, the checks as they stand today."""
    pledge = visible_pledge(session, scope, pledge_id)
    case = session.get(Case, pledge.case_id)
    assert case is not None
    rights = list(session.scalars(select(PledgedRight).where(PledgedRight.pledge_id == pledge.id).order_by(PledgedRight.id)))
    report = None
    if pledge.status in HOLDING and pledge.status != "registered" and snapshot is not None:
        report = rules.report(session, pledge, json.loads(case.fields or "{}"), china_date(utcnow()))
    return {"pledge": pledge, "case": case, "rights": rights, "status": STATUS.get(pledge.status, pledge.status),
            "report": report}


# -- funds ---------------------------------------------------------------------------------------

def operable_funds(scope: Scope, funds: dict[str, fund_rules.FundRules]) -> dict[str, fund_rules.FundRules]:
    """The funds of the caller's area: officers whose area contains the fund's jurisdiction operate it."""
    if not scope.governance:
        return {}
    return {code: f for code, f in funds.items() if scope.covers_region(f.jurisdiction)}


def funds_view(session: Session, scope: Scope, funds: dict[str, fund_rules.FundRules]) -> dict[str, Any]:
    scope.require_authenticated()
    if not scope.governance:
        raise PermissionDenied("只有知识产权局工作人员可以查看风险补偿资金 / only bureau staff see the funds")
    rows = []
    for code, f in operable_funds(scope, funds).items():
        rows.append({"rules": f, "balance": fund_rules.balance(session, code)})
    return {"funds": rows}


def fund_view(session: Session, scope: Scope, funds: dict[str, fund_rules.FundRules], code: str) -> dict[str, Any]:
    scope.require_authenticated()
    rules = operable_funds(scope, funds).get(code)
    if rules is None:
        raise NotFoundError(f"没有风险补偿资金 {code} / no fund {code}")
    loans = list(session.scalars(select(Loan).where(Loan.fund_code == code, loan_filter(scope)).order_by(Loan.id.desc())))
    claims = {c.loan_id: c for c in session.scalars(select(Claim).where(Claim.loan_id.in_([x.id for x in loans])))}
    ledger = list(session.scalars(select(LedgerEntry).where(LedgerEntry.fund_code == code)
                                  .order_by(LedgerEntry.seq.desc()).limit(50)))
    balance = fund_rules.balance(session, code)
    outstanding = sum((x.principal for x in loans if x.status == "enrolled"), start=fund_rules.Decimal(0))
    balanced, operations, _ = fund_rules.verify_ledger(session, code)
    return {"rules": rules, "loans": [{"loan": x, "claim": claims.get(x.id),
                                        "lines": json.loads(claims[x.id].arithmetic) if x.id in claims else []}
                                       for x in loans],
            "ledger": [{"entry": e, "at": china_time(e.at)} for e in ledger], "balance": balance, "outstanding": outstanding,
            "leverage": (outstanding / balance).quantize(fund_rules.CENT) if balance > 0 else None,
            "balanced": balanced, "operations": operations, "enterprise_types": fund_rules.ENTERPRISE_TYPES,
            "today": china_date(utcnow())}
