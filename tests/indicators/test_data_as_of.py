"""The default as-of date is the last date the corpus describes, not today (issue: Shenzhen showed
质押融资 0 元 −100 % because the data end on 2025-12-31 while the pages counted up to today)."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.corpus.testing import build_snapshot
from zhichan.indicators import service
from zhichan.legaltime import china_today

from .conftest import inv


def test_data_as_of_is_the_latest_source_date(settings):
    snap = build_snapshot(settings.data_dir, patents=[
        inv("old", application_date="2019-03-01", source_date="2024-06-30"),
        inv("new", application_date="2025-05-01", legal_status="under_examination", grant_date=None, source_date="2025-12-31"),
    ])
    assert service.data_as_of(snap) == dt.date(2025, 12, 31)
    assert service.last_complete_year(dt.date(2025, 12, 31)) == 2025
    assert service.last_complete_year(dt.date(2025, 12, 30)) == 2024
    coverage = service.as_of_coverage(dt.date(2026, 3, 1), dt.date(2025, 12, 31), None)
    assert coverage["after_data_end"] and coverage["year_incomplete"] and coverage["year"] == 2026
    assert not service.as_of_coverage(dt.date(2025, 12, 31), dt.date(2025, 12, 31), None)["year_incomplete"]
    # filings are published ~18 months later: at a data end of 2025-12-31, 2024 and 2025 read low
    assert service.as_of_coverage(dt.date(2025, 12, 31), dt.date(2025, 12, 31), None)["lagging_years"] == [2024, 2025]
    assert service.as_of_coverage(dt.date(2024, 6, 30), dt.date(2025, 12, 31), None)["lagging_years"] == [2024]
    assert service.as_of_coverage(dt.date(2022, 12, 31), dt.date(2025, 12, 31), None)["lagging_years"] == []


def test_records_without_a_source_date_count_by_their_latest_date(settings):
    snap = build_snapshot(settings.data_dir, patents=[inv("a", application_date="2018-03-01", grant_date="2020-07-09")])
    assert service.data_as_of(snap) == dt.date(2020, 7, 9)


def test_cli_defaults_to_the_data_end(settings):
    build_snapshot(settings.data_dir, patents=[
        inv("filed", application_date="2025-05-01", legal_status="under_examination", grant_date=None, source_date="2025-12-31"),
    ])
    runner = CliRunner(env={"COLUMNS": "300"})
    out = runner.invoke(app, ["indicators", "compute", "-r", "5101", "-c", "patent_applications"])
    assert out.exit_code == 0, out.output
    assert "2025-12-31" in out.output and china_today().isoformat() not in out.output
    # the 2025 filing counts (at today's date the year-to-date flow of a later year would be 0)
    assert any(line.split("│")[3].strip() == "1" for line in out.output.splitlines() if "专利申请量" in line)


def test_the_platforms_own_records_in_the_corpus_do_not_move_the_data_end(settings):
    """A pledge registered today and exported into the corpus (source 'platform:finance') is the platform's record,
    not patent data: the footer's 'patent data through' stayed 2025-12-31, not today."""
    from zhichan.corpus.testing import event
    from zhichan.finance.export import SOURCE

    snap = build_snapshot(settings.data_dir, patents=[
        inv("a", application_date="2025-05-01", legal_status="under_examination", grant_date=None, source_date="2025-12-31"),
    ], events=[event("a", "pledge", china_today(), source=SOURCE, source_date=china_today(), party_from="甲", party_to="乙")])
    assert service.data_as_of(snap) == dt.date(2025, 12, 31)
