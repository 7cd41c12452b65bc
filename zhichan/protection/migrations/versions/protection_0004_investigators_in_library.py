"""protection: the technical-investigator roster moves into the talent library

Revision ID: protection_0004
Revises: protection_0003
Create Date: 2026-12-05

Each row of ``protection_investigators`` becomes a person of the talent library kept by the same office
(region: the office's; kind 技术调查官 → ``technical_investigator``, 专家 → ``technical_expert``; fields and
prior parties as they were; available → 在库, not available → 已暂停 with that reason), with one row of status
history (``via = migrated``, on the day the roster row was made). Assignments follow their person
(``protection_assignments.person_id``); the roster table is dropped — the library is the one roster.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "protection_0004"
down_revision = "protection_0003"
branch_labels = None
depends_on = "talent_0002"

KIND_CODES = {"技术调查官": "technical_investigator", "专家": "technical_expert"}
UNAVAILABLE = "迁移时名录中标为暂不可用 / marked not available on the former roster"


def upgrade() -> None:
    from zhichan.legaltime import china_date
    from zhichan.platform.models import utcnow

    bind = op.get_bind()
    meta = sa.MetaData()
    old = sa.Table("protection_investigators", meta, autoload_with=bind)
    assignments = sa.Table("protection_assignments", meta, autoload_with=bind)
    orgs = sa.Table("platform_organizations", meta, autoload_with=bind)
    people = sa.Table("talent_people", meta, autoload_with=bind)
    kinds = sa.Table("talent_person_kinds", meta, autoload_with=bind)
    changes = sa.Table("talent_status_changes", meta, autoload_with=bind)
    now = utcnow()
    new_id: dict[int, int] = {}
    rows = bind.execute(sa.select(old, orgs.c.region_code.label("office_region"))
                        .join(orgs, orgs.c.id == old.c.org_id).order_by(old.c.id)).all()
    for r in rows:
        status = "in_library" if r.available else "suspended"
        reason = "" if r.available else UNAVAILABLE
        day = china_date(r.created_at)
        inserted = bind.execute(people.insert().values(
            name=r.name, organization=r.organization, region_code=r.office_region, ipc_fields=r.ipc_fields[:400],
            industry_chains="", phone="", email="", shared="", prior_parties=r.prior_parties, status=status,
            status_reason=reason, status_on=day, source="entered", org_id=r.org_id, user_id=None, case_id=None,
            synthetic=False, created_at=r.created_at, updated_at=now)).inserted_primary_key
        assert inserted is not None
        person_id = inserted[0]
        bind.execute(kinds.insert().values(person_id=person_id, kind=KIND_CODES.get(r.kind, "technical_expert"),
                                           certificate=""))
        bind.execute(changes.insert().values(person_id=person_id, status=status, previous_status="", changed_on=day,
                                             reason=reason, actor="", via="migrated", created_at=now))
        new_id[r.id] = int(person_id)
    kept = [{"case_id": a.case_id, "person_id": new_id[a.investigator_id], "assigned_by": a.assigned_by,
             "assigned_at": a.assigned_at} for a in bind.execute(sa.select(assignments).order_by(assignments.c.id))]
    op.drop_index("ix_protection_assignments_case", "protection_assignments")
    op.drop_table("protection_assignments")
    op.drop_index("ix_protection_investigators_org_path", "protection_investigators")
    op.drop_table("protection_investigators")
    table = op.create_table(
        "protection_assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("procedure_cases.id"), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("talent_people.id"), nullable=False),
        sa.Column("assigned_by", sa.String(80), nullable=False),
        sa.Column("assigned_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_protection_assignments_case", "protection_assignments", ["case_id", "person_id"], unique=True)
    if kept:
        bind.execute(table.insert(), kept)


def downgrade() -> None:
    raise NotImplementedError("the roster lives in the talent library now; restore a backup to go back")
