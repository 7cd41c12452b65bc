"""An update import merges the stored table and its new records as sorted runs.

The snapshot it makes must be exactly the one the whole-table sort made before
(``importing.MERGE_SORTED_RUNS = False``): every column of patents, events and parties, the
import's counts and rejects — for files with new, changed, unchanged, duplicate and out-of-order
rows, on generated corpora, with row groups and part files small enough that an update touches
some and leaves others (which are then taken whole: hard links to the parent's files).
"""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import zhichan.corpus.importing as importing
from tests.corpus.helpers import generated_export, write_csv
from zhichan.corpus import store as store_module
from zhichan.corpus.store import CorpusStore, in_key_order
from zhichan.settings import Settings

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[list[str]]]:
    return generated_export(tmp_path_factory.mktemp("generated"), 900, 31)


def _tables(store: CorpusStore) -> dict[str, list[tuple[Any, ...]]]:
    con = store.current().connect()
    try:
        return {table: con.sql(f"SELECT * EXCLUDE (import_id) FROM {table} ORDER BY ALL").fetchall()
                if table != "parties" else con.sql("SELECT * FROM parties ORDER BY ALL").fetchall()
                for table in ("patents", "events", "parties")}
    finally:
        con.close()


def _both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: Path, update: Path,
               ) -> tuple[importing.ImportResult, CorpusStore]:
    """``first`` then ``update`` imported into two stores, the update merged as sorted runs in one
    and by the whole-table sort in the other: the same counts, rejects and tables. Returns the
    sorted-runs import and its store."""
    merged_runs: list[int] = []
    merge_runs = importing._merge_runs

    def spy(*args: Any) -> Any:
        merged_runs.append(1)
        return merge_runs(*args)

    monkeypatch.setattr(importing, "_merge_runs", spy)
    results, tables = {}, {}
    for runs in (False, True):
        monkeypatch.setattr(importing, "MERGE_SORTED_RUNS", runs)
        store = CorpusStore(tmp_path / f"runs-{runs}")
        importing.import_file(first, store=store, as_of=AS_OF)
        merged_runs.clear()
        results[runs] = importing.import_file(update, store=store, as_of=AS_OF + dt.timedelta(days=1))
        assert merged_runs == ([1] if runs and results[runs].added + results[runs].updated else [])
        tables[runs] = _tables(store)
        files = store.current().files("patents")
        assert in_key_order(files), runs
    old, new = results[False], results[True]
    assert [r.as_dict() for r in new.rejects] == [r.as_dict() for r in old.rejects]
    counts = ("rows_read", "added", "updated", "unchanged", "stale", "rejected", "events_added")
    assert [getattr(new, c) for c in counts] == [getattr(old, c) for c in counts]
    for table in tables[False]:
        assert tables[True][table] == tables[False][table], table
    return new, CorpusStore(tmp_path / "runs-True")


def _changed(header: list[str], row: list[str]) -> list[str]:
    title = header.index("专利名称")
    return [*row[:title], row[title] + "（修改）", *row[title + 1:]]


def test_an_update_with_every_kind_of_row_gives_the_whole_sorts_snapshot(
        tmp_path: Path, settings: Settings, generated, monkeypatch: pytest.MonkeyPatch) -> None:
    """New rows below, between, inside and above the stored range, changed, unchanged, an exact
    duplicate and a same-number duplicate, in no order — stored in many row groups and parts."""
    monkeypatch.setattr(store_module, "KEY_ROW_GROUP_ROWS", 40)
    monkeypatch.setattr(store_module, "PART_ROWS", 120)
    header, rows = generated
    first = write_csv(tmp_path / "first.csv", header, [list(r) for r in rows[100:800:2]])
    update = ([list(r) for r in rows[:100:3]]  # below the stored range
              + [list(r) for r in rows[101:800:7]]  # between stored numbers
              + [_changed(header, r) for r in rows[100:800:10]]  # changed
              + [list(r) for r in rows[102:800:13]]  # unchanged
              + [list(r) for r in rows[800::4]])  # above
    update.append(list(update[5]))  # an exact duplicate
    update.append(_changed(header, update[6]))  # the same number with other content
    random.Random(3).shuffle(update)
    result, _ = _both_ways(tmp_path, monkeypatch, first, write_csv(tmp_path / "update.csv", header, update))
    assert result.added > 100 and result.updated > 50 and result.unchanged > 20 and result.rejected >= 2


