"""Long ``IN`` lists: the one way a query takes a list of values that grows with the data.

A list of values bound into one statement has a limit: PostgreSQL takes at most 65,535 bound values a statement,
SQLite ``SQLITE_MAX_VARIABLE_NUMBER`` (32,766 by default since 3.32, 999 before; Debian's build: 250,000) — past it
the query fails (a nation's levers export named ~10⁵ holders: a 500). A list bounded by something small (a page, a
form's rights, a fixed set of states) is written as ``column.in_(values)``; a list that grows with the data (every
holder of an export, every case of an area, an uploaded file's rows) is either

- not a list at all where it came from a query: a subquery or a join (``Claim.loan_id.in_(select(Loan.id)…)``), which
  keeps one statement; or
- read :data:`IN_LIST_SIZE` values a query through :func:`rows_in` / :func:`scalars_in`, the rows merged.

DuckDB queries of the corpus bind a list as one parameter: :func:`zhichan.corpus.store.in_values_sql`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import ColumnElement, Connection, Row, Select
from sqlalchemy.orm import QueryableAttribute, Session

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

#: values one query binds for one list: well under PostgreSQL's 65,535 and SQLite's default 32,766, also where a query
#: binds two lists of a batch (the English-name lookup: names and their keys) and a few values of its own
IN_LIST_SIZE = 5_000

#: what a list restricts: a column (``column IN values``) or a function of a batch of values giving the condition
Listed = ColumnElement[Any] | QueryableAttribute[Any] | Callable[[list[T]], ColumnElement[bool]]


def in_batches(values: Iterable[T]) -> Iterator[list[T]]:
    """The distinct values (``None`` left out), sorted, in lists of at most :data:`IN_LIST_SIZE` (read when called: a
    test sets it small to run a query in several batches)."""
    ordered = sorted({v for v in values if v is not None})  # type: ignore[type-var]
    size = IN_LIST_SIZE
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def rows_in(executor: Session | Connection, statement: Select[*Ts], values: Iterable[T],
            where: Listed[T]) -> list[Row[*Ts]]:
    """The rows of ``statement`` restricted to ``values`` — ``where`` a column (``column IN values``) or a function
    of a list of values giving the condition — read :data:`IN_LIST_SIZE` values a query and merged.

    Each value's rows are whole within its query, in the statement's order; the queries come in the values' order.
    So a ``GROUP BY`` must group by the listed column and the caller orders across values itself; a statement with
    ``LIMIT``/``OFFSET`` is refused (a limit per query is not the limit of the whole)."""
    if statement._limit_clause is not None or statement._offset_clause is not None:
        raise ValueError("rows_in: a LIMIT or OFFSET would apply to each query of values, not to the whole")
    rows: list[Row[*Ts]] = []
    for some in in_batches(values):
        clause = where.in_(some) if isinstance(where, ColumnElement | QueryableAttribute) else where(some)
        rows.extend(executor.execute(statement.where(clause)))
    return rows


def scalars_in(executor: Session | Connection, statement: Select[*Ts], values: Iterable[T],
               where: Listed[T]) -> list[Any]:
    """:func:`rows_in`, the first column of each row (an entity where the statement selects one)."""
    first: list[Any] = [next(iter(row)) for row in rows_in(executor, statement, values, where)]
    return first
