"""``zhichan search "…"`` and the ``zhichan index build|status`` group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="检索索引 / the full-text search index", no_args_is_help=True)
console = Console()


def search(
    query: Annotated[str, typer.Argument(help='检索式，如 "TI=电池 AND AD>=2020" / the query (docs/query-language.md)')],
    page: Annotated[int, typer.Option(min=1, help="页码 / page")] = 1,
    size: Annotated[int, typer.Option(min=1, max=200, help="每页条数 / hits per page")] = 20,
    sort: Annotated[str, typer.Option(help="relevance | date_desc | date_asc")] = "relevance",
    export: Annotated[Path | None, typer.Option(help="把全部命中导出到 .csv 或 .xlsx / export ALL hits")] = None,
    facets: Annotated[bool, typer.Option(help="显示分面统计 / show facets")] = False,
    exact_facets: Annotated[bool, typer.Option(
        help="分面精确计数（命中很多时默认抽样估算，标“约”） / exact facet counts (broad queries are estimated, marked 约)")] = False,
    filter_: Annotated[list[str] | None, typer.Option(
        "--filter", help="分面筛选，可重复，如 ipc:H01M、year:2021（同网页的分面点击） / facet filter, repeatable")] = None,
) -> None:
    """专利检索 / Search patents with the query language."""
    import html
    import re

    from zhichan.search import service
    from zhichan.search.errors import QuerySyntaxError
    from zhichan.search.filters import narrow, parse_filters
    from zhichan.search.parser import parse

    try:
        parse(query)  # positions refer to what was typed, before the filters are joined to it
        query = narrow(query, parse_filters(filter_ or []))
        if export is not None:
            from zhichan.progress import rich_progress

            with rich_progress(f"导出 / exporting {export.name}") as progress:
                written = service.export(query, export, progress=progress)
            console.print(f"已导出 {written} 条 / exported {written} hits → {export}")
            return
        result = service.search(query, page=page, page_size=size, sort=sort, facets=facets, exact_facets=exact_facets)
    except QuerySyntaxError as exc:
        console.print(exc.pointer(), markup=False, highlight=False)
        raise
    def rich_marks(fragment: str) -> str:
        text = html.unescape(re.sub(r"</?mark>", "\x00", fragment)).replace("[", r"\[")
        parts = text.split("\x00")
        return "".join(f"[bold yellow]{p}[/bold yellow]" if i % 2 else p for i, p in enumerate(parts))

    table = Table("申请号", "申请日", "名称 / 摘要", "申请人", "状态", title=f"{result.query} — {result.total} 件"
                  f"（第 {result.page}/{result.pages} 页, {result.elapsed_ms} ms）")
    for hit in result.hits:
        table.add_row(hit.application_number, hit.application_date,
                      rich_marks(hit.title_html) + "\n[dim]" + rich_marks(hit.snippet_html) + "[/dim]",
                      "; ".join(hit.applicants), hit.legal_status)
    console.print(table)
    if result.total == 0:
        from zhichan.search.hints import english_hint

        hint = english_hint(parse(query))
        if hint is not None:
            console.print("专利数据为中文，英文检索词很少能命中 / the records are Chinese: English terms rarely match",
                          markup=False)
            if hint.suggested_query:
                console.print(f"试试 / try: {hint.suggested_query}", markup=False)
            if hint.ipc:
                console.print("或按分类号 / or by classification: "
                              + "  ".join(f"IPC={code} {title[:20]}" for code, title in hint.ipc), markup=False)
    if (sample := result.facet_sample) is not None:
        console.print(f"分面为估算（约）：按随机抽取的 {sample.hits} 条命中（{sample.share:.1%}）统计后按比例推算；"
                      f"精确计数请加 --exact-facets / estimated facets (约): a random sample of {sample.hits} hits "
                      f"({sample.share:.1%}) counted and scaled up; --exact-facets counts exactly", markup=False)
    for name, values in result.facets.items():
        console.print(f"[bold]{name}[/bold]: " + ", ".join(
            f"{v.label} ({'约 ' if v.approximate else ''}{v.count})" for v in values[:10]))


def similar(
    application_number: Annotated[str | None, typer.Argument(help="申请号，如 CN202110000001.X / application number")] = None,
    text: Annotated[str | None, typer.Option("--text", help="用一段文本代替申请号 / a text instead of a patent")] = None,
    k: Annotated[int, typer.Option(min=1, max=50, help="返回条数 / how many")] = 10,
) -> None:
    """相似专利 / The patents most similar to a patent (by application number) or to a text."""
    from zhichan.search import service

    if text is not None and application_number is not None:
        raise typer.BadParameter("申请号与 --text 只能给出其一 / give an application number or --text, not both")
    number = application_number.strip().upper() if application_number else None
    hits = service.similar(number, text, k=k)
    title = f"与 {number} 相似的专利 / similar to {number}" if number else "与文本相似的专利 / similar to the text"
    table = Table("申请号", "名称", "相似度 score", title=title)
    for hit in hits:
        table.add_row(hit.application_number, hit.title, f"{hit.score:.3f}")
    console.print(table)


@app.command("build")
def build(full: bool = typer.Option(False, "--full", help="全量重建（不从上一版索引增量构建） / rebuild every "
                                    "document instead of updating the last build")) -> None:
    """为当前快照建立检索索引（原子切换；变化不大时在上一版索引上增量构建） / Build the search index of the current
    snapshot (atomic switch; from the last build when few patents changed)."""
    from zhichan.corpus.store import open_corpus
    from zhichan.progress import rich_progress
    from zhichan.search.build import build_index
    from zhichan.search.layout import index_status

    snapshot = open_corpus()
    with rich_progress("建立索引 / indexing", total=snapshot.counts.get("patents")) as progress:
        build_index(snapshot, progress=progress, full=full)
    _print_status(index_status(snapshot) or {})


@app.command("status")
def status() -> None:
    """显示当前快照的索引状态 / Show the index of the current snapshot."""
    from zhichan.corpus.store import open_corpus
    from zhichan.search.layout import index_status

    snapshot = open_corpus()
    info = index_status(snapshot)
    if info is None:
        console.print(f"快照 {snapshot.id} 尚无索引，请运行 zhichan index build / no index yet: run `zhichan index build`")
        raise typer.Exit(1)
    _print_status(info)


def _print_status(info: dict) -> None:
    table = Table("项目 / item", "值 / value")
    for key in ("snapshot_id", "documents", "built_at", "build_seconds", "high_value_as_of", "bytes", "path"):
        table.add_row(key, str(info.get(key, "")))
    if "incremental" in info:
        inc = info["incremental"]
        table.add_row("incremental", f"{inc['added']} added, {inc['deleted']} deleted from {inc['base']} "
                                     f"({inc['dead_rows']} deleted rows kept)")
    console.print(table)
