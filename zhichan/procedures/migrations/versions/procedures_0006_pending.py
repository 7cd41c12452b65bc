"""procedures: whom a case's pending requests await (``awaits_also``), and whom the declarations said cases await

``awaits_also`` — whom the requests pending in the case await besides its state or a running period (a party's
recusal request awaits the leader), a sorted comma list the engine writes where it records a step. The table
``procedure_expected`` keeps, per procedure, a digest of whom its declarations said its cases await when the open
cases' rows were written; ``ix_procedure_cases_states`` seeks the few states whose steps the to-do list decides case
by case. The platform's start compares it with the declarations it loads and rewrites the rows of
the procedures whose answer changed — here, for every procedure (the table starts empty), the open cases' requests
included.

Revision ID: procedures_0006
Revises: procedures_0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "procedures_0006"
down_revision = "procedures_0005"
branch_labels = None
depends_on = None

COLUMNS = ["next_due", "next_office_due", "awaits_until", "awaits_by"]


def upgrade() -> None:
    # plain ADD COLUMN (SQLite can): no rebuild of a referenced table
    op.add_column("procedure_cases", sa.Column("awaits_also", sa.String(200), nullable=False,
                                               server_default=sa.text("''")))
    # the to-do list's counts read only these indexes (covering): they carry the new column too
    for name, column in (("own", "org_id"), ("area", "org_path")):
        op.drop_index(f"ix_procedure_cases_{name}", "procedure_cases")
        op.create_index(f"ix_procedure_cases_{name}", "procedure_cases",
                        ["is_open", column, "procedure", "jurisdiction", "state", *COLUMNS, "awaits_also"])
    # the few states whose steps are offered case by case, sought by state rather than read through every case of an
    # area (辖区待办: the area index's range covers all of a city's cases)
    op.create_index("ix_procedure_cases_states", "procedure_cases",
                    ["is_open", "procedure", "jurisdiction", "state", "org_path"])
    op.create_table("procedure_expected",
                    sa.Column("procedure", sa.String(64), primary_key=True),
                    sa.Column("digest", sa.String(64), nullable=False))


def downgrade() -> None:
    op.drop_table("procedure_expected")
    op.drop_index("ix_procedure_cases_states", "procedure_cases")
    for name, column in (("own", "org_id"), ("area", "org_path")):
        op.drop_index(f"ix_procedure_cases_{name}", "procedure_cases")
        op.create_index(f"ix_procedure_cases_{name}", "procedure_cases",
                        ["is_open", column, "procedure", "jurisdiction", "state", *COLUMNS])
    op.execute("ALTER TABLE procedure_cases DROP COLUMN awaits_also")
