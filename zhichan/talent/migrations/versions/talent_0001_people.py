"""talent: the talent and expert library

Revision ID: talent_0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "talent_0001"
down_revision = None
branch_labels = ("talent",)
depends_on = "procedures_0001"


def upgrade() -> None:
    op.create_table(
        "talent_people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("organization", sa.String(200), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("ipc_fields", sa.String(400), nullable=False),
        sa.Column("industry_chains", sa.String(400), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("shared", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text, nullable=False),
        sa.Column("status_on", sa.Date, nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("platform_users.id"), nullable=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=True, unique=True),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_talent_people_status", "talent_people", ["status"])
    op.create_index("ix_talent_people_region", "talent_people", ["region_code", "status"])
    op.create_table(
        "talent_person_kinds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("talent_people.id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("certificate", sa.String(60), nullable=False),
        sa.UniqueConstraint("person_id", "kind"),
    )
    op.create_index("ix_talent_person_kinds_person_id", "talent_person_kinds", ["person_id"])
    op.create_index("ix_talent_person_kinds_kind", "talent_person_kinds", ["kind"])
    op.create_table(
        "talent_panels",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("ipc_field", sa.String(20), nullable=False),
        sa.Column("parties", sa.Text, nullable=False),
        sa.Column("seed", sa.String(200), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("draw", sa.Text, nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("drawn_by", sa.String(80), nullable=False),
        sa.Column("drawn_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_talent_panels_org_path", "talent_panels", ["org_path"])


def downgrade() -> None:
    op.drop_index("ix_talent_panels_org_path", "talent_panels")
    op.drop_table("talent_panels")
    op.drop_index("ix_talent_person_kinds_kind", "talent_person_kinds")
    op.drop_index("ix_talent_person_kinds_person_id", "talent_person_kinds")
    op.drop_table("talent_person_kinds")
    op.drop_index("ix_talent_people_region", "talent_people")
    op.drop_index("ix_talent_people_status", "talent_people")
    op.drop_table("talent_people")
