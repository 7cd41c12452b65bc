"""Protection's registers beside the engine's cases: what a list, a duplicate check or the public page
of published decisions reads by column (the steps themselves stay the engine's)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.platform.db import Base
from zhichan.platform.models import utcnow
from zhichan.procedures import models as procedure_models  # noqa: F401 - the table case_id refers to
from zhichan.talent import models as talent_models  # noqa: F401 - the table person_id refers to


class Complaint(Base):
    """A complaint or report (投诉举报): its right, respondent and the checks made when it came in."""

    __tablename__ = "protection_complaints"
    __table_args__ = (Index("ix_protection_complaints_duplicate", "patent_number", "respondent_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), unique=True)
    #: 投诉 | 举报
    kind: Mapped[str] = mapped_column(String(4))
    reporter: Mapped[str] = mapped_column(String(200), default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    #: as typed, and normalized (``CN202310000001.5``) when it could be
    patent_number: Mapped[str] = mapped_column(String(40))
    respondent: Mapped[str] = mapped_column(String(200))
    #: zhichan.corpus.parties.normalize_name(respondent): the duplicate check's key
    respondent_key: Mapped[str] = mapped_column(String(300))
    target_kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(500))
    #: the right checked against the corpus on the filing day: [{"check", "ok", "message"}] (JSON)
    checks: Mapped[str] = mapped_column(Text, default="[]")
    #: the triage (the step's event) and the case it opened, if any
    route: Mapped[str | None] = mapped_column(String(40))
    linked_case_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_cases.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: made by the demo generator (zhichan.protection.demo): shown with the synthetic badge
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Dispute(Base):
    """A patent-dispute adjudication (专利侵权纠纷行政裁决): the admission checks, panel, track, decision
    and its publication — the public page of decisions reads only rows with ``published_on``."""

    __tablename__ = "protection_disputes"
    __table_args__ = (Index("ix_protection_disputes_published", "published_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), unique=True)
    complaint_case_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_cases.id"))
    patent_number: Mapped[str] = mapped_column(String(40))
    requester: Mapped[str] = mapped_column(String(200))
    respondent: Mapped[str] = mapped_column(String(200))
    respondent_abroad: Mapped[bool] = mapped_column(Boolean, default=False)
    #: admission checks on the filing day (standing, suit, limitation, the right in the corpus), JSON
    checks: Mapped[str] = mapped_column(Text, default="[]")
    panel: Mapped[str] = mapped_column(String(300), default="")
    simplified: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    ruling: Mapped[str] = mapped_column(Text, default="")
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    publication_url: Mapped[str] = mapped_column(String(500), default="")
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Assignment(Base):
    """A technical investigator or expert of the talent library assigned to a case (after the conflict checks).
    The roster is the library's (zhichan.protection.investigators.roster): no table of its own."""

    __tablename__ = "protection_assignments"
    __table_args__ = (Index("ix_protection_assignments_case", "case_id", "person_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"))
    #: the person in the talent library (talent_people)
    person_id: Mapped[int] = mapped_column(ForeignKey("talent_people.id"))
    assigned_by: Mapped[str] = mapped_column(String(80))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OverseasDispute(Base):
    """An overseas dispute recorded by a bureau (海外知识产权纠纷: a suit, an ITC 337 investigation, a
    customs seizure, a warning letter …), entered on the form or imported from CSV/XLSX. The enterprise
    is the domestic one involved; ``ipc_group`` the technology field the alerts watch."""

    __tablename__ = "protection_overseas_disputes"
    __table_args__ = (Index("ix_protection_overseas_disputes_key", "enterprise_key", "ipc_group"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise: Mapped[str] = mapped_column(String(200))
    #: zhichan.corpus.parties.normalize_name(enterprise): the corpus party_key
    enterprise_key: Mapped[str] = mapped_column(String(300))
    #: ISO 3166 alpha-2 (US, DE, JP …)
    country: Mapped[str] = mapped_column(String(2))
    #: one of zhichan.protection.overseas.DISPUTE_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    opponent: Mapped[str] = mapped_column(String(200))
    #: IPC main group, normalized like ``H01M10``
    ipc_group: Mapped[str] = mapped_column(String(12))
    started_on: Mapped[dt.date] = mapped_column(Date)
    forum: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    #: form | import (the file's name)
    source: Mapped[str] = mapped_column(String(200), default="form")
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class OverseasWatch(Base):
    """An enterprise on a bureau's watch list (重点关注企业) with the technology fields watched."""

    __tablename__ = "protection_overseas_watches"
    __table_args__ = (Index("ix_protection_overseas_watches_key", "org_id", "enterprise_key", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise: Mapped[str] = mapped_column(String(200))
    enterprise_key: Mapped[str] = mapped_column(String(300), index=True)
    #: IPC main groups, ";"-separated (H01M10;H01M4)
    ipc_groups: Mapped[str] = mapped_column(String(500))
    #: the bureau keeping the list
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class OverseasAlert(Base):
    """An alert on a watched enterprise: a new overseas dispute in one of its fields (``dispute``), or
    foreign holders' share of a field above the setting (``concentration``). Raised once each (a
    concentration once per watched field, on the snapshot where it first exceeded the setting)."""

    __tablename__ = "protection_overseas_alerts"
    __table_args__ = (Index("ix_protection_overseas_alerts_once", "watch_id", "kind", "ipc_group", "dispute_id",
                            unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("protection_overseas_watches.id"), index=True)
    #: dispute | concentration
    kind: Mapped[str] = mapped_column(String(20))
    ipc_group: Mapped[str] = mapped_column(String(12))
    #: the dispute that raised it (kind dispute; 0 otherwise, so the uniqueness holds on every database)
    dispute_id: Mapped[int] = mapped_column(Integer, default=0)
    #: the corpus snapshot the share was first found on (kind concentration; "" otherwise)
    snapshot_id: Mapped[str] = mapped_column(String(80), default="")
    #: foreign holders' share in per cent, two decimals (kind concentration)
    share: Mapped[str] = mapped_column(String(10), default="")
    message: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
