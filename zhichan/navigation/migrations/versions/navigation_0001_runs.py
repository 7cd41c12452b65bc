"""navigation: edited chains, report runs, quarterly schedules

Revision ID: navigation_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "navigation_0001"
down_revision = None
branch_labels = ("navigation",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "navigation_chains",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("home_region", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("definition_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "navigation_schedules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chain_code", sa.String(40), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("formats", sa.String(40), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("next_as_of", sa.Date, nullable=False),
        sa.Column("last_run_id", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("chain_code", "region_code"),
    )
    op.create_table(
        "navigation_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chain_code", sa.String(40), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("chain_hash", sa.String(64), nullable=False),
        sa.Column("chain_definition", sa.Text, nullable=False),
        sa.Column("snapshot_id", sa.String(80), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("generated_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("formats", sa.String(40), nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("schedule_id", sa.Integer, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )
    op.create_index("ix_navigation_runs_chain_code", "navigation_runs", ["chain_code"])


def downgrade() -> None:
    op.drop_index("ix_navigation_runs_chain_code", "navigation_runs")
    op.drop_table("navigation_runs")
    op.drop_table("navigation_schedules")
    op.drop_table("navigation_chains")
