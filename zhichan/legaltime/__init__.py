"""Legal time (法定期间): the one module every domain asks for a deadline.

- :mod:`.workdays` — working days on the State Council's holiday schedule with its make-up
  workdays (调休), from the ``chinesecalendar`` package (plus an operator's file for a year the
  package does not carry yet).
- :mod:`.periods` — periods in days, months, years and hours per 民法典 第二百条–第二百零四条.
- A last day that reaches into a year whose holiday schedule is not published yet is a **provisional**
  :class:`Due` (:func:`reckon`, :func:`period_due`, :meth:`Clock.reckon`): counted on that year's statutory
  holidays (《全国年节及纪念日放假办法》) and weekends, marked ``provisional`` wherever it is shown.
- :mod:`.clocks` — a deadline that pauses (中止, 公告, 鉴定 …) and is extended by a named approver.

Dates are calendar dates in China Standard Time; moments (hour periods) are naive UTC like every
other timestamp of the platform.
"""

from zhichan.legaltime.clocks import Clock, Extension, Pause, Unit, net_days
from zhichan.legaltime.periods import (
    Due,
    add_hours,
    add_months,
    add_years,
    china_date,
    china_moment,
    china_time,
    china_today,
    extended_by_days,
    first_day_after,
    last_day_of_period,
    last_day_of_years,
    moment_on,
    period_due,
    period_end,
    provisional_note,
    reckon,
    resumed_moment,
    utcnow,
)
from zhichan.legaltime.workdays import (
    CalendarNotPublished,
    add_working_days,
    is_workday,
    load_schedule_file,
    next_workday_on_or_after,
    provisional_holidays,
    published,
    unpublished_years,
    workday_on_or_before,
    working_days_between,
)

__all__ = [
    "CalendarNotPublished",
    "Clock",
    "Due",
    "Extension",
    "Pause",
    "Unit",
    "add_hours",
    "add_months",
    "add_working_days",
    "add_years",
    "china_date",
    "china_moment",
    "china_time",
    "china_today",
    "extended_by_days",
    "first_day_after",
    "is_workday",
    "last_day_of_period",
    "last_day_of_years",
    "load_schedule_file",
    "moment_on",
    "net_days",
    "next_workday_on_or_after",
    "period_due",
    "period_end",
    "provisional_holidays",
    "provisional_note",
    "published",
    "reckon",
    "resumed_moment",
    "unpublished_years",
    "utcnow",
    "workday_on_or_before",
    "working_days_between",
]
