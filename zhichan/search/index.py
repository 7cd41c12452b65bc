"""The full-text index of one corpus snapshot (tantivy), and how the syntax tree runs on it.

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

Layout and crash rule: ``<index_dir>/<snapshot_id>/CURRENT`` names the build folder
``b-<token>`` readers use. A build writes ``.tmp-<token>``, commits, fsyncs, renames it to
``b-<token>`` and then replaces ``CURRENT`` atomically — a crash leaves the previous build in use.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, cast

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import rjieba
import tantivy

from zhichan.corpus.store import Snapshot, _fsync_dir, _fsync_tree
from zhichan.progress import ProgressCallback, no_progress
from zhichan.search import fields as F
from zhichan.search.ast import And, Code, DateRange, Node, Not, Or, Text
from zhichan.search.errors import IndexMissing
from zhichan.search.prepare import Prepared

SCHEMA_VERSION = 3  # 2: display columns in ids.arrow, numpy LSA features; 3: integer applicant facet
_SPACE = re.compile(r"\s")
_BLANK = "\u2581"  # ▁ stands for whitespace inside bigrams

#: text field code → (bigram index fields, word index fields)
_BIGRAM_FIELDS = {"TI": "ti_bg", "AB": "ab_bg", "CL": "cl_bg", "PA": "pa_bg", "IN": "in_bg", "AR": "ar_bg",
                  "AG": "ag_bg"}
_TEXT_PARTS = {"TIABC": ("TI", "AB", "CL"), "TIAB": ("TI", "AB")}
_WORD_FIELDS = {"TI": "ti_w", "AB": "ab_w", "CL": "cl_w"}
_BOOST = {"TI": 3.0, "AB": 1.0, "CL": 0.7, "PA": 1.0, "IN": 1.0, "AR": 1.0, "AG": 1.0}
_CODE_FIELDS = {"AN": "an", "PN": "pn", "IPC": "ipc", "MIC": "mic", "TYPE": "type", "LS": "ls", "RC": "rc",
                "SEI": "sei", "HV": "hv"}
_DATE_FIELDS = {"AD": "ad", "PD": "pd", "GD": "gd"}
#: facet name → (fast field, terms-aggregation size)
FACET_FIELDS = {
    "year": ("f_year", 60),
    "ipc": ("f_ipc", 20),
    "applicant": ("f_pa", 20),
    "province": ("f_prov", 40),
    "city": ("f_city", 20),
    "kind": ("type", 5),
    "legal_status": ("f_ls", 15),
    "sei": ("f_sei", 40),
}


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("row", stored=False, indexed=False, fast=True)
    for name in _BIGRAM_FIELDS.values():
        sb.add_text_field(name, tokenizer_name="zh_bigram", index_option="position")
    for name in _WORD_FIELDS.values():
        sb.add_text_field(name, tokenizer_name="zh_words", index_option="position")
    for name in _CODE_FIELDS.values():
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=name == "type")
    for name in _DATE_FIELDS.values():
        sb.add_integer_field(name, indexed=True, fast=True)
    for name, _size in FACET_FIELDS.values():
        if name == "f_year":
            sb.add_integer_field(name, fast=True)
        elif name == "f_pa":
            sb.add_unsigned_field(name, fast=True)  # name_key(first patentee); names in facet_names.arrow
        elif name != "type":
            sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    return sb.build()


def _register(index: tantivy.Index) -> None:
    ws = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    index.register_tokenizer("zh_bigram", ws)
    index.register_tokenizer("zh_words", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())


def _ymd(day: dt.date | None) -> int | None:
    return day.year * 10000 + day.month * 100 + day.day if day else None


# -- locations ---------------------------------------------------------------------------------------
def index_root(snapshot: Snapshot) -> Path:
    """``<data_dir>/index``: the data directory is the parent of the snapshot's corpus folder."""
    return snapshot.path.parents[2] / "index"


def index_path(snapshot: Snapshot) -> Path | None:
    """The folder of the snapshot's current index build, or None when it has none."""
    folder = index_root(snapshot) / snapshot.id
    try:
        name = (folder / "CURRENT").read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    path = folder / name
    try:
        info = json.loads((path / "index.json").read_text("utf-8"))
    except FileNotFoundError:
        return None
    return path if info.get("schema_version") == SCHEMA_VERSION else None  # older builds: rebuild


