"""Tables of the services domain. The applications themselves are procedure cases; these tables hold
what the engine does not: a bureau's catalogue edits, priority-examination quotas and the deadlines of
recommended cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.platform.db import Base
from zhichan.platform.models import utcnow
from zhichan.procedures import models as procedure_models  # noqa: F401 - the table case_id refers to


class CatalogueOverride(Base):
    """A bureau's edit of a catalogue entry for its area (``jurisdiction``: its 6-digit region code)."""

    __tablename__ = "services_catalogue_overrides"
    __table_args__ = (UniqueConstraint("code", "jurisdiction", name="uq_services_catalogue_override"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    jurisdiction: Mapped[str] = mapped_column(String(12))
    applicants: Mapped[str] = mapped_column(Text, default="")
    fee_yuan: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    contact: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    offered: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PriorityQuota(Base):
    """A province's yearly quota of priority-examination recommendations (whole numbers of cases)."""

    __tablename__ = "services_priority_quotas"
    __table_args__ = (UniqueConstraint("year", "province_code", name="uq_services_priority_quota"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    province_code: Mapped[str] = mapped_column(String(12))
    total: Mapped[int] = mapped_column(Integer)
    #: the sum of the cities' allocations (kept with them under the quota row's lock)
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PriorityAllocation(Base):
    """A city's share of its province's quota, and how much of it recommendations have used."""

    __tablename__ = "services_priority_allocations"
    __table_args__ = (UniqueConstraint("quota_id", "city_code", name="uq_services_priority_allocation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quota_id: Mapped[int] = mapped_column(ForeignKey("services_priority_quotas.id"))
    city_code: Mapped[str] = mapped_column(String(12))
    allocated: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)


class PriorityRecommendation(Base):
    """A recommended case: the quota it used and CNIPA's deadlines from the notice date."""

    __tablename__ = "services_priority_recommendations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), unique=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("services_priority_allocations.id"))
    application_number: Mapped[str] = mapped_column(String(40))
    #: one of zhichan.services.priority.SUBJECTS
    subject: Mapped[str] = mapped_column(String(20))
    #: the patent is a design (invalidation of a design: 4 months instead of 5)
    design: Mapped[bool] = mapped_column(Boolean, default=False)
    applicant: Mapped[str] = mapped_column(String(200))
    applicant_key: Mapped[str] = mapped_column(String(300), index=True)
    recommended_on: Mapped[dt.date] = mapped_column(Date)
    notice_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    first_action_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    closure_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    due_problem: Mapped[str | None] = mapped_column(Text, nullable=True)
    returned_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    return_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    concluded_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class SubsidyApplication(Base):
    """An enterprise's application to a programme, with its eligibility as computed when it applied."""

    __tablename__ = "services_subsidy_applications"
    __table_args__ = (UniqueConstraint("programme", "applicant_key", name="uq_services_subsidy_application"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme: Mapped[str] = mapped_column(String(20))
    applicant: Mapped[str] = mapped_column(String(200))
    applicant_key: Mapped[str] = mapped_column(String(300))
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400))
    region_code: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime)
    eligible: Mapped[bool] = mapped_column(Boolean)
    #: the corpus counts (JSON) and the reasons (JSON list) the decision rests on
    measures: Mapped[str] = mapped_column(Text)
    requested_yuan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reasons: Mapped[str] = mapped_column(Text)
    #: the programme's revision it was assessed under (None: assessed before revisions were recorded)
    programme_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the assessments an officer's re-assessment replaced (JSON list, oldest first): history, never rewritten
    previous_assessments: Mapped[str | None] = mapped_column(Text, nullable=True)


class SubsidyAward(Base):
    """One eligible application's place in a round's allotment, and its payment."""

    __tablename__ = "services_subsidy_awards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("services_subsidy_applications.id"), unique=True)
    programme: Mapped[str] = mapped_column(String(20), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    requested_yuan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    awarded_yuan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reason: Mapped[str] = mapped_column(Text)
    disbursed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    voucher: Mapped[str | None] = mapped_column(String(100), nullable=True)
    disbursed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)


class PreexamFiling(Base):
    """An enterprise recorded (备案) with a protection centre: it may use the centre's pre-examination."""

    __tablename__ = "services_preexam_filings"
    __table_args__ = (UniqueConstraint("centre", "applicant_key", name="uq_services_preexam_filing"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), unique=True)
    centre: Mapped[str] = mapped_column(String(20))
    applicant: Mapped[str] = mapped_column(String(200))
    applicant_key: Mapped[str] = mapped_column(String(300))
    recorded_on: Mapped[dt.date] = mapped_column(Date)


class SubsidyObjection(Base):
    """An objection to one line of a published subsidy result, or an applicant's objection that its own
    application was left off it: its own case (``services.subsidy_objection``, with its decision clock),
    and — when upheld — the award it changed (or added), before and after."""

    __tablename__ = "services_subsidy_objections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), unique=True)
    round_case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), index=True)
    #: the disputed line; None while an objection to the objector's own unlisted application is pending
    award_id: Mapped[int | None] = mapped_column(ForeignKey("services_subsidy_awards.id"), index=True, nullable=True)
    #: the objector's own application, when it objects to being left off the list (line 0)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("services_subsidy_applications.id"), nullable=True)
    programme: Mapped[str] = mapped_column(String(20), index=True)
    objector: Mapped[str] = mapped_column(String(200))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: pending, upheld, dismissed, withdrawn
    status: Mapped[str] = mapped_column(String(12), default="pending")
    decided_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    decision: Mapped[str | None] = mapped_column(Text, nullable=True)
    amount_before: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    amount_after: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)


class ProgressCode(Base):
    """办件查询码: the code printed on the receipt window staff give an applicant without an account, with which anyone
    holding the receipt follows the application's progress by its case number (:mod:`zhichan.services.progress`).
    Only its argon2 hash is kept; printing the receipt again issues a new code and the old one stops working."""

    __tablename__ = "services_progress_codes"

    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    issued_by: Mapped[int] = mapped_column(Integer)
