"""Risk compensation (风险补偿): funds declared as data, loans enrolled, claims computed with their
arithmetic shown, approvals, payouts and recoveries — over an append-only pool ledger.

A fund is a YAML file in ``zhichan/finance/funds`` (a bureau's own in ``ZHICHAN_FINANCE_FUND_DIR``
replaces a shipped file of the same code): the participants and their shares of a loss, which shares
the pool pays (``pool: true``) and who bears what the caps leave (``residual: true``), the covered
items (principal, or principal and interest), eligibility (loan cap, guarantee-fee cap, the IP share
of the collateral, enterprise types; never a credit-listed borrower) and caps per loan (by the
scheme's year) and per calendar year.

The pool never pays beyond its balance and is balanced after every operation: each operation first
bumps the fund's row in ``finance_funds`` (the row lock on PostgreSQL, the write lock on SQLite), so
operations on one pool run one after the other; it then reads the last balance and appends a row
with the new one. A payout pays what the balance allows (the rest stays owed); a claim's remainder
is paid by a later payout once the pool is replenished.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal, cast

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import Table, case, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhichan.credit.service import active_listing
from zhichan.errors import ConfigError, ConflictError, FormError, NotFoundError
from zhichan.finance.models import Claim, Fund, LedgerEntry, Loan
from zhichan.legaltime.periods import add_years, utcnow
from zhichan.untrusted import text_refusal, yaml_safe_load
from zhichan.web.i18n import in_language, stored_message, stored_text

CENT = Decimal("0.01")
ENTERPRISE_TYPES = {"micro": "微型企业", "small": "小型企业", "medium": "中型企业", "large": "大型企业"}


def yuan(value: Decimal) -> str:
    return f"¥{value:,.2f}"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    zh: str
    en: str


class Participant(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    zh: str
    en: str
    share: Decimal = Field(gt=0)
    #: the pool pays this share
    pool: bool = False
    #: bears what the caps leave uncovered (the lender)
    residual: bool = False


class LoanCap(Strict):
    #: applies through the scheme's year ``until_year`` (1 = the first year from ``started_on``); none: thereafter
    until_year: int | None = Field(None, ge=1)
    amount: Decimal = Field(gt=0)


class Caps(Strict):
    per_loan: tuple[LoanCap, ...] = ()
    per_year: Decimal | None = Field(None, gt=0)


class Eligibility(Strict):
    max_loan: Decimal | None = Field(None, gt=0)
    #: the guarantee fee as a fraction (0.015 = 1.5 %); a guaranteed loan must state its fee
    max_fee_rate: Decimal | None = Field(None, gt=0)
    #: the IP's share of the collateral value, as a fraction (0.5 = 50 %)
    min_ip_share: Decimal | None = Field(None, gt=0, le=1)
    enterprise_types: tuple[Literal["micro", "small", "medium", "large"], ...] = ()


class FundRules(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    jurisdiction: str
    title: Text
    basis: str = ""
    started_on: dt.date
    covers: Literal["principal", "principal_and_interest"] = "principal"
    participants: tuple[Participant, ...]
    eligibility: Eligibility = Eligibility()
    caps: Caps = Caps()
    #: 放大倍数: enrolled principal outstanding per yuan of pool balance, shown beside the pool
    leverage: Decimal | None = Field(None, gt=0)
    #: the loss is compensated only for the IP's share of the collateral (IP value / all collateral),
    #: e.g. 海口 "仅限知识产权部分" [S]; the rest of the loss stays with the lender
    ip_share_only: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> FundRules:
        keys = [p.key for p in self.participants]
        if len(set(keys)) != len(keys):
            raise ValueError("a participant is named twice")
        if not any(p.pool for p in self.participants):
            raise ValueError("no participant is paid by the pool (pool: true)")
        if sum(1 for p in self.participants if p.residual) > 1:
            raise ValueError("at most one participant bears the residual")
        return self

    @property
    def total_shares(self) -> Decimal:
        return sum((p.share for p in self.participants), Decimal(0))

    def scheme_year(self, on: dt.date) -> int:
        year = 1
        while add_years(self.started_on, year) <= on:
            year += 1
        return year

    def loan_cap(self, on: dt.date) -> Decimal | None:
        year = self.scheme_year(on)
        for cap in self.caps.per_loan:
            if cap.until_year is None or year <= cap.until_year:
                return cap.amount
        return None


def parse_fund(text: bytes | str, source: str) -> FundRules:
    try:
        return FundRules.model_validate(yaml_safe_load(text))
    except (yaml.YAMLError, ValidationError, ValueError, TypeError) as exc:
        raise ConfigError(f"风险补偿资金声明无效：{source}：{exc} / invalid fund declaration {source}: {exc}") from None


@lru_cache(maxsize=8)
def load_funds(local_dir: Path | None = None) -> dict[str, FundRules]:
    """The shipped funds, then a bureau's own folder (a file replaces the shipped fund of the same code)."""
    found: dict[str, FundRules] = {}
    for item in sorted(files("zhichan.finance").joinpath("funds").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".yaml"):
            rules = parse_fund(item.read_bytes(), f"finance/funds/{item.name}")
            found[rules.code] = rules
    if local_dir is not None:
        for path in sorted(Path(local_dir).glob("*.yaml")):
            rules = parse_fund(path.read_bytes(), str(path))
            found[rules.code] = rules
    return found


