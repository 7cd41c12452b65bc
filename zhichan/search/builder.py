"""The form search (表格检索): rows of field + value, a date range, kind and status pickers — written
out as the command-line query, which the search box then shows and runs.

The form only *writes* the query language; the parser stays the one judge of what is valid, so
a form value the grammar would reject is reported with the parser's message and the row it
came from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from zhichan.errors import InputError
from zhichan.search import fields as F
from zhichan.search.ast import quote
from zhichan.search.errors import QuerySyntaxError
from zhichan.search.parser import parse

OPERATORS = ("AND", "OR", "NOT")
DATE_FIELDS = tuple(f.code for f in F.FIELDS if f.kind == "date")
ROW_FIELDS = tuple(f.code for f in F.FIELDS if f.kind != "date")
#: a text value that is an expression rather than one term: operators, parentheses, quotes,
#: truncation or several words (each then a term of its own, as in the search box)
_TEXT_EXPRESSION = re.compile(r'[()"*\s]')
#: a code value that is an expression: operators or parentheses (a space alone is part of a code)
_CODE_EXPRESSION = re.compile(r"[()]|\s(AND|OR|NOT|与|或|非)\s")


@dataclass(frozen=True)
class FormRow:
    op: str  # how the row joins the rows above it: AND, OR, NOT (= AND NOT)
    field: str
    value: str


class FormError(InputError):
    """A form value the query language rejects; ``row`` is 0-based (None: the date range)."""

    code = "search.form"

    def __init__(self, message: str, row: int | None) -> None:
        super().__init__(message, details={"row": row})
        self.row = row


def clause(field: str, value: str) -> str:
    """One row as a clause: ``TI=电池``; an expression keeps its operators: ``TI=(电池 OR 电芯)``."""
    value = value.strip()
    pattern = _TEXT_EXPRESSION if F.BY_CODE[field].kind == "text" else _CODE_EXPRESSION
    if pattern.search(value):
        return f"{field}=({value})"
    return f"{field}={quote(value) if not value.endswith('*') else value}"


def _day(text: str, row: int | None) -> str:
    text = text.strip()
    if not text:
        return "*"
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        if re.fullmatch(r"\d{4}(-\d{2})?", text):
            return text
        raise FormError(f"日期应为 YYYY、YYYY-MM 或 YYYY-MM-DD：{text[:20]} / a date is YYYY, YYYY-MM or YYYY-MM-DD",
                        row) from None


def build_query(rows: list[FormRow], *, date_field: str = "AD", date_from: str = "", date_to: str = "",
                kinds: list[str] | None = None, statuses: list[str] | None = None) -> str:
    """The command-line query the form describes (empty rows skipped); :class:`FormError` names
    the first row the query language rejects."""
    expr = ""
    previous_op = ""
    for i, row in enumerate(rows):
        if not row.value.strip():
            continue
        if row.field not in ROW_FIELDS:
            raise FormError(f"未知字段 {row.field[:20]} / unknown field", i)
        if row.op not in OPERATORS:
            raise FormError(f"未知运算符 {row.op[:10]} / unknown operator", i)
        part = clause(row.field, row.value)
        try:
            parse(part)
        except QuerySyntaxError as exc:
            raise FormError(exc.message, i) from None
        if not expr:
            expr = f"NOT {part}" if row.op == "NOT" else part
        else:
            if previous_op and previous_op != row.op:
                expr = f"({expr})"  # the form reads top to bottom: each row joins everything above it
            expr = f"{expr} {'AND NOT' if row.op == 'NOT' else row.op} {part}"
            previous_op = row.op
    filters = []
    if date_from.strip() or date_to.strip():
        if date_field not in DATE_FIELDS:
            raise FormError(f"未知日期字段 {date_field[:10]} / unknown date field", None)
        filters.append(f"{date_field}=[{_day(date_from, None)} TO {_day(date_to, None)}]")
    for code, picked in (("TYPE", kinds or []), ("LS", statuses or [])):
        chosen = [v for v in dict.fromkeys(picked) if v]
        if chosen:
            filters.append(f"{code}=({' OR '.join(quote(v) for v in chosen)})")
    parts = ([f"({expr})" if filters and previous_op == "OR" else expr] if expr else []) + filters
    query = " AND ".join(parts)
    if not query:
        raise FormError("表格为空：请至少填写一项 / the form is empty: fill in at least one row", 0)
    try:
        parse(query)
    except QuerySyntaxError as exc:
        raise FormError(exc.message, None) from None
    return query
