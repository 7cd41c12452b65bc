"""Overseas early warning through the real app: who may open the page, the area's exposure computed from the
corpus, a dispute's invalid values answered beside the field (input kept), an import with its rejects
report, the watch list, the alerts job's alerts reaching the watched enterprise only — and the page in
Chromium, in Chinese and English."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import sign_in
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.platform.db import session_scope
from zhichan.protection.overseas import raise_alerts
from zhichan.settings import Settings
from zhichan.web.testing import (
    JINJIANG_ENTERPRISE,
    WUHOU_ENTERPRISE,
    TestClient,
    WebEnv,
    csrf_from,
    login_as,
    make_env,
)


def foreign_corpus(env: WebEnv) -> None:
    """H01M10: 6 live patents, 3 foreign (50 %); the 武侯 enterprise holds 2 with families abroad, the 锦江 one 1."""
    rows = [patent(serial=700 + i, ipc=["H01M10/052"], applicants=[f"Foreign Cell Co {i}"], applicant_country="JP",
                   region_code=None, application_date="2021-01-01") for i in range(3)]
    rows += [patent(serial=710 + i, ipc=["H01M10/44"], applicants=[WUHOU_ENTERPRISE], family_countries=["CN", "US"],
                    application_date="2021-01-01") for i in range(2)]
    rows.append(patent(serial=720, ipc=["H01M10/44"], applicants=[JINJIANG_ENTERPRISE], region_code="510104",
                       pct_application_number="PCT/CN2021/000009", application_date="2021-01-01"))
    build_snapshot(env.settings.data_dir, patents=rows)


@pytest.fixture
def env(settings: Settings, web_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebEnv]:
    monkeypatch.setenv("ZHICHAN_PROTECTION_OVERSEAS_MIN_PATENTS", "5")
    from zhichan.settings import get_settings

    get_settings.cache_clear()
    web = make_env(get_settings(), web_template, search_index=False)
    foreign_corpus(web)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]
    get_settings.cache_clear()


def post(client: TestClient, url: str, data: dict[str, str], **kw: object) -> object:
    token = csrf_from(client.get("/protection/overseas").text)
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=False, **kw)  # type: ignore[arg-type]


DISPUTE = {"enterprise": WUHOU_ENTERPRISE, "country": "US", "kind": "诉讼", "opponent": "Foreign Cell Co 1",
           "ipc_group": "H01M10/44", "started_on": "2026-03-02", "forum": "E.D. Tex.", "summary": "专利侵权诉讼"}


def test_who_may_open_the_page(env: WebEnv) -> None:
    anon = env.client()
    assert anon.get("/protection/overseas", follow_redirects=False).status_code in (303, 401)
    assert anon.get("/api/v1/protection/overseas").status_code == 401
    bank = env.client()
    login_as(bank, env.engine, "cd_bank")
    assert bank.get("/api/v1/protection/overseas").status_code == 403
    ent = env.client()
    login_as(ent, env.engine, "ent_user")
    data = ent.get("/api/v1/protection/overseas").json()
    assert data["alerts"] == [] and "exposure" not in data and "disputes" not in data
    assert post(ent, "/protection/overseas/disputes", DISPUTE).status_code == 403  # type: ignore[attr-defined]


def test_office_records_imports_watches_and_the_enterprise_sees_its_alert(env: WebEnv) -> None:
    officer = env.client()
    login_as(officer, env.engine, "wuhou_officer")
    data = officer.get("/api/v1/protection/overseas").json()
    assert [h["ipc_group"] for h in data["exposure"]["hot"]] == ["H01M10"]
    assert [i["name"] for i in data["exposure"]["items"]] == [WUHOU_ENTERPRISE]  # 锦江's enterprise is not ours
    # the page: the enterprise's region by name; the empty tables say why and what to do (they showed "—")
    page = officer.get("/protection/overseas", params={"lang": "en"}).text
    exposure = page.split('id="exposure-list"')[1].split("</table>")[0]
    assert ">Wuhou District</td>" in exposure and "510107" not in exposure
    for element, text in (("alerts-none", "No alert yet"), ("watches-none", "The watch list is empty"),
                          ("disputes-none", "No overseas dispute recorded yet")):
        assert page.split(f'id="{element}"')[1].split(">", 1)[1].startswith(text), element
    assert 'id="watches-none" data-empty="none">关注名单为空' in officer.get("/protection/overseas", params={"lang": "zh"}).text

    bad = post(officer, "/protection/overseas/disputes", {**DISPUTE, "country": "中国", "started_on": "2099-01-01"})
    assert bad.status_code == 422  # type: ignore[attr-defined]
    for name in ("country", "started_on"):
        assert f'id="dispute-{name}-error"' in bad.text  # type: ignore[attr-defined]
    assert 'value="Foreign Cell Co 1"' in bad.text  # type: ignore[attr-defined]

    watch = post(officer, "/protection/overseas/watches", {"enterprise": WUHOU_ENTERPRISE, "ipc_groups": ""})
    assert watch.status_code == 303  # type: ignore[attr-defined]
    assert post(officer, "/protection/overseas/disputes", DISPUTE).status_code == 303  # type: ignore[attr-defined]

    csv = ("enterprise,country,kind,opponent,ipc_group,started_on\n"
           f"{WUHOU_ENTERPRISE},DE,警告函,Foreign Cell Co 2,H01M10/052,2026-04-01\n"
           f"{WUHOU_ENTERPRISE},DE,吵架,Foreign Cell Co 2,H01M10/052,2026-04-01\n")
    report = post(officer, "/protection/overseas/import", {}, files={"file": ("纠纷.csv", csv.encode(), "text/csv")})
    assert report.status_code == 200  # type: ignore[attr-defined]
    text = report.text  # type: ignore[attr-defined]
    assert re.search(r'id="imported-count">1<', text) and re.search(r'id="rejected-count">1<', text)
    assert re.search(r"<td[^>]*>3</td>", text) and "kind" in text  # the line and the field of the bad row
    # the bad row's field by its column and meaning, its problem in the page's language (it read "kind: 请选择… / choose…")
    rejects = text.split('id="rejects"')[1].split("</table>")[0]
    assert "<code>kind</code> 纠纷类型，" in rejects and "choose one of the kinds" not in rejects
    # the import file's columns are a labelled list, each with its meaning in the page's language (a Chinese page
    # read "列名（英文或中文）: enterprise / 国内企业, …, ipc_group / 技术领域, started_on / 发生日期, forum / …")
    for lang, title, meaning, source in (("zh", "导入文件的列", "纠纷发生日期（年-月-日", "导入：纠纷.csv"),
                                         ("en", "Columns of the import file", "The day the dispute began", "Imported: 纠纷.csv")):
        page = officer.get("/protection/overseas", params={"lang": lang}).text
        assert f'id="import-columns-title">{title}<' in page
        columns = page.split('id="import-columns"')[1].split("</table>")[0]
        row = columns.split("<code>started_on</code>")[1].split("</tr>")[0]
        assert meaning in row, lang
        # a dispute's source by what it is, not the stored code ("form", "import:纠纷.csv")
        disputes = page.split('id="dispute-list"')[1].split("</table>")[0]
        assert source in disputes and ">form<" not in disputes and "import:" not in disputes, lang
    empty = post(officer, "/protection/overseas/import", {}, files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")})
    assert empty.status_code == 422 and 'id="import-file-error"' in empty.text  # type: ignore[attr-defined]

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        snap = env.app.state.corpus.snapshot()  # type: ignore[attr-defined]
        assert raise_alerts(s, snap, threshold=Decimal("0.3"), min_patents=5) == 3  # 2 disputes + the 50 % field
    ent = env.client()
    login_as(ent, env.engine, "ent_user")
    alerts = ent.get("/api/v1/protection/overseas").json()["alerts"]
    assert len(alerts) == 3 and {a["kind"] for a in alerts} == {"dispute", "concentration"}
    other = env.client()
    login_as(other, env.engine, "ent2_user")
    assert other.get("/api/v1/protection/overseas").json()["alerts"] == []
    jinjiang = env.client()
    login_as(jinjiang, env.engine, "jinjiang_officer")
    data = jinjiang.get("/api/v1/protection/overseas").json()
    assert data["disputes"] == [] and data["watches"] == [] and data["alerts"] == []


def test_exposure_is_computed_once_per_snapshot_and_area(env: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhichan.protection import overseas

    computed: list[str] = []  # the area prefix of each computation over the corpus
    real = overseas._exposure

    def counted(*args: Any, **kw: Any) -> dict[str, Any]:
        computed.append(args[2])
        return real(*args, **kw)

    monkeypatch.setattr(overseas, "_exposure", counted)
    officer = env.client()
    login_as(officer, env.engine, "wuhou_officer")
    first = officer.get("/api/v1/protection/overseas").json()["exposure"]
    assert [i["name"] for i in first["items"]] == [WUHOU_ENTERPRISE] and computed == ["510107"]
    page = officer.get("/protection/overseas")
    assert page.status_code == 200 and WUHOU_ENTERPRISE in page.text
    assert officer.get("/api/v1/protection/overseas").json()["exposure"] == first
    assert computed == ["510107"]  # the page and a second view read the kept result
    city = env.client()
    login_as(city, env.engine, "cd_leader")
    names = {i["name"] for i in city.get("/api/v1/protection/overseas").json()["exposure"]["items"]}
    assert names == {WUHOU_ENTERPRISE, JINJIANG_ENTERPRISE} and computed == ["510107", "5101"]  # its own area

    # a new snapshot lands: computed afresh, once
    build_snapshot(env.settings.data_dir, patents=[
        patent(serial=730 + i, ipc=["H01M10/44"], applicants=[WUHOU_ENTERPRISE], family_countries=["CN", "US"],
               application_date="2021-01-01") for i in range(3)])
    fresh = officer.get("/api/v1/protection/overseas").json()["exposure"]
    assert fresh["snapshot"] != first["snapshot"] and fresh["items"][0]["patents"] == 3 and fresh["hot"] == []
    assert officer.get("/api/v1/protection/overseas").json()["exposure"] == fresh
    assert computed == ["510107", "5101", "510107"]


@pytest.mark.browser
def test_overseas_page_in_the_browser(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "wuhou_officer", then="/protection/overseas")
    page.fill("#dispute-enterprise", WUHOU_ENTERPRISE)
    page.fill("#dispute-country", "CN")
    page.fill("#dispute-opponent", "Foreign Cell Co 1")
    page.fill("#dispute-ipc_group", "H01M10/44")
    page.fill("#dispute-started_on", "2026-03-02")
    page.click("#dispute-submit")
    page.wait_for_selector("#dispute-country-error")
    assert page.input_value("#dispute-opponent") == "Foreign Cell Co 1"
    page.fill("#dispute-country", "US")
    page.click("#dispute-submit")
    page.wait_for_selector("#dispute-list td:has-text('Foreign Cell Co 1')")
    page.fill("#watch-enterprise", WUHOU_ENTERPRISE)
    page.click("#watch-submit")
    page.wait_for_selector("#watch-list td:has-text('H01M10')")
    assert "H01M10" in page.inner_text("#hot-fields") and WUHOU_ENTERPRISE in page.inner_text("#exposure-list")
    page.screenshot(path=str(artifacts_dir / "protection-overseas-zh.png"), full_page=True)
    page.goto("/protection/overseas?lang=en")
    page.wait_for_selector("h1:has-text('Overseas IP dispute early warning')")
    page.screenshot(path=str(artifacts_dir / "protection-overseas-en.png"), full_page=True)


def _alerts_raised_for_an_enterprise_named_in_english(env: WebEnv, english_name: str) -> Any:
    """The Wuhou enterprise given an English name, watched by the Wuhou officer, a dispute recorded against it and the
    alerts raised: the officer's client."""
    from sqlalchemy import update

    from zhichan.platform.models import Organization

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.execute(update(Organization).where(Organization.party_key == WUHOU_ENTERPRISE).values(name_en=english_name))
    officer = env.client()
    login_as(officer, env.engine, "wuhou_officer")
    assert post(officer, "/protection/overseas/watches", {"enterprise": WUHOU_ENTERPRISE, "ipc_groups": ""}).status_code == 303  # type: ignore[attr-defined]
    assert post(officer, "/protection/overseas/disputes", DISPUTE).status_code == 303  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert raise_alerts(s, env.app.state.corpus.snapshot(), threshold=Decimal("0.3"), min_patents=5)  # type: ignore[attr-defined]
    return officer