def test_the_whole_sort_of_a_small_update_to_a_large_table_runs_in_ranges(
        tmp_path: Path, settings: Settings, generated, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback sort's ranges count the stored rows too: 30 records updated in a table of 600 are
    sorted in ranges of ~100 (before: one range of the whole table, since 30 staged rows made one)."""
    monkeypatch.setattr(importing, "MERGE_RANGE_ROWS", 100)
    ranges: list[int] = []
    key_ranges = importing._key_ranges

    def spy(*args: Any) -> list[str]:
        found = key_ranges(*args)
        ranges.append(len(found))
        return found

    monkeypatch.setattr(importing, "_key_ranges", spy)
    header, rows = generated
    first = write_csv(tmp_path / "first.csv", header, [list(r) for r in rows[:600]])
    update = [_changed(header, r) for r in rows[:600:20]]
    result, _ = _both_ways(tmp_path, monkeypatch, first, write_csv(tmp_path / "update.csv", header, update))
    assert result.updated == 30
    assert ranges[-1] >= 6  # the update's whole sort (the first import's too: 600 rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_updates_give_the_whole_sorts_snapshot(tmp_path: Path, settings: Settings, generated,
                                                         monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    rng = random.Random(seed)
    monkeypatch.setattr(store_module, "KEY_ROW_GROUP_ROWS", rng.choice([7, 25, 100]))
    monkeypatch.setattr(store_module, "PART_ROWS", rng.choice([50, 200, 500_000]))
    monkeypatch.setattr(importing, "MERGE_BATCH_ROWS", rng.choice([1, 13, 50_000]))
    header, rows = generated
    stored = sorted(rng.sample(range(len(rows)), 500))
    new = rng.sample(sorted(set(range(len(rows))) - set(stored)), rng.choice([0, 5, 150]))
    changed = rng.sample(stored, rng.choice([1, 40, 200]))
    unchanged = rng.sample(stored, 30)
    first = write_csv(tmp_path / "first.csv", header, [list(rows[i]) for i in stored])
    update = ([list(rows[i]) for i in new] + [_changed(header, rows[i]) for i in changed]
              + [list(rows[i]) for i in unchanged if i not in changed])
    rng.shuffle(update)
    _both_ways(tmp_path, monkeypatch, first, write_csv(tmp_path / "update.csv", header, update))


def test_an_update_touching_a_few_ranges_keeps_the_other_parts_whole(
        tmp_path: Path, settings: Settings, generated, monkeypatch: pytest.MonkeyPatch) -> None:
    """Changed records in one part's range and new ones above the stored range: the other parts
    are the parent's files (hard links), the touched part is written again with the records in."""
    from zhichan.corpus.importers import columnar
    from zhichan.settings import get_settings

    monkeypatch.setattr(store_module, "KEY_ROW_GROUP_ROWS", 50)
    monkeypatch.setattr(columnar, "READ_BLOCK_BYTES", 64 << 10)  # the first import's parts: ~100 records each
    monkeypatch.setenv("ZHICHAN_IMPORT_BATCH_ROWS", "200")
    get_settings.cache_clear()
    header, rows = generated
    first = write_csv(tmp_path / "first.csv", header, [list(r) for r in rows[:800]])
    update = [_changed(header, r) for r in rows[410:420:3]] + [list(r) for r in rows[850:]]
    result, store = _both_ways(tmp_path, monkeypatch, first, write_csv(tmp_path / "update.csv", header, update))
    assert (result.added, result.updated) == (50, 4)
    snapshot = store.current()
    parent = store.get(snapshot.manifest["parent"])
    con = snapshot.connect()
    try:
        changed = {n for (n,) in con.sql("SELECT application_number FROM patents WHERE title LIKE '%（修改）'").fetchall()}
    finally:
        con.close()
    assert len(changed) == 4
    touched = []
    for file in parent.files("patents"):
        numbers = pq.read_table(file, columns=["application_number"]).column(0).to_pylist()
        touched.append(any(numbers[0] <= n <= numbers[-1] for n in changed))
    assert len(touched) >= 3 and touched.count(True) == 1, touched
    after = {os.stat(f).st_ino for f in snapshot.files("patents")}
    assert [os.stat(f).st_ino in after for f in parent.files("patents")] == [not t for t in touched]
    assert len(snapshot.files("patents")) == len(touched) + 1  # the touched part, the new records above
    numbers = [n for f in snapshot.files("patents")
               for n in pq.read_table(f, columns=["application_number"]).column(0).to_pylist()]
    assert numbers == sorted(numbers) and len(numbers) == 850


def test_the_merge_of_sorted_runs_places_every_key(tmp_path: Path) -> None:
    """The merge itself on hand-made runs: new keys below, between groups, between files, inside
    groups (replacing stored keys or not) and above; any batch size of the new records."""
    schema = pa.schema([("k", pa.string()), ("v", pa.int64())])
    stored_keys = [f"{i:04d}" for i in range(10, 200, 3)]
    files = []
    for n, chunk in enumerate([stored_keys[:20], stored_keys[20:21], stored_keys[21:]]):
        path = tmp_path / f"part-{n}.parquet"
        pq.write_table(pa.table({"k": chunk, "v": [0] * len(chunk)}, schema=schema), path, row_group_size=6)
        files.append(path)
    groups = importing._stored_groups(files, "k")
    assert groups is not None and [len(g) for g in groups] == [4, 1, 8]
    rng = random.Random(9)
    cases = [[], ["0000", "0001"], ["0250"], [stored_keys[20]], [stored_keys[0], stored_keys[-1]],
             ["0011", "0012", "0070", "0071", "0072"], stored_keys, [f"{i:04d}" for i in range(0, 260)]]
    cases += [sorted(rng.sample([f"{i:04d}" for i in range(0, 260)], rng.randint(1, 60))) for _ in range(20)]
    for new_keys in cases:
        for batch_rows in (1, 4, 1000):
            new = pa.table({"k": new_keys, "v": [1] * len(new_keys)}, schema=schema)
            reader = pa.RecordBatchReader.from_batches(schema, new.to_batches(max_chunksize=batch_rows))
            out = list(importing._merge_runs(groups, "k", reader, schema))
            rows = []
            for item in out:
                table = pq.read_table(item) if isinstance(item, Path) else pa.Table.from_batches([item]) \
                    if isinstance(item, pa.RecordBatch) else item
                rows += list(zip(table.column("k").to_pylist(), table.column("v").to_pylist(), strict=True))
            expected = sorted({**{k: 0 for k in stored_keys}, **{k: 1 for k in new_keys}}.items())
            assert rows == expected, (new_keys, batch_rows)
            # a file no new key falls into is passed on whole, never read
            untouched = [g[0].file for g in groups if not any(g[0].low <= k <= g[-1].high for k in new_keys)]
            assert [item for item in out if isinstance(item, Path)] == untouched


def test_a_stored_table_out_of_key_order_is_sorted_whole(tmp_path: Path) -> None:
    """Row groups whose ranges overlap (or lack statistics): no merge of runs."""
    schema = pa.schema([("k", pa.string())])
    path = tmp_path / "part.parquet"
    pq.write_table(pa.table({"k": ["a", "c", "b", "d"]}, schema=schema), path, row_group_size=2)
    assert importing._stored_groups([path], "k") is None
    pq.write_table(pa.table({"k": ["a", "b", "c", "d"]}, schema=schema), path, row_group_size=2,
                   write_statistics=False)
    assert importing._stored_groups([path], "k") is None
    pq.write_table(pa.table({"k": ["a", "b", "b", "d"]}, schema=schema), path, row_group_size=2)
    assert importing._stored_groups([path], "k") is None  # a key in two groups
