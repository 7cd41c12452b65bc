"""Versioned corpus snapshots: Parquet folders queried through DuckDB, switched atomically.

Layout under ``<data_dir>/corpus``::

    CURRENT                      the id of the snapshot readers use (replaced atomically)
    snapshots/<id>/manifest.json what the snapshot holds and which import made it
    snapshots/<id>/<table>/part-*.parquet   (patents and events in application-number order: KEY_ORDER)
    snapshots/<id>/keyindex/<table>.arrow   what a lookup by number reads (zhichan.corpus.keyindex)
    snapshots/.tmp-<id>/         a snapshot being written; never read, removed on abort/restart
    history.jsonl                one line per import (added / updated / unchanged / rejected)
    rejects/<import_id>.csv      the rejects report of each import

Crash rule: a new snapshot is written beside the current one and becomes current only by
``os.replace`` of ``CURRENT`` after its files and manifest are flushed to disk. A crash at any
point leaves the previous snapshot whole and readable; leftover ``.tmp-*`` folders are removed
by the next writer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from zhichan.corpus.schema import IMPORTED_TABLES, TABLES, conform, read_columns_sql
from zhichan.errors import CorpusError
from zhichan.settings import get_settings

PART_ROWS = 500_000
#: tables read by application number (a right on a date, :mod:`zhichan.corpus.rights`): stored in this
#: order, in row groups small enough that a lookup of a few numbers reads a few groups, whatever the
#: corpus's size (DuckDB skips the others by their min/max statistics)
KEY_ORDER: dict[str, tuple[str, ...]] = {"patents": ("application_number",),
                                         "events": ("application_number", "event_date", "event_id")}
KEY_ROW_GROUP_ROWS = 10_000


def row_group_rows(table: str) -> int:
    """Rows in a row group of ``table``'s part files."""
    return KEY_ROW_GROUP_ROWS if table in KEY_ORDER else 100_000


#: Columns whose values (nearly) all differ — numbers, texts, hashes — written without a dictionary:
#: Arrow would build one for each column chunk and drop it once it outgrew its page (the lists are
#: written without one too): a batch of the 1M export encodes in 5.6–8.7 CPU-µs a record instead of
#: 7.4–8.4 (noisy, load 8–10) and 7 % smaller; the other columns (codes, labels, dates, counts, flags,
#: provenance) repeat and keep their dictionaries.
UNIQUE_COLUMNS: dict[str, frozenset[str]] = {
    "patents": frozenset({"application_number", "publication_number", "grant_number", "title", "abstract",
                          "first_claim", "first_patentee", "first_patentee_key", "applicant_address",
                          "pct_application_number", "pct_publication_number", "family_id", "source_row",
                          "content_hash", "extra_json"}),
}


def _dictionary_columns(table: str) -> list[str] | bool:
    unique = UNIQUE_COLUMNS.get(table)
    if unique is None:
        return True
    return [f.name for f in TABLES[table][0] if f.name not in unique and not pa.types.is_list(f.type)]


def part_writer(path: Path, table: str) -> pq.ParquetWriter:
    """A writer of one of ``table``'s part files, in the snapshot's format."""
    return pq.ParquetWriter(path, TABLES[table][0], compression="zstd", use_dictionary=_dictionary_columns(table))


def write_part_file(path: Path, table: str, data: pa.Table) -> None:
    """``data`` (in the canonical schema) as one part file of ``table``, as a :class:`SnapshotWriter`
    writes them: a part written elsewhere (an import's worker) that the writer can :meth:`adopt
    <SnapshotWriter.adopt>`."""
    with part_writer(path, table) as writer:
        writer.write_table(data, row_group_size=row_group_rows(table))


