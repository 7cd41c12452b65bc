"""``zhichan navigate CHAIN --as-of DATE --format docx|pdf|html`` and ``zhichan chains …``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

if TYPE_CHECKING:
    from sqlalchemy import Engine

app = typer.Typer(help="产业链（专利导航）/ industry chains for patent navigation", no_args_is_help=True)
console = Console()


def _engine() -> Engine:
    from zhichan.platform.db import make_engine, upgrade

    engine = make_engine()
    upgrade(engine)
    return engine


def _date(value: str) -> dt.date:
    from zhichan.errors import InputError

    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: {value}") from exc


def navigate(
    chain: Annotated[str, typer.Argument(help="产业链代码（zhichan chains list） / chain code")],
    as_of: Annotated[str, typer.Option("--as-of", help="统计截止日 YYYY-MM-DD / as-of date")],
    fmt: Annotated[list[str], typer.Option("--format", "-f", help="docx | pdf | html（可重复 / repeatable）")] = ["docx"],  # noqa: B006 - typer needs a literal default
    region: Annotated[str | None, typer.Option(help="本地区划代码（默认产业链所在地） / home region code")] = None,
    out: Annotated[Path | None, typer.Option(help="输出文件或目录 / output file or folder")] = None,
    generated_at: Annotated[str | None, typer.Option(
        help="固定生成时间（ISO 8601，用于重现报告） / pin the generation time (to regenerate a report identically)")] = None,
    lang: Annotated[list[str], typer.Option("--lang", help="报告语言 zh | en（可重复） / report language (repeatable)")] = ["zh"],  # noqa: B006 - typer needs a literal default
) -> None:
    """生成产业链专利导航报告 / Generate a patent navigation report for an industry chain."""
    from zhichan.navigation.service import generate_report
    from zhichan.progress import rich_progress

    engine = _engine()
    pinned = dt.datetime.fromisoformat(generated_at) if generated_at else None
    if pinned is not None and pinned.tzinfo is None:
        pinned = pinned.replace(tzinfo=dt.UTC)
    with rich_progress("专利导航分析 / analysing") as progress:
        outcome = generate_report(chain, _date(as_of), fmt, region_code=region, out=out, engine=engine,
                                  generated_at=pinned, languages=lang, progress=progress)
    o = outcome.result.overview
    console.print(f"{outcome.document.title}: 专利 {o['patents']:,} 件，本地 {o['local']:,} 件；快照 {outcome.result.snapshot_id}")
    for kind, path in outcome.files.items():
        console.print(f"  {kind}: [bold]{path}[/bold]")


@app.command("list")
def list_() -> None:
    """列出产业链 / List industry chains (shipped and imported)."""
    from zhichan.navigation.service import list_chains

    table = Table(Column("code", no_wrap=True), Column("名称", no_wrap=True), "English name", "本地", "分支", "版本", "来源",
                  Column("hash", no_wrap=True))
    for c in list_chains(_engine()):
        table.add_row(c.code, c.name, c.name_en or "—", c.home_region, str(c.branches), str(c.version), c.source,
                      c.definition_hash[:12])
    console.print(table)


@app.command("show")
def show(chain: Annotated[str, typer.Argument(help="产业链代码 / chain code")]) -> None:
    """显示技术分解表 / Show a chain's decomposition tree and queries."""
    from zhichan.navigation.service import get_chain

    c = get_chain(chain, _engine())
    english = f" {c.name_en}" if c.name_en else ""
    console.print(f"[bold]{c.name}[/bold]{english} ({c.code}) 本地 / home region {c.home_region} "
                  f"版本 / version {c.version} hash {c.definition_hash()}")
    table = Table(Column("id", no_wrap=True), "名称", "English name", "层级", "检索式 / query")
    for b in c.branches:
        indent = "  " * (b.level - 1)
        table.add_row(b.id, indent + b.name, indent + b.name_en if b.name_en else "—", str(b.level), b.query)
    console.print(table)


@app.command("import")
def import_(path: Annotated[Path, typer.Argument(help=".yaml 或 .xlsx")]) -> None:
    """导入/更新产业链（校验检索式） / Import or update a chain from YAML or XLSX (queries validated)."""
    from zhichan.navigation.service import import_chain

    c = import_chain(path, _engine())
    console.print(f"已保存 / saved {c.code} 版本 / version {c.version} ({len(c.branches)} 个分支 / branches)")


@app.command("export")
def export(
    chain: Annotated[str, typer.Argument(help="产业链代码 / chain code")],
    out: Annotated[Path, typer.Option(help="输出 .yaml 或 .xlsx / output file")],
) -> None:
    """导出产业链 / Export a chain to YAML or XLSX."""
    from zhichan.navigation.service import export_chain

    export_chain(chain, out, _engine())
    console.print(f"已导出 / exported {out}")


@app.command("schedule")
def schedule(
    chain: Annotated[str, typer.Argument(help="产业链代码 / chain code")],
    region: Annotated[str | None, typer.Option(help="本地区划代码 / home region code")] = None,
    fmt: Annotated[list[str], typer.Option("--format", "-f", help="docx | pdf | html")] = ["docx", "pdf"],  # noqa: B006
) -> None:
    """按季度生成报告 / Schedule a chain's report every quarter."""
    from zhichan.navigation.service import schedule_chain

    s = schedule_chain(_engine(), chain, region_code=region, formats=fmt)
    console.print(f"已排期 / scheduled {s.chain_code} ({s.region_code}) 下一期 / next quarter end {s.next_as_of}")


@app.command("run-due")
def run_due(
    today: Annotated[str | None, typer.Option(help="视为今天的日期 / treat this date as today")] = None,
    out: Annotated[Path | None, typer.Option(help="输出目录 / output folder")] = None,
) -> None:
    """运行到期的季度报告（可放入 cron） / Run the quarterly reports that are due (cron-friendly)."""
    from zhichan.navigation.service import run_due as service_run_due

    done = service_run_due(_engine(), today=_date(today) if today else None, out=out)
    if not done:
        console.print("没有到期的报告 / nothing due")
    for outcome in done:
        r = outcome.result
        console.print(f"{r.chain.code} {r.region_code} 截至 {r.as_of}: run {outcome.run_id} → "
                      + ", ".join(str(p) for p in outcome.files.values()))
