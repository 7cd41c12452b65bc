"""The indicator API the web layer, the CLI and reports call (no web framework here).

    list_indicators()                                   the registry
    data_as_of(snapshot)                                the last date the corpus describes
    default_as_of(code, snapshot)                       a figure's default date: its source's data end
    figure_dates(as_of, snapshot)                       the dates a page's figures are at (as given, or by source)
    compute(codes, region_codes, as_of)                 values with 同比, share of parent, rank (as_of None: each
                                                        figure at its default date)
    compute_level(code, "county", as_of, parent="5101") every region of a level (maps, rankings)
    trend(code, region_code, years)                     one value per year end
    drilldown(code, region_code, as_of)                 the records behind a number (Arrow)
    export_drilldown(code, region_code, as_of, path)    the same, as CSV or XLSX

How a number is made: the engine scans each source once per as-of date (``GROUP BY geo``, see
:mod:`zhichan.indicators.registry`), giving additive counts per attribution key; those roll up by
code prefix (county → city → province → nation); ratios divide the rolled-up counts. Results are
cached per (snapshot, as-of date, engine, pledge threshold, and for the platform's records their latest export):
snapshots never change.
"""

from __future__ import annotations

import csv
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from zhichan import reference
from zhichan.corpus.store import Snapshot, open_corpus
from zhichan.errors import InputError
from zhichan.indicators import registry
from zhichan.indicators.dates import same_day_last_year
from zhichan.indicators.engines import open_engine, plain
from zhichan.indicators.models import DataSource, Figure, IndicatorDef, IndicatorValue, Level
from zhichan.legaltime import china_today
from zhichan.settings import get_settings
from zhichan.spreadsheet import csv_row, xlsx_row

#: region code → indicator code → additive value (counts and sums of days as int, money as Decimal yuan to the fen)
Totals = dict[str, dict[str, Decimal | int]]
#: an amount of no record: yuan to the fen, as every amount figure is
NO_MONEY = Decimal("0.00")

_CACHE: OrderedDict[tuple[Any, ...], Totals] = OrderedDict()
_CACHE_SIZE = 64
_LOCK = threading.Lock()


#: the platform's exported records as they are now (:meth:`~zhichan.corpus.store.Snapshot.workflow_version`)
ExportVersion = tuple[tuple[int, int, int] | None, ...]


def platform_export_key(snapshot: Snapshot, codes: Iterable[str] | None = None) -> ExportVersion | None:
    """The one rule for what a cache of figures depends on besides its snapshot and date — a source's totals here,
    the pages' (:mod:`zhichan.indicators.views`) and the plan targets' (:mod:`zhichan.platform.plans`): a figure read
    from the platform's records changes with their export, which makes no new snapshot (a person admitted today
    counts once exported, not tomorrow); one read from the corpus alone does not. ``codes``: the indicators whose
    figures are cached (None: a page showing every source's); the records' export where one of them is the
    platform's, else None."""
    if codes is None or any(registry.get_indicator(code).data_source == "platform" for code in codes):
        return snapshot.workflow_version()
    return None


def list_indicators() -> list[IndicatorDef]:
    return list(registry.indicators().values())


def _snapshot(snapshot: Snapshot | None) -> Snapshot:
    return snapshot if snapshot is not None else open_corpus()


@lru_cache(maxsize=64)
def _data_as_of(path: str, snapshot_id: str) -> dt.date | None:
    from zhichan.corpus.records import PLATFORM_SOURCE_PREFIX
    from zhichan.corpus.schema import IMPORTED_TABLES

    snap = Snapshot(Path(path))
    tables = [t for t in IMPORTED_TABLES if snap.files(t)]
    if not tables:
        return None
    con = snap.reader()
    try:
        # the platform's own records exported into the corpus (registered pledges: ``source`` 'platform:…') carry
        # today's dates; the data end is the imported data's
        sources = " UNION ALL ".join(f"SELECT max(source_date) AS d FROM {t} WHERE coalesce(source, '') NOT LIKE "
                                     f"'{PLATFORM_SOURCE_PREFIX}%'" for t in tables)
        day = con.execute(f"SELECT max(d) FROM ({sources})").fetchall()[0][0]
        if day is None and "patents" in tables:
            # records that carry no source date (hand-made corpora): the latest date they mention
            day = con.execute("SELECT max(greatest(application_date, publication_date, grant_date, "
                              "legal_status_date)) FROM patents").fetchall()[0][0]
    finally:
        con.close()
    return day if isinstance(day, dt.date) else None