def duckdb_connect(threads: int | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection configured for offline use (no extension downloads) and quiet
    (no progress bar on stdout: the command line and the benchmarks print their own output)."""
    settings = get_settings()
    con = duckdb.connect(
        config={
            "autoinstall_known_extensions": "false",
            "autoload_known_extensions": "false",
            "threads": str(threads or settings.duckdb_threads),
            "memory_limit": memory_limit or settings.duckdb_memory_limit,
        }
    )
    con.execute("SET enable_progress_bar = false")
    return con


def in_values_sql(column: str, parameter: str) -> str:
    """``column IN`` a list of values bound as one parameter (``$parameter``, a Python list) — how a DuckDB query takes a
    list that grows with the data (a nation's holders): ``IN (?, ?, …)`` binds each value on its own, which DuckDB
    prepares in time growing faster than the list (100,000 keys: ~4 s against ~0.2 s; zhichan.platform.inlists)."""
    return f"{column} IN (SELECT unnest(${parameter}))"


@cache
def _empty_view_sql(table: str, schema: pa.Schema) -> str:
    """``CREATE OR REPLACE VIEW <table>`` with no rows and the columns of ``schema`` (DuckDB's types of the
    Arrow schema, as a registered empty Arrow table gives them), in SQL alone: made once per process. Every
    connection to a snapshot makes the workflow tables not exported yet (:meth:`Snapshot.register`); an empty
    Arrow table registered for each cost ~35 CPU-ms a connection, more than the connection itself."""
    con = duckdb.connect()
    try:
        empty = con.from_arrow(schema.empty_table())
        columns = ", ".join(f'CAST(NULL AS {kind}) AS "{name.replace(chr(34), chr(34) * 2)}"'
                            for name, kind in zip(empty.columns, empty.types, strict=True))
    finally:
        con.close()
    return f"CREATE OR REPLACE VIEW {table} AS SELECT {columns} WHERE false"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for file in path.rglob("*"):
        if file.is_file():
            with open(file, "rb") as fh:
                os.fsync(fh.fileno())
    for folder in [path, *(p for p in path.rglob("*") if p.is_dir())]:
        _fsync_dir(folder)


class Snapshot:
    """One immutable version of the corpus."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.id = path.name
        try:
            self.manifest: dict[str, Any] = json.loads((path / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise CorpusError(f"快照 {self.id} 已损坏 / snapshot {self.id} is damaged: {exc}") from exc

    def __repr__(self) -> str:
        return f"Snapshot({self.id!r})"

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.manifest.get("counts", {}))

    def content_hash_version(self, table: str) -> int:
        """The version of ``table``'s content hashes (``records.content_hash``; 1 in a snapshot
        written before versions were recorded)."""
        return int((self.manifest.get("content_hash") or {}).get(table, 1))

    @property
    def synthetic(self) -> bool:
        """True when any record in the snapshot is synthetic (the UI labels it)."""
        return bool(self.manifest.get("synthetic_records", 0))

    @property
    def generator(self) -> dict[str, Any] | None:
        """The parameters of the generator that made the snapshot's synthetic records (seed, size,
        ``scale``), kept by every later snapshot that still holds them; None without synthetic records."""
        block = self.manifest.get("generator") or (self.manifest.get("import") or {}).get("generator")
        return dict(block) if block and self.synthetic else None

    @property
    def population_scale(self) -> float:
        """How many real records one record stands for, inverted (1.0 for real data).

        A synthetic corpus generated at a fraction of the national volume records that fraction
        (``scale``); 每万人口 figures divide by ``population × scale`` so the demo shows realistic
        magnitudes (docs/indicators.md, "Synthetic corpora"). Real data uses the census population.
        """
        scale = (self.generator or {}).get("scale")
        return float(scale) if scale else 1.0

    def files(self, table: str) -> list[Path]:
        if table not in TABLES:
            raise CorpusError(f"未知数据表 {table} / unknown table {table}")
        return sorted((self.path / table).glob("part-*.parquet"))

    def parquet_glob(self, table: str) -> str:
        """A path pattern DuckDB/Spark can read for ``table``."""
        return str(self.path / table / "part-*.parquet")

    def register(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Create one view per table (``patents``, ``events`` …) on ``con``, ``term_compensations`` (every
        compensated patent's term end, :func:`zhichan.corpus.rights.term_compensations`), and one per exported
        workflow table (``cases`` …, :mod:`zhichan.figures`; empty until the first export)."""
        from zhichan.corpus.rights import compensations_view_sql
        from zhichan.figures import workflow_tables

        for table in TABLES:
            files = ", ".join(f"'{f.as_posix()}'" for f in self.files(table))
            con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT {read_columns_sql(table)} FROM read_parquet([{files}])")
        con.execute(compensations_view_sql(self))
        for table, declared in workflow_tables().items():
            path = self.workflow_file(table)
            if path.exists():
                con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet('{path.as_posix()}')")
            else:  # nothing exported yet
                con.execute(_empty_view_sql(table, declared.schema))
        return con

    def workflow_file(self, table: str) -> Path:
        """``<data_dir>/workflow/<table>.parquet``: the latest export of a workflow table (the data
        directory holds ``corpus/snapshots/<id>``)."""
        return workflow_dir(self.path.parents[2]) / f"{table}.parquet"

    def workflow_version(self) -> tuple[tuple[int, int, int] | None, ...]:
        """Each exported workflow file of this snapshot's data directory as it is now (replaced by every export;
        absent until the first): part of the key of anything cached from the platform's records, which change
        without a new snapshot."""
        from zhichan.figures import workflow_tables

        files: list[tuple[int, int, int] | None] = []
        for table in workflow_tables():
            try:
                st = self.workflow_file(table).stat()
            except FileNotFoundError:
                files.append(None)
            else:
                files.append((st.st_ino, st.st_mtime_ns, st.st_size))
        return tuple(files)

    def views_key(self) -> tuple[Any, ...]:
        """What this snapshot's views read: its folder (a snapshot is immutable) and each exported workflow file
        as it is now — the key of views made once and read many times (:meth:`reader`, the Spark engine's)."""
        return (str(self.path.resolve()), self.workflow_version())

    def connect(self, threads: int | None = None) -> duckdb.DuckDBPyConnection:
        """A fresh DuckDB connection with this snapshot's tables as views: for a caller that creates or replaces
        objects of its own (an import's staging views, a setting). A reader takes :meth:`reader`."""
        return self.register(duckdb_connect(threads))

    def reader(self, threads: int | None = None) -> duckdb.DuckDBPyConnection:
        """A connection for reading this snapshot: a cursor of a connection whose views are made once per process
        for the snapshot and the state of its workflow exports (:meth:`views_key`). Making the views costs ~80
        CPU-ms (every table's files and the term compensations bound, on a fresh in-memory database), a cursor
        well under one: a page of figures or records opens one engine or more. A cursor has its own temporary
        tables and settings and is closed by its caller; it must not create anything but temporary objects
        (the views are shared). A connection dropped from the kept ones is not closed: a cursor still reading
        keeps its database alive, the last one to close ends it."""
        key = (self.views_key(), threads or get_settings().duckdb_threads, get_settings().duckdb_memory_limit)
        with _READERS_LOCK:
            base = _READERS.get(key)
            if base is None:
                base = _READERS[key] = self.connect(threads)
                while len(_READERS) > _READERS_KEPT:
                    _READERS.popitem(last=False)
            else:
                _READERS.move_to_end(key)
            cursor = base.cursor()
        cursor.execute("SET enable_progress_bar = false")  # a client setting: each cursor has its own
        return cursor


#: the connections whose views :meth:`Snapshot.reader`'s cursors share, by what the views read and the settings
#: of the database; the most recently used kept (a test run's data directories, a server's snapshot and exports)
_READERS: OrderedDict[tuple[Any, ...], duckdb.DuckDBPyConnection] = OrderedDict()
_READERS_LOCK = threading.Lock()
_READERS_KEPT = 8


WRITER_LOCK = ".writer.lock"


def workflow_dir(data_dir: Path) -> Path:
    return data_dir / "workflow"


def _hold(path: Path) -> Any:
    """Open ``path`` and hold an exclusive lock on it until the returned file is closed."""
    import fcntl

    handle = open(path, "a+b")  # noqa: SIM115 - held for the writer's life, closed on commit/abort
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    return handle


class SnapshotWriter:
    """Writes a new snapshot into a temporary folder; :meth:`commit` switches to it.

    With ``carry_over`` (the default) every imported table the writer neither writes nor links
    is linked whole from the parent at commit: an import of one table never empties another.
    A writer that builds a whole corpus (the generator) passes ``carry_over=False``.
    """

    def __init__(self, store: CorpusStore, parent: Snapshot | None, *, carry_over: bool = True) -> None:
        self.store = store
        self.parent = parent
        self.carry_over = carry_over
        now = dt.datetime.now(dt.UTC)
        self.id = f"{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(2)}"
        self.tmp = store.snapshots_dir / f".tmp-{self.id}"
        self.tmp.mkdir(parents=True)
        # held while this writer works: another writer starting meanwhile leaves the folder alone
        self._busy = _hold(self.tmp / WRITER_LOCK)
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._part_rows: dict[str, int] = {}
        self._parts: dict[str, int] = {}
        self._done: set[str] = set()  # linked from the parent
        self._linked_from: dict[str, Snapshot] = {}
        self._written: set[str] = set()  # written by this writer (possibly with no rows)
        #: the content hash version of each table this writer writes (1 unless set: the generator's
        #: and every other writer's); a table linked from a snapshot keeps that snapshot's
        self.content_hash_versions: dict[str, int] = {}
        # rows of a key-ordered table not yet making a whole row group (a writer's batches need not be
        # multiples of KEY_ROW_GROUP_ROWS: the generator writes 25,000 patents and ~11,500 events a chunk)
        self._pending: dict[str, list[pa.Table]] = {}

    def _new_part(self, table: str) -> pq.ParquetWriter:
        folder = self.tmp / table
        folder.mkdir(exist_ok=True)
        n = self._parts.get(table, 0)
        self._parts[table] = n + 1
        self._part_rows[table] = 0
        writer = part_writer(folder / f"part-{n:05d}.parquet", table)
        self._writers[table] = writer
        return writer

    def write(self, table: str, data: pa.Table | pa.RecordBatch) -> None:
        """Append rows (already in the canonical schema) to ``table``."""
        if table in self._done:
            raise CorpusError(f"{table} already linked from the parent snapshot")
        self._written.add(table)
        schema = TABLES[table][0]
        batch_table = data if isinstance(data, pa.Table) else pa.Table.from_batches([data])
        batch_table = conform(batch_table.select(schema.names), schema)
        if table in KEY_ORDER:
            pending = self._pending.setdefault(table, [])
            pending.append(batch_table)
            rows = sum(t.num_rows for t in pending)
            whole = rows - rows % KEY_ROW_GROUP_ROWS
            if whole == 0:
                return
            joined = pa.concat_tables(pending)
            self._pending[table] = [joined.slice(whole)] if whole < rows else []
            self._write_part(table, joined.slice(0, whole))
        else:
            self._write_part(table, batch_table)

    def _write_part(self, table: str, batch_table: pa.Table) -> None:
        writer = self._writers.get(table) or self._new_part(table)
        if self._part_rows[table] >= PART_ROWS:
            writer.close()
            writer = self._new_part(table)
        writer.write_table(batch_table, row_group_size=row_group_rows(table))
        self._part_rows[table] += batch_table.num_rows

    def copy_query(self, table: str, con: duckdb.DuckDBPyConnection, sql: str) -> None:
        """Write the result of ``sql`` (columns in canonical order) as ``table``, streaming."""
        self._written.add(table)  # even when the query returns no rows: the table is replaced, not carried over
        reader = con.sql(sql).to_arrow_reader(100_000)
        for batch in reader:
            self.write(table, batch)

    def replace(self, table: str, batches: Iterable[pa.RecordBatch | pa.Table | Path]) -> None:
        """``table`` is exactly ``batches`` in the new snapshot (none: empty, not carried over). A
        :class:`~pathlib.Path` among them is a part file of another snapshot taken whole, in its
        place (:meth:`link_part`): an update import's merge keeps the stored parts no new record
        falls into."""
        self._written.add(table)
        for batch in batches:
            if isinstance(batch, Path):
                self.link_part(table, batch)
            else:
                self.write(table, batch)

    def link_part(self, table: str, file: Path) -> None:
        """``file`` (a part file of a snapshot, in the snapshot's form) as the next part of ``table``,
        hard-linked (copied across devices), not read or written again. The rows written before it
        are finished first, as a part of their own (its last row group may be short)."""
        if table in self._done:
            raise CorpusError(f"{table} already linked from the parent snapshot")
        self._written.add(table)
        pending = self._pending.pop(table, [])
        if pending:
            self._write_part(table, pa.concat_tables(pending))
        writer = self._writers.pop(table, None)
        if writer is not None:
            writer.close()
        folder = self.tmp / table
        folder.mkdir(exist_ok=True)
        n = self._parts.get(table, 0)
        self._parts[table] = n + 1
        try:
            os.link(file, folder / f"part-{n:05d}.parquet")
        except OSError:
            shutil.copy2(file, folder / f"part-{n:05d}.parquet")

    def adopt(self, table: str, files: list[Path]) -> None:
        """``table`` is exactly ``files``, in this order: part files written by :func:`write_part_file`
        (an import's workers write them while checking), moved into the snapshot, not written again."""
        if table in self._done or table in self._written:
            raise CorpusError(f"{table} already written to the new snapshot")
        self._written.add(table)
        folder = self.tmp / table
        folder.mkdir(exist_ok=True)
        for file in files:
            n = self._parts.get(table, 0)
            self._parts[table] = n + 1
            shutil.move(file, folder / f"part-{n:05d}.parquet")

    def link_from_parent(self, table: str, source: Snapshot | None = None) -> None:
        """Reuse the parent's (or ``source``'s) files for an unchanged table (hard links; copies
        across devices)."""
        if table in self._written:
            raise CorpusError(f"{table} already written to the new snapshot")
        source = source or self.parent
        if source is None:
            return
        folder = self.tmp / table
        folder.mkdir(exist_ok=True)
        for file in source.files(table):
            try:
                os.link(file, folder / file.name)
            except OSError:
                shutil.copy2(file, folder / file.name)
        self._done.add(table)
        self._linked_from[table] = source

    def _build_key_index(self) -> None:
        """The key index (:mod:`zhichan.corpus.keyindex`) of the snapshot: a table linked whole from a
        snapshot with an index links that index file too; any other is indexed from its files."""
        from zhichan.corpus.keyindex import LOOKUP_COLUMNS, build_key_index, index_path

        build = []
        for table in LOOKUP_COLUMNS:
            source = self._linked_from.get(table)
            if source is not None and index_path(source.path, table).exists():
                target = index_path(self.tmp, table)
                target.parent.mkdir(exist_ok=True)
                try:
                    os.link(index_path(source.path, table), target)
                except OSError:
                    shutil.copy2(index_path(source.path, table), target)
            else:
                build.append(table)
        if build:
            build_key_index(self.tmp, tuple(build))

    def _finish_parts(self) -> None:
        for table, pending in list(self._pending.items()):
            if pending:
                self._write_part(table, pa.concat_tables(pending))
        self._pending.clear()
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def _close_writers(self) -> None:
        self._finish_parts()
        for table, (schema, _) in TABLES.items():
            folder = self.tmp / table
            if not any(folder.glob("part-*.parquet")):
                folder.mkdir(exist_ok=True)
                pq.write_table(schema.empty_table(), folder / "part-00000.parquet")

    def _sort_by_key(self) -> None:
        """Rewrite the key-ordered tables this writer wrote out of order. The generator, imports and
        exports write in order and are left as they are — found so by reading their keys
        (:func:`in_key_order`), not by trusting the writer. A table of one row group's size or less has
        nothing to skip and keeps the writer's order."""
        self._finish_parts()
        for table, key in KEY_ORDER.items():
            files = sorted((self.tmp / table).glob("part-*.parquet"))
            if (table not in self._written or sum(pq.read_metadata(f).num_rows for f in files) <= KEY_ROW_GROUP_ROWS
                    or in_key_order(files, key)):
                continue
            order = ", ".join(key)
            unsorted = self.tmp / f".unsorted-{table}"
            os.rename(self.tmp / table, unsorted)
            self._parts.pop(table, None)
            con = duckdb_connect()
            try:
                con.execute(f"SET temp_directory = '{(self.tmp / '.sort').as_posix()}'")
                moved = ", ".join(f"'{(unsorted / f.name).as_posix()}'" for f in files)
                columns = read_columns_sql(table, TABLES[table][0].names)
                self.copy_query(table, con, f"SELECT {columns} FROM read_parquet([{moved}]) ORDER BY {order}")
                self._finish_parts()
            finally:
                con.close()
            shutil.rmtree(unsorted)
            shutil.rmtree(self.tmp / ".sort", ignore_errors=True)

    def _build_parties(self) -> None:
        from zhichan.corpus.parties import PARTIES_SQL

        shutil.rmtree(self.tmp / "parties", ignore_errors=True)
        con = duckdb_connect()
        try:
            files = ", ".join(f"'{f.as_posix()}'" for f in sorted((self.tmp / "patents").glob("part-*.parquet")))
            con.execute(f"CREATE VIEW patents AS SELECT * FROM read_parquet([{files}])")
            self.copy_query("parties", con, PARTIES_SQL)
        finally:
            con.close()

    def commit(self, import_record: dict[str, Any] | None = None) -> Snapshot:
        """Finish the files, write the manifest, and make this snapshot current — atomically.

        Writers commit one at a time (a lock file), and the tables a writer carries over come from
        the snapshot current *at commit*: an export of the cases that started before an import
        finished keeps the import's patents instead of reverting them."""
        self._sort_by_key()  # before the lock: other writers need not wait for the sort
        with self.store.commit_lock():
            return self._commit(import_record)

    def _commit(self, import_record: dict[str, Any] | None) -> Snapshot:
        if self.carry_over:
            latest = self.store.current_or_none() or self.parent
            for table in IMPORTED_TABLES:
                if table not in self._written and table not in self._done:
                    self.link_from_parent(table, latest)
        self._close_writers()
        # the key index (patents, events) and the parties (from patents) read finished files and write
        # their own: built side by side, on both cores, rather than one after the other
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1, thread_name_prefix="key-index") as pool:
            index = pool.submit(self._build_key_index)
            self._build_parties()
            self._close_writers()
            index.result()
        con = duckdb_connect()
        try:
            counts: dict[str, int] = {}
            synthetic = 0
            for table in TABLES:
                files = ", ".join(f"'{f.as_posix()}'" for f in sorted((self.tmp / table).glob("part-*.parquet")))
                row = con.execute(
                    f"SELECT count(*), coalesce(sum(CASE WHEN synthetic THEN 1 ELSE 0 END), 0) FROM read_parquet([{files}])"
                ).fetchall()[0]
                counts[table] = int(row[0])
                synthetic += int(row[1]) if table in IMPORTED_TABLES else 0
        finally:
            con.close()
        # the generator's parameters (its population scale above all) belong to the synthetic
        # records: they stay with every snapshot that still holds some, whatever import made it
        generator = (import_record or {}).get("generator")
        if generator is None and self.carry_over and self.parent is not None:
            generator = self.parent.generator
        manifest = {
            "id": self.id,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "parent": self.parent.id if self.parent else None,
            "counts": counts,
            "synthetic_records": synthetic,
            "generator": generator if synthetic else None,
            "import": import_record or {},
            "schema_version": 1,
            "content_hash": {table: (self._linked_from[table].content_hash_version(table) if table in self._linked_from
                                     else self.content_hash_versions.get(table, 1)) for table in TABLES},
        }
        (self.tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        self._busy.close()
        (self.tmp / WRITER_LOCK).unlink()
        _fsync_tree(self.tmp)
        final = self.store.snapshots_dir / self.id
        os.rename(self.tmp, final)
        _fsync_dir(self.store.snapshots_dir)
        self.store._switch(self.id)
        self.store.prune()
        return Snapshot(final)

    def abort(self) -> None:
        self._busy.close()
        for writer in self._writers.values():
            with contextlib.suppress(Exception):  # closing a half-written part on the way out
                writer.close()
        self._writers.clear()
        shutil.rmtree(self.tmp, ignore_errors=True)


def in_key_order(files: list[Path], key: tuple[str, ...] = ("application_number",)) -> bool:
    """Whether the rows of ``files`` (in this order) ascend by ``key`` as ``ORDER BY`` would put them
    (column by column, a missing value last), and their row groups hold non-overlapping ranges of the
    first key column by their statistics — what lets a reader skip every group that cannot hold a number.

    The statistics are checked first (cheap: a scrambled table fails there); then the key columns are
    read and every row compared with the next."""
    previous = None
    for file in files:
        meta = pq.read_metadata(file)
        column = next(i for i in range(meta.num_columns) if meta.schema.column(i).path == key[0])
        for i in range(meta.num_row_groups):
            group = meta.row_group(i)
            if group.num_rows == 0:
                continue
            stats = group.column(column).statistics
            if stats is None or not stats.has_min_max or (previous is not None and stats.min < previous):
                return False
            previous = stats.max
    last: pa.RecordBatch | None = None
    for file in files:
        with pq.ParquetFile(file) as parquet:
            for batch in parquet.iter_batches(batch_size=KEY_CHECK_ROWS, columns=list(key)):
                if batch.num_rows == 0:
                    continue
                seam = None if last is None else pa.Table.from_batches([last, batch.slice(0, 1)]).combine_chunks().to_batches()[0]
                if not _ascending(batch, key) or (seam is not None and not _ascending(seam, key)):
                    return False
                last = batch.slice(batch.num_rows - 1)
    return True


KEY_CHECK_ROWS = 500_000


def _ascending(rows: pa.RecordBatch, key: tuple[str, ...]) -> bool:
    """Every row ≤ the next by ``key`` (lexicographic over the columns; nulls sort last)."""
    import numpy as np
    import pyarrow.compute as pc

    n = rows.num_rows
    if n < 2:
        return True
    decided = np.zeros(n - 1, dtype=bool)  # pairs already known to ascend by an earlier column
    for name in key:
        column = rows.column(name)
        a, b = column.slice(0, n - 1), column.slice(1)
        less = pc.or_(pc.fill_null(pc.less(a, b), False), pc.and_(pc.is_valid(a), pc.is_null(b)))
        greater = pc.or_(pc.fill_null(pc.greater(a, b), False), pc.and_(pc.is_null(a), pc.is_valid(b)))
        if (greater.to_numpy(zero_copy_only=False) & ~decided).any():
            return False
        decided |= less.to_numpy(zero_copy_only=False)
        if decided.all():
            break
    return True


class CorpusStore:
    """The snapshots of one data directory."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root else get_settings().corpus_dir
        self.snapshots_dir = self.root / "snapshots"
        self.pointer = self.root / "CURRENT"

    def current_id(self) -> str | None:
        try:
            value = self.pointer.read_text("utf-8").strip()
        except FileNotFoundError:
            return None
        return value or None

    def current(self) -> Snapshot:
        snapshot_id = self.current_id()
        if snapshot_id is None:
            raise CorpusError(
                "尚无语料快照，请先导入或生成数据（zhichan generate 或 zhichan import） / "
                "no corpus snapshot yet: run `zhichan generate` or `zhichan import` first"
            )
        return Snapshot(self.snapshots_dir / snapshot_id)

    def current_or_none(self) -> Snapshot | None:
        return self.current() if self.current_id() else None

    def get(self, snapshot_id: str) -> Snapshot:
        path = self.snapshots_dir / snapshot_id
        if snapshot_id.startswith(".") or not (path / "manifest.json").exists():
            raise CorpusError(f"快照 {snapshot_id} 不存在 / no snapshot {snapshot_id}")
        return Snapshot(path)

    def snapshots(self) -> list[Snapshot]:
        if not self.snapshots_dir.exists():
            return []
        return [Snapshot(p) for p in sorted(self.snapshots_dir.iterdir()) if p.is_dir() and not p.name.startswith(".")]

    @contextmanager
    def commit_lock(self) -> Iterator[None]:
        """Held while a writer commits (switching snapshots is one writer at a time, across processes)."""
        import fcntl

        self.snapshots_dir.mkdir(parents=True, exist_ok=True)
        with open(self.snapshots_dir / ".commit.lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    @contextmanager
    def writer(self, *, carry_over: bool = True) -> Iterator[SnapshotWriter]:
        """A writer on top of the current snapshot; aborted (files removed) if the block raises.

        The caller must call :meth:`SnapshotWriter.commit` inside the block to switch. Tables the
        writer does not write are carried over from the current snapshot unless ``carry_over`` is
        False (a writer that builds a whole corpus).
        """
        self.snapshots_dir.mkdir(parents=True, exist_ok=True)
        self._remove_leftovers()
        writer = SnapshotWriter(self, self.current_or_none(), carry_over=carry_over)
        try:
            yield writer
        except BaseException:
            writer.abort()
            raise

    def _remove_leftovers(self) -> None:
        """Remove the folders of writers that died (their lock is free); running writers keep theirs."""
        import fcntl

        for leftover in self.snapshots_dir.glob(".tmp-*"):
            lock = leftover / WRITER_LOCK
            if lock.exists():
                with open(lock, "a+b") as handle:
                    try:
                        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # a writer is working in it
            shutil.rmtree(leftover, ignore_errors=True)

    def _switch(self, snapshot_id: str) -> None:
        tmp = self.root / f".CURRENT.{snapshot_id}"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(snapshot_id + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.pointer)
        _fsync_dir(self.root)

    def prune(self, keep: int | None = None) -> None:
        keep = keep or get_settings().snapshots_kept
        current = self.current_id()
        snapshots = [s for s in self.snapshots() if s.id != current]
        for old in snapshots[: max(0, len(snapshots) - (keep - 1))]:
            shutil.rmtree(old.path, ignore_errors=True)

    # import history -------------------------------------------------------------------------
    @property
    def history_path(self) -> Path:
        return self.root / "history.jsonl"

    def record_import(self, record: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.history_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def history(self) -> list[dict[str, Any]]:
        if not self.history_path.exists():
            return []
        return [json.loads(line) for line in self.history_path.read_text("utf-8").splitlines() if line.strip()]


def open_corpus() -> Snapshot:
    """The current snapshot of the configured data directory."""
    return CorpusStore().current()


def iter_batches(snapshot: Snapshot, table: str, columns: Iterable[str] | None = None) -> Iterator[pa.RecordBatch]:
    """Stream a table of a snapshot in record batches (for index builds, exports)."""
    import pyarrow.dataset as ds

    dataset = ds.dataset([str(f) for f in snapshot.files(table)], format="parquet")
    yield from dataset.to_batches(columns=list(columns) if columns else None, batch_size=50_000)
