"""Trademarks, geographical indications and copyright registrations of a synthetic corpus.

Sizes are proportional to the number of patents (see :mod:`.calibration`): trademarks
``0.5·n``, copyright registrations ``0.25·n``, geographical indications ``max(40, 0.002·n)``
(each GI of type *mark* also appears as a collective/certification trademark).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from zhichan.corpus.generator import calibration as cal
from zhichan.corpus.generator import names as nm
from zhichan.corpus.generator.patents import (
    _add_years,
    _days,
    _draw_in_segment,
    _iso,
    _rowwise_search,
    _year_start_days,
)
from zhichan.corpus.generator.rows import build_table
from zhichan.corpus.generator.world import FOREIGN, World, short_place
from zhichan.corpus.schema import COPYRIGHTS, GEOGRAPHICAL_INDICATIONS, TRADEMARKS

BATCH = 100_000
_NICE_POPULAR = {35: 9, 9: 7, 25: 5, 30: 5, 29: 4, 43: 4, 41: 4, 42: 4, 5: 3, 3: 3, 11: 3, 32: 3, 33: 2, 21: 2, 20: 2}
_NICE_P = np.array([_NICE_POPULAR.get(c, 1.0) for c in range(1, 46)])
_NICE_P = _NICE_P / _NICE_P.sum()
#: Trademark filings by year (relative; CNIPA: ~0.2M in 2000, 2.9M 2015, 7.7M 2020, 7.2M 2023).
_TM_GROWTH = {2000: 0.2, 2005: 0.6, 2010: 1.1, 2015: 2.9, 2018: 7.4, 2020: 9.3, 2021: 9.5, 2023: 7.2, 2025: 7.0}
_CR_GROWTH = {2000: 0.05, 2010: 0.6, 2015: 1.6, 2018: 3.5, 2020: 5.0, 2022: 6.4, 2023: 8.9, 2025: 9.5}
_WORK_CODES = {"文字作品": "A", "音乐作品": "B", "美术作品": "F", "摄影作品": "G", "影视作品": "I"}


def counts(n: int) -> dict[str, int]:
    return {
        "trademarks": round(n * cal.TRADEMARKS_PER_PATENT),
        "copyrights": round(n * cal.COPYRIGHTS_PER_PATENT),
        "geographical_indications": max(cal.GI_MIN, round(n * cal.GI_PER_PATENT)),
    }


def _year_draw(rng: np.random.Generator, growth: dict[int, float], size: int, as_of: dt.date) -> np.ndarray:
    years = np.arange(cal.FIRST_YEAR, as_of.year + 1)
    w = cal.interp_by_year(growth, years)
    w[-1] *= as_of.timetuple().tm_yday / 365.0
    return years[np.searchsorted(np.cumsum(w) / w.sum(), rng.random(size), side="right").clip(0, len(years) - 1)]


def _region_cols(world: World, county: np.ndarray) -> tuple[list, list, list]:
    region = [None if c < 0 else world.county_code[c] for c in county.tolist()]
    city = [None if c < 0 else world.county_city[c] for c in county.tolist()]
    prov = [None if c < 0 else world.county_province[c] for c in county.tolist()]
    return region, city, prov


def _finish(world: World, table: str, schema: pa.Schema, col: dict[str, list], n: int) -> pa.Table:
    return build_table(schema, col, n, world.import_id, world.as_of.isoformat())


#: One independent piece of work: (table, batch index, first row, rows); each batch draws from its
#: own random stream, so batches can be drawn in any process and order.
Task = tuple[str, int, int, int]


def tasks(sizes: dict[str, int]) -> list[Task]:
    """The batches of the other tables, in the order they are written."""
    plan: list[Task] = [("geographical_indications", 0, 0, sizes["geographical_indications"])]
    for table in ("trademarks", "copyrights"):
        plan += [(table, b, start, min(BATCH, sizes[table] - start)) for b, start in enumerate(range(0, sizes[table], BATCH))]
    return plan


def run_task(world: World, task: Task) -> list[tuple[str, pa.Table]]:
    """The rows of one task, as (table, rows) in the order they are written."""
    table, batch, start, m = task
    if table == "geographical_indications":
        gi_table, gi_marks = _geographical_indications(world, m)
        return [("geographical_indications", gi_table)] + ([("trademarks", gi_marks)] if gi_marks is not None and gi_marks.num_rows else [])
    draw = _trademarks if table == "trademarks" else _copyrights
    return [(table, draw(world, batch, start, m))]


def generate_tables(world: World, sizes: dict[str, int]) -> Iterator[tuple[str, pa.Table]]:
    for task in tasks(sizes):
        yield from run_task(world, task)


def _registrants(world: World, rng: np.random.Generator, m: int, foreign_share: float,
                 person_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Pool indices of registrants and whether they are foreign."""
    prov = _rowwise_search(world.province_cum, np.full(m, 2), rng.random(m))  # design-like regional mix
    ptype = np.where(rng.random(m) < person_share, 3, 0)
    lo, hi = world.seg_start[prov, ptype], world.seg_end[prov, ptype]
    foreign = rng.random(m) < foreign_share
    country = rng.integers(0, len(FOREIGN), size=m)
    lo = np.where(foreign, world.foreign_start[country], lo)
    hi = np.where(foreign, world.foreign_end[country], hi)
    return _draw_in_segment(world.pool_cw, lo, hi, rng.random(m)), foreign


