"""The corpus summary `zhichan demo` and `zhichan corpus summary` print: bilingual like every CLI."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from zhichan.corpus.summary import corpus_summary
from zhichan.corpus.testing import build_snapshot, patent


def test_summary_names_provinces_in_both_languages(tmp_path: Path) -> None:
    snapshot = build_snapshot(tmp_path, patents=[
        patent(serial=1), patent(serial=2, region_code="330106"),
        patent(serial=3, region_code=None, applicant_country="US"),
    ])
    provinces = dict(corpus_summary(snapshot)["breakdowns"]["省份 / province (top 10)"])
    assert provinces["四川省 Sichuan (51)"] == 1
    assert provinces["浙江省 Zhejiang (33)"] == 1
    assert provinces["(境外/未知 foreign/unknown)"] == 1


def test_corpus_summary_command_prints_both_names(tmp_path: Path, monkeypatch) -> None:
    build_snapshot(tmp_path, patents=[patent(serial=1)])
    monkeypatch.setenv("ZHICHAN_DATA_DIR", str(tmp_path))
    from zhichan.cli import app
    from zhichan.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["corpus", "summary"], env={"COLUMNS": "200"})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "四川省 Sichuan (51)" in result.output


def test_summary_names_event_types_in_both_languages(tmp_path: Path) -> None:
    from zhichan.corpus.testing import event

    first = patent(serial=1)
    snapshot = build_snapshot(tmp_path, patents=[first],
                              events=[event(first["application_number"], "pledge_release", "2021-01-01")])
    events = dict(corpus_summary(snapshot)["breakdowns"]["事件 / events"])
    assert events == {"质押解除 Pledge released": 1}
