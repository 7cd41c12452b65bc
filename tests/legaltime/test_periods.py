"""Spans of whole years (a patent term, a patent year) from the one legal-time module."""

from __future__ import annotations


def test_a_span_of_whole_years_ends_the_day_before_the_anniversary() -> None:
    import datetime as dt

    from zhichan.legaltime import last_day_of_years

    assert last_day_of_years(dt.date(1999, 9, 6), 20) == dt.date(2019, 9, 5)
    assert last_day_of_years(dt.date(2016, 2, 29), 1) == dt.date(2017, 2, 27)
