"""Test support for the web platform (used by tests/web and the benchmarks): a hand-made corpus,
a seeded organization tree with one user per role, and sign-in helpers."""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import shutil
import warnings
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from html import unescape
from pathlib import Path
from typing import Any, cast
from urllib.parse import urljoin

import jinja2
import jinja2.bccache
from sqlalchemy import Engine

from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot, event, patent
from zhichan.platform.accounts import create_user, hash_password
from zhichan.platform.db import make_engine, session_scope, upgrade
from zhichan.platform.models import OrgKind, Role
from zhichan.platform.orgs import bureau_name_en, create_org
from zhichan.settings import Settings

with warnings.catch_warnings():
    # starlette asks for the httpx2 package (not installed); the TestClient works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORD = "correct horse battery"
WUHOU_ENTERPRISE = "成都示例科技有限公司"
JINJIANG_ENTERPRISE = "锦江独有材料有限公司"
JINJIANG_TITLE = "锦江专属的一种储能装置"
BANK = "成都示例银行股份有限公司"
BANK_EN = "Chengdu Example Bank Co., Ltd."
#: the root organization's English name (it is 国家局, the national administration, in Chinese)
NATION_EN = "China National Intellectual Property Administration (CNIPA)"
XSS_TITLE = '一种<script>alert("xss")</script>装置'


def _patents() -> list[dict]:
    rows = []
    for i in range(12):
        rows.append(patent(serial=100 + i, title=f"一种锂离子电池负极材料{i}", region_code="510107",
                           application_date=f"{2015 + i % 8}-03-0{1 + i % 8}", synthetic=True,
                           applicants=[WUHOU_ENTERPRISE]))
    for i in range(6):
        rows.append(patent(serial=200 + i, title=f"{JINJIANG_TITLE}{i}", region_code="510104",
                           application_date=f"{2016 + i}-06-01", applicants=[JINJIANG_ENTERPRISE]))
    rows.append(patent(serial=300, title=XSS_TITLE, region_code="510107", application_date="2021-01-05",
                       applicants=[WUHOU_ENTERPRISE], kind="utility_model", legal_status="granted"))
    for i in range(4):
        rows.append(patent(serial=400 + i, title=f"一种图像处理方法{i}", region_code="320102",
                           application_date=f"{2018 + i}-02-01", applicants=["南京玄武软件有限公司"],
                           ipc=["G06T7/00"]))  # 9.1 新技术与创新创业服务: the corpus's strategic emerging industry
    return rows


