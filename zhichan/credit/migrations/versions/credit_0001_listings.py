"""credit: the credit list

Revision ID: credit_0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "credit_0001"
down_revision = None
branch_labels = ("credit",)
depends_on = "procedures_0001"


def upgrade() -> None:
    op.create_table(
        "credit_listings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("subject_key", sa.String(300), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=True),
        sa.Column("ground", sa.String(40), nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("decision_number", sa.String(80), nullable=False),
        sa.Column("listed_from", sa.Date, nullable=False),
        sa.Column("listed_until", sa.Date, nullable=False),
        sa.Column("repaired_on", sa.Date, nullable=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_credit_listings_key", "credit_listings", ["subject_key", "listed_from"])
    op.create_index("ix_credit_listings_code", "credit_listings", ["credit_code", "listed_from"])


def downgrade() -> None:
    op.drop_index("ix_credit_listings_code", "credit_listings")
    op.drop_index("ix_credit_listings_key", "credit_listings")
    op.drop_table("credit_listings")