def data_as_of(snapshot: Snapshot | None = None) -> dt.date:
    """The last date the corpus describes (数据截止日): the default as-of date of every corpus figure
    (:func:`default_as_of`), so they never count an empty stretch after the data ends.

    It is the latest ``source_date`` of the snapshot's imported records (the date each import's source
    describes: the generator's ``as_of``, ``zhichan import --as-of`` or the file's date; the platform's own
    records exported into the corpus, such as registered pledges, do not count); records
    without one count by the latest date they mention. Never later than today; today for an empty corpus.
    """
    snap = _snapshot(snapshot)
    day = _data_as_of(str(snap.path), snap.id)
    today = china_today()
    return today if day is None or day > today else day


def data_begins(snapshot: Snapshot | None = None) -> dt.date | None:
    """The first date the corpus describes: its earliest filing (``application_date``; None for a corpus without
    patents). Before it every patent figure is 0 — not a measurement, so pages say so (:func:`as_of_coverage`)."""
    snap = _snapshot(snapshot)
    return _data_begins(str(snap.path), snap.id)


@lru_cache(maxsize=64)
def _data_begins(path: str, snapshot_id: str) -> dt.date | None:
    snap = Snapshot(Path(path))
    if not snap.files("patents"):
        return None
    con = snap.reader()
    try:
        day = con.execute("SELECT min(application_date) FROM patents").fetchall()[0][0]
    finally:
        con.close()
    return day if isinstance(day, dt.date) else None


def source_data_end(source: DataSource, snapshot: Snapshot | None = None) -> dt.date:
    """The last date a data source describes: the corpus's data end (:func:`data_as_of`) for the patent data,
    today in Beijing for the platform's own records (its cases, talent library, registered pledges, deals…)."""
    return data_as_of(snapshot) if source == "corpus" else china_today()


def default_as_of(code: str, snapshot: Snapshot | None = None) -> dt.date:
    """The date a figure is at when none is given — the one rule every page, API call, export, plan target and
    command follows: its data source's end (:func:`source_data_end`). A corpus figure at today would count an
    empty stretch after the data end; a platform figure at the corpus's end would leave out every record since
    (人才库在库人数 0 beside a directory of 47 people)."""
    return source_data_end(registry.get_indicator(code).data_source, snapshot)


def figure_as_of(code: str, as_of: dt.date | None, snapshot: Snapshot | None = None) -> dt.date:
    """The date ``code`` is computed at: ``as_of`` when given (every figure at that date), else its default."""
    return as_of if as_of is not None else default_as_of(code, snapshot)


def figure_dates(as_of: dt.date | None, snapshot: Snapshot | None = None) -> dict[str, Any]:
    """Which dates a page's figures are at, for the line beside its date picker: ``given`` (the as-of date asked
    for, or None), the date of corpus figures and of platform figures (both ``given`` when one is) and today."""
    today = china_today()
    corpus = as_of if as_of is not None else source_data_end("corpus", snapshot)
    platform = as_of if as_of is not None else source_data_end("platform", snapshot)
    return {"given": None if as_of is None else as_of.isoformat(), "corpus": corpus.isoformat(),
            "platform": platform.isoformat(), "today": today.isoformat(), "platform_is_today": platform == today}


