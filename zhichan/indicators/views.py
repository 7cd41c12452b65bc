"""Page data of the cockpit, plans, region, indicator and enterprise pages, computed once and rendered
as HTML (:mod:`zhichan.indicators.router`) or returned as JSON (``/api/v1``) — the Datasette pattern.

Each function takes the caller's scope and returns a plain dict.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhichan.errors import FormError, InputError, NotFoundError, ZhichanError
from zhichan.indicators import charts
from zhichan.legaltime import china_today
from zhichan.platform import portal
from zhichan.platform.orgs import RowName, english_names, holders_named_in_english, party_bound_organization
from zhichan.platform.portal import CorpusAccess, holders_named
from zhichan.platform.scope import Scope
from zhichan.search.views import check_paging
from zhichan.settings import Settings
from zhichan.spreadsheet import csv_cell
from zhichan.web.openapi import parse_day

if TYPE_CHECKING:
    import pyarrow as pa
    from sqlalchemy.orm import Session

    from zhichan.procedures.declaration import ProcedureRegistry


def parse_as_of(value: str | dt.date | None) -> dt.date | None:
    """``YYYY-MM-DD`` (1985–2100, :func:`zhichan.web.openapi.parse_day`) — the date indicators and plan
    targets are computed at, never after today in Beijing; a day the API already validated (``IsoDate``) likewise; none given: None, each
    figure at its default date (:func:`zhichan.indicators.service.default_as_of`: the corpus's data end for the
    patent data, today for the platform's own records)."""
    if isinstance(value, dt.date):
        day = value
    elif not value:
        return None
    else:
        try:
            day = parse_day(value)
        except ValueError as exc:  # a date in a page's address: the message beside its field (zhichan.web.query_errors)
            raise FormError({"as_of": str(exc)}) from None
    # no figure of a day to come: the corpus knows no lapse after its data end, so the cockpit of 2030 counted
    # today's valid patents as valid then and every 10-year mark on the way as high-value (24.02 where 16.02 is)
    today = china_today()
    if day > today:
        raise FormError({"as_of": f"统计日不能晚于今天（{today}）：尚无那一天的数据 / the statistics date cannot be "
                                  f"after today ({today}): there are no data of that day yet"})
    return day


def plan_gauges(access: CorpusAccess, settings: Settings, scope: Scope, as_of: dt.date | None, lang: str,
                region: str | None = None) -> dict[str, Any]:
    """Plan targets the caller may see (of ``region`` only when given) with progress, required growth,
    forecast and the gauge chart spec — at ``as_of``, or each target at its figure's default date. Cached per
    (snapshot, plan files, caller's area, region, the figures' dates, language, the platform's latest export)."""
    from zhichan.platform import plans

    files = plans.list_plan_files(settings)
    key = ("plan_gauges", scope.region_prefix, scope.is_admin, region, *_dates_key(access, as_of), lang,
           plans.fingerprint(files))

    def compute(_cur: Any) -> dict[str, Any]:
        data = plans.targets_for(access, settings, scope, as_of, region=region, files=files)
        from zhichan.indicators.registry import get_indicator

        for target in data["targets"] + data["references"]:
            target["status"] = charts.gauge_status(target)
            target["label"] = charts.gauge_label(target, lang)
            target["money"] = get_indicator(target["indicator"]).money  # its figures in 万元 on the page
        shown = data["targets"] + data["references"]
        data["chart"] = charts.gauges_chart(shown, lang).card_spec() if shown else None
        data["will_miss"] = [t["label"] for t in data["targets"] if t["status"] == "miss"]
        data["_fingerprint"] = plans.fingerprint(files)
        data["per_10k"] = portal.per_10k_basis(access.require_snapshot())
        data["synthetic_scaled"] = data["per_10k"]["scaled"]
        return data

    return access.cached(key, compute)


def _dates_key(access: CorpusAccess, as_of: dt.date | None) -> tuple[Any, ...]:
    """What a cached page's figures depend on besides the snapshot: the date asked for, each source's date (today
    moves) and the platform's records as last exported."""
    from zhichan.indicators import service

    snap = access.require_snapshot()
    dates = service.figure_dates(as_of, snap)
    # the pages show the platform's figures beside the corpus's (the cockpit's body its plan gauges)
    return dates["given"], dates["corpus"], dates["platform"], service.platform_export_key(snap)


def enterprise_link(scope: Scope, holder: dict[str, Any]) -> bool:
    """Whether a listed holder (a corpus party with its own ``region_code``: ``with_party_names_en``) links to its
    portfolio for ``scope``: the rule the enterprise page applies (``Scope.covers_party`` on the party's region), not
    the region of the list naming it — a region's patent can be held by a party placed in another (a person's key is
    the name, kept with one region), whose page refused the viewer."""
    return bool(holder.get("party_key")) and scope.covers_party(holder["party_key"], holder.get("region_code") or None)


def cockpit(access: CorpusAccess, scope: Scope, region: str | None, lang: str, *,
            as_of: dt.date | None = None, settings: Settings | None = None,
            session: Session | None = None) -> dict[str, Any]:
    """The cockpit's data; with ``session``, its top holders carry the English names of the organizations bound
    to them (:func:`zhichan.platform.orgs.holders_named_in_english`)."""
    code = scope.require_region(region or scope.home_region())
    dates_key = _dates_key(access, as_of)
    # everything below depends only on (snapshot, region, the figures' dates, language): computed once, then cached
    data = access.cached(("cockpit", code, *dates_key, lang),
                         lambda _cur: _cockpit(access, scope, code, lang, as_of))
    parent = data["overview"]["parent"]
    gauges = plan_gauges(access, settings, scope, as_of, lang, region=code) if settings is not None else None
    visible_parent = parent if parent is not None and scope.covers_region(parent) else None
    # the organizations' names live in the workflow database: read each time, and part of the rendered body's key
    holders = holders_named_in_english(session, data["overview"]["top_holders"])
    holders = [{**h, "enterprise_link": enterprise_link(scope, h)} for h in holders]
    view_key = (code, *dates_key, lang, visible_parent, scope.region_prefix, scope.is_admin,
                gauges["_fingerprint"] if gauges else None, tuple((h.get("name_en"), h["enterprise_link"]) for h in holders))
    return {**data, "overview": {**data["overview"], "top_holders": holders}, "parent": visible_parent,
            "gauges": gauges, "_view_key": view_key}


def _cockpit(access: CorpusAccess, scope: Scope, code: str, lang: str, as_of: dt.date | None) -> dict[str, Any]:
    overview = portal.region_overview(access, scope, code, as_of)
    has_geo = bool(overview["children"]) and charts.geojson_bytes(overview["code"]) is not None
    specs = {
        "trend": charts.trend_chart(overview, lang).card_spec(),
        "ranking": charts.ranking_chart(overview, lang).card_spec() if overview["children"] else None,
        "map": charts.map_chart(overview, lang, geo_url=f"/geo/{overview['code']}.json").card_spec() if has_geo else None,
    }
    return {
        "overview": overview,
        "charts": specs,
        "map_available": has_geo,
        "indicators": indicator_panel(scope, overview["code"], access, as_of=as_of),
    }


#: The official indicators the cockpit and region pages show (codes of zhichan.indicators' registry).
PANEL_INDICATORS = ("valid_inventions", "valid_inventions_per_10k", "high_value_inventions",
                    "high_value_inventions_per_10k", "high_value_share", "ip_pledge_amount", "pct_applications")


def indicator_panel(scope: Scope, code: str, access: CorpusAccess | None = None, *,
                    as_of: dt.date | None = None) -> dict[str, Any]:
    """Official indicators from ``zhichan.indicators`` (with 同比 and rank), or a plain "not yet"."""
    scope.require_region(code)
    from zhichan.indicators import service

    if access is None:
        return {"available": False, "module": "zhichan.indicators", "values": []}
    snap = access.require_snapshot()
    dates = service.figure_dates(as_of, snap)

    def compute(_cur: Any) -> list[dict[str, Any]]:
        from zhichan.indicators.registry import get_indicator

        rows = []
        for value in service.compute(list(PANEL_INDICATORS), [code], as_of, snapshot=snap):  # None: each its default
            ind = get_indicator(value.code)
            rows.append({**value.to_dict(), "name_zh": ind.name_zh, "name_en": ind.name_en})
        return rows

    try:
        values = access.cached(("indicator_panel", code, *_dates_key(access, as_of)), compute)
    except ZhichanError as exc:
        return {"available": False, "module": "zhichan.indicators", "error": exc.message, "values": []}
    corpus_day = dt.date.fromisoformat(dates["corpus"])
    return {"available": True, "module": "zhichan.indicators", "as_of": dates["corpus"], "dates": dates, "values": values,
            "per_10k": portal.per_10k_basis(snap),
            "coverage": service.as_of_coverage(corpus_day, portal.data_as_of(access), service.data_begins(snap))}


def chart_for(access: CorpusAccess, scope: Scope, chart_id: str, region: str | None, lang: str,
              as_of: dt.date | None = None) -> charts.rc.Chart:
    """The same chart definition as the page (at its as-of date), for static images (documents, downloads)."""
    if chart_id not in charts.CHART_IDS:
        raise InputError(f"未知图表 {chart_id[:20]} / unknown chart")
    overview = portal.region_overview(access, scope, region or scope.home_region(), as_of)
    if chart_id == "trend":
        return charts.trend_chart(overview, lang)
    if chart_id == "ranking":
        return charts.ranking_chart(overview, lang)
    import json

    geo = charts.geojson_bytes(overview["code"])
    if geo is None or not overview["children"]:
        from zhichan.errors import NotFoundError

        raise NotFoundError("该地区没有可用的边界数据 / no boundaries for this region")
    return charts.map_chart(overview, lang, features=json.loads(geo).get("features", []))


def region_csv(access: CorpusAccess, scope: Scope, code: str, as_of: dt.date | None = None,
               lang: str = "zh") -> Iterator[str]:
    """The cockpit's region and its sub-region table at ``as_of`` (default: its figures' date, the corpus's data end)
    as CSV: the region's own row first (a district's file, which has no sub-regions, was a header alone). In the page's
    language like the records' exports: the cockpit's headings, each region's code and its name."""
    from zhichan.web.i18n import translate
    from zhichan.web.labels import label

    overview = portal.region_overview(access, scope, code, as_of)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    scale = overview["per_10k"]["population_scale"]
    writer.writerow([label(lang, "column", "region_code"), translate(lang, "indicators.export.about.region"),
                     translate(lang, "kpi.valid_inventions"), translate(lang, "kpi.valid_inventions_per_10k"),
                     translate(lang, "kpi.applications_last_year", year=overview["year"]),
                     translate(lang, "indicators.export.about.scale")])
    own = {"code": overview["code"], "name": overview["name"], "name_en": overview["name_en"], **overview["kpis"]}
    for c in [own, *overview["children"]]:
        writer.writerow([c["code"], csv_cell(c["name_en"] if lang == "en" else c["name"]), c["valid_inventions"],
                         c["valid_inventions_per_10k"], c["applications_year"], scale])
    if overview["per_10k"]["scaled"]:
        writer.writerow([f"# {translate(lang, 'indicators.export.scaled_note', scale=scale)}"])
    yield "\ufeff" + buffer.getvalue()


# indicators: every registry indicator of a region, and the records behind each number --------------
RECORDS_PAGE_SIZE = 50
#: an XLSX sheet holds 1,048,576 rows; larger drill-downs are the CLI's job
MAX_RECORDS_EXPORT = 1_000_000


def region_indicators(access: CorpusAccess, scope: Scope, code: str, as_of: dt.date | None) -> dict[str, Any]:
    """Every indicator of the registry for one region at ``as_of`` (None: each at its default date — the corpus's
    data end or today, ``dates`` says which), each with its definition, its date, 同比, rank and the address of
    the records behind it (the same computation as the CLI and the API)."""
    from zhichan.indicators import registry, service

    code = scope.require_region(code)
    snap = access.require_snapshot()
    dates = service.figure_dates(as_of, snap)

    def compute(_cur: Any) -> list[dict[str, Any]]:
        inds = registry.indicators()
        rows = []
        for value in service.compute(None, [code], as_of, snapshot=snap):
            ind = inds[value.code]
            rows.append({**value.to_dict(), "name_zh": ind.name_zh, "name_en": ind.name_en, "kind": ind.kind,
                         "as_of_kind": ind.as_of, "category": ind.category, "definition": ind.definition,
                         "definition_en": ind.definition_en, "drill_code": ind.drill_code,
                         "data_source": ind.data_source,
                         "records_url": f"/regions/{code}/indicators/{ind.code}/records?as_of={value.as_of.isoformat()}"})
        # each group's indicators together, the groups in the order they first appear (the registry declares the
        # patents' 创造 figures, then 质量 and 运用, then the trademarks' and copyrights' 创造 ones: the page's
        # 创造 link led to half the group), the registry's order within a group
        groups = {category: n for n, category in reversed(list(enumerate(r["category"] for r in rows)))}
        return sorted(rows, key=lambda r: groups[r["category"]])

    values = access.cached(("region_indicators", code, *_dates_key(access, as_of)), compute)
    corpus_day = dt.date.fromisoformat(dates["corpus"])
    return {"code": code, "name": portal.region_display_name(code),
            "name_en": portal.region_display_name(code, "en"), "as_of": dates["corpus"], "dates": dates,
            "coverage": service.as_of_coverage(corpus_day, portal.data_as_of(access), service.data_begins(snap)),
            "per_10k": portal.per_10k_basis(snap), "snapshot": snap.id, "indicators": values}


def record_cell(value: Any) -> Any:
    """A drill-down cell for the page and its JSON: lists joined; money (DECIMAL) as its exact text
    (``24000.50``), never a float."""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, Decimal):
        return str(value)
    return value


