"""exchange: open-licence declarations and licences, listings, auctions with append-only bids, needs, deals

Revision ID: exchange_0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0001"
down_revision = None
branch_labels = ("exchange",)
depends_on = ("procedures_0001", "evidence_0001")

MONEY = sa.Numeric(18, 2)


def _org_columns() -> list[sa.Column]:
    return [
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False, index=True),
        sa.Column("party_key", sa.String(300), nullable=True, index=True),
    ]


def upgrade() -> None:
    op.create_table(
        "exchange_open_licences",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False, unique=True),
        sa.Column("application_number", sa.String(40), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("patent_kind", sa.String(20), nullable=False),
        sa.Column("application_date", sa.Date, nullable=False),
        sa.Column("ipc", sa.String(500), nullable=False),
        sa.Column("patent_region", sa.String(12), nullable=False),
        sa.Column("patentee", sa.String(300), nullable=False),
        sa.Column("fee_method", sa.String(20), nullable=False),
        sa.Column("payment_schedule", sa.String(40), nullable=False),
        sa.Column("fee_value", sa.Numeric(18, 4), nullable=False),
        sa.Column("fee_note", sa.Text, nullable=False),
        sa.Column("term_from", sa.Date, nullable=False),
        sa.Column("term_until", sa.Date, nullable=False),
        sa.Column("contact", sa.String(300), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("published_on", sa.Date, nullable=True),
        sa.Column("ended_on", sa.Date, nullable=True),
        *_org_columns(),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_exchange_open_licences_state", "exchange_open_licences", ["state", "published_on"])
    op.create_table(
        "exchange_open_licence_grants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("open_licence_id", sa.Integer, sa.ForeignKey("exchange_open_licences.id"), nullable=False,
                  index=True),
        sa.Column("licensee", sa.String(300), nullable=False),
        sa.Column("licensee_user_id", sa.Integer, nullable=True),
        sa.Column("licensee_key", sa.String(300), nullable=True, index=True),
        sa.Column("notice_on", sa.Date, nullable=False),
        sa.Column("paid_yuan", MONEY, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("until", sa.Date, nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=True),
        sa.Column("evidence_index", sa.Integer, nullable=False),
        sa.Column("record_evidence_index", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "exchange_listings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("asset_kind", sa.String(20), nullable=False),
        sa.Column("asset_number", sa.String(40), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("price_yuan", MONEY, nullable=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("owner", sa.String(300), nullable=False),
        sa.Column("ipc", sa.String(500), nullable=False),
        sa.Column("asset_region", sa.String(12), nullable=False),
        sa.Column("pledgee_consent", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        *_org_columns(),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_exchange_listings_state", "exchange_listings", ["state", "created_at"])
    op.create_table(
        "exchange_auctions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("listing_id", sa.Integer, sa.ForeignKey("exchange_listings.id"), nullable=False, index=True),
        sa.Column("starting_price", MONEY, nullable=False),
        sa.Column("increment", MONEY, nullable=False),
        sa.Column("reserve", MONEY, nullable=False),
        sa.Column("deposit", MONEY, nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("scheduled_close", sa.DateTime, nullable=False),
        sa.Column("closes_at", sa.DateTime, nullable=False),
        sa.Column("extend_window_minutes", sa.Integer, nullable=False),
        sa.Column("extend_by_minutes", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("bid_count", sa.Integer, nullable=False),
        sa.Column("high_bid", MONEY, nullable=True),
        sa.Column("high_bid_id", sa.Integer, nullable=True),
        sa.Column("extensions", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("winner_bid_id", sa.Integer, nullable=True),
        sa.Column("closed_at", sa.DateTime, nullable=True),
        sa.Column("close_evidence_index", sa.Integer, nullable=True),
        sa.Column("org_path", sa.String(400), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_exchange_auctions_open", "exchange_auctions", ["state", "closes_at"])
    op.create_table(
        "exchange_auction_deposits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("auction_id", sa.Integer, sa.ForeignKey("exchange_auctions.id"), nullable=False),
        sa.Column("bidder_user_id", sa.Integer, nullable=False),
        sa.Column("bidder", sa.String(300), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("auction_id", "bidder_user_id"),
    )
    op.create_table(
        "exchange_bids",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("auction_id", sa.Integer, sa.ForeignKey("exchange_auctions.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("bidder_user_id", sa.Integer, nullable=False),
        sa.Column("bidder", sa.String(300), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("evidence_index", sa.Integer, nullable=False),
    )
    op.create_index("ix_exchange_bids_auction", "exchange_bids", ["auction_id", "seq"])
    # bids are append-only, as the evidence log is (its migration made evidence_append_only() on PostgreSQL)
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER exchange_bids_no_{action.lower()} BEFORE {action} ON exchange_bids
                BEGIN SELECT RAISE(ABORT, 'exchange_bids is append-only (出价记录只可追加)'); END""")
    else:
        op.execute("""CREATE TRIGGER exchange_bids_no_change BEFORE UPDATE OR DELETE ON exchange_bids
            FOR EACH ROW EXECUTE FUNCTION evidence_append_only()""")
    op.create_table(
        "exchange_needs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("industry", sa.String(100), nullable=False),
        sa.Column("budget_yuan", MONEY, nullable=True),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        *_org_columns(),
        sa.Column("poster", sa.String(300), nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "exchange_deals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False, unique=True),
        sa.Column("application_number", sa.String(40), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("seller", sa.String(300), nullable=False),
        sa.Column("seller_type", sa.String(20), nullable=False),
        sa.Column("buyer", sa.String(300), nullable=False),
        sa.Column("pricing_method", sa.String(20), nullable=False),
        sa.Column("trading_mode", sa.String(20), nullable=False),
        sa.Column("deal_kind", sa.String(20), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("contract_price", MONEY, nullable=True),
        sa.Column("paid_total", MONEY, nullable=False),
        sa.Column("contract_on", sa.Date, nullable=True),
        sa.Column("recorded_on", sa.Date, nullable=True),
        sa.Column("record_number", sa.String(60), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("listing_id", sa.Integer, sa.ForeignKey("exchange_listings.id"), nullable=True),
        *_org_columns(),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_exchange_deals_state", "exchange_deals", ["state", "recorded_on"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS exchange_bids_no_update")
        op.execute("DROP TRIGGER IF EXISTS exchange_bids_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS exchange_bids_no_change ON exchange_bids")
    for table in ("exchange_deals", "exchange_needs", "exchange_bids", "exchange_auction_deposits", "exchange_auctions", "exchange_listings",
                  "exchange_open_licence_grants", "exchange_open_licences"):
        op.drop_table(table)
