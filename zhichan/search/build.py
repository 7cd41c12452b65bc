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
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

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
from zhichan.search.prepare import Prepared, anonymous_bytes

PARALLEL_FROM = 100_000  # documents: below this a build prepares them in-process


def _default_workers(total: int) -> int:
    """Building processes: none below :data:`PARALLEL_FROM` documents (starting a process costs
    ~1 s); else one per two cores, at least 2 and at most 4. Each prepares its batches and indexes
    them into its own tantivy index with one indexing thread of its own (:func:`_index_in_workers`):
    on 2 cores, two preparing threads and two indexing threads share them, and the building process
    only reads the batches and writes the display columns — no part of the document stage is serial."""
    if total < PARALLEL_FROM:
        return 1
    return min(4, max(2, (os.cpu_count() or 1) // 2))


#: how the index workers start (a fresh interpreter: the building process may hold threads and open indexes)
WORKER_START: Final = "spawn"
CHUNK_ROWS = 8_192
#: batches of the snapshot read ahead of the one being handed out (Arrow's default, 16 from 4 files at once, held
#: ~1.2 GB more of the building process's memory at 10M and saved nothing: the workers set the pace)
READAHEAD_BATCHES = 2


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
    # Arrow reads ahead 16 batches of 4 files by default: 1.75 GB of the building process's own memory while reading
    # 3M rows of the 10M corpus, against 0.57 GB with this (docs/search.md "Building fast", Memory); the workers set the pace
    for batch in ds.dataset(files, format="parquet").to_batches(columns=list(columns), batch_size=rows,
                                                                filter=wanted, batch_readahead=READAHEAD_BATCHES,
                                                                fragment_readahead=1):
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


def _prepared(snapshot: Snapshot, hv: dict[str, set[str]], projection_file: Path | None, sink: _DisplayWriter, *,
              first_row: int = 0, only: pa.Array | None = None) -> Iterator[Prepared]:
    """Prepared documents (and vectors) batch by batch, in row order, in this process (a build with
    worker processes: :func:`_index_in_workers`); display columns go to ``sink``."""
    from zhichan.search.prepare import COLUMNS, DISPLAY_COLUMNS, prepare_batch
    from zhichan.search.similar import Projection

    projection = Projection.load(projection_file) if projection_file else None
    row0 = first_row
    for batch in _batches(snapshot, COLUMNS, CHUNK_ROWS, only):
        sink.write(batch.select(list(DISPLAY_COLUMNS)))
        yield prepare_batch(batch, row0, hv, projection)
        row0 += batch.num_rows


def _fit(snapshot: Snapshot, folder: Path) -> Path:
    """The similarity projection fitted on a sample of the snapshot, saved as ``folder/lsa.npz``."""
    from zhichan.search import similar

    return similar.fit_projection(snapshot).save(folder)


def _vector_file(folder: Path, projection_file: Path, rows: int) -> np.memmap[Any, Any]:
    """``folder/vectors.npy``: ``rows`` vectors of the projection's width (memory-mapped, to be filled)."""
    from zhichan.search.similar import Projection

    width = Projection.load(projection_file).components.shape[0]
    return np.lib.format.open_memmap(folder / "vectors.npy", mode="w+", dtype=np.float32, shape=(rows, width))


class _Fitting(threading.Thread):
    """A full build's similarity projection, fitted in a thread of the building process while the workers
    already index (the fit reads a sample and runs on one core; the workers' batches need it only for
    their vectors). When ``lsa.npz`` and ``vectors.npy`` exist it sets ``ready``, an event of the workers'
    process context; an error is raised by :meth:`check` in the building process."""

    def __init__(self, snapshot: Snapshot, folder: Path, rows: int) -> None:
        import multiprocessing

        super().__init__(name="zhichan-index-fit", daemon=True)
        self.snapshot, self.folder, self.rows = snapshot, folder, rows
        self.projection_file = folder / "lsa.npz"
        self.ready = multiprocessing.get_context(WORKER_START).Event()
        self.error: BaseException | None = None
        self.seconds = self.cpu = 0.0

    def run(self) -> None:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            _fit(self.snapshot, self.folder)
            _vector_file(self.folder, self.projection_file, self.rows)  # made at its full size, then closed
            self.ready.set()
        except BaseException as error:  # noqa: BLE001 — raised in the building process by check()
            self.error = error
        finally:
            self.seconds, self.cpu = time.perf_counter() - started, time.thread_time() - cpu

    def check(self) -> None:
        if self.error is not None:
            raise self.error


@dataclass
class _WorkerStats:
    """What the indexing worker processes report: CPU per preparation stage, per process, peak memory."""

    stages: dict[str, float]
    process_cpu: list[float]
    thread_cpu: list[float]
    peak_rss: list[int]
    peak_anonymous: list[int]
    main_anonymous: int = 0  # the building process's, sampled at each batch


def _index_in_workers(snapshot: Snapshot, hv: dict[str, set[str]], projection_file: Path | None,
                      vectors_file: Path | None, workers: int, sink: _DisplayWriter, parts: Path, *,
                      heap_bytes: int, threads: int, first_row: int, only: pa.Array | None,
                      on_batch: Callable[[int, dict[int, str]], None], fitting: _Fitting | None = None,
                      ) -> tuple[list[Path], _WorkerStats]:
    """The document stage with worker processes that prepare *and index*: each spawned process
    (:func:`zhichan.search.prepare.worker_index`) writes its own tantivy index under ``parts`` from the
    batches it takes, and the vectors of each batch straight into ``vectors_file``. This process reads
    the batches in row order, writes their display columns to ``sink`` (``ids.arrow``, row order) and
    hands each to the first free worker as Arrow IPC bytes with its first row (every document carries
    its ``row``; nothing depends on which worker indexed it). At most ``2 × workers`` batches wait in
    the queue, so memory stays bounded: per worker its writer heap (``heap_bytes / workers``), its
    resident size and the batch it works on. With ``fitting`` (the similarity projection being fitted in a
    thread of this process), the workers index at once and write each batch's vectors once it is ready.
    Returns the workers' index folders."""
    import multiprocessing
    import queue

    from zhichan.errors import ZhichanError
    from zhichan.parallel import to_ipc
    from zhichan.search.prepare import COLUMNS, DISPLAY_COLUMNS, worker_index

    context = multiprocessing.get_context(WORKER_START)
    tasks = context.Queue(maxsize=2 * workers)
    results = context.Queue()
    folders = [parts / f"w{k}" for k in range(workers)]
    heap = max(heap_bytes // workers, 50_000_000)
    per_worker = max(1, threads // workers)
    ready = fitting.ready if fitting is not None else None
    processes = []
    for k, folder in enumerate(folders):
        folder.mkdir(parents=True)
        processes.append(context.Process(
            target=worker_index, name=f"zhichan-index-{k}", daemon=True,
            args=(k, str(folder), heap, per_worker, hv, str(projection_file) if projection_file else None,
                  str(vectors_file) if vectors_file else None, tasks, results, ready)))
    stats = _WorkerStats({}, [0.0] * workers, [0.0] * workers, [0] * workers, [0] * workers)
    done: set[int] = set()

    def take(message: tuple[Any, ...]) -> None:
        if message[0] == "batch":
            _, _, size, names, cpu = message
            for stage, seconds in cpu.items():
                stats.stages[stage] = stats.stages.get(stage, 0.0) + seconds
            on_batch(size, names)
            stats.main_anonymous = max(stats.main_anonymous, anonymous_bytes())
        elif message[0] == "done":
            _, k, stats.process_cpu[k], stats.thread_cpu[k], stats.peak_rss[k], stats.peak_anonymous[k] = message
            done.add(k)
        else:
            raise ZhichanError(f"索引进程 {message[1]} 出错 / index worker {message[1]} failed:\n{message[2]}")

    def drain(wait: float) -> None:
        """Take what the workers reported; with ``wait``, block up to that long for the first report.
        A worker that died without a word (out of memory, killed) stops the build."""
        try:
            take(results.get(timeout=wait) if wait else results.get_nowait())
            while True:
                take(results.get_nowait())
        except queue.Empty:
            pass
        if fitting is not None:
            fitting.check()
        for k, process in enumerate(processes):
            if k not in done and not process.is_alive():
                try:  # its last words may still be in the pipe
                    while True:
                        take(results.get(timeout=1.0))
                except queue.Empty:
                    pass
                if k not in done:
                    raise ZhichanError(
                        f"索引进程意外退出（代码 {process.exitcode}；内存不足或被终止） / an index worker died "
                        f"(exit code {process.exitcode}: out of memory, or killed); use one worker to avoid them")

    def put(task: Any) -> None:
        """Queue ``task`` for the next free worker, taking their reports while the queue is full (a worker that
        died would otherwise leave the build waiting for room)."""
        while True:
            drain(0)
            try:
                tasks.put(task, timeout=0.2)
                return
            except queue.Full:
                continue

    try:
        for process in processes:
            process.start()
        row0 = first_row
        for batch in _batches(snapshot, COLUMNS, CHUNK_ROWS, only):
            sink.write(batch.select(list(DISPLAY_COLUMNS)))
            task = (to_ipc(batch), row0)
            row0 += batch.num_rows
            del batch
            put(task)
        for _ in processes:
            put(None)  # one end mark per worker
        while len(done) < workers:
            drain(0.5)
        for process in processes:
            process.join()
        if fitting is not None:
            fitting.join()
            fitting.check()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            if process.pid is not None:
                process.join()
        tasks.close()
        results.close()
        tasks.cancel_join_thread()
    return folders, stats


def _adopt_segments(target: Path, folders: list[Path]) -> int:
    """List the segments of the workers' indexes (``folders``) in the index at ``target`` (its writer
    closed): their files moved in, their entries added to ``meta.json`` and ``.managed.json``. A tantivy
    segment is self-contained (its own term dictionaries, postings, fast fields, norms) and BM25 takes
    its statistics — documents, tokens per field, each term's document frequency — summed over the
    segments of the searcher, so the index scores as one writer's would. Returns the segments added."""
    meta = json.loads((target / "meta.json").read_text("utf-8"))
    managed = json.loads((target / ".managed.json").read_text("utf-8"))
    added = 0
    for folder in folders:
        part = json.loads((folder / "meta.json").read_text("utf-8"))
        for segment in part["segments"]:
            stem = segment["segment_id"].replace("-", "")
            for f in sorted(folder.glob(f"{stem}.*")):
                os.rename(f, target / f.name)
                managed.append(f.name)
            meta["segments"].append(segment)
            added += 1
    for name, data in ((".managed.json", managed), ("meta.json", meta)):
        temporary = target / f".{name}.tmp"
        temporary.write_text(json.dumps(data), "utf-8")
        os.replace(temporary, target / name)
    return added


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
    differs or its high-value flags at the new snapshot's data end differ (they change with the date: the
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
    base's, its similarity projection reused. Otherwise a **full** build: the similarity projection is
    fitted on a sample first, then documents are prepared column-wise (:mod:`zhichan.search.prepare`)
    with their vectors from the same folded text. With ``workers`` > 1 (default:
    :func:`_default_workers`) each worker process prepares batches and indexes them into a tantivy index
    of its own (``heap_bytes / workers``, ``threads / workers`` indexing threads), and the build lists
    every worker's segments in one ``meta.json`` (:func:`_index_in_workers`, :func:`_adopt_segments`);
    with 1 this process prepares and one writer of ``threads`` threads and ``heap_bytes`` indexes.
    """
    from zhichan.search.highvalue import compute_high_value, flags_by_patent, flags_date

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
    fitting: _Fitting | None = None
    try:
        as_of = flags_date(snapshot)
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
        vectors: np.memmap[Any, Any] | None = None
        if with_vectors:
            if delta is not None:
                projection_file = tmp / "lsa.npz"
                shutil.copy2(delta.base / "lsa.npz", projection_file)
                vectors = _vector_file(tmp, projection_file, rows)
            elif workers > 1:  # fitted while the workers already index (they wait for it only for vectors)
                fitting = _Fitting(snapshot, tmp, rows)
                projection_file = fitting.projection_file
                fitting.start()
            else:
                t, cpu = time.perf_counter(), _cpu_seconds()
                projection_file = _fit(snapshot, tmp)
                timings["lsa_fit"] = time.perf_counter() - t
                timings["lsa_fit_cpu"] = _cpu_seconds() - cpu
                vectors = _vector_file(tmp, projection_file, rows)
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
        # with worker processes the documents go to the workers' own indexes: this writer only deletes
        # (an incremental build's changed and removed patents) and commits, so it needs no large heap
        writer = (index.writer(heap_size=heap_bytes, num_threads=threads) if workers <= 1
                  else index.writer(heap_size=50_000_000, num_threads=1))
        if delta is not None:
            import pyarrow.compute as pc

            base_numbers = feather.read_table(delta.base / "ids.arrow", columns=["application_number"],
                                              memory_map=True).column(0)
            for number in pc.take(base_numbers, pa.array(delta.dead_rows, pa.int64())).to_pylist():
                writer.delete_documents_by_term("an", F.normalize_an(number))
            timings["base"] = time.perf_counter() - t
            timings["base_cpu"] = _cpu_seconds() - cpu
        t, cpu = time.perf_counter(), _cpu_seconds()
        first_row = row_id = delta.base_rows if delta is not None else 0
        stage_cpu: dict[str, float] = {}
        collecting = gc.isenabled()
        main_cpu = time.thread_time()
        add_cpu = 0.0
        parts: list[Path] = []
        worker_stats = None
        gc.disable()  # millions of short-lived acyclic objects: the cyclic collector only costs (~10 %)
        try:
            if workers > 1:
                def batch_done(size: int, batch_names: dict[int, str]) -> None:
                    nonlocal row_id
                    names.update(batch_names)
                    row_id += size
                    progress(row_id - first_row, adding)

                parts, worker_stats = _index_in_workers(
                    snapshot, hv, projection_file, tmp / "vectors.npy" if with_vectors else None, workers,
                    sink, tmp / "parts", heap_bytes=heap_bytes, threads=threads, first_row=first_row,
                    only=delta.add if delta is not None else None, on_batch=batch_done, fitting=fitting)
                stage_cpu = worker_stats.stages
                if fitting is not None:
                    timings["lsa_fit"], timings["lsa_fit_cpu"] = fitting.seconds, fitting.cpu
            else:
                for prepared in _prepared(snapshot, hv, projection_file, sink, first_row=row_id,
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
                    progress(row_id - first_row, adding)
        finally:
            if collecting:
                gc.enable()
        sink.close()
        feather.write_feather(pa.table({"key": pa.array(list(names), pa.uint64()),
                                        "name": pa.array(list(names.values()), pa.string())}),
                              tmp / "facet_names.arrow", compression="uncompressed")
        timings["documents"] = time.perf_counter() - t  # with workers: their commits included
        timings["documents_cpu"] = _cpu_seconds() - cpu  # main + tantivy + Arrow threads + workers
        timings["documents_main_thread_cpu"] = time.thread_time() - main_cpu  # the serial part
        timings["add_json_cpu"] = add_cpu  # of which: handing the JSON lines to tantivy (in-process builds)
        timings.update({f"prepare_cpu: {stage}": seconds for stage, seconds in stage_cpu.items()})
        peak: dict[str, Any] = {}
        if worker_stats is not None:
            # per worker process: its whole CPU, and what its tantivy indexing threads took besides
            # the preparing thread (the preparation stages above, add_json included)
            timings["workers_cpu"] = sum(worker_stats.process_cpu)
            timings["workers_index_threads_cpu"] = sum(worker_stats.process_cpu) - sum(worker_stats.thread_cpu)
            peak["workers_mb"] = [round(b / 1e6) for b in worker_stats.peak_rss]
            # of which their own (heaps), not the pages of the files they read and wrote
            peak["workers_anonymous_mb"] = [round(b / 1e6) for b in worker_stats.peak_anonymous]
        t = time.perf_counter()
        writer.commit()
        writer.wait_merging_threads()
        del writer
        if parts:
            segments = _adopt_segments(tmp / "tantivy", parts)
            shutil.rmtree(tmp / "parts")
            index = tantivy.Index.open(str(tmp / "tantivy"))
            register_tokenizers(index)
            timings["segments_adopted"] = segments
        timings["commit_merge"] = time.perf_counter() - t
        if vectors is not None:
            vectors.flush()
            del vectors
        timings["cpu"] = _cpu_seconds() - cpu_start  # this process (incl. tantivy threads) + workers
        index.reload()
        documents = index.searcher().num_docs
        if documents != total:  # the delta and the deletions must leave exactly the snapshot's patents
            raise RuntimeError(f"index holds {documents} documents, the snapshot {total} patents")
        import resource

        peak["main_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6)
        if worker_stats is not None:
            peak["main_anonymous_mb"] = round(max(worker_stats.main_anonymous, anonymous_bytes()) / 1e6)
        manifest: dict[str, Any] = {
            "snapshot_id": snapshot.id, "schema_version": SCHEMA_VERSION, "documents": documents, "rows": row_id,
            "high_value_as_of": as_of.isoformat(), "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 1), "build": token, "workers": workers,
            "timings": {k: round(v, 2) for k, v in timings.items()}, "peak_rss": peak,
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
        if fitting is not None and fitting.ident is not None:
            fitting.join()  # it writes into the temporary folder
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
