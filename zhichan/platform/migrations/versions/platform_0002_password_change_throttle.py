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


def upgrade() -> None:
    with op.batch_alter_table("platform_users") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("platform_login_attempts") as batch:
        batch.add_column(sa.Column("device", sa.String(64), nullable=True))
    op.create_index("ix_platform_login_attempts_ip_at", "platform_login_attempts", ["ip", "at"])


def downgrade() -> None:
    op.drop_index("ix_platform_login_attempts_ip_at", "platform_login_attempts")
    with op.batch_alter_table("platform_login_attempts") as batch:
        batch.drop_column("device")
    with op.batch_alter_table("platform_users") as batch:
        batch.drop_column("must_change_password")
