"""What a field of *frequent* trigrams would buy and cost (measured here, not in the product).

The broad phrase ``传感器`` is slow to count because it is a phrase of two bigrams in three fields:
two posting lists intersected and positions checked, per field. A trigram field makes it one posting
list, but all trigrams cost as much as the three bigram fields (benchmarks/search_trigram.py). Only
the trigrams whose phrase counts are slow — those in many documents — need it, so:

- the *hot set*: the trigrams (of title, abstract and first claim, folded as the index folds them,
  never across two parts) held by at least ``--share`` of the patents of an evenly spread sample of
  ``FIT_SAMPLE`` patents — the sample the LSA fit of a build reads before any document is indexed;
- the field ``tg_hot``: per patent, the distinct hot trigrams of its title, abstract and claim, as
  terms without frequencies or positions (``basic``): a document set per hot trigram;
- queries (exact: a patent holding the term in a part holds every trigram of it in that part): a
  3-character term in the hot set is one term of ``tg_hot``; a longer term keeps its bigram phrases
  with its hot trigrams as required terms in front (they lead the intersection); anything else is
  unchanged.

In one run: the hot set from the sample (its CPU), then the first ``--patents`` patents indexed twice
side by side — ``bg`` (the three bigram fields ti_bg, ab_bg, cl_bg as the layout indexes them, plus
the row) and ``bg+hot`` (the same plus ``tg_hot``) — the difference is the field's cost, set beside
the CPU per patent of the whole product build of the same snapshot's index (``index.json``). Then,
on ``bg+hot``, per text term of the mixed set: the patents found both ways (must be the same), and
the CPU of counting them both ways (TI OR AB OR CL, as ``QueryCompiler.matching``); optionally the
same on the index replicated ``--copies`` times (segment files linked under new ids, as
benchmarks/replicate_index.py does with copies) to reach 10M.

    PYTHONPATH=. .venv/bin/python benchmarks/search_hot_trigrams.py --corpus /work/benchdata/s10-search/m1/var/corpus \\
        --patents 300000 --root /work/benchdata/s10-search/hot --copies 33

Writes only under --root.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np
import pyarrow as pa
import tantivy

from zhichan.corpus.store import CorpusStore, iter_batches
from zhichan.search.compiler import bigram_match
from zhichan.search.layout import index_status
from zhichan.search.prepare import _escape_all, _needs_escape
from zhichan.search.similar import FIT_SAMPLE
from zhichan.search.text import END, bigrams_from, blank_spaces, fold_codes

TERMS = ("传感器", "储能系统", "深度学习模型", "电动汽车", "人工智能", "锂离子电池", "材料", "芯片", "控制器", "电池组",
         "散热片", "数据处理")
PARTS = ("title", "abstract", "first_claim")
BATCH = 20_000
_END = ord(END)


def trigram_keys(codes: np.ndarray, lengths: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The trigrams of ``codes`` (texts field-major, each + ␃, as :func:`fold_codes` gives them for
    ``3 × n`` texts): per trigram starting at a character, its key (the three code points, 21 bits
    each) and its document (text ``j`` is document ``j % n``); none across two texts."""
    if len(codes) < 3:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    c = codes.astype(np.uint64)
    keys = (c[:-2] << np.uint64(42)) | (c[1:-1] << np.uint64(21)) | c[2:]
    valid = (codes[:-2] != _END) & (codes[1:-1] != _END) & (codes[2:] != _END)
    docs = (np.repeat(np.arange(len(lengths)), lengths) % n)[:-2]
    return keys[valid], docs[valid]


def key_text(keys: np.ndarray) -> list[str]:
    cps = np.stack([(keys >> np.uint64(42)) & np.uint64(0x1FFFFF), (keys >> np.uint64(21)) & np.uint64(0x1FFFFF),
                    keys & np.uint64(0x1FFFFF)], axis=1).astype(np.uint32)
    text = cps.tobytes().decode("utf-32-le")
    return [text[i:i + 3] for i in range(0, len(text), 3)]


def folded(batch: pa.RecordBatch | pa.Table) -> tuple[np.ndarray, np.ndarray, int]:
    n = batch.num_rows
    texts = [t or "" for name in PARTS for t in batch.column(name).to_pylist()]
    got = fold_codes(texts)
    assert got is not None, "a batch the one-pass folding cannot take (the product falls back per text)"
    return blank_spaces(got[0]), got[1], n


