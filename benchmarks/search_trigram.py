"""What a trigram field would buy (measured here, not in the product): one extra field ``tg`` holding
the character trigrams of title + abstract + first claim with true positions, so that a 3-character
term is one term (one posting list) instead of a phrase of two bigrams in three fields, and a 4–6-
character term a phrase of two trigrams in one field instead of phrases of 2–3 bigrams in three.

Builds two indexes of the first ``--patents`` patents of a snapshot, side by side in the same run:
``bg`` — the three bigram fields of the layout (ti_bg, ab_bg, cl_bg, as zhichan.search.prepare makes
them) — and ``tg`` — the trigram field alone — and reports the build CPU and the disk of each (the
trigram field's cost is ``tg``'s), then, for every 3–6-character text term of the mixed set, the
matching CPU both ways (the count of what ``QueryCompiler.matching`` reads for the text: TI OR AB OR
CL) and whether both find exactly the same patents.

    PYTHONPATH=. .venv/bin/python benchmarks/search_trigram.py --corpus /work/benchdata/facets-1m/corpus \\
        --patents 200000 --root /work/benchdata/s9-search/trigram

Writes only under --root.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import numpy as np
import tantivy

from zhichan.corpus.store import CorpusStore
from zhichan.search.compiler import bigram_match
from zhichan.search.text import END, bigrams_from, blank_spaces, fold_codes

TERMS = ("传感器", "储能系统", "深度学习模型", "电动汽车", "人工智能", "锂离子电池", "芯片模组", "电池")
BATCH = 20_000


def trigrams_from(codes: np.ndarray, lengths: np.ndarray) -> list[str]:
    """Per text of the folded batch (``codes``: each text + ␃), its trigrams ``"锂电池 电池␃"``-style:
    the trigram starting at every character but the last two (the sentinel ends the text)."""
    text = codes.tobytes().decode("utf-32-le")
    out, start = [], 0
    for n in lengths.tolist():
        s = text[start:start + n]
        start += n
        out.append(" ".join(s[i:i + 3] for i in range(len(s) - 2)))
    return out


def trigram_match(schema: tantivy.Schema, field: str, value: str) -> tantivy.Query:
    """``value`` (3+ characters) as an exact substring of the trigram field."""
    if len(value) == 3:
        return tantivy.Query.term_query(schema, field, value)
    offsets = list(range(0, len(value) - 2, 3))
    if offsets[-1] != len(value) - 3:
        offsets.append(len(value) - 3)
    return tantivy.Query.phrase_query(schema, field, [(i, value[i:i + 3]) for i in offsets])


def build(path: Path, fields: list[str], docs: list[dict[str, object]]) -> tuple[float, int]:
    """A fresh index of ``fields`` (text with positions, whitespace tokens) + a ``row`` fast field;
    the build's CPU (process, all threads) and its bytes."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("row", fast=True)
    for f in fields:
        sb.add_text_field(f, tokenizer_name="ws", index_option="position")
    schema = sb.build()
    index = tantivy.Index(schema, str(path))
    index.register_tokenizer("ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    c = time.process_time()
    writer = index.writer(heap_size=1_000_000_000, num_threads=2)
    for d in docs:
        writer.add_document(tantivy.Document.from_dict({k: v for k, v in d.items() if k == "row" or k in fields}, schema))
    writer.commit()
    writer.wait_merging_threads()
    cpu = time.process_time() - c
    return cpu, sum(f.stat().st_size for f in path.iterdir() if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--patents", type=int, default=200_000)
    ap.add_argument("--root", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    snapshot = CorpusStore(args.corpus).current()
    con = snapshot.connect()
    table = con.sql(f"SELECT title, abstract, first_claim FROM patents LIMIT {args.patents}").to_arrow_table()
    con.close()
    print(f"{table.num_rows:,} patents of {args.corpus}; {os.cpu_count()} cores; load {os.getloadavg()}")
    docs: list[dict[str, object]] = []
    prep = {"bg": 0.0, "tg": 0.0}
    for start in range(0, table.num_rows, BATCH):
        part = table.slice(start, BATCH)
        n = part.num_rows
        texts = [t or "" for name in ("title", "abstract", "first_claim") for t in part.column(name).to_pylist()]
        folded = fold_codes(texts)
        assert folded is not None
        c = time.process_time()
        bg = bigrams_from(blank_spaces(folded[0]), folded[1])
        prep["bg"] += time.process_time() - c
        c = time.process_time()
        # one text per patent: title ␃ abstract ␃ claim ␃ (no query holds ␃, so no trigram across parts matches)
        codes = blank_spaces(folded[0])
        lengths = folded[1].reshape(3, n).sum(axis=0)
        order = np.concatenate([np.arange(n) + k * n for k in range(3)]).reshape(3, n).T.ravel()
        bounds = np.concatenate([[0], np.cumsum(folded[1])])
        joined = np.concatenate([codes[bounds[i]:bounds[i + 1]] for i in order.tolist()])
        tg = trigrams_from(joined, lengths)
        prep["tg"] += time.process_time() - c
        for i in range(n):
            docs.append({"row": start + i, "ti_bg": bg[i], "ab_bg": bg[n + i], "cl_bg": bg[2 * n + i], "tg": tg[i]})
    results = {}
    for name, fields in (("bg", ["ti_bg", "ab_bg", "cl_bg"]), ("tg", ["tg"])):
        cpu, size = build(args.root / name, fields, docs)
        results[name] = (cpu, size)
        print(f"{name}: strings {prep[name]:.1f} CPU-s, index {cpu:.1f} CPU-s, {size / 1e6:,.0f} MB "
              f"({(prep[name] + cpu) / len(docs) * 1e6:.0f} CPU-µs and {size / len(docs):,.0f} bytes per patent)")
    del docs
    indexes = {}
    for name in ("bg", "tg"):
        index = tantivy.Index.open(str(args.root / name))
        index.register_tokenizer("ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        indexes[name] = index.searcher()
    bg_schema = tantivy.Index.open(str(args.root / "bg")).schema
    tg_schema = tantivy.Index.open(str(args.root / "tg")).schema
    print(f"\nmatching CPU ms p50 (count of TI OR AB OR CL), repeat {args.repeat}; load {os.getloadavg()}\n"
          "| term | hits | bigram phrases, 3 fields | trigram field | same patents |\n|---|---|---|---|---|")
    for term in TERMS:
        if len(term) < 3:
            continue
        queries = {
            "bg": tantivy.Query.boolean_query([(tantivy.Occur.Should, bigram_match(bg_schema, f, term))
                                               for f in ("ti_bg", "ab_bg", "cl_bg")]),
            "tg": trigram_match(tg_schema, "tg", term),
        }
        times: dict[str, list[float]] = {"bg": [], "tg": []}
        counts = {}
        for _ in range(args.repeat):
            for name in ("bg", "tg"):
                c = time.process_time()
                counts[name] = indexes[name].search(queries[name], 1, count=True).count  # type: ignore[attr-defined]
                times[name].append((time.process_time() - c) * 1000)
        rows = {}
        for name in ("bg", "tg"):
            hits = indexes[name].search(queries[name], max(1, counts[name]), count=False).hits
            rows[name] = set(indexes[name].fast_field_values("row", [a for _, a in hits]))
        print(f"| {term} | {counts['bg']:,} | {np.median(times['bg']):.2f} | {np.median(times['tg']):.2f} | "
              f"{'yes' if rows['bg'] == rows['tg'] else 'NO'} |", flush=True)
    assert END not in "".join(TERMS)


if __name__ == "__main__":
    main()
