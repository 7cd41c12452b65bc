"""credit: publication of listings; patent agencies, their credit files and publications; random inspections

Revision ID: credit_0002
Revises: credit_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "credit_0002"
down_revision = "credit_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credit_listings") as batch:
        batch.add_column(sa.Column("published_on", sa.Date, nullable=True))
    op.create_table(
        "credit_agencies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(300), nullable=False, unique=True),
        sa.Column("credit_code", sa.String(18), nullable=True),
        sa.Column("licence_number", sa.String(40), nullable=True),
        sa.Column("region_code", sa.String(12), nullable=True),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("filings", sa.Integer, nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_credit_agencies_region_code", "credit_agencies", ["region_code"])
    op.create_table(
        "credit_agents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("credit_agencies.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("certificate_number", sa.String(40), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("filings", sa.Integer, nullable=False),
        sa.UniqueConstraint("agency_id", "name_key"),
    )
    op.create_index("ix_credit_agents_agency_id", "credit_agents", ["agency_id"])
    op.create_index("ix_credit_agents_name_key", "credit_agents", ["name_key"])
    op.create_table(
        "credit_agency_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("credit_agencies.id"), nullable=False),
        sa.Column("item", sa.String(40), nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(80), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_credit_agency_items_agency_id", "credit_agency_items", ["agency_id"])
    op.create_table(
        "credit_agency_publications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_credit_agency_publications_created_at", "credit_agency_publications", ["created_at"])
    op.create_table(
        "credit_inspections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("seed", sa.String(200), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("platform_organizations.id"), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("target_count", sa.Integer, nullable=False),
        sa.Column("inspectors_per_target", sa.Integer, nullable=False),
        sa.Column("draw", sa.Text, nullable=False),
        sa.Column("results", sa.Text, nullable=False),
        sa.Column("drawn_by", sa.String(80), nullable=False),
        sa.Column("drawn_at", sa.DateTime, nullable=False),
        sa.Column("published_on", sa.Date, nullable=True),
    )
    op.create_index("ix_credit_inspections_org_path", "credit_inspections", ["org_path"])


def downgrade() -> None:
    op.drop_table("credit_inspections")
    op.drop_table("credit_agency_publications")
    op.drop_table("credit_agency_items")
    op.drop_table("credit_agents")
    op.drop_table("credit_agencies")
    with op.batch_alter_table("credit_listings") as batch:
        batch.drop_column("published_on")