def test_the_page_names_enterprises_in_english_and_a_disputes_country(env: WebEnv) -> None:
    """English pages named the exposed enterprise, the watched one, the dispute's parties and the alerts' enterprise
    by their Chinese names although the organization has an English one, and a dispute's country by its code: they
    read in English (the exposed enterprise with its legal name below), the country by its name."""
    officer = _alerts_raised_for_an_enterprise_named_in_english(env, "Chengdu Example Technology Co., Ltd.")
    english = officer.get("/protection/overseas", params={"lang": "en"}).text
    chinese = officer.get("/protection/overseas", params={"lang": "zh"}).text
    for table, column in (("exposure-list", 0), ("watch-list", 0), ("dispute-list", 1), ("alert-list", 1)):
        row = english.split(f'id="{table}"')[1].split("</table>")[0].split("<tbody>")[1]
        cell = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[column]
        assert cell.startswith("Chengdu Example Technology Co., Ltd."), (table, cell)
        assert (WUHOU_ENTERPRISE in cell) is (table == "exposure-list"), table  # the holder's legal name below
        assert "Chengdu Example" not in chinese.split(f'id="{table}"')[1].split("</table>")[0], table
    disputes = english.split('id="dispute-list"')[1].split("</table>")[0]
    assert ">United States</td>" in disputes and ">美国</td>" in chinese.split('id="dispute-list"')[1]


