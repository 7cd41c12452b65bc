"""exchange: a running auction suspended (中止), resumed or terminated (终止) by the bureau, with its ground and reason

Nothing could stop a running auction. ``exchange_auction_stops`` keeps each such act (append-only: the auction's
history of them), and the auction the moment it was suspended (its close waits while it is).

Revision ID: exchange_0006
Revises: exchange_0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0006"
down_revision = "exchange_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_auction_stops",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("auction_id", sa.Integer, sa.ForeignKey("exchange_auctions.id"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("ground", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("closes_before", sa.DateTime, nullable=True),
        sa.Column("closes_after", sa.DateTime, nullable=True),
        sa.Column("evidence_index", sa.Integer, nullable=True),
    )
    op.create_index("ix_exchange_auction_stops_auction", "exchange_auction_stops", ["auction_id", "id"])
    with op.batch_alter_table("exchange_auctions") as batch:
        batch.add_column(sa.Column("suspended_at", sa.DateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exchange_auctions") as batch:
        batch.drop_column("suspended_at")
    op.drop_index("ix_exchange_auction_stops_auction", "exchange_auction_stops")
    op.drop_table("exchange_auction_stops")
