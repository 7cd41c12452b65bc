"""Stopping a running auction: 中止 (suspend), 恢复 (resume) and 终止 (terminate), the bureau's acts.

No text in RULES.md governs an online auction's suspension (M4: bidding mechanics [U]). The grounds follow the
auction rules of 《拍卖管理办法》 (商务部; arts. 45–46 as commonly cited, not in ``shared/docs/regulations`` — [U]) and,
for a patent, 专利法实施细则 第一百零三条–第一百零五条 [P] (an ownership dispute or a court's preservation suspends
the patent's procedures): an auction is **suspended** while a third party's claim to the right is examined or an
incident keeps it from running, and **resumed** when the cause is gone; it is **terminated** when an authority finds
the seller may not dispose of the right, the right has ended (lapsed, invalidated), or force majeure makes it
impossible. A terminated auction has no result: a seller who wants to sell starts a new auction (the listing stays).

The auction's states and what moves them, declared once (:data:`TRANSITIONS`), each applied to the auction's row once
the act holds its lock (:func:`zhichan.exchange.bidding.lock_auction`, which every bid and deposit takes first too), so
a bid and a stop are serialized — a bid after the stop is refused, a stop after a bid sees it — and each act's moment
is read with the lock held: a stop is stamped after every bid that came before it. Who: the officers of the area the auction's listing is
in (case officers, leaders and administrators of an office covering its ``org_path``; an analyst reads only), the
office that oversees the exchange; the seller and bidders cannot. Each act is a row of ``exchange_auction_stops`` (never updated), an entry of the evidence log
(``exchange.auction.stop``) and of the audit log (``exchange.auction.<action>``).

* **Suspend** an open auction whose close has not passed: no deposits, no bids; its close waits (the sweep closes open
  auctions only) and its page says why.
* **Resume** a suspended one: the time it had left when suspended runs on from now (``zhichan.legaltime.
  resumed_moment``), at least ``ZHICHAN_EXCHANGE_AUCTION_RESUME_MINUTES`` (default 10 [U]); its bids stand.
* **Terminate** an open or suspended one: ``terminated``, outcome ``terminated``, no winner and no deal; its bids stay
  on record (append-only), and every deposit (保证金) paid is owed back in full — the platform records deposits, it
  does not hold them (settled outside it), so the page lists the bidders whose deposit is to be returned.

The platform sends no messages and has no inbox a bidder reads (the procedure engine's notices belong to a case, and
an auction's bidders are parties of none): bidders learn of it on the auction's page, whose live part shows the state,
the ground and the reason, in the JSON, and on their organization's own home (:func:`stopped_for_bidder`: a banner of
the auctions it paid a deposit in — every bidder has — that are suspended, or were terminated within
:data:`TERMINATED_SHOWN_DAYS`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from zhichan.errors import ConflictError, FormError, PermissionDenied
from zhichan.evidence.service import EvidenceService
from zhichan.exchange.bidding import AUCTIONS, get_auction, lock_auction
from zhichan.exchange.models import Auction, AuctionDeposit, AuctionStop, Listing
from zhichan.legaltime import china_moment, resumed_moment
from zhichan.platform import audit
from zhichan.platform.inlists import scalars_in
from zhichan.platform.models import Role, User
from zhichan.platform.scope import Scope

#: (state, action) → the state it leads to: the auction's state machine beyond bidding and the close
TRANSITIONS: dict[tuple[str, str], str] = {
    ("open", "suspend"): "suspended",
    ("suspended", "resume"): "open",
    ("open", "terminate"): "terminated",
    ("suspended", "terminate"): "terminated",
}

#: the grounds each act may give (labels: ``exchange.stop_ground.<ground>``)
GROUNDS: dict[str, tuple[str, ...]] = {
    # a third party's claim to the right (权属纠纷, 财产保全: 细则 103–105), an incident (a system failure)
    "suspend": ("ownership_dispute", "preservation", "incident", "other"),
    # the cause of the suspension is gone
    "resume": ("cause_removed",),
    # no right to dispose of it, the right ended, force majeure
    "terminate": ("no_right", "right_ended", "force_majeure", "other"),
}

#: the longest reason kept
REASON_LIMIT = 500

#: the audit log's actions, one per act
SUSPEND_ACTION = "exchange.auction.suspend"
RESUME_ACTION = "exchange.auction.resume"
TERMINATE_ACTION = "exchange.auction.terminate"
AUDITED = {"suspend": SUSPEND_ACTION, "resume": RESUME_ACTION, "terminate": TERMINATE_ACTION}


#: the roles that act for an office (an analyst reads only)
ACTING_ROLES = frozenset({Role.CASE_OFFICER, Role.BUREAU_LEADER, Role.SYSTEM_ADMIN})


def may_stop(scope: Scope, auction: Auction) -> bool:
    """The officers (case officers, leaders, administrators) of the offices whose area the auction's listing is in."""
    return (scope.is_authenticated and scope.governance and scope.role in ACTING_ROLES
            and scope.covers_org_path(auction.org_path))


