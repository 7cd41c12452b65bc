"""网络竞价 (online auction) on a listing: ascending bids over a deposit, a starting price, a minimum
increment and a reserve; a scheduled close that moves later when a bid arrives in its last minutes.

No authoritative rule fixes the mechanics (RULES.md M4 [U]), so they are settings with documented
defaults (``ZHICHAN_EXCHANGE_BID_EXTEND_WINDOW_MINUTES``, ``…_EXTEND_MINUTES``) copied onto each
auction when it is created — a running auction keeps the rules it was announced with.

* **Serialization.** Every act on an auction — a deposit, a bid (and the extension it makes), a suspension, a
  resumption, a termination — starts with :func:`lock_auction`: its first statement writes the auction's row (a bid
  bumps ``bid_count``), which takes the row lock (PostgreSQL) or the write lock (SQLite) before anything is read, so
  concurrent acts on one auction run one after another — each sees the one before it, none is lost, two equal
  amounts cannot both win (the second is below the first plus the increment and is refused). The act's moment is
  read from the clock only then, with the lock held: the moments stored (a bid's ``at``, a suspension's) are in the
  order the acts took the lock, the order of the evidence log.
* **Rules of a bid.** The bidder has paid the deposit and is not the seller; the auction has started
  and its close (as extended) has not passed; the first bid is at least the starting price, every
  later one at least the standing high bid plus the increment.
* **Extension.** A bid accepted within ``extend_window_minutes`` of the close moves the close to
  ``extend_minutes`` after the bid when that is later (one extension: a bid whose close stands counts none).
* **Append-only, anchored.** Bids are never updated or deleted (database triggers refuse it) and each
  is an entry of the evidence log; so is the result.
* **The close** runs in the job runner (:mod:`zhichan.exchange.jobs`): auctions whose close has passed
  are closed with a conditional UPDATE (a bid that extended the close in the meantime wins). The state
  lives in the database, so after a restart the next sweep closes what fell due while it was down.
* **The deal.** A sold auction opens an ``exchange.deal`` case in the same transaction as its close:
  the listing organization sells to the winner (the case's counterparty) at the winning price, priced
  by 网络竞价 and traded as 竞价交易 (:func:`open_deal`). The auction keeps the case id, or why the deal's
  own checks refused it (``deal_problem``: the patent lapsed, a trademark listing …); every sweep also
  opens the deal of any sold auction that has neither, so an auction closed by an older version gets
  its deal too, and none gets two.
* **Stopping it.** The area's officers suspend (中止), resume or terminate (终止) a running auction
  (:mod:`zhichan.exchange.auction_stops`): no deposit and no bid while it is suspended (its close waits: the sweep
  closes ``open`` auctions only) or after it was terminated.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, Table, select, update
from sqlalchemy.orm import Session

from zhichan.errors import ConflictError, FormError, NotFoundError, PermissionDenied, ZhichanError
from zhichan.evidence.service import EvidenceService
from zhichan.exchange.listings import get_listing, money
from zhichan.exchange.models import Auction, AuctionDeposit, Bid, Listing
from zhichan.exchange.scope import manages
from zhichan.legaltime import periods
from zhichan.legaltime.periods import CST, china_moment
from zhichan.money import format_money
from zhichan.platform import audit
from zhichan.platform.models import Organization, Role, User
from zhichan.platform.orgs import scope_for_user
from zhichan.platform.scope import Scope
from zhichan.procedures.service import ProcedureService

AUCTIONS = cast(Table, Auction.__table__)


def china_input(value: str, field: str) -> dt.datetime:
    """A moment typed in China Standard Time (``2026-12-04T15:30``) as naive UTC."""
    try:
        local = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise FormError({field: "时间格式应为 YYYY-MM-DD HH:MM / expected YYYY-MM-DD HH:MM"}) from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=CST)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def create_auction(session: Session, scope: Scope, listing_id: int, *, starting_price: str, increment: str,
                   reserve: str, deposit: str, starts_at: str, closes_at: str, extend_window_minutes: int,
                   extend_minutes: int, now: dt.datetime) -> Auction:
    """The listing organization announces an auction on its active listing."""
    listing = get_listing(session, scope, listing_id)
    if not (scope.role == Role.ENTERPRISE_USER and manages(scope, listing)):
        raise PermissionDenied("只有挂牌单位可以发起竞价 / only the listing organization may start an auction")
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, text in (("starting_price", starting_price), ("increment", increment), ("deposit", deposit)):
        try:
            values[name] = money(text, name, required=True)
        except FormError as exc:
            errors.update(exc.errors)
    try:
        values["reserve"] = money(reserve, "reserve") or Decimal(0)
    except FormError as exc:
        errors.update(exc.errors)
    for name, text in (("starts_at", starts_at), ("closes_at", closes_at)):
        try:
            values[name] = china_input(text, name) if text.strip() or name == "closes_at" else now
        except FormError as exc:
            errors.update(exc.errors)
    if "closes_at" in values and "starts_at" in values and values["closes_at"] <= max(values["starts_at"], now):
        errors["closes_at"] = "截止时间应晚于开始时间和当前时间 / the close must come after the start and now"
    if listing.state != "active":
        errors["listing"] = "挂牌不在有效状态 / the listing is not active"
    if session.scalar(select(Auction.id).where(Auction.listing_id == listing.id,
                                               Auction.state.in_(IN_PROGRESS))) is not None:
        errors["listing"] = "该挂牌已有进行中的竞价 / an auction is already running on this listing"
    if errors:
        raise FormError(errors)
    auction = Auction(listing_id=listing.id, starting_price=values["starting_price"], increment=values["increment"],
                      reserve=values["reserve"], deposit=values["deposit"], starts_at=values["starts_at"],
                      scheduled_close=values["closes_at"], closes_at=values["closes_at"],
                      extend_window_minutes=extend_window_minutes, extend_by_minutes=extend_minutes, state="open",
                      bid_count=0, extensions=0, org_path=listing.org_path, created_at=now)
    session.add(auction)
    session.flush()
    audit.record(session, scope, "exchange.auction", listing.asset_number, detail={"auction": auction.id})
    return auction


def get_auction(session: Session, auction_id: int) -> Auction:
    """Auctions are public (the bidding is open to every registered bidder)."""
    row = session.get(Auction, auction_id)
    if row is None:
        raise NotFoundError(f"没有竞价 {auction_id} / no auction {auction_id}")
    return row


def _bidder(session: Session, scope: Scope, auction: Auction) -> str:
    scope.require_authenticated()
    if scope.role != Role.ENTERPRISE_USER:
        raise PermissionDenied("只有创新主体（企业、高校、科研机构）可以参与竞价 / only an enterprise, university or "
                               "institute account can bid")
    listing = session.get(Listing, auction.listing_id)
    if listing is not None and listing.org_id == scope.org_id:
        raise PermissionDenied("挂牌单位不能参与自己的竞价 / the seller may not bid")
    org = session.get(Organization, scope.org_id)
    return org.name if org is not None else scope.username


#: an auction running or suspended (中止: it may resume) — the listing's one auction in progress
IN_PROGRESS = ("open", "suspended")
#: an auction whose bidding is over: closed (its result) or terminated (终止: none)
OVER = ("closed", "terminated")


def _refuse_unless_open(auction: Auction) -> None:
    """No deposit and no bid while an auction is suspended or after it was terminated (zhichan.exchange.auction_stops)."""
    if auction.state == "suspended":
        raise ConflictError("竞价已中止，暂停缴纳保证金和出价 / the auction is suspended: no deposits or bids until it "
                            "resumes")
    if auction.state == "terminated":
        raise ConflictError("竞价已终止，出价无效 / the auction was terminated: no more bids")


def lock_auction(session: Session, auction_id: int, *, bid: bool = False,
                 now: dt.datetime | None = None) -> tuple[Auction, dt.datetime]:
    """The start of every act on an auction: write its row (a bid bumps ``bid_count``, its sequence; any other act
    writes the row unchanged) as the transaction's first write — the row lock (PostgreSQL), the write lock (SQLite) —
    then read the auction afresh and the act's moment. The moment is the clock's once the lock is held, so an act that
    waited for another is stamped after it; ``now`` is a moment given instead (the demo's and the tests' own time)."""
    locked = cast(CursorResult[Any], session.execute(
        update(AUCTIONS).where(AUCTIONS.c.id == auction_id).values(bid_count=AUCTIONS.c.bid_count + int(bid))))
    if locked.rowcount != 1:
        raise NotFoundError(f"没有竞价 {auction_id} / no auction {auction_id}")
    auction = session.execute(select(Auction).where(Auction.id == auction_id)
                              .execution_options(populate_existing=True)).scalar_one()
    return auction, now or periods.utcnow()


def pay_deposit(session: Session, scope: Scope, auction_id: int, *, now: dt.datetime | None = None) -> AuctionDeposit:
    """Register as a bidder by paying the deposit (保证金). The payment itself is settled outside the
    platform; this records it, once per bidder, at the moment :func:`lock_auction` reads."""
    name = _bidder(session, scope, get_auction(session, auction_id))
    auction, now = lock_auction(session, auction_id, now=now)
    _refuse_unless_open(auction)
    if now >= auction.closes_at:
        raise ConflictError("竞价已结束 / the auction has closed")
    existing = session.scalar(select(AuctionDeposit).where(AuctionDeposit.auction_id == auction.id,
                                                           AuctionDeposit.bidder_user_id == scope.user_id))
    if existing is not None:
        return existing
    row = AuctionDeposit(auction_id=auction.id, bidder_user_id=scope.user_id, bidder=name, amount=auction.deposit, at=now)
    session.add(row)
    session.flush()
    audit.record(session, scope, "exchange.auction.deposit", str(auction.id), detail={"amount": str(auction.deposit)})
    return row


def place_bid(session: Session, scope: Scope, evidence: EvidenceService, auction_id: int, amount: str, *,
              now: dt.datetime | None = None) -> Bid:
    """One bid, serialized against every other act on the auction and stamped with the moment read under its lock
    (see the module's docstring)."""
    scope.require_authenticated()
    # the lock first: nothing of the auction is read, and no moment taken, before this transaction holds its row
    auction, now = lock_auction(session, auction_id, bid=True, now=now)
    bidder = _bidder(session, scope, auction)
    _refuse_unless_open(auction)
    if auction.state != "open" or now >= auction.closes_at:
        raise ConflictError(f"竞价已于 {china_moment(auction.closes_at):%Y-%m-%d %H:%M:%S} 截止，出价无效 / the auction "
                            "closed before this bid")
    if now < auction.starts_at:
        raise ConflictError("竞价尚未开始 / the auction has not started")
    if session.scalar(select(AuctionDeposit.id).where(AuctionDeposit.auction_id == auction.id,
                                                      AuctionDeposit.bidder_user_id == scope.user_id)) is None:
        raise FormError({"amount": f"请先缴纳保证金 {format_money(auction.deposit, 'zh')} / pay the deposit of "
                                   f"{format_money(auction.deposit, 'en')} first"})
    value = money(amount, "amount", required=True)
    assert value is not None
    minimum = auction.starting_price if auction.high_bid is None else auction.high_bid + auction.increment
    if value < minimum:
        if auction.high_bid is None:
            raise FormError({"amount": f"首次出价不得低于起拍价 {format_money(auction.starting_price, 'zh')} / the first bid must "
                                       f"be at least the starting price of {format_money(auction.starting_price, 'en')}"})
        raise FormError({"amount": f"出价须不低于当前最高价 {format_money(auction.high_bid, 'zh')}与加价幅度 "
                                   f"{format_money(auction.increment, 'zh')}之和，即 {format_money(minimum, 'zh')} / a bid must be "
                                   f"at least the high bid plus the increment: {format_money(minimum, 'en')}"})
    seq = auction.bid_count
    entry = evidence.append_records([{
        "kind": "exchange.bid", "auction": auction.id, "seq": seq, "bidder": bidder, "amount": str(value),
        "at": now.isoformat(),
    }], now=now, conn=session.connection())[0]
    bid = Bid(auction_id=auction.id, seq=seq, bidder_user_id=scope.user_id, bidder=bidder, amount=value, at=now,
              evidence_index=entry.index)
    session.add(bid)
    session.flush()
    auction.high_bid, auction.high_bid_id = value, bid.id
    window = dt.timedelta(minutes=auction.extend_window_minutes)
    moved = now + dt.timedelta(minutes=auction.extend_by_minutes)
    if window and auction.closes_at - now <= window and moved > auction.closes_at:
        # an extension moves the close; a bid inside the window whose close stands (an earlier bid moved it past
        # this one's "extend_minutes after") is no extension, and is not counted as one
        auction.closes_at = moved
        auction.extensions += 1
    session.flush()
    return bid


def close_due(session: Session, procedures: ProcedureService, *, now: dt.datetime) -> list[int]:
    """Close every open auction whose close has passed, open the deal of each sold one; the ids closed."""
    evidence = procedures.evidence
    closed = []
    for auction_id in session.scalars(select(Auction.id).where(Auction.state == "open", Auction.closes_at <= now)):
        done = cast(CursorResult[Any], session.execute(
            update(AUCTIONS).where(AUCTIONS.c.id == auction_id, AUCTIONS.c.state == "open",
                                   AUCTIONS.c.closes_at <= now).values(state="closed", closed_at=now)))
        if done.rowcount != 1:
            continue  # a late bid moved the close, or another runner closed it
        auction = session.execute(select(Auction).where(Auction.id == auction_id)
                                  .execution_options(populate_existing=True)).scalar_one()
        sold = auction.high_bid is not None and auction.high_bid >= auction.reserve
        auction.outcome = "sold" if sold else "unsold"
        auction.winner_bid_id = auction.high_bid_id if sold else None
        winner = session.get(Bid, auction.high_bid_id) if sold and auction.high_bid_id else None
        entry = evidence.append_records([{
            "kind": "exchange.auction.close", "auction": auction.id, "closes_at": auction.closes_at.isoformat(),
            "outcome": auction.outcome, "bids": session.query(Bid).filter(Bid.auction_id == auction.id).count(),
            "winner": winner.bidder if winner else None, "amount": str(winner.amount) if winner else None,
            "at": now.isoformat(),
        }], now=now, conn=session.connection())[0]
        auction.close_evidence_index = entry.index
        if sold:
            listing = session.get(Listing, auction.listing_id)
            if listing is not None:
                listing.state = "concluded"
        session.flush()
        closed.append(auction.id)
    for auction_id in list(session.scalars(select(Auction.id).where(
            Auction.state == "closed", Auction.outcome == "sold", Auction.deal_case_id.is_(None),
            Auction.deal_problem.is_(None)))):
        open_deal(session, procedures, auction_id, now=now)
    return closed


#: a listing's mode → the deal's kind (exchange.deal.yaml)
DEAL_KINDS = {"sale": "转让", "exclusive": "独占许可", "sole": "排他许可", "ordinary": "普通许可", "equity": "作价入股"}


def open_deal(session: Session, procedures: ProcedureService, auction_id: int, *, now: dt.datetime) -> int | None:
    """The sold auction's ``exchange.deal`` case (the listing organization sells to the winner at the
    winning price, 网络竞价 / 竞价交易), once: the auction row is claimed by a conditional UPDATE first.
    A refusal by the deal's own checks is kept on the auction (``deal_problem``); the close stands."""
    from zhichan.exchange.deals import PROCEDURE

    claimed = cast(CursorResult[Any], session.execute(
        update(AUCTIONS).where(AUCTIONS.c.id == auction_id, AUCTIONS.c.deal_case_id.is_(None),
                               AUCTIONS.c.deal_problem.is_(None)).values(deal_problem="")))
    if claimed.rowcount != 1:
        return None
    auction = session.execute(select(Auction).where(Auction.id == auction_id)
                              .execution_options(populate_existing=True)).scalar_one()
    listing = session.get(Listing, auction.listing_id)
    winner = session.get(Bid, auction.winner_bid_id) if auction.winner_bid_id else None
    seller = session.get(User, listing.user_id) if listing is not None and listing.user_id else None
    case_id: int | None = None
    problem: str | None = None
    if listing is None or winner is None or seller is None:
        problem = "挂牌、成交出价或挂牌人账号缺失 / the listing, the winning bid or the seller's account is missing"
    elif listing.asset_kind != "patent":
        problem = "交易程序只办理专利，商标成交请线下办理 / the deal procedure handles patents only"
    else:
        fields = {"patent_number": listing.asset_number, "buyer": winner.bidder, "pricing_method": "网络竞价",
                  "trading_mode": "竞价交易", "deal_kind": DEAL_KINDS.get(listing.mode, "转让"),
                  "price": str(winner.amount), "listing_id": str(listing.id),
                  # the listing's own answer (民法典 第四百四十四条): a pledged patent was listed with the consent declared
                  "pledgee_consent": "是" if listing.pledgee_consent else "否"}
        try:
            with session.begin_nested():
                case = procedures.start(session, scope_for_user(session, seller), PROCEDURE, fields=fields,
                                        title=f"{listing.asset_number} · {winner.bidder} · 网络竞价 #{auction.id}", now=now)
                buyer = session.get(User, winner.bidder_user_id)
                if buyer is not None and buyer.org_id is not None:
                    procedures.set_counterparty(session, case["id"], buyer.org_id)
            case_id = int(case["id"])
        except ZhichanError as exc:
            problem = "；".join(exc.errors.values()) if isinstance(exc, FormError) else str(exc)
    auction.deal_case_id, auction.deal_problem = case_id, problem
    session.flush()
    return case_id


def seconds_left(auction: Auction, now: dt.datetime) -> int:
    """The seconds before the auction's close — of a suspended one, the time it had left when suspended (its clock
    waits; ``zhichan.exchange.auction_stops``)."""
    since = auction.suspended_at if auction.state == "suspended" and auction.suspended_at is not None else now
    return max(0, int((auction.closes_at - since).total_seconds()))


def time_left(seconds: int, lang: str = "zh") -> str:
    """``3 天 04:05:06`` (``3 d 04:05:06``) or ``04:05:06``: what is left before the close."""
    days, rest = divmod(seconds, 86400)
    clock = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return f"{days} {'d' if lang == 'en' else '天'} {clock}" if days else clock


def auction_view(session: Session, scope: Scope, auction: Auction, *, now: dt.datetime) -> dict[str, Any]:
    """What the auction page, its live fragment and its JSON show (public; a bidder also sees its deposit). Moments
    as stored (naive UTC): the templates show them in Beijing time, the JSON as UTC with ``Z``."""
    bids = list(session.scalars(select(Bid).where(Bid.auction_id == auction.id).order_by(Bid.seq.desc()).limit(50)))
    deposit = None
    if scope.is_authenticated:
        deposit = session.scalar(select(AuctionDeposit).where(AuctionDeposit.auction_id == auction.id,
                                                              AuctionDeposit.bidder_user_id == scope.user_id))
    open_now = auction.state == "open" and now < auction.closes_at
    minimum = auction.starting_price if auction.high_bid is None else auction.high_bid + auction.increment
    count = session.query(Bid).filter(Bid.auction_id == auction.id).count()
    return {
        "id": auction.id, "listing_id": auction.listing_id, "state": auction.state, "open": open_now,
        "started": now >= auction.starts_at,
        "starting_price": auction.starting_price, "increment": auction.increment, "reserve": auction.reserve,
        "reserve_met": auction.high_bid is not None and auction.high_bid >= auction.reserve,
        "deposit": auction.deposit, "high_bid": auction.high_bid, "minimum_next": minimum,
        "starts_at": auction.starts_at, "scheduled_close": auction.scheduled_close,
        "closes_at": auction.closes_at, "seconds_left": seconds_left(auction, now),
        "extensions": auction.extensions, "extend_window_minutes": auction.extend_window_minutes,
        "extend_by_minutes": auction.extend_by_minutes, "outcome": auction.outcome,
        "winner_bid_id": auction.winner_bid_id, "bid_count": count,
        "bids": [{"seq": b.seq, "bidder": b.bidder, "user_id": b.bidder_user_id, "amount": b.amount, "at": b.at,
                  "evidence_index": b.evidence_index, "winner": b.id == auction.winner_bid_id} for b in bids],
        "my_deposit": deposit is not None,
        "suspended_at": auction.suspended_at,
    }
