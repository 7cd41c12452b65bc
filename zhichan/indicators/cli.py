"""``zhichan indicators …``: list, compute, drill, plan, levers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from zhichan.progress import console
from zhichan.reference import region_names

app = typer.Typer(help="指标监测、高价值专利、规划目标与抓手 / indicators, high-value patents, plan targets, levers",
                  no_args_is_help=True)
levers_app = typer.Typer(help="抓手 / levers: 10-year mark, annuities due, top holders", no_args_is_help=True)
app.add_typer(levers_app, name="levers")

AsOf = Annotated[str | None, typer.Option("--as-of", help="统计日 YYYY-MM-DD（默认：专利数据截至数据截止日，平台业务数据截至今天） / "
                                                          "as-of date (default: patent data at the last date the corpus "
                                                          "describes, the platform's own records at today)")]
Region = Annotated[str, typer.Option("--region", "-r", help="地区代码（CN=全国） / region code (CN = nation)")]
Engine = Annotated[str, typer.Option(help="计算引擎 duckdb | spark / engine")]
#: the title of a ranking that holds generated parties
SYNTHETIC_HOLDERS = ("合成数据：标“合成”的权利人是生成的虚构主体，名称不指代真实机构 / synthetic data: holders marked "
                     "“synthetic” are generated, fictional parties; their names do not refer to real institutions")


def _as_of(value: str | None) -> dt.date:
    """The levers' date (they read the patent data): given, or the corpus's data end."""
    from zhichan.indicators.dates import parse_date
    from zhichan.indicators.service import data_as_of

    return parse_date(value) if value else data_as_of()


def _given(value: str | None) -> dt.date | None:
    """The as-of date given, or None: each figure at its default date (``service.default_as_of``)."""
    from zhichan.indicators.dates import parse_date

    return parse_date(value) if value else None


def _dates_title(given: dt.date | None, values: list[Any]) -> str:
    """``统计日 …`` with the data end when every figure is at one date (given, or all of one source), else the two
    dates the figures are at (the corpus's data end and today)."""
    from zhichan.indicators.service import figure_dates

    days = sorted({v.as_of for v in values})
    if given is not None or len(days) == 1:
        day = given or days[0]
        return f"统计日 as of {day.isoformat()}" + _coverage_note(day)
    dates = figure_dates(None)
    return (f"专利数据截至 patent data through {dates['corpus']}；平台业务数据截至 platform records through "
            f"{dates['platform']}（今天 today）" + _coverage_note(dt.date.fromisoformat(dates["corpus"])))


def _coverage_note(day: dt.date) -> str:
    """``（数据截至 …）``, and a warning when the as-of date's year is not complete in the corpus."""
    from zhichan.indicators.service import as_of_coverage, data_as_of, data_begins

    cov = as_of_coverage(day, data_as_of(), data_begins())
    note = f"（数据截至 data through {cov['data_as_of']}）"
    if cov["before_data_begin"]:
        note += (f" — 数据始于 {cov['data_begins']}，此前各项为 0 / the data begin on {cov['data_begins']}: "
                 "every figure before is 0")
    if cov["year_incomplete"]:
        note += f" — {cov['year']}年数据不完整 / {cov['year']} is incomplete"
    return note


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):  # money: yuan to the fen, every digit
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}" if abs(value) >= 0.01 or value == 0 else f"{value:.3g}"
    return str(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}%"


def _rank(v: Any) -> str:
    """"3/21", or why there is none: a rank every sibling shares ("1/21" beside twenty other zeros) says nothing."""
    if v.rank is None:
        return "—"
    if v.rank_all_tied:
        same = "均为 0 / all 0" if v.value == 0 else "均相同 / all equal"
        return f"— ({v.rank_of} {same})"
    among = (f"（{v.rank_among} 个中 {v.rank_of} 个有数值 / {v.rank_of} of {v.rank_among} have a value）"
             if v.rank_unvalued else "")
    return f"{v.rank}/{v.rank_of}{among}"


@app.command("list")
def list_() -> None:
    """列出全部指标及定义 / List every indicator and its definition."""
    from zhichan.indicators.service import list_indicators

    table = Table("code", "名称 name", "单位 unit", "口径 as of", "定义 definition")
    for ind in list_indicators():
        table.add_row(ind.code, f"{ind.name_zh}\n{ind.name_en}", ind.unit, ind.as_of, ind.definition)
    console().print(table)


