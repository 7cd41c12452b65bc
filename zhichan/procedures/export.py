"""Cases reach the analytics engines as Parquet: the workflow database's cases, exported to
``<data_dir>/workflow/cases.parquet`` (replaced atomically), which every snapshot's connection reads
as the table ``cases`` — so case statistics are registered indicators like every other: one SQL
definition each, on DuckDB and Spark, with drill-down to the cases. An export makes no new snapshot
(the search index and the cockpit's caches stay valid).

The export runs in the job runner (``procedures.export``, every ``ZHICHAN_PROCEDURE_EXPORT_SECONDS``)
and as ``zhichan procedures export``. Each case row carries its declaration's cycle clock
(``cycle_clock``, e.g. the closing clock of an adjudication): started (立案), stopped (结案), the days
its pauses excluded, the net days (结案周期 = 结案 − 立案 − 不计入期间, never the naive difference)
and whether it stopped in time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, func, select

from zhichan.corpus.schema import CASES
from zhichan.corpus.store import workflow_dir
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


def export_cases(engine: Engine, registry: ProcedureRegistry, data_dir: Path,
                 now: dt.datetime | None = None, *, if_changed: bool = False) -> Path | None:
    """Write every case to ``<data_dir>/workflow/cases.parquet``; ``if_changed``: nothing (``None``)
    when the last export holds this state of the cases already."""
    today = china_date(now or utcnow())
    version = cases_version(engine)
    folder = workflow_dir(data_dir)
    target, meta = folder / "cases.parquet", folder / "cases.json"
    if if_changed and target.exists() and meta.exists() \
            and json.loads(meta.read_text("utf-8")).get("version") == version:
        return None
    batches = case_rows(engine, registry, today)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".cases-{os.getpid()}.parquet"
    with pq.ParquetWriter(tmp, CASES, compression="zstd") as writer:
        for batch in batches:
            writer.write_batch(batch)
    os.replace(tmp, target)
    meta.write_text(json.dumps({"version": version, "as_of": today.isoformat(),
                                "exported_at": (now or utcnow()).isoformat(timespec="seconds")}), "utf-8")
    return target
