"""procedures: cases made by the demo generator are marked synthetic

Revision ID: procedures_0002
Revises: procedures_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "procedures_0002"
down_revision = "procedures_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procedure_cases") as batch:
        batch.add_column(sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("procedure_cases") as batch:
        batch.drop_column("synthetic")
