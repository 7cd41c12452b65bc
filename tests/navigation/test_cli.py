"""The CLI end to end: import a chain, list, export, navigate, schedule, run-due."""

from __future__ import annotations

import datetime as dt

import yaml
from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.corpus.testing import build_snapshot

from .conftest import TEST_CHAIN, hand_events, hand_patents


def test_chains_and_navigate(settings, tmp_path):  # type: ignore[no-untyped-def]
    ps = hand_patents()
    build_snapshot(settings.data_dir, patents=list(ps.values()), events=hand_events(ps))
    chain_file = tmp_path / "testchain.yaml"
    chain_file.write_text(yaml.safe_dump(TEST_CHAIN, allow_unicode=True), "utf-8")
    runner = CliRunner()

    result = runner.invoke(app, ["chains", "import", str(chain_file)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["chains", "list"])
    assert "testchain" in result.output and "nev" in result.output
    result = runner.invoke(app, ["chains", "export", "testchain", "--out", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0 and (tmp_path / "t.xlsx").exists()

    out = tmp_path / "report.html"
    result = runner.invoke(app, ["navigate", "testchain", "--as-of", "2024-12-31", "--format", "html",
                                 "--out", str(out), "--generated-at", "2025-01-05T08:00:00"])
    assert result.exit_code == 0, result.output
    assert "专利 14 件，本地 5 件" in result.output
    assert "2025-01-05 08:00:00 UTC" in out.read_text("utf-8")

    result = runner.invoke(app, ["chains", "schedule", "testchain", "--format", "html"])
    assert result.exit_code == 0, result.output
    today = dt.date.today()
    result = runner.invoke(app, ["chains", "run-due", "--out", str(tmp_path / "q")])
    assert result.exit_code == 0, result.output
    assert "run 2" in result.output and any((tmp_path / "q").glob("testchain-5101-*.html"))
    result = runner.invoke(app, ["chains", "run-due", "--today", today.isoformat()])
    assert "没有到期的报告" in result.output


def test_bad_input_is_a_clear_error(settings):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    result = runner.invoke(app, ["navigate", "nev", "--as-of", "2024-13-01"])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in str(result.exception)
    result = runner.invoke(app, ["navigate", "nev", "--as-of", "2024-12-31", "--region", "51x"])
    assert "2/4/6" in str(result.exception)
    result = runner.invoke(app, ["chains", "show", "nosuchchain"])
    assert "nosuchchain" in str(result.exception)
