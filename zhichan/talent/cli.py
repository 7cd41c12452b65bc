"""``zhichan talent …``: the declared kinds, and importing an existing roster (CSV/XLSX) with a rejects report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="人才库、专家库 / the talent and expert library", no_args_is_help=True)


@app.command("kinds")
def kinds() -> None:
    """列出人员类别 / The declared kinds (kinds.yaml and the bureau's file)."""
    from zhichan.talent.service import kinds as declared

    for k in declared().values():
        Console().print(f"{k.code}\t{k.zh}\t{k.en}\t{'证书 certificate' if k.certificate else ''}")


@app.command("import")
def import_roster(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="名册 CSV 或 XLSX / the roster")],
    username: Annotated[str, typer.Option("--as", help="录入人员的管理部门账号 / the officer's account entering it")],
    rejects: Annotated[Path | None, typer.Option(help="未导入行的报告 CSV / write the rejects report here")] = None,
) -> None:
    """导入已有名册（每个问题一行：行号、列、值、原因） / Import a roster; every bad row is reported."""
    from sqlalchemy import select

    from zhichan.errors import InputError
    from zhichan.platform.db import make_engine, session_scope, upgrade
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.settings import get_settings
    from zhichan.talent.importer import import_roster as run

    engine = make_engine(get_settings().effective_database_url)
    upgrade(engine)
    try:
        with session_scope(engine) as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None or not user.is_active:
                raise InputError(f"没有可用账号 {username} / no active account {username}")
            report = run(session, scope_for_user(session, user), file.read_bytes(), file.name)
    finally:
        engine.dispose()
    console = Console()
    summary = report.as_dict()
    console.print(f"已导入 {summary['imported']} 人，{summary['rejected_rows']} 行未导入 / imported {summary['imported']}, "
                  f"{summary['rejected_rows']} rows rejected")
    for r in report.rejects[:50]:
        console.print(f"  第 {r['line']} 行 line {r['line']} · {r['column']} = {str(r['value'])[:40]!r}: {r['reason']}",
                      markup=False)
    if rejects is not None:
        rejects.write_text(report.rejects_csv(), "utf-8-sig")
    if report.rejects:
        raise typer.Exit(1)