def ensure_funds(session: Session, funds: dict[str, FundRules]) -> None:
    """A lock row per declared fund (created once, before any operation needs it)."""
    present = set(session.scalars(select(Fund.code)))
    for code in sorted(set(funds) - present):
        session.add(Fund(code=code, seq=0))
    session.flush()


# -- the arithmetic ------------------------------------------------------------------------------

def loss_base(rules: FundRules, principal_loss: Decimal, interest_loss: Decimal) -> Decimal:
    """The loss the scheme covers before the IP share: the principal, or the principal and the interest."""
    return principal_loss + (interest_loss if rules.covers == "principal_and_interest" else Decimal(0))


def ip_collateral_of(rules: FundRules, loan: Loan) -> tuple[Decimal, Decimal] | None:
    """(IP value, all collateral) of a loan when the fund compensates only the IP's share, else ``None``."""
    if not rules.ip_share_only or not loan.collateral:
        return None
    return Decimal(loan.ip_collateral), Decimal(loan.collateral)


def claim_arithmetic(rules: FundRules, principal_loss: Decimal, interest_loss: Decimal, on: dt.date,
                     used_this_year: Decimal = Decimal(0), ip_collateral: tuple[Decimal, Decimal] | None = None,
                     ) -> tuple[Decimal, list[dict[str, Any]], dict[str, Decimal]]:
    """The pool's share of a loss after caps, the lines of its computation (each a stored message, shown in the
    page's language by ``web.i18n.stored_text``), and each participant's part. ``ip_collateral``: (IP value, all
    collateral) where the fund compensates only the IP's share of the loss (:func:`ip_collateral_of`)."""
    lines: list[dict[str, Any]] = []
    base = loss_base(rules, principal_loss, interest_loss)
    if rules.covers == "principal_and_interest":
        lines.append(stored_message("finance.arith.base_interest", principal=yuan(principal_loss),
                                    interest=yuan(interest_loss), base=yuan(base)))
    else:
        lines.append(stored_message("finance.arith.base_principal", principal=yuan(principal_loss)))
    if ip_collateral is not None:
        ip_value, all_value = ip_collateral
        whole = base
        base = (whole * ip_value / all_value).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(stored_message("finance.arith.ip_share", loss=yuan(whole), ip=yuan(ip_value),
                                    collateral=yuan(all_value), base=yuan(base)))
    total = rules.total_shares
    parts: dict[str, Decimal] = {}
    for p in rules.participants:
        parts[p.key] = (base * p.share / total).quantize(CENT, rounding=ROUND_HALF_UP)
    # rounding leaves at most a few cents: they go to the residual bearer (else the last participant)
    last = next((p.key for p in rules.participants if p.residual), rules.participants[-1].key)
    parts[last] += base - sum(parts.values(), Decimal(0))
    for p in rules.participants:
        lines.append(stored_message("finance.arith.pool_share" if p.pool else "finance.arith.share",
                                    participant={"zh": p.zh, "en": p.en}, base=yuan(base), share=f"{p.share:g}",
                                    total=f"{total:g}", part=yuan(parts[p.key])))
    due = sum((parts[p.key] for p in rules.participants if p.pool), Decimal(0))
    lines.append(stored_message("finance.arith.pool_due", due=yuan(due)))
    cap = rules.loan_cap(on)
    if cap is not None and due > cap:
        lines.append(stored_message("finance.arith.loan_cap", year=rules.scheme_year(on), cap=yuan(cap), due=yuan(due)))
        due = cap
    if rules.caps.per_year is not None:
        room = max(rules.caps.per_year - used_this_year, Decimal(0))
        if due > room:
            lines.append(stored_message("finance.arith.year_cap", cap=yuan(rules.caps.per_year),
                                        used=yuan(used_this_year), due=yuan(due), room=yuan(room)))
            due = room
    lines.append(stored_message("finance.arith.amount", due=yuan(due)))
    return due, lines, parts


