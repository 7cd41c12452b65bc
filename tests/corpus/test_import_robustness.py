"""Bad input never loses good rows: rejects carry file, row, column, value and reason."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.corpus.helpers import write_csv
from zhichan.corpus.importing import import_file
from zhichan.corpus.store import CorpusStore
from zhichan.corpus.validate import application_number_with_check

AS_OF = dt.date(2024, 6, 30)


def _numbers(store: CorpusStore) -> set[str]:
    con = store.current().connect()
    return {r[0] for r in con.execute("SELECT application_number FROM patents").fetchall()}


def _reasons(result, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.reason for r in result.rejects if r.row == row]


def test_bad_rows_are_rejected_and_good_rows_kept(store, sample_rows, tmp_path: Path) -> None:
    header, rows = sample_rows
    col = {h: i for i, h in enumerate(header)}
    bad_check = list(rows[0])
    bad_check[col["申请号"]] = "CN202223220665.3"  # check character should be 2
    bad_date = list(rows[1])
    bad_date[col["申请日"]] = "20211340"
    bad_ipc = list(rows[2])
    bad_ipc[col["分类号"]] = "H04N7/18;XYZ"
    bad_kind = list(rows[3])
    bad_kind[col["专利类型"]] = "商标"
    no_title = list(rows[4])
    no_title[col["专利名称"]] = ""
    good = rows[5:]
    path = write_csv(tmp_path / "mixed.csv", header, [bad_check, bad_date, bad_ipc, bad_kind, no_title, *good])

    result = import_file(path, store=store, as_of=AS_OF)

    assert result.added == 5 and result.rejected == 5
    assert _numbers(store) == {r[col["申请号"]] for r in good}
    by_row = {r.row: r for r in result.rejects}
    assert by_row[2].column == "申请号" and by_row[2].value == "CN202223220665.3" and "校验位" in by_row[2].reason
    assert by_row[3].column == "申请日" and by_row[3].value == "20211340"
    assert by_row[4].column == "分类号" and "IPC" in by_row[4].reason
    assert by_row[5].column == "专利类型" and "专利类型" in by_row[5].reason
    assert by_row[6].column == "专利名称" and "必填字段为空：专利名称" in by_row[6].reason
    assert all(r.file == "mixed.csv" for r in result.rejects)
    report = Path(result.rejects_path or "").read_text("utf-8-sig")
    assert report.splitlines()[0] == "file,row,column,value,reason" and "CN202223220665.3" in report


def test_duplicate_rows_are_reported_not_doubled(store, sample_rows, tmp_path: Path) -> None:
    header, rows = sample_rows
    changed = list(rows[1])
    changed[header.index("专利名称")] = "另一个名称"
    path = write_csv(tmp_path / "dups.csv", header, [rows[0], rows[0], rows[1], changed])
    result = import_file(path, store=store, as_of=AS_OF)
    assert result.added == 2 and result.rejected == 2
    assert "完全相同" in _reasons(result, 3)[0]
    assert "内容不同" in _reasons(result, 5)[0]
    con = store.current().connect()
    assert con.execute("SELECT title FROM patents WHERE application_number = 'CN202122975192.6'").fetchone() == (
        "一种可拍照便携式实时语音播报端测摄像头",)


def test_truncated_file_keeps_complete_rows(store, sample_csv: Path, tmp_path: Path) -> None:
    data = sample_csv.read_bytes()
    cut = data[: int(len(data) * 0.93)]  # ends inside the last record
    path = tmp_path / "truncated.csv"
    path.write_bytes(cut)
    result = import_file(path, store=store, as_of=AS_OF)
    assert result.added == 9 and result.rejected == 1
    assert "截断" in result.rejects[0].reason or "列数" in result.rejects[0].reason


def test_wrong_encoding_is_rejected_per_row_when_forced(store, sample_csv: Path, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(sample_csv.read_text("utf-8-sig").encode("gb18030"))
    result = import_file(path, store=store, encoding="utf-8", as_of=AS_OF)
    assert result.added == 0
    assert result.rejects and all("编码" in r.reason or "decod" in r.reason for r in result.rejects)
    assert store.current_id() is None  # nothing imported, nothing switched


def test_a_few_corrupt_bytes_reject_only_their_row(store, sample_csv: Path, tmp_path: Path) -> None:
    lines = sample_csv.read_bytes().split(b"\n")
    lines[3] = lines[3].replace("无人机".encode(), b"\xff\xfe\xfd", 1)  # row 4 of the file
    path = tmp_path / "corrupt.csv"
    path.write_bytes(b"\n".join(lines))
    result = import_file(path, store=store, encoding="utf-8", as_of=AS_OF)
    assert result.added == 9 and [r.row for r in result.rejects] == [4]


def test_empty_file_and_header_only(store, sample_rows, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = import_file(empty, store=store, as_of=AS_OF)
    assert result.rows_read == 0 and result.rejects[0].row == 0 and "为空" in result.rejects[0].reason
    header, _ = sample_rows
    only = write_csv(tmp_path / "header.csv", header, [])
    result = import_file(only, store=store, as_of=AS_OF)
    assert result.rows_read == 0 and "只有表头" in result.rejects[0].reason
    assert store.current_id() is None
    assert [h["file"] for h in store.history()] == ["empty.csv", "header.csv"]


def test_missing_required_columns(store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "other.csv", ["名称", "日期"], [["x", "20200101"]])
    result = import_file(path, store=store, as_of=AS_OF)
    assert result.added == 0 and "申请号" in result.rejects[0].column and "缺少" in result.rejects[0].reason


def test_reimport_is_idempotent_and_history_counts(store, sample_csv: Path) -> None:
    first = import_file(sample_csv, store=store, as_of=AS_OF)
    snapshot = store.current_id()
    second = import_file(sample_csv, store=store, as_of=AS_OF)
    assert (second.added, second.updated, second.unchanged, second.snapshot_id) == (0, 0, 10, None)
    assert store.current_id() == snapshot
    history = store.history()
    assert [(h["added"], h["unchanged"]) for h in history] == [(10, 0), (0, 10)]
    assert history[0]["snapshot_id"] == first.snapshot_id


def test_newer_record_replaces_older_and_older_is_stale(store, sample_rows, tmp_path: Path) -> None:
    header, rows = sample_rows
    col = header.index("法律状态")
    import_file(write_csv(tmp_path / "a.csv", header, rows), store=store, as_of=dt.date(2024, 1, 1))
    lapsed = list(rows[0])
    lapsed[col] = "无权-未缴年费"
    lapsed[header.index("失效日期")] = "20240301"
    newer = import_file(write_csv(tmp_path / "b.csv", header, [lapsed]), store=store, as_of=dt.date(2024, 6, 1))
    assert (newer.updated, newer.added) == (1, 0)
    con = store.current().connect()
    assert con.execute(
        "SELECT legal_status, lapse_date FROM patents WHERE application_number='CN202223220665.2'"
    ).fetchone() == ("lapsed_unpaid", dt.date(2024, 3, 1))
    assert con.execute("SELECT count(*) FROM patents").fetchone() == (10,)
    older = import_file(write_csv(tmp_path / "c.csv", header, [rows[0]]), store=store, as_of=dt.date(2023, 1, 1))
    assert (older.stale, older.updated) == (1, 0)
    assert store.current().connect().execute(
        "SELECT legal_status FROM patents WHERE application_number='CN202223220665.2'").fetchone() == ("lapsed_unpaid",)


def _field_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=30),
        st.sampled_from(["", "0", "20221202", "2022-13-40", "CN202223220665.2", "H01M4/13", "有权-审定授权", "河南(41)",
                         "发明公开", "a;b;;c", "\ufeff", "=1+1", '"', "\r\n"]),
    )


# 20 draws a run, each a whole import into a store of its own (~0.25 CPU-s; 40 made it one of the
# suite's longest tests): each run draws anew (a clean clone has no example database; a local one
# replays its failures first), so the rows tried over the runs keep growing
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.lists(st.lists(_field_text(), min_size=0, max_size=70), min_size=1, max_size=6))
def test_random_rows_never_crash_and_never_lose_the_good_row(tmp_path: Path, sample_rows, junk) -> None:  # type: ignore[no-untyped-def]
    header, rows = sample_rows
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    store = CorpusStore(folder / "corpus")
    path = write_csv(folder / "junk.csv", header, [rows[0], *junk])
    result = import_file(path, store=store, as_of=AS_OF)
    assert "CN202223220665.2" in _numbers(store)
    non_blank = [row for row in junk if any(cell.strip() for cell in row)]
    assert result.added + result.rejected == 1 + len(non_blank)  # every row is kept or explained
    for reject in result.rejects:
        assert reject.reason and reject.row >= 1


def test_application_number_check_digits() -> None:
    from zhichan.corpus.validate import FieldError, normalize_application_number

    assert normalize_application_number("cn202121635235.x") == "CN202121635235.X"
    assert normalize_application_number("202223220665.2") == "CN202223220665.2"
    assert application_number_with_check("200910000001")[-1] == normalize_application_number(
        application_number_with_check("200910000001"))[-1]
    # pre-2003, 8 digits: 9·2+8·3+1·4+0+0+0+0+1·9 = 55 ≡ 0 (mod 11)
    assert normalize_application_number("CN98100001.0") == "CN98100001.0"
    for bad in ("CN202223220665.3", "CN202223220665", "ABC", "CN202243220665.6"):
        with pytest.raises(FieldError):
            normalize_application_number(bad)


def test_uscc_uses_python_stdnum() -> None:
    from zhichan.corpus.validate import FieldError, normalize_uscc

    assert normalize_uscc("91110000600037341L") == "91110000600037341L"
    with pytest.raises(FieldError):
        normalize_uscc("91110000600037341X")


KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys, datetime as dt
    from pathlib import Path
    from zhichan.corpus import store as store_module
    from zhichan.corpus.importing import import_file
    stage = sys.argv[3]
    if stage == "switch":
        store_module.CorpusStore._switch = lambda self, sid: os.kill(os.getpid(), signal.SIGKILL)
    else:
        original = store_module.SnapshotWriter.write
        def write(self, table, data):
            original(self, table, data)
            os.kill(os.getpid(), signal.SIGKILL)
        store_module.SnapshotWriter.write = write
    import_file(Path(sys.argv[1]), store=store_module.CorpusStore(Path(sys.argv[2])), as_of=dt.date(2025, 1, 1))
""")


