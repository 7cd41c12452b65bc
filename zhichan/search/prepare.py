"""Column-wise preparation of index documents: the hot path of an index build.

A record batch of patents becomes one JSON line per document (what ``IndexWriter.add_json``
takes; no Python dict per document) plus, when a projection is given, the similarity vectors of
the batch. The work is done on whole columns, not per document:

- every text field of the batch is folded in one ``str.lower`` and one numpy pass over its code
  points (:func:`fold_codes`); the bigram strings ``"锂电 电池 池␃"`` of all seven text fields are
  built by interleaving that code-point array with itself shifted by one and decoding it once
  (:func:`zhichan.search.text.bigram_strings`) — byte-for-byte what :func:`zhichan.search.text.bigrams` gives;
- title, abstract and claim are segmented by **one** ``rjieba.cut`` over the whole batch, the
  fields separated by ␃ (not a Han character, so jieba segments each field as it would alone;
  :func:`word_strings`);
- dates come from Arrow compute; code hierarchies (IPC, SEI) are cached per code, as JSON;
- each field becomes one list of JSON members over the batch, joined per document at the end;
  strings are escaped only in a batch whose code points hold a quote, a backslash or a control
  character (one numpy test per batch).

The functions are pure (no index, no files) so a build can run them in worker processes;
``tests/search/test_prepare.py`` checks them against the per-document reference functions and
:func:`reference_document`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import time
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zhichan.search import fields as F
from zhichan.search.layout import sample_bucket, sample_buckets, ymd
from zhichan.search.similar import Projection
from zhichan.search.text import SEP, bigram_strings, bigrams_from, blank_spaces, fold_codes, word_strings

#: the patent columns a build reads
COLUMNS = (
    "application_number", "publication_number", "grant_number", "kind", "application_date", "publication_date",
    "grant_date", "legal_status", "status_group", "title", "abstract", "first_claim", "ipc", "main_ipc",
    "ipc_subclasses", "sei_codes", "applicants", "current_patentees", "first_patentee", "applicant_address",
    "region_code", "city_code", "province_code", "inventors", "agency", "content_hash", "synthetic",
)
#: the columns kept beside the index for display (``ids.arrow``, memory-mapped; row = ``row`` fast field)
DISPLAY_COLUMNS = (
    "application_number", "content_hash", "title", "abstract", "applicants", "application_date", "kind",
    "legal_status", "main_ipc", "region_code", "publication_number", "grant_number", "synthetic",
)


# -- codes ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=200_000)
def _ipc(code: str) -> tuple[str, ...]:
    return tuple(F.ipc_hierarchy(code))


@functools.lru_cache(maxsize=10_000)
def _sei(code: str) -> tuple[str, ...]:
    return tuple(F.sei_hierarchy(code))


@functools.lru_cache(maxsize=200_000)
def _ipcs(codes: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(t for c in codes for t in _ipc(c)))


@functools.lru_cache(maxsize=10_000)
def _seis(codes: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(t for c in codes for t in _sei(c)))


@functools.lru_cache(maxsize=50_000)
def _regions(region: str | None, city: str | None, province: str | None) -> list[str]:
    return F.region_tokens(region, city, province)


_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _pn_tokens(publication: str | None, grant: str | None) -> list[str]:
    """:func:`zhichan.search.fields.pn_tokens`, with a fast path for plain ASCII numbers."""
    out: list[str] = []
    for number in (publication, grant):
        if not number:
            continue
        if not (number.isascii() and number.isalnum()):
            return F.pn_tokens(publication, grant)
        norm = number.upper()
        out.append(norm)
        if norm[-1] in _UPPER:  # the kind code: "A", or a letter and one digit ("B1")
            bare = norm[:-1]
        elif len(norm) > 1 and norm[-1].isdigit() and norm[-2] in _UPPER:
            bare = norm[:-2]
        else:
            bare = norm
        if bare != norm and len(bare) > 2:
            out.append(bare)
    return list(dict.fromkeys(out)) if len(out) > 1 else out


def _ymd(column: pa.ChunkedArray | pa.Array) -> list[int | None]:
    return pc.add(pc.add(pc.multiply(pc.year(column), 10000), pc.multiply(pc.month(column), 100)),
                  pc.day(column)).to_pylist()


def _strings(column: pa.Array) -> list[str]:
    return pc.fill_null(column, "").to_pylist()


def _joined(values: list[str] | None) -> str:
    return SEP.join(v for v in values or [] if v)


def _parties(applicants: list[str] | None, patentees: list[str] | None) -> str:
    if not patentees or patentees == applicants:
        return _joined(applicants)
    return _joined(list(dict.fromkeys((applicants or []) + patentees)))


# -- JSON ----------------------------------------------------------------------------------------------
#: what a JSON string must escape; texts almost never hold one, so whole batches skip escaping
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]').search


def _needs_escape(codes: np.ndarray) -> bool:
    return bool(np.any((codes < 0x20) | (codes == 0x22) | (codes == 0x5C)))


def _q(value: str) -> str:
    """``value`` as a JSON string."""
    return f'"{value}"' if _NEEDS_ESCAPE(value) is None else json.dumps(value, ensure_ascii=False)


def _escape_all(values: list[str]) -> list[str]:
    """The insides of JSON strings (the slow path, for a batch that holds a quote or a control character)."""
    return [v if _NEEDS_ESCAPE(v) is None else json.dumps(v, ensure_ascii=False)[1:-1] for v in values]


def _qlist(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ",".join(map(_q, values)) + "]"


@functools.lru_cache(maxsize=200_000)
def _ipcs_json(codes: tuple[str, ...]) -> str:
    return _qlist(_ipcs(codes))


@functools.lru_cache(maxsize=200_000)
def _mic_json(code: str) -> str:
    return _qlist(_ipc(code))


@functools.lru_cache(maxsize=10_000)
def _seis_json(codes: tuple[str, ...]) -> str:
    return _qlist(_seis(codes))


@functools.lru_cache(maxsize=50_000)
def _regions_json(region: str | None, city: str | None, province: str | None) -> str:
    tokens = _regions(region, city, province)
    return _qlist(tokens) if tokens else ""


@functools.lru_cache(maxsize=10_000)
def _codes_json(codes: tuple[str | None, ...]) -> str:
    """A multi-valued code field (its empty values dropped); "" when none is left."""
    kept = [c for c in codes if c]
    return _qlist(kept) if kept else ""


@functools.lru_cache(maxsize=1_000)
def _hv_json(flags: frozenset[str]) -> str:
    return _qlist(["yes", *sorted(flags)])


@functools.lru_cache(maxsize=10_000)
def _scalar_json(value: str) -> str:
    return _q(value)


# -- one batch -----------------------------------------------------------------------------------------
class Prepared(NamedTuple):
    docs: str  # one tantivy document per line, as JSON (what ``IndexWriter.add_json`` takes)
    size: int  # documents (= lines)
    vectors: np.ndarray | None  # similarity vectors of the batch, with a projection
    names: dict[int, str]  # facet key → first patentee (see :func:`name_key`)
    cpu: dict[str, float]  # CPU seconds of each preparation stage (this thread)


@functools.lru_cache(maxsize=300_000)
def name_key(name: str) -> int:
    """The applicant facet's key of a name: 53 bits of BLAKE2b (exact in the float JSON of
    tantivy's aggregations). A terms aggregation on an integer fast field counts only the values
    of the hits; on a string field of ~10^5 names it costs ~10 ms per query at 1M patents."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big") & (2**53 - 1)


