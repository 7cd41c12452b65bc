"""The procedure engine on a migrated database (SQLite and PostgreSQL) with a small organization tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.procedures.helpers import World, build_world
from zhichan.evidence.keys import SigningKey


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def world(engine: Engine, tmp_path: Path, signing_key: SigningKey) -> World:
    return build_world(engine, tmp_path / "files", signing_key)
