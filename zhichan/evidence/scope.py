"""Who sees a deposit beyond what the log publishes (docs/evidence.md, "Looking a file up" and "Who deposited").

Anyone looking a file up learns that it is deposited, when, and the deposit's title (a depositor publishes its
deposit's metadata). The certificate prints the whole leaf — the depositor, the file's name and size, the note — so
it, and the deposit's page, are for its depositor only: the organization (or, for a user of no organization, the
user) that ``evidence_deposit_owners`` records beside the entry, by id — its current row, where an owner given by
mistake was corrected. The name the leaf records as ``depositor`` is
what the depositor stated, not who it is: an organization keeps its deposits when renamed, and a namesake gets none.
Everyone else, officers of the offices above included, gets a 404, as for a case they do not see
(:mod:`zhichan.procedures.certified`): a deposit is an enterprise's own evidence, not a case an office handles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, select

from zhichan.evidence import log
from zhichan.evidence.service import Owner
from zhichan.platform.inlists import scalars_in
from zhichan.platform.scope import Scope


def depositor(scope: Scope) -> str:
    """The depositor's name a deposit by this caller states in its leaf (sign-in required): its organization's,
    else its user name. Ownership is :func:`owner`, not this name."""
    scope.require_authenticated()
    return scope.org_name or scope.username


def owner(scope: Scope) -> Owner:
    """Who a deposit by this caller belongs to (sign-in required): its organization and user, by id."""
    scope.require_authenticated()
    return Owner(org_id=scope.org_id, user_id=scope.user_id)


def current_owner() -> ColumnElement[bool]:
    """The owner rows that are their deposit's owner now: no row of a higher number (a correction) follows them."""
    o, later = log.OWNERS, log.OWNERS.alias("later_owner")
    return ~select(later.c.idx).where(later.c.idx == o.c.idx, later.c.seq > o.c.seq).exists()


def _owned_by(scope: Scope) -> ColumnElement[bool]:
    o = log.OWNERS
    if scope.org_id is not None:  # an organization's deposits are its users' alike
        return and_(o.c.org_id == scope.org_id, current_owner())
    return and_(o.c.org_id.is_(None), o.c.user_id == scope.user_id, current_owner())


def owned_query(scope: Scope) -> Select[Any]:
    """``idx`` of the caller's deposits (nothing for an anonymous caller)."""
    o = log.OWNERS
    if not scope.is_authenticated:
        return select(o.c.idx).where(o.c.idx.is_(None))
    return select(o.c.idx).where(_owned_by(scope))


def owned(conn: Connection, scope: Scope, indices: Iterable[int]) -> set[int]:
    """Which of these entries are deposits of the caller."""
    wanted = sorted(set(indices))
    if not wanted or not scope.is_authenticated:
        return set()
    return {int(i) for i in scalars_in(conn, owned_query(scope), wanted, log.OWNERS.c.idx)}


def owns_deposit(conn: Connection, scope: Scope, index: int) -> bool:
    """Whether the caller deposited entry ``index`` (a deposit whose owner row names its organization or user)."""
    return index in owned(conn, scope, [index])