def year_complete(year: int, data_end: dt.date) -> bool:
    """Whether the corpus covers all of ``year`` (its 31 December is on or before the data end)."""
    return dt.date(year, 12, 31) <= data_end


def last_complete_year(data_end: dt.date) -> int:
    """The latest calendar year the corpus covers completely."""
    return data_end.year if year_complete(data_end.year, data_end) else data_end.year - 1


#: Applications are published about 18 months after filing (专利法 第三十四条): at the data end, the
#: filings of its year and of the year before are not all visible yet.
PUBLICATION_LAG_YEARS = 2


def lagging_filing_years(as_of: dt.date, data_end: dt.date) -> list[int]:
    """The filing years up to ``as_of`` whose applications are not all published by ``data_end``."""
    first = data_end.year - PUBLICATION_LAG_YEARS + 1
    return list(range(first, as_of.year + 1))


def as_of_coverage(as_of: dt.date, data_end: dt.date, data_begin: dt.date | None) -> dict[str, Any]:
    """What pages and the API say beside figures at ``as_of``: the data end, whether the as-of
    date's year is incomplete (the corpus ends before its 31 December), which filing years'
    application counts — and their year-on-year changes — are low because of the publication lag, and whether the
    date is before the data begin (``data_begin``, :func:`data_begins`: every figure 0 there, and the pages say so and
    offer that date instead — the cockpit, region, indicators, records and levers pages and the API, one rule; every
    caller says it, ``None`` only for a corpus without patents)."""
    return {"as_of": as_of.isoformat(), "data_as_of": data_end.isoformat(),
            "data_begins": data_begin.isoformat() if data_begin else None,
            "before_data_begin": data_begin is not None and as_of < data_begin,
            "after_data_end": as_of > data_end, "year": as_of.year,
            "year_incomplete": not year_complete(as_of.year, data_end),
            "lagging_years": lagging_filing_years(as_of, data_end)}


def normalize_region(code: str) -> str:
    return reference.normalize_region_code(code)


@lru_cache(maxsize=8192)
def _normalized(code: str) -> str:
    return reference.normalize_region_code(code)


def rollup_keys(geo: str) -> list[str]:
    """The regions a record attributed to ``geo`` counts toward: the nation and each code prefix."""
    keys = [reference.NATION]
    for width in (2, 4, 6):
        if len(geo) >= width:
            keys.append(geo[:width])
    return keys


def source_totals(snapshot: Snapshot, source: str, as_of: dt.date, engine: str = "duckdb") -> Totals:
    """Every additive indicator of ``source`` for every region at ``as_of`` (cached)."""
    threshold = get_settings().high_value_pledge_threshold_yuan
    codes = [c for c, ind in registry.indicators().items() if ind.source == source]
    key = (str(snapshot.path), snapshot.id, source, as_of, engine, threshold, platform_export_key(snapshot, codes))
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    eng = open_engine(snapshot, engine)
    try:
        table = eng.query(registry.compute_sql(source, codes, as_of, threshold))
    finally:
        eng.close()
    money = [c for c in codes if registry.get_indicator(c).money]
    totals: Totals = {}  # counts and amounts (Decimal) added up the regions exactly
    for row in table.to_pylist():
        values = [(code, plain(row[code]) or 0) for code in codes]
        for region in rollup_keys(row["geo"] or ""):
            bucket = totals.setdefault(region, dict.fromkeys(codes, 0) | dict.fromkeys(money, NO_MONEY))
            for code, value in values:
                bucket[code] += value
    # a figure stays exact from here on (ranks, shares, 同比, plans' targets and forecasts, pages, API, exports): an
    # amount is a Decimal to the fen, whatever its size (a float read to the fen only below 2⁵³ fen, 9 × 10¹³ yuan)
    with _LOCK:
        _CACHE[key] = totals
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return totals


