"""evidence: an owner given by mistake is corrected by a new owner row, never by changing the old one

``evidence_deposit_owners`` had one row per deposit (primary key ``idx``). An administrator who gave a deposit the
wrong owner could not correct it: the table is append-only. From here a deposit's owner rows are numbered (``seq``:
0 the first, written with the deposit, back-filled or given by an administrator); a correction is the next number,
``source = 'corrected'``, ``replaces`` the number it supersedes, and its who and why in the platform's audit log
(docs/evidence.md, "Who deposited"). The deposit's owner is its row of the highest number. The primary key
``(idx, seq)`` lets two corrections made at once write only one row of a number: the second is refused.

SQLite cannot change a primary key in place: the table is copied into its new shape (its triggers dropped for the
copy and made again). PostgreSQL alters it.

Revision ID: evidence_0004
Revises: evidence_0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "evidence_0004"
down_revision = "evidence_0003"
branch_labels = None
depends_on = None

TABLE = "evidence_deposit_owners"
INDEXES = {"ix_evidence_deposit_owners_org": ["org_id", "idx"], "ix_evidence_deposit_owners_user": ["user_id", "idx"]}


def _sqlite_triggers(create: bool) -> None:
    for action in ("UPDATE", "DELETE"):
        name = f"{TABLE}_no_{action.lower()}"
        op.execute(f"""CREATE TRIGGER {name} BEFORE {action} ON {TABLE}
            BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only (存证日志只可追加)'); END""" if create
                   else f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers(create=False)
        for name in INDEXES:
            op.drop_index(name, TABLE)
        op.rename_table(TABLE, f"{TABLE}_0003")
        op.create_table(
            TABLE,
            sa.Column("idx", sa.BigInteger, sa.ForeignKey("evidence_entries.idx"), nullable=False),
            sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
            sa.Column("org_id", sa.Integer, nullable=True),
            sa.Column("user_id", sa.Integer, nullable=True),
            sa.Column("source", sa.String(16), nullable=False),
            sa.Column("replaces", sa.Integer, nullable=True),
            sa.PrimaryKeyConstraint("idx", "seq"),
        )
        op.execute(f"INSERT INTO {TABLE} (idx, seq, org_id, user_id, source) "
                   f"SELECT idx, 0, org_id, user_id, source FROM {TABLE}_0003")
        op.drop_table(f"{TABLE}_0003")
        for name, columns in INDEXES.items():
            op.create_index(name, TABLE, columns)
        _sqlite_triggers(create=True)
    else:
        primary = sa.inspect(op.get_bind()).get_pk_constraint(TABLE)["name"] or f"{TABLE}_pkey"
        op.add_column(TABLE, sa.Column("seq", sa.Integer, nullable=False, server_default="0"))
        op.add_column(TABLE, sa.Column("replaces", sa.Integer, nullable=True))
        op.drop_constraint(primary, TABLE, type_="primary")
        op.create_primary_key(primary, TABLE, ["idx", "seq"])


def downgrade() -> None:
    """Back to one row per deposit — only where no owner was ever corrected (a correction is evidence, not dropped)."""
    bind = op.get_bind()
    if bind.execute(sa.text(f"SELECT count(*) FROM {TABLE} WHERE seq > 0")).scalar():
        raise RuntimeError("owners were corrected: their history is not dropped (存证人更正记录不可删除)")
    if bind.dialect.name == "sqlite":
        _sqlite_triggers(create=False)
        for name in INDEXES:
            op.drop_index(name, TABLE)
        op.rename_table(TABLE, f"{TABLE}_0004")
        op.create_table(
            TABLE,
            sa.Column("idx", sa.BigInteger, sa.ForeignKey("evidence_entries.idx"), primary_key=True, autoincrement=False),
            sa.Column("org_id", sa.Integer, nullable=True),
            sa.Column("user_id", sa.Integer, nullable=True),
            sa.Column("source", sa.String(16), nullable=False),
        )
        op.execute(f"INSERT INTO {TABLE} (idx, org_id, user_id, source) "
                   f"SELECT idx, org_id, user_id, source FROM {TABLE}_0004")
        op.drop_table(f"{TABLE}_0004")
        for name, columns in INDEXES.items():
            op.create_index(name, TABLE, columns)
        _sqlite_triggers(create=True)
    else:
        primary = sa.inspect(bind).get_pk_constraint(TABLE)["name"] or f"{TABLE}_pkey"
        op.drop_constraint(primary, TABLE, type_="primary")
        op.create_primary_key(primary, TABLE, ["idx"])
        op.drop_column(TABLE, "replaces")
        op.drop_column(TABLE, "seq")
