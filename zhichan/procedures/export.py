"""Cases reach the analytics engines as Parquet: the workflow database's cases, exported into a new
corpus snapshot (table ``cases``, every other table carried over), so case statistics are
registered indicators like every other — one SQL definition each, on DuckDB and Spark, with
drill-down to the cases, and reproducible as of a snapshot.

The export runs in the job runner (``procedures.export``, every ``ZHICHAN_PROCEDURE_EXPORT_SECONDS``)
and as ``zhichan procedures export``. Each case row carries its declaration's cycle clock
(``cycle_clock``, e.g. the closing clock of an adjudication): started (立案), stopped (结案), the days
its pauses excluded, the net days (结案周期 = 结案 − 立案 − 不计入期间, never the naive difference)
and whether it stopped in time.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pyarrow as pa
from sqlalchemy import Engine, func, select

from zhichan.corpus.schema import CASES
from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.legaltime import china_date
from zhichan.legaltime.clocks import Pause, net_days
from zhichan.platform.db import session_scope
from zhichan.platform.models import utcnow
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import NO_DEADLINE, Case, CaseClock

BATCH = 50_000


def _pauses(raw: str) -> list[Pause]:
    return [Pause(dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]) if p["end"] else None,
                  p.get("reason", "")) for p in json.loads(raw or "[]")]


def _clock_row(clock: Any, today: dt.date) -> tuple[dt.date, dt.date | None, int, int | None, bool | None, bool]:
    """(started, stopped, paused days, net days, in time, overdue) of one clock as of ``today``."""
    started = china_date(clock.started_at)
    stopped = china_date(clock.stopped_at) if clock.stopped_at else None
    pauses = _pauses(clock.pauses)
    until = stopped or today
    net = net_days(started, until, pauses)
    paused = (until - started).days - net
    due = clock.due_on
    in_time = None if stopped is None or due is None else stopped <= due
    overdue = due is not None and (stopped > due if stopped else today > due)
    return started, stopped, paused, (net if stopped else None), in_time, overdue


def case_rows(engine: Engine, registry: ProcedureRegistry, today: dt.date) -> list[pa.RecordBatch]:
    """Every case as a row of the ``cases`` table (in batches)."""
    cycle_of: dict[tuple[str, str], str | None] = {d.key: d.cycle_clock for d in registry.all()}
    party_clocks = {(d.procedure, d.jurisdiction, name) for d in registry.all() for name, c in d.clocks.items()
                    if c.binds == "party"}
    batches: list[pa.RecordBatch] = []
    with session_scope(engine) as s:
        last = 0
        while True:
            cases = s.execute(select(Case.id, Case.number, Case.procedure, Case.jurisdiction, Case.state, Case.is_open,
                                     Case.region_code, Case.party_key, Case.created_at, Case.closed_at, Case.synthetic)
                              .where(Case.id > last).order_by(Case.id).limit(BATCH)).all()
            if not cases:
                break
            last = cases[-1].id
            clocks: dict[int, list[Any]] = {}
            for c in s.execute(select(CaseClock.case_id, CaseClock.name, CaseClock.started_at, CaseClock.stopped_at,
                                      CaseClock.pauses, CaseClock.due_on)
                               .where(CaseClock.case_id >= cases[0].id, CaseClock.case_id <= last)):
                clocks.setdefault(c.case_id, []).append(c)
            columns: dict[str, list[Any]] = {f.name: [] for f in CASES}
            for case in cases:
                cycle_name = cycle_of.get((case.procedure, case.jurisdiction))
                overdue = 0
                cycle: tuple[Any, ...] = (None, None, None, None, None, False)
                for clock in clocks.get(case.id, ()):
                    values = _clock_row(clock, today)
                    office = (case.procedure, case.jurisdiction, clock.name) not in party_clocks
                    overdue += office and values[5] and clock.due_on != NO_DEADLINE
                    if clock.name == cycle_name:
                        cycle = values
                row = {
                    "case_id": case.id, "number": case.number, "procedure": case.procedure,
                    "domain": case.procedure.split(".", 1)[0], "jurisdiction": case.jurisdiction, "state": case.state,
                    "is_open": case.is_open, "region_code": case.region_code, "party_key": case.party_key,
                    "opened_on": china_date(case.created_at),
                    "closed_on": china_date(case.closed_at) if case.closed_at else None,
                    "cycle_started_on": cycle[0], "cycle_stopped_on": cycle[1], "cycle_paused_days": cycle[2],
                    "cycle_days": cycle[3], "cycle_in_time": cycle[4], "overdue_clocks": overdue,
                    "synthetic": bool(case.synthetic),
                }
                for name, value in row.items():
                    columns[name].append(value)
            batches.append(pa.RecordBatch.from_pydict(columns, schema=CASES))
    return batches


def cases_version(engine: Engine) -> str:
    """Changes whenever a case is opened or moves (count and latest update)."""
    with session_scope(engine) as s:
        count, latest = s.execute(select(func.count(Case.id), func.max(Case.updated_at))).one()
    return f"{count}:{latest.isoformat() if latest else ''}"


def export_cases(engine: Engine, registry: ProcedureRegistry, store: CorpusStore,
                 now: dt.datetime | None = None, *, if_changed: bool = False) -> Snapshot | None:
    """A new snapshot whose ``cases`` table is the workflow database now; every other table is the
    current snapshot's (linked, not copied). ``if_changed``: nothing (``None``) when the current
    snapshot already holds this state of the cases, or when there is no corpus yet."""
    today = china_date(now or utcnow())
    version = cases_version(engine)
    if if_changed:
        current = store.current_or_none()
        if current is None:
            return None
        block = current.manifest.get("import") or {}
        if block.get("cases_version") == version or (version.startswith("0:") and not current.counts.get("cases")):
            return None
    batches = case_rows(engine, registry, today)
    with store.writer() as writer:
        writer.replace("cases", batches)
        return writer.commit({"source": "platform:procedures", "kind": "cases_export", "as_of": today.isoformat(),
                              "cases_version": version})
