"""``zhichan services …``: the service catalogue and the priority-examination deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="公共服务：服务事项清单、优先审查期限 / public services: catalogue, priority-examination deadlines",
                  no_args_is_help=True)
console = Console()


@contextmanager
def _refused(bad_input: str) -> Iterator[None]:
    """A date or subject that does not parse (``bad_input``, both languages) or a refusal of the rules, printed
    as a message with exit code 2 instead of a traceback."""
    from zhichan.errors import ZhichanError

    try:
        yield
    except ValueError:
        console.print(f"[red]{bad_input}[/red]")
        raise typer.Exit(2) from None
    except ZhichanError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None


@app.command("catalogue")
def catalogue_command(region: str = typer.Option("", help="地区代码（本地声明）/ region code")) -> None:
    """Print the shipped catalogue as it applies in ``region`` (declarations; a bureau's web edits are not shown)."""
    from zhichan.procedures.declaration import ProcedureRegistry
    from zhichan.services.catalogue import check_catalogue, shipped_entries
    from zhichan.settings import get_settings

    registry = ProcedureRegistry.load(get_settings().procedure_dir)
    check_catalogue(registry)
    table = Table("编码", "事项", "依据", "承诺时限", "收费（元）", "程序")
    for e in shipped_entries():
        decl = registry.for_region(e.procedure, region or None)
        clock = decl.clocks[e.time_limit_clock]
        table.add_row(e.code, decl.title.zh, decl.basis, f"{clock.amount} {clock.unit}", f"{e.fee_yuan:.2f}", e.procedure)
    console.print(table)


@app.command("priority-deadlines")
def priority_deadlines(subject: str = typer.Argument(..., help="invention|utility_model|design|reexamination|invalidation"),
                       notice_date: str = typer.Argument(..., help="通知书发文日 YYYY-MM-DD"),
                       design: bool = typer.Option(False, help="无效宣告的对象为外观设计 / the invalidated patent is a design")) -> None:
    """CNIPA's deadlines under 令85号 from a notice date."""
    from zhichan.legaltime import Due, published
    from zhichan.services.priority import examination_deadlines

    with _refused("日期应为 YYYY-MM-DD，事项应为 invention/utility_model/design/reexamination/invalidation / "
                  "a YYYY-MM-DD date and a known subject"):
        due = examination_deadlines(subject, dt.date.fromisoformat(notice_date), design=design)
    def shown(day: dt.date | None) -> str:
        return "—" if day is None else Due(day, provisional=not published(day.year), year=day.year).text("zh")

    if due.first_action:
        console.print(f"第一次审查意见通知书 / first action: {shown(due.first_action)}")
    console.print(f"结案 / closure: {shown(due.closure)}")
    if due.problem:
        console.print(f"[yellow]{due.problem}[/yellow]")


@app.command("priority-response")
def priority_response(subject: str = typer.Argument(..., help="invention|utility_model|design"),
                      sent_on: str = typer.Argument(..., help="审查意见通知书发文日 YYYY-MM-DD"),
                      received_on: str = typer.Option("", help="能证明的实际收到日 / proven day of receipt"),
                      electronic: bool = typer.Option(False, help="电子形式送达 / served electronically")) -> None:
    """The applicant's last day to respond to an examination opinion under 令85号 (invention 1 month, utility
    model and design 15 days, from receipt; by post presumed 15 days after sending)."""
    from zhichan.services.priority import response_deadline

    with _refused("日期应为 YYYY-MM-DD 且收到日不早于发文日，事项应为 invention/utility_model/design / a YYYY-MM-DD "
                  "date, received no earlier than sent, and invention, utility_model or design"):
        received = dt.date.fromisoformat(received_on) if received_on else None
        due = response_deadline(subject, dt.date.fromisoformat(sent_on), received_on=received, electronic=electronic)
    console.print(f"答复期限届满日 / last day to respond: {due}")
