"""talent: each person's status history, and the parties a person represented before

Revision ID: talent_0002
Revises: talent_0001
Create Date: 2026-12-05

Back-fills one row per person already in the table from what the row knows: its present status, the day
and reason it was set (``status_on``, ``status_reason``; the creation day where no day is kept), no actor,
``via = backfilled``. Earlier changes of such a person are not known (the audit log and its case's steps
name them; they are not re-read here).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "talent_0002"
down_revision = "talent_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("talent_people", sa.Column("prior_parties", sa.Text, nullable=False, server_default=""))
    changes = op.create_table(
        "talent_status_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("talent_people.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("previous_status", sa.String(16), nullable=False),
        sa.Column("changed_on", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_talent_status_changes_person", "talent_status_changes", ["person_id", "changed_on"])
    from zhichan.legaltime import china_date
    from zhichan.platform.models import utcnow

    people = sa.table("talent_people", sa.column("id", sa.Integer), sa.column("status", sa.String),
                      sa.column("status_reason", sa.Text), sa.column("status_on", sa.Date),
                      sa.column("created_at", sa.DateTime))
    bind = op.get_bind()
    now = utcnow()
    rows = [{"person_id": r.id, "status": r.status, "previous_status": "", "reason": r.status_reason or "",
             "changed_on": r.status_on or china_date(r.created_at), "actor": "",
             "via": "backfilled", "created_at": now}
            for r in bind.execute(sa.select(people).order_by(people.c.id))]
    for start in range(0, len(rows), 1000):
        bind.execute(changes.insert(), rows[start:start + 1000])


def downgrade() -> None:
    op.drop_index("ix_talent_status_changes_person", "talent_status_changes")
    op.drop_table("talent_status_changes")
    with op.batch_alter_table("talent_people") as batch:
        batch.drop_column("prior_parties")
