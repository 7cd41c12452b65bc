"""platform: an organization's English name (shown on English pages; the Chinese name where there is none)

Revision ID: platform_0003
Revises: platform_0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "platform_0003"
down_revision = "platform_0002"
branch_labels = None
depends_on = None


# Plain ADD COLUMN, as platform_0002: no batch copy of the table.
def upgrade() -> None:
    op.add_column("platform_organizations", sa.Column("name_en", sa.String(200), nullable=True))


def downgrade() -> None:
    op.drop_column("platform_organizations", "name_en")
