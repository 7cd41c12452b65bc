"""Applicant address → 2023 region code (申请人地址 → 区划代码), offline.

The parsing is done by `cpca <https://github.com/DQinYuan/chinese_province_city_area_mapper>`_
(``cpca.transform(list)``: province / city / county names plus an adcode, from the package's own
table — no network). cpca's table predates 2023 (e.g. it has no 深圳市龙华区 440309 and still has
滦县, 海安县, 莱芜市), so its answer is re-anchored on the 2023 list:

0. a short hand-made table (``data/regions/cpca_to_2023.csv``, 24 rows) maps cpca codes of
   counties renamed or merged since its table was made (莱城区 → 济南市莱芜区, 郫县 → 郫都区);
1. the 2023 city is cpca's city code when it still exists, else the city of the same name in the
   same province;
2. the county is looked up by name — in that city, then anywhere in the province (counties that
   moved city, e.g. 莱芜区 → 济南市), then by the name's stem with another suffix (海安县 →
   海安市); failing that, cpca's code through the 2020→2023 crosswalk;
3. when cpca found no county, the 2023 county names of the resolved city (including the
   development zones the 2023 list carries, e.g. 郑州高新技术产业开发区, 苏州工业园区) are
   searched in the rest of the address, longest first.

Functional areas that are not statistical divisions (郑州市郑东新区, 武汉东湖新技术开发区) stay at
city level: :func:`resolve_address` answers None, :func:`resolve_address_level` the city.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from zhichan.reference._data import open_text
from zhichan.reference.regions import _tables

_LEADING_NOISE = re.compile(r"^[\s\d\-—_,，.。:：;；()（）#]+")
_SUFFIXES = ("自治县", "自治旗", "特区", "林区", "县", "区", "市", "旗")


def _stem(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _indexes() -> dict[str, dict]:
    t = _tables()
    city_by_name: dict[tuple[str, str], str] = {}
    for code, (name, prov) in t.cities.items():
        city_by_name.setdefault((prov, name), code)
    by_city: dict[tuple[str, str], str] = {}
    by_prov: dict[tuple[str, str], list[str]] = {}
    stem_by_prov: dict[tuple[str, str], list[str]] = {}
    names_in_city: dict[str, list[tuple[str, str]]] = {}
    names_in_prov: dict[str, list[tuple[str, str]]] = {}
    by_name: dict[str, list[str]] = {}
    for code, (name, city, prov) in t.counties.items():
        by_city[(city, name)] = code
        by_prov.setdefault((prov, name), []).append(code)
        stem_by_prov.setdefault((prov, _stem(name)), []).append(code)
        names_in_city.setdefault(city, []).append((name, code))
        by_name.setdefault(name, []).append(code)
        names_in_prov.setdefault(prov, []).append((name, code))
    for entries in [*names_in_city.values(), *names_in_prov.values()]:
        entries.sort(key=lambda e: -len(e[0]))
    for prov, entries in names_in_prov.items():
        # only names unique in the province can stand without a city
        counts: dict[str, int] = {}
        for name, _ in entries:
            counts[name] = counts.get(name, 0) + 1
        names_in_prov[prov] = [(n, c) for n, c in entries if counts[n] == 1 and len(n) >= 3]
    with open_text("regions/cpca_to_2023.csv") as f:
        aliases = {(r["cpca_code"], r["cpca_name"]): r["code_2023"] for r in csv.DictReader(f)}
    return {
        "aliases": aliases,
        "by_name": by_name,
        "city_by_name": city_by_name,
        "by_city": by_city,
        "by_prov": by_prov,
        "stem_by_prov": stem_by_prov,
        "names_in_city": names_in_city,
        "names_in_prov": names_in_prov,
    }


def _clean(address: object) -> str | None:
    if not isinstance(address, str):
        return None
    text = unicodedata.normalize("NFKC", address).strip()
    text = _LEADING_NOISE.sub("", text)  # postal codes such as 450000 before the province
    return text or None


def _anchor(row: dict, original: str) -> str | None:
    """Most specific 2023 code (6, 4 or 2 digits) for one cpca result row.

    A bare county name shared by several counties (``"朝阳区"``: Beijing or Changchun) with no
    province or city in the text gives None rather than a guess.
    """
    code = _anchor_unchecked(row, original)
    if code is not None and len(code) == 6 and _ambiguous_name_only(code, original):
        return None
    return code


def _ambiguous_name_only(code: str, original: str) -> bool:
    t = _tables()
    name = t.counties[code][0]
    if len(_indexes()["by_name"].get(name, ())) < 2:
        return False
    prov_name = t.provinces[code[:2]]
    city_name = t.cities[code[:4]][0]
    anchors = {_stem(prov_name[:2]), prov_name[:2], _stem(city_name)}
    return not any(a and a in original for a in anchors)


def _anchor_unchecked(row: dict, original: str) -> str | None:
    t = _tables()
    idx = _indexes()
    adcode = row.get("adcode")
    if not isinstance(adcode, str) or len(adcode) < 2:
        return None
    prov = adcode[:2]
    if prov not in t.provinces:
        return None  # 港澳台 / not a mainland province
    city_name = row.get("市") if isinstance(row.get("市"), str) else None
    county_name = row.get("区") if isinstance(row.get("区"), str) else None

    city: str | None = None
    if not adcode.endswith("0000"):
        if adcode[:4] in t.cities and (city_name is None or city_name == "市辖区" or t.cities[adcode[:4]][0] == city_name
                                       or adcode[4:] != "00"):
            city = adcode[:4]
        if city_name and city_name != "市辖区":
            city = idx["city_by_name"].get((prov, city_name), city)

    if city is not None and county_name:
        # a longer 2023 name in the text beats cpca's shorter match (洪江管理区 over 洪江市)
        for name, code in idx["names_in_city"].get(city, []):
            if len(name) <= len(county_name):
                break
            if name in original:
                return code
    if county_name:
        code = idx["aliases"].get((adcode[:6], county_name))
        if code is None and city:
            code = idx["by_city"].get((city, county_name))
        if code is None:
            found = idx["by_prov"].get((prov, county_name), [])
            code = found[0] if len(found) == 1 else None
        if code is None:
            found = idx["stem_by_prov"].get((prov, _stem(county_name)), [])
            in_city = [c for c in found if city and c.startswith(city)]
            code = in_city[0] if len(in_city) == 1 else (found[0] if len(found) == 1 else None)
        if code is None:
            mapped = t.census_mapping.get(adcode[:6])
            if mapped and len(mapped[0]) == 6:
                code = mapped[0]
        if code is not None:
            return code
    if city is not None:
        rest = original
        for name, code in idx["names_in_city"].get(city, []):
            if name in rest:
                return code
        return city
    for name, code in idx["names_in_prov"].get(prov, []):
        if name in original:
            return code
    return prov


def resolve_addresses_level(addresses: Sequence[str | None] | Iterable[str | None]) -> list[str | None]:
    """Batch form of :func:`resolve_address_level`; duplicates are parsed once."""
    items = [_clean(a) for a in addresses]
    distinct = sorted({a for a in items if a})
    if not distinct:
        return [None] * len(items)
    import cpca

    frame = cpca.transform(distinct)
    answers = {
        text: _anchor(row, text)
        for text, row in zip(distinct, frame.to_dict("records"), strict=True)
    }
    return [answers.get(a) if a else None for a in items]


def resolve_addresses(addresses: Sequence[str | None] | Iterable[str | None]) -> list[str | None]:
    """Batch form of :func:`resolve_address` (6-digit county codes or None)."""
    return [c if c is not None and len(c) == 6 else None for c in resolve_addresses_level(addresses)]


def resolve_address_level(address: str | None) -> str | None:
    """The most specific 2023 code an address names: county (6), city (4) or province (2), or None."""
    return resolve_addresses_level([address])[0]


def resolve_address(address: str | None) -> str | None:
    """The 6-digit 2023 county code of an applicant address, or None when no county is named.

    ``"450000河南省郑州市金水区…"`` → ``"410105"``; ``"河南省郑州市郑东新区…"`` → None (郑东新区 is not a
    statistical division; :func:`resolve_address_level` gives ``"4101"``).
    """
    return resolve_addresses([address])[0]