@app.command()
def compute(
    region: Annotated[list[str] | None, typer.Option("--region", "-r", help="地区代码，可多个 / region codes")] = None,
    code: Annotated[list[str] | None, typer.Option("--code", "-c", help="指标代码或中文名，可多个 / indicators")] = None,
    level: Annotated[str | None, typer.Option(help="按层级列出 province | city | county / every region of a level")] = None,
    parent: Annotated[str | None, typer.Option(help="与 --level 合用：上级地区 / with --level: parent region")] = None,
    as_of: AsOf = None,
    engine: Engine = "duckdb",
    xlsx: Annotated[Path | None, typer.Option(help="导出 XLSX / export to XLSX")] = None,
) -> None:
    """计算指标（同比、占上级比重、同级排名） / Compute indicators with 同比, share of parent and rank."""
    from zhichan.errors import InputError
    from zhichan.indicators import service

    day = _given(as_of)
    if level:
        if not code or len(code) != 1:
            raise InputError("--level 需要且仅需要一个 --code / --level needs exactly one --code")
        values = service.compute_level(code[0], level, day, parent=parent, engine=engine)  # type: ignore[arg-type]
    else:
        values = service.compute(code or None, region or ["CN"], day, engine=engine)
    inds = {i.code: i for i in service.list_indicators()}
    table = Table("指标 indicator", "地区 region", "值 value", "单位", "同比 YoY", "同比%", "占上级 share", "排名 rank",
                  title=_dates_title(day, values)
                  + (" — 合成数据 synthetic" if values and values[0].synthetic else ""))
    for v in values:
        table.add_row(inds[v.code].name_zh, f"{region_names(v.region_code)} {v.region_code}", _fmt(v.value), v.unit,
                      _fmt(v.yoy_change), _pct(v.yoy_change_pct),
                      "—" if v.share_of_parent is None else f"{100 * v.share_of_parent:.1f}%",
                      _rank(v))
    console().print(table)
    if xlsx:
        from openpyxl import Workbook

        from zhichan.spreadsheet import xlsx_row

        book = Workbook(write_only=True)
        sheet = book.create_sheet("indicators")
        columns = ["code", "name_zh", "region_code", "region_name", "level", "as_of", "value", "unit", "previous_value",
                   "yoy_change", "yoy_change_pct", "share_of_parent", "rank", "rank_of", "rank_among", "synthetic"]
        sheet.append(columns)
        for v in values:
            row = v.to_dict() | {"name_zh": inds[v.code].name_zh}
            sheet.append(xlsx_row(sheet, [row[c] for c in columns]))
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        book.save(xlsx)
        console().print(f"已导出 / exported: {xlsx}")


@app.command()
def drill(
    code: Annotated[str, typer.Argument(help="指标代码或中文名 / indicator")],
    region: Region = "CN",
    as_of: AsOf = None,
    out: Annotated[Path | None, typer.Option(help="导出文件 .csv 或 .xlsx / export file")] = None,
    limit: Annotated[int, typer.Option(help="屏幕显示行数 / rows shown")] = 20,
) -> None:
    """列出指标背后的记录 / List (and export) the records behind a number."""
    from zhichan.indicators import service

    day = service.figure_as_of(service.registry.get_indicator(code).code, _given(as_of))
    if out:
        path = service.export_drilldown(code, region, day, out)
        console().print(f"已导出 / exported: {path}")
        return
    table = service.drilldown(code, region, day)
    shown = Table(*table.column_names[:8], title=f"{code} {region} {day} — {table.num_rows:,} 条记录 records")
    for row in table.slice(0, limit).to_pylist():
        shown.add_row(*[_fmt(row[c]) for c in table.column_names[:8]])
    console().print(shown)


