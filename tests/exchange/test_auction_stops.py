"""A running auction suspended (中止), resumed or terminated (终止) by the officers of its area — its state machine,
bids refused while suspended and after termination, the close's clock waiting while suspended and running on from
the resumption, no result and no deal for a terminated one, each act in the evidence log and the audit log, and a
stop and a bid at the same moment serialized, each stamped in the order it took the auction's lock; the bidders told apart on the public page by a per-auction alias — on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from tests.exchange.conftest import Exchange
from tests.exchange.helpers import moment
from tests.helpers import at_once
from tests.procedures.helpers import PASSWORD, _password_hash
from zhichan.errors import ConflictError, FormError, PermissionDenied
from zhichan.exchange.auction_stops import stop_auction
from zhichan.exchange.bidding import close_due, create_auction, pay_deposit, place_bid
from zhichan.exchange.listings import create_listing, withdraw_listing
from zhichan.exchange.models import Auction, AuctionStop, Bid
from zhichan.legaltime import periods
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import AuditEntry, Organization, OrgKind, Role
from zhichan.platform.orgs import create_org

START = moment()  # 2026-03-02 10:00 China time
CLOSE = START + dt.timedelta(hours=2)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def ex(exchange: Exchange) -> Exchange:
    with session_scope(exchange.world.engine) as s:
        listing = create_listing(s, exchange.world.scope("ent_user"), exchange.snapshot, asset_kind="patent",
                                 number=exchange.numbers["ok"], mode="sale", price="", description="",
                                 pledgee_consent=False, now=START)
        exchange.listing = listing.id  # type: ignore[attr-defined]
        exchange.auction = create_auction(  # type: ignore[attr-defined]
            s, exchange.world.scope("ent_user"), listing.id, starting_price="100000", increment="5000", reserve="",
            deposit="10000", starts_at="2026-03-02T10:00", closes_at="2026-03-02T12:00", extend_window_minutes=5,
            extend_minutes=5, now=START).id
        wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107",
                                                    Organization.kind == OrgKind.COUNTY))
        for i in range(2):
            org = create_org(s, f"竞买企业{i}有限公司（合成）", OrgKind.ENTERPRISE, "510107", wuhou,
                             party_key=f"竞买企业{i}有限公司（合成）")
            user = create_user(s, username=f"bidder{i}", password=PASSWORD, role=Role.ENTERPRISE_USER, org=org,
                               password_hash=_password_hash())
            exchange.world.users[user.username] = user.id
    for who in ("bidder0", "bidder1"):
        with session_scope(exchange.world.engine) as s:
            pay_deposit(s, exchange.world.scope(who), exchange.auction, now=START)  # type: ignore[attr-defined]
    return exchange


def _act(ex: Exchange, action: str, at: dt.datetime, who: str = "wuhou_officer", ground: str = "",
         reason: str = "权利人之外的第三人提出权属争议（合成）") -> AuctionStop:
    grounds = {"suspend": "ownership_dispute", "resume": "cause_removed", "terminate": "no_right"}
    with session_scope(ex.world.engine) as s:
        row = stop_auction(s, ex.world.scope(who), ex.world.service.evidence, ex.auction,  # type: ignore[attr-defined]
                           action=action, ground=ground or grounds.get(action, "other"), reason=reason, now=at,
                           resume_minutes=10)
        s.expunge(row)
        return row


def _bid(ex: Exchange, who: str, amount: str, at: dt.datetime | None) -> Bid:
    with session_scope(ex.world.engine) as s:
        bid = place_bid(s, ex.world.scope(who), ex.world.service.evidence, auction_id=ex.auction,  # type: ignore[attr-defined]
                        amount=amount, now=at)
        s.expunge(bid)
        return bid


def _auction(ex: Exchange) -> Auction:
    with session_scope(ex.world.engine) as s:
        row = s.get_one(Auction, ex.auction)  # type: ignore[attr-defined]
        s.expunge(row)
        return row


def test_an_officer_suspends_and_resumes_an_auction_whose_clock_waits(ex: Exchange) -> None:
    """Suspended 30 minutes before its close: no bid and no deposit until it resumes, the sweep leaves it open past
    its close; resumed 3 hours later, its 30 minutes run on from then; its bids stand and it closes as usual."""
    _bid(ex, "bidder0", "100000", START + 10 * MINUTE)
    # who may not: the seller, a bidder, an analyst of the area, an officer of another district
    for who in ("ent_user", "bidder1", "wuhou_analyst", "jinjiang_officer"):
        with pytest.raises(PermissionDenied):
            _act(ex, "suspend", CLOSE - 30 * MINUTE, who=who)
    with pytest.raises(FormError) as refused:  # a ground of another act, no reason
        _act(ex, "suspend", CLOSE - 30 * MINUTE, ground="cause_removed", reason=" ")
    assert set(refused.value.errors) == {"ground", "reason"}
    with pytest.raises(ConflictError, match="nothing to resume"):
        _act(ex, "resume", CLOSE - 30 * MINUTE)

    suspended = _act(ex, "suspend", CLOSE - 30 * MINUTE)
    assert (_auction(ex).state, _auction(ex).suspended_at) == ("suspended", CLOSE - 30 * MINUTE)
    with pytest.raises(ConflictError, match="suspended"):
        _bid(ex, "bidder1", "105000", CLOSE - 20 * MINUTE)
    with pytest.raises(ConflictError, match="suspended"):
        _act(ex, "suspend", CLOSE - 20 * MINUTE)
    with session_scope(ex.world.engine) as s:  # its close passes while it waits: the sweep does not close it
        assert close_due(s, ex.world.service, now=CLOSE + dt.timedelta(hours=1)) == []
    assert _auction(ex).state == "suspended"

    resumed_at = CLOSE + dt.timedelta(hours=2, minutes=30)
    resumed = _act(ex, "resume", resumed_at, reason="争议已经法院裁定驳回（合成）")
    row = _auction(ex)
    assert (row.state, row.suspended_at, row.closes_at) == ("open", None, resumed_at + 30 * MINUTE)
    assert (resumed.closes_before, resumed.closes_after) == (CLOSE, resumed_at + 30 * MINUTE)
    assert row.scheduled_close == CLOSE  # as announced
    _bid(ex, "bidder1", "105000", resumed_at + MINUTE)
    with session_scope(ex.world.engine) as s:
        assert close_due(s, ex.world.service, now=resumed_at + 29 * MINUTE) == []
        assert close_due(s, ex.world.service, now=resumed_at + 30 * MINUTE) == [ex.auction]  # type: ignore[attr-defined]
    assert (_auction(ex).state, _auction(ex).outcome) == ("closed", "sold")
    with session_scope(ex.world.engine) as s:  # each act in the evidence log and the audit log
        leaves = [ex.world.service.evidence.get_entry(r.evidence_index).fields for r in (suspended, resumed)]
        assert [(f["kind"], f["action"]) for f in leaves] == [("exchange.auction.stop", "suspend"),
                                                              ("exchange.auction.stop", "resume")]
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.target == str(ex.auction))  # type: ignore[attr-defined]
                            .order_by(AuditEntry.id)).all()
        assert [a for a in actions if "suspend" in a or "resume" in a] == ["exchange.auction.suspend",
                                                                         "exchange.auction.resume"]


def test_a_resumption_leaves_the_bidders_at_least_the_minimum(ex: Exchange) -> None:
    """Suspended 1 minute before its close, resumed: it closes 10 minutes after the resumption, not 1."""
    _act(ex, "suspend", CLOSE - MINUTE)
    at = CLOSE + dt.timedelta(days=1)
    _act(ex, "resume", at, reason="系统故障已排除（合成）", ground="cause_removed")
    assert _auction(ex).closes_at == at + 10 * MINUTE


def test_a_terminated_auction_has_no_result_and_takes_no_bid(ex: Exchange) -> None:
    """Terminated while suspended: no winner, no deal, its bids kept; no bid, deposit or act after it; the listing
    is free for a new auction (or to be withdrawn), which a suspended auction would not allow."""
    _bid(ex, "bidder0", "100000", START + 10 * MINUTE)
    _act(ex, "suspend", START + 20 * MINUTE)
    with session_scope(ex.world.engine) as s, pytest.raises(ConflictError):  # suspended: still in progress
        withdraw_listing(s, ex.world.scope("ent_user"), ex.listing)  # type: ignore[attr-defined]
    _act(ex, "terminate", START + 40 * MINUTE, reason="法院认定挂牌方无处分权（合成）")
    row = _auction(ex)
    assert (row.state, row.outcome, row.winner_bid_id, row.deal_case_id, row.closed_at) == (
        "terminated", "terminated", None, None, START + 40 * MINUTE)
    with pytest.raises(ConflictError, match="terminated"):
        _bid(ex, "bidder1", "105000", START + 41 * MINUTE)
    with session_scope(ex.world.engine) as s, pytest.raises(ConflictError, match="terminated"):
        pay_deposit(s, ex.world.scope("bidder1"), ex.auction, now=START + 41 * MINUTE)  # type: ignore[attr-defined]
    for action in ("resume", "terminate", "suspend"):
        with pytest.raises(ConflictError):
            _act(ex, action, START + 42 * MINUTE)
    with session_scope(ex.world.engine) as s:
        assert close_due(s, ex.world.service, now=CLOSE + MINUTE) == []
        assert s.scalar(select(func.count()).select_from(Bid).where(Bid.auction_id == ex.auction)) == 1  # type: ignore[attr-defined]
        again = create_auction(s, ex.world.scope("ent_user"), ex.listing, starting_price="90000",  # type: ignore[attr-defined]
                               increment="1000", reserve="", deposit="5000", starts_at="", closes_at="2026-03-03T12:00",
                               extend_window_minutes=5, extend_minutes=5, now=START + dt.timedelta(hours=1))
        assert again.state == "open"


def test_a_closed_auction_cannot_be_stopped(ex: Exchange) -> None:
    with pytest.raises(ConflictError, match="closed"):  # its close has passed, not yet swept
        _act(ex, "suspend", CLOSE)
    with session_scope(ex.world.engine) as s:
        close_due(s, ex.world.service, now=CLOSE)
    with pytest.raises(ConflictError, match="closed"):
        _act(ex, "terminate", CLOSE + MINUTE)


def test_a_stop_and_a_bid_at_the_same_moment_are_serialized(ex: Exchange) -> None:
    """A suspension and a bid at once: either the bid came first (it stands, then the auction is suspended) or the
    suspension did (the bid is refused) — never a bid accepted on a suspended auction, nor an error."""
    for round_ in range(4):
        if round_:
            _act(ex, "resume", START + (10 * round_) * MINUTE, reason="恢复（合成）", ground="cause_removed")
        at = START + (10 * round_ + 5) * MINUTE
        amount = str(100000 + 5000 * round_)
        outcomes = at_once(lambda at=at: _act(ex, "suspend", at, ground="incident", reason="系统故障（合成）"),
                           lambda at=at, amount=amount: _bid(ex, "bidder0", amount, at))
        assert isinstance(outcomes[0], AuctionStop), outcomes
        assert isinstance(outcomes[1], (Bid, ConflictError)), outcomes
        with session_scope(ex.world.engine) as s:
            suspended_at = s.get_one(Auction, ex.auction).suspended_at  # type: ignore[attr-defined]
            late = s.scalars(select(Bid).where(Bid.auction_id == ex.auction, Bid.at > suspended_at)).all()  # type: ignore[attr-defined]
            assert late == []
    assert _auction(ex).high_bid is None or _auction(ex).high_bid >= Decimal("100000")


def test_a_bid_that_takes_the_lock_first_is_stamped_before_the_suspension(ex: Exchange, monkeypatch) -> None:
    """An officer suspends the auction; just before the suspension takes the auction's lock, a bid takes it and is
    committed. The bid stands, and the suspension is stamped after it (its moment is read once it holds the lock, not
    when the officer acted): the stored moments are in the order of the lock and of the evidence log. A bid after the
    suspension is refused."""
    ticks = itertools.count()
    monkeypatch.setattr(periods, "utcnow", lambda: START + 20 * MINUTE + next(ticks) * dt.timedelta(microseconds=1))
    ahead: list[Bid] = []
    armed = [True]

    def bid_first(conn, cursor, statement: str, *_: object) -> None:  # type: ignore[no-untyped-def]
        if armed[0] and statement.lstrip().upper().startswith("UPDATE EXCHANGE_AUCTIONS"):
            armed[0] = False
            ahead.append(_bid(ex, "bidder0", "100000", None))  # another request, committed before the lock is taken

    event.listen(ex.world.engine, "before_cursor_execute", bid_first)
    try:
        with session_scope(ex.world.engine) as s:
            stop = stop_auction(s, ex.world.scope("wuhou_officer"), ex.world.service.evidence,
                                ex.auction, action="suspend", ground="incident",  # type: ignore[attr-defined]
                                reason="系统故障（合成）")
            s.expunge(stop)
    finally:
        event.remove(ex.world.engine, "before_cursor_execute", bid_first)
    [bid] = ahead
    row = _auction(ex)
    assert (row.state, row.high_bid) == ("suspended", Decimal("100000"))
    assert bid.at < stop.at == row.suspended_at
    assert bid.evidence_index < stop.evidence_index
    with pytest.raises(ConflictError, match="suspended"):
        _bid(ex, "bidder1", "105000", None)


def test_each_bidder_reads_as_its_own_alias_by_its_first_bid(ex: Exchange) -> None:
    """The public read every bidder masked the same way (竞买企＊＊＊ twice): each is 竞买人 N by its first bid, the same on
    every bid of it, in the page's language; the bidder itself reads its alias with 你; the seller reads aliases while
    bids are taken (it read the names) and the names once the bidding is over."""
    from zhichan.exchange.views import auction_view
    from zhichan.platform.scope import Scope

    for who, amount in (("bidder1", "100000"), ("bidder0", "105000"), ("bidder1", "110000")):
        _bid(ex, who, amount, START + 10 * MINUTE)

    def shown(scope: Scope, lang: str = "zh") -> list[tuple[int, str, int]]:
        with session_scope(ex.world.engine) as s:
            bids = auction_view(s, scope, ex.auction, lang)["auction"]["bids"]  # type: ignore[attr-defined]
        return [(b["seq"], b["bidder"], b["alias"]) for b in bids]

    assert shown(Scope.anonymous()) == [(3, "竞买人 1", 1), (2, "竞买人 2", 2), (1, "竞买人 1", 1)]
    assert shown(Scope.anonymous(), "en") == [(3, "Bidder 1", 1), (2, "Bidder 2", 2), (1, "Bidder 1", 1)]
    assert shown(ex.world.scope("bidder0")) == [(3, "竞买人 1", 1), (2, "竞买人 2（你）", 2), (1, "竞买人 1", 1)]
    assert shown(ex.world.scope("bidder1"), "en")[0] == (3, "Bidder 1 (you)", 1)
    assert shown(ex.world.scope("ent_user")) == [(3, "竞买人 1", 1), (2, "竞买人 2", 2), (1, "竞买人 1", 1)]
    _act(ex, "terminate", START + 20 * MINUTE)
    assert shown(ex.world.scope("ent_user")) == [(3, "竞买企业1有限公司（合成）", 1), (2, "竞买企业0有限公司（合成）", 2),
                                                 (1, "竞买企业1有限公司（合成）", 1)]


def test_the_operator_reads_the_bidders_by_name_other_staff_by_alias(ex: Exchange) -> None:
    """Who reads the bidders by name (docs/exchange.md "Who sees the bidders"): the exchange's operator — the officers of
    the listing's area who register the deposits and may stop the auction (its district's officer and leader, the
    city's officer, the administrator) — and the seller once the bidding is over; an analyst of the area read the names
    too (every governance role of it did), and reads aliases now, as another district's or province's officer, a bidder,
    the public and (while bids are taken) the seller do. The deposits owed on a termination are named to the same
    callers."""
    from zhichan.exchange.views import auction_view

    for who, amount in (("bidder1", "100000"), ("bidder0", "105000")):
        _bid(ex, who, amount, START + 10 * MINUTE)

    def shown(who: str) -> tuple[list[str], bool]:
        with session_scope(ex.world.engine) as s:
            data = auction_view(s, ex.world.scope(who), ex.auction, "zh")["auction"]  # type: ignore[attr-defined]
        return [b["bidder"] for b in data["bids"]], data["bidders_named"]

    names = (["竞买企业0有限公司（合成）", "竞买企业1有限公司（合成）"], True)
    for who in ("wuhou_officer", "wuhou_leader", "chengdu_officer", "root"):
        assert shown(who) == names, who
    for who in ("wuhou_analyst", "jinjiang_officer", "hz_officer", "bidder1", "ent_user"):
        assert shown(who)[1] is False and not any("竞买企业" in b for b in shown(who)[0]), who
    _act(ex, "terminate", START + 20 * MINUTE)
    assert shown("ent_user") == names
    with session_scope(ex.world.engine) as s:
        owed = {who: auction_view(s, ex.world.scope(who), ex.auction, "zh")["auction"]["deposits_owed"]  # type: ignore[attr-defined]
                for who in ("wuhou_officer", "ent_user", "wuhou_analyst")}
    assert owed["wuhou_officer"] == owed["ent_user"] == ["竞买企业0有限公司（合成）", "竞买企业1有限公司（合成）"]
    assert owed["wuhou_analyst"] == []
