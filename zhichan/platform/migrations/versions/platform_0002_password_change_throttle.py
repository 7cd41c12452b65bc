"""platform: users who must change their password; login attempts keyed by address and trusted device

Revision ID: platform_0002
Revises: platform_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "platform_0002"
down_revision = "platform_0001"
branch_labels = None
depends_on = None


# Plain ADD COLUMN (SQLite supports it for these columns): no batch "copy and move" of the tables,
# whose rebuilt CREATE statement would differ from run to run.
def upgrade() -> None:
    op.add_column("platform_users",
                  sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("platform_login_attempts", sa.Column("device", sa.String(64), nullable=True))
    op.create_index("ix_platform_login_attempts_ip_at", "platform_login_attempts", ["ip", "at"])


def downgrade() -> None:
    op.drop_index("ix_platform_login_attempts_ip_at", "platform_login_attempts")
    op.drop_column("platform_login_attempts", "device")
    op.drop_column("platform_users", "must_change_password")
