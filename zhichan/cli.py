"""The ``zhichan`` command. Each domain adds its sub-commands from ``zhichan/<domain>/cli.py``."""

from __future__ import annotations

import importlib

import typer
from rich.console import Console

from zhichan import __version__
from zhichan.errors import ZhichanError

app = typer.Typer(
    name="zhichan",
    help="知产 zhichan — 知识产权公共服务与治理平台 / IP public-service and governance platform",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()

#: (command group, module holding a ``app: typer.Typer``). Heavy imports stay inside the commands.
DOMAIN_CLIS: list[tuple[str, str]] = [
    ("corpus", "zhichan.corpus.cli"),
    ("reference", "zhichan.reference.cli"),
    ("evidence", "zhichan.evidence.cli"),
    ("dataip", "zhichan.dataip.cli"),
    ("chains", "zhichan.navigation.cli"),
    ("index", "zhichan.search.cli"),
    ("indicators", "zhichan.indicators.cli"),
    ("procedures", "zhichan.procedures.cli"),
    ("services", "zhichan.services.cli"),
    ("credit", "zhichan.credit.cli"),
    ("exchange", "zhichan.exchange.cli"),
    ("protection", "zhichan.protection.cli"),
    ("finance", "zhichan.finance.cli"),
    ("talent", "zhichan.talent.cli"),
]

#: Top-level commands a domain contributes directly (``zhichan generate``, ``zhichan search``…):
#: (module, function name). Each function is a typer command callback.
TOP_LEVEL_COMMANDS: list[tuple[str, str]] = [
    ("zhichan.corpus.cli", "generate"),
    ("zhichan.corpus.cli", "import_"),
    ("zhichan.demo", "demo"),
    ("zhichan.web.cli", "serve"),
    ("zhichan.navigation.cli", "navigate"),
    ("zhichan.search.cli", "search"),
    ("zhichan.search.cli", "similar"),
]


@app.command()
def version() -> None:
    """打印版本 / Print the version."""
    console.print(f"zhichan {__version__}")


@app.command()
def settings() -> None:
    """列出全部设置及其当前值 / List every setting, its environment variable and current value."""
    from rich.table import Table

    from zhichan.settings import Settings, get_settings

    current = get_settings()
    table = Table("setting", "env", "value", "description")
    for name, field in Settings.model_fields.items():
        table.add_row(name, f"ZHICHAN_{name.upper()}", str(getattr(current, name)), field.description or "")
    console.print(table)


def _register() -> None:
    for name, module in DOMAIN_CLIS:
        app.add_typer(importlib.import_module(module).app, name=name)
    for module, func in TOP_LEVEL_COMMANDS:
        callback = getattr(importlib.import_module(module), func)
        app.command(name=func.rstrip("_").replace("_", "-"))(callback)


_register()


def main() -> None:
    from pydantic import ValidationError

    try:
        app()
    except ZhichanError as exc:
        console.print(f"[red]错误 / error:[/red] {exc.message}")
        raise SystemExit(2) from None
    except ValidationError as exc:  # a ZHICHAN_* variable the settings refuse: each with its name and reason
        if exc.title != "Settings":
            raise
        for error in exc.errors():
            name = f"ZHICHAN_{str(error['loc'][0]).upper()}" if error["loc"] else "ZHICHAN_*"
            reason = str(error["msg"]).removeprefix("Value error, ")
            console.print(f"[red]设置有误 / invalid setting:[/red] {reason if reason.startswith(name) else f'{name}：{reason}'}")
        raise SystemExit(2) from None
