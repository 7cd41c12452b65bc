"""Workflow tables of the platform: organizations, users, sessions, tokens, login attempts, audit, jobs.

Times are stored as naive UTC (``utcnow()``) so SQLite and PostgreSQL compare them the same way.
The schema itself is created by the Alembic branch ``platform`` (``migrations/versions``); these
classes must stay in step with it (``tests/platform/test_migrations.py`` checks that).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.legaltime import utcnow
from zhichan.platform.db import Base


class OrgKind(StrEnum):
    NATION = "nation"  # 国家
    PROVINCE = "province"  # 省
    CITY = "city"  # 市
    COUNTY = "county"  # 区县
    STATION = "station"  # 工作站（乡镇/园区）
    ENTERPRISE = "enterprise"  # 创新主体：企业、高校、科研机构
    BANK = "bank"  # 金融机构（质押权人、白名单接收方）
    AGENCY = "agency"  # 专利代理机构


class Role(StrEnum):
    SYSTEM_ADMIN = "system_admin"
    BUREAU_LEADER = "bureau_leader"
    ANALYST = "analyst"
    CASE_OFFICER = "case_officer"
    WINDOW_STAFF = "window_staff"
    ENTERPRISE_USER = "enterprise_user"
    BANK_USER = "bank_user"
    AGENCY_USER = "agency_user"
    PUBLIC = "public"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the server stopped while it ran; can be resumed


class Organization(Base):
    __tablename__ = "platform_organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: the English name where known (English pages show it; without it they show ``name``)
    name_en: Mapped[str | None] = mapped_column(String(200), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: GB/T 2260 6-digit code of the area the organization governs (or where an enterprise sits).
    region_code: Mapped[str] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("platform_organizations.id"), nullable=True)
    #: Materialized path of ids, ``/1/4/9/``: a subtree is ``path LIKE '/1/4/%'``.
    path: Mapped[str] = mapped_column(String(400), index=True, default="/")
    #: For enterprises: the corpus ``party_key`` (normalized name) their portfolio is attributed by.
    party_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    __tablename__ = "platform_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(30))
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    #: set when an administrator resets the password: the user must choose a new one at next sign-in
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class WebSession(Base):
    """Server-side session: the cookie carries a random token, the table only its SHA-256."""

    __tablename__ = "platform_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("platform_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(64), default="")


class ApiToken(Base):
    __tablename__ = "platform_api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("platform_users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    #: First characters of the token, shown in lists so people can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class LoginAttempt(Base):
    __tablename__ = "platform_login_attempts"
    __table_args__ = (Index("ix_platform_login_attempts_user_ip_at", "username", "ip", "at"),
                      Index("ix_platform_login_attempts_ip_at", "ip", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    ip: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the trusted-device cookie the attempt carried for this account (see accounts)
    device: Mapped[str | None] = mapped_column(String(64), nullable=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the migration)."""

    __tablename__ = "platform_audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(80), default="")
    #: Materialized org path of the actor at the time (scope filter for admins below the top).
    org_path: Mapped[str] = mapped_column(String(400), default="/", index=True)
    action: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")
    ip: Mapped[str] = mapped_column(String(64), default="")
    success: Mapped[bool] = mapped_column(Boolean, default=True)


class Job(Base):
    __tablename__ = "platform_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED, index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[str] = mapped_column(Text, default="{}")
    result: Mapped[str] = mapped_column(Text, default="{}")
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    org_path: Mapped[str] = mapped_column(String(400), default="/", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
