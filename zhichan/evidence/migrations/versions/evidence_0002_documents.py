"""evidence: the document index — each document a log entry lists (a case step's 决定书), by SM3 and SHA-256

A citizen holding only the decision letter a bureau sent finds the step that certifies it. The index is
append-only like the log (the same triggers) and back-filled here from the ``documents`` of every entry
written before it.

Revision ID: evidence_0002
Revises: evidence_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "evidence_0002"
down_revision = "evidence_0001"
branch_labels = None
depends_on = None

TABLE = "evidence_documents"
#: entries read per query of the back-fill (keyset on the primary key, so any size of log streams)
BATCH = 5000


def documents(leaf: bytes) -> list[tuple[int, str, str]]:
    """``(position, sm3, sha256)`` of the documents a leaf lists — the rule of
    ``zhichan.evidence.verify.certified_documents``, copied: a migration must not change when the code does."""
    if b'"documents"' not in leaf:
        return []
    fields = json.loads(leaf)
    listed = fields.get("documents") if isinstance(fields, dict) else None
    return [(position, d["sm3"], d["sha256"]) for position, d in enumerate(listed if isinstance(listed, list) else [])
            if isinstance(d, dict) and d.get("sm3") and d.get("sha256")]


def back_fill(conn: Any) -> None:
    entries = sa.table("evidence_entries", sa.column("idx"), sa.column("leaf"))
    index = sa.table(TABLE, sa.column("idx"), sa.column("position"), sa.column("sm3"), sa.column("sha256"))
    last = -1
    while True:
        rows = conn.execute(sa.select(entries.c.idx, entries.c.leaf).where(entries.c.idx > last)
                            .order_by(entries.c.idx).limit(BATCH)).all()
        if not rows:
            return
        found = [{"idx": int(i), "position": p, "sm3": sm3, "sha256": sha}
                 for i, leaf in rows for p, sm3, sha in documents(bytes(leaf))]
        if found:
            conn.execute(index.insert(), found)
        last = int(rows[-1][0])


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("idx", sa.BigInteger, sa.ForeignKey("evidence_entries.idx"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("sm3", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("idx", "position", name="pk_evidence_documents"),
    )
    back_fill(op.get_bind())
    # indexed after the back-fill: building an index over the rows sorts once, where inserting under it placed each
    # random digest in its B-tree (docs/evidence.md, "The document index")
    op.create_index("ix_evidence_documents_sm3", TABLE, ["sm3"])
    op.create_index("ix_evidence_documents_sha256", TABLE, ["sha256"])
    # append-only from here, as the log it indexes (evidence_0001 made the PostgreSQL function)
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
    op.drop_index("ix_evidence_documents_sha256", TABLE)
    op.drop_index("ix_evidence_documents_sm3", TABLE)
    op.drop_table(TABLE)
