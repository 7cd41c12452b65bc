"""One chunk of synthetic patents and their events, drawn column-wise with numpy.

The corpus is laid out in application-number order before any chunk is drawn (:func:`draw_filings`:
every row's year, kind, origin and dates, sorted by year, kind digit and application date; the serial
numbers count up in that order). A chunk is rows ``[start, start + size)`` of that layout — a
contiguous, increasing range of application numbers — and draws everything else with its own random
stream seeded by ``(seed, chunk index)``. Chunk size and layout blocks are fixed (:data:`CHUNK_ROWS`),
so the corpus depends only on ``(n, seed, as_of)``, and written chunk after chunk it is already in the
order a snapshot stores (:data:`zhichan.corpus.store.KEY_ORDER`): the commit finds it so and does not sort.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zhichan.corpus.generator import calibration as cal
from zhichan.corpus.generator import names as nm
from zhichan.corpus.generator import text as tx
from zhichan.corpus.generator.refdata import sei_codes_batch, tech_fields
from zhichan.corpus.generator.rows import Column, build_table, digests
from zhichan.corpus.generator.world import FOREIGN, KINDS, TYPES, World
from zhichan.corpus.records import PROVENANCE_FIELDS
from zhichan.corpus.records import amount_text as records_amount_text
from zhichan.corpus.schema import EVENTS, LEGAL_STATUS_GROUP, MONEY, PATENTS, LegalStatus
from zhichan.corpus.store import KEY_ORDER
from zhichan.corpus.validate import check_character

CHUNK_ROWS = 25_000
#: Share of drawn co-applications that find a co-applicant of the applicant's field (measured on the
#: demo corpus), so that calibration.CO_APPLICANT_SHARE is the share reached.
CO_APPLICANT_FOUND = 0.6
_VALIDATE_WEIGHTS = np.array((2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5), dtype=np.int64)
_EPOCH = dt.date(1970, 1, 1)
KIND_DIGIT = {"invention": 1, "utility_model": 2, "design": 3}
_PUB_A, _PUB_B = 48_271_207, 5_550_123  # bijection on [0, 10^8) for publication numbers


def _days(d: dt.date) -> int:
    return (d - _EPOCH).days


def _year_start_days(years: np.ndarray) -> np.ndarray:
    return (np.asarray(years, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def _years_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _add_years(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Anniversary dates (Feb 29 → Feb 28)."""
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    month = (m - y.astype("datetime64[M]")).astype(np.int64)
    day = (d - m.astype("datetime64[D]")).astype(np.int64)
    ny = y + years.astype(np.int64)
    nm_ = ny.astype("datetime64[M]") + month
    next_m = nm_ + 1
    last = (next_m.astype("datetime64[D]") - nm_.astype("datetime64[D]")).astype(np.int64) - 1
    return (nm_.astype("datetime64[D]") + np.minimum(day, last)).astype(np.int64)


@dataclass
class Chunk:
    patents: pa.Table
    events: pa.Table


