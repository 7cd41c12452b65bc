"""``zhichan index build|status`` and ``zhichan search`` on a configured data directory."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.corpus.testing import build_snapshot
from zhichan.search.errors import QuerySyntaxError
from zhichan.settings import Settings

from . import corpus


def test_index_build_status_search_and_export(settings: Settings) -> None:
    build_snapshot(settings.data_dir, patents=corpus.patents(), events=corpus.events())
    runner = CliRunner()
    missing = runner.invoke(app, ["index", "status"])
    assert missing.exit_code == 1 and "zhichan index build" in missing.output
    built = runner.invoke(app, ["index", "build"])
    assert built.exit_code == 0, built.output
    status = runner.invoke(app, ["index", "status"])
    assert status.exit_code == 0 and "documents" in status.output and "16" in status.output
    found = runner.invoke(app, ["search", "TI=电池 AND AD>=2020", "--facets", "--sort", "date_desc"])
    assert found.exit_code == 0, found.output
    assert "3 件" in found.output and "成都市 (3)" in found.output
    out = settings.data_dir / "hits.xlsx"
    exported = runner.invoke(app, ["search", "NOT 电池", "--export", str(out)])
    assert exported.exit_code == 0, exported.output
    assert out.exists() and "12" in exported.output


def test_search_syntax_error_shows_position(settings: Settings) -> None:
    build_snapshot(settings.data_dir, patents=corpus.patents()[:2])
    result = CliRunner().invoke(app, ["search", "TI=(电池"])
    assert result.exit_code != 0
    assert isinstance(result.exception, QuerySyntaxError) and result.exception.position == 7
    assert "TI=(电池\n        ^" in result.output  # 电池 is four terminal columns wide


def test_similar_by_number_and_by_text(settings: Settings) -> None:
    build_snapshot(settings.data_dir, patents=corpus.patents(), events=corpus.events())
    runner = CliRunner()
    assert runner.invoke(app, ["index", "build"]).exit_code == 0
    first = corpus.an("202110000001")
    by_number = runner.invoke(app, ["similar", first, "--k", "3"])
    assert by_number.exit_code == 0, by_number.output
    assert "相似" in by_number.output
    rows = [line for line in by_number.output.splitlines() if "CN20" in line and first not in line]
    assert len(rows) == 3
    by_text = runner.invoke(app, ["similar", "--text", "锂离子电池负极材料的制备", "--k", "2"])
    assert by_text.exit_code == 0 and first in by_text.output
    both = runner.invoke(app, ["similar", first, "--text", "x"])
    assert both.exit_code != 0


def test_search_and_export_take_the_web_facet_filters(settings: Settings, ref_rows: list[dict[str, Any]]) -> None:
    from zhichan.search.oracle import filter_rows
    from zhichan.search.parser import parse

    both = len(filter_rows(parse("TI=电池 AND RC=5101 AND TYPE=invention"), ref_rows))
    city = len(filter_rows(parse("TI=电池 AND RC=5101"), ref_rows))
    assert both < city
    build_snapshot(settings.data_dir, patents=corpus.patents(), events=corpus.events())
    runner = CliRunner()
    assert runner.invoke(app, ["index", "build"]).exit_code == 0
    narrowed = runner.invoke(app, ["search", "TI=电池", "--filter", "city:5101", "--filter", "kind:invention"])
    assert narrowed.exit_code == 0, narrowed.output
    assert "TYPE=invention" in narrowed.output and f"{both} 件" in narrowed.output
    out = settings.data_dir / "narrowed.csv"
    exported = runner.invoke(app, ["search", "TI=电池", "--filter", "city:5101", "--export", str(out)])
    assert exported.exit_code == 0 and f"已导出 {city} 条" in exported.output
    bad = runner.invoke(app, ["search", "TI=电池", "--filter", "colour:red"])
    assert bad.exit_code != 0


def test_an_english_query_with_no_hit_gets_the_chinese_suggestion(settings: Settings) -> None:
    build_snapshot(settings.data_dir, patents=corpus.patents(), events=corpus.events())
    runner = CliRunner()
    assert runner.invoke(app, ["index", "build"]).exit_code == 0
    found = runner.invoke(app, ["search", "TI=semiconductor"])
    assert found.exit_code == 0 and "0 件" in found.output
    assert "TI=半导体" in found.output and "IPC=H01L" in found.output
    assert "英文" not in runner.invoke(app, ["search", "TI=不存在"]).output


def test_search_marks_estimated_facets_and_counts_exactly_on_request(settings: Settings, monkeypatch) -> None:
    from zhichan.settings import get_settings

    build_snapshot(settings.data_dir, patents=corpus.patents(), events=corpus.events())
    runner = CliRunner()
    assert runner.invoke(app, ["index", "build"]).exit_code == 0
    exact = runner.invoke(app, ["search", "AD>=1900", "--facets"])
    assert exact.exit_code == 0 and "约" not in exact.output
    monkeypatch.setenv("ZHICHAN_SEARCH_FACETS_EXACT_MAX_HITS", "8")  # the corpus: 16 patents
    get_settings.cache_clear()
    estimated = runner.invoke(app, ["search", "AD>=1900", "--facets"])
    assert estimated.exit_code == 0, estimated.output
    assert "分面为估算（约）" in estimated.output and "--exact-facets" in estimated.output and "(约 " in estimated.output
    asked = runner.invoke(app, ["search", "AD>=1900", "--facets", "--exact-facets"])
    assert asked.exit_code == 0 and "约" not in asked.output

    def facet_lines(output: str) -> list[str]:
        return [line for line in output.splitlines() if line.split(":")[0] in ("year", "ipc", "city", "kind")]

    assert facet_lines(asked.output) == facet_lines(exact.output) and len(facet_lines(exact.output)) == 4
    get_settings.cache_clear()


def test_index_build_updates_the_last_build_unless_told_full(settings: Settings) -> None:
    patents = corpus.patents()
    build_snapshot(settings.data_dir, patents=patents, events=corpus.events())
    runner = CliRunner()
    assert runner.invoke(app, ["index", "build"]).exit_code == 0
    build_snapshot(settings.data_dir, patents=patents[:-1], events=corpus.events())  # one patent left
    updated = runner.invoke(app, ["index", "build"])
    assert updated.exit_code == 0, updated.output
    assert "incremental" in updated.output and "0 added, 1 deleted" in updated.output
    full = runner.invoke(app, ["index", "build", "--full"])
    assert full.exit_code == 0 and "incremental" not in full.output, full.output
    assert "15" in full.output
