"""The exchange on a migrated database (SQLite and PostgreSQL): the procedure engine with the exchange's
hook, the organization tree of tests/procedures, and a corpus with one patent per refusal ground."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.exchange.helpers import corpus
from tests.procedures.helpers import World, build_world
from zhichan.corpus.store import Snapshot
from zhichan.evidence.keys import SigningKey


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@dataclass
class Exchange:
    world: World
    snapshot: Snapshot
    numbers: dict[str, str]


@pytest.fixture
def exchange(engine: Engine, tmp_path: Path, signing_key: SigningKey) -> Exchange:
    from zhichan.exchange import deals, openlicence

    world = build_world(engine, tmp_path / "files", signing_key)
    snapshot, numbers = corpus(tmp_path / "var")
    world.service.add_hook(openlicence.PROCEDURE, lambda s, scope, step: openlicence.on_step(snapshot, s, scope, step))
    deals.install(world.service, lambda: snapshot)
    return Exchange(world, snapshot, numbers)
