"""evidence: who deposited each deposit — its organization and user by id, not by the name the leaf records

A deposit's page and certificate were matched to the caller by the ``depositor`` name in the leaf: a renamed
organization lost its deposits, a namesake gained them. From here the deposit writes its owner (organization id,
user id) in its own transaction; the table is append-only like the log (the same triggers).

Deposits made before: back-filled by the recorded name where exactly one organization bears that name when the
migration runs (``source = 'name'``, no user); where none or several do, no row — the deposit has no owner, and its
page says so to an administrator (docs/evidence.md, "Who deposited"). Nothing is guessed.

Revision ID: evidence_0003
Revises: evidence_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "evidence_0003"
down_revision = "evidence_0002"
branch_labels = None
depends_on = "platform_0001"  # the back-fill reads platform_organizations

TABLE = "evidence_deposit_owners"
#: entries read per query of the back-fill (keyset on the primary key, so any size of log streams)
BATCH = 5000


def depositor(leaf: bytes) -> str | None:
    """The ``depositor`` a deposit's leaf records (copied here: a migration must not change when the code does)."""
    fields = json.loads(leaf)
    name = fields.get("depositor") if isinstance(fields, dict) else None
    return name if isinstance(name, str) and name else None


def back_fill(conn: Any) -> None:
    """An owner row for every deposit whose recorded name exactly one organization bears; none for the others."""
    entries = sa.table("evidence_entries", sa.column("idx"), sa.column("kind"), sa.column("leaf"))
    orgs = sa.table("platform_organizations", sa.column("id"), sa.column("name"))
    owners = sa.table(TABLE, sa.column("idx"), sa.column("org_id"), sa.column("user_id"), sa.column("source"))
    last = -1
    while True:
        rows = conn.execute(sa.select(entries.c.idx, entries.c.leaf)
                            .where(entries.c.idx > last, entries.c.kind == "deposit")
                            .order_by(entries.c.idx).limit(BATCH)).all()
        if not rows:
            return
        named = {int(i): depositor(bytes(leaf)) for i, leaf in rows}
        names = sorted({n for n in named.values() if n})
        bearer: dict[str, int] = {}
        if names:
            for name, count, org_id in conn.execute(
                    sa.select(orgs.c.name, sa.func.count(), sa.func.min(orgs.c.id))
                    .where(orgs.c.name.in_(names)).group_by(orgs.c.name)):
                if count == 1:  # several organizations of that name: whose deposit it was is not known
                    bearer[name] = int(org_id)
        found = [{"idx": i, "org_id": bearer[n], "user_id": None, "source": "name"}
                 for i, n in named.items() if n in bearer]
        if found:
            conn.execute(owners.insert(), found)
        last = int(rows[-1][0])


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("idx", sa.BigInteger, sa.ForeignKey("evidence_entries.idx"), primary_key=True, autoincrement=False),
        sa.Column("org_id", sa.Integer, nullable=True),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
    )
    back_fill(op.get_bind())
    op.create_index("ix_evidence_deposit_owners_org", TABLE, ["org_id", "idx"])
    op.create_index("ix_evidence_deposit_owners_user", TABLE, ["user_id", "idx"])
    # append-only from here, as the log (evidence_0001 made the PostgreSQL function)
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE}
                BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only (存证日志只可追加)'); END""")
    else:
        op.execute(f"""CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION evidence_append_only()""")
        op.execute(f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
            FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only()""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
    op.drop_index("ix_evidence_deposit_owners_user", TABLE)
    op.drop_index("ix_evidence_deposit_owners_org", TABLE)
    op.drop_table(TABLE)
