"""The columnar checks of the commercial layout give what the row path gives, row for row.

The same file is imported twice — row by row (``import_columnar=False``, the reference) and a
column at a time — and the snapshots (every column of patents, events and parties) and the
rejects reports must be identical, on generated records and on rows made to fail or to need
the row path in every way the columnar expressions leave to it.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.corpus.helpers import generated_export, write_csv
from zhichan.corpus.importing import ImportResult, import_file
from zhichan.corpus.store import CorpusStore, duckdb_connect
from zhichan.corpus.validate import FieldError, check_character, normalize_application_number
from zhichan.settings import Settings, get_settings

AS_OF = dt.date(2025, 12, 31)


def _import(path: Path, store: CorpusStore, monkeypatch: pytest.MonkeyPatch, columnar: bool,
            **env: str) -> ImportResult:
    with monkeypatch.context() as patched:
        patched.setenv("ZHICHAN_IMPORT_COLUMNAR", "true" if columnar else "false")
        for name, value in env.items():
            patched.setenv(name, value)
        get_settings.cache_clear()
        try:
            return import_file(path, store=store, as_of=AS_OF)
        finally:
            get_settings.cache_clear()


def _tables(store: CorpusStore) -> dict[str, list[tuple[Any, ...]]]:
    snapshot = store.current()
    con = snapshot.connect()
    try:
        return {table: con.sql(f"SELECT * EXCLUDE (import_id) FROM {table} ORDER BY ALL").fetchall()
                if table != "parties" else con.sql("SELECT * FROM parties ORDER BY ALL").fetchall()
                for table in ("patents", "events", "parties")}
    finally:
        con.close()


def _both(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> tuple[ImportResult, ImportResult]:
    rows = _import(path, CorpusStore(tmp_path / "rows"), monkeypatch, columnar=False)
    cols = _import(path, CorpusStore(tmp_path / "columns"), monkeypatch, columnar=True, **env)
    assert rows.columnar_rows == 0
    assert [r.as_dict() for r in cols.rejects] == [r.as_dict() for r in rows.rejects]
    assert (cols.rows_read, cols.added, cols.rejected, cols.events_added) == (
        rows.rows_read, rows.added, rows.rejected, rows.events_added)
    if rows.added:
        by_rows, by_columns = _tables(CorpusStore(tmp_path / "rows")), _tables(CorpusStore(tmp_path / "columns"))
        for table in by_rows:
            assert by_columns[table] == by_rows[table], table
    return rows, cols


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[list[str]]]:
    return generated_export(tmp_path_factory.mktemp("generated"), 600, 23)


#: (column, value) put into one row each: rows the columnar expressions must leave to the row path
#: (which accepts, normalizes or rejects them), or read exactly as it does.
ODD_CELLS: list[tuple[str, str]] = [
    ("申请号", "CN202010000001.9"), ("申请号", "cn202010000001.4"), ("申请号", " CN202010000001.4"),
    ("申请号", "CN２０２０10000001.4"), ("申请号", "202010000001.4"), ("申请号", "CN202010000001"),
    ("申请号", "CN202040000001.0"), ("申请号", "2.02010E+11"), ("申请号", "CN88100001.6"),
    ("申请日", "2020-01-02"), ("申请日", "2020/1/2"), ("申请日", "20201301"), ("申请日", "18991231"),
    ("申请日", "20991231"), ("申请日", "0"), ("申请日", ""), ("公开日", "２０２００１０２"), ("授权公告日", "-"),
    ("分类号", "H04N 5/225;G06F3/00"), ("分类号", "h04n5/225"), ("分类号", "H04N0005225000"),
    ("分类号", "E01D101/0"), ("分类号", "H04N5/2250"), ("主分类号", "H04N5/225 (2006.01)"), ("主分类号", "G06F3/00"),
    ("专利名称", "一种装置 "), ("专利名称", "Cafe\u0301 一种装置"), ("专利名称", "1.5E+11"), ("专利名称", "\u3000一种装置"),
    ("发明人", "张三；李四"), ("发明人", "张三;\t李四"), ("发明人", "张三; 李四 ;;"), ("发明人", "1E5;张三"),
    ("国省代码", "香港(81)"), ("国省代码", "美国(US)"), ("国省代码", "火星(99)"), ("国省代码", "中国台湾(71)"),
    ("国省代码", ""), ("法律状态", "有权-审定授权"), ("法律状态", "奇怪的状态"), ("法律状态", ""),
    ("法律状态", "无权－未缴年费"), ("专利类型", ""), ("专利类型", "未知类型"), ("专利类型", "发明授权"),
    ("申请人地址", "450000 河南省郑州市金水区文化路1号"), ("申请人地址", "河南省郑州市郑东新区商务内环路"),
    ("申请人地址", "４50000河南省郑州市金水区"), ("申请人地址", "450000河南省郑州市\n金水区"), ("申请人地址", ""),
    ("申请人地址", "100000北京市海淀区中关村"), ("引证数", "1,000"), ("引证数", "3.0"), ("引证数", "-1"),
    ("引证数", ""), ("简单同族数量", "x"), ("申请摘要", "摘要\x0b含有垂直制表符"), ("申请摘要", "第一行\n第二行"),
    ("申请摘要", "含有\"引号\"和\\反斜杠\t制表"), ("同族专利", "CN1A;US10123456B2;WO2020/1"),
    ("同族专利", "EP1234567B1;JP2020123456A"), ("同族专利", "Ｕs1B1"), ("优先权日", "20200101;20190101"),
    ("优先权日", "2020-01-01"), ("优先权日", "20200101;bad"), ("转让日期", "20200101;bad"),
    ("转让日期", "20200101;20210101"), ("法律事件", "20230101 授权;20240301 专利权的转移"), ("法律事件", "无日期"),
    ("CPC分类号", ""), ("CPC主分类号", "H04N5/225"), ("申请人类型", "企业;个人"), ("申请人类型", "外星人"),
    ("申请人", "华为技术有限公司;张三;北京大学"), ("第一权利人", ""), ("当前权利人", ""), ("序号", " 7"),
    ("全文链接", "链接\"x\""), ("备注", "额外的列"), ("授权名称", "授权的名称 "),
]


def _odd_file(tmp_path: Path, generated: tuple[list[str], list[list[str]]]) -> Path:
    header, rows = generated
    header = [*header, "备注"]  # a column the layout does not know: kept in extra_json
    rows = [[*row, ""] for row in rows]
    rng = random.Random(5)
    out = [list(r) for r in rows[:400]]
    for column, value in ODD_CELLS:
        row = list(rng.choice(rows[400:]))
        row[header.index(column)] = value
        out.append(row)
    out.append(list(out[3]))  # an exact duplicate
    changed = list(out[4])
    changed[header.index("专利名称")] = "另一个名称"
    out.append(changed)  # same number, different content
    out.insert(50, [""] * len(header))  # a blank row
    out.insert(60, ["  "] + [""] * (len(header) - 1))  # a row of blanks
    return write_csv(tmp_path / "odd.csv", header, out)


def test_generated_and_odd_rows_import_the_same_both_ways(tmp_path: Path, settings: Settings, generated,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _, columns_result = _both(_odd_file(tmp_path, generated), tmp_path, monkeypatch)
    assert columns_result.rejected > 10 and columns_result.added > 400
    # the clean generated rows were checked in columns; the odd ones went through the row path
    assert 400 <= columns_result.columnar_rows < columns_result.rows_read


def test_batches_checked_in_worker_processes_import_as_the_row_path_does(tmp_path: Path, settings: Settings, generated,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Two worker processes check the batches (as for a large file) and stage them in any order;
    the records, events, parties and the rejects report in row order are the row path's — the
    duplicates of rows in another batch (another worker's) included."""
    _, columns_result = _both(_odd_file(tmp_path, generated), tmp_path, monkeypatch,
                              ZHICHAN_IMPORT_WORKERS="2", ZHICHAN_IMPORT_BATCH_ROWS="64")
    assert 400 <= columns_result.columnar_rows < columns_result.rows_read
    assert {r.reason.split(" / ")[1] for r in columns_result.rejects if r.reason.startswith("重复行")} == {
        "duplicate of row 5"}  # the 5th row of the file, the first batch's; its duplicate in the last


