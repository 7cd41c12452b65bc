"""services: objections to published subsidy results

Revision ID: services_0004
Revises: services_0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "services_0004"
down_revision = "services_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "services_subsidy_objections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False, unique=True),
        sa.Column("round_case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False),
        sa.Column("award_id", sa.Integer, sa.ForeignKey("services_subsidy_awards.id"), nullable=False),
        sa.Column("programme", sa.String(20), nullable=False),
        sa.Column("objector", sa.String(200), nullable=False),
        sa.Column("filed_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("decided_on", sa.Date, nullable=True),
        sa.Column("decision", sa.Text, nullable=True),
        sa.Column("amount_before", sa.Numeric(14, 2), nullable=True),
        sa.Column("amount_after", sa.Numeric(14, 2), nullable=True),
    )
    op.create_index("ix_services_subsidy_objections_round_case_id", "services_subsidy_objections", ["round_case_id"])
    op.create_index("ix_services_subsidy_objections_award_id", "services_subsidy_objections", ["award_id"])
    op.create_index("ix_services_subsidy_objections_programme", "services_subsidy_objections", ["programme"])


def downgrade() -> None:
    op.drop_table("services_subsidy_objections")
