"""Issue #16, item 2: what indexing each *distinct value* of the party and address fields once would
save — the 4 bigram fields PA (applicants/patentees), IN (inventors), AR (address), AG (agency)
replaced in every document by the 64-bit keys of its values, the values themselves matched in a
per-field dictionary at query time.

Step 1 of the idea, measured without changing the index (nothing here is used by the platform):

- **build**: the documents of the first ``--patents`` patents of a corpus, prepared in-process
  once (``prepare_batch``), then fed to tantivy (``add_json``, 2 indexing threads, the build's
  heap) three ways, alternating, ``--rounds`` times: ``full`` (today's documents), ``none`` (the 4
  bigram members left out: the upper bound) and ``keys`` (the 4 members replaced by multi-valued
  u64 key fields, indexed ``basic``: what the idea would index). CPU of the whole process
  (tantivy's threads included) per patent, wall, index size. Besides, the Python preparation of
  the 4 fields both ways (bigram strings + JSON members vs. cached keys + JSON members: each value
  folded alone, or the joined texts folded in one pass and split), alternating per batch.
- **query**: a dictionary of ``--dict-values`` distinct folded values per field (the corpus's own
  values, padded with numbered copies to the size), ``pc.match_substring`` over it for
  ``PA=科技``, ``IN=张伟``, ``AR=成都``, and the term set of the matching keys on the ``keys`` index
  (``term_set_query``) against today's bigram clause on the ``full`` index.

    PYTHONPATH=. .venv/bin/python benchmarks/search_party_dict.py \
        --corpus /work/benchdata/corpus-1m/corpus --patents 100000 --root /work/benchdata/s11-build
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import tantivy

from zhichan.corpus.store import CorpusStore
from zhichan.search import fields as F
from zhichan.search.build import CHUNK_ROWS, _batches
from zhichan.search.compiler import bigram_match
from zhichan.search.layout import register_tokenizers, schema
from zhichan.search.prepare import COLUMNS, _joined, _parties, _texts, prepare_batch
from zhichan.search.text import END, SEP, bigram_strings, fold_codes

PARTY = ("pa_bg", "in_bg", "ar_bg", "ag_bg")
KEYS = ("pa_k", "in_k", "ar_k", "ag_k")
_MEMBER = re.compile(r',"(?:pa|in|ar|ag)_bg":"(?:[^"\\]|\\.)*"')

_keys: dict[str, int] = {}


def key(value: str) -> int:
    k = _keys.get(value)
    if k is None:
        k = _keys[value] = int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")
    return k


def field_values(batch: pa.RecordBatch) -> list[list[list[str]]]:
    """Per field (PA, IN, AR, AG), per document, its folded distinct values."""
    col = batch.column
    applicants, patentees = col("applicants").to_pylist(), col("current_patentees").to_pylist()
    pa_ = [list(dict.fromkeys((a or []) + (p or []))) for a, p in zip(applicants, patentees, strict=True)]
    in_ = [[v for v in (x or []) if v] for x in col("inventors").to_pylist()]
    ar_ = [[v] if v else [] for v in col("applicant_address").to_pylist()]
    ag_ = [[v] if v else [] for v in col("agency").to_pylist()]
    return [[[F.fold(v) for v in vs if v] for vs in f] for f in (pa_, in_, ar_, ag_)]


def prep_bigrams(batch: pa.RecordBatch) -> list[list[str]]:
    """Today's work for the 4 fields: joined texts, fold, bigram strings, JSON members."""
    col = batch.column
    n = batch.num_rows
    applicants, patentees = col("applicants").to_pylist(), col("current_patentees").to_pylist()
    other = ([_parties(a, p) for a, p in zip(applicants, patentees, strict=True)]
             + [_joined(v) for v in col("inventors").to_pylist()]
             + pc.fill_null(col("applicant_address"), "").to_pylist() + pc.fill_null(col("agency"), "").to_pylist())
    bg = bigram_strings(other, fold_codes(other))
    return [_texts(name, bg[i * n:(i + 1) * n]) for i, name in enumerate(PARTY)]


