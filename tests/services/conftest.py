"""The services domain on a migrated database (SQLite and PostgreSQL): the procedure tests' organization
tree, and a small corpus with a co-owned invention application."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.procedures.helpers import World, build_world
from zhichan.evidence.keys import SigningKey
from zhichan.settings import Settings
from zhichan.web.testing import TestClient, WebEnv, make_env


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def world(engine: Engine, tmp_path: Path, signing_key: SigningKey) -> World:
    return build_world(engine, tmp_path / "files", signing_key)


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    """The web platform (hand-made corpus, seeded organizations, see zhichan.web.testing), no search index."""
    web = make_env(settings, web_template, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def client(env: WebEnv) -> Iterator[TestClient]:
    with env.client() as c:
        yield c