class _SharedBytecode(jinja2.BytecodeCache):
    """The compiled templates of every app a test process makes. Each test's app has a Jinja
    environment of its own, which compiled every template the test rendered again (tens of ms a
    page); the compiled code depends only on the template's source (the bucket's checksum), so one
    compilation per process serves them all."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # a changed source (checksum) is compiled again

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _SharedBytecode()


@dataclass
class WebEnv:
    settings: Settings
    app: object
    engine: object
    numbers: dict[str, str]

    def client(self) -> TestClient:
        return TestClient(self.app)  # type: ignore[arg-type]


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    token = csrf_from(client.get("/login").text)
    r = client.post("/login", data={"username": username, "password": password, "csrf_token": token, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:500]


def switch_of(response: Any) -> str:
    """The address the header's language switch of a page leads to, resolved against the page's as a browser does."""
    found = re.search(r'<a href="([^"]*)" id="lang-switch">', response.text)
    assert found, "page has no language switch"
    return urljoin(str(response.url), unescape(found.group(1)))


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "page has no CSRF token"
    return found.group(1)


@cache
def _password_hash() -> str:
    """argon2 is deliberately slow (0.2 CPU-s): one hash of :data:`PASSWORD` for every account of
    every database a process seeds."""
    return hash_password(PASSWORD)


def seed(engine: Engine) -> None:
    """The test organization tree with one account per role (all with :data:`PASSWORD`)."""
    shared_hash = _password_hash()
    with session_scope(engine) as s:
        # every bureau and the bank named in both languages, as the demo's are (English pages showed 国家局); the
        # enterprises are corpus parties, named as the corpus names them (English pages show that name)
        nation = create_org(s, "国家局", OrgKind.NATION, "100000", name_en=NATION_EN)
        sichuan = create_org(s, "四川省知识产权局", OrgKind.PROVINCE, "510000", nation,
                             name_en=bureau_name_en("510000"))
        chengdu = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100", sichuan,
                             name_en=bureau_name_en("510100"))
        wuhou = create_org(s, "武侯区知识产权局", OrgKind.COUNTY, "510107", chengdu,
                           name_en=bureau_name_en("510107"))
        jinjiang = create_org(s, "锦江区知识产权局", OrgKind.COUNTY, "510104", chengdu,
                              name_en=bureau_name_en("510104"))
        ent = create_org(s, WUHOU_ENTERPRISE, OrgKind.ENTERPRISE, "510107", wuhou, party_key=WUHOU_ENTERPRISE)
        ent2 = create_org(s, JINJIANG_ENTERPRISE, OrgKind.ENTERPRISE, "510104", jinjiang,
                          party_key=JINJIANG_ENTERPRISE)
        bank = create_org(s, BANK, OrgKind.BANK, "510100", chengdu, name_en=BANK_EN)
        for username, role, org in [
            ("root", Role.SYSTEM_ADMIN, nation), ("cd_admin", Role.SYSTEM_ADMIN, chengdu),
            ("cd_leader", Role.BUREAU_LEADER, chengdu), ("wuhou", Role.ANALYST, wuhou),
            ("wuhou_admin", Role.SYSTEM_ADMIN, wuhou), ("jinjiang", Role.ANALYST, jinjiang),
            ("ent_user", Role.ENTERPRISE_USER, ent), ("ent2_user", Role.ENTERPRISE_USER, ent2),
            ("wuhou_officer", Role.CASE_OFFICER, wuhou), ("jinjiang_officer", Role.CASE_OFFICER, jinjiang),
            ("cd_bank", Role.BANK_USER, bank),
        ]:
            create_user(s, username=username, password=PASSWORD, role=role, org=org, password_hash=shared_hash)


def build_template(data_dir: Path) -> dict[str, str]:
    """Corpus snapshot, search index and a seeded SQLite workflow DB in ``data_dir``; returns the
    application numbers tests refer to."""
    rows = _patents()
    numbers = {
        "wuhou": rows[0]["application_number"],
        "jinjiang": rows[12]["application_number"],
        "xss": rows[18]["application_number"],
    }
    snap = build_snapshot(
        data_dir,
        patents=rows,
        events=[event(numbers["wuhou"], "pledge", "2019-01-01", amount_yuan=Decimal("5000000"), party_to="某银行"),
                # a status change as the commercial layout records it: the detail is the status code
                event(numbers["wuhou"], "legal_status_change", "2019-06-01", detail="under_examination")],
    )
    assert snap.synthetic
    from zhichan.search.build import build_index

    build_index(snap, with_vectors=False)
    engine = make_engine(f"sqlite:///{(data_dir / 'zhichan.sqlite3').resolve()}")
    upgrade(engine)
    seed(engine)
    engine.dispose()
    (data_dir / "numbers.json").write_text(json.dumps(numbers), "utf-8")
    return numbers


def make_env(settings: Settings, template: Path, db_url: str | None = None, *, search_index: bool = True,
             cockpits: bool = True) -> WebEnv:
    """A fresh copy of the template data directory for one test, and the app over it (``_app``).
    Under pytest, the app's corpus access starts with the template's cockpits (:func:`_cockpits`)
    unless ``cockpits`` is false (a test of the cockpit's computation or warm-up)."""
    shutil.copytree(template, settings.data_dir, dirs_exist_ok=True)
    if not search_index:
        shutil.rmtree(settings.data_dir / "index")
    numbers = json.loads((settings.data_dir / "numbers.json").read_text("utf-8"))
    engine = make_engine(db_url or settings.effective_database_url)
    if db_url:
        upgrade(engine)
        seed(engine)
    app = _app(settings, engine)
    if cockpits and os.environ.get("PYTEST_CURRENT_TEST"):
        app.state.corpus.preload(functools.partial(_cockpits, template, settings))  # type: ignore[attr-defined]
    return WebEnv(settings, app, engine, numbers)


def _files(snapshot: Path) -> list[tuple[str, int, int]]:
    """Name, size and modification time (ns) of each file of a snapshot: a copy (``copytree`` keeps the
    times) lists the same until a test changes a file in it."""
    return sorted((str(f.relative_to(snapshot)), f.stat().st_size, f.stat().st_mtime_ns)
                  for f in snapshot.rglob("*") if f.is_file())


#: settings that do not change what the corpus holds or how a cockpit counts it
_OWN_SETTINGS = {"data_dir", "database_url", "plans_dir", "secret_key"}
#: per template folder: its snapshot id, files and settings, and the cockpits computed on it (``_cockpits``)
_TEMPLATE_COCKPITS: dict[Path, tuple[str, list[tuple[str, int, int]], dict[str, Any], dict[tuple[Any, ...], Any]]] = {}


def _cockpits(template: Path, settings: Settings, snapshot: Snapshot) -> dict[tuple[Any, ...], Any]:
    """(``CorpusAccess.preload``) The cockpit of every region of :func:`seed`'s organizations in both
    languages (data, charts, indicator panel; the page's plan gauges and rendered body are not among
    them), computed once per process on the template's own snapshot, for a test's app opening its copy.
    Each test's app computed them again (~0.4 CPU-s per test that shows a cockpit or region). Only a copy
    with the same files and the same settings gets them: a test that changes its corpus (an import makes
    another snapshot; a file edited in place) or a setting computes its own; each test gets its own copy
    of the results."""
    from zhichan.indicators import views
    from zhichan.platform.models import Role
    from zhichan.platform.portal import CorpusAccess
    from zhichan.platform.scope import Scope

    own = settings.model_dump(exclude=_OWN_SETTINGS)
    known = _TEMPLATE_COCKPITS.get(template)
    if known is None:
        access = CorpusAccess(template / "corpus")
        try:
            snap = access.require_snapshot()
            for code in ("100000", "510000", "510100", "510107", "510104"):
                scope = Scope(role=Role.ANALYST, user_id=0, username="template", org_path="/", region_code=code)
                for lang in ("zh", "en"):
                    views.cockpit(access, scope, code, lang)
            known = (snap.id, _files(snap.path), own, dict(access._cache))
        finally:
            access.close()
        _TEMPLATE_COCKPITS[template] = known
    snapshot_id, files, template_settings, results = known
    if snapshot.id != snapshot_id or own != template_settings or _files(snapshot.path) != files:
        return {}
    return copy.deepcopy(results)


#: the app a pytest process reuses, and the test it was last given to
_SHARED: dict[str, object] = {}


def _app(settings: Settings, engine: Engine) -> object:
    """The app of one test's environment. Under pytest, each worker builds one app and gives it to
    the next test with its new data directory and database (``reset_app``: every per-instance object
    made anew, FastAPI's prepared routes and the compiled templates kept). A test that asks for a
    second environment while holding the first gets an app of its own; outside pytest, every call
    gets a new app."""
    from zhichan.web.app import create_app, reset_app

    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    shared = _SHARED.get("app")
    if shared is not None and test and _SHARED.get("test") != test:
        reset_app(shared, settings, engine)  # type: ignore[arg-type]
        _SHARED["test"] = test
        return shared
    app = create_app(settings, engine=engine, start_worker=False)
    app.state.templates.env.bytecode_cache = _BYTECODE
    if shared is None and test:
        _SHARED.update(app=app, test=test)
    return app


def session_token(engine: Engine, username: str) -> str:
    """A session of ``username`` started without the (deliberately slow, 0.2–0.3 CPU-s) password check: the token
    for the session cookie (:data:`zhichan.web.security.SESSION_COOKIE`)."""
    from sqlalchemy import select

    from zhichan.platform.accounts import create_session
    from zhichan.platform.models import User

    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        return create_session(s, user, "testclient")


def login_as(client: TestClient, engine: Engine, username: str) -> None:
    """Start a session without the (deliberately slow) password check — for tests that are not
    about signing in; the sign-in form itself is covered by tests of its own."""
    from zhichan.web.security import SESSION_COOKIE

    client.cookies.set(SESSION_COOKIE, session_token(engine, username))


def client_for(env: WebEnv, username: str) -> TestClient:
    """A client of ``env`` signed in as ``username`` (:func:`login_as`: no password check)."""
    client = env.client()
    login_as(client, cast(Engine, env.engine), username)
    return client
