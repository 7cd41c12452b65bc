"""Each finance page's data computed once as a dict; the router renders it."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from zhichan.corpus.store import Snapshot
from zhichan.errors import NotFoundError, PermissionDenied
from zhichan.finance import funds as fund_rules
from zhichan.finance import whitelist as wl
from zhichan.finance.models import (
    Claim,
    LedgerEntry,
    Loan,
    Pledge,
    PledgedRight,
    Whitelist,
    WhitelistEntry,
    WhitelistFeedback,
    WhitelistPush,
)
from zhichan.finance.scope import loan_filter, pledge_filter
from zhichan.finance.service import HOLDING, PledgeRules
from zhichan.legaltime import china_today
from zhichan.platform.inlists import rows_in
from zhichan.platform.models import Organization, Role
from zhichan.platform.orgs import RowName, area_bureau, english_names, org_names_en
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case
from zhichan.procedures.scope import CASES
from zhichan.procedures.service import CASE_ROW, ProcedureService
from zhichan.procedures.views import AWAITED_ROW, listed_cases
from zhichan.web.i18n import stored_text, translate


def party_names_en(session: Session, pledges: list[Pledge]) -> dict[int, str]:
    """The English names of the pledges' parties by organization id, where the organization has one: the
    register keeps each party's name as registered (Chinese); English pages show the organization's."""
    return org_names_en(session, [i for p in pledges for i in (p.pledgor_org_id, p.pledgee_org_id)])


def register_view(session: Session, scope: Scope, service: ProcedureService, lang: str, *,
                  limit: int = 200) -> dict[str, Any]:
    """质押登记簿 as the caller may see it: each pledge with its case as every list of cases shows it — the state the
    case is in and whom it awaits (:func:`zhichan.procedures.views.listed_cases`: a confirmed application awaiting the
    pledgor's cure is 待补正, awaiting the pledgor, not 待登记审查)."""
    scope.require_authenticated()
    counts = dict(session.execute(select(PledgedRight.pledge_id, func.count()).join(
        Pledge, Pledge.id == PledgedRight.pledge_id).where(pledge_filter(scope)).group_by(PledgedRight.pledge_id)).all())
    rows = session.execute(select(Pledge, *CASE_ROW, *AWAITED_ROW).join(CASES, CASES.c.id == Pledge.case_id)
                           .where(pledge_filter(scope)).order_by(Pledge.id.desc()).limit(limit)).all()
    english = party_names_en(session, [r[0] for r in rows])
    cases = listed_cases(service, session, rows, lang)
    return {"pledges": [{"pledge": r[0], "case": case, "case_number": r.number, "rights": counts.get(r[0].id, 0),
                         "pledgor_en": english.get(r[0].pledgor_org_id), "pledgee_en": english.get(r[0].pledgee_org_id)}
                        for r, case in zip(rows, cases, strict=True)]}


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
        report = rules.report(session, pledge, json.loads(case.fields or "{}"), china_today())
    english = party_names_en(session, [pledge])
    return {"pledge": pledge, "case": case, "rights": rights, "report": report,
            "pledgor_en": english.get(pledge.pledgor_org_id), "pledgee_en": english.get(pledge.pledgee_org_id)}


# -- funds ---------------------------------------------------------------------------------------

def operable_funds(scope: Scope, funds: dict[str, fund_rules.FundRules]) -> dict[str, fund_rules.FundRules]:
    """The funds of the caller's area: officers whose area contains the fund's jurisdiction operate it."""
    if not scope.governance:
        return {}
    return {code: f for code, f in funds.items() if scope.covers_region(f.jurisdiction)}


def lent_funds(session: Session, scope: Scope, funds: dict[str, fund_rules.FundRules]) -> dict[str, fund_rules.FundRules]:
    """The funds a bank lent under: those holding a loan the caller sees as its lender (:func:`loan_filter`: the loans
    enrolled under its organization's name); none for anyone else."""
    if scope.role != Role.BANK_USER:
        return {}
    codes = set(session.scalars(select(Loan.fund_code).where(loan_filter(scope)).distinct()))
    return {code: f for code, f in funds.items() if code in codes}


def visible_funds(session: Session, scope: Scope, funds: dict[str, fund_rules.FundRules]) -> dict[str, fund_rules.FundRules]:
    """The funds whose pages the caller opens: officers those of their area (:func:`operable_funds`), a bank those it
    lent under (:func:`lent_funds`, its own loans only); anyone else none (403)."""
    scope.require_authenticated()
    if scope.governance:
        return operable_funds(scope, funds)
    if scope.role == Role.BANK_USER:
        return lent_funds(session, scope, funds)
    raise PermissionDenied("只有知识产权局工作人员和放贷银行可以查看风险补偿资金 / only bureau staff and the lending banks see "
                           "the funds")


def filed_with(session: Session, scope: Scope, rules: fund_rules.FundRules) -> dict[str, Any]:
    """The organization a loan is filed with: the bureau of the fund's jurisdiction where the caller's area holds one
    (a city's officers enrolling in a district's fund, the province's in a city's), else the caller's own — filed with
    the caller's bureau above it, the fund's own officers did not see the loan their fund counts."""
    bureau = area_bureau(session, rules.jurisdiction, scope.org_path or "/")
    if bureau is None:
        return {"org_id": scope.org_id or 0, "org_path": scope.org_path or "/"}
    return {"org_id": bureau.id, "org_path": bureau.path}


def funds_view(session: Session, scope: Scope, funds: dict[str, fund_rules.FundRules]) -> dict[str, Any]:
    rows = []
    for code, f in visible_funds(session, scope, funds).items():
        rows.append({"rules": f, "balance": fund_rules.balance(session, code)})
    return {"funds": rows, "lender": not scope.governance}


def arithmetic(claim: Claim, lang: str) -> list[str]:
    """A claim's computation, line by line, in ``lang``: lines stored as messages in the page's language, the
    Chinese lines of older rows as they were (not split: "（只补偿本金 / principal only）" is one line)."""
    return [stored_text(line, lang) if isinstance(line, dict) else str(line) for line in json.loads(claim.arithmetic)]


def _loan_ids(code: str, scope: Scope) -> Select[Any]:
    """The ids of a fund's loans the caller sees, as a subquery: a fund's loans grow with the data, past what one list
    of ids binds (zhichan.platform.inlists)."""
    return select(Loan.id).where(Loan.fund_code == code, loan_filter(scope))


def _claims(session: Session, code: str, scope: Scope) -> dict[int, Claim]:
    """The claim of each of a fund's loans the caller sees (loan id → claim)."""
    return {c.loan_id: c for c in session.scalars(select(Claim).where(Claim.loan_id.in_(_loan_ids(code, scope))))}


def fund_view(session: Session, scope: Scope, funds: dict[str, fund_rules.FundRules], code: str,
              lang: str = "zh") -> dict[str, Any]:
    rules = visible_funds(session, scope, funds).get(code)
    if rules is None:
        raise NotFoundError(f"没有风险补偿资金 {code} / no fund {code}")
    # a bank reads its own loans, their claims and the fund's public aggregates: the ledger (every loan's payouts) and
    # the operations (deposit, enrol, approve, pay) are the bureau's
    operable = code in operable_funds(scope, funds)
    loans = list(session.scalars(select(Loan).where(Loan.fund_code == code, loan_filter(scope)).order_by(Loan.id.desc())))
    claims = _claims(session, code, scope)
    ledger = list(session.scalars(select(LedgerEntry).where(LedgerEntry.fund_code == code)
                                  .order_by(LedgerEntry.seq.desc()).limit(50))) if operable else []
    figures = fund_rules.figures(session, code)
    balanced, operations, _ = fund_rules.verify_ledger(session, code)
    # a loan's borrower and bank as written: their organizations' English names where they have one (``org_name``)
    names_en = english_names(session, [RowName(n) for x in loans for n in (x.borrower, x.bank)])
    return {"rules": rules, "loans": [{"loan": x, "claim": claims.get(x.id), "borrower_en": names_en.get(RowName(x.borrower)),
                                        "bank_en": names_en.get(RowName(x.bank)),
                                        "lines": arithmetic(claims[x.id], lang) if x.id in claims else []}
                                       for x in loans],
            "ledger": [{"entry": e, "memo": fund_rules.memo_text(e.memo, lang)} for e in ledger], "balance": figures["balance"],
            "outstanding": figures["outstanding"], "leverage": figures["leverage"],
            "balanced": balanced, "operations": operations, "enterprise_types": fund_rules.ENTERPRISE_TYPES,
            "today": china_today(), "operable": operable}


# -- the JSON API (money as exact decimal strings, days as ISO dates) -------------------------------

def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _pledge_row(pledge: Pledge, case_number: str | None, rights: int, english: dict[int, str],
                lang: str = "zh") -> dict[str, Any]:
    return {"id": pledge.id, "case_id": pledge.case_id, "case_number": case_number,
            "registration_number": pledge.registration_number, "status": pledge.status,
            "status_label": translate(lang, f"finance.pledge_status.{pledge.status}"), "pledgor": pledge.pledgor,
            "pledgor_en": english.get(pledge.pledgor_org_id), "pledgee": pledge.pledgee,
            "pledgee_en": english.get(pledge.pledgee_org_id), "guarantor": pledge.guarantor, "debt_amount": _money(pledge.debt_amount),
            "debt_start": pledge.debt_start.isoformat(), "debt_end": pledge.debt_end.isoformat(),
            "registered_on": pledge.registered_on.isoformat() if pledge.registered_on else None,
            "ended_on": pledge.ended_on.isoformat() if pledge.ended_on else None, "region_code": pledge.region_code,
            "rights": rights, "synthetic": pledge.synthetic}


def register_api(session: Session, scope: Scope, *, limit: int, offset: int, lang: str = "zh") -> dict[str, Any]:
    """The pledge register as the caller sees it (the page's rule), newest first, one page."""
    scope.require_authenticated()
    total = session.scalar(select(func.count()).select_from(Pledge).where(pledge_filter(scope))) or 0
    rows = session.execute(select(Pledge, Case.number).join(Case, Case.id == Pledge.case_id)
                           .where(pledge_filter(scope)).order_by(Pledge.id.desc()).limit(limit).offset(offset)).all()
    counts = dict(session.execute(select(PledgedRight.pledge_id, func.count())
                                  .where(PledgedRight.pledge_id.in_([p.id for p, _ in rows]))
                                  .group_by(PledgedRight.pledge_id)).all())
    english = party_names_en(session, [p for p, _ in rows])
    return {"total": int(total), "limit": limit, "offset": offset,
            "items": [_pledge_row(p, number, counts.get(p.id, 0), english, lang) for p, number in rows]}


def pledge_api(session: Session, scope: Scope, pledge_id: int, rules: PledgeRules,
               snapshot: Snapshot | None, lang: str = "zh") -> dict[str, Any]:
    """One registration the caller sees: the register row, its rights, the certificate's addresses once
    registered, and while it awaits a decision the checks as they stand today (the page's data)."""
    data = pledge_view(session, scope, pledge_id, rules, snapshot)
    pledge: Pledge = data["pledge"]
    out = _pledge_row(pledge, data["case"].number, len(data["rights"]),
                      {pledge.pledgor_org_id: data["pledgor_en"], pledge.pledgee_org_id: data["pledgee_en"]}, lang)
    report = data["report"]
    out["rights"] = [{"kind": r.kind, "number": r.number, "title": r.title,
                      "refusals": report.rights[r.number]["refusals"] if report and r.number in report.rights else []}
                     for r in data["rights"]]
    out["checks"] = None if report is None else {"on": report.on.isoformat(), "ok": report.ok,
                                                 "problems": report.form_errors(), "notes": report.notes}
    registered = pledge.certificate_index is not None
    out["certificate"] = {"pdf": f"/finance/pledges/{pledge.id}/certificate.pdf",
                          "record": f"/finance/pledges/{pledge.id}/record.json",
                          "evidence_index": pledge.certificate_index, "record_sm3": pledge.record_sm3} if registered else None
    return out


def _fund_summary(rules: fund_rules.FundRules, figures: dict[str, Any]) -> dict[str, Any]:
    return {"code": rules.code, "title": rules.title.zh, "title_en": rules.title.en, "jurisdiction": rules.jurisdiction,
            "covers": rules.covers, "started_on": rules.started_on.isoformat(),
            "shares": [{"key": x.key, "name": x.zh, "share": str(x.share), "pool": x.pool} for x in rules.participants],
            **{k: _money(v) if isinstance(v, Decimal) else v for k, v in figures.items()}}


def funds_api(session: Session, funds: dict[str, fund_rules.FundRules]) -> list[dict[str, Any]]:
    """Every fund's aggregates (public): balance, loans, claims, paid, recovered, leverage — no loan, no borrower."""
    return [_fund_summary(rules, fund_rules.figures(session, code)) for code, rules in sorted(funds.items())]


def fund_loans_api(session: Session, scope: Scope, funds: dict[str, fund_rules.FundRules], code: str,
                   lang: str = "zh") -> dict[str, Any]:
    """A fund's loans the caller sees (officers: their area's; a bank: the loans it lent), each with its
    claim (the arithmetic line by line) and the payouts the pool made on it; the fund's aggregates beside. The fund
    as its page finds it (:func:`visible_funds`): outside the caller's area, or a bank that lent nothing under it, 404;
    a role that sees no fund 403 — an empty list told an outsider the fund exists."""
    rules = visible_funds(session, scope, funds).get(code)
    if rules is None:
        raise NotFoundError(f"没有风险补偿资金 {code} / no fund {code}")
    loans = list(session.scalars(select(Loan).where(Loan.fund_code == code, loan_filter(scope)).order_by(Loan.id)))
    claims = _claims(session, code, scope)
    payouts: dict[int, list[dict[str, Any]]] = {}
    for e in session.scalars(select(LedgerEntry).join(Claim, Claim.id == LedgerEntry.claim_id)
                             .where(Claim.loan_id.in_(_loan_ids(code, scope)))
                             .order_by(LedgerEntry.seq)):
        payouts.setdefault(e.claim_id or 0, []).append({"seq": e.seq, "kind": e.kind, "amount": _money(e.amount),
                                                        "balance_after": _money(e.balance), "at": e.at})
    items = []
    for x in loans:
        c = claims.get(x.id)
        items.append({
            "id": x.id, "borrower": x.borrower, "enterprise_type": x.enterprise_type, "bank": x.bank,
            "principal": _money(x.principal), "fee_rate": _money(x.fee_rate), "ip_collateral": _money(x.ip_collateral),
            "collateral": _money(x.collateral), "enrolled_on": x.enrolled_on.isoformat(), "status": x.status,
            "pledge_id": x.pledge_id, "synthetic": x.synthetic,
            "claim": None if c is None else {
                "id": c.id, "status": c.status, "principal_loss": _money(c.principal_loss),
                "interest_loss": _money(c.interest_loss), "amount": _money(c.amount), "paid": _money(c.paid),
                "recovered": _money(c.recovered), "claimed_on": c.claimed_on.isoformat(),
                "approved_on": c.approved_on.isoformat() if c.approved_on else None,
                "arithmetic": arithmetic(c, lang), "payouts": payouts.get(c.id, [])}})
    return {"fund": _fund_summary(rules, fund_rules.figures(session, code)), "loans": items}


# -- whitelists (白名单双向推送): the pages' data as JSON ----------------------------------------------

def feedback_row(fb: WhitelistFeedback, bank: str) -> dict[str, Any]:
    return {"entry_id": fb.entry_id, "bank": bank, "decision": fb.decision,
            "decision_label": wl.DECISIONS.get(fb.decision, (fb.decision,))[0], "loan_amount": _money(fb.loan_amount),
            "note": fb.note, "at": fb.at}


def _whitelist_row(row: Whitelist) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "region_code": row.region_code, "as_of": row.as_of.isoformat(),
            "created_at": row.created_at, "criteria": json.loads(row.criteria)}


