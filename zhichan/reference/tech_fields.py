"""WIPO IPC → 35 technology fields (Schmoch 2008, 2018 update).

The source table holds SQL LIKE patterns over space-padded IPC symbols: ``F21H%`` (a subclass)
or ``H04N   3%`` (subclass + main group right-aligned in 4 characters, i.e. main group 3
exactly). The longest pattern wins, so a main-group rule beats its subclass rule. Subclasses
created after 2018 (H10*, G06V, B64U) are added by hand in ``tech_fields_additions.csv``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from zhichan.errors import InputError
from zhichan.reference._data import open_text
from zhichan.reference.ipc import normalize_ipc

_PATTERN = re.compile(r"^([A-H]\d{2}[A-Z])\s*(\d+)?%$")


@dataclass(frozen=True, slots=True)
class TechField:
    nr: int
    sector: str
    name: str


@lru_cache(maxsize=1)
def _rules() -> tuple[dict[str, int], dict[tuple[str, int], int], dict[int, TechField]]:
    by_subclass: dict[str, int] = {}
    by_group: dict[tuple[str, int], int] = {}
    fields: dict[int, TechField] = {}
    for rel in ("concordance/ipc_technology_fields_schmoch.csv", "concordance/tech_fields_additions.csv"):
        with open_text(rel) as f:
            for row in csv.DictReader(f):
                nr = int(row["field_nr"])
                fields.setdefault(nr, TechField(nr, row["sector"].strip(), row["field_name"].strip()))
                m = _PATTERN.match(row["ipc"].strip())
                if m is None:
                    raise ValueError(f"unexpected technology-field pattern {row['ipc']!r}")
                sub, group = m.groups()
                if group is None:
                    by_subclass[sub] = nr
                else:
                    by_group[(sub, int(group))] = nr
    return by_subclass, by_group, fields


def tech_fields() -> list[tuple[int, str, str]]:
    """``[(1, "Electrical engineering", "Electrical machinery, apparatus, energy"), …]`` — 35 fields."""
    return [(f.nr, f.sector, f.name) for f in sorted(_rules()[2].values(), key=lambda f: f.nr)]


def tech_field(nr: int) -> TechField:
    try:
        return _rules()[2][nr]
    except KeyError:
        raise InputError(f"技术领域编号应为1–35：{nr!r} / technology field must be 1–35: {nr!r}") from None


def tech_field_for_ipc(code: str) -> int | None:
    """Field number 1–35 for an IPC code (subclass or finer), or None when no pattern covers it."""
    try:
        c = normalize_ipc(code, allow_partial=True)
    except InputError:
        return None
    if len(c) < 4:
        return None
    by_subclass, by_group, _ = _rules()
    if "/" in c:
        nr = by_group.get((c[:4], int(c[4:].split("/")[0])))
        if nr is not None:
            return nr
    return by_subclass.get(c[:4])