#: the corpus relations' coded columns and the field (:data:`zhichan.web.labels.PREFIXES`) that labels them: a
#: patent's kind, legal status and first patentee's type read ``invention``, ``granted``, ``enterprise`` on the
#: records page, in Chinese too
CORPUS_CODED = {"kind": "kind", "legal_status": "legal_status", "first_patentee_type": "party_type",
                "event_type": "event_type", "gi_type": "gi_type", "mark_kind": "mark_kind", "work_type": "work_type",
                "status": "record_status"}
#: a corpus relation's region columns: the recorded county and the region a record is counted in (归属)
CORPUS_REGIONS = ("region_code", "geo")
#: a corpus relation's columns naming a holder or party: named in English on English pages where known
CORPUS_HOLDERS = ("first_patentee", "party_from", "party_to", "registrant", "holder", "owner")


def holders_in_english(session: Session | None, rows: list[dict[str, Any]], columns: list[str]) -> dict[RowName, str]:
    """The English names of the holders a corpus relation's records name (:data:`CORPUS_HOLDERS`), by the product's one
    lookup (:func:`zhichan.platform.orgs.english_names`: the organization bound to the party, else a generated party's
    English; one query for them all) — as the cockpit's ranking of holders names them."""
    named = [c for c in columns if c in CORPUS_HOLDERS]
    if session is None or not named:
        return {}
    return english_names(session, [holder_row_name(row, c) for row in rows for c in named])


