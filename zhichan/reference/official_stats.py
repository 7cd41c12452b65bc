"""Published CNIPA figures, transcribed, for calibrating the synthetic generator and sanity checks.

Each table keeps the URL it was transcribed from (``source_url`` on every row). Rows are plain
dicts: ``region_zh``, ``region_en``, ``kind`` (``total`` / ``domestic`` / ``foreign`` / ``province`` /
``city`` / ``hmt`` for Hong Kong, Macao, Taiwan), ``region_code`` (2-digit province or 4-digit city code
where there is one) and the figures as ints.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from typing import Any

from zhichan.errors import InputError
from zhichan.reference._data import open_text
from zhichan.reference.regions import _tables, province_code_from_label

_HMT = {"香港", "澳门", "台湾"}
_TOTALS = {"全国总计", "国内总计", "合计"}
_URL = re.compile(r"https?://\S+")


def _read(name: str) -> tuple[str | None, str, list[dict[str, str]]]:
    with open_text(f"official_stats/{name}") as f:
        header = f.readline().lstrip("#").strip()
        rows = list(csv.DictReader(f, delimiter="\t"))
    m = _URL.search(header)
    return (m.group(0) if m else None), header, rows


def _region(zh: str) -> tuple[str, str | None]:
    if zh in _TOTALS:
        return "total", None
    if zh == "国外小计":
        return "foreign", None
    if zh == "国内小计":
        return "domestic", None
    if zh in _HMT:
        return "hmt", None
    code = province_code_from_label(zh)
    if code is not None:
        return "province", code
    for city, (name, _) in _tables().cities.items():
        if name in (zh, f"{zh}市"):
            return "city", city
    return "city", None


def _int(value: str) -> int:
    return int(value.replace(",", "").strip())


@cache
def _regional(name: str, numeric: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    url, note, rows = _read(name)
    out = []
    for row in rows:
        kind, code = _region(row["region_zh"])
        item: dict[str, Any] = {"region_zh": row["region_zh"], "region_en": row["region_en"], "kind": kind,
                                "region_code": code}
        item.update({col: _int(row[col]) for col in numeric})
        item["source_url"] = url
        item["source_note"] = note
        out.append(item)
    return tuple(out)


def design_in_force_2023_by_region() -> list[dict[str, Any]]:
    """表3-7: domestic design patents in force at end-2023 by region and owner type."""
    cols = ("total", "universities", "research_institutes", "enterprises", "public_institutions", "individuals")
    return [dict(r) for r in _regional("cnipa_2023_table3-7_design_in_force_by_region.tsv", cols)]


def domestic_in_force_2009_by_kind_region() -> list[dict[str, Any]]:
    """专有表2: domestic patents in force at end-2009 by kind (invention, utility model, design) and region."""
    cols = ("invention", "utility_model", "design", "total")
    return [dict(r) for r in _regional("cnipa_2009_domestic_in_force_by_kind_region.tsv", cols)]


def pct_by_region(year: int) -> list[dict[str, Any]]:
    """表6-4: PCT applications received by CNIPA, by region, for 2018, 2022 or 2023 (``value``)."""
    if year not in (2018, 2022, 2023):
        raise InputError(f"PCT分地区数据只有2018、2022、2023年 / PCT by region is published here for 2018, 2022, 2023, not {year}")
    rows = _regional("cnipa_2023_table6-4_pct_received_by_region.tsv", ("y2018", "y2022", "y2023"))
    out = []
    for r in rows:
        item = {k: v for k, v in r.items() if not k.startswith("y")}
        item["year"] = year
        item["value"] = r[f"y{year}"]
        out.append(item)
    return out


def headline_indicators() -> list[dict[str, Any]]:
    """National and city headline indicators (每万人口高价值发明专利拥有量 …).

    ``value`` is a float where the source gives one number, else the text as published
    (``"4870476/3970872/899604"``); ``source`` is the citation as written, ``source_url`` the first URL in it.
    """
    _, note, rows = _read("headline_indicators.tsv")
    out = []
    for row in rows:
        raw = row["value"].strip()
        try:
            value: float | str = float(raw)
        except ValueError:
            value = raw
        m = _URL.search(row["source"])
        out.append(
            {
                "scope": row["scope"],
                "year": row["year"],
                "indicator": row["indicator"],
                "value": value,
                "unit": row["unit"],
                "source": row["source"],
                "source_url": m.group(0) if m else None,
                "source_note": note,
            }
        )
    return out
