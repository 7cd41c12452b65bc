"""Map boundaries (DataV areas_v3, 2021, GCJ-02) for ECharts/Vega maps.

``geojson("100000")`` is the nation split into provinces, ``geojson("410000")`` a province split
into cities, ``geojson("410100")`` a city split into districts. Each feature's properties carry
``adcode``, ``name``, ``center``, ``centroid``, ``level`` and ``parent``, and ``is_region``: false for
a feature that is no region (the national file's 九段线 ``100000_JD``, drawn but never a click target).
The files are stored in one LZMA zip (``data/geojson.zip``); a member is decompressed on request,
prepared (:func:`prepare`) and cached.
"""

from __future__ import annotations

import json
import unicodedata
import zipfile
from functools import lru_cache
from typing import Any

from geojson_rewind import rewind

from zhichan.errors import InputError, NotFoundError
from zhichan.reference._data import DATA_DIR

_ZIP = DATA_DIR / "geojson.zip"
_BOM = b"\xef\xbb\xbf"


@lru_cache(maxsize=1)
def _members() -> frozenset[str]:
    with zipfile.ZipFile(_ZIP) as zf:
        return frozenset(zf.namelist())


def _adcode(adcode: str) -> str:
    """Accept our own codes too: ``"CN"`` → 100000, ``"41"`` → 410000, ``"4101"`` → 410100."""
    text = unicodedata.normalize("NFKC", str(adcode)).strip().upper()
    if text in ("CN", "00", "000000"):
        return "100000"
    if text.isdigit() and len(text) in (2, 4, 6):
        return text.ljust(6, "0")
    raise InputError(f"无效的区划代码：{adcode!r} / invalid adcode: {adcode!r}")


def has_geojson(adcode: str) -> bool:
    try:
        return f"{_adcode(adcode)}_full.json" in _members()
    except InputError:
        return False


@lru_cache(maxsize=64)
def geojson(adcode: str) -> bytes:
    """The ``*_full.json`` boundary file for the nation, a province or a city, as UTF-8 bytes (no BOM)."""
    name = f"{_adcode(adcode)}_full.json"
    if name not in _members():
        raise NotFoundError(f"没有 {adcode} 的边界数据 / no boundary file for {adcode}")
    with zipfile.ZipFile(_ZIP) as zf:
        return prepare(zf.read(name).removeprefix(_BOM))


def prepare(raw: bytes) -> bytes:
    """The boundary file as maps need it.

    d3-geo (Vega's projection) reads polygons on the sphere: an exterior ring must run clockwise,
    else it encloses the rest of the globe. The national file winds its rings the other way from the
    province files, so it rendered as one flat square. Every ring is rewound here (geojson-rewind,
    d3's clockwise-exterior order), and each feature says whether it is a region (6-digit adcode).
    """
    data: dict[str, Any] = rewind(json.loads(raw), rfc7946=False)
    for feature in data.get("features", []):
        props = feature.setdefault("properties", {})
        code = str(props.get("adcode", ""))
        props["is_region"] = code.isdigit() and len(code) == 6
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def geojson_codes() -> list[str]:
    """Every adcode with a boundary file (nation, provinces, cities)."""
    return sorted(name.split("_")[0] for name in _members())