def test_a_file_arrow_cannot_split_is_read_by_the_row_path(tmp_path: Path, settings: Settings, generated,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    header, rows = generated
    path = write_csv(tmp_path / "short.csv", header, [list(r) for r in rows[:30]] + [rows[30][:5]] + rows[31:40])
    _, columns_result = _both(path, tmp_path, monkeypatch)
    assert columns_result.columnar_rows == 0 and columns_result.added == 39 and columns_result.rejected == 1


@pytest.mark.slow
def test_the_check_character_in_columns_equals_the_validator() -> None:
    """200,000 random application numbers (one in eleven with the right check character) and edge forms:
    the columnar expression accepts exactly those ``normalize_application_number`` returns unchanged.
    (1M numbers until session 19: 200,000 still hold ~15,000 right 12-digit and ~5,000 right 8-digit numbers
    and ~180,000 with a wrong check character; a wrong weight or kind digit fails on thousands of them.)"""
    import numpy as np

    from zhichan.corpus.importers.columnar import application_number_sql

    rng = np.random.default_rng(16)
    n = 200_000
    check_chars = np.frombuffer(b"0123456789X", dtype=np.uint8)
    digits = np.frombuffer(b"0123456789", dtype=np.uint8)[rng.integers(0, 10, size=(n, 12))]
    checks = check_chars[rng.integers(0, 11, size=n)]
    short = rng.random(n) < 0.25  # pre-2003 8-digit numbers
    right = rng.random(n) < 0.1
    # the right check character of the chosen ones, for all rows at once (a row's loop took 2.4 CPU-s);
    # ``check_character`` itself gives the first and last, and the count of accepted numbers below
    # tells a wrong one here (a tenth would no longer pass)
    weights = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5], dtype=np.int64)
    worth = (digits - ord("0")).astype(np.int64)
    total = (worth[:, :8] * weights[:8]).sum(axis=1) + np.where(short, 0, (worth[:, 8:] * weights[8:]).sum(axis=1))
    checks = np.where(right, check_chars[total % 11], checks)
    # "CN", 12 digits, ".", the check character; an 8-digit number ends 4 bytes earlier (NUL bytes, dropped)
    coded = np.zeros((n, 16), dtype=np.uint8)
    coded[:, :2] = np.frombuffer(b"CN", dtype=np.uint8)
    coded[:, 2:14] = digits
    coded[:, 14], coded[:, 15] = ord("."), checks
    coded[short, 10], coded[short, 11], coded[short, 12:] = ord("."), checks[short], 0
    values: list[str] = coded.view("S16").ravel().astype("U16").tolist()
    for i in (int(np.flatnonzero(right)[0]), int(np.flatnonzero(right)[-1])):
        number = values[i][2:].split(".")[0]
        assert values[i] == f"CN{number}.{check_character(number)}"
    values += ["", "CN", "CN.X", "CN202010000001.", "CN2020100000011.4", "CN20201000000.4", "202010000001.4",
               "CN202010000001.x", "CN202010000001.44", "CN202010000001,4", "CN202010000001.4 "]
    con = duckdb_connect()
    try:
        import pyarrow as pa

        con.register("v", pa.table({"n": values}))
        columnar = con.sql(f"SELECT coalesce({application_number_sql('n')}, false) FROM v").to_arrow_table().column(0).to_pylist()
    finally:
        con.close()

    def accepted(value: str) -> bool:
        try:
            return normalize_application_number(value) == value
        except FieldError:
            return False

    expected = [accepted(v) for v in values]
    assert columnar == expected
    assert 10_000 < sum(expected) < 40_000


