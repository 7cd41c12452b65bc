"""procedures: a case's nearest deadline of the office's own clocks (the to-do list's 逾期; a party's
period running out is the office's turn, not its delay)

Existing cases start from their nearest deadline of any clock (what 逾期 meant before) and get the
office's own at their next step.

Revision ID: procedures_0004
Revises: procedures_0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "procedures_0004"
down_revision = "procedures_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (SQLite can): a batch "recreate" would rewrite the table with its constraints in
    # reflection order, which varies from run to run
    op.add_column("procedure_cases", sa.Column("next_office_due", sa.Date, nullable=False,
                                               server_default=sa.text("'9999-12-31'")))
    op.execute("UPDATE procedure_cases SET next_office_due = next_due")
    # the to-do list's counts read only these indexes (covering): they carry the new column too
    for name, column in (("own", "org_id"), ("area", "org_path")):
        op.drop_index(f"ix_procedure_cases_{name}", "procedure_cases")
        op.create_index(f"ix_procedure_cases_{name}", "procedure_cases",
                        ["is_open", column, "procedure", "jurisdiction", "state", "next_due", "next_office_due"])


def downgrade() -> None:
    for name, column in (("own", "org_id"), ("area", "org_path")):
        op.drop_index(f"ix_procedure_cases_{name}", "procedure_cases")
        op.create_index(f"ix_procedure_cases_{name}", "procedure_cases",
                        ["is_open", column, "procedure", "jurisdiction", "state", "next_due"])
    with op.batch_alter_table("procedure_cases") as batch:
        batch.drop_column("next_office_due")