def all_totals(snapshot: Snapshot, as_of: dt.date, engine: str = "duckdb", codes: Iterable[str] | None = None) -> Totals:
    """Additive values of ``codes`` (default: all) for every region, merged over sources."""
    wanted = registry.base_codes(list(codes) if codes is not None else list(registry.indicators()))
    merged: Totals = {}
    for source, source_codes in registry.sources_for(wanted).items():
        for region, values in source_totals(snapshot, source, as_of, engine).items():
            bucket = merged.setdefault(region, {})
            for code in source_codes:
                bucket[code] = values[code]
    return merged


@lru_cache(maxsize=8192)
def _population(region: str) -> int | None:
    if not reference.has_population(region):
        return None
    return reference.population(region)


@lru_cache(maxsize=8192)
def _region_meta(region: str) -> tuple[str, Level, str | None]:
    """(name, level, parent) of a normalized region code."""
    return reference.region_name(region), reference.region_level(region), reference.parent_code(region)


def population_scale(snapshot: Snapshot) -> float:
    """How many real records one record of the snapshot stands for, inverted (1.0 for real data).

    A synthetic corpus generated at a fraction of the national volume records that fraction
    (``scale``) in its manifest; 每万人口 values then divide by ``population × scale`` so the demo
    shows realistic magnitudes. A corpus without synthetic records uses the census population as is.
    """
    return snapshot.population_scale  # the generator's scale survives later imports (corpus/store.py)


def zero(ind: IndicatorDef) -> Decimal | int:
    """An additive figure of no record: ``0.00`` yuan for an amount of money, else 0."""
    return NO_MONEY if ind.money else 0


def ratio(numerator: Figure, denominator: Figure) -> float:
    """A ratio of two figures as a float (a share, a mean, 同比 in %): a percentage is not money, so a ratio of two
    amounts may be one; two Decimals are divided exactly first."""
    if isinstance(numerator, Decimal) or isinstance(denominator, Decimal):
        return float(Decimal(numerator) / Decimal(denominator))
    return numerator / denominator


def difference(value: Figure, other: Figure) -> Figure:
    """``value`` − ``other``: of two amounts exactly (a Decimal), of two numbers a number (同比, a plan's gap)."""
    if isinstance(value, Decimal) or isinstance(other, Decimal):
        return Decimal(value) - Decimal(other)
    return value - other


def value_of(ind: IndicatorDef, region: str, totals: Totals, scale: float = 1.0) -> Figure | None:
    """One indicator's value for one region from the additive totals (``scale``: see :func:`population_scale`):
    a count an int, an amount of money a Decimal, a ratio a float."""
    values = totals.get(region, {})
    if ind.additive:
        return values.get(ind.code, zero(ind))
    numerator = values.get(str(ind.numerator), 0)
    if ind.kind == "per_10k":
        people = _population(region)
        return None if not people else ratio(numerator, people * scale / 10_000)
    denominator = values.get(str(ind.denominator), 0)
    if not denominator:
        return None
    return ratio(numerator if ind.kind == "mean" else 100 * numerator, denominator)


def _ranks(values: list[Figure | None]) -> tuple[dict[Figure, tuple[int, int]], int]:
    """Competition ranking (1, 2, 2, 4), largest first, each value with how many regions share its rank; regions
    without a value are not ranked."""
    present = sorted((v for v in values if v is not None), reverse=True)
    ranks: dict[Figure, tuple[int, int]] = {}
    for index, v in enumerate(present):
        rank, tied = ranks.get(v, (index + 1, 0))
        ranks[v] = (rank, tied + 1)
    return ranks, len(present)


@lru_cache(maxsize=4096)
def _children(code: str) -> tuple[str, ...]:
    return tuple(reference.children(code))


