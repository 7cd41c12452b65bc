"""``zhichan finance …``: registered pledges into the corpus, the risk-compensation funds and their ledgers."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="知识产权金融 / IP finance", no_args_is_help=True)


@app.command("export-events")
def export_events_command() -> None:
    """质押登记（及解除）写入语料事件，生成新快照 / Write registered pledges (and releases) into the corpus events."""
    from zhichan.finance.export import export_events
    from zhichan.platform.db import make_engine, session_scope

    engine = make_engine()
    try:
        with session_scope(engine) as session:
            result = export_events(session)
    finally:
        engine.dispose()
    Console().print(result["message"], f"（事件 {result['events']}，新增 {result['added']}，移除 {result['removed']}）")


@app.command()
def funds() -> None:
    """风险补偿资金：分担比例、余额与账本核对 / The funds: shares, balance, and the ledger checked."""
    from zhichan.finance.funds import load_funds, verify_ledger
    from zhichan.platform.db import make_engine, session_scope
    from zhichan.settings import get_settings

    engine = make_engine()
    table = Table("code", "title", "shares", "covers", "rows", "balance", "balanced")
    try:
        with session_scope(engine) as session:
            for code, rules in load_funds(get_settings().finance_fund_dir).items():
                ok, rows, balance = verify_ledger(session, code)
                shares = " : ".join(f"{p.zh} {p.share:g}" for p in rules.participants)
                table.add_row(code, rules.title.zh, shares, rules.covers, str(rows), f"{balance:,.2f}",
                              "✓" if ok else "✗ 不平 / NOT balanced")
    finally:
        engine.dispose()
    Console().print(table)
