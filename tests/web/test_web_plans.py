"""Plan-target gauges: the shipped national plan, uploads (YAML/XLSX), scope per target, will-miss warning."""

from __future__ import annotations

import io
import re

import pytest

from tests.helpers import whole_dates
from zhichan.web.testing import csrf_from, login_as

WUHOU_PLAN = """
name: 武侯区知识产权“十四五”目标（测试）
source: 测试
targets:
  - indicator: valid_inventions
    region: "510107"
    base_year: 2020
    base_value: 5
    target_year: 2027
    target_value: 400
  - indicator: 有效发明专利拥有量
    region: "510107"
    base_year: 2020
    base_value: 5
    target_year: 2030
    target_value: 8
"""


def _upload(client, name: str, content: bytes, ctype: str = "application/x-yaml"):
    token = csrf_from(client.get("/plans").text)
    return client.post("/plans", data={"csrf_token": token}, files={"file": (name, io.BytesIO(content), ctype)},
                       follow_redirects=False)


def test_shipped_national_plan_gauges_on_the_nation_cockpit(client, env):
    login_as(client, env.engine, "root")
    data = client.get("/api/v1/plans", params={"as_of": "2023-12-31"}).json()
    [target] = [t for t in data["targets"] if t["indicator"] == "high_value_inventions_per_10k"]
    assert target["region"] == "100000" and target["target_value"] == 12 and target["base_value"] == 6.3
    assert target["progress_pct"] == pytest.approx(100 * target["current_value"] / 12)
    # hand-made corpus: a handful of patents for 1.4 billion people → far below target, forecast misses
    assert target["will_meet"] is False and target["status"] == "miss"
    assert target["current_value"] < 0.01 and target["forecast_method"]
    page = client.get("/cockpit", params={"region": "100000", "as_of": "2023-12-31"})
    assert page.status_code == 200
    assert 'id="chart-gauges"' in page.text and 'id="plan-will-miss"' in page.text
    assert 'data-status="miss"' in page.text and "预计无法完成" in page.text
    en = client.get("/cockpit", params={"region": "100000", "as_of": "2023-12-31", "lang": "en"})
    assert "On the current trend these targets will be missed" in en.text and "Will miss" in en.text
    # the plan named in the page's language (its English name was Chinese on English pages)
    assert "National 14th Five-Year Plan — high-value invention patents per 10,000 people" in en.text
    assert "国家“十四五”规划 — 每万人口高价值发明专利拥有量" in page.text
    assert "National 14th Five-Year Plan" in client.get("/plans", params={"lang": "en"}).text
    assert target["plan_name_en"].startswith("National 14th")
    spec = client.get("/api/v1/cockpit", params={"region": "100000", "as_of": "2023-12-31"}).json()["gauges"]["chart"]
    assert len(spec["layer"]) == 5  # one chart definition: background, progress bar, base, target, forecast


