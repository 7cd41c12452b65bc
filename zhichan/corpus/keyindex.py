"""The key index of a snapshot: what a lookup by application number reads, rows found by binary search.

A right on a date (:mod:`zhichan.corpus.rights`) reads a few columns of a few patents and their
events. Read from Parquet, every number costs a whole row group of each table (thousands of rows
decompressed), and the number of groups a batch of numbers falls into grows with the corpus. The
key index holds those columns once more, uncompressed, in Arrow IPC files beside the snapshot::

    snapshots/<id>/keyindex/patents.arrow   the lookup columns of ``patents``, by application number
    snapshots/<id>/keyindex/events.arrow    those of ``events``, by number, date (undated first), id

Files are memory-mapped; a number is found by binary search over the (sorted) key column and its
rows are zero-copy slices, so a lookup touches a few pages per number: its cost depends on how many
numbers are asked, and on the corpus's size only through log₂ of it. Every snapshot writer builds
the index at commit (:class:`zhichan.corpus.store.SnapshotWriter`); a snapshot written before it
existed has none and is read through DuckDB instead, or gets one with :func:`add_key_index`
(``zhichan corpus key-index``). docs/corpus.md, "The key index", has the measurements.
"""

from __future__ import annotations

import bisect
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zhichan.corpus.schema import TABLES, conform, read_columns_sql
from zhichan.errors import CorpusError

KEY_INDEX = "keyindex"
KEY = "application_number"
#: the columns a right on a date reads, in the order :mod:`zhichan.corpus.rights` takes them
LOOKUP_COLUMNS: dict[str, tuple[str, ...]] = {
    "patents": ("application_number", "kind", "title", "legal_status", "legal_status_date", "lapse_date",
                "application_date", "grant_date", "current_patentees", "region_code"),
    "events": ("application_number", "event_type", "event_date", "amount_yuan", "party_from", "party_to",
               "detail", "event_id"),
}
#: the order of the rows of each index file (the order a lookup returns them in)
INDEX_ORDER = {"patents": [(KEY, "ascending", "at_end")],
               "events": [(KEY, "ascending", "at_end"), ("event_date", "ascending", "at_start"),
                          ("event_id", "ascending", "at_end")]}
INDEX_ORDER_SQL = {"patents": KEY, "events": f"{KEY}, event_date NULLS FIRST, event_id"}
#: rows per record batch of an index file: a lookup reads every batch's header and first key (on a first call,
#: from disk), a build holds a batch in memory (≈ 700 MB at most for patents)
BATCH_ROWS = 1_000_000


def index_path(snapshot_path: Path, table: str) -> Path:
    return snapshot_path / KEY_INDEX / f"{table}.arrow"


def has_key_index(snapshot_path: Path) -> bool:
    return all(index_path(snapshot_path, table).exists() for table in LOOKUP_COLUMNS)


def build_key_index(snapshot_path: Path, tables: tuple[str, ...] = tuple(LOOKUP_COLUMNS)) -> None:
    """Write the key index of the snapshot (or snapshot being written) at ``snapshot_path`` from its
    ``patents`` and ``events`` files; each file appears whole (written aside, then renamed) or not at all."""
    (snapshot_path / KEY_INDEX).mkdir(exist_ok=True)
    for table in tables:
        columns = LOOKUP_COLUMNS[table]
        target = index_path(snapshot_path, table)
        partial = target.with_name(f".{target.name}.partial")
        schema = pa.schema([TABLES[table][0].field(c) for c in columns])
        with pa.OSFile(str(partial), "wb") as sink, pa.ipc.new_file(sink, schema) as out:
            previous: str | None = None
            for batch in _sorted_batches(sorted((snapshot_path / table).glob("part-*.parquet")), table, schema):
                if batch.num_rows == 0:
                    continue
                keys = batch.column(0)
                if previous is not None and keys[0].as_py() < previous:  # the lookup's binary search needs it
                    raise CorpusError(f"键索引 {table} 顺序错误 / key index of {table}: rows out of order at {keys[0]}")
                previous = keys[batch.num_rows - 1].as_py()
                out.write_batch(batch)
        with open(partial, "rb") as written:  # on disk before it is put in place: a crash leaves no torn index
            os.fsync(written.fileno())
        os.replace(partial, target)