def prep_keys(batch: pa.RecordBatch) -> list[list[str]]:
    """The idea's work: each value folded and keyed (cached), a JSON list of keys per document."""
    out = []
    for name, docs in zip(KEYS, field_values(batch), strict=True):
        head = f',"{name}":['
        out.append([head + ",".join(str(key(v)) for v in vs) + "]" if vs else "" for vs in docs])
    return out


def prep_keys_fast(batch: pa.RecordBatch) -> list[list[str]]:
    """:func:`prep_keys` the way a build would do it: today's joined texts folded in one pass
    (``fold_codes``), split into values, each value's key from a cache."""
    col = batch.column
    n = batch.num_rows
    applicants, patentees = col("applicants").to_pylist(), col("current_patentees").to_pylist()
    other = ([_parties(a, p) for a, p in zip(applicants, patentees, strict=True)]
             + [_joined(v) for v in col("inventors").to_pylist()]
             + pc.fill_null(col("applicant_address"), "").to_pylist() + pc.fill_null(col("agency"), "").to_pylist())
    folded = fold_codes(other)
    assert folded is not None
    parts = folded[0].tobytes().decode("utf-32-le").split(END)
    out = []
    get = _keys.get
    for i, name in enumerate(KEYS):
        head = f',"{name}":['
        members = []
        for text in parts[i * n:(i + 1) * n]:
            if not text:
                members.append("")
                continue
            ks = []
            for v in text.split(SEP):
                k = get(v)
                ks.append(str(k if k is not None else key(v)))
            members.append(head + ",".join(ks) + "]")
        out.append(members)
    return out


def key_schema() -> tantivy.Schema:
    """Today's schema with the 4 key fields added (the bigram fields stay, unused by ``keys`` documents)."""
    import zhichan.search.layout as L

    # tantivy-py cannot extend a schema: layout.schema() repeated, and the keys added
    sb = tantivy.SchemaBuilder()

    sb.add_unsigned_field("row", stored=False, indexed=False, fast=True)
    sb.add_unsigned_field(L.SAMPLE_FIELD, stored=False, indexed=True, fast=True)
    for name in L.BIGRAM_FIELDS.values():
        sb.add_text_field(name, tokenizer_name="zh_bigram", index_option="position")
    for name in L.WORD_FIELDS.values():
        sb.add_text_field(name, tokenizer_name="zh_words", index_option="position")
    for name in L.CODE_FIELDS.values():
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=name == "type")
    for name in L.DATE_FIELDS.values():
        sb.add_integer_field(name, indexed=True, fast=True)
    for name, _size in L.FACET_FIELDS.values():
        if name == "f_year":
            sb.add_integer_field(name, fast=True)
        elif name == "f_pa":
            sb.add_unsigned_field(name, fast=True)
        elif name != "type":
            sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    for name in KEYS:
        sb.add_unsigned_field(name, stored=False, indexed=True, fast=False)
    return sb.build()


def feed(lines: list[str], path: Path, sch: tantivy.Schema) -> tuple[float, float, int]:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    index = tantivy.Index(sch, path=str(path))
    register_tokenizers(index)
    cpu, wall = time.process_time(), time.perf_counter()
    writer = index.writer(heap_size=2_000_000_000, num_threads=2)
    for chunk in lines:
        for line in chunk.split("\n"):
            writer.add_json(line)
    writer.commit()
    writer.wait_merging_threads()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    return cpu, wall, size


def term_set(sch: tantivy.Schema, field: str, values: list[str]) -> tantivy.Query:
    return tantivy.Query.term_set_query(sch, field, [key(v) for v in values])