@pytest.mark.parametrize("stage", ["write", "switch"])
def test_killed_import_leaves_previous_snapshot_intact(store, sample_rows, tmp_path: Path, stage: str) -> None:
    header, rows = sample_rows
    import_file(write_csv(tmp_path / "first.csv", header, rows[:5]), store=store, as_of=AS_OF)
    before = store.current_id()
    second = write_csv(tmp_path / "second.csv", header, rows[5:])
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(second), str(store.root), stage],
                          capture_output=True, timeout=120, env={**os.environ})
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    assert store.current_id() == before
    assert len(_numbers(store)) == 5
    assert store.current().counts["patents"] == 5
    assert [p.name[:4] for p in (store.root / "staging").iterdir()] == ["imp-"]  # the killed import's work folder
    snapshots_before = [s.id for s in store.snapshots()]
    result = import_file(second, store=store, as_of=AS_OF)  # the next import cleans up and succeeds
    assert result.added == 5 and len(_numbers(store)) == 10
    assert not list(store.snapshots_dir.glob(".tmp-*"))
    assert not list((store.root / "staging").iterdir())
    killed = store.history()[1]
    assert (killed["file"], killed["status"], killed["snapshot_id"]) == ("second.csv", "interrupted", None)
    assert store.history()[2]["import_id"] == result.import_id and len(store.history()) == 3
    # a snapshot the killed import wrote but never made current is gone; the others are kept
    assert [s.id for s in store.snapshots()] == [*(i for i in snapshots_before if i == before), result.snapshot_id]