def holder_row_name(row: dict[str, Any], column: str) -> RowName:
    """A record's holder as :func:`zhichan.platform.orgs.english_names` reads it: its name, the record's region and
    whether the record is synthetic."""
    value = row.get(column)
    return RowName(value if isinstance(value, str) else None, row.get("region_code") or row.get("geo"),
                   bool(row.get("synthetic")))


def labelled_records(data: dict[str, Any], lang: str, registry: ProcedureRegistry | None = None,
                     session: Session | None = None) -> dict[str, Any]:
    """The records page's copy of :func:`indicator_records`: the cells of a domain relation's coded
    columns (:attr:`zhichan.figures.Relation.labels`) read as their labels in ``lang`` (a procedure's
    name and a case's state by the titles of ``registry``'s declarations), a corpus relation's
    (:data:`CORPUS_CODED`) as the corpus's labels, a region as its name beside its code, a holder on an English page
    by its English name where known (``session``); the JSON API keeps the codes (data another system reads, the same
    in every language) — the web's CSV/XLSX read like the page (:func:`records_labeller`)."""
    english = holders_in_english(session, data["records"], data.get("columns", [])) if lang == "en" else {}
    cell = record_labeller(data["drill_indicator"], lang, registry, english=english)
    if cell is None:
        return data
    return {**data, "records": [{c: cell(c, v, row) for c, v in row.items()} for row in data["records"]]}


