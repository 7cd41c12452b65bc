"""Which patents each branch of a chain matches: the one place that turns branch queries into rows.

The result is always the DuckDB temp table ``branch_hits(branch_id, application_number)`` on the
analysis connection; everything downstream (:mod:`zhichan.navigation.analysis`) reads only that.

Query compilation goes through the retrieval domain when it is installed
(``zhichan.search.duckdb_backend.where_clause`` — the same grammar users type in search).
Until then a small interim compiler below understands the subset the shipped chains use:
``IPC``/``MIC`` (prefix), ``TI``/``AB``/``TIAB``/``CL`` (substring), ``AND OR NOT`` (and 与 或 非),
parentheses, quoted phrases and grouped values ``TIAB=(电池 OR 电芯)``. It is a recursive-descent
parser, not regular expressions, and will be deleted once search lands.

All branches are evaluated in **one scan** of ``patents``: each branch's predicate becomes one
element of a list, and the non-null elements are unnested into rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from zhichan.errors import InputError
from zhichan.navigation.schemas import Chain


class BranchQueryError(InputError):
    code = "navigation.query"


# --------------------------------------------------------------------------------------------
# search domain hook
# --------------------------------------------------------------------------------------------
def _search_where_clause() -> Callable[[str], tuple[str, list[Any]]] | None:
    try:
        from zhichan.search.duckdb_backend import where_clause
    except ImportError:
        return None
    return where_clause  # type: ignore[no-any-return]


def where_clause(query: str) -> tuple[str, list[Any]]:
    """(SQL predicate over ``patents``, parameters) for a branch query."""
    search = _search_where_clause()
    if search is not None:
        sql, params = search(query)
        return sql, list(params)
    return _interim_where(query)


def validate_query(query: str) -> None:
    """Raise :class:`~zhichan.errors.InputError` (with position) when the query does not parse."""
    where_clause(query)


def compiler_name() -> str:
    return "zhichan.search" if _search_where_clause() is not None else "interim"


# --------------------------------------------------------------------------------------------
# interim compiler (subset of the retrieval syntax)
# --------------------------------------------------------------------------------------------
_OPS = {"AND": "AND", "与": "AND", "OR": "OR", "或": "OR", "NOT": "NOT", "非": "NOT"}
_TEXT_FIELDS = {
    "TI": ["title"], "名称": ["title"],
    "AB": ["abstract"], "摘要": ["abstract"],
    "TIAB": ["title", "abstract"], "名称摘要": ["title", "abstract"],
    "CL": ["first_claim"], "权利要求": ["first_claim"],
}
_IPC_FIELDS = {"IPC": "ipc", "分类号": "ipc", "MIC": "main_ipc", "主分类号": "main_ipc"}


@dataclass
class _Tok:
    kind: str  # ( ) = word phrase op
    text: str
    pos: int


def _tokens(query: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()=（）":
            out.append(_Tok({"（": "(", "）": ")"}.get(c, c), c, i + 1))
            i += 1
        elif c in "\"“”":
            j = i + 1
            while j < n and query[j] not in "\"“”":
                j += 1
            if j >= n:
                raise BranchQueryError(f"引号未闭合（第 {i + 1} 个字符） / unclosed quote at character {i + 1}")
            out.append(_Tok("phrase", query[i + 1 : j], i + 1))
            i = j + 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in "()=（）\"“”":
                j += 1
            word = query[i:j]
            out.append(_Tok("op" if word.upper() in _OPS or word in _OPS else "word", word, i + 1))
            i = j
    return out


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.toks = _tokens(query)
        self.i = 0
        self.params: list[Any] = []

    def _err(self, expected: str) -> BranchQueryError:
        pos = self.toks[self.i].pos if self.i < len(self.toks) else len(self.query) + 1
        return BranchQueryError(
            f"检索式语法错误（第 {pos} 个字符），此处应为 {expected} / query syntax error at character {pos}: "
            f"expected {expected}: {self.query}"
        )

    def _peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _op(self) -> str | None:
        t = self._peek()
        return _OPS.get(t.text.upper(), _OPS.get(t.text)) if t and t.kind == "op" else None

    def parse(self) -> str:
        if not self.toks:
            raise self._err("a query")
        sql = self._or(self._atom)
        if self.i != len(self.toks):
            raise self._err("AND/OR")
        return sql

    def _or(self, atom: Callable[[], str]) -> str:
        parts = [self._and(atom)]
        while self._op() == "OR":
            self.i += 1
            parts.append(self._and(atom))
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def _and(self, atom: Callable[[], str]) -> str:
        parts = [self._not(atom)]
        while self._op() in ("AND", "NOT"):
            if self._op() == "AND":
                self.i += 1
            parts.append(self._not(atom))
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def _not(self, atom: Callable[[], str]) -> str:
        if self._op() == "NOT":
            self.i += 1
            return f"(NOT {self._not(atom)})"
        return atom()

    def _atom(self) -> str:
        t = self._peek()
        if t is None:
            raise self._err("a field or (")
        if t.kind == "(":
            self.i += 1
            inner = self._or(self._atom)
            if not (self._peek() and self._peek().kind == ")"):  # type: ignore[union-attr]
                raise self._err(")")
            self.i += 1
            return inner
        if t.kind != "word":
            raise self._err("a field")
        field = t.text.upper() if t.text.upper() in (*_TEXT_FIELDS, *_IPC_FIELDS) else t.text
        if field not in _TEXT_FIELDS and field not in _IPC_FIELDS:
            raise self._err("IPC, MIC, TI, AB, TIAB or CL")
        self.i += 1
        if not (self._peek() and self._peek().kind == "="):  # type: ignore[union-attr]
            raise self._err("=")
        self.i += 1
        value_atom = lambda: self._value(field)  # noqa: E731 - a closure over the field
        t = self._peek()
        if t is not None and t.kind == "(":
            self.i += 1
            inner = self._or(value_atom)
            if not (self._peek() and self._peek().kind == ")"):  # type: ignore[union-attr]
                raise self._err(")")
            self.i += 1
            return inner
        return value_atom()

    def _value(self, field: str) -> str:
        t = self._peek()
        if t is None or t.kind not in ("word", "phrase"):
            raise self._err("a value")
        if t.kind == "(":
            raise self._err("a value")
        self.i += 1
        if field in _IPC_FIELDS:
            code = t.text.upper().replace(" ", "")
            if not code[:1].isalpha() or len(code) < 3:
                raise BranchQueryError(f"IPC 分类号格式错误：{t.text} / malformed IPC code {t.text!r}")
            self.params.append(code)
            column = _IPC_FIELDS[field]
            if column == "ipc":
                return "len(list_filter(ipc, x -> starts_with(x, ?))) > 0"
            return "starts_with(coalesce(main_ipc, ''), ?)"
        columns = _TEXT_FIELDS[field]
        parts = []
        for col in columns:
            self.params.append(t.text)
            parts.append(f"contains(coalesce({col}, ''), ?)")
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _interim_where(query: str) -> tuple[str, list[Any]]:
    parser = _Parser(query)
    sql = parser.parse()
    return sql, parser.params


# --------------------------------------------------------------------------------------------
# branch_hits
# --------------------------------------------------------------------------------------------
def materialize_branch_hits(con: duckdb.DuckDBPyConnection, chain: Chain, as_of: dt.date) -> int:
    """Create ``branch_hits(branch_id, application_number)`` for patents filed on or before ``as_of``.

    One scan of ``patents``; returns the number of (branch, patent) rows.
    """
    elements, params = [], []
    for b in chain.branches:
        sql, p = where_clause(b.query)
        elements.append(f"CASE WHEN {sql} THEN ? END")
        params.extend(p)
        params.append(b.id)
    con.execute("DROP TABLE IF EXISTS branch_hits")
    con.execute(
        f"""
        CREATE TEMP TABLE branch_hits AS
        SELECT branch_id, application_number FROM (
            SELECT application_number,
                   unnest(list_filter([{", ".join(elements)}], x -> x IS NOT NULL)) AS branch_id
            FROM patents
            WHERE application_date <= ?
        )
        """,
        [*params, as_of],
    )
    row = con.execute("SELECT count(*) FROM branch_hits").fetchone()
    return int(row[0]) if row else 0
