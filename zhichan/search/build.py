"""Building the full-text index of one corpus snapshot (tantivy).

Recall and ranking (SYSTEM.md M1: "segmentation alone misses; n-grams alone are noisy")
- Every text field is indexed as **overlapping character bigrams with true positions**: the text
  ``锂电池`` is handed to tantivy as ``"锂电 电池 池␃"`` (whitespace tokenizer), so the token at
  position *i* is the bigram starting at character *i*. A term of 2 characters is one term
  query; 3+ characters a phrase query over bigrams at their character offsets (exact substring
  — no false hits from bigrams scattered over the text, which tantivy's own n-gram tokenizer
  cannot avoid because it gives every n-gram position 0); 1 character a prefix (``X.``) over the
  bigram dictionary — the end sentinel ␃ makes the last character a bigram start too.
  This is *substring* recall, proven against a substring scan in tests/search/test_recall.py.
- Title, abstract and claims are indexed a second time as **rjieba words**. A text clause is
  ``MUST(bigram match) SHOULD(word match, boosted)``: the bigrams decide *whether* a patent
  matches, the words lift patents where the term is a real word (电池 in 锂电池 rather than in
  "…用电池…"-style accidental adjacency) and BM25 on both ranks.

The layout, schema and crash rule: :mod:`zhichan.search.layout`.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import tantivy

from zhichan.corpus.store import Snapshot, _fsync_dir, _fsync_tree, duckdb_connect
from zhichan.progress import ProgressCallback, no_progress
from zhichan.search import fields as F
from zhichan.search.highvalue import FILE_NAME
from zhichan.search.index import SearchIndex
from zhichan.search.layout import SCHEMA_VERSION, index_root, register_tokenizers, schema
from zhichan.search.prepare import Prepared

PARALLEL_FROM = 100_000  # documents: below this a build prepares them in-process


def _default_workers(total: int) -> int:
    """Preparation processes: none below :data:`PARALLEL_FROM` documents (starting a process costs
    ~1 s); else one per core beyond tantivy's two indexing threads, at least 2 and at most 4. On 2
    cores the two workers, tantivy's two threads and the main thread share them: the main thread
    only hands tantivy JSON lines (~20 CPU-µs per document), so no one part is serial."""
    if total < PARALLEL_FROM:
        return 1
    return min(4, max(2, (os.cpu_count() or 1) - 2))


CHUNK_ROWS = 8_192


def _batches(snapshot: Snapshot, columns: tuple[str, ...], rows: int, only: pa.Array | None = None
             ) -> Iterator[pa.RecordBatch]:
    """The snapshot's patents in row order, ``rows`` at a time; with ``only``, just those application
    numbers (an incremental build's new and changed patents)."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    files = [str(f) for f in snapshot.files("patents")]
    if not files:
        return
    wanted = None if only is None else pc.field("application_number").isin(only)
    for batch in ds.dataset(files, format="parquet").to_batches(columns=list(columns), batch_size=rows,
                                                                filter=wanted):
        if batch.num_rows:
            yield batch


def _cpu_seconds() -> float:
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class _DisplayWriter:
    """``ids.arrow``: the display columns, one Arrow IPC file (uncompressed, memory-mapped by readers)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: pa.ipc.RecordBatchFileWriter | None = None

    def write(self, batch: pa.RecordBatch) -> None:
        if self.writer is None:
            self.writer = pa.ipc.new_file(str(self.path), batch.schema)
        self.writer.write_batch(batch)

    def close(self) -> None:
        from zhichan.corpus.schema import PATENTS
        from zhichan.search.prepare import DISPLAY_COLUMNS

        if self.writer is None:
            self.writer = pa.ipc.new_file(str(self.path), pa.schema([PATENTS.field(c) for c in DISPLAY_COLUMNS]))
        self.writer.close()


def _prepared(snapshot: Snapshot, hv: dict[str, set[str]], projection_file: Path | None, workers: int,
              sink: _DisplayWriter, *, first_row: int = 0, only: pa.Array | None = None) -> Iterator[Prepared]:
    """Prepared documents (and vectors) batch by batch, in row order; display columns go to ``sink``."""
    from zhichan.search.prepare import (
        COLUMNS,
        DISPLAY_COLUMNS,
        prepare_batch,
        worker_init,
        worker_prepare,
    )
    from zhichan.search.similar import Projection

    def display(batch: pa.RecordBatch) -> None:
        sink.write(batch.select(list(DISPLAY_COLUMNS)))

    if workers <= 1:
        projection = Projection.load(projection_file) if projection_file else None
        row0 = first_row
        for batch in _batches(snapshot, COLUMNS, CHUNK_ROWS, only):
            display(batch)
            yield prepare_batch(batch, row0, hv, projection)
            row0 += batch.num_rows
        return
    from zhichan.parallel import ordered_map, to_ipc

    def calls() -> Iterator[tuple[bytes, int]]:
        row0 = first_row
        for batch in _batches(snapshot, COLUMNS, CHUNK_ROWS, only):
            display(batch)
            yield to_ipc(batch), row0
            row0 += batch.num_rows

    yield from ordered_map(worker_prepare, calls(), workers=workers, initializer=worker_init,
                           initargs=(hv, str(projection_file) if projection_file else None), what=("索引准备", "an index preparation"))


#: An incremental build is made when the new and changed patents plus the removed ones are at most this
#: share of the snapshot, and rows of deleted documents stay at most this share of all rows; above it a
#: full build (which also refits the similarity projection and drops the deleted rows).
INCREMENTAL_MAX_SHARE = 0.25


@dataclass
class Delta:
    """What an incremental build changes against a base build: the application numbers to (re)index, the
    base's rows whose documents are deleted, and how many rows the base has."""

    base: Path
    add: pa.Array
    dead_rows: np.ndarray
    base_rows: int
    base_dead: int

    @property
    def rows(self) -> int:
        return self.base_rows + len(self.add)


def _base_builds(snapshot: Snapshot) -> list[Path]:
    """Other snapshots' current builds of this layout, the most recently switched to first."""
    found = []
    root = index_root(snapshot)
    for folder in root.iterdir() if root.exists() else ():
        if folder.name == snapshot.id or not folder.is_dir():
            continue
        try:
            path = folder / (folder / "CURRENT").read_text("utf-8").strip()
            info = json.loads((path / "index.json").read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            continue
        if info.get("schema_version") == SCHEMA_VERSION:
            found.append(((folder / "CURRENT").stat().st_mtime_ns, path))
    return [path for _, path in sorted(found, key=lambda found: found[0], reverse=True)]


def _delta(snapshot: Snapshot, base: Path, hv_table: pa.Table, with_vectors: bool) -> Delta | None:
    """The changes from ``base`` to ``snapshot``: a patent is reindexed when it is new, its content hash
    differs or its high-value flags as of the new snapshot's date differ (they change with the date: the
    10-year mark); a base document is deleted when its patent changed or left the snapshot. None when the
    base cannot serve (no vectors where vectors are wanted) or the change is too large
    (:data:`INCREMENTAL_MAX_SHARE`)."""
    info = json.loads((base / "index.json").read_text("utf-8"))
    if with_vectors != (base / "vectors.npy").exists():
        return None
    base_ids = feather.read_table(base / "ids.arrow", columns=["application_number", "content_hash"],
                                  memory_map=True)
    base_rows = base_ids.num_rows
    base_ids = base_ids.append_column("row", pa.array(np.arange(base_rows, dtype=np.int64)))
    new_ids = pa.concat_tables(
        [pq.read_table(f, columns=["application_number", "content_hash"]) for f in snapshot.files("patents")]
    ) if snapshot.files("patents") else pa.table({"application_number": pa.array([], pa.string()),
                                                  "content_hash": pa.array([], pa.string())})
    base_hv = pq.read_table(base / FILE_NAME)
    con = duckdb_connect()
    try:
        for name, table in (("base_ids", base_ids), ("new_ids", new_ids), ("base_hv", base_hv), ("new_hv", hv_table)):
            con.register(name, table)
        # a patent's flags as one sorted string, so that equal flag sets compare equal
        flags = ("SELECT application_number, string_agg(criterion, ',' ORDER BY criterion) AS flags "
                 "FROM {} GROUP BY application_number")
        con.execute(f"CREATE TEMP TABLE bh AS {flags.format('base_hv')}")
        con.execute(f"CREATE TEMP TABLE nh AS {flags.format('new_hv')}")
        # the base's live documents (deleted rows have no application number)
        con.execute("CREATE TEMP TABLE b AS SELECT b.application_number, b.content_hash, b.row, bh.flags "
                    "FROM base_ids b LEFT JOIN bh USING (application_number) WHERE b.application_number IS NOT NULL")
        con.execute("CREATE TEMP TABLE n AS SELECT n.application_number, n.content_hash, nh.flags "
                    "FROM new_ids n LEFT JOIN nh USING (application_number)")
        add = con.sql(
            "SELECT n.application_number FROM n LEFT JOIN b USING (application_number) "
            "WHERE b.row IS NULL OR b.content_hash IS DISTINCT FROM n.content_hash "
            "OR b.flags IS DISTINCT FROM n.flags").to_arrow_table().column(0).combine_chunks()
        dead = con.sql(
            "SELECT b.row FROM b LEFT JOIN n USING (application_number) "
            "WHERE n.application_number IS NULL OR b.content_hash IS DISTINCT FROM n.content_hash "
            "OR b.flags IS DISTINCT FROM n.flags ORDER BY b.row").fetchnumpy()["row"]
    finally:
        con.close()
    base_dead = int(info.get("incremental", {}).get("dead_rows", 0))
    dead_rows = np.asarray(dead, dtype=np.int64)
    if (len(add) + len(dead_rows) > INCREMENTAL_MAX_SHARE * max(new_ids.num_rows, 1)
            or base_dead + len(dead_rows) > INCREMENTAL_MAX_SHARE * (base_rows + len(add))):
        return None
    return Delta(base, add, dead_rows, base_rows, base_dead)


def _link_tantivy(base: Path, target: Path) -> None:
    """The base's tantivy files in ``target``: segment files hard-linked (tantivy never rewrites a segment
    file: deletions go to new ``.del`` files, merges to new segments), the small metadata files copied
    (tantivy replaces them by renaming, which would not touch the base anyway), lock files left out."""
    for f in (base / "tantivy").iterdir():
        if f.name.startswith(".tantivy-") or not f.is_file():
            continue
        if f.name.endswith(".json"):
            shutil.copy2(f, target / f.name)
        else:
            os.link(f, target / f.name)


def _copy_base_rows(delta: Delta, sink: _DisplayWriter, vectors: np.ndarray | None) -> None:
    """The base's display rows (a deleted document's application number made null, so no lookup finds
    it) and vectors (a deleted document's made NaN, so no neighbour search returns it)."""
    import pyarrow.compute as pc

    dead = np.zeros(delta.base_rows, dtype=bool)
    dead[delta.dead_rows] = True
    table = feather.read_table(delta.base / "ids.arrow", memory_map=True)
    row = 0
    for batch in table.to_batches():
        mask = pa.array(dead[row:row + batch.num_rows])
        numbers = pc.if_else(mask, pa.scalar(None, pa.string()), batch.column("application_number"))
        i = batch.schema.get_field_index("application_number")
        sink.write(batch.set_column(i, batch.schema.field(i), numbers))
        row += batch.num_rows
    if vectors is not None:
        base_vectors = np.load(delta.base / "vectors.npy", mmap_mode="r")
        step = 1 << 18
        for start in range(0, delta.base_rows, step):
            end = min(start + step, delta.base_rows)
            vectors[start:end] = base_vectors[start:end]
        vectors[delta.dead_rows] = np.nan
        del base_vectors


def build_index(snapshot: Snapshot, *, progress: ProgressCallback = no_progress,
                heap_bytes: int = 2_000_000_000, threads: int = 2, with_vectors: bool = True,
                workers: int | None = None, full: bool = False) -> Path:
    """Build the snapshot's index into a temporary folder and switch to it atomically.

    **Incremental** unless ``full``: when another snapshot has a build of this layout, the most recent
    one serves as the base if the change is small (:func:`_delta`): its segments are linked, the
    documents of changed and removed patents deleted, new and changed patents added with rows after the
    base's, its similarity projection reused. Otherwise a **full** build: documents are prepared
    column-wise (:mod:`zhichan.search.prepare`), in ``workers`` processes (default:
    :func:`_default_workers`; 1 = in-process) while tantivy indexes with ``threads`` threads and a
    ``heap_bytes`` budget; the similarity vectors are computed in the same pass from the same folded text
    (the LSA projection is fitted on a sample: first when in-process; with workers in a thread beside
    the document stage, the batches prepared before it ends projected from their bigram counts).
    """
    from zhichan.search.highvalue import compute_high_value, flags_by_patent, snapshot_date

    started = time.perf_counter()
    folder = index_root(snapshot) / snapshot.id
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    token = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    tmp = folder / f".tmp-{token}"
    (tmp / "tantivy").mkdir(parents=True)
    total = snapshot.counts.get("patents", 0)
    timings: dict[str, float] = {}
    cpu_start = _cpu_seconds()
    try:
        as_of = snapshot_date(snapshot)
        hv_table = compute_high_value(snapshot, as_of)
        pq.write_table(hv_table, tmp / FILE_NAME)
        hv = flags_by_patent(hv_table)
        timings["high_value"] = time.perf_counter() - started
        timings["high_value_cpu"] = _cpu_seconds() - cpu_start
        delta = None
        if not full:
            t, cpu = time.perf_counter(), _cpu_seconds()
            bases = _base_builds(snapshot)
            delta = _delta(snapshot, bases[0], hv_table, with_vectors) if bases else None
            timings["delta"] = time.perf_counter() - t
            timings["delta_cpu"] = _cpu_seconds() - cpu
        adding = len(delta.add) if delta is not None else total
        if workers is None:
            workers = _default_workers(adding)
        rows = delta.rows if delta is not None else total
        projection_file = None
        vectors = None
        if with_vectors:
            from zhichan.search import similar

            t, cpu = time.perf_counter(), _cpu_seconds()
            if delta is not None:
                projection_file = tmp / "lsa.npz"
                shutil.copy2(delta.base / "lsa.npz", projection_file)
            else:
                projection_file = similar.fit_projection(snapshot).save(tmp)
                timings["lsa_fit"] = time.perf_counter() - t
                timings["lsa_fit_cpu"] = _cpu_seconds() - cpu
            vectors = np.lib.format.open_memmap(tmp / "vectors.npy", mode="w+", dtype=np.float32,
                                                shape=(rows, similar.Projection.load(projection_file).components.shape[0]))
        sink = _DisplayWriter(tmp / "ids.arrow")
        names: dict[int, str] = {}
        if delta is not None:
            t, cpu = time.perf_counter(), _cpu_seconds()
            _link_tantivy(delta.base, tmp / "tantivy")
            _copy_base_rows(delta, sink, vectors)
            names.update(_facet_names(delta.base))
            index = tantivy.Index.open(str(tmp / "tantivy"))
        else:
            index = tantivy.Index(schema(), path=str(tmp / "tantivy"), reuse=False)
        register_tokenizers(index)
        writer = index.writer(heap_size=heap_bytes, num_threads=threads)
        if delta is not None:
            import pyarrow.compute as pc

            base_numbers = feather.read_table(delta.base / "ids.arrow", columns=["application_number"],
                                              memory_map=True).column(0)
            for number in pc.take(base_numbers, pa.array(delta.dead_rows, pa.int64())).to_pylist():
                writer.delete_documents_by_term("an", F.normalize_an(number))
            timings["base"] = time.perf_counter() - t
            timings["base_cpu"] = _cpu_seconds() - cpu
        t, cpu = time.perf_counter(), _cpu_seconds()
        row_id = delta.base_rows if delta is not None else 0
        stage_cpu: dict[str, float] = {}
        collecting = gc.isenabled()
        main_cpu = time.thread_time()
        add_cpu = 0.0
        gc.disable()  # millions of short-lived acyclic objects: the cyclic collector only costs (~10 %)
        try:
            for prepared in _prepared(snapshot, hv, projection_file, workers, sink, first_row=row_id,
                                      only=delta.add if delta is not None else None):
                names.update(prepared.names)
                for stage, seconds in prepared.cpu.items():
                    stage_cpu[stage] = stage_cpu.get(stage, 0.0) + seconds
                adding_started = time.thread_time()
                if prepared.size:
                    for line in prepared.docs.split("\n"):
                        writer.add_json(line)
                add_cpu += time.thread_time() - adding_started
                if vectors is not None and prepared.vectors is not None:
                    vectors[row_id:row_id + prepared.size] = prepared.vectors
                row_id += prepared.size
                progress(row_id - (delta.base_rows if delta is not None else 0), adding)
        finally:
            if collecting:
                gc.enable()
        sink.close()
        feather.write_feather(pa.table({"key": pa.array(list(names), pa.uint64()),
                                        "name": pa.array(list(names.values()), pa.string())}),
                              tmp / "facet_names.arrow", compression="uncompressed")
        timings["documents"] = time.perf_counter() - t
        timings["documents_cpu"] = _cpu_seconds() - cpu  # main + tantivy + Arrow threads + workers
        timings["documents_main_thread_cpu"] = time.thread_time() - main_cpu  # the serial part
        timings["add_json_cpu"] = add_cpu  # of which: handing the JSON lines to tantivy
        timings.update({f"prepare_cpu: {stage}": seconds for stage, seconds in stage_cpu.items()})
        t = time.perf_counter()
        writer.commit()
        writer.wait_merging_threads()
        timings["commit_merge"] = time.perf_counter() - t
        if vectors is not None:
            vectors.flush()
            del vectors
        timings["cpu"] = _cpu_seconds() - cpu_start  # this process (incl. tantivy threads) + workers
        index.reload()
        documents = index.searcher().num_docs
        if documents != total:  # the delta and the deletions must leave exactly the snapshot's patents
            raise RuntimeError(f"index holds {documents} documents, the snapshot {total} patents")
        manifest: dict[str, Any] = {
            "snapshot_id": snapshot.id, "schema_version": SCHEMA_VERSION, "documents": documents, "rows": row_id,
            "high_value_as_of": as_of.isoformat(), "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 1), "build": token, "workers": workers,
            "timings": {k: round(v, 2) for k, v in timings.items()},
        }
        if delta is not None:
            manifest["incremental"] = {"base": f"{delta.base.parent.name}/{delta.base.name}", "added": len(delta.add),
                                       "deleted": len(delta.dead_rows),
                                       "dead_rows": delta.base_dead + len(delta.dead_rows)}
        (tmp / "index.json").write_text(json.dumps(manifest, indent=2), "utf-8")
        _fsync_tree(tmp)
        final = folder / f"b-{token}"
        os.rename(tmp, final)
        _fsync_dir(folder)
        pointer = folder / f".CURRENT.{token}"
        pointer.write_text(final.name + "\n", "utf-8")
        with open(pointer, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(pointer, folder / "CURRENT")
        _fsync_dir(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in folder.glob("b-*"):
        if old != final:
            shutil.rmtree(old, ignore_errors=True)
    _remove_orphans(snapshot)
    SearchIndex._cache.pop(snapshot.id, None)
    return final


def _remove_orphans(snapshot: Snapshot) -> None:
    """Remove the index folders of snapshots the corpus store has pruned: nothing can search them any
    more (a snapshot's index is read only with the snapshot), and at 10M patents each holds ~20 GB.
    A build linked from one keeps its own links."""
    snapshots = snapshot.path.parent
    for folder in index_root(snapshot).iterdir():
        if folder.is_dir() and not (snapshots / folder.name).exists():
            SearchIndex._cache.pop(folder.name, None)
            shutil.rmtree(folder, ignore_errors=True)


def _facet_names(build: Path) -> dict[int, str]:
    table = feather.read_table(build / "facet_names.arrow")
    return dict(zip(table.column("key").to_pylist(), table.column("name").to_pylist(), strict=True))
