"""``zhichan serve`` as an operator starts it: several processes, one of them running the jobs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import select

from tests.helpers import wait_for
from zhichan.platform.accounts import create_api_token
from zhichan.platform.db import session_scope
from zhichan.platform.models import User
from zhichan.platform.orgs import scope_for_user
from zhichan.web.testing import WebEnv


def _server_processes(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor ``pid`` spawned (not its resource tracker)."""
    return [child for child in _children(pid) if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _call(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Authorization": f"Bearer {token}",
                                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_several_processes_and_one_job_runner(env: WebEnv) -> None:
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        user = s.scalar(select(User).where(User.username == "wuhou"))
        assert user is not None
        _, token = create_api_token(s, scope_for_user(s, user), "serve-test")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "zhichan", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
         "--no-demo-admin"],
        env={**os.environ, "ZHICHAN_DATA_DIR": str(env.settings.data_dir)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        def up() -> bool:
            assert server.poll() is None, "the server exited"
            try:
                status, _ = _call(base + "/api/v1/jobs", token)
            except OSError:
                return False
            return status == 200 and len(_server_processes(server.pid)) == 2

        wait_for(up, what="the server and its two processes")
        # any process may take the submission; the one lock holder runs it
        status, job = _call(base + "/api/v1/jobs", token, {"kind": "corpus.profile"})
        assert status == 201, job
        job = wait_for(lambda: (j := _call(base + f"/api/v1/jobs/{job['id']}", token)[1])["status"]
                       in ("succeeded", "failed") and j, what="the job")
        assert job["status"] == "succeeded", job
        # scope holds across processes: a district analyst cannot read another district's region
        status, body = _call(base + "/api/v1/regions/510104/indicators", token)
        assert status == 403 and "error" in body
    finally:
        server.terminate()
        out = server.communicate(timeout=30)[0]
        print(out)  # shown by pytest when anything above failed
    assert "Traceback" not in out, out


def test_web_threads_bound_the_handler_thread_pool(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    import anyio
    import anyio.to_thread

    from zhichan.settings import get_settings
    from zhichan.web.app import create_app

    monkeypatch.setenv("ZHICHAN_WEB_THREADS", "3")
    get_settings.cache_clear()
    app = create_app(get_settings(), start_worker=False)

    async def tokens_while_serving() -> float:
        async with app.router.lifespan_context(app):
            return anyio.to_thread.current_default_thread_limiter().total_tokens

    # on a thread of its own: a browser test before this one leaves the worker's Playwright (the session's
    # `chromium`, tests/conftest.py) holding this thread's event loop
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(anyio.run, tokens_while_serving).result() == 3


def test_serve_gives_starting_processes_the_configured_health_check_time(env: WebEnv, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """uvicorn's supervisor kills a process that leaves its health check unanswered for
    ``timeout_worker_healthcheck`` (5 s by default) — on a busy machine a process still loading its
    indexes was killed and restarted over and over. serve hands the setting on."""
    import uvicorn

    from zhichan.settings import get_settings
    from zhichan.web import server as web_server

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))  # serving would block
    monkeypatch.setenv("ZHICHAN_DATA_DIR", str(env.settings.data_dir))
    monkeypatch.setenv("ZHICHAN_WEB_WORKER_HEALTHCHECK_SECONDS", "45")
    get_settings.cache_clear()
    try:
        web_server.run("127.0.0.1", _free_port(), demo_admin=False, workers=2)
    finally:
        get_settings.cache_clear()
    assert seen["timeout_worker_healthcheck"] == 45 and seen["workers"] == 2
