"""The exchange on a migrated database (SQLite and PostgreSQL): the procedure engine with the exchange's
hook, the organization tree of tests/procedures, and a corpus with one patent per refusal ground."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.exchange.helpers import Exchange, open_exchange
from zhichan.evidence.keys import SigningKey

__all__ = ["Exchange"]


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def exchange(engine: Engine, tmp_path: Path, signing_key: SigningKey) -> Exchange:
    return open_exchange(engine, tmp_path, signing_key)
