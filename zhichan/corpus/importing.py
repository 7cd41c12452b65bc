"""The import pipeline: read → validate → stage → merge into a new snapshot → switch atomically.

- Every row that fails validation goes to the rejects report (file, row, column, value,
  reason) and never stops the good rows.
- Re-importing the same file changes nothing: records are compared by content hash.
- For an application already in the corpus, the record whose ``source_date`` (the date the
  source describes, ``--as-of``; default the file's modification date) is not older replaces
  the stored one; an older one is counted as ``stale`` and kept out.
- The history (``zhichan corpus history``) records added / updated / unchanged / stale /
  rejected counts of every import, including imports that changed nothing; the snapshot an
  import makes carries the same record in its manifest.
- An import works in ``staging/<import_id>``, whose locked ``import.json`` names it; the next
  import records a killed import (``interrupted``) and removes what it left.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import itertools
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from zhichan.corpus.importers import columnar
from zhichan.corpus.importers.base import Reject, read_source
from zhichan.corpus.importers.commercial import CommercialExportMapper
from zhichan.corpus.importers.mapping import MappedFileMapper
from zhichan.corpus.importers.rows import REQUIRED_FIELDS, RowErrors, RowMapper
from zhichan.corpus.records import NEW_TABLE_HASH_VERSION, complete_from_stored, finalize_record
from zhichan.corpus.schema import TABLES, conform
from zhichan.corpus.store import (
    KEY_ORDER,
    CorpusStore,
    Snapshot,
    duckdb_connect,
    in_values_sql,
    write_part_file,
)
from zhichan.errors import CorpusError
from zhichan.legaltime import china_today
from zhichan.progress import ProgressCallback, no_progress
from zhichan.settings import get_settings


@dataclass
class ImportResult:
    import_id: str
    file: str
    source: str
    table: str
    started_at: str
    finished_at: str = ""
    encoding: str | None = None
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    rejected: int = 0
    events_added: int = 0
    #: rows finalized by the columnar checks (the rest of rows_read took the row path)
    columnar_rows: int = 0
    snapshot_id: str | None = None
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: str | None = None
    #: running → completed, or rejected (nothing accepted), or failed (an error); interrupted: killed, found later
    status: str = "running"

    def record(self) -> dict[str, Any]:
        """The history line of this import — also the ``import`` block of the snapshot it made."""
        return {k: v for k, v in self.__dict__.items() if k != "rejects"}

    @property
    def accepted(self) -> int:
        return self.added + self.updated + self.unchanged + self.stale

    @property
    def nothing_imported(self) -> bool:
        """Nothing in the file was accepted (an empty, unreadable or wholly rejected file)."""
        return self.accepted == 0

    def summary(self) -> str:
        snap = f"新快照 / new snapshot {self.snapshot_id}" if self.snapshot_id else "无变化，未生成新快照 / nothing changed"
        return (
            f"{self.file}: 读取 {self.rows_read} 行 / rows read; 新增 added {self.added}, 更新 updated {self.updated}, "
            f"未变 unchanged {self.unchanged}, 较旧未采用 stale {self.stale}, 拒收 rejected {self.rejected} — {snap}"
        )


def load_mapper(mapping: Path | None) -> RowMapper:
    """The commercial-export layout by default; a YAML mapping file for anything else."""
    return MappedFileMapper.from_file(mapping) if mapping else CommercialExportMapper()


def _new_import_id() -> str:
    return f"imp-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def import_file(
    path: Path,
    *,
    mapper: RowMapper | None = None,
    store: CorpusStore | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    as_of: dt.date | None = None,
    progress: ProgressCallback = no_progress,
) -> ImportResult:
    """Import one CSV/XLSX file into a new snapshot (or none, if nothing changed)."""
    path = Path(path)
    mapper = mapper or CommercialExportMapper()
    store = store or CorpusStore()
    recover_interrupted_imports(store)
    table = mapper.table
    result = ImportResult(
        import_id=_new_import_id(), file=path.name, source=mapper.name, table=table,
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    spec = getattr(mapper, "spec", None)
    columns = get_settings().import_columnar and columnar.eligible(mapper, path)
    source = read_source(path, encoding=encoding or getattr(spec, "encoding", None),
                         sheet=sheet or getattr(spec, "sheet", None), expected_columns=mapper.required_columns,
                         prefix=columns)  # the columnar reader checks the rest of the file's UTF-8
    if not source.encoding_checked and not (
            columnar.eligible(mapper, path, source.encoding, source.header)
            and all(c in source.header for c in mapper.required_columns)):
        source.close()  # the row path: the encoding decided from the whole file
        source = read_source(path, sheet=sheet or getattr(spec, "sheet", None), expected_columns=mapper.required_columns)
    result.encoding = source.encoding
    source_date = as_of or dt.date.fromtimestamp(path.stat().st_mtime)
    try:
        with _staging(store, result) as staging:
            try:
                _run(source, mapper, store, result, staging, source_date, progress)
            except Exception as exc:  # recorded, then raised: the history never misses an import
                committed = result.snapshot_id is not None and store.current_id() == result.snapshot_id
                result.status, result.snapshot_id = "failed", result.snapshot_id if committed else None
                store.record_import({**result.record(), "error": f"{type(exc).__name__}: {exc}"})
                raise
            store.record_import(result.record())
        return result
    finally:
        source.close()


def _run(source: Any, mapper: RowMapper, store: CorpusStore, result: ImportResult, staging: Path,
         source_date: dt.date, progress: ProgressCallback) -> None:
    path = source.path
    final_parts = _first_of_its_table(store, mapper.table)
    hash_version = _hash_version(store, mapper.table)
    missing = [c for c in mapper.required_columns if source.header and c not in source.header]
    if missing:
        source.rejects.append(Reject(path.name, 1, ",".join(missing), "",
                                     f"缺少必需的列：{'、'.join(missing)} / required columns missing: {', '.join(missing)}"))
    elif source.header:
        stored = _StoredRecords.open(store, mapper)
        try:
            _stage(source, mapper, result, staging, source_date, progress, stored, final_parts=final_parts,
                   hash_version=hash_version)
        finally:
            if stored is not None:
                stored.close()
        if not source.rejects and result.rows_read == 0:
            source.rejects.append(Reject(path.name, 0, "", "", "只有表头，没有数据行 / header only, no data rows"))
    # every reject is known once the rows are staged: the snapshot's manifest and the
    # history then carry the same record (counts, rejects report, finish time, snapshot)
    result.rejects = sorted(source.rejects, key=lambda r: (r.row, r.column))
    result.rejected = len({r.row for r in result.rejects if r.row > 0}) + (
        1 if any(r.row == 0 for r in result.rejects) and result.rows_read == 0 else 0
    )
    if result.rejects:
        result.rejects_path = str(_write_rejects(store, result))
    if (staging / "ok").exists():
        _merge(store, staging, mapper, result, final_parts=final_parts, hash_version=hash_version)
    if result.snapshot_id is None:
        _finish(result)


def _first_of_its_table(store: CorpusStore, table: str) -> bool:
    """Whether the current snapshot holds no record of ``table`` (the first import of a table): the
    staged parts are then written in the snapshot's own form, each in key order, and when they hold
    ranges of the key that do not overlap (a file in number order) the merge moves them into the
    snapshot instead of sorting and writing the rows again (:func:`_merge`)."""
    parent = store.current_or_none()
    return table in KEY_ORDER and (parent is None or not parent.counts.get(table))


def _hash_version(store: CorpusStore, table: str) -> int:
    """The content hash version of the records this import stages (``records.content_hash``): the
    stored table's, so the merge compares hashes of one version (an installation whose patents an
    older release imported keeps version 1); a table the current snapshot holds no record of gets
    the newest (:data:`~zhichan.corpus.records.NEW_TABLE_HASH_VERSION`)."""
    parent = store.current_or_none()
    if parent is not None and parent.counts.get(table):
        return parent.content_hash_version(table)
    return NEW_TABLE_HASH_VERSION.get(table, 1)


def _finish(result: ImportResult) -> None:
    result.status = "rejected" if result.nothing_imported else "completed"
    result.finished_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


#: The import's own record in its work folder, locked (flock) for as long as the import runs.
_MARKER = "import.json"


@contextmanager
def _staging(store: CorpusStore, result: ImportResult) -> Iterator[Path]:
    """The import's work folder ``staging/<import_id>``, removed when the import ends.

    Its ``import.json`` holds the import's record and stays locked while the import runs, so
    :func:`recover_interrupted_imports` tells a killed import's leftovers from a running import.
    The folder is prepared under a dot-name and renamed, so it never exists without its record.
    """
    root = store.root / "staging"
    root.mkdir(parents=True, exist_ok=True)
    folder = root / result.import_id
    preparing = root / f".{result.import_id}"
    preparing.mkdir()
    with open(preparing / _MARKER, "w", encoding="utf-8") as marker:
        fcntl.flock(marker.fileno(), fcntl.LOCK_EX)
        marker.write(json.dumps(result.record(), ensure_ascii=False))
        marker.flush()
        os.fsync(marker.fileno())
        os.rename(preparing, folder)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def recover_interrupted_imports(store: CorpusStore) -> list[dict[str, Any]]:
    """Record and remove what killed imports left in ``staging/`` (run by every import).

    An import killed after its snapshot became current is recorded from the snapshot's
    manifest (``status: completed``); any other is recorded as ``status: interrupted`` — it
    changed nothing. Folders of imports still running (their record is locked) are left alone.
    """
    root = store.root / "staging"
    if not root.is_dir():
        return []
    recorded = {h.get("import_id") for h in store.history()}
    found: list[dict[str, Any]] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        try:
            marker = open(folder / _MARKER, encoding="utf-8")  # noqa: SIM115 - closed below, after the lock test
        except FileNotFoundError:
            if folder.name.startswith("."):
                continue  # being prepared right now (or a leftover of that instant: harmless)
            record: dict[str, Any] = {"import_id": folder.name}
        else:
            with marker:
                try:
                    fcntl.flock(marker.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a running import
                try:
                    record = json.loads(marker.read() or "{}")
                except ValueError:
                    record = {}
        record.setdefault("import_id", folder.name.lstrip("."))
        if record["import_id"] not in recorded:
            committed = _committed_record(store, record["import_id"])
            if committed is not None:
                record = committed
            else:
                _remove_unswitched_snapshots(store, record["import_id"])
                record.update(status="interrupted", finished_at="", snapshot_id=None,
                              found_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
            store.record_import(record)
            recorded.add(record["import_id"])
            found.append(record)
        shutil.rmtree(folder, ignore_errors=True)
    return found


def _committed_record(store: CorpusStore, import_id: str) -> dict[str, Any] | None:
    """The import block of the snapshot ``import_id`` made, if that snapshot became current
    (it is current, or an ancestor of the current one)."""
    snapshot = store.current_or_none()
    while snapshot is not None:
        block = snapshot.manifest.get("import") or {}
        if block.get("import_id") == import_id:
            return dict(block)
        parent = snapshot.manifest.get("parent")
        try:
            snapshot = store.get(parent) if parent else None
        except CorpusError:  # pruned: older snapshots cannot hold a recent import
            return None
    return None


def _remove_unswitched_snapshots(store: CorpusStore, import_id: str) -> None:
    """A snapshot a killed import finished writing but never made current is no version of the corpus."""
    current = store.current_id()
    for snapshot in store.snapshots():
        if snapshot.id != current and (snapshot.manifest.get("import") or {}).get("import_id") == import_id:
            shutil.rmtree(snapshot.path, ignore_errors=True)


class _StoredRecords:
    """The current snapshot's real records of the import's table, looked up by key per batch."""

    def __init__(self, snapshot: Snapshot, table: str, provided: set[str]) -> None:
        self.table, self.provided = table, provided
        self.key = TABLES[table][1][0]
        self.con = snapshot.connect()

    @classmethod
    def open(cls, store: CorpusStore, mapper: RowMapper) -> _StoredRecords | None:
        provided = mapper.provided_fields()
        parent = store.current_or_none()
        if provided is None or parent is None or mapper.table == "events" or not parent.counts.get(mapper.table):
            return None  # events are keyed by their content: there is nothing to complete
        return cls(parent, mapper.table, provided)

    def complete(self, records: list[dict[str, Any]]) -> None:
        keys = [r[self.key] for r in records if r.get(self.key)]
        if not keys:
            return
        rows = self.con.execute(
            f"SELECT * FROM {self.table} WHERE NOT synthetic AND {in_values_sql(self.key, 'keys')}", {"keys": keys}
        ).fetchall()
        names = [d[0] for d in self.con.description or []]
        found = {row[names.index(self.key)]: dict(zip(names, row, strict=True)) for row in rows}
        for record in records:
            if record.get(self.key) in found:
                complete_from_stored(self.table, record, found[record[self.key]], self.provided)

    def close(self) -> None:
        self.con.close()


@dataclass(frozen=True)
class _Provenance:
    """Where an import's records come from (the same for every record but its row)."""

    source: str
    import_id: str
    source_file: str
    source_date: dt.date

    def of(self, row_number: int) -> dict[str, Any]:
        return {"synthetic": False, "source": self.source, "import_id": self.import_id,
                "source_file": self.source_file, "source_row": row_number, "source_date": self.source_date}