class _Evaluator:
    """Values, shares and sibling ranks of one indicator at one date, each computed once."""

    def __init__(self, ind: IndicatorDef, totals: Totals, scale: float = 1.0) -> None:
        self.ind = ind
        self.totals = totals
        self.scale = scale
        self._values: dict[str, Figure | None] = {}
        self._ranks: dict[str, tuple[dict[Figure, tuple[int, int]], int]] = {}

    def value(self, region: str) -> Figure | None:
        if region not in self._values:
            self._values[region] = value_of(self.ind, region, self.totals, self.scale)
        return self._values[region]

    def rank(self, region: str, parent: str) -> tuple[int | None, int | None, int | None, int]:
        """Rank among the children of ``parent``, how many of them have a value, how many share the rank and how many
        children there are."""
        if parent not in self._ranks:
            self._ranks[parent] = _ranks([self.value(c) for c in _children(parent)])
        ranks, ranked = self._ranks[parent]
        value = self.value(region)
        rank, tied = (None, None) if value is None else ranks.get(value, (None, None))
        return rank, (ranked or None), tied, len(_children(parent))


def _build_value(now: _Evaluator, before: _Evaluator, region: str, as_of: dt.date, synthetic: bool) -> IndicatorValue:
    ind = now.ind
    value = now.value(region)
    previous = before.value(region)
    change = None if value is None or previous is None else difference(value, previous)
    change_pct = None if change is None or not previous else ratio(100 * change, previous)
    name, level, parent = _region_meta(region)
    share = rank = rank_of = tied = among = None
    if parent is not None:
        if ind.additive and value is not None:
            parent_value = now.value(parent)
            share = ratio(value, parent_value) if parent_value else None
        rank, rank_of, tied, among = now.rank(region, parent)
    return IndicatorValue(
        code=ind.code, region_code=region, region_name=name, level=level, as_of=as_of, value=value, unit=ind.unit,
        previous_value=previous, yoy_change=change, yoy_change_pct=change_pct, share_of_parent=share,
        rank=rank, rank_of=rank_of, rank_tied=tied, rank_among=among, parent_code=parent, definition_ref=ind.definition_ref, synthetic=synthetic,
    )


def compute(codes: list[str] | None, region_codes: list[str], as_of: dt.date | None, *,
            snapshot: Snapshot | None = None, engine: str = "duckdb") -> list[IndicatorValue]:
    """Values of ``codes`` (default: every indicator) for each region, with 同比, share of parent, rank — at
    ``as_of``, or without one each at its default date (:func:`default_as_of`; each value carries its date).

    Year-on-year compares with the same day one year earlier (flows: the same year-to-date period).
    """
    snap = _snapshot(snapshot)
    inds = [registry.get_indicator(c) for c in (codes or list(registry.indicators()))]
    regions = [_normalized(r) for r in region_codes]
    if not regions:
        raise InputError("请至少指定一个地区 / give at least one region")
    days = {ind.code: figure_as_of(ind.code, as_of, snap) for ind in inds}
    scale = population_scale(snap)
    evaluators: dict[dt.date, tuple[Totals, Totals]] = {}
    for day in dict.fromkeys(days.values()):
        wanted = [code for code, d in days.items() if d == day]
        evaluators[day] = (all_totals(snap, day, engine, wanted),
                           all_totals(snap, same_day_last_year(day), engine, wanted))
    out: list[IndicatorValue] = []
    for ind in inds:
        day = days[ind.code]
        now, before = evaluators[day]
        now_eval, before_eval = _Evaluator(ind, now, scale), _Evaluator(ind, before, scale)
        out.extend(_build_value(now_eval, before_eval, region, day, snap.synthetic) for region in regions)
    return out


def regions_of_level(level: Level, parent: str | None = None) -> list[str]:
    if level == "nation":
        return [reference.NATION]
    pool = {"province": reference.all_provinces, "city": reference.all_cities, "county": reference.all_counties}
    if level not in pool:
        raise InputError(f"未知层级：{level}（province/city/county） / unknown level {level}")
    codes = pool[level]()
    if parent is not None:
        prefix = normalize_region(parent)
        codes = codes if prefix == reference.NATION else [c for c in codes if c.startswith(prefix)]
    return codes


