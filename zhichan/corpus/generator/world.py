"""The fixed part of a synthetic corpus: regions, applicant and agency pools, draw tables.

Built once per :func:`~zhichan.corpus.generator.generate` call from ``(n, seed, as_of)`` with its
own random stream, so every chunk of patents draws from the same pools whatever the chunk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from stdnum.cn import uscc as stdnum_uscc

from zhichan.corpus.generator import calibration as cal
from zhichan.corpus.generator import lexicon as lx
from zhichan.corpus.generator import names as nm
from zhichan.corpus.generator import text as tx
from zhichan.corpus.generator.refdata import IpcPool, ipc_pool, regions

KINDS = ("invention", "utility_model", "design")
TYPES = ("enterprise", "university", "institute", "individual", "government")
FOREIGN = tuple(cal.FOREIGN_COUNTRIES)
EPOCH = np.datetime64("1970-01-01", "D")
#: The names' rule a corpus was generated under, recorded in the manifest's ``generator`` block (``names``): 2 — a
#: 字号 after every organization's place (:func:`_domestic_names`); a corpus without it was named by the plain
#: ``{place}{field}大学`` rule, which made real institutions' names.
NAMES_RULE = 2

#: Cities that get more innovation weight than their population alone (provincial capitals,
#: sub-provincial cities and the large manufacturing cities; assumption).
CITY_BOOST = {
    "4403": 9.0, "4401": 5.0, "3301": 1.6, "5101": 4.0, "3201": 4.0, "3205": 4.5, "4201": 4.0, "6101": 4.0,
    "3702": 3.5, "3302": 3.5, "3502": 3.0, "2102": 2.5, "3701": 3.0, "4101": 3.0, "4301": 3.0, "3401": 3.5,
    "2101": 2.5, "2201": 2.5, "2301": 2.5, "3601": 2.5, "4501": 2.0, "5201": 2.5, "5301": 2.0, "6201": 2.0,
    "6301": 2.5, "6401": 2.0, "6501": 2.0, "1301": 2.0, "1401": 2.0, "1501": 2.0, "4601": 2.0, "5401": 2.0,
    "4419": 3.5, "4406": 3.0, "3202": 3.0, "3204": 2.5, "3206": 2.0, "3306": 2.0, "3303": 2.0, "3307": 2.0,
    "3709": 1.6, "3501": 2.5,
}
_NAME_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "盟", "县", "区", "旗")


def short_place(name: str) -> str:
    """``成都市`` → 成都, ``凉山彝族自治州`` → 凉山, ``武侯区`` → 武侯."""
    name = name.split("（")[0]
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    for marker in ("族", "蒙古", "藏", "回"):
        pos = name.find(marker)
        if pos >= 2 and len(name) > 4:
            return name[:2]
    return name[:4]


_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(value: int) -> str:
    """An organization code (GB 11714): 8 characters + check character."""
    body: list[str] = []
    for _ in range(8):
        body.append(_ORG_ALPHABET[value % 10 if len(body) < 2 else value % 31])
        value //= 31
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "".join(body) + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_uscc(kind_prefix: str, region_code: str, value: int) -> str:
    """A valid unified social credit code; the check character is python-stdnum's."""
    body = f"{kind_prefix}{region_code}{_org_code(value)}"
    return body + stdnum_uscc.calc_check_digit(body)


@dataclass
class Pool:
    """Applicants (one row each) sorted by segment (province × type, then foreign countries)."""

    name: pa.Array
    uscc: pa.Array
    address: pa.Array
    postal: pa.Array
    country: np.ndarray


