"""A province's own 我的待办 over the priority-examination applications of the offices below it (令85号: the provincial
office recommends, ``office: province``): on a mixed set — applications of a county, a city, another county, the
province itself and another province's county, awaiting the recommendation, in the applicant's cure (running, or run
out), recommended, refused, withdrawn, one filed under a declaration that did not name the office — the list of the
province's officer and of its leader is the case pages' answer (``todo_ids``), and no case is decided one by one in
Python: the office condition is the caller's alone, decided once for the query (each application awaiting the province
was read with its clocks and steps: benchmarks/protection_bench.py, 3,200 of them at 100,000 cases). SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, update

from tests.procedures.helpers import (
    PASSWORD,
    World,
    _password_hash,
    at,
    build_world,
    filed_under_earlier,
    pdf,
    todo_ids,
)
from zhichan.evidence.keys import SigningKey
from zhichan.legaltime import china_today
from zhichan.platform.db import session_scope
from zhichan.procedures.models import Case

D = dt.date
#: the day after the applications were filed, when the offices act on them
FILED_AFTER = D(2026, 9, 15)
PRIORITY = "services.priority_exam"
REQUEST = {"application_number": "CN202610000001.9", "subject": "发明专利申请", "ground": "省市重点发展产业",
           "applicant": "成都示例科技有限公司", "consents": "成都示例科技有限公司", "contact": "张三 028-00000000"}


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> Iterator[World]:
    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Organization, Role

    w = build_world(engine, tmp_path / "files", SigningKey.generate())
    with session_scope(engine) as s:
        sichuan = s.scalar(select(Organization).where(Organization.region_code == "510000"))
        for name, role in (("sc_officer", Role.CASE_OFFICER), ("sc_leader", Role.BUREAU_LEADER)):
            w.users[name] = create_user(s, username=name, password=PASSWORD, role=role, org=sichuan,
                                        password_hash=_password_hash()).id
    yield w


def _file(world: World) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.start(s, world.scope("ent_user"), PRIORITY, fields=REQUEST,
                                   uploads=(pdf("doc0"), pdf("doc1")), now=at(D(2026, 9, 14)))


def _act(world: World, who: str, case: dict[str, Any], event_: str, fields: dict[str, Any], *,
         uploads: tuple[Any, ...] = (), day: dt.date = FILED_AFTER) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        version = s.scalar(select(Case.version).where(Case.id == case["id"]))
        return world.service.act(s, world.scope(who), case["id"], event_, version=version, fields=fields,
                                 uploads=uploads, now=at(day))


def _move(world: World, case: dict[str, Any], officer: str) -> None:
    """The case handled by ``officer``'s office instead of 武侯区's."""
    scope = world.scope(officer)
    with session_scope(world.engine) as s:
        s.execute(update(Case).where(Case.id == case["id"]).values(
            org_id=scope.org_id, org_path=scope.org_path, region_code=scope.region_code))


def _mixed(world: World) -> set[int]:
    """The mixed set; the ids of the applications awaiting the province's recommendation."""
    awaiting = set()
    for office in ("wuhou_officer", "chengdu_officer", "jinjiang_officer"):  # a county's, its city's, another county's
        for _ in range(2):
            case = _file(world)
            if office != "wuhou_officer":
                _move(world, case, office)
            awaiting.add(case["id"])
    own = _file(world)  # the province's own: its own office's steps, not an office below it
    _move(world, own, "sc_officer")
    awaiting.add(own["id"])
    _move(world, _file(world), "hz_officer")  # another province's county: not Sichuan's
    curing = _file(world)  # the applicant's cure running: the case awaits the party
    _act(world, "wuhou_officer", curing, "request_cure", {"items": "补充同意书", "cure_days": 60}, day=china_today())
    ran_out = _file(world)  # the cure period run out: the office's turn again
    _act(world, "wuhou_officer", ran_out, "request_cure", {"items": "补充同意书", "cure_days": 5})
    awaiting.add(ran_out["id"])
    recommended = _file(world)
    _act(world, "sc_officer", recommended, "recommend", {"opinion": "符合推荐条件"}, uploads=(pdf(),))
    _act(world, "wuhou_officer", _file(world), "refuse", {"reasons": "不符合条件"}, uploads=(pdf(),))
    _act(world, "ent_user", _file(world), "withdraw", {"reason": "不再需要"})
    earlier = _file(world)  # filed under a declaration whose recommendation named no office: it follows today's

    def without_office(raw: dict[str, Any]) -> None:
        for t in raw["transitions"]:
            t.pop("office", None)
        raw["states"]["filed"]["awaits"] = ["case_officer"]  # no office's role to await then

    filed_under_earlier(world.engine, earlier["id"], without_office)
    awaiting.add(earlier["id"])
    return awaiting


@pytest.mark.parametrize("who", ["sc_officer", "sc_leader"])
def test_a_provinces_own_list_decides_its_recommendations_in_sql(world: World, who: str) -> None:
    awaiting = _mixed(world)
    listed = todo_ids(world, who)  # the list, checked case by case against the pages
    # the officer is awaited for the recommendation (and, in its own office's case, the refusal); the leader, who
    # may recommend too, is not awaited in a filed application
    assert listed == (awaiting if who == "sc_officer" else set())
    statements: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(world.engine, "before_cursor_execute", seen)
    try:
        with session_scope(world.engine) as s:
            result = world.service.todo(s, world.scope(who))
    finally:
        event.remove(world.engine, "before_cursor_execute", seen)
    assert result["total"] == len(listed) and {i["id"] for i in result["items"]} == listed
    # no application read to be decided in Python (the cases' rows with the party's key, then their clocks and steps):
    # what the case-by-case part reads is other procedures' (the upper level's extension of a dispute, for a leader)
    one_by_one = [(st, p) for st, p in statements if "procedure_cases.party_key" in st]
    assert not [st for st, p in one_by_one
                if PRIORITY in (p.values() if isinstance(p, dict) else p)], one_by_one