# -- enrolment and claims -------------------------------------------------------------------------

def _money(value: Any, field: str, label: str, errors: dict[str, str], *, zero: bool = False) -> Decimal:
    from zhichan.corpus.validate import FieldError
    from zhichan.finance.service import parse_money

    if zero and str(value).strip() in ("0", "0.00"):
        return Decimal("0.00")
    try:
        return parse_money(value, label)
    except FieldError as exc:
        errors[field] = exc.reason
        return Decimal(0)


def enrol(session: Session, rules: FundRules, *, borrower: str, enterprise_type: str, bank: str, principal: Any,
          fee_rate: Any, ip_collateral: Any, collateral: Any, on: dt.date, org_id: int, org_path: str,
          pledge_id: int | None = None) -> Loan:
    """入池: a loan enrolled in the fund if it meets every eligibility rule (each refusal beside its field)."""
    errors: dict[str, str] = {}
    amount = _money(principal, "principal", "贷款本金", errors)
    ip_value = _money(ip_collateral, "ip_collateral", "知识产权质押物评估值", errors)
    all_value = _money(collateral, "collateral", "全部担保物评估值", errors)
    rate: Decimal | None = None
    if str(fee_rate or "").strip():
        try:
            rate = Decimal(str(fee_rate).strip().rstrip("%")) / (100 if str(fee_rate).strip().endswith("%") else 1)
        except ArithmeticError:
            errors["fee_rate"] = "担保费率应为数字，如 1.2% / the fee rate must be a number such as 1.2%"
    e = rules.eligibility
    if e.max_loan is not None and amount > e.max_loan:
        errors["principal"] = f"超过单笔贷款上限 {yuan(e.max_loan)} / above the loan cap"
    if e.max_fee_rate is not None and "fee_rate" not in errors:
        if rate is None:
            errors["fee_rate"] = "请填写担保费率 / give the guarantee fee rate"
        elif rate > e.max_fee_rate:
            errors["fee_rate"] = f"担保费率 {rate:.2%} 高于上限 {e.max_fee_rate:.2%} / above the fee cap"
    if e.min_ip_share is not None and all_value > 0 and ip_value / all_value < e.min_ip_share:
        errors["ip_collateral"] = (f"知识产权占担保物 {ip_value / all_value:.2%}，低于 {e.min_ip_share:.0%} / the IP share of the "
                                   f"collateral is below {e.min_ip_share:.0%}")
    if ip_value > all_value and all_value > 0:
        errors["ip_collateral"] = "知识产权评估值不能超过全部担保物 / the IP cannot exceed the whole collateral"
    if enterprise_type not in ENTERPRISE_TYPES:
        errors["enterprise_type"] = "请选择企业类型 / choose the enterprise type"
    elif e.enterprise_types and enterprise_type not in e.enterprise_types:
        allowed = "、".join(ENTERPRISE_TYPES[t] for t in e.enterprise_types)
        errors["enterprise_type"] = f"本资金只支持{allowed} / this fund covers only {', '.join(e.enterprise_types)}"
    listing = active_listing(session, on=on, name=borrower)
    if listing is not None:
        errors["borrower"] = listing.reason
    if not borrower.strip():
        errors["borrower"] = "请填写借款企业 / name the borrower"
    for name, typed in (("borrower", borrower), ("bank", bank)):  # refused, never cut
        if too_long := text_refusal(typed.strip(), 200):
            errors[name] = too_long
    if errors:
        raise FormError(errors)
    _lock(session, rules.code)  # the fund's row exists from its first operation on
    loan = Loan(fund_code=rules.code, pledge_id=pledge_id, borrower=borrower.strip(), enterprise_type=enterprise_type,
                bank=bank.strip(), principal=amount, fee_rate=rate, ip_collateral=ip_value, collateral=all_value,
                enrolled_on=on, status="enrolled", org_id=org_id, org_path=org_path)
    session.add(loan)
    session.flush()
    return loan


