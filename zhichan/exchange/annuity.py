"""The open-licence annuity reduction (开放许可年费减免), computed per patent year with its arithmetic shown.

The rules (专利法 第五十一条第二款; 专利审查指南 第五部分第十一章 §8; 财税〔2024〕23号 [S], see
docs/exchange.md):

* **patent years** run from the filing date: year *n* is ``[filing + (n−1) years, filing + n years − 1 day]``
  (专利法 第四十二条; the same count as :func:`zhichan.corpus.rights.term_end`);
* the annuity of year *n* falls due on the year's first day — the (n−1)-th filing anniversary, the
  date :mod:`zhichan.indicators.levers` reports (细则 第九十八条 adds six months' grace with a surcharge);
* the reduction is **15 %** of the annuity, for the annuities **not yet due at the 备案 date** that fall
  due **during the licence** (from its 备案 to its end): ``recorded_on < due ≤ licence end``;
* it **stops from the next patent year after withdrawal** (or revocation): a year whose annuity fell
  due on or before the withdrawal keeps it, every later year has none: ``due ≤ withdrawn_on``;
* it is **never stacked**: where another reduction applies (费减 for individuals and small entities
  …), only the most favourable one is used;
* a **compensated term** (专利法 第四十二条第二款、第三款) has annuities for its added time: the patentee pays an
  annuity for every year the right stands (第四十三条; 细则 第一百一十五条: a year's annuity before the previous year
  ends), and during the compensation has the same rights and obligations (细则 第八十三条). So patent years 21, 22 …
  of a compensated invention are years like the others (the last one ends with the compensated term, a year begun
  is a year due); the schedule has no band past year 20, so they take its last band's fee (a bureau whose schedule
  says otherwise passes its own).

Several licences recorded under one declaration cover the union of their windows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from zhichan.corpus.rights import term_end
from zhichan.legaltime.periods import add_years, last_day_of_years
from zhichan.money import format_money, grouped_amount

OPEN_LICENCE_RATE = Decimal("0.15")
CENT = Decimal("0.01")

#: 年费标准 (元/年) by patent kind — the fee schedule of 国家知识产权局 (2018, designs' years 11–15 from
#: 2021): (first year, last year, yuan). A bureau with another schedule passes its own to
#: :func:`reduction_schedule`.
ANNUITY_SCHEDULE: dict[str, tuple[tuple[int, int, Decimal], ...]] = {
    "invention": ((1, 3, Decimal(900)), (4, 6, Decimal(1200)), (7, 9, Decimal(2000)), (10, 12, Decimal(4000)),
                  (13, 15, Decimal(6000)), (16, 20, Decimal(8000))),
    "utility_model": ((1, 3, Decimal(600)), (4, 5, Decimal(900)), (6, 8, Decimal(1200)), (9, 10, Decimal(2000))),
    "design": ((1, 3, Decimal(600)), (4, 5, Decimal(900)), (6, 8, Decimal(1200)), (9, 10, Decimal(2000)),
               (11, 15, Decimal(3000))),
}


def annuity(kind: str, year: int, schedule: dict[str, tuple[tuple[int, int, Decimal], ...]] | None = None) -> Decimal:
    """The annuity of patent year ``year``; an invention's years past the schedule's last band (a compensated
    term, 专利法 第四十二条第二款、第三款 — only inventions are compensated) take the last band's fee."""
    bands = (schedule or ANNUITY_SCHEDULE)[kind]
    for first, last, yuan in bands:
        if first <= year <= last:
            return yuan
    if kind == "invention" and year > bands[-1][1]:
        return bands[-1][2]
    raise ValueError(f"no annuity for year {year} of a {kind}")