def actions_for(auction: Auction) -> list[str]:
    """What may be done to the auction in its state (in :data:`TRANSITIONS`' order)."""
    return [action for (state, action) in TRANSITIONS if state == auction.state]


def stop_auction(session: Session, scope: Scope, evidence: EvidenceService, auction_id: int, *, action: str,
                 ground: str, reason: str, now: dt.datetime | None = None, resume_minutes: int = 10) -> AuctionStop:
    """Suspend, resume or terminate auction ``auction_id`` (module docstring), at the moment read once the auction's
    row is locked (:func:`zhichan.exchange.bidding.lock_auction`; ``now``: a moment given instead). A field left wrong
    is a :class:`FormError` beside it; a caller other than the area's officers :class:`PermissionDenied`; an act its
    state does not allow (closed meanwhile, already suspended …) a :class:`ConflictError`."""
    scope.require_authenticated()
    if not may_stop(scope, get_auction(session, auction_id)):
        raise PermissionDenied("只有挂牌所在地区的知识产权局工作人员可以中止或终止竞价 / only the officers of the listing's "
                               "area may suspend or terminate an auction")
    reason = " ".join((reason or "").split())
    refused: dict[str, str] = {}
    if action not in GROUNDS:
        refused["action"] = "请选择操作 / choose what to do"
    elif ground not in GROUNDS[action]:
        refused["ground"] = "请选择事由 / choose the ground"
    if not reason:
        refused["reason"] = "请说明理由 / give a reason"
    elif len(reason) > REASON_LIMIT:
        refused["reason"] = f"理由超过 {REASON_LIMIT} 字 / the reason is longer than {REASON_LIMIT} characters"
    if refused:
        raise FormError(refused)
    # the row's lock, then its state and the act's moment: a bid or another officer's act that took the lock first is
    # seen (this act refused if it left another state, or an open auction past its close) and stamped before this one
    auction, now = lock_auction(session, auction_id, now=now)
    source = next((state for (state, act) in TRANSITIONS if act == action and state == auction.state), None)
    if source is None or (source == "open" and now >= auction.closes_at):
        raise _not_now(auction, action, now)
    target = TRANSITIONS[(source, action)]
    before = auction.closes_at
    values: dict[str, Any] = {"state": target}
    after: dt.datetime | None = before
    if action == "suspend":
        values["suspended_at"] = now
    elif action == "resume":
        assert auction.suspended_at is not None
        after = resumed_moment(before, auction.suspended_at, now, at_least_minutes=resume_minutes)
        values |= {"suspended_at": None, "closes_at": after}
        if auction.starts_at > auction.suspended_at:  # suspended before it started: its start waited too
            values["starts_at"] = resumed_moment(auction.starts_at, auction.suspended_at, now)
    else:
        values |= {"outcome": "terminated", "closed_at": now, "suspended_at": None}
        after = None
    session.execute(update(AUCTIONS).where(AUCTIONS.c.id == auction.id).values(**values))
    entry = evidence.append_records([{
        "kind": "exchange.auction.stop", "auction": auction.id, "action": action, "ground": ground,
        "closes_before": before.isoformat(), "closes_after": after.isoformat() if after else None, "at": now.isoformat(),
    }], now=now, conn=session.connection())[0]
    row = AuctionStop(auction_id=auction.id, action=action, ground=ground, reason=reason, user_id=scope.user_id,
                      username=scope.username[:80], at=now, closes_before=before, closes_after=after,
                      evidence_index=entry.index)
    session.add(row)
    session.flush()
    audit.record(session, scope, AUDITED[action], str(auction.id),
                 detail={"ground": ground, "reason": reason, "state": target, "evidence": entry.index})
    session.expire(auction)
    return row


