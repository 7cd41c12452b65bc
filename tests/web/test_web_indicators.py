"""Every indicator on the web with its definition, the records behind each number with CSV/XLSX
export (the CLI's drill-down), the default as-of date (the data end), and cockpit tiles that are the
registry's figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from tests.helpers import sign_in, unnamed_tooltips, whole_dates
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.indicators import registry, service, views
from zhichan.legaltime import china_today
from zhichan.platform.models import Role
from zhichan.platform.portal import CorpusAccess, region_overview
from zhichan.platform.scope import Scope
from zhichan.web.testing import login_as

#: The web template's latest date: a 2022-03-08 filing granted 730 days later (zhichan.web.testing).
DATA_END = "2024-03-07"


def test_pages_and_api_default_to_the_last_date_the_corpus_describes(env, client):
    login_as(client, env.engine, "cd_leader")
    data = client.get("/api/v1/cockpit?region=510100").json()
    assert data["indicators"]["as_of"] == DATA_END
    assert data["overview"]["coverage"] == {"as_of": DATA_END, "data_as_of": DATA_END, "after_data_end": False,
                                            "year": 2024, "year_incomplete": True, "lagging_years": [2023, 2024],
                                            "data_begins": data["overview"]["coverage"]["data_begins"],
                                            "before_data_begin": False}
    assert data["overview"]["year"] == 2023  # the tiles' yearly flows: the last complete year
    html = whole_dates(client.get("/cockpit").text)
    assert f"数据截至 {DATA_END}" in html and 'id="year-incomplete"' in html and "2024年数据不完整" in html
    # filings of 2023 and 2024 are not all published by the data end: their counts read low, and say so
    assert 'id="publication-lag"' in html and "2023、2024 年提交的申请尚未全部公开" in html
    later = whole_dates(client.get("/cockpit?as_of=2025-06-30").text)
    assert "统计日 2025-06-30（数据截至 2024-03-07）" in later and "2025年数据不完整" in later
    # every page says how far the data go, public ones too
    # the footer names whose data end it is: the platform's own figures count to today
    assert f"专利数据截至 {DATA_END}" in whole_dates(client.get("/search").text)
    assert "filings of 2023, 2024 are not all published" in client.get("/cockpit?lang=en").text


def test_cockpit_tiles_are_the_registry_figures(settings):
    """A patent whose term ended (filed 2000) still says ``granted``: the direct count of
    status_group = 'valid' counted it (tile 2 beside indicator 1); tiles now read the registry."""
    build_snapshot(settings.data_dir, patents=[
        patent(title="到期", application_date="2000-01-01", legal_status="granted", region_code="510107", ipc=[]),
        patent(title="有效", application_date="2019-01-01", legal_status="granted", region_code="510107", ipc=[]),
        patent(title="锦江", application_date="2020-01-01", legal_status="granted", region_code="510104", ipc=[]),
    ])
    access = CorpusAccess(settings.corpus_dir)
    try:
        nation = Scope(role=Role.ANALYST, user_id=1, username="t", org_path="/", region_code="100000")
        day = dt.date(2024, 6, 30)
        overview = region_overview(access, nation, "510100", day)
        values = {v.code: v.value for v in service.compute(["valid_inventions", "valid_inventions_per_10k"],
                                                           ["5101"], day, snapshot=access.require_snapshot())}
        assert overview["kpis"]["valid_inventions"] == values["valid_inventions"] == 2
        assert overview["kpis"]["valid_inventions_per_10k"] == round(values["valid_inventions_per_10k"], 2)
        children = {c["code"]: c["valid_inventions"] for c in overview["children"]}
        assert {k: v for k, v in children.items() if v} == {"510107": 1, "510104": 1}
        # every district is listed, one without a record at 0 (the ranking listed only those with records)
        from zhichan.reference import children as reference_children

        assert sorted(children) == sorted(reference_children("5101")) and len(children) == 20
        assert [c["code"] for c in overview["children"]][:2] == ["510104", "510107"]
        assert [h["valid_inventions"] for h in overview["top_holders"]] == [2]
        # each trend point is patent_applications at that 31 December (the term-ended 2000 filing is
        # outside the ten years shown), every one of the ten years shown, 0 where nothing was filed
        years = [r["year"] for r in overview["trend"]]
        assert years == list(range(years[0], years[0] + 10)) and 2020 in years
        assert {r["year"]: r["applications"] for r in overview["trend"] if r["applications"]} == {2019: 1, 2020: 1}
        for row in overview["trend"]:
            [flow] = service.compute(["patent_applications"], ["5101"], dt.date(row["year"], 12, 31),
                                     snapshot=access.require_snapshot())
            assert flow.value == row["applications"]
    finally:
        access.close()


def test_every_indicator_with_its_definition_and_records(env, client):
    login_as(client, env.engine, "cd_leader")
    r = client.get("/regions/510100/indicators")
    assert r.status_code == 200
    rows = re.findall(r'<tr data-code="([a-z0-9_]+)"', r.text)
    assert sorted(rows) == sorted(registry.indicators()) and len(rows) == len(registry.indicators()) > 30
    # each group in one piece, in the registry's order within it
    groups = [registry.get_indicator(code).category for code in rows]
    assert [g for n, g in enumerate(groups) if n == 0 or g != groups[n - 1]] == list(dict.fromkeys(groups)), groups
    assert [c for c in rows if registry.get_indicator(c).category == "创造"] == [
        c for c, ind in registry.indicators().items() if ind.category == "创造"]
    # each figure at its source's default date: the patent data's at their data end, the platform's records at today
    today = china_today().isoformat()
    for ind in registry.indicators().values():
        assert ind.definition in r.text
        day = DATA_END if ind.data_source == "corpus" else today
        assert f"/regions/510100/indicators/{ind.code}/records?as_of={day}" in r.text, ind.code

    # the records behind each number: as many as the count (ratios: their numerator's records)
    access = env.app.state.corpus  # type: ignore[attr-defined]
    scope = Scope(role=Role.ANALYST, user_id=1, username="t", org_path="/", region_code="510100")
    day = dt.date(2023, 12, 31)
    checked = 0
    for ind in registry.indicators().values():
        page = views.indicator_records(access, scope, "510100", ind.code, day)
        if ind.kind == "count":
            assert page["total"] == page["indicator"]["value"], ind.code
            checked += page["total"] > 0
    assert checked >= 3

    page = client.get("/regions/510100/indicators/valid_inventions/records?as_of=2023-12-31")
    assert page.status_code == 200 and "与指标数值同一口径" in page.text
    total = int(re.search(r"共 ([\d,]+) 条记录", page.text).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert total == views.indicator_records(access, scope, "510100", "valid_inventions", day)["total"] > 0
    assert client.get("/regions/510100/indicators/no_such/records").status_code == 404
    api = client.get("/api/v1/regions/510100/indicators?as_of=2023-12-31").json()
    assert [v["code"] for v in api["indicators"]] == rows
    records = client.get("/api/v1/regions/510100/indicators/valid_inventions/records?as_of=2023-12-31").json()
    assert records["total"] == total == len(records["records"]) and records["indicator"]["value"] == total


def test_records_export_is_the_cli_drilldown_escaped_and_not_cached(env, client, tmp_path):
    """The web's file holds the CLI's records, row for row, in the page's language: the page's headings, coded values
    as their labels, flags 是/否, a region's code kept with its name in a column beside it, application numbers and IPC
    as they are (the CLI's keeps the stored codes and column names: data another system reads)."""
    login_as(client, env.engine, "cd_leader")
    cli_file = service.export_drilldown("valid_inventions", "510100", dt.date(2023, 12, 31), tmp_path / "cli.csv",
                                        snapshot=env.app.state.corpus.require_snapshot())  # type: ignore[attr-defined]
    raw = list(csv.DictReader(io.StringIO(cli_file.read_text("utf-8-sig"))))
    assert raw and list(raw[0])[:3] == ["application_number", "title", "kind"] and raw[0]["kind"] == "invention"
    words = {"zh": ("申请号", "类型", "发明", "有效", "是", "区划代码", "区划代码（名称）", "主分类号"),
             "en": ("Application no.", "Kind", "Invention", "Valid", "Yes", "Region code", "Region code (name)", "Main IPC")}
    for lang, (number, kind, invention, valid, yes, region, region_name, ipc) in words.items():
        r = client.get(f"/regions/510100/indicators/valid_inventions/records.csv?as_of=2023-12-31&lang={lang}")
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert [row[number] for row in rows] == [row["application_number"] for row in raw]
        assert {row[kind] for row in rows} == {invention} and {row[valid] for row in rows} == {yes}
        assert [row[region] for row in rows] == [row["region_code"] for row in raw]  # the code, kept
        assert [row[ipc] for row in rows] == [row["main_ipc"] for row in raw]
        wuhou = {"zh": "武侯区", "en": "Wuhou District"}[lang]
        assert {row[region_name] for row in rows if row[region] == "510107"} == {wuhou}
        assert not {"invention", "granted", "enterprise", "True", "False"} & {v for row in rows for v in row.values()}
        x = client.get(f"/regions/510100/indicators/high_value_share/records.xlsx?lang={lang}")
        assert x.status_code == 200 and x.headers["cache-control"] == "no-store" and x.content[:2] == b"PK"
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(x.content), read_only=True)
        assert book.sheetnames == {"zh": ["记录", "定义"], "en": ["Records", "Definition"]}[lang]
        about = {k: v for k, v in book.worksheets[1].iter_rows(values_only=True)}
        assert about[{"zh": "指标", "en": "Indicator"}[lang]] == {
            "zh": "高价值发明专利占比 (high_value_share)", "en": "High-value share of valid inventions (high_value_share)"}[lang]
        # the region in the file's language only (the Chinese file's read "成都市 Chengdu (510100)")
        assert about[{"zh": "地区", "en": "Region"}[lang]] == {"zh": "成都市 (5101)", "en": "Chengdu (5101)"}[lang]
        assert next(book.worksheets[0].iter_rows(values_only=True))[0] == number
        book.close()
    assert client.get("/regions/510100/indicators/valid_inventions/records.pdf").status_code == 400


