"""exchange: a listing's description in English, optional (English pages show it where given, as a need's)

Revision ID: exchange_0008
Revises: exchange_0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0008"
down_revision = "exchange_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (a batch copy of the table would drop it on SQLite, which the auctions' foreign keys refuse)
    op.add_column("exchange_listings", sa.Column("description_en", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("exchange_listings", "description_en")