PARALLEL_FROM = 100_000  # documents: below this a build prepares them in-process
def _default_workers(total: int) -> int:
    """Preparation processes. On 2 cores: none (measured: the build is CPU-bound — tantivy's two
    indexing threads plus the preparing thread keep both cores busy, and shipping documents
    between processes costs ~45 µs of pickling per document). With more cores: cores − 2."""
    cores = os.cpu_count() or 1
    if total < PARALLEL_FROM or cores <= 2:
        return 1
    return min(4, cores - 2)
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
        to_ipc,
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
    import collections
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # no fork of a process holding index threads
    with ProcessPoolExecutor(workers, mp_context=context, initializer=worker_init,
                             initargs=(hv, str(projection_file) if projection_file else None)) as pool:
        pending: collections.deque = collections.deque()
        row0 = 0
        for batch in _batches(snapshot, COLUMNS, CHUNK_ROWS):
            display(batch)
            pending.append(pool.submit(worker_prepare, to_ipc(batch), row0))
            row0 += batch.num_rows
            while len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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
        projection_file = None
        vectors = None
        if with_vectors:
            from zhichan.search import similar

            t = time.perf_counter()
            projection_file = similar.fit_projection(snapshot).save(tmp)
            timings["lsa_fit"] = time.perf_counter() - t
            vectors = np.lib.format.open_memmap(tmp / "vectors.npy", mode="w+", dtype=np.float32,
                                                shape=(total, similar.Projection.load(projection_file).components.shape[0]))
        schema = _schema()
        index = tantivy.Index(schema, path=str(tmp / "tantivy"), reuse=False)
        _register(index)
        writer = index.writer(heap_size=heap_bytes, num_threads=threads)
        t = time.perf_counter()
        row_id = 0
        sink = _DisplayWriter(tmp / "ids.arrow")
        names: dict[int, str] = {}
        collecting = gc.isenabled()
        main_cpu = time.thread_time()
        gc.disable()  # millions of short-lived acyclic dicts: the cyclic collector only costs (~10 %)
        try:
            for docs, block, batch_names in _prepared(snapshot, hv, projection_file, workers, sink):
                names.update(batch_names)
                for doc in docs:
                    writer.add_document(tantivy.Document.from_dict(doc, schema))
                if vectors is not None and block is not None:
                    vectors[row_id:row_id + len(block)] = block
                row_id += len(docs)
                progress(row_id, total)
        finally:
            if collecting:
                gc.enable()
        sink.close()
        feather.write_feather(pa.table({"key": pa.array(list(names), pa.uint64()),
                                        "name": pa.array(list(names.values()), pa.string())}),
                              tmp / "facet_names.arrow", compression="uncompressed")
        timings["documents"] = time.perf_counter() - t
        timings["documents_main_thread_cpu"] = time.thread_time() - main_cpu  # the serial part
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
            "timings": {k: round(v, 1) for k, v in timings.items()},
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


def index_status(snapshot: Snapshot) -> dict[str, Any] | None:
    path = index_path(snapshot)
    if path is None:
        return None
    info = json.loads((path / "index.json").read_text("utf-8"))
    info["path"] = str(path)
    info["bytes"] = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return info


# -- querying ----------------------------------------------------------------------------------------
#: Hits fetched beyond a page so that ties at its boundary are ordered the same in every build.
TIE_MARGIN = 64


def register_tokenizers(index: tantivy.Index) -> None:
    """The tokenizers a text field indexed as :func:`zhichan.search.prepare.bigrams` / ``words`` needs
    (any tantivy index of the platform: the patents', the services library's)."""
    _register(index)


def bigram_match(schema: tantivy.Schema, field: str, value: str) -> tantivy.Query:
    """``value`` as an exact substring of a field indexed as positioned character bigrams."""
    s = _SPACE.sub(_BLANK, value)
    if len(s) == 1:
        return tantivy.Query.regex_query(schema, field, re.escape(s) + ".")
    if len(s) == 2:
        return tantivy.Query.term_query(schema, field, s)
    offsets = list(range(0, len(s) - 1, 2))
    if offsets[-1] != len(s) - 2:
        offsets.append(len(s) - 2)
    return tantivy.Query.phrase_query(schema, field, [(i, s[i:i + 2]) for i in offsets])


