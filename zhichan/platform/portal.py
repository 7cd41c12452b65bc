"""What the platform's own pages show, read straight from the corpus through DuckDB.

Every function takes the caller's :class:`~zhichan.platform.scope.Scope` and a DuckDB cursor on a
snapshot, checks scope first and returns plain dicts — the HTML pages and the JSON API render the
same dicts. All SQL is parameterized; region codes are validated before they reach SQL.

A region's figures (tiles, map, ranking, top holders) come from the indicator registry
(``zhichan.indicators``), so the cockpit, the indicator pages, the API and exports agree; the
other functions here (patent page, portfolio, basic search) are direct reads of the snapshot.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from zhichan.corpus.parties import party_name_en, with_party_names_en
from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.errors import InputError, NotFoundError
from zhichan.platform.scope import Scope, normalize_region_code, region_level, region_prefix

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

PUBLIC_PATENT_COLUMNS = (
    "application_number", "publication_number", "grant_number", "kind", "application_date",
    "publication_date", "grant_date", "lapse_date", "legal_status", "status_group", "legal_status_raw",
    "title", "abstract", "first_claim", "claim_count", "ipc", "main_ipc", "applicants", "current_patentees",
    "first_patentee", "first_patentee_key", "applicant_address", "region_code", "city_code", "province_code",
    "applicant_country", "inventors", "agency", "priority_date", "pct_application_number", "family_size",
    "family_granted_abroad", "backward_citations", "forward_citations", "synthetic", "source",
)
LIST_COLUMNS = ("application_number", "title", "kind", "application_date", "status_group", "first_patentee",
                "region_code", "main_ipc", "synthetic")


class CorpusAccess:
    """One DuckDB connection per current snapshot, a cursor per request, and a small result cache.

    Snapshots are immutable, so cached results keyed by the snapshot id never go stale; a new
    import switches ``CURRENT`` and the next request opens the new snapshot.
    """

    def __init__(self, root: Path | None = None, cache_size: int = 512) -> None:
        self.store = CorpusStore(root)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_size = cache_size
        #: one lock per key being computed: concurrent requests for a cold key wait for the first
        #: computation instead of running the same DuckDB query N times (single flight)
        self._computing: dict[tuple[Any, ...], threading.Lock] = {}
        #: set on close: a key-index warm-up still reading stops
        self._closed = threading.Event()
        #: results known before a snapshot opens (:meth:`preload`)
        self._preload: Callable[[Snapshot], dict[tuple[Any, ...], Any]] | None = None

    def snapshot(self) -> Snapshot | None:
        current = self.store.current_id()
        if current is None:
            return None
        with self._lock:
            if self._snapshot is None or self._snapshot.id != current:
                if self._con is not None:
                    self._con.close()
                self._snapshot = self.store.get(current)
                self._con = self._snapshot.connect()
                self._cache.clear()
                if self._preload is not None:
                    self._cache.update(self._preload(self._snapshot))
                threading.Thread(target=_warm_key_index, args=(self._snapshot.path, self._closed),
                                 name="zhichan-keyindex", daemon=True).start()
            return self._snapshot

    def require_snapshot(self) -> Snapshot:
        snap = self.snapshot()
        if snap is None:
            return self.store.current()  # raises CorpusError with the "run zhichan generate" message
        return snap

    def cursor(self) -> duckdb.DuckDBPyConnection:
        self.require_snapshot()
        with self._lock:
            assert self._con is not None
            return self._con.cursor()

    def preload(self, results: Callable[[Snapshot], dict[tuple[Any, ...], Any]] | None) -> None:
        """Results computed elsewhere, taken into the cache each time a snapshot opens: ``results(snapshot)``
        returns them keyed as :meth:`cached` keys them (the snapshot id first), or nothing for a snapshot it
        does not know. The tests' hook (``zhichan.web.testing``): each test's app starts with the cockpits
        of the test data computed once per process, as an app that had served them before."""
        self._preload = results

    def cached(self, key: tuple[Any, ...], compute: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        snap = self.require_snapshot()
        full_key = (snap.id, *key)
        with self._lock:
            if full_key in self._cache:
                self._cache.move_to_end(full_key)
                return self._cache[full_key]
            key_lock = self._computing.setdefault(full_key, threading.Lock())
        with key_lock:
            with self._lock:
                if full_key in self._cache:  # computed by the request we waited for
                    self._cache.move_to_end(full_key)
                    return self._cache[full_key]
            cur = self.cursor()
            try:
                value = compute(cur)
            finally:
                cur.close()
            with self._lock:
                self._cache[full_key] = value
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
                self._computing.pop(full_key, None)
        return value

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con = None
            self._snapshot = None


def _warm_key_index(path: Path, stop: threading.Event) -> None:
    """A snapshot just made current (the app's start, an import): its key index read in the background, so the
    first right looked up (a pledge's checks) does not wait for the disk (:func:`zhichan.corpus.keyindex.warm`)."""
    from zhichan.corpus.keyindex import warm

    try:
        read = warm(path, stop)
    except OSError as exc:  # a snapshot pruned meanwhile: the lookups read what is current then
        log.info("key index warm-up of %s skipped: %s", path.name, exc)
    else:
        log.info("key index of %s read: %d bytes", path.name, read)


def _rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    result = cur.execute(sql, params or [])
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


# regions ---------------------------------------------------------------------------------------
def region_filter(code: str) -> tuple[str, list[Any]]:
    """SQL condition on ``patents`` (and other tables with the same region columns) for a region."""
    prefix = region_prefix(code)
    level = len(prefix)
    if level == 0:
        return "is_domestic", []
    column = {2: "province_code", 4: "city_code", 6: "region_code"}[level]
    return f"{column} = ?", [prefix]


def child_column(code: str) -> str | None:
    return {0: "province_code", 2: "city_code", 4: "region_code"}.get(len(region_prefix(code)))


def child_adcode(child: str) -> str:
    """A child's 2/4/6-digit code as the 6-digit code the boundary files use."""
    return child.ljust(6, "0")


def region_display_name(code: str, lang: str = "zh") -> str:
    """A region's name as a page in ``lang`` shows it (``zhichan.reference.region_name``); an unknown
    code is its own label. Pages call it as ``region(code)``; the API gives ``name`` and ``name_en``."""
    try:
        from zhichan.reference import region_name

        return region_name(code, lang)
    except Exception:  # noqa: BLE001 - an unknown code still gets a label
        return code


def region_population(code: str) -> int | None:
    try:
        from zhichan.reference import has_population, population

        return int(population(code)) if has_population(code) else None
    except Exception:  # noqa: BLE001 - no population for that code
        return None


#: Said next to every per-10k figure of a synthetic snapshot whose generator recorded a ``scale``.
SYNTHETIC_SCALE_NOTE = "合成语料：人口按语料规模折算 / Synthetic corpus: population scaled to the corpus size"


def population_scale(snapshot: Snapshot) -> float:
    """The divisor factor of 每万人口 figures: ``zhichan.indicators.service.population_scale`` (the
    generator's ``scale`` on a synthetic snapshot, 1.0 on real data), so the platform's direct counts
    and the official indicators use one definition (docs/indicators.md, "Synthetic corpora")."""
    try:
        from zhichan.indicators.service import population_scale as indicators_scale
    except ImportError:  # pragma: no cover - the indicators module ships with the platform
        return 1.0
    return float(indicators_scale(snapshot))


def per_10k_basis(snapshot: Snapshot) -> dict[str, Any]:
    """How the snapshot's per-10k figures are computed — shown next to them and returned by the API."""
    scale = population_scale(snapshot)
    scaled = scale != 1.0
    return {"population_scale": scale, "scaled": scaled, "note": SYNTHETIC_SCALE_NOTE if scaled else None,
            "formula": "count / (population × population_scale) × 10000"}


def parent_region(code: str) -> str | None:
    prefix = region_prefix(code)
    if not prefix:
        return None
    return {2: "100000", 4: prefix[:2] + "0000", 6: prefix[:4] + "00"}[len(prefix)]


def data_as_of(access: CorpusAccess) -> dt.date:
    """The last date the current snapshot describes — the default as-of date of corpus figures
    (``zhichan.indicators.service.data_as_of``, the same function the CLI uses; a figure's default is
    ``zhichan.indicators.service.default_as_of``)."""
    from zhichan.indicators.service import data_as_of as indicators_data_as_of

    return indicators_data_as_of(access.require_snapshot())


def region_overview(access: CorpusAccess, scope: Scope, code: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """KPIs, yearly trend, children (for the map and ranking) and top holders of a region at ``as_of``
    (default: the date its figures — the corpus's — are at, ``zhichan.indicators.service.default_as_of``)."""
    from zhichan.indicators.service import figure_dates, source_data_end

    code = scope.require_region(code)
    snap = access.require_snapshot()
    basis = per_10k_basis(snap)
    data_end = data_as_of(access)
    # ``dates``: which dates the page's figures are at (the corpus's here; the platform's beside them)
    dates = figure_dates(as_of, snap)
    day = as_of or source_data_end("corpus", snap)  # every figure of the overview is the corpus's
    overview = access.cached(("region_overview", code, day.isoformat()),
                             lambda cur: _region_overview(cur, snap, code, day, data_end))
    return {**overview, "snapshot": snap.id, "per_10k": basis, "dates": dates}


def _region_overview(cur: duckdb.DuckDBPyConnection, snap: Snapshot, code: str, as_of: dt.date,
                     data_end: dt.date) -> dict[str, Any]:
    """Every figure comes from the indicator registry (``zhichan.indicators``): the tiles, the map and
    the ranking are the same numbers as the indicator table and the API — one definition each."""
    from zhichan.indicators import registry, service
    from zhichan.reference import children as reference_children

    region = service.normalize_region(code)
    prefix = region_prefix(code)
    # the tiles' yearly flows: the latest calendar year the data covers completely, up to the as-of date
    year = service.last_complete_year(min(as_of, data_end))
    year_end = dt.date(year, 12, 31)
    scale = service.population_scale(snap)
    stock = service.all_totals(snap, as_of, codes=["valid_inventions"])
    flows = service.all_totals(snap, year_end, codes=["patent_applications", "invention_grants"])
    valid_def = registry.get_indicator("valid_inventions")
    per_10k_def = registry.get_indicator("valid_inventions_per_10k")

    def figures(key: str) -> dict[str, Any]:
        per_10k = service.value_of(per_10k_def, key, stock, scale)
        return {
            "valid_inventions": int(service.value_of(valid_def, key, stock) or 0),
            "valid_inventions_per_10k": None if per_10k is None else round(per_10k, 2),
            "applications_year": int(flows.get(key, {}).get("patent_applications", 0)),
            "invention_grants_year": int(flows.get(key, {}).get("invention_grants", 0)),
        }

    # the yearly trend: the rows of domestic_patents (patent_attribution WHERE is_domestic — the same
    # records and attribution key, without the as-of flags a trend by year does not need), so each
    # year's point equals patent_applications / invention_grants at that 31 December
    params = registry.parameters(year_end)
    where = f"is_domestic AND {registry.region_filter(region)}"
    trend = _rows(cur, registry.with_relations(
        f"""SELECT year(application_date) AS year, count(*) AS applications,
                   count(*) FILTER (WHERE kind = 'invention') AS invention_applications
            FROM patent_attribution WHERE {where} AND year(application_date) BETWEEN {year - 9} AND {year}
            GROUP BY 1 ORDER BY 1""", ["patent_attribution"], params))
    trend = every_year(trend, year - 9, year, applications=0, invention_applications=0)
    grants = {r["year"]: r["grants"] for r in _rows(cur, registry.with_relations(
        f"""SELECT year(grant_date) AS year, count(*) AS grants FROM patent_attribution
            WHERE {where} AND kind = 'invention' AND year(grant_date) BETWEEN {year - 9} AND {year}
            GROUP BY 1""", ["patent_attribution"], params))}
    for row in trend:
        row["invention_grants"] = int(grants.get(row["year"], 0))
    children: list[dict[str, Any]] = []
    width = {0: 2, 2: 4, 4: 6}.get(len(prefix))
    if width:
        keys = {k for k in (*stock, *flows) if len(k) == width and k.startswith(prefix) and k.isdigit()}
        # every sub-region, a region without a record at 0: the ranking lists the peers the indicators rank
        # among (their "rank 9 of 21" counts every one), not only those the corpus happens to hold
        keys |= {k for k in reference_children(region) if len(k) == width and k.startswith(prefix)}
        for child in keys:
            children.append({"code": child_adcode(child), "name": region_display_name(child),
                             "name_en": region_display_name(child, "en"), **figures(child)})
        children.sort(key=lambda c: (-c["valid_inventions"], c["code"]))
    holders = [{"party_key": r["holder_key"], "name": r["holder"], "valid_inventions": int(r["contribution"]),
                "synthetic": bool(r["synthetic"])}
               for r in _rows(cur, registry.contributors_sql("valid_inventions", region, as_of, 10))]
    holders = with_party_names_en(cur, holders)
    kpis = figures(region)
    return {
        "code": code,
        "name": region_display_name(code),
        "name_en": region_display_name(code, "en"),
        "level": region_level(code),
        "parent": parent_region(code),
        "year": year,
        "as_of": as_of.isoformat(),
        "coverage": service.as_of_coverage(as_of, data_end, service.data_begins(snap)),
        "kpis": {**kpis, "population": region_population(code),
                 "patents": int(cur.execute(f"SELECT count(*) FROM patents WHERE {region_filter(code)[0]}",
                                            region_filter(code)[1]).fetchall()[0][0])},
        "indicator_codes": {"valid_inventions": "valid_inventions",
                            "valid_inventions_per_10k": "valid_inventions_per_10k",
                            "applications_year": "patent_applications", "invention_grants_year": "invention_grants"},
        "trend": trend,
        "children": children,
        "top_holders": holders,
    }


# patents ---------------------------------------------------------------------------------------
def patent_detail(access: CorpusAccess, application_number: str) -> dict[str, Any]:
    """Published bibliographic data of one patent and its legal events (public: no scope needed)."""
    number = (application_number or "").strip().upper()
    if not number or len(number) > 40:
        raise InputError("申请号无效 / invalid application number")
    cur = access.cursor()
    try:
        rows = _rows(
            cur, f"SELECT {', '.join(PUBLIC_PATENT_COLUMNS)} FROM patents WHERE application_number = ?", [number]
        )
        if not rows:
            raise NotFoundError(f"未找到专利 {number} / no patent {number}")
        events = _rows(
            cur,
            """SELECT event_type, event_date, amount_yuan, party_from, party_to, detail FROM events
               WHERE application_number = ? ORDER BY event_date NULLS LAST, event_id""",
            [number],
        )
    finally:
        cur.close()
    return {**rows[0], "events": events}


# enterprises -----------------------------------------------------------------------------------
def holders_named(access: CorpusAccess, session: Session | None, holders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Holders (``party_key``, ``name``, ``synthetic``) with ``name_en`` — the product's one lookup of a corpus party's
    English name: the corpus's (:func:`zhichan.corpus.parties.with_party_names_en`), then the bound organization's
    (:func:`zhichan.platform.orgs.holders_named_in_english`). A rankings' holder, a lever's, a search hit's
    applicant and a search facet's are named by it alike."""
    from zhichan.platform.orgs import holders_named_in_english

    if not holders:
        return holders
    cur = access.require_snapshot().reader()
    try:
        named = with_party_names_en(cur, holders)
    finally:
        cur.close()
    return holders_named_in_english(session, named)


def party_region(access: CorpusAccess, party_key: str) -> dict[str, Any]:
    cur = access.cursor()
    try:
        rows = _rows(cur, "SELECT party_key, name, party_type, uscc, region_code, patent_count, synthetic "
                          "FROM parties WHERE party_key = ?", [party_key])
    finally:
        cur.close()
    if not rows:
        raise NotFoundError("未找到该创新主体 / no such enterprise")
    return rows[0]


def party_lookup(access: CorpusAccess, party_key: str) -> str | None:
    """Where a party sits (its region code; ``""`` unknown), ``None`` when the corpus has no such
    party — what binding an enterprise organization checks (``orgs.add_org``)."""
    try:
        party = party_region(access, party_key)
    except NotFoundError:
        return None
    return str(party.get("region_code") or "")


def every_year(rows: list[dict[str, Any]], first: int, last: int, **zero: Any) -> list[dict[str, Any]]:
    """Yearly rows with every year from ``first`` to ``last``, a year without a row as ``zero``: a count
    by year has 0 where nothing happened, and a chart then spaces the years truly."""
    by_year = {r["year"]: r for r in rows}
    return [by_year.get(y) or {"year": y, **zero} for y in range(first, last + 1)]


def enterprise_portfolio(
    access: CorpusAccess, scope: Scope, party_key: str, *, page: int = 1, page_size: int = 20
) -> dict[str, Any]:
    """An enterprise's portfolio (first patentee = the enterprise): counts, trend, patents."""
    party_key = (party_key or "").strip()
    if not party_key or len(party_key) > 300:
        raise InputError("创新主体名称无效 / invalid enterprise key")
    scope.require_authenticated()
    try:
        party = party_region(access, party_key)
    except NotFoundError:
        # do not reveal to an out-of-scope caller whether a name exists
        scope.require_party(party_key, None)
        raise
    scope.require_party(party_key, party.get("region_code"))
    party = {**party, "name_en": party_name_en(party["name"], party.get("region_code"), bool(party.get("synthetic")))}
    cur = access.cursor()
    try:
        by_kind = _rows(
            cur,
            """SELECT kind, status_group, count(*) AS n FROM patents WHERE first_patentee_key = ?
               GROUP BY 1, 2 ORDER BY 1, 2""",
            [party_key],
        )
        trend = _rows(
            cur,
            """SELECT year(application_date) AS year, count(*) AS applications FROM patents
               WHERE first_patentee_key = ? AND application_date IS NOT NULL GROUP BY 1 ORDER BY 1""",
            [party_key],
        )
        if trend:
            trend = every_year(trend, trend[0]["year"], trend[-1]["year"], applications=0)
        total_row = cur.execute("SELECT count(*) FROM patents WHERE first_patentee_key = ?", [party_key]).fetchone()
        patents = _rows(
            cur,
            f"""SELECT {', '.join(LIST_COLUMNS)} FROM patents WHERE first_patentee_key = ?
                ORDER BY application_date DESC, application_number LIMIT ? OFFSET ?""",
            [party_key, page_size, (page - 1) * page_size],
        )
    finally:
        cur.close()
    return {
        "party": party,
        "by_kind": by_kind,
        "trend": trend,
        "total": int(total_row[0]) if total_row else 0,
        "patents": patents,
        "page": page,
        "page_size": page_size,
        "snapshot": access.require_snapshot().id,
    }


def ensure_code(code: str) -> str:
    return normalize_region_code(code)