def compute_level(code: str, level: Level, as_of: dt.date | None, *, parent: str | None = None,
                  snapshot: Snapshot | None = None, engine: str = "duckdb") -> list[IndicatorValue]:
    """One indicator for every region of a level (optionally under ``parent``) — maps and rankings."""
    return compute([code], regions_of_level(level, parent), as_of, snapshot=snapshot, engine=engine)


def trend(code: str, region_code: str, years: Iterable[int], *, snapshot: Snapshot | None = None,
          engine: str = "duckdb", month_day: tuple[int, int] = (12, 31)) -> list[tuple[dt.date, Figure | None]]:
    """The indicator at the same day (default 31 December) of each year."""
    snap = _snapshot(snapshot)
    ind = registry.get_indicator(code)
    region = normalize_region(region_code)
    out: list[tuple[dt.date, Figure | None]] = []
    for year in years:
        day = dt.date(year, *month_day)
        out.append((day, value_of(ind, region, all_totals(snap, day, engine, [ind.code]), population_scale(snap))))
    return out


def drilldown(code: str, region_code: str, as_of: dt.date, *, snapshot: Snapshot | None = None,
              engine: str = "duckdb", holder: str | None = None) -> pa.Table:
    """The records behind ``code`` in a region at ``as_of`` (ratios: the records of their numerator).

    Built from the same source and predicate as the number itself, so ``drilldown(...).num_rows``
    equals the count (and the ``amount_yuan`` column sums to an amount indicator).
    """
    snap = _snapshot(snapshot)
    region = normalize_region(region_code)
    eng = open_engine(snap, engine)
    try:
        return eng.query(registry.drilldown_sql(code, region, as_of, get_settings().high_value_pledge_threshold_yuan,
                                                holder))
    finally:
        eng.close()


def drilldown_page(code: str, region_code: str, as_of: dt.date, *, offset: int = 0, limit: int = 50,
                   snapshot: Snapshot | None = None, holder: str | None = None) -> tuple[int, pa.Table]:
    """One page of :func:`drilldown` and the number of records in all (the web's records page); ``holder``: of one
    holder (its key, :func:`zhichan.indicators.registry.drilldown_sql`)."""
    snap = _snapshot(snapshot)
    region = normalize_region(region_code)
    sql = registry.drilldown_sql(code, region, as_of, get_settings().high_value_pledge_threshold_yuan, holder)
    eng = open_engine(snap, "duckdb")
    try:
        total = int(eng.query(f"SELECT count(*) AS n FROM ({sql})").column("n")[0].as_py())
        page = eng.query(f"{sql}\nLIMIT {int(limit)} OFFSET {int(offset)}")  # the query ends ORDER BY its key
    finally:
        eng.close()
    return total, page