def _year_used(session: Session, code: str, year: int, exclude: int | None = None) -> Decimal:
    query = select(func.coalesce(func.sum(Claim.amount), 0)).where(
        Claim.fund_code == code, Claim.status.in_(("approved", "paid")),
        Claim.approved_on >= dt.date(year, 1, 1), Claim.approved_on <= dt.date(year, 12, 31))
    if exclude is not None:
        query = query.where(Claim.id != exclude)
    return Decimal(session.scalar(query) or 0)


def claim(session: Session, rules: FundRules, loan: Loan, *, principal_loss: Any, interest_loss: Any,
          on: dt.date) -> Claim:
    """A default: the claim computed by the fund's rules (the arithmetic kept with it)."""
    errors: dict[str, str] = {}
    principal = _money(principal_loss, "principal_loss", "本金损失", errors)
    interest = _money(interest_loss or "0", "interest_loss", "利息损失", errors, zero=True)
    if principal > loan.principal:
        errors["principal_loss"] = "本金损失不能超过贷款本金 / the loss cannot exceed the principal"
    if errors:
        raise FormError(errors)
    if loan.status != "enrolled":
        raise ConflictError("该贷款已申请过补偿 / this loan already has a claim")
    amount, lines, _ = claim_arithmetic(rules, principal, interest, on, _year_used(session, rules.code, on.year),
                                        ip_collateral_of(rules, loan))
    row = Claim(loan_id=loan.id, fund_code=rules.code, principal_loss=principal, interest_loss=interest, amount=amount,
                paid=Decimal("0.00"), recovered=Decimal("0.00"), arithmetic=json.dumps(lines, ensure_ascii=False),
                status="claimed", claimed_on=on)
    loan.status = "defaulted"
    session.add(row)
    session.flush()
    return row


def _loan_of(session: Session, claim_row: Claim) -> Loan:
    loan = session.get(Loan, claim_row.loan_id)
    assert loan is not None  # a claim's loan is never deleted
    return loan


def approve(session: Session, rules: FundRules, claim_row: Claim, on: dt.date) -> Claim:
    """审批: the amount recomputed on the approval date (the year's cap counts what was approved before)."""
    if claim_row.status != "claimed":
        raise ConflictError("该补偿申请不在待审批状态 / the claim is not awaiting approval")
    _lock(session, rules.code)  # approvals of one fund in turn, so the year's cap holds
    amount, lines, _ = claim_arithmetic(rules, claim_row.principal_loss, claim_row.interest_loss, on,
                                        _year_used(session, rules.code, on.year, exclude=claim_row.id),
                                        ip_collateral_of(rules, _loan_of(session, claim_row)))
    claim_row.amount, claim_row.arithmetic = amount, json.dumps(lines, ensure_ascii=False)
    claim_row.status, claim_row.approved_on = "approved", on
    session.flush()
    return claim_row


# -- the pool ledger -----------------------------------------------------------------------------

FUNDS = cast(Table, Fund.__table__)
LEDGER = cast(Table, LedgerEntry.__table__)


def _lock(session: Session, code: str) -> None:
    """Write the fund's row (unchanged) as this transaction's first write: it takes the row lock
    (PostgreSQL) or the write lock (SQLite), so operations on one pool run one after the other. A
    fund's first operation creates the row (a second one racing it waits, then finds the row)."""
    for _ in range(2):
        found = session.execute(update(FUNDS).where(FUNDS.c.code == code).values(seq=FUNDS.c.seq)
                                .returning(FUNDS.c.seq)).scalar()
        if found is not None:
            return
        try:
            with session.begin_nested():
                session.execute(insert(FUNDS).values(code=code, seq=0))
        except IntegrityError:
            pass  # created meanwhile by another operation: lock it on the next round
    raise NotFoundError(f"没有风险补偿资金 {code} / no fund {code}")


def balance(session: Session, code: str) -> Decimal:
    value = session.scalar(select(LEDGER.c.balance).where(LEDGER.c.fund_code == code)
                           .order_by(LEDGER.c.seq.desc()).limit(1))
    return Decimal(value) if value is not None else Decimal("0.00")