def _sorted_batches(files: list[Path], table: str, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The lookup columns of ``files`` in :data:`INDEX_ORDER`, in batches of at most :data:`BATCH_ROWS`.

    Snapshots store the key tables in key order (:data:`zhichan.corpus.store.KEY_ORDER`): row groups
    of ascending, non-overlapping ranges, so sorting each group orders the whole table, streaming.
    Files in another order (a snapshot from before that layout) are sorted by DuckDB."""
    from zhichan.corpus.store import duckdb_connect, in_key_order

    columns = list(schema.names)
    if in_key_order(files):
        yield from _rebatch(_sorted_groups(files, table, schema))
        return
    con = duckdb_connect()
    try:
        tmp = files[0].parent.parent / f".sort-{table}"
        con.execute(f"SET temp_directory = '{tmp.as_posix()}'")
        listed = ", ".join(f"'{f.as_posix()}'" for f in files)
        reader = con.sql(f"SELECT {read_columns_sql(table, columns)} FROM read_parquet([{listed}]) "
                         f"ORDER BY {INDEX_ORDER_SQL[table]}").to_arrow_reader(BATCH_ROWS)
        yield from _rebatch(conform(pa.Table.from_batches([batch]), schema) for batch in reader)
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _sorted_groups(files: list[Path], table: str, schema: pa.Schema) -> Iterator[pa.Table]:
    """The row groups of ``files`` (ascending, non-overlapping ranges of numbers), each sorted."""
    tail = schema.empty_table()  # a number's rows may run on into the next group: they wait to be sorted with it
    for file in files:
        with pq.ParquetFile(file) as parquet:
            for i in range(parquet.num_row_groups):
                group = pa.concat_tables([tail, conform(parquet.read_row_group(i, columns=list(schema.names)), schema)])
                if group.num_rows == 0:
                    continue
                group = group.sort_by(INDEX_ORDER[table])
                last = group.column(0)[group.num_rows - 1]
                done = group.num_rows - pc.sum(pc.equal(group.column(0), last)).as_py()
                tail = group.slice(done)
                yield group.slice(0, done)
    yield tail


def _rebatch(tables: Iterator[pa.Table]) -> Iterator[pa.RecordBatch]:
    """``tables`` as record batches of :data:`BATCH_ROWS` (few batches: a lookup opens each one's header)."""
    pending: list[pa.Table] = []
    size = 0
    for table in tables:
        pending.append(table)
        size += table.num_rows
        if size >= BATCH_ROWS:
            whole = pa.concat_tables(pending).combine_chunks()
            cut = size - size % BATCH_ROWS
            yield from whole.slice(0, cut).to_batches(BATCH_ROWS)
            pending, size = [whole.slice(cut)], size - cut
    if size:
        yield from pa.concat_tables(pending).combine_chunks().to_batches(BATCH_ROWS)


def add_key_index(snapshot_path: Path) -> bool:
    """Give a snapshot written without a key index one (False: it had one). The snapshot's own files
    are left as they are; readers switch to the index once both files are there."""
    if has_key_index(snapshot_path):
        return False
    build_key_index(snapshot_path)
    return True


class _Keys:
    """The sorted key column of one batch as a sequence of UTF-8 bytes (for :mod:`bisect`), read in place
    from the memory map (byte order is the order of code points, Python's and DuckDB's order of strings)."""

    def __init__(self, column: pa.Array) -> None:
        _, offsets, data = column.buffers()
        self.offsets = np.frombuffer(offsets, dtype=np.int32)[column.offset:column.offset + len(column) + 1]
        self.data = memoryview(data) if data is not None else memoryview(b"")
        self.size = len(column)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i: int) -> bytes:
        return self.data[self.offsets[i]:self.offsets[i + 1]].tobytes()


class _Index:
    """One index file, memory-mapped: its batches, their key columns and each batch's first key."""

    def __init__(self, path: Path) -> None:
        self.source = pa.memory_map(str(path))
        reader = pa.ipc.open_file(self.source)
        self.batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
        self.keys = [_Keys(b.column(0)) for b in self.batches]
        self.firsts = [k[0] for k in self.keys]
        self.schema = reader.schema
        #: the canonical types of the columns, when the file's differ (an index written before amounts were
        #: exact holds them as ``float64``): a lookup's rows are read in them
        table = next((t for t, columns in LOOKUP_COLUMNS.items() if list(columns) == self.schema.names), None)
        canonical = None if table is None else pa.schema([TABLES[table][0].field(c) for c in LOOKUP_COLUMNS[table]])
        self.canonical = None if canonical is None or canonical.equals(self.schema) else canonical


@functools.lru_cache(maxsize=4)
def _opened(path: Path, stamp: tuple[int, int]) -> _Index:
    """Snapshots never change, so an index file stays open (mapped) for the next lookup; ``stamp``
    (inode, mtime) tells a file put in place since (``zhichan corpus key-index``) from the one mapped.
    Four files: the current snapshot's and the previous one's (a pruned snapshot's files keep their disk
    space while mapped)."""
    return _Index(path)


def _open(path: Path) -> _Index:
    stat = path.stat()
    return _opened(path, (stat.st_ino, stat.st_mtime_ns))


def warm(snapshot_path: Path, stop: threading.Event | None = None) -> int:
    """Map the snapshot's key index and read its files through once, so that the first lookup in a process
    does not wait for the disk: at 10M patents, read cold, a 100-patent lookup waited 1.5–2.7 s for a few
    thousand scattered pages (its binary searches and its rows' columns), 60 ms warm. The files are read in
    order, a chunk at a time, into the page cache — the system's, which it reclaims as it needs, not the
    process's memory; a small corpus's index is a few megabytes. ``stop`` ends it early. Returns the bytes
    read (0: the snapshot has no key index)."""
    if not has_key_index(snapshot_path):
        return 0
    read = 0
    with open(os.devnull, "wb") as sink:
        for table in LOOKUP_COLUMNS:
            path = index_path(snapshot_path, table)
            _open(path)
            with open(path, "rb") as file:  # sent to /dev/null by the kernel: nothing is copied into the process
                offset = 0
                while not (stop is not None and stop.is_set()):
                    n = os.sendfile(sink.fileno(), file.fileno(), offset, WARM_CHUNK)
                    if n == 0:
                        break
                    offset += n
                read += offset
    return read


#: what :func:`warm` reads at a time
WARM_CHUNK = 4 * 1024 * 1024


def lookup(snapshot_path: Path, table: str, numbers: list[str]) -> list[tuple[Any, ...]]:
    """The rows of ``table`` (its :data:`LOOKUP_COLUMNS`) whose application number is one of ``numbers``
    (sorted, distinct), in :data:`INDEX_ORDER`, read from the key index of the snapshot at ``snapshot_path``."""
    index = _open(index_path(snapshot_path, table))
    found: list[pa.RecordBatch] = []  # zero-copy slices of the memory map
    for number in numbers:
        key = number.encode()
        batch = max(bisect.bisect_left(index.firsts, key) - 1, 0)  # the last batch starting before it
        while batch < len(index.keys):  # a number's rows may run on into the next batches
            lo = bisect.bisect_left(index.keys[batch], key)
            hi = bisect.bisect_right(index.keys[batch], key, lo)
            if hi > lo:
                found.append(index.batches[batch].slice(lo, hi - lo))
            if hi < len(index.keys[batch]):
                break
            batch += 1
    if not found:
        return []
    rows = pa.Table.from_batches(found, index.schema)
    if index.canonical is not None:
        rows = conform(rows, index.canonical)
    return list(zip(*(column.to_pylist() for column in rows.columns), strict=True))
