"""``zhichan serve``."""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option(None, help="监听地址 / address (default: ZHICHAN_WEB_HOST)"),
    port: int = typer.Option(None, help="端口 / port (default: ZHICHAN_WEB_PORT)"),
    demo_admin: bool = typer.Option(True, help="创建演示管理员 / create the demo administrator if missing"),
    workers: int = typer.Option(None, min=1, help="进程数 / server processes (default: ZHICHAN_WEB_WORKERS, "
                                "0 there = one per CPU core)"),
) -> None:
    """启动 Web 平台 / Start the web platform (migrates the workflow database first)."""
    from zhichan.web.server import run

    run(host, port, demo_admin=demo_admin, workers=workers)
