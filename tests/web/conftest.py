"""Web fixtures: the app on a hand-made corpus with a seeded org tree (see zhichan.web.testing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zhichan.settings import Settings
from zhichan.web.testing import TestClient, WebEnv, build_template, make_env


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Corpus + search index + seeded workflow DB, built once; each test works on a copy."""
    folder = tmp_path_factory.mktemp("web-template") / "var"
    build_template(folder)
    return folder


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def client(env: WebEnv) -> Iterator[TestClient]:
    with env.client() as c:
        yield c
