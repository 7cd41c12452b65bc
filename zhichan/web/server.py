"""Start the platform: migrate, seed the demo organization tree and administrator, serve.

``zhichan demo`` calls :func:`run` after building the demo corpus; ``zhichan serve`` calls it too.
"""

from __future__ import annotations

import secrets

from rich.console import Console
from sqlalchemy import Engine, select

from zhichan.platform.accounts import create_user
from zhichan.platform.db import make_engine, session_scope, upgrade
from zhichan.platform.models import Role, User
from zhichan.platform.orgs import seed_demo_tree
from zhichan.settings import get_settings

DEMO_ADMIN = "admin"
console = Console()


def ensure_demo_admin(engine: Engine, password: str | None = None) -> tuple[str, str | None]:
    """Seed the org tree and the ``admin`` account (nation level, system administrator).

    Returns ``(username, password)`` — the password only when it was generated now (print it
    once); ``None`` when the account already existed or the password came from the environment.
    """
    upgrade(engine)
    with session_scope(engine) as s:
        nation = seed_demo_tree(s)
        if s.scalar(select(User.id).where(User.username == DEMO_ADMIN)) is not None:
            return DEMO_ADMIN, None
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        create_user(s, username=DEMO_ADMIN, password=password, role=Role.SYSTEM_ADMIN, org=nation,
                    display_name="演示管理员 / demo administrator")
    return DEMO_ADMIN, password if generated else None


def announce_demo_admin(engine: Engine, password: str | None) -> str | None:
    """:func:`ensure_demo_admin` and say how to sign in; the password when it is known now (generated now or
    given by ``ZHICHAN_ADMIN_PASSWORD``), else ``None`` (an existing account keeps its password)."""
    username, generated = ensure_demo_admin(engine, password)
    if generated:
        console.print(f"[bold]演示管理员 / demo administrator:[/bold] {username}  密码 / password: "
                      f"[bold yellow]{generated}[/bold yellow]  （只显示这一次 / shown once）")
        return generated
    if password:
        console.print(f"演示管理员 / demo administrator: {username} (password from ZHICHAN_ADMIN_PASSWORD)")
        return password
    console.print(f"演示管理员 / demo administrator: {username} (existing account; password unchanged)")
    return None


def run(host: str | None = None, port: int | None = None, *, demo_admin: bool = True, workers: int | None = None) -> None:
    """Migrate the workflow database, seed the demo administrator (password from
    ``ZHICHAN_ADMIN_PASSWORD`` or generated and printed once), print the address and serve with
    ``workers`` processes (default: the ``web_workers`` setting)."""
    import uvicorn

    settings = get_settings()
    host = host or settings.web_host
    port = port or settings.web_port
    workers = workers or settings.effective_web_workers
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    if demo_admin:
        announce_demo_admin(engine, settings.admin_password)
    engine.dispose()
    console.print(f"[bold green]知产 zhichan[/bold green] 已启动 / serving at [link]http://{host}:{port}/[/link] "
                  f"({workers} 个进程 / processes)")
    # every process builds its own app from the same settings (the environment); uvicorn's
    # supervisor restarts a process that dies. Jobs run in one of them (zhichan.platform.jobs).
    uvicorn.run("zhichan.web.app:create_app", factory=True, workers=workers, host=host, port=port,
                log_level="warning", proxy_headers=False,
                timeout_worker_healthcheck=settings.web_worker_healthcheck_seconds)
