"""The talent and expert library's tables: one row per person, and the kinds each belongs to.

A person admitted through the ``talent.registration`` procedure keeps its case (``case_id``); the steps of
that case keep the row's status in step (zhichan.talent.service.registration_hook). People a bureau enters
or imports have no case; their status changes are audited. Every status a person takes, by whichever path, is
also a row of ``talent_status_changes`` (zhichan.talent.service.set_status): the history the library's
figures count on a date (zhichan/talent/figures.py).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.platform.db import Base
from zhichan.platform.models import utcnow
from zhichan.procedures import models as procedure_models  # noqa: F401 - the table case_id refers to


class Status(StrEnum):
    APPLYING = "applying"  # 申请审查中
    IN_LIBRARY = "in_library"  # 在库
    SUSPENDED = "suspended"  # 暂停
    REMOVED = "removed"  # 已移出
    REFUSED = "refused"  # 不予入库
    WITHDRAWN = "withdrawn"  # 申请人撤回


class Source(StrEnum):
    APPLIED = "applied"  # 本人申请
    ENTERED = "entered"  # 管理部门录入
    IMPORTED = "imported"  # 名册导入


class Person(Base):
    __tablename__ = "talent_people"
    __table_args__ = (Index("ix_talent_people_region", "region_code", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    organization: Mapped[str] = mapped_column(String(200), default="")
    #: where the person works (GB/T 2260, 6 digits): the officers of that area see and manage the record
    region_code: Mapped[str] = mapped_column(String(12))
    #: IPC symbols or prefixes, ";"-joined (zhichan.reference.ipc.parse_fields)
    ipc_fields: Mapped[str] = mapped_column(String(400), default="")
    #: industry chains (产业链) named freely, ";"-joined
    industry_chains: Mapped[str] = mapped_column(String(400), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    #: 共享开放: the fields the person consents to show to enterprises, universities and banks (";"-joined,
    #: of zhichan.talent.service.SHAREABLE); without "name" the person is not listed to them at all
    shared: Mapped[str] = mapped_column(String(200), default="")
    #: parties the person represented or advised before, one a line (a conflict for protection's technical
    #: investigators and for panels); officers only, never shared
    prior_parties: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(String(16))
    #: the bureau that keeps the record (the handling office of its case, or the entering officer's)
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    #: the applying user (self-applied people)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("platform_users.id"), nullable=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_cases.id"), nullable=True, unique=True)
    #: demo data (zhichan.talent.demo): shown with the synthetic badge
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PersonKind(Base):
    """One kind a person belongs to (zhichan/talent/kinds.yaml), with its certificate number where it has one."""

    __tablename__ = "talent_person_kinds"
    __table_args__ = (UniqueConstraint("person_id", "kind"), Index("ix_talent_person_kinds_kind", "kind"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("talent_people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    certificate: Mapped[str] = mapped_column(String(60), default="")


class Via(StrEnum):
    """How a status change was made (the history's ``via``)."""

    APPLIED = "applied"  # the application that opened a registration case
    ENTERED = "entered"  # an officer's entry
    IMPORTED = "imported"  # a roster import
    CASE_STEP = "case_step"  # a step of the person's registration case (admit, suspend, reinstate, remove …)
    OFFICER = "officer"  # an officer's change of a case-less person's status
    MIGRATED = "migrated"  # moved in from protection's former investigator roster
    BACKFILLED = "backfilled"  # one row per person who was in the library before the history was kept


class StatusChange(Base):
    """One status a person took (状态变更记录): on which day, why, by whom and how. Written by every path that
    changes a status (zhichan.talent.service.set_status); append-only."""

    __tablename__ = "talent_status_changes"
    __table_args__ = (Index("ix_talent_status_changes_person", "person_id", "changed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("talent_people.id"))
    status: Mapped[str] = mapped_column(String(16))
    #: the status before ("" for a person's first row)
    previous_status: Mapped[str] = mapped_column(String(16), default="")
    #: the China date the change takes effect
    changed_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: the user who made it ("" where not known: a back-filled row)
    actor: Mapped[str] = mapped_column(String(80), default="")
    via: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Panel(Base):
    """A panel drawn from the library (评审、调解、评估专家的抽取): its published seed, the pool it was drawn from,
    the conflicts with reasons and the draw — the record zhichan.credit.draws.redraw repeats."""

    __tablename__ = "talent_panels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: one of zhichan.talent.panels.PURPOSES
    purpose: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    ipc_field: Mapped[str] = mapped_column(String(20), default="")
    #: the parties of the matter, one a line (a panel member may not share their organization or corpus links)
    parties: Mapped[str] = mapped_column(Text, default="")
    seed: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    #: JSON: zhichan.credit.draws.Draw.as_json of a draw with the matter as its one target
    draw: Mapped[str] = mapped_column(Text)
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    drawn_by: Mapped[str] = mapped_column(String(80))
    drawn_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
