"""Snapshots store ``patents`` and ``events`` in application-number order, in small row groups, whatever order
a writer gave them: a lookup of a few numbers (a right on a date, :mod:`zhichan.corpus.rights`) then reads
only the row groups that can hold them (DuckDB skips the others by their min/max statistics)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

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
