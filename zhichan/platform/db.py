"""The workflow database: SQLAlchemy 2 engine, declarative base, Alembic migrations.

SQLite file by default, PostgreSQL by URL (``ZHICHAN_DATABASE_URL``). Every domain that keeps
workflow state declares its tables on :class:`Base` and owns an Alembic *branch* in
``zhichan/<domain>/migrations/`` (its first revision has ``down_revision = None`` and
``branch_labels = ("<domain>",)``); :func:`upgrade` applies all heads. Domains therefore never
contend for one linear chain of revisions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, MetaData, Numeric, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from zhichan.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

PACKAGE_DIR = Path(__file__).resolve().parent.parent

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: money in yuan, exact to the fen (NUMERIC in both databases, ``Decimal`` in Python — never a float)
MONEY = Numeric(18, 2, asdecimal=True)


#: How long a SQLite connection waits for another's write lock before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the configured workflow database)."""
    url = url or get_settings().effective_database_url
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_MS)}")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A transaction: commit on success, roll back on error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def migration_locations() -> list[str]:
    """Every domain's Alembic versions folder (``zhichan/*/migrations/versions``)."""
    return sorted(str(p) for p in PACKAGE_DIR.glob("*/migrations/versions") if p.is_dir())


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(PACKAGE_DIR / "platform" / "migrations"))
    cfg.set_main_option("version_locations", " ".join(migration_locations()))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the workflow database to the newest revision of every domain branch."""
    from alembic import command

    command.upgrade(alembic_config(engine), "heads")
