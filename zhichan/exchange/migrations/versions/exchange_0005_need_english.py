"""exchange: a technology need's title and description in English, optional (English pages show them where given)

Revision ID: exchange_0005
Revises: exchange_0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0005"
down_revision = "exchange_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_needs") as batch:
        batch.add_column(sa.Column("title_en", sa.String(300), nullable=True))
        batch.add_column(sa.Column("text_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exchange_needs") as batch:
        batch.drop_column("text_en")
        batch.drop_column("title_en")
