"""procedures: a case's counterparty organization (the pledgee bank of a joint application)

Revision ID: procedures_0002
Revises: procedures_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "procedures_0002"
down_revision = "procedures_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procedure_cases") as batch:
        batch.add_column(sa.Column("counterparty_org_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_procedure_cases_counterparty_org_id_platform_organizations",
                                 "platform_organizations", ["counterparty_org_id"], ["id"])
        batch.create_index("ix_procedure_cases_counterparty_org_id", ["counterparty_org_id"])


def downgrade() -> None:
    with op.batch_alter_table("procedure_cases") as batch:
        batch.drop_index("ix_procedure_cases_counterparty_org_id")
        batch.drop_constraint("fk_procedure_cases_counterparty_org_id_platform_organizations", type_="foreignkey")
        batch.drop_column("counterparty_org_id")
