"""High-value (高价值) flags for search: ``HV=是`` and ``HV=<criterion>``.

The definition lives in the indicators domain (``zhichan/indicators/sql/patent_status.sql``:
a valid invention patent meeting any of five criteria). Search reads those flags as of one date
— the corpus's data end (数据截止日, ``zhichan.indicators.service.data_as_of``), the date the cockpit's and the
indicators' figures are at by default — when the index is built and stores them with the index
(``high_value.parquet``), so the index, the SQL backend, the indicators and the tests agree on one set.
Not the day the snapshot was made: a corpus whose data end a year before it counted every patent crossing its
10-year mark in that year as high-value in search (16 in a city whose cockpit said 12), and every lapse the data
cannot know of as still valid.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq

from zhichan.corpus.store import Snapshot
from zhichan.search.layout import index_path

#: criterion code in the query language → flag column of ``patent_status``
CRITERIA = {
    "sei": "sei_flag",
    "family": "overseas_family_flag",
    "maintained": "maintained_10y_flag",
    "pledge": "pledge_flag",
    "award": "award_flag",
}
SCHEMA = pa.schema([pa.field("application_number", pa.string()), pa.field("criterion", pa.string())])
FILE_NAME = "high_value.parquet"


def flags_date(snapshot: Snapshot) -> dt.date:
    """The date search's high-value flags are at: the corpus's data end, the indicators' default date."""
    from zhichan.indicators.service import data_as_of

    return data_as_of(snapshot)


def compute_high_value(snapshot: Snapshot, as_of: dt.date | None = None) -> pa.Table:
    """(application_number, criterion) for every high-value patent as of ``as_of`` (default :func:`flags_date`)."""
    from zhichan.indicators.registry import parameters, with_relations

    as_of = as_of or flags_date(snapshot)
    unions = " UNION ALL ".join(
        f"SELECT application_number, '{code}' AS criterion FROM patent_status WHERE is_high_value AND {column}"
        for code, column in CRITERIA.items()
    )
    sql = with_relations(unions, ["patent_status"], parameters(as_of))
    con = snapshot.reader()
    try:
        table = con.sql(sql).to_arrow_table()
    finally:
        con.close()
    return table.cast(SCHEMA)


def high_value_table(snapshot: Snapshot) -> pa.Table:
    """The flags stored with the snapshot's index, or computed now when it has none."""
    path = index_path(snapshot)
    if path is not None and (path / FILE_NAME).exists():
        return pq.read_table(path / FILE_NAME)
    return compute_high_value(snapshot)


def flags_by_patent(table: pa.Table) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for number, criterion in zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True):
        out.setdefault(number, set()).add(criterion)
    return out
