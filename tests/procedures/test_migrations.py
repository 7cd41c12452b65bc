"""procedures_0005 and 0006 on SQLite and PostgreSQL: open cases of a database upgraded from procedures_0004 get who a
running period awaits (``awaits_until``, ``awaits_by``) from their clocks — a running cure in the state it runs in,
one whose last day has passed (kept: the to-do's ``>= today`` falls back to the state), a paused one, one in a state
it does not run in, a closed case — and whom a pending request awaits (``awaits_also``) from their steps, as the
engine writes it, when the platform next starts (``refresh_expected``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from zhichan.platform.db import alembic_config, make_engine, session_scope
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import NO_PERIOD
from zhichan.procedures.service import ProcedureService
from zhichan.web.testing import seed


def test_open_cases_get_who_a_running_period_awaits(db_url: str) -> None:
    engine = make_engine(db_url)
    cfg = alembic_config(engine)
    for head in ScriptDirectory.from_config(cfg).get_heads():  # every other branch at its head
        command.upgrade(cfg, "procedures_0004" if head.startswith("procedures_") else head)
    seed(engine)
    at = dt.datetime(2026, 3, 2, 2, 0)
    meta = sa.MetaData()
    with engine.begin() as con:
        org_id, path = con.execute(sa.text("SELECT id, path FROM platform_organizations ORDER BY id")).first()  # type: ignore[misc]
        cases = sa.Table("procedure_cases", meta, autoload_with=con)
        clocks = sa.Table("procedure_clocks", meta, autoload_with=con)
        ids = {}
        for label, procedure, state, is_open in [
                ("cure", "protection.patent_dispute", "filed", True), ("past", "protection.patent_dispute", "filed", True),
                ("paused", "protection.patent_dispute", "filed", True),
                ("elsewhere", "protection.patent_dispute", "accepted", True),
                ("recusal", "protection.patent_dispute", "accepted", True),
                ("decided", "protection.patent_dispute", "accepted", True),
                ("closed", "protection.patent_dispute", "filed", False), ("pledge", "finance.pledge", "confirmed", True),
                ("none", "finance.pledge", "applied", True)]:
            ids[label] = con.execute(cases.insert().values(
                number=f"X-{label}", procedure=procedure, jurisdiction="default", revision=1, title=label, state=state,
                version=1, org_id=org_id, org_path=path, region_code="510107", fields="{}", is_open=is_open,
                next_due=dt.date(9999, 12, 31), created_at=at, updated_at=at)).inserted_primary_key[0]
        con.execute(clocks.insert(), [
            {"case_id": ids[label], "name": "cure", "amount": 15, "unit": "day", "started_at": at, "status": status,
             "pauses": "[]", "extensions": "[]", "due_on": due, "warned": 0}
            for label, status, due in [("cure", "running", dt.date(2099, 3, 17)), ("past", "running", dt.date(2026, 3, 17)),
                                       ("paused", "paused", dt.date(2099, 3, 17)),
                                       ("elsewhere", "running", dt.date(2099, 3, 17)),
                                       ("closed", "running", dt.date(2099, 3, 17)),
                                       ("pledge", "running", None)]])  # a date not yet computable: runs on
        steps = sa.Table("procedure_steps", meta, autoload_with=con)
        con.execute(steps.insert(), [  # a recusal request pending, and one decided
            {"case_id": ids[label], "seq": seq, "event": event, "from_state": "accepted", "to_state": "accepted",
             "username": "x", "role": "case_officer", "at": at, "fields": "{}", "documents": "[]"}
            for label, events in [("recusal", ["decide_recusal", "request_recusal"]),
                                  ("decided", ["request_recusal", "decide_recusal"])]
            for seq, event in enumerate(events, start=2)])
    command.upgrade(cfg, "heads")
    with session_scope(engine) as session:  # the platform's start (zhichan.web.app's lifespan)
        service = ProcedureService(engine, ProcedureRegistry.load(), cast(Any, None), Path())  # no evidence read
        assert "protection.patent_dispute" in service.refresh_expected(session)
    with engine.connect() as con:
        found = {title: (dt.date.fromisoformat(str(until)[:10]), by, also) for title, until, by, also in con.execute(
            sa.text("SELECT title, awaits_until, awaits_by, awaits_also FROM procedure_cases"))}
    none = (NO_PERIOD, "", "")
    assert found == {"cure": (dt.date(2099, 3, 17), "party", ""), "past": (dt.date(2026, 3, 17), "party", ""),
                     "paused": none, "elsewhere": none, "closed": none,
                     "pledge": (dt.date(9999, 12, 31), "party", ""), "none": none,
                     "recusal": (NO_PERIOD, "", "bureau_leader"), "decided": none}
    with session_scope(engine) as session:  # a second start finds nothing changed
        assert service.refresh_expected(session) == []
    command.downgrade(cfg, "procedures@procedures_0004")
    with engine.connect() as con:
        assert "awaits_until" not in {c["name"] for c in sa.inspect(con).get_columns("procedure_cases")}
    engine.dispose()
