"""Plan targets (progress, required growth, forecast) and levers (10-year mark, annuities, top holders)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from tests.indicators.conftest import D, inv
from zhichan.corpus.testing import build_snapshot
from zhichan.errors import InputError
from zhichan.indicators import levers
from zhichan.indicators.models import Plan, PlanTarget
from zhichan.indicators.plans import load_plan, plan_progress

ROOT = Path(__file__).resolve().parents[2]


def test_national_plan_ships_and_loads():
    plan = load_plan(ROOT / "zhichan" / "indicators" / "shipped_plans" / "national-14th-fyp.yaml")
    assert len(plan.targets) == 1
    t = plan.targets[0]
    assert (t.indicator, t.region_code, t.base_year, t.base_value, t.target_year, t.target_value) == (
        "high_value_inventions_per_10k", "CN", 2020, 6.3, 2025, 12.0)


def test_progress_required_growth_and_forecast(regional_corpus):
    # 成都市 valid inventions: 0 at end-2020, 0 at end-2021, 1 at end-2022, 4 at 2023-12-31
    plan = Plan("test", [PlanTarget("有效发明专利拥有量", "510100", 2025, 10.0, base_year=2020)])
    [p] = plan_progress(plan, D, snapshot=regional_corpus)
    assert (p.indicator, p.region_code, p.current_value) == ("valid_inventions", "5101", 4)
    assert (p.base_value, p.base_value_source) == (0, "computed")
    assert p.progress_pct == pytest.approx(40.0)
    assert p.gap_closed_pct == pytest.approx(40.0)
    years_left = (dt.date(2025, 12, 31) - D).days / 365.25
    assert p.required_annual_growth == pytest.approx((10 / 4) ** (1 / years_left) - 1)
    assert [v for _, v in p.trend] == [0, 0, 1, 4]
    # zeros rule out the log-linear fit: a straight line through the four points
    xs = [d.toordinal() / 365.25 for d, _ in p.trend]
    slope, intercept = np.polyfit(xs, [0, 0, 1, 4], 1)
    assert p.forecast == pytest.approx(slope * dt.date(2025, 12, 31).toordinal() / 365.25 + intercept)
    assert p.forecast_method.startswith("线性最小二乘") and "/ Linear least squares" in p.forecast_method
    assert p.will_meet is (p.forecast >= 10)


def test_progress_like_taian_reports_it(regional_corpus):
    # 武侯区 has 2 valid inventions; a target of 2.7 is "完成预期目标的74%"
    plan = Plan("泰安式", [PlanTarget("valid_inventions", "510107", 2025, 2.7, base_year=2020, base_value=1.0)])
    [p] = plan_progress(plan, D, snapshot=regional_corpus)
    assert round(p.progress_pct) == 74
    assert p.gap_closed_pct == pytest.approx(100 * (2 - 1) / (2.7 - 1))
    assert p.base_value_source == "plan"


def test_a_money_target_is_an_exact_amount(regional_corpus, tmp_path):
    """A plan's target for an amount is read exactly, by the platform's money parser, and measured against the exact
    figure: base, current, target and forecast in Decimal yuan, the percentages floats."""
    (tmp_path / "pledges.yaml").write_text(
        "targets:\n  - indicator: 知识产权质押融资金额\n    region: '510100'\n    base_year: 2020\n    base_value: '0'\n"
        "    target_year: 2025\n    target_value: '90,071,992,547,409.93'\n", "utf-8")
    plan = load_plan(tmp_path / "pledges.yaml")
    assert plan.targets[0].target_value == Decimal("90071992547409.93") and type(plan.targets[0].base_value) is Decimal
    [p] = plan_progress(plan, D, snapshot=regional_corpus)
    assert (p.current_value, type(p.current_value)) == (Decimal("5500000.50"), Decimal)
    assert p.progress_pct == pytest.approx(100 * 5500000.5 / 90071992547409.93) and isinstance(p.progress_pct, float)
    assert p.forecast is not None and p.forecast == p.forecast.quantize(Decimal("0.01"))  # to the fen
    assert "e+" not in p.forecast_method  # a slope of yuan a year grouped (+785,714), not +7.857e+05
    assert p.will_meet is False
    (tmp_path / "bad.yaml").write_text("targets:\n  - indicator: ip_pledge_amount\n    target_year: 2025\n"
                                       "    target_value: '1.234'\n", "utf-8")
    with pytest.raises(InputError, match=r"targets\[0\]：target_value 最多 2 位小数 / at most 2 decimals"):
        load_plan(tmp_path / "bad.yaml")


def test_xlsx_plan_with_chinese_headers_and_bad_rows(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["指标", "地区", "基期年", "基期值", "目标年", "目标值"])
    sheet.append(["每万人口高价值发明专利拥有量", "510100", 2020, 10.5, 2025, 20])
    sheet.append([None, None, None, None, None, None])
    book.save(tmp_path / "chengdu.xlsx")
    plan = load_plan(tmp_path / "chengdu.xlsx")
    assert plan.name == "chengdu"
    assert [(t.indicator, t.region_code, t.target_value) for t in plan.targets] == [
        ("high_value_inventions_per_10k", "5101", 20.0)]

    sheet.append(["每万人口高价值发明专利拥有量", "510100", 2020, 10.5, "明年", 20])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError, match="row 4: target_year is not a number"):
        load_plan(tmp_path / "bad.xlsx")
    (tmp_path / "bad.yaml").write_text("targets:\n  - indicator: no_such\n    target_year: 2025\n    target_value: 1\n")
    with pytest.raises(InputError, match=r"targets\[0\].*unknown indicator"):
        load_plan(tmp_path / "bad.yaml")
    (tmp_path / "plan.txt").write_text("x")
    with pytest.raises(InputError, match="YAML or XLSX"):
        load_plan(tmp_path / "plan.txt")


@pytest.fixture
def lever_corpus(tmp_path):
    a, b, uni = "成都甲科技有限公司", "成都乙科技有限公司", "成都示例大学"
    patents = [
        inv("L1", application_date="2014-01-15", applicants=[a]),  # 10 years on 2024-01-15
        inv("L2", application_date="2014-06-30", sei_codes=["1.1"], applicants=[a]),  # already high-value
        inv("L3", application_date="2013-12-31", applicants=[a]),  # 10 years already
        inv("L4", application_date="2015-01-01", applicants=[b]),  # 10 years on 2025-01-01
        inv("L5", application_date="2014-03-01", legal_status="lapsed_unpaid", grant_date="2016-03-01",
            lapse_date="2022-03-01", applicants=[a]),  # not valid
        inv("L6", application_date="2014-02-01", region_code="110105", applicants=["北京某公司"]),  # elsewhere
        inv("L7", application_date="2016-02-29", applicants=[b]),  # annuity due 2024-02-29 (leap year)
        inv("L8", application_date="2004-03-15", applicants=[b]),  # term ends 2024-03-15: no annuity
        inv("L9", application_date="2019-07-01", applicants=[uni], applicant_types=["university"]),
    ]
    return build_snapshot(tmp_path, patents=patents)


def _titles(table):
    return [t.split(" ")[0] for t in table.column("title").to_pylist()]


def test_patents_reaching_ten_years(lever_corpus):
    table = levers.approaching_ten_years("5101", 12, D, snapshot=lever_corpus)
    assert _titles(table) == ["L1"]
    assert table.column("ten_year_date").to_pylist() == [dt.date(2024, 1, 15)]
    assert _titles(levers.approaching_ten_years("5101", 12, D, only_new=False, snapshot=lever_corpus)) == ["L1", "L2"]
    assert _titles(levers.approaching_ten_years("510107", 13, D, snapshot=lever_corpus)) == ["L1", "L4"]


def test_annuities_due(lever_corpus):
    table = levers.annuity_due("5101", 3, D, snapshot=lever_corpus)
    assert _titles(table) == ["L4", "L1", "L7"]
    assert table.column("due_date").to_pylist() == [dt.date(2024, 1, 1), dt.date(2024, 1, 15), dt.date(2024, 2, 29)]
    assert table.column("annuity_year").to_pylist() == [10, 11, 9]
    # a 29 February filing in a common year: due on 28 February
    feb = levers.annuity_due("5101", 1, dt.date(2023, 2, 1), snapshot=lever_corpus)
    assert _titles(feb) == ["L7"] and feb.column("due_date").to_pylist() == [dt.date(2023, 2, 28)]
    with pytest.raises(InputError, match="months must be 1–12"):
        levers.annuity_due("5101", 13, D, snapshot=lever_corpus)


def test_top_contributors(lever_corpus):
    rows = levers.top_contributors("valid_inventions", "5101", D, 10, snapshot=lever_corpus)
    # 甲: L1 L2 L3 (L5 lapsed); 乙: L4 L7 L8; 大学: L9 — ties broken by the normalized name
    assert [(r["holder"], r["contribution"]) for r in rows][2] == ("成都示例大学", 1)
    assert sorted((r["holder"], r["contribution"]) for r in rows[:2]) == [("成都乙科技有限公司", 3), ("成都甲科技有限公司", 3)]
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)
    enterprises = levers.top_contributors("valid_inventions_per_10k", "5101", D, 10, party_types=("enterprise",),
                                          snapshot=lever_corpus)
    assert {r["holder_type"] for r in enterprises} == {"enterprise"} and len(enterprises) == 2
    assert not any(r["synthetic"] for r in rows)  # no synthetic record: no holder marked


def test_top_contributors_mark_the_holders_of_synthetic_records(tmp_path: Path) -> None:
    """A ranking says which holders are generated parties (the CLI marks them and titles the table)."""
    snapshot = build_snapshot(tmp_path, patents=[
        inv("S1", applicants=["成都瑞博理工大学"], applicant_types=["university"], synthetic=True),
        inv("S2", applicants=["成都瑞博理工大学"], applicant_types=["university"], synthetic=True),
        inv("R1", applicants=["成都真实科技有限公司"])])
    rows = levers.top_contributors("valid_inventions", "5101", D, 10, snapshot=snapshot)
    assert [(r["holder"], r["synthetic"]) for r in rows] == [("成都瑞博理工大学", True), ("成都真实科技有限公司", False)]
    # the levers ranking names a generated holder in English too, as the cockpit does (the CLI prints it below)
    assert [r["holder_en"] for r in rows] == ["Chengdu Ruibo Science and Technology University", None]


@pytest.mark.parametrize("year", [".inf", "\"1e400\"", "\"2025.5\"", "\"20250000000000000.0\""])
def test_a_year_no_whole_number_writes_is_refused(tmp_path, year):
    """A plan's year is read exactly, never through a float: infinity crashed int(), 2025.5 is no year."""
    (tmp_path / "bad.yaml").write_text(
        f"targets:\n  - indicator: 每万人口高价值发明专利拥有量\n    target_year: {year}\n    target_value: 12\n")
    with pytest.raises(InputError, match=r"targets\[0\]：target_year 不是年份"):
        load_plan(tmp_path / "bad.yaml")
