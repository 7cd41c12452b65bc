"""What an import tells its user: the wrong encoding named, Excel's damage explained, the file's own
column names in the rejects report, one record of the import in the history and in the snapshot,
and a non-zero exit when nothing was imported."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.corpus.helpers import write_csv
from zhichan.cli import app
from zhichan.corpus.importing import import_file
from zhichan.corpus.schema import TABLES
from zhichan.corpus.store import CorpusStore
from zhichan.settings import Settings

AS_OF = dt.date(2024, 6, 30)


@pytest.fixture
def gb18030_export(sample_csv: Path, tmp_path: Path) -> Path:
    path = tmp_path / "gbk.csv"
    path.write_bytes(sample_csv.read_text("utf-8-sig").encode("gb18030"))
    return path


@pytest.mark.parametrize("wrong", ["utf-8", "latin-1"])
def test_a_forced_wrong_encoding_names_the_right_one(store: CorpusStore, gb18030_export: Path, wrong: str) -> None:
    result = import_file(gb18030_export, store=store, encoding=wrong, as_of=AS_OF)
    assert result.nothing_imported and result.added == 0 and store.current_id() is None
    [reject] = result.rejects
    assert reject.row == 0 and "--encoding gb18030" in reject.reason and "缺少必需的列" not in reject.reason
    assert reject.reason.startswith(f"表头按 {wrong} 解码后不是可识别的列名")


def test_an_undecodable_header_with_no_encoding_that_fits_says_which_to_try(store: CorpusStore, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"\xff\xfe\xfd,x\n1,2\n")  # no encoding decodes it to the required columns
    result = import_file(path, store=store, encoding="utf-8", as_of=AS_OF)
    assert result.nothing_imported
    assert any("gb18030" in r.reason and "--encoding" in r.reason for r in result.rejects), result.rejects


def test_scientific_notation_gets_its_own_reason_and_the_fix(store: CorpusStore, sample_rows, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    header, rows = sample_rows
    mangled = list(rows[0])
    mangled[header.index("申请号")] = "2.02223E+11"
    path = write_csv(tmp_path / "excel.csv", header, [mangled, *rows[1:]])
    result = import_file(path, store=store, as_of=AS_OF)
    assert (result.added, result.rejected) == (9, 1)
    [reject] = result.rejects
    assert (reject.row, reject.column, reject.value) == (2, "申请号", "2.02223E+11")
    assert "科学计数法" in reject.reason and "文本" in reject.reason and "scientific notation" in reject.reason


def _chinese_part(reason: str) -> str:
    return reason.split(" / ")[0]


def test_rejects_name_the_files_own_columns_in_chinese_reasons(store: CorpusStore, sample_rows,  # type: ignore[no-untyped-def]
                                                              tmp_path: Path) -> None:
    header, rows = sample_rows
    col = {h: i for i, h in enumerate(header)}
    bad_date = list(rows[1])
    bad_date[col["申请日"]] = "2021-13-40"
    bad_count = list(rows[2])
    bad_count[col["简单同族数量"]] = "许多"
    no_title = list(rows[3])
    no_title[col["专利名称"]] = ""
    changed = list(rows[0])
    changed[col["专利名称"]] = "另一个名称"
    path = write_csv(tmp_path / "mixed.csv", header, [rows[0], bad_date, bad_count, no_title, changed])
    result = import_file(path, store=store, as_of=AS_OF)
    by_row = {r.row: r for r in result.rejects}
    assert (by_row[3].column, _chinese_part(by_row[3].reason)) == ("申请日", "申请日无法识别：2021-13-40")
    assert by_row[4].column == "简单同族数量" and _chinese_part(by_row[4].reason).startswith("简单同族数量不是")
    assert by_row[5].column == "专利名称" and "专利名称" in by_row[5].reason
    assert by_row[6].column == "申请号" and "申请号相同但内容不同" in by_row[6].reason
    field_names = {name for schema, _ in TABLES.values() for name in schema.names}
    for reject in result.rejects:
        assert reject.column not in field_names
        words = set(re.findall(r"[A-Za-z_]+", _chinese_part(reject.reason)))
        assert not words & field_names, reject.reason


def test_the_snapshot_manifest_and_the_history_hold_the_same_import_record(store: CorpusStore, sample_rows,  # type: ignore[no-untyped-def]
                                                                           tmp_path: Path) -> None:
    header, rows = sample_rows
    bad = [list(r) for r in rows[:5]]
    for row in bad:
        row[header.index("申请日")] = "不详"
    path = write_csv(tmp_path / "five_bad.csv", header, [*bad, *rows[5:]])
    result = import_file(path, store=store, as_of=AS_OF)
    assert (result.added, result.rejected) == (5, 5)
    [history] = store.history()
    manifest = store.current().manifest["import"]
    assert manifest == history
    assert (history["rejected"], history["snapshot_id"], history["status"]) == (5, store.current_id(), "completed")
    assert history["finished_at"] >= history["started_at"] and history["rejects_path"] == result.rejects_path


@pytest.mark.parametrize("content", [b"", b"\x00" * 300_000, bytes(range(256)) * 400, "申请号,申请日,专利名称\n".encode()])
def test_the_command_exits_non_zero_when_nothing_was_imported(settings: Settings, tmp_path: Path,
                                                              content: bytes) -> None:
    path = tmp_path / "nothing.csv"
    path.write_bytes(content)
    outcome = CliRunner().invoke(app, ["import", str(path)])
    assert outcome.exit_code == 1, outcome.output
    assert "nothing imported" in outcome.output
    last = CorpusStore(settings.corpus_dir).history()[-1]
    assert (last["file"], last["status"]) == ("nothing.csv", "rejected")


def test_the_command_exits_non_zero_on_a_wrong_encoding_and_zero_on_partial_success(
        settings: Settings, gb18030_export: Path, sample_rows, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    wrong = runner.invoke(app, ["import", str(gb18030_export), "--encoding", "latin-1"])
    assert wrong.exit_code == 1 and "--encoding gb18030" in wrong.output.replace("\n", "")
    header, rows = sample_rows
    bad = list(rows[0])
    bad[header.index("申请号")] = "2.02223E+11"
    partial = runner.invoke(app, ["import", str(write_csv(tmp_path / "p.csv", header, [bad, *rows[1:]]))])
    assert partial.exit_code == 0, partial.output