def timed(fn, *args, runs: int = 5) -> tuple[float, float]:
    """median wall ms, median CPU ms (this thread) of ``runs`` calls"""
    walls, cpus = [], []
    for _ in range(runs):
        c, w = time.thread_time(), time.perf_counter()
        fn(*args)
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.thread_time() - c) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--patents", type=int, default=100_000)
    ap.add_argument("--root", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--dict-values", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--skip-query", action="store_true")
    args = ap.parse_args()
    args.root.mkdir(parents=True, exist_ok=True)
    snap = CorpusStore(args.corpus).current()
    print("load", os.getloadavg())

    # -- preparation --------------------------------------------------------------------------------
    full: list[str] = []
    none: list[str] = []
    keyed: list[str] = []
    prep = {"bigrams": 0.0, "keys": 0.0, "keys-fast": 0.0}
    prep_fn = {"bigrams": prep_bigrams, "keys": prep_keys, "keys-fast": prep_keys_fast}
    seen = 0
    for batch in _batches(snap, COLUMNS, CHUNK_ROWS):
        batch = batch.slice(0, min(batch.num_rows, args.patents - seen))
        if not batch.num_rows:
            break
        p = prepare_batch(batch, seen)
        lines = p.docs.split("\n")
        stripped = [_MEMBER.sub("", line) for line in lines]
        # alternate the order of the two preparations batch by batch
        order = ("bigrams", "keys", "keys-fast") if (seen // CHUNK_ROWS) % 2 else ("keys-fast", "keys", "bigrams")
        for what in order:
            c = time.thread_time()
            members = prep_fn[what](batch)
            prep[what] += time.thread_time() - c
            if what == "keys":
                km = ["".join(parts) for parts in zip(*members, strict=True)]
        full.append(p.docs)
        none.append("\n".join(stripped))
        keyed.append("\n".join(s[:-1] + k + "}" for s, k in zip(stripped, km, strict=True)))
        seen += batch.num_rows
        if seen >= args.patents:
            break
    n = seen
    print(f"{n} patents; preparation of the 4 fields, CPU-µs per patent: bigram strings + members "
          f"{prep['bigrams'] / n * 1e6:.1f}, keys + members {prep['keys'] / n * 1e6:.1f} "
          f"(per value folded), {prep['keys-fast'] / n * 1e6:.1f} (folded in one pass)")
    tokens = sum(len(m.group(0).split(" ")) for chunk in full[:2] for m in _MEMBER.finditer(chunk))
    print(f"bigram tokens of the 4 fields per patent (first 2 batches): {tokens / min(n, 2 * CHUNK_ROWS):.1f}")

    # -- build: full / none / keys, alternating ---------------------------------------------------------
    sch, ksch = schema(), key_schema()
    results: dict[str, list[tuple[float, float, int]]] = {"full": [], "none": [], "keys": []}
    if not args.skip_build:
        for r in range(args.rounds):
            variants = ["full", "none", "keys"] if r % 2 == 0 else ["keys", "none", "full"]
            for v in variants:
                docs = {"full": full, "none": none, "keys": keyed}[v]
                res = feed(docs, args.root / f"idx-{v}", ksch if v == "keys" else sch)
                results[v].append(res)
                print(f"round {r} {v}: {res[0] / n * 1e6:.0f} CPU-µs/patent, {res[1]:.1f} s wall, "
                      f"{res[2] / 1e6:.0f} MB, load {os.getloadavg()[0]:.1f}", flush=True)
        for v, rs in results.items():
            print(f"{v}: CPU-µs/patent {[round(c / n * 1e6) for c, _, _ in rs]}, "
                  f"size {rs[-1][2] / 1e6:.0f} MB")

    if args.skip_query:
        return
    # -- query: the dictionary lookup -----------------------------------------------------------------
    dict_values: dict[str, list[str]] = {"PA": [], "IN": [], "AR": []}
    seen_v: dict[str, set[str]] = {k: set() for k in dict_values}
    import pyarrow.dataset as ds

    files = [str(f) for f in snap.files("patents")]
    t = ds.dataset(files, format="parquet").to_table(columns=["applicants", "current_patentees", "inventors",
                                                             "applicant_address"])
    for name, arr in (("PA", pc.list_flatten(t.column("applicants"))),
                      ("PA", pc.list_flatten(t.column("current_patentees"))),
                      ("IN", pc.list_flatten(t.column("inventors"))), ("AR", t.column("applicant_address"))):
        for v in pc.unique(pc.drop_null(arr)).to_pylist():
            f = F.fold(v)
            if f not in seen_v[name]:
                seen_v[name].add(f)
                dict_values[name].append(f)
    print("distinct values in the corpus:", {k: len(v) for k, v in dict_values.items()})
    queries = {"PA": "科技", "IN": "张伟", "AR": "成都"}
    for size in args.dict_values:
        for field, needle in queries.items():
            base = dict_values[field]
            copies = -(-size // len(base))
            values = pa.array([v if c == 0 else f"{v}{c}" for c in range(copies) for v in base][:size],
                              pa.large_string())
            keys_arr = pa.array(np.frombuffer(np.random.default_rng(1).bytes(8 * len(values)), np.uint64))

            def lookup(values=values, needle=needle, keys_arr=keys_arr):
                hit = pc.match_substring(values, needle)
                return pc.filter(keys_arr, hit)

            w, c = timed(lookup, runs=5)
            matched = len(lookup())
            print(f"dictionary {size:,} values, {field}={needle}: match_substring {w:.1f} ms wall / {c:.1f} ms CPU, "
                  f"{matched:,} values match", flush=True)
            del values, keys_arr

    if args.skip_build:
        return
    # the term set of the matching keys on the keys index vs today's bigram clause on the full index
    full_idx = tantivy.Index.open(str(args.root / "idx-full"))
    register_tokenizers(full_idx)
    key_idx = tantivy.Index.open(str(args.root / "idx-keys"))
    register_tokenizers(key_idx)
    full_idx.reload()
    key_idx.reload()
    fs, ks = full_idx.searcher(), key_idx.searcher()
    field_of = {"PA": ("pa_bg", "pa_k"), "IN": ("in_bg", "in_k"), "AR": ("ar_bg", "ar_k")}
    for field, needle in queries.items():
        bg, kf = field_of[field]
        matching = [v for v in dict_values[field] if needle in v]
        q_old = bigram_match(sch, bg, needle)
        q_new = tantivy.Query.term_set_query(ksch, kf, [key(v) for v in matching])
        n_old = fs.search(q_old, 1).count  # type: ignore[attr-defined]  # the stub omits SearchResult.count
        n_new = ks.search(q_new, 1).count  # type: ignore[attr-defined]
        w_old, c_old = timed(fs.search, q_old, 10)
        w_b, c_b = timed(term_set, ksch, kf, matching)
        w_new, c_new = timed(ks.search, q_new, 10)
        print(f"{field}={needle}: bigram clause {n_old:,} hits {w_old:.1f} ms / {c_old:.1f} CPU-ms; "
              f"term set of {len(matching):,} keys {n_new:,} hits: build the query {w_b:.1f} ms, "
              f"search {w_new:.1f} ms / {c_new:.1f} CPU-ms", flush=True)
        if field == "PA":  # the term set a dictionary ten times larger gives (10M patents)
            big = matching + [f"{v}{c}" for c in range(1, 10) for v in matching]
            w_b, c_b = timed(term_set, ksch, kf, big, runs=3)
            q_big = term_set(ksch, kf, big)
            w_new, c_new = timed(ks.search, q_big, 10, runs=3)
            print(f"{field}={needle}: term set of {len(big):,} keys: build the query {w_b:.1f} ms / {c_b:.1f} CPU-ms, "
                  f"search {w_new:.1f} ms / {c_new:.1f} CPU-ms", flush=True)
    print("load", os.getloadavg())


if __name__ == "__main__":
    main()
