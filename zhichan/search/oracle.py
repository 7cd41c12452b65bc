"""A plain-Python evaluator of the syntax tree over patent rows — the independent oracle the
index and SQL backends are tested against. Slow by design: it reads every row and compares
strings the obvious way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from zhichan.search import fields as F
from zhichan.search.ast import And, Code, DateRange, Node, Not, Or, Text

DATE_COLUMNS = {"AD": "application_date", "PD": "publication_date", "GD": "grant_date"}


def _texts(row: Mapping[str, Any], columns: Iterable[str]) -> Iterable[str]:
    for column in columns:
        value = row.get(column)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            yield from (v for v in value if v)
        else:
            yield value


def _code(node: Code, row: Mapping[str, Any]) -> bool:
    value = node.value

    def match(candidates: Iterable[str]) -> bool:
        cands = [c for c in candidates if c]
        if node.prefix:
            return any(c.startswith(value) for c in cands)
        return value in cands

    if node.field == "AN":
        return match([F.normalize_an(row["application_number"])])
    if node.field == "PN":
        return match(F.pn_tokens(row.get("publication_number"), row.get("grant_number")))
    if node.field in ("IPC", "MIC"):
        raw_codes = row.get("ipc") or [] if node.field == "IPC" else [row.get("main_ipc")]
        codes = [F.normalize_ipc(c) for c in raw_codes if c]
        if node.prefix:
            return any(c.startswith(value) for c in codes)
        return any(value in F.ipc_hierarchy(c) for c in codes)
    if node.field == "TYPE":
        return row.get("kind") == value
    if node.field == "LS":
        return value in (row.get("legal_status"), row.get("status_group"))
    if node.field == "RC":
        return value in F.region_tokens(row.get("region_code"), row.get("city_code"), row.get("province_code"))
    if node.field == "SEI":
        return any(value in F.sei_hierarchy(c) for c in row.get("sei_codes") or [])
    if node.field == "HV":
        flags = row.get("hv") or set()
        return bool(flags) if value == "yes" else value in flags
    raise AssertionError(node.field)


def matches(node: Node, row: Mapping[str, Any]) -> bool:
    """Whether patent ``row`` (a dict of the ``patents`` table, plus ``hv``: its high-value
    criteria) satisfies ``node``."""
    if isinstance(node, Text):
        columns = F.BY_CODE[node.field].columns
        return any(node.value in F.fold(text) for text in _texts(row, columns))
    if isinstance(node, Code):
        return _code(node, row)
    if isinstance(node, DateRange):
        day: dt.date | None = row.get(DATE_COLUMNS[node.field])
        if day is None:
            return False
        return (node.start is None or day >= node.start) and (node.end is None or day <= node.end)
    if isinstance(node, And):
        return all(matches(c, row) for c in node.children)
    if isinstance(node, Or):
        return any(matches(c, row) for c in node.children)
    if isinstance(node, Not):
        return not matches(node.child, row)
    raise TypeError(node)


def filter_rows(node: Node, rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Application numbers of the rows matching ``node``, sorted."""
    return sorted(r["application_number"] for r in rows if matches(node, r))
