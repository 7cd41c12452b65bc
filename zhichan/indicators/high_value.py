"""高价值发明专利 — the five criteria as flags, as of a date (SYSTEM.md M2; Chengdu plan appendix).

A valid invention patent is high-value when any of these holds on the as-of date D:

1. ``sei_flag`` — it belongs to a strategic emerging industry (``sei_codes`` non-empty: the 2021
   SEI ↔ IPC concordance, applied when the snapshot is built, see :mod:`zhichan.reference.sei`);
2. ``overseas_family_flag`` — a family member is granted abroad (``family_granted_abroad``);
3. ``maintained_10y_flag`` — maintained more than 10 years: D is on or after the 10th anniversary
   of the filing date (on that day the patent enters its 11th year);
4. ``pledge_flag`` — its pledge financing registered on or before D totals at least
   ``high_value_pledge_threshold_yuan`` (default 10,000,000 yuan);
5. ``award_flag`` — a China Patent Award or National S&T Award event dated on or before D.

The SQL is ``sql/patent_flags.sql`` + ``sql/patent_status.sql``; indicators, drill-downs, search
(``HV=``) and navigation all read these same flags.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from zhichan.corpus.store import Snapshot
from zhichan.indicators import registry
from zhichan.indicators.engines import open_engine

FLAG_COLUMNS = ("sei_flag", "overseas_family_flag", "maintained_10y_flag", "pledge_flag", "award_flag")


def high_value_flags_sql(as_of: dt.date, pledge_threshold_yuan: Decimal | None = None) -> str:
    """DuckDB SQL over the snapshot views ``patents`` and ``events``: one row per valid invention at
    ``as_of`` with ``application_number``, the five flags and ``is_high_value``.

    Use it as a subquery: ``SELECT … FROM patents JOIN (<sql>) AS hv USING (application_number)``
    — note it starts with ``WITH``, which DuckDB accepts inside parentheses.
    """
    return registry.high_value_flags_sql(as_of, pledge_threshold_yuan)


def high_value_flags(snapshot: Snapshot, as_of: dt.date, *, engine: str = "duckdb") -> pa.Table:
    """The flags of every valid invention (domestic and foreign) at ``as_of``, by application number."""
    eng = open_engine(snapshot, engine)
    try:
        return eng.query(high_value_flags_sql(as_of) + "\nORDER BY application_number")
    finally:
        eng.close()