def _texts(key: str, values: list[str]) -> list[str]:
    """The JSON members of one text field (already escaped); "" where the text is empty."""
    head = f',"{key}":"'
    return [head + v + '"' if v else "" for v in values]


def _members(key: str, values: list[str]) -> list[str]:
    """The JSON members of one field whose values are JSON already; "" where a value is empty."""
    head = f',"{key}":'
    return [head + v if v else "" for v in values]


def prepare_batch(batch: pa.RecordBatch, row0: int, hv: dict[str, set[str]] | None = None,
                  projection: Any = None) -> Prepared:
    """The documents of ``batch`` (rows ``row0``…) as JSON lines and, with a projection, their vectors.

    Built field by field over the whole batch (one list of JSON members per field, joined per
    document at the end) — no dict per document; :func:`reference_document` is the per-document
    definition it equals (tests/search/test_prepare.py).
    """
    cpu: dict[str, float] = {}
    clock = time.thread_time()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.thread_time()
        cpu[stage] = cpu.get(stage, 0.0) + now - clock
        clock = now

    n = batch.num_rows
    col = batch.column
    titles, abstracts, claims = _main_texts(batch)
    applicants, patentees = col("applicants").to_pylist(), col("current_patentees").to_pylist()
    main_text = titles + abstracts + claims
    other_text = ([_parties(a, p) for a, p in zip(applicants, patentees, strict=True)]
                  + [_joined(v) for v in col("inventors").to_pylist()]
                  + _strings(col("applicant_address")) + _strings(col("agency")))
    folded_main, folded_other = fold_codes(main_text), fold_codes(other_text)
    lap("fold")
    word_cols = word_strings(main_text, folded_main)
    lap("words (rjieba)")
    blanked = None
    if folded_main is not None:
        blanked = blank_spaces(folded_main[0])
        bg_main = bigrams_from(blanked, folded_main[1])
    else:
        bg_main = bigram_strings(main_text)
    lap("bigrams")
    vectors = _vectors(projection, (titles, abstracts, claims), folded_main, blanked) if projection is not None else None
    lap("vectors")
    bg_other = bigram_strings(other_text, folded_other)
    if folded_main is None or _needs_escape(folded_main[0]):
        bg_main, word_cols = _escape_all(bg_main), _escape_all(word_cols)
    if folded_other is None or _needs_escape(folded_other[0]):
        bg_other = _escape_all(bg_other)
    lap("bigrams")

    numbers = col("application_number").to_pylist()
    pubs, grants = col("publication_number").to_pylist(), col("grant_number").to_pylist()
    kinds, statuses, groups = col("kind").to_pylist(), col("legal_status").to_pylist(), col("status_group").to_pylist()
    ipcs, mains = col("ipc").to_pylist(), col("main_ipc").to_pylist()
    subclasses, seis = col("ipc_subclasses").to_pylist(), col("sei_codes").to_pylist()
    firsts = col("first_patentee").to_pylist()
    regions, cities, provinces = (col("region_code").to_pylist(), col("city_code").to_pylist(),
                                  col("province_code").to_pylist())
    ad, pd_, gd = _ymd(col("application_date")), _ymd(col("publication_date")), _ymd(col("grant_date"))
    years = pc.year(col("application_date")).to_pylist()
    lap("code columns to Python")
    hv = hv or {}
    names: dict[int, str] = {}
    keys: list[str] = []
    for applicant, first in zip(applicants, firsts, strict=True):
        if name := first or (applicant or [""])[0]:
            key = name_key(name)
            names[key] = name
            keys.append(str(key))
        else:
            keys.append("")

    def text(key: str, values: list[str], part: int) -> list[str]:
        return _texts(key, values[part * n:(part + 1) * n])

    columns = [
        [f'{{"row":{row0 + i},"sample":{b},"an":'
         for i, b in enumerate(sample_buckets(np.arange(row0, row0 + n, dtype=np.uint64)).tolist())],
        [_q(F.normalize_an(a)) for a in numbers],
        text("ti_bg", bg_main, 0), text("ab_bg", bg_main, 1), text("cl_bg", bg_main, 2),
        text("pa_bg", bg_other, 0), text("in_bg", bg_other, 1), text("ar_bg", bg_other, 2),
        text("ag_bg", bg_other, 3),
        text("ti_w", word_cols, 0), text("ab_w", word_cols, 1), text("cl_w", word_cols, 2),
        _members("pn", [_qlist(t) if (t := _pn_tokens(p, g)) else "" for p, g in zip(pubs, grants, strict=True)]),
        _members("ipc", [_ipcs_json(tuple(c)) if c else "" for c in ipcs]),
        _members("mic", [_mic_json(c) if c else "" for c in mains]),
        _members("type", [_scalar_json(k) if k else "" for k in kinds]),
        _members("ls", [_codes_json((s, g)) for s, g in zip(statuses, groups, strict=True)]),
        _members("rc", [_regions_json(*r) for r in zip(regions, cities, provinces, strict=True)]),
        _members("sei", [_seis_json(tuple(c)) if c else "" for c in seis]),
        _members("f_sei", [_codes_json(tuple(c)) if c and _seis(tuple(c)) else "" for c in seis]),
        _members("hv", [_hv_json(frozenset(f)) if (f := hv.get(a)) else "" for a in numbers]),
        _members("f_ipc", [_codes_json(tuple(c)) if c else "" for c in subclasses]),
        _members("f_pa", keys),
        _members("f_prov", [_scalar_json(p) if p else "" for p in provinces]),
        _members("f_city", [_scalar_json(c) if c else "" for c in cities]),
        _members("f_ls", [_scalar_json(s) if s else "" for s in statuses]),
        _members("ad", ["" if d is None else str(d) for d in ad]),
        _members("f_year", ["" if d is None else str(y) for d, y in zip(ad, years, strict=True)]),
        _members("pd", ["" if d is None else str(d) for d in pd_]),
        _members("gd", ["" if d is None else str(d) for d in gd]),
        ["}"] * n,
    ]
    lap("fields")
    docs = "\n".join(map("".join, zip(*columns, strict=True)))
    lap("JSON lines")
    return Prepared(docs, n, vectors, names, cpu)