@dataclass
class World:
    n: int
    seed: int
    as_of: dt.date
    ipc: IpcPool
    county_code: np.ndarray
    county_city: np.ndarray
    county_province: np.ndarray
    county_name: list[str]
    city_name: dict[str, str]
    province_name: dict[str, str]
    provinces: list[str]
    cells: np.ndarray  # (year, kind index, foreign) per draw cell
    cell_cum: np.ndarray
    province_cum: np.ndarray  # [kind, province] cumulative
    type_cum: np.ndarray  # [kind, type] cumulative
    subclass_cum: np.ndarray  # [kind, subclass] cumulative
    subclass_cum_non: np.ndarray  # same, restricted to subclasses with codes outside the SEI concordance
    subclass_class_idx: np.ndarray  # IPC class of each subclass (index into the sorted classes)
    subclass_section_idx: np.ndarray  # section of each subclass, 0 (A) … 7 (H)
    apparatus_subclasses: np.ndarray  # chemical apparatus subclasses (B01…) for chemistry utility models
    apparatus_cum: np.ndarray
    um_chemistry_to_apparatus: float  # share of chemistry utility models moved to apparatus subclasses
    n_classes: int
    #: [table * n_classes + class, subclass] cumulative, the mix inside one class; tables: 0 inventions,
    #: 1 utility models, 2 inventions' subclasses with codes outside the SEI concordance
    subclass_cum_class: np.ndarray
    pool: Pool
    pool_cw: np.ndarray  # cumulative weights with a leading 0
    seg_start: np.ndarray  # [province, type]
    seg_end: np.ndarray
    foreign_start: np.ndarray  # per country
    foreign_end: np.ndarray
    pool_type_idx: np.ndarray
    pool_county: np.ndarray
    pool_focus: np.ndarray
    pool_is_enterprise: np.ndarray
    agency_name: list[str]
    agency_province: np.ndarray
    agency_start: np.ndarray  # per province
    agency_end: np.ndarray
    national_records: float  # national records the corpus stands for (scale = n / national_records)
    focus_prob: np.ndarray  # per focus city: probability that a domestic record is moved there
    focus_members: list[list[tuple[np.ndarray, np.ndarray]]]  # [city][type] -> (pool indices, cumulative weights)
    #: the district-floor enterprises (calibration.DISTRICT_FLOOR_CITIES), one per county, at the pool's end: outside
    #: every segment, so no draw of the national mix picks one (:func:`_district_floor`)
    floor_applicants: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    import_id: str = ""

    @property
    def scale(self) -> float:
        return self.n / self.national_records


#: Subclasses of chemical apparatus (混合、反应、分离设备), where chemistry applicants' utility models go.
_CHEMICAL_APPARATUS = ("B01D", "B01F", "B01J", "B01L", "B04B", "F26B")


def _cum(p: np.ndarray) -> np.ndarray:
    c = np.cumsum(p, axis=-1)
    return c / c[..., -1:]


