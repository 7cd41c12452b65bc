"""``zhichan talent …``: the declared kinds, and importing an existing roster (CSV/XLSX) with a rejects report."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(help="人才库、专家库 / the talent and expert library", no_args_is_help=True)


@app.command("kinds")
def kinds() -> None:
    """列出人员类别 / The declared kinds (kinds.yaml and the bureau's file)."""
    from zhichan.talent.service import kinds as declared

    for k in declared().values():
        Console().print(f"{k.code}\t{k.zh}\t{k.en}\t{'证书 certificate' if k.certificate else ''}")
