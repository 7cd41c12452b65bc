"""Tables of data-IP registration: the register, kept in step with its ``dataip.registration`` case by
the procedure hook (the case holds the workflow; the evidence log keeps the tamper-evident record).

Times are naive UTC; notice dates are calendar dates in China Standard Time.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.platform.db import Base


class Status(StrEnum):
    SUBMITTED = "submitted"  # 已申请，待公示
    IN_NOTICE = "in_notice"  # 公示中
    OBJECTED = "objected"  # 公示期内有异议待处理
    REGISTERED = "registered"  # 准予登记
    REJECTED = "rejected"  # 不予登记（形式审查或审查决定驳回，或异议成立）
    WITHDRAWN = "withdrawn"  # 申请人撤回


#: the register's status for each state of the ``dataip.registration`` procedure
STATUS_OF_STATE: dict[str, Status] = {
    "submitted": Status.SUBMITTED, "curing": Status.SUBMITTED, "in_notice": Status.IN_NOTICE,
    "objected": Status.OBJECTED, "registered": Status.REGISTERED, "refused": Status.REJECTED,
    "withdrawn": Status.WITHDRAWN,
}


class ObjectionStatus(StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"  # 异议成立
    DISMISSED = "dismissed"  # 异议不成立


class Registration(Base):
    __tablename__ = "dataip_registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    #: the ``dataip.registration`` case that carries the workflow (NULL only for rows from before dataip_0003)
    case_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("procedure_cases.id"), unique=True)
    application_index: Mapped[int] = mapped_column(BigInteger, ForeignKey("evidence_entries.idx"))
    applicant: Mapped[str] = mapped_column(String(200))
    data_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    data_source: Mapped[str] = mapped_column(Text)
    data_scale: Mapped[str] = mapped_column(String(200))
    processing_rules: Mapped[str] = mapped_column(Text)
    data_structure: Mapped[str | None] = mapped_column(Text)  # NULL only for rows from before dataip_0002
    update_frequency: Mapped[str | None] = mapped_column(String(100))
    usage_scenario: Mapped[str | None] = mapped_column(Text)
    sm3: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    notice_start: Mapped[dt.date | None] = mapped_column(Date)
    notice_end: Mapped[dt.date | None] = mapped_column(Date)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decision_index: Mapped[int | None] = mapped_column(BigInteger)
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    #: made by the demo (pages and the certificate show the synthetic badge; the name keeps no 【合成】 mark)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Objection(Base):
    __tablename__ = "dataip_objections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(Integer, ForeignKey("dataip_registrations.id"), index=True)
    objector: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    entry_index: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolution_index: Mapped[int | None] = mapped_column(BigInteger)