@dataclass
class _Staging:
    """What the batches of one import share: the part counter and the addresses resolved so far
    (each distinct address is resolved once per process that checks rows)."""

    mapper: RowMapper
    source: Any
    result: ImportResult
    folder: Path
    source_date: dt.date
    stored: _StoredRecords | None = None
    #: staged parts in the snapshot's form, each in key order (:func:`_first_of_its_table`)
    final_parts: bool = False
    #: the content hash version of the staged records (:func:`_hash_version`)
    hash_version: int = 1
    addresses: dict[str, str | None] = field(default_factory=dict)
    parts: int = 0

    @property
    def stamp(self) -> _Provenance:
        return _Provenance(self.mapper.name, self.result.import_id, self.source.path.name, self.source_date)

    def provenance(self, row_number: int) -> dict[str, Any]:
        return self.stamp.of(row_number)

    def next_part(self) -> int:
        self.parts += 1
        return self.parts - 1

    def map_row(self, row_number: int, row: dict[str, Any]) -> tuple[int, dict[str, Any], list[dict[str, Any]]] | None:
        """The row path: the mapped record and its events, or None with the row's rejects recorded."""
        errors = RowErrors()
        try:
            rec, events = self.mapper.map_row(row, errors)
        except (ValueError, TypeError, KeyError) as exc:  # a value no rule anticipated: reject, never crash
            errors.add("", "", f"无法解析该行：{exc} / row could not be read")
            rec, events = {}, []
        if not errors:
            _check_required(self.mapper, rec, errors)
        if errors:
            self.source.rejects.extend(Reject(self.source.path.name, row_number, c, v, r) for c, v, r in errors.items)
            return None
        rec.update(self.provenance(row_number))
        return row_number, rec, events