def _main_texts(batch: pa.RecordBatch) -> tuple[list[str], list[str], list[str]]:
    """Titles, abstracts and first claims of ``batch`` ("" where missing)."""
    col = batch.column
    return _strings(col("title")), _strings(col("abstract")), _strings(col("first_claim"))


def _vectors(projection: Any, texts: tuple[list[str], list[str], list[str]],
             folded: tuple[np.ndarray, np.ndarray] | None, blanked: np.ndarray | None) -> np.ndarray:
    """The similarity vectors of a batch's main texts: from their folded code points (``blanked``: whitespace as ▁)
    where the batch folds in one pass, else text by text."""
    if folded is not None and blanked is not None:
        return np.asarray(projection.transform_codes(blanked, folded[1], len(texts[0])))
    return np.asarray(projection.transform(*texts))


def batch_vectors(batch: pa.RecordBatch, projection: Any) -> np.ndarray:
    """The similarity vectors of ``batch``, as :func:`prepare_batch` computes them with ``projection`` (for batches
    indexed before the projection was fitted)."""
    texts = _main_texts(batch)
    folded = fold_codes(texts[0] + texts[1] + texts[2])
    return _vectors(projection, texts, folded, blank_spaces(folded[0]) if folded is not None else None)


def reference_document(row: int, record: dict[str, Any], hv: dict[str, set[str]] | None = None) -> dict[str, Any]:
    """One patent's index document, field by field from the per-text definitions
    (:func:`zhichan.search.text.bigrams`, :func:`~zhichan.search.text.words`): what
    :func:`prepare_batch` gives for it, as a dict."""
    from zhichan.search.text import bigrams, words

    doc: dict[str, Any] = {"row": row, "sample": sample_bucket(row), "an": F.normalize_an(record["application_number"])}
    texts = {
        "ti_bg": bigrams(record["title"] or ""), "ab_bg": bigrams(record["abstract"] or ""),
        "cl_bg": bigrams(record["first_claim"] or ""),
        "pa_bg": bigrams(_parties(record["applicants"], record["current_patentees"])),
        "in_bg": bigrams(_joined(record["inventors"])), "ar_bg": bigrams(record["applicant_address"] or ""),
        "ag_bg": bigrams(record["agency"] or ""),
        "ti_w": words(record["title"] or ""), "ab_w": words(record["abstract"] or ""),
        "cl_w": words(record["first_claim"] or ""),
    }
    doc.update({k: v for k, v in texts.items() if v})
    if pn := F.pn_tokens(record["publication_number"], record["grant_number"]):
        doc["pn"] = pn
    if record["ipc"] and (ipc := list(dict.fromkeys(t for c in record["ipc"] for t in F.ipc_hierarchy(c)))):
        doc["ipc"] = ipc
    if record["main_ipc"]:
        doc["mic"] = list(F.ipc_hierarchy(record["main_ipc"]))
    if record["kind"]:
        doc["type"] = record["kind"]
    if ls := [v for v in (record["legal_status"], record["status_group"]) if v]:
        doc["ls"] = ls
    if rc := F.region_tokens(record["region_code"], record["city_code"], record["province_code"]):
        doc["rc"] = rc
    if record["sei_codes"] and (sei := list(dict.fromkeys(t for c in record["sei_codes"] for t in F.sei_hierarchy(c)))):
        doc["sei"] = sei
        if f_sei := [c for c in record["sei_codes"] if c]:
            doc["f_sei"] = f_sei
    if flags := (hv or {}).get(record["application_number"]):
        doc["hv"] = ["yes", *sorted(flags)]
    if f_ipc := [c for c in record["ipc_subclasses"] or [] if c]:
        doc["f_ipc"] = f_ipc
    if first := record["first_patentee"] or (record["applicants"] or [""])[0]:
        doc["f_pa"] = name_key(first)
    for key, column in (("f_prov", "province_code"), ("f_city", "city_code"), ("f_ls", "legal_status")):
        if record[column]:
            doc[key] = record[column]
    for key, column in (("ad", "application_date"), ("pd", "publication_date"), ("gd", "grant_date")):
        if record[column] is not None:
            doc[key] = ymd(record[column])
            if key == "ad":
                doc["f_year"] = record[column].year
    return doc


