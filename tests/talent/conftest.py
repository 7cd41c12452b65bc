"""The talent tests' web world (tests.talent.helpers.talent_env) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.talent.helpers import talent_env
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv


@pytest.fixture
def env(settings: Settings, web_template: Path, db_url: str) -> Iterator[WebEnv]:
    web = talent_env(settings, web_template, db_url)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]
