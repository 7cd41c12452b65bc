"""The caller's organization in the page's language: the header of every page (seen on /talent), the
API beside it, and the administrator's organization form that records an English name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import sign_in
from tests.web.test_web_languages import _visible_text
from zhichan.web.testing import BANK, BANK_EN, NATION_EN, WUHOU_ENTERPRISE, csrf_from, login_as


def _header(html: str) -> str:
    return _visible_text(html.split("<main>", 1)[0])


def test_the_header_names_the_callers_organization_in_the_pages_language(client, env):
    login_as(client, env.engine, "cd_leader")  # 成都市知识产权局, English name known
    en = _header(client.get("/talent?lang=en").text)
    assert "Chengdu Intellectual Property Administration" in en and "成都市知识产权局" not in en
    zh = _header(client.get("/talent?lang=zh").text)
    assert "成都市知识产权局" in zh and "Chengdu Intellectual Property Administration" not in zh
    me = client.get("/api/v1/me").json()
    assert (me["organization"], me["organization_en"]) == ("成都市知识产权局", "Chengdu Intellectual Property Administration")


def test_an_organization_without_an_english_name_shows_its_name(client, env):
    login_as(client, env.engine, "ent_user")  # an enterprise: the corpus party's name, no English one recorded
    assert WUHOU_ENTERPRISE in _header(client.get("/talent?lang=en").text)
    login_as(client, env.engine, "cd_bank")
    assert BANK_EN in _header(client.get("/finance/whitelists?lang=en").text)
    assert BANK in _header(client.get("/finance/whitelists?lang=zh").text)


def test_an_administrator_records_an_organizations_english_name(client, env):
    login_as(client, env.engine, "cd_admin")
    page = client.get("/admin/orgs?lang=en")
    parent = next(o for o in client.get("/api/v1/admin/orgs").json() if o["region_code"] == "510100")
    r = client.post("/admin/orgs", data={"csrf_token": csrf_from(page.text), "name": "温江区知识产权局",
                                         "name_en": "Wenjiang District Intellectual Property Administration", "kind": "county",
                                         "region_code": "510115", "parent_id": str(parent["id"])},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    made = next(o for o in client.get("/api/v1/admin/orgs").json() if o["region_code"] == "510115")
    assert made["name_en"] == "Wenjiang District Intellectual Property Administration"
    en = _visible_text(client.get("/admin/orgs?lang=en").text.split("<main>", 1)[1])
    assert "Wenjiang District Intellectual Property Administration" in en and "温江区知识产权局" not in en
    assert "温江区知识产权局" in client.get("/admin/orgs?lang=zh").text


BUREAUS = {"国家局": NATION_EN, "四川省知识产权局": "Sichuan Intellectual Property Administration",
           "成都市知识产权局": "Chengdu Intellectual Property Administration",
           "武侯区知识产权局": "Wuhou District Intellectual Property Administration",
           "锦江区知识产权局": "Jinjiang District Intellectual Property Administration"}


def test_every_bureau_is_named_in_english_on_english_pages(client, env):
    """The root organization 国家局 had no English name: the national administrator's header and the organization
    list showed it in Chinese on English pages (so did Sichuan's and the districts' bureaus)."""
    login_as(client, env.engine, "root")
    assert NATION_EN in _header(client.get("/admin/orgs?lang=en").text)
    orgs = _visible_text(client.get("/admin/orgs?lang=en").text.split("<main>", 1)[1])
    assert all(en in orgs and zh not in orgs for zh, en in BUREAUS.items()), orgs[:600]
    zh = _visible_text(client.get("/admin/orgs?lang=zh").text.split("<main>", 1)[1])
    assert all(name in zh for name in BUREAUS)


def test_the_roster_and_the_agency_list_name_their_offices_in_the_pages_language(client, env):
    """The investigators' roster (their office) and the agency list (who published it) gave an office's Chinese name
    on English pages."""
    login_as(client, env.engine, "wuhou_officer")
    page = client.get("/protection/investigators")
    added = client.post("/protection/investigators", data={"csrf_token": csrf_from(page.text), "name": "赵专家",
                                                           "organization": "电子科技大学", "kind": "技术调查官",
                                                           "ipc_fields": "H01M"}, follow_redirects=False)
    assert added.status_code == 303, added.text[:300]
    for lang, name, other in (("en", BUREAUS["武侯区知识产权局"], "武侯区知识产权局"),
                              ("zh", "武侯区知识产权局", BUREAUS["武侯区知识产权局"])):
        roster = _visible_text(client.get(f"/protection/investigators?lang={lang}").text.split("<main>", 1)[1])
        assert name in roster and other not in roster, (lang, roster[:600])
    login_as(client, env.engine, "cd_leader")
    for _ in range(2):  # the list of publications is shown beside the second
        published = client.post("/credit/agencies/publish", follow_redirects=False,
                                data={"csrf_token": csrf_from(client.get("/credit/agencies").text)})
        assert published.status_code == 303
    for lang, name, other in (("en", BUREAUS["成都市知识产权局"], "成都市知识产权局"),
                              ("zh", "成都市知识产权局", BUREAUS["成都市知识产权局"])):
        listed = client.get(f"/credit/agency-list?lang={lang}").text
        publications = _visible_text(listed.split('id="publications"', 1)[1].split("</ul>", 1)[0])
        assert name in publications and other not in publications, (lang, publications)


def _level_choices(html: str) -> list[str]:
    form = html.split('id="new-org-form"', 1)[1]
    select = re.search(r'<select name="kind"[^>]*>(.*?)</select>', form, re.S).group(1)  # type: ignore[union-attr]
    return re.findall(r'<option value="(\w+)"', select)


def test_the_new_organization_form_offers_only_the_levels_the_administrator_may_create(client, env):
    """A city's administrator was offered 国家 first as the new organization's level, which saving refused: the form
    offers the levels allowed below the administrator's organizations, the first of them chosen; the server still
    refuses any other, beside the field, naming the parent rather than the levels' codes."""
    for user, levels in (("cd_admin", ["county", "station", "enterprise", "bank", "agency"]),
                         ("wuhou_admin", ["station", "enterprise", "bank", "agency"]),
                         ("root", ["province", "city", "county", "station", "enterprise", "bank", "agency"])):
        login_as(client, env.engine, user)
        assert _level_choices(client.get("/admin/orgs").text) == levels, user
    login_as(client, env.engine, "cd_admin")
    page = client.get("/admin/orgs?lang=zh")
    assert '<option value="county">区县</option>' in page.text.split('<select name="kind"', 1)[1].split("</select>")[0]
    parent = next(o for o in client.get("/api/v1/admin/orgs").json() if o["region_code"] == "510100")
    for kind in ("nation", "province", "city"):
        for lang, words, code in (("zh", "成都市知识产权局 下不能设立该层级的机构", "city"),
                                  ("en", "cannot sit below Chengdu Intellectual Property Administration", "下不能")):
            r = client.post(f"/admin/orgs?lang={lang}", data={
                "csrf_token": csrf_from(page.text), "name": "温江区知识产权局", "kind": kind, "region_code": "510115",
                "parent_id": str(parent["id"])}, follow_redirects=False)
            assert r.status_code == 400, (kind, r.status_code)
            form = r.text.split('id="new-org-form"', 1)[1]
            error = re.search(r'<select name="kind"[^>]*>.*?</select>(.*?)</label>', form, re.S).group(1)  # type: ignore[union-attr]
            assert words in _visible_text(error) and code not in _visible_text(error), (kind, lang, error)
    assert all(o["region_code"] != "510115" for o in client.get("/api/v1/admin/orgs").json())


