"""Tables of the procedure engine. Times are naive UTC; due dates are China calendar dates.

``procedure_steps`` is the case file's history (append-only: no code path updates or deletes it,
and each step is also an entry of the evidence log); ``procedure_cases.version`` is the optimistic
lock two officers acting at once contend for.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.platform.db import Base
from zhichan.platform.models import utcnow

NO_DEADLINE = dt.date(9999, 12, 31)
#: ``awaits_until`` of a case in no running period that says whom it awaits (so the to-do's test needs no NULLs)
NO_PERIOD = dt.date(1, 1, 1)


class Case(Base):
    __tablename__ = "procedure_cases"
    __table_args__ = (
        # the to-do list: its rows walk (is_open, next_due) in deadline order and stop at a page; its
        # counts read the covering area index without touching the table (benchmarks/procedures_bench.py)
        Index("ix_procedure_cases_queue", "is_open", "next_due"),
        Index("ix_procedure_cases_own", "is_open", "org_id", "procedure", "jurisdiction", "state", "next_due",
              "next_office_due", "awaits_until", "awaits_by", "awaits_also"),
        Index("ix_procedure_cases_area", "is_open", "org_path", "procedure", "jurisdiction", "state", "next_due",
              "next_office_due", "awaits_until", "awaits_by", "awaits_also"),
        # the few states whose steps are offered case by case (the clocks must allow them): sought by state, not
        # read through every case of an area (辖区待办 over 100,000 cases, benchmarks/protection_bench.py), whether
        # the caller is awaited read from the index, not each row (a city leader's own list: procedures_0007)
        Index("ix_procedure_cases_states", "is_open", "procedure", "jurisdiction", "state", "org_path",
              "awaits_until", "awaits_by", "awaits_also"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    procedure: Mapped[str] = mapped_column(String(64))
    jurisdiction: Mapped[str] = mapped_column(String(12))
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: the handling organization (its subtree's officers see the case)
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    #: the party: the user who applied, and the enterprise (corpus party_key) it acts for
    party_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    party_key: Mapped[str | None] = mapped_column(String(300), index=True)
    #: a second party outside government (the pledgee bank of a joint application): its members see
    #: the case and take the steps declared ``counterparty``; a domain's hook names it at the start
    counterparty_org_id: Mapped[int | None] = mapped_column(ForeignKey("platform_organizations.id"), index=True)
    fields: Mapped[str] = mapped_column(Text, default="{}")
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    #: the nearest running deadline; :data:`NO_DEADLINE` when no clock runs (so the queue sorts without NULLs)
    next_due: Mapped[dt.date] = mapped_column(Date, default=NO_DEADLINE)
    #: the nearest deadline of the office's own clocks (not a party's period): the to-do list's 逾期
    next_office_due: Mapped[dt.date] = mapped_column(Date, default=NO_DEADLINE, server_default=text("'9999-12-31'"))
    #: what the running periods that say whom the case awaits say (a party's 补正期限: the party), kept where the
    #: engine recomputes ``next_due`` (:func:`~zhichan.procedures.service.awaiting_period`): the last day of the latest
    #: (:data:`NO_DEADLINE` when it has none yet; :data:`NO_PERIOD` when none runs) and whom they await, a sorted comma
    #: list; the to-do list and the case page read who is awaited today from these (:func:`~.service.awaited`)
    awaits_until: Mapped[dt.date] = mapped_column(Date, default=NO_PERIOD, server_default=text("'0001-01-01'"))
    awaits_by: Mapped[str] = mapped_column(String(200), default="", server_default=text("''"))
    #: whom the requests pending in the case await besides (a party's recusal request: the leader), a sorted comma
    #: list (:func:`~zhichan.procedures.service.pending_awaits`), kept where the engine records a step
    awaits_also: Mapped[str] = mapped_column(String(200), default="", server_default=text("''"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: made by the demo generator (statistics and pages label it synthetic)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: the declaration the case started under (procedure_declarations); NULL: the current one
    declaration_digest: Mapped[str | None] = mapped_column(String(64))


class StoredDeclaration(Base):
    """Every declaration a case was started under, as it was then: a bureau editing its file later
    changes new cases, while open ones finish under the rules (and states) they began with."""

    __tablename__ = "procedure_declarations"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    procedure: Mapped[str] = mapped_column(String(64))
    jurisdiction: Mapped[str] = mapped_column(String(12))
    revision: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Expected(Base):
    """Whom each procedure's declarations said its cases await (:func:`~zhichan.procedures.declaration.expected_digest`)
    when the open cases' rows were last written: a platform starting with declarations that say otherwise rewrites
    them (:meth:`~zhichan.procedures.service.ProcedureService.refresh_expected`)."""

    __tablename__ = "procedure_expected"

    procedure: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))


class CaseClock(Base):
    __tablename__ = "procedure_clocks"
    __table_args__ = (
        UniqueConstraint("case_id", "name"),
        # no index for the sweep: measured, maintaining one through the sweep's own updates costs more
        # than the scan it saves (benchmarks/procedures_bench.py)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: running | paused | stopped
    status: Mapped[str] = mapped_column(String(10))
    pauses: Mapped[str] = mapped_column(Text, default="[]")
    extensions: Mapped[str] = mapped_column(Text, default="[]")
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    warn_on: Mapped[dt.date | None] = mapped_column(Date)
    #: why the deadline is unknown (e.g. the next year's holiday schedule is not loaded yet)
    due_problem: Mapped[str | None] = mapped_column(Text)
    #: 0 none, 1 warned before the deadline, 2 warned on the day, 3 overdue
    warned: Mapped[int] = mapped_column(Integer, default=0)
    #: the day the sweep next has something to say (warn_on, then due_on, then the day after); NULL when done
    alert_on: Mapped[dt.date | None] = mapped_column(Date)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Step(Base):
    __tablename__ = "procedure_steps"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(30))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    fields: Mapped[str] = mapped_column(Text, default="{}")
    documents: Mapped[str] = mapped_column(Text, default="[]")
    evidence_index: Mapped[int | None] = mapped_column(BigInteger)


class Notice(Base):
    """预警 and notices: a deadline warning for the officers, or a message to the case's party."""

    __tablename__ = "procedure_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), index=True)
    #: warning | due | overdue (a clock) · party | officers (a declared notice)
    kind: Mapped[str] = mapped_column(String(12))
    clock: Mapped[str | None] = mapped_column(String(40))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    text_zh: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