@pytest.mark.slow
def test_the_unified_social_credit_code_in_columns_equals_python_stdnum() -> None:
    """200,000 random codes (one in 31 with the right check character, some with letters GB 32100
    leaves out or a letter in the first 8) and edge forms: the columnar expression accepts a
    compact code exactly when ``stdnum.cn.uscc.is_valid`` does. (1M codes until session 19: 200,000
    still hold ~4,000 codes with a left-out or lower-case letter — each of the 6 at each of the 18
    places ~37 times —, ~20,000 with a letter in the first 8 and ~30,000 right check characters.)"""
    import numpy as np
    import pyarrow as pa
    from stdnum.cn import uscc

    from zhichan.corpus.importers.columnar import USCC_ALPHABET, uscc_sql

    rng = np.random.default_rng(32100)
    n = 200_000
    letters = np.frombuffer((USCC_ALPHABET + "IOZSVa").encode(), dtype=np.uint8)
    chars = letters[rng.integers(0, len(USCC_ALPHABET), size=(n, 18))]
    odd = rng.random(n) < 0.02  # a letter outside the alphabet, or lower case, somewhere
    chars[odd, rng.integers(0, 18, size=int(odd.sum()))] = letters[rng.integers(len(USCC_ALPHABET), len(letters),
                                                                                size=int(odd.sum()))]
    digits = rng.random(n) < 0.9  # most codes start with 8 digits, as real ones do
    chars[digits, :8] = np.frombuffer(b"0123456789", dtype=np.uint8)[rng.integers(0, 10, size=(int(digits.sum()), 8))]
    # one in six codes whose first 17 characters are in the alphabet gets the GB 32100 check character
    value_of = np.full(256, -1, dtype=np.int64)
    value_of[np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)] = np.arange(len(USCC_ALPHABET))
    worth = value_of[chars[:, :17]]
    fix = (rng.random(n) < 1 / 31 * 5) & (worth >= 0).all(axis=1)
    weights = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
    chars[fix, 17] = letters[(31 - (worth[fix] * weights).sum(axis=1) % 31) % 31]
    values = chars.view("S18").ravel().astype("U18").tolist()
    values += ["", "91110000600037341L", "91110000600037341", "91110000600037341LL", "9111000060003734IL",
               "A1110000600037341L", "91110000600037341l", "9111000060003734 1L", "911100006000373410"]
    expected = [uscc.is_valid(v) and uscc.compact(v) == v for v in values]
    con = duckdb_connect()
    try:
        con.register("v", pa.table({"c": values}))
        columnar = con.sql(f"SELECT coalesce({uscc_sql('c')}, false) FROM v").to_arrow_table().column(0).to_pylist()
    finally:
        con.close()
    assert columnar == expected
    assert 20_000 < sum(expected) < 60_000