def _cell(value: Any) -> Any:
    """A drill-down value as an export's cell: an amount as it is stored (a Decimal: ``5000000.00`` in CSV, a
    number in XLSX), as the records page shows it."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    return value


#: the CLI's definition sheet: each line's heading in both languages (``zhichan indicators drill --out``)
ABOUT_BOTH = {"indicator": "指标 indicator", "region": "地区 region", "as_of": "统计日 as of", "value": "值 value",
              "unit": "单位 unit", "population": "常住人口（2020年普查） resident population (2020 census)",
              "scale": "合成语料人口折算系数 synthetic corpus: population scale", "records": "记录数 records",
              "definition": "定义 definition", "definition_en": "英文定义 definition (English)", "formula": "公式 formula",
              "snapshot": "快照 snapshot", "synthetic": "合成数据 synthetic", "holder": "权利人（仅其记录） holder (its records only)"}


def export_drilldown(code: str, region_code: str, as_of: dt.date, path: str | Path,
                     fmt: Literal["csv", "xlsx"] | None = None, *, snapshot: Snapshot | None = None,
                     lang: str | None = None, labelled: Any = None, holder: str | None = None) -> Path:
    """Write the drill-down to CSV (UTF-8 with BOM, opens in Excel; an amount as its exact text) or XLSX (records +
    definition sheet with the figure itself; an amount a number cell to the fen).

    Without ``lang`` (the CLI): the relation's column names and its cells as stored — codes, data another system reads,
    the same in every language; sheets ``records`` and ``definition``, the latter's headings in both languages. With
    ``lang`` (the web, the page's language): the headings, coded values, sheet names and the definition sheet in that
    language, ``labelled(columns, records)`` giving the headings and a row function (:func:`zhichan.indicators.views.records_labeller`)."""
    path = Path(path)
    fmt = fmt or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
    if fmt not in ("csv", "xlsx"):
        raise InputError(f"不支持的导出格式：{fmt}（csv 或 xlsx） / unsupported format {fmt}: csv or xlsx")
    snap = _snapshot(snapshot)
    table = drilldown(code, region_code, as_of, snapshot=snap, holder=holder)
    ind = registry.get_indicator(code)
    columns = table.column_names
    if labelled is not None:
        records = table.to_pylist()
        header, row_of = labelled(columns, records)
        rows = (row_of(row) for row in records)
    else:
        header = columns
        rows = ([_cell(v) for v in row.values()] for row in table.to_pylist())
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(csv_row(row) for row in rows)  # no formulas (zhichan.spreadsheet)
        return path
    from openpyxl import Workbook

    word: Any = None
    if lang is not None:
        from zhichan.web.i18n import translate

        def word(key: str, **values: Any) -> str:
            return translate(lang, f"indicators.export.{key}", **values)

    book = Workbook(write_only=True)
    sheet = book.create_sheet(word("records_sheet") if word else "records")
    sheet.append(xlsx_row(sheet, header))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    about = book.create_sheet(word("definition_sheet") if word else "definition")
    region = normalize_region(region_code)
    value = compute([ind.code], [region], as_of, snapshot=snap)[0]
    # the figure the records stand behind, and a per-10k figure's divisor (the page beside the records says both)
    en = lang == "en"
    lines: list[tuple[str, Any]] = [
        ("indicator", f"{ind.name_en if en else ind.name_zh} ({ind.code})"),
        # the file's language only (the Chinese file's read 成都市 Chengdu); both names in the CLI's file
        ("region", f"{reference.region_name(region, lang) if lang else reference.region_names(region)} ({region})"),
        # one holder's records (``?holder=``): the file says whose, as the page's head does — the value below stays
        # the region's, the records' count the holder's
        *([("holder", holder)] if holder is not None else []),
        ("as_of", as_of.isoformat()),
        ("value", value.value),  # an amount of money to the fen (a number cell, #,##0.00), the records' exact sum
        ("unit", _unit_text(ind, value.value, lang) if lang else ind.unit),
    ]
    if ind.kind == "per_10k":
        lines.append(("population", _population(region)))
        if population_scale(snap) != 1.0:
            lines.append(("scale", population_scale(snap)))
    lines += [("records", table.num_rows)]
    if lang is None:
        lines += [("definition", ind.definition), ("definition_en", ind.definition_en)]
    else:
        lines += [("definition", ind.definition_en if en else ind.definition)]
    lines += [("formula", ind.formula_sql), ("snapshot", snap.id)]
    if word:
        lines.append(("synthetic", word("yes" if snap.synthetic else "no")))
    else:
        lines.append(("synthetic", "是 yes" if snap.synthetic else "否 no"))
    for key, cell in lines:
        about.append(xlsx_row(about, [word(f"about.{key}") if word else ABOUT_BOTH[key], cell]))
    book.save(path)
    return path


def _unit_text(ind: IndicatorDef, value: Any, lang: str) -> str:
    """An indicator's unit as its pages write it in ``lang`` (件 / patents, 元 / yuan)."""
    from zhichan.web.i18n import translate

    n = value if isinstance(value, int) else 2  # a decimal figure reads plural ("15.06 patents")
    return translate(lang, registry.unit_key(ind.code), n=n)