def whitelists_api(session: Session, scope: Scope) -> dict[str, Any]:
    """The lists the caller sees (the page's rule): a bureau its area's with the banks pushed to, a bank those
    pushed to it; each with its number of enterprises and of answers (a bank: its own)."""
    wl.require_viewer(scope)
    lists = wl.lists(session, scope)
    ids = [x.id for x in lists]
    entries = dict(rows_in(session, select(WhitelistEntry.whitelist_id, func.count())
                           .group_by(WhitelistEntry.whitelist_id), ids, WhitelistEntry.whitelist_id))
    answered = select(WhitelistEntry.whitelist_id, func.count()).join(
        WhitelistFeedback, WhitelistFeedback.entry_id == WhitelistEntry.id)
    if not scope.governance:
        answered = answered.where(WhitelistFeedback.bank_org_id == scope.org_id)
    answers = dict(rows_in(session, answered.group_by(WhitelistEntry.whitelist_id), ids, WhitelistEntry.whitelist_id))
    pushed: dict[int, list[str]] = {}
    if scope.governance:
        for list_id, bank in rows_in(
                session, select(WhitelistPush.whitelist_id, Organization.name)
                .join(Organization, Organization.id == WhitelistPush.bank_org_id).order_by(Organization.name),
                ids, WhitelistPush.whitelist_id):
            pushed.setdefault(list_id, []).append(bank)
    return {"items": [{**_whitelist_row(x), "enterprises": int(entries.get(x.id, 0)), "answers": int(answers.get(x.id, 0)),
                       **({"pushed_to": pushed.get(x.id, [])} if scope.governance else {})} for x in lists]}


def whitelist_api(session: Session, scope: Scope, whitelist_id: int) -> dict[str, Any]:
    """One list (the page's data, :func:`zhichan.finance.whitelist.whitelist_view`): each enterprise's portfolio
    summary and the feedback the caller may read — a bureau every bank's, a bank its own."""
    wl.require_viewer(scope)
    data = wl.whitelist_view(session, scope, whitelist_id)
    out = _whitelist_row(data["whitelist"])
    if scope.governance:
        out["pushed_to"] = [name for name, _ in data["pushed"]]
    out["entries"] = [{
        "id": e["entry"].id, "name": e["entry"].name, "region_code": e["entry"].region_code,
        "valid_patents": e["entry"].valid_patents, "high_value_patents": e["entry"].high_value_patents,
        "feedback": [{"bank": f["bank"], "decision": f["decision"],
                      "decision_label": wl.DECISIONS.get(f["decision"], (f["decision"],))[0],
                      "loan_amount": _money(f["loan_amount"]), "note": f["note"], "at": f["at"]}
                     for f in e["feedback"]]} for e in data["entries"]]
    return out
