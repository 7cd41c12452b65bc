"""services: pre-examination filings

Revision ID: services_0003
Revises: services_0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "services_0003"
down_revision = "services_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "services_preexam_filings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False, unique=True),
        sa.Column("centre", sa.String(20), nullable=False),
        sa.Column("applicant", sa.String(200), nullable=False),
        sa.Column("applicant_key", sa.String(300), nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.UniqueConstraint("centre", "applicant_key", name="uq_services_preexam_filing"),
    )


def downgrade() -> None:
    op.drop_table("services_preexam_filings")
