"""Snapshots store ``patents`` and ``events`` in application-number order, in small row groups, whatever order
a writer gave them: a lookup of a few numbers (a right on a date, :mod:`zhichan.corpus.rights`) then reads
only the row groups that can hold them (DuckDB skips the others by their min/max statistics)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhichan.corpus import store
from zhichan.corpus.rights import lookup_sql, rights_on
from zhichan.corpus.store import CorpusStore, duckdb_connect, in_key_order
from zhichan.corpus.testing import build_snapshot, event, patent

N = 60


@pytest.fixture
def shuffled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """60 patents (two events each) handed to the writer in a scrambled order, row groups of 10 rows."""
    monkeypatch.setattr(store, "KEY_ROW_GROUP_ROWS", 10)
    order = [(i * 37) % N for i in range(N)]  # 37 is prime to 60: every serial once, out of order
    patents = [patent(serial=i + 1, application_date=f"{2010 + i % 10}-03-01") for i in order]
    events = [event(p["application_number"], kind, day) for kind, day in (("transfer", "2021-05-01"),
                                                                           ("pledge", "2020-02-01"))
              for p in reversed(patents)]
    return build_snapshot(tmp_path, patents=patents, events=events), patents


def test_tables_are_written_in_key_order(shuffled) -> None:  # type: ignore[no-untyped-def]
    snap, patents = shuffled
    for table in ("patents", "events"):
        files = snap.files(table)
        assert in_key_order(files), table
        groups = [pq.read_metadata(f).row_group(i).num_rows for f in files for i in range(pq.read_metadata(f).num_row_groups)]
        assert max(groups) <= 10 and sum(groups) == snap.counts[table], (table, groups)
    con = snap.connect()
    try:
        numbers = [r[0] for r in con.execute("SELECT application_number FROM patents").fetchall()]
        events = con.execute("SELECT application_number, event_date FROM events").fetchall()
    finally:
        con.close()
    assert numbers == sorted(p["application_number"] for p in patents)  # every row kept, in order
    assert events == sorted(events) and len(events) == 2 * N  # by number, then by date


def test_a_lookup_reads_only_the_groups_that_can_hold_the_numbers(shuffled) -> None:  # type: ignore[no-untyped-def]
    snap, patents = shuffled
    wanted = sorted(p["application_number"] for p in patents)[25:27]
    con = duckdb_connect()
    try:
        scanned = []
        for sql in lookup_sql(snap, wanted):
            plan = "".join(str(r[1]) for r in con.execute("EXPLAIN ANALYZE " + sql).fetchall())
            scanned.append(re.findall(r"Row Groups Scanned: *([0-9]+) */ *([0-9]+)", plan))
    finally:
        con.close()
    assert scanned == [[("1", "6")], [("1", "12")]]  # one group of six (patents), one of twelve (events)
    got = rights_on(snap, wanted, dt.date(2020, 6, 1))
    assert all(r.found and len(r.active_pledges) == 1 for r in got.values())


def test_a_writer_already_in_order_is_not_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports and exports write in order themselves; the writer keeps their files."""
    monkeypatch.setattr(store, "KEY_ROW_GROUP_ROWS", 2)
    snap = build_snapshot(tmp_path, patents=[patent(serial=i) for i in range(1, 6)])
    corpus = CorpusStore(tmp_path / "corpus")
    before = [f.stat().st_ino for f in snap.files("patents")]
    with corpus.writer() as writer:
        con = duckdb_connect()
        try:
            snap.register(con)
            writer.copy_query("patents", con, "SELECT * FROM patents ORDER BY application_number")
        finally:
            con.close()
        written = sorted((writer.tmp / "patents").glob("part-*.parquet"))
        inodes = [f.stat().st_ino for f in written]
        again = writer.commit({"source": "test"})
    assert [f.stat().st_ino for f in again.files("patents")] == inodes != before


