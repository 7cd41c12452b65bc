"""Data-IP registration on the procedure engine (SQLite and PostgreSQL): the organization tree of the
procedure tests, one signed-in member of the public, and the register's service on the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.dataip.helpers import add_public_user
from tests.procedures.helpers import World, build_world
from zhichan.dataip.service import DataIPService
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def world(engine: Engine, tmp_path: Path, signing_key: SigningKey) -> World:
    world = build_world(engine, tmp_path / "files", signing_key)
    world.users["citizen"] = add_public_user(engine, "citizen")
    return world


@pytest.fixture
def registry(world: World) -> DataIPService:
    return DataIPService(world.service)


@pytest.fixture
def log(world: World) -> EvidenceService:
    return world.service.evidence
