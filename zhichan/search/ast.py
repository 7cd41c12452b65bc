"""The query syntax tree every backend compiles (tantivy, DuckDB SQL, the Python oracle).

Values in the tree are already normalized (folded text, canonical codes, inclusive date bounds),
so two queries that mean the same thing give equal trees, and :func:`to_query` prints the
canonical string that parses back to the same tree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """Case-insensitive substring ``value`` in any column of text field ``field``."""

    field: str
    value: str


@dataclass(frozen=True)
class Code:
    """Normalized code ``value`` of field ``field``; ``prefix`` when written with a trailing ``*``."""

    field: str
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class DateRange:
    """``start <= date <= end``; either bound may be open (None)."""

    field: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Text | Code | DateRange | And | Or | Not

#: Words that must be quoted when they are values (they are operators or range syntax).
RESERVED = frozenset({"AND", "OR", "NOT", "TO", "与", "或", "非"})
_NEEDS_QUOTES = re.compile(r'[\s()"=<>:\[\]*\\]')


def quote(value: str) -> str:
    if value and not _NEEDS_QUOTES.search(value) and value.upper() not in RESERVED:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "*"


def to_query(node: Node) -> str:
    """The canonical query string of a tree: ``parse(to_query(t)) == t``."""
    if isinstance(node, Text):
        return f"{node.field}={quote(node.value)}"
    if isinstance(node, Code):
        return f"{node.field}={quote(node.value)}{'*' if node.prefix else ''}"
    if isinstance(node, DateRange):
        return f"{node.field}=[{_date(node.start)} TO {_date(node.end)}]"
    if isinstance(node, And):
        return "(" + " AND ".join(to_query(c) for c in node.children) + ")"
    if isinstance(node, Or):
        return "(" + " OR ".join(to_query(c) for c in node.children) + ")"
    if isinstance(node, Not):
        return f"(NOT {to_query(node.child)})"
    raise TypeError(node)


def walk(node: Node):
    yield node
    if isinstance(node, And | Or):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Not):
        yield from walk(node.child)


def positive_texts(node: Node, negated: bool = False) -> list[Text]:
    """Text leaves not under a NOT — what a snippet highlights."""
    if isinstance(node, Text):
        return [] if negated else [node]
    if isinstance(node, And | Or):
        return [t for c in node.children for t in positive_texts(c, negated)]
    if isinstance(node, Not):
        return positive_texts(node.child, not negated)
    return []
