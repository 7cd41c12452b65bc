"""procedures: who a running period awaits, kept on the case row (the to-do list tests the row, not the clocks)

``awaits_until`` — the last day of the latest running period that says whom the case awaits (a party's 补正期限),
in a state it may run in; 0001-01-01 when none runs — and ``awaits_by``, whom they await (a sorted comma list). The
engine writes them where it recomputes ``next_due``; open cases get them from their running clocks when the platform
next starts (``ProcedureService.refresh_expected``, since procedures_0006; this revision wrote them itself before).

Revision ID: procedures_0005
Revises: procedures_0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "procedures_0005"
down_revision = "procedures_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (SQLite can): a batch "recreate" would rewrite the table with its constraints in
    # reflection order, which varies from run to run
    op.add_column("procedure_cases", sa.Column("awaits_until", sa.Date, nullable=False,
                                               server_default=sa.text("'0001-01-01'")))
    op.add_column("procedure_cases", sa.Column("awaits_by", sa.String(200), nullable=False,
                                               server_default=sa.text("''")))
    # the to-do list's counts read only these indexes (covering): they carry the new columns too
    for name, column in (("own", "org_id"), ("area", "org_path")):
        op.drop_index(f"ix_procedure_cases_{name}", "procedure_cases")
        op.create_index(f"ix_procedure_cases_{name}", "procedure_cases",
                        ["is_open", column, "procedure", "jurisdiction", "state", "next_due", "next_office_due",
                         "awaits_until", "awaits_by"])
    # the open cases' values are written when the platform starts (procedures_0006's ``procedure_expected`` starts
    # empty, so every procedure's rows are rewritten then: ProcedureService.refresh_expected)


def downgrade() -> None:
    for name, column in (("own", "org_id"), ("area", "org_path")):
        op.drop_index(f"ix_procedure_cases_{name}", "procedure_cases")
        op.create_index(f"ix_procedure_cases_{name}", "procedure_cases",
                        ["is_open", column, "procedure", "jurisdiction", "state", "next_due", "next_office_due"])
    for column in ("awaits_by", "awaits_until"):  # SQLite drops a column in place too (no rebuild of a referenced table)
        op.execute(f"ALTER TABLE procedure_cases DROP COLUMN {column}")