def record_labeller(drill_indicator: str, lang: str, registry: ProcedureRegistry | None, *,
                    english: dict[RowName, str] | None = None, file: bool = False) -> Any:
    """One rule for a drill-down cell as a bureau reads it in ``lang``, for the records page and the web's exports: a
    function ``(column, value, row) → cell``, or None where the relation has nothing coded. ``file``: for a CSV/XLSX
    — a region column keeps its code (a name column stands beside it, :func:`records_labeller`), a holder keeps the
    name as stored (its legal name), a flag reads 是/否 (Yes/No); on the page a region reads 锦江区 510104 and an
    English page's holder is ``{"name", "name_en"}`` (``english``: :func:`holders_in_english`)."""
    from zhichan.figures import domain_relations
    from zhichan.indicators import registry as indicators
    from zhichan.web.i18n import translate
    from zhichan.web.labels import label

    yes_no = {True: translate(lang, "indicators.export.yes"), False: translate(lang, "indicators.export.no")}
    relation = domain_relations().get(indicators.get_indicator(drill_indicator).source or "")
    if relation is None:
        def corpus_cell(column: str, value: Any, row: dict[str, Any]) -> Any:
            if file and isinstance(value, bool):
                return yes_no[value]
            if not isinstance(value, str) or not value:
                return value
            if column in CORPUS_HOLDERS:
                if file or lang != "en":
                    return value
                return {"name": value, "name_en": (english or {}).get(holder_row_name(row, column))}
            if column in CORPUS_REGIONS:  # 锦江区 510104: the region a bureau reads, with the code it filters by
                if file:
                    return value
                name = portal.region_display_name(value, lang)
                return value if name == value else f"{name} {value}"
            return label(lang, CORPUS_CODED[column], value) if column in CORPUS_CODED else value

        return corpus_cell
    prefixes = dict(relation.labels)
    named = dict(relation.names)
    if not prefixes and not named and not file:
        return None

    def cell(column: str, value: Any, row: dict[str, Any]) -> Any:
        if file and isinstance(value, bool):
            return yes_no[value]
        if not isinstance(value, str):
            return value
        if column in named:
            return named[column](value, lang)
        return cell_label(lang, prefixes[column], value, row, registry) if column in prefixes else value

    return cell


