"""Administrative regions (统计用区划代码 2023) and resident population (第七次人口普查, 2020).

Codes: province 2 digits (``"41"``), city 4 (``"4101"``), county 6 (``"410105"``); the nation is
``"CN"`` (``"00"``, ``"000000"`` and DataV's ``"100000"`` are accepted). Padded 6-digit forms are
accepted everywhere: ``"410000"`` is the province, ``"410100"`` the city. 12-digit statistical
codes (``"410105000000"``) are cut to their first 6 digits.

Population is the census resident population (常住人口) of 2020 for every indicator year — see
``docs/reference-data.md`` for how census counties that no longer exist in the 2023 list are
carried (never dropped) and for the one correction applied to the source.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from zhichan.errors import InputError, NotFoundError
from zhichan.reference._data import open_text

if TYPE_CHECKING:
    import pandas as pd

RegionLevel = Literal["nation", "province", "city", "county"]

NATION = "CN"
NATION_NAME = "全国"
NATION_NAME_EN = "China"
#: The only census shipped. Indicators of every year divide by it until a table for that year is added.
POPULATION_BASE_YEAR = 2020
_NATION_ALIASES = {"CN", "00", "000000", "100000", "0"}
#: The source names the city-level row of a municipality "市辖区" (and Chongqing's counties "县");
#: people expect the municipality's name.
_CITY_DISPLAY_OVERRIDES = {"5002": "重庆市（县）"}


@dataclass(frozen=True, slots=True)
class _Tables:
    provinces: dict[str, str]
    cities: dict[str, tuple[str, str]]  # code4 -> (display name, province2)
    counties: dict[str, tuple[str, str, str]]  # code6 -> (name, city4, province2)
    county_population: dict[str, int]  # 2023 county code -> census population (mapped)
    city_only_population: dict[str, int]  # city4 -> census population not attributable to a 2023 county
    census_mapping: dict[str, tuple[str, str]]  # census code -> (2023 code, relation), changed codes only


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    with open_text("regions/chinadiv2023_provinces.csv") as f:
        provinces = {r["code"]: r["name"] for r in csv.DictReader(f)}
    cities: dict[str, tuple[str, str]] = {}
    with open_text("regions/chinadiv2023_cities.csv") as f:
        for r in csv.DictReader(f):
            name = r["name"]
            if r["code"] in _CITY_DISPLAY_OVERRIDES:
                name = _CITY_DISPLAY_OVERRIDES[r["code"]]
            elif name == "市辖区":
                name = provinces[r["provinceCode"]]
            cities[r["code"]] = (name, r["provinceCode"])
    with open_text("regions/chinadiv2023_areas.csv") as f:
        counties = {r["code"]: (r["name"], r["cityCode"], r["provinceCode"]) for r in csv.DictReader(f)}

    with open_text("regions/census2020_to_2023.csv") as f:
        mapping = {r["census_code"]: (r["code_2023"], r["relation"]) for r in csv.DictReader(f)}
    with open_text("regions/census2020_corrections.csv") as f:
        corrections = {r["code"]: int(r["corrected_value"]) for r in csv.DictReader(f) if r["field"] == "POPU"}

    county_population: dict[str, int] = {}
    city_only: dict[str, int] = {}
    with open_text("regions/population_2020_census_county.csv") as f:
        for r in csv.DictReader(f):
            code, raw = r["CODE"], r["POPU"]
            if not raw:  # 金门县: no census figure (not under mainland administration)
                continue
            value = corrections.get(code, int(float(raw)))
            target, relation = mapping.get(code, (code, "same"))
            if relation == "city_only":
                city_only[target] = city_only.get(target, 0) + value
            elif target in counties:
                county_population[target] = county_population.get(target, 0) + value
            else:  # a census code neither in the 2023 list nor in the crosswalk: keep it at city level
                city_only[code[:4]] = city_only.get(code[:4], 0) + value
    return _Tables(provinces, cities, counties, county_population, city_only, mapping)


# ---------------------------------------------------------------- codes


def _clean(code: object) -> str:
    text = unicodedata.normalize("NFKC", str(code)).strip()
    return text.upper() if text.isascii() else text


def _classify(code: object) -> tuple[RegionLevel, str] | None:
    t = _tables()
    c = _clean(code)
    if c in _NATION_ALIASES:
        return "nation", NATION
    if not c.isdigit():
        return None
    if len(c) == 12:
        c = c[:6]
    if len(c) == 2:
        return ("province", c) if c in t.provinces else None
    if len(c) == 4:
        return ("city", c) if c in t.cities else None
    if len(c) == 6:
        if c in t.counties:
            return "county", c
        if c.endswith("0000") and c[:2] in t.provinces:
            return "province", c[:2]
        if c.endswith("00") and c[:4] in t.cities:
            return "city", c[:4]
        successor = t.census_mapping.get(c)
        if successor is not None:
            return _classify(successor[0])
    return None


def normalize_region_code(code: str) -> str:
    """The canonical code of a region: ``"510100"`` → ``"5101"``, ``"510000"`` → ``"51"``.

    Codes of counties abolished or re-coded between the 2020 census and 2023 are mapped to their
    2023 successor (``"410381"`` 偃师市 → ``"410307"`` 偃师区). Raises :class:`InputError` on
    anything that is not a known region.
    """
    found = _classify(code)
    if found is None:
        raise InputError(f"未知的行政区划代码：{code!r} / unknown region code: {code!r}")
    return found[1]


def is_region_code(code: str) -> bool:
    return _classify(code) is not None


def region_level(code: str) -> RegionLevel:
    found = _classify(code)
    if found is None:
        raise InputError(f"未知的行政区划代码：{code!r} / unknown region code: {code!r}")
    return found[0]


@lru_cache(maxsize=1)
def _names_en() -> dict[str, str]:
    """Code → English name: provinces and cities hand-made (their established names), counties in
    Hanyu Pinyin built by ``zhichan.reference.build_names_en`` (see ``data/PROVENANCE.md``)."""
    names = {NATION: NATION_NAME_EN}
    for rel in ("regions/names_en_provinces_cities.csv", "regions/names_en_counties.csv"):
        with open_text(rel) as f:
            names.update({r["code"]: r["name_en"] for r in csv.DictReader(f)})
    return names


def region_name(code: str, lang: str = "zh") -> str:
    """The name in ``lang``: ``"11"`` → 北京市 / Beijing, ``"1101"`` → 北京市 (the source's 市辖区),
    ``"510107"`` → 武侯区 / Wuhou District, ``"CN"`` → 全国 / China. Any language but ``"en"`` is Chinese."""
    classified = _classify(code)
    if classified is not None and lang == "en":
        return _names_en()[classified[1]]
    if classified is not None:
        level, c = classified
        t = _tables()
        if level == "nation":
            return NATION_NAME
        if level == "province":
            return t.provinces[c]
        if level == "city":
            return t.cities[c][0]
        if level == "county":
            return t.counties[c][0]
    raise InputError(f"未知的行政区划代码：{code!r} / unknown region code: {code!r}")


def region_names(code: str, *, full: bool = False) -> str:
    """Both names, for output that serves both languages at once (the CLIs, whose messages are
    "中文 / English"): ``"510100"`` → ``成都市 Chengdu``; ``full`` gives the full names
    (``四川省成都市武侯区 Wuhou District, Chengdu, Sichuan``). An unknown code is shown as it is."""
    name = region_full_name if full else region_name
    try:
        return f"{name(code)} {name(code, 'en')}"
    except InputError:
        return code


def region_full_name(code: str, lang: str = "zh") -> str:
    """Province + city + county, without repeating a municipality: ``"110105"`` → 北京市朝阳区; in
    English the smallest first: ``"510107"`` → "Wuhou District, Chengdu, Sichuan"."""
    c = normalize_region_code(code)
    if c == NATION:
        return region_name(c, lang)
    parts = [region_name(c[:2], lang)]
    # a municipality's city row (北京市, 重庆市（县）) is no level of its own in a name, and in English
    # neither are a province's directly administered counties (省直辖县级行政区划)
    if len(c) >= 4 and not region_name(c[:4]).startswith(region_name(c[:2])) and not (lang == "en" and c[2:4] == "90"):
        parts.append(region_name(c[:4], lang))
    if len(c) == 6:
        parts.append(region_name(c, lang))
    return ", ".join(reversed(parts)) if lang == "en" else "".join(parts)


def parent_code(code: str) -> str | None:
    level, c = _classify(code) or (None, "")
    if level is None:
        raise InputError(f"未知的行政区划代码：{code!r} / unknown region code: {code!r}")
    return {"nation": None, "province": NATION, "city": c[:2], "county": c[:4]}[level]


def children(code: str) -> list[str]:
    """Nation → 31 provinces; province → its cities; city → its counties; county → []."""
    level, c = _classify(code) or (None, "")
    t = _tables()
    if level == "nation":
        return sorted(t.provinces)
    if level == "province":
        return sorted(k for k, (_, p) in t.cities.items() if p == c)
    if level == "city":
        return sorted(k for k, v in t.counties.items() if v[1] == c)
    if level == "county":
        return []
    raise InputError(f"未知的行政区划代码：{code!r} / unknown region code: {code!r}")


#: a longer list of regions (a national office's ~3,000 counties) is a code box instead of a choice
REGION_CHOICES_MAX = 400


def region_choices(area: str | None, lang: str) -> list[dict[str, Any]] | None:
    """What a form offers where a region is chosen within ``area`` (an office's 6-digit code): the area
    itself and every region below it, grouped by city, each named in ``lang`` with its code (武侯区（510107）
    / Wuhou District (510107)) — or None where the list would be too long to choose from (a national
    office: the form then asks for the code). The services still check the value they are sent."""
    if not area or region_level(area) == "nation":
        return None

    def option(code: str) -> dict[str, str]:
        return {"code": code, "label": region_label(code, lang)}

    level = region_level(area)
    if level == "county":
        return [{"label": region_name(area, lang), "options": [option(area)]}]
    cities = [c.ljust(6, "0") for c in children(area)] if level == "province" else [area]
    groups = [{"label": region_name(area, lang), "options": [option(area)]}] if level == "province" else []
    groups += [{"label": region_name(city, lang), "options": [option(city)] + [option(c) for c in children(city)]}
               for city in cities]
    return groups if sum(len(g["options"]) for g in groups) <= REGION_CHOICES_MAX else None


def region_choices_among(codes: Iterable[str | None], lang: str) -> list[dict[str, Any]]:
    """:func:`region_choices`' groups for the regions some records lie in (``codes``: their regions, any level):
    per province, the province, and each city and county of a record, every one a 6-digit code with its label
    (成都市（510100）) — so a filter by prefix (the province, a city, a county) is chosen by name. Codes the
    reference data do not know are left out."""
    wanted: set[str] = set()
    for code in codes:
        found = _classify(code) if code else None
        if found is None or found[0] == "nation":
            continue
        c = found[1]
        wanted.update(c[:n] for n in (2, 4, 6) if n <= len(c))
    groups: dict[str, list[dict[str, str]]] = {}
    for c in sorted(wanted):
        code = c.ljust(6, "0")
        groups.setdefault(c[:2], []).append({"code": code, "label": region_label(code, lang)})
    return [{"label": region_name(province, lang), "options": options} for province, options in groups.items()]


def region_options(area: str | None, lang: str) -> list[tuple[str, str]] | None:
    """:func:`region_choices` as one list of (code, label), for a plain select."""
    groups = region_choices(area, lang)
    return None if groups is None else [(o["code"], o["label"]) for g in groups for o in g["options"]]


def region_label(code: str, lang: str, *, full: bool = False) -> str:
    """A region as a form's choice names it: "成都市（510100）" / "Chengdu (510100)"; ``full`` with its province and
    city (a nation-wide list, where names repeat: 朝阳区)."""
    name = (region_full_name if full else region_name)(code, lang)
    return f"{name} ({code})" if lang == "en" else f"{name}（{code}）"


def labelled(codes: list[str], lang: str) -> list[tuple[str, str]]:
    """(code, :func:`region_label`) for each 6-digit code: a select's options."""
    return [(c, region_label(c, lang)) for c in codes]


def all_provinces() -> list[str]:
    return sorted(_tables().provinces)


def all_cities() -> list[str]:
    return sorted(_tables().cities)


def all_counties() -> list[str]:
    return sorted(_tables().counties)


# ---------------------------------------------------------------- population


def has_population(code: str, year: int | None = None) -> bool:
    """False for the few 2023 counties with no 2020 census counterpart (临平区, 钱塘区, 新星市…)."""
    try:
        population(code, year)
    except NotFoundError:
        return False
    return True


def population(code: str, year: int | None = None) -> int:
    """Resident population (常住人口), 2020 census, rolled up from counties.

    ``year`` is accepted so callers can state the indicator year; only the 2020 census ships, so
    every year uses it (see :data:`POPULATION_BASE_YEAR`). The nation is the 31 mainland provinces
    (1,409,778,724; the census headline 1,411,778,724 adds 2,000,000 active servicemen).
    Raises :class:`NotFoundError` for a 2023 county the census does not cover.
    """
    level, c = _classify(code) or (None, "")
    t = _tables()
    if level is None:
        raise InputError(f"未知的行政区划代码：{code!r} / unknown region code: {code!r}")
    if level == "county":
        if c not in t.county_population:
            raise NotFoundError(
                f"{region_name(c)}（{c}）无2020年人口普查数据（2020年后新设） / "
                f"no 2020 census population for {c} (created after the census)"
            )
        return t.county_population[c]
    return _rolled_up(level, c)


@lru_cache(maxsize=512)
def _rolled_up(level: str, code: str) -> int:
    t = _tables()
    prefix = "" if level == "nation" else code
    total = sum(v for k, v in t.county_population.items() if k.startswith(prefix))
    return total + sum(v for k, v in t.city_only_population.items() if k.startswith(prefix))


def city_only_population() -> dict[str, int]:
    """Census population counted at city level only (development zones dropped from the 2023 list)."""
    return dict(_tables().city_only_population)


def regions_frame() -> pd.DataFrame:
    """All 2023 counties: code, name, city_code, city_name, province_code, province_name, population.

    ``population`` is a nullable integer (missing for the counties :func:`has_population` rejects).
    City totals (:func:`population`) also include the city-only census rows, so summing this column
    per city can fall short of them — use :func:`population` for denominators.
    """
    import pandas as pd

    t = _tables()
    rows = [
        {
            "code": code,
            "name": name,
            "city_code": city,
            "city_name": t.cities[city][0],
            "province_code": prov,
            "province_name": t.provinces[prov],
            "population": t.county_population.get(code),
        }
        for code, (name, city, prov) in sorted(t.counties.items())
    ]
    frame = pd.DataFrame(rows)
    frame["population"] = frame["population"].astype("Int64")
    return frame


# ---------------------------------------------------------------- labels


_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
_LABEL_CODE = re.compile(r"[(\[]\s*(\d{2}(?:\d{4})?)\s*[)\]]")


@lru_cache(maxsize=1)
def _province_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, full in _tables().provinces.items():
        names[full] = code
        for suffix in _PROVINCE_SUFFIXES:
            if full.endswith(suffix):
                names[full.removesuffix(suffix)] = code
                break
    return names


def province_code_from_label(label: str | None) -> str | None:
    """Province code from the commercial export's 国省代码 (``河南(41)``), ``41``, ``河南`` or ``河南省``.

    None for empty labels, foreign countries and 港澳台 (not among the 31 mainland provinces).
    """
    if label is None:
        return None
    text = unicodedata.normalize("NFKC", str(label)).strip()
    if not text:
        return None
    m = _LABEL_CODE.search(text)
    if m:
        code = m.group(1)[:2]
        return code if code in _tables().provinces else None
    if text.isdigit() and len(text) in (2, 6):
        return text[:2] if text[:2] in _tables().provinces else None
    names = _province_names()
    if text in names:
        return names[text]
    for name, code in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if len(name) >= 2 and text.startswith(name):
            return code
    return None
