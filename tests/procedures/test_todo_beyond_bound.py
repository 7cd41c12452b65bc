"""辖区待办 over more open cases decided case by case than one statement binds (SQLite and PostgreSQL): the cases
whose steps a clock allows are read in batches (``zhichan.platform.inlists``), not as one ``IN`` list of every
candidate — an area with a province's open credit listings had a 500."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, insert

from tests.helpers import stock_sqlite_limits
from tests.procedures.helpers import build_world
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope
from zhichan.procedures.service import CASES, CLOCKS

TODAY = dt.date(2026, 12, 7)


def test_an_areas_to_do_list_reads_its_cases_whatever_their_number(engine: Engine, tmp_path: Path) -> None:
    # more candidates than one statement binds: SQLite's stock 32,766, PostgreSQL's 65,535
    n = 33_000 if engine.dialect.name == "sqlite" else 66_000
    stock_sqlite_limits(engine)
    world = build_world(engine, tmp_path / "files", SigningKey.generate())
    wuhou = world.scope("wuhou_officer")
    created = dt.datetime(2025, 6, 2, 2)
    cases, clocks, lapsed = [], [], 0
    for i in range(1, n + 1):
        # a listed subject's term: ended for every third case (its removal is due), running for the others
        due = TODAY - dt.timedelta(days=1 + i % 30) if i % 3 == 0 else TODAY + dt.timedelta(days=1 + i % 30)
        lapsed += due < TODAY
        cases.append({"id": i, "number": f"XY-{i:06d}", "procedure": "credit.listing", "jurisdiction": "default",
                      "revision": 1, "title": f"列入 {i}", "state": "listed", "version": 1, "org_id": wuhou.org_id,
                      "org_path": wuhou.org_path, "region_code": wuhou.region_code, "party_user_id": None,
                      "party_key": None, "fields": "{}", "is_open": True, "next_due": due, "next_office_due": due,
                      "created_at": created, "updated_at": created, "closed_at": None})
        clocks.append({"case_id": i, "name": "term", "amount": 1, "unit": "year", "started_at": created,
                       "status": "running", "pauses": "[]", "extensions": "[]", "due_on": due, "due_at": None,
                       "warn_on": None, "due_problem": None, "warned": 0, "alert_on": None, "stopped_at": None})
    with engine.begin() as conn:
        conn.execute(insert(CASES), cases)
        conn.execute(insert(CLOCKS), clocks)
    with session_scope(engine) as s:
        listed = world.service.todo(s, world.scope("chengdu_officer"), area=True, limit=50, today=TODAY)
    # the removals due (the platform's job takes them; the area sees them waiting): every lapsed term, no running one
    assert listed["total"] == lapsed == n // 3
    assert all(int(item["number"][3:]) % 3 == 0 for item in listed["items"])
