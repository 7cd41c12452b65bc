"""Where a snapshot's search index lives and what its documents hold: the tantivy schema, the
field tables shared by the build (:mod:`zhichan.search.build`), the query compiler
(:mod:`zhichan.search.compiler`) and the reader (:mod:`zhichan.search.index`).

Layout and crash rule: ``<index_dir>/<snapshot_id>/CURRENT`` names the build folder
``b-<token>`` readers use. A build writes ``.tmp-<token>``, commits, fsyncs, renames it to
``b-<token>`` and then replaces ``CURRENT`` atomically — a crash leaves the previous build in use.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import tantivy

from zhichan.corpus.store import Snapshot

#: 2: display columns in ids.arrow, numpy LSA features; 3: integer applicant facet; 4: the ``sample`` field;
#: 5: the values of a multi-valued field separated by ␟ (U+241F), not by a space; 6: the high-value flags at the
#: corpus's data end (they were at the day the snapshot was made: an index built before reads them at another date,
#: so it is rebuilt)
SCHEMA_VERSION = 6
SPACE = re.compile(r"\s")

#: text field code → (bigram index fields, word index fields)
BIGRAM_FIELDS = {"TI": "ti_bg", "AB": "ab_bg", "CL": "cl_bg", "PA": "pa_bg", "IN": "in_bg", "AR": "ar_bg",
                  "AG": "ag_bg"}
TEXT_PARTS = {"TIABC": ("TI", "AB", "CL"), "TIAB": ("TI", "AB")}
WORD_FIELDS = {"TI": "ti_w", "AB": "ab_w", "CL": "cl_w"}
BOOST = {"TI": 3.0, "AB": 1.0, "CL": 0.7, "PA": 1.0, "IN": 1.0, "AR": 1.0, "AG": 1.0}
CODE_FIELDS = {"AN": "an", "PN": "pn", "IPC": "ipc", "MIC": "mic", "TYPE": "type", "LS": "ls", "RC": "rc",
                "SEI": "sei", "HV": "hv"}
DATE_FIELDS = {"AD": "ad", "PD": "pd", "GD": "gd"}
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

#: The sample field: every document's bucket 0 … SAMPLE_BUCKETS−1, a hash of its row. Counting the
#: facets of ``query AND sample < k`` counts a uniformly random k/SAMPLE_BUCKETS of the hits (the
#: estimated facets of broad queries, :meth:`zhichan.search.index.SearchIndex.facets`).
SAMPLE_FIELD = "sample"
SAMPLE_BITS = 12
SAMPLE_BUCKETS = 1 << SAMPLE_BITS


def sample_buckets(rows: np.ndarray) -> np.ndarray:
    """The sample bucket of each row: the top :data:`SAMPLE_BITS` bits of SplitMix64(row), a
    bijective mix whose output bits are uniform and independent of the row order (which follows
    filing dates and import files, so a row range would be a biased sample)."""
    z = rows.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):  # modular arithmetic is the point
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))) >> np.uint64(64 - SAMPLE_BITS)


def sample_bucket(row: int) -> int:
    return int(sample_buckets(np.array([row], np.uint64))[0])


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("row", stored=False, indexed=False, fast=True)
    sb.add_unsigned_field(SAMPLE_FIELD, stored=False, indexed=True, fast=True)
    for name in BIGRAM_FIELDS.values():
        sb.add_text_field(name, tokenizer_name="zh_bigram", index_option="position")
    for name in WORD_FIELDS.values():
        sb.add_text_field(name, tokenizer_name="zh_words", index_option="position")
    for name in CODE_FIELDS.values():
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=name == "type")
    for name in DATE_FIELDS.values():
        sb.add_integer_field(name, indexed=True, fast=True)
    for name, _size in FACET_FIELDS.values():
        if name == "f_year":
            sb.add_integer_field(name, fast=True)
        elif name == "f_pa":
            sb.add_unsigned_field(name, fast=True)  # name_key(first patentee); names in facet_names.arrow
        elif name != "type":
            sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    return sb.build()


def register_tokenizers(index: tantivy.Index) -> None:
    ws = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    index.register_tokenizer("zh_bigram", ws)
    index.register_tokenizer("zh_words", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())


def ymd(day: dt.date | None) -> int | None:
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


def stale_index_version(snapshot: Snapshot) -> int | None:
    """The layout version of the snapshot's current build when it is not this version's (it is
    then not opened: :func:`index_path` says None and the platform rebuilds it), else None."""
    folder = index_root(snapshot) / snapshot.id
    try:
        name = (folder / "CURRENT").read_text("utf-8").strip()
        version = json.loads((folder / name / "index.json").read_text("utf-8")).get("schema_version")
    except (FileNotFoundError, ValueError):
        return None
    return None if version == SCHEMA_VERSION else int(version or 0)


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