def figures(session: Session, code: str) -> dict[str, Any]:
    """A fund's figures — one definition for its page, the API and the statistics export: the pool's
    balance; loans enrolled (all) and outstanding (status ``enrolled``) with their principal; claims made,
    the amount approved (approved or paid), paid and recovered; 放大倍数 (leverage) = principal
    outstanding / balance, to the cent (None while the pool is empty)."""
    pool = balance(session, code)
    loans = session.execute(select(
        func.count(), func.count().filter(Loan.status == "enrolled"),
        func.coalesce(func.sum(case((Loan.status == "enrolled", Loan.principal), else_=0)), 0),
    ).where(Loan.fund_code == code)).one()
    claims = session.execute(select(
        func.count(), func.coalesce(func.sum(case((Claim.status.in_(("approved", "paid")), Claim.amount), else_=0)), 0),
        func.coalesce(func.sum(Claim.paid), 0), func.coalesce(func.sum(Claim.recovered), 0),
    ).where(Claim.fund_code == code)).one()
    outstanding = Decimal(loans[2]).quantize(CENT)
    return {"balance": pool, "loans": int(loans[0]), "loans_outstanding": int(loans[1]), "outstanding": outstanding,
            "claims": int(claims[0]), "approved": Decimal(claims[1]).quantize(CENT),
            "paid": Decimal(claims[2]).quantize(CENT), "recovered": Decimal(claims[3]).quantize(CENT),
            "leverage": leverage(outstanding, pool)}


def leverage(outstanding: Decimal, pool: Decimal) -> Decimal | None:
    """放大倍数: principal outstanding per yuan of pool balance, to the cent; None while the pool is empty."""
    return (outstanding / pool).quantize(CENT) if pool > 0 else None


def _append(session: Session, code: str, kind: str, amount: Decimal, *, claim_id: int | None = None,
            memo: str = "", now: dt.datetime | None = None) -> Decimal:
    """Append one operation (the caller holds the fund's lock): the ledger's rows are numbered 1, 2, … without gaps,
    each at the moment read here, with the lock held (the ledger's order)."""
    new = balance(session, code) + amount
    if new < 0:
        raise ConflictError("资金池余额不足 / the pool's balance does not cover this")
    seq = int(session.execute(update(FUNDS).where(FUNDS.c.code == code).values(seq=FUNDS.c.seq + 1)
                              .returning(FUNDS.c.seq)).scalar_one())
    session.execute(insert(LEDGER).values(fund_code=code, seq=seq, kind=kind, amount=amount, balance=new,
                                          claim_id=claim_id, memo=memo[:300], at=now or utcnow()))
    return new


#: the notes the fund wrote itself before they were kept as messages ("中文 / English")
_OLD_NOTES = re.compile(r"注资 / deposit|补偿拨付 / payout of claim \d+|追偿返还 / recovery on claim \d+")


def ledger_memo(kind: str, **values: object) -> str:
    """A ledger note the fund writes itself: a message (``finance.ledger.<kind>``), shown in any language."""
    return json.dumps(stored_message(f"finance.ledger.{kind}", **values), ensure_ascii=False)


def memo_text(memo: str | None, lang: str) -> str:
    """A ledger row's note in ``lang``: the fund's own notes (messages; the bilingual texts of older rows
    by their half) — what an officer typed as typed."""
    text = memo or ""
    if text.startswith("{"):
        try:
            found = json.loads(text)
        except ValueError:
            found = None
        if isinstance(found, dict) and str(found.get("key", "")).startswith("finance.ledger."):
            return stored_text(found, lang)
    return in_language(text, lang) if _OLD_NOTES.fullmatch(text) else text


def deposit(session: Session, code: str, amount: Any, memo: str = "") -> Decimal:
    errors: dict[str, str] = {}
    value = _money(amount, "amount", "注资金额", errors)
    if errors:
        raise FormError(errors)
    _lock(session, code)
    return _append(session, code, "deposit", value, memo=memo or ledger_memo("deposit"))


def pay(session: Session, code: str, claim_id: int) -> Decimal:
    """拨付: pay what the claim is still owed, as far as the balance allows; returns what was paid."""
    _lock(session, code)
    row = session.scalar(select(Claim).where(Claim.id == claim_id, Claim.fund_code == code))
    if row is None:
        raise NotFoundError(f"没有补偿申请 {claim_id} / no claim {claim_id}")
    session.refresh(row)  # read after the lock: another payout may have just paid it
    if row.status not in ("approved",):
        raise ConflictError("该补偿申请未获批准或已付清 / the claim is not approved, or already paid")
    owed = row.amount - row.paid
    available = balance(session, code)
    paid = min(owed, available)
    if paid <= 0:
        raise ConflictError(f"资金池余额不足（余额 {yuan(available)}） / the pool is exhausted (balance {yuan(available)})")
    _append(session, code, "payout", -paid, claim_id=row.id, memo=ledger_memo("payout", claim=row.id))
    row.paid = row.paid + paid
    if row.paid == row.amount:
        row.status = "paid"
    session.flush()
    return paid


