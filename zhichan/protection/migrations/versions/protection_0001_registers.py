"""protection: complaints and disputes registers

Revision ID: protection_0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "protection_0001"
down_revision = None
branch_labels = ("protection",)
depends_on = "procedures_0001"


def upgrade() -> None:
    op.create_table(
        "protection_complaints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False, unique=True),
        sa.Column("kind", sa.String(4), nullable=False),
        sa.Column("reporter", sa.String(200), nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("patent_number", sa.String(40), nullable=False),
        sa.Column("respondent", sa.String(200), nullable=False),
        sa.Column("respondent_key", sa.String(300), nullable=False),
        sa.Column("target_kind", sa.String(20), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("checks", sa.Text, nullable=False),
        sa.Column("route", sa.String(40), nullable=True),
        sa.Column("linked_case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=True),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("filed_at", sa.DateTime, nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_protection_complaints_duplicate", "protection_complaints", ["patent_number", "respondent_key"])
    op.create_index("ix_protection_complaints_org_path", "protection_complaints", ["org_path"])
    op.create_table(
        "protection_disputes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False, unique=True),
        sa.Column("complaint_case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=True),
        sa.Column("patent_number", sa.String(40), nullable=False),
        sa.Column("requester", sa.String(200), nullable=False),
        sa.Column("respondent", sa.String(200), nullable=False),
        sa.Column("respondent_abroad", sa.Boolean, nullable=False),
        sa.Column("checks", sa.Text, nullable=False),
        sa.Column("panel", sa.String(300), nullable=False),
        sa.Column("simplified", sa.Boolean, nullable=False),
        sa.Column("decided_on", sa.Date, nullable=True),
        sa.Column("ruling", sa.Text, nullable=False),
        sa.Column("published_on", sa.Date, nullable=True),
        sa.Column("publication_url", sa.String(500), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_protection_disputes_published", "protection_disputes", ["published_on"])
    op.create_index("ix_protection_disputes_org_path", "protection_disputes", ["org_path"])


def downgrade() -> None:
    op.drop_index("ix_protection_disputes_org_path", "protection_disputes")
    op.drop_index("ix_protection_disputes_published", "protection_disputes")
    op.drop_table("protection_disputes")
    op.drop_index("ix_protection_complaints_org_path", "protection_complaints")
    op.drop_index("ix_protection_complaints_duplicate", "protection_complaints")
    op.drop_table("protection_complaints")
