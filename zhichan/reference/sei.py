"""战略性新兴产业分类与国际专利分类参照关系表（2021）: IPC → strategic emerging industries (SEI).

Matching rule (one definition for the whole product; docs/reference-data.md explains it):

- an IPC code maps to every SEI category listed for the code itself (exact subgroup), for its
  main group (``H01M10/00`` covers every subgroup of ``H01M10``) and for its subclass
  (a bare-subclass ``*`` entry covers the whole subclass);
- a listed subgroup covers that subgroup only — the dot hierarchy below it is not in our data;
- entries the official table ties to explicit keywords (9 categories whose qualifier reads
  "…相关关键词", e.g. 量子计算 for 1.2, 汽车 for 5.2) count only when the patent's ``text`` contains
  one of the terms; without text they do not count;
- entries qualified only by an industry description (the 国民经济行业 / 重点产品 text of the
  2018 SEI classification, most of the table) count on the IPC alone and are flagged
  ``qualifier = "industry"`` in :func:`sei_lookup_table`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from zhichan.errors import InputError
from zhichan.reference._data import open_text
from zhichan.reference.ipc import _canonical, _clean_input

if TYPE_CHECKING:
    import pandas as pd

Qualifier = Literal["none", "industry", "keyword"]

#: Level-1 categories of 战略性新兴产业分类（2018）; the data only carries level-2 names.
SEI_LEVEL1: dict[str, str] = {
    "1": "新一代信息技术产业",
    "2": "高端装备制造产业",
    "3": "新材料产业",
    "4": "生物产业",
    "5": "新能源汽车产业",
    "6": "新能源产业",
    "7": "节能环保产业",
    "8": "数字创意产业",
    "9": "相关服务业",
}


@dataclass(frozen=True, slots=True)
class SeiCategory:
    code: str  # "5.2"
    name: str  # 新能源汽车装置、配件制造
    level1_code: str  # "5"
    level1_name: str  # 新能源汽车产业


@dataclass(frozen=True, slots=True)
class _Entry:
    sei_code: str
    qualifier: Qualifier
    terms: tuple[str, ...]  # keyword terms, for qualifier == "keyword"


def _keyword_terms(text: str) -> tuple[str, ...]:
    """``"量子计算、量子芯片、量子测控等量子计算机相关关键词。"`` → (量子计算, 量子芯片, 量子测控, 量子计算机)."""
    body = re.sub(r"(?:相关)?关键词[。.]?$", "", text.strip())
    terms: list[str] = []
    for part in re.split(r"[、，,；;。]", body):
        for piece in re.split(r"[等和]", part):
            piece = piece.strip()
            if piece and piece not in terms:
                terms.append(piece)
    return tuple(terms)


@lru_cache(maxsize=1)
def _sei_rows() -> dict[int, dict]:
    with open_text("concordance/sei_categories.jsonl") as f:
        return {row["id"]: row for row in (json.loads(line) for line in f if line.strip())}


@lru_cache(maxsize=1)
def sei_categories() -> list[SeiCategory]:
    """The 40 level-2 SEI categories present in the concordance, by code."""
    seen: dict[str, str] = {}
    for row in _sei_rows().values():
        seen.setdefault(row["seiCode"], row["seiName"])
    return [
        SeiCategory(code, name, code.split(".")[0], SEI_LEVEL1[code.split(".")[0]])
        for code, name in sorted(seen.items(), key=lambda kv: tuple(int(p) for p in kv[0].split(".")))
    ]


@lru_cache(maxsize=1)
def _names_en() -> dict[str, str]:
    import csv

    with open_text("concordance/sei_names_en.csv") as f:
        return {row["code"]: row["name_en"] for row in csv.DictReader(f)}


def sei_name(code: str, lang: str = "zh") -> str:
    """A category's name (level 1 ``"5"`` or level 2 ``"5.2"``) in ``lang``: the Chinese of the 2018
    classification, or the English of ``concordance/sei_names_en.csv`` (the classification has no
    official English; data/PROVENANCE.md). An unknown code raises :class:`InputError`."""
    if lang == "en":
        name = _names_en().get(code)
        if name is None:
            raise InputError(f"未知的战略性新兴产业代码：{code!r} / unknown SEI code: {code!r}")
        return name
    return SEI_LEVEL1[code] if code in SEI_LEVEL1 else sei_category(code).name


def sei_category(code: str) -> SeiCategory:
    for cat in sei_categories():
        if cat.code == code:
            return cat
    raise InputError(f"未知的战略性新兴产业代码：{code!r} / unknown SEI code: {code!r}")


def _qualifier(keywords: str | None) -> Qualifier:
    if not keywords:
        return "none"
    return "keyword" if re.search(r"关键词[。.]?$", keywords.strip()) else "industry"


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[_Entry, ...]]:
    """ipc_key (``H01M``, ``H01M10/00``, ``H01M10/0525``) → entries, deduplicated per SEI code.

    Where one key carries the same SEI code several times, the least qualified entry wins
    (unqualified > industry > keyword; keyword terms are merged).
    """
    rows = _sei_rows()
    raw: dict[str, dict[str, _Entry]] = {}
    rank = {"none": 0, "industry": 1, "keyword": 2}
    with open_text("concordance/ipc_sei_compact.txt") as f:
        for line in f:
            if not line.strip():
                continue
            group, sei_id, suffixes = line.rstrip("\n").split("\t")
            row = rows[int(sei_id)]
            qualifier = _qualifier(row["keywords"])
            terms = _keyword_terms(row["keywords"]) if qualifier == "keyword" else ()
            entry = _Entry(row["seiCode"], qualifier, terms)
            keys = [group] if suffixes == "*" else [f"{group}/{s}" for s in suffixes.split()]
            for key in keys:
                per_key = raw.setdefault(key, {})
                old = per_key.get(entry.sei_code)
                if old is None or rank[entry.qualifier] < rank[old.qualifier]:
                    per_key[entry.sei_code] = entry
                elif old.qualifier == entry.qualifier == "keyword":
                    per_key[entry.sei_code] = _Entry(old.sei_code, "keyword", tuple(dict.fromkeys(old.terms + entry.terms)))
    return {key: tuple(v.values()) for key, v in raw.items()}


def _keys_for(code: str) -> tuple[str, ...]:
    c = _canonical(_clean_input(code), allow_partial=True)
    if c is None:
        return ()
    if "/" not in c:
        return (c[:4],) if len(c) == 4 else ()
    main = c.split("/")[0] + "/00"
    return (c, c[:4]) if c == main else (c, main, c[:4])


@lru_cache(maxsize=200_000)
def _entries_for(code: str) -> tuple[_Entry, ...]:
    table = _table()
    out: list[_Entry] = []
    for key in _keys_for(code):
        out.extend(table.get(key, ()))
    return tuple(out)


def _sort_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split("."))


def sei_codes_for_ipc(ipc_codes: Iterable[str], text: str | None = None) -> list[str]:
    """Sorted distinct SEI codes (``"5.2"``) for one patent's IPC codes; invalid codes are ignored."""
    found: set[str] = set()
    for code in ipc_codes:
        if not isinstance(code, str):
            continue
        for entry in _entries_for(code):
            if entry.qualifier != "keyword" or (text and any(term in text for term in entry.terms)):
                found.add(entry.sei_code)
    return sorted(found, key=_sort_key)


