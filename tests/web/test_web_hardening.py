"""Who may start which job, downloads that must not be cached, concurrent writes, account forms."""

from __future__ import annotations

import pytest

from zhichan.web.testing import csrf_from, login_as


def test_only_the_root_organization_may_rebuild_the_search_index(client, env):
    login_as(client, env.engine, "wuhou")  # a county analyst
    page = client.get("/jobs")
    assert 'value="search.index"' not in page.text and 'value="corpus.profile"' in page.text
    token = csrf_from(page.text)
    r = client.post("/api/v1/jobs", json={"kind": "search.index"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403 and "根机构" in r.json()["message"]
    r = client.post("/jobs", data={"kind": "search.index", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 403
    with env.client() as root:
        login_as(root, env.engine, "root")
        page = root.get("/jobs")
        assert 'value="search.index"' in page.text
        r = root.post("/api/v1/jobs", json={"kind": "search.index"}, headers={"X-CSRF-Token": csrf_from(page.text)})
        assert r.status_code == 201, r.text


def test_scoped_downloads_are_not_cached_and_job_results_show_no_server_path(client, env):
    login_as(client, env.engine, "wuhou")
    for url in ("/regions/510107/export.csv", "/charts/trend.png?region=510107", "/charts/trend.svg?region=510107"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "no-store", url
    # public assets stay cacheable (revalidated without their version, tests/web/test_web_assets.py)
    assert client.get("/assets/vega-bundle.js").headers["cache-control"] == "no-cache"

    r = client.post("/api/v1/jobs", json={"kind": "cockpit.images"},
                    headers={"X-CSRF-Token": csrf_from(client.get("/jobs").text)})
    assert r.status_code == 201
    env.app.state.jobs.run_one(env.engine)
    job = client.get(f"/api/v1/jobs/{r.json()['id']}")
    assert job.json()["status"] == "succeeded"
    folder = job.json()["result"]["folder"]
    assert not folder.startswith("/") and str(env.settings.data_dir) not in job.text
    assert (env.settings.data_dir / folder / "trend.svg").is_file()


# item: an administrator binds enterprises only to companies of its own area ------------------------
NANJING = "南京玄武软件有限公司"  # a company of 江苏 (320102) in the test corpus


def _org_id(page: str, name: str) -> str:
    import re

    found = re.search(rf'<option value="(\d+)"[^>]*>{name}', page)
    assert found, name
    return found.group(1)


def _post_org(client, **fields):
    page = client.get("/admin/orgs").text
    data = {"name": "某企业", "kind": "enterprise", "region_code": "510107",
            "parent_id": _org_id(page, "武侯区知识产权局"), "party_key": "", "csrf_token": csrf_from(page), **fields}
    return client.post("/admin/orgs", data=data, follow_redirects=False)


def test_a_district_admin_cannot_bind_a_company_of_another_province(client, env):
    login_as(client, env.engine, "wuhou_admin")
    assert client.get(f"/api/v1/enterprises/{NANJING}").status_code == 403
    r = _post_org(client, name="冒名企业", party_key=NANJING)
    assert r.status_code == 403
    # the same page again, the input kept and the reason beside the party field
    assert 'id="new-org-form"' in r.text and 'value="冒名企业"' in r.text and f'value="{NANJING}"' in r.text
    assert 'id="error-party_key"' in r.text and "不在该机构辖区内" in r.text
    r = _post_org(client, name="查无此企业", party_key="并不存在的公司")
    assert r.status_code == 400 and 'id="error-party_key"' in r.text and "语料中没有权利人" in r.text
    r = _post_org(client, name="查无此区", region_code="519999", party_key="成都示例科技有限公司")
    # the area's regions are chosen by name: a code outside them is named in the reason beside the choice
    assert r.status_code == 400 and 'id="error-region_code"' in r.text and "未知的行政区划代码：519999" in r.text
    assert NANJING not in {o["party_key"] for o in client.get("/api/v1/admin/orgs").json()}
    # its own district's company is fine
    r = _post_org(client, name="武侯示例二号", party_key="成都示例科技有限公司")
    assert r.status_code == 303, r.text[:300]


def test_an_enterprise_bound_outside_its_area_sees_nothing(client, env):
    """An organization made before binding was checked (or a party that moved) reads nothing: the
    scope matches the party key *and* the party's region inside the organization's area."""
    from sqlalchemy import select

    from zhichan.platform.accounts import create_user
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, OrgKind, Role
    from zhichan.platform.orgs import create_org

    with session_scope(env.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.name == "武侯区知识产权局"))
        org = create_org(s, "旧数据", OrgKind.ENTERPRISE, "510107", wuhou, party_key=NANJING)
        create_user(s, username="legacy_ent", password="correct horse battery", role=Role.ENTERPRISE_USER, org=org)
    login_as(client, env.engine, "legacy_ent")
    assert client.get(f"/api/v1/enterprises/{NANJING}").status_code == 403
    assert client.get(f"/enterprises/{NANJING}").status_code == 403
    with env.client() as own:
        login_as(own, env.engine, "ent_user")  # a properly bound enterprise still sees its own
        assert own.get("/api/v1/enterprises/成都示例科技有限公司").status_code == 200


# item: account forms keep the input and show the message beside the field --------------------------
def _post_user(client, **fields):
    page = client.get("/admin/users").text
    data = {"username": "new_analyst", "display_name": "新分析员", "password": "correct horse battery",
            "role": "analyst", "org_id": _org_id(page, "武侯区知识产权局"), "csrf_token": csrf_from(page), **fields}
    return client.post("/admin/users", data=data, follow_redirects=False)


def test_admin_user_form_is_shown_again_with_the_error_beside_the_field(client, env):
    login_as(client, env.engine, "cd_admin")
    r = _post_user(client, username="wuhou")
    assert r.status_code == 409 and 'id="new-user-form"' in r.text
    assert 'id="error-username"' in r.text and "已存在" in r.text
    assert 'value="wuhou"' in r.text and 'value="新分析员"' in r.text and 'value="analyst" selected' in r.text
    assert "error.html" not in r.text and 'id="users-table"' in r.text
    for weak in ("short", "password12", " " * 10, "aaaaaaaaaa", "new_analyst123"):
        r = _post_user(client, password=weak)
        assert r.status_code == 400 and 'id="error-password"' in r.text, weak
        assert 'value="new_analyst"' in r.text
    assert 'id="password-policy"' in client.get("/admin/users").text
    assert _post_user(client).status_code == 303


def test_parallel_creation_of_one_user_name_answers_one_409(db_client):
    from concurrent.futures import ThreadPoolExecutor

    env, client = db_client
    login_as(client, env.engine, "cd_admin")
    page = client.get("/admin/users").text
    data = {"username": "twin", "password": "correct horse battery", "role": "analyst",
            "org_id": _org_id(page, "武侯区知识产权局"), "csrf_token": csrf_from(page)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(lambda _n: client.post("/admin/users", data=data, follow_redirects=False).status_code,
                              range(6)))
    assert sorted(codes) == [303] + [409] * 5


# item: password change, administrator reset ---------------------------------------------------------
def _change(client, old, new, again=None):
    page = client.get("/account/password")
    return client.post("/account/password", data={"old_password": old, "new_password": new,
                                                  "new_password2": new if again is None else again,
                                                  "csrf_token": csrf_from(page.text)}, follow_redirects=False)


def test_password_change_keeps_this_session_and_ends_the_others(client, env):
    from zhichan.web.testing import PASSWORD, login

    login(client, "wuhou")
    page = client.get("/account/password")
    assert page.status_code == 200 and 'id="password-policy"' in page.text and "password12" in page.text
    r = _change(client, "not my password", "a brand new passphrase")
    assert r.status_code == 400 and 'id="error-old_password"' in r.text
    r = _change(client, PASSWORD, "a brand new passphrase", again="something else entirely")
    assert r.status_code == 400 and 'id="error-new_password2"' in r.text
    r = _change(client, PASSWORD, "password12")
    assert r.status_code == 400 and 'id="error-new_password"' in r.text
    with env.client() as other:
        login(other, "wuhou")
        r = _change(client, PASSWORD, "a brand new passphrase")
        assert r.status_code == 303 and r.headers["location"] == "/account?password=changed"
        assert other.get("/api/v1/me").json()["authenticated"] is False
    assert client.get("/api/v1/me").json()["username"] == "wuhou"
    assert "id=\"password-changed\"" in client.get("/account?password=changed").text
    with env.client() as fresh:
        login(fresh, "wuhou", "a brand new passphrase")


def test_an_administrators_reset_makes_the_user_choose_a_new_password(client, env):
    from zhichan.web.testing import login

    login_as(client, env.engine, "cd_admin")
    page = client.get("/admin/users")
    import re

    user_id = re.search(r'action="/admin/users/(\d+)/password"[^<]*<input[^>]*>[^<]*<input[^>]*aria-label="[^"]* wuhou"',
                        page.text).group(1)
    r = client.post(f"/admin/users/{user_id}/password", data={"password": "aaaaaaaaaa",
                                                              "csrf_token": csrf_from(page.text)})
    assert r.status_code == 400 and 'id="error-reset_password"' in r.text
    r = client.post(f"/admin/users/{user_id}/password", data={"password": "temporary 4 you",
                                                              "csrf_token": csrf_from(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303
    with env.client() as user:
        token = csrf_from(user.get("/login").text)
        r = user.post("/login", data={"username": "wuhou", "password": "temporary 4 you", "csrf_token": token},
                      follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/account/password"
        assert user.get("/cockpit", follow_redirects=False).headers["location"] == "/account/password"
        assert user.get("/api/v1/regions/510107").status_code == 403
        assert 'id="password-forced"' in user.get("/account/password").text
        assert _change(user, "temporary 4 you", "my own passphrase now").status_code == 303
        assert user.get("/cockpit", follow_redirects=False).status_code == 200
    with env.client() as again:
        login(again, "wuhou", "my own passphrase now")


def test_failed_sign_ins_reach_the_accounts_administrators(client, env):
    from zhichan.web.testing import login

    for name in ("wuhou", "no_such_user"):
        token = csrf_from(client.get("/login").text)
        r = client.post("/login", data={"username": name, "password": "wrong password", "csrf_token": token})
        assert r.status_code == 401
    with env.client() as admin:
        login_as(admin, env.engine, "wuhou_admin")
        page = admin.get("/admin/audit?action=login.failed")
        assert page.status_code == 200 and "user:wuhou" in page.text and "no_such_user" not in page.text
        assert 'id="failed-logins"' in admin.get("/admin/audit").text
    with env.client() as root:
        login_as(root, env.engine, "root")
        entries = root.get("/api/v1/admin/audit?action=login.failed").json()["entries"]
        assert {e["target"] for e in entries} == {"user:wuhou", "user:no_such_user"}
    login(client, "wuhou")


# item: concurrent writes on SQLite (and PostgreSQL) --------------------------------------------------
@pytest.fixture
def db_client(settings, web_template, migrated_db_url):
    """The app on SQLite, then on PostgreSQL (seeded the same way)."""
    from zhichan.web.testing import make_env

    web = make_env(settings, web_template, migrated_db_url)
    with web.client() as c:
        yield web, c
    web.engine.dispose()


def test_fifty_parallel_job_submissions_all_succeed_and_are_readable_at_once(db_client):
    from concurrent.futures import ThreadPoolExecutor

    env, client = db_client
    login_as(client, env.engine, "wuhou")
    token = csrf_from(client.get("/jobs").text)

    def submit(_n):
        r = client.post("/api/v1/jobs", json={"kind": "corpus.profile"}, headers={"X-CSRF-Token": token})
        if r.status_code != 201:
            return r.status_code, r.text[:200]
        # the creator reads its job at once: the row was committed before the answer
        return client.get(f"/api/v1/jobs/{r.json()['id']}").status_code, ""

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(submit, range(50)))
    assert [o for o in outcomes if o[0] != 200] == []
    assert len(client.get("/api/v1/jobs").json()) == 50


def test_a_user_created_by_a_303_can_sign_in_at_once(client, env):
    """The transaction commits before the redirect is sent."""
    from zhichan.web.testing import login

    login_as(client, env.engine, "cd_admin")
    for n in range(5):
        r = _post_user(client, username=f"quick{n}")
        assert r.status_code == 303
        with env.client() as fresh:
            login(fresh, f"quick{n}")


# item: every upload is bounded and answers 4xx with a message ----------------------------------------
def test_damaged_certificate_pdfs_are_refused_with_a_message(client, env):
    from zhichan.errors import ZhichanError
    from zhichan.evidence.verify import read_pdf

    login_as(client, env.engine, "ent_user")
    form = client.get("/evidence/deposit")
    r = client.post("/evidence/deposit", files={"file": ("a.txt", b"synthetic secret " * 40)},
                    data={"csrf_token": csrf_from(form.text), "title": "t", "category": "商业秘密"}, follow_redirects=False)
    r = client.get(r.headers["location"] + "/certificate.pdf")  # the new deposit's page links it
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    pdf = r.content
    read_pdf(pdf)
    # byte mutations over the tail (cross-reference and object streams: the embedded certificate):
    # every 13th byte of it, set to 0x00 and 0xFF in turn (each value every 26 bytes; both at every
    # position made 400 reads where 200 reach the same structures)
    refused = []
    for i, position in enumerate(range(len(pdf) - 2600, len(pdf), 13)):
        damaged = bytearray(pdf)
        damaged[position] = (0x00, 0xFF)[i % 2]
        try:
            read_pdf(bytes(damaged))
        except ZhichanError:
            refused.append(bytes(damaged))
    assert refused
    with env.client() as anonymous:
        token = csrf_from(anonymous.get("/evidence/verify").text)
        for damaged in refused[:: max(1, len(refused) // 12)]:
            r = anonymous.post("/evidence/verify", data={"csrf_token": token},
                               files={"certificate": ("cert.pdf", damaged)})
            assert 400 <= r.status_code < 500 and "证书" in r.text


PLAN_TARGET = """targets:
  - indicator: valid_inventions
    region: "510107"
    base_year: 2020
    base_value: 5
    target_year: 2027
    target_value: 400
"""


def _upload_plan(client, name: str, content: bytes):
    import io

    token = csrf_from(client.get("/plans").text)
    return client.post("/plans", data={"csrf_token": token}, files={"file": (name, io.BytesIO(content), "text/plain")},
                       follow_redirects=False)


def test_hostile_yaml_plans_are_refused_with_a_reason(client, env):
    login_as(client, env.engine, "wuhou_admin")
    aliases = 'note: &n ["合成", "合成"]\nagain: [*n, *n]\n' + PLAN_TARGET
    r = _upload_plan(client, "aliases.yaml", aliases.encode())
    assert r.status_code == 400 and "别名" in r.text
    r = _upload_plan(client, "gbk.yaml", ("name: 武侯区规划\n" + PLAN_TARGET).encode("gb18030"))
    assert r.status_code == 400 and "UTF-8" in r.text
    r = _upload_plan(client, "deep.yaml", ("note: " + "[" * 5000 + "]" * 5000 + "\n" + PLAN_TARGET).encode())
    assert r.status_code == 400 and "嵌套过深" in r.text
    assert _upload_plan(client, "fine.yaml", ("name: 武侯\n" + PLAN_TARGET).encode()).status_code == 303


def test_a_yaml_alias_bomb_is_refused_before_it_expands(client, env):
    """The 551-byte "billion laughs": nine levels of nine aliases each."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    bomb = "note:\n" + "\n".join("  " + line for line in lines) + "\n" + PLAN_TARGET
    login_as(client, env.engine, "wuhou_admin")
    r = _upload_plan(client, "bomb.yaml", bomb.encode())
    assert r.status_code == 400 and "别名" in r.text


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["指标", "地区", "基期年", "基期值", "目标年", "目标值"])
    book.active.append(["valid_inventions", "510107", 2020, 5, 2027, 400])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.replace(b"@ORIGINAL@", data.split(b"?>", 1)[-1].lstrip())
            dst.writestr(item.filename, data)
    return out.getvalue()


def test_hostile_xlsx_plans_are_refused_with_a_reason(client, env):
    login_as(client, env.engine, "wuhou_admin")
    dtd = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
           b"@ORIGINAL@")
    r = _upload_plan(client, "dtd.xlsx", _xlsx_with_sheet(dtd))
    assert r.status_code == 400 and "DTD" in r.text
    bomb = b'<?xml version="1.0"?><!--' + b"0" * (30 << 20) + b"-->@ORIGINAL@"
    packed = _xlsx_with_sheet(bomb)
    assert len(packed) < 200_000
    r = _upload_plan(client, "bomb.xlsx", packed)
    assert r.status_code == 400 and "解压后过大" in r.text
    r = _upload_plan(client, "broken.xlsx", b"PK\x03\x04" + b"\x00" * 200)
    assert r.status_code == 400
    assert _upload_plan(client, "fine.xlsx", _xlsx_with_sheet(b'<?xml version="1.0"?>@ORIGINAL@')).status_code == 303
