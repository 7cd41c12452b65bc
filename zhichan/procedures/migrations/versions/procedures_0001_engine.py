"""procedures: cases, clocks, steps and notices of the procedure engine

Revision ID: procedures_0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "procedures_0001"
down_revision = None
branch_labels = ("procedures",)
depends_on = "platform_0001"


def upgrade() -> None:
    op.create_table(
        "procedure_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(40), nullable=True, unique=True),
        sa.Column("procedure", sa.String(64), nullable=False),
        sa.Column("jurisdiction", sa.String(12), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("party_user_id", sa.Integer, nullable=True),
        sa.Column("party_key", sa.String(300), nullable=True),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("next_due", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_procedure_cases_org_path", "procedure_cases", ["org_path"])
    op.create_index("ix_procedure_cases_queue", "procedure_cases", ["is_open", "next_due"])
    op.create_index("ix_procedure_cases_own", "procedure_cases",
                    ["is_open", "org_id", "procedure", "jurisdiction", "state", "next_due"])
    op.create_index("ix_procedure_cases_area", "procedure_cases",
                    ["is_open", "org_path", "procedure", "jurisdiction", "state", "next_due"])
    op.create_index("ix_procedure_cases_party_user_id", "procedure_cases", ["party_user_id"])
    op.create_index("ix_procedure_cases_party_key", "procedure_cases", ["party_key"])
    op.create_table(
        "procedure_clocks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("pauses", sa.Text, nullable=False),
        sa.Column("extensions", sa.Text, nullable=False),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("due_at", sa.DateTime, nullable=True),
        sa.Column("warn_on", sa.Date, nullable=True),
        sa.Column("due_problem", sa.Text, nullable=True),
        sa.Column("warned", sa.Integer, nullable=False),
        sa.Column("alert_on", sa.Date, nullable=True),
        sa.Column("stopped_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("case_id", "name", name="uq_procedure_clocks_case_id"),
    )
    op.create_index("ix_procedure_clocks_case_id", "procedure_clocks", ["case_id"])
    op.create_table(
        "procedure_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("from_state", sa.String(40), nullable=True),
        sa.Column("to_state", sa.String(40), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("documents", sa.Text, nullable=False),
        sa.Column("evidence_index", sa.BigInteger, nullable=True),
        sa.UniqueConstraint("case_id", "seq", name="uq_procedure_steps_case_id"),
    )
    op.create_index("ix_procedure_steps_case_id", "procedure_steps", ["case_id"])
    op.create_table(
        "procedure_notices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("clock", sa.String(40), nullable=True),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("text_zh", sa.Text, nullable=False),
        sa.Column("text_en", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_procedure_notices_case_id", "procedure_notices", ["case_id"])


def downgrade() -> None:
    for table in ("procedure_notices", "procedure_steps", "procedure_clocks", "procedure_cases"):
        op.drop_table(table)
