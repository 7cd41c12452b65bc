"""Which patents each branch of a chain matches: the one place that turns branch queries into rows.

The result is always the DuckDB temp table ``branch_hits(branch_id, application_number)`` on the
analysis connection; everything downstream (:mod:`zhichan.navigation.analysis`) reads only that.

Branch queries are in the retrieval syntax and compiled by the search domain
(``zhichan.search.duckdb_backend.where_clause``): the same grammar and the same semantics as the
search page (``IPC=H01M10`` is the main group H01M10 with all its subgroups; ``IPC=H01M`` the
subclass; ``TIAB=(电池 OR 电芯)`` substrings of title or abstract).

With a full-text index on the snapshot (``zhichan index build``) each branch is one index query
(the fast path at millions of patents). Without one, all branches are evaluated in **one scan** of ``patents``: each branch's predicate becomes one
element of a list, and the non-null elements are unnested into rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa

from zhichan.corpus.store import Snapshot
from zhichan.navigation.schemas import Chain


def _search_index(snapshot: Snapshot) -> Any:
    try:
        from zhichan.search.index import SearchIndex
    except ImportError:
        return None
    return SearchIndex.for_snapshot(snapshot, required=False)


def _hits_from_index(con: duckdb.DuckDBPyConnection, chain: Chain, as_of: dt.date, index: Any) -> int:
    from zhichan.search.parser import parse

    parts = []
    for b in chain.branches:
        numbers = index.all_application_numbers(parse(b.query))
        parts.append(pa.table({"branch_id": pa.array([b.id] * len(numbers), pa.string()),
                               "application_number": numbers.cast(pa.string())}))
    con.register("nav_index_hits", pa.concat_tables(parts))
    try:
        con.execute("DROP TABLE IF EXISTS branch_hits")
        con.execute(
            """
            CREATE TEMP TABLE branch_hits AS
            SELECT h.branch_id, h.application_number
            FROM nav_index_hits AS h JOIN patents AS p USING (application_number)
            WHERE p.application_date <= ?
            """,
            [as_of],
        )
    finally:
        con.unregister("nav_index_hits")
    row = con.execute("SELECT count(*) FROM branch_hits").fetchone()
    return int(row[0]) if row else 0


def validate_query(query: str) -> None:
    """Raise :class:`~zhichan.search.errors.QuerySyntaxError` (an InputError with position) when
    the query does not parse."""
    from zhichan.search.parser import parse

    parse(query)


# --------------------------------------------------------------------------------------------
# branch_hits
# --------------------------------------------------------------------------------------------
def materialize_branch_hits(con: duckdb.DuckDBPyConnection, chain: Chain, as_of: dt.date,
                            snapshot: Snapshot | None = None) -> int:
    """Create ``branch_hits(branch_id, application_number)`` for patents filed on or before ``as_of``.

    Through the snapshot's full-text index when it has one (``match_application_numbers``
    semantics: one index query per branch, the fast path for large corpora), else one scan of
    ``patents``. Returns the number of (branch, patent) rows.
    """
    if snapshot is not None:
        index = _search_index(snapshot)
        if index is not None:
            return _hits_from_index(con, chain, as_of, index)
    from zhichan.search.duckdb_backend import where_clauses_one_scan

    compiled, folded = where_clauses_one_scan([b.query for b in chain.branches])
    elements, flat = [], []
    for b, (sql, p) in zip(chain.branches, compiled, strict=True):
        elements.append(f"CASE WHEN {sql} THEN ? END")
        flat.extend(p)
        flat.append(b.id)
    extra = "".join(f", {f}" for f in folded)
    con.execute("DROP TABLE IF EXISTS branch_hits")
    con.execute(
        f"""
        CREATE TEMP TABLE branch_hits AS
        SELECT branch_id, application_number FROM (
            SELECT application_number,
                   unnest(list_filter([{", ".join(elements)}], lambda x: x IS NOT NULL)) AS branch_id
            FROM (SELECT *{extra} FROM patents WHERE application_date <= ?) AS patents
        )
        """,
        [*flat, as_of],
    )
    row = con.execute("SELECT count(*) FROM branch_hits").fetchone()
    return int(row[0]) if row else 0
