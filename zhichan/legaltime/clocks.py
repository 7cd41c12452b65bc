"""Clocks: a legal period that pauses and is extended (期限的中止、扣除与延长).

A :class:`Clock` is the data of one running period — what starts it, its length and unit, the
spans when it did not run, the extensions granted — and computes its deadline from that data on
demand, so a stored clock is never out of step with the rules.

- **Pauses** (中止, 公告, 鉴定, 管辖权异议, 和解 …): the days from a pause's first day up to the day
  counting resumes are not counted. Pauses may overlap (a jurisdiction objection while the case is
  suspended): a day excluded on two grounds is excluded once (:func:`merged`). For a calendar clock they push the last day back by as many
  calendar days; for a working-day clock by as many working days. Only counted days are excluded:
  a pause begun on the event's own day (never counted) takes nothing for that day. A pause on a
  last day moved past rest days (第二百零三条) is inside the period; one that begins after the last
  day does not revive an expired period. While a pause is open the deadline is unknown.
- **Extensions** (延长) each name their approver; an extension of N units runs on from the
  nominal last day of the period it extends (the rest-day rule applies once, to the final day).
- **Hours** (24 小时内移送): the deadline is a moment; hour clocks do not pause and are extended
  by hours only (a day period by days, months or years).

Periods count from the day after the triggering event (民法典 第二百零一条); the final last day
moves past rest days (第二百零三条) — see :mod:`zhichan.legaltime.periods`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from zhichan.legaltime.periods import Due, add_hours, china_date, last_day_of_period
from zhichan.legaltime.workdays import (
    CalendarNotPublished,
    add_working_days,
    estimating,
    next_workday_on_or_after,
    working_days_between,
)

Unit = Literal["working_day", "day", "month", "year", "hour"]
UNITS: tuple[Unit, ...] = ("working_day", "day", "month", "year", "hour")


@dataclass(frozen=True)
class Pause:
    """The clock did not run from ``start`` (inclusive) until ``end`` (the day counting resumes)."""

    start: dt.date
    end: dt.date | None = None
    reason: str = ""

    def excluded_days(self, unit: Unit, first: dt.date | None = None) -> int:
        """Days of ``unit`` not counted; ``first`` is the period's first counted day (a pause begun
        before it — on the event's own day — takes only the counted days it covers)."""
        assert self.end is not None
        start = max(self.start, first) if first is not None else self.start
        if self.end <= start:
            return 0
        if unit == "working_day":
            return working_days_between(start - dt.timedelta(days=1), self.end - dt.timedelta(days=1))
        return (self.end - start).days


def merged(pauses: tuple[Pause, ...] | list[Pause]) -> list[Pause]:
    """Overlapping or touching pauses as one span each (an open one reaching to the end), in order of start: the
    days a clock did not run, each once — an objection's pause inside a suspension excludes nothing more."""
    spans: list[list[Any]] = []
    for p in sorted(pauses, key=lambda p: p.start):
        end = dt.date.max if p.end is None else p.end
        if spans and p.start <= spans[-1][1]:
            if end > spans[-1][1]:
                spans[-1][1] = end
                spans[-1][2] = p.reason
        else:
            spans.append([p.start, end, p.reason])
    return [Pause(a, None if b == dt.date.max else b, r) for a, b, r in spans]


@dataclass(frozen=True)
class Extension:
    """延长: ``amount`` ``unit`` more, granted by ``approver`` (a named person, with their role)."""

    amount: int
    unit: Unit
    approver: str
    reason: str = ""

    def __post_init__(self) -> None:
        if self.amount < 1:
            raise ValueError("an extension lasts at least one unit")
        if not self.approver.strip():
            raise ValueError("an extension needs its approver")


@dataclass(frozen=True)
class Clock:
    amount: int
    unit: Unit
    #: the triggering event (naive UTC); day-based periods count from the next China calendar day
    started: dt.datetime
    pauses: tuple[Pause, ...] = field(default=())
    extensions: tuple[Extension, ...] = field(default=())
    #: a term to wait out (the six months before a credit-repair request): its last day is not moved past rest
    #: days — 第二百零三条 gives one who must act within a period a working last day, it does not lengthen a term
    term: bool = False

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        if self.amount < 1:
            raise ValueError("a period lasts at least one unit")
        if self.unit == "hour" and self.pauses:
            raise ValueError("hour periods do not pause")
        if self.term and (self.unit == "hour" or self.pauses or self.extensions):
            raise ValueError("a term counts days, months or years, as set: it neither pauses nor is extended")
        if any((e.unit == "hour") != (self.unit == "hour") for e in self.extensions):
            raise ValueError("an hour period is extended by hours, a day period by days, months or years")

    @property
    def paused(self) -> bool:
        return any(p.end is None for p in self.pauses)

    def due_at(self) -> dt.datetime:
        """The deadline moment of an hour clock (naive UTC)."""
        if self.unit != "hour":
            raise ValueError("due_at is for hour clocks; use due()")
        return add_hours(self.started, self.amount + sum(e.amount for e in self.extensions))

    def due(self) -> dt.date | None:
        """The last day (until 24:00 China time); ``None`` while paused. For an hour clock, the
        China calendar day of its deadline moment."""
        if self.unit == "hour":
            return china_date(self.due_at())
        event = china_date(self.started)
        first = event + dt.timedelta(days=1)
        end = last_day_of_period(event, self.amount, self.unit)
        if self.term:
            return end
        for ext in self.extensions:
            assert ext.unit != "hour"
            end = last_day_of_period(end, ext.amount, ext.unit)
        for pause in merged(self.pauses):
            if pause.start > end:
                # the last day moved past rest days (第二百零三条) is still inside the period
                last = next_workday_on_or_after(end)
                if pause.start > last:
                    break  # paused after the period had run out: it stays expired
                end = last
            if pause.end is None:
                return None
            skipped = pause.excluded_days(self.unit, first)
            if skipped:
                if self.unit == "working_day":
                    end = add_working_days(end, skipped)
                else:
                    end += dt.timedelta(days=skipped)
        return next_workday_on_or_after(end)

    def reckon(self) -> Due | None:
        """:meth:`due` as a :class:`~zhichan.legaltime.periods.Due`: exact where the holiday schedules it counts on
        are published, else a provisional date (``provisional=True``, the missing year named); ``None`` while
        paused."""
        try:
            day = self.due()
        except CalendarNotPublished as exc:
            with estimating():
                day = self.due()
            return None if day is None else Due(day, provisional=True, year=int(exc.details["year"]))
        return None if day is None else Due(day)

    def excluded_days(self) -> int:
        """Calendar days the clock did not run (closed pauses only)."""
        return sum((p.end - p.start).days for p in merged(self.pauses) if p.end is not None and p.end > p.start)


def net_days(started: dt.date, ended: dt.date, pauses: tuple[Pause, ...] | list[Pause] = ()) -> int:
    """Calendar days from ``started`` to ``ended`` minus the paused days inside, each once (overlapping pauses
    merged) — 结案周期 (closed − filed − excluded periods), never the naive difference."""
    total = (ended - started).days
    for p in merged(pauses):
        stop = ended if p.end is None else min(p.end, ended)
        begin = max(p.start, started)
        if stop > begin:
            total -= (stop - begin).days
    return total
