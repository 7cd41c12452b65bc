"""The protection case list and the to-do list over many cases (SQLite and PostgreSQL): every page equals
the page computed in Python from all the rows — whether the database walks the list's order and stops at
the page (an office's cases dense among all) or sorts the matching rows (few of them, or a deep page) —
and, on SQLite, a dense list is walked, not sorted (benchmarks/protection_bench.py: sorting 100,000 rows
for a page of 50 cost most of a request)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, insert, select, text

from tests.procedures.helpers import World, build_world
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope
from zhichan.procedures.scope import CASES
from zhichan.procedures.service import OFFICES
from zhichan.protection.service import case_list

TODAY = dt.date(2026, 3, 16)
#: (procedure, open states) as the benchmark seeds them, and states that rest or end
MIX = (
    ("protection.complaint", ("received",)),
    ("protection.patent_dispute", ("filed", "accepted", "served", "answered", "hearing")),
    ("protection.mediation", ("filed", "served", "replied", "accepted", "agreed")),
    ("protection.ecommerce_notice", ("notified", "measures", "countered")),
    ("protection.police_transfer", ("reported", "approved")),
)
#: cases per organization: Wuhou's are dense among all, Jinjiang's few
PER_ORG = {"wuhou": 500, "jinjiang": 60}


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> Iterator[World]:
    w = build_world(engine, tmp_path / "files", SigningKey.generate())
    orgs = {name: w.scope(f"{name}_officer") for name in PER_ORG}
    rows, n = [], 0
    for name, count in PER_ORG.items():
        scope = orgs[name]
        for _ in range(count):
            n += 1
            procedure, states = MIX[n % len(MIX)]
            is_open = n % 7 != 0
            due = TODAY + dt.timedelta(days=(n * 37) % 41 - 20)
            created = dt.datetime(2026, 1, 5, 2)
            rows.append({"id": n, "number": f"T-{n:05d}", "procedure": procedure, "jurisdiction": "default",
                         "revision": 1, "title": f"案件 {n}", "state": states[n % len(states)] if is_open else "closed",
                         "version": 1, "org_id": scope.org_id, "org_path": scope.org_path,
                         "region_code": scope.region_code, "party_user_id": None, "party_key": None, "fields": "{}",
                         "is_open": is_open, "next_due": due, "next_office_due": due + dt.timedelta(days=n % 3),
                         "created_at": created, "updated_at": created, "closed_at": None if is_open else created})
    with engine.begin() as conn:
        conn.execute(insert(CASES), rows)
        conn.execute(text("ANALYZE"))
    yield w


def all_cases(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(CASES)))


def actionable(world: World, roles: Any) -> dict[str, set[str]]:
    """Procedure → the states in which one of ``roles`` may take a step and is awaited (resting states left out)."""
    return {d.procedure: {s for t in d.transitions for role in roles if role in t.roles for s in t.source
                          if not d.states[s].resting and (d.states[s].awaits is None or role in d.states[s].awaits)}
            for d in world.service.registry.all() if d.jurisdiction == "default"}


def executed(world: World, call: Callable[[Any], dict[str, Any]]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """``call``'s result and the statements it executed, with their parameters."""
    statements: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        statements.append((statement, parameters))

    event.listen(world.engine, "before_cursor_execute", seen)
    try:
        with session_scope(world.engine) as s:
            result = call(s)
    finally:
        event.remove(world.engine, "before_cursor_execute", seen)
    return result, statements


