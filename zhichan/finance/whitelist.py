"""Whitelists pushed to banks (白名单双向推送): the bureau lists enterprises of its area from criteria the
platform computes, pushes the list to bank organizations, and reads back each bank's decision and loan.

The criteria: valid inventions and high-value inventions held (attributed to the first patentee, as
every indicator attributes them), counted through the one high-value definition
(:func:`zhichan.indicators.high_value.high_value_flags_sql`); an enterprise on the credit list
(:func:`zhichan.credit.service.active_listing`) is never listed. No national specification exists [U]:
the thresholds are the bureau's choice, kept with the list.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.store import Snapshot
from zhichan.corpus.validate import FieldError
from zhichan.credit.service import active_listing
from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.finance.models import Whitelist, WhitelistEntry, WhitelistFeedback, WhitelistPush
from zhichan.finance.scope import whitelist_filter
from zhichan.indicators.high_value import high_value_flags_sql
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import party_names_en
from zhichan.platform.scope import Scope
from zhichan.untrusted import text_refusal

MAX_ENTRIES = 500
DECISIONS = {"contacted": ("已对接", "contacted"), "approved": ("已授信/放款", "approved"), "declined": ("不予授信", "declined")}


def candidates(snapshot: Snapshot, region_prefix: str, as_of: dt.date, *, min_high_value: int,
               min_valid: int = 0) -> list[dict[str, Any]]:
    """Enterprises of the area holding at least ``min_high_value`` high-value inventions on ``as_of``."""
    con = snapshot.reader()
    try:
        rows = con.execute(f"""
            SELECT p.first_patentee, any_value(p.region_code), count(*) AS valid,
                   sum(CASE WHEN hv.is_high_value THEN 1 ELSE 0 END) AS high_value
            FROM patents p JOIN ({high_value_flags_sql(as_of)}) AS hv USING (application_number)
            WHERE p.is_domestic AND p.first_patentee_type = 'enterprise' AND p.region_code LIKE ?
            GROUP BY p.first_patentee
            HAVING sum(CASE WHEN hv.is_high_value THEN 1 ELSE 0 END) >= ? AND count(*) >= ?
            ORDER BY high_value DESC, valid DESC, p.first_patentee
            LIMIT {MAX_ENTRIES * 2}
        """, [f"{region_prefix}%", min_high_value, min_valid]).fetchall()
    finally:
        con.close()
    return [{"name": r[0], "region_code": r[1] or "", "valid_patents": int(r[2]), "high_value_patents": int(r[3])}
            for r in rows]


def build(session: Session, scope: Scope, snapshot: Snapshot, *, title: str, min_high_value: Any,
          as_of: dt.date) -> Whitelist:
    """A whitelist of the caller's area (officers only), credit-listed enterprises left out."""
    if not scope.governance or scope.region_prefix is None or scope.org_path is None:
        raise PermissionDenied("只有知识产权局工作人员可以生成白名单 / only bureau staff build whitelists")
    errors: dict[str, str] = {}
    try:
        threshold = int(str(min_high_value).strip())
        if not 0 <= threshold <= 100_000:
            raise ValueError
    except ValueError:
        errors["min_high_value"] = "请填写 0 以上的整数 / a whole number, 0 or more"
        threshold = 0
    if not title.strip():
        errors["title"] = "请填写名称 / give the list a title"
    elif too_long := text_refusal(title.strip(), 200):  # refused, never cut
        errors["title"] = too_long
    if errors:
        raise FormError(errors)
    found = candidates(snapshot, scope.region_prefix, as_of, min_high_value=threshold)
    listed = [c for c in found if active_listing(session, on=as_of, name=c["name"]) is None][:MAX_ENTRIES]
    row = Whitelist(title=title.strip(), org_id=scope.org_id, org_path=scope.org_path,
                    region_code=scope.region_code or "", as_of=as_of,
                    criteria=json.dumps({"min_high_value": threshold, "excluded_credit_listed": len(found) - len(listed),
                                         "snapshot": snapshot.id}, ensure_ascii=False))
    session.add(row)
    session.flush()
    for c in listed:
        session.add(WhitelistEntry(whitelist_id=row.id, party_key=normalize_name(c["name"]), name=c["name"][:200],
                                   region_code=c["region_code"], valid_patents=c["valid_patents"],
                                   high_value_patents=c["high_value_patents"], inventions=c["valid_patents"]))
    session.flush()
    return row


def require_viewer(scope: Scope) -> None:
    """Whitelists are the bureau's and the banks' business: anyone else signed in gets 403 (the public 401)."""
    scope.require_authenticated()
    if not (scope.governance or scope.role == Role.BANK_USER):
        raise PermissionDenied("当前角色不能查看白名单 / your role cannot see whitelists")


def visible(session: Session, scope: Scope, whitelist_id: int) -> Whitelist:
    row = session.scalar(select(Whitelist).where(Whitelist.id == whitelist_id, whitelist_filter(scope)))
    if row is None:
        raise NotFoundError(f"没有白名单 {whitelist_id} / no whitelist {whitelist_id}")
    return row