def records_labeller(drill_indicator: str, lang: str, registry: ProcedureRegistry | None,
                     session: Session | None = None) -> Any:
    """The web's CSV/XLSX of records in the page's language (``service.export_drilldown(labelled=…)``): given the
    drill-down's columns and records, their headings (the page's) and a row function — coded values as their labels
    (:func:`record_labeller`), a region column's code kept and its name in a column of its own beside it, a holder's
    stored (legal) name kept and, in an English file, its English name beside it where known (``session``: the page's
    lookup, :func:`holders_in_english` — the English file named holders in Chinese where the page shows English),
    application numbers, IPC and other codes as they are."""
    from zhichan.web.i18n import translate
    from zhichan.web.labels import label

    cell = record_labeller(drill_indicator, lang, registry, file=True)

    def labelled(columns: list[str], records: list[dict[str, Any]]) -> tuple[list[str], Any]:
        english = holders_in_english(session, records, columns) if lang == "en" else {}
        in_english = [c for c in columns if c in CORPUS_HOLDERS] if lang == "en" and session is not None else []
        header: list[str] = []
        for c in columns:
            header.append(label(lang, "column", c))
            if c in CORPUS_REGIONS:
                header.append(translate(lang, "indicators.export.region_name", column=label(lang, "column", c)))
            if c in in_english:
                header.append(translate(lang, "indicators.export.english_name", column=label(lang, "column", c)))

        def row(record: dict[str, Any]) -> list[Any]:
            cells: list[Any] = []
            for c in columns:
                value = record[c]
                # a list joined, an amount kept a Decimal (a number cell to the fen in XLSX, its exact text in CSV)
                cells.append(cell(c, "; ".join(map(str, value)) if isinstance(value, list) else value, record))
                if c in CORPUS_REGIONS:
                    cells.append(portal.region_display_name(value, lang) if isinstance(value, str) and value else "")
                if c in in_english:
                    cells.append(english.get(holder_row_name(record, c), ""))
            return cells

        return header, row

    return labelled


def cell_label(lang: str, prefix: str, value: str, row: dict[str, Any], registry: ProcedureRegistry | None) -> str:
    """One coded cell of a drill-down row as its label (see :attr:`zhichan.figures.Relation.labels`)."""
    from zhichan.figures import PROCEDURE_STATE, PROCEDURE_TITLE
    from zhichan.web.labels import coded

    if prefix in (PROCEDURE_TITLE, PROCEDURE_STATE):
        procedure = value if prefix == PROCEDURE_TITLE else str(row.get("procedure") or "")
        try:
            decl = registry.for_region(procedure, row.get("geo")) if registry is not None else None
        except NotFoundError:
            decl = None
        if prefix == PROCEDURE_TITLE:
            return decl.title(lang) if decl is not None else value
        if decl is not None and value in decl.states:
            return decl.states[value].title(lang)
        return coded(lang, "procedures.case_state", value)
    return coded(lang, prefix, value)


