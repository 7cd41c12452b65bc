"""Column-wise preparation of index documents: the hot path of an index build.

A record batch of patents becomes one plain dict per document (what ``tantivy.Document.from_dict``
takes) plus, when a projection is given, the similarity vectors of the batch. The text work is
done on whole columns, not per document:

- every text field of the batch is folded in one ``str.lower`` and one numpy pass over its code
  points (:func:`fold_codes`); the bigram strings ``"锂电 电池 池␃"`` of all seven text fields are
  built by interleaving that code-point array with itself shifted by one and decoding it once
  (:func:`zhichan.search.text.bigram_strings`) — byte-for-byte what :func:`zhichan.search.text.bigrams` gives;
- title, abstract and claim are segmented by **one** ``rjieba.cut`` over the whole batch, the
  fields separated by ␃ (not a Han character, so jieba segments each field as it would alone;
  :func:`word_strings`);
- dates come from Arrow compute; code hierarchies (IPC, SEI) are cached per code.

The functions are pure (no index, no files) so a build can run them in worker processes;
``tests/search/test_prepare.py`` checks them against the per-document reference functions.
"""

from __future__ import annotations

import functools
import hashlib
import io
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zhichan.search import fields as F
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


# -- one batch -----------------------------------------------------------------------------------------
class Prepared(NamedTuple):
    docs: list[dict[str, Any]]  # what ``tantivy.Document.from_dict`` takes
    vectors: np.ndarray | None  # similarity vectors of the batch, with a projection
    names: dict[int, str]  # facet key → first patentee (see :func:`name_key`)


@functools.lru_cache(maxsize=300_000)
def name_key(name: str) -> int:
    """The applicant facet's key of a name: 53 bits of BLAKE2b (exact in the float JSON of
    tantivy's aggregations). A terms aggregation on an integer fast field counts only the values
    of the hits; on a string field of ~10^5 names it costs ~10 ms per query at 1M patents."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big") & (2**53 - 1)


def prepare_batch(batch: pa.RecordBatch, row0: int, hv: dict[str, set[str]] | None = None,
                  projection: Any = None) -> Prepared:
    """The documents of ``batch`` (rows ``row0``…) and, with a projection, their vectors."""
    n = batch.num_rows
    col = batch.column
    titles, abstracts, claims = _strings(col("title")), _strings(col("abstract")), _strings(col("first_claim"))
    applicants, patentees = col("applicants").to_pylist(), col("current_patentees").to_pylist()
    main_text = titles + abstracts + claims
    folded_main = fold_codes(main_text)
    word_cols = word_strings(main_text, folded_main)
    other_text = ([_parties(a, p) for a, p in zip(applicants, patentees, strict=True)]
                  + [_joined(v) for v in col("inventors").to_pylist()]
                  + _strings(col("applicant_address")) + _strings(col("agency")))
    vectors = None
    if folded_main is not None:
        blanked = blank_spaces(folded_main[0])
        bg_main = bigrams_from(blanked, folded_main[1])
        if projection is not None:
            vectors = projection.transform_codes(blanked, folded_main[1], n)
    else:
        bg_main = bigram_strings(main_text)
    if projection is not None and vectors is None:
        vectors = projection.transform(titles, abstracts, claims)
    bg_other = bigram_strings(other_text)

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
    hv = hv or {}

    docs: list[dict[str, Any]] = []
    names: dict[int, str] = {}
    for i in range(n):
        doc: dict[str, Any] = {"row": row0 + i, "an": F.normalize_an(numbers[i])}
        for name, value in (("ti_bg", bg_main[i]), ("ab_bg", bg_main[n + i]), ("cl_bg", bg_main[2 * n + i]),
                            ("pa_bg", bg_other[i]), ("in_bg", bg_other[n + i]), ("ar_bg", bg_other[2 * n + i]),
                            ("ag_bg", bg_other[3 * n + i]), ("ti_w", word_cols[i]), ("ab_w", word_cols[n + i]),
                            ("cl_w", word_cols[2 * n + i])):
            if value:
                doc[name] = value
        if pn := _pn_tokens(pubs[i], grants[i]):
            doc["pn"] = pn
        if ipcs[i] and (ipc := _ipcs(tuple(ipcs[i]))):
            doc["ipc"] = ipc
        if mains[i]:
            doc["mic"] = list(_ipc(mains[i]))
        if kinds[i]:
            doc["type"] = kinds[i]
        if ls := [v for v in (statuses[i], groups[i]) if v]:
            doc["ls"] = ls
        if rc := _regions(regions[i], cities[i], provinces[i]):
            doc["rc"] = rc
        if seis[i] and (sei := _seis(tuple(seis[i]))):
            doc["sei"] = sei
            doc["f_sei"] = [c for c in seis[i] if c]
        if flags := hv.get(numbers[i]):
            doc["hv"] = ["yes", *sorted(flags)]
        if subclasses[i]:
            doc["f_ipc"] = [c for c in subclasses[i] if c]
        if first := firsts[i] or (applicants[i] or [""])[0]:
            doc["f_pa"] = key = name_key(first)
            names[key] = first
        if provinces[i]:
            doc["f_prov"] = provinces[i]
        if cities[i]:
            doc["f_city"] = cities[i]
        if statuses[i]:
            doc["f_ls"] = statuses[i]
        if ad[i] is not None:
            doc["ad"] = ad[i]
            doc["f_year"] = years[i]
        if pd_[i] is not None:
            doc["pd"] = pd_[i]
        if gd[i] is not None:
            doc["gd"] = gd[i]
        docs.append(doc)
    return Prepared(docs, vectors, names)


# -- worker processes ----------------------------------------------------------------------------------
_STATE: dict[str, Any] = {}


def to_ipc(batch: pa.RecordBatch) -> bytes:
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue()


def worker_init(hv: dict[str, set[str]], projection_path: str | None) -> None:
    from pathlib import Path

    _STATE["hv"] = hv
    _STATE["projection"] = Projection.load(Path(projection_path)) if projection_path else None


def worker_prepare(payload: bytes, row0: int) -> Prepared:
    batch = pa.ipc.open_stream(payload).read_next_batch()
    return prepare_batch(batch, row0, _STATE["hv"], _STATE["projection"])
