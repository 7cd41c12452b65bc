"""Web fixtures: the app on a hand-made corpus with a seeded org tree (see zhichan.web.testing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zhichan.settings import Settings
from zhichan.web.testing import TestClient, WebEnv, make_env


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def client(env: WebEnv) -> Iterator[TestClient]:
    with env.client() as c:
        yield c