def _stage(source: Any, mapper: RowMapper, result: ImportResult, staging: Path, source_date: dt.date,
           progress: ProgressCallback, stored: _StoredRecords | None = None, *, final_parts: bool = False,
           hash_version: int = 1) -> None:
    staging.mkdir(parents=True, exist_ok=True)
    if get_settings().import_columnar and columnar.eligible(mapper, source.path, source.encoding, source.header):
        try:
            _stage_columnar(_Staging(mapper, source, result, staging, source_date, stored, final_parts, hash_version),
                            progress)
            return
        except columnar.NotColumnar:  # a row Arrow cannot place: read the whole file row by row
            for leftover in (*staging.glob("*.parquet"), *staging.glob("batch-*.arrow")):
                leftover.unlink()
            result.rows_read = result.columnar_rows = 0
            source.rejects.clear()
            # an encoding chosen from the first bytes is decided again from the whole file
            fresh = read_source(source.path, encoding=source.encoding if source.encoding_checked else None,
                                expected_columns=mapper.required_columns)
            source.close()
            source.rows, source.rejects, source.close = fresh.rows, fresh.rejects, fresh.close
            source.header, source.encoding = fresh.header or source.header, fresh.encoding
            result.encoding = fresh.encoding
    work = _Staging(mapper, source, result, staging, source_date, stored, final_parts, hash_version)
    batch_rows = get_settings().import_batch_rows
    batch: list[tuple[int, dict[str, Any], list[dict[str, Any]]]] = []
    last_report = time.monotonic()
    for row_number, row in source.rows:
        result.rows_read += 1
        mapped = work.map_row(row_number, row)
        if mapped is None:
            continue
        batch.append(mapped)
        if len(batch) >= batch_rows:
            _flush(work, batch)
            batch = []
        if time.monotonic() - last_report > 0.2:
            progress(result.rows_read, source.total_hint)
            last_report = time.monotonic()
    if batch:
        _flush(work, batch)
    progress(result.rows_read, result.rows_read)
    _drop_duplicates(work)
    (staging / "ok").touch()


def _stage_columnar(work: _Staging, progress: ProgressCallback) -> None:
    """The commercial layout checked a column at a time — in worker processes for a large file
    (each batch goes to one as Arrow IPC and comes back as a staged part); rows not in common form
    take the row path here, in row order."""
    source = work.source
    workers = get_settings().import_workers or (
        min(2, os.cpu_count() or 1) if source.path.stat().st_size >= PARALLEL_FROM_BYTES else 1)
    today = china_today()
    batches = columnar.read_batches(source.path, source.header, get_settings().import_batch_rows)
    if workers <= 1:
        checker = _ColumnarWorker(source.header, work.addresses, today, work.stamp, work.folder,
                                  final_parts=work.final_parts, hash_version=work.hash_version)
        try:
            parts = (checker.part(table, work.next_part()) for table in batches)
            _stage_parts(work, parts, progress)
        finally:
            checker.close()
        return
    from zhichan.parallel import ordered_map, to_ipc_file

    def calls() -> Iterator[tuple[Path, int]]:
        for table in batches:
            part = work.next_part()
            yield to_ipc_file(table, work.folder / f"batch-{part:05d}.arrow"), part

    _stage_parts(work, ordered_map(_columnar_part, calls(), workers=workers, initializer=_columnar_init,
                                   initargs=(source.header, today, work.stamp, work.folder, work.final_parts,
                                             work.hash_version),
                                   what=("导入检查", "an import-checking")), progress)


