"""Fixtures for the evidence tests: a migrated database (SQLite and PostgreSQL) and a log on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService
from zhichan.platform.db import make_engine, upgrade


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def log(engine: Engine, signing_key: SigningKey) -> EvidenceService:
    return EvidenceService(engine, signing_key, "test.zhichan/evidence")
