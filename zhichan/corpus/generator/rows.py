"""Columns → Arrow tables in the canonical schema, with content hashes.

The hash is :func:`zhichan.corpus.records.content_hash` computed column-wise: each column's values
are JSON-encoded once as an Arrow string array (``"text"``, ``null``, ``12``, ``["a","b"]``), then
every row's JSON object is one element-wise join of those fragments with the keys in sorted order
— byte-identical to ``json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``
(the tests compare the two on sampled rows). Only the SHA-256 of each row runs in Python, over
slices of the joined buffer.

A column is given either as a Python list or as an Arrow array of the schema's type (dates as
``date32``, or as ISO strings in a list: that is what the hash encodes).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zhichan.corpus.records import PROVENANCE_FIELDS, amount_text

#: Characters JSON escapes (with ensure_ascii=False): the quote, the backslash, control characters.
_ESCAPED_BYTES = np.zeros(256, dtype=bool)
_ESCAPED_BYTES[[*range(0x20), ord('"'), ord("\\")]] = True
_NOT_CONTROL = bytes(range(0x20, 0x100))
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
Column: TypeAlias = "list[Any] | pa.Array | pa.ChunkedArray"


def to_array(values: Column, dtype: pa.DataType) -> pa.Array:
    """``values`` as one Arrow array of ``dtype``."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == dtype else values.cast(dtype)
    if pa.types.is_date32(dtype):
        return pa.array(values, pa.string()).cast(pa.date32())
    return pa.array(values, dtype)


def _with_escapes(frag: pa.Array, rows: np.ndarray, arr: pa.Array) -> pa.Array:
    """``frag`` with the rows ``rows`` JSON-encoded by the json module (they hold escapes)."""
    if len(rows) == 0:
        return frag
    mask = np.zeros(len(frag), dtype=bool)
    mask[rows] = True
    encoded = [_dumps(v) for v in arr.take(pa.array(rows)).to_pylist()]
    return pc.replace_with_mask(frag, pa.array(mask), pa.array(encoded, pa.string()))


def _escaped_values(arr: pa.Array) -> np.ndarray:
    """Indices of the values of a string array that JSON escapes (found on the UTF-8 bytes: a
    multi-byte character never holds a byte below 0x80)."""
    if len(arr) == 0 or arr.buffers()[2] is None:
        return np.empty(0, dtype=np.int64)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset: arr.offset + len(arr) + 1]
    raw = arr.buffers()[2][int(offsets[0]): int(offsets[-1])].to_pybytes()
    # the usual case, none at all, by bytes methods (several times faster than a numpy scan)
    if raw.find(b'"') < 0 and raw.find(b"\\") < 0 and not raw.translate(None, _NOT_CONTROL):
        return np.empty(0, dtype=np.int64)
    hits = np.flatnonzero(_ESCAPED_BYTES[np.frombuffer(raw, dtype=np.uint8)])
    return np.unique(np.searchsorted(offsets, hits + offsets[0], side="right") - 1)


def _fragments(arr: pa.Array, dtype: pa.DataType) -> pa.Array:
    """The JSON text of every value of ``arr`` (no nulls: a null is ``null``)."""
    if pa.types.is_string(dtype) or pa.types.is_date32(dtype):
        text = arr if pa.types.is_string(dtype) else arr.cast(pa.string())
        frag = pc.binary_join_element_wise('"', text, '"', "")
        if pa.types.is_string(dtype):
            frag = _with_escapes(frag, _escaped_values(text), arr)
    elif pa.types.is_boolean(dtype) or pa.types.is_integer(dtype):
        frag = arr.cast(pa.string())  # true/false, decimal digits
    elif pa.types.is_list(dtype) and pa.types.is_string(dtype.value_type):
        joined = pc.binary_join(arr, '","')
        empty = pc.equal(pc.list_value_length(arr), 0)
        frag = pc.if_else(empty, "[]", pc.binary_join_element_wise('["', joined, '"]', ""))
        escaped = _escaped_values(arr.flatten())
        if len(escaped):
            parents = pc.list_parent_indices(arr).to_numpy()
            frag = _with_escapes(frag, np.unique(parents[escaped]), arr)
    elif pa.types.is_decimal(dtype):  # an amount as the number records.amount_text writes
        frag = pa.array([None if v is None else amount_text(v) for v in arr.to_pylist()], pa.string())
    else:  # anything else: the json module itself
        frag = pa.array([_dumps(v) for v in arr.to_pylist()], pa.string())
    return frag.fill_null("null")


def digests(rows: pa.Array) -> pa.Array:
    """Hex SHA-256 of every string of ``rows`` (UTF-8 bytes, straight from the Arrow buffer)."""
    n = len(rows)
    width = np.int64 if rows.type == pa.large_string() else np.int32
    offsets = np.frombuffer(rows.buffers()[1], dtype=width)[rows.offset: rows.offset + n + 1].tolist()
    data = memoryview(rows.buffers()[2]) if n else memoryview(b"")
    sha = hashlib.sha256
    return pa.array([sha(data[offsets[i]:offsets[i + 1]]).hexdigest() for i in range(n)], pa.string())


def content_hashes(schema: pa.Schema, arrays: dict[str, pa.Array], n: int) -> pa.Array:
    """The content hash of every row, from the content columns as Arrow arrays of ``schema``."""
    if not n:
        return pa.array([], pa.string())
    fields = sorted(f for f in schema.names if f not in PROVENANCE_FIELDS)
    parts: list[Any] = []
    for i, f in enumerate(fields):
        parts.append(("{" if i == 0 else ",") + f'"{f}":')
        parts.append(_fragments(arrays[f], schema.field(f).type))
    parts[-1] = pc.binary_join_element_wise(parts[-1], "}", "")
    # 32-bit offsets (several times faster to join) unless the rows pass 2 GiB together
    size = sum(p.nbytes for p in parts if not isinstance(p, str)) + n * sum(len(p) + 2 for p in parts if isinstance(p, str)) * 4
    kind = pa.string() if size < 2**31 - 1 else pa.large_string()
    args = [pa.scalar(p, kind) if isinstance(p, str) else p.cast(kind) for p in parts]
    return digests(pc.binary_join_element_wise(*args, pa.scalar("", kind)))


def build_table(schema: pa.Schema, columns: dict[str, Column], n: int, import_id: str, source_date: str) -> pa.Table:
    """Fill the provenance columns, hash the content and build the Arrow table."""
    arrays: dict[str, pa.Array] = {}
    for f in schema:
        if f.name in columns:
            arrays[f.name] = to_array(columns[f.name], f.type)
    if "extra_json" not in arrays:
        arrays["extra_json"] = pa.nulls(n, pa.string())
    arrays["content_hash"] = content_hashes(schema, arrays, n)
    arrays["synthetic"] = pa.array(np.ones(n, dtype=bool))
    arrays["source"] = pa.array(["synthetic"], pa.string()).take(np.zeros(n, dtype=np.int64))
    arrays["import_id"] = pa.array([import_id], pa.string()).take(np.zeros(n, dtype=np.int64))
    arrays["source_file"] = pa.nulls(n, pa.string())
    if "source_row" not in arrays:
        arrays["source_row"] = pa.nulls(n, schema.field("source_row").type)
    arrays["source_date"] = to_array([source_date], schema.field("source_date").type).take(np.zeros(n, dtype=np.int64))
    return pa.Table.from_arrays([arrays[f.name].cast(f.type) for f in schema], schema=schema)
