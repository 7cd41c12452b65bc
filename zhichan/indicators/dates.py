"""Calendar rules the indicators share: anniversaries, periods, the year before.

Month and year arithmetic is the one legal-time module's (:mod:`zhichan.legaltime`).

Anniversaries follow 民法典 第二百零二条: a period counted in years ends on the corresponding day
of the final year, or on the last day of that month when it has no corresponding day — so the
10th anniversary of a filing on 2012-02-29 is 2022-02-28.

Rather than doing date arithmetic per row in SQL (where DuckDB and Spark differ), the SQL compares
each record's dates with *literal* cut-off dates computed here once per query.
"""

from __future__ import annotations

import calendar
import datetime as dt

from zhichan.legaltime import add_months, add_years


def filed_by_for_anniversary(as_of: dt.date, years: int) -> dt.date:
    """The latest filing date whose ``years``-th anniversary falls on or before ``as_of``.

    ``anniversary(filed) <= as_of``  ⇔  ``filed <= filed_by_for_anniversary(as_of, years)``
    (anniversaries are monotone in the filing date). The one irregular case: on 28 February of a
    common year, a filing made on 29 February ``years`` earlier has its anniversary that very day.
    """
    candidate = add_years(as_of, -years)
    if (
        as_of.month == 2
        and as_of.day == 28
        and not calendar.isleap(as_of.year)
        and calendar.isleap(candidate.year)
    ):
        return dt.date(candidate.year, 2, 29)
    return candidate


def period_start(as_of: dt.date) -> dt.date:
    """Flow indicators count the calendar year to date (1 January … as-of, 当年累计)."""
    return dt.date(as_of.year, 1, 1)


def same_day_last_year(as_of: dt.date) -> dt.date:
    """The comparison date for year-on-year change (同比): 2024-02-29 → 2023-02-28."""
    return add_years(as_of, -1)


def next_anniversary(start: dt.date, after: dt.date) -> dt.date:
    """The first anniversary of ``start`` strictly after ``after``."""
    years = max(1, after.year - start.year)
    day = add_years(start, years)
    while day <= after:
        years += 1
        day = add_years(start, years)
    return day


def parse_date(value: str | dt.date) -> dt.date:
    from zhichan.errors import InputError

    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"日期格式错误：{value!r}（应为 YYYY-MM-DD） / bad date {value!r}: expected YYYY-MM-DD") from None


__all__ = ["add_months", "add_years", "filed_by_for_anniversary", "next_anniversary", "parse_date", "period_start",
           "same_day_last_year"]
