"""procedures: a case's counterparty organization (the pledgee bank of a joint application)

Revision ID: procedures_0003
Revises: procedures_0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "procedures_0003"
down_revision = "procedures_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; batch mode would rebuild the table and write its
        # constraints in an order that varies from run to run (two databases' schemas would differ)
        op.execute("ALTER TABLE procedure_cases ADD COLUMN counterparty_org_id INTEGER "
                   "CONSTRAINT fk_procedure_cases_counterparty_org_id_platform_organizations "
                   "REFERENCES platform_organizations (id)")
    else:
        op.add_column("procedure_cases", sa.Column("counterparty_org_id", sa.Integer, nullable=True))
        op.create_foreign_key("fk_procedure_cases_counterparty_org_id_platform_organizations", "procedure_cases",
                              "platform_organizations", ["counterparty_org_id"], ["id"])
    op.create_index("ix_procedure_cases_counterparty_org_id", "procedure_cases", ["counterparty_org_id"])


def downgrade() -> None:
    op.drop_index("ix_procedure_cases_counterparty_org_id", "procedure_cases")
    with op.batch_alter_table("procedure_cases") as batch:
        batch.drop_column("counterparty_org_id")
