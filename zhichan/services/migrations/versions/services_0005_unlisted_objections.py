"""services: objections by applicants left off a published subsidy result

Revision ID: services_0005
Revises: services_0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "services_0005"
down_revision = "services_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # an objection names the line it disputes, or (line 0) the objector's own application that is not on
    # the list; upholding the latter adds a line, which the objection then names
    with op.batch_alter_table("services_subsidy_objections") as batch:
        batch.alter_column("award_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("application_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_services_subsidy_objections_application", "services_subsidy_applications",
                                 ["application_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("services_subsidy_objections") as batch:
        batch.drop_constraint("fk_services_subsidy_objections_application", type_="foreignkey")
        batch.drop_column("application_id")
        batch.alter_column("award_id", existing_type=sa.Integer, nullable=False)