def test_the_english_records_file_names_holders_in_english_beside_their_legal_names(env, client):
    """The records page names a holder in English where the platform knows it; the English file named every holder in
    Chinese only. It keeps the stored (legal) name and puts the English beside it, as it does a region's name; the
    Chinese file has no such column."""
    from sqlalchemy import update

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization

    login_as(client, env.engine, "cd_leader")
    raw = list(csv.DictReader(io.StringIO(client.get(
        "/regions/510100/indicators/valid_inventions/records.csv?as_of=2023-12-31&lang=zh").content.decode("utf-8-sig"))))
    holder = raw[0]["第一专利权人"]
    assert "第一专利权人（英文名称）" not in raw[0]
    with session_scope(env.engine) as s:  # the holder registered with its English name
        s.execute(update(Organization).where(Organization.name == holder).values(name_en="Chengdu Example Holder Co., Ltd."))
        if not s.query(Organization).filter(Organization.name == holder).count():
            s.add(Organization(name=holder, name_en="Chengdu Example Holder Co., Ltd.", kind="enterprise",
                               region_code="510104", path="/", party_key=None))
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/regions/510100/indicators/valid_inventions/records.csv?as_of=2023-12-31&lang=en").content.decode("utf-8-sig"))))
    assert list(rows[0]).index("First patentee (English name)") == list(rows[0]).index("First patentee") + 1
    assert {r["First patentee (English name)"] for r in rows if r["First patentee"] == holder} == \
        {"Chengdu Example Holder Co., Ltd."}, rows[:3]
    page = client.get("/regions/510100/indicators/valid_inventions/records?as_of=2023-12-31&lang=en").text
    assert "Chengdu Example Holder Co., Ltd." in page  # the page's own lookup names it the same