def word_match(schema: tantivy.Schema, field: str, value: str) -> tantivy.Query | None:
    """``value``'s rjieba words as a phrase of a field indexed as words (for ranking), or ``None``."""
    tokens: list[str | tuple[int, str]] = [w for w in rjieba.cut(value) if w.strip()]
    if not tokens:
        return None
    if len(tokens) == 1:
        return tantivy.Query.term_query(schema, field, tokens[0])
    return tantivy.Query.phrase_query(schema, field, tokens)


class SearchIndex:
    """An open index build: compiles syntax trees to tantivy queries and runs them."""

    _cache: ClassVar[dict[str, SearchIndex]] = {}

    def __init__(self, path: Path) -> None:
        self.path = path
        self.info = json.loads((path / "index.json").read_text("utf-8"))
        self.index = tantivy.Index.open(str(path / "tantivy"))
        _register(self.index)  # tokenizers are not persisted: register after every open
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.table = feather.read_table(path / "ids.arrow", memory_map=True)
        self._facet_names: dict[int, str] | None = None
        self.ids = self.table.column("application_number")

    @classmethod
    def for_snapshot(cls, snapshot: Snapshot, required: bool = True) -> SearchIndex | None:
        path = index_path(snapshot)
        if path is None:
            if required:
                raise IndexMissing(
                    f"快照 {snapshot.id} 尚未建立检索索引，请运行 zhichan index build / "
                    f"no search index for snapshot {snapshot.id}: run `zhichan index build`")
            return None
        cached = cls._cache.get(snapshot.id)
        if cached is None or cached.path != path:
            cached = cls(path)
            cls._cache[snapshot.id] = cached
        return cached

    # compile ---------------------------------------------------------------------------------------
    def _bigram_match(self, field: str, value: str) -> tantivy.Query:
        return bigram_match(self.schema, field, value)

    def _word_match(self, field: str, value: str) -> tantivy.Query | None:
        return word_match(self.schema, field, value)

    def _text(self, node: Text) -> tantivy.Query:
        parts = _TEXT_PARTS.get(node.field, (node.field,))
        matches = [tantivy.Query.boost_query(self._bigram_match(_BIGRAM_FIELDS[p], node.value), _BOOST[p])
                   for p in parts]
        match = matches[0] if len(matches) == 1 else tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, q) for q in matches])
        ranks = []
        for p in parts:
            if p in _WORD_FIELDS and (q := self._word_match(_WORD_FIELDS[p], node.value)) is not None:
                ranks.append((tantivy.Occur.Should, tantivy.Query.boost_query(q, 2.0 * _BOOST[p])))
        if not ranks:
            return match
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, match), *ranks])

    def _code(self, node: Code) -> tantivy.Query:
        field = _CODE_FIELDS[node.field]
        if node.prefix:
            query = tantivy.Query.regex_query(self.schema, field, re.escape(node.value) + ".*")
        else:
            query = tantivy.Query.term_query(self.schema, field, node.value)
        return tantivy.Query.const_score_query(query, 0.0)

    def _date(self, node: DateRange) -> tantivy.Query:
        # An open end is the smallest or largest date there is: ``GD=[* TO *]`` means "has a grant
        # date" (as in the oracle and SQL), and tantivy-py takes no open bound.
        return tantivy.Query.range_query(self.schema, _DATE_FIELDS[node.field], tantivy.FieldType.Integer,
                                         _ymd(node.start or dt.date.min), _ymd(node.end or dt.date.max))

    def compile(self, node: Node) -> tantivy.Query:
        if isinstance(node, Text):
            return self._text(node)
        if isinstance(node, Code):
            return self._code(node)
        if isinstance(node, DateRange):
            return tantivy.Query.const_score_query(self._date(node), 0.0)
        if isinstance(node, And):
            clauses = [(tantivy.Occur.MustNot, self.compile(c.child)) if isinstance(c, Not)
                       else (tantivy.Occur.Must, self.compile(c)) for c in node.children]
            if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
                clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
            return tantivy.Query.boolean_query(clauses)
        if isinstance(node, Or):
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, self.compile(c)) for c in node.children])
        if isinstance(node, Not):
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                                (tantivy.Occur.MustNot, self.compile(node.child))])
        raise TypeError(node)

    # run ---------------------------------------------------------------------------------------------
    def count(self, query: tantivy.Query) -> int:
        result = self.searcher.search(query, 1, count=True)  # limit 0 panics in tantivy-py
        return int(result.count)  # type: ignore[attr-defined]  # the stub omits SearchResult.count

    def top(self, query: tantivy.Query, *, limit: int, offset: int = 0, sort: str = "relevance"
            ) -> tuple[int, list[tuple[float, tantivy.DocAddress]]]:
        if sort == "relevance":
            # Equal scores are ordered by the document's row in the snapshot, not by tantivy's doc
            # address (which depends on how the index was built), so every build of a snapshot pages
            # identically — exact unless more than TIE_MARGIN hits tie across a page boundary.
            result = self.searcher.search(query, offset + limit + TIE_MARGIN, count=True)
            hits = list(result.hits)
            rows = cast(list[int], self.searcher.fast_field_values("row", [a for _, a in hits])) if hits else []
            ranked = [h for h, _ in sorted(zip(hits, rows, strict=True), key=lambda hr: (-hr[0][0], hr[1]))]
            return int(result.count), ranked[offset:offset + limit]  # type: ignore[attr-defined]  # stub omits .count
        else:
            order = tantivy.Order.Desc if sort == "date_desc" else tantivy.Order.Asc
            result = self.searcher.search(query, limit, count=True, offset=offset, order_by_field="ad", order=order)
        return int(result.count), list(result.hits)  # type: ignore[attr-defined]  # stub omits .count

    def displays(self, addresses: list[tantivy.DocAddress]) -> list[dict[str, Any]]:
        """Display columns of the given hits, from the memory-mapped ``ids.arrow`` (by ``row``)."""
        if not addresses:
            return []
        # "row" is an integer fast field every document has: never a float, bool or None
        rows = cast(list[int], self.searcher.fast_field_values("row", list(addresses)))
        # one zero-copy slice per row: ``take`` on the chunked table would concatenate its chunks
        out = [self.table.slice(int(r), 1).to_pylist()[0] for r in rows]
        for d in out:
            day = d["application_date"]
            d["application_date"] = day.isoformat() if day else None
        return out

    def display(self, address: tantivy.DocAddress) -> dict[str, Any]:
        return self.displays([address])[0]

    def rows(self, query: tantivy.Query) -> pa.Array:
        """Row numbers (into ``ids``) of every hit, in index order: the all-hits path (no cap)."""
        total = self.count(query)
        if total == 0:
            return pa.array([], pa.uint64())
        hits = self.searcher.search(query, total, count=False, order_by_field="row", order=tantivy.Order.Asc).hits
        return pa.array(self.searcher.fast_field_values("row", [h[1] for h in hits]), pa.uint64())

    def all_application_numbers(self, node: Node) -> pa.Array:
        return self.ids.take(self.rows(self.compile(node))).combine_chunks()

    def titles(self, numbers: list[str]) -> dict[str, str]:
        """Titles of the given application numbers (one term-set query on ``an``)."""
        if not numbers:
            return {}
        query = tantivy.Query.term_set_query(self.schema, "an", [F.normalize_an(n) for n in numbers])
        hits = self.searcher.search(query, len(numbers), count=False).hits
        return {d["application_number"]: d["title"] for d in self.displays([a for _, a in hits])}

    def facets(self, query: tantivy.Query, names: tuple[str, ...] | None = None) -> dict[str, list[tuple[Any, int]]]:
        names = names or tuple(FACET_FIELDS)
        aggs = {name: {"terms": {"field": FACET_FIELDS[name][0], "size": FACET_FIELDS[name][1]}} for name in names}
        result = self.searcher.aggregate(query, aggs)
        out: dict[str, list[tuple[Any, int]]] = {}
        for name in names:
            buckets = result.get(name, {}).get("buckets", [])
            if name == "applicant":
                names_by_key = self.facet_names()
                buckets = [{"key": names_by_key.get(int(b["key"])), "doc_count": b["doc_count"]} for b in buckets]
            out[name] = [(b["key"], int(b["doc_count"])) for b in buckets if b["key"] not in ("", None)]
        return out

    def facet_names(self) -> dict[int, str]:
        """Applicant facet key → name (``facet_names.arrow``), read on first use."""
        if self._facet_names is None:
            table = feather.read_table(self.path / "facet_names.arrow")
            self._facet_names = dict(zip(table.column("key").to_pylist(), table.column("name").to_pylist(),
                                         strict=True))
        return self._facet_names

