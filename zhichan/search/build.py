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
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import tantivy

from zhichan.corpus.store import Snapshot, _fsync_dir, _fsync_tree
from zhichan.progress import ProgressCallback, no_progress
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


def _batches(snapshot: Snapshot, columns: tuple[str, ...], rows: int) -> Iterator[pa.RecordBatch]:
    import pyarrow.dataset as ds

    files = [str(f) for f in snapshot.files("patents")]
    if files:
        yield from ds.dataset(files, format="parquet").to_batches(columns=list(columns), batch_size=rows)


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
              sink: _DisplayWriter) -> Iterator[Prepared]:
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
        row0 = 0
        for batch in _batches(snapshot, COLUMNS, CHUNK_ROWS):
            display(batch)
            yield prepare_batch(batch, row0, hv, projection)
            row0 += batch.num_rows
        return
    from zhichan.parallel import ordered_map, to_ipc

    def calls() -> Iterator[tuple[bytes, int]]:
        row0 = 0
        for batch in _batches(snapshot, COLUMNS, CHUNK_ROWS):
            display(batch)
            yield to_ipc(batch), row0
            row0 += batch.num_rows

    yield from ordered_map(worker_prepare, calls(), workers=workers, initializer=worker_init,
                           initargs=(hv, str(projection_file) if projection_file else None), what=("索引准备", "an index preparation"))


def build_index(snapshot: Snapshot, *, progress: ProgressCallback = no_progress,
                heap_bytes: int = 2_000_000_000, threads: int = 2, with_vectors: bool = True,
                workers: int | None = None) -> Path:
    """Build the snapshot's index into a temporary folder and switch to it atomically.

    Documents are prepared column-wise (:mod:`zhichan.search.prepare`), in ``workers`` processes
    (default: :func:`_default_workers`; 1 = in-process) while tantivy indexes
    with ``threads`` threads and a ``heap_bytes`` budget; the similarity vectors are computed in
    the same pass from the same folded text (the LSA projection is fitted on a sample first).
    """
    from zhichan.search.highvalue import FILE_NAME, compute_high_value, flags_by_patent, snapshot_date

    started = time.perf_counter()
    folder = index_root(snapshot) / snapshot.id
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    token = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    tmp = folder / f".tmp-{token}"
    (tmp / "tantivy").mkdir(parents=True)
    total = snapshot.counts.get("patents", 0)
    if workers is None:
        workers = _default_workers(total)
    timings: dict[str, float] = {}
    cpu_start = _cpu_seconds()
    try:
        as_of = snapshot_date(snapshot)
        hv_table = compute_high_value(snapshot, as_of)
        pq.write_table(hv_table, tmp / FILE_NAME)
        hv = flags_by_patent(hv_table)
        timings["high_value"] = time.perf_counter() - started
        timings["high_value_cpu"] = _cpu_seconds() - cpu_start
        projection_file = None
        vectors = None
        if with_vectors:
            from zhichan.search import similar

            t, cpu = time.perf_counter(), _cpu_seconds()
            projection_file = similar.fit_projection(snapshot).save(tmp)
            timings["lsa_fit"] = time.perf_counter() - t
            timings["lsa_fit_cpu"] = _cpu_seconds() - cpu
            vectors = np.lib.format.open_memmap(tmp / "vectors.npy", mode="w+", dtype=np.float32,
                                                shape=(total, similar.Projection.load(projection_file).components.shape[0]))
        index = tantivy.Index(schema(), path=str(tmp / "tantivy"), reuse=False)
        register_tokenizers(index)
        writer = index.writer(heap_size=heap_bytes, num_threads=threads)
        t, cpu = time.perf_counter(), _cpu_seconds()
        row_id = 0
        sink = _DisplayWriter(tmp / "ids.arrow")
        names: dict[int, str] = {}
        stage_cpu: dict[str, float] = {}
        collecting = gc.isenabled()
        main_cpu = time.thread_time()
        add_cpu = 0.0
        gc.disable()  # millions of short-lived acyclic objects: the cyclic collector only costs (~10 %)
        try:
            for prepared in _prepared(snapshot, hv, projection_file, workers, sink):
                names.update(prepared.names)
                for stage, seconds in prepared.cpu.items():
                    stage_cpu[stage] = stage_cpu.get(stage, 0.0) + seconds
                adding = time.thread_time()
                if prepared.size:
                    for line in prepared.docs.split("\n"):
                        writer.add_json(line)
                add_cpu += time.thread_time() - adding
                if vectors is not None and prepared.vectors is not None:
                    vectors[row_id:row_id + prepared.size] = prepared.vectors
                row_id += prepared.size
                progress(row_id, total)
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
        manifest = {
            "snapshot_id": snapshot.id, "schema_version": SCHEMA_VERSION, "documents": row_id,
            "high_value_as_of": as_of.isoformat(), "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 1), "build": token, "workers": workers,
            "timings": {k: round(v, 2) for k, v in timings.items()},
        }
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
    SearchIndex._cache.pop(snapshot.id, None)
    return final


