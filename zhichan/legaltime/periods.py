"""Periods per 民法典 第二百条–第二百零四条 (计算期间).

- 第二百零一条: a period in days, months or years starts the day after the triggering event (the
  event's day is not counted); a period in hours starts at the stated moment.
- 第二百零二条: a period in months or years ends on the corresponding day of the last month, or on
  that month's last day when it has none (31 January + 1 month = 28/29 February).
- 第二百零三条: when the last day is a statutory rest day (法定休假日 — public holidays and weekends
  that are not make-up workdays), the period ends on the first working day after it; the last day
  ends at 24:00.

Month and year arithmetic is ``dateutil.relativedelta``, which clamps to the month's end exactly
as 第二百零二条 says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from dateutil.relativedelta import relativedelta

from zhichan.legaltime.workdays import (
    CalendarNotPublished,
    add_working_days,
    estimating,
    next_workday_on_or_after,
)

CST = dt.timezone(dt.timedelta(hours=8))

CalendarUnit = Literal["working_day", "day", "month", "year"]


def utcnow() -> dt.datetime:
    """Now, as the platform stores every moment: naive UTC. The platform's one clock."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def china_today() -> dt.date:
    """Today's date in China Standard Time — the day a workflow, a default "as of" or a "not in the future" check
    means. Never the machine's ``date.today()``: on a server whose clock runs in UTC that is a day behind from 16:00
    to 24:00 UTC (00:00–08:00 in Beijing)."""
    return china_date(utcnow())


def china_moment(moment: dt.datetime) -> dt.datetime:
    """A naive-UTC moment (or an aware one) in China Standard Time (what officers and parties read)."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)).astimezone(CST)


def china_time(moment: dt.datetime | str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment as officers and parties read it: China Standard Time, to the minute unless ``fmt`` says otherwise
    (``"%Y-%m-%d"`` for its day in China). ``moment``: naive UTC as stored, aware, or ISO 8601 text as the API writes
    it (``2026-12-06T17:00:00Z``). Every page and document shows a moment through this (the pages' template filter
    ``china_time``), never the stored value itself."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return china_moment(moment).strftime(fmt)


def china_date(moment: dt.datetime) -> dt.date:
    """The calendar date in China Standard Time of a naive-UTC moment."""
    return china_moment(moment).date()


def moment_on(day: dt.date, hour: int) -> dt.datetime:
    """The naive-UTC moment of ``hour`` o'clock China Standard Time on ``day`` (a step recorded on a given day)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CST).astimezone(dt.UTC).replace(tzinfo=None)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``, clamped to the month's last day (2023-01-31 + 1 → 2023-02-28)."""
    result: dt.date = day + relativedelta(months=months)
    return result


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by ``years``; 29 February becomes 28 February in a common year."""
    result: dt.date = day + relativedelta(years=years)
    return result


def last_day_of_years(start: dt.date, years: int) -> dt.date:
    """The last day of ``years`` whole years counted from ``start`` itself (a patent's term, a patent
    year): the day before the anniversary — 1999-09-06 + 20 years runs to 2019-09-05 (专利审查指南
    第五部分第九章 2.1)."""
    return add_years(start, years) - dt.timedelta(days=1)


def extended_by_days(last_day: dt.date, days: int) -> dt.date:
    """The last day of a term whose last day was ``last_day``, extended by ``days`` whole days (a patent's
    term with its compensation, 专利法 第四十二条第二款、第三款; 细则 第七十八条 counts it in days): a term
    ending 2039-12-31 compensated by 100 days ends 2040-04-09."""
    if days < 0:
        raise ValueError("a term is extended by a positive number of days")
    return last_day + dt.timedelta(days=days)


def first_day_after(last_day: dt.date) -> dt.date:
    """The first day after a period whose last day is ``last_day`` (第二百零三条: the last day ends at 24:00): the day
    a step waiting for the period to run out may be taken — a lapsed answer period, the six months before credit
    repair."""
    return last_day + dt.timedelta(days=1)


def resumed_moment(deadline: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime, *,
                   at_least_minutes: int = 0) -> dt.datetime:
    """A moment-deadline that did not run from ``paused_at`` to ``resumed_at`` (中止 … 恢复): the time it had left
    when paused runs on from the resumption — and, where ``at_least_minutes`` is given, no less than that from it (an
    auction resumed seconds before its close gives its bidders time to come back)."""
    left = max(deadline - paused_at, dt.timedelta(0))
    return resumed_at + max(left, dt.timedelta(minutes=at_least_minutes))


def add_hours(moment: dt.datetime, hours: int) -> dt.datetime:
    """The end of a period of ``hours`` hours starting at ``moment`` (24 小时内移送 …)."""
    return moment + dt.timedelta(hours=hours)


def last_day_of_period(event: dt.date, amount: int, unit: CalendarUnit) -> dt.date:
    """The nominal last day of a period triggered on ``event``, before the rest-day rule.

    ``day``: the ``amount``-th day after the event; ``month``/``year``: the corresponding day;
    ``working_day``: the ``amount``-th working day after the event (always a working day).
    """
    if amount < 1:
        raise ValueError("a period lasts at least one unit")
    if unit == "day":
        return event + dt.timedelta(days=amount)
    if unit == "month":
        return add_months(event, amount)
    if unit == "year":
        return add_years(event, amount)
    if unit == "working_day":
        return add_working_days(event, amount)
    raise ValueError(f"unknown unit {unit!r}")


def period_end(event: dt.date, amount: int, unit: CalendarUnit) -> dt.date:
    """The last day of a period (the deadline, until 24:00 of that day), the rest-day rule applied."""
    return next_workday_on_or_after(last_day_of_period(event, amount, unit))


@dataclass(frozen=True)
class Due:
    """A last day, and whether it is **provisional** (暂定): counted, for a year whose holiday schedule is not
    published yet (``year``), on that year's statutory holidays and weekends without make-up workdays
    (:func:`zhichan.legaltime.workdays.provisional_holidays`) — to plan by, never to be shown as a plain date.
    Overdue and due-today compare ``day`` as it stands; it becomes exact once the year's schedule is loaded."""

    day: dt.date
    provisional: bool = False
    year: int | None = None

    def text(self, lang: str) -> str:
        """The date as pages and notices write it: ``2027-01-20（暂定：2027 年放假安排尚未公布）``."""
        if not self.provisional:
            return self.day.isoformat()
        note = provisional_note(self.year or self.day.year, lang)
        return f"{self.day} ({note})" if lang == "en" else f"{self.day}（{note}）"


def provisional_note(year: int, lang: str) -> str:
    """What a provisional date says beside it (:class:`Due`; the pages' ``due_day``): the one wording."""
    if lang == "en":
        return f"provisional: the {year} holiday schedule is not published yet"
    return f"暂定：{year} 年放假安排尚未公布"


def reckon(compute: Callable[[], dt.date]) -> Due:
    """``compute()`` (a deadline from this module's functions) as a :class:`Due`: exact where every year it counts
    is published; else provisional (:func:`~zhichan.legaltime.workdays.estimating`), naming the first year missing.
    A year before the schedule's, or past what the provisional rule computes, still raises
    :class:`CalendarNotPublished`."""
    try:
        return Due(compute())
    except CalendarNotPublished as exc:
        missing = int(exc.details["year"])
    with estimating():
        return Due(compute(), provisional=True, year=missing)


def period_due(event: dt.date, amount: int, unit: CalendarUnit) -> Due:
    """:func:`period_end` as a :class:`Due` — provisional when its year's holiday schedule is not published."""
    return reckon(lambda: period_end(event, amount, unit))
