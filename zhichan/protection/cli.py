"""``zhichan protection …``: the standard-document templates a bureau edits, and synthetic demo cases."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="知识产权保护 / protection: complaints, adjudication, mediation", no_args_is_help=True)


@app.command("templates")
def templates(
    out: Annotated[Path, typer.Argument(help="导出到的文件夹（设为 ZHICHAN_PROTECTION_TEMPLATE_DIR 后编辑） / folder to "
                                             "copy them to (then set ZHICHAN_PROTECTION_TEMPLATE_DIR and edit)")],
    overwrite: Annotated[bool, typer.Option(help="覆盖已有文件 / replace files already there")] = False,
) -> None:
    """导出随附的文书模板供本局修改 / copy the shipped document templates for a bureau to edit."""
    from zhichan.protection.documents import SHIPPED

    out.mkdir(parents=True, exist_ok=True)
    copied = 0
    for item in sorted(files("zhichan.protection").joinpath(SHIPPED).iterdir(), key=lambda p: p.name):
        target = out / item.name
        if item.name.endswith(".yaml") and (overwrite or not target.exists()):
            target.write_bytes(item.read_bytes())
            copied += 1
    Console().print(f"已导出 {copied} 个模板到 {out} / copied {copied} templates to {out}")


@app.command("demo-cases")
def demo_cases(
    per_office: Annotated[int, typer.Option(help="每个区县的合成投诉数 / synthetic complaints per county office")] = 30,
) -> None:
    """生成合成演示投诉与案件（每个数据库一次） / generate synthetic demo complaints and cases (once per database)."""
    from zhichan.corpus.store import CorpusStore
    from zhichan.demo import build_demo_cases

    snapshot = CorpusStore().current()
    made = build_demo_cases(snapshot, per_office)
    Console().print("已有保护案件，未生成 / protection cases exist: nothing generated" if made is None
                    else f"合成保护案件 / synthetic protection cases: {made['cases']}")