#: each organization's name cell: its depth, its width and the left of its text
_TREE = """[...document.querySelectorAll('#orgs-table tbody tr')].map(tr => { const c = tr.querySelector('td.org-name');
    const r = document.createRange(); r.selectNodeContents(c);
    return [Number(tr.style.getPropertyValue('--depth')), c.getBoundingClientRect().width, r.getClientRects()[0].left]; })"""


@pytest.mark.browser
def test_the_organization_tree_reads_on_a_phone(page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the tree's indent beside three columns left an organization's name about four characters a line: on a
    phone the name takes a line of its own across its row, the row indented half as much; at 1280 px the tree keeps
    its columns, each level indented further."""
    sign_in(page, "root", then="/admin/orgs?lang=en")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for lang in ("zh", "en"):
            page.goto(f"/admin/orgs?lang={lang}")
            page.screenshot(path=str(artifacts_dir / f"orgs-tree-{lang}-{width}.png"), full_page=True)
            tree = page.evaluate(_TREE)
            assert max(depth for depth, _, _ in tree) >= 3, tree
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (lang, width)
            if width == 390:
                assert all(w >= 280 for _, w, _ in tree), (lang, tree)
            # deeper, further right: the tree still reads as a tree
            lefts = {depth: left for depth, _, left in tree}
            assert all(lefts[d + 1] - lefts[d] >= 6 for d in range(max(lefts)) if d in lefts and d + 1 in lefts), lefts
