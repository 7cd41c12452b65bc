"""Giving an owner to a deposit that has none (docs/evidence.md, "Who deposited"): the platform administrator's act.

A deposit made from the command line without ``--org``, or made before owners were recorded under a name no single
organization bore, has no row in ``evidence_deposit_owners``: no one opens its page or certificate. A platform
administrator (a system administrator of the root organization, the only caller its page is shown to) names the
organization — and optionally a user of it — that owns it, with a reason: one owner row, ``source = assigned``, and in
the same transaction one entry of the platform's audit log (action ``evidence.owner_assign``, target
``deposit:<index>``: who, when, from where, the organization, the user and the reason). The owner table is
append-only, so a deposit that has an owner keeps it: a second assignment is refused (:class:`ConflictError`), whether
the owner was recorded with the deposit, back-filled, or assigned a moment before by another administrator.

An owner given by mistake is corrected (:func:`correct_owner`), never changed: a new row numbered after it
(``source = corrected``, ``replaces`` its number) and its audit entry (``evidence.owner_correct``) in one transaction;
the deposit's owner is its row of the highest number, and its page shows the administrator the whole history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from zhichan.errors import ConflictError, FormError, NotFoundError
from zhichan.evidence import log
from zhichan.evidence.service import OWNER_ASSIGN_ACTION, OWNER_CORRECT_ACTION, owner_assign_target
from zhichan.legaltime import china_time
from zhichan.platform import audit
from zhichan.platform.db import session_scope
from zhichan.platform.models import AuditEntry, Organization, User
from zhichan.platform.scope import Scope

#: the longest reason kept (the audit log's detail)
REASON_LIMIT = 500

#: the sources of an owner an administrator gave, which an administrator may correct
GIVEN = ("assigned", "corrected")


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


def _fields(session: Any, index: int, org_id: int | None, username: str, reason: str
            ) -> tuple[Organization, User | None, str]:
    """The organization, the user and the reason an administrator gives for deposit ``index``: a 404 for an entry that
    is not a deposit, a :class:`FormError` with each field the administrator can fix beside it."""
    reason = " ".join((reason or "").split())
    username = (username or "").strip()
    refused: dict[str, str] = {}
    if not reason:
        refused["reason"] = "请说明理由 / give a reason"
    elif len(reason) > REASON_LIMIT:
        refused["reason"] = f"理由超过 {REASON_LIMIT} 字 / the reason is longer than {REASON_LIMIT} characters"
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
    return org, user, reason


def assign_owner(engine: Engine, scope: Scope, index: int, *, org_id: int | None, username: str = "",
                 reason: str = "", ip: str = "", via: str = "web") -> Assigned:
    """Give deposit ``index``, which has no owner, the organization ``org_id`` (and, when ``username`` is given, that
    user of it) as owner, for ``reason``. Sign-in first; anyone but a platform administrator gets the deposit page's
    404; a field the administrator can fix is a :class:`FormError` beside it, a deposit that has an owner a
    :class:`ConflictError` (``details["field"] = "org_id"``)."""
    scope.require_authenticated()
    if not may_assign(scope):
        raise _not_found(index)
    with session_scope(engine) as session:
        org, user, reason = _fields(session, index, org_id, username, reason)
        if current_row(session, index) is not None:
            raise _owned(index)
        user_id = user.id if user is not None else None
        try:
            session.execute(log.OWNERS.insert(), [{"idx": index, "seq": 0, "org_id": org.id, "user_id": user_id,
                                                   "source": "assigned"}])
        except IntegrityError as exc:  # another administrator's assignment committed in between
            raise _owned(index) from exc
        entry = audit.record(session, scope, OWNER_ASSIGN_ACTION, owner_assign_target(index), ip=ip, detail={
            "org_id": org.id, "org": org.name, "user_id": user_id, "username": user.username if user else None,
            "reason": reason, "via": via})
        return Assigned(index=index, org_id=org.id, org_name=org.name, org_name_en=org.name_en,
                        user_id=user_id, username=user.username if user else None, audit_id=entry.id)


def correct_owner(engine: Engine, scope: Scope, index: int, *, org_id: int | None, username: str = "",
                  reason: str = "", replaces: int | None = None, ip: str = "", via: str = "web") -> Assigned:
    """Correct the owner an administrator gave deposit ``index`` (its owner row is ``assigned`` or ``corrected``): the
    organization ``org_id`` (and the user ``username`` of it) owns it from now, for ``reason``. The rows are never
    changed: one new row, ``source = corrected``, numbered after the current one and ``replaces`` it, and its audit
    entry (action ``evidence.owner_correct``), in one transaction. ``replaces``: the number of the owner row the
    administrator saw and corrects (the form's and the API's); a correction of a row another administrator corrected
    meanwhile is a :class:`ConflictError` — two corrections at once write one row of that number —, as is a deposit
    with no owner (it is given one, not corrected). Without it (the command line) the current row is corrected.

    Only a platform administrator; an owner recorded with the deposit (the enterprise's own deposit, the command
    line's ``--org``, the back-fill) is not the administrator's to read, so its deposit is the page's 404 too."""
    scope.require_authenticated()
    if not may_assign(scope):
        raise _not_found(index)
    with session_scope(engine) as session:
        org, user, reason = _fields(session, index, org_id, username, reason)
        now = current_row(session, index)
        if now is None:
            raise ConflictError(f"第 {index} 号存证没有存证人，请指定而非更正 / deposit {index} has no owner: give it "
                                "one rather than correct it", details={"field": "org_id"})
        if now.source not in GIVEN:
            raise _not_found(index)
        if replaces is not None and replaces != now.seq:
            raise _corrected_meanwhile(index)
        user_id = user.id if user is not None else None
        if (now.org_id, now.user_id) == (org.id, user_id):
            raise FormError({"org_id": "与现存证人相同 / the same as the current owner"})
        seq = int(now.seq) + 1
        try:
            session.execute(log.OWNERS.insert(), [{"idx": index, "seq": seq, "org_id": org.id, "user_id": user_id,
                                                   "source": "corrected", "replaces": int(now.seq)}])
        except IntegrityError as exc:  # another administrator's correction of the same owner committed in between
            raise _corrected_meanwhile(index) from exc
        entry = audit.record(session, scope, OWNER_CORRECT_ACTION, owner_assign_target(index), ip=ip, detail={
            "seq": seq, "replaces": int(now.seq), "org_id": org.id, "org": org.name, "user_id": user_id,
            "username": user.username if user else None, "previous_org_id": now.org_id,
            "previous_user_id": now.user_id, "reason": reason, "via": via})
        return Assigned(index=index, org_id=org.id, org_name=org.name, org_name_en=org.name_en,
                        user_id=user_id, username=user.username if user else None, audit_id=entry.id)


def current_row(session: Any, index: int) -> Any:
    """Deposit ``index``'s owner row now (the highest number), or ``None``."""
    o = log.OWNERS
    return session.execute(select(o.c.seq, o.c.org_id, o.c.user_id, o.c.source).where(o.c.idx == index)
                           .order_by(o.c.seq.desc()).limit(1)).first()


def _corrected_meanwhile(index: int) -> ConflictError:
    return ConflictError(f"第 {index} 号存证的存证人刚被他人更正，请查看后再试 / deposit {index}'s owner was corrected "
                         "meanwhile: look at it again", details={"field": "org_id"})


def _owned(index: int) -> ConflictError:
    return ConflictError(f"第 {index} 号存证已有存证人，不能再指定 / deposit {index} already has an owner",
                         details={"field": "org_id"})


def history(engine: Engine, index: int) -> list[dict[str, Any]]:
    """How deposit ``index`` got its owners where an administrator gave them (its ``assigned`` row and the corrections
    after it), oldest first: each organization (name, English name) and user, and who gave or corrected it, when and
    why (the audit entry of that row); empty for a deposit whose owner came another way or that has none."""
    o = log.OWNERS
    with session_scope(engine) as session:
        rows = session.execute(select(o.c.seq, o.c.org_id, o.c.user_id, o.c.source, o.c.replaces)
                               .where(o.c.idx == index).order_by(o.c.seq)).all()
        if not rows or rows[0].source != "assigned":
            return []
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.action.in_((OWNER_ASSIGN_ACTION, OWNER_CORRECT_ACTION)), AuditEntry.success.is_(True),
            AuditEntry.target == owner_assign_target(index)).order_by(AuditEntry.id)).all()
        by_seq: dict[int, AuditEntry] = {}
        for entry in entries:
            detail = json.loads(entry.detail)
            by_seq[int(detail.get("seq", 0)) if entry.action == OWNER_CORRECT_ACTION else 0] = entry
        given = []
        for row in rows:
            org = session.get(Organization, row.org_id) if row.org_id is not None else None
            user = session.get(User, row.user_id) if row.user_id is not None else None
            written = by_seq.get(int(row.seq))
            detail = json.loads(written.detail) if written is not None else {}
            given.append({"seq": int(row.seq), "source": row.source, "replaces": row.replaces,
                          "org_name": org.name if org else None, "org_name_en": org.name_en if org else None,
                          "username": user.username if user else None, "by": written.username if written else None,
                          "at": written.at if written else None, "reason": detail.get("reason"),
                          "at_china": china_time(written.at) if written else None})
        return given


def assignment(engine: Engine, index: int) -> dict[str, Any] | None:
    """The owner an administrator gave deposit ``index`` as it stands now (the last of :func:`history`, with the
    history under ``history``); ``None`` for a deposit whose owner came another way or that has none."""
    given = history(engine, index)
    return given[-1] | {"history": given} if given else None
