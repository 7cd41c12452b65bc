"""exchange: 存量专利盘活 — the dormant patents an institution's inventory found, their grading, approval
and activation

Revision ID: exchange_0003
Revises: exchange_0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0003"
down_revision = "exchange_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_dormant_patents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False, index=True),
        sa.Column("org_path", sa.String(400), nullable=False, index=True),
        sa.Column("party_key", sa.String(300), nullable=False, index=True),
        sa.Column("institution", sa.String(300), nullable=False),
        sa.Column("application_number", sa.String(40), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("inventoried_on", sa.Date, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=True),
        sa.Column("prospect", sa.String(10), nullable=True),
        sa.Column("field", sa.String(200), nullable=True),
        sa.Column("willingness", sa.String(40), nullable=True),
        sa.Column("college", sa.String(200), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("graded_on", sa.Date, nullable=True),
        sa.Column("graded_by", sa.Integer, nullable=True),
        sa.Column("college_by", sa.Integer, nullable=True),
        sa.Column("approved_on", sa.Date, nullable=True),
        sa.Column("listed_on", sa.Date, nullable=True),
        sa.Column("activated_on", sa.Date, nullable=True),
        sa.Column("activated_by", sa.String(20), nullable=True),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("org_id", "application_number"),
    )


def downgrade() -> None:
    op.drop_table("exchange_dormant_patents")
