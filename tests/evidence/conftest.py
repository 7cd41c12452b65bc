"""Fixtures for the evidence tests: a migrated database (SQLite and PostgreSQL) and a log on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def log(engine: Engine, signing_key: SigningKey) -> EvidenceService:
    return EvidenceService(engine, signing_key, "test.zhichan/evidence")


@pytest.fixture
def web(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    """The real web app (``create_app``, which mounts the evidence router), without a search index."""
    from zhichan.web.testing import make_env

    env = make_env(settings, web_template, search_index=False)
    yield env
    env.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def env(web: WebEnv) -> WebEnv:
    """The app the browser tests' ``live_server`` serves (the same as ``web``)."""
    return web