def pages(world: World, call: Callable[[Any], dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """``call``'s result and the SQLite query plans of its statements."""
    result, statements = executed(world, call)
    plans = []
    if world.engine.dialect.name == "sqlite":
        with world.engine.connect() as conn:
            for statement, parameters in statements:
                if "LIMIT" in statement:
                    plans.append(" / ".join(r[3] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                                                parameters)))
    return result, plans


@pytest.mark.parametrize(("who", "area", "offset", "walked"), [
    ("wuhou_officer", False, 0, True),  # dense
    ("wuhou_officer", False, 380, False),  # a deep page
    ("jinjiang_officer", False, 0, False),  # few
    ("chengdu_officer", True, 0, True),  # 辖区待办 of the city: every case
    ("chengdu_officer", True, 50, True),
])
def test_todo_pages_equal_the_rows_sorted_in_python(world: World, who: str, area: bool, offset: int,
                                                    walked: bool) -> None:
    scope = world.scope(who)
    # 我的待办: the caller's role; 辖区待办: any office's (the oversight view)
    states = actionable(world, OFFICES if area else {str(scope.role)})
    mine = [c for c in all_cases(world.engine) if c.is_open and c.state in states.get(c.procedure, set())
            and (c.org_path.startswith(scope.org_path or "-") if area else c.org_id == scope.org_id)]
    mine.sort(key=lambda c: (c.next_due, c.id))
    result, plans = pages(world, lambda s: world.service.todo(s, scope, today=TODAY, area=area, offset=offset))
    assert mine and [i["id"] for i in result["items"]] == [c.id for c in mine[offset:offset + 50]]
    assert result["total"] == len(mine)
    assert result["overdue"] == sum(c.next_office_due < TODAY for c in mine)
    assert result["due_today"] == sum(c.next_due == TODAY for c in mine)
    if plans and walked:
        assert "TEMP B-TREE" not in plans[0], plans  # the deadline index walked to the page, nothing sorted


@pytest.mark.parametrize("limit", [50, 1])  # a page; the count badge (its total, one row read)
def test_a_list_due_after_the_others_is_sorted_not_walked(world: World, limit: int) -> None:
    """An office's cases dense among all but due after the others' — a province's applications under a few days'
    review among districts' cases due over months — are sorted for the page, not walked to: the deadline index's walk
    passes every earlier deadline first (on SQLite it did, by the planner's own choice or by ``walk_in_order``'s
    density rule, through 50,000 of 100,000 cases: 75 ms a page against 2 ms sorted, benchmarks/protection_bench.py).
    The list, its counts and its first page are the same either way."""
    from zhichan.procedures.scope import WALK_DEADLINES

    scope = world.scope("wuhou_officer")
    states = actionable(world, {str(scope.role)})
    later = dt.timedelta(days=200)
    jinjiang = world.scope("jinjiang_officer")
    created = dt.datetime(2026, 1, 5, 2)
    with world.engine.begin() as conn:  # 150 more of Jinjiang's; Wuhou's deadlines after everyone else's
        conn.execute(insert(CASES), [
            {"id": 561 + n, "number": f"J-{n:05d}", "procedure": "protection.complaint", "jurisdiction": "default",
             "revision": 1, "title": f"案件 J{n}", "state": "received", "version": 1, "org_id": jinjiang.org_id,
             "org_path": jinjiang.org_path, "region_code": jinjiang.region_code, "party_user_id": None,
             "party_key": None, "fields": "{}", "is_open": True, "next_due": TODAY + dt.timedelta(days=n % 30 - 20),
             "next_office_due": TODAY + dt.timedelta(days=n % 30 - 20), "created_at": created, "updated_at": created,
             "closed_at": None} for n in range(150)])
        conn.execute(CASES.update().where(CASES.c.org_id == scope.org_id).values(
            next_due=CASES.c.next_due + later, next_office_due=CASES.c.next_office_due + later)
            if world.engine.dialect.name == "postgresql" else CASES.update().where(CASES.c.org_id == scope.org_id)
            .values(next_due=func.date(CASES.c.next_due, "+200 days"),
                    next_office_due=func.date(CASES.c.next_office_due, "+200 days")))
    mine = [c for c in all_cases(world.engine) if c.is_open and c.state in states.get(c.procedure, set())
            and c.org_id == scope.org_id]
    ahead = [c for c in all_cases(world.engine) if c.is_open and c.org_id != scope.org_id]
    cases = max(c.id for c in all_cases(world.engine))  # walk_in_order's bound of the rows walked: the ids
    # dense enough for the density rule alone to walk, but the walk passes more rows ahead of the first of them
    # than sorting them all costs
    assert limit * cases * WALK_DEADLINES < len(mine) ** 2
    assert (len(ahead) + limit * cases / len(mine)) * WALK_DEADLINES > len(mine)
    mine.sort(key=lambda c: (c.next_due, c.id))
    result, plans = pages(world, lambda s: world.service.todo(s, scope, today=TODAY, limit=limit))
    assert [i["id"] for i in result["items"]] == [c.id for c in mine[:limit]]
    assert result["total"] == len(mine)
    assert result["overdue"] == sum(c.next_office_due < TODAY for c in mine)
    assert result["due_today"] == sum(c.next_due == TODAY for c in mine)
    if plans:
        assert "TEMP B-TREE" in plans[-1], plans  # sorted: the deadline index not walked


@pytest.mark.parametrize(("who", "status", "procedure", "offset", "walked"), [
    ("wuhou_officer", "open", None, 0, True),  # dense
    ("chengdu_officer", "open", None, 0, True),
    ("chengdu_officer", "all", "protection.mediation", 0, False),  # a fifth: sorted at 560 cases, walked at 100,000
    ("chengdu_officer", "closed", None, 0, False),  # few
    ("wuhou_officer", "all", None, 420, False),  # a deep page
    ("jinjiang_officer", "all", None, 0, False),
])
def test_case_list_pages_equal_the_rows_sorted_in_python(world: World, who: str, status: str, procedure: str | None,
                                                         offset: int, walked: bool) -> None:
    scope = world.scope(who)
    assert scope.org_path is not None
    mine = [c for c in all_cases(world.engine) if c.org_path.startswith(scope.org_path)
            and (c.procedure == procedure if procedure else c.procedure.startswith("protection."))
            and (status == "all" or c.is_open == (status == "open"))]
    mine.sort(key=lambda c: -c.id)
    result, plans = pages(world, lambda s: case_list(s, scope, world.service, "zh", status=status,
                                                     procedure=procedure, offset=offset))
    assert mine and [i["id"] for i in result["items"]] == [c.id for c in mine[offset:offset + 50]]
    assert result["total"] == len(mine)
    if plans and walked:
        assert "TEMP B-TREE" not in plans[0], plans  # newest first by walking the ids, nothing sorted


@pytest.mark.parametrize("status", ["all", "closed"])
def test_a_case_list_of_older_cases_is_sorted_not_walked(world: World, status: str) -> None:
    """An office's cases dense among all but older than the others' — a district's list under 3,000 newer cases of
    another district, its closed cases under every open one — are sorted for the page, not walked to: the walk of the
    ids newest first passes every newer case before the first of them (on SQLite it did, by ``walk_in_order``'s density
    rule alone, as the to-do list's walk did through earlier deadlines; benchmarks/protection_bench.py ``case-list``).
    The list, its total and its first page are the same either way."""
    from zhichan.procedures.scope import WALK_IDS

    scope, jinjiang = world.scope("wuhou_officer"), world.scope("jinjiang_officer")
    created = dt.datetime(2026, 2, 2, 2)
    with world.engine.begin() as conn:  # 3,000 newer cases of Jinjiang's, open
        conn.execute(insert(CASES), [
            {"id": 561 + n, "number": f"J-{n:05d}", "procedure": "protection.complaint", "jurisdiction": "default",
             "revision": 1, "title": f"案件 J{n}", "state": "received", "version": 1, "org_id": jinjiang.org_id,
             "org_path": jinjiang.org_path, "region_code": jinjiang.region_code, "party_user_id": None,
             "party_key": None, "fields": "{}", "is_open": True, "next_due": TODAY, "next_office_due": TODAY,
             "created_at": created, "updated_at": created, "closed_at": None} for n in range(3000)])
        if status == "closed":  # Wuhou's cases closed, all but a few: the old ones
            conn.execute(CASES.update().where(CASES.c.org_id == scope.org_id, CASES.c.id % 50 != 1)
                         .values(is_open=False, state="closed", closed_at=created))
        conn.execute(text("ANALYZE"))
    cases = all_cases(world.engine)
    mine = sorted((c for c in cases if c.org_id == scope.org_id and (status == "all" or not c.is_open)),
                  key=lambda c: -c.id)
    newer = [c for c in cases if c.id > mine[0].id]
    # dense enough for the density rule alone to walk, but the walk passes more newer cases before the first of them
    # than sorting them all costs
    assert 50 * max(c.id for c in cases) * WALK_IDS < len(mine) ** 2
    assert (len(newer) + 50 * max(c.id for c in cases) / len(mine)) * WALK_IDS > len(mine)
    result, plans = pages(world, lambda s: case_list(s, scope, world.service, "zh", status=status))
    assert [i["id"] for i in result["items"]] == [c.id for c in mine[:50]]
    assert result["total"] == len(mine)
    if plans:
        assert "TEMP B-TREE" in plans[-1], plans  # sorted: the ids not walked


@pytest.mark.parametrize("who", ["chengdu_officer", "chengdu_leader", "sc_officer"])
def test_the_own_lists_of_the_offices_above_seek_their_own_cases(world: World, who: str) -> None:
    """The own 我的待办 of a city (its officer, its leader: the upper level's extension of a district's dispute) and of a
    province (a recommendation) over their districts' cases: the list is the case pages' answer (``todo_ids``), and on
    SQLite its count seeks the office's own cases — a part selecting nothing was written ``OR 0 = 1`` beside them, so
    the count read every open case's index entry — and, nothing listed, no page is read (the deadline index walked
    through every open case to find none): ~150–250 CPU-ms at 100,000 cases (benchmarks/protection_bench.py)."""
    from tests.procedures.helpers import PASSWORD, _password_hash, todo_ids
    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Organization, Role

    with session_scope(world.engine) as s:
        sichuan = s.scalar(select(Organization).where(Organization.region_code == "510000"))
        world.users["sc_officer"] = create_user(s, username="sc_officer", password=PASSWORD, role=Role.CASE_OFFICER,
                                                org=sichuan, password_hash=_password_hash()).id
    chengdu = world.scope("chengdu_officer")
    with world.engine.begin() as conn:  # a few of the city's own; a recusal pending in some disputes (the leader's)
        conn.execute(CASES.delete().where(CASES.c.id % 4 != 0))  # a quarter: each case's page is read below
        conn.execute(CASES.update().where(CASES.c.id % 40 == 0).values(
            org_id=chengdu.org_id, org_path=chengdu.org_path, region_code=chengdu.region_code))
        conn.execute(CASES.update().where(CASES.c.procedure == "protection.patent_dispute", CASES.c.id % 3 == 0)
                     .values(awaits_also="bureau_leader"))
        conn.execute(text("ANALYZE"))
    scope = world.scope(who)
    listed = todo_ids(world, who)  # the list, checked case by case against the pages
    assert bool(listed) == (who == "chengdu_officer")  # the city's own cases awaiting its officer; no leader's step
    result, statements = executed(world, lambda s: world.service.todo(s, scope))
    assert result["total"] == len(listed) and {i["id"] for i in result["items"]} <= listed
    pages = [st for st, _ in statements if "ORDER BY procedure_cases.next_due" in st]
    assert len(pages) == (1 if listed else 0)
    if world.engine.dialect.name == "sqlite":
        count, parameters = next((st, p) for st, p in statements if st.startswith("SELECT count(*)"))
        with world.engine.connect() as conn:
            plan = " / ".join(r[3] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {count}", parameters))
        assert "org_id=?" in plan, plan
