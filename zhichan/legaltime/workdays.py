"""Working days (工作日) on the State Council's holiday schedule (国务院办公厅节假日安排).

The schedule, make-up workdays (调休上班) included, comes from the ``chinesecalendar`` package and
is counted with its own functions (``is_workday``, ``find_workday``, ``get_workdays``). The State
Council publishes a year's schedule in November or December of the year before; until the
package carries it, an operator may add it from the official notice with
:func:`load_schedule_file` (setting ``holiday_schedule_file``). A year in neither is refused with
a clear message — counting weekends only would put deadlines on public holidays.

**Provisional dates (暂定).** A deadline that reaches into a later year than the loaded schedule's can still
be estimated: :func:`provisional_holidays` lists the statutory holidays of 《全国年节及纪念日放假办法》 (2024
revision, in force 2025-01-01) for that year — 元旦 1 January; 春节 除夕 to 正月初三 (4 days); 清明 on the solar
term's day (``chinesecalendar``'s solar terms, the 寿星 formula); 劳动节 1–2 May; 端午 五月初五; 中秋 八月十五; 国庆
1–3 October — with weekends and no make-up workdays (调休 is unknown until published). Only inside
:func:`estimating` (what :meth:`zhichan.legaltime.Clock.reckon` and :func:`zhichan.legaltime.reckon` use, which
say ``provisional`` beside the date) are such years counted; everywhere else they are refused as before, and
years the schedule covers are counted on it alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

import chinese_calendar
import yaml
from chinese_calendar import constants as _schedule
from lunardate import LunarDate

from zhichan.errors import InputError
from zhichan.untrusted import yaml_safe_load


class CalendarNotPublished(InputError):
    code = "calendar.not_published"

    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year} 年节假日安排尚未载入（chinesecalendar 未更新，也未在 holiday_schedule_file 中补充），无法计算工作日；"
            f"请在国务院公布后运行 pip install -U chinesecalendar，或把公布的安排写入节假日文件 / the holiday schedule "
            f"for {year} is not loaded (chinesecalendar is out of date and holiday_schedule_file does not add it): "
            "working days cannot be counted; upgrade chinesecalendar or add the published schedule to the file",
            details={"year": year},
        )


def _covered(year: int) -> bool:
    return min(_schedule.holidays).year <= year <= max(_schedule.holidays).year


def published(year: int) -> bool:
    """Whether ``year``'s holiday schedule is loaded (the package's, or the operator's file): its dates are exact."""
    return _covered(year)


def unpublished_years(until: int = 2100) -> range:
    """The years after the loaded schedule, up to ``until`` (the last year a provisional date is counted in is 2099;
    ``lunardate`` stops there): the years a provisional or unknown deadline may name as missing
    (:class:`CalendarNotPublished`) and still be counted the same."""
    return range(max(_schedule.holidays).year + 1, until + 1)


#: inside :func:`estimating`: years after the loaded schedule are counted on their statutory holidays
_estimating: ContextVar[bool] = ContextVar("legaltime_estimating", default=False)


@contextmanager
def estimating() -> Iterator[None]:
    """Count years after the loaded schedule on :func:`provisional_holidays` (a provisional date) while inside."""
    token = _estimating.set(True)
    try:
        yield
    finally:
        _estimating.reset(token)


