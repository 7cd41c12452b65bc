"""``zhichan reference …``: look up regions and IPC codes from the shipped reference data."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="参考数据查询（行政区划、人口、IPC、战略性新兴产业、技术领域） / Reference data: regions, population, IPC, SEI, technology fields",
    no_args_is_help=True,
)
console = Console()


@app.command()
def regions(code: str = typer.Argument(..., help="区划代码，如 41、4101、410105、CN / region code")) -> None:
    """区划名称、层级、人口与下级 / Name, level, population (2020 census) and children of a region."""
    from zhichan.reference import (
        children,
        has_population,
        normalize_region_code,
        population,
        region_level,
        region_names,
    )

    c = normalize_region_code(code)
    console.print(f"[bold]{c}[/bold] {region_names(c, full=True)} ({region_level(c)})")
    pop = f"{population(c):,}" if has_population(c) else "—"
    console.print(f"常住人口 / resident population (2020 census): {pop}")
    kids = children(c)
    if kids:
        table = Table("code", "name", "population")
        for k in kids:
            table.add_row(k, region_names(k), f"{population(k):,}" if has_population(k) else "—")
        console.print(table)


@app.command()
def ipc(
    code: str = typer.Argument(..., help="IPC 分类号，如 H01M10/0525 / IPC symbol"),
    text: str = typer.Option(None, help="专利文本（用于关键词限定条目） / patent text for keyword-qualified entries"),
) -> None:
    """IPC 中英文名称、战略性新兴产业与技术领域 / IPC titles (zh, en), SEI codes and WIPO technology field."""
    from zhichan.reference import ipc_known, normalize_ipc, sei_codes_for_ipc, sei_name
    from zhichan.reference.tech_fields import tech_field, tech_field_for_ipc
    from zhichan.web.labels import ipc_code_title

    c = normalize_ipc(code, allow_partial=True)
    console.print(f"[bold]{c}[/bold] {'(in scheme)' if ipc_known(c) else '(not in the shipped scheme)'}")
    for lang in ("zh", "en"):  # as the pages title it: a subclass newer than a language's edition says it has no title
        shown = ipc_code_title(c, lang)
        console.print(f"{lang}: {shown[0] if shown else '—'}")
    sei = sei_codes_for_ipc([c], text)
    console.print("SEI: " + ("; ".join(f"{s} {sei_name(s)} {sei_name(s, 'en')}" for s in sei) or "—"))
    if not text:
        qualified = sorted(set(_keyword_candidates(c)) - set(sei))
        if qualified:
            console.print("SEI if the text names the keyword / 需关键词: " + "; ".join(
                f"{s} {sei_name(s)} {sei_name(s, 'en')}" for s in qualified))
    nr = tech_field_for_ipc(c)
    console.print(f"technology field: {f'{nr} {tech_field(nr).name}' if nr else '—'}")


def _keyword_candidates(code: str) -> list[str]:
    from zhichan.reference.sei import _entries_for

    return [e.sei_code for e in _entries_for(code) if e.qualifier == "keyword"]
