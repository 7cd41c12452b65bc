"""The query language as SQL over the snapshot's ``patents`` view (DuckDB).

:func:`where_clause` is for analyses that filter the corpus in SQL (navigation branches, the
full-scan baseline of the benchmark); :func:`match_application_numbers` is the fast all-hits
path and goes through the full-text index, falling back to a DuckDB scan when the snapshot has
no index yet.

``HV`` clauses read a view ``search_high_value(application_number, criterion)``; call
:func:`register_high_value` on the connection first (``match_application_numbers`` does).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from zhichan.corpus.store import Snapshot
from zhichan.search import fields as F
from zhichan.search.ast import And, Code, DateRange, Node, Not, Or, Text
from zhichan.search.oracle import DATE_COLUMNS
from zhichan.search.parser import parse

_FULL = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
_HALF = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + " "


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_FOLD_ARGS = f"{_lit(_FULL)}, {_lit(_HALF)}"
_LIST_COLUMNS = {"applicants", "current_patentees", "inventors"}


def _folded(column: str) -> str:
    source = f"array_to_string({column}, chr(31))" if column in _LIST_COLUMNS else column
    return f"lower(translate(coalesce({source}, ''), {_FOLD_ARGS}))"


class _Compiler:
    def __init__(self, prefolded: frozenset[str] = frozenset()) -> None:
        self.params: list[Any] = []
        #: text columns folded once in a subquery (``__<column>_folded``) instead of in every predicate
        self.prefolded = prefolded
        self.used: set[str] = set()

    def folded(self, column: str) -> str:
        if column in self.prefolded:
            self.used.add(column)
            return f"__{column}_folded"
        return _folded(column)

    def p(self, value: Any) -> str:
        self.params.append(value)
        return "?"

    def leaf(self, node: Node) -> str:
        if isinstance(node, Text):
            columns = F.BY_CODE[node.field].columns
            return "(" + " OR ".join(f"contains({self.folded(c)}, {self.p(node.value)})" for c in columns) + ")"
        if isinstance(node, DateRange):
            column = DATE_COLUMNS[node.field]
            parts = []
            if node.start:
                parts.append(f"{column} >= {self.p(node.start)}")
            if node.end:
                parts.append(f"{column} <= {self.p(node.end)}")
            return "(" + (" AND ".join(parts) or f"{column} IS NOT NULL") + ")"
        assert isinstance(node, Code)
        v = node.value
        if node.field == "AN":
            expr = "replace(replace(upper(application_number), 'CN', ''), '.', '')"
            return f"starts_with({expr}, {self.p(v)})" if node.prefix else f"{expr} = {self.p(v)}"
        if node.field == "PN":
            alts = []
            for col in ("publication_number", "grant_number"):
                norm = f"upper(replace({col}, ' ', ''))"
                if node.prefix:
                    alts.append(f"starts_with({norm}, {self.p(v)})")
                else:
                    alts.append(f"{norm} = {self.p(v)}")
                    alts.append(f"regexp_replace({norm}, '[A-Z][0-9]?$', '') = {self.p(v)}")
            return "(" + " OR ".join(alts) + ")"
        if node.field in ("IPC", "MIC"):
            source = "ipc" if node.field == "IPC" else "[main_ipc]"
            if node.prefix:
                return f"len(list_filter({source}, lambda x: starts_with(x, {_lit(v)}))) > 0"
            if "/" in v:
                cut = "x"
            elif len(v) <= 4:
                cut = f"left(x, {len(v)})"
            else:
                cut = "split_part(x, '/', 1)"
            return f"list_contains(list_transform({source}, lambda x: {cut}), {self.p(v)})"
        if node.field == "TYPE":
            return f"kind = {self.p(v)}"
        if node.field == "LS":
            return f"(legal_status = {self.p(v)} OR status_group = {self.p(v)})"
        if node.field == "RC":
            return f"{self.p(v)} IN (province_code, city_code, region_code)"
        if node.field == "SEI":
            return f"len(list_filter(sei_codes, lambda x: x = {_lit(v)} OR starts_with(x, {_lit(v + '.')}))) > 0"
        if node.field == "HV":
            where = "" if v == "yes" else f" WHERE criterion = {self.p(v)}"
            return f"application_number IN (SELECT application_number FROM search_high_value{where})"
        raise AssertionError(node.field)

    def compile(self, node: Node) -> str:
        if isinstance(node, And):
            return "(" + " AND ".join(self.compile(c) for c in node.children) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(self.compile(c) for c in node.children) + ")"
        if isinstance(node, Not):
            return f"(NOT {self.compile(node.child)})"
        # coalesce: a NULL column makes a leaf false, never unknown, so NOT behaves as in the oracle
        return f"coalesce({self.leaf(node)}, false)"


def where_clause(query: str | Node) -> tuple[str, list[Any]]:
    """A SQL boolean expression over the ``patents`` view and its positional parameters."""
    node = parse(query) if isinstance(query, str) else query
    compiler = _Compiler()
    sql = compiler.compile(node)
    return sql, compiler.params


def where_clauses_one_scan(queries: list[str | Node], prefold: tuple[str, ...] = ("title", "abstract", "first_claim")
                           ) -> tuple[list[tuple[str, list[Any]]], list[str]]:
    """Many queries evaluated in one scan of ``patents`` (an industry chain's branches): each
    query's (predicate, parameters), and the select expressions that fold each text column of
    ``prefold`` once (``<expr> AS __<column>_folded``) for the predicates to read — with a dozen
    branches that is dozens fewer folds per row, with the same result."""
    compiled, used = [], set()
    for query in queries:
        compiler = _Compiler(frozenset(prefold))
        node = parse(query) if isinstance(query, str) else query
        compiled.append((compiler.compile(node), compiler.params))
        used |= compiler.used
    return compiled, [f"{_folded(c)} AS __{c}_folded" for c in prefold if c in used]


def uses_high_value(node: Node) -> bool:
    from zhichan.search.ast import walk

    return any(isinstance(n, Code) and n.field == "HV" for n in walk(node))


def register_high_value(con: Any, snapshot: Snapshot) -> None:
    """Create the ``search_high_value`` view from the flags stored with the snapshot's index."""
    from zhichan.search.highvalue import high_value_table

    table = high_value_table(snapshot)
    con.register("search_high_value_arrow", table)
    con.execute("CREATE OR REPLACE TEMP VIEW search_high_value AS SELECT * FROM search_high_value_arrow")


def scan_application_numbers(query: str | Node, snapshot: Snapshot) -> pa.Array:
    """All matching application numbers by a DuckDB full scan (no index needed)."""
    node = parse(query) if isinstance(query, str) else query
    sql, params = where_clause(node)
    con = snapshot.reader()
    try:
        if uses_high_value(node):
            register_high_value(con, snapshot)
        table = con.sql(f"SELECT application_number FROM patents WHERE {sql}", params=params).to_arrow_table()
    finally:
        con.close()
    return table.column(0).combine_chunks()


def match_application_numbers(query: str | Node, snapshot: Snapshot) -> pa.Array:
    """All application numbers matching ``query`` (no cap), through the full-text index when the
    snapshot has one, else by a DuckDB scan. Order is unspecified."""
    from zhichan.search.index import SearchIndex

    index = SearchIndex.for_snapshot(snapshot, required=False)
    if index is None:
        return scan_application_numbers(query, snapshot)
    return index.all_application_numbers(parse(query) if isinstance(query, str) else query)