def test_county_user_sees_the_targets_of_its_own_area_only(client, env, tmp_path):
    login_as(client, env.engine, "wuhou")
    # the national target is not its area (it is its reference: tests/web/test_web_plan_references.py)
    assert client.get("/api/v1/plans").json()["targets"] == []
    env.settings.plans_dir = tmp_path / "none"  # a platform without the shipped example: no plan above it either
    for lang, text in (("en", "No plan is loaded for your area yet"), ("zh", "本机构范围内还没有载入规划")):
        page = client.get("/plans", params={"lang": lang}).text  # an empty list says why and who loads one
        assert page.split('id="plan-files-none" data-empty="none">')[1].startswith(text), lang
    env.settings.plans_dir = None
    r = _upload(client, "武侯 plan.yaml", WUHOU_PLAN.encode())
    assert r.status_code == 303, r.text[:300]
    data = client.get("/api/v1/plans", params={"as_of": "2023-12-31"}).json()
    by_code = {t["indicator"]: t for t in data["targets"]}
    assert set(by_code) == {"valid_inventions"}  # the second row names the same indicator in Chinese
    assert len(data["targets"]) == 2
    first = data["targets"][0]
    # 11 valid inventions at 2023-12-31 (the 2022 filing is granted later)
    assert first["current_value"] == 11 and first["progress_pct"] == pytest.approx(2.75)
    assert first["gap_closed_pct"] == pytest.approx(100 * (11 - 5) / (400 - 5))
    assert data["targets"][1]["will_meet"] is True  # already above 8 and growing
    cockpit = client.get("/cockpit", params={"as_of": "2023-12-31"})
    assert 'id="plan-table"' in cockpit.text and cockpit.text.count('data-region="510107" data-status') == 3
    assert cockpit.text.count('data-reference="100000"') == 1  # its two targets and the national per-10k reference
    # a target outside the uploader's area is refused as a whole
    assert _upload(client, "x.yaml", WUHOU_PLAN.replace('"510107"', '"510104"').encode()).status_code == 403
    # the neighbouring county sees none of it; the city sees its counties' targets
    login_as(client, env.engine, "jinjiang")
    assert client.get("/api/v1/plans").json()["targets"] == []
    assert "510107" not in client.get("/plans").text
    assert client.get("/api/v1/plans", params={"region": "510107"}).status_code == 403
    login_as(client, env.engine, "cd_leader")
    assert len(client.get("/api/v1/plans", params={"region": "510107"}).json()["targets"]) == 2
    assert _upload(client, "y.yaml", WUHOU_PLAN.encode()).status_code == 403  # leaders do not upload