def test_an_alerts_text_names_the_parties_country_and_kind_in_the_pages_language(env: WebEnv) -> None:
    """An alert keeps its text as a message and its values, but English pages showed the values as stored: the
    enterprise by its Chinese name, the country by its code, the kind of dispute in Chinese (…involving 成都示例科技有限公司:
    US 诉讼…). It is composed at render: the enterprise by its English name, the country by its name and the kind by
    its label — in Chinese too (美国 诉讼), the stored record unchanged."""
    from sqlalchemy import select

    from zhichan.protection.models import OverseasAlert

    english_name = "Chengdu Example Technology Co., Ltd."
    officer = _alerts_raised_for_an_enterprise_named_in_english(env, english_name)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        stored = s.scalar(select(OverseasAlert.message).where(OverseasAlert.kind == "dispute"))
    texts = {lang: next(a["message"] for a in officer.get("/api/v1/protection/overseas", params={"lang": lang}).json()[
        "alerts"] if a["kind"] == "dispute") for lang in ("zh", "en")}
    assert texts["en"] == (f"A new overseas dispute in H01M10 involving {english_name}: United States Lawsuit, "
                           "against Foreign Cell Co 1, 2026-03-02")
    assert texts["zh"] == "H01M10 领域新增海外纠纷（涉及本企业）：美国 诉讼，对方 Foreign Cell Co 1，2026-03-02"
    page = officer.get("/protection/overseas", params={"lang": "en"}).text.split('id="alert-list"')[1].split("</table>")[0]
    assert html.escape(texts["en"]) in page and WUHOU_ENTERPRISE not in page and "诉讼" not in page
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert s.scalar(select(OverseasAlert.message).where(OverseasAlert.kind == "dispute")) == stored
        assert WUHOU_ENTERPRISE in stored and '"US"' in stored  # the record as it was written
