"""dataip: registrations and objections (the steps themselves are entries of the evidence log)

Revision ID: dataip_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dataip_0001"
down_revision = None
branch_labels = ("dataip",)
depends_on = "evidence_0001"


def upgrade() -> None:
    op.create_table(
        "dataip_registrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("application_index", sa.BigInteger, sa.ForeignKey("evidence_entries.idx"), nullable=False),
        sa.Column("applicant", sa.String(200), nullable=False),
        sa.Column("data_name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("data_source", sa.Text, nullable=False),
        sa.Column("data_scale", sa.String(200), nullable=False),
        sa.Column("processing_rules", sa.Text, nullable=False),
        sa.Column("sm3", sa.String(64), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("notice_start", sa.Date, nullable=True),
        sa.Column("notice_end", sa.Date, nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("decision_index", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_dataip_registrations_status", "dataip_registrations", ["status"])
    op.create_table(
        "dataip_objections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("registration_id", sa.Integer, sa.ForeignKey("dataip_registrations.id"), nullable=False),
        sa.Column("objector", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("filed_at", sa.DateTime, nullable=False),
        sa.Column("entry_index", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("resolution", sa.Text, nullable=True),
        sa.Column("resolved_at", sa.DateTime, nullable=True),
        sa.Column("resolution_index", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_dataip_objections_registration_id", "dataip_objections", ["registration_id"])


def downgrade() -> None:
    op.drop_index("ix_dataip_objections_registration_id", "dataip_objections")
    op.drop_table("dataip_objections")
    op.drop_index("ix_dataip_registrations_status", "dataip_registrations")
    op.drop_table("dataip_registrations")