def test_xlsx_upload_with_chinese_headers_and_bad_files(client, env):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["指标", "地区", "基期年", "基期值", "目标年", "目标值", "备注"])
    sheet.append(["每万人口发明专利拥有量", "510107", 2020, None, 2026, 50, "测试"])
    # an amount's target read exactly (as text: a spreadsheet's number keeps 15 digits) and shown with every fen
    sheet.append(["知识产权质押融资金额", "510107", 2018, None, 2026, "90,071,992,547,409.93", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    login_as(client, env.engine, "wuhou_admin")
    r = _upload(client, "武侯.xlsx", buffer.getvalue(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert r.status_code == 303
    target, money = client.get("/api/v1/plans").json()["targets"]
    assert target["indicator"] == "valid_inventions_per_10k" and target["base_value_source"] in ("computed", "missing")
    # the API gives an amount as a decimal string, its figure too (no pledge in 2024 to the data end: 0.00)
    assert (money["indicator"], money["target_value"], money["current_value"]) == (
        "ip_pledge_amount", "90071992547409.93", "0.00")
    assert "90,071,992,547,409.93" in client.get("/plans").text
    sheet.append(["知识产权质押融资金额", "510107", 2018, None, 2026, "一亿", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    refused = _upload(client, "money.xlsx", buffer.getvalue(),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert refused.status_code == 400 and "第4行 row 4：target_value 应为金额（元）" in refused.text
    bad = _upload(client, "bad.yaml", b"targets:\n  - indicator: no_such_indicator\n    target_year: 2025\n")
    assert bad.status_code == 400 and "targets[0]" in bad.text
    assert _upload(client, "plan.txt", b"x").status_code == 400
    # delete: the plan disappears
    plan_id = client.get("/api/v1/plans").json()["plans"][0]["id"]
    token = csrf_from(client.get("/plans").text)
    assert client.post("/plans/delete", data={"csrf_token": token, "plan_id": plan_id},
                       follow_redirects=False).status_code == 303
    assert client.get("/api/v1/plans").json()["targets"] == []


def test_a_plans_source_reads_in_english_where_the_plan_gives_its_english_title(client, env):
    """The English /plans page showed the shipped national plan's source in Chinese (《中华人民共和国国民经济和社会发展第十四个
    五年规划和2035年远景目标纲要》): a plan file may give its source's English title (``source_en``; the shipped one does,
    with where it comes from), shown on English pages; a bureau's own plan without one shows its source as written."""
    login_as(client, env.engine, "root")
    plan = "name: 测试规划\nsource: 某市知识产权局文件\ntargets:\n  - {indicator: valid_inventions, region: \"510107\", target_year: 2030, target_value: 9}\n"
    assert _upload(client, "own.yaml", plan.encode()).status_code == 303
    shipped_zh = "《中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要》（2021）"
    shipped_en = ("Outline of the 14th Five-Year Plan (2021–2025) for National Economic and Social Development and the "
                  "Long-Range Objectives Through the Year 2035 (2021)")
    for lang, shipped in (("zh", shipped_zh), ("en", shipped_en)):
        table = client.get("/plans", params={"lang": lang}).text.split('id="plan-files"', 1)[1].split("</table>", 1)[0]
        sources = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r'<td class="small"[^>]*>(.*?)</td>', table, re.S)]
        assert sorted(sources) == sorted([shipped, "某市知识产权局文件"]), (lang, sources)
    listed = {p["name"]: p for p in client.get("/api/v1/plans").json()["plans"]}
    assert listed["测试规划"]["source_en"] == "" and listed["国家“十四五”规划 — 每万人口高价值发明专利拥有量"]["source_en"] == shipped_en


PAST_PLAN = """
name: 武侯区有效发明目标（测试）
source: 测试
targets:
  - indicator: valid_inventions
    region: "510107"
    base_year: 2019
    base_value: 1
    target_year: 2022
    target_value: 400
  - indicator: valid_inventions
    region: "510107"
    base_year: 2019
    base_value: 1
    target_year: 2023
    target_value: 2
"""


def _plan_rows(html: str, region: str) -> list[list[str]]:
    """The plan table's rows of ``region``: each row's cells as their visible text."""
    table = html.split('id="plan-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(rf'<tr data-indicator="[^"]*" data-region="{region}"(.*?)</tr>', table, re.S)
    return [[" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows]


def test_a_passed_target_year_says_what_was_reached_as_its_outlook(client, env):
    """Once the target year is over its row's outlook says whether the target was met on its last day (the forecast
    column gives that day's value), or that the data do not reach that day yet. It was said inside the required-growth
    column ("目标年已过：2022-12-31 为 …，未达到目标 400.00"), a sentence where a rate stands, while the outlook still
    forecast ("预计无法完成"); no growth is required of a year that is over."""
    login_as(client, env.engine, "wuhou")
    assert _upload(client, "past.yaml", PAST_PLAN.encode()).status_code == 303
    api = client.get("/api/v1/plans", params={"as_of": "2024-01-31"}).json()
    reached = {t["target_year"]: t for t in api["targets"] if t["region"] == "510107"}
    assert reached[2022]["at_target_year"] is not None and reached[2023]["at_target_year"] is not None
    assert (reached[2022]["status"], reached[2023]["status"]) == ("missed", "met")
    for lang, missed, met in (("zh", "未完成（目标年已过）", "已完成（目标年已过）"),
                              ("en", "Missed (target year over)", "Met (target year over)")):
        html = whole_dates(client.get("/plans", params={"as_of": "2024-01-31", "lang": lang}).text)
        rows = {row[0]: row for row in _plan_rows(html, "510107")}
        by_year = {year: next(r for label, r in rows.items() if label.split(" · ")[2].startswith(str(year)))
                   for year in (2022, 2023)}
        for year, outlook in ((2022, missed), (2023, met)):
            row = by_year[year]
            assert row[6] == "—" and row[8] == outlook, (lang, row)
            assert row[7].startswith(f"{reached[year]['at_target_year']:,.2f}"), (lang, row)  # the day's value
        assert "目标年已过：" not in html and "Target year over:" not in html
    # the national target (2025) at a day the data do not reach: the outcome awaits the data
    login_as(client, env.engine, "root")
    later = whole_dates(client.get("/cockpit", params={"region": "100000", "as_of": "2026-06-30", "lang": "zh"}).text)
    [row] = _plan_rows(later, "100000")
    assert row[6] == "—" and row[8] == "目标年已过，待数据更新 数据尚未覆盖 2025-12-31", row