def _not_now(auction: Auction, action: str, now: dt.datetime) -> ConflictError:
    if (auction.state == "open" and now >= auction.closes_at) or auction.state == "closed":
        return ConflictError(f"竞价已于 {china_moment(auction.closes_at):%Y-%m-%d %H:%M:%S} 截止 / the auction has closed",
                             details={"field": "action"})
    if auction.state == "terminated":
        return ConflictError("竞价已终止 / the auction was terminated", details={"field": "action"})
    if auction.state == "suspended":
        return ConflictError("竞价已中止，只能恢复或终止 / the auction is suspended: it may be resumed or terminated",
                             details={"field": "action"})
    return ConflictError("竞价正在进行，不能恢复 / the auction is running: there is nothing to resume",
                         details={"field": "action"})


def stops(session: Session, auction_id: int) -> list[AuctionStop]:
    """The auction's suspensions, resumptions and termination, oldest first."""
    return list(session.scalars(select(AuctionStop).where(AuctionStop.auction_id == auction_id).order_by(AuctionStop.id)))


#: how long a terminated auction stays on its bidders' home (a display window, not a legal period: its deposit is owed
#: back whatever the day; the auction's page keeps saying so)
TERMINATED_SHOWN_DAYS = 30


def stopped_for_bidder(session: Session, scope: Scope, now: dt.datetime, *, limit: int = 5) -> list[tuple[Auction, Listing,
                                                                                                           AuctionStop]]:
    """The auctions the caller's organization bid in — paid the deposit (保证金) in, by any of its users: every bid
    needs one — that are suspended, or were terminated within :data:`TERMINATED_SHOWN_DAYS`; each with its listing and
    its latest stop, the latest stop first. Nothing for a caller who is not an enterprise user."""
    if scope.role != Role.ENTERPRISE_USER or scope.org_id is None:
        return []
    bid_in = (select(AuctionDeposit.auction_id).join(User, User.id == AuctionDeposit.bidder_user_id)
              .where(User.org_id == scope.org_id))
    since = now - dt.timedelta(days=TERMINATED_SHOWN_DAYS)
    rows = session.execute(
        select(Auction, Listing).join(Listing, Listing.id == Auction.listing_id)
        .where(Auction.id.in_(bid_in), or_(Auction.state == "suspended",
                                           and_(Auction.state == "terminated", Auction.closed_at >= since)))
        .order_by(Auction.id.desc())).all()
    if not rows:
        return []
    latest: dict[int, AuctionStop] = {}
    for stop in scalars_in(session, select(AuctionStop).order_by(AuctionStop.id), [a.id for a, _ in rows],
                           AuctionStop.auction_id):
        latest[stop.auction_id] = stop
    found = [(auction, listing, latest[auction.id]) for auction, listing in rows if auction.id in latest]
    found.sort(key=lambda row: row[2].id, reverse=True)
    return found[:limit]
