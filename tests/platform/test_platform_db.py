"""Migrations and the append-only audit log on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from tests.helpers import migration_differences
from zhichan.platform import audit
from zhichan.platform.db import session_scope, upgrade
from zhichan.platform.models import AuditEntry
from zhichan.procedures import models as procedure_models  # noqa: F401 - its tables refer to platform_organizations


def test_models_match_migration(engine):
    assert migration_differences(engine, "platform_") == []


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
