"""Alembic environment: runs migrations on the engine handed over by zhichan.platform.db.upgrade."""

from __future__ import annotations

from alembic import context

from zhichan.platform.db import Base, make_engine

config = context.config
engine = config.attributes.get("engine") or make_engine()

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
