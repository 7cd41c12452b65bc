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
    with op.batch_alter_table("exchange_listings") as batch:
        batch.add_column(sa.Column("description_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exchange_listings") as batch:
        batch.drop_column("description_en")
