"""The finance web tests: the app on the web template's corpus and accounts (a bank and its user included)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, make_env


@pytest.fixture
def env(settings: Settings, web_template: Path, migrated_db_url: str) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, migrated_db_url if migrated_db_url.startswith("postgresql") else None,
                   search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]