KILLED_AFTER_SWITCH = textwrap.dedent("""
    import os, signal, sys, datetime as dt
    from pathlib import Path
    from zhichan.corpus import store as store_module
    from zhichan.corpus.importing import import_file
    store_module.CorpusStore.record_import = lambda self, record: os.kill(os.getpid(), signal.SIGKILL)
    import_file(Path(sys.argv[1]), store=store_module.CorpusStore(Path(sys.argv[2])), as_of=dt.date(2025, 1, 1))
""")


def test_an_import_killed_after_its_switch_is_recorded_from_its_snapshot(store, sample_csv: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", KILLED_AFTER_SWITCH, str(sample_csv), str(store.root)],
                          capture_output=True, timeout=120, env={**os.environ})
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    assert store.history() == [] and store.current().counts["patents"] == 10
    again = import_file(sample_csv, store=store, as_of=AS_OF)
    assert again.unchanged == 10
    first, second = store.history()
    assert first == store.current().manifest["import"] and first["status"] == "completed"
    assert second["import_id"] == again.import_id


def test_a_running_import_keeps_its_work_folder(store, sample_csv: Path) -> None:
    from zhichan.corpus.importing import ImportResult, _staging, recover_interrupted_imports

    running = ImportResult(import_id="imp-running", file="big.csv", source="s", table="patents", started_at="")
    with _staging(store, running) as folder:
        assert recover_interrupted_imports(store) == [] and folder.exists()
    assert not folder.exists()
    (store.root / "staging" / "imp-old").mkdir()  # left by an older version: no record inside
    [found] = recover_interrupted_imports(store)
    assert (found["import_id"], found["status"]) == ("imp-old", "interrupted")
    assert store.history() == [found] and not (store.root / "staging" / "imp-old").exists()