def test_drilldown_exports_write_formulas_as_text(settings, tmp_path):
    from openpyxl import load_workbook

    snap = build_snapshot(settings.data_dir, patents=[
        patent(title="=cmd|' /C calc'!A0", applicants=["@SUM(1+1)"], application_date="2019-01-01", ipc=[]),
    ])
    day = dt.date(2023, 12, 31)
    text = service.export_drilldown("valid_inventions", "CN", day, tmp_path / "d.csv", snapshot=snap).read_text(
        "utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)))
    assert row["title"] == "'=cmd|' /C calc'!A0" and row["first_patentee"] == "'@SUM(1+1)"
    path = service.export_drilldown("valid_inventions", "CN", day, tmp_path / "d.xlsx", snapshot=snap)
    book = load_workbook(path)
    try:
        sheet = book["records"]
        header = [c.value for c in sheet[1]]
        title = sheet.cell(row=2, column=header.index("title") + 1)
        # a string cell, never a formula: shown behind an apostrophe or with the quote-prefix style
        assert title.data_type == "s" and (str(title.value).startswith("'=") or title.quotePrefix)
    finally:
        book.close()


def test_navigation_defaults_to_the_last_quarter_the_data_cover(env, client):
    from zhichan.navigation.views import default_as_of

    assert default_as_of(dt.date(2026, 12, 4), dt.date(2025, 12, 31)) == dt.date(2025, 12, 31)
    assert default_as_of(dt.date(2026, 12, 4), None) == dt.date(2026, 9, 30)
    login_as(client, env.engine, "cd_leader")
    page = client.get("/navigation/chains/nev")
    assert page.status_code == 200
    assert 'name="as_of" value="2023-12-31"' in page.text  # the data end on 2024-03-07


def test_records_export_refuses_more_than_a_sheet_holds(env, client, monkeypatch):
    login_as(client, env.engine, "cd_leader")
    monkeypatch.setattr(views, "MAX_RECORDS_EXPORT", 6)  # 锦江区 has 6, 成都市 18
    r = client.get("/regions/510100/indicators/valid_inventions/records.xlsx?as_of=2023-12-31")
    assert r.status_code == 400 and "zhichan indicators drill --out" in r.text
    assert client.get("/regions/510104/indicators/valid_inventions/records.csv?as_of=2023-12-31").status_code == 200


def test_cockpit_as_of_form_keeps_the_region(env, client):
    login_as(client, env.engine, "cd_leader")
    html = client.get("/cockpit?region=510107&as_of=2023-12-31").text
    form = html[html.index('id="as-of-form"'):]
    form = form[:form.index("</form>")]
    assert 'name="region" value="510107"' in form and 'name="as_of" value="2023-12-31"' in form
    assert 'id="year-incomplete"' not in html  # 2023 is complete: the data end on 2024-03-07
    assert "2023 年提交的申请尚未全部公开" in html  # … but 2023's filings are not all published yet


def test_a_dated_cockpit_keeps_its_date_in_every_link_and_download(env, client):
    """A leader looking at the cockpit of an earlier date who drills into a district, goes up, opens the region
    page or downloads its CSV or a chart sees that date's figures, not the data end's."""
    login_as(client, env.engine, "cd_leader")
    day = "2022-06-30"
    main = client.get(f"/cockpit?region=510100&as_of={day}").text.split("<main>", 1)[1].split("</main>", 1)[0]
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="(/(?:cockpit|regions|charts)[^"]*)"', main)]
    assert any(h.startswith("/cockpit?region=5101") for h in links) and any("/export.csv" in h for h in links)
    undated = [h for h in links if "as_of=" not in h]
    assert not undated, undated
    assert all(f"as_of={day}" in h for h in links if "/records" not in h), links
    assert f'data-drill="1" data-as-of="{day}"' in main  # the map's click goes to the region at this date
    at_day = client.get(f"/api/v1/cockpit?region=510100&as_of={day}").json()["overview"]["children"]
    latest = client.get("/api/v1/cockpit?region=510100").json()["overview"]["children"]
    counts = {c["code"]: c["valid_inventions"] for c in at_day}
    assert counts != {c["code"]: c["valid_inventions"] for c in latest}  # the date makes a difference here
    export = client.get(f"/regions/510100/export.csv?as_of={day}")
    assert export.status_code == 200 and day in export.headers["content-disposition"]
    rows = [r for r in csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))) if r["区划代码"].isdigit()]
    # the city's own row first, then its districts (the cockpit's headings: the file reads like the page)
    assert rows[0]["区划代码"] == "510100" and int(rows[0]["有效发明专利"]) == sum(counts.values())
    assert {r["区划代码"]: int(r["有效发明专利"]) for r in rows[1:]} == counts
    # a district has no sub-regions: its file holds its own figures, not a header alone
    [wuhou] = [r for r in csv.DictReader(io.StringIO(client.get(f"/regions/510107/export.csv?as_of={day}").text
                                                     .lstrip("\ufeff"))) if r["区划代码"].isdigit()]
    assert (wuhou["地区"], int(wuhou["有效发明专利"])) == ("武侯区", counts["510107"])
    english = list(csv.DictReader(io.StringIO(client.get(f"/regions/510107/export.csv?as_of={day}&lang=en").text
                                              .lstrip("\ufeff"))))
    assert (english[0]["Region code"], english[0]["Region"]) == ("510107", "Wuhou District")
    assert int(english[0]["Valid invention patents"]) == counts["510107"]
    assert "区划代码" in client.get(f"/regions/510107/export.csv?as_of={day}&lang=zh").text  # back to Chinese pages
    region_page = whole_dates(client.get(f"/regions/510100?as_of={day}").text)
    assert f"统计日 {day}" in region_page
    assert f'href="/cockpit?region=510100&amp;as_of={day}"' in region_page
    assert client.get("/regions/510100/export.csv?as_of=2022-02-30").status_code == 422
    # no figure of a day to come (the corpus knows no lapse after its end): refused beside the date, page and API alike
    tomorrow = (china_today() + dt.timedelta(days=1)).isoformat()
    for url in (f"/cockpit?as_of={tomorrow}", f"/regions/510100/indicators?as_of={tomorrow}", f"/plans?as_of={tomorrow}",
                f"/api/v1/regions/510100?as_of={tomorrow}", f"/api/v1/cockpit?as_of={tomorrow}"):
        refused = client.get(url)
        assert refused.status_code == 422 and f"统计日不能晚于今天（{china_today()}）" in refused.text, url
    assert client.get(f"/cockpit?as_of={china_today()}").status_code == 200
    chart = client.get(f"/charts/trend.svg?region=510100&as_of={day}")
    assert chart.status_code == 200 and ">2021<" in chart.text and ">2022<" not in chart.text  # its last complete year


