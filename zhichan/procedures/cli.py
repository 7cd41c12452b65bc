"""``zhichan procedures …``: the declared procedures, legal periods, and the deadline sweep."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from zhichan.progress import console

if TYPE_CHECKING:
    from zhichan.procedures.declaration import ProcedureRegistry

app = typer.Typer(help="办理程序与法定期限 / procedures and legal periods", no_args_is_help=True)


def _registry() -> ProcedureRegistry:
    from zhichan.legaltime import load_schedule_file
    from zhichan.procedures.declaration import ProcedureRegistry
    from zhichan.settings import get_settings

    settings = get_settings()
    if settings.holiday_schedule_file is not None:
        load_schedule_file(settings.holiday_schedule_file)
    return ProcedureRegistry.load(settings.procedure_dir)


@app.command("list")
def list_() -> None:
    """已声明的办理程序（随附与本地） / The declared procedures (shipped and local)."""
    table = Table("procedure", "jurisdiction", "title", "basis", "states", "steps")
    for d in _registry().all():
        table.add_row(d.procedure, d.jurisdiction, d.title.zh, d.basis, str(len(d.states)), str(len(d.transitions)))
    console().print(table)


@app.command()
def show(procedure: str, region: Annotated[str, typer.Option(help="办理机关所在地区代码 / region code")] = "") -> None:
    """一个程序在某地适用的步骤与期限 / A procedure's steps and clocks as they apply in a region."""
    from zhichan.procedures.declaration import period_text

    d = _registry().for_region(procedure, region or None)
    console().print(f"{d.title.zh} / {d.title.en} — {d.basis} [jurisdiction {d.jurisdiction}]")
    clocks = Table("clock", "period", "basis", "warn before (days)")
    for name, c in d.clocks.items():
        clocks.add_row(f"{name} {c.title.zh}", period_text(c.amount, c.unit, "zh"), c.basis, str(c.warn_before_days))
    console().print(clocks)
    steps = Table("step", "from → to", "who", "clocks")
    for t in d.transitions:
        who = ", ".join([*map(str, t.roles), *(["party"] if t.party else []),
                         *(["counterparty"] if t.counterparty else [])])
        moves = " ".join(f"{verb}:{','.join(names)}" for verb, names in (
            ("start", t.starts), ("stop", t.stops), ("pause", t.pauses), ("resume", t.resumes)) if names)
        if t.extends:
            moves += f" extend:{t.extends.clock}+{t.extends.amount}{t.extends.unit}"
        steps.add_row(f"{t.event} {t.title.zh}", f"{'/'.join(t.source)} → {t.target}", who, moves)
    console().print(steps)


@app.command()
def period(
    event: Annotated[str, typer.Argument(help="触发事件日 YYYY-MM-DD / the triggering event's date")],
    amount: int,
    unit: Annotated[str, typer.Argument(help="working_day | day | month | year")] = "working_day",
) -> None:
    """期间届满日（民法典 第二百零一条至第二百零三条，含调休；放假安排未公布的年份为暂定日期） / The last day of a period (civil
    code, official holidays; provisional in a year whose schedule is not published)."""
    from zhichan.errors import InputError
    from zhichan.legaltime import period_due

    _registry()  # loads the operator's holiday schedule file, if any
    if unit not in ("working_day", "day", "month", "year"):
        raise InputError(f"单位无效：{unit} / unknown unit {unit}")
    try:
        day = dt.date.fromisoformat(event)
    except ValueError:
        raise InputError(f"日期无效：{event}（应为 YYYY-MM-DD） / not a date: {event} (YYYY-MM-DD)") from None
    if amount < 1:
        raise InputError(f"期间至少为 1：{amount} / a period lasts at least one unit: {amount}")
    # a year whose holiday schedule is not published: the provisional date, marked so
    typer.echo(period_due(day, amount, unit).text("zh"))  # type: ignore[arg-type]


@app.command()
def sweep() -> None:
    """立即执行一次期限预警扫描（平台的任务进程会定时执行） / Run the deadline sweep once (the job runner runs it)."""
    from zhichan.platform.db import make_engine, session_scope
    from zhichan.settings import get_settings
    from zhichan.web.app import open_procedures

    engine = make_engine()
    service = open_procedures(get_settings(), engine)  # the open cases' rows as the declarations now say (the start's)
    try:
        with session_scope(engine) as session:
            console().print(service.sweep(session))
    finally:
        engine.dispose()


@app.command("export")
def export() -> None:
    """导出办件及各模块业务表供统计（统计指标据此计算；平台的任务进程会定时执行） / Export the cases and the
    domains' workflow tables for the statistics (the job runner does it periodically)."""
    import pyarrow.parquet as pq

    from zhichan.figures import export_workflow
    from zhichan.platform.db import make_engine, upgrade
    from zhichan.settings import get_settings

    engine = make_engine()
    upgrade(engine)
    for path in export_workflow(engine, _registry(), get_settings().data_dir):
        console().print(f"{path}: {pq.read_metadata(path).num_rows} 行 rows")
