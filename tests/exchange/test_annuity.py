"""The open-licence annuity reduction, worked out by hand (the figures below are typed, not computed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhichan.exchange.annuity import Window, annuity, patent_year, patent_year_of, reduction_schedule

D = dt.date
FILED = D(2018, 3, 10)
#: recorded 2026-03-20, licence until 2029-03-31
LICENCE = Window(D(2026, 3, 20), D(2029, 3, 31))


def _payable(lines) -> dict[int, Decimal]:
    return {line.year: line.payable for line in lines}


def test_patent_years_run_from_the_filing_date() -> None:
    assert patent_year(FILED, 1) == (D(2018, 3, 10), D(2019, 3, 9))
    assert patent_year(FILED, 9) == (D(2026, 3, 10), D(2027, 3, 9))
    assert patent_year(D(2020, 2, 29), 2) == (D(2021, 2, 28), D(2022, 2, 27))
    assert patent_year_of(FILED, D(2026, 3, 9)) == 8
    assert patent_year_of(FILED, D(2026, 3, 10)) == 9
    assert (annuity("invention", 9), annuity("invention", 10), annuity("design", 11)) == (2000, 4000, 3000)


def test_fifteen_percent_from_the_first_annuity_due_after_recording_to_the_licence_end() -> None:
    lines = reduction_schedule("invention", FILED, [LICENCE], from_year=9, to_year=13)
    # year 9 fell due 2026-03-10, before the 备案 of 2026-03-20: full fee
    # years 10-12 fall due 2027-03-10, 2028-03-10, 2029-03-10 — inside the licence: 4000 × 0.85 = 3400
    # year 13 falls due 2030-03-10, after the licence ended 2029-03-31: 6000
    assert _payable(lines) == {9: Decimal("2000.00"), 10: Decimal("3400.00"), 11: Decimal("3400.00"),
                               12: Decimal("3400.00"), 13: Decimal("6000.00")}
    assert lines[1].arithmetic == "4,000 × (1 − 15%) = 3,400 元"
    assert lines[1].arithmetic_in("en") == "4,000 × (1 − 15%) = 3,400 yuan"
    assert "备案前已到期" in lines[0].reason_zh


def test_withdrawal_mid_year_keeps_that_year_and_stops_from_the_next() -> None:
    # withdrawn 2028-09-01, in patent year 11 (2028-03-10 … 2029-03-09): year 11 was due 2028-03-10 and keeps
    # its reduction; year 12 (due 2029-03-10) pays in full although the licence itself runs to 2029-03-31
    lines = reduction_schedule("invention", FILED, [LICENCE], withdrawn_on=D(2028, 9, 1), from_year=10, to_year=12)
    assert _payable(lines) == {10: Decimal("3400.00"), 11: Decimal("3400.00"), 12: Decimal("4000.00")}
    assert "自下一专利年度起不再减缴" in lines[2].reason_zh
    # withdrawn on the day year 12 falls due: that annuity was due on the withdrawal day, so it keeps it
    on_the_day = reduction_schedule("invention", FILED, [LICENCE], withdrawn_on=D(2029, 3, 10), from_year=12, to_year=12)
    assert _payable(on_the_day) == {12: Decimal("3400.00")}


def test_never_stacked_with_another_reduction() -> None:
    # 费减 of 85 %: 4000 × (1 − 0.85) = 600.00 — not 4000 × 0.15 × 0.85 = 510.00
    better = reduction_schedule("invention", FILED, [LICENCE], other_rate=Decimal("0.85"), from_year=10, to_year=10)
    assert _payable(better) == {10: Decimal("600.00")}
    assert "不叠加" in better[0].reason_zh
    # a smaller other reduction (10 %): the open licence's 15 % applies alone: 3400.00, not 4000 × 0.75
    smaller = reduction_schedule("invention", FILED, [LICENCE], other_rate=Decimal("0.10"), from_year=10, to_year=10)
    assert _payable(smaller) == {10: Decimal("3400.00")}
    assert "不叠加" in smaller[0].reason_zh


def test_several_licences_cover_the_union_of_their_windows() -> None:
    first = Window(D(2026, 3, 20), D(2027, 6, 30))  # covers year 10 (due 2027-03-10)
    second = Window(D(2028, 5, 1), D(2030, 12, 31))  # covers years 12 and 13 (due 2029-03-10, 2030-03-10)
    lines = reduction_schedule("invention", FILED, [first, second], from_year=10, to_year=13)
    assert _payable(lines) == {10: Decimal("3400.00"), 11: Decimal("4000.00"), 12: Decimal("3400.00"),
                               13: Decimal("5100.00")}  # 6000 × 0.85


def test_a_utility_model_stops_at_its_term() -> None:
    lines = reduction_schedule("utility_model", FILED, [Window(D(2025, 1, 1), D(2028, 3, 9))])
    assert [line.year for line in lines] == list(range(1, 11))
    assert _payable(lines)[9] == Decimal("1700.00")  # due 2026-03-10: 2000 × 0.85
    assert _payable(lines)[10] == Decimal("1700.00")  # due 2027-03-10


def test_a_compensated_term_has_annuities_for_its_added_years() -> None:
    """专利法 第四十二条第二款、第四十三条; 细则 第八十三条: the compensated years are years of the patent, annuity due
    on each one's first day; the schedule's last band carries on past year 20."""
    filed = D(2006, 4, 1)  # statutory term to 2026-03-31; compensated by 500 days to 2027-08-13
    statutory = reduction_schedule("invention", filed, [])
    assert statutory[-1].year == 20 and statutory[-1].ends == D(2026, 3, 31)
    lines = reduction_schedule("invention", filed, [LICENCE], term_last_day=D(2027, 8, 13), from_year=20)
    assert [(line.year, line.starts, line.ends, line.due, line.annuity) for line in lines] == [
        (20, D(2025, 4, 1), D(2026, 3, 31), D(2025, 4, 1), Decimal(8000)),
        (21, D(2026, 4, 1), D(2027, 3, 31), D(2026, 4, 1), Decimal(8000)),
        (22, D(2027, 4, 1), D(2027, 8, 13), D(2027, 4, 1), Decimal(8000)),  # a year begun is a year due
    ]
    # due before the licence's recording (2026-03-20): none off; due during it: 15 % off
    assert _payable(lines) == {20: Decimal(8000), 21: Decimal("6800.00"), 22: Decimal("6800.00")}
    assert annuity("invention", 23) == 8000
    with pytest.raises(ValueError):  # only inventions are compensated
        annuity("utility_model", 11)
