"""``zhichan demo``: the platform on embedded defaults with the synthetic demo corpus."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

console = Console()


def demo(
    patents: Annotated[int | None, typer.Option(help="演示语料规模 / demo corpus size")] = None,
    regenerate: Annotated[bool, typer.Option(help="重新生成语料 / regenerate even if a snapshot exists")] = False,
) -> None:
    """生成（如需）并导入演示语料，打印概况 / Build the demo corpus if needed and print its summary."""
    from zhichan.corpus.cli import print_summary
    from zhichan.corpus.store import CorpusStore
    from zhichan.settings import get_settings

    settings = get_settings()
    store = CorpusStore()
    snapshot = store.current_or_none()
    if snapshot is None or regenerate:
        from zhichan.corpus.generator import generate
        from zhichan.progress import rich_progress

        n = patents or settings.demo_patents
        with rich_progress("生成合成演示语料 / generating the synthetic demo corpus", total=n) as progress:
            snapshot = generate(n, settings.demo_seed, store=store, progress=progress)
    print_summary(snapshot)