def sei_codes_for_ipc_batch(
    ipc_lists: Sequence[Iterable[str] | None], texts: Sequence[str | None] | None = None
) -> list[list[str]]:
    """:func:`sei_codes_for_ipc` over many patents (``texts`` aligned with ``ipc_lists`` or None)."""
    if texts is not None and len(texts) != len(ipc_lists):
        raise InputError("texts 与 ipc_lists 长度不一致 / texts and ipc_lists differ in length")
    return [
        sei_codes_for_ipc(codes or (), texts[i] if texts is not None else None)
        for i, codes in enumerate(ipc_lists)
    ]


def sei_lookup_table() -> pd.DataFrame:
    """The concordance as a table for bulk joins (DuckDB/Spark).

    Columns: ``ipc_key`` (canonical ``H01M``, ``H01M10/00`` or ``H01M10/0525``), ``match_level``
    (``subclass`` — join on the patent code's first 4 characters; ``main_group`` — join on
    ``split_part(code, '/', 1) || '/00'``; ``subgroup`` — join on the code itself), ``sei_code``,
    ``keyword_qualified`` (True when the entry needs one of ``keyword_terms`` in the text),
    ``qualifier`` (``none`` / ``industry`` / ``keyword``) and ``keyword_terms`` (list of str).
    """
    import pandas as pd

    records = []
    for key, entries in sorted(_table().items()):
        level = "subclass" if "/" not in key else ("main_group" if key.endswith("/00") else "subgroup")
        for e in entries:
            records.append(
                {
                    "ipc_key": key,
                    "match_level": level,
                    "sei_code": e.sei_code,
                    "keyword_qualified": e.qualifier == "keyword",
                    "qualifier": e.qualifier,
                    "keyword_terms": list(e.terms),
                }
            )
    return pd.DataFrame.from_records(records)


def sei_table_stats() -> dict[str, int]:
    """Counts quoted in docs/reference-data.md (and checked by the tests)."""
    rows = _sei_rows()
    stats = {"categories": len(sei_categories()), "sei_rows": len(rows), "keys": len(_table())}
    for q in ("none", "industry", "keyword"):
        stats[f"sei_rows_{q}"] = sum(1 for r in rows.values() if _qualifier(r["keywords"]) == q)
        stats[f"key_entries_{q}"] = sum(1 for es in _table().values() for e in es if e.qualifier == q)
    return stats
