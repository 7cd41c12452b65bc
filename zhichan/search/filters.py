"""Facet filters: a click on a facet value narrows the query by one clause of the query language.

The filter is kept apart from the typed query (so the page can show it as a removable chip) and
joined to it with AND when the search runs — the same query the command line would run, shown
on the page and written into exports.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhichan.errors import InputError
from zhichan.search.ast import quote
from zhichan.search.errors import QuerySyntaxError
from zhichan.search.parser import parse

#: facet (zhichan.search.layout.FACET_FIELDS) → the field of the query language its values belong to.
#: ``applicant`` is the first patentee; ``PA=`` matches any applicant or current patentee, so the
#: narrowed list can hold a few more patents than the facet counted (co-applications).
FACET_FIELD = {
    "year": "AD", "ipc": "IPC", "applicant": "PA", "province": "RC", "city": "RC", "kind": "TYPE",
    "legal_status": "LS", "sei": "SEI",
}
MAX_FILTERS = 12


@dataclass(frozen=True)
class Filter:
    facet: str
    value: str

    @property
    def clause(self) -> str:
        return f"{FACET_FIELD[self.facet]}={quote(self.value)}"

    @property
    def param(self) -> str:
        """The filter as a URL parameter value: ``ipc:H01M``."""
        return f"{self.facet}:{self.value}"


def parse_filter(text: str) -> Filter:
    """``facet:value`` → a :class:`Filter`; an unknown facet or a value its field rejects is an
    :class:`InputError` with the reason."""
    facet, sep, value = (text or "").partition(":")
    value = value.strip()
    if not sep or facet not in FACET_FIELD or not value or len(value) > 200:
        raise InputError(f"无效的筛选条件 {text[:60]!r}（应为 分面:取值，分面为 {'、'.join(FACET_FIELD)}） / "
                         f"invalid filter {text[:60]!r} (facet:value, facets: {', '.join(FACET_FIELD)})")
    found = Filter(facet, value)
    try:
        parse(found.clause)
    except QuerySyntaxError as exc:
        zh, _, en = exc.message.partition(" / ")  # the query language's own message, each half in its language
        raise InputError(f"筛选条件取值无效 {text[:60]!r}：{zh} / invalid filter value {text[:60]!r}: {en}") from None
    return found


def parse_filters(texts: list[str]) -> list[Filter]:
    if len(texts) > MAX_FILTERS:
        raise InputError(f"筛选条件过多（最多 {MAX_FILTERS} 个） / too many filters (at most {MAX_FILTERS})")
    return list(dict.fromkeys(parse_filter(t) for t in texts))


def narrow(query: str, filters: list[Filter]) -> str:
    """The typed query AND every filter's clause (the query itself in parentheses)."""
    if not filters:
        return query
    return " AND ".join([f"({query})", *(f.clause for f in filters)])
