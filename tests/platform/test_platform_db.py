"""Migrations and the append-only audit log on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from zhichan.platform import audit
from zhichan.platform.db import Base, session_scope, upgrade
from zhichan.platform.models import AuditEntry
from zhichan.procedures import models as procedure_models  # noqa: F401 - its tables refer to platform_organizations


def _table_of(diff) -> str:
    """The table a compare_metadata difference is about (other domains' tables refer to platform_ ones)."""
    first = diff[0] if isinstance(diff, list) else diff
    for part in first[1:]:
        name = getattr(part, "name", None) if not isinstance(part, str) else None
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None):
            return str(table.name)
        if name and hasattr(part, "columns"):
            return str(name)
        if isinstance(part, str):
            return part
    return ""


def test_models_match_migration(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diffs if _table_of(d).startswith("platform_")]
    assert ours == []


def test_upgrade_is_idempotent(engine):
    upgrade(engine)
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from zhichan.platform.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    applied = {r.revision for r in script.iterate_revisions(tuple(current), "base") if r is not None}
    assert set(script.get_heads()) <= applied  # every branch at its newest revision (dependencies included)
    assert "platform_0001" in applied
    assert "platform_0002" in applied


def test_audit_log_is_append_only(engine, tree):
    scope = tree.scope(engine, "root")
    with session_scope(engine) as s:
        entry = audit.record(s, scope, "user.create", "user:x", detail={"role": "analyst"}, ip="127.0.0.1")
        entry_id = entry.id
    with pytest.raises(DBAPIError, match="append-only"), session_scope(engine) as s:
        s.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(action="tampered"))
    with pytest.raises(DBAPIError, match="append-only"), session_scope(engine) as s:
        s.execute(delete(AuditEntry))
    with session_scope(engine) as s:
        rows, total = audit.list_entries(s, scope)
        assert total == 1 and rows[0].action == "user.create"


def test_audit_visible_by_subtree(engine, tree):
    with session_scope(engine) as s:
        audit.record(s, tree.scope(engine, "jinjiang_admin"), "login")
        audit.record(s, tree.scope(engine, "wuhou_analyst"), "login")
        audit.record(s, tree.scope(engine, "root"), "login")
    with session_scope(engine) as s:
        _, n_root = audit.list_entries(s, tree.scope(engine, "root"))
        _, n_city = audit.list_entries(s, tree.scope(engine, "cd_admin"))
        rows, n_county = audit.list_entries(s, tree.scope(engine, "jinjiang_admin"))
    assert (n_root, n_city, n_county) == (3, 2, 1)
    assert rows[0].username == "jinjiang_admin"
