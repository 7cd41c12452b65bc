"""Levers (抓手): what a bureau can act on to move its indicators.

- :func:`approaching_ten_years` — valid inventions whose 10th filing anniversary (high-value
  criterion 3) falls within the next N months: maintain them and they become high-value;
- :func:`annuity_due` — valid inventions whose next annuity (年费) falls due within the next N
  months: lapse risk, each one a loss to 有效发明专利拥有量;
- :func:`top_contributors` — first patentees / holders ranked by their contribution to an indicator.

All three read the indicator relations (``domestic_patents`` …) of :mod:`zhichan.indicators.registry`,
so a lever list uses exactly the validity, attribution and high-value rules of the indicators.

Annuity rule: the annual fee for the patent's (k+1)-th year must be paid before the k-th
anniversary of the filing date (专利法实施细则 第九十八条 allows six more months with a surcharge);
the due date we report is that anniversary — up to the 19th, or, for a term lengthened by a registered
compensation (专利法 第四十二条第二款、第三款), every anniversary inside the compensated term.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import pyarrow as pa

from zhichan.corpus.parties import with_party_names_en
from zhichan.corpus.rights import term_compensations
from zhichan.corpus.store import Snapshot, open_corpus
from zhichan.errors import InputError
from zhichan.indicators import registry, service
from zhichan.indicators.dates import add_months, add_years, filed_by_for_anniversary, next_anniversary
from zhichan.indicators.engines import open_engine, plain

_PATENT_COLUMNS = ("application_number", "title", "first_patentee", "first_patentee_key", "first_patentee_type", "region_code", "geo",
                   "application_date", "grant_date", "main_ipc", "sei_codes", "is_high_value", "sei_flag",
                   "overseas_family_flag", "maintained_10y_flag", "pledge_flag", "award_flag", "synthetic")


def _months(months: int, limit: int) -> int:
    if not 1 <= int(months) <= limit:
        raise InputError(f"月数应在 1–{limit} 之间：{months} / months must be 1–{limit}: {months}")
    return int(months)


def _run(snapshot: Snapshot | None, engine: str, sql: str) -> pa.Table:
    eng = open_engine(snapshot if snapshot is not None else open_corpus(), engine)
    try:
        return eng.query(sql)
    finally:
        eng.close()


def _patent_lever_sql(where: str, region: str, as_of: dt.date) -> str:
    cols = ",\n  ".join(_PATENT_COLUMNS)
    body = (f"SELECT\n  {cols}\nFROM domestic_patents\nWHERE is_valid_invention\n  AND {where}\n"
            f"  AND {registry.region_filter(region)}\nORDER BY application_date, application_number")
    return registry.with_relations(body, ["domestic_patents"], registry.parameters(as_of))


def approaching_ten_years_sql(region: str, months: int, as_of: dt.date, only_new: bool = True) -> str:
    """Filed in (filed_by(as_of, 10), filed_by(as_of + months, 10)] ⇔ 10th anniversary in (as_of, as_of + months]."""
    first = filed_by_for_anniversary(as_of, 10)
    last = filed_by_for_anniversary(add_months(as_of, months), 10)
    where = f"application_date > DATE '{first}' AND application_date <= DATE '{last}'"
    if only_new:
        where += " AND NOT is_high_value"
    return _patent_lever_sql(where, region, as_of)


def approaching_ten_years(region: str, months: int = 12, as_of: dt.date | None = None, *,
                          only_new: bool = True, snapshot: Snapshot | None = None,
                          engine: str = "duckdb") -> pa.Table:
    """Valid domestic inventions reaching the 10-year mark within ``months`` (default: the next year).

    ``only_new`` (default) keeps those not already high-value by another criterion — the ones the
    10-year mark would add. Adds ``ten_year_date``.
    """
    as_of = as_of or service.data_as_of(snapshot)
    region = service.normalize_region(region)
    table = _run(snapshot, engine, approaching_ten_years_sql(region, _months(months, 120), as_of, only_new))
    dates = [add_years(d, 10) for d in table.column("application_date").to_pylist()]
    return table.append_column("ten_year_date", pa.array(dates, pa.date32()))


def _month_day(day: dt.date) -> int:
    return day.month * 100 + day.day


def annuity_due_sql(region: str, months: int, as_of: dt.date) -> str:
    """Next filing anniversary in (as_of, as_of + months], compared as month·100 + day.

    A 29 February filing has its anniversary on 28 February in a common year, so its month-day is
    read as 0228 when the February inside the window is not a leap February.
    """
    end = add_months(as_of, months)
    feb_year = as_of.year if (as_of.month, as_of.day) < (2, 29) else end.year
    feb29 = 229 if calendar.isleap(feb_year) else 228
    md = (f"CASE WHEN month(application_date) = 2 AND day(application_date) = 29 THEN {feb29} "
          f"ELSE month(application_date) * 100 + day(application_date) END")
    lo, hi = _month_day(as_of), _month_day(end)
    window = f"({md}) > {lo} AND ({md}) <= {hi}" if end.year == as_of.year else f"(({md}) > {lo} OR ({md}) <= {hi})"
    # the 20th anniversary ends the statutory term: no annuity falls due on it — unless a compensation lengthens
    # the term (its years have annuities, docs/exchange.md): those are kept here and their due dates checked
    # against the compensated term's end in :func:`annuity_due`
    where = (f"{window}\n  AND (application_date > DATE '{filed_by_for_anniversary(end, 20)}'\n"
             f"    OR application_number IN (SELECT application_number FROM term_compensations "
             f"WHERE term_end > DATE '{as_of}'))")
    return _patent_lever_sql(where, region, as_of)


def annuity_due(region: str, months: int = 3, as_of: dt.date | None = None, *, snapshot: Snapshot | None = None,
                engine: str = "duckdb") -> pa.Table:
    """Valid domestic inventions whose next annuity falls due within ``months`` (1–12).

    Adds ``due_date`` (the filing anniversary) and ``annuity_year`` (the patent year the fee buys).
    """
    snapshot = snapshot if snapshot is not None else open_corpus()
    as_of = as_of or service.data_as_of(snapshot)
    region = service.normalize_region(region)
    table = _run(snapshot, engine, annuity_due_sql(region, _months(months, 12), as_of))
    due = [next_anniversary(d, as_of) for d in table.column("application_date").to_pylist()]
    compensated = term_compensations(snapshot)
    ends = dict(zip(compensated.column("application_number").to_pylist(), compensated.column("term_end").to_pylist(),
                    strict=True))
    # a compensated term's annuity falls due only on an anniversary inside the term
    inside = [number not in ends or (ends[number] is not None and day <= ends[number])
              for number, day in zip(table.column("application_number").to_pylist(), due, strict=True)]
    if not all(inside):
        table = table.filter(pa.array(inside))
        due = [day for day, keep in zip(due, inside, strict=True) if keep]
    years = [d.year - a.year + 1 for d, a in zip(due, table.column("application_date").to_pylist(), strict=True)]
    table = table.append_column("due_date", pa.array(due, pa.date32()))
    table = table.append_column("annuity_year", pa.array(years, pa.int32()))
    return table.sort_by([("due_date", "ascending"), ("application_number", "ascending")])


def top_contributors(code: str, region: str, as_of: dt.date, n: int = 20, *,
                     party_types: tuple[str, ...] | None = None, snapshot: Snapshot | None = None,
                     engine: str = "duckdb") -> list[dict[str, Any]]:
    """Holders ranked by their contribution to ``code`` (a ratio: to its numerator) in ``region``.

    Each row: ``rank, holder, holder_type, contribution, records, share`` (share of the region's
    value of the additive indicator, 0–1), ``synthetic`` (a generated party of the synthetic corpus), ``holder_key``
    and ``holder_en`` (its English name where the corpus implies one: :func:`zhichan.corpus.parties.party_name_en`).
    ``party_types=("enterprise",)`` keeps enterprises only.
    """
    if n < 1:
        raise InputError(f"n 应为正整数：{n} / n must be positive: {n}")
    snap = snapshot if snapshot is not None else open_corpus()
    region = service.normalize_region(region)
    ind = registry.get_indicator(registry.get_indicator(code).drill_code)
    table = _run(snap, engine, registry.contributors_sql(ind.code, region, as_of, n, party_types))
    total = service.value_of(ind, region, service.all_totals(snap, as_of, engine, [ind.code]))
    rows = []
    for rank, row in enumerate(table.to_pylist(), start=1):
        contribution = plain(row["contribution"])
        rows.append({
            "rank": rank, "holder": row["holder"], "holder_type": row["holder_type"],
            "contribution": contribution, "records": row["records"],
            "share": service.ratio(contribution, total) if total else None, "indicator": ind.code, "synthetic": bool(row["synthetic"]),
            "holder_key": row["holder_key"],
        })
    # the holder's English name where the corpus implies one (a generated party), as the cockpit shows it
    con = snap.reader()
    try:
        named = with_party_names_en(con, [{"party_key": r["holder_key"], "name": r["holder"] or "",
                                           "synthetic": r["synthetic"]} for r in rows])
    finally:
        con.close()
    return [{**r, "holder_en": h["name_en"]} for r, h in zip(rows, named, strict=True)]
