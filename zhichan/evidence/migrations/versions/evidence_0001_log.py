"""evidence: append-only Merkle log — entries, tree nodes, signed checkpoints, append lock

Revision ID: evidence_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "evidence_0001"
down_revision = None
branch_labels = ("evidence",)
depends_on = None

APPEND_ONLY_TABLES = ("evidence_entries", "evidence_nodes", "evidence_checkpoints")


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only (存证日志只可追加)'); END"""
        for action in ("UPDATE", "DELETE")
    ]


_POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION evidence_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '% is append-only (存证日志只可追加): % refused', TG_TABLE_NAME, TG_OP; END;
    $$ LANGUAGE plpgsql"""


def _postgres_triggers(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION evidence_append_only()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only()""",
    ]


def upgrade() -> None:
    op.create_table(
        "evidence_entries",
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("leaf", sa.LargeBinary, nullable=False),
        sa.Column("sm3", sa.String(64), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_evidence_entries_sm3", "evidence_entries", ["sm3"])
    op.create_index("ix_evidence_entries_sha256", "evidence_entries", ["sha256"])
    op.create_table(
        "evidence_nodes",
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.Column("idx", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name="pk_evidence_nodes"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "evidence_checkpoints",
        sa.Column("tree_size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("root_hash", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
        sa.Column("key_fingerprint", sa.String(64), nullable=False),
    )
    op.create_table(
        "evidence_append_lock",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("appends", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO evidence_append_lock (id, appends) VALUES (1, 0)")

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY_TABLES:
            for statement in _sqlite_triggers(table):
                op.execute(statement)
    elif dialect == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
        for table in APPEND_ONLY_TABLES:
            for statement in _postgres_triggers(table):
                op.execute(statement)
    else:  # the log's integrity promise rests on these triggers: refuse a database we cannot protect
        raise RuntimeError(f"evidence log needs SQLite or PostgreSQL append-only triggers, not {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY_TABLES:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS evidence_append_only()")
    op.drop_table("evidence_append_lock")
    op.drop_table("evidence_checkpoints")
    op.drop_table("evidence_nodes")
    op.drop_index("ix_evidence_entries_sha256", "evidence_entries")
    op.drop_index("ix_evidence_entries_sm3", "evidence_entries")
    op.drop_table("evidence_entries")
