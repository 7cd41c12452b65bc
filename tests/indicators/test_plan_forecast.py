"""Plan forecasts fit complete years only, need enough of them, and the verdict follows the forecast
as shown (issue: a line through two points, one in an empty year, and "预计无法完成" beside a
forecast equal to the target)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.indicators.conftest import inv
from zhichan.corpus.testing import build_snapshot
from zhichan.indicators.models import Plan, PlanTarget
from zhichan.indicators.plans import MIN_FORECAST_POINTS, plan_progress

DATA_END = "2025-12-31"


@pytest.fixture
def growing(tmp_path):
    """成都市: 1, 2, 3, 4, 5 inventions filed and granted in 2021…2025; the data end on 2025-12-31."""
    rows = []
    for year in range(2021, 2026):
        for i in range(year - 2020):
            rows.append(inv(f"y{year}-{i}", application_date=f"{year}-01-{10 + i}", grant_date=f"{year}-09-01",
                            source_date=DATA_END))
    return build_snapshot(tmp_path, patents=rows)


def test_a_year_the_data_do_not_cover_is_not_fitted(growing):
    plan = Plan("t", [PlanTarget("patent_applications", "510100", 2027, 8.0)])
    [p] = plan_progress(plan, dt.date(2026, 6, 30), snapshot=growing)
    # 2026 has no records (the corpus ends 2025-12-31): its year-to-date 0 is no data point
    assert [d.year for d, _ in p.trend] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert [v for _, v in p.trend] == [0, 1, 2, 3, 4, 5]
    assert p.forecast is not None and p.forecast > 5
    assert "2026" not in p.forecast_method


def test_too_few_complete_years_give_no_forecast_and_say_so(growing):
    plan = Plan("t", [PlanTarget("valid_inventions", "510100", 2027, 40.0, base_year=2024)])
    [p] = plan_progress(plan, dt.date(2025, 12, 31), snapshot=growing)
    assert len([v for _, v in p.trend if v is not None]) < MIN_FORECAST_POINTS
    assert p.forecast is None and p.will_meet is None
    assert "至少需要 3" in p.forecast_method and "3 needed" in p.forecast_method


def test_the_verdict_follows_the_forecast_as_shown(growing):
    day = dt.date(2025, 12, 31)
    [p] = plan_progress(Plan("t", [PlanTarget("valid_inventions", "510100", 2027, 100.0)]), day, snapshot=growing)
    forecast = p.forecast
    assert forecast is not None
    # a target a hair above the forecast, equal to it at the 2 decimals the page shows
    target = round(forecast, 2) + (0.004 if forecast >= round(forecast, 2) else 0.0)
    assert forecast < target and round(target, 2) == round(forecast, 2)
    [q] = plan_progress(Plan("t", [PlanTarget("valid_inventions", "510100", 2027, target)]), day, snapshot=growing)
    assert q.forecast == pytest.approx(forecast) and q.will_meet is True
    [r] = plan_progress(Plan("t", [PlanTarget("valid_inventions", "510100", 2027, round(forecast, 2) + 0.01)]),
                        day, snapshot=growing)
    assert r.will_meet is False


def test_once_the_target_year_is_over_its_value_is_the_forecast(growing):
    """At the end of the target year the gauges forecast 13.63 from a fit beside an actual 15.06 for the same day."""
    day = dt.date(2025, 12, 31)
    [p] = plan_progress(Plan("t", [PlanTarget("valid_inventions", "510100", 2025, 14.0, base_year=2021)]), day, snapshot=growing)
    assert p.current_value == 15 and p.forecast == 15 and p.will_meet is True
    assert "目标年已结束" in p.forecast_method and "The target year is over" in p.forecast_method
    [q] = plan_progress(Plan("t", [PlanTarget("valid_inventions", "510100", 2024, 14.0, base_year=2021)]), day, snapshot=growing)
    assert q.forecast == 10 and q.will_meet is False  # 1 + 2 + 3 + 4 valid at the end of 2024
    [r] = plan_progress(Plan("t", [PlanTarget("valid_inventions", "510100", 2027, 40.0)]), day, snapshot=growing)
    assert "least squares" in r.forecast_method  # a target year still to come is forecast as before


def test_a_forecast_s_method_is_a_note_that_begins_with_a_capital(growing):
    """The method is the note under the forecast of the gauges' table (a line of its own): it read "the target year is
    over: the value on 2025-12-31", "linear least squares on …", "no forecast: …" on English pages."""
    from zhichan.web.i18n import in_language

    day = dt.date(2025, 12, 31)
    plan = Plan("t", [PlanTarget("valid_inventions", "510100", 2025, 14.0, base_year=2021),
                      PlanTarget("valid_inventions", "510100", 2027, 40.0),
                      PlanTarget("valid_inventions", "510100", 2027, 40.0, base_year=2024)])
    methods = [p.forecast_method for p in plan_progress(plan, day, snapshot=growing)]
    assert len(methods) == 3 and methods[0].endswith(" / The target year is over: the value on 2025-12-31")
    assert "least squares on" in methods[1] and " / No forecast: " in methods[2]
    for method in methods:
        english = in_language(method, "en")
        assert english != method and english[:1].isupper(), method
