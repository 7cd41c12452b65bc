"""dataip: a registration's ``synthetic`` flag; a stored data-set name keeps no 【合成】 mark (pages show the badge)

The demo wrote its synthetic mark into the data set's name (【合成】新能源汽车充电桩运行数据集). Such a row is flagged
synthetic and keeps its name without the mark, as do its case's start fields and title; a registration whose case is
synthetic is flagged too. The evidence log's entries keep what they recorded (append-only).

Revision ID: dataip_0004
Revises: dataip_0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "dataip_0004"
down_revision = "dataip_0003"
branch_labels = None
depends_on = "procedures_0002"

MARK = "【合成】"


def upgrade() -> None:
    # a plain ADD COLUMN (a batch copy of the table would drop it on SQLite, which the objections' foreign key refuses)
    op.add_column("dataip_registrations", sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()))
    conn = op.get_bind()
    regs = sa.table("dataip_registrations", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
                    sa.column("data_name", sa.String), sa.column("synthetic", sa.Boolean))
    cases = sa.table("procedure_cases", sa.column("id", sa.Integer), sa.column("title", sa.String),
                     sa.column("fields", sa.Text), sa.column("synthetic", sa.Boolean))
    rows = conn.execute(sa.select(regs.c.id, regs.c.case_id, regs.c.data_name, cases.c.title, cases.c.fields,
                                  cases.c.synthetic.label("case_synthetic"))
                        .select_from(regs.outerjoin(cases, cases.c.id == regs.c.case_id))).all()
    for r in rows:
        marked = (r.data_name or "").startswith(MARK)
        if not marked and not r.case_synthetic:
            continue
        name = r.data_name.removeprefix(MARK).strip() if marked else r.data_name
        conn.execute(sa.update(regs).where(regs.c.id == r.id).values(data_name=name, synthetic=True))
        if r.case_id is None or not marked:
            continue
        values: dict[str, object] = {"synthetic": True}
        if r.title and r.title.startswith(MARK):
            values["title"] = r.title.removeprefix(MARK).strip()
        fields = json.loads(r.fields) if r.fields else None
        if isinstance(fields, dict) and str(fields.get("data_name") or "").startswith(MARK):
            fields["data_name"] = name
            values["fields"] = json.dumps(fields, ensure_ascii=False)
        conn.execute(sa.update(cases).where(cases.c.id == r.case_id).values(**values))


def downgrade() -> None:
    op.drop_column("dataip_registrations", "synthetic")
