"""services: the progress code (办件查询码) printed on a window application's receipt, kept as its hash

Revision ID: services_0007
Revises: services_0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "services_0007"
down_revision = "services_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "services_progress_codes",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), primary_key=True),
        sa.Column("code_hash", sa.String(200), nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("issued_by", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("services_progress_codes")
