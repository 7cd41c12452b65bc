"""protection: overseas disputes, watch lists and alerts (海外纠纷预警)

Revision ID: protection_0003
Revises: protection_0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "protection_0003"
down_revision = "protection_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "protection_overseas_disputes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("enterprise", sa.String(200), nullable=False),
        sa.Column("enterprise_key", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("opponent", sa.String(200), nullable=False),
        sa.Column("ipc_group", sa.String(12), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("forum", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_protection_overseas_disputes_key", "protection_overseas_disputes",
                    ["enterprise_key", "ipc_group"])
    op.create_index("ix_protection_overseas_disputes_org_path", "protection_overseas_disputes", ["org_path"])
    op.create_table(
        "protection_overseas_watches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("enterprise", sa.String(200), nullable=False),
        sa.Column("enterprise_key", sa.String(300), nullable=False),
        sa.Column("ipc_groups", sa.String(500), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_protection_overseas_watches_key", "protection_overseas_watches", ["org_id", "enterprise_key"],
                    unique=True)
    op.create_index("ix_protection_overseas_watches_enterprise_key", "protection_overseas_watches",
                    ["enterprise_key"])
    op.create_index("ix_protection_overseas_watches_org_path", "protection_overseas_watches", ["org_path"])
    op.create_table(
        "protection_overseas_alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("watch_id", sa.Integer, sa.ForeignKey("protection_overseas_watches.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ipc_group", sa.String(12), nullable=False),
        sa.Column("dispute_id", sa.Integer, nullable=False),
        sa.Column("snapshot_id", sa.String(80), nullable=False),
        sa.Column("share", sa.String(10), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("raised_at", sa.DateTime, nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_protection_overseas_alerts_once", "protection_overseas_alerts",
                    ["watch_id", "kind", "ipc_group", "dispute_id"], unique=True)
    op.create_index("ix_protection_overseas_alerts_watch_id", "protection_overseas_alerts", ["watch_id"])


def downgrade() -> None:
    op.drop_table("protection_overseas_alerts")
    op.drop_table("protection_overseas_watches")
    op.drop_table("protection_overseas_disputes")
