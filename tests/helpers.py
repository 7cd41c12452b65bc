"""Helpers shared by every test domain."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float = 60.0, what: str = "condition") -> T:
    """Poll ``condition`` until it returns something truthy (returned), failing after ``timeout``
    seconds — for work done by another thread or process; never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def sign_in(page: Any, username: str, password: str | None = None) -> None:
    """Sign in through the login form in a browser page and wait until it has left /login (a
    navigation started before then would abort the sign-in's redirect)."""
    from zhichan.web.testing import PASSWORD

    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def migration_differences(engine: Any, table_prefix: str) -> list[Any]:
    """What differs between the migrated database and the models, for the tables named
    ``<table_prefix>…`` (each domain's test checks its own tables; other domains' tables refer to
    platform tables, so matching on a diff's text would catch theirs too)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from zhichan.platform.db import Base

    def table_of(diff: Any) -> str:
        first = diff[0] if isinstance(diff, list) else diff
        for part in first[1:]:
            if isinstance(part, str):
                return part
            table = getattr(part, "table", None)
            if table is not None and getattr(table, "name", None):
                return str(table.name)
            if hasattr(part, "columns") and getattr(part, "name", None):
                return str(part.name)
        return ""

    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    return [d for d in diffs if table_of(d).startswith(table_prefix)]
