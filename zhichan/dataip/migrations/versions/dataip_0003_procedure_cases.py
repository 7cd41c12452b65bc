"""dataip: each registration is carried by a case of the procedure engine (dataip.registration)

Revision ID: dataip_0003
Revises: dataip_0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dataip_0003"
down_revision = "dataip_0002"
branch_labels = None
depends_on = "procedures_0001"


def upgrade() -> None:
    with op.batch_alter_table("dataip_registrations") as batch:
        batch.add_column(sa.Column("case_id", sa.Integer, nullable=True))
        batch.create_unique_constraint("uq_dataip_registrations_case_id", ["case_id"])
        batch.create_foreign_key("fk_dataip_registrations_case_id_procedure_cases", "procedure_cases", ["case_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("dataip_registrations") as batch:
        batch.drop_constraint("fk_dataip_registrations_case_id_procedure_cases", type_="foreignkey")
        batch.drop_constraint("uq_dataip_registrations_case_id", type_="unique")
        batch.drop_column("case_id")
