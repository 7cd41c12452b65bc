"""Working days on the State Council's holiday schedule (国务院办公厅节假日安排), incl. make-up workdays (调休上班).

Data come from the ``chinesecalendar`` package, which carries each year's official schedule once
it is published (usually in November for the next year). For a date outside its data we refuse with
a clear message rather than guess: counting weekends only would put deadlines on public holidays.
The operator's fix is ``pip install -U chinesecalendar`` once the State Council has published.

Periods follow the civil-law rule (民法典 第二百零一条): the day of the triggering event is not
counted; the period starts the next day.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from zhichan.errors import InputError


class CalendarNotPublished(InputError):
    code = "calendar.not_published"

    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year} 年节假日安排尚未发布（或 chinesecalendar 未更新），无法计算工作日；请在国务院公布后运行 "
            f"pip install -U chinesecalendar / holiday schedule for {year} not yet published (or chinesecalendar "
            "is out of date): working days cannot be counted; upgrade chinesecalendar once it is published",
            details={"year": year},
        )


def is_workday(day: dt.date) -> bool:
    """True on a working day: a weekday that is no public holiday, or a weekend make-up workday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarNotPublished(day.year) from None


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in ``(start, end]``."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_workday(day)
    return count
