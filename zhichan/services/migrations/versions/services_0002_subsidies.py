"""services: subsidy applications and awards

Revision ID: services_0002
Revises: services_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "services_0002"
down_revision = "services_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "services_subsidy_applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("programme", sa.String(20), nullable=False),
        sa.Column("applicant", sa.String(200), nullable=False),
        sa.Column("applicant_key", sa.String(300), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("applied_at", sa.DateTime, nullable=False),
        sa.Column("eligible", sa.Boolean, nullable=False),
        sa.Column("measures", sa.Text, nullable=False),
        sa.Column("requested_yuan", sa.Numeric(14, 2), nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.UniqueConstraint("programme", "applicant_key", name="uq_services_subsidy_application"),
    )
    op.create_table(
        "services_subsidy_awards",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("round_case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("services_subsidy_applications.id"), nullable=False,
                  unique=True),
        sa.Column("programme", sa.String(20), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("requested_yuan", sa.Numeric(14, 2), nullable=False),
        sa.Column("awarded_yuan", sa.Numeric(14, 2), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("disbursed_on", sa.Date, nullable=True),
        sa.Column("voucher", sa.String(100), nullable=True),
        sa.Column("disbursed_by", sa.String(80), nullable=True),
    )
    op.create_index("ix_services_subsidy_awards_round_case_id", "services_subsidy_awards", ["round_case_id"])
    op.create_index("ix_services_subsidy_awards_programme", "services_subsidy_awards", ["programme"])


def downgrade() -> None:
    op.drop_index("ix_services_subsidy_awards_programme", "services_subsidy_awards")
    op.drop_index("ix_services_subsidy_awards_round_case_id", "services_subsidy_awards")
    op.drop_table("services_subsidy_awards")
    op.drop_table("services_subsidy_applications")