def test_applicant_types_are_extended_row_by_row_as_the_row_path_does() -> None:
    """Rows with fewer 申请人类型 than applicants get the guessed type of each applicant beyond
    them, in order; rows with as many or more keep theirs (``finalize_patent``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from zhichan.corpus.importers.columnar import _extend_types, _first_items

    rng = random.Random(7)
    pool = [f"名{i}" for i in range(30)]
    guess = {name: f"t{i % 4}" for i, name in enumerate(pool)}
    apps = [rng.sample(pool, rng.randint(0, 4)) for _ in range(2000)]
    types = [[rng.choice(["企业", "个人"]) for _ in range(rng.randint(0, 5))] for _ in range(2000)]
    names = pa.array(pool)
    got = _extend_types(pa.array(types, pa.list_(pa.string())), pa.array(apps, pa.list_(pa.string())),
                        names, pa.array([guess[n] for n in pool]))
    assert got.to_pylist() == [t + [guess[a] for a in a_list[len(t):]] for t, a_list in zip(types, apps, strict=True)]
    assert _first_items(pa.array(apps, pa.list_(pa.string()))).to_pylist() == [a[0] if a else None for a in apps]
    assert pc.sum(pc.list_value_length(got)).as_py() > sum(map(len, types))  # some rows were extended


def test_the_merge_in_key_ranges_writes_what_one_sort_writes(tmp_path: Path, settings: Settings, generated,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A merge sorted range by range (as a large import is) gives the snapshot one sort gives,
    in key order, over a parent whose records interleave with the new ones and some updated."""
    import zhichan.corpus.importing as importing

    header, rows = generated
    title = header.index("专利名称")
    first = write_csv(tmp_path / "first.csv", header, [list(r) for r in rows[:300:2]])
    changed = [list(r) for r in rows[1:600:2]] + [[*r[:title], r[title] + "（修改）", *r[title + 1:]] for r in rows[:100:2]]
    second = write_csv(tmp_path / "second.csv", header, changed)
    snapshots = {}
    for range_rows in (100_000, 37):
        monkeypatch.setattr(importing, "MERGE_RANGE_ROWS", range_rows)
        store = CorpusStore(tmp_path / f"ranges-{range_rows}")
        import_file(first, store=store, as_of=AS_OF)
        result = import_file(second, store=store, as_of=AS_OF + dt.timedelta(days=1))
        assert (result.added, result.updated) == (300, 50)
        snapshots[range_rows] = _tables(store)
        con = store.current().connect()
        try:
            numbers = [n for (n,) in con.sql("SELECT application_number FROM patents").fetchall()]
        finally:
            con.close()
        assert numbers == sorted(numbers) and len(numbers) == 450
    assert snapshots[37] == snapshots[100_000]