def _cum_or(p: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Row-wise cumulative shares; rows without weight (no such subclass) use ``fallback`` (a row or one per row)."""
    c = np.cumsum(p, axis=-1)
    total = c[:, -1:]
    return np.where(total > 0, c / np.where(total > 0, total, 1.0), fallback if fallback.ndim == 2 else fallback[None, :])


def _regional_fields(rng: np.random.Generator, focus: np.ndarray, city: np.ndarray, size: np.ndarray, ipc: IpcPool,
                     weights: np.ndarray) -> None:
    """Applicants of the cities in :data:`calibration.REGIONAL_FIELDS` work in the city's industries
    (with the city's share; the subclass by its usual weight). The industries take turns down the
    applicants ranked by size, so each industry has large holders too (no industry left empty by
    the heavy tail)."""
    index = {s: i for i, s in enumerate(ipc.subclasses)}
    for code, (share, industries) in cal.REGIONAL_FIELDS.items():
        here = np.flatnonzero((city == code) & (rng.random(len(focus)) < share))
        here = here[np.argsort(-size[here], kind="stable")]
        which = np.arange(len(here)) % len(industries)
        u = rng.random(len(here))
        for g, subclasses in enumerate(industries):
            members = np.array([index[s] for s in subclasses if s in index], dtype=np.int64)
            sel = which == g
            if len(members) and sel.any():
                cw = _cum(weights[members])
                focus[here[sel]] = members[np.searchsorted(cw, u[sel], side="right").clip(0, len(members) - 1)]


def build_world(n: int, seed: int, as_of: dt.date) -> World:
    rng = np.random.default_rng([seed, 0x5EED, 0])
    frame = regions()
    county_code = frame["code"].to_numpy(dtype=str)
    county_city = frame["city_code"].to_numpy(dtype=str)
    county_province = frame["province_code"].to_numpy(dtype=str)
    county_name = frame["name"].tolist()
    city_name = dict(zip(frame["city_code"], frame["city_name"], strict=False))
    province_name = dict(zip(frame["province_code"], frame["province_name"], strict=False))
    provinces = sorted(cal.PROVINCE_CODES.values())
    pw = cal.province_weights()

    # cells: year × kind × origin
    cells, weights = [], []
    for year in range(cal.FIRST_YEAR, as_of.year + 1):
        vols = cal.DOMESTIC_VOLUME_K.get(year) or cal.DOMESTIC_VOLUME_K[max(cal.DOMESTIC_VOLUME_K)]
        frac = 1.0 if year < as_of.year else (as_of.timetuple().tm_yday / 365.0)
        for k, kind in enumerate(KINDS):
            for foreign in (0, 1):
                w = vols[k] * (cal.FOREIGN_RATIO[kind] if foreign else 1.0) * frac
                cells.append((year, k, foreign))
                weights.append(w)
    weights_a = np.array(weights)
    national_records = float(weights_a.sum() * 1000.0)
    cells_a = np.array(cells, dtype=np.int64)

    province_cum = _cum(np.array([[pw[k][p] for p in provinces] for k in KINDS]))
    type_cum = _cum(np.array([[cal.APPLICANT_TYPE_MIX[k][t] for t in TYPES] for k in KINDS]))

    ipc = ipc_pool()
    sub_w = np.zeros((2, len(ipc.subclasses)))
    sections = ipc.subclass_section
    for k, kind in enumerate(("invention", "utility_model")):
        for sec, share in cal.SECTION_MIX[kind].items():
            m = sections == sec
            boost = np.array([cal.POPULAR_SUBCLASSES.get(s, 1.0) for s in np.array(ipc.subclasses)[m]])
            sub_w[k, m] = share * boost / boost.sum()
    subclass_cum = _cum(sub_w)
    # the same without the subclasses that the SEI concordance maps entirely (for non-SEI draws)
    has_non = ipc.subclass_end > ipc.sei_end
    subclass_cum_non = _cum(sub_w * has_non)
    # an applicant's other patents: a subclass of the class of its focus (H01M → H01), by the kind's mix;
    # inside the section where the class has no such subclass, anywhere where the section has none
    classes = sorted({s[:3] for s in ipc.subclasses})
    class_idx = np.array([classes.index(s[:3]) for s in ipc.subclasses], dtype=np.int64)
    section_idx = np.array(["ABCDEFGH".index(x) for x in sections], dtype=np.int64)
    in_class = class_idx[None, :] == np.arange(len(classes))[:, None]  # [class, subclass]
    in_section = section_idx[None, :] == np.arange(8)[:, None]  # [section, subclass]
    class_section = np.array(["ABCDEFGH".index(c[0]) for c in classes], dtype=np.int64)
    apparatus = np.array([i for i, s in enumerate(ipc.subclasses) if s in _CHEMICAL_APPARATUS], dtype=np.int64)
    um_c, inv_c = cal.SECTION_MIX["utility_model"]["C"], cal.SECTION_MIX["invention"]["C"]
    subclass_cum_class = np.concatenate([
        _cum_or(w * in_class, _cum_or(w * in_section, fallback)[class_section])
        for w, fallback in ((sub_w[0], subclass_cum[0]), (sub_w[1], subclass_cum[1]), (sub_w[0] * has_non, subclass_cum_non[0]))
    ])

    # county weights: population^0.8 × city boost × (districts ×2)
    pop = frame["population"].to_numpy(dtype=float)
    boost = np.array([CITY_BOOST.get(c, 1.0) for c in county_city])
    urban = np.array([2.0 if name.endswith("区") else 1.0 for name in county_name])
    county_w = pop**0.8 * boost * urban
    county_w_research = pop**0.5 * boost**2.5 * urban**2

    # applicants: per province × type a segment of the pool; vectorized draws, names deduplicated
    seg_start = np.zeros((len(provinces), len(TYPES)), dtype=np.int64)
    seg_end = np.zeros_like(seg_start)
    domestic_share = {k: 1.0 / (1.0 + cal.FOREIGN_RATIO[k]) for k in KINDS}
    kind_share = {KINDS[k]: weights_a[cells_a[:, 1] == k].sum() / weights_a.sum() for k in range(3)}
    focus_cum = subclass_cum[0]
    seg_type: list[np.ndarray] = []
    seg_county: list[np.ndarray] = []
    total = 0
    for pi, prov in enumerate(provinces):
        in_prov = np.flatnonzero(county_province == prov)
        for ti, ptype in enumerate(TYPES):
            expected = sum(
                n * kind_share[k] * domestic_share[k] * pw[k][prov] * cal.APPLICANT_TYPE_MIX[k][ptype] for k in KINDS
            )
            minimum = {"enterprise": 4, "individual": 4}.get(ptype, 1)
            count = max(minimum, round(expected / cal.RECORDS_PER_APPLICANT[ptype]))
            cw = county_w_research[in_prov] if ptype in ("university", "institute") else county_w[in_prov]
            idx = np.searchsorted(_cum(cw), rng.random(count), side="right").clip(0, len(in_prov) - 1)
            seg_county.append(in_prov[idx])
            seg_type.append(np.full(count, ti, dtype=np.int8))
            seg_start[pi, ti] = total
            total += count
            seg_end[pi, ti] = total
    d_type = np.concatenate(seg_type)
    d_county = np.concatenate(seg_county)
    shapes = np.array([cal.APPLICANT_PARETO_SHAPE[t] for t in TYPES])[d_type]
    d_weight = _cap_by_segment(1.0 + _lomax(rng, shapes), seg_start.ravel(), seg_end.ravel())
    d_focus = np.searchsorted(focus_cum, rng.random(total), side="right").clip(0, len(ipc.subclasses) - 1)
    _regional_fields(rng, d_focus, county_city[d_county], d_weight, ipc, sub_w[0])
    # the names draw from their own stream: how often a name is drawn again does not move the draws after them
    d_names = _domestic_names(np.random.default_rng([seed, 0x4A3E, 0]), d_type, d_county, d_focus, ipc, county_name,
                              county_city, county_province, city_name, province_name)
    prefixes = np.array(["91", "12", "12", "", "11"])[d_type]
    org_values = rng.integers(0, 2**40, size=total)
    d_uscc = [make_uscc(p, str(county_code[c]), int(v)) if p else ""
              for p, c, v in zip(prefixes.tolist(), d_county.tolist(), org_values.tolist(), strict=True)]
    d_address, d_postal = _addresses(rng, d_county, county_name, county_city, city_name, province_name, county_province)

    foreign_start = np.zeros(len(FOREIGN), dtype=np.int64)
    foreign_end = np.zeros_like(foreign_start)
    foreign_total = sum(n * kind_share[k] * (1 - domestic_share[k]) for k in KINDS)
    used_names = set(d_names)
    f_names: list[str] = []
    f_country: list[str] = []
    for fi, country in enumerate(FOREIGN):
        count = max(3, round(foreign_total * cal.FOREIGN_COUNTRIES[country] / 40.0))
        foreign_start[fi] = total + len(f_names)
        stems, forms = nm.FOREIGN_STEMS[country]
        for j in range(count):
            for _ in range(50):
                stem = stems[int(rng.integers(0, len(stems)))]
                extra = "".join(nm.BRAND_CHARS[int(i)] for i in rng.integers(0, len(nm.BRAND_CHARS), size=1 + j // 400))
                name = f"{stem}{extra}{forms[int(rng.integers(0, len(forms)))]}"
                if name not in used_names:
                    break
            used_names.add(name)
            f_names.append(name)
            f_country.append(country)
        foreign_end[fi] = total + len(f_names)
    nf = len(f_names)
    f_weight = _cap_by_segment(1.0 + rng.pareto(1.2, size=nf), foreign_start - total, foreign_end - total)
    f_focus = np.searchsorted(focus_cum, rng.random(nf), side="right").clip(0, len(ipc.subclasses) - 1)
    pool = Pool(
        name=pa.array(d_names + f_names, pa.string()),
        uscc=pa.array(d_uscc + [""] * nf, pa.string()),
        address=pa.array(d_address + [""] * nf, pa.string()),
        postal=pa.array(d_postal + [""] * nf, pa.string()),
        country=np.array(["CN"] * total + f_country),
    )
    pool_type_idx = np.concatenate([d_type, np.zeros(nf, dtype=np.int8)])
    pool_county = np.concatenate([d_county, np.full(nf, -1, dtype=np.int64)])
    pool_focus = np.concatenate([d_focus, f_focus])
    weights_pool = np.concatenate([d_weight, f_weight])

    # agencies: per province, proportional to its records; a 字号 neither reserved (a place, a famous brand) nor a
    # well-known agency's (北京品源专利代理有限公司 is real)
    agency_reserved = reserved_brands(county_name, city_name, province_name) | nm.AGENCY_RESERVED
    agency_name: list[str] = []
    agency_province: list[int] = []
    agency_start = np.zeros(len(provinces), dtype=np.int64)
    agency_end = np.zeros_like(agency_start)
    inv_share = pw["invention"]
    for pi, prov in enumerate(provinces):
        agency_start[pi] = len(agency_name)
        count = max(2, round(n * inv_share[prov] / 2500.0))
        in_prov = np.flatnonzero(county_province == prov)
        cw = _cum(county_w[in_prov])
        for _ in range(count):
            c = int(in_prov[min(int(np.searchsorted(cw, rng.random(), side="right")), len(in_prov) - 1)])
            for _ in range(50):
                brand = "".join(nm.BRAND_CHARS[int(i)] for i in rng.integers(0, len(nm.BRAND_CHARS), size=2))
                word = nm.AGENCY_WORDS[int(rng.integers(0, len(nm.AGENCY_WORDS)))]
                name = f"{short_place(city_name[county_city[c]])}{brand}{word}"
                if name not in used_names and brand not in agency_reserved:
                    break
            used_names.add(name)
            agency_name.append(name)
            agency_province.append(pi)
        agency_end[pi] = len(agency_name)

    pool_cw = np.concatenate([[0.0], np.cumsum(weights_pool)])

    # focus cities: natural share of domestic records ≈ Σ_kinds province share × city's part of the pool weight
    focus_prob = np.zeros(len(cal.FOCUS_CITIES))
    focus_members: list[list[tuple[np.ndarray, np.ndarray]]] = []
    pool_city = np.where(pool_county >= 0, county_city[np.maximum(pool_county, 0)], "")
    for fi, city in enumerate(cal.FOCUS_CITIES):
        prov = city[:2]
        pi = provinces.index(prov)
        natural = 0.0
        for kind in KINDS:
            for ti, ptype in enumerate(TYPES):
                lo, hi = seg_start[pi, ti], seg_end[pi, ti]
                seg_w = weights_pool[lo:hi]
                share = seg_w[pool_city[lo:hi] == city].sum() / max(seg_w.sum(), 1e-12)
                natural += kind_share[kind] * pw[kind][prov] * cal.APPLICANT_TYPE_MIX[kind][ptype] * share
        focus_prob[fi] = max(0.0, cal.FOCUS_CITY_FLOOR_OF.get(city, cal.FOCUS_CITY_FLOOR) - natural)
        members = []
        for ti in range(len(TYPES)):
            idx = np.flatnonzero((pool_city == city) & (pool_type_idx == ti))
            members.append((idx, np.cumsum(weights_pool[idx]) / max(weights_pool[idx].sum(), 1e-12)))
        focus_members.append(members)
    floor = _district_floor(seed, county_code, county_city, county_name, county_province, city_name, province_name,
                            ipc, sub_w[0], used_names)
    pool = Pool(**{f: pa.concat_arrays([getattr(pool, f), pa.array(getattr(floor, f), pa.string())])
                   for f in ("name", "uscc", "address", "postal")},
                country=np.concatenate([pool.country, np.full(len(floor.county), "CN")]))
    pool_type_idx = np.concatenate([pool_type_idx, np.zeros(len(floor.county), dtype=np.int8)])
    pool_county = np.concatenate([pool_county, floor.county])
    pool_focus = np.concatenate([pool_focus, floor.focus])
    pool_cw = np.concatenate([pool_cw, pool_cw[-1] + np.arange(1, len(floor.county) + 1, dtype=float)])
    return World(
        n=n, seed=seed, as_of=as_of, ipc=ipc,
        county_code=county_code, county_city=county_city, county_province=county_province,
        county_name=county_name, city_name=city_name, province_name=province_name, provinces=provinces,
        cells=cells_a, cell_cum=_cum(weights_a), province_cum=province_cum, type_cum=type_cum,
        subclass_cum=subclass_cum, subclass_cum_non=subclass_cum_non, subclass_class_idx=class_idx, subclass_section_idx=section_idx,
        apparatus_subclasses=apparatus, apparatus_cum=_cum(sub_w[1][apparatus]),
        um_chemistry_to_apparatus=max(0.0, 1.0 - um_c / inv_c),
        n_classes=len(classes), subclass_cum_class=subclass_cum_class, pool=pool, pool_cw=pool_cw, seg_start=seg_start, seg_end=seg_end,
        foreign_start=foreign_start, foreign_end=foreign_end,
        pool_type_idx=pool_type_idx,
        pool_county=pool_county,
        pool_focus=pool_focus,
        pool_is_enterprise=pool_type_idx == 0,
        agency_name=agency_name, agency_province=np.array(agency_province, dtype=np.int64),
        agency_start=agency_start, agency_end=agency_end,
        national_records=national_records,
        focus_prob=focus_prob,
        focus_members=focus_members,
        floor_applicants=np.arange(total + nf, total + nf + len(floor.county), dtype=np.int64),
        import_id=f"synthetic-seed{seed}-n{n}",
    )


#: No applicant carries more than this share of its segment's weight (province × type): the
#: largest national holders file ~0.3 % of all patents, not several per cent.
MAX_SEGMENT_SHARE = 0.02


def _cap_by_segment(weights: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    out = weights.copy()
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        seg = out[lo:hi]
        if hi - lo < 20:
            continue
        for _ in range(3):
            cap = MAX_SEGMENT_SHARE * seg.sum()
            if seg.max() <= cap:
                break
            np.minimum(seg, cap, out=seg)
    return out


def _lomax(rng: np.random.Generator, shapes: np.ndarray) -> np.ndarray:
    """Lomax (Pareto II) draws with a shape per item: heavy-tailed applicant sizes."""
    return (1.0 - rng.random(len(shapes))) ** (-1.0 / shapes) - 1.0


def _pick(rng: np.random.Generator, items: list[str], size: int) -> list[str]:
    return [items[i] for i in rng.integers(0, len(items), size=size).tolist()]


def _domestic_names(rng: np.random.Generator, d_type: np.ndarray, d_county: np.ndarray, d_focus: np.ndarray,
                    ipc: IpcPool, county_name: list[str], county_city: np.ndarray, county_province: np.ndarray,
                    city_name: dict[str, str], province_name: dict[str, str],
                    taken: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Names for the domestic pool; organizations' names are unique (drawn again on collision).

    Every organization carries a 字号 of two brand characters after its place — an enterprise
    (成都瑞博新能源科技有限公司), a university (成都瑞博理工大学, 四川恒远大学), an institute (四川省瑞博材料研究院)
    and a public institution, which belongs to a fictional new area (成都瑞博新区人民医院) — so none has the plain
    ``{place}{field}大学`` / ``{place}{field}研究所`` / ``{county}{unit}`` form of a real public body (浙江大学,
    成都理工大学, 双流人民医院). A 字号 is never one of :data:`names.RESERVED_BRANDS` nor a place's short name
    (泰安, 嘉兴): such a draw is drawn again like a collision, and so is a name in ``taken`` (another pool's)."""
    total = len(d_type)
    city_short = [short_place(city_name[c]) for c in county_city]
    county_short = [short_place(x) for x in county_name]
    prov_short = {p: short_place(nm_) for p, nm_ in province_name.items()}
    prov_word = {p: prov_short[p] + ("" if province_name[p].endswith(("市", "区")) else "省") for p in province_name}
    reserved = reserved_brands(county_name, city_name, province_name)
    plan = tx.text_plan(ipc)
    topic_of = plan.subclass_topic
    topics = plan.topics
    sub_index = {s: i for i, s in enumerate(ipc.subclasses)}
    units = list(lx.GOVERNMENT_UNITS)
    names: list[str] = [""] * total
    todo = np.flatnonzero(d_type != 3)
    people = np.flatnonzero(d_type == 3)
    for i, name in zip(people.tolist(), nm.person_names(rng, len(people)), strict=True):
        names[i] = name
    used: set[str] = set()
    for attempt in range(30):
        if len(todo) == 0:
            break
        m = len(todo)
        r = rng.random((m, 4))
        b1 = _pick(rng, nm.BRAND_CHARS, m)
        b2 = _pick(rng, nm.BRAND_CHARS, m)
        extra = _pick(rng, nm.BRAND_CHARS, m) if attempt > 2 else [""] * m
        retry: list[int] = []
        for j, i in enumerate(todo.tolist()):
            if b1[j] + b2[j] in reserved or b2[j] + extra[j] in reserved:
                retry.append(i)
                continue
            brand = b1[j] + b2[j] + extra[j]
            t = int(d_type[i])
            c = int(d_county[i])
            topic = topics[topic_of[d_focus[i]]]  # the applicant's name says its field
            if t == 0:
                own_county = r[j, 0] < 0.2 and not county_name[c].endswith("区")
                place = county_short[c] if own_county else city_short[c]
                industry = topic.industry[int(r[j, 1] * len(topic.industry))]
                form = next(f for f, cum in _FORM_CUM if r[j, 2] <= cum)
                name = f"{place}{brand}{industry}{form}"
            elif t == 1:
                fields = (*topic.university, "")  # "" — a comprehensive university (四川恒远大学)
                field = fields[int(r[j, 1] * len(fields))]
                place = city_short[c] if r[j, 0] < 0.7 else prov_short[county_province[c]]
                suffix = "大学" if r[j, 2] < 0.6 else "学院"
                name = f"{place}{brand}{field}{suffix}"
            elif t == 2:
                field = topic.institute[int(r[j, 1] * len(topic.institute))]
                form = ("研究院", "研究所", "研究中心")[int(r[j, 2] * 3)]
                place = prov_word[county_province[c]] if r[j, 0] < 0.5 else city_short[c] + "市"
                name = f"{place}{brand}{field}{form}"
            else:  # a public institution works in the fields of its unit (a hospital: medicine)
                unit = units[int(r[j, 1] * len(units))]
                work = [sub_index[x] for x in lx.GOVERNMENT_UNITS[unit] if x in sub_index]
                if work:
                    d_focus[i] = work[int(r[j, 3] * len(work))]
                name = f"{city_short[c]}{brand}新区{unit}"
            if name in used or name in taken:
                retry.append(i)
            else:
                used.add(name)
                names[i] = name
        todo = np.array(retry, dtype=np.int64)
    for i in todo.tolist():  # practically never: make it unique by its index
        names[i] = f"{names[i] or '合作单位'}{i}"
    return names


def reserved_brands(county_name: list[str], city_name: dict[str, str], province_name: dict[str, str]) -> frozenset[str]:
    """The 字号 no synthetic organization takes: :data:`names.RESERVED_BRANDS` and every region's short name of two
    characters (泰安, 嘉兴, 光明 — a 字号 that is a place would read as one: 嘉兴学院 is real)."""
    places = {short_place(x) for x in (*county_name, *city_name.values(), *province_name.values())}
    return nm.RESERVED_BRANDS | {p for p in places if len(p) == 2}


_FORM_CUM = [(f, c) for (f, _), c in zip(nm.COMPANY_FORMS, np.cumsum([w for _, w in nm.COMPANY_FORMS]), strict=True)]
_FORM_CUM[-1] = (_FORM_CUM[-1][0], 1.0)


def _addresses(rng: np.random.Generator, counties: np.ndarray, county_name: list[str], county_city: np.ndarray,
               city_name: dict[str, str], province_name: dict[str, str],
               county_province: np.ndarray) -> tuple[list[str], list[str]]:
    """An address in its county (``四川省成都市武侯区人民南路12号``: it resolves back to the county) and a postal code
    of its province for each applicant of ``counties``."""
    roads = rng.integers(0, len(nm.ROADS), size=len(counties))
    numbers = rng.integers(1, 999, size=len(counties))
    prefix = {c: _address_prefix(c, county_name, county_city, city_name, province_name, county_province)
              for c in set(counties.tolist())}
    address = [f"{prefix[c]}{nm.ROADS[r]}{k}号"
               for c, r, k in zip(counties.tolist(), roads.tolist(), numbers.tolist(), strict=True)]
    postal = [f"{nm.POSTAL_PREFIX[county_province[c]]}{v:04d}"
              for c, v in zip(counties.tolist(), rng.integers(0, 10000, size=len(counties)).tolist(), strict=True)]
    return address, postal


@dataclass
class FloorApplicants:
    """The district-floor enterprises (:func:`_district_floor`), one per county, in the pool's columns."""

    county: np.ndarray
    focus: np.ndarray
    name: list[str]
    uscc: list[str]
    address: list[str]
    postal: list[str]


def _district_floor(seed: int, county_code: np.ndarray, county_city: np.ndarray, county_name: list[str],
                    county_province: np.ndarray, city_name: dict[str, str], province_name: dict[str, str],
                    ipc: IpcPool, weights: np.ndarray, taken: set[str]) -> FloorApplicants:
    """One enterprise in each county of :data:`calibration.DISTRICT_FLOOR_CITIES`, made like the pool's (a name of the
    naming rule saying its field, a valid USCC of its county, an address that resolves to it), working in the city's
    industries (:data:`calibration.REGIONAL_FIELDS`, in turn). Drawn from a stream of their own, so the pool stays as it
    was; the patents they hold are the rows :func:`patents.floor_rows` gives them."""
    rng = np.random.default_rng([seed, 0xF100, 0])
    counties = np.flatnonzero(np.isin(county_city, cal.DISTRICT_FLOOR_CITIES))
    index = {s: i for i, s in enumerate(ipc.subclasses)}
    focus = np.empty(len(counties), dtype=np.int64)
    for j, c in enumerate(counties.tolist()):
        industries = cal.REGIONAL_FIELDS.get(str(county_city[c]), (0.0, ((ipc.subclasses[int(weights.argmax())],),)))[1]
        members = np.array([index[s] for s in industries[j % len(industries)] if s in index], dtype=np.int64)
        focus[j] = members[np.searchsorted(_cum(weights[members]), rng.random(), side="right").clip(0, len(members) - 1)]
    types = np.zeros(len(counties), dtype=np.int8)
    names = _domestic_names(np.random.default_rng([seed, 0xF100, 1]), types, counties, focus, ipc, county_name,
                            county_city, county_province, city_name, province_name, taken=taken)
    uscc = [make_uscc("91", str(county_code[c]), int(v))
            for c, v in zip(counties.tolist(), rng.integers(0, 2**40, size=len(counties)).tolist(), strict=True)]
    address, postal = _addresses(rng, counties, county_name, county_city, city_name, province_name, county_province)
    return FloorApplicants(counties.astype(np.int64), focus, names, uscc, address, postal)


def _address_prefix(c: int, county_name: list[str], county_city: np.ndarray, city_name: dict[str, str],
                    province_name: dict[str, str], county_province: np.ndarray) -> str:
    province = province_name[county_province[c]]
    city = city_name[county_city[c]].split("（")[0]
    parts = [province]
    if city != province and not city.startswith(province):
        parts.append(city)
    parts.append(county_name[c])
    return "".join(parts)
