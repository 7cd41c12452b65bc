"""An outsider's check of priority examination under 令85号 (RULES.md rule 4): the applicant's response
period — an invention's 1 month (令76号 gave 2), a utility model's or design's 15 days — from the opinion's
receipt (专利法实施细则 第四条: by post, presumed 15 days after sending), worked by hand around National
Day 2026, a month-end and a make-up Saturday."""

from __future__ import annotations

import datetime as dt

import pytest

from zhichan.services.priority import response_deadline

D = dt.date


@pytest.mark.parametrize(("subject", "sent", "kwargs", "last_day", "why"), [
    ("invention", D(2026, 8, 31), {"electronic": True}, D(2026, 9, 30),
     "received the day it was sent; 31 August + 1 month = 30 September (第五条: the month's last day)"),
    ("invention", D(2026, 8, 17), {}, D(2026, 10, 8),
     "posted: presumed received 1 September; + 1 month = 1 October, National Day (1–7) → Thursday 8 October"),
    ("invention", D(2026, 9, 1), {"received_on": D(2026, 9, 4)}, D(2026, 10, 8),
     "proven receipt 4 September: + 1 month = 4 October, a holiday → 8 October"),
    ("invention", D(2026, 1, 16), {}, D(2026, 2, 28),
     "presumed received 31 January; + 1 month = 28 February, a make-up Saturday: a working day, it stays"),
    ("utility_model", D(2026, 9, 15), {}, D(2026, 10, 15),
     "presumed received 30 September (not moved: a presumed day is no deadline); + 15 days = Thursday 15 October"),
    ("design", D(2026, 9, 20), {"electronic": True}, D(2026, 10, 8),
     "sent on a make-up Sunday; + 15 days = 5 October, a holiday → 8 October"),
])
def test_response_periods_from_receipt(subject: str, sent: dt.date, kwargs: dict, last_day: dt.date, why: str) -> None:
    assert response_deadline(subject, sent, **kwargs) == last_day, why


def test_no_response_period_for_reexamination_and_no_receipt_before_sending() -> None:
    with pytest.raises(ValueError):
        response_deadline("reexamination", D(2026, 9, 1))
    with pytest.raises(ValueError):
        response_deadline("invention", D(2026, 9, 10), received_on=D(2026, 9, 9))


def test_the_cli_prints_the_last_day() -> None:
    from typer.testing import CliRunner

    from zhichan.services.cli import app

    result = CliRunner().invoke(app, ["priority-response", "invention", "2026-08-17"])
    assert result.exit_code == 0 and "2026-10-08" in result.output
    result = CliRunner().invoke(app, ["priority-response", "reexamination", "2026-08-17"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["priority-deadlines", "invention", "2026-08-17"])
    # 45 days end on National Day (1 Oct) → the next working day (the year's closure needs 2027's schedule)
    assert result.exit_code == 0 and "first action: 2026-10-08" in result.output and "closure: " in result.output
    result = CliRunner().invoke(app, ["priority-deadlines", "invention", "2026-13-01"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output and "Traceback" not in result.output