def patent_year(application_date: dt.date, year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of patent year ``year`` (1-based)."""
    return add_years(application_date, year - 1), last_day_of_years(application_date, year)


def patent_year_of(application_date: dt.date, day: dt.date) -> int:
    """The patent year ``day`` falls in."""
    year = day.year - application_date.year + 1
    while patent_year(application_date, year)[0] > day:
        year -= 1
    while patent_year(application_date, year)[1] < day:
        year += 1
    return year


@dataclass(frozen=True)
class Window:
    """A recorded licence's window: its 备案 date and its end."""

    recorded_on: dt.date
    until: dt.date


@dataclass(frozen=True)
class YearLine:
    year: int
    starts: dt.date
    ends: dt.date
    #: the annuity's due date (the year's first day)
    due: dt.date
    annuity: Decimal
    #: the rate applied (0 when none), and which reduction it is
    rate: Decimal
    reason_zh: str
    reason_en: str
    payable: Decimal

    @property
    def reduced_by(self) -> Decimal:
        return self.annuity - self.payable

    @property
    def arithmetic(self) -> str:
        return self.arithmetic_in("zh")

    def arithmetic_in(self, lang: str) -> str:
        """The year's sum in ``lang``: ``1,200 元`` / ``1,200 yuan``, or ``1,200 × (1 − 85%) = 180 元`` (an English
        page showed ``900 元``)."""
        if not self.rate:
            return format_money(self.annuity, lang)
        return f"{grouped_amount(self.annuity)} × (1 − {_pct(self.rate)}) = {format_money(self.payable, lang)}"


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def reduction_schedule(kind: str, application_date: dt.date, windows: Iterable[Window], *,
                       withdrawn_on: dt.date | None = None, other_rate: Decimal = Decimal(0),
                       from_year: int = 1, to_year: int | None = None, term_last_day: dt.date | None = None,
                       schedule: dict[str, tuple[tuple[int, int, Decimal], ...]] | None = None) -> list[YearLine]:
    """Each patent year from ``from_year`` to ``to_year`` (default: the last of the term) with its
    annuity, the reduction that applies and the amount payable. ``term_last_day``: the term's last day with
    its compensation (:attr:`zhichan.corpus.rights.RightStatus.term_end`; default the statutory term's) — a
    compensated term's last year ends with it. ``other_rate``: another reduction the patentee has (e.g.
    ``Decimal("0.85")`` 费减); the more favourable of the two applies, never both."""
    windows = list(windows)
    end_of_term = max(term_last_day or term_end(kind, application_date), term_end(kind, application_date))
    last = to_year or patent_year_of(application_date, end_of_term)
    lines = []
    for year in range(from_year, last + 1):
        starts, ends = patent_year(application_date, year)
        ends = min(ends, end_of_term) if starts <= end_of_term else ends
        due = starts
        fee = annuity(kind, year, schedule)
        covering = [w for w in windows if w.recorded_on < due <= w.until]
        stopped = withdrawn_on is not None and due > withdrawn_on
        open_rate = OPEN_LICENCE_RATE if covering and not stopped else Decimal(0)
        if open_rate and open_rate >= other_rate:
            rate = open_rate
            zh = f"开放许可实施期间（{min(w.recorded_on for w in covering)} 备案），减缴 {_pct(rate)}"
            en = f"open licence in force (recorded {min(w.recorded_on for w in covering)}): {_pct(rate)} off"
            if other_rate:
                zh += f"；另有 {_pct(other_rate)} 减缴，取较优者，不叠加"
                en += f"; the other reduction of {_pct(other_rate)} is less favourable and not added"
        elif other_rate:
            rate = other_rate
            zh, en = f"其他减缴 {_pct(rate)}", f"other reduction {_pct(rate)}"
            if open_rate:
                zh += "（优于开放许可 15%，不叠加）"
                en += " (more favourable than the open licence's 15 %, not added)"
        else:
            rate = Decimal(0)
            if stopped and covering:
                zh, en = f"开放许可已于 {withdrawn_on} 撤回，自下一专利年度起不再减缴", \
                    f"withdrawn on {withdrawn_on}: no reduction from the next patent year"
            elif any(w.recorded_on >= due for w in windows) and any(due <= w.until for w in windows):
                zh, en = "年费在备案前已到期，不减缴", "due before the licence was recorded: no reduction"
            else:
                zh, en = "不在开放许可实施期间", "no recorded open licence in force"
        payable = (fee * (1 - rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(YearLine(year, starts, ends, due, fee, rate, zh, en, payable))
    return lines