@lru_cache(maxsize=64)
def provisional_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of ``year`` under 《全国年节及纪念日放假办法》 (2024 revision): the rest days a
    provisional date counts besides weekends, before the State Council's schedule moves any (调休). Lunar dates by
    ``lunardate``; 清明 by ``chinesecalendar``'s solar terms. :class:`CalendarNotPublished` for a year neither computes
    (``lunardate`` covers 1900–2099)."""
    try:
        new_year = LunarDate(year, 1, 1).to_solar_date()
        dragon = LunarDate(year, 5, 5).to_solar_date()
        moon = LunarDate(year, 8, 15).to_solar_date()
        qingming = [d for d, name in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30))
                    if name == "清明"]
    except (ValueError, NotImplementedError):
        raise CalendarNotPublished(year) from None
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    for offset in range(-1, 3):  # 除夕 … 正月初三
        days[new_year + dt.timedelta(days=offset)] = "春节"
    days[qingming[0]] = "清明节"
    days |= {dt.date(year, 5, 1): "劳动节", dt.date(year, 5, 2): "劳动节", dragon: "端午节", moon: "中秋节"}
    days |= {dt.date(year, 10, d): "国庆节" for d in (1, 2, 3)}
    return days


def _provisional(year: int) -> bool:
    """Whether ``year`` is counted provisionally now: inside :func:`estimating`, after the loaded schedule."""
    return _estimating.get() and year > max(_schedule.holidays).year


def _workday(day: dt.date) -> bool:
    if _provisional(day.year):
        return day.weekday() < 5 and day not in provisional_holidays(day.year)
    _check(day)
    return bool(chinese_calendar.is_workday(day))


def _check(*days: dt.date) -> None:
    for day in days:
        if not _covered(day.year) and not _provisional(day.year):
            raise CalendarNotPublished(day.year)


def is_workday(day: dt.date) -> bool:
    """A weekday that is no public holiday, or a weekend make-up workday (调休上班日)."""
    return _workday(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted, 民法典 第二百零一条)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    first = start + dt.timedelta(days=1)
    if _estimating.get():
        day, left = start, days
        while left:
            day += dt.timedelta(days=1)
            left -= _workday(day)
        return day
    _check(first)
    # find_workday(n, d): the (n+1)-th working day counted from d inclusive
    try:
        result: dt.date = chinese_calendar.find_workday(days - 1, first)
    except NotImplementedError:
        raise CalendarNotPublished(max(_schedule.holidays).year + 1) from None
    return result


def next_workday_on_or_after(day: dt.date) -> dt.date:
    """``day`` when it is a working day, else the next one (民法典 第二百零三条: a period whose last day
    is a statutory rest day ends on the first day after it)."""
    if _estimating.get():
        while not _workday(day):
            day += dt.timedelta(days=1)
        return day
    _check(day)
    try:
        result: dt.date = chinese_calendar.find_workday(0, day)
    except NotImplementedError:
        raise CalendarNotPublished(max(_schedule.holidays).year + 1) from None
    return result


def workday_on_or_before(day: dt.date) -> dt.date:
    """``day`` when it is a working day, else the last working day before it (a date drawn back
    into office hours; for the end of a period use :func:`next_workday_on_or_after`)."""
    if _estimating.get():
        while not _workday(day):
            day -= dt.timedelta(days=1)
        return day
    _check(day)
    try:
        result: dt.date = chinese_calendar.find_workday(-1, day + dt.timedelta(days=1))
    except NotImplementedError:
        raise CalendarNotPublished(min(_schedule.holidays).year - 1) from None
    return result


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in ``(start, end]`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    first = start + dt.timedelta(days=1)
    if _estimating.get():
        return sum(_workday(first + dt.timedelta(days=i)) for i in range((end - first).days + 1))
    _check(first, end)
    return len(chinese_calendar.get_workdays(first, end))


def load_schedule_file(path: Path) -> list[int]:
    """Add years of the official schedule the package lacks, from an operator's YAML file::

        2027:
          source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔…〕…号）
          holidays: {2027-01-01: 元旦, …}      # rest days of the holidays, weekends included
          workdays: {2027-02-20: 春节, …}      # make-up workdays (调休上班)

    Years the package already carries are never overridden (it is the reviewed source). Returns the
    years added. Whole years only: a year is taken when it follows the package's (or a loaded)
    last year, so the coverage stays contiguous.
    """
    try:
        data: Any = yaml_safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"节假日文件无法读取：{path.name}（{exc}） / cannot read the holiday schedule file {path.name}") from None
    if not isinstance(data, dict):
        raise InputError(f"节假日文件格式错误：{path.name} / the holiday schedule file {path.name} is not a mapping of years")
    added: list[int] = []
    for year in sorted(data):
        entry = data[year]
        if not isinstance(year, int) or not isinstance(entry, dict):
            raise InputError(f"节假日文件格式错误：{year!r} / bad entry {year!r} in {path.name}")
        if _covered(year):
            continue
        if year != max(_schedule.holidays).year + 1:
            raise InputError(f"节假日文件须逐年连续：缺少 {max(_schedule.holidays).year + 1} 年 / years must follow on")
        if not entry.get("source"):
            raise InputError(f"{year} 年节假日安排须注明来源（通知文号） / the {year} schedule needs its source")
        for kind, table in (("holidays", _schedule.holidays), ("workdays", _schedule.workdays)):
            for day, name in (entry.get(kind) or {}).items():
                if not isinstance(day, dt.date) or day.year != year:
                    raise InputError(f"节假日文件日期错误：{day!r} / bad date {day!r} in {year}")
                table[day] = str(name)
        if not any(d.year == year for d in _schedule.holidays):
            raise InputError(f"{year} 年没有任何节假日 / the {year} schedule lists no holidays")
        added.append(year)
    return added
