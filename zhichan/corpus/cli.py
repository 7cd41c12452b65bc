"""``zhichan generate``, ``zhichan import`` and the ``zhichan corpus …`` group."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from zhichan.corpus.store import Snapshot

app = typer.Typer(help="语料快照与导入历史 / corpus snapshots and import history", no_args_is_help=True)
console = Console()


def generate(
    patents: Annotated[int, typer.Option("--patents", "-n", min=1, help="专利数量 / number of patents")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="随机种子 / seed (same seed, same corpus)")] = 20261121,
    as_of: Annotated[str, typer.Option(help="数据截止日期 / the date the corpus describes")] = "2025-12-31",
) -> None:
    """生成合成演示语料并切换为当前快照 / Generate the synthetic demo corpus as a new snapshot."""
    from zhichan.corpus.generator import generate as run_generator
    from zhichan.progress import rich_progress

    with rich_progress("生成合成语料 / generating", total=patents) as progress:
        snapshot = run_generator(patents, seed, as_of=dt.date.fromisoformat(as_of), progress=progress)
    console.print(f"快照 / snapshot [bold]{snapshot.id}[/bold] (合成数据 / synthetic)")
    print_summary(snapshot)


def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV 或 XLSX 文件 / CSV or XLSX files", exists=False)],
    mapping: Annotated[
        Path | None, typer.Option(help="通用导入的列映射 YAML / column mapping for generic files")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="CSV 编码，如 gb18030；默认自动识别 / CSV encoding")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX 工作表 / worksheet name")] = None,
    as_of: Annotated[
        str | None, typer.Option(help="数据导出日期（较新的记录替换较旧的） / date the export describes")
    ] = None,
) -> None:
    """导入专利数据（商业数据库导出格式，或按映射文件导入） / Import a commercial export or a mapped file."""
    from zhichan.corpus.importing import import_file, load_mapper
    from zhichan.progress import rich_progress

    mapper = load_mapper(mapping)
    failed: list[str] = []
    for path in files:
        with rich_progress(f"导入 / importing {path.name}") as progress:
            result = import_file(
                path, mapper=mapper, encoding=encoding, sheet=sheet,
                as_of=dt.date.fromisoformat(as_of) if as_of else None, progress=progress,
            )
        console.print(result.summary())
        for reject in [r for r in result.rejects if r.row <= 1][:3]:  # what is wrong with the file as a whole
            console.print(f"[red]{reject.reason}[/red]")
        if result.rejects:
            console.print(f"[yellow]拒收明细 / rejects report:[/yellow] {result.rejects_path}")
        if result.nothing_imported:
            failed.append(path.name)
    if failed:
        console.print(f"[red]未导入任何记录 / nothing imported from:[/red] {', '.join(failed)}")
        raise typer.Exit(1)


@app.command("summary")
def summary() -> None:
    """当前快照概况 / Summary of the current snapshot."""
    from zhichan.corpus.store import open_corpus

    print_summary(open_corpus())


@app.command("snapshots")
def snapshots() -> None:
    """列出快照 / List snapshots."""
    from zhichan.corpus.store import CorpusStore

    store = CorpusStore()
    current = store.current_id()
    table = Table("id", "current", "created", "patents", "synthetic", "import")
    for snap in store.snapshots():
        table.add_row(
            snap.id, "*" if snap.id == current else "", snap.manifest.get("created_at", ""),
            str(snap.counts.get("patents", 0)), "yes" if snap.synthetic else "no",
            str(snap.manifest.get("import", {}).get("file") or snap.manifest.get("import", {}).get("source", "")),
        )
    console.print(table)


@app.command("history")
def history() -> None:
    """导入历史：新增/更新/未变/拒收 / Import history: added, updated, unchanged, rejected."""
    from zhichan.corpus.store import CorpusStore

    table = Table("import", "file", "status", "finished", "added", "updated", "unchanged", "stale", "rejected",
                  "snapshot")
    for rec in CorpusStore().history():
        counts = [rec.get(k, 0) for k in ("added", "updated", "unchanged", "stale", "rejected")]
        table.add_row(
            rec.get("import_id", ""), rec.get("file", ""), rec.get("status", "completed"), rec.get("finished_at", ""),
            *(str(sum(c.values()) if isinstance(c, dict) else c) for c in counts),  # the generator counts per table
            rec.get("snapshot_id") or "—",
        )
    console.print(table)


@app.command("key-index")
def key_index() -> None:
    """为旧快照建立键索引 / Give the current snapshot a key index (snapshots written before it had none)."""
    from zhichan.corpus.keyindex import add_key_index
    from zhichan.corpus.store import open_corpus

    snapshot = open_corpus()
    if add_key_index(snapshot.path):
        console.print(f"快照 {snapshot.id} 已建立键索引 / key index written for snapshot {snapshot.id}")
    else:
        console.print(f"快照 {snapshot.id} 已有键索引 / snapshot {snapshot.id} already has a key index")


def print_summary(snapshot: Snapshot) -> None:
    from zhichan.corpus.summary import corpus_summary

    data = corpus_summary(snapshot)
    badge = " [reverse yellow] 合成数据 SYNTHETIC [/reverse yellow]" if snapshot.synthetic else ""
    console.print(f"[bold]语料概况 / corpus summary[/bold] — 快照 {snapshot.id}{badge}")
    counts = Table("表 / table", "记录 / records")
    for name, count in data["counts"].items():
        counts.add_row(name, f"{count:,}")
    synthetic = snapshot.manifest.get("synthetic_records", 0)
    counts.add_row("其中合成 / of which synthetic", f"{synthetic:,}")
    console.print(counts)
    for title, rows in data["breakdowns"].items():
        table = Table(title, "数量 / count")
        for label, count in rows:
            table.add_row(str(label), f"{count:,}")
        console.print(table)
