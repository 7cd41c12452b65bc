"""procedures: cases made by the demo generator are marked synthetic; each case keeps the declaration it
started under (stored by digest), so editing a declaration never strands an open case

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
    op.create_table(
        "procedure_declarations",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("procedure", sa.String(64), nullable=False),
        sa.Column("jurisdiction", sa.String(12), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    # plain ADD COLUMN (SQLite can): a batch "recreate" would rewrite the table with its constraints in
    # reflection order, which varies from run to run
    op.add_column("procedure_cases", sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("procedure_cases", sa.Column("declaration_digest", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("procedure_cases") as batch:
        batch.drop_column("declaration_digest")
        batch.drop_column("synthetic")
    op.drop_table("procedure_declarations")
