"""platform: organizations, users, sessions, API tokens, login attempts, append-only audit log, jobs

Revision ID: platform_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "platform_0001"
down_revision = None
branch_labels = ("platform",)
depends_on = None

_APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER platform_audit_log_no_update BEFORE UPDATE ON platform_audit_log
       BEGIN SELECT RAISE(ABORT, 'platform_audit_log is append-only'); END""",
    """CREATE TRIGGER platform_audit_log_no_delete BEFORE DELETE ON platform_audit_log
       BEGIN SELECT RAISE(ABORT, 'platform_audit_log is append-only'); END""",
]

_APPEND_ONLY_POSTGRES = [
    """CREATE OR REPLACE FUNCTION platform_audit_log_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'platform_audit_log is append-only'; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER platform_audit_log_no_change BEFORE UPDATE OR DELETE ON platform_audit_log
       FOR EACH ROW EXECUTE FUNCTION platform_audit_log_append_only()""",
    """CREATE TRIGGER platform_audit_log_no_truncate BEFORE TRUNCATE ON platform_audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION platform_audit_log_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "platform_organizations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=True),
        sa.Column("path", sa.String(400), nullable=False),
        sa.Column("party_key", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_platform_organizations_path", "platform_organizations", ["path"])
    op.create_table(
        "platform_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_login_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "platform_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("platform_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
    )
    op.create_index("ix_platform_sessions_user_id", "platform_sessions", ["user_id"])
    op.create_table(
        "platform_api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("platform_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_used_at", sa.DateTime, nullable=True),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_platform_api_tokens_user_id", "platform_api_tokens", ["user_id"])
    op.create_table(
        "platform_login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("succeeded", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_platform_login_attempts_user_ip_at", "platform_login_attempts", ["username", "ip", "at"])
    op.create_table(
        "platform_audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("success", sa.Boolean, nullable=False),
    )
    op.create_index("ix_platform_audit_log_at", "platform_audit_log", ["at"])
    op.create_index("ix_platform_audit_log_org_path", "platform_audit_log", ["org_path"])
    op.create_table(
        "platform_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=True),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=True),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
    )
    op.create_index("ix_platform_jobs_status", "platform_jobs", ["status"])
    op.create_index("ix_platform_jobs_org_path", "platform_jobs", ["org_path"])

    dialect = op.get_bind().dialect.name
    statements = {"sqlite": _APPEND_ONLY_SQLITE, "postgresql": _APPEND_ONLY_POSTGRES}.get(dialect, [])
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS platform_audit_log_no_change ON platform_audit_log")
        op.execute("DROP TRIGGER IF EXISTS platform_audit_log_no_truncate ON platform_audit_log")
        op.execute("DROP FUNCTION IF EXISTS platform_audit_log_append_only()")
    for table in (
        "platform_jobs",
        "platform_audit_log",
        "platform_login_attempts",
        "platform_api_tokens",
        "platform_sessions",
        "platform_users",
        "platform_organizations",
    ):
        op.drop_table(table)