@pytest.mark.parametrize("lang,lines,wrong", [
    ("zh", ["年份", "件数", "专利申请量（按申请年）", "发明专利授权量（按授权年）"], "申请年"),
    ("en", ["Year", "Patents", "Applications (filing year)", "Invention grants (grant year)"], "Filing year")])
def test_the_trend_chart_reads_its_grants_by_grant_year(env, client, lang, lines, wrong):
    """The cockpit's applications-and-grants chart counts applications by filing year and invention grants by grant year
    (zhichan.platform.portal.region_overview): its axis said 申请年 / Filing year under both lines — a leader read 2025's
    9 grants as grants of 2025's filings — and its value axis named no unit. Each line now says its year."""
    login_as(client, env.engine, "cd_leader")
    svg = client.get(f"/charts/trend.svg?region=510100&lang={lang}").text
    titles = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    assert set(lines) <= set(titles) and wrong not in titles, titles


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_cockpits_charts_name_their_tooltips_fields_in_the_page_language(env, client, lang):
    """The trend's tooltip read ``year``, ``series``, ``value`` and the map's ``name`` (the data's column names) on a
    Chinese and an English cockpit alike: every field a chart's tooltip shows is named in the page's language."""
    login_as(client, env.engine, "cd_leader")
    html = client.get(f"/cockpit?region=510100&lang={lang}").text
    specs = dict(re.findall(r'<script type="application/json" data-chart-for="([^"]+)">(.*?)</script>', html, re.S))
    assert {"chart-map", "chart-trend", "chart-ranking", "chart-gauges"} <= set(specs), set(specs)
    for name, spec in specs.items():
        assert unnamed_tooltips(json.loads(spec), lang) == [], (name, lang)


def test_the_cockpit_shows_the_plans_headline_figure_first(env, client):
    """每万人口高价值发明专利拥有量, the 14th Five-Year Plan's headline indicator the plan targets track, is the cockpit's
    first tile (it came fifth, alone on a second row at 1280 px), for a city's leader and a district's officer alike."""
    for user, region in (("cd_leader", "510100"), ("wuhou_officer", "510107")):
        login_as(client, env.engine, user)
        tiles = client.get(f"/cockpit?region={region}&lang=zh").text.split('id="kpis">', 1)[1].split("</section>", 1)[0]
        first = tiles.split('<div class="kpi">')[1]
        assert "每万人口高价值发明专利拥有量" in first and 'id="kpi-high-value"' in first, (user, first[:300])


def test_every_indicator_unit_has_a_label_saying_what_it_counts():
    from zhichan.web.i18n import LANGUAGES, translate

    for ind in registry.indicators().values():  # the suite runs the catalogues strict: a missing key raises
        key = registry.unit_key(ind.code)
        for lang in LANGUAGES:
            assert translate(lang, key), (ind.code, lang)
    assert translate("en", registry.unit_key("valid_inventions")) == "patents"
    assert translate("en", registry.unit_key("valid_inventions_per_10k")) == "patents"  # its numerator's records
    assert translate("en", registry.unit_key("trademark_registrations")) == "trademarks"
    cases = [c for c, i in registry.indicators().items() if i.unit == "件" and i.source == "procedure_cases"]
    assert cases and {translate("en", registry.unit_key(c)) for c in cases} == {"cases"}
    assert {translate("zh", registry.unit_key(c)) for c in cases} == {"件"}


def test_every_indicator_group_reads_in_the_page_language():
    from zhichan.web.i18n import translate

    groups = {ind.category for ind in registry.indicators().values()}  # a missing key raises (strict catalogues)
    assert {translate("en", f"indicators.category.{g}") for g in groups} >= {"Creation", "Use", "Protection"}
    assert all(translate("zh", f"indicators.category.{g}") == g for g in groups)


def test_the_records_page_speaks_the_page_language(env, client):
    """A Chinese page shows the Chinese definition, an English page the English one (prose: it had shown "domestic
    patent records with application_date in the year to date"); the unit names what is counted."""
    login_as(client, env.engine, "cd_leader")
    ind = registry.get_indicator("patent_applications")
    zh = client.get("/regions/510100/indicators/patent_applications/records?as_of=2023-12-31&lang=zh").text
    assert ind.definition in zh and ind.definition_en not in zh
    en = client.get("/regions/510100/indicators/patent_applications/records?as_of=2023-12-31&lang=en").text
    assert ind.definition_en in en and ind.definition not in en and "application_date" not in en.split("<table")[0]
    # a ratio lists its numerator's records, named (it read "(valid_inventions)" on either page)
    for lang, named in (("zh", "比值指标：列出其分子“有效发明专利拥有量”的记录"),
                        ("en", "A ratio: the records of its numerator, Valid invention patents")):
        ratio = client.get(f"/regions/510100/indicators/valid_inventions_per_10k/records?as_of=2023-12-31&lang={lang}")
        assert named in ratio.text and "(valid_inventions)" not in ratio.text, lang
    assert re.search(r'id="indicator-value">[\d,]+</strong> patents', en)
    page = client.get("/regions/510100/indicators?lang=en").text
    row = re.search(r'<tr data-code="trademark_registrations">.*?</tr>', page, re.S)
    assert row and "</a> trademarks" in row.group(0)


def test_the_publication_lag_is_noted_on_the_records_of_counts_by_filing_date_only(env, client):
    """Applications filed in the last two years are not all published by the data end: their records page says so;
    a pledge amount's or a stock's records are not applications, and the note read beside them as if they were."""
    login_as(client, env.engine, "cd_leader")
    for code, noted in (("patent_applications", True), ("pct_applications", True), ("invention_applications", True),
                        ("ip_pledge_amount", False), ("valid_inventions", False), ("valid_inventions_per_10k", False)):
        html = client.get(f"/regions/510100/indicators/{code}/records?as_of={DATA_END}").text
        assert ('id="publication-lag"' in html) is noted, code