def _trademarks(world: World, batch: int, start: int, m: int) -> pa.Table:
    rng = np.random.default_rng([world.seed, 0x7A4D, batch])
    as_of_d = _days(world.as_of)
    who, foreign = _registrants(world, rng, m, 0.08, 0.15)
    year = _year_draw(rng, _TM_GROWTH, m, world.as_of)
    app = np.minimum(_year_start_days(year) + rng.integers(0, 365, size=m), as_of_d)
    reg = app + rng.integers(150, 420, size=m)
    registered = reg <= as_of_d
    expiry = _add_years(reg, np.full(m, 10)) - 1
    renewed = rng.random(m) < 0.6
    expiry = np.where(renewed & (expiry < as_of_d), _add_years(reg, np.full(m, 20)) - 1, expiry)
    cancelled = registered & (rng.random(m) < 0.04)
    cancel_day = reg + (rng.random(m) * np.maximum(np.minimum(expiry, as_of_d) - reg, 1)).astype(np.int64)
    status = np.where(~registered, "pending", np.where(expiry < as_of_d, "expired", "registered"))
    status = np.where(cancelled, np.where(rng.random(m) < 0.2, "invalidated", "cancelled"), status)
    status_day = np.select([~registered, cancelled, expiry < as_of_d], [app, cancel_day, expiry], reg)
    rows = np.arange(start, start + m, dtype=np.int64)
    regno = (rows * 7_654_321 + 1_000_003) % 90_000_000 + 10_000_000
    c1 = rng.integers(0, len(nm.TRADEMARK_WORDS), size=m)
    c2 = rng.integers(0, len(nm.BRAND_CHARS), size=m)
    c3 = rng.integers(0, len(nm.BRAND_CHARS), size=m)
    three = rng.random(m) < 0.3
    county = np.where(foreign, -1, world.pool_county[who])
    region, city, prov = _region_cols(world, county)
    col: dict[str, list] = {
        "registration_number": [str(x) for x in regno.tolist()],
        "mark_name": [nm.TRADEMARK_WORDS[a] + nm.BRAND_CHARS[b] + (nm.BRAND_CHARS[c] if t else "")
                      for a, b, c, t in zip(c1.tolist(), c2.tolist(), c3.tolist(), three.tolist(), strict=True)],
        "nice_class": (rng.choice(45, size=m, p=_NICE_P) + 1).tolist(),
        "mark_kind": ["ordinary"] * m,
        "is_geographical_indication": [False] * m,
        "registrant": world.pool.name.take(pa.array(who)).to_pylist(),
        "registrant_uscc": [u or None for u in world.pool.uscc.take(pa.array(who)).to_pylist()],
        "region_code": region, "city_code": city, "province_code": prov,
        "is_domestic": (~foreign).tolist(),
        "application_date": _iso(app),
        "registration_date": _iso(np.where(registered, reg, -1)),
        "expiry_date": _iso(np.where(registered, expiry, -1)),
        "status": status.tolist(),
        "status_date": _iso(np.minimum(status_day, as_of_d)),
        "source_row": (rows + 1).tolist(),
    }
    return _finish(world, "trademarks", TRADEMARKS, col, m)


