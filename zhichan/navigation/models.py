"""Workflow tables of navigation: edited chains, report runs and quarterly schedules.

Created by the Alembic branch ``navigation`` (``migrations/versions``); times are naive UTC.
Chains shipped with zhichan live in ``chains/*.yaml``; a chain saved here (imported or edited)
overrides the shipped one with the same code.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.legaltime import utcnow
from zhichan.platform.db import Base


class NavigationChain(Base):
    __tablename__ = "navigation_chains"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    home_region: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: canonical JSON of the chain (zhichan.navigation.schemas.Chain.canonical_json)
    definition: Mapped[str] = mapped_column(Text)
    definition_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class NavigationSchedule(Base):
    """Run a chain's report every quarter: ``next_as_of`` is the quarter end still to report."""

    __tablename__ = "navigation_schedules"
    __table_args__ = (UniqueConstraint("chain_code", "region_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_code: Mapped[str] = mapped_column(String(40))
    region_code: Mapped[str] = mapped_column(String(12))
    formats: Mapped[str] = mapped_column(String(40), default="docx,pdf")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_as_of: Mapped[dt.date] = mapped_column(Date)
    last_run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class NavigationRun(Base):
    """One generated report: what it was made from (chain copy + hash, snapshot, date) and where it is."""

    __tablename__ = "navigation_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_code: Mapped[str] = mapped_column(String(40), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    chain_hash: Mapped[str] = mapped_column(String(64))
    chain_definition: Mapped[str] = mapped_column(Text)
    snapshot_id: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[dt.date] = mapped_column(Date)
    generated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20))  # succeeded | failed
    formats: Mapped[str] = mapped_column(String(40))
    #: JSON {format: path}
    files: Mapped[str] = mapped_column(Text, default="{}")
    #: JSON of the numbers the next quarter compares with (zhichan.navigation.changes.summarize)
    summary: Mapped[str] = mapped_column(Text, default="{}")
    schedule_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
