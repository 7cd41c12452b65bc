"""Reference targets (参照目标) and the gauges on a phone (session 14's review).

The demo's leader (Chengdu) saw no plan target at all: only the national plan ships, and Chengdu's own plan states
its aims in words. A ratio no plan sets for a region is now measured against the nearest plan above it, labelled
as that region's target; and the gauge chart's long row labels no longer push its bars off a 390 px screen."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.helpers import sign_in
from tests.web.test_web_languages import _visible_text
from zhichan.web.testing import csrf_from, login_as

AS_OF = "2023-12-31"
CHENGDU_PLAN = """
name: 成都市知识产权目标（测试）
name_en: Chengdu IP targets (test)
source: 测试
targets:
  - indicator: valid_inventions
    region: "510100"
    target_year: 2025
    target_value: 100
  - indicator: high_value_inventions_per_10k
    region: "510100"
    base_year: 2020
    target_year: 2025
    target_value: 0.05
"""


def _plans(client, **params):
    response = client.get("/api/v1/plans", params={"as_of": AS_OF, **params})
    assert response.status_code == 200, response.text[:300]
    return response.json()


def test_a_city_without_a_target_of_its_own_is_measured_against_the_national_one(client, env):
    login_as(client, env.engine, "cd_leader")
    data = _plans(client)
    assert data["targets"] == []  # the national target is not Chengdu's: never listed as its own
    [ref] = data["references"]
    assert (ref["indicator"], ref["region"], ref["reference_region"]) == ("high_value_inventions_per_10k", "510100", "100000")
    assert ref["reference"] is True and ref["target_value"] == 12 and ref["target_year"] == 2025
    # Chengdu's own figures (its panel's value), never the nation's: the base is Chengdu's 2020 value, not the plan's 6.3
    panel = client.get("/api/v1/cockpit", params={"region": "510100", "as_of": AS_OF}).json()["indicators"]["values"]
    [own] = [v for v in panel if v["code"] == "high_value_inventions_per_10k"]
    assert ref["current_value"] == pytest.approx(own["value"])
    assert ref["progress_pct"] == pytest.approx(100 * own["value"] / 12)
    assert ref["base_value_source"] == "computed" and ref["base_value"] != 6.3
    assert ref["gap_closed_pct"] is None  # the increase was planned for the nation
    assert ref["plan_name"].startswith("国家“十四五”规划") and ref["plan_name_en"].startswith("National 14th")
    for lang, label, note, listed in (
        ("zh", "成都市 · 每万人口高价值发明专利拥有量 · 2025 · 参照全国目标", "参照：国家“十四五”规划", "另作 1 项参照目标"),
        ("en", "Chengdu · High-value invention patents per 10,000 people · 2025 · Reference: China's target",
         "Reference: National 14th Five-Year Plan", "and 1 reference target"),
    ):
        page = client.get("/cockpit", params={"as_of": AS_OF, "lang": lang}).text
        gauges = page.split('id="plan-gauges"', 1)[1].split("</section>", 1)[0]
        assert 'data-reference="100000"' in gauges and 'id="plan-none"' not in gauges, lang
        text = _visible_text(gauges)
        assert label in text and note in text, (lang, text[:500])
        assert 'id="plan-will-miss"' not in gauges  # a reference is not one of the region's own targets
        plans_page = client.get("/plans", params={"as_of": AS_OF, "lang": lang}).text
        plans = _visible_text(plans_page)
        assert listed in plans and "target(s)" not in plans, (lang, plans[:800])
        # the loaded plans' columns: how each was loaded and the document it comes from, two names (both read 来源)
        head = plans_page.split('id="plan-files"', 1)[1].split("</thead>", 1)[0]
        names = [_visible_text(h).strip() for h in re.findall(r"<th[^>]*>.*?</th>", head)]
        assert len(set(names)) == len(names), (lang, names)
        # the cockpit links to the plans page; the plans page did to itself
        assert 'id="plans-link"' in page and 'id="plans-link"' not in plans_page
    # no growth can be given from nothing (Chengdu has no high-value patent): "—", not "the target year has passed"
    # as the column said for any target without a growth rate; after the target year, the outlook says it has passed
    for as_of, outlook in ((AS_OF, "预计无法完成"), ("2026-01-31", "目标年已过，待数据更新数据尚未覆盖2025-12-31")):
        page = client.get("/cockpit", params={"as_of": as_of, "lang": "zh"}).text
        row = page.split('data-reference="100000"', 1)[1].split("</tr>", 1)[0]
        cells = [re.sub(r"\s+", "", _visible_text("<td" + c)) for c in row.split("<td")[1:]]
        assert cells[6] == "—" and cells[8] == outlook, (as_of, cells)
        assert cells[3] == "12.00件", cells  # the target in the current value's unit (it read a bare 12.00)
    # the nation has nothing above it
    login_as(client, env.engine, "root")
    assert _plans(client, region="100000")["references"] == []


def test_a_district_takes_its_citys_ratio_target_and_never_a_count(client, env):
    login_as(client, env.engine, "cd_admin")
    token = csrf_from(client.get("/plans").text)
    uploaded = client.post("/plans", data={"csrf_token": token}, follow_redirects=False,
                           files={"file": ("成都.yaml", io.BytesIO(CHENGDU_PLAN.encode()), "application/x-yaml")})
    assert uploaded.status_code == 303, uploaded.text[:300]
    login_as(client, env.engine, "cd_leader")
    data = _plans(client, region="510100")
    assert {t["indicator"] for t in data["targets"]} == {"valid_inventions", "high_value_inventions_per_10k"}
    assert data["references"] == []  # its own per-10k target replaces the national reference
    login_as(client, env.engine, "wuhou")
    data = _plans(client)
    assert data["targets"] == []
    # the nearest plan above: Chengdu's per-10k target (a city's count of 100 says nothing about a district)
    [ref] = data["references"]
    assert (ref["indicator"], ref["reference_region"], ref["target_value"]) == ("high_value_inventions_per_10k", "510100", 0.05)
    assert ref["region"] == "510107" and ref["plan_name_en"] == "Chengdu IP targets (test)"
    en = _visible_text(client.get("/cockpit", params={"as_of": AS_OF, "lang": "en"}).text)
    assert "Wuhou District · High-value invention patents per 10,000 people · 2025 · Reference: Chengdu's target" in en


def test_a_region_already_above_a_rising_reference_has_met_it(client, env):
    """A reference takes its plan's direction: measured on a region already above it, a rising target read as one to
    fall to (the region's own base above the target) and was "will miss"."""
    login_as(client, env.engine, "root")
    plan = ('name: 四川测试\ntargets:\n  - {indicator: valid_inventions_per_10k, region: "510000", base_year: 2020, '
            'base_value: 0.000001, target_year: 2025, target_value: 0.00001}\n')
    uploaded = client.post("/plans", data={"csrf_token": csrf_from(client.get("/plans").text)}, follow_redirects=False,
                           files={"file": ("sichuan.yaml", io.BytesIO(plan.encode()), "application/x-yaml")})
    assert uploaded.status_code == 303, uploaded.text[:300]
    login_as(client, env.engine, "cd_leader")
    [ref] = [r for r in _plans(client)["references"] if r["indicator"] == "valid_inventions_per_10k"]
    assert ref["reference_region"] == "510000" and ref["current_value"] > ref["target_value"]
    assert ref["base_value"] > ref["target_value"]  # Chengdu was above Sichuan's target before it was set
    assert ref["will_meet"] is True and ref["status"] == "meet"
    # no growth is required of a region already there (the rate was negative: a plan to shrink)
    assert ref["reached"] is True and ref["required_annual_growth"] is None
    for lang, said in (("zh", "已达到目标"), ("en", "Target reached")):
        page = client.get("/cockpit", params={"as_of": AS_OF, "lang": lang}).text
        row = page.split('data-reference="510000"', 1)[1].split("</tr>", 1)[0]
        cells = [_visible_text("<td" + c).strip() for c in row.split("<td")[1:]]
        assert cells[6] == said, (lang, cells)


def test_gauge_labels_are_wrapped_for_the_axis_and_whole_in_the_tooltip(client, env):
    login_as(client, env.engine, "cd_leader")
    for lang in ("zh", "en"):
        spec = client.get("/api/v1/cockpit", params={"region": "510100", "as_of": AS_OF, "lang": lang}).json()["gauges"]["chart"]
        [row] = spec["data"]["values"]
        lines = row["lines"].split("\n")
        # the same words, only broken into lines
        assert len(lines) > 1 and "".join(row["lines"].replace("·", "").split()) == "".join(row["label"].replace("·", "").split())
        axis = spec["layer"][0]["encoding"]["y"]["axis"]
        assert axis["labelLimit"] <= 180 and "split" in axis["labelExpr"], axis


@pytest.mark.browser
def test_the_gauges_fit_a_phone(page, artifacts_dir: Path) -> None:
    """At 390 px a gauge's row label (region · indicator · year, ~60 characters in English) took more than the card's
    width and pushed the bars off the screen; the label is now wrapped and the legend sits below the bars."""
    sign_in(page, "cd_leader", then="/cockpit?lang=en")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        for lang in ("zh", "en"):
            page.goto(f"/cockpit?region=510100&lang={lang}&as_of={AS_OF}")
            page.wait_for_function("document.getElementById('chart-gauges').getAttribute('data-rendered') === '1'")
            page.locator("#plan-gauges").screenshot(path=str(artifacts_dir / f"plan-gauges-{width}-{lang}.png"))
            box = page.evaluate("""() => { const c = document.getElementById('chart-gauges').getBoundingClientRect();
                return [c.left, c.right]; }""")
            # the bars: every mark's rectangle inside the chart's box, the progress bar at least a fifth of the box wide
            bars = page.evaluate("""() => [...document.querySelectorAll('#chart-gauges svg .mark-rect path')]
                .map(p => p.getBoundingClientRect()).map(r => [r.left, r.right, r.width])""")
            assert bars, (width, lang)
            assert all(left >= box[0] - 1 and right <= box[1] + 1 for left, right, _ in bars), (width, lang, box, bars)
            assert max(w for _, _, w in bars) >= (box[1] - box[0]) / 5, (width, lang, box, bars)
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    # the list of plans: its origin (平台规划目录) stood a character a line
    page.goto(f"/plans?lang=zh&as_of={AS_OF}")
    assert page.evaluate("document.querySelector('#plan-files tbody td:nth-child(2)').getBoundingClientRect().width") >= 70
    page.locator("#plan-files").screenshot(path=str(artifacts_dir / "plan-files-1280-zh.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/plans?lang=zh&as_of={AS_OF}")
    assert page.evaluate("document.querySelector('#plan-files tbody td:nth-child(2)').getBoundingClientRect().width") >= 70
    page.locator("#plan-files").screenshot(path=str(artifacts_dir / "plan-files-390-zh.png"))