def _key_file(path: Path, rows: list[tuple], groups: int) -> Path:
    """A Parquet file of the events' key columns, ``rows`` in this order, in ``groups`` row groups."""
    table = pa.table({"application_number": [r[0] for r in rows],
                      "event_date": pa.array([r[1] for r in rows], pa.date32()),
                      "event_id": [r[2] for r in rows]})
    pq.write_table(table, path, row_group_size=-(-len(rows) // groups))
    return path


def test_the_order_is_checked_row_by_row_not_only_by_the_groups_ranges(tmp_path: Path) -> None:
    """Row groups whose number ranges ascend can still hold rows out of order, or one patent's events
    out of date or id order: the check reads the keys, as ORDER BY would put them (a missing date last)."""
    key = store.KEY_ORDER["events"]
    d1, d2 = dt.date(2020, 1, 1), dt.date(2021, 1, 1)
    good = [("CN1", d1, "a"), ("CN1", d1, "b"), ("CN1", d2, "a"), ("CN1", None, "a"), ("CN2", d1, "a"),
            ("CN3", d1, "a"), ("CN3", d1, "a"), ("CN4", None, "c")]
    assert in_key_order([_key_file(tmp_path / "good.parquet", good, 2)], key)
    assert in_key_order([_key_file(tmp_path / "g1.parquet", good[:3], 1), _key_file(tmp_path / "g2.parquet", good[3:], 1)], key)
    scrambled = {  # each one row pair swapped; the groups' number ranges still ascend
        "numbers": [good[i] for i in (0, 1, 2, 3, 5, 4, 6, 7)],
        "dates": [good[i] for i in (0, 2, 1, 3, 4, 5, 6, 7)],
        "a missing date first": [good[i] for i in (0, 1, 3, 2, 4, 5, 6, 7)],
        "ids": [good[i] for i in (1, 0, 2, 3, 4, 5, 6, 7)],
    }
    for what, rows in scrambled.items():
        path = _key_file(tmp_path / "bad.parquet", rows, 2)
        assert not in_key_order([path], key), what
        assert in_key_order([path]) == (what != "numbers"), what  # by number alone only the first is out of order
    # out of order only across two files (each in order)
    parts = [_key_file(tmp_path / "p1.parquet", good[4:], 1), _key_file(tmp_path / "p2.parquet", good[:4], 1)]
    assert not in_key_order(parts, key)


def test_a_generated_corpus_is_written_in_key_order_and_not_sorted_at_commit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator lays its rows out in application-number order (each chunk a contiguous, increasing
    range of numbers; the events of a chunk by number, date and id): the commit reads the keys, finds
    them in order and rewrites nothing; the stored order is the one ORDER BY gives."""
    from zhichan.corpus.generator import generate, service

    monkeypatch.setattr(service, "CHUNK_ROWS", 500)  # 8 chunks
    monkeypatch.setattr(store, "KEY_ROW_GROUP_ROWS", 200)  # 20 row groups of patents: a sort would be due
    sorted_tables: list[str] = []
    copy_query = store.SnapshotWriter.copy_query

    def spy(self: store.SnapshotWriter, table: str, con: object, sql: str) -> None:
        sorted_tables.append(table)
        copy_query(self, table, con, sql)  # type: ignore[arg-type]

    monkeypatch.setattr(store.SnapshotWriter, "copy_query", spy)
    snap = generate(4_000, 11, store=CorpusStore(tmp_path / "corpus"), workers=1)
    assert sorted_tables == ["parties"]  # patents and events kept as written
    con = snap.connect()
    try:
        for table, key in store.KEY_ORDER.items():
            assert in_key_order(snap.files(table), key), table
            columns = ", ".join(key)
            stored = con.execute(f"SELECT {columns} FROM {table}").fetchall()
            assert stored == con.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}").fetchall(), table
            assert len(stored) == snap.counts[table] > 1_000, table
        # serial numbers count up with the application date within each year and kind digit
        rows = con.execute("SELECT substr(application_number, 3, 5), substr(application_number, 8, 7), "
                           "application_date FROM patents").fetchall()
    finally:
        con.close()
    by_prefix: dict[str, list[tuple[str, dt.date]]] = {}
    for prefix, serial, day in rows:
        by_prefix.setdefault(prefix, []).append((serial, day))
    assert len(by_prefix) > 50
    for numbered in by_prefix.values():
        assert [s for s, _ in numbered] == [f"{i:07d}" for i in range(len(numbered))]
        assert [d for _, d in numbered] == sorted(d for _, d in numbered)


def test_key_ordered_tables_get_whole_row_groups_whatever_the_batches(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer's batches (the generator's chunks) need not be multiples of the row group: rows wait
    for the next batch, so every group but the last is whole (not 5, 2, 5, 2 …: more groups to read)."""
    monkeypatch.setattr(store, "KEY_ROW_GROUP_ROWS", 5)
    records = [patent(serial=i) for i in range(1, 22)]
    corpus = CorpusStore(tmp_path / "corpus")
    with corpus.writer(carry_over=False) as writer:
        for start in range(0, 21, 7):
            writer.write("patents", pa.Table.from_pylist(records[start:start + 7], schema=store.TABLES["patents"][0]))
        snap = writer.commit({"source": "test"})
    groups = [pq.read_metadata(f).row_group(i).num_rows for f in snap.files("patents")
              for i in range(pq.read_metadata(f).num_row_groups)]
    assert groups == [5, 5, 5, 5, 1]
    con = snap.connect()
    try:
        stored = [r[0] for r in con.execute("SELECT application_number FROM patents").fetchall()]
    finally:
        con.close()
    assert stored == [r["application_number"] for r in records]
