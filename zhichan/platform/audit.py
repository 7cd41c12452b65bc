"""Append-only audit log (审计日志): who did what, when, from where.

Append-only twice over: this module offers no update or delete, and the migration installs
database triggers (SQLite ``RAISE(ABORT)``, PostgreSQL ``RAISE EXCEPTION``) that refuse UPDATE,
DELETE (and TRUNCATE on PostgreSQL) on ``platform_audit_log``.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.platform.models import AuditEntry
from zhichan.platform.scope import Scope


def record(
    session: Session,
    scope: Scope,
    action: str,
    target: str = "",
    *,
    detail: dict[str, Any] | None = None,
    ip: str = "",
    success: bool = True,
    username: str | None = None,
    org_path: str | None = None,
) -> AuditEntry:
    """One entry under the actor's organization path (``org_path`` for actors without one, e.g. a
    failed sign-in filed under the account's organization)."""
    entry = AuditEntry(
        user_id=scope.user_id,
        username=(username if username is not None else scope.username)[:80],
        org_path=org_path or scope.org_path or "/",
        action=action,
        target=target[:300],
        detail=json.dumps(detail or {}, ensure_ascii=False, default=str),
        ip=ip[:64],
        success=success,
    )
    session.add(entry)
    session.flush()
    return entry


def list_entries(
    session: Session, scope: Scope, *, action: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[AuditEntry], int]:
    """Entries of the caller's organization subtree, newest first (admins only)."""
    scope.require_admin()
    query = select(AuditEntry).where(AuditEntry.org_path.like(scope.org_path_like()))
    if action:
        query = query.where(AuditEntry.action == action)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), int(total)
