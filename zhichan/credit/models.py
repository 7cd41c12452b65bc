"""The credit list: one row per listing decision; the steps that led to it are a procedure's case."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
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
