"""services: the programme revision a subsidy application was assessed under, and the assessments a re-assessment
replaced

Revision ID: services_0006
Revises: services_0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "services_0006"
down_revision = "services_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # applications made before keep no revision (NULL): the page tells by the measures they counted whether the
    # programme still counts those (zhichan.services.subsidies.assessed_under)
    with op.batch_alter_table("services_subsidy_applications") as batch:
        batch.add_column(sa.Column("programme_revision", sa.Integer, nullable=True))
        batch.add_column(sa.Column("previous_assessments", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("services_subsidy_applications") as batch:
        batch.drop_column("previous_assessments")
        batch.drop_column("programme_revision")
