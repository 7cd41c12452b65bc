"""services: catalogue overrides, priority-examination quotas and recommendations

Revision ID: services_0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "services_0001"
down_revision = None
branch_labels = ("services",)
depends_on = "procedures_0001"


def upgrade() -> None:
    op.create_table(
        "services_catalogue_overrides",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("jurisdiction", sa.String(12), nullable=False),
        sa.Column("applicants", sa.Text, nullable=False),
        sa.Column("fee_yuan", sa.Numeric(12, 2), nullable=False),
        sa.Column("contact", sa.String(300), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("offered", sa.Boolean, nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("code", "jurisdiction", name="uq_services_catalogue_override"),
    )
    op.create_table(
        "services_priority_quotas",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("province_code", sa.String(12), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("allocated", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("year", "province_code", name="uq_services_priority_quota"),
    )
    op.create_table(
        "services_priority_allocations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("quota_id", sa.Integer, sa.ForeignKey("services_priority_quotas.id"), nullable=False),
        sa.Column("city_code", sa.String(12), nullable=False),
        sa.Column("allocated", sa.Integer, nullable=False),
        sa.Column("used", sa.Integer, nullable=False),
        sa.UniqueConstraint("quota_id", "city_code", name="uq_services_priority_allocation"),
    )
    op.create_table(
        "services_priority_recommendations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False, unique=True),
        sa.Column("allocation_id", sa.Integer, sa.ForeignKey("services_priority_allocations.id"), nullable=False),
        sa.Column("application_number", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(20), nullable=False),
        sa.Column("design", sa.Boolean, nullable=False),
        sa.Column("applicant", sa.String(200), nullable=False),
        sa.Column("applicant_key", sa.String(300), nullable=False),
        sa.Column("recommended_on", sa.Date, nullable=False),
        sa.Column("notice_date", sa.Date, nullable=True),
        sa.Column("first_action_due", sa.Date, nullable=True),
        sa.Column("closure_due", sa.Date, nullable=True),
        sa.Column("due_problem", sa.Text, nullable=True),
        sa.Column("returned_on", sa.Date, nullable=True),
        sa.Column("return_reason", sa.String(40), nullable=True),
        sa.Column("concluded_on", sa.Date, nullable=True),
    )
    op.create_index("ix_services_priority_recommendations_applicant_key", "services_priority_recommendations",
                    ["applicant_key"])


def downgrade() -> None:
    op.drop_index("ix_services_priority_recommendations_applicant_key", "services_priority_recommendations")
    op.drop_table("services_priority_recommendations")
    op.drop_table("services_priority_allocations")
    op.drop_table("services_priority_quotas")
    op.drop_table("services_catalogue_overrides")
