"""An auction's extension count stored by the older rule (every bid inside the window, also one whose close stood)
counted again by the migration exchange_0007 as the rule counts now — from the bids and the resumptions, which set the
close anew — on SQLite and PostgreSQL. The demo's auction said "extended 3×" of a close moved once."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import text

from tests.exchange.conftest import Exchange
from tests.exchange.test_auction_stops import _act
from tests.exchange.test_bidding import CLOSE, START, _auction, _auction_row, _bid, _bidders
from zhichan.exchange.bidding import pay_deposit
from zhichan.platform.db import alembic_config, session_scope, upgrade


@pytest.fixture
def ex(exchange: Exchange) -> Exchange:
    exchange.auction = _auction(exchange)  # type: ignore[attr-defined]
    exchange.bidders = _bidders(exchange, 2)  # type: ignore[attr-defined]
    for who in exchange.bidders:  # type: ignore[attr-defined]
        with session_scope(exchange.world.engine) as s:
            pay_deposit(s, exchange.world.scope(who), exchange.auction, now=START)  # type: ignore[attr-defined]
    return exchange


def _recount(ex: Exchange, stored: int) -> int:
    """The count after the migration, the auction's count having been ``stored`` before it."""
    engine = ex.world.engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE exchange_auctions SET extensions = :n WHERE id = :id"), {"n": stored, "id": ex.auction})  # type: ignore[attr-defined]
    command.downgrade(alembic_config(engine), "exchange_0006")
    upgrade(engine)
    return _auction_row(ex).extensions


def test_the_migration_counts_only_the_bids_that_moved_the_close(ex: Exchange) -> None:
    a, b = ex.bidders  # type: ignore[attr-defined]
    minute = dt.timedelta(minutes=1)
    _bid(ex, a, "100000", CLOSE - 3 * minute)  # moves the close to 12:02: one extension
    _bid(ex, b, "105000", CLOSE - 3 * minute)  # 5 minutes after it is the close itself: it stands
    _act(ex, "suspend", CLOSE - 2 * minute)
    resumed = _act(ex, "resume", CLOSE + 30 * minute).closes_after  # the close set anew
    assert resumed is not None
    _bid(ex, a, "110000", resumed - 5 * minute)  # inside the window, the close stands
    _bid(ex, b, "115000", resumed - 3 * minute)  # moves it: a second extension
    row = _auction_row(ex)
    assert (row.extensions, row.closes_at) == (2, resumed + 2 * minute)
    # the older rule counted all four bids; counted again, two — and a count that was right stays as it is
    assert _recount(ex, 4) == 2
    assert _recount(ex, 2) == 2
    assert _auction_row(ex).closes_at == resumed + 2 * minute  # nothing else of the auction changes
