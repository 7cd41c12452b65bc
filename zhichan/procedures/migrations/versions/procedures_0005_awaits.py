"""procedures: who a running period awaits, kept on the case row (the to-do list tests the row, not the clocks)

``awaits_until`` — the last day of the latest running period that says whom the case awaits (a party's 补正期限),
in a state it may run in; 0001-01-01 when none runs — and ``awaits_by``, whom they await (a sorted comma list). The
engine writes them where it recomputes ``next_due``; open cases get them here from their running clocks, under the
declarations the platform has (the shipped files and this installation's own, ``ZHICHAN_PROCEDURE_DIR``).

Revision ID: procedures_0005
Revises: procedures_0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

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
    from sqlalchemy.orm import Session

    from zhichan.procedures.declaration import ProcedureRegistry
    from zhichan.procedures.service import ProcedureService
    from zhichan.settings import get_settings

    # reading declarations and clocks only: no evidence log, no files
    service = ProcedureService(op.get_bind().engine, ProcedureRegistry.load(get_settings().procedure_dir),
                               cast(Any, None), Path())
    with Session(bind=op.get_bind()) as session:
        service.backfill_awaiting(session)
        session.flush()


def downgrade() -> None:
    for name, column in (("own", "org_id"), ("area", "org_path")):
        op.drop_index(f"ix_procedure_cases_{name}", "procedure_cases")
        op.create_index(f"ix_procedure_cases_{name}", "procedure_cases",
                        ["is_open", column, "procedure", "jurisdiction", "state", "next_due", "next_office_due"])
    for column in ("awaits_by", "awaits_until"):  # SQLite drops a column in place too (no rebuild of a referenced table)
        op.execute(f"ALTER TABLE procedure_cases DROP COLUMN {column}")