def _stage_parts(work: _Staging, parts: Iterator[tuple[int, list[tuple[int, dict[str, Any]]]]],
                 progress: ProgressCallback) -> None:
    source, result = work.source, work.result
    for checked, slow_rows in parts:
        result.rows_read += checked + len(slow_rows)
        result.columnar_rows += checked
        batch = [m for m in (work.map_row(n, row) for n, row in slow_rows) if m is not None]
        if batch:
            _flush(work, batch)
        progress(result.rows_read, source.total_hint)
    progress(result.rows_read, result.rows_read)
    _drop_duplicates(work)
    (work.folder / "ok").touch()


#: From this file size (bytes) the columnar checks run in two worker processes: starting them
#: costs about a second, what a file of ~50,000 rows saves.
PARALLEL_FROM_BYTES = 64 << 20


class _ColumnarWorker:
    """Checks batches a column at a time and writes each batch's records as one staged part (with
    their events); gives back the number of records and the rows left to the row path."""

    def __init__(self, header: list[str], addresses: dict[str, str | None], today: dt.date,
                 stamp: _Provenance, folder: Path, *, shared: bool = False, final_parts: bool = False,
                 hash_version: int = 1) -> None:
        self.checker = columnar.ColumnarBatch(header, addresses, today, hash_version=hash_version)
        self.stamp, self.folder, self.addresses, self.final_parts = stamp, folder, addresses, final_parts
        #: workers publish the addresses they resolve (``addresses/*.arrow``) and take the others'
        self.shared = folder / "addresses" if shared else None
        self._taken: set[str] = set()

    def part(self, table: pa.Table, part: int) -> tuple[int, list[tuple[int, dict[str, Any]]]]:
        known = self._take_shared()
        records, slow_rows, events = self.checker.process(table)
        self._publish(known, part)
        if records.num_rows:
            events_of: dict[int, list[dict[str, Any]]] = {}
            for ev in events:
                events_of.setdefault(ev["source_row"], []).append({k: v for k, v in ev.items() if k != "source_row"})
            kept = list(zip(records.column("source_row").to_pylist(), records.column("application_number").to_pylist(),
                            strict=True)) if events_of else []
            _write_staged(self.folder, "patents", part, self.stamp, _with_provenance(self.stamp, "patents", records),
                          kept, events_of, final=self.final_parts)
        return records.num_rows, slow_rows

    def _take_shared(self) -> int:
        """Add the addresses other workers resolved since the last batch; the number known now."""
        if self.shared is None:
            return len(self.addresses)
        for file in sorted(self.shared.glob("*.arrow")):
            if file.name not in self._taken:
                self._taken.add(file.name)
                with pa.OSFile(str(file)) as source:
                    found = pa.ipc.open_file(source).read_all()
                for address, code in zip(*(c.to_pylist() for c in found.columns), strict=True):
                    self.addresses.setdefault(address, code)
        return len(self.addresses)

    def _publish(self, known: int, part: int) -> None:
        """Write the addresses this batch resolved (atomically: written aside, then renamed)."""
        if self.shared is None or len(self.addresses) == known:
            return
        new = list(itertools.islice(self.addresses.items(), known, None))
        table = pa.table({"address": [a for a, _ in new], "code": pa.array([c for _, c in new], pa.string())})
        self.shared.mkdir(exist_ok=True)
        name = f"{part:05d}.arrow"
        self._taken.add(name)
        with pa.OSFile(str(self.shared / f"{name}.tmp"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.rename(self.shared / f"{name}.tmp", self.shared / name)

    def close(self) -> None:
        self.checker.close()


_WORKER: list[_ColumnarWorker] = []  # in a worker process: its checker


def _columnar_init(header: list[str], today: dt.date, stamp: _Provenance, folder: Path, final_parts: bool,
                   hash_version: int) -> None:
    pa.set_memory_pool(columnar.reusing_pool())  # the worker's own process: all its Arrow memory
    _WORKER.append(_ColumnarWorker(header, {}, today, stamp, folder, shared=True, final_parts=final_parts,
                                   hash_version=hash_version))
    _WORKER[0].checker.con.execute("SET threads = 1")  # two workers: one core each


def _columnar_part(batch: Path, part: int) -> tuple[int, list[tuple[int, dict[str, Any]]]]:
    from zhichan.parallel import from_ipc_file

    return _WORKER[0].part(from_ipc_file(batch), part)


def _check_required(mapper: RowMapper, rec: dict[str, Any], errors: RowErrors) -> None:
    for name in REQUIRED_FIELDS[mapper.table]:
        if rec.get(name) in (None, "", []):
            column = mapper.column_of(name)
            errors.add(column, "", f"必填字段为空：{column} / required field {name} is empty")


def _resolve_regions(records: list[dict[str, Any]], cache: dict[str, str | None]) -> None:
    """Fill ``region_code`` from the applicant address (cpca), consistent with a stated province.

    An address that names a city but no county (e.g. a development zone such as 郑东新区) gets
    the city's own 6-digit code (``410100``): it counts for the city and province, and shows as
    "区县未知 / county unknown" in county tables. ``cache`` holds the addresses already resolved.
    """
    from zhichan.reference import resolve_addresses_level

    todo = [r for r in records if not r.get("region_code") and r.get("applicant_address")
            and r.get("is_domestic") is not False]  # foreign and 港澳台 applicants have no mainland county
    if not todo:
        return
    new = sorted({r["applicant_address"] for r in todo} - cache.keys())
    if new:
        cache.update(zip(new, resolve_addresses_level(new), strict=True))
    for rec in todo:
        code = cache[rec["applicant_address"]]
        if not code:
            continue
        if len(code) < 4:
            rec["province_code"] = rec.get("province_code") or code
            continue
        if rec.get("province_code") and not code.startswith(rec["province_code"]):
            continue  # the address contradicts 国省代码: keep the stated province, leave the county open
        rec["region_code"] = code.ljust(6, "0")


def _flush(work: _Staging, batch: list[tuple[int, dict[str, Any], list[dict[str, Any]]]]) -> None:
    """Finalize a batch of mapped rows and stage them as a Parquet part (duplicates are found
    once every part is staged: :func:`_drop_duplicates`)."""
    mapper, source = work.mapper, work.source
    table = mapper.table
    key_field = TABLES[table][1][0]
    schema = TABLES[table][0]
    if work.stored is not None:
        work.stored.complete([rec for _, rec, _ in batch])
    if table == "patents":
        _resolve_regions([rec for _, rec, _ in batch], work.addresses)
    finals: list[dict[str, Any]] = []
    events_of: dict[int, list[dict[str, Any]]] = {}
    for row_number, rec, rec_events in batch:
        try:
            final = finalize_record(table, rec, work.hash_version)
        except (ValueError, KeyError) as exc:
            source.rejects.append(Reject(source.path.name, row_number, "", "", f"记录不完整：{exc} / incomplete record"))
            continue
        finals.append(final)
        events_of[row_number] = rec_events
    if finals:
        _write_staged(work.folder, table, work.next_part(), work.stamp, pa.Table.from_pylist(finals, schema=schema),
                      [(f["source_row"], f[key_field]) for f in finals], events_of, final=work.final_parts)


#: The staged rows (key, row) that repeat an earlier row's key: left out of the merge.
_DUPLICATES = "duplicates.parquet"


def _drop_duplicates(work: _Staging) -> None:
    """Reject each staged record whose key an earlier row (in row order) already has — as an
    identical row, or as the same key with different content (the first row is kept) — and
    list them in ``duplicates.parquet`` for the merge to leave out. One query over every staged
    part, whichever path (columns or rows, this process or a worker) staged the record."""
    table = work.mapper.table
    key = TABLES[table][1][0]
    files = sorted(work.folder.glob(f"{table}-*.parquet"))
    if not files:
        return
    con = duckdb_connect()
    try:
        found = con.sql(f"""
            WITH s AS (SELECT {key} AS key, source_row, content_hash FROM read_parquet([{_file_list(files)}])),
                 repeated AS (SELECT key FROM s GROUP BY key HAVING count(*) > 1)
            SELECT key, source_row, content_hash,
                   first_value(source_row) OVER w AS first_row, first_value(content_hash) OVER w AS first_hash
            FROM s SEMI JOIN repeated USING (key)
            WINDOW w AS (PARTITION BY key ORDER BY source_row)
            QUALIFY row_number() OVER w > 1
            ORDER BY source_row
        """).to_arrow_table()
    finally:
        con.close()
    if not found.num_rows:
        return
    column = work.mapper.column_of(key)
    source = work.source
    for k, row_number, content, first_row, first_hash in zip(*(c.to_pylist() for c in found.columns), strict=True):
        reason = (
            f"重复行：与第 {first_row} 行完全相同 / duplicate of row {first_row}"
            if first_hash == content
            else f"与第 {first_row} 行的{column}相同但内容不同，保留第 {first_row} 行 / "
            f"same {key} as row {first_row} with different content; row {first_row} kept"
        )
        source.rejects.append(Reject(source.path.name, row_number, column, str(k), reason))
    pa.parquet.write_table(found.select(["key", "source_row"]), work.folder / _DUPLICATES)


def _write_staged(folder: Path, table: str, part: int, stamp: _Provenance, staged: pa.Table,
                  kept_rows: list[tuple[int, str]], events_of: dict[int, list[dict[str, Any]]], *,
                  final: bool = False) -> None:
    """One staged part and, for patents, its events. ``final``: the part in key order in the
    snapshot's own form, for the merge to move into the snapshot (:func:`_merge`); else
    uncompressed, with no statistics (read once, whole, by the merge)."""
    options: dict[str, Any] = {"compression": "none", "use_dictionary": False, "write_statistics": False}
    if final:
        order = KEY_ORDER[table]
        if not (len(order) == 1 and _strictly_ascending(staged.column(order[0]))):  # a batch of a file in
            staged = staged.sort_by([(name, "ascending") for name in (*order, "source_row")])  # order is already
        write_part_file(folder / f"{table}-{part:05d}.parquet", table, staged)
    else:
        pa.parquet.write_table(staged, folder / f"{table}-{part:05d}.parquet", **options)
    if table == "patents":
        events: list[dict[str, Any]] = []
        for row_number, key in kept_rows:
            found = events_of.get(row_number)
            if not found:
                continue
            provenance = stamp.of(row_number)
            for ev in found:
                events.append(finalize_record("events", {"application_number": key, **provenance, **ev}))
        pa.parquet.write_table(pa.Table.from_pylist(events, schema=TABLES["events"][0]),
                               folder / f"events-{part:05d}.parquet", **options)


def _strictly_ascending(column: pa.ChunkedArray) -> bool:
    """Whether each value is below the next (byte order, as Arrow's sort and DuckDB's ``ORDER BY``
    put text) and none is missing: the rows are then in key order, ties by row number included."""
    values = column.combine_chunks()
    if values.null_count:
        return False
    return len(values) < 2 or bool(pc.all(pc.less(values.slice(0, len(values) - 1), values.slice(1))).as_py())


def _with_provenance(stamp: _Provenance, table: str, records: pa.Table) -> pa.Table:
    """The columnar path's records with the import's provenance (``source_row`` they carry)."""
    n = records.num_rows
    constants = {"synthetic": False, "source": stamp.source, "import_id": stamp.import_id,
                 "source_file": stamp.source_file, "source_date": stamp.source_date}
    schema = TABLES[table][0]
    for name, value in constants.items():
        i = records.column_names.index(name)
        records = records.set_column(i, schema.field(name), pa.array([value] * n, schema.field(name).type))
    return records.cast(schema)


def _merge(store: CorpusStore, staging: Path, mapper: RowMapper, result: ImportResult, *,
           final_parts: bool = False, hash_version: int = 1) -> None:
    table = mapper.table
    key = TABLES[table][1][0]
    staged_files = sorted(staging.glob(f"{table}-*.parquet"))
    if not staged_files:
        return
    parent = store.current_or_none()
    if parent is not None and parent.counts.get(table) and parent.content_hash_version(table) != hash_version:
        # another import stored this table meanwhile, with hashes of another version: comparing
        # them would call every record changed, and the table would mix two versions
        raise CorpusError(f"导入期间语料已被另一导入更改，请重新导入 / the corpus's {table} changed during "
                          f"this import (content hash version {parent.content_hash_version(table)}, "
                          f"staged {hash_version}): run the import again")
    con = duckdb_connect(memory_limit=get_settings().import_memory_limit)
    try:
        con.execute(f"SET temp_directory = '{(staging / 'spill').as_posix()}'")  # the sort spills here, not in RAM
        _register_parent(con, parent)
        parts = f"read_parquet([{_file_list(staged_files)}])"
        if (staging / _DUPLICATES).exists():  # the later rows of a repeated key are left out
            parts = (f"(SELECT p.* FROM {parts} p ANTI JOIN read_parquet('{(staging / _DUPLICATES).as_posix()}') d "
                     f"ON d.key = p.{key} AND d.source_row = p.source_row)")
        con.execute(f"CREATE VIEW staged AS SELECT * FROM {parts}")
        con.execute(f"""
            CREATE TEMP TABLE outcome AS
            SELECT s.{key} AS key,
                   CASE WHEN c.{key} IS NULL THEN 'added'
                        WHEN c.content_hash = s.content_hash THEN 'unchanged'
                        WHEN coalesce(s.source_date, DATE '1900-01-01') >= coalesce(c.source_date, DATE '1900-01-01')
                             THEN 'updated'
                        ELSE 'stale' END AS outcome
            FROM staged s LEFT JOIN {table} c ON c.{key} = s.{key}
        """)
        counts = dict(con.execute("SELECT outcome, count(*) FROM outcome GROUP BY 1").fetchall())
        result.added, result.updated = counts.get("added", 0), counts.get("updated", 0)
        result.unchanged, result.stale = counts.get("unchanged", 0), counts.get("stale", 0)
        if result.added + result.updated == 0:
            return
        columns = ", ".join(TABLES[table][0].names)
        # the first import of a table, no duplicate, the staged parts' key ranges apart: they are the table
        ordered = (_parts_in_order(staged_files, key)
                   if final_parts and (parent is None or not parent.counts.get(table))
                   and not (staging / _DUPLICATES).exists() else None)
        # an update of a table stored in key order: the stored row groups and the new records
        # (sorted alone) merged as two sorted runs, not the whole table sorted again
        stored_groups = (_stored_groups(parent.files(table), key)
                         if MERGE_SORTED_RUNS and ordered is None and parent is not None
                         and parent.counts.get(table) and KEY_ORDER.get(table) == (key,) else None)
        # the first import of a file not in number order: the parts (each in key order) merged range
        # by range from the row groups that can hold each range, not sorted again by DuckDB
        runs = (_sorted_part_ranges(staged_files, key, staging / _DUPLICATES)
                if ordered is None and final_parts and (parent is None or not parent.counts.get(table)) else None)
        with store.writer() as writer:  # the tables this import does not write carry over whole
            writer.content_hash_versions[table] = hash_version
            if ordered is not None:
                writer.adopt(table, ordered)
            elif stored_groups is not None:
                writer.replace(table, _prefetched(_merge_runs(
                    stored_groups, key, con.sql(f"""
                        SELECT {columns} FROM staged s
                        WHERE s.{key} IN (SELECT key FROM outcome WHERE outcome IN ('added', 'updated'))
                        ORDER BY 1
                    """).to_arrow_reader(MERGE_BATCH_ROWS), TABLES[table][0])))
            elif runs is not None:
                writer.replace(table, _prefetched(runs, depth=1))  # a range is ~250k wide rows
            # in ranges of the key, each sorted within the memory limit (one sort of the whole
            # table spills to disk), written one after the other: the table is in key order
            else:
                writer.replace(table, _in_background(con, [f"""
                SELECT {columns} FROM {table}
                WHERE {key} NOT IN (SELECT key FROM outcome WHERE outcome = 'updated') AND {where.format(key=key)}
                UNION ALL
                SELECT {columns} FROM staged s
                WHERE s.{key} IN (SELECT key FROM outcome WHERE outcome IN ('added', 'updated'))
                  AND {where.format(key="s." + key)}
                ORDER BY 1
            """ for where in _key_ranges(con, key, table,
                                         sum(counts.values()) + (parent.counts.get(table, 0) if parent else 0))]))
            if table == "patents":
                result.events_added = _merge_events(con, writer, staging, mapper.name)
            result.snapshot_id = writer.id  # the manifest's import block is the history record
            _finish(result)
            writer.commit(result.record())
    finally:
        con.close()


#: An update import merges the stored table (in key order) with its new records as sorted runs
#: (:func:`_merge_runs`); False: the whole table is sorted again (the path before; the tests compare).
MERGE_SORTED_RUNS = True
#: New records read from DuckDB's sort at a time by the merge of sorted runs.
MERGE_BATCH_ROWS = 50_000


@dataclass(frozen=True)
class _Group:
    """One row group of a stored part file and its range of the key (from its statistics)."""

    file: Path
    index: int
    low: Any
    high: Any


def _stored_groups(files: list[Path], key: str) -> list[list[_Group]] | None:
    """The stored table's row groups, file by file, when their ranges of ``key`` ascend without
    overlapping (a snapshot's key-ordered table); None when they do not, or a group has no
    statistics (the merge then sorts the whole table)."""
    out: list[list[_Group]] = []
    previous = None
    for file in files:
        meta = pa.parquet.read_metadata(file)
        column = meta.schema.names.index(key)
        groups = []
        for i in range(meta.num_row_groups):
            if not meta.row_group(i).num_rows:
                continue
            stats = meta.row_group(i).column(column).statistics
            if (stats is None or not stats.has_min_max or stats.null_count
                    or (previous is not None and stats.min <= previous)):
                return None
            groups.append(_Group(file, i, stats.min, stats.max))
            previous = stats.max
        if groups:
            out.append(groups)
    return out


def _merge_runs(stored: list[list[_Group]], key: str, new: Any, schema: pa.Schema) -> Iterator[pa.Table | Path]:
    """The stored table's rows and the ``new`` records (a reader of record batches in key order,
    each key at most once) merged in key order; a new record replaces the stored one of its key.

    A stored row group no new key falls into is read and passed on as it is; one some fall into is
    read, its replaced rows left out, the new ones put in and sorted (a row group's worth); new
    keys between groups go between them. A stored part file no new key falls into is passed on
    as its :class:`~pathlib.Path` (linked into the snapshot, not read). Memory: a row group, one
    batch of new records and the new records that fall into one row group's range of the key,
    whatever the stored table's size (an update adding many records inside one stored group's
    range holds them all: a first load split over two files would, not a weekly update)."""
    import bisect

    import pyarrow.compute as pc

    buffer = pa.table({})  # new records read and not yet placed
    keys: list[Any] = []
    exhausted = False

    def fill(high: Any) -> None:
        """Read new records until one lies beyond ``high`` (or none is left)."""
        nonlocal buffer, keys, exhausted
        while not exhausted and (not keys or keys[-1] <= high):
            try:
                batch = new.read_next_batch()
            except StopIteration:
                exhausted = True
                return
            if batch.num_rows:
                table = pa.Table.from_batches([batch])
                buffer = pa.concat_tables([buffer, table]) if keys else table
                keys += batch.column(key).to_pylist()

    def take(end: int) -> pa.Table:
        """The first ``end`` buffered new records, removed from the buffer."""
        nonlocal buffer, keys
        taken = buffer.slice(0, end)
        buffer, keys = buffer.slice(end), keys[end:]
        return taken

    for groups in stored:
        fill(groups[0].low)
        before = bisect.bisect_left(keys, groups[0].low)
        if before:
            yield take(before)  # new keys below the file's range
        if not keys or keys[0] > groups[-1].high:
            yield groups[0].file  # no new key in the file's range: the file as it is
            continue
        with pa.parquet.ParquetFile(groups[0].file) as parquet:
            for group in groups:
                fill(group.high)
                inside = bisect.bisect_right(keys, group.high)
                before = bisect.bisect_left(keys, group.low)
                if before:
                    yield take(before)  # new keys between the previous group and this one
                    inside -= before
                rows = conform(parquet.read_row_group(group.index), schema)
                if inside:
                    added = take(inside).cast(schema)
                    kept = rows.filter(pc.invert(pc.is_in(rows.column(key), added.column(key))))
                    rows = pa.concat_tables([kept, added]).sort_by(key)
                yield rows
    if keys:
        yield take(len(keys))  # new keys above the stored table's range
    while not exhausted:
        try:
            yield new.read_next_batch()
        except StopIteration:
            exhausted = True


def _prefetched(items: Iterator[Any], depth: int = 2, *, abandon: Callable[[], None] | None = None) -> Iterator[Any]:
    """``items`` computed in a thread of their own, at most ``depth`` ahead of the caller (the
    stored row groups are read and merged, or DuckDB sorts the next range, while the caller encodes
    the ones before). ``abandon`` is called when the caller stops early or an item fails (e.g. to
    interrupt the query the thread is waiting on)."""
    import queue
    import threading

    done = threading.Event()
    results: queue.Queue[Any] = queue.Queue(maxsize=depth)
    end = object()

    def put(item: Any) -> None:
        while not done.is_set():
            try:
                results.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def compute() -> None:
        try:
            for item in items:
                if done.is_set():
                    return
                put(item)
            put(end)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            put(exc)

    thread = threading.Thread(target=compute, name="import-merge", daemon=True)
    thread.start()
    finished = False
    try:
        while (item := results.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item
            del item
        finished = True
    finally:
        done.set()
        if not finished and abandon is not None:
            abandon()
        thread.join()


def _parts_in_order(files: list[Path], key: str) -> list[Path] | None:
    """``files`` (staged parts, each in key order) ordered so that their rows ascend by ``key``,
    or None when two parts' ranges of the key overlap (or a part has no statistics)."""
    ranges = []
    for file in files:
        meta = pa.parquet.read_metadata(file)
        column = meta.schema.names.index(key)
        groups = [meta.row_group(i) for i in range(meta.num_row_groups) if meta.row_group(i).num_rows]
        if not groups:
            continue
        first, last = groups[0].column(column).statistics, groups[-1].column(column).statistics
        if first is None or last is None or not (first.has_min_max and last.has_min_max):
            return None
        ranges.append((first.min, last.max, file))
    ranges.sort(key=lambda r: r[0])
    if any(a[1] >= b[0] for a, b in itertools.pairwise(ranges)):
        return None
    return [file for _, _, file in ranges]


#: A merge of sorted parts holds at most this many times :data:`MERGE_RANGE_ROWS` rows of row groups
#: read but not yet written (each group is read once; one whose range of the key reaches past the
#: range being written is kept for the next ranges); beyond it (a file in no order at all, whose
#: groups each span most of the key) the merge sorts with DuckDB instead, within its memory limit.
MERGE_HELD_FACTOR = 4.0


def _sorted_part_ranges(files: list[Path], key: str, duplicates: Path) -> Iterator[pa.Table] | None:
    """The staged parts of a first import (each in key order, row groups of ``KEY_ROW_GROUP_ROWS``
    with statistics: :func:`write_part_file`) whose ranges of the key overlap — a file not in number
    order — as tables in key order, one range of about :data:`MERGE_RANGE_ROWS` records at a time.
    Each row group is read once, when the first range its min/max can reach is written, stripped of
    the duplicates' rows; its rows beyond that range (a group is in key order: a slice, not a copy)
    wait for the next ranges. Each range's rows are sorted by Arrow. DuckDB's merge instead reads
    every part once per range and sorts the wide rows again (at 3M records 1.3× the CPU of a record
    at 1M); reading a group again for each range it reaches (the merge before) read the 10M replica
    1.65 times. None when a part lacks statistics or more than :data:`MERGE_HELD_FACTOR` ranges'
    rows would be held at once."""
    import numpy as np
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    groups: list[tuple[Any, Any, int, Path, int]] = []  # (min, max, rows, file, row group)
    for file in files:
        meta = pq.read_metadata(file)
        column = meta.schema.names.index(key)
        for i in range(meta.num_row_groups):
            group = meta.row_group(i)
            if not group.num_rows:
                continue
            stats = group.column(column).statistics
            if stats is None or not stats.has_min_max or not stats.has_null_count or stats.null_count:
                return None  # (a key is never null: the row path requires it)
            groups.append((stats.min, stats.max, group.num_rows, file, i))
    if not groups:
        return None
    groups.sort(key=lambda g: g[0])
    bounds: list[Any] = []  # range i is [bounds[i-1], bounds[i]): each a row group's min
    rows = 0
    for low, _, n, _, _ in groups:
        if rows >= MERGE_RANGE_ROWS and (not bounds or low > bounds[-1]):
            bounds.append(low)
            rows = 0
        rows += n
    if bounds:  # the rows held once a range is written: the groups read that reach past its bound
        lows, highs = np.array([g[0] for g in groups]), np.array([g[1] for g in groups])
        sizes = np.array([g[2] for g in groups])
        held = max(int(sizes[(lows < bound) & (highs >= bound)].sum()) for bound in bounds)
        if held > MERGE_HELD_FACTOR * MERGE_RANGE_ROWS:
            return None
    dropped = pq.read_table(duplicates, columns=["source_row"]).column(0).combine_chunks() if duplicates.exists() else None

    def tables() -> Iterator[pa.Table]:
        opened: dict[Path, pq.ParquetFile] = {}
        waiting: list[pa.Table] = []  # rows read, in key order each, of the ranges still to write
        following = iter(groups)
        ahead = next(following, None)
        try:
            for high in [*bounds, None]:
                while ahead is not None and (high is None or ahead[0] < high):
                    _, _, _, file, i = ahead
                    if file not in opened:
                        opened[file] = pq.ParquetFile(file)
                    piece = opened[file].read_row_group(i)
                    if dropped is not None:
                        piece = piece.filter(pc.invert(pc.is_in(piece.column("source_row"), value_set=dropped)))
                    waiting.append(piece)
                    ahead = next(following, None)
                pieces, later = [], []
                for piece in waiting:
                    # the rows below the bound: a prefix of the piece (its keys ascend)
                    cut = piece.num_rows if high is None else pc.sum(pc.less(piece.column(key), high)).as_py() or 0
                    if cut:
                        pieces.append(piece.slice(0, cut))
                    if cut < piece.num_rows:
                        later.append(piece.slice(cut))
                waiting = later
                if pieces:
                    merged = pa.concat_tables(pieces)
                    done = merged.take(pc.sort_indices(merged, [(key, "ascending"), ("source_row", "ascending")]))
                    # the range's unsorted rows let go before the next range is read (the writer holds one
                    # sorted range and the prefetch the next: not the pieces of both as well)
                    del merged, pieces
                    yield done
                    del done
        finally:
            for parquet in opened.values():
                parquet.close()

    return tables()


def _in_background(con: Any, queries: list[str]) -> Iterator[pa.RecordBatch]:
    """The results of ``queries`` one after the other, each computed by DuckDB in a thread of its
    own while the caller writes the one before (DuckDB's sort and the snapshot's Parquet encoding
    overlap; at most one result waits). ``con`` is the thread's until the iterator is done."""
    results = (con.sql(sql).to_arrow_table() for sql in queries)
    for table in _prefetched(results, depth=1, abandon=con.interrupt):
        yield from table.to_batches(max_chunksize=100_000)


#: Records sorted at a time by the merge: ~250k wide records sort within the 1.5 GB limit.
MERGE_RANGE_ROWS = 250_000


def _key_ranges(con: Any, key: str, table: str, rows: int) -> list[str]:
    """Conditions (``{key}`` to fill in) that split the key space into ranges of about
    :data:`MERGE_RANGE_ROWS` of the ``rows`` to merge each (stored and staged: an update of a few
    records to a large table is sorted in ranges too), bounded by quantiles of the stored and staged keys."""
    parts = -(-rows // MERGE_RANGE_ROWS)
    if parts <= 1:
        return ["true"]
    quantiles = ", ".join(str(i / parts) for i in range(1, parts))
    bounds = sorted(set(con.execute(f"""
        SELECT quantile_disc(k, [{quantiles}]) FROM (SELECT {key} AS k FROM {table} UNION ALL SELECT {key} FROM staged)
    """).fetchall()[0][0]))
    literals = ["'" + str(b).replace("'", "''") + "'" for b in bounds]
    conditions = [f"{{key}} < {literals[0]}"]
    conditions += [f"{{key}} >= {lo} AND {{key}} < {hi}" for lo, hi in itertools.pairwise(literals)]
    return [*conditions, f"{{key}} >= {literals[-1]}"]


def _merge_events(con: Any, writer: Any, staging: Path, source_name: str) -> int:
    """Events of replaced applications from the same source are replaced; the rest are kept."""
    files = sorted(staging.glob("events-*.parquet"))
    columns = ", ".join(TABLES["events"][0].names)
    parts = f"read_parquet([{_file_list(files)}])"
    if (staging / _DUPLICATES).exists():  # the events of a row left out are left out with it
        parts = (f"(SELECT e.* FROM {parts} e ANTI JOIN read_parquet('{(staging / _DUPLICATES).as_posix()}') d "
                 f"ON d.key = e.application_number AND d.source_row = e.source_row)")
    con.execute(f"CREATE VIEW staged_events AS SELECT * FROM {parts}")
    new_events = con.execute(
        "SELECT count(*) FROM staged_events WHERE application_number IN "
        "(SELECT key FROM outcome WHERE outcome IN ('added','updated')) "
        "AND event_id NOT IN (SELECT event_id FROM events)"
    ).fetchall()[0]
    writer.copy_query("events", con, f"""
        SELECT {columns} FROM (
            SELECT {columns} FROM events
            WHERE NOT (source = '{source_name.replace("'", "''")}'
                       AND application_number IN (SELECT key FROM outcome WHERE outcome = 'updated'))
            UNION ALL
            SELECT {columns} FROM staged_events
            WHERE application_number IN (SELECT key FROM outcome WHERE outcome IN ('added', 'updated'))
        )
        QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY source_date DESC NULLS LAST) = 1
        ORDER BY application_number, event_date, event_id
    """)
    return int(new_events[0])


def _file_list(files: list[Path]) -> str:
    return ", ".join(f"'{f.as_posix()}'" for f in files)


def _register_parent(con: Any, parent: Snapshot | None) -> None:
    if parent is not None:
        parent.register(con)
        return
    for name, (schema, _) in TABLES.items():
        con.register(f"_empty_{name}", schema.empty_table())
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM _empty_{name}")


def _write_rejects(store: CorpusStore, result: ImportResult) -> Path:
    from zhichan.spreadsheet import csv_cell  # the rejects report opens in a spreadsheet: no formulas

    folder = store.root / "rejects"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{result.import_id}.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens Chinese correctly
        writer = csv.DictWriter(fh, fieldnames=["file", "row", "column", "value", "reason"])
        writer.writeheader()
        for reject in result.rejects:
            writer.writerow({k: csv_cell(v) for k, v in reject.as_dict().items()})
    return path
