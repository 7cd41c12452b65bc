"""The exchange on a migrated database (SQLite and PostgreSQL): the procedure engine with the exchange's
hook, the organization tree of tests/procedures, and a corpus with one patent per refusal ground; and the web app on
both databases (``env``, ``client``: the browser tests override ``env`` with SQLite's alone)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.exchange.helpers import Exchange, open_exchange
from zhichan.evidence.keys import SigningKey
from zhichan.settings import Settings
from zhichan.web.testing import TestClient, WebEnv, make_env

__all__ = ["Exchange"]


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def exchange(engine: Engine, tmp_path: Path, signing_key: SigningKey) -> Exchange:
    return open_exchange(engine, tmp_path, signing_key)


@pytest.fixture
def env(settings: Settings, web_template: Path, migrated_db_url: str) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, None if migrated_db_url.startswith("sqlite") else migrated_db_url)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def client(env: WebEnv) -> Iterator[TestClient]:
    with env.client() as c:
        yield c