class Intensity:
    """Cumulative intensity Λ(day) of a yearly growth table, to draw event counts and dates."""

    def __init__(self, table: dict[int, float], as_of: dt.date) -> None:
        self.origin = _days(dt.date(cal.FIRST_YEAR, 1, 1))
        self.end = _days(as_of)
        days = np.arange(self.origin, self.end + 2, dtype=np.int64)
        years = _years_of(days) + (days - _year_start_days(_years_of(days))) / 365.25
        rate = cal.interp_by_year(table, years) / 365.25  # per day
        self.cum = np.concatenate([[0.0], np.cumsum(rate)])  # cum[k] = Λ(origin + k)

    def at(self, day: np.ndarray) -> np.ndarray:
        idx = np.clip(day - self.origin, 0, len(self.cum) - 1)
        return self.cum[idx]

    def inverse(self, value: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(self.cum, value, side="left")
        return np.clip(idx, 0, len(self.cum) - 1) + self.origin


def _check_chars(digits: np.ndarray) -> np.ndarray:
    """CN application-number check characters for 12-digit integers (vectorized ZC 0006-2003)."""
    total = np.zeros(len(digits), dtype=np.int64)
    value = digits.copy()
    for pos in range(11, -1, -1):
        total += (value % 10) * _VALIDATE_WEIGHTS[pos]
        value //= 10
    rem = total % 11
    return np.where(rem == 10, "X", rem.astype(str))


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: a chunk allocates millions of acyclic lists and strings
    (freed by reference counting), and generation-2 collections over them cost ~25 % of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Filings:
    """Year, kind, origin, dates and serial number of consecutive rows of the corpus (compact dtypes)."""

    year: np.ndarray
    kind: np.ndarray  # index into KINDS
    foreign: np.ndarray
    pct_foreign: np.ndarray  # a foreign PCT national phase entry (kind digit 8)
    app: np.ndarray  # application day (days since 1970)
    pub: np.ndarray  # publication day
    serial: np.ndarray  # the 7-digit serial of the application number
    floor: np.ndarray  # the district-floor enterprise (pool index) holding the row, -1 for none (floor_rows)

    def __len__(self) -> int:
        return len(self.year)

    def rows(self, start: int, stop: int) -> Filings:
        return Filings(*(getattr(self, f)[start:stop] for f in _FILING_FIELDS))

    def key_prefix(self) -> np.ndarray:
        """year · 10 + kind digit: the application number's first five digits."""
        return self.year.astype(np.int64) * 10 + np.where(self.pct_foreign, 8, self.kind.astype(np.int64) + 1)


_FILING_FIELDS = ("year", "kind", "foreign", "pct_foreign", "app", "pub", "serial", "floor")
_FILING_DTYPES = (np.int16, np.int8, np.bool_, np.bool_, np.int32, np.int32, np.int32, np.int32)


def draw_filings(world: World, n: int, block_rows: int) -> Filings:
    """Every row's year, kind, origin and dates, in application-number order, with serial numbers.

    Drawn in blocks of ``block_rows`` rows, block *b* with its own stream seeded by ``(seed, b)``;
    then sorted by (year, kind digit, application day, drawing order) — stable, so the result is a
    function of ``(n, seed, as_of)`` — and numbered: the serial counts up from 0 within each year and
    kind digit, so numbers follow the filing dates as real ones do, and row *i* of the layout has
    the *i*-th smallest application number."""
    blocks = [_draw_block(world, np.random.default_rng([world.seed, 0xF11E, b]), min(block_rows, n - start))
              for b, start in enumerate(range(0, n, block_rows))]
    drawn = Filings(*(np.concatenate([getattr(block, f) for block in blocks]) for f in _FILING_FIELDS))
    del blocks
    prefix = drawn.key_prefix()
    app = drawn.app.astype(np.int64)
    order = np.argsort(prefix * 100_000 + (app - app.min()), kind="stable")  # < 100,000 days between filings
    del app
    layout = Filings(*(getattr(drawn, f)[order] for f in _FILING_FIELDS))
    prefix = prefix[order]
    del drawn, order
    starts = np.flatnonzero(np.concatenate([[True], prefix[1:] != prefix[:-1]]))
    first = np.repeat(starts, np.diff(np.concatenate([starts, [len(prefix)]])))
    layout.serial = (np.arange(len(prefix)) - first).astype(np.int32)  # < 10^7: at most MAX_PATENTS rows
    layout.floor = floor_rows(world, layout)
    return layout


def floor_rows(world: World, layout: Filings) -> np.ndarray:
    """The rows the district-floor enterprises hold (``World.floor_applicants``, one per county of
    :data:`calibration.DISTRICT_FLOOR_CITIES`), as ``Filings.floor``: each enterprise
    :data:`calibration.DISTRICT_FLOOR_INVENTIONS` domestic inventions (no PCT national phase) — the first filed 11–15
    years before ``as_of`` (high-value by criterion 3 once valid), the next 5–8 years before — picked among such rows
    with a stream of their own (a corpus too small to have enough gives what it has). The chunk holding a row gives it
    to the enterprise, keeps it in force at ``as_of`` (:func:`_status`) and never transferred (:func:`_transactions`);
    the rows drawn after it in that chunk draw from where its draws left the stream, so the chunk is a draw of its own
    from the same tables (the calibration holds: tests/corpus/test_generator_calibration.py)."""
    floor = np.full(len(layout), -1, dtype=np.int32)
    owners = world.floor_applicants
    if not len(owners):
        return floor
    rng = np.random.default_rng([world.seed, 0xF100, 2])
    as_of = np.datetime64(world.as_of, "D")
    app = layout.app.astype("datetime64[D]")
    domestic_invention = (layout.kind == 0) & ~layout.foreign & ~layout.pct_foreign
    for k in range(cal.DISTRICT_FLOOR_INVENTIONS):
        newest, oldest = ((11, 15), (5, 8))[min(k, 1)]
        window = ((as_of - np.timedelta64(366 * oldest, "D") <= app) & (app <= as_of - np.timedelta64(366 * newest, "D")))
        free = np.flatnonzero(domestic_invention & window & (floor < 0))
        picked = rng.choice(free, size=min(len(free), len(owners)), replace=False)
        floor[picked] = owners[: len(picked)]
    return floor


def _draw_block(world: World, rng: np.random.Generator, m: int) -> Filings:
    """Kind, year, origin and dates of ``m`` filings; records not yet published at ``as_of`` are not in
    any database: they are drawn again."""
    as_of_d = _days(world.as_of)
    cell = np.searchsorted(world.cell_cum, rng.random(m), side="right").clip(0, len(world.cells) - 1)
    year = world.cells[cell, 0]
    kind = world.cells[cell, 1]
    foreign = world.cells[cell, 2].astype(bool)
    app = _year_start_days(year) + rng.integers(0, 365, size=m)
    pct_foreign = foreign & (kind == 0) & (rng.random(m) < 0.6)
    pub = _publication_days(rng, app, kind, year, pct_foreign)
    for _ in range(30):  # records not yet published at as_of are not in any database: draw again
        late = np.flatnonzero((pub > as_of_d) | (app > as_of_d))
        if len(late) == 0:
            break
        c2 = np.searchsorted(world.cell_cum, rng.random(len(late)), side="right").clip(0, len(world.cells) - 1)
        year[late], kind[late] = world.cells[c2, 0], world.cells[c2, 1]
        foreign[late] = world.cells[c2, 2].astype(bool)
        app[late] = _year_start_days(year[late]) + rng.integers(0, 365, size=len(late))
        pct_foreign[late] = foreign[late] & (kind[late] == 0) & (rng.random(len(late)) < 0.6)
        pub[late] = _publication_days(rng, app[late], kind[late], year[late], pct_foreign[late])
    else:  # pragma: no cover - vanishingly rare: move what is left two years back
        late = np.flatnonzero((pub > as_of_d) | (app > as_of_d))
        app[late] -= 730
        pub[late] -= 730
        year[late] = _years_of(app[late])
    values = (year, kind, foreign, pct_foreign, app, pub, np.zeros(m), np.full(m, -1))
    return Filings(*(v.astype(t) for v, t in zip(values, _FILING_DTYPES, strict=True)))


def generate_chunk(world: World, chunk_index: int, filings: Filings, start: int, ctx: ChunkContext) -> Chunk:
    """Rows ``[start, start + len(filings))`` of the corpus (``filings``: their part of :func:`draw_filings`)."""
    with no_cyclic_gc():
        return _generate_chunk(world, chunk_index, filings, start, ctx)


def _generate_chunk(world: World, chunk_index: int, filings: Filings, start: int, ctx: ChunkContext) -> Chunk:
    rng = np.random.default_rng([world.seed, 0xC0DE, chunk_index])
    as_of_d = _days(world.as_of)
    m = len(filings)
    rows = np.arange(start, start + m, dtype=np.int64)

    # ---------------------------------------------------------------- kind, year, origin, dates (laid out)
    year, kind = filings.year.astype(np.int64), filings.kind.astype(np.int64)
    foreign, pct_foreign = filings.foreign.copy(), filings.pct_foreign.copy()
    app, pub = filings.app.astype(np.int64), filings.pub.astype(np.int64)
    is_inv, is_um, is_des = kind == 0, kind == 1, kind == 2

    # ---------------------------------------------------------------- applicants and region
    prov = _rowwise_search(world.province_cum, kind, rng.random(m))
    ptype = _rowwise_search(world.type_cum, kind, rng.random(m))
    lo = world.seg_start[prov, ptype]
    hi = world.seg_end[prov, ptype]
    country = np.searchsorted(ctx.foreign_cum, rng.random(m), side="right").clip(0, len(FOREIGN) - 1)
    lo = np.where(foreign, world.foreign_start[country], lo)
    hi = np.where(foreign, world.foreign_end[country], hi)
    applicant = _draw_in_segment(world.pool_cw, lo, hi, rng.random(m))
    # focus cities get at least their floor share (see calibration.FOCUS_CITY_FLOOR)
    fu = rng.random(m)
    fv = rng.random(m)
    edges = np.cumsum(world.focus_prob)
    for fi in range(len(edges)):
        low = edges[fi - 1] if fi else 0.0
        move = ~foreign & (fu >= low) & (fu < edges[fi])
        for ti, (members, cw) in enumerate(world.focus_members[fi]):
            sel = move & (ptype == ti)
            if len(members) == 0 or not sel.any():
                continue
            applicant[sel] = members[np.searchsorted(cw, fv[sel], side="right").clip(0, len(members) - 1)]
    # the district floor's rows (floor_rows): their county's enterprise, alone, kept in force (_status)
    held = filings.floor >= 0
    applicant[held] = filings.floor[held]
    ptype = np.where(foreign, 0, world.pool_type_idx[applicant])
    prov = np.where(foreign, prov, _province_index(world, applicant, prov))
    # drawn more often than the target: ≈ 60 % find a co-applicant of the same field (below)
    co = rng.random(m) < np.array([cal.CO_APPLICANT_SHARE[k] for k in KINDS])[kind] / CO_APPLICANT_FOUND
    co_type = np.where(rng.random(m) < 0.55, 0, np.where(rng.random(m) < 0.8, 1, 2))
    co_lo = np.where(foreign, lo, world.seg_start[prov, co_type])
    co_hi = np.where(foreign, hi, world.seg_end[prov, co_type])
    # the co-applicant works in the applicant's field (same IPC section of its focus): the first of
    # up to 32 candidates that does (≈ 1 in 5 does); without one, the patent has no co-applicant
    own_section = world.subclass_section_idx[world.pool_focus[applicant]]
    co_applicant = np.full(m, -1, dtype=np.int64)
    u_co = rng.random((32, m))
    pending = np.flatnonzero(co)
    for t in range(32):
        if len(pending) == 0:
            break
        candidate = _draw_in_segment(world.pool_cw, co_lo[pending], co_hi[pending], u_co[t, pending])
        fits = world.subclass_section_idx[world.pool_focus[candidate]] == own_section[pending]
        co_applicant[pending[fits]] = candidate[fits]
        pending = pending[~fits]
    co &= (co_applicant >= 0) & (co_applicant != applicant) & ~held
    co_applicant = np.where(co_applicant >= 0, co_applicant, applicant)

    # ---------------------------------------------------------------- IPC
    n_sub = len(world.ipc.subclasses)
    own_focus = rng.random(m) < 0.65
    # the other patents of an applicant stay in its field: a subclass of the IPC class of its focus
    focus = world.pool_focus[applicant]
    focus_class = world.subclass_class_idx[focus]
    sub_global = _rowwise_search(world.subclass_cum_class, np.minimum(kind, 1) * world.n_classes + focus_class,
                                 rng.random(m)).clip(0, n_sub - 1)
    main_sub = np.where(own_focus, focus, sub_global)
    # the district floor's inventions stay outside the SEI concordance where their subclass allows: high-value by
    # their age alone (the older one), so the floor lifts its city's high-value share no more than its valid inventions
    sei_pref = (rng.random(m) < ctx.sei_bias[kind]) & ~held
    # inventions meant to stay outside the SEI concordance move to a subclass that has such codes
    only_sei = world.ipc.sei_end[main_sub] >= world.ipc.subclass_end[main_sub]
    move = is_inv & ~sei_pref & only_sei
    main_sub[move] = _rowwise_search(world.subclass_cum_class, 2 * world.n_classes + focus_class[move],
                                     rng.random(int(move.sum()))).clip(0, n_sub - 1)
    # a utility model protects a product's shape or structure, not a substance: chemistry applicants'
    # utility models are mostly their apparatus (B01 mixers, reactors, separators), so section C
    # keeps only the utility-model share of chemistry (calibration.SECTION_MIX)
    to_apparatus = is_um & (world.subclass_section_idx[main_sub] == 2) & (rng.random(m) < world.um_chemistry_to_apparatus)
    main_sub[to_apparatus] = world.apparatus_subclasses[
        np.searchsorted(world.apparatus_cum, rng.random(int(to_apparatus.sum())), side="right").clip(
            0, len(world.apparatus_subclasses) - 1)]
    main_code = _draw_code(world, main_sub, sei_pref, rng)
    n_extra = np.where(is_inv, rng.choice(5, size=m, p=[0.3, 0.3, 0.2, 0.12, 0.08]),
                       rng.choice(4, size=m, p=[0.55, 0.25, 0.12, 0.08]))
    n_extra[is_des] = 0
    extra_owner = np.repeat(np.arange(m), n_extra)
    same_sub = rng.random(len(extra_owner)) < 0.7
    other_cum = np.where(sei_pref[extra_owner] | ~is_inv[extra_owner], 0, 1)  # 0: any subclass, 1: non-SEI ones
    other_sub = np.where(
        other_cum == 0,
        _rowwise_search(world.subclass_cum, np.minimum(kind[extra_owner], 1), rng.random(len(extra_owner))),
        _rowwise_search(world.subclass_cum_non, np.zeros(len(extra_owner), dtype=np.int64), rng.random(len(extra_owner))),
    ).clip(0, n_sub - 1)
    extra_sub = np.where(same_sub, main_sub[extra_owner], other_sub)
    extra_code = _draw_code(world, extra_sub, sei_pref[extra_owner], rng)

    # ---------------------------------------------------------------- status and dates
    st = _status(world, rng, app, pub, kind, year, foreign, ptype, held)

    # ---------------------------------------------------------------- PCT, family, citations
    pct_dom = ~foreign & is_inv & (rng.random(m) < ctx.pct_rate[prov])
    pct_app = np.where(pct_foreign, app, app + rng.integers(200, 366, size=m))
    has_pct = (pct_dom | pct_foreign) & (pct_app <= as_of_d)
    pct_pub = pct_app + 548
    national_entry = np.where(pct_foreign, app + rng.integers(900, 930, size=m), -1)
    granted_ever = st["grant"] >= 0
    abroad_p = np.where(pct_dom, cal.FAMILY_ABROAD_PCT, cal.FAMILY_ABROAD_OTHER)
    foreign_grant_day = app + rng.integers(3 * 365, 6 * 365, size=m)
    family_abroad = np.where(foreign, is_inv & (rng.random(m) < 0.85),
                             is_inv & granted_ever & (rng.random(m) < abroad_p) & (foreign_grant_day <= as_of_d))
    filed_abroad = family_abroad | (foreign & is_inv) | (pct_dom & (rng.random(m) < 0.5))
    backward = np.where(is_des, 0, rng.poisson(np.where(is_inv, 5.0, 2.5)))
    npl = np.where(is_inv & (rng.random(m) < 0.25), rng.integers(1, 3, size=m), 0)
    age_years = (as_of_d - app) / 365.25
    forward = np.where(is_des, 0, rng.poisson(np.where(is_inv, 0.35, 0.12) * age_years * (1 + 2 * family_abroad)))

    # ---------------------------------------------------------------- transactions
    ev = _transactions(world, ctx, rng, st, kind, foreign, ptype, applicant, prov, rows, granted_ever, is_inv, is_um, held)

    # ---------------------------------------------------------------- rows
    patents = _patent_table(world, ctx, rng, rows, filings.serial.astype(np.int64), kind, year, app, pub, st, foreign,
                            applicant, co, co_applicant,
                            country, main_code, extra_owner, extra_code,
                            has_pct, pct_foreign, pct_app, pct_pub, national_entry, family_abroad, filed_abroad,
                            backward, npl, forward, ev, prov)
    events = _event_table(world, ev)
    return Chunk(patents=patents, events=events)


@dataclass
class ChunkContext:
    """Per-corpus tables derived from the world (computed once)."""

    foreign_cum: np.ndarray
    sei_bias: np.ndarray
    pct_rate: np.ndarray  # per province
    transfer: Intensity
    pledge: Intensity
    award_rate: dict[str, float]
    kind_names: pa.Array  # KINDS
    type_names: pa.Array  # TYPES
    county_code: pa.Array
    county_city: pa.Array
    county_province: pa.Array
    agency_names: pa.Array


def make_context(world: World) -> ChunkContext:
    fc = np.array([cal.FOREIGN_COUNTRIES[c] for c in FOREIGN])
    pw = cal.province_weights()["invention"]
    pct = cal.pct_2023()
    rates = np.array([cal.PCT_RATE_2023 * pct[p] / pw[p] for p in world.provinces])
    return ChunkContext(
        foreign_cum=np.cumsum(fc) / fc.sum(),
        sei_bias=np.array([cal.SEI_BIAS[k] for k in KINDS]),
        pct_rate=np.minimum(rates, 0.5),
        transfer=Intensity(cal.TRANSFER_GROWTH, world.as_of),
        pledge=Intensity(cal.PLEDGE_GROWTH, world.as_of),
        award_rate={},
        kind_names=pa.array(KINDS, pa.string()),
        type_names=pa.array(TYPES, pa.string()),
        county_code=pa.array(world.county_code.tolist(), pa.string()),
        county_city=pa.array(world.county_city.tolist(), pa.string()),
        county_province=pa.array(world.county_province.tolist(), pa.string()),
        agency_names=pa.array(world.agency_name, pa.string()),
    )


def _province_index(world: World, applicant: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    county = world.pool_county[applicant]
    codes = world.county_province[np.maximum(county, 0)]
    index = {p: i for i, p in enumerate(world.provinces)}
    found = np.array([index[c] for c in codes.tolist()], dtype=np.int64) if len(codes) else fallback
    return np.where(county >= 0, found, fallback)


def _rowwise_search(cum: np.ndarray, which: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``searchsorted(cum[which[i]], u[i])`` for every i (few distinct ``which``)."""
    out = np.empty(len(u), dtype=np.int64)
    for k in np.unique(which):
        mask = which == k
        out[mask] = np.searchsorted(cum[k], u[mask], side="right")
    return out.clip(0, cum.shape[1] - 1)


class _NameKeys:
    """The pool's parties as the platform tells them apart: by :func:`zhichan.corpus.parties.normalize_name` of their
    names — the key a right's first patentee and the subsidy measure's assignor are compared by — each name keyed once."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.keys: dict[int, str] = {}

    def of(self, idx: np.ndarray) -> np.ndarray:
        from zhichan.corpus.parties import normalize_name

        uniq, inverse = np.unique(idx, return_inverse=True)
        new = [int(i) for i in uniq if int(i) not in self.keys]
        if new:
            names = self.world.pool.name.take(pa.array(new, pa.int64())).to_pylist()
            self.keys.update(zip(new, (normalize_name(x) for x in names), strict=True))
        return np.array([self.keys[int(i)] for i in uniq], dtype=object)[inverse.reshape(-1)]

    def other_party(self, to: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                    source: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """``to`` (pool indices drawn in ``lo``–``hi``), where one is the party it comes from (``source(to)``: a
        transfer's assignor is the previous assignee) moved to the segment's next entry — a deterministic step, no
        random draw, so every other record stays as drawn; a segment of one moves to the pool's next entry."""
        size = hi - lo
        for _ in range(64):
            same = self.of(source(to)) == self.of(to)
            if not same.any():
                return to
            step = np.where(size > 1, lo + (to - lo + 1) % np.maximum(size, 1), (to + 1) % (len(self.world.pool_cw) - 1))
            to = np.where(same, step, to)
        raise AssertionError("a transfer or licence to its own source")  # pragma: no cover - 64 neighbours with one name


def _draw_in_segment(cw: np.ndarray, lo: np.ndarray, hi: np.ndarray, u: np.ndarray) -> np.ndarray:
    a, b = cw[lo], cw[hi]
    idx = np.searchsorted(cw, a + u * (b - a), side="right") - 1
    return np.clip(idx, lo, np.maximum(hi - 1, lo))


def _draw_code(world: World, sub: np.ndarray, sei_pref: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    ipc = world.ipc
    start, end = ipc.subclass_start[sub], ipc.subclass_end[sub]
    s_lo, s_hi = ipc.sei_start[sub], ipc.sei_end[sub]
    has_sei = s_hi > s_lo
    has_non = end > s_hi
    use_sei = np.where(sei_pref, has_sei, ~has_non)
    lo = np.where(use_sei, s_lo, s_hi)
    hi = np.where(use_sei, s_hi, end)
    lo, hi = np.where(hi > lo, lo, start), np.where(hi > lo, hi, end)
    return lo + (rng.random(len(sub)) * (hi - lo)).astype(np.int64)


def _publication_days(rng: np.random.Generator, app: np.ndarray, kind: np.ndarray, year: np.ndarray,
                      pct_foreign: np.ndarray) -> np.ndarray:
    m = len(app)
    inv = np.where(rng.random(m) < 0.75, 548, rng.integers(90, 548, size=m))
    inv = np.where(pct_foreign, 990 + rng.integers(0, 120, size=m), inv)
    um = (cal.interp_by_year(cal.UTILITY_PENDENCY_MONTHS, year) * 30.4 * rng.gamma(6.0, 1 / 6.0, size=m)).astype(np.int64) + 20
    des = (cal.interp_by_year(cal.DESIGN_PENDENCY_MONTHS, year) * 30.4 * rng.gamma(6.0, 1 / 6.0, size=m)).astype(np.int64) + 20
    return app + np.select([kind == 0, kind == 1], [inv, um], des)


_LS = [s.value for s in LegalStatus]
_LS_INDEX = {s: i for i, s in enumerate(_LS)}


def _status(world: World, rng: np.random.Generator, app: np.ndarray, pub: np.ndarray, kind: np.ndarray,
            year: np.ndarray, foreign: np.ndarray, ptype: np.ndarray, keep: np.ndarray) -> dict[str, np.ndarray]:
    """Grant, lapse and legal status as of ``as_of`` (days since 1970; -1 = none). The inventions of ``keep`` (the
    district floor's) are granted by ``as_of`` and in force then: drawn like the others, their outcome, lapse and
    invalidation overridden."""
    m = len(app)
    as_of_d = _days(world.as_of)
    is_inv = kind == 0
    exam = app + (rng.gamma(2.0, 0.5, size=m) * 365).astype(np.int64).clip(60, 3 * 365)
    pend = (cal.interp_by_year(cal.INVENTION_PENDENCY_MONTHS, year) * 30.4 * rng.gamma(5.0, 1 / 5.0, size=m)).astype(np.int64)
    decision = np.maximum(app + pend, pub + 30)
    decision = np.maximum(decision, exam + 120)
    u = rng.random(m)
    gp = np.where(foreign, cal.INVENTION_GRANT_RATE_FOREIGN, cal.interp_by_year(cal.INVENTION_GRANT_RATE, year))
    rp = gp + (1.0 - gp) * cal.INVENTION_REJECT_SHARE
    outcome = np.where(u < gp, 0, np.where(u < rp, 1, 2))  # 0 grant, 1 reject, 2 withdraw
    outcome[keep] = 0
    decision[keep] = np.minimum(decision[keep], as_of_d)
    withdraw_day = np.where(rng.random(m) < 0.5, app + 3 * 365 + 60, decision)  # no exam request → deemed withdrawn
    grant = np.where(is_inv, np.where(outcome == 0, decision, -1), pub)
    status = np.full(m, _LS_INDEX["granted"], dtype=np.int64)
    status_date = grant.copy()
    lapse = np.full(m, -1, dtype=np.int64)

    # inventions not (yet) granted
    dead_day = np.where(outcome == 1, decision, withdraw_day)
    inv_dead = is_inv & (outcome != 0) & (dead_day <= as_of_d)
    inv_pending = is_inv & (((outcome == 0) & (decision > as_of_d)) | ((outcome != 0) & (dead_day > as_of_d)))
    status[inv_dead] = np.where(outcome[inv_dead] == 1, _LS_INDEX["rejected"], _LS_INDEX["withdrawn"])
    lapse[inv_dead] = dead_day[inv_dead]
    status_date[inv_dead] = dead_day[inv_dead]
    under_exam = inv_pending & (exam <= as_of_d)
    status[inv_pending] = np.where(under_exam[inv_pending], _LS_INDEX["under_examination"], _LS_INDEX["published"])
    status_date[inv_pending] = np.where(under_exam[inv_pending], exam[inv_pending], pub[inv_pending])
    grant[inv_pending | inv_dead] = -1

    granted = grant >= 0
    # lapse for unpaid annuities: age in years at which the annuity is not paid (conditional on grant age)
    term = np.array([cal.TERM_YEARS[k] for k in KINDS])[kind]
    d15 = _days(cal.DESIGN_15_YEARS_FROM)
    term = np.where((kind == 2) & (app >= d15), 15, term)
    factor = np.where(foreign, cal.FOREIGN_HAZARD_FACTOR, 1.0) * np.where(ptype == 1, cal.UNIVERSITY_HAZARD_FACTOR, 1.0)
    grant_age = np.where(granted, (grant - app) // 365, 0)
    lapse_year = np.full(m, 99, dtype=np.int64)
    e = rng.exponential(1.0, size=m) / factor
    for k, kname in enumerate(KINDS):
        sel = (kind == k) & granted
        if not sel.any():
            continue
        hz = np.array(cal.LAPSE_HAZARD[kname] + [0.0] * 5)
        if kname == "design":
            hz[15:] = 0.25
        hcum = np.concatenate([[0.0], np.cumsum(-np.log1p(-np.minimum(hz, 0.999)))])  # H(t) at t = 0..25
        base = hcum[np.minimum(grant_age[sel] + 1, 25)]
        lapse_year[sel] = np.searchsorted(hcum, base + e[sel], side="left")
    lapse_year[keep] = 99  # in force to the end of its term
    lapse_year = np.maximum(lapse_year, grant_age + 1)
    expires = granted & (lapse_year >= term)
    lapse_due = np.where(expires, _add_years(app, term), _add_years(app, np.minimum(lapse_year, 30)))
    ended = granted & (lapse_due <= as_of_d)
    status[ended & expires] = _LS_INDEX["expired"]
    status[ended & ~expires] = _LS_INDEX["lapsed_unpaid"]
    lapse[ended] = lapse_due[ended]
    status_date[ended & expires] = lapse_due[ended & expires]
    announce = lapse_due + rng.integers(120, 300, size=m)
    status_date[ended & ~expires] = np.minimum(announce, as_of_d)[ended & ~expires]

    # invalidation in full
    inv_share = np.array([cal.INVALIDATED_SHARE[k] for k in KINDS])[kind]
    invalid = granted & (rng.random(m) < inv_share)
    end_right = np.where(lapse >= 0, lapse, as_of_d)
    inv_day = grant + 180 + (rng.random(m) * np.maximum(end_right - grant - 180, 1)).astype(np.int64)
    invalid &= (inv_day <= as_of_d) & (inv_day < end_right) & ~keep
    status[invalid] = _LS_INDEX["invalidated"]
    lapse[invalid] = inv_day[invalid]
    status_date[invalid] = inv_day[invalid]
    # utility models given up for the same-day invention
    abandon = (kind == 1) & granted & (rng.random(m) < cal.UTILITY_ABANDON_SHARE)
    ab_day = app + rng.integers(700, 1200, size=m)
    abandon &= (ab_day <= as_of_d) & ((lapse < 0) | (ab_day < lapse)) & ~invalid
    status[abandon] = _LS_INDEX["abandoned"]
    lapse[abandon] = ab_day[abandon]
    status_date[abandon] = ab_day[abandon]
    return {
        "grant": grant, "lapse": lapse, "status": status, "status_date": status_date, "exam": np.where(is_inv, exam, -1),
        "invalid": invalid,
    }


def _transactions(world: World, ctx: ChunkContext, rng: np.random.Generator, st: dict[str, np.ndarray],
                  kind: np.ndarray, foreign: np.ndarray, ptype: np.ndarray, applicant: np.ndarray,
                  prov: np.ndarray, rows: np.ndarray, granted: np.ndarray, is_inv: np.ndarray,
                  is_um: np.ndarray, kept: np.ndarray) -> dict[str, np.ndarray]:
    """Transfers, licences, pledges, awards and invalidation requests; ``kept`` (the district floor's inventions) are
    never transferred: their county's enterprise holds them."""
    m = len(kind)
    as_of_d = _days(world.as_of)
    g = st["grant"]
    end = np.where(st["lapse"] >= 0, st["lapse"], as_of_d)
    start = np.where(granted, g, as_of_d)
    end = np.maximum(end, start)
    lam_t = ctx.transfer.at(end) - ctx.transfer.at(start)
    lam_p = ctx.pledge.at(end) - ctx.pledge.at(start)
    t_rate = np.array([cal.TRANSFER_RATE_2024[k] for k in KINDS])[kind] * np.where(ptype == 1, 1.8, 1.0)
    l_rate = np.array([cal.LICENCE_RATE_2024[k] for k in KINDS])[kind] * np.where(ptype == 1, 3.0, 1.0)
    p_rate = np.array([cal.PLEDGE_RATE_2024[k] for k in KINDS])[kind] * (ptype == 0) * ~foreign
    n_t = rng.poisson(t_rate * lam_t * (granted & ~kept))
    n_l = rng.poisson(l_rate * lam_t * granted)
    n_p = rng.poisson(p_rate * lam_p * granted)

    def draw_dates(counts: np.ndarray, inten: Intensity) -> tuple[np.ndarray, np.ndarray]:
        owner = np.repeat(np.arange(m), counts)
        a, b = inten.at(start[owner]), inten.at(end[owner])
        days = inten.inverse(a + rng.random(len(owner)) * (b - a))
        days = np.clip(days, start[owner], np.minimum(end[owner], as_of_d))
        order = np.lexsort((days, owner))
        return owner[order], days[order]

    t_owner, t_day = draw_dates(n_t, ctx.transfer)
    l_owner, l_day = draw_dates(n_l, ctx.transfer)
    p_owner, p_day = draw_dates(n_p, ctx.pledge)

    # transfer assignees: an enterprise of the same province (70 %) or anywhere
    nt = len(t_owner)
    same = rng.random(nt) < 0.7
    any_prov = _rowwise_search(world.province_cum, np.zeros(nt, dtype=np.int64), rng.random(nt))
    tp = np.where(same & ~foreign[t_owner], prov[t_owner], any_prov)
    assignee = _draw_in_segment(world.pool_cw, world.seg_start[tp, 0], world.seg_end[tp, 0], rng.random(nt))
    holder = applicant.copy()
    # previous holder of each transfer: the owner's applicant or the previous assignee — never the assignee itself
    first_of_owner = np.ones(nt, dtype=bool)
    first_of_owner[1:] = t_owner[1:] != t_owner[:-1]
    names = _NameKeys(world)
    assignee = names.other_party(assignee, world.seg_start[tp, 0], world.seg_end[tp, 0],
                                 lambda to: np.where(first_of_owner, applicant[t_owner], np.roll(to, 1)))
    assignor = np.where(first_of_owner, applicant[t_owner], np.roll(assignee, 1))
    if nt:
        holder[t_owner] = assignee  # last write wins: transfers are sorted by date within owner
    first_transfer = np.full(m, np.iinfo(np.int64).max)
    if nt:
        first_transfer[t_owner[first_of_owner]] = t_day[first_of_owner]
    licensee = _draw_in_segment(world.pool_cw, world.seg_start[prov[l_owner], 0], world.seg_end[prov[l_owner], 0],
                                rng.random(len(l_owner)))
    l_from = np.where(l_day < first_transfer[l_owner], applicant[l_owner], holder[l_owner])
    licensee = names.other_party(licensee, world.seg_start[prov[l_owner], 0], world.seg_end[prov[l_owner], 0],
                                 lambda _: l_from)
    p_from = np.where(p_day < first_transfer[p_owner], applicant[p_owner], holder[p_owner])
    p_amount = np.round(cal.PLEDGE_AMOUNT_MEDIAN_YUAN * np.exp(cal.PLEDGE_AMOUNT_SIGMA * rng.standard_normal(len(p_owner))), -4)
    p_amount = np.maximum(p_amount, 100_000.0)
    p_release = p_day + rng.integers(300, 1100, size=len(p_owner))
    p_bank = rng.choice(len(nm.BANKS), size=len(p_owner), p=_BANK_P)
    l_fee = np.where(rng.random(len(l_owner)) < 0.4, np.round(np.exp(11.5 + 1.2 * rng.standard_normal(len(l_owner))), -3), np.nan)

    # awards: domestic granted inventions (and a few utility models / designs) valid at the award date
    award_p = np.where(is_inv, cal.CHINA_PATENT_AWARD_P["invention"], np.where(
        is_um, cal.CHINA_PATENT_AWARD_P["utility_model"], cal.CHINA_PATENT_AWARD_P["design"])) * ~foreign * (1 + (ptype == 1) + (ptype == 2))
    award_day = np.where(granted, g + rng.integers(365, 5 * 365, size=m), -1)
    award_day = _days_of_year_month(award_day, 7, 15)
    has_award = granted & (rng.random(m) < award_p) & (award_day <= as_of_d) & (award_day < end)
    lvl = rng.random(m)
    award_level = np.where(lvl < 0.045, 0, np.where(lvl < 0.115, 1, 2))  # gold, silver, excellence
    sti_p = np.where(is_inv, cal.NATIONAL_STI_P, 0.0) * ~foreign * (1 + 2 * (ptype == 1) + (ptype == 2))
    sti_day = _days_of_year_month(np.where(granted, g + rng.integers(2 * 365, 7 * 365, size=m), -1), 1, 10)
    has_sti = granted & (rng.random(m) < sti_p) & (sti_day <= as_of_d) & (sti_day < end)
    sti_level = np.where(rng.random(m) < 0.2, 0, 1)  # first / second prize
    # invalidation requests (decided): the invalidated ones plus some upheld
    req = granted & (rng.random(m) < 0.0012) & ~st["invalid"]
    req_day = np.where(granted, g + rng.integers(200, 2000, size=m), -1)
    req &= (req_day <= as_of_d) & (req_day < end)
    return {
        "holder": holder, "n_t": n_t, "n_l": n_l, "n_p": n_p,
        "t_owner": t_owner, "t_day": t_day, "t_from": assignor, "t_to": assignee,
        "l_owner": l_owner, "l_day": l_day, "l_from": l_from, "l_to": licensee, "l_fee": l_fee,
        "p_owner": p_owner, "p_day": p_day, "p_from": p_from, "p_amount": p_amount, "p_release": p_release, "p_bank": p_bank,
        "award": has_award, "award_day": award_day, "award_level": award_level,
        "sti": has_sti, "sti_day": sti_day, "sti_level": sti_level,
        "inv_req": req, "inv_req_day": req_day, "rows": rows, "prov": prov,
        "status": st["status"], "status_date": st["status_date"], "lapse": st["lapse"], "invalid": st["invalid"],
    }


_BANK_P = np.array([w for _, w in nm.BANKS]) / sum(w for _, w in nm.BANKS)


def _days_of_year_month(days: np.ndarray, month: int, day: int) -> np.ndarray:
    years = _years_of(np.maximum(days, 0))
    out = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    return np.where(days < 0, -1, out.astype("datetime64[D]").astype(np.int64) + day - 1)


# --------------------------------------------------------------------------------------------
# table building
# --------------------------------------------------------------------------------------------
_CONTENT_FIELDS = [f for f in PATENTS.names if f not in PROVENANCE_FIELDS]


def _date_array(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.int32(), mask=days < 0).cast(pa.date32())


def _iso(days: np.ndarray) -> list[str | None]:
    text = days.astype("datetime64[D]").astype(str)
    return [None if d < 0 else t for d, t in zip(days.tolist(), text.tolist(), strict=True)]


def _patent_table(world: World, ctx: ChunkContext, rng: np.random.Generator, rows: np.ndarray, serial: np.ndarray,
                  kind: np.ndarray,
                  year: np.ndarray, app: np.ndarray, pub: np.ndarray, st: dict[str, np.ndarray], foreign: np.ndarray,
                  applicant: np.ndarray, co: np.ndarray, co_applicant: np.ndarray, country: np.ndarray,
                  main_code: np.ndarray, extra_owner: np.ndarray, extra_code: np.ndarray, has_pct: np.ndarray, pct_foreign: np.ndarray, pct_app: np.ndarray,
                  pct_pub: np.ndarray, national_entry: np.ndarray, family_abroad: np.ndarray,
                  filed_abroad: np.ndarray, backward: np.ndarray, npl: np.ndarray, forward: np.ndarray,
                  ev: dict[str, np.ndarray], prov: np.ndarray) -> pa.Table:
    m = len(rows)
    as_of_d = _days(world.as_of)
    ipc = world.ipc
    pool = world.pool
    kinds = ctx.kind_names.take(kind)
    # application and publication numbers (12 digits: the year has four)
    kind_digit = np.where(pct_foreign, 8, kind + 1)
    digits = year * 10**8 + kind_digit * 10**7 + serial
    app_no_arr = pc.binary_join_element_wise("CN", pa.array(digits).cast(pa.string()), ".", pa.array(_check_chars(digits)), "")
    ev["app_no"] = app_no_arr
    ev["digits"] = digits
    pubnum = pc.utf8_lpad(pa.array((rows * _PUB_A + _PUB_B) % 100_000_000).cast(pa.string()), 8, "0")
    granted = st["grant"] >= 0
    pub_no_arr = pc.binary_join_element_wise(_KIND_PREFIX.take(kind), pubnum, _PUB_SUFFIX.take(kind), "")
    grant_no_arr = pc.if_else(pa.array(kind == 0), pc.binary_join_element_wise(_KIND_PREFIX.take(kind), pubnum, "B", ""),
                              pub_no_arr)
    grant_no_arr = pc.if_else(pa.array((kind != 0) | granted), grant_no_arr, pa.scalar(None, pa.string()))
    pub_no = pub_no_arr.to_pylist()

    # applicants: the applicant, then the co-applicant; the holders now: the assignee of the last
    # transfer alone, or the applicants
    holder = ev["holder"]
    transferred = holder != applicant
    app_idx, app_off = _two_per_row(applicant, co_applicant, co)
    cur_idx, cur_off = _two_per_row(holder, co_applicant, co & ~transferred)
    applicants = pa.ListArray.from_arrays(app_off, pool.name.take(app_idx))
    a_types = pa.ListArray.from_arrays(app_off, ctx.type_names.take(world.pool_type_idx[app_idx]))
    a_uscc = pa.ListArray.from_arrays(app_off, pool.uscc.take(app_idx).fill_null(""))
    current = pa.ListArray.from_arrays(cur_off, pool.name.take(cur_idx))
    address = _none_if_empty(pool.address.take(applicant))
    postal = _none_if_empty(pool.postal.take(applicant))
    # the (first) applicant's county, where its address lies — also after a transfer: an export's 申请人地址 and 国省代码
    # name the applicant as filed (the holders now are 当前权利人, a column of their own with no address), and an import
    # places a record by that address (``importing._resolve_regions``); a foreign (or 港澳台) applicant's has none, even
    # once sold to a domestic holder — an import resolves no mainland county for a foreign one
    hc = np.where(foreign, -1, world.pool_county[applicant])
    hc_index = pa.array(hc, mask=hc < 0)
    ctry = np.where(foreign, np.array(FOREIGN)[country], "CN")
    hk_tw_mo = np.isin(ctry, ["HK", "TW", "MO"])

    # IPC lists
    codes = ipc.codes
    extra_start = np.searchsorted(extra_owner, np.arange(m), side="left")
    extra_end = np.searchsorted(extra_owner, np.arange(m), side="right")
    ipc_lists: list[list[str]] = []
    main_ipc: list[str | None] = []
    for i, k in enumerate(kind.tolist()):
        if k == 2:
            ipc_lists.append([])
            main_ipc.append(None)
            continue
        main = codes[main_code[i]]
        lst = [main]
        for j in range(extra_start[i], extra_end[i]):
            c = codes[extra_code[j]]
            if c not in lst:
                lst.append(c)
        ipc_lists.append(lst)
        main_ipc.append(main)
    subclasses = [sorted({c[:4] for c in lst}) for lst in ipc_lists]

    # texts
    texts = tx.patent_texts(rng, kind, main_code, ipc)
    titles, abstracts, claims, claim_counts = texts
    sei = sei_codes_batch(ipc_lists, [f"{t} {a}" if a else t for t, a in zip(titles, abstracts, strict=True)])
    tf = tech_fields([c for c in main_ipc if c])
    tf_iter = iter(tf)
    tech = [None if c is None else next(tf_iter) for c in main_ipc]

    # inventors and agents
    n_inv = np.where(kind == 2, rng.integers(1, 3, size=m), rng.integers(1, 7, size=m))
    is_person = world.pool_type_idx[applicant] == 3
    n_inv = np.where(is_person, np.minimum(n_inv, 2), n_inv)
    team = np.minimum(3 + (world.pool_cw[applicant + 1] - world.pool_cw[applicant]).astype(np.int64) * 3, 400)
    team = np.maximum(team, n_inv)
    inv_owner = np.repeat(np.arange(m), n_inv)
    inv_start = np.concatenate([[0], np.cumsum(n_inv)])
    # distinct members of the applicant's team: consecutive seats from a random first one
    seat = np.arange(len(inv_owner)) - inv_start[inv_owner]
    first_seat = (rng.random(m) * team).astype(np.int64)
    inv_keys = applicant[inv_owner] * 1000 + (first_seat[inv_owner] + seat) % team[inv_owner]
    inv_names = nm.hashed_person_names(inv_keys)
    agency_share = np.array([cal.AGENCY_SHARE[k] for k in KINDS])[kind]
    use_agency = (rng.random(m) < agency_share)
    ag_prov = np.where(foreign, 10, prov)  # foreign applicants: agencies of Beijing (index 0) / Shanghai
    ag_prov = np.where(foreign, np.where(rng.random(m) < 0.7, 0, 8), ag_prov)
    ag = _draw_uniform(world.agency_start[ag_prov], world.agency_end[ag_prov], rng.random(m))
    use_agency |= foreign
    agent_keys = 7_000_000_000 + ag * 100 + rng.integers(0, 12, size=m)
    agent_names = nm.hashed_person_names(agent_keys)
    agent2 = nm.hashed_person_names(agent_keys + 1)

    # citations
    cited_start = np.concatenate([[0], np.cumsum(backward)])
    cited_nums = (rng.random(int(cited_start[-1])) * 90_000_000).astype(np.int64) + 10_000_000
    cited_kind = np.where(rng.random(int(cited_start[-1])) < 0.6, "A", "U")
    years_s = year.tolist()

    status = st["status"]

    # assemble the columns (Arrow arrays where they can be built in columns, else Python lists)
    col: dict[str, Column] = {}
    col["application_number"] = app_no_arr
    col["publication_number"] = pub_no_arr
    col["grant_number"] = grant_no_arr
    col["kind"] = kinds
    col["application_date"] = _date_array(app)
    col["publication_date"] = _date_array(pub)
    col["grant_date"] = _date_array(st["grant"])
    col["lapse_date"] = _date_array(st["lapse"])
    col["legal_status"] = _STATUS_NAMES.take(status)
    col["status_group"] = _STATUS_GROUPS.take(status)
    col["legal_status_raw"] = _STATUS_RAW.take(status)
    col["legal_status_date"] = _date_array(np.minimum(st["status_date"], as_of_d))
    col["title"] = titles
    col["abstract"] = abstracts
    col["first_claim"] = claims
    col["claim_count"] = claim_counts
    col["ipc"] = ipc_lists
    col["main_ipc"] = main_ipc
    col["ipc_subclasses"] = subclasses
    col["cpc"] = pa.ListArray.from_arrays(np.zeros(m + 1, dtype=np.int32), pa.array([], pa.string()))
    col["sei_codes"] = sei
    col["tech_field"] = tech
    col["applicants"] = applicants
    col["applicant_types"] = a_types
    col["applicant_uscc"] = a_uscc
    col["current_patentees"] = current
    # the first holder now: the last assignee, else the applicant (holder == applicant then)
    col["first_patentee"] = pool.name.take(holder)
    col["first_patentee_type"] = ctx.type_names.take(world.pool_type_idx[holder])
    from zhichan.corpus.parties import normalize_name

    uniq, inverse = np.unique(holder, return_inverse=True)
    keys = [normalize_name(x) for x in pool.name.take(pa.array(uniq)).to_pylist()]
    col["first_patentee_key"] = pa.array(keys, pa.string()).take(inverse.reshape(-1))
    col["applicant_address"] = address
    col["postal_code"] = postal
    col["region_code"] = ctx.county_code.take(hc_index)
    col["city_code"] = ctx.county_city.take(hc_index)
    col["province_code"] = ctx.county_province.take(hc_index)
    col["applicant_country"] = pa.array(ctry, pa.string())
    col["is_domestic"] = pa.array(~foreign)
    inv_start_l = inv_start.tolist()
    inv_keys_l = inv_keys.tolist()
    col["inventors"] = [_distinct_names(inv_names[inv_start_l[i]:inv_start_l[i + 1]], inv_keys_l[inv_start_l[i]])
                        for i in range(m)]
    ag_index = pa.array(ag, mask=~use_agency)
    col["agency"] = ctx.agency_names.take(ag_index)
    # agents: two for an invention, one otherwise, none without an agency
    n_agents = np.where(use_agency, np.where(kind == 0, 2, 1), 0)
    agent_off = np.concatenate([[0], np.cumsum(n_agents)]).astype(np.int32)
    agent_owner = np.repeat(np.arange(m), n_agents)
    agent_pick = agent_owner * 2 + np.arange(agent_off[-1]) - agent_off[:-1][agent_owner]
    both = pa.array([x for pair in zip(agent_names, agent2, strict=True) for x in pair], pa.string())
    col["agents"] = pa.ListArray.from_arrays(agent_off, both.take(agent_pick))
    prio_day = np.where(pct_foreign, app - 365, -1)
    prio_day = np.where(has_pct & ~pct_foreign, -1, prio_day)
    priority_numbers: list[list[str]] = []
    pct_no: list[str | None] = []
    pct_pub_no: list[str | None] = []
    pct_foreign_l, has_pct_l, rows_l, ctry_l = pct_foreign.tolist(), has_pct.tolist(), rows.tolist(), ctry.tolist()
    pct_year_l = _years_of(np.maximum(pct_app, 0)).tolist()
    pct_pub_ok = (pct_pub <= as_of_d).tolist()
    for i in range(m):
        if pct_foreign_l[i]:
            priority_numbers.append([f"{ctry_l[i]}{years_s[i] - 1}-{(rows_l[i] * 7919) % 1_000_000:06d}"])
        else:
            priority_numbers.append([])
        if has_pct_l[i]:
            cc = ctry_l[i] if pct_foreign_l[i] else "CN"
            py = pct_year_l[i]
            pct_no.append(f"PCT/{cc}{py}/{(rows_l[i] * 104729) % 1_000_000:06d}")
            pct_pub_no.append(f"WO{py + 1}/{(rows_l[i] * 7907) % 1_000_000:06d}" if pct_pub_ok[i] else None)
        else:
            pct_no.append(None)
            pct_pub_no.append(None)
    col["priority_numbers"] = priority_numbers
    col["priority_date"] = _date_array(prio_day)
    col["pct_application_number"] = pct_no
    col["pct_application_date"] = _date_array(np.where(has_pct, pct_app, -1))
    col["pct_publication_number"] = pct_pub_no
    col["pct_publication_date"] = _date_array(np.where(has_pct & (pct_pub <= as_of_d), pct_pub, -1))
    col["national_entry_date"] = _date_array(np.where(has_pct & pct_foreign & (national_entry <= as_of_d), national_entry, -1))
    fam_ids, fam_size, fam_members, fam_countries = [], [], [], []
    filed_l, foreign_l, hk_l, digits_l = filed_abroad.tolist(), foreign.tolist(), hk_tw_mo.tolist(), digits.tolist()
    for i in range(m):
        members = [pub_no[i]]
        countries = ["CN"]
        if filed_l[i]:
            base = (rows_l[i] * 2654435761) % 10_000_000
            home = ctry_l[i] if foreign_l[i] and not hk_l[i] else None
            targets = [home] if home else []
            targets += [c for c in ("US", "EP", "JP", "KR", "DE") if c != home][: 1 + base % 3]
            if has_pct_l[i] and (wo_number := pct_pub_no[i]):
                members.append(wo_number.replace("/", ""))
                countries.append("WO")
            for c in targets:
                members.append(f"{c}{base + 10_000_000 * (1 + len(members))}{'A1' if c in ('US', 'EP') else 'A'}")
                countries.append(c)
        fam_ids.append(f"SYN{digits_l[i]:012d}")
        fam_size.append(len(members))
        fam_members.append(members)
        fam_countries.append(sorted(set(countries)) if len(countries) > 1 else countries)
    col["family_id"] = fam_ids
    col["family_size"] = fam_size
    col["family_members"] = fam_members
    col["family_countries"] = fam_countries
    col["family_granted_abroad"] = pa.array(family_abroad)
    cited_all = pc.binary_join_element_wise("CN", pa.array(cited_nums).cast(pa.string()), pa.array(cited_kind), "")
    npl_l = npl.tolist()
    cited = pa.ListArray.from_arrays(cited_start.astype(np.int32), cited_all)
    cited_npl = [[tx.npl_reference(rows_l[i] + j) for j in range(npl_l[i])] if npl_l[i] else [] for i in range(m)]
    col["cited_patents"] = cited
    col["cited_non_patent"] = cited_npl
    col["backward_citations"] = pa.array(backward + npl)
    col["forward_citations"] = pa.array(forward)
    col["transfer_count"] = pa.array(ev["n_t"])
    col["licence_count"] = pa.array(ev["n_l"])
    col["pledge_count"] = pa.array(ev["n_p"])
    col["examiner"] = pa.nulls(m, pa.string())
    col["substantive_exam_date"] = _date_array(np.where((st["exam"] >= 0) & (st["exam"] <= as_of_d) & (kind == 0), st["exam"], -1))
    col["extra_json"] = [None if k != 2 else json.dumps({"locarno": loc}, ensure_ascii=False)
                         for k, loc in zip(kind.tolist(), tx.locarno_classes(titles, kind), strict=True)]
    col["source_row"] = pa.array(rows + 1)
    return build_table(PATENTS, col, m, world.import_id, world.as_of.isoformat())


def _two_per_row(first: np.ndarray, second: np.ndarray, has_second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat values and list offsets of ``[first[i]]`` or ``[first[i], second[i]]`` per row."""
    n = 1 + has_second.astype(np.int64)
    offsets = np.zeros(len(first) + 1, dtype=np.int32)
    np.cumsum(n, out=offsets[1:])
    flat = np.empty(int(offsets[-1]), dtype=np.int64)
    flat[offsets[:-1]] = first
    flat[offsets[:-1][has_second] + 1] = second[has_second]
    return flat, offsets


def _none_if_empty(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def _distinct_names(names: list[str], key: int) -> list[str]:
    """The inventors of one patent, each once: two team members whose hashed names coincide
    (rare: same surname and given name) are told apart by drawing the later one again."""
    if len(names) < 2 or len(set(names)) == len(names):
        return names
    out: list[str] = []
    for j, name in enumerate(names):
        salt = 0
        while name in out:
            salt += 1
            name = nm.hashed_person_names(np.array([key + 10**12 * salt + j]))[0]
        out.append(name)
    return out


def _draw_uniform(lo: np.ndarray, hi: np.ndarray, u: np.ndarray) -> np.ndarray:
    return lo + (u * np.maximum(hi - lo, 1)).astype(np.int64)


_KIND_PREFIX = pa.array(["CN1", "CN2", "CN3"])
_PUB_SUFFIX = pa.array(["A", "U", "S"])
_RAW = {
    "published": "审中-公开", "under_examination": "审中-实质审查", "granted": "有权-授权",
    "rejected": "无权-驳回", "withdrawn": "无权-视为撤回", "abandoned": "无权-放弃", "lapsed_unpaid": "无权-未缴年费",
    "expired": "无权-期限届满", "invalidated": "无权-全部无效", "pct_not_entered": "PCT-有效期满", "unknown": "未知",
}


_EVENT_TYPES = ("award", "invalidation", "legal_status_change", "licence", "pledge", "pledge_release", "transfer")


def _event_table(world: World, ev: dict[str, np.ndarray]) -> pa.Table:
    """The chunk's events in columns, ordered by (application number, date, type, drawing order)."""
    pool = world.pool
    owners: list[np.ndarray] = []
    types: list[np.ndarray] = []
    dates: list[np.ndarray] = []
    amounts: list[np.ndarray] = []
    senders: list[pa.Array] = []
    receivers: list[pa.Array] = []
    details: list[pa.Array] = []

    def strings(values: list | pa.Array) -> pa.Array:
        return values if isinstance(values, pa.Array) else pa.array(values, pa.string())

    def add(owner: np.ndarray, etype: str, days: np.ndarray, amount: np.ndarray | None, frm: list | pa.Array,
            to: list | pa.Array, detail: list | pa.Array) -> None:
        owners.append(owner)
        types.append(np.full(len(owner), _EVENT_TYPES.index(etype), dtype=np.int64))
        dates.append(days)
        amounts.append(np.full(len(owner), np.nan) if amount is None else amount.astype(np.float64))
        senders.append(strings(frm))
        receivers.append(strings(to))
        details.append(strings(detail))

    def nulls(n: int) -> pa.Array:
        return pa.nulls(n, pa.string())

    def same(text: str, n: int) -> pa.Array:
        return pa.array([text], pa.string()).take(np.zeros(n, dtype=np.int64))

    def take(idx: np.ndarray) -> pa.Array:
        return pool.name.take(pa.array(idx, pa.int64()))

    n_t, n_l = len(ev["t_owner"]), len(ev["l_owner"])
    add(ev["t_owner"], "transfer", ev["t_day"], None, take(ev["t_from"]), take(ev["t_to"]), same("权利转移", n_t))
    add(ev["l_owner"], "licence", ev["l_day"], ev["l_fee"], take(ev["l_from"]), take(ev["l_to"]),
        pa.array(np.where(np.arange(n_l) % 4 != 0, "普通许可", "独占许可"), pa.string()))
    prov = ev["prov"]
    province_names = world.province_name
    banks = []
    for b, o in zip(ev["p_bank"].tolist(), ev["p_owner"].tolist(), strict=True):
        bank = nm.BANKS[b][0]
        pcode = world.provinces[prov[o]]
        city = _short(province_names.get(pcode, ""))
        banks.append(bank.format(city=city) if "{city}" in bank else f"{bank}{city}分行")
    bank_array = pa.array(banks, pa.string())
    pledge_from = take(ev["p_from"])
    n_p = len(ev["p_owner"])
    add(ev["p_owner"], "pledge", ev["p_day"], ev["p_amount"], pledge_from, bank_array, same("出质登记", n_p))
    as_of_d = _days(world.as_of)
    rel = ev["p_release"] <= as_of_d
    rel_idx = pa.array(np.flatnonzero(rel))
    add(ev["p_owner"][rel], "pledge_release", ev["p_release"][rel], None, pledge_from.take(rel_idx),
        bank_array.take(rel_idx), same("质押解除", int(rel.sum())))
    holder_now = ev["holder"]
    aw = np.flatnonzero(ev["award"])
    levels = pa.array([f"china_patent_award:{x}" for x in ("gold", "silver", "excellence")], pa.string())
    add(aw, "award", ev["award_day"][aw], None, same("国家知识产权局", len(aw)), take(holder_now[aw]),
        levels.take(ev["award_level"][aw]))
    sti = np.flatnonzero(ev["sti"])
    sti_levels = pa.array([f"national_sti_award:{x}" for x in ("first", "second")], pa.string())
    add(sti, "award", ev["sti_day"][sti], None, same("国务院", len(sti)), take(holder_now[sti]),
        sti_levels.take(ev["sti_level"][sti]))
    inval = np.flatnonzero(ev["invalid"])
    add(inval, "invalidation", ev["lapse"][inval], None, nulls(len(inval)), take(holder_now[inval]), same("全部无效", len(inval)))
    req = np.flatnonzero(ev["inv_req"])
    add(req, "invalidation", ev["inv_req_day"][req], None, nulls(len(req)), take(holder_now[req]),
        pa.array(np.where(np.arange(len(req)) % 3 != 0, "维持有效", "部分无效"), pa.string()))
    ended = np.flatnonzero(np.isin(ev["status"], [_LS_INDEX["lapsed_unpaid"], _LS_INDEX["expired"]]))
    add(ended, "legal_status_change", ev["status_date"][ended], None, nulls(len(ended)), nulls(len(ended)),
        _STATUS_NAMES.take(ev["status"][ended]))

    owner = np.concatenate(owners)
    etype = np.concatenate(types)
    days = np.concatenate(dates)
    amount = np.concatenate(amounts)
    n = len(owner)
    # application numbers have one length: their order is that of their digits; no date sorts first
    order = np.lexsort((np.arange(n), etype, np.where(days < 0, -1, days), ev["digits"][owner]))
    owner, etype, days, amount = owner[order], etype[order], days[order], amount[order]
    idx = pa.array(order)
    yuan = _yuan(amount)
    cols: dict[str, Column] = {
        "application_number": ev["app_no"].take(pa.array(owner)),
        "event_type": pa.array(_EVENT_TYPES, pa.string()).take(pa.array(etype)),
        "event_date": _date_array(days),
        "amount_yuan": yuan,  # whole yuan (the draws are rounded to thousands), exact from here on
        "party_from": pa.concat_arrays(senders).take(idx) if n else nulls(0),
        "party_to": pa.concat_arrays(receivers).take(idx) if n else nulls(0),
        "detail": pa.concat_arrays(details).take(idx) if n else nulls(0),
    }
    # the event id (records.event_id): the first 32 hex digits of SHA-256 over the content joined by "|"
    # (a missing or zero value as "", an amount as records.amount_text writes it)
    amount_text = pa.array(["" if not a else records_amount_text(a) for a in yuan.to_pylist()],
                           pa.string())
    key = [cols["application_number"], cols["event_type"], pc.cast(cols["event_date"], pa.string()), amount_text,
           cols["party_from"], cols["party_to"], cols["detail"]]
    joined = pc.binary_join_element_wise(*[pc.fill_null(k, "") for k in key], "|")
    cols["event_id"] = pc.utf8_slice_codeunits(digests(joined), 0, 32)
    # stored in the snapshot's key order (KEY_ORDER: number, date — a missing one last, as DuckDB
    # orders it — then id): the events of one patent on one day by their id, not by drawing order
    keyed = pa.table({k: cols[k] for k in KEY_ORDER["events"]})
    order_by_key = pc.sort_indices(keyed, sort_keys=[(k, "ascending", "at_end") for k in KEY_ORDER["events"]])
    return build_table(EVENTS, cols, n, world.import_id, world.as_of.isoformat()).take(order_by_key)


def _yuan(amount: np.ndarray) -> pa.Array:
    """Drawn amounts (``float64``, whole yuan, NaN for none) as exact amounts (:data:`MONEY`)."""
    missing = np.isnan(amount)
    whole = pa.array(np.where(missing, 0, amount).astype(np.int64), mask=missing)
    return whole.cast(pa.decimal128(38, 2)).cast(MONEY)  # int64 needs 19 digits: through a wider decimal


def _short(name: str) -> str:
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


_STATUS_NAMES = pa.array(_LS, pa.string())
_STATUS_GROUPS = pa.array([LEGAL_STATUS_GROUP[LegalStatus(s)].value for s in _LS], pa.string())
_STATUS_RAW = pa.array([_RAW.get(s) for s in _LS], pa.string())  # the generator draws no other status


__all__ = ["CHUNK_ROWS", "Chunk", "ChunkContext", "Filings", "check_character", "draw_filings", "generate_chunk",
           "make_context"]

