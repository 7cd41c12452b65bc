"""Every snapshot carries a key index (:mod:`zhichan.corpus.keyindex`) that answers a lookup by application
number exactly as DuckDB reading the Parquet files does; a snapshot without one is still read (through
DuckDB), and can be given one."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.corpus import keyindex, store
from zhichan.corpus.generator.service import generate
from zhichan.corpus.keyindex import add_key_index, has_key_index, index_path
from zhichan.corpus.rights import lookup_rows, rights_on
from zhichan.corpus.schema import TABLES
from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.corpus.testing import build_snapshot, event, patent
from zhichan.settings import Settings

N = 60
MANY = 45  # events of one number: more than a row group and more than a batch of the index


def _corpus(tmp_path: Path) -> tuple[Snapshot, list[str]]:
    """60 patents handed over scrambled; each a few events, one 45 (undated ones, same-day ones), some none."""
    order = [(i * 37) % N for i in range(N)]
    patents = [patent(serial=i + 1, application_date=f"{2010 + i % 10}-03-01") for i in order]
    numbers = [p["application_number"] for p in patents]
    events = []
    for i, n in enumerate(numbers):
        if i % 5 == 0:
            continue  # no events at all
        events += [event(n, "transfer", "2021-05-01", party_from=f"甲{i}", party_to=f"乙{i}"),
                   event(n, "pledge", "2020-02-01", party_from=f"乙{i}", party_to="某银行", amount_yuan=Decimal("1000.5") * i)]
        if i % 3 == 0:
            events.append(event(n, "legal_status_change", None, detail=f"中止{i}"))
    busy = numbers[N // 2]
    for j in range(MANY):
        day = None if j % 9 == 0 else dt.date(2015 + j % 4, 1 + j % 12, 1)  # undated and same-day events
        kind = ("pledge", "pledge_release", "licence", "invalidation")[j % 4]
        events.append(event(busy, kind, day, party_from="甲", party_to=f"银行{j % 3}", detail=f"独占许可{j}"))
    random.Random(5).shuffle(events)
    return build_snapshot(tmp_path, patents=patents, events=events), numbers


def _without_index(snap: Snapshot, folder: Path) -> Snapshot:
    """The same snapshot as one written before key indexes existed."""
    shutil.copytree(snap.path, folder / snap.id, ignore=shutil.ignore_patterns(keyindex.KEY_INDEX))
    return Snapshot(folder / snap.id)


def _number_sets(numbers: list[str], seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    missing = ["CN202990000001.1", "CN200010000000.0", "CN999999999999.9", "CN100000000000.0", ""]
    sets = [sorted(numbers), [numbers[N // 2]], missing]
    for _ in range(40):
        picked = rng.sample(numbers, rng.randint(1, 25)) + rng.sample(missing, rng.randint(0, 2))
        picked += rng.choices(picked, k=rng.randint(0, 5))  # duplicates
        sets.append(picked)
    return sets


def _old_layout(snap: Snapshot, folder: Path) -> Snapshot:
    """The same snapshot as one written before tables were stored in key order: rows scrambled, small
    row groups with overlapping ranges of numbers, no key index."""
    old = _without_index(snap, folder)
    for table in keyindex.LOOKUP_COLUMNS:
        rows = pq.read_table(old.files(table)).to_pylist()
        random.Random(table).shuffle(rows)
        for file in old.files(table):
            file.unlink()
        pq.write_table(pa.Table.from_pylist(rows, TABLES[table][0]), old.path / table / "part-00000.parquet",
                       row_group_size=8)
    return old


@pytest.mark.parametrize("layout", ["key order", "old layout"])
def test_the_index_answers_as_the_parquet_files_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   layout: str) -> None:
    monkeypatch.setattr(store, "KEY_ROW_GROUP_ROWS", 10)
    monkeypatch.setattr(keyindex, "BATCH_ROWS", 7)  # numbers' rows cross batches of the index too
    snap, numbers = _corpus(tmp_path / "new")
    assert has_key_index(snap.path)
    if layout == "old layout":  # sorted by DuckDB when the index is built
        snap = _old_layout(snap, tmp_path / "scrambled")
        assert not store.in_key_order(snap.files("patents")) and not store.in_key_order(snap.files("events"))
        assert add_key_index(snap.path)
    old = _without_index(snap, tmp_path / "old")
    assert not has_key_index(old.path)
    busy = lookup_rows(snap, [numbers[N // 2]])[1]
    assert len(busy) == MANY and [r[2] for r in busy[:5]] == [None] * 5  # undated first, as DuckDB orders them
    for i, wanted in enumerate(_number_sets(numbers, seed=11)):
        distinct = sorted(set(wanted))
        assert lookup_rows(snap, distinct) == lookup_rows(snap, distinct, key_index=False), i
        on = dt.date(2016 + i % 8, 6, 1)
        assert rights_on(snap, wanted, on) == rights_on(old, wanted, on), i


def test_an_old_snapshot_is_read_without_and_can_be_given_an_index(tmp_path: Path) -> None:
    snap, numbers = _corpus(tmp_path / "new")
    old = _without_index(snap, tmp_path / "old")
    on = dt.date(2022, 1, 1)
    before = rights_on(old, numbers, on)
    assert before == rights_on(snap, numbers, on) and sum(r.found for r in before.values()) == N
    assert add_key_index(old.path) and not add_key_index(old.path)
    assert has_key_index(old.path) and rights_on(old, numbers, on) == before
    assert not list((old.path / keyindex.KEY_INDEX).glob(".*"))  # nothing half-written left


def test_an_unchanged_table_keeps_its_index_file(tmp_path: Path) -> None:
    """A writer that links a table from the parent links its index file too; one that writes it rebuilds it."""
    snap = build_snapshot(tmp_path, patents=[patent(serial=i) for i in range(1, 6)])
    corpus = CorpusStore(tmp_path / "corpus")
    with corpus.writer() as writer:
        con = snap.connect()
        try:
            writer.copy_query("patents", con, "SELECT * FROM patents ORDER BY application_number")
        finally:
            con.close()
        again = writer.commit({"source": "test"})
    assert index_path(again.path, "events").stat().st_ino == index_path(snap.path, "events").stat().st_ino
    assert index_path(again.path, "patents").stat().st_ino != index_path(snap.path, "patents").stat().st_ino
    numbers = [p["application_number"] for p in (patent(serial=i) for i in range(1, 6))]
    assert rights_on(again, numbers, dt.date(2024, 1, 1)) == rights_on(snap, numbers, dt.date(2024, 1, 1))


def test_a_generated_corpus_answers_the_same_both_ways(tmp_path: Path) -> None:
    snap = generate(1_500, 7, store=CorpusStore(tmp_path / "corpus"))
    con = snap.connect()
    try:
        numbers = [r[0] for r in con.execute("SELECT application_number FROM patents ORDER BY 1").fetchall()]
        most, = con.execute("SELECT application_number FROM events GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
                            ).fetchall()[0]
    finally:
        con.close()
    old = _without_index(snap, tmp_path / "old")
    rng = random.Random(3)
    for i in range(10):
        wanted = [*rng.sample(numbers, 100), most, "CN202990000001.1", numbers[i]]
        on = dt.date(2012 + i, 12, 31)
        assert lookup_rows(snap, sorted(set(wanted))) == lookup_rows(snap, sorted(set(wanted)), key_index=False)
        assert rights_on(snap, wanted, on) == rights_on(old, wanted, on)


def test_the_command_gives_the_current_snapshot_an_index(settings: Settings) -> None:
    snap = build_snapshot(settings.data_dir, patents=[patent(serial=i) for i in range(1, 4)])
    shutil.rmtree(snap.path / keyindex.KEY_INDEX)  # as written before key indexes existed
    runner = CliRunner()
    first = runner.invoke(app, ["corpus", "key-index"])
    assert first.exit_code == 0 and "key index written" in first.output, first.output
    assert has_key_index(snap.path)
    again = runner.invoke(app, ["corpus", "key-index"])
    assert again.exit_code == 0 and "already has a key index" in again.output, again.output


def _mapped(snap: Snapshot) -> bool:
    """Whether this process maps both index files of ``snap``."""
    maps = Path("/proc/self/maps").read_text()
    return all(str(index_path(snap.path, table)) in maps for table in keyindex.LOOKUP_COLUMNS)


def test_warming_maps_the_index_and_reads_it_through(tmp_path: Path) -> None:
    import threading

    snap, numbers = _corpus(tmp_path)
    assert not _mapped(snap)
    size = sum(index_path(snap.path, table).stat().st_size for table in keyindex.LOOKUP_COLUMNS)
    assert keyindex.warm(snap.path) == size
    assert _mapped(snap)
    stop = threading.Event()
    stop.set()
    assert keyindex.warm(snap.path, stop) == 0  # told to stop: reads nothing more
    assert keyindex.warm(_without_index(snap, tmp_path / "old").path) == 0
    assert lookup_rows(snap, sorted(numbers[:5])) == lookup_rows(snap, sorted(numbers[:5]), key_index=False)


def test_the_app_reads_the_current_key_index_at_start_and_a_new_one_when_it_becomes_current(
        settings: Settings) -> None:
    """The first pledge check in a process does not map the index from disk: the app opens the current snapshot
    when it starts, and a snapshot made current later when a request first sees it; either way its key index is
    read in the background."""
    from tests.helpers import wait_for
    from zhichan.web.app import create_app
    from zhichan.web.testing import TestClient

    first = build_snapshot(settings.data_dir, patents=[patent(serial=i) for i in range(1, 4)])
    app_ = create_app(settings, start_worker=False)
    with TestClient(app_) as client:
        wait_for(lambda: _mapped(first), what="the key index read at start")
        second = build_snapshot(settings.data_dir, patents=[patent(serial=i) for i in range(1, 6)])
        assert not _mapped(second)
        assert client.get("/healthz").status_code == 200  # touches no corpus
        assert app_.state.corpus.snapshot().id == second.id  # a request's first look at the corpus
        wait_for(lambda: _mapped(second), what="the new snapshot's key index read")
