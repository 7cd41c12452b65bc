"""Fixtures every domain's tests share.

- ``settings``: a fresh data directory per test (``ZHICHAN_DATA_DIR`` pointed at ``tmp_path``).
- ``pg_server``: a throwaway PostgreSQL cluster started once per test session from Debian's
  binaries (``make test`` installs them) — or the server named by ``ZHICHAN_TEST_PG_URL``.
- ``db_url``: parametrized over SQLite and PostgreSQL; each test gets an empty database.
- ``migrated_db_url`` / ``engine``: the ``db_url`` database with every domain's migrations — a copy of
  one migrated per session and backend (``migrated_sqlite``, ``migrated_pg``), the database an upgrade makes;
  on PostgreSQL the copies are made one test ahead and dropped behind, on a thread (``PgCopies``).
- ``artifacts_dir``: ``test-artifacts/`` for screenshots and rendered pages worth keeping.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine

from zhichan.settings import Settings, get_settings

# no example may fail for taking long: a time limit per example is a timed assertion, and the shared
# 2-core machine's load decides the time (property tests set their sizes, not their speed)
hypothesis_settings.register_profile("zhichan", deadline=None)
hypothesis_settings.load_profile("zhichan")

ROOT = Path(__file__).resolve().parent.parent

# Spark in the tests: corpora of a few thousand rows and one short-lived JVM per worker. One shuffle
# partition per query, and the JVM's quick compiler only with the serial collector: the JIT and GC
# threads of a fresh JVM otherwise cost more CPU than the queries (two Spark comparisons: 40 CPU-s
# instead of 70, JVM included). The settings are read when the worker's SparkSession starts.
os.environ.setdefault("ZHICHAN_SPARK_SHUFFLE_PARTITIONS", "1")
os.environ.setdefault("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("ZHICHAN_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(
            "PostgreSQL 未安装，请运行 make test（会自动安装） / PostgreSQL binaries not found: run `make test`, "
            "which installs Debian's postgresql, or set ZHICHAN_TEST_PG_URL"
        )
    return found[-1]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Base URL (without database name) of a PostgreSQL server for this test session."""
    external = os.environ.get("ZHICHAN_TEST_PG_URL")
    if external:
        yield external.rstrip("/")
        return
    base = Path(tempfile.mkdtemp(prefix="zhichan-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_root = os.geteuid() == 0
    run_as: list[str] = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    subprocess.run(
        [*run_as, _pg_bin("initdb"), "-D", str(data), "-U", "zhichan", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *run_as, _pg_bin("pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"),
            "-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://zhichan@127.0.0.1:{port}"
    finally:
        subprocess.run([*run_as, _pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin(pg_server: str) -> Iterator[Engine]:
    """A connection pool to the server's ``postgres`` database, for creating and dropping databases."""
    import sqlalchemy as sa

    admin = sa.create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


def _pg_create(admin: Engine, name: str, template: str | None = None) -> None:
    import sqlalchemy as sa

    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))


def _pg_drop(admin: Engine, name: str) -> None:
    import sqlalchemy as sa

    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_url(pg_server: str, pg_admin: Engine) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    _pg_create(pg_admin, name)
    try:
        yield f"{pg_server}/{name}"
    finally:
        _pg_drop(pg_admin, name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run a test once on SQLite and once on PostgreSQL, each time on an empty database — or, on
    PostgreSQL for a test that takes ``migrated_db_url`` (``engine``), on its migrated copy already
    (``pg_migrated_copy``: an empty database made only to be dropped for the copy cost a CREATE
    DATABASE per test)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workflow.sqlite3'}"
    if "migrated_db_url" in request.fixturenames:
        return str(request.getfixturevalue("pg_migrated_copy"))
    return str(request.getfixturevalue("pg_url"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "one_database(reason): runs on SQLite only, not again on PostgreSQL "
                            "(the reason says why the database makes no difference there)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A Spark comparison reads the Parquet export, which is the same whichever database it came from:
    it runs once, on the SQLite parameter (the DuckDB figures are still checked on both databases).
    A test marked ``one_database`` runs on SQLite only (``tests.schedule.sqlite_is_enough``).
    Then the long tests go first, spread over the xdist workers (tests/schedule.py)."""
    from tests.schedule import reorder, sqlite_is_enough

    twice = [item for item in items if item.get_closest_marker("postgres")
             and (item.get_closest_marker("spark") or sqlite_is_enough(item))]
    if twice:
        config.hook.pytest_deselected(items=twice)
        items[:] = [item for item in items if item not in twice]
    # the long tests first, spread over the xdist workers (tests/schedule.py)
    reorder(config, items)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """(pytest-xdist, on the controller) Each worker learns the run's ``--dist`` mode (tests/schedule.py)."""
    from tests.schedule import tell_worker

    tell_worker(node)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite workflow database with every domain's migrations, made once per session (worker)."""
    from zhichan.platform.db import make_engine, upgrade

    path = tmp_path_factory.mktemp("migrated") / "workflow.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    eng.dispose()
    # the last connection closed checkpoints the write-ahead log: the file holds everything
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def migrated_pg(pg_server: str, pg_admin: Engine) -> str:
    """The name of a PostgreSQL database with every domain's migrations, made once per session
    (worker): the template of each test's migrated database. Nothing connects to it afterwards
    (CREATE DATABASE … TEMPLATE needs it without sessions)."""
    from zhichan.platform.db import make_engine, upgrade

    name = f"migrated_{uuid.uuid4().hex[:12]}"
    _pg_create(pg_admin, name)
    eng = make_engine(f"{pg_server}/{name}")
    upgrade(eng)
    eng.dispose()
    return name


class PgCopies:
    """Copies of the migrated template (``migrated_pg``) made one ahead, on a thread of the worker.

    ``CREATE DATABASE … TEMPLATE`` copies the whole catalogue (~8 MB; 0.1–0.5 s of wall time, most of
    it the server's) and ``DROP DATABASE`` removes it: done in the test's setup and teardown, every
    PostgreSQL test waited for both. The thread makes the next test's copy while the current test runs
    and drops a finished test's copy behind it; each test still gets a database nothing else ever
    touched (the template itself is never connected to)."""

    def __init__(self, server: str, admin: Engine, template: str) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.server, self.admin, self.template = server, admin, template
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="pg-copies")
        self.ahead: Future[str] | None = None
        self.drops: list[Future[None]] = []

    def _make(self) -> str:
        name = f"m_{uuid.uuid4().hex[:12]}"
        _pg_create(self.admin, name, template=self.template)
        return name

    def take(self) -> str:
        """The name of a fresh copy; the next one is started at once."""
        made = self.ahead or self.executor.submit(self._make)
        self.ahead = self.executor.submit(self._make)
        return made.result()

    def drop(self, name: str) -> None:
        self.drops.append(self.executor.submit(_pg_drop, self.admin, name))
        failed = [f for f in self.drops if f.done() and f.exception()]
        self.drops = [f for f in self.drops if not f.done()]
        if failed:
            raise failed[0].exception()  # type: ignore[misc]

    def close(self) -> None:
        if self.ahead is not None:
            self.drop(self.ahead.result())
        self.executor.shutdown(wait=True)
        for f in self.drops:
            f.result()


@pytest.fixture(scope="session")
def pg_copies(pg_server: str, pg_admin: Engine, migrated_pg: str) -> Iterator[PgCopies]:
    copies = PgCopies(pg_server, pg_admin, migrated_pg)
    try:
        yield copies
    finally:
        copies.close()


@pytest.fixture
def pg_migrated_copy(pg_copies: PgCopies) -> Iterator[str]:
    """A fresh PostgreSQL database with every domain's migrations (a copy of ``migrated_pg``)."""
    name = pg_copies.take()
    try:
        yield f"{pg_copies.server}/{name}"
    finally:
        pg_copies.drop(name)


@pytest.fixture
def migrated_db_url(db_url: str, request: pytest.FixtureRequest) -> str:
    """``db_url`` (SQLite, then PostgreSQL) with every domain's migrations: a copy of the session's
    migrated database (Alembic's upgrade costs 0.2–0.5 CPU-s, and seconds of wall time on PostgreSQL;
    a copy costs milliseconds). The migrations themselves run once per session and backend, and every
    domain's ``migration_differences`` test and tests/platform/test_platform_db.py check the result."""
    if db_url.startswith("sqlite"):
        path = Path(db_url.split("///", 1)[1])
        assert not path.exists(), "a migrated copy replaces the empty database db_url names"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
    elif not db_url.rsplit("/", 1)[1].startswith("m_"):  # an empty pg_url database, not a pg_migrated_copy
        admin = request.getfixturevalue("pg_admin")
        name = db_url.rsplit("/", 1)[1]
        _pg_drop(admin, name)
        _pg_create(admin, name, template=request.getfixturevalue("migrated_pg"))
    return db_url


@pytest.fixture
def engine(migrated_db_url: str) -> Iterator[Engine]:
    """A workflow database on ``db_url`` (SQLite, then PostgreSQL) with every domain's migrations."""
    from zhichan.platform.db import make_engine

    eng = make_engine(migrated_db_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def module_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """``engine``'s migrated database (SQLite, then PostgreSQL) once per module instead of per test: for a module
    fixture that records a world of cases once and tests that only read it (the figures modules: the world was
    built again for every test and database). A test that writes takes ``module_engine_copy``."""
    from zhichan.platform.db import make_engine

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("module-db") / "workflow.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    copies: PgCopies = request.getfixturevalue("pg_copies")
    name = copies.take()
    eng = make_engine(f"{copies.server}/{name}")
    try:
        yield eng
    finally:
        eng.dispose()
        copies.drop(name)


@pytest.fixture
def module_engine_copy(module_engine: Engine, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A copy of ``module_engine``'s database as the module's fixtures left it, for a test that writes (or whose
    writes must not reach the next test): SQLite's backup API (consistent with its write-ahead log), PostgreSQL's
    ``CREATE DATABASE … TEMPLATE`` (the module's pool closed first: a template may have no sessions)."""
    import sqlite3

    from zhichan.platform.db import make_engine

    if module_engine.dialect.name == "sqlite":
        path = tmp_path / "copy.sqlite3"
        with module_engine.connect() as conn:
            target = sqlite3.connect(path)
            conn.connection.driver_connection.backup(target)  # type: ignore[union-attr]
            target.close()
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    admin, server = request.getfixturevalue("pg_admin"), request.getfixturevalue("pg_server")
    module_engine.dispose()
    name = f"c_{uuid.uuid4().hex[:12]}"
    _pg_create(admin, name, template=module_engine.url.database)
    eng = make_engine(f"{server}/{name}")
    try:
        yield eng
    finally:
        eng.dispose()
        _pg_drop(admin, name)


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web platform's seeded data directory (corpus, search index, accounts), built once per run
    for every domain and xdist worker (the first worker asking builds it under a lock, as
    ``tests.helpers.generated_snapshot`` does; ~1 CPU-s a worker spent building its own); each test
    works on a copy (``zhichan.web.testing.make_env``), never in it."""
    from tests.helpers import run_folder
    from zhichan.web.testing import build_template

    with run_folder(tmp_path_factory, "web-template") as folder:
        if not (folder / "built").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            build_template(folder / "var")
            (folder / "built").touch()
    return folder / "var"


# -- the browser flows (tests/web, tests/procedures): the real app served by uvicorn, Debian Chromium --

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_server(env: Any) -> Iterator[str]:
    """``env`` (a ``zhichan.web.testing.WebEnv``) comes from the requesting test's folder."""
    import threading

    import uvicorn

    from tests.helpers import wait_for

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(env.app, host="127.0.0.1", port=port, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started or not thread.is_alive(), timeout=60, what="uvicorn to start")
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    """One headless Chromium per test session (worker), started when the first browser test asks:
    Playwright's driver and a browser cost a second or two of CPU to start. Each test gets a context
    of its own (cookies, storage, downloads), as separate as a browser of its own."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(live_server: str, chromium, env):  # type: ignore[no-untyped-def]
    context = chromium.new_context(base_url=live_server, viewport={"width": 1400, "height": 1000},
                                   accept_downloads=True, locale="zh-CN")
    # the app's database and address, for tests.helpers.sign_in to start a session without argon2's check
    context.zhichan_engine, context.zhichan_base_url = env.engine, live_server
    # Playwright's 30 s is a timeout, not a speed check: on a shared machine at load 12 one indicators page took
    # longer (a whole run took 61 min instead of 12); a page that never comes still fails the test
    context.set_default_navigation_timeout(120_000)
    context.set_default_timeout(60_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium reports a request it gave up itself as net::ERR_ABORTED: a download ends its
    # navigation request that way, and leaving a page aborts what the page was still loading (the
    # favicon, the cockpit's map outline). Neither is the server failing; a refused connection, a
    # reset or a timeout still is.
    pg.on("requestfailed", lambda req: None if req.failure == "net::ERR_ABORTED"
          else errors.append(f"failed: {req.url} ({req.failure})"))
    yield pg
    context.close()
    assert errors == [], errors


@pytest.fixture(autouse=True, scope="session")
def strict_messages() -> Iterator[None]:
    """A message key without an entry in the page's language raises instead of showing the key."""
    from zhichan.web import i18n

    i18n.STRICT = True
    yield
    i18n.STRICT = False


@pytest.fixture(autouse=True, scope="session")
def rendered_documents() -> Iterator[None]:
    """A procedure step's generated document (PDF and DOCX) rendered once per process for the same document: the tests
    walk the same case with the same values again and again (on both databases, several tests over one world), and a
    rendering costs ~0.2 CPU-s (tests/protection/test_adjudication.py: 130 renderings, 87 of them repeats, half its CPU).
    The bytes are those a rendering makes (the document is dated by its own date, not the clock)."""
    from zhichan import reports

    reports.RENDERED = {}
    yield
    reports.RENDERED = None

