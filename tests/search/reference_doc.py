"""Reading the executable examples out of docs/query-language.md."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "query-language.md"
_ROW = re.compile(r"^\|\s*`(?P<query>(?:[^`]|``)+)`\s*\|\s*(?P<hits>[^|]+?)\s*\|(?P<rest>.*)\|\s*$")


def examples() -> list[tuple[str, str]]:
    """(query, expected) for every table row of the page: expected is a count or ``错误 @N``."""
    out = []
    for line in DOC.read_text("utf-8").splitlines():
        m = _ROW.match(line)
        if m:
            out.append((m.group("query"), m.group("hits").strip()))
    return out


def valid_queries() -> list[str]:
    """The page's example queries that parse (the rows expecting an error left out)."""
    from zhichan.search.errors import QuerySyntaxError
    from zhichan.search.parser import parse

    out = []
    for query, _expected in examples():
        try:
            parse(query)
        except QuerySyntaxError:
            continue
        out.append(query)
    return out


def canonical_examples() -> list[tuple[str, str]]:
    out = []
    for line in DOC.read_text("utf-8").splitlines():
        m = re.match(r"^\|\s*`(.+)`\s*\|\s*`(.+)`\s*\|\s*$", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out
