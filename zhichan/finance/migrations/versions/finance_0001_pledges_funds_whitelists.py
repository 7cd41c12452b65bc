"""finance: the pledge register, risk-compensation funds (loans, claims, the pool ledger), whitelists

Revision ID: finance_0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "finance_0001"
down_revision = None
branch_labels = ("finance",)
depends_on = "procedures_0003"

MONEY = sa.Numeric(18, 2)
ORGS = "platform_organizations.id"


def upgrade() -> None:
    op.create_table(
        "finance_pledges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False, unique=True),
        sa.Column("registration_number", sa.String(40), nullable=True, unique=True),
        sa.Column("pledgor_org_id", sa.Integer, sa.ForeignKey(ORGS), nullable=False),
        sa.Column("pledgor", sa.String(200), nullable=False),
        sa.Column("pledgee_org_id", sa.Integer, sa.ForeignKey(ORGS), nullable=False),
        sa.Column("pledgee", sa.String(200), nullable=False),
        sa.Column("guarantor", sa.String(200), nullable=False),
        sa.Column("debt_amount", MONEY, nullable=False),
        sa.Column("debt_start", sa.Date, nullable=False),
        sa.Column("debt_end", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("registered_on", sa.Date, nullable=True),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey(ORGS), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("certificate_index", sa.Integer, nullable=True),
        sa.Column("record_sm3", sa.String(64), nullable=True),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_finance_pledges_status", "finance_pledges", ["status", "registered_on"])
    op.create_index("ix_finance_pledges_org_path", "finance_pledges", ["org_path"])
    op.create_index("ix_finance_pledges_pledgor_org_id", "finance_pledges", ["pledgor_org_id"])
    op.create_index("ix_finance_pledges_pledgee_org_id", "finance_pledges", ["pledgee_org_id"])
    op.create_table(
        "finance_pledged_rights",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pledge_id", sa.Integer, sa.ForeignKey("finance_pledges.id"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.UniqueConstraint("pledge_id", "number", name="uq_finance_pledged_rights_pledge_id"),
    )
    op.create_index("ix_finance_pledged_rights_pledge_id", "finance_pledged_rights", ["pledge_id"])
    op.create_index("ix_finance_pledged_rights_number", "finance_pledged_rights", ["number"])
    op.create_table(
        "finance_funds",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "finance_loans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fund_code", sa.String(40), sa.ForeignKey("finance_funds.code"), nullable=False),
        sa.Column("pledge_id", sa.Integer, sa.ForeignKey("finance_pledges.id"), nullable=True),
        sa.Column("borrower", sa.String(200), nullable=False),
        sa.Column("enterprise_type", sa.String(20), nullable=False),
        sa.Column("bank", sa.String(200), nullable=False),
        sa.Column("principal", MONEY, nullable=False),
        sa.Column("fee_rate", sa.Numeric(9, 6), nullable=True),
        sa.Column("ip_collateral", MONEY, nullable=False),
        sa.Column("collateral", MONEY, nullable=False),
        sa.Column("enrolled_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("org_id", sa.Integer, sa.ForeignKey(ORGS), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
    )
    op.create_index("ix_finance_loans_fund_code", "finance_loans", ["fund_code"])
    op.create_index("ix_finance_loans_org_path", "finance_loans", ["org_path"])
    op.create_table(
        "finance_claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("loan_id", sa.Integer, sa.ForeignKey("finance_loans.id"), nullable=False),
        sa.Column("fund_code", sa.String(40), sa.ForeignKey("finance_funds.code"), nullable=False),
        sa.Column("principal_loss", MONEY, nullable=False),
        sa.Column("interest_loss", MONEY, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("paid", MONEY, nullable=False),
        sa.Column("recovered", MONEY, nullable=False),
        sa.Column("arithmetic", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("claimed_on", sa.Date, nullable=False),
        sa.Column("approved_on", sa.Date, nullable=True),
        sa.UniqueConstraint("loan_id", name="uq_finance_claims_loan_id"),
    )
    op.create_index("ix_finance_claims_fund_code", "finance_claims", ["fund_code"])
    op.create_table(
        "finance_ledger",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fund_code", sa.String(40), sa.ForeignKey("finance_funds.code"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("balance", MONEY, nullable=False),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("finance_claims.id"), nullable=True),
        sa.Column("memo", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("fund_code", "seq", name="uq_finance_ledger_fund_code"),
    )
    op.create_table(
        "finance_whitelists",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey(ORGS), nullable=False),
        sa.Column("org_path", sa.String(400), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("criteria", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_finance_whitelists_org_path", "finance_whitelists", ["org_path"])
    op.create_table(
        "finance_whitelist_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("whitelist_id", sa.Integer, sa.ForeignKey("finance_whitelists.id"), nullable=False),
        sa.Column("party_key", sa.String(300), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("valid_patents", sa.Integer, nullable=False),
        sa.Column("high_value_patents", sa.Integer, nullable=False),
        sa.Column("inventions", sa.Integer, nullable=False),
        sa.UniqueConstraint("whitelist_id", "party_key", name="uq_finance_whitelist_entries_whitelist_id"),
    )
    op.create_index("ix_finance_whitelist_entries_whitelist_id", "finance_whitelist_entries", ["whitelist_id"])
    op.create_table(
        "finance_whitelist_pushes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("whitelist_id", sa.Integer, sa.ForeignKey("finance_whitelists.id"), nullable=False),
        sa.Column("bank_org_id", sa.Integer, sa.ForeignKey(ORGS), nullable=False),
        sa.Column("pushed_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("whitelist_id", "bank_org_id", name="uq_finance_whitelist_pushes_whitelist_id"),
    )
    op.create_index("ix_finance_whitelist_pushes_whitelist_id", "finance_whitelist_pushes", ["whitelist_id"])
    op.create_index("ix_finance_whitelist_pushes_bank_org_id", "finance_whitelist_pushes", ["bank_org_id"])
    op.create_table(
        "finance_whitelist_feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("finance_whitelist_entries.id"), nullable=False),
        sa.Column("bank_org_id", sa.Integer, sa.ForeignKey(ORGS), nullable=False),
        sa.Column("decision", sa.String(12), nullable=False),
        sa.Column("loan_amount", MONEY, nullable=True),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("entry_id", "bank_org_id", name="uq_finance_whitelist_feedback_entry_id"),
    )
    op.create_index("ix_finance_whitelist_feedback_entry_id", "finance_whitelist_feedback", ["entry_id"])


def downgrade() -> None:
    for table in ("finance_whitelist_feedback", "finance_whitelist_pushes", "finance_whitelist_entries",
                  "finance_whitelists", "finance_ledger", "finance_claims", "finance_loans", "finance_funds",
                  "finance_pledged_rights", "finance_pledges"):
        op.drop_table(table)
