"""exchange: an auction's extensions counted again from its bids, as the rule counts them now

Before, every bid inside the extension window counted an extension, even one whose close stood (an earlier bid had
moved it past this bid's "extend_minutes after"): the auctions list said "extended 3×" of a close moved once. A bid
now counts one only when it moves the close (zhichan.exchange.bidding, "Extension"); the counts stored before are
counted again here from what the auction keeps — its bids and its resumptions (a resumption sets the close anew), in
the order of the evidence log, from the close first announced — so that a page, the API and the export show the same
count the rule gives a new auction. Bids are append-only and untouched; only the auction's count changes, and only
where it was too high.

Revision ID: exchange_0007
Revises: exchange_0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "exchange_0007"
down_revision = "exchange_0006"
branch_labels = None
depends_on = None

AUCTIONS = sa.table("exchange_auctions", sa.column("id", sa.Integer), sa.column("scheduled_close", sa.DateTime),
                    sa.column("extensions", sa.Integer), sa.column("extend_window_minutes", sa.Integer),
                    sa.column("extend_by_minutes", sa.Integer))
BIDS = sa.table("exchange_bids", sa.column("auction_id", sa.Integer), sa.column("seq", sa.Integer),
                sa.column("at", sa.DateTime), sa.column("evidence_index", sa.Integer))
STOPS = sa.table("exchange_auction_stops", sa.column("auction_id", sa.Integer), sa.column("id", sa.Integer),
                 sa.column("action", sa.String), sa.column("at", sa.DateTime), sa.column("closes_after", sa.DateTime),
                 sa.column("evidence_index", sa.Integer))


def extensions(scheduled_close: dt.datetime, window_minutes: int, by_minutes: int,
               acts: list[tuple[dt.datetime, int, dt.datetime | None]]) -> int:
    """How many of the acts — ``(at, evidence index, close after a resumption or None for a bid)``, in any order —
    moved the close, as ``place_bid`` counts them now."""
    window, by = dt.timedelta(minutes=window_minutes), dt.timedelta(minutes=by_minutes)
    close, count = scheduled_close, 0
    for at, _, resumed_close in sorted(acts, key=lambda act: (act[0], act[1])):
        if resumed_close is not None:
            close = resumed_close
            continue
        moved = at + by
        if window and close - at <= window and moved > close:
            close, count = moved, count + 1
    return count


def upgrade() -> None:
    bind = op.get_bind()
    counted = list(bind.execute(sa.select(AUCTIONS).where(AUCTIONS.c.extensions > 0)))
    for auction in counted:
        acts: list[tuple[dt.datetime, int, dt.datetime | None]] = [
            (row.at, row.evidence_index or 0, None)
            for row in bind.execute(sa.select(BIDS.c.at, BIDS.c.evidence_index).where(BIDS.c.auction_id == auction.id))]
        acts += [(row.at, row.evidence_index or 0, row.closes_after) for row in bind.execute(
            sa.select(STOPS.c.at, STOPS.c.evidence_index, STOPS.c.closes_after)
            .where(STOPS.c.auction_id == auction.id, STOPS.c.action == "resume", STOPS.c.closes_after.is_not(None)))]
        count = extensions(auction.scheduled_close, auction.extend_window_minutes, auction.extend_by_minutes, acts)
        if count < auction.extensions:
            bind.execute(sa.update(AUCTIONS).where(AUCTIONS.c.id == auction.id).values(extensions=count))


def downgrade() -> None:
    """The counts stay as counted: the older rule's were too high, and nothing reads them differently."""