@app.command()
def plan(
    path: Annotated[Path, typer.Argument(help="规划文件 YAML/XLSX / plan file")],
    as_of: AsOf = None,
    engine: Engine = "duckdb",
) -> None:
    """规划目标进度、所需年均增速与预测 / Plan targets: progress, growth needed, forecast."""
    from zhichan.indicators.plans import load_plan, plan_progress
    from zhichan.progress import rich_progress

    loaded = load_plan(path)
    day = _given(as_of)
    with rich_progress("计算规划目标 / plan targets", total=len(loaded.targets)) as progress:
        rows = plan_progress(loaded, day, engine=engine, progress=progress)
    table = Table("指标 indicator", "地区 region", "基期 base", "现值 current", "目标 target", "完成 progress",
                  "缺口完成 gap closed", "所需年增速 CAGR", "预测 forecast", "能否完成 will meet", title=loaded.name)
    for p in rows:
        table.add_row(
            p.indicator_name, f"{region_names(p.region_code)} {p.region_code}",
            f"{_fmt(p.base_value)} ({p.base_year}, {p.base_value_source})", _fmt(p.current_value),
            f"{_fmt(p.target_value)} ({p.target_year})",
            "—" if p.progress_pct is None else f"{p.progress_pct:.0f}%",
            "—" if p.gap_closed_pct is None else f"{p.gap_closed_pct:.0f}%",
            "—" if p.required_annual_growth is None else f"{100 * p.required_annual_growth:.1f}%",
            f"{_fmt(p.forecast)}\n{p.forecast_method}",
            {True: "[green]是 yes[/green]", False: "[red]否 no[/red]", None: "—"}[p.will_meet],
        )
    console().print(table)


def _print_patents(table: Any, extra: list[str], title: str, out: Path | None) -> None:
    if out:
        import csv

        from zhichan.spreadsheet import csv_row

        plain = table.drop_columns([c for c in table.column_names if c == "sei_codes"])
        with open(out, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens Chinese correctly
            writer = csv.writer(fh)
            writer.writerow(plain.column_names)
            for batch in plain.to_batches(10_000):
                writer.writerows(csv_row(row.values()) for row in batch.to_pylist())
        console().print(f"已导出 / exported: {out}")
        return
    shown = Table("application_number", "title", "first_patentee", "application_date", *extra,
                  title=f"{title}: {table.num_rows:,}")
    for row in table.slice(0, 30).to_pylist():
        shown.add_row(row["application_number"], row["title"], row["first_patentee"] or "",
                      str(row["application_date"]), *[str(row[c]) for c in extra])
    console().print(shown)


@levers_app.command("ten-years")
def ten_years(region: Region = "CN", months: int = 12, as_of: AsOf = None,
              out: Annotated[Path | None, typer.Option(help="导出 CSV / export CSV")] = None) -> None:
    """即将满10年（将成为高价值）的有效发明专利 / Valid inventions reaching 10 years within N months."""
    from zhichan.indicators.levers import approaching_ten_years

    table = approaching_ten_years(region, months, _as_of(as_of))
    _print_patents(table, ["ten_year_date"], f"{months} 个月内满10年 / reaching 10 years within {months} months", out)


@levers_app.command()
def annuity(region: Region = "CN", months: int = 3, as_of: AsOf = None,
            out: Annotated[Path | None, typer.Option(help="导出 CSV / export CSV")] = None) -> None:
    """年费即将到期的有效发明专利（失效风险） / Valid inventions whose annuity falls due within N months."""
    from zhichan.indicators.levers import annuity_due

    table = annuity_due(region, months, _as_of(as_of))
    _print_patents(table, ["due_date", "annuity_year"], f"{months} 个月内年费到期 / annuity due within {months} months", out)


@levers_app.command()
def top(code: Annotated[str, typer.Argument(help="指标 / indicator")], region: Region = "CN", as_of: AsOf = None,
        n: Annotated[int, typer.Option("-n", help="前 N 名 / top N")] = 20,
        enterprises_only: Annotated[bool, typer.Option(help="仅企业 / enterprises only")] = False) -> None:
    """对指标贡献最大的权利人 / Holders ranked by their contribution to an indicator."""
    from zhichan.indicators.levers import top_contributors

    rows = top_contributors(code, region, _as_of(as_of), n, party_types=("enterprise",) if enterprises_only else None)
    synthetic = any(r["synthetic"] for r in rows)
    table = Table("#", "权利人 holder", "类型 type", "贡献 contribution", "记录 records", "占比 share",
                  title=SYNTHETIC_HOLDERS if synthetic else None)
    for r in rows:
        table.add_row(str(r["rank"]), (r["holder"] or "") + (" （合成 synthetic）" if r["synthetic"] else "")
                      + (f"\n{r['holder_en']}" if r["holder_en"] else ""),
                      r["holder_type"] or "", _fmt(r["contribution"]),
                      _fmt(r["records"]), "—" if r["share"] is None else f"{100 * r['share']:.1f}%")
    console().print(table)
