"""Holders in English (session 16): English cockpit pages listed the generated holders of the synthetic corpus by their
Chinese names although the demo's organizations carry an English name. Every ranking or list of holders now shows
a holder through one function (``zhichan.corpus.parties.holder_display_name``): on English pages the English name of
the organization bound to it, else the English the generator's name reads as (synthetic records only), else its
name; the legal (Chinese) name stays on a second line."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update

from tests.web.test_web_languages import _visible_text
from zhichan.corpus.parties import holder_display_name
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import create_org, holders_named_in_english
from zhichan.platform.portal import CorpusAccess, region_overview
from zhichan.platform.scope import Scope
from zhichan.web.testing import WUHOU_ENTERPRISE, login_as

GENERATED = "成都威海生物医药集团有限公司"
GENERATED_EN = "Chengdu Weihai Biomedicine Group Co., Ltd."
INSTITUTE = "成都市达宇化学研究中心"
#: a real record's holder whose name happens to read like a generated one: never translated
REAL_LOOKALIKE = "成都瑞博科技有限公司"


def test_synthetic_holders_read_in_english_and_real_ones_as_they_are(settings):
    build_snapshot(settings.data_dir, patents=[
        *[patent(title=f"合成{i}", application_date="2019-03-01", legal_status="granted", region_code="510117",
                 applicants=[GENERATED], synthetic=True) for i in range(3)],
        *[patent(title=f"研究{i}", application_date="2019-04-01", legal_status="granted", region_code="510107",
                 applicants=[INSTITUTE], synthetic=True) for i in range(2)],
        patent(title="真实", application_date="2019-05-01", legal_status="granted", region_code="510104",
               applicants=[REAL_LOOKALIKE]),
    ])
    access = CorpusAccess(settings.corpus_dir)
    try:
        nation = Scope(role=Role.ANALYST, user_id=1, username="t", org_path="/", region_code="100000")
        holders = region_overview(access, nation, "510100", dt.date(2024, 6, 30))["top_holders"]
    finally:
        access.close()
    by_name = {h["name"]: h for h in holders}
    assert set(by_name) == {GENERATED, INSTITUTE, REAL_LOOKALIKE}
    assert holder_display_name(by_name[GENERATED], "en") == GENERATED_EN
    assert holder_display_name(by_name[INSTITUTE], "en") == "Chengdu Dayu Chemistry Research Center"
    assert holder_display_name(by_name[REAL_LOOKALIKE], "en") == REAL_LOOKALIKE  # real records: data as it is
    assert [holder_display_name(h, "zh") for h in holders] == [h["name"] for h in holders]


def test_an_organizations_english_name_comes_first(engine):
    """The English name an organization registered beats the one the generator's name reads as; a holder
    without an organization keeps its own; the given (cached) rows are not changed."""
    with session_scope(engine) as s:
        city = create_org(s, "成都市局", OrgKind.CITY, "510100")
        create_org(s, GENERATED, OrgKind.ENTERPRISE, "510117", city, party_key=GENERATED, name_en="Weihai Biomed Group")
        create_org(s, "无英文名有限公司", OrgKind.ENTERPRISE, "510117", city, party_key="无英文名有限公司")
    holders = [{"party_key": GENERATED, "name": GENERATED, "name_en": GENERATED_EN},
               {"party_key": "无英文名有限公司", "name": "无英文名有限公司", "name_en": None},
               {"party_key": INSTITUTE, "name": INSTITUTE, "name_en": "Chengdu Dayu Chemistry Research Center"}]
    with session_scope(engine) as s:
        named = holders_named_in_english(s, holders)
    assert [holder_display_name(h, "en") for h in named] == [
        "Weihai Biomed Group", "无英文名有限公司", "Chengdu Dayu Chemistry Research Center"]
    assert holders[0]["name_en"] == GENERATED_EN


def test_the_cockpit_and_the_enterprise_page_name_holders_in_english(client, env):
    """The test corpus's synthetic Wuhou enterprise has a name the generator does not make; once its organization
    has an English name, the English cockpit's top holders and its enterprise page show it, with the legal name
    below; the Chinese pages show the legal name only."""
    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.party_key == WUHOU_ENTERPRISE)
                  .values(name_en="Chengdu Example Technology Co., Ltd."))
        assert s.scalar(select(Organization.name_en).where(Organization.party_key == WUHOU_ENTERPRISE))
    login_as(client, env.engine, "cd_leader")
    for lang in ("en", "zh"):
        html = client.get(f"/cockpit?region=510100&lang={lang}").text
        table = html.split('id="top-holders"', 1)[1].split("</table>", 1)[0]
        row = next(r for r in table.split("<tr>")[2:] if WUHOU_ENTERPRISE in r)
        text = _visible_text(row)
        page = client.get(f"/enterprises/{WUHOU_ENTERPRISE}?lang={lang}").text
        title = _visible_text(re.search(r'<h1 id="enterprise-title">(.*?)</h1>', page, re.S).group(1))  # type: ignore[union-attr]
        if lang == "en":
            assert text.strip().startswith("Chengdu Example Technology Co., Ltd.") and WUHOU_ENTERPRISE in text, text
            assert f'<span class="legal-name muted small" lang="zh-CN">{WUHOU_ENTERPRISE}</span>' in row
            assert "Chengdu Example Technology Co., Ltd." in title and WUHOU_ENTERPRISE in title, title
            assert "<title>Chengdu Example Technology Co., Ltd." in page
            portfolio = re.split(r'<table class="list"[^>]*>', page)[-1].split("</table>")[0]  # its patents' applicant
            assert "Chengdu Example Technology Co., Ltd." in portfolio and WUHOU_ENTERPRISE not in portfolio
        else:
            assert "Chengdu Example" not in row and "legal-name" not in row and "Chengdu Example" not in page
            assert WUHOU_ENTERPRISE in text and WUHOU_ENTERPRISE in title


def test_the_enterprise_page_is_titled_by_its_organizations_name(client, env):
    """An enterprise registered as 成都示例科技有限责任公司 is keyed in the corpus by its normalized name (…有限公司):
    its page was titled by the key while its own header showed the organization's name. It is titled as it registered
    (in English by its English name, the Chinese one below), the name the patent data hold given beside where the two
    differ; the API gives the organization too."""
    registered = "成都示例科技有限责任公司"
    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.party_key == WUHOU_ENTERPRISE)
                  .values(name=registered, name_en="Chengdu Example Technology Co., Ltd."))
    login_as(client, env.engine, "ent_user")
    for lang in ("zh", "en"):
        page = client.get(f"/enterprises/{WUHOU_ENTERPRISE}?lang={lang}").text
        title = _visible_text(re.search(r'<h1 id="enterprise-title">(.*?)</h1>', page, re.S).group(1))  # type: ignore[union-attr]
        header = _visible_text(page.split("</header>", 1)[0])
        corpus = " ".join(_visible_text(re.search(r'<p[^>]*id="enterprise-corpus-name">(.*?)</p>', page, re.S)  # type: ignore[union-attr]
                                        .group(1)).split())
        if lang == "zh":
            assert registered in title and WUHOU_ENTERPRISE not in title, title
            assert registered in header and f"<title>{registered}" in page
            assert corpus.replace(" ", "") == f"专利数据中的名称：{WUHOU_ENTERPRISE}", corpus
        else:
            assert "Chengdu Example Technology Co., Ltd." in title and registered in title, title
            # 创新主体: an enterprise, a university or a person alike (a person's page read "Enterprise · Wang Haoying")
            assert title.startswith("Innovation entity ·"), title
            assert WUHOU_ENTERPRISE not in title, title
            assert corpus == f"Name in the patent data: {WUHOU_ENTERPRISE}", corpus
    data = client.get(f"/api/v1/enterprises/{WUHOU_ENTERPRISE}").json()
    assert data["organization"] == {"name": registered, "name_en": "Chengdu Example Technology Co., Ltd."}
    assert data["party"]["name"] == WUHOU_ENTERPRISE
    # where the two names agree, nothing is repeated
    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.party_key == WUHOU_ENTERPRISE).values(name=WUHOU_ENTERPRISE))
    assert 'id="enterprise-corpus-name"' not in client.get(f"/enterprises/{WUHOU_ENTERPRISE}").text


def test_a_patent_page_names_its_generated_parties_in_english_and_a_foreign_applicants_country(settings, web_template):
    """A synthetic foreign applicant's patent page showed no region and the applicant, owners and inventors in
    Chinese on English pages: they read in English (the legal names beside them) and the region is the country; a
    real record's parties stay as they are."""
    from zhichan.web.testing import make_env

    web = make_env(settings, web_template)
    made = patent(serial=901, title="合成境外", application_date="2021-03-01", applicants=["艾默源控股公司"],
                  current_patentees=["艾默源控股公司"], region_code=None, applicant_country="US",
                  inventors=["丁春", "欧阳子涵"], synthetic=True)
    kept = patent(serial=902, title="真实境外", application_date="2021-04-01", applicants=["艾默源控股公司"],
                  region_code=None, applicant_country="US", inventors=["丁春"])
    agent = patent(serial=903, title="合成代理", application_date="2021-05-01", applicants=["上海瑞博科技有限公司"],
                   region_code="310104", agency="上海恒睿专利代理有限公司", synthetic=True)
    build_snapshot(settings.data_dir, patents=[made, kept, agent])
    synthetic, real = (f"/patents/{p['application_number']}" for p in (made, kept))
    try:
        with web.client() as c:
            login_as(c, web.engine, "cd_leader")
            english = _visible_text(c.get(synthetic, params={"lang": "en"}).text.split("<main>", 1)[1])
            assert "Emer Yuan Holdings Inc." in english and "艾默源控股公司" in english  # the legal name beside it
            assert "United States" in english and "Ding Chun (丁春); Ouyang Zihan (欧阳子涵)" in english, english
            chinese = _visible_text(c.get(synthetic, params={"lang": "zh"}).text.split("<main>", 1)[1])
            assert "美国" in chinese and "Emer Yuan" not in chinese and "Ding Chun" not in chinese
            english = _visible_text(c.get(real, params={"lang": "en"}).text.split("<main>", 1)[1])
            assert "United States" in english and "Emer Yuan" not in english and "Ding Chun" not in english
            # the applicant from abroad's enterprise page: the nation's bureau opens it, a city's is not sent to a
            # refusal (the link led Chengdu's leader to a 403)
            assert 'id="enterprise-link"' not in c.get(synthetic).text
            # nor to a Shanghai enterprise's (outside Chengdu's area; its own city's patents link: test_web_search.py)
            assert 'id="enterprise-link"' not in c.get(f"/patents/{agent['application_number']}").text
            login_as(c, web.engine, "root")
            link = re.search(r'id="enterprise-link" href="(/enterprises/[^"]+)"', c.get(synthetic).text)
            assert link is not None and c.get(link.group(1)).status_code == 200
            # a generated agency, in a city of the applicant's province
            english = _visible_text(c.get(f"/patents/{agent['application_number']}", params={"lang": "en"}).text)
            assert "Shanghai Ruibo Technology Co., Ltd." in english
            assert "Shanghai Hengrui Patent Agency Co., Ltd." in english and "上海恒睿专利代理有限公司" in english
    finally:
        web.engine.dispose()  # type: ignore[attr-defined]


