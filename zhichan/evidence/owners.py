"""Giving an owner to a deposit that has none (docs/evidence.md, "Who deposited"): the platform administrator's act.

A deposit made from the command line without ``--org``, or made before owners were recorded under a name no single
organization bore, has no row in ``evidence_deposit_owners``: no one opens its page or certificate. A platform
administrator (a system administrator of the root organization, the only caller its page is shown to) names the
organization — and optionally a user of it — that owns it, with a reason: one owner row, ``source = assigned``, and in
the same transaction one entry of the platform's audit log (action ``evidence.owner_assign``, target
``deposit:<index>``: who, when, from where, the organization, the user and the reason). The owner table is
append-only, so a deposit that has an owner keeps it: a second assignment is refused (:class:`ConflictError`), whether
the owner was recorded with the deposit, back-filled, or assigned a moment before by another administrator.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from zhichan.errors import ConflictError, FormError, NotFoundError
from zhichan.evidence import log
from zhichan.evidence.service import OWNER_ASSIGN_ACTION, owner_assign_target
from zhichan.legaltime import china_time
from zhichan.platform import audit
from zhichan.platform.db import session_scope
from zhichan.platform.models import AuditEntry, Organization, User
from zhichan.platform.scope import Scope

#: the longest reason kept (the audit log's detail)
REASON_LIMIT = 500


def may_assign(scope: Scope) -> bool:
    """Whether the caller gives owners to deposits: the platform's administrators (at the root organization) — a
    deposit is an enterprise's own evidence and belongs to no office's area."""
    return scope.is_authenticated and scope.is_admin and scope.at_root


def _not_found(index: int) -> NotFoundError:
    return NotFoundError(f"没有第 {index} 号存证 / no deposit {index}")


@dataclass(frozen=True)
class Assigned:
    """The owner given to a deposit: the row written and the audit entry recording who and why."""

    index: int
    org_id: int
    org_name: str
    org_name_en: str | None
    user_id: int | None
    username: str | None
    audit_id: int


def assign_owner(engine: Engine, scope: Scope, index: int, *, org_id: int | None, username: str = "",
                 reason: str = "", ip: str = "", via: str = "web") -> Assigned:
    """Give deposit ``index``, which has no owner, the organization ``org_id`` (and, when ``username`` is given, that
    user of it) as owner, for ``reason``. Sign-in first; anyone but a platform administrator gets the deposit page's
    404; a field the administrator can fix is a :class:`FormError` beside it, a deposit that has an owner a
    :class:`ConflictError` (``details["field"] = "org_id"``)."""
    scope.require_authenticated()
    if not may_assign(scope):
        raise _not_found(index)
    reason = " ".join((reason or "").split())
    username = (username or "").strip()
    refused: dict[str, str] = {}
    if not reason:
        refused["reason"] = "请说明理由 / give a reason"
    elif len(reason) > REASON_LIMIT:
        refused["reason"] = f"理由超过 {REASON_LIMIT} 字 / the reason is longer than {REASON_LIMIT} characters"
    with session_scope(engine) as session:
        kind = session.execute(select(log.ENTRIES.c.kind).where(log.ENTRIES.c.idx == index)).scalar()
        if kind != "deposit":
            raise _not_found(index)
        org = session.get(Organization, org_id) if org_id is not None else None
        if org is None:
            refused["org_id"] = ("请选择机构 / choose an organization" if org_id is None
                                 else f"没有编号为 {org_id} 的机构 / no organization {org_id}")
        user = None
        if username:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                refused["username"] = f"没有用户名为 {username} 的用户 / no user is named {username}"
            elif org is not None and user.org_id != org.id:
                refused["username"] = (f"用户 {username} 不属于所选机构 / user {username} is not of the chosen "
                                       "organization")
        if refused:
            raise FormError(refused)
        assert org is not None
        if _has_owner(session, index):
            raise _owned(index)
        user_id = user.id if user is not None else None
        try:
            session.execute(log.OWNERS.insert(), [{"idx": index, "org_id": org.id, "user_id": user_id,
                                                   "source": "assigned"}])
        except IntegrityError as exc:  # another administrator's assignment committed in between
            raise _owned(index) from exc
        entry = audit.record(session, scope, OWNER_ASSIGN_ACTION, owner_assign_target(index), ip=ip, detail={
            "org_id": org.id, "org": org.name, "user_id": user_id, "username": user.username if user else None,
            "reason": reason, "via": via})
        return Assigned(index=index, org_id=org.id, org_name=org.name, org_name_en=org.name_en,
                        user_id=user_id, username=user.username if user else None, audit_id=entry.id)


def _has_owner(session: Any, index: int) -> bool:
    return session.execute(select(log.OWNERS.c.idx).where(log.OWNERS.c.idx == index)).first() is not None


def _owned(index: int) -> ConflictError:
    return ConflictError(f"第 {index} 号存证已有存证人，不能再指定 / deposit {index} already has an owner",
                         details={"field": "org_id"})


def assignment(engine: Engine, index: int) -> dict[str, Any] | None:
    """How deposit ``index`` got its owner where an administrator gave it (its ``assigned`` row): the organization
    (name, English name), the user, and who gave it, when and why (the audit entry); ``None`` for a deposit whose
    owner came another way or that has none."""
    o = log.OWNERS
    with session_scope(engine) as session:
        row = session.execute(select(o.c.org_id, o.c.user_id).where(o.c.idx == index, o.c.source == "assigned")).first()
        if row is None:
            return None
        org = session.get(Organization, row.org_id) if row.org_id is not None else None
        user = session.get(User, row.user_id) if row.user_id is not None else None
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == OWNER_ASSIGN_ACTION,
                                                        AuditEntry.target == owner_assign_target(index))
                               .order_by(AuditEntry.id.desc()).limit(1))
        detail = json.loads(entry.detail) if entry is not None else {}
        return {"org_name": org.name if org else None, "org_name_en": org.name_en if org else None,
                "username": user.username if user else None, "by": entry.username if entry else None,
                "at": entry.at if entry else None, "reason": detail.get("reason"),
                "at_china": china_time(entry.at) if entry else None}
