"""exchange: valuations; a deal names the valuation behind 大数据系统估价; a closed auction names its deal;
listings indexed by (asset number, state) for text search

Revision ID: exchange_0002
Revises: exchange_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0002"
down_revision = "exchange_0001"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 2)


def upgrade() -> None:
    op.create_table(
        "exchange_valuations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_number", sa.String(40), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("scenario", sa.String(20), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("degree", sa.Numeric(8, 4), nullable=False),
        sa.Column("low_yuan", MONEY, nullable=True),
        sa.Column("high_yuan", MONEY, nullable=True),
        sa.Column("model_digest", sa.String(64), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=True),
        sa.Column("org_path", sa.String(400), nullable=False, index=True),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    # ADD COLUMN in place, not a table rebuild (the auctions' bids and deposits keep pointing at their rows);
    # SQLite takes an inline REFERENCES on a column added with a NULL default
    columns = (("exchange_deals", "valuation_id", "INTEGER", "exchange_valuations(id)"),
               ("exchange_auctions", "deal_case_id", "INTEGER", "procedure_cases(id)"),
               ("exchange_auctions", "deal_problem", "TEXT", None))
    for table, column, kind, target in columns:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}" + (f" REFERENCES {target}" if target else ""))
        else:
            ref = (sa.ForeignKey(target.replace("(", ".").rstrip(")")),) if target else ()
            op.add_column(table, sa.Column(column, sa.Integer if kind == "INTEGER" else sa.Text, *ref, nullable=True))

    op.create_index("ix_exchange_listings_number_state", "exchange_listings", ["asset_number", "state"])


def downgrade() -> None:
    op.drop_index("ix_exchange_listings_number_state", "exchange_listings")
    with op.batch_alter_table("exchange_auctions") as batch:
        batch.drop_column("deal_problem")
        batch.drop_column("deal_case_id")
    with op.batch_alter_table("exchange_deals") as batch:
        batch.drop_column("valuation_id")
    op.drop_table("exchange_valuations")
