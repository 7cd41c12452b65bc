"""Errors of the retrieval domain."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from zhichan.errors import InputError, NotFoundError


class QuerySyntaxError(InputError):
    """A query the parser cannot accept. ``position`` is 1-based (characters), as users count."""

    code = "query.syntax"

    def __init__(self, query: str, position: int, expected: Iterable[str], zh: str, en: str) -> None:
        self.query = query
        self.position = position
        self.expected = sorted(set(expected))
        expected_text = "、".join(self.expected)
        expected_en = ", ".join(self.expected)
        message = f"查询语法错误（第 {position} 个字符）：{zh}"
        if self.expected:
            message += f"；此处应为：{expected_text}"
        message += f" / query syntax error at character {position}: {en}"
        if self.expected:
            message += f"; expected: {expected_en}"
        super().__init__(message, details={"position": position, "expected": self.expected, "query": query})

    def pointer(self) -> str:
        """The query with a caret under the offending character (for the CLI): the caret is
        indented by the *display width* of what precedes it — a Chinese character or a
        full-width sign takes two terminal columns (Unicode East Asian Width W/F)."""
        line = "".join(" " if unicodedata.category(c) == "Cc" else c for c in self.query)
        before = line[: max(0, self.position - 1)]
        return f"{line}\n{' ' * display_width(before)}^"


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: 2 for wide and full-width characters, 0 for combining marks."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


class IndexMissing(NotFoundError):
    """No search index has been built for the snapshot yet."""

    code = "search.no_index"
    http_status = 503


class VectorsMissing(NotFoundError):
    """The index build holds no semantic vectors (built with ``with_vectors=False``): no similar patents."""

    code = "search.no_vectors"


class PatentNotFound(NotFoundError):
    code = "search.not_found"