def test_an_english_records_page_names_first_patentees_as_the_cockpit_ranks_them(client, env):
    """The records behind a figure named every first patentee in Chinese on English pages, where the cockpit's ranking
    of holders names them in English: the one lookup (``english_names``) on both, the legal name under it; the
    Chinese page and the JSON keep the name as the corpus holds it."""
    english = "Chengdu Example Technology Co., Ltd."
    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.party_key == WUHOU_ENTERPRISE).values(name_en=english))
    login_as(client, env.engine, "cd_leader")
    url = "/regions/510107/indicators/valid_inventions/records?as_of=2023-12-31"
    cells = re.findall(r'<td class="col-first_patentee"[^>]*>(.*?)</td>', client.get(url + "&lang=en").text)
    ours = [c for c in cells if WUHOU_ENTERPRISE in c]
    assert ours and all(c.startswith(english) and 'class="legal-name' in c for c in ours), cells
    chinese = re.findall(r'<td class="col-first_patentee"[^>]*>(.*?)</td>', client.get(url + "&lang=zh").text)
    assert WUHOU_ENTERPRISE in chinese and not [c for c in chinese if english in c]
    assert WUHOU_ENTERPRISE in {r["first_patentee"] for r in client.get(f"/api/v1{url}").json()["records"]}
