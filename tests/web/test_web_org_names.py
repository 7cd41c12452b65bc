"""The caller's organization in the page's language: the header of every page (seen on /talent), the
API beside it, and the administrator's organization form that records an English name."""

from __future__ import annotations

from tests.web.test_web_languages import _visible_text
from zhichan.web.testing import BANK, BANK_EN, csrf_from, login_as


def _header(html: str) -> str:
    return _visible_text(html.split("<main>", 1)[0])


def test_the_header_names_the_callers_organization_in_the_pages_language(client, env):
    login_as(client, env.engine, "cd_leader")  # 成都市知识产权局, English name known
    en = _header(client.get("/talent?lang=en").text)
    assert "Chengdu Intellectual Property Office" in en and "成都市知识产权局" not in en
    zh = _header(client.get("/talent?lang=zh").text)
    assert "成都市知识产权局" in zh and "Chengdu Intellectual Property Office" not in zh
    me = client.get("/api/v1/me").json()
    assert (me["organization"], me["organization_en"]) == ("成都市知识产权局", "Chengdu Intellectual Property Office")


def test_an_organization_without_an_english_name_shows_its_name(client, env):
    login_as(client, env.engine, "wuhou")  # 武侯区知识产权局: no English name recorded
    assert "武侯区知识产权局" in _header(client.get("/talent?lang=en").text)
    login_as(client, env.engine, "cd_bank")
    assert BANK_EN in _header(client.get("/finance/whitelists?lang=en").text)
    assert BANK in _header(client.get("/finance/whitelists?lang=zh").text)


def test_an_administrator_records_an_organizations_english_name(client, env):
    login_as(client, env.engine, "cd_admin")
    page = client.get("/admin/orgs?lang=en")
    parent = next(o for o in client.get("/api/v1/admin/orgs").json() if o["region_code"] == "510100")
    r = client.post("/admin/orgs", data={"csrf_token": csrf_from(page.text), "name": "温江区知识产权局",
                                         "name_en": "Wenjiang District Intellectual Property Office", "kind": "county",
                                         "region_code": "510115", "parent_id": str(parent["id"])},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    made = next(o for o in client.get("/api/v1/admin/orgs").json() if o["region_code"] == "510115")
    assert made["name_en"] == "Wenjiang District Intellectual Property Office"
    en = _visible_text(client.get("/admin/orgs?lang=en").text.split("<main>", 1)[1])
    assert "Wenjiang District Intellectual Property Office" in en and "温江区知识产权局" not in en
    assert "温江区知识产权局" in client.get("/admin/orgs?lang=zh").text