# -- worker processes ----------------------------------------------------------------------------------
_STATE: dict[str, Any] = {}


def anonymous_bytes() -> int:
    """This process's anonymous resident memory (``RssAnon``: its heaps — the tantivy writer's, Python's —
    not the pages of files it reads or writes), 0 where ``/proc`` does not say."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class _VectorFile:
    """The build's ``vectors.npy``, written row range by row range at its offsets (``os.pwrite``). Not
    memory-mapped: every page a worker wrote through a map counted in its resident size — at 10M the
    whole 5 GB file, in each worker — though the pages were the file's, not the worker's."""

    def __init__(self, path: str) -> None:
        header = np.load(path, mmap_mode="r")
        self.offset, self.dtype = header.offset, header.dtype
        self.row_bytes = int(np.prod(header.shape[1:])) * header.dtype.itemsize
        del header
        self.fd = os.open(path, os.O_WRONLY)

    def write(self, row0: int, rows: np.ndarray) -> None:
        data = np.ascontiguousarray(rows, dtype=self.dtype).data
        written = os.pwrite(self.fd, data, self.offset + row0 * self.row_bytes)
        if written != data.nbytes:
            raise OSError(f"vectors.npy: {written} of {data.nbytes} bytes written at row {row0}")

    def close(self) -> None:
        os.close(self.fd)


def worker_init(hv: dict[str, set[str]], projection_path: str | None) -> None:
    """A preparing process's state: the high-value flags and the projection. Its cyclic garbage
    collector is off, as in the building process's document loop: a batch allocates ~10^6
    acyclic lists and strings, and each collection walked the flags and the code caches (~10^5
    objects) again — ~13 % of the preparation's CPU in one process, ~30 % in a worker."""
    import gc
    from pathlib import Path

    gc.disable()
    _STATE["hv"] = hv
    _STATE["projection"] = Projection.load(Path(projection_path)) if projection_path else None


