"""Legal time, checked against cases computed by hand from the State Council's schedules
(国办发明电〔2023〕7号 for 2024, 〔2024〕12号 for 2025, 〔2025〕7号 for 2026) and 民法典 第二百条–第二百零四条."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from chinese_calendar import constants as schedule

from tests.helpers import holiday_schedule
from zhichan.errors import InputError
from zhichan.legaltime import (
    CalendarNotPublished,
    Clock,
    Extension,
    Pause,
    add_working_days,
    china_date,
    is_workday,
    load_schedule_file,
    moment_on,
    net_days,
    next_workday_on_or_after,
    period_end,
    workday_on_or_before,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "expected", "why"),
    [
        (D(2024, 2, 8), 1, D(2024, 2, 9), "the Friday before Spring Festival 2024 is a working day"),
        (D(2024, 2, 9), 1, D(2024, 2, 18), "10–17 Feb off; Sunday 18 Feb is a make-up workday"),
        (D(2024, 2, 2), 1, D(2024, 2, 4), "Sunday 4 Feb 2024 is a make-up workday"),
        (D(2024, 4, 3), 1, D(2024, 4, 7), "Qingming 4–6 Apr 2024; Sunday 7 Apr works"),
        (D(2025, 4, 25), 1, D(2025, 4, 27), "Sunday 27 Apr 2025 is a make-up workday"),
        (D(2025, 4, 30), 1, D(2025, 5, 6), "Labour Day 1–5 May 2025"),
        (D(2026, 9, 30), 5, D(2026, 10, 13), "立案 on the last working day before National Day 2026: 8, 9, Sat 10, 12, 13 Oct"),
        (D(2026, 2, 13), 1, D(2026, 2, 14), "Saturday 14 Feb 2026 is a make-up workday"),
        (D(2026, 2, 14), 1, D(2026, 2, 24), "Spring Festival 15–23 Feb 2026"),
        (D(2026, 2, 12), 10, D(2026, 3, 4), "13, Sat 14, 24–27, Sat 28 Feb, 2–4 Mar"),
        (D(2025, 9, 26), 3, D(2025, 9, 30), "Sun 28 Sep 2025 works: 28, 29, 30"),
        (D(2025, 9, 29), 4, D(2025, 10, 11), "30 Sep; 1–8 Oct off; 9, 10, make-up Saturday 11 Oct"),
    ],
)
def test_working_days_on_the_official_schedule(start: dt.date, days: int, expected: dt.date, why: str) -> None:
    assert add_working_days(start, days) == expected, why
    assert working_days_between(start, expected) == days
    assert is_workday(expected)


def test_working_days_between_counts_make_up_saturdays() -> None:
    # 1–7 Oct 2024 off; 8–11 Oct and the make-up Saturday 12 Oct work
    assert working_days_between(D(2024, 9, 30), D(2024, 10, 12)) == 5
    assert working_days_between(D(2024, 10, 12), D(2024, 10, 12)) == 0
    assert not is_workday(D(2026, 10, 3)) and is_workday(D(2026, 10, 10))


@pytest.mark.parametrize(
    ("day", "before", "after", "why"),
    [
        (D(2026, 10, 8), D(2026, 10, 8), D(2026, 10, 8), "a working day is its own nearest"),
        (D(2026, 10, 3), D(2026, 9, 30), D(2026, 10, 8), "National Day 2026: back to 30 Sep, on to 8 Oct"),
        (D(2026, 2, 22), D(2026, 2, 14), D(2026, 2, 24), "Spring Festival 2026: back to the make-up Saturday 14 Feb"),
        (D(2025, 4, 26), D(2025, 4, 25), D(2025, 4, 27), "Sat 26 Apr 2025 off, Sun 27 Apr a make-up workday"),
    ],
)
def test_nearest_working_day_either_way(day: dt.date, before: dt.date, after: dt.date, why: str) -> None:
    assert workday_on_or_before(day) == before, why
    assert next_workday_on_or_after(day) == after, why


def test_nearest_working_day_before_a_published_schedule_is_refused() -> None:
    with pytest.raises(CalendarNotPublished):
        workday_on_or_before(D(2000, 1, 1))


@pytest.mark.parametrize(
    ("event", "amount", "unit", "expected", "why"),
    [
        (D(2025, 9, 20), 15, "day", D(2025, 10, 9), "ends on Sunday 5 Oct inside National Day 2025 → first working day 9 Oct"),
        (D(2026, 11, 14), 15, "day", D(2026, 11, 30), "an answer period ending on Sunday 29 Nov moves to Monday"),
        (D(2026, 9, 25), 15, "day", D(2026, 10, 10), "ends on a make-up Saturday, a working day: stays"),
        (D(2025, 1, 31), 1, "month", D(2025, 2, 28), "31 Jan + 1 month: the month's last day"),
        (D(2024, 1, 31), 1, "month", D(2024, 2, 29), "leap year: 29 Feb"),
        (D(2024, 2, 29), 1, "year", D(2025, 2, 28), "29 Feb + 1 year in a common year"),
        (D(2025, 10, 31), 3, "month", D(2026, 2, 2), "31 Jan 2026 is a Saturday → Monday 2 Feb"),
        (D(2026, 1, 16), 1, "month", D(2026, 2, 24), "16 Feb 2026 is in Spring Festival → 24 Feb"),
        (D(2024, 3, 5), 1, "month", D(2024, 4, 7), "5 Apr 2024 is Qingming; 6 Apr off; Sunday 7 Apr works"),
        (D(2026, 4, 30), 5, "working_day", D(2026, 5, 11), "1–5 May off, Sat 9 May works: 6, 7, 8, 9, 11"),
    ],
)
def test_calendar_periods_per_civil_code(event: dt.date, amount: int, unit: str, expected: dt.date, why: str) -> None:
    assert period_end(event, amount, unit) == expected, why  # type: ignore[arg-type]


def _at(day: dt.date, hour: int = 2) -> dt.datetime:
    """A naive-UTC moment on ``day`` in China (02:00 UTC = 10:00 CST)."""
    return dt.datetime(day.year, day.month, day.day, hour)


def test_closing_clock_with_a_suspension_over_spring_festival_and_two_extensions() -> None:
    filed = _at(D(2025, 12, 1))
    base = Clock(3, "month", filed)
    assert base.due() == D(2026, 3, 2)  # 1 Mar 2026 is a Sunday
    suspension = Pause(D(2026, 2, 10), D(2026, 2, 25), "中止：等待无效宣告结果")
    paused = Clock(3, "month", filed, pauses=(suspension,))
    assert paused.due() == D(2026, 3, 16)  # nominal 1 Mar + 15 days not counted
    one = Clock(3, "month", filed, pauses=(suspension,), extensions=(Extension(1, "month", "局长 张三"),))
    assert one.due() == D(2026, 4, 16)
    two = Clock(3, "month", filed, pauses=(suspension,),
                extensions=(Extension(1, "month", "局长 张三"), Extension(2, "month", "上级 李四")))
    assert two.due() == D(2026, 6, 16)
    assert net_days(D(2025, 12, 1), D(2026, 3, 10), [suspension]) == 84  # 99 days − 15 paused


def test_working_day_clock_pause_counts_working_days() -> None:
    clock = Clock(5, "working_day", _at(D(2026, 2, 5)))
    assert clock.due() == D(2026, 2, 12)
    # 9 and 10 Feb are not counted: two more working days after 12 Feb (13, make-up Saturday 14)
    assert Clock(5, "working_day", _at(D(2026, 2, 5)), pauses=(Pause(D(2026, 2, 9), D(2026, 2, 11)),)).due() == D(2026, 2, 14)


def test_open_pause_has_no_deadline_and_a_late_pause_revives_nothing() -> None:
    started = _at(D(2026, 3, 2))
    assert Clock(15, "day", started, pauses=(Pause(D(2026, 3, 5)),)).due() is None
    late = Clock(15, "day", started, pauses=(Pause(D(2026, 4, 1), D(2026, 4, 20)),))
    assert late.due() == D(2026, 3, 17)


def test_event_day_is_china_time() -> None:
    # 17:00 UTC on 30 Sep is 01:00 on 1 Oct in China: the period counts from 2 Oct
    assert Clock(1, "day", dt.datetime(2026, 9, 30, 17)).due() == D(2026, 10, 8)
    assert Clock(1, "day", dt.datetime(2026, 9, 30, 15)).due() == D(2026, 10, 8)
    # 10 days from 30 Sep end on the make-up Saturday 10 Oct; from 1 Oct on Sunday 11 Oct → Monday 12
    assert Clock(10, "day", dt.datetime(2026, 9, 30, 15)).due() == D(2026, 10, 10)
    assert Clock(10, "day", dt.datetime(2026, 9, 30, 17)).due() == D(2026, 10, 12)


def test_hour_clock() -> None:
    clock = Clock(24, "hour", dt.datetime(2026, 9, 30, 8))
    assert clock.due_at() == dt.datetime(2026, 10, 1, 8)
    with pytest.raises(ValueError):
        Clock(24, "hour", dt.datetime(2026, 9, 30, 8), pauses=(Pause(D(2026, 9, 30), D(2026, 10, 1)),))


def test_extension_needs_an_approver() -> None:
    with pytest.raises(ValueError):
        Extension(1, "month", " ")


def test_a_year_without_schedule_is_refused_then_added_from_the_official_file(tmp_path: Path) -> None:
    last = max(schedule.holidays).year
    nxt = last + 1
    with pytest.raises(CalendarNotPublished):
        add_working_days(D(last, 12, 30), 5)
    path = tmp_path / "holidays.yaml"
    # a test schedule (not an official one): 1 Jan a holiday, the first Saturday of January a make-up day
    first_saturday = next(D(nxt, 1, d) for d in range(1, 8) if D(nxt, 1, d).weekday() == 5)
    with holiday_schedule(
        path, f"{nxt}:\n  source: 测试用安排\n  holidays: {{{nxt}-01-01: 元旦}}\n  workdays: {{{first_saturday}: 元旦}}\n",
    ) as loaded:
        assert loaded == [nxt]
        assert not is_workday(D(nxt, 1, 1)) and is_workday(first_saturday)
        expected = min(d for d in (D(nxt, 1, k) for k in range(2, 9)) if d.weekday() < 5 or d == first_saturday)
        assert add_working_days(D(last, 12, 31), 1) == expected
        assert load_schedule_file(path) == []  # loaded years are kept, never loaded twice
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"{nxt + 1}:\n  source: x\n  holidays: {{{nxt + 1}-01-01: 元旦}}\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_schedule_file(bad)  # a gap year


@pytest.mark.parametrize(
    ("clock", "expected", "why"),
    [
        (Clock(5, "working_day", _at(D(2025, 1, 20)), pauses=(Pause(D(2025, 1, 22), D(2025, 2, 6)),)), D(2025, 2, 10),
         "21 Jan used; paused over Spring Festival 2025; 6, 7, make-up Sat 8, 10 Feb"),
        (Clock(15, "day", dt.datetime(2024, 9, 24, 15, 30)), D(2024, 10, 9), "23:30 China time on 24 Sep: day 15 is 9 Oct"),
        (Clock(15, "day", dt.datetime(2024, 9, 24, 16, 30)), D(2024, 10, 10), "00:30 China time on 25 Sep: from 26 Sep"),
        (Clock(15, "day", _at(D(2025, 9, 16))), D(2025, 10, 9), "1 Oct 2025 → 1–8 Oct off → 9 Oct"),
        (Clock(1, "month", _at(D(2026, 1, 31))), D(2026, 2, 28), "28 Feb 2026 is a make-up Saturday: stays"),
        (Clock(1, "month", _at(D(2025, 12, 31))), D(2026, 2, 2), "31 Jan 2026 is a Saturday → 2 Feb"),
        (Clock(3, "month", _at(D(2024, 3, 5)), pauses=(Pause(D(2024, 4, 1), D(2024, 4, 11)),
                                                      Pause(D(2024, 5, 20), D(2024, 5, 30)))), D(2024, 6, 25),
         "two pauses of 10 days each: 5 Jun + 20"),
        (Clock(3, "month", _at(D(2024, 3, 5)), pauses=(Pause(D(2024, 4, 1), D(2024, 4, 11)),
                                                      Pause(D(2024, 5, 20), D(2024, 5, 30))),
               extensions=(Extension(1, "month", "局长 张三"),)), D(2024, 7, 25), "and one month more: 5 Jul + 20"),
        (Clock(15, "day", _at(D(2026, 3, 2)), pauses=(Pause(D(2026, 3, 17), D(2026, 3, 20)),)), D(2026, 3, 20),
         "paused on the last day: the last day is the day counting resumes"),
        (Clock(1, "month", _at(D(2025, 1, 31)), pauses=(Pause(D(2025, 2, 1), D(2025, 2, 4)),)), D(2025, 3, 3),
         "28 Feb 2025 + 3 days not counted"),
        (Clock(5, "working_day", _at(D(2026, 2, 9)), pauses=(Pause(D(2026, 2, 12), D(2026, 2, 24)),)), D(2026, 2, 26),
         "10, 11 used; 12, 13, make-up Sat 14 Feb not counted; 24, 25, 26"),
        # a pause begun on the event's own day takes nothing from the period: that day is never counted
        (Clock(15, "day", _at(D(2026, 3, 2)), pauses=(Pause(D(2026, 3, 2), D(2026, 3, 12)),)), D(2026, 3, 26),
         "paused on the event day: counting starts on 12 Mar, day 15 is 26 Mar"),
        (Clock(15, "day", dt.datetime(2026, 3, 1, 17), pauses=(Pause(D(2026, 3, 2), D(2026, 3, 12)),)), D(2026, 3, 26),
         "01:00 China time on 2 Mar is the event day"),
        (Clock(5, "working_day", _at(D(2026, 3, 2)), pauses=(Pause(D(2026, 3, 2), D(2026, 3, 4)),)), D(2026, 3, 10),
         "补正 asked on the filing day, cured 4 Mar: 4, 5, 6, 9, 10 Mar"),
        (Clock(5, "working_day", _at(D(2026, 3, 2)), pauses=(Pause(D(2026, 3, 2), D(2026, 3, 3)),)), D(2026, 3, 9),
         "paused and resumed before counting began: nothing excluded"),
        # the last day moved past rest days (第二百零三条) is still inside the period: a pause on it counts
        (Clock(3, "month", _at(D(2025, 12, 1)), pauses=(Pause(D(2026, 3, 2), D(2026, 3, 12)),)), D(2026, 3, 12),
         "nominal Sunday 1 Mar, last day Monday 2 Mar; suspended on 2 Mar, resumed 12 Mar"),
        (Clock(3, "month", _at(D(2025, 12, 1)), pauses=(Pause(D(2026, 3, 3), D(2026, 3, 12)),)), D(2026, 3, 2),
         "suspended the day after the last day: revives nothing"),
    ],
)
def test_clocks_computed_by_hand(clock: Clock, expected: dt.date, why: str) -> None:
    assert clock.due() == expected, why


def test_a_pause_on_a_last_day_moved_past_rest_days_leaves_the_deadline_open() -> None:
    # closing due Sunday 1 Mar 2026 → Monday 2 Mar; suspended on 2 Mar: no deadline while suspended
    assert Clock(3, "month", _at(D(2025, 12, 1)), pauses=(Pause(D(2026, 3, 2)),)).due() is None


def test_extension_units_match_the_clock() -> None:
    # an hour extension of a day period (or a day extension of an hour period) is a declaration error,
    # never 24 days or nothing
    with pytest.raises(ValueError):
        Clock(15, "day", _at(D(2026, 3, 2)), extensions=(Extension(24, "hour", "局长 张三"),))
    with pytest.raises(ValueError):
        Clock(24, "hour", dt.datetime(2026, 3, 2, 2), extensions=(Extension(1, "day", "局长 张三"),))
    assert Clock(24, "hour", dt.datetime(2026, 3, 2, 2), extensions=(Extension(24, "hour", "x"),)).due_at() == \
        dt.datetime(2026, 3, 4, 2)


def test_a_moment_on_a_china_day_is_naive_utc() -> None:
    assert moment_on(D(2026, 3, 1), 12) == dt.datetime(2026, 3, 1, 4)
    assert moment_on(D(2026, 3, 1), 2) == dt.datetime(2026, 2, 28, 18)  # 02:00 in China is the day before in UTC
    assert china_date(moment_on(D(2026, 3, 1), 2)) == D(2026, 3, 1)


def test_a_year_not_published_gets_a_provisional_date_on_its_statutory_holidays(tmp_path: Path) -> None:
    """2027's schedule is not published (chinesecalendar 1.11 stops at 2026): a deadline reaching into it is a
    provisional date on the statutory holidays of 《全国年节及纪念日放假办法》 (2024) and weekends, never a plain date;
    exact dates are unchanged; once the year's schedule is loaded the same clock is exact."""
    from zhichan.legaltime import Due, period_due, provisional_holidays, published

    assert published(2026) and not published(2027)
    rest = provisional_holidays(2027)
    # 春节 2027: 正月初一 is 6 Feb, 除夕 5 Feb; 清明 5 Apr; 端午 9 Jun; 中秋 15 Sep
    assert [d for d, name in rest.items() if name == "春节"] == [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7),
                                                                 D(2027, 2, 8)]
    assert {D(2027, 1, 1), D(2027, 4, 5), D(2027, 5, 1), D(2027, 5, 2), D(2027, 6, 9), D(2027, 9, 15),
            D(2027, 10, 1), D(2027, 10, 3)} <= set(rest) and len(rest) == 13
    with pytest.raises(CalendarNotPublished):
        Clock(15, "day", _at(D(2026, 12, 20))).due()  # the plain date is still refused
    # 20 Dec + 15 days = 4 Jan 2027, a Monday
    assert Clock(15, "day", _at(D(2026, 12, 20))).reckon() == Due(D(2027, 1, 4), provisional=True, year=2027)
    # 21 Jan + 15 = 5 Feb (除夕) → after 春节's four days, 6–8 Feb (the 7th a Sunday) → Tuesday 9 Feb
    assert Clock(15, "day", _at(D(2027, 1, 21))).reckon() == Due(D(2027, 2, 9), provisional=True, year=2027)
    # 10 working days from 28 Dec 2026: 29–31 Dec, 1 Jan (元旦) off, 4–8, 11, 12 Jan
    due = Clock(10, "working_day", _at(D(2026, 12, 28))).reckon()
    assert due == Due(D(2027, 1, 12), provisional=True, year=2027)
    assert due.text("zh") == "2027-01-12（暂定：2027 年放假安排尚未公布）"
    assert due.text("en") == "2027-01-12 (provisional: the 2027 holiday schedule is not published yet)"
    # a 3-month closing clock from 5 Oct 2026: 5 Jan 2027, a Tuesday
    assert period_due(D(2026, 10, 5), 3, "month") == Due(D(2027, 1, 5), provisional=True, year=2027)
    assert Clock(15, "day", _at(D(2026, 12, 1))).reckon() == Due(D(2026, 12, 16))  # exact where published
    assert Due(D(2026, 12, 16)).text("zh") == "2026-12-16"
    assert Clock(1, "month", _at(D(2026, 12, 1)), pauses=(Pause(D(2026, 12, 5)),)).reckon() is None  # paused
    with pytest.raises(CalendarNotPublished):
        workday_on_or_before(D(2027, 1, 4))  # outside reckon(), an unpublished year is refused as before
    # a test schedule (not the official one): 春节 4–10 Feb off, Saturday 30 Jan a make-up workday
    days = ", ".join(f"2027-02-{d:02d}: 春节" for d in range(4, 11))
    with holiday_schedule(tmp_path / "holidays.yaml", f"2027:\n  source: 测试用安排\n  holidays: {{2027-01-01: 元旦, {days}}}\n"
                          "  workdays: {2027-01-30: 春节}\n") as loaded:
        assert loaded == [2027]
        assert Clock(15, "day", _at(D(2026, 12, 20))).reckon() == Due(D(2027, 1, 4))  # the same date, exact now
        assert Clock(15, "day", _at(D(2027, 1, 21))).reckon() == Due(D(2027, 2, 11))  # moved past the real 春节
