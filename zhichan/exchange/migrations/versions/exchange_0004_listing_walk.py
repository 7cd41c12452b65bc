"""exchange: listings indexed for the text search without reading the table — (state, id) carrying the asset
kind, number and mode, so the newest-first walk (and the list's page) reads the index alone in id order; and
(asset number, state) now carrying the kind and mode, so a lookup of the hits by number stays on its index
(SQLite's planner otherwise prefers the walk index, which covers the query, and reads every active listing)

Revision ID: exchange_0004
Revises: exchange_0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "exchange_0004"
down_revision = "exchange_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_exchange_listings_walk", "exchange_listings", ["state", "id", "asset_kind", "asset_number", "mode"])
    op.drop_index("ix_exchange_listings_number_state", "exchange_listings")
    op.create_index("ix_exchange_listings_number_state", "exchange_listings", ["asset_number", "state", "asset_kind", "mode"])


def downgrade() -> None:
    op.drop_index("ix_exchange_listings_number_state", "exchange_listings")
    op.create_index("ix_exchange_listings_number_state", "exchange_listings", ["asset_number", "state"])
    op.drop_index("ix_exchange_listings_walk", "exchange_listings")
