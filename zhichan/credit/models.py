"""The credit list: one row per listing decision; the steps that led to it are a procedure's case."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.platform.db import Base
from zhichan.platform.models import utcnow
from zhichan.procedures import models as procedure_models  # noqa: F401 - the table case_id refers to


class CreditListing(Base):
    __tablename__ = "credit_listings"
    __table_args__ = (
        Index("ix_credit_listings_key", "subject_key", "listed_from"),
        Index("ix_credit_listings_code", "credit_code", "listed_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the subject as named in the decision, its identity key (zhichan.corpus.parties.normalize_name)
    #: and its 统一社会信用代码 when known
    subject: Mapped[str] = mapped_column(String(200))
    subject_key: Mapped[str] = mapped_column(String(300))
    credit_code: Mapped[str | None] = mapped_column(String(18), nullable=True)
    #: one of zhichan.credit.service.GROUNDS
    ground: Mapped[str] = mapped_column(String(40))
    facts: Mapped[str] = mapped_column(Text, default="")
    decision_number: Mapped[str] = mapped_column(String(80))
    #: the measures run from ``listed_from`` through ``listed_until`` unless repaired earlier
    listed_from: Mapped[dt.date] = mapped_column(Date)
    listed_until: Mapped[dt.date] = mapped_column(Date)
    repaired_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: the deciding organization (its area's officers manage the listing; the list itself is public)
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400))
    region_code: Mapped[str] = mapped_column(String(12))
    #: the procedure case of the listing (notice, decision, repair), when it went through one
    case_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_cases.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: the day the listing was made public (the procedure's 公示 step, or given with an imported
    #: decision); the public list shows published listings in force only
    published_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class Agency(Base):
    """A patent agency (专利代理机构): seeded from the corpus's ``agency`` field, completed by
    registration data (统一社会信用代码, 执业许可证号, registered area)."""

    __tablename__ = "credit_agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: zhichan.corpus.parties.normalize_name(name): one agency however its name is spelled
    name_key: Mapped[str] = mapped_column(String(300), unique=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), nullable=True)
    licence_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    #: the registered area; until registration data gives it, the area most of its filings come from
    region_code: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    #: corpus | registration (registration data has been entered for it)
    source: Mapped[str] = mapped_column(String(16))
    #: filings in the corpus naming it, as of the last seeding
    filings: Mapped[int] = mapped_column(Integer, default=0)
    #: known only from synthetic (demo) records — shown with the synthetic badge
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the agency's own organization on the platform (its users see its credit file)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("platform_organizations.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Agent(Base):
    """A patent agent (专利代理师) of an agency, as the corpus names it or as registered."""

    __tablename__ = "credit_agents"
    __table_args__ = (UniqueConstraint("agency_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("credit_agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    certificate_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    source: Mapped[str] = mapped_column(String(16))
    filings: Mapped[int] = mapped_column(Integer, default=0)


class AgencyItem(Base):
    """A negative item in an agency's credit file: the deduction is the declared table's points at
    the time it was recorded (zhichan/credit/rating.yaml)."""

    __tablename__ = "credit_agency_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("credit_agencies.id"), index=True)
    item: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    #: officer | complaint | inspection — and the case, complaint or inspection it comes from
    source: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: the recording organization
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400))
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AgencyPublication(Base):
    """A published agency credit list: every agency of an area with its score, grade and the items
    behind it, frozen as published."""

    __tablename__ = "credit_agency_publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    #: the area it covers (a region code; the nation's 100000 for every agency)
    region_code: Mapped[str] = mapped_column(String(12))
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    #: JSON: {"cutoffs": …, "agencies": [{name, score, grade, items: […]}]}
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Inspection(Base):
    """双随机一公开: one random inspection — its published seed, both pools as drawn from, the draw
    (targets with their inspectors, and the exclusions with reasons), the results and publication."""

    __tablename__ = "credit_inspections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    seed: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(12))
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    target_count: Mapped[int] = mapped_column(Integer)
    inspectors_per_target: Mapped[int] = mapped_column(Integer)
    #: JSON: the pools and the draw (see zhichan.credit.draws.Draw.as_json)
    draw: Mapped[str] = mapped_column(Text)
    #: JSON: {target id: {"finding": ok|problem, "note": …}}
    results: Mapped[str] = mapped_column(Text, default="{}")
    drawn_by: Mapped[str] = mapped_column(String(80))
    drawn_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    published_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
