"""Helpers shared by every test domain."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import pytest

    from zhichan.corpus.store import Snapshot

T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float = 60.0, what: str = "condition") -> T:
    """Poll ``condition`` until it returns something truthy (returned), failing after ``timeout``
    seconds — for work done by another thread or process; never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def lock_waited(engine: Any, started: Any) -> Callable[[], bool]:
    """A condition for :func:`wait_for`: another thread's transaction waits for a lock this test holds — on
    PostgreSQL a session of the test's database waits on a lock; on SQLite, which serializes writers, the thread has
    started (``started``, a ``threading.Event`` it sets before its transaction) and so waits for the write lock."""
    from sqlalchemy import text

    def waiting() -> bool:
        if engine.dialect.name != "postgresql":
            return bool(started.is_set())
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                          "AND wait_event_type = 'Lock'")).scalar())

    return waiting


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test run's temporary root: the worker's own under pytest-xdist is a folder of it."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


@contextmanager
def run_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """The folder ``name`` in the test run's temporary root, held under an exclusive lock while the block runs.

    Every xdist worker of a run sees the same folder (the workers' temporary roots are folders of the run's,
    as pytest-xdist documents), so what one worker builds there under the lock the others open afterwards.
    The folder is not made: the block makes it (and finds what an earlier holder left in it)."""
    shared = run_root(tmp_path_factory) / "shared"
    shared.mkdir(exist_ok=True)
    with open(shared / f"{name}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield shared / name


#: the corpora :func:`generated_snapshot` has opened in this process, by (patents, seed, as of)
_GENERATED: dict[tuple[int, int, dt.date], Snapshot] = {}


def generated_snapshot(tmp_path_factory: pytest.TempPathFactory, patents: int, seed: int,
                       as_of: dt.date | None = None) -> Snapshot:
    """The synthetic generator's corpus of ``patents`` and ``seed`` as of ``as_of`` (the generator's default when
    None), generated once per test run and shared by every test and xdist worker that asks for the same: the first
    asking generates it under a lock (:func:`run_folder`), the others open it. Its data folder is the snapshot's
    ``path.parents[2]`` (an index built for it lands there: the caller locks ``run_folder(…, name + "-index")``).

    Read only: a test that writes anything beside it (an export of workflow tables, an import, an index of its
    own) takes a copy (:func:`generated_copy`)."""
    from zhichan.corpus.generator import generate
    from zhichan.corpus.generator.service import DEFAULT_AS_OF
    from zhichan.corpus.store import CorpusStore

    key = (patents, seed, as_of or DEFAULT_AS_OF)
    if key not in _GENERATED:
        with run_folder(tmp_path_factory, generated_name(*key)) as folder:
            if not (folder / "generated").exists():
                shutil.rmtree(folder, ignore_errors=True)  # a generation that failed half-way
                generate(patents, seed, store=CorpusStore(folder / "var" / "corpus"), as_of=key[2])
                (folder / "generated").touch()
            _GENERATED[key] = CorpusStore(folder / "var" / "corpus").current()
    return _GENERATED[key]


def generated_name(patents: int, seed: int, as_of: dt.date) -> str:
    """The name of the run folder (:func:`run_folder`) of a generated corpus."""
    return f"generated-{patents}-{seed}-{as_of:%Y%m%d}"


def generated_copy(tmp_path_factory: pytest.TempPathFactory, patents: int, seed: int, folder: Path,
                   as_of: dt.date | None = None) -> Snapshot:
    """A copy of :func:`generated_snapshot`'s corpus of its own as ``folder / "corpus"`` (a store whose data folder is
    ``folder``), for a test that writes beside it; a copy of its files costs milliseconds, generating it again
    a few hundred of them."""
    from zhichan.corpus.store import CorpusStore

    shared = generated_snapshot(tmp_path_factory, patents, seed, as_of)
    shutil.copytree(shared.path.parents[1], folder / "corpus")
    return CorpusStore(folder / "corpus").current()


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` in threads released together (a barrier), as concurrent requests race: each one's result, or the
    exception it raised, in order — for the tests of a conflict the database must settle (one wins, the other 409)."""
    import threading

    start = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 — returned: the test says which it expects
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


_WHOLE_DATE = re.compile(r'<span class="date">([^<]*)</span>')


def whole_dates(html: str) -> str:
    """A page's HTML with the spans that keep a message's dates on one line left out (their text kept): what a
    test looking for a sentence in the HTML reads (``zhichan.web.i18n.translate_whole_dates``)."""
    return _WHOLE_DATE.sub(r"\1", html)


def sign_in(page: Any, username: str, password: str | None = None, then: str = "/") -> None:
    """Sign in in a browser page and go on to ``then``, waiting until that page has loaded. A test going on to a
    page of its own names it here rather than loading the home page first (an analyst's is the cockpit: charts and
    the map's boundaries).

    In a page of the ``page`` fixture (its context knows the app's database) the session is started on the server
    without the password check and its cookie given to the browser, as :func:`zhichan.web.testing.login_as` does for
    a test client: argon2 costs 0.2–0.3 CPU-s a sign-in by design, and the browser tests signed in ~100 times a run
    for pages that are not about signing in. With a ``password``, or in a page of another context, it signs in
    through the login form (the form's ``next``; a navigation started before the form has left /login would abort
    the sign-in's redirect); the form itself is tested by tests of its own (tests/web/test_web_browser.py)."""
    from urllib.parse import quote, urlsplit

    from zhichan.web.testing import PASSWORD, session_token

    parts = urlsplit(then)  # a page's own address (``page.url``) is absolute: the form takes its path
    then = parts.path + (f"?{parts.query}" if parts.query else "")
    engine = getattr(page.context, "zhichan_engine", None)
    if password is None and engine is not None:
        from zhichan.web.security import SESSION_COOKIE

        page.context.add_cookies([{"name": SESSION_COOKIE, "value": session_token(engine, username),
                                   "url": page.context.zhichan_base_url, "httpOnly": True, "sameSite": "Lax"}])
        page.goto(then)
    else:
        page.goto("/login" if then == "/" else f"/login?next={quote(then, safe='/')}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password or PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
    if then != "/":
        assert urlsplit(page.url).path == parts.path, (page.url, then)


def choose(page: Any, field_id: str, value: str) -> None:
    """Choose ``value`` in a form's choice ``field_id`` (``start-ground``) as a person does: the option of its select,
    or where a few long labels are offered as radio buttons (``_form.html`` ``choice``, zhichan/web/choices.py) the
    button of that value in the group."""
    control = page.locator(f"#{field_id}")
    if control.evaluate("e => e.tagName") == "SELECT":
        control.select_option(value)
    else:
        control.locator(f'input[type=radio][value="{value}"]').check()


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


#: a bare code as stored (``registered``, ``finance.pledge``, ``date_source``): what a reader should never see
BARE_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


def unlabelled_codes(snapshot: Any, package: str, region: str, as_of: dt.date) -> list[str]:
    """What the records page of every relation ``package`` declares would show as a bare code, in Chinese
    or English (``relation.column=value``; the record and holder keys are identifiers, not codes), and each
    relation with no records behind any of its indicators (whose codes the check cannot see). Used by every
    domain's figures test on its hand-made records: a coded column needs ``Relation.labels``."""
    from zhichan.figures import domain_relations
    from zhichan.indicators import registry, service
    from zhichan.indicators.views import labelled_records, record_cell
    from zhichan.procedures.declaration import ProcedureRegistry

    procedures = ProcedureRegistry.load()
    found: list[str] = []
    for relation in (r for r in domain_relations().values() if r.package == package):
        records = []
        for ind in (i for i in registry.indicators().values() if i.source == relation.name):
            _, table = service.drilldown_page(ind.code, region, as_of, limit=10_000, snapshot=snapshot)
            data = {"drill_indicator": ind.drill_code,
                    "records": [{k: record_cell(v) for k, v in row.items()} for row in table.to_pylist()]}
            records += [row for lang in ("zh", "en") for row in labelled_records(data, lang, procedures)["records"]]
        if not records:
            found.append(f"{relation.name}: no records to check")
        identifiers = set(relation.keys[:3])
        found += sorted({f"{relation.name}.{c}={v}" for row in records for c, v in row.items()
                         if c not in identifiers and isinstance(v, str) and BARE_CODE.match(v)})
    return found


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as a reader copies it out (poppler's ``pdftotext``), pages separated by form feeds."""
    import subprocess

    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


def pdf_words(pdf: bytes) -> list[dict[str, Any]]:
    """Every word of a PDF with where it stands (``pdftotext -bbox``): ``text``, ``page`` (from 1), ``x_min``, ``x_max``,
    ``y_min`` in points, and the page's ``width`` — for a test that measures a layout."""
    import html
    import subprocess

    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    words: list[dict[str, Any]] = []
    for number, (width, body) in enumerate(re.findall(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', out, re.S), 1):
        for x_min, y_min, x_max, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', body):
            words.append({"text": html.unescape(text), "page": number, "x_min": float(x_min), "x_max": float(x_max),
                          "y_min": float(y_min), "width": float(width)})
    return words


def docx_text(docx: bytes) -> str:
    """The text of a DOCX as Word shows it: body paragraphs and table cells in order, then headers and footers."""
    import io

    from docx import Document

    document = Document(io.BytesIO(docx))
    parts: list[str] = []
    def texts(element: Any) -> str:
        return "".join(t.text or "" for t in element.iter() if t.tag.endswith("}t"))

    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            parts.append(texts(block) + "\n")
        elif block.tag.endswith("}tbl"):  # a row a line, its cells separated by tabs
            parts.extend("\t".join(texts(cell) for cell in row.iterchildren() if cell.tag.endswith("}tc")) + "\n"
                         for row in block.iterchildren() if row.tag.endswith("}tr"))
    for section in document.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text + "\n" for p in part.paragraphs)
    return "".join(parts)


@contextmanager
def holiday_schedule(path: Path, text: str) -> Iterator[list[int]]:
    """An operator's holiday-schedule file ``text`` written to ``path`` and loaded — the years it added — and the
    official schedule restored afterwards (a loaded year is process-wide)."""
    from chinese_calendar import constants as schedule

    from zhichan.legaltime import load_schedule_file

    saved = dict(schedule.holidays), dict(schedule.workdays)
    path.write_text(text, encoding="utf-8")
    try:
        yield load_schedule_file(path)
    finally:
        schedule.holidays.clear()
        schedule.holidays.update(saved[0])
        schedule.workdays.clear()
        schedule.workdays.update(saved[1])


#: more values than one statement may bind on PostgreSQL (65,535) and on a stock SQLite (32,766): a list of this many
#: values must reach the database through ``zhichan.platform.inlists``, a subquery or a join
BEYOND_BOUND_VALUES = 70_000


def stock_sqlite_limits(engine: Any) -> None:
    """Give ``engine``'s SQLite connections a stock build's limit of bound values (32,766; Debian's Python binds up to
    250,000), so that a test passing :data:`BEYOND_BOUND_VALUES` values fails on both databases where one statement
    binds them all. Nothing on PostgreSQL, whose limit is the protocol's."""
    import sqlite3

    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        return

    def limit(connection: Any, _record: Any) -> None:
        connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32_766)

    event.listen(engine, "connect", limit)
    engine.dispose()  # connections opened before get the limit too: they are opened again


def unnamed_tooltips(spec: Any, lang: str) -> list[Any]:
    """Every tooltip entry of a Vega-Lite ``spec`` (its layers, panels and views) that shows its data's column name —
    no title, or a title that is the field (``year``, ``series``, ``value``) — or, on an English chart, a Chinese
    title; none there is what a chart in the page's language has."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            tips = node.get("tooltip")
            for tip in tips if isinstance(tips, list) else [tips] if isinstance(tips, dict) else []:
                title = tip.get("title") if isinstance(tip, dict) else None
                if not title or title == tip.get("field") or (lang == "en" and re.search(r"[\u3400-\u9fff]", title)):
                    found.append(tip)
            for key, value in node.items():
                if key not in ("data", "datasets"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found
