"""dataip: the application's data structure, update frequency and usage scenario; decision reasons

Revision ID: dataip_0002
Revises: dataip_0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dataip_0002"
down_revision = "dataip_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dataip_registrations") as batch:
        batch.add_column(sa.Column("data_structure", sa.Text, nullable=True))
        batch.add_column(sa.Column("update_frequency", sa.String(100), nullable=True))
        batch.add_column(sa.Column("usage_scenario", sa.Text, nullable=True))
        batch.add_column(sa.Column("decision_reasons", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dataip_registrations") as batch:
        for name in ("decision_reasons", "usage_scenario", "update_frequency", "data_structure"):
            batch.drop_column(name)
