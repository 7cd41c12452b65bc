"""Finance tables. Money is NUMERIC(18, 2) read as :class:`decimal.Decimal`; never a float.

``finance_pledges`` is the pledge register (one row per registration case, kept in step with the
case by the procedure hook); ``finance_ledger`` is each fund's pool as an append-only ledger (no code
path updates or deletes a row); ``finance_funds`` is the one row per fund that a pool operation
locks first, so two operations on one pool run one after the other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.platform.db import MONEY, Base
from zhichan.platform.models import utcnow
from zhichan.procedures import models as procedure_models  # noqa: F401 - the table case_id refers to

RATE = Numeric(9, 6, asdecimal=True)


class Pledge(Base):
    __tablename__ = "finance_pledges"
    __table_args__ = (Index("ix_finance_pledges_status", "status", "registered_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), unique=True)
    #: 登记号, given on registration
    registration_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    pledgor_org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"), index=True)
    pledgor: Mapped[str] = mapped_column(String(200))
    pledgee_org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"), index=True)
    pledgee: Mapped[str] = mapped_column(String(200))
    guarantor: Mapped[str] = mapped_column(String(200), default="")
    debt_amount: Mapped[Decimal] = mapped_column(MONEY)
    debt_start: Mapped[dt.date] = mapped_column(Date)
    debt_end: Mapped[dt.date] = mapped_column(Date)
    #: applied | confirmed | registered | refused | withdrawn | released | cancelled | disposed
    status: Mapped[str] = mapped_column(String(20))
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    #: the day the pledge ended (released, cancelled, disposed)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    #: the handling bureau (its area's officers see the registration)
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    #: the registration certificate's evidence-log entry and the digests of the registration record
    certificate_index: Mapped[int | None] = mapped_column(Integer)
    record_sm3: Mapped[str | None] = mapped_column(String(64))
    #: made by the demo command (labelled synthetic on every page and in the corpus events it feeds)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PledgedRight(Base):
    __tablename__ = "finance_pledged_rights"
    __table_args__ = (UniqueConstraint("pledge_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("finance_pledges.id"), index=True)
    #: patent | trademark | dataip
    kind: Mapped[str] = mapped_column(String(12))
    #: the normalized application number, the trademark or the data-IP registration number
    number: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")


class Fund(Base):
    """The lock row of a fund's pool (the rules are YAML in ``zhichan/finance/funds``)."""

    __tablename__ = "finance_funds"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: operations appended so far: the next ledger row is ``seq + 1``
    seq: Mapped[int] = mapped_column(Integer, default=0)


class Loan(Base):
    """A loan enrolled in a fund (入池贷款)."""

    __tablename__ = "finance_loans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_code: Mapped[str] = mapped_column(ForeignKey("finance_funds.code"), index=True)
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("finance_pledges.id"))
    borrower: Mapped[str] = mapped_column(String(200))
    enterprise_type: Mapped[str] = mapped_column(String(20))
    bank: Mapped[str] = mapped_column(String(200))
    principal: Mapped[Decimal] = mapped_column(MONEY)
    #: the guarantee fee as a fraction (0.015 = 1.5 %), when the loan is guaranteed
    fee_rate: Mapped[Decimal | None] = mapped_column(RATE)
    ip_collateral: Mapped[Decimal] = mapped_column(MONEY)
    collateral: Mapped[Decimal] = mapped_column(MONEY)
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    #: enrolled | defaulted | repaid
    status: Mapped[str] = mapped_column(String(12), default="enrolled")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)


class Claim(Base):
    """A compensation claim on a defaulted loan: the fund's share as its rules compute it."""

    __tablename__ = "finance_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("finance_loans.id"), unique=True)
    fund_code: Mapped[str] = mapped_column(ForeignKey("finance_funds.code"), index=True)
    principal_loss: Mapped[Decimal] = mapped_column(MONEY)
    interest_loss: Mapped[Decimal] = mapped_column(MONEY)
    #: the pool's share after caps (what approval grants)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    recovered: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    #: the computation, line by line (JSON), as shown to the bureau and the bank
    arithmetic: Mapped[str] = mapped_column(Text)
    #: claimed | approved | paid | rejected
    status: Mapped[str] = mapped_column(String(12), default="claimed")
    claimed_on: Mapped[dt.date] = mapped_column(Date)
    approved_on: Mapped[dt.date | None] = mapped_column(Date)


class LedgerEntry(Base):
    """One pool operation; ``balance`` is the pool after it. Append-only."""

    __tablename__ = "finance_ledger"
    __table_args__ = (UniqueConstraint("fund_code", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_code: Mapped[str] = mapped_column(ForeignKey("finance_funds.code"))
    seq: Mapped[int] = mapped_column(Integer)
    #: deposit | payout | recovery
    kind: Mapped[str] = mapped_column(String(12))
    #: signed: a payout is negative
    amount: Mapped[Decimal] = mapped_column(MONEY)
    balance: Mapped[Decimal] = mapped_column(MONEY)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("finance_claims.id"))
    memo: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Whitelist(Base):
    """白名单: enterprises the bureau recommends to banks, from criteria the platform computes."""

    __tablename__ = "finance_whitelists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    as_of: Mapped[dt.date] = mapped_column(Date)
    #: the criteria as given (JSON), shown with the list
    criteria: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class WhitelistEntry(Base):
    __tablename__ = "finance_whitelist_entries"
    __table_args__ = (UniqueConstraint("whitelist_id", "party_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    whitelist_id: Mapped[int] = mapped_column(ForeignKey("finance_whitelists.id"), index=True)
    party_key: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(12), default="")
    valid_patents: Mapped[int] = mapped_column(Integer)
    high_value_patents: Mapped[int] = mapped_column(Integer)
    inventions: Mapped[int] = mapped_column(Integer)


class WhitelistPush(Base):
    __tablename__ = "finance_whitelist_pushes"
    __table_args__ = (UniqueConstraint("whitelist_id", "bank_org_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    whitelist_id: Mapped[int] = mapped_column(ForeignKey("finance_whitelists.id"), index=True)
    bank_org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"), index=True)
    pushed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class WhitelistFeedback(Base):
    """A bank's decision on a listed enterprise (the way back to the bureau)."""

    __tablename__ = "finance_whitelist_feedback"
    __table_args__ = (UniqueConstraint("entry_id", "bank_org_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("finance_whitelist_entries.id"), index=True)
    bank_org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    #: contacted | approved | declined
    decision: Mapped[str] = mapped_column(String(12))
    loan_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    note: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
