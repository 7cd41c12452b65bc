"""Region names in the page's language: every kind of page that names a region (cockpit, region,
indicators, records, navigation chains, runs and reports), the API beside it (``name`` and ``name_en``)
and the exports; the Chinese pages as they were."""

from __future__ import annotations

import csv
import io
import re

from tests.web.test_web_languages import _visible_text
from zhichan.reference.regions import all_cities, all_counties, all_provinces, region_name
from zhichan.web.testing import csrf_from, login_as

#: every Chinese region name (a county's name of two characters, 城区 or 郊区, is also a word: left out)
ZH_NAMES = {region_name(c) for c in [*all_provinces(), *all_cities(), *all_counties()]} | {"全国"}
ZH_NAMES = {n for n in ZH_NAMES if len(n) > 2}
HAN = re.compile(r"[\u3400-\u9fff]+")


def _main(html: str) -> str:
    """The page's content (the header names the caller's organization: a name the bureau gave itself)."""
    return html.split("<main>", 1)[-1].split("</main>", 1)[0]


def _chinese_region_names(html: str) -> set[str]:
    runs = HAN.findall(_visible_text(_main(html)))
    return {name for run in runs for name in ZH_NAMES if name in run}


def _run_report(client, env) -> int:
    page = client.get("/navigation/chains/nev")
    r = client.post("/navigation/chains/nev/run", data={"as_of": "2023-12-31", "csrf_token": csrf_from(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert env.app.state.jobs.run_one(env.engine)
    return int(client.get("/api/v1/navigation/runs").json()[0]["id"])


def test_english_pages_and_report_files_name_regions_in_english_and_chinese_in_chinese(client, env):
    login_as(client, env.engine, "cd_leader")
    run_id = _run_report(client, env)
    pages = {
        "/cockpit?region=510100": ("Chengdu", "成都市"),
        "/regions/510100": ("Wuhou District", "武侯区"),
        "/regions/510100/indicators": ("Chengdu", "成都市"),
        "/regions/510107/indicators/valid_inventions/records": ("Wuhou District", "武侯区"),
        "/navigation": ("Chengdu", "成都市"),
        "/navigation/chains/nev": ("Chengdu", "成都市"),
        f"/navigation/runs/{run_id}": ("Chengdu", "成都市"),
    }
    for url, (en_name, zh_name) in pages.items():
        sep = "&" if "?" in url else "?"
        en = client.get(f"{url}{sep}lang=en")
        assert en.status_code == 200, url
        assert not _chinese_region_names(en.text), (url, _chinese_region_names(en.text))
        assert en_name in _visible_text(_main(en.text)), url
        zh = _visible_text(_main(client.get(f"{url}{sep}lang=zh").text))
        assert zh_name in zh and en_name not in zh, url
    chain = _visible_text(_main(client.get("/navigation/chains/nev?lang=en").text))
    assert "Analysed for: Chengdu · SHA-256" in chain  # the chain drawn up for the caller's own city: no note of another
    # the run's report files (its HTML fragment, as the run page shows it) in each language: checked on this
    # test's run — a navigation report (PDF and DOCX in both languages) costs ~15 CPU-s to make
    from zhichan.navigation import views

    fragment_en = views.run_fragment(env.engine, env.settings, _scope(client), run_id, "en")
    fragment_zh = views.run_fragment(env.engine, env.settings, _scope(client), run_id, "zh")
    assert fragment_en and fragment_zh
    assert "Chengdu" in fragment_en and not _chinese_region_names(fragment_en)
    assert "成都市" in fragment_zh


def test_the_api_gives_both_names_and_the_export_both_columns(client, env):
    login_as(client, env.engine, "cd_leader")
    data = client.get("/api/v1/cockpit?region=510100").json()
    overview = data["overview"]
    assert (overview["name"], overview["name_en"]) == ("成都市", "Chengdu")
    wuhou = next(c for c in overview["children"] if c["code"] == "510107")
    assert (wuhou["name"], wuhou["name_en"]) == ("武侯区", "Wuhou District")
    values = client.get("/api/v1/regions/510100/indicators").json()
    assert (values["name"], values["name_en"]) == ("成都市", "Chengdu")
    assert {(v["region_name"], v["region_name_en"]) for v in values["indicators"]} == {("成都市", "Chengdu")}
    for lang, name in (("zh", "武侯区"), ("en", "Wuhou District")):  # the file in the page's language
        text = client.get(f"/regions/510100/export.csv?lang={lang}").text.lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(text)))
        assert {r[1] for r in rows if r[0] == "510107"} == {name}


def _scope(client):  # the national view: the run is the city's
    from zhichan.platform.models import Role
    from zhichan.platform.scope import Scope

    return Scope(role=Role.ANALYST, user_id=1, username="t", org_path="/", region_code="100000")


def test_a_bilingual_organization_name_shows_the_page_language_half(client, env):
    """An organization named in both languages in one name (the demo tree's national organization:
    "国家知识产权局（演示） / CNIPA (demo)") and without an English name of its own: the header and the
    administration pages show the half of the page's language."""
    from sqlalchemy import update

    from zhichan.platform.models import Organization

    with env.engine.begin() as con:
        con.execute(update(Organization).where(Organization.region_code == "100000")
                    .values(name="国家知识产权局（演示） / CNIPA (demo)", name_en=None))
    login_as(client, env.engine, "root")
    for url in ("/admin/orgs", "/admin/users"):
        en, zh = client.get(f"{url}?lang=en").text, client.get(f"{url}?lang=zh").text
        assert "CNIPA (demo)" in en and "国家知识产权局（演示）" not in en, url
        assert "国家知识产权局（演示）" in zh and "CNIPA (demo)" not in zh, url


def test_the_admin_pages_name_regions_not_codes(client, env):
    """The organizations page names each organization's region (its code beside it, secondary), a city's
    administrator chooses a new organization's region by name, and the API gives the region's two names."""
    login_as(client, env.engine, "cd_admin")
    for lang, jinjiang, chengdu in (("zh", "锦江区", "成都市"), ("en", "Jinjiang", "Chengdu")):
        html = client.get("/admin/orgs", params={"lang": lang}).text
        table = html.split('id="orgs-table"', 1)[1].split("</table>", 1)[0]
        cells = re.findall(r'<td class="region"[^>]*>(.*?)</td>', table, re.S)
        assert cells and all(re.match(r"\s*[^\d<\s]", c) for c in cells), cells  # a name first, never a bare code
        assert any(jinjiang in c and '<span class="muted small nowrap region-code">510104</span>' in c for c in cells)
        form = html.split('id="new-org-form"', 1)[1]
        assert '<select id="org-region" name="region_code">' in form and f">{chengdu}" in form
        # the choice inside its label, on the label's line like every other field (it stood on a line of its own)
        assert re.search(r'<label for="org-region">[^<]*<select id="org-region"', form)
    orgs = client.get("/api/v1/admin/orgs").json()
    jinjiang_org = next(o for o in orgs if o["region_code"] == "510104")
    assert jinjiang_org["region_name"] == "锦江区" and jinjiang_org["region_name_en"].startswith("Jinjiang")
    login_as(client, env.engine, "cd_leader")
    edit = client.get("/services/ZC-XX-001/edit", params={"lang": "zh"}).text  # a service entry's area, by name
    assert "本机构辖区（成都市）" in edit and "（510100）" not in edit
