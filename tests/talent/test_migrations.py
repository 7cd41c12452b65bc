"""The data migrations of the library's history and of protection's roster, on SQLite and PostgreSQL: a
database with people (talent_0001) and a roster with an assignment (protection_0003) upgraded to the heads
gets one history row per person from what its row knows, and every roster row as a person of the library
kept by the same office — available or suspended, fields and prior parties kept — with its assignment
following it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from zhichan.platform.db import alembic_config, make_engine, session_scope
from zhichan.web.testing import seed


def test_history_back_filled_and_the_roster_moved_into_the_library(db_url: str) -> None:
    engine = make_engine(db_url)
    cfg = alembic_config(engine)
    before = {"talent": "talent_0001", "protection": "protection_0003"}
    heads = ScriptDirectory.from_config(cfg).get_heads()
    for head in heads:  # every other branch at its head, the two at their revision before this change
        branch = head.split("_", 1)[0]
        command.upgrade(cfg, before.get(branch, head))
    seed(engine)
    meta = sa.MetaData()
    created = dt.datetime(2026, 3, 1, 17, 0)  # 1:00 on 2 March in China
    with engine.begin() as con:
        orgs = {code: i for i, code in con.execute(sa.text("SELECT id, region_code FROM platform_organizations ORDER BY id DESC"))}  # the bureau: the first of a region
        paths = dict(con.execute(sa.text("SELECT id, path FROM platform_organizations")).all())
        people = sa.Table("talent_people", meta, autoload_with=con)
        con.execute(people.insert(), [
            {"name": name, "organization": "", "region_code": "510107", "ipc_fields": "", "industry_chains": "",
             "phone": "", "email": "", "shared": "", "status": status, "status_reason": reason, "status_on": on,
             "source": "entered", "org_id": orgs["510107"], "synthetic": False, "created_at": created,
             "updated_at": created}
            for name, status, reason, on in [("甲", "in_library", "", dt.date(2026, 3, 2)),
                                             ("乙", "removed", "退出", dt.date(2026, 5, 6)),
                                             ("丙", "in_library", "", None)]])
        old = sa.Table("protection_investigators", meta, autoload_with=con)
        ids = [con.execute(old.insert().values(
            name=name, organization="某研究院", kind=kind, ipc_fields="H01M;G06F", prior_parties=prior,
            available=available, org_id=orgs[office], org_path=paths[orgs[office]], created_at=created))
            .inserted_primary_key[0] for name, kind, prior, available, office in [
                ("赵调查官", "技术调查官", "某公司", True, "510100"), ("钱专家", "专家", "", False, "510107")]]
    with session_scope(engine) as s:
        from zhichan.procedures.models import Case

        case = Case(procedure="protection.patent_dispute", jurisdiction="510107", revision=1, title="T", state="filed",
                    org_id=orgs["510107"], org_path=paths[orgs["510107"]], region_code="510107")
        s.add(case)
        s.flush()
        case_id = case.id
    with engine.begin() as con:
        assignments = sa.Table("protection_assignments", meta, autoload_with=con)
        con.execute(assignments.insert().values(case_id=case_id, investigator_id=ids[1], assigned_by="wuhou_officer",
                                                assigned_at=created))
    command.upgrade(cfg, "heads")
    with engine.connect() as con:
        history = con.execute(sa.text(
            "SELECT p.name, c.status, c.previous_status, c.changed_on, c.reason, c.via, c.actor "
            "FROM talent_status_changes c JOIN talent_people p ON p.id = c.person_id ORDER BY p.id")).all()
        moved = con.execute(sa.text(
            "SELECT p.name, p.region_code, p.org_id, p.status, p.status_reason, p.ipc_fields, p.prior_parties, k.kind "
            "FROM talent_people p JOIN talent_person_kinds k ON k.person_id = p.id WHERE p.name IN ('赵调查官', '钱专家') "
            "ORDER BY p.name")).all()
        tables = sa.inspect(con).get_table_names()
    assert [(h[0], h[1], h[2], str(h[3])[:10], h[4], h[5], h[6]) for h in history] == [
        ("甲", "in_library", "", "2026-03-02", "", "backfilled", ""),
        ("乙", "removed", "", "2026-05-06", "退出", "backfilled", ""),
        ("丙", "in_library", "", "2026-03-02", "", "backfilled", ""),  # no day kept: the creation day in China
        ("赵调查官", "in_library", "", "2026-03-02", "", "migrated", ""),
        ("钱专家", "suspended", "", "2026-03-02", history[4][4], "migrated", "")]
    assert "暂不可用" in history[4][4]
    assert [tuple(r) for r in moved] == [
        ("赵调查官", "510100", orgs["510100"], "in_library", "", "H01M;G06F", "某公司", "technical_investigator"),
        ("钱专家", "510107", orgs["510107"], "suspended", history[4][4], "H01M;G06F", "", "technical_expert")]
    assert "protection_investigators" not in tables
    with engine.connect() as con:  # the assignment follows its person
        assert con.execute(sa.text("SELECT a.case_id, p.name FROM protection_assignments a "
                                   "JOIN talent_people p ON p.id = a.person_id")).all() == [(case_id, "钱专家")]
    with session_scope(engine) as s:  # the roster reads them from the library
        from sqlalchemy import select

        from zhichan.platform.models import User
        from zhichan.platform.orgs import scope_for_user
        from zhichan.protection.investigators import roster

        officer = scope_for_user(s, s.scalars(select(User).where(User.username == "wuhou_officer")).one())
        assert {(p["name"], p["available"]) for p in roster(s, officer)} == {("赵调查官", True), ("钱专家", False)}
    engine.dispose()