def _geographical_indications(world: World, count: int) -> tuple[pa.Table, pa.Table | None]:
    rng = np.random.default_rng([world.seed, 0x6E0, 0])
    as_of_d = _days(world.as_of)
    code_index = {c: i for i, c in enumerate(world.county_code.tolist())}
    names: list[str] = []
    types: list[str] = []
    counties: list[int] = []
    for name, gtype, real_county in nm.GI_REAL:
        if real_county in code_index and len(names) < count:
            names.append(name)
            types.append(gtype)
            counties.append(code_index[real_county])
    used = set(names)
    rural = np.array([not n.endswith("区") for n in world.county_name])
    cand = np.flatnonzero(rural)
    while len(names) < count:
        c = int(cand[int(rng.integers(0, len(cand)))])
        product = nm.GI_PRODUCTS[int(rng.integers(0, len(nm.GI_PRODUCTS)))]
        name = f"{short_place(world.county_name[c])}{product}"
        if name in used:
            name = f"{short_place(world.city_name[world.county_city[c]])}{short_place(world.county_name[c])}{product}"
            if name in used:
                continue
        used.add(name)
        names.append(name)
        types.append("product" if rng.random() < 0.4 else "mark")
        counties.append(c)
    m = len(names)
    county = np.array(counties, dtype=np.int64)
    year = rng.integers(2002, min(world.as_of.year, 2024) + 1, size=m)
    approval = np.minimum(_year_start_days(year) + rng.integers(0, 365, size=m), as_of_d)
    region, city, prov = _region_cols(world, county)
    holders = [f"{short_place(world.county_name[c])}{'农业农村局' if t == 'product' else n[-2:] + '产业协会'}"
               for c, t, n in zip(county.tolist(), types, names, strict=True)]
    col: dict[str, list] = {
        "gi_id": [f"GI-{world.seed}-{i:06d}" for i in range(m)],
        "name": names, "gi_type": types, "holder": holders,
        "region_code": region, "city_code": city, "province_code": prov,
        "approval_date": _iso(approval),
        "status": ["revoked" if x < 0.01 else "protected" for x in rng.random(m).tolist()],
        "source_row": list(range(1, m + 1)),
    }
    gi = _finish(world, "geographical_indications", GEOGRAPHICAL_INDICATIONS, col, m)
    marks = [i for i, t in enumerate(types) if t == "mark"]
    if not marks:
        return gi, None
    k = len(marks)
    sel = np.array(marks)
    reg = approval[sel]
    tm: dict[str, list] = {
        "registration_number": [f"GI{world.seed % 1000:03d}{i:07d}" for i in range(k)],
        "mark_name": [names[i] for i in marks],
        "nice_class": [29 if "肉" in names[i] or "鸡" in names[i] else 30 if "茶" in names[i] else 31 for i in marks],
        "mark_kind": ["certification" if x < 0.7 else "collective" for x in rng.random(k).tolist()],
        "is_geographical_indication": [True] * k,
        "registrant": [holders[i] for i in marks],
        "registrant_uscc": [None] * k,
        "region_code": [region[i] for i in marks], "city_code": [city[i] for i in marks],
        "province_code": [prov[i] for i in marks],
        "is_domestic": [True] * k,
        "application_date": _iso(reg - 300),
        "registration_date": _iso(reg),
        "expiry_date": _iso(_add_years(reg, np.full(k, 20)) - 1),
        "status": ["registered"] * k,
        "status_date": _iso(reg),
    }
    return gi, _finish(world, "trademarks", TRADEMARKS, tm, k)


def _copyrights(world: World, batch: int, start: int, m: int) -> pa.Table:
    rng = np.random.default_rng([world.seed, 0xC097, batch])
    as_of_d = _days(world.as_of)
    software = rng.random(m) < 2.50 / (2.50 + 6.43)
    who, foreign = _registrants(world, rng, m, 0.01, 0.0)
    people = ~software & (rng.random(m) < 0.6)
    year = _year_draw(rng, _CR_GROWTH, m, world.as_of)
    day = np.minimum(_year_start_days(year) + rng.integers(0, 365, size=m), as_of_d)
    rows = np.arange(start, start + m, dtype=np.int64)
    serial = (rows * 1_234_577 + 99_991) % 10_000_000
    work_p = np.array([w for _, w in nm.WORK_TYPES])
    wt = rng.choice(len(nm.WORK_TYPES), size=m, p=work_p / work_p.sum())
    owner_names = world.pool.name.take(pa.array(who)).to_pylist()
    person_names = nm.hashed_person_names(rows + 9_000_000_000)
    county = np.where(foreign, -1, world.pool_county[who])
    region, city, prov = _region_cols(world, county)
    sw_word = rng.integers(0, len(nm.SOFTWARE_WORDS), size=m)
    ww = rng.integers(0, len(nm.WORK_WORDS), size=m)
    versions = rng.integers(1, 6, size=m)
    years = year.tolist()
    titles, numbers, owners, types = [], [], [], []
    for i in range(m):
        if software[i]:
            owner = owner_names[i]
            stem = owner.split("有限")[0].split("股份")[0]
            titles.append(f"{short_place(stem)[:4]}{nm.SOFTWARE_WORDS[sw_word[i]]}V{versions[i]}.0")
            numbers.append(f"{years[i]}SR{serial[i]:07d}")
            owners.append(owner)
            types.append("software")
        else:
            kind_name = nm.WORK_TYPES[wt[i]][0]
            titles.append(f"《{nm.WORK_WORDS[ww[i]]}{'' if versions[i] < 3 else '·' + nm.WORK_WORDS[(ww[i] + versions[i]) % len(nm.WORK_WORDS)]}》")
            numbers.append(f"国作登字-{years[i]}-{_WORK_CODES[kind_name]}-{serial[i]:08d}")
            owners.append(person_names[i] if people[i] else owner_names[i])
            types.append("work")
    col: dict[str, list] = {
        "registration_number": numbers, "work_type": types, "title": titles, "owner": owners,
        "region_code": region, "city_code": city, "province_code": prov,
        "registration_date": _iso(day),
        "source_row": (rows + 1).tolist(),
    }
    return _finish(world, "copyrights", COPYRIGHTS, col, m)