def test_an_amount_on_the_records_page_reads_grouped_to_the_fen(env, client):
    """A pledge's amount (金额（元）) reads 5,000,000.00 and sits right like every number; the JSON keeps its exact
    text."""
    login_as(client, env.engine, "cd_leader")
    url = "/regions/510107/indicators/ip_pledge_amount/records?as_of=2019-12-31"
    cell = re.search(r'<td class="col-amount_yuan num"[^>]*>([^<]*)</td>', client.get(url).text)
    assert cell and cell.group(1) == "5,000,000.00", cell
    assert client.get(f"/api/v1{url}").json()["records"][0]["amount_yuan"] == "5000000.00"


def test_an_imported_amount_reads_to_the_fen_on_the_records_page_and_in_its_exports(env, client, tmp_path):
    """Amounts imported from a pledge list (0.10, 12,345,678,901.23) read to the fen on the records page, in its JSON,
    CSV and XLSX as stored — the CSV wrote an amount as a float (0.1). Their sum, the figure, beyond a float's fen
    (90,071,992,547,409.93 yuan: as a float …409.94), is exact on the cockpit and the indicator pages, in the API's JSON
    (a decimal string, as every amount there) and the XLSX (its exact text: a spreadsheet's number keeps 15 digits)."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from tests.corpus.helpers import write_csv
    from zhichan.corpus.importing import import_file, load_mapper

    login_as(client, env.engine, "cd_leader")
    (tmp_path / "map.yaml").write_text("table: events\nsource: pledge_list\ncolumns:\n  application_number: 申请号\n"
                                       "  event_type: 事件\n  event_date: 日期\n  amount_yuan: 金额\n", "utf-8")
    number = env.numbers["wuhou"]
    rows = [[number, "pledge", "2019-03-01", "0.10"], [number, "pledge", "2019-04-01", "12,345,678,901.23"],
            [number, "pledge", "2019-05-01", "90,059,641,868,508.60"]]
    result = import_file(write_csv(tmp_path / "pledges.csv", ["申请号", "事件", "日期", "金额"], rows),
                         mapper=load_mapper(tmp_path / "map.yaml"), as_of=dt.date(2024, 3, 7))
    assert result.added == 3, result.rejects
    url = "/regions/510107/indicators/ip_pledge_amount/records?as_of=2019-12-31"
    cells = re.findall(r'<td class="col-amount_yuan num"[^>]*>([^<]*)</td>', client.get(url).text)
    assert sorted(cells) == ["0.10", "12,345,678,901.23", "5,000,000.00", "90,059,641,868,508.60"], cells
    data = client.get(f"/api/v1{url}").json()
    assert sorted(r["amount_yuan"] for r in data["records"]) == [
        "0.10", "12345678901.23", "5000000.00", "90059641868508.60"]
    total = "90071992547409.93"  # the four records' exact sum
    assert data["indicator"]["value"] == total == str(sum(Decimal(r["amount_yuan"]) for r in data["records"]))
    exported = list(csv.DictReader(io.StringIO(client.get(url.replace("/records?", "/records.csv?")).content
                                               .decode("utf-8-sig"))))
    assert sorted(r["金额（元）"] for r in exported) == ["0.10", "12345678901.23", "5000000.00", "90059641868508.60"]
    assert sum(Decimal(r["金额（元）"]) for r in exported) == Decimal(total)
    xlsx = client.get(url.replace("/records?", "/records.xlsx?")).content
    book = load_workbook(io.BytesIO(xlsx), read_only=True)
    sheet = list(book["记录"].iter_rows(values_only=True))
    column = sheet[0].index("金额（元）")
    # number cells shown to the fen; an amount of more digits than a spreadsheet's number keeps (15) as its exact text
    assert sorted((row[column] for row in sheet[1:]), key=str) == [0.1, 12_345_678_901.23, 5_000_000, "90059641868508.60"]
    about = {row[0]: row[1] for row in book["定义"].iter_rows(values_only=True)}
    assert (about["值"], about["单位"], about["记录数"]) == (total, "元", 4)
    [cells] = load_workbook(io.BytesIO(xlsx))["记录"].iter_cols(min_col=column + 1, max_col=column + 1, min_row=2)
    assert {c.number_format for c in cells if not isinstance(c.value, str)} == {"#,##0.00"}
    # the figure on the pages and in the API, at the records' date
    shown = "90,071,992,547,409.93"
    for page in ("/cockpit?region=510107&as_of=2019-12-31", "/regions/510107/indicators?as_of=2019-12-31",
                 "/cockpit?region=510107&as_of=2019-12-31&lang=en"):
        assert shown in client.get(page).text, page
    cockpit = client.get("/api/v1/cockpit?region=510107&as_of=2019-12-31").json()
    [figure] = [v for v in cockpit["indicators"]["values"] if v["code"] == "ip_pledge_amount"]
    assert (figure["value"], figure["yoy_change"]) == (total, "90071992547409.93")  # 0.00 the year before
    listed = client.get("/api/v1/regions/510107/indicators?as_of=2019-12-31").json()
    [figure] = [v for v in listed["indicators"] if v["code"] == "ip_pledge_amount"]
    assert figure["value"] == total and isinstance(figure["share_of_parent"], float)
    counted = [v for v in listed["indicators"] if v["code"] == "ip_pledge_count"]
    assert counted[0]["value"] == 4  # a count stays a number


def test_the_records_columns_have_distinct_headings(env, client):
    """A patent's recorded county (``region_code``) and the region it is counted in (``geo``) were both headed
    "Region code" on English pages: two columns that read as one twice."""
    login_as(client, env.engine, "cd_leader")
    for lang in ("zh", "en"):
        html = client.get(f"/regions/510100/indicators/valid_inventions/records?as_of=2023-12-31&lang={lang}").text
        heads = re.findall(r'<th title="[^"]*">([^<]*)</th>', html.split('id="records-table"', 1)[1].split("</thead>", 1)[0])
        assert len(heads) > 10 and len(set(heads)) == len(heads), (lang, heads)
        # a patent's kind, status and patentee's type read as their labels, not as codes (invention on a Chinese page)
        cells = {c: re.findall(rf'<td class="col-{c}"[^>]*>([^<]*)</td>', html) for c in ("kind", "legal_status", "first_patentee_type")}
        wanted = {"zh": ("发明", "有权-授权", "企业"), "en": ("Invention", "In force – granted", "Enterprise")}[lang]
        assert all(w in cells[c] for w, c in zip(wanted, cells, strict=True)), (lang, cells)
        assert not {"invention", "granted", "enterprise"} & {v for vs in cells.values() for v in vs}, (lang, cells)
        # the regions by their names beside their codes (a column of bare 510104 read as nothing to a bureau)
        regions = re.findall(r'<td class="col-region_code"[^>]*>([^<]*)</td>', html)
        wuhou = {"zh": "武侯区 510107", "en": "Wuhou District 510107"}[lang]
        assert regions and all(re.search(r"\D \d{6}$", r) for r in regions) and wuhou in regions, (lang, regions)
    # the API keeps the codes
    api = client.get("/api/v1/regions/510100/indicators/valid_inventions/records?as_of=2023-12-31").json()
    assert {r["kind"] for r in api["records"]} == {"invention"}
    assert "510107" in {r["region_code"] for r in api["records"]}


@pytest.mark.browser
def test_the_records_page_in_both_languages_in_the_browser(page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "cd_leader")
    for lang, unit in (("zh", "件"), ("en", "patents")):
        page.goto(f"/regions/510100/indicators/patent_applications/records?as_of=2023-12-31&lang={lang}")
        value = page.locator("#indicator-value").locator("xpath=..").inner_text()
        assert unit in value
        # the definition in the page's language, prose without a column's name (application_date)
        definition = page.inner_text("#indicator-definition")
        assert ("1月1日至统计日" if lang == "zh" else "from 1 January to the statistics date") in definition, definition
        assert "application_date" not in definition and "_" not in definition, definition
        page.screenshot(path=str(artifacts_dir / f"indicator-records-{lang}.png"), full_page=False)


def test_the_enterprise_trend_shows_every_year_and_whole_counts(settings):
    """Filings in 2015 and 2018 only: the trend has 2016 and 2017 at 0 (the chart spaces years truly) and the
    chart's count axis has whole-number ticks."""
    from zhichan.platform.portal import enterprise_portfolio
    from zhichan.reports import charts

    name = "间断申请科技有限公司"
    build_snapshot(settings.data_dir, patents=[
        patent(title=f"间断{i}", application_date=day, region_code="510107", applicants=[name])
        for i, day in enumerate(("2015-03-01", "2018-03-01", "2018-09-01"))])
    access = CorpusAccess(settings.corpus_dir)
    try:
        nation = Scope(role=Role.ANALYST, user_id=1, username="t", org_path="/", region_code="100000")
        data = enterprise_portfolio(access, nation, name)
    finally:
        access.close()
    assert data["trend"] == [{"year": 2015, "applications": 1}, {"year": 2016, "applications": 0},
                             {"year": 2017, "applications": 0}, {"year": 2018, "applications": 2}]
    spec = charts.line("t", data["trend"], x="year", y="applications", title="", x_title="申请年",
                       y_title="申请量（件）").spec()
    assert spec["encoding"]["y"]["axis"] == {"format": ",d", "tickMinStep": 1, "tickCount": 2}
    rates = charts.line("t", [{"year": 2015, "share": 0.5}], x="year", y="share", title="", x_title="年份",
                        y_title="占比").spec()
    assert "format" not in rates["encoding"]["y"].get("axis", {})


