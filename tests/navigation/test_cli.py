"""The CLI end to end: import a chain, list, export, navigate, schedule, run-due."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.corpus.testing import build_snapshot
from zhichan.legaltime import china_today

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
    assert "2025-01-05 16:00:00 北京时间（UTC+8）" in out.read_text("utf-8")  # 08:00 UTC, read in Beijing

    result = runner.invoke(app, ["chains", "schedule", "testchain", "--format", "html"])
    assert result.exit_code == 0, result.output
    today = china_today()
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


def test_out_is_a_file_for_one_report_and_a_folder_for_several(settings, tmp_path):  # type: ignore[no-untyped-def]
    """``--out x.pdf`` with several formats or languages is refused (it would have become a folder named
    x.pdf); one format in one language writes that file; a folder takes every report."""
    ps = hand_patents()
    build_snapshot(settings.data_dir, patents=list(ps.values()), events=hand_events(ps))
    runner = CliRunner()
    base = ["navigate", "nev", "--as-of", "2024-12-31", "--generated-at", "2025-01-05T08:00:00"]
    for extra in (["-f", "html", "-f", "docx"], ["-f", "html", "--lang", "zh", "--lang", "en"]):
        result = runner.invoke(app, [*base, *extra, "--out", str(tmp_path / "x.html")])
        assert result.exit_code != 0 and "须输出到目录" in str(result.exception), result.output
        assert "go to a folder" in str(result.exception) and not (tmp_path / "x.html").exists()
    result = runner.invoke(app, [*base, "-f", "docx", "--out", str(tmp_path / "x.html")])  # the wrong suffix
    assert result.exit_code != 0 and "does not end in .docx" in str(result.exception)
    result = runner.invoke(app, [*base, "-f", "html", "--lang", "en", "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.html").is_file()
    result = runner.invoke(app, [*base, "-f", "html", "--lang", "zh", "--lang", "en", "--out", str(tmp_path / "x.html")])
    assert result.exit_code != 0 and "names a file" in str(result.exception)  # an existing file is no folder
    result = runner.invoke(app, [*base, "-f", "html", "--lang", "zh", "--lang", "en", "--out", str(tmp_path / "both")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "both").iterdir())
    assert len(names) == 2 and sum(n.endswith(".en.html") for n in names) == 1, names


def test_chains_list_and_show_give_english_names_beside_the_chinese(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """`chains list` and `chains show` printed the Chinese names only."""
    from zhichan.navigation import cli as navigation_cli

    monkeypatch.setattr(navigation_cli.console, "width", 250)  # a wide terminal: no name is cut
    runner = CliRunner()
    listed = runner.invoke(app, ["chains", "list"])
    assert listed.exit_code == 0, listed.output
    assert "New energy vehicles" in listed.output and "English name" in listed.output, listed.output
    shown = runner.invoke(app, ["chains", "show", "nev"])
    assert shown.exit_code == 0, shown.output
    assert "New energy vehicles" in shown.output.splitlines()[0] and "English name" in shown.output, shown.output