def banks(session: Session) -> list[Organization]:
    return list(session.scalars(select(Organization).where(Organization.kind == OrgKind.BANK).order_by(Organization.name)))


def push(session: Session, scope: Scope, whitelist_id: int, bank_ids: list[int]) -> int:
    """Push the list to bank organizations (again is harmless); returns how many were new."""
    row = visible(session, scope, whitelist_id)
    if not scope.governance:
        raise PermissionDenied("只有知识产权局工作人员可以推送 / only bureau staff push whitelists")
    known = {b.id for b in banks(session)}
    wanted = [b for b in bank_ids if b in known]
    if not wanted:
        raise FormError({"banks": "请选择至少一家银行 / choose at least one bank"})
    done = set(session.scalars(select(WhitelistPush.bank_org_id).where(WhitelistPush.whitelist_id == row.id)))
    new = [b for b in wanted if b not in done]
    for b in new:
        session.add(WhitelistPush(whitelist_id=row.id, bank_org_id=b))
    session.flush()
    return len(new)


def feedback(session: Session, scope: Scope, whitelist_id: int, entry_id: int, *, decision: str, loan_amount: Any,
             note: str = "") -> WhitelistFeedback:
    """A bank records its decision on a listed enterprise (the way back to the bureau)."""
    from zhichan.finance.service import parse_money

    if scope.role != Role.BANK_USER:
        raise PermissionDenied("只有银行用户可以反馈 / only bank users give feedback")
    row = visible(session, scope, whitelist_id)
    entry = session.scalar(select(WhitelistEntry).where(WhitelistEntry.id == entry_id,
                                                        WhitelistEntry.whitelist_id == row.id))
    if entry is None:
        raise NotFoundError("名单中没有该企业 / no such entry")
    errors: dict[str, str] = {}
    amount: Decimal | None = None
    if decision not in DECISIONS:
        errors["decision"] = "请选择对接结果 / choose a decision"
    if str(loan_amount or "").strip():
        try:
            amount = parse_money(loan_amount, "授信/放款金额")
        except FieldError as exc:
            errors["loan_amount"] = exc.reason
    elif decision == "approved":
        errors["loan_amount"] = "请填写授信/放款金额 / give the loan amount"
    if too_long := text_refusal(note.strip(), 500):  # refused, never cut
        errors["note"] = too_long
    if errors:
        raise FormError(errors)
    existing = session.scalar(select(WhitelistFeedback).where(WhitelistFeedback.entry_id == entry.id,
                                                              WhitelistFeedback.bank_org_id == scope.org_id))
    if existing is None:
        existing = WhitelistFeedback(entry_id=entry.id, bank_org_id=scope.org_id)
        session.add(existing)
    existing.decision, existing.loan_amount, existing.note = decision, amount, note.strip()
    existing.at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    session.flush()
    return existing


def whitelist_view(session: Session, scope: Scope, whitelist_id: int) -> dict[str, Any]:
    """A list with its entries; the bureau sees every bank's feedback, a bank only its own."""
    row = visible(session, scope, whitelist_id)
    entries = list(session.scalars(select(WhitelistEntry).where(WhitelistEntry.whitelist_id == row.id)
                                   .order_by(WhitelistEntry.high_value_patents.desc(), WhitelistEntry.id)))
    query = (select(WhitelistFeedback, Organization.name, Organization.name_en).join(Organization, Organization.id == WhitelistFeedback.bank_org_id)
             .where(WhitelistFeedback.entry_id.in_(select(WhitelistEntry.id).where(WhitelistEntry.whitelist_id == row.id))))
    if not scope.governance:
        query = query.where(WhitelistFeedback.bank_org_id == scope.org_id)
    by_entry: dict[int, list[dict[str, Any]]] = {}
    for fb, bank_name, bank_name_en in session.execute(query):
        by_entry.setdefault(fb.entry_id, []).append({"bank": bank_name, "bank_en": bank_name_en, "decision": fb.decision,
                                                     "loan_amount": fb.loan_amount, "note": fb.note, "at": fb.at})
    pushed = [(name, name_en) for (name, name_en) in session.execute(
        select(Organization.name, Organization.name_en).join(WhitelistPush, WhitelistPush.bank_org_id == Organization.id)
        .where(WhitelistPush.whitelist_id == row.id).order_by(Organization.name))] if scope.governance else []
    # an entry is a corpus party: the English name of the organization bound to it, where it has one (``holder_name``)
    names_en = party_names_en(session, [e.party_key for e in entries])
    return {"whitelist": row, "criteria": json.loads(row.criteria), "pushed": pushed,
            "entries": [{"entry": e, "name_en": names_en.get(e.party_key), "feedback": by_entry.get(e.id, [])}
                        for e in entries]}


def lists(session: Session, scope: Scope) -> list[Whitelist]:
    return list(session.scalars(select(Whitelist).where(whitelist_filter(scope)).order_by(Whitelist.id.desc()).limit(200)))