def hot_set(corpus: CorpusStore, share: float, sample: int = FIT_SAMPLE) -> tuple[np.ndarray, int]:
    """The hot trigrams (sorted keys) of an evenly spread sample of ``sample`` patents, read as
    :func:`zhichan.search.similar.fit_projection` reads its sample; and the sample's size."""
    snapshot = corpus.current()
    total = snapshot.counts["patents"]
    step = max(1, -(-total // sample))
    offset, pairs, n_docs = 0, [], 0
    for batch in iter_batches(snapshot, "patents", PARTS):
        take = pa.array(np.arange((-offset) % step, batch.num_rows, step))
        offset += batch.num_rows
        if not len(take):
            continue
        codes, lengths, n = folded(batch.take(take))
        keys, docs = trigram_keys(codes, lengths, n)
        unique, inverse = np.unique(keys, return_inverse=True)
        per_doc = np.unique(docs.astype(np.int64) * len(unique) + inverse)  # distinct (document, trigram)
        pairs.append(unique[per_doc % len(unique)])
        n_docs += n
    keys = np.concatenate(pairs)
    unique, df = np.unique(keys, return_counts=True)
    return unique[df >= share * n_docs], n_docs


class HotTable:
    """The hot set as an open-addressing-free hash table: ``2**bits`` slots, the multiplier chosen so
    that no two hot trigrams share a slot, so a lookup is one multiply and two gathers."""

    def __init__(self, hot: np.ndarray) -> None:
        self.hot = hot
        self.bits = max(12, int(np.ceil(np.log2(max(len(hot), 1)))) + 8)
        rng = np.random.default_rng(0)
        while True:
            self.mult = np.uint64(rng.integers(1, 2**63, dtype=np.uint64) | np.uint64(1))
            slots = self.slots(hot)
            if len(np.unique(slots)) == len(hot):
                break
        self.keys = np.full(1 << self.bits, np.uint64(2**64 - 1), np.uint64)  # no trigram's key (21-bit code points)
        self.ids = np.zeros(1 << self.bits, np.int32)
        self.keys[slots] = hot
        self.ids[slots] = np.arange(len(hot), dtype=np.int32)
        self.cps = np.zeros((len(hot), 4), np.uint32)
        self.cps[:, :3] = np.stack([(hot >> np.uint64(42)) & np.uint64(0x1FFFFF),
                                    (hot >> np.uint64(21)) & np.uint64(0x1FFFFF), hot & np.uint64(0x1FFFFF)], axis=1)
        self.cps[:, 3] = 0x20

    def slots(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return (keys * self.mult) >> np.uint64(64 - self.bits)


def hot_strings(codes: np.ndarray, lengths: np.ndarray, n: int, table: HotTable) -> list[str]:
    """Per document, its distinct hot trigrams ``"传感器 感器件"`` (in the hot set's order): the
    trigrams looked up in the table, a document × hot-trigram bit matrix filled from those found
    and read back in row order."""
    if len(codes) < 3 or not len(table.hot):
        return [""] * n
    c = codes.astype(np.uint64)
    keys = (c[:-2] << np.uint64(42)) | (c[1:-1] << np.uint64(21)) | c[2:]  # a key holding ␃ is never hot
    slots = table.slots(keys)
    found = np.flatnonzero(table.keys[slots] == keys)
    docs = (np.searchsorted(np.cumsum(lengths), found, side="right") % n)
    held = np.zeros((n, len(table.hot)), dtype=bool)
    held[docs, table.ids[slots[found]]] = True
    doc, ids = np.nonzero(held)
    per_doc = np.bincount(doc, minlength=n)
    text = table.cps[ids].tobytes().decode("utf-32-le")
    ends = np.cumsum(per_doc) * 4
    starts = ends - per_doc * 4
    return [text[a:b - 1] if b > a else "" for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def make_index(path: Path, fields: dict[str, str]) -> tuple[tantivy.Index, tantivy.Schema]:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("row", fast=True)
    for name, option in fields.items():
        sb.add_text_field(name, tokenizer_name="ws", index_option=option)
    schema = sb.build()
    index = tantivy.Index(schema, str(path))
    register(index)
    return index, schema


def register(index: tantivy.Index) -> None:
    index.register_tokenizer("ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())


def build(path: Path, fields: dict[str, str], lines: list[str]) -> tuple[float, int]:
    """Index the JSON ``lines`` (2 threads, as the product's writer); its CPU (the process, all
    threads) and its bytes."""
    index, _ = make_index(path, fields)
    c = time.process_time()
    writer = index.writer(heap_size=1_000_000_000, num_threads=2)
    for line in lines:
        writer.add_json(line)
    writer.commit()
    writer.wait_merging_threads()
    cpu = time.process_time() - c
    return cpu, sum(f.stat().st_size for f in path.iterdir() if f.is_file())


def replicate(source: Path, target: Path, copies: int) -> None:
    """``source``'s segments ``copies`` times under new ids (hard links: the CPU of a query is what is
    measured here, the page cache holds one copy)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    meta = json.loads((source / "meta.json").read_text("utf-8"))
    segments, files = [], []
    for _ in range(copies):
        for segment in meta["segments"]:
            new = uuid.uuid4()
            for f in source.glob(f"{segment['segment_id'].replace('-', '')}.*"):
                os.link(f, target / f"{new.hex}{f.suffix}")
                files.append(f"{new.hex}{f.suffix}")
            segments.append({**segment, "segment_id": str(new)})
    (target / "meta.json").write_text(json.dumps({**meta, "segments": segments}), "utf-8")
    (target / ".managed.json").write_text(json.dumps([*files, "meta.json"]), "utf-8")


def queries(schema: tantivy.Schema, term: str, hot: set[str]) -> tuple[tantivy.Query, tantivy.Query | None]:
    """The term's matching query as the product compiles it (TI OR AB OR CL bigram phrases) and the
    hot-trigram way, None where no trigram of the term is hot."""
    union = tantivy.Query.boolean_query([(tantivy.Occur.Should, bigram_match(schema, f, term))
                                         for f in ("ti_bg", "ab_bg", "cl_bg")])
    grams = [t for t in dict.fromkeys(term[i:i + 3] for i in range(len(term) - 2)) if t in hot]
    if not grams:
        return union, None
    if len(term) == 3:
        return union, tantivy.Query.term_query(schema, "tg_hot", term)
    lead = [(tantivy.Occur.Must, tantivy.Query.term_query(schema, "tg_hot", g)) for g in grams]
    return union, tantivy.Query.boolean_query([*lead, (tantivy.Occur.Must, union)])


def rows(searcher: tantivy.Searcher, query: tantivy.Query) -> set[int]:
    n = searcher.search(query, 1, count=True).count  # type: ignore[attr-defined]
    hits = searcher.search(query, max(1, n), count=False).hits
    return set(searcher.fast_field_values("row", [a for _, a in hits]))  # type: ignore[arg-type]


def timing(path: Path, hot: set[str], repeat: int, label: str) -> None:
    index = tantivy.Index.open(str(path))
    register(index)
    searcher, schema = index.searcher(), index.schema
    print(f"\n{label}: {searcher.num_docs:,} documents, {searcher.num_segments} segments; load {os.getloadavg()}\n"
          f"counting CPU ms p50 / p95 (repeat {repeat}, both ways interleaved)\n"
          "| term | hits | hot trigrams | bigram phrases, 3 fields | hot trigram way | same patents |\n|---|---|---|---|---|---|")
    for term in TERMS:
        if len(term) < 3:
            continue
        union, fast = queries(schema, term, hot)
        grams = sum(term[i:i + 3] in hot for i in range(len(term) - 2))
        if fast is None:
            print(f"| {term} | | 0 of {len(term) - 2} | | (no hot trigram: unchanged) | |")
            continue
        times: dict[str, list[float]] = {"bg": [], "hot": []}
        counts = {}
        for _ in range(repeat):
            for name, query in (("bg", union), ("hot", fast)):
                c = time.thread_time()
                counts[name] = searcher.search(query, 1, count=True).count  # type: ignore[attr-defined]
                times[name].append((time.thread_time() - c) * 1000)
        same = counts["bg"] == counts["hot"] and (searcher.num_docs > 2_000_000 or rows(searcher, union) == rows(searcher, fast))
        cells = " | ".join(f"{np.percentile(times[k], 50):.2f} / {np.percentile(times[k], 95):.2f}" for k in ("bg", "hot"))
        print(f"| {term} | {counts['bg']:,} | {grams} of {len(term) - 2} | {cells} | "
              f"{'yes' if same else 'NO'}{' (counts)' if searcher.num_docs > 2_000_000 else ''} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="a corpus folder (its built index gives the whole build's CPU)")
    ap.add_argument("--patents", type=int, default=300_000)
    ap.add_argument("--share", type=float, action="append", help="hot: in at least this share of the sample (repeatable)")
    ap.add_argument("--root", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--copies", type=int, default=0, help="also count on the bg+hot index replicated this many times")
    args = ap.parse_args()
    shares = args.share or [0.01]
    store = CorpusStore(args.corpus)
    snapshot = store.current()
    status = index_status(snapshot)
    whole = (status or {}).get("timings", {}).get("cpu")
    print(f"{args.corpus}: {snapshot.counts['patents']:,} patents; {os.cpu_count()} cores; load {os.getloadavg()}")
    if whole:
        print(f"the product's build of this snapshot: {whole / status['documents'] * 1e6:.0f} CPU-µs per patent "  # type: ignore[index]
              f"(index.json; built {status['built_at']})")  # type: ignore[index]
    def share_of_whole(per_patent: float) -> str:
        return f" = {per_patent / (whole / status['documents']):.1%} of the whole build" if whole else ""  # type: ignore[index]

    hots = {}
    for share in shares:
        c = time.process_time()
        hot, sampled = hot_set(store, share)
        hots[share] = hot
        print(f"hot set at {share:.2%} of {sampled:,} sampled patents: {len(hot):,} trigrams, "
              f"{time.process_time() - c:.1f} CPU-s (once per build)")
    tables = {share: HotTable(hot) for share, hot in hots.items()}  # once per build (milliseconds)
    con = snapshot.connect()
    table = con.sql(f"SELECT title, abstract, first_claim FROM patents LIMIT {args.patents}").to_arrow_table()
    con.close()
    bg_lines: list[str] = []
    hot_parts: dict[float, list[str]] = {s: [] for s in shares}
    prep = {"bg": 0.0, **{s: 0.0 for s in shares}}
    tokens = {s: 0 for s in shares}
    for start in range(0, table.num_rows, BATCH):
        part = table.slice(start, BATCH)
        codes, lengths, n = folded(part)
        c = time.process_time()
        bg = bigrams_from(codes, lengths)
        if _needs_escape(codes):
            bg = _escape_all(bg)
        bg_lines += [f'{{"row":{start + i},"ti_bg":"{bg[i]}","ab_bg":"{bg[n + i]}","cl_bg":"{bg[2 * n + i]}"'
                     for i in range(n)]
        prep["bg"] += time.process_time() - c
        for share, lookup in tables.items():
            c = time.process_time()
            strings = hot_strings(codes, lengths, n, lookup)
            hot_parts[share] += [f',"tg_hot":"{s}"' if s else "" for s in strings]
            prep[share] += time.process_time() - c
            tokens[share] += sum(s.count(" ") + 1 for s in strings if s)
    fields = {"ti_bg": "position", "ab_bg": "position", "cl_bg": "position"}
    n = len(bg_lines)
    results = {}
    print(f"\n## Build cost, {n:,} patents (same run)\n| index | strings CPU-s | index CPU-s | MB | CPU-µs per patent | "
          "bytes per patent |\n|---|---|---|---|---|---|")
    cpu, size = build(args.root / "bg", fields, [line + "}" for line in bg_lines])
    results["bg"] = (cpu, size)
    print(f"| bg (3 bigram fields) | {prep['bg']:.1f} | {cpu:.1f} | {size / 1e6:,.0f} | {(prep['bg'] + cpu) / n * 1e6:.0f} | "
          f"{size / n:,.0f} |", flush=True)
    for share in shares:
        cpu, size = build(args.root / f"hot-{share}", {**fields, "tg_hot": "basic"},
                          [line + h + "}" for line, h in zip(bg_lines, hot_parts[share], strict=True)])
        extra_cpu = prep[share] + cpu - results["bg"][0]
        extra_size = size - results["bg"][1]
        print(f"| bg + tg_hot ({share:.2%}; {tokens[share] / n:.1f} hot trigrams a patent) | {prep['bg']:.1f} + {prep[share]:.1f} "
              f"| {cpu:.1f} | {size / 1e6:,.0f} | {(prep['bg'] + prep[share] + cpu) / n * 1e6:.0f} | {size / n:,.0f} |")
        print(f"| → tg_hot alone ({share:.2%}) | {prep[share]:.1f} | {cpu - results['bg'][0]:.1f} | {extra_size / 1e6:,.0f} "
              f"| **{extra_cpu / n * 1e6:.0f}**{share_of_whole(extra_cpu / n)} "
              f"| {extra_size / n:,.0f} |", flush=True)
    del bg_lines, hot_parts, table
    for share in shares:
        grams = set(key_text(hots[share]))
        timing(args.root / f"hot-{share}", grams, args.repeat, f"bg + tg_hot ({share:.2%}), {n:,} patents")
        if args.copies:
            replicate(args.root / f"hot-{share}", args.root / f"hot-{share}-x{args.copies}", args.copies)
            timing(args.root / f"hot-{share}-x{args.copies}", grams, args.repeat,
                   f"bg + tg_hot ({share:.2%}), {n:,} patents replicated {args.copies} times")
    print(f"\nload after {os.getloadavg()}")


if __name__ == "__main__":
    main()