def recover(session: Session, rules: FundRules, claim_id: int, recovered: Any) -> tuple[Decimal, list[dict[str, Any]]]:
    """追偿: money recovered after disposal goes back to the participants in proportion to the loss each
    bore — the pool what it paid, the others their parts, the residual bearer what the caps left."""
    errors: dict[str, str] = {}
    amount = _money(recovered, "recovered", "追回金额", errors)
    if errors:
        raise FormError(errors)
    _lock(session, rules.code)
    row = session.scalar(select(Claim).where(Claim.id == claim_id, Claim.fund_code == rules.code))
    if row is None:
        raise NotFoundError(f"没有补偿申请 {claim_id} / no claim {claim_id}")
    session.refresh(row)
    _, _, parts = claim_arithmetic(rules, row.principal_loss, row.interest_loss, row.approved_on or row.claimed_on,
                                   ip_collateral=ip_collateral_of(rules, _loan_of(session, row)))
    covered = sum(parts.values(), Decimal(0))
    # the whole loss: the part outside the IP's share (a fund compensating only that share) stayed with the lender
    base = loss_base(rules, row.principal_loss, row.interest_loss)
    pool_nominal = sum((parts[p.key] for p in rules.participants if p.pool), Decimal(0))
    borne = {p.key: (Decimal(0) if p.pool else parts[p.key]) for p in rules.participants}
    residual = next((p.key for p in rules.participants if p.residual), None)
    if residual is not None:
        borne[residual] += pool_nominal - row.paid  # what the caps (or an unpaid remainder) left to the lender
        borne[residual] += base - covered
    pool_bore = row.paid
    lines = [stored_message("finance.arith.recovered", amount=yuan(amount), base=yuan(base))]
    to_pool = (amount * pool_bore / base).quantize(CENT, rounding=ROUND_HALF_UP) if base else Decimal(0)
    to_pool = min(to_pool, row.paid - row.recovered)
    lines.append(stored_message("finance.arith.recovery_pool", amount=yuan(amount), bore=yuan(pool_bore),
                                base=yuan(base), share=yuan(to_pool)))
    for p in rules.participants:
        if not p.pool and borne[p.key]:
            share = (amount * borne[p.key] / base).quantize(CENT, rounding=ROUND_HALF_UP)
            lines.append(stored_message("finance.arith.recovery_share", participant={"zh": p.zh, "en": p.en},
                                        amount=yuan(amount), bore=yuan(borne[p.key]), base=yuan(base), share=yuan(share)))
    if to_pool > 0:
        _append(session, rules.code, "recovery", to_pool, claim_id=row.id, memo=ledger_memo("recovery", claim=row.id))
    row.recovered = row.recovered + to_pool
    session.flush()
    return to_pool, lines


#: the check in one pass, in whole cents (exact integers on both databases: SQLite keeps NUMERIC as a
#: double, exact to the cent far beyond any pool; PostgreSQL as NUMERIC)
#: one pass in seq order with one window (each row beside the previous balance): a row is bad when its
#: balance is not the previous one plus its amount (in cents; the first follows 0) or is negative; the
#: numbering has no gap when the (unique) seqs run from 1 to their count
_VERIFY_SQL = text("""
    SELECT count(*), min(seq), max(seq),
           coalesce(sum(CASE WHEN bal <> prev + amt OR bal < 0 THEN 1 ELSE 0 END), 0)
    FROM (
        SELECT seq, CAST(round(balance * 100) AS BIGINT) AS bal, CAST(round(amount * 100) AS BIGINT) AS amt,
               coalesce(lag(CAST(round(balance * 100) AS BIGINT)) OVER (ORDER BY seq), 0) AS prev
        FROM finance_ledger WHERE fund_code = :code
    ) AS checked
""")


def verify_ledger(session: Session, code: str) -> tuple[bool, int, Decimal]:
    """The pool balanced: each row's balance is the previous one plus its amount (to the cent), never
    negative, numbered 1, 2, … without gaps. Returns (balanced, rows, final balance)."""
    rows, first, last, bad = session.execute(_VERIFY_SQL, {"code": code}).one()
    rows = int(rows or 0)
    numbered = rows == 0 or (first == 1 and last == rows)
    return int(bad or 0) == 0 and numbered, rows, balance(session, code)
