"""Column dictionaries → Arrow tables in the canonical schema, with content hashes.

The hash is :func:`zhichan.corpus.records.content_hash` computed column-wise: each column's values
are JSON-encoded once (``"text"``, ``null``, ``12``, ``["a","b"]``), then every row's JSON object is
one string formatting of those fragments with the keys in sorted order — byte-identical to
``json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` (the tests
compare the two on sampled rows).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pyarrow as pa

from zhichan.corpus.records import PROVENANCE_FIELDS

_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _fragments(values: list[Any], dtype: pa.DataType) -> list[str]:
    if pa.types.is_string(dtype) or pa.types.is_date32(dtype):
        joined = "\x7f".join(v for v in values if v is not None)
        if _NEEDS_ESCAPE.search(joined):
            return [_dumps(v) for v in values]
        return ["null" if v is None else f'"{v}"' for v in values]
    if pa.types.is_boolean(dtype):
        return ["null" if v is None else ("true" if v else "false") for v in values]
    if pa.types.is_integer(dtype):
        return ["null" if v is None else str(int(v)) for v in values]
    if pa.types.is_floating(dtype):
        return ["null" if v is None else float.__repr__(float(v)) for v in values]
    if pa.types.is_list(dtype):
        joined = "\x7f".join("\x7f".join(v) for v in values if v)
        if _NEEDS_ESCAPE.search(joined):
            return [_dumps(v) for v in values]
        return ["null" if v is None else ('["' + '","'.join(v) + '"]' if v else "[]") for v in values]
    return [_dumps(v) for v in values]


def content_hashes(schema: pa.Schema, columns: dict[str, list[Any]], n: int) -> list[str]:
    fields = sorted(f for f in schema.names if f not in PROVENANCE_FIELDS)
    frags = [_fragments(columns[f], schema.field(f).type) for f in fields]
    template = "{" + ",".join(f'"{f}":%s' for f in fields) + "}"
    sha = hashlib.sha256
    return [sha((template % row).encode("utf-8")).hexdigest() for row in zip(*frags, strict=True)] if n else []


def build_table(schema: pa.Schema, columns: dict[str, list[Any]], n: int, import_id: str, source_date: str) -> pa.Table:
    """Fill the provenance columns, hash the content and build the Arrow table.

    Date columns are given as ISO strings (that is what the hash encodes); Arrow parses them.
    """
    columns.setdefault("extra_json", [None] * n)
    columns["content_hash"] = content_hashes(schema, columns, n)
    columns["synthetic"] = [True] * n
    columns["source"] = ["synthetic"] * n
    columns["import_id"] = [import_id] * n
    columns["source_file"] = [None] * n
    columns.setdefault("source_row", [None] * n)
    columns["source_date"] = [source_date] * n
    arrays = []
    for f in schema:
        values = columns[f.name]
        if pa.types.is_date32(f.type):
            arrays.append(pa.array(values, pa.string()).cast(pa.date32()))
        else:
            arrays.append(pa.array(values, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)