@pytest.mark.parametrize(
    ("value", "expected", "reason"),
    [("20221202", dt.date(2022, 12, 2), None), ("2022-12-02", dt.date(2022, 12, 2), None),
     ("2022/12/2", dt.date(2022, 12, 2), None), ("2022年12月2日", dt.date(2022, 12, 2), None),
     ("2022.12.02 00:00:00", dt.date(2022, 12, 2), None), ("0", None, None), ("", None, None),
     ("20221340", None, "无法识别"), ("2022-02-30", None, "无法识别"), ("abc", None, "无法识别"),
     ("18991231", None, "超出合理范围"), ("2999-01-01", None, "超出合理范围")],
)
def test_date_forms_and_reasons(value: str, expected: dt.date | None, reason: str | None) -> None:
    from zhichan.corpus.validate import FieldError, parse_date

    if reason is None:
        assert parse_date(value) == expected
    else:
        with pytest.raises(FieldError, match=reason):
            parse_date(value)


def test_duckdb_connections_are_offline_and_quiet() -> None:
    """No extension downloads, and no progress bar on stdout (it broke the benchmarks' output parsing)."""
    from zhichan.corpus.store import duckdb_connect

    con = duckdb_connect()
    try:
        settings = dict(con.sql("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                "('enable_progress_bar', 'autoinstall_known_extensions')").fetchall())
    finally:
        con.close()
    assert settings == {"enable_progress_bar": "false", "autoinstall_known_extensions": "false"}


@pytest.mark.parametrize(
    ("value", "expected", "reason"),
    [("9007199254740993", 9007199254740993, None), ("9,007,199,254,740,993", 9007199254740993, None),
     ("９００７１９９２５４７４０９９３", 9007199254740993, None), ("12.0", 12, None), ("1.2E+3", 1200, None), ("-0", 0, None),
     ("", None, None), ("nan", None, None), (" 7 ", 7, None),
     ("1.5", None, "不是非负整数"), ("-3", None, "不是非负整数"), ("9007199254740993.5", None, "不是非负整数"),
     ("1e400", None, "不是非负整数"), ("1e999999999", None, "不是非负整数"),
     ("abc", None, "不是整数"), ("NaN", None, "不是整数"), ("inf", None, "不是整数"), ("1.2.3", None, "不是整数")],
)
def test_integers_are_read_exactly(value: str, expected: int | None, reason: str | None) -> None:
    """An integer cell is read as written, never through a float (2^53 + 1 came back as 2^53); what is no
    non-negative whole number is refused with its reason (NaN and 1e400 crashed the float parse)."""
    from zhichan.corpus.validate import FieldError, parse_int

    if reason is None:
        assert parse_int(value) == expected
    else:
        with pytest.raises(FieldError, match=reason):
            parse_int(value)


def test_an_integer_its_column_cannot_hold_is_a_reject(store, sample_rows, tmp_path: Path) -> None:
    """引证数 (an int32 column) of 2^53 + 1 is refused beside its cell, the other rows kept — it was read as 2^53 and
    then could not be written."""
    header, rows = sample_rows
    col = {h: i for i, h in enumerate(header)}
    big = list(rows[0])
    big[col["引证数"]] = "9007199254740993"
    edge = list(rows[1])
    edge[col["引证数"]] = str(2**31 - 1)
    path = write_csv(tmp_path / "big.csv", header, [big, edge, *rows[2:6]])
    result = import_file(path, store=store, as_of=AS_OF)
    assert (result.added, result.rejected) == (5, 1)
    (reject,) = result.rejects
    assert (reject.row, reject.column, reject.value) == (2, "引证数", "9007199254740993") and "超出范围" in reject.reason
