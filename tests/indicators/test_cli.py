"""The `zhichan indicators` commands on a hand-built corpus (the real CLI, in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.corpus.store import CorpusStore
from zhichan.corpus.testing import build_snapshot

from .conftest import inv

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def corpus(settings):
    build_snapshot(settings.data_dir, patents=[
        inv("ten", application_date="2014-01-15"),
        inv("hv", application_date="2019-01-01", sei_codes=["1.1"], applicants=["成都乙公司"]),
    ])
    assert CorpusStore().current_id() is not None
    return settings


def test_list_compute_drill_plan_levers(corpus, tmp_path):
    runner = CliRunner(env={"COLUMNS": "300"})
    out = runner.invoke(app, ["indicators", "list"])
    assert out.exit_code == 0 and "每万人口高价值发明专利拥有量" in out.output

    out = runner.invoke(app, ["indicators", "compute", "-r", "5101", "-c", "valid_inventions", "-c", "high_value_inventions",
                              "--as-of", "2023-12-31", "--xlsx", str(tmp_path / "v.xlsx")])
    assert out.exit_code == 0, out.output
    assert "有效发明专利拥有量" in out.output and (tmp_path / "v.xlsx").exists()
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "v.xlsx", read_only=True)
    rows = list(book["indicators"].iter_rows(values_only=True))
    book.close()
    assert [(r[0], r[2], r[6]) for r in rows[1:]] == [("valid_inventions", "5101", 2), ("high_value_inventions", "5101", 1)]

    out = runner.invoke(app, ["indicators", "compute", "--level", "county", "--parent", "5101", "-c",
                              "valid_inventions", "--as-of", "2023-12-31"])
    assert out.exit_code == 0 and "武侯区" in out.output and "1/" in out.output
    assert "Wuhou" in out.output  # the region in both languages, as the CLI's messages

    out = runner.invoke(app, ["indicators", "drill", "high_value_inventions", "-r", "510107", "--as-of", "2023-12-31",
                              "--out", str(tmp_path / "d.csv")])
    assert out.exit_code == 0
    assert len((tmp_path / "d.csv").read_text("utf-8-sig").splitlines()) == 2

    out = runner.invoke(app, ["indicators", "plan", str(ROOT / "zhichan" / "indicators" / "shipped_plans" / "national-14th-fyp.yaml"), "--as-of", "2023-12-31"])
    assert out.exit_code == 0, out.output
    assert "每万人口高价值发明专利拥有量" in out.output

    out = runner.invoke(app, ["indicators", "levers", "ten-years", "-r", "5101", "--as-of", "2023-12-31"])
    assert out.exit_code == 0 and "ten" in out.output and ": 1" in out.output
    out = runner.invoke(app, ["indicators", "levers", "annuity", "-r", "5101", "--months", "1", "--as-of", "2023-12-31"])
    assert out.exit_code == 0 and ": 2" in out.output  # 01-01 and 01-15 anniversaries
    out = runner.invoke(app, ["indicators", "levers", "top", "valid_inventions", "-r", "5101", "--as-of", "2023-12-31"])
    assert out.exit_code == 0 and "成都乙公司" in out.output


def test_errors_are_messages_not_tracebacks(corpus):
    import sys

    from zhichan.cli import main

    argv = sys.argv
    sys.argv = ["zhichan", "indicators", "compute", "-c", "nonsense", "--as-of", "2023-12-31"]
    try:
        with pytest.raises(SystemExit) as exc:
            main()
    finally:
        sys.argv = argv
    assert exc.value.code == 2
