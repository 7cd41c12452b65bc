"""The tests' reset hook (``zhichan.web.app.reset_app``): an app given another data directory and
database keeps nothing of its last test — no state, no session, no generated schema — and works."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zhichan.platform.db import make_engine
from zhichan.settings import Settings, get_settings
from zhichan.web.app import reset_app
from zhichan.web.testing import login_as, make_env


def test_a_reset_app_keeps_nothing_of_its_last_test(
    settings: Settings, web_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = make_env(settings, web_template)
    app = env.app
    with env.client() as client:
        login_as(client, env.engine, "wuhou")
        assert client.get("/account", follow_redirects=False).status_code == 200
        assert client.get("/api/openapi.json").status_code == 200
        cookies = dict(client.cookies)
    old = {name: getattr(app.state, name) for name in ("settings", "engine", "corpus", "jobs", "procedures")}  # type: ignore[attr-defined]
    app.state.leftover = "of the last test"  # type: ignore[attr-defined]
    assert app.openapi_schema is not None  # type: ignore[attr-defined]

    monkeypatch.setenv("ZHICHAN_DATA_DIR", str(tmp_path / "next" / "var"))
    get_settings.cache_clear()
    following = get_settings()
    shutil.copytree(web_template, following.data_dir)
    engine = make_engine(following.effective_database_url)
    try:
        reset_app(app, following, engine)  # type: ignore[arg-type]
        assert not hasattr(app.state, "leftover")  # type: ignore[attr-defined]
        assert app.openapi_schema is None  # type: ignore[attr-defined]
        for name, before in old.items():
            assert getattr(app.state, name) is not before, name  # type: ignore[attr-defined]
        assert app.state.settings is following and app.state.engine is engine  # type: ignore[attr-defined]
        assert app.state.corpus.store.root == following.corpus_dir  # type: ignore[attr-defined]
        with env.client() as again:
            # the last test's session lives in the last test's database: signed out here
            again.cookies.update(cookies)
            assert again.get("/account", follow_redirects=False).status_code in (302, 303, 307)
            login_as(again, engine, "wuhou")
            assert again.get("/account", follow_redirects=False).status_code == 200
            assert again.get("/api/openapi.json").json()["info"]["title"].startswith("知产")
    finally:
        engine.dispose()
        env.engine.dispose()  # type: ignore[attr-defined]
