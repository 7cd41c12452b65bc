"""Today is Beijing's day, and a stored moment is shown as read in Beijing — on a server whose clock runs in UTC too.

The platform's clock is ``zhichan.legaltime.utcnow``; these tests set it to 17:00 UTC on 31 March 2026, which is
01:00 on 1 April in Beijing: a new day, and a new quarter. A default that took the machine's date
(``date.today()``) would read 31 March — or, as the tests do not move the machine's clock, whatever day they run on.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import zhichan
from zhichan.legaltime import periods

#: 17:00 UTC on 31 March 2026 = 01:00 on 1 April 2026 in Beijing
UTC_EVENING = dt.datetime(2026, 3, 31, 17, 0)
BEIJING_DAY = dt.date(2026, 4, 1)


@pytest.fixture
def after_midnight_in_beijing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(periods, "utcnow", lambda: UTC_EVENING)


def test_today_is_the_day_in_beijing(after_midnight_in_beijing: None) -> None:
    from zhichan.legaltime import china_today

    assert china_today() == BEIJING_DAY


def test_a_moment_is_shown_in_beijing_time() -> None:
    from zhichan.legaltime import china_time

    assert china_time(UTC_EVENING) == "2026-04-01 01:00"
    assert china_time(UTC_EVENING, "%Y-%m-%d") == "2026-04-01"
    assert china_time(UTC_EVENING.replace(tzinfo=dt.UTC), "%H:%M:%S") == "01:00:00"  # an aware moment alike
    assert china_time("2026-03-31T17:00:00Z") == china_time("2026-03-31T17:00:00") == "2026-04-01 01:00"  # as the API writes it
    beijing = dt.datetime(2026, 4, 1, 1, 0, tzinfo=periods.CST)
    assert china_time(beijing) == "2026-04-01 01:00"  # one already in China Standard Time stays as it is


def test_defaults_of_today_take_beijing_s_day(after_midnight_in_beijing: None) -> None:
    """The navigation reports' default quarter, the import's "not in the future" check: each on Beijing's day
    (the credit file's check: tests/credit/test_agencies.py)."""
    from zhichan.corpus.importers.columnar import ColumnarBatch
    from zhichan.corpus.validate import FieldError, parse_date
    from zhichan.navigation.views import default_as_of

    # 1 April in Beijing: the first quarter of 2026 has ended (on 31 March in UTC it had not)
    assert default_as_of() == dt.date(2026, 3, 31)
    # a record dated the day after Beijing's today is accepted (a day's grace for the source's clock), not two
    assert parse_date("2026-04-02", field="申请日") == dt.date(2026, 4, 2)
    with pytest.raises(FieldError):
        parse_date("2026-04-03", field="申请日")
    assert ColumnarBatch(["申请号"], {}).today == BEIJING_DAY


def test_the_data_end_is_never_after_beijing_s_day(after_midnight_in_beijing: None, settings) -> None:
    from tests.indicators.conftest import inv
    from zhichan.corpus.testing import build_snapshot
    from zhichan.indicators import service

    snap = build_snapshot(settings.data_dir, patents=[inv("late", application_date="2025-05-01",
                                                          source_date="2030-01-01")])
    assert service.data_as_of(snap) == BEIJING_DAY


def test_no_page_formats_a_stored_moment_itself() -> None:
    """Every template shows a moment through the ``china_time`` filter: a stored moment is naive UTC, and its own
    ``strftime`` showed officers a time eight hours early (and, from 16:00 UTC, yesterday's date)."""
    root = Path(zhichan.__file__).parent
    offenders = [f"{path.relative_to(root)}: {m.group(0)}" for path in sorted(root.rglob("*.html"))
                 for m in re.finditer(r"\{\{[^}]*\.(strftime|isoformat)\([^}]*\}\}", path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_module_takes_the_machine_s_date() -> None:
    """``date.today()`` (and a UTC moment's own date) is yesterday in Beijing from 16:00 to 24:00 UTC."""
    root = Path(zhichan.__file__).parent
    pattern = re.compile(r"date\.today\(\)|utcnow\(\)\.date\(\)|now\([^)]*\)\.date\(\)")
    offenders = [f"{path.relative_to(root)}:{n}" for path in sorted(root.rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line.split("#")[0]) and "``" not in line]
    assert offenders == []
