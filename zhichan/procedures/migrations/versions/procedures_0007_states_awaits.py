"""procedures: the states index carries whom a case awaits

``ix_procedure_cases_states`` — sought for the few states whose steps the to-do list decides case by case — carries
the row's ``awaits_until``, ``awaits_by`` and ``awaits_also``, so whether the caller is awaited in a case (a city
leader, for the upper level's extension of its districts' disputes: only while a request awaiting a leader is pending)
is read from the index, not from each case's row: a city leader's own 我的待办 read ~11,000 rows of its districts'
disputes at 100,000 open cases to find none (docs/benchmarks.md "A city's own to-do list").

Revision ID: procedures_0007
Revises: procedures_0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "procedures_0007"
down_revision = "procedures_0006"
branch_labels = None
depends_on = None

STATES = ["is_open", "procedure", "jurisdiction", "state", "org_path"]


def upgrade() -> None:
    op.drop_index("ix_procedure_cases_states", "procedure_cases")
    op.create_index("ix_procedure_cases_states", "procedure_cases",
                    [*STATES, "awaits_until", "awaits_by", "awaits_also"])


def downgrade() -> None:
    op.drop_index("ix_procedure_cases_states", "procedure_cases")
    op.create_index("ix_procedure_cases_states", "procedure_cases", STATES)
