"""protection: technical investigators roster and assignments

Revision ID: protection_0002
Revises: protection_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "protection_0002"
down_revision = "protection_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "protection_investigators",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("organization", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("ipc_fields", sa.String(500), nullable=False),
        sa.Column("prior_parties", sa.Text, nullable=False),
        sa.Column("available", sa.Boolean, nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_protection_investigators_org_path", "protection_investigators", ["org_path"])
    op.create_table(
        "protection_assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False),
        sa.Column("investigator_id", sa.Integer, sa.ForeignKey("protection_investigators.id"), nullable=False),
        sa.Column("assigned_by", sa.String(80), nullable=False),
        sa.Column("assigned_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_protection_assignments_case", "protection_assignments", ["case_id", "investigator_id"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_protection_assignments_case", "protection_assignments")
    op.drop_table("protection_assignments")
    op.drop_index("ix_protection_investigators_org_path", "protection_investigators")
    op.drop_table("protection_investigators")
