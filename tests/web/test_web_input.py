"""Bad text where forms and JSON bodies enter: a character no document or database takes (a NUL, a C0 control but
tab, line feed and carriage return, a lone surrogate) and too long or empty a value are refused beside their field
with a 4xx, the form shown again, nothing stored — never a 500 (a NUL reached python-docx's decision document and
PostgreSQL's text columns) nor a bare 请求参数无效 page (FastAPI's ``Form(max_length=…)``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from tests.procedures.helpers import PDF
from zhichan.platform.db import session_scope
from zhichan.platform.models import ApiToken, Job, User
from zhichan.procedures.models import Case
from zhichan.settings import Settings
from zhichan.web.testing import TestClient, WebEnv, csrf_from, login_as, make_env

CONTROLS = ("a\x00b", "a\x01b", "a\x0bb", "a\x1fb", "\ufffe")


@pytest.fixture
def env(settings: Settings, web_template: Path, migrated_db_url: str) -> Iterator[WebEnv]:
    """The web platform on SQLite, then on PostgreSQL (whose text columns refuse a NUL: a 500 there)."""
    web = make_env(settings, web_template, migrated_db_url if migrated_db_url.startswith("postgresql") else None)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def _count(env: WebEnv, model: type) -> int:
    with session_scope(env.engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _beside(html: str, field: str) -> str:
    """The message beside ``field`` (``_form.html``'s ``field_error``), or ''."""
    found = re.search(rf'id="error-{field}"[^>]*>([^<]*)<', html)
    return found.group(1) if found else ""


@pytest.mark.parametrize("text", CONTROLS)
def test_a_token_name_with_a_control_character_is_refused_beside_it(env: WebEnv, client: TestClient, text: str) -> None:
    login_as(client, env.engine, "wuhou")
    token = csrf_from(client.get("/account").text)
    r = client.post("/account/tokens", data={"csrf_token": token, "name": text})
    assert r.status_code == 422 and "不可见的控制字符" in _beside(r.text, "name")
    assert _count(env, ApiToken) == 0
    api = client.post("/api/v1/tokens", json={"name": text}, headers={"X-CSRF-Token": token})
    assert api.status_code == 422 and "不可见的控制字符" in api.text
    assert _count(env, ApiToken) == 0


def test_account_forms_too_long_or_empty_are_refused_beside_the_field(env: WebEnv, client: TestClient) -> None:
    login_as(client, env.engine, "wuhou")
    token = csrf_from(client.get("/account").text)
    long = client.post("/account/tokens", data={"csrf_token": token, "name": "令" * 121})
    assert long.status_code == 422 and "超过 120 字" in _beside(long.text, "name")
    assert 'value="' + "令" * 121 + '"' in long.text  # what was typed is kept
    english = client.post("/account/tokens?lang=en", data={"csrf_token": token, "name": "x" * 121})
    assert english.status_code == 422 and _beside(english.text, "name") == "Longer than 120 characters"
    empty = client.post("/account/tokens?lang=zh", data={"csrf_token": token})
    assert empty.status_code == 422 and _beside(empty.text, "name").startswith("请填写")
    jobs = client.post("/jobs", data={"csrf_token": token, "kind": ""})
    assert jobs.status_code == 422 and _beside(jobs.text, "kind").startswith("请填写") and 'id="job-form"' in jobs.text
    assert _count(env, ApiToken) == 0 and _count(env, Job) == 0
    password = client.post("/account/password", data={"csrf_token": token, "old_password": "x" * 301,
                                                      "new_password": "a\x00" * 6, "new_password2": "a\x00" * 6})
    assert password.status_code == 422 and "超过 300 字" in _beside(password.text, "old_password")
    assert "不可见的控制字符" in _beside(password.text, "new_password")


def test_the_sign_in_form_refuses_beside_the_field(env: WebEnv) -> None:
    with env.client() as client:
        token = csrf_from(client.get("/login").text)
        long = client.post("/login", data={"csrf_token": token, "username": "u" * 201, "password": "p"})
        assert long.status_code == 422 and "超过 200 字" in _beside(long.text, "username") and 'id="login-form"' in long.text
        nul = client.post("/login", data={"csrf_token": token, "username": "wuhou\x00", "password": "p",
                                          "next": "/\x00" + "x" * 600})
        assert nul.status_code == 422 and "不可见的控制字符" in _beside(nul.text, "username")


def test_evidence_and_navigation_forms_refuse_beside_the_field(env: WebEnv, client: TestClient) -> None:
    token = csrf_from(client.get("/evidence/verify").text)
    for digest, message in (("0" * 201, "超过 200 字"), ("ab\x00cd", "不可见的控制字符")):
        r = client.post("/evidence/verify", data={"csrf_token": token, "digest": digest})
        assert r.status_code == 422 and message in r.text, r.text[:300]
    login_as(client, env.engine, "wuhou")
    token = csrf_from(client.get("/navigation/chains/nev").text)
    for as_of, message in (("2023-12-311", "超过 10 字"), ("2023-13-01", "日期不存在"), ("2023\x00", "不可见的控制字符")):
        r = client.post("/navigation/chains/nev/run", data={"csrf_token": token, "as_of": as_of})
        assert r.status_code == 422 and 'id="run-form"' in r.text and message in _beside(r.text, "as_of"), as_of
    assert _count(env, Job) == 0
    before = _count(env, User)
    login_as(client, env.engine, "root")
    token = csrf_from(client.get("/admin/users").text)
    r = client.post("/admin/users", data={"csrf_token": token, "username": "新\x00用户", "password": "long-enough-1",
                                          "role": "analyst", "org_id": "1", "display_name": "名" * 201})
    assert r.status_code == 422 and "不可见的控制字符" in _beside(r.text, "username")
    assert "超过 200 字" in _beside(r.text, "display_name")
    assert _count(env, User) == before
    # a button's hidden value (a plan to delete): no field to show it beside, no such plan
    for plan_id in ("p" * 201, "plan\x00.yaml"):
        assert client.post("/plans/delete", data={"csrf_token": token, "plan_id": plan_id}).status_code == 404


def test_a_procedure_form_with_a_control_character_is_refused_beside_it(env: WebEnv, client: TestClient) -> None:
    """The engine's field check (every declared form: a start form here, a step's likewise, tests/procedures)."""
    login_as(client, env.engine, "ent_user")
    token = csrf_from(client.get("/procedures/services.search_service/new").text)
    fields = {"csrf_token": token, "applicant": "成都示例科技有限公司", "topic": "固态电池\x00电解质", "purpose": "专利布局",
              "contact": "王五\x0b028-12345678"}
    r = client.post("/procedures/services.search_service/new", data=fields, files={"doc0": ("申请表.pdf", PDF, "application/pdf")})
    assert r.status_code == 422 and 'id="start-topic-error"' in r.text and 'id="start-contact-error"' in r.text
    assert "不可见的控制字符" in r.text
    assert _count(env, Case) == 0


def test_forms_read_by_their_own_handlers_refuse_a_control_character(env: WebEnv, client: TestClient) -> None:
    """A domain's form its handler reads field by field (the investigators' roster, overseas disputes): the message
    beside the field, nothing stored."""
    from zhichan.protection.models import OverseasDispute

    login_as(client, env.engine, "wuhou_officer")
    token = csrf_from(client.get("/protection/investigators").text)
    r = client.post("/protection/investigators", data={"csrf_token": token, "name": "赵\x00专家", "organization": "电子科技大学",
                                                       "kind": "技术调查官", "ipc_fields": "H01M"})
    assert r.status_code == 422 and "不可见的控制字符" in r.text
    assert client.get("/protection/investigators").text.count("赵") == 0
    r = client.post("/protection/overseas/disputes", data={
        "csrf_token": token, "enterprise": "成都示例科技有限公司", "country": "美国", "kind": "诉讼", "opponent": "Acme\x00 Inc.",
        "ipc_group": "H01M", "started_on": "2024-01-02", "forum": "", "summary": ""})
    assert r.status_code == 422 and "不可见的控制字符" in r.text
    assert _count(env, OverseasDispute) == 0


def test_a_roster_or_overseas_text_too_long_is_refused_not_cut(env: WebEnv, client: TestClient) -> None:
    """The roster and overseas forms cut a long text at 2,000, 6,000 or 600 characters and stored the rest without a
    word: a longer one is refused beside its field, kept in the form, nothing stored."""
    from zhichan.protection.models import OverseasDispute

    login_as(client, env.engine, "wuhou_officer")
    token = csrf_from(client.get("/protection/investigators").text)
    prior = "某公司、" * 501  # 2,004 characters
    r = client.post("/protection/investigators", data={"csrf_token": token, "name": "赵专家", "organization": "电子科技大学",
                                                       "kind": "技术调查官", "ipc_fields": "H01M", "prior_parties": prior})
    assert r.status_code == 422 and "超过 2000 字" in r.text and prior in r.text
    assert client.get("/protection/investigators").text.count("赵专家") == 0
    summary = "案情" * 3001
    r = client.post("/protection/overseas/disputes", data={
        "csrf_token": token, "enterprise": "成都示例科技有限公司", "country": "美国", "kind": "诉讼", "opponent": "Acme Inc.",
        "ipc_group": "H01M", "started_on": "2024-01-02", "forum": "", "summary": summary})
    assert r.status_code == 422 and "超过 6000 字" in r.text
    assert _count(env, OverseasDispute) == 0


# a file input sent without a file: a browser sends a part with an empty name and no bytes
NO_FILE = ("", b"", "application/octet-stream")
EMPTY_FILE = ("empty.csv", b"", "text/csv")


def test_upload_forms_without_a_file_show_the_form_with_the_message_beside_it(env: WebEnv, client: TestClient) -> None:
    """Every form that takes a file (a plan, a deposit, a verification, the overseas and roster imports): sent without
    one, or with an empty one, the form again with 请选择文件 / 文件为空 beside the file field (422) and what else was
    typed — not the bare 请求参数无效 page (a required ``File(...)``), nothing stored."""
    from zhichan.evidence.models import LogEntry

    login_as(client, env.engine, "wuhou_admin")
    token = csrf_from(client.get("/plans").text)
    for sent, status, message in ((NO_FILE, 422, "请选择文件"), (None, 422, "请选择文件"),
                                  (("empty.yaml", b"", "text/plain"), 422, "文件为空")):  # the one upload rule's
        r = client.post("/plans", data={"csrf_token": token}, files={"file": sent} if sent else None)
        assert r.status_code == status and 'id="plan-upload"' in r.text and message in _beside(r.text, "file"), sent
    r = client.post("/plans?lang=en", data={"csrf_token": token}, files={"file": ("a.yaml", b"targets: [", "text/plain")})
    assert r.status_code == 400 and "YAML" in _beside(r.text, "file") and "解析" not in _beside(r.text, "file")
    client.get("/plans?lang=zh")  # the language chosen stays with the session

    login_as(client, env.engine, "ent_user")
    entries = _count(env, LogEntry)
    token = csrf_from(client.get("/evidence/deposit").text)
    for sent, message in ((NO_FILE, "请选择文件"), (None, "请选择文件"), (EMPTY_FILE, "文件为空")):
        r = client.post("/evidence/deposit", data={"csrf_token": token, "title": "合同草案", "category": "商业秘密",
                                                   "note": "第二版"}, files={"file": sent} if sent else None)
        assert r.status_code == 422 and 'id="deposit-form"' in r.text, sent
        assert re.search(rf'id="deposit-file-error">{message}', r.text), sent
        assert 'value="合同草案"' in r.text and 'value="第二版"' in r.text and 'value="商业秘密" selected' in r.text
    english = client.post("/evidence/deposit?lang=en", data={"csrf_token": token, "category": ""}, files={"file": NO_FILE})
    assert 'id="deposit-file-error">Choose a file<' in english.text and 'id="deposit-category-error"' in english.text
    client.get("/evidence/verify?lang=zh")
    assert _count(env, LogEntry) == entries

    token = csrf_from(client.get("/evidence/verify").text)
    for files, field, message in (({"file": NO_FILE, "certificate": NO_FILE}, "file", "请选择证书或文件"),
                                  ({"file": EMPTY_FILE}, "file", "文件为空"),
                                  ({"certificate": ("cert.pdf", b"", "application/pdf")}, "certificate", "文件为空"),
                                  ({"certificate": ("cert.pdf", b"%PDF-1.7 not one", "application/pdf")}, "certificate",
                                   "证书")):
        r = client.post("/evidence/verify", data={"csrf_token": token, "digest": ""}, files=files)
        assert 400 <= r.status_code < 500 and 'id="verify-form"' in r.text, files
        assert re.search(rf'id="verify-{field}-error">[^<]*{message}', r.text), (files, r.text[-2000:])

    login_as(client, env.engine, "wuhou_officer")
    for page, post in (("/protection/overseas", "/protection/overseas/import"), ("/talent", "/talent/import")):
        token = csrf_from(client.get(page).text)
        for sent, message in ((NO_FILE, "请选择文件"), (EMPTY_FILE, "文件为空")):
            r = client.post(post, data={"csrf_token": token}, files={"file": sent})
            assert r.status_code == 422 and re.search(rf'id="import-file-error">{message}<', r.text), (post, sent)
            assert r.text.count(f">{message}<") == 1, post  # beside the file alone, not again under another form


@pytest.mark.parametrize("text", ("a\x00b", "a\x0bb", "\ufffe"))
def test_a_control_character_in_a_page_s_address_is_refused_on_the_page(env: WebEnv, client: TestClient,
                                                                          text: str) -> None:
    """Text in a page's address (``?q=``, ``?digest=``, a filter, ``next=``, a start form's prefilled field, the plans
    page's ``uploaded``) under the rule forms are: the page without it, the message beside its field or at the top
    (422) — never a 500 (PostgreSQL refuses a NUL in a query's parameter) nor the value shown back."""
    pages = ["/exchange/open-licences?q={}", "/evidence/verify?digest={}", "/login?next=/search%3Fq%3D{}",
             "/search?q={}&sort=relevance", "/exchange/open-licences?q=电池&{}=1"]
    signed_in = {"wuhou_officer": ["/talent?q={}", "/protection/cases?procedure={}"],
                 "wuhou_admin": ["/plans?uploaded={}"],
                 "ent_user": ["/procedures/services.search_service/new?topic={}"]}
    for who in (None, *signed_in):
        if who:
            login_as(client, env.engine, who)
        for address in signed_in.get(who, []) if who else pages:
            r = client.get(address.format(quote(text)))
            assert r.status_code == 422 and "不可见的控制字符" in r.text, (address, r.status_code, r.text[:300])
            assert text not in r.text, address
    english = client.get("/exchange/open-licences?lang=en&q=" + quote(text))
    assert english.status_code == 422 and "invisible control characters" in english.text
    assert "不可见的控制字符" not in english.text
    client.get("/exchange/open-licences?lang=zh")
    api = client.get("/api/v1/exchange/open-licences", params={"q": text})
    assert api.status_code == 422 and api.json()["details"]["fields"]["q"].startswith("含有不可见的控制字符")


def test_a_control_character_in_a_form_s_address_is_refused_on_the_page_it_answers(env: WebEnv,
                                                                                   client: TestClient) -> None:
    """Every form's submission (each page's POST route) with a control character in its address (``?x=%01``): run
    without it as a page's address is, the message at the top of the page it answers with or beside its field — it was
    the generic "请求参数无效" page (422), the form and what was typed gone — never a 500 nor the character shown back.
    Its API twin still answers 422 naming the field."""
    from fastapi.routing import APIRoute

    from zhichan.web.app import all_routes

    login_as(client, env.engine, "wuhou_admin")
    token = csrf_from(client.get("/account/password").text)
    posts = sorted({r.path for r in all_routes(env.app) if isinstance(r, APIRoute) and "POST" in r.methods
                    and not r.path.startswith("/api/")}, key=lambda p: p == "/logout")  # signing out last
    assert len(posts) > 60, posts
    bad = "a\x01b"
    for path in posts:
        address = re.sub(r"\{\w+\}", "1", path)
        r = client.post(f"{address}?x={quote(bad)}", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code < 500, (path, r.status_code)
        if r.headers.get("content-type", "").startswith("text/html"):
            assert r.status_code >= 400 and "不可见的控制字符" in r.text, (path, r.status_code, r.text[:500])
            assert bad not in r.text, path
        else:
            assert r.status_code in (302, 303), (path, r.status_code)
    api = client.post(f"/api/v1/tokens?x={quote(bad)}", json={"name": "t"}, headers={"X-CSRF-Token": token})
    assert api.status_code == 422 and api.json()["details"]["fields"]["x"].startswith("含有不可见的控制字符")