def indicator_records(access: CorpusAccess, scope: Scope, code: str, indicator: str, as_of: dt.date | None,
                      page: int = 1, holder: str | None = None, session: Session | None = None) -> dict[str, Any]:
    """One page of the records behind an indicator's value (``zhichan indicators drill``), at ``as_of`` or the
    figure's default date; ``holder``: those of one holder (its key: a ranking's holder's contribution, its records —
    ``holder`` in the result names it, as the ranking does)."""
    from zhichan.indicators import registry, service

    code = scope.require_region(code)
    check_paging(page, RECORDS_PAGE_SIZE)
    ind = registry.get_indicator(indicator[:80])
    snap = access.require_snapshot()
    as_of = service.figure_as_of(ind.code, as_of, snap)
    value = service.compute([ind.code], [code], as_of, snapshot=snap)[0]
    total, table = service.drilldown_page(ind.code, code, as_of, offset=(page - 1) * RECORDS_PAGE_SIZE,
                                          limit=RECORDS_PAGE_SIZE, snapshot=snap, holder=holder)
    of_holder = None
    if holder is not None:  # named as the ranking names it: its name in the records, in English where known
        name_column = registry.source_keys(registry.get_indicator(ind.drill_code).source or "")[2]
        name = table.column(name_column)[0].as_py() if table.num_rows and name_column in table.column_names else None
        named = holders_named(access, session, [{"party_key": holder, "name": str(name or holder)}])[0]
        of_holder = {"party_key": holder, "name": named["name"], "name_en": named.get("name_en")}
    rows = [{k: record_cell(v) for k, v in row.items()} for row in table.to_pylist()]
    numbers, money = figure_columns(table.schema)
    drill = registry.get_indicator(ind.drill_code)
    # a per-10k figure's divisor, as every other page showing one says it: the population and, on a scaled
    # synthetic corpus, the factor (without them 12 records beside 16.02 read as a wrong figure)
    per_10k = ({"population": portal.region_population(code), **portal.per_10k_basis(snap)}
               if ind.kind == "per_10k" else None)
    return {"code": code, "name": portal.region_display_name(code),
            "name_en": portal.region_display_name(code, "en"), "as_of": as_of.isoformat(),
            "coverage": service.as_of_coverage(as_of, portal.data_as_of(access), service.data_begins(snap)), "snapshot": snap.id,
            "indicator": {**ind.to_dict(), "value": value.value}, "drill_indicator": drill.code,
            "counts_filings": drill.counts_filings, "per_10k": per_10k,
            # a holder's records of a count are its figure (the ranking's contribution): the page heads them with it
            "records_counted": drill.kind == "count",
            "drill_name_zh": drill.name_zh, "drill_name_en": drill.name_en,
            "total": total, "page": page, "page_size": RECORDS_PAGE_SIZE,
            "pages": max(1, -(-total // RECORDS_PAGE_SIZE)), "columns": table.column_names, "holder": of_holder,
            "number_columns": numbers, "money_columns": money, "records": rows}


#: number-typed drill columns that identify rather than measure (a case's id, a Nice class): no figures
IDENTIFIER_COLUMNS = frozenset({"seq", "nice_class"})


def figure_columns(schema: pa.Schema) -> tuple[list[str], list[str]]:
    """A drill-down's columns of figures — counts, days, amounts: the records table's ``td.num`` cells — and of those
    its amounts of money (DECIMAL, shown grouped to the fen), by their types; a number-typed identifier (``case_id``,
    ``nice_class``) is no figure."""
    import pyarrow as pa

    numbers = [f.name for f in schema
               if (pa.types.is_integer(f.type) or pa.types.is_floating(f.type) or pa.types.is_decimal(f.type))
               and not f.name.endswith("_id") and f.name not in IDENTIFIER_COLUMNS]
    return numbers, [f.name for f in schema if f.name in numbers and pa.types.is_decimal(f.type)]


def indicator_records_export(access: CorpusAccess, scope: Scope, code: str, indicator: str, as_of: dt.date | None,
                             fmt: str, folder: Path, lang: str = "zh",
                             registry_: ProcedureRegistry | None = None, holder: str | None = None, *,
                             session: Session | None = None) -> tuple[Path, str]:
    """All records behind an indicator as CSV or XLSX in the page's language (headings, coded values, sheets and the
    definition sheet; codes — application numbers, regions, IPC — kept, a region's name beside its code) —
    ``zhichan.indicators.service.export_drilldown``, the function ``zhichan indicators drill --out`` calls (which
    writes the stored codes and column names). Returns the file and a download name."""
    from zhichan.indicators import registry, service

    code = scope.require_region(code)
    if fmt not in ("csv", "xlsx"):
        raise InputError("导出格式只能是 csv 或 xlsx / export format must be csv or xlsx")
    ind = registry.get_indicator(indicator[:80])
    snap = access.require_snapshot()
    as_of = service.figure_as_of(ind.code, as_of, snap)
    total, _ = service.drilldown_page(ind.code, code, as_of, limit=0, snapshot=snap, holder=holder)
    if total > MAX_RECORDS_EXPORT:
        raise InputError(f"记录过多（{total:,} 条，网页导出上限 {MAX_RECORDS_EXPORT:,} 条），请选择下级地区或使用命令行 "
                         f"zhichan indicators drill --out / too many records ({total:,}; the web exports at most "
                         f"{MAX_RECORDS_EXPORT:,}): choose a sub-region or use `zhichan indicators drill --out`")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"indicator-{secrets.token_hex(8)}.{fmt}"
    service.export_drilldown(ind.code, code, as_of, path, fmt=fmt,  # type: ignore[arg-type]
                             snapshot=snap, lang=lang, labelled=records_labeller(ind.drill_code, lang, registry_, session),
                             holder=holder)
    # one holder's records are named as theirs (they were named as the whole region's file)
    whose = "" if holder is None else "-" + _FILE_NAME_UNSAFE.sub("_", holder)
    return path, f"{ind.code}-{code}{whose}-{as_of.isoformat()}.{fmt}"


#: characters a file name may not hold on Windows, macOS or Linux (a holder's key in a download's name)
_FILE_NAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def enterprise_data(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """An enterprise's portfolio with the organization bound to its party: the page titles it by the organization's
    name (成都示例科技有限责任公司, as its own header shows it), not the corpus's normalized key (…有限公司), and
    names the party as the corpus holds it where the two differ."""
    party = holders_named_in_english(session, [data["party"]])[0]
    org = party_bound_organization(session, str(party["party_key"]))
    organization = None if org is None else {"name": org.name, "name_en": org.name_en}
    return {**data, "party": party, "organization": organization}


# levers (抓手): what a bureau can act on to move 每万人口高价值发明专利拥有量 -------------------------------------
#: the levers a region's page shows, in its order: the 10-year mark, annuities due, top holders
LEVERS = ("ten_years", "annuity", "top")
#: the indicator the levers move (the cockpit's high-value figure) and whose holders they rank
LEVERS_INDICATOR = "high_value_inventions"
LEVERS_FIGURES = ("high_value_inventions", "high_value_inventions_per_10k")
LEVERS_PAGE_SIZE = 20
#: the holders ranked (paged on the page, all of them in its export)
LEVERS_TOP_N = 100
#: the windows the page opens with: the CLI's defaults (``zhichan indicators levers ten-years`` / ``annuity``)
LEVERS_TEN_MONTHS, LEVERS_ANNUITY_MONTHS = 12, 3
#: the widest windows the page takes (an annuity falls due every year: 12 months hold every valid invention's next one)
LEVERS_TEN_MONTHS_MAX, LEVERS_ANNUITY_MONTHS_MAX = 120, 12
#: each lever's columns in its export and its page (``levers.column.<name>`` in the catalogue)
LEVER_COLUMNS = {
    "ten_years": ("application_number", "title", "holder", "application_date", "grant_date", "main_ipc", "region_code",
                  "ten_year_date", "synthetic"),
    "annuity": ("application_number", "title", "holder", "application_date", "grant_date", "main_ipc", "region_code",
                "is_high_value", "due_date", "annuity_year", "synthetic"),
    "top": ("rank", "holder", "holder_type", "contribution", "share", "synthetic"),
}


def _lever_tables(access: CorpusAccess, code: str, as_of: dt.date, ten_months: int,
                  annuity_months: int) -> dict[str, Any]:
    """The three levers of ``code`` at ``as_of`` — :mod:`zhichan.indicators.levers`, the functions ``zhichan indicators
    levers`` prints (one definition) — computed once per snapshot, region, date and windows."""
    snap = access.require_snapshot()

    def compute(_cur: Any) -> dict[str, Any]:
        from zhichan.indicators import levers, service

        values = {v.code: v.value for v in service.compute(list(LEVERS_FIGURES), [code], as_of, snapshot=snap)}
        return {"ten_years": levers.approaching_ten_years(code, ten_months, as_of, snapshot=snap),
                "annuity": levers.annuity_due(code, annuity_months, as_of, snapshot=snap),
                "top": levers.top_contributors(LEVERS_INDICATOR, code, as_of, LEVERS_TOP_N, snapshot=snap),
                "figures": values}

    return access.cached(("levers", code, as_of, ten_months, annuity_months), compute)


def _lever_rows(access: CorpusAccess, session: Session | None, lever: str, table: Any,
                rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """A lever's rows (a patent list's pyarrow table, or the ranking's ``rows``) with each holder named."""
    if lever == "top":
        assert rows is not None
        holders = holders_named(access, session, [{"party_key": r["holder_key"], "name": r["holder"] or "",
                                            "synthetic": r["synthetic"]} for r in rows])
        return [{"rank": r["rank"], "holder": h, "holder_type": r["holder_type"], "contribution": r["contribution"],
                 "records": r["records"], "share": r["share"], "synthetic": r["synthetic"]}
                for r, h in zip(rows, holders, strict=True)]
    patents = table.to_pylist()
    holders = holders_named(access, session, [{"party_key": r["first_patentee_key"], "name": r["first_patentee"] or "",
                                        "synthetic": r["synthetic"]} for r in patents])
    extra = ("ten_year_date",) if lever == "ten_years" else ("due_date", "annuity_year")
    return [{"application_number": r["application_number"], "title": r["title"], "holder": h,
             "holder_type": r["first_patentee_type"], "application_date": r["application_date"],
             "grant_date": r["grant_date"], "main_ipc": r["main_ipc"], "region_code": r["region_code"],
             "is_high_value": bool(r["is_high_value"]), "synthetic": bool(r["synthetic"]), **{c: r[c] for c in extra}}
            for r, h in zip(patents, holders, strict=True)]


def levers(access: CorpusAccess, scope: Scope, code: str, as_of: dt.date | None, *, session: Session | None = None,
           ten_months: int = LEVERS_TEN_MONTHS, annuity_months: int = LEVERS_ANNUITY_MONTHS,
           pages: dict[str, int] | None = None) -> dict[str, Any]:
    """A region's levers page (scoped like the region's pages): the high-value figures they move and, for each lever,
    its window, its count and one page of its rows (``pages``: each lever's page, 1 by default), at ``as_of`` (the
    corpus's data end by default: the levers read the patent data)."""
    from zhichan.indicators import service
    from zhichan.legaltime import add_months

    code = scope.require_region(code)
    pages = {lever: (pages or {}).get(lever, 1) for lever in LEVERS}
    for page in pages.values():
        check_paging(page, LEVERS_PAGE_SIZE)
    snap = access.require_snapshot()
    day = as_of or service.data_as_of(snap)
    tables = _lever_tables(access, code, day, ten_months, annuity_months)
    size = LEVERS_PAGE_SIZE
    out: dict[str, Any] = {}
    for lever in LEVERS:
        first = (pages[lever] - 1) * size
        if lever == "top":
            total = len(tables["top"])
            rows = _lever_rows(access, session, lever, None, tables["top"][first:first + size])
        else:
            total = tables[lever].num_rows
            rows = _lever_rows(access, session, lever, tables[lever].slice(first, size))
        out[lever] = {"total": total, "page": pages[lever], "page_size": size,
                      "pages": max(1, -(-total // size)), "rows": rows}
    for lever in LEVERS:  # every list's holder links to its portfolio where the caller may open it
        for r in out[lever]["rows"]:
            r["holder"] = {**r["holder"], "enterprise_link": enterprise_link(scope, r["holder"])}
    annuity_hv = sum(tables["annuity"].column("is_high_value").to_pylist())
    out["ten_years"].update({"months": ten_months, "max_months": LEVERS_TEN_MONTHS_MAX,
                             "window_end": add_months(day, ten_months)})
    out["annuity"].update({"months": annuity_months, "max_months": LEVERS_ANNUITY_MONTHS_MAX,
                           "window_end": add_months(day, annuity_months), "high_value": annuity_hv})
    out["top"].update({"indicator": LEVERS_INDICATOR, "limit": LEVERS_TOP_N})
    return {"code": code, "name": portal.region_display_name(code), "name_en": portal.region_display_name(code, "en"),
            "as_of": day.isoformat(), "snapshot": snap.id,
            "coverage": service.as_of_coverage(day, portal.data_as_of(access), service.data_begins(snap)),
            "figures": tables["figures"], "per_10k": portal.per_10k_basis(snap), **out}


def levers_export(access: CorpusAccess, scope: Scope, code: str, lever: str, as_of: dt.date | None, fmt: str, lang: str,
                  *, session: Session | None = None, months: int | None = None) -> tuple[bytes, str]:
    """All rows of one lever as CSV or XLSX in the page's language (its column names, the holders' names as the page
    shows them, the legal name beside an English one; dates, codes and amounts as data). Returns the file and a
    download name."""
    from zhichan.corpus.parties import holder_display_name
    from zhichan.indicators import service
    from zhichan.spreadsheet import table_csv, table_xlsx
    from zhichan.web.i18n import translate
    from zhichan.web.labels import label

    code = scope.require_region(code)
    if lever not in LEVERS:
        raise NotFoundError(f"没有抓手 {lever[:20]} / no lever {lever[:20]}")
    if fmt not in ("csv", "xlsx"):
        raise InputError("导出格式只能是 csv 或 xlsx / export format must be csv or xlsx")
    snap = access.require_snapshot()
    day = as_of or service.data_as_of(snap)
    ten = months if lever == "ten_years" and months else LEVERS_TEN_MONTHS
    annuity = months if lever == "annuity" and months else LEVERS_ANNUITY_MONTHS
    tables = _lever_tables(access, code, day, ten, annuity)
    rows = (_lever_rows(access, session, lever, None, tables["top"]) if lever == "top"
            else _lever_rows(access, session, lever, tables[lever]))
    columns = list(LEVER_COLUMNS[lever])
    if lang == "en":  # the legal (Chinese) name beside the English one, as the page's second line
        columns.insert(columns.index("holder") + 1, "holder_legal_name")
    if "region_code" in columns:  # the code kept, its name beside it, as in the records' files (records_labeller)
        columns.insert(columns.index("region_code") + 1, "region_name")
    yes = translate(lang, "levers.yes")

    def cell(row: dict[str, Any], column: str) -> Any:
        value = row.get(column)
        if column == "holder":
            return holder_display_name(row["holder"], lang)
        if column == "holder_legal_name":
            return row["holder"]["name"]
        if column == "holder_type":
            return label(lang, "party_type", value) if value else ""
        if column == "region_name":
            return portal.region_display_name(row["region_code"], lang) if row.get("region_code") else ""
        if isinstance(value, bool):
            return yes if value else ""
        if column == "share":
            return "" if value is None else round(value * 100, 2)
        return "" if value is None else value

    header = [translate(lang, "indicators.export.region_name", column=translate(lang, "levers.column.region_code"))
              if c == "region_name" else translate(lang, f"levers.column.{c}") for c in columns]
    body = [[cell(r, c) for c in columns] for r in rows]
    data = table_csv(header, body) if fmt == "csv" else table_xlsx(header, body, lever)
    return data, f"levers-{lever}-{code}-{day.isoformat()}.{fmt}"