def test_a_utf8_file_is_read_without_decoding_it_whole_first(tmp_path: Path, settings: Settings, generated,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The columnar reader validates every cell's UTF-8 as it reads: a file whose first bytes
    are UTF-8 is not decoded (nor its lines counted) whole before its first batch."""
    from zhichan.corpus.importers import base

    header, rows = generated
    path = write_csv(tmp_path / "export.csv", header, [list(r) for r in rows[:200]])
    monkeypatch.setattr(base, "ENCODING_PREFIX_BYTES", 4096)
    whole: list[str] = []
    detect, count = base.detect_encoding, base._count_lines
    monkeypatch.setattr(base, "detect_encoding", lambda p, *a: whole.append("decoded") or detect(p, *a))
    monkeypatch.setattr(base, "_count_lines", lambda p, *a: whole.append("counted") or count(p, *a))
    by_rows, by_columns = _both(path, tmp_path, monkeypatch)
    assert whole == ["decoded", "counted"]  # the row path's import only
    assert by_columns.encoding == by_rows.encoding == "utf-8-sig" and by_columns.columnar_rows == 200


@pytest.mark.parametrize("tail", ["gb18030", "undecodable"])
def test_a_file_utf8_only_in_its_first_bytes_is_decided_as_from_the_whole_file(
        tmp_path: Path, settings: Settings, generated, monkeypatch: pytest.MonkeyPatch, tail: str) -> None:
    """A row past the bytes the encoding was chosen from that is not UTF-8 (a GB18030 row, bytes
    no encoding reads): the file is decided again from all its bytes, and imported as the row
    path imports it — the same encoding, records and rejects."""
    from zhichan.corpus.importers import base

    header, rows = generated
    path = write_csv(tmp_path / "export.csv", header, [list(r) for r in rows[:200]])
    data = path.read_bytes().split(b"\n")
    title = "一种"
    line = 150
    assert title.encode() in data[line]
    bad = title.encode("gb18030") if tail == "gb18030" else b"\xff\xfe"
    data[line] = data[line].replace(title.encode(), bad, 1)
    path.write_bytes(b"\n".join(data))
    monkeypatch.setattr(base, "ENCODING_PREFIX_BYTES", 4096)
    by_rows, by_columns = _both(path, tmp_path, monkeypatch)
    assert by_columns.encoding == by_rows.encoding and by_columns.columnar_rows == 0
    assert by_rows.rejects  # the row (or the file, read under another encoding) is refused with a reason


@pytest.mark.parametrize("in_order", [True, False])
def test_the_first_import_moves_the_workers_parts_into_the_snapshot(tmp_path: Path, settings: Settings, generated,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    in_order: bool) -> None:
    """The first import of a file in number order: each worker writes its batch in key order in the
    snapshot's own form, and the merge moves those parts into the snapshot (no sort, no second
    write) — the same snapshot the row path gives, in key order, row groups apart by their
    statistics. A file not in number order (the parts' ranges overlap) is sorted by the merge."""
    from zhichan.corpus import store as store_module
    from zhichan.corpus.importers import columnar

    monkeypatch.setattr(columnar, "READ_BLOCK_BYTES", 64 << 10)  # batches of ~100 rows: parts for both workers
    header, rows = generated
    body = [list(r) for r in rows[:500]]
    assert [r[header.index("申请号")] for r in body] == sorted(r[header.index("申请号")] for r in body)
    if not in_order:
        body = body[::2] + body[1::2]  # every batch of the second half within the first half's range
    path = write_csv(tmp_path / "export.csv", header, body)
    sorted_by_duckdb: list[str] = []
    replace = store_module.SnapshotWriter.replace
    monkeypatch.setattr(store_module.SnapshotWriter, "replace",
                        lambda self, table, batches: sorted_by_duckdb.append(table) or replace(self, table, batches))
    _, columns_result = _both(path, tmp_path, monkeypatch, ZHICHAN_IMPORT_WORKERS="2", ZHICHAN_IMPORT_BATCH_ROWS="64")
    assert columns_result.columnar_rows == columns_result.added == 500
    # the workers' import (the row path's stages its 500 rows as one part, sorted: in order either way)
    assert sorted_by_duckdb == ([] if in_order else ["patents"])
    files = sorted((CorpusStore(tmp_path / "columns").current().path / "patents").glob("part-*.parquet"))
    assert len(files) > 1 if in_order else len(files) == 1  # the workers' parts, or the merge's writer
    assert store_module.in_key_order(files)


@pytest.mark.parametrize(("duplicates", "order"), [(False, "halves"), (True, "halves"), (True, "spread")])
def test_the_first_import_out_of_number_order_merges_the_sorted_parts(
        tmp_path: Path, settings: Settings, generated, monkeypatch: pytest.MonkeyPatch, duplicates: bool,
        order: str) -> None:
    """A first import whose parts' ranges overlap (a file not in number order) is merged range by
    range from the parts' row groups (``_sorted_part_ranges``), ranges cutting through row groups
    and the duplicates' later rows left out: the snapshot DuckDB's sort of the staged rows gives,
    in key order, and the row path's. ``spread``: the first batch holds every 8th row, so its row
    group reaches into every range and waits, read once, until the last."""
    import zhichan.corpus.importing as importing
    from zhichan.corpus import store as store_module
    from zhichan.corpus.importers import columnar

    monkeypatch.setattr(columnar, "READ_BLOCK_BYTES", 64 << 10)
    monkeypatch.setattr(importing, "MERGE_RANGE_ROWS", 90)  # several ranges, row groups across their bounds
    header, rows = generated
    body = [list(r) for r in rows[:500]]
    if order == "halves":
        body = body[::2] + body[1::2]  # every part of the second half within the first half's range
    else:
        body = body[::8] + [r for i, r in enumerate(body) if i % 8]
    if duplicates:
        changed = list(body[10])
        changed[header.index("专利名称")] += "（另一行）"
        body += [list(body[3]), changed, list(body[300])]
    path = write_csv(tmp_path / "export.csv", header, body)
    merged: list[bool] = []  # whether the merge of the parts took the file (or left it to DuckDB's sort)
    ranges = importing._sorted_part_ranges

    def spy(*args: object) -> object:
        found = ranges(*args)  # type: ignore[arg-type]
        merged.append(found is not None)
        return found

    monkeypatch.setattr(importing, "_sorted_part_ranges", spy)
    reads: list[tuple[int, int]] = []  # (file, row group): each group of a part is read once
    opened: list[pq.ParquetFile] = []  # held, so that no file's id is reused by one opened later
    read_row_group = pq.ParquetFile.read_row_group

    def counted(self: pq.ParquetFile, i: int, *args: Any, **kwargs: Any) -> pa.Table:
        opened.append(self)
        reads.append((id(self), i))
        return read_row_group(self, i, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", counted)
    env = {"ZHICHAN_IMPORT_WORKERS": "2", "ZHICHAN_IMPORT_BATCH_ROWS": "64"}
    _, by_parts = _both(path, tmp_path, monkeypatch, **env)
    assert reads and len(reads) == len(set(reads))
    assert merged and all(merged) and by_parts.added == 500 and by_parts.rejected == (3 if duplicates else 0)
    with monkeypatch.context() as patched:  # the same file through DuckDB's sort
        patched.setattr(importing, "MERGE_HELD_FACTOR", -1.0)
        by_sort = _import(path, CorpusStore(tmp_path / "sorted"), monkeypatch, columnar=True, **env)
    assert [r.as_dict() for r in by_sort.rejects] == [r.as_dict() for r in by_parts.rejects]
    assert _tables(CorpusStore(tmp_path / "sorted")) == _tables(CorpusStore(tmp_path / "columns"))
    for name in ("columns", "rows"):
        files = sorted((CorpusStore(tmp_path / name).current().path / "patents").glob("part-*.parquet"))
        assert store_module.in_key_order(files)