def worker_prepare(payload: bytes, row0: int) -> Prepared:
    batch = pa.ipc.open_stream(payload).read_next_batch()
    return prepare_batch(batch, row0, _STATE["hv"], _STATE["projection"])


def _next_task(tasks: Any, parent: Any) -> Any:
    """The next task from ``tasks``. A worker whose building process is gone (killed, out of memory) would
    wait for one forever, holding its writer's heap: it looks every second and exits."""
    import queue

    while True:
        try:
            return tasks.get(timeout=1.0)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                raise _Orphaned from None


class _Orphaned(SystemExit):
    """The building process is gone: nothing will read what this worker reports."""


def worker_index(worker: int, folder: str, heap_bytes: int, threads: int, hv: dict[str, set[str]],
                 projection_path: str | None, vectors_path: str | None, tasks: Any, results: Any,
                 projection_ready: Any = None) -> None:
    """A building process that prepares **and indexes** (zhichan.search.build, with worker processes):
    its own tantivy index in ``folder`` (a writer of ``heap_bytes`` and ``threads`` indexing threads),
    into which it adds the documents of every batch it takes from ``tasks`` (``(Arrow IPC bytes, first
    row)``; ``None``: commit and stop). A batch's similarity vectors go straight into the build's
    ``vectors.npy`` (written at their rows' offset); what goes back on ``results`` is small:
    ``("batch", worker, documents, facet names, CPU per stage)`` per batch, then ``("done", worker,
    process CPU, this thread's CPU, peak resident bytes)``, or ``("error", worker, traceback)``.
    The segments it commits are listed in the build's ``meta.json`` by the building process.

    ``projection_ready`` (an event; None: ready now) is set by the building process once the similarity
    projection at ``projection_path`` and ``vectors.npy`` exist: a full build fits the projection while
    the workers already index. Batches taken before it are indexed at once and kept; their vectors are
    computed when it is set (:func:`batch_vectors`, the same numbers), at the latest before the commit."""
    import multiprocessing
    import resource
    import traceback

    import tantivy

    from zhichan.search.layout import register_tokenizers, schema

    try:
        worker_init(hv, None)
        projection: Projection | None = None
        vectors: _VectorFile | None = None
        waiting: list[tuple[int, pa.RecordBatch]] = []  # batches indexed before the projection was ready

        def take_projection(wait: bool) -> None:
            """Load the projection once it is ready (``wait``: wait for it) and write the waiting batches' vectors."""
            nonlocal projection, vectors
            if projection is not None or projection_path is None:
                return
            if projection_ready is not None and not projection_ready.is_set():
                if not wait:
                    return
                while not projection_ready.wait(1.0):
                    if parent is not None and not parent.is_alive():
                        raise _Orphaned
            projection = Projection.load(Path(projection_path))
            vectors = _VectorFile(vectors_path) if vectors_path else None
            if waiting:
                clock = time.thread_time()
                for row0, kept in waiting:
                    if vectors is not None:
                        vectors.write(row0, batch_vectors(kept, projection))
                waiting.clear()
                results.put(("batch", worker, 0, {}, {"vectors (after the fit)": time.thread_time() - clock}))

        index = tantivy.Index(schema(), path=folder, reuse=False)
        register_tokenizers(index)
        writer = index.writer(heap_size=heap_bytes, num_threads=threads)
        sent: set[int] = set()  # facet names already sent back (names repeat across batches)
        anon = 0  # the most anonymous memory seen (after each batch and after the commit)
        parent = multiprocessing.parent_process()  # None when run in the building process itself (tests)
        while (task := _next_task(tasks, parent)) is not None:
            payload, row0 = task
            batch = pa.ipc.open_stream(payload).read_next_batch()
            del payload
            take_projection(wait=False)
            prepared = prepare_batch(batch, row0, hv, projection)
            clock = time.thread_time()
            add = writer.add_json
            for line in prepared.docs.split("\n"):
                add(line)
            prepared.cpu["add_json"] = time.thread_time() - clock
            if vectors is not None and prepared.vectors is not None:
                vectors.write(row0, prepared.vectors)
            elif projection is None and projection_path is not None:
                waiting.append((row0, batch))
            names = {key: name for key, name in prepared.names.items() if key not in sent}
            sent.update(names)
            results.put(("batch", worker, prepared.size, names, prepared.cpu))
            anon = max(anon, anonymous_bytes())
        take_projection(wait=True)
        writer.commit()
        writer.wait_merging_threads()
        anon = max(anon, anonymous_bytes())
        if vectors is not None:
            vectors.close()
        results.put(("done", worker, time.process_time(), time.thread_time(),
                     resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, anon))
    except _Orphaned:
        if hasattr(results, "cancel_join_thread"):
            results.cancel_join_thread()  # do not wait at exit to hand reports to a process that is gone
        raise
    except BaseException:
        results.put(("error", worker, traceback.format_exc()))
        raise
