"""Errors of the retrieval domain."""

from __future__ import annotations

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
        """The query with a caret under the offending character (for the CLI)."""
        return f"{self.query}\n{' ' * max(0, self.position - 1)}^"


class IndexMissing(NotFoundError):
    """No search index has been built for the snapshot yet."""

    code = "search.no_index"
    http_status = 503


class PatentNotFound(NotFoundError):
    code = "search.not_found"