@pytest.mark.browser
def test_the_indicator_list_reads_on_a_phone(page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the list of every indicator squeezed its six columns into the screen: an indicator's name stood a
    character or two a line and its code (``patent_applications``) a letter a line. Each indicator a block now."""
    sign_in(page, "cd_leader", then="/regions/510100/indicators?lang=zh")
    page.set_viewport_size({"width": 390, "height": 844})
    for lang in ("zh", "en"):
        page.goto(f"/regions/510100/indicators?lang={lang}")
        page.screenshot(path=str(artifacts_dir / f"indicators-phone-{lang}.png"))
        # the code is under the name's definition at this width (tests/web/test_web_indicators_phone.py)
        name_width = page.evaluate("document.querySelector('#all-indicators tbody td:nth-child(2)').getBoundingClientRect().width")
        assert name_width >= 120, (lang, name_width)
        assert page.evaluate("document.documentElement.scrollWidth") <= 391


def test_every_figure_reads_by_what_it_measures(env, client):
    """A count whole, an amount (元, 天) and a ratio with two decimals, whatever type the number came in: an amount
    no record adds to (a sum of nothing, 0) read "0 元" beside "10,000.00 元" on the same list."""
    login_as(client, env.engine, "cd_leader")
    html = client.get("/regions/510100/indicators").text
    rows = [(code, figure.group(1)) for code, row in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', html, re.S)
            for figure in [re.search(r'<a class="records-link" href="[^"]*">([^<]*)</a>', row)] if figure]
    assert len(rows) > 20
    kinds = {code: registry.get_indicator(code).kind for code, _ in rows}
    assert {"count", "amount", "per_10k", "share"} <= set(kinds.values())
    wrong = [(code, text) for code, text in rows
             if not re.fullmatch(r"[0-9,]+" if kinds[code] == "count" else r"[0-9,]+\.[0-9]{2}", text)]
    assert not wrong, wrong
    assert any(text == "0.00" and kinds[code] == "amount" for code, text in rows)  # the case the list got wrong
    assert registry.figure_text("ip_pledge_amount", 0) == "0.00" and registry.figure_text("valid_inventions", 29.0) == "29"


def test_a_rank_shared_with_other_regions_says_so(env, client):
    """A district with no PCT filing, as none of its neighbours has, read "rank 1/12" on the leader's panel — first
    of twelve with nothing; a shared rank now says how many share it (competition ranking, 1, 2, 2, 4). A rank every
    district shares reads "—" and why (the next test)."""
    login_as(client, env.engine, "cd_leader")
    rows = client.get("/api/v1/regions/510105/indicators").json()["indicators"]
    ranked = [r for r in rows if r["rank"] is not None]
    assert ranked and all(1 <= r["rank_tied"] <= r["rank_of"] for r in ranked)
    assert all(r["rank_all_tied"] == (r["rank_tied"] == r["rank_of"] > 1) for r in ranked)
    tied = [r for r in ranked if 1 < r["rank_tied"] < r["rank_of"]]
    assert tied, ranked[:3]
    alone = [r for r in ranked if r["rank_tied"] == 1]
    for lang, word in (("zh", "个并列"), ("en", "tied")):
        html = client.get(f"/regions/510105/indicators?lang={lang}").text
        cells = dict(re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', html, re.S))
        for r in tied:
            assert f'{r["rank"]}/{r["rank_of"]} <span class="muted small rank-tied">' in cells[r["code"]], r["code"]
            assert f'{r["rank_tied"]} {word}' in cells[r["code"]] or f'（{r["rank_tied"]} {word}）' in cells[r["code"]], r["code"]
        assert all("rank-tied" not in cells[r["code"]] for r in alone)


def test_a_rank_every_region_shares_reads_as_none_with_the_reason(env, client):
    """Twelve districts without a PCT application each read "1/12（12 个并列）" — true, and saying nothing: where every
    ranked sibling has the same value the rank is "—" with why (all 0, or all equal), on the cockpit and the indicators
    page; a rank only some share keeps its place and count."""
    login_as(client, env.engine, "cd_leader")
    rows = client.get("/api/v1/regions/510107/indicators").json()["indicators"]
    every = [r for r in rows if r["rank_all_tied"]]
    zero = [r for r in every if r["value"] == 0]
    assert zero, [(r["code"], r["rank"], r["rank_of"], r["rank_tied"]) for r in rows]
    cockpit_codes = {r["code"] for r in client.get("/api/v1/cockpit?region=510107").json()["indicators"]["values"]}
    for lang, reason in (("zh", "{n} 个地区均为 0"), ("en", "All {n} regions 0")):
        for path in ("/regions/510107/indicators?", "/cockpit?region=510107&"):
            html = client.get(f"{path}lang={lang}").text
            cells = dict(re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', html, re.S))
            shown = [r for r in zero if r["code"] in cells]
            assert shown, path
            if path.startswith("/cockpit"):
                assert {r["code"] for r in shown} == {r["code"] for r in zero} & cockpit_codes
            for r in shown:
                rank_cell = re.findall(r"<td[^>]*>(.*?)</td>", cells[r["code"]], re.S)
                # (how many of all have a value, where some have none, follows: test_a_ratio_rank_says_how_many…)
                text = re.sub(r"<[^>]+>", "", re.sub(r'<span class="muted small rank-valued">.*?</span>', "",
                                                     [c for c in rank_cell if "rank" in c][-1]))
                assert text.split() == ["—", *reason.format(n=r["rank_of"]).split()], (path, lang, text)
                assert f'{r["rank"]}/{r["rank_of"]}' not in text
    assert service._ranks([3, 5, 5, None, 0]) == ({5: (1, 2), 3: (3, 1), 0: (4, 1)}, 4)


def _row(html: str, code: str) -> str:
    """The table row of an indicator (its records link names it; a top holder's row links one holder's records)."""
    [row] = [r for r in html.split("<tr")[1:] if f"/indicators/{code}/records" in r and "holder=" not in r]
    return row.split("</tr>", 1)[0]


def test_a_ratio_rank_says_how_many_siblings_have_a_value(env, client):
    """A share of districts whose denominator is 0 has no value and no rank: 武侯区's "1/3" read as a rank among three
    districts where Chengdu has 21 (or 22) — the page says how many of them have a value, zh and en, the API too."""
    login_as(client, env.engine, "cd_leader")
    api = {v["code"]: v for v in client.get("/api/v1/regions/510107/indicators?as_of=2023-12-31").json()["indicators"]}
    share, count = api["high_value_share"], api["valid_inventions"]
    among, of = share["rank_among"], share["rank_of"]
    assert of and among > of and share["rank_unvalued"] == among - of, share
    assert (count["rank_among"], count["rank_of"], count["rank_unvalued"]) == (among, among, 0)  # a count: every one
    for lang, note in (("zh", f"（{among} 个地区中 {of} 个有数值）"), ("en", f"({of} of {among} regions have a value)")):
        for url in (f"/regions/510107/indicators?as_of=2023-12-31&lang={lang}",
                    f"/cockpit?region=510107&as_of=2023-12-31&lang={lang}"):
            html = client.get(url).text
            assert note in _row(html, "high_value_share"), (url, _row(html, "high_value_share"))
            assert 'class="muted small rank-valued"' not in _row(html, "valid_inventions"), url


def test_a_records_page_without_records_offers_no_file_of_them(env, client):
    """No records, no export: the page offered CSV and XLSX files of nothing beside 「共 0 条记录」."""
    login_as(client, env.engine, "cd_leader")
    for lang in ("zh", "en"):
        html = client.get(f"/regions/510107/indicators/gi_products/records?as_of=2023-12-31&lang={lang}").text
        assert 'id="records-none"' in html and 'id="export-csv"' not in html and 'id="export-xlsx"' not in html
        assert 'id="records-total"' not in html
        some = client.get(f"/regions/510107/indicators/valid_inventions/records?as_of=2023-12-31&lang={lang}").text
        assert 'id="export-csv"' in some and 'id="export-xlsx"' in some and 'id="records-none"' not in some


def test_the_records_figures_stand_right_under_a_heading_the_server_marks(env, client):
    """Days, counts and amounts of a drill-down are figures (``td.num``) by their type, whatever their name (a
    fund's ``principal``, a case's ``cycle_days`` were left-aligned text: only ``…_yuan`` was a figure); an identifier
    typed as a number (``case_id``, ``nice_class``) is none; the server right-aligns their headings (tables.py)."""
    import pyarrow as pa

    schema = pa.schema([("case_id", pa.int64()), ("cycle_days", pa.int32()), ("overdue_clocks", pa.int32()),
                        ("nice_class", pa.int16()), ("principal", pa.decimal128(18, 2)), ("seq", pa.int64()),
                        ("state", pa.string()), ("ratio", pa.float64())])
    assert views.figure_columns(schema) == (["cycle_days", "overdue_clocks", "principal", "ratio"], ["principal"])
    login_as(client, env.engine, "cd_leader")
    html = client.get("/regions/510107/indicators/ip_pledge_amount/records?as_of=2019-12-31").text
    table = html.split('id="records-table"', 1)[1].split("</table>", 1)[0]
    heads = dict(re.findall(r'<th title="([^"]*)"([^>]*)>', table))
    assert 'class="num"' in heads["amount_yuan"] and "num" not in heads["event_date"], heads
    assert re.search(r'<td class="col-amount_yuan num"[^>]*>5,000,000.00</td>', table)



def test_a_date_before_the_data_begin_says_so_and_offers_the_first_date(env, client):
    """A cockpit of a day before the corpus's first filing showed zeros as if measured: every page of figures (cockpit,
    region, indicators, records, levers) says the data begin on D and links that date, zh and en; the API's ``coverage``
    says the same (one rule, ``service.as_of_coverage``)."""
    login_as(client, env.engine, "cd_leader")
    begins = client.get("/api/v1/cockpit?region=510100").json()["overview"]["coverage"]["data_begins"]
    assert begins
    before = (dt.date.fromisoformat(begins) - dt.timedelta(days=1)).isoformat()
    for day, expected in ((before, True), (begins, False)):
        coverages = [client.get(f"/api/v1/cockpit?region=510100&as_of={day}").json()["overview"]["coverage"],
                     client.get(f"/api/v1/regions/510100?as_of={day}").json()["coverage"],
                     client.get(f"/api/v1/regions/510100/indicators?as_of={day}").json()["coverage"],
                     client.get(f"/api/v1/regions/510100/indicators/valid_inventions/records?as_of={day}").json()["coverage"],
                     client.get(f"/api/v1/regions/510100/levers?as_of={day}").json()["coverage"]]
        assert [(c["before_data_begin"], c["data_begins"]) for c in coverages] == [(expected, begins)] * 5, day
    pages = (f"/cockpit?region=510100&as_of={before}", f"/regions/510100?as_of={before}",
             f"/regions/510100/indicators?as_of={before}",
             f"/regions/510100/indicators/valid_inventions/records?as_of={before}", f"/regions/510100/levers?as_of={before}")
    for lang, words in (("zh", f"数据始于 {begins}"), ("en", f"The data begin on {begins}")):
        for url in pages:
            html = client.get(f"{url}&lang={lang}").text
            notice = re.search(r'<p class="notice" id="before-data">(.*?)</p>', html, re.S)
            assert notice and words in re.sub(r"<[^>]+>", "", notice.group(1)), (url, lang)
            link = re.search(r'id="before-data-link" href="([^"]+)"', notice.group(1))
            assert link and f"as_of={begins}" in link.group(1).replace("&amp;", "&"), (url, link)
            assert 'id="before-data"' not in client.get(url.replace(before, begins) + f"&lang={lang}").text, url


@pytest.mark.parametrize("file", [False, True])
def test_trademark_gi_and_copyright_records_read_as_labels_not_codes(file):
    """A trademark's kind and status, a geographical indication's type and status and a copyright's work type read as
    their labels on the records page and in the web's files, in each language (they showed ``protected``,
    ``product``, ``certification``, ``software``): the one labeller both use (``views.record_labeller``)."""
    cases = [("valid_trademarks", "mark_kind", "certification", "证明商标", "Certification mark"),
             ("valid_trademarks", "status", "cancelled", "已注销或撤销", "Cancelled or revoked"),
             ("geographical_indications", "gi_type", "product", "地理标志产品", "GI product"),
             ("geographical_indications", "status", "protected", "受保护", "Protected"),
             ("copyright_registrations", "work_type", "software", "计算机软件", "Computer software")]
    for indicator, column, code, zh, en in cases:
        for lang, shown in (("zh", zh), ("en", en)):
            cell = views.record_labeller(indicator, lang, None, file=file)
            assert cell(column, code, {}) == shown, (indicator, column, lang)


@pytest.mark.one_database("renders the cockpit; its figures' SQL runs on both databases in the indicator tests")
def test_every_cockpit_tile_gives_its_unit_and_its_records(env, client):
    """The cockpit's tiles read "29", "38.71", "7" where the indicator panel below reads "29 件" and "38.71 件": each
    tile's figure is shown through the one figure macro, its unit beside it and its records behind it."""
    login_as(client, env.engine, "cd_leader")
    for lang, unit in (("zh", " 件"), ("en", " patent")):
        tiles = client.get(f"/cockpit?region=510100&lang={lang}").text.split('id="kpis"', 1)[1].split("</section>", 1)[0]
        values = re.findall(r'<div class="value">(.*?)</div>', tiles, re.S)
        assert len(values) == 5, tiles
        for value in values:
            assert re.search(r'href="/regions/510100/indicators/\w+/records\?as_of=[\d-]+">[\d,.]+</a>' + unit, value), value


def test_every_sub_region_figure_gives_its_unit_and_its_records(env, client):
    """A region page's sub-regions table read bare figures ("6", "342.13") and the cockpit's linked only the count: each
    figure of both is shown through the one figure macro, its unit beside it and its records behind it, which the viewer
    may open."""
    login_as(client, env.engine, "cd_leader")
    for url in ("/regions/510100", "/cockpit?region=510100"):
        for lang, unit in (("zh", " 件"), ("en", " patent")):
            table = client.get(f"{url}&lang={lang}" if "?" in url else f"{url}?lang={lang}").text
            table = table.split('id="children-table"', 1)[1].split("</table>", 1)[0]
            rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
            assert rows, url
            for row in rows:
                code = re.search(r'class="drill" href="/[a-z]+(?:\?region=|/)(\d{6})', row).group(1)  # type: ignore[union-attr]
                links = re.findall(r'href="(/regions/(\d{6})/indicators/(\w+)/records\?as_of=[\d-]+)">[\d,.]+</a>' + unit, row)
                assert [(c, i) for _, c, i in links] == [(code, "valid_inventions"), (code, "valid_inventions_per_10k")], row
    for href, _, _ in links:  # the last sub-region's records open for the viewer
        assert client.get(href).status_code == 200, href
