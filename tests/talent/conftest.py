"""The talent tests' web world (tests.talent.helpers.talent_env) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.talent.helpers import talent_env
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv


@pytest.fixture
def env(settings: Settings, web_template: Path, migrated_db_url: str) -> Iterator[WebEnv]:
    """SQLite: the template's migrated and seeded database (copied with the data directory); PostgreSQL: a copy
    of the migrated template, seeded. An empty database ran every migration again for each test."""
    web = talent_env(settings, web_template, None if migrated_db_url.startswith("sqlite") else migrated_db_url)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]
