"""Parsing the query language (grammar: ``query.lark``) into the syntax tree of :mod:`zhichan.search.ast`.

Every failure — a lexer or parser error, an unknown field, a bad date or code — becomes a
:class:`~zhichan.search.errors.QuerySyntaxError` with a 1-based character position, what was
expected there, and a message in Chinese and English. Nothing else escapes :func:`parse`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TypeVar, cast

from lark import Lark, Token, Transformer_NonRecursive, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from zhichan.search import fields as F
from zhichan.search.ast import And, Code, DateRange, Node, Not, Or, Text
from zhichan.search.errors import QuerySyntaxError

MAX_QUERY_CHARS = 4000
#: Deepest syntax tree. AND and OR are n-ary (``a OR b OR …`` is one node however long) and
#: ``NOT NOT x`` is ``x``, so only groups in parentheses that alternate AND, OR and NOT deepen the
#: tree — which every backend walks recursively. 64 levels is far beyond any real query and far
#: below Python's stack limit; the canonical form nests exactly as deep, so it parses back.
MAX_DEPTH = 64
#: Parentheses nested deeper than this are refused before parsing (they bound the work of
#: binding a field to a group; redundant parentheses add no depth to the tree).
MAX_PARENS = 2 * MAX_DEPTH

#: Full-width punctuation Chinese input methods produce, folded one-for-one before lexing.
_PUNCT = str.maketrans({"（": "(", "）": ")", "＝": "=", "＜": "<", "＞": ">", "：": ":", "“": '"', "”": '"',
                        "＂": '"', "【": "[", "】": "]", "［": "[", "］": "]", "\u3000": " "})

_TERMINALS = {
    "WORD": ("检索词", "a term"),
    "PHRASE": ('"短语"', '"a phrase"'),
    "LPAR": ("(", "("),
    "RPAR": (")", ")"),
    "LBRACK": ("[", "["),
    "RSQB": ("]", "]"),
    "CMP": ("=", "="),
    "AND": ("AND", "AND"),
    "OR": ("OR", "OR"),
    "NOT": ("NOT", "NOT"),
    "AND_ZH": ("与", "与"),
    "OR_ZH": ("或", "或"),
    "NOT_ZH": ("非", "非"),
    "TO": ("TO", "TO"),
    "$END": ("查询结尾", "end of query"),
}


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = files("zhichan.search").joinpath("query.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", maybe_placeholders=False)


@dataclass(frozen=True)
class _Bare:
    """A value not yet bound to a field (bound by an enclosing ``FIELD=( … )`` or the default)."""

    token: Token


class _Fail(Exception):
    def __init__(self, pos: int | None, zh: str, en: str, expected: tuple[str, ...] = ()) -> None:
        # lark types ``Token.start_pos`` as optional: lexed tokens always carry it; only the hand-made
        # default ``=`` of :func:`parse` has none (and never fails) — the query start, should one ever.
        self.pos, self.zh, self.en, self.expected = pos or 0, zh, en, expected


_AndOr = TypeVar("_AndOr", And, Or)


def _flat(cls: type[_AndOr], items: list) -> _AndOr:
    out: list = []
    for item in items:
        out.extend(item.children if isinstance(item, cls) else [item])
    return cls(tuple(out))


def _unquote(token: Token) -> str:
    if token.type == "PHRASE":
        return re.sub(r"\\(.)", r"\1", token.value[1:-1])
    return token.value


def _text_leaf(field: str, token: Token) -> Node:
    raw = _unquote(token)
    parts = [raw] if token.type == "PHRASE" else raw.split("*")
    # control characters and ␟ (the index's separator between a field's values, text.SEP) read as spaces
    values = [re.sub(r"\s+", " ", F.fold(re.sub(r"[\x00-\x1f\x7f\u241f]", " ", p))).strip() for p in parts]
    values = [v for v in values if v]
    if not values:
        raise _Fail(token.start_pos, "检索词为空", "empty term", ("检索词",))
    leaves = [Text(field, v) for v in values]
    return leaves[0] if len(leaves) == 1 else And(tuple(leaves))


def _code_leaf(field: str, token: Token) -> Node:
    raw = _unquote(token).strip()
    prefix = token.type == "WORD" and raw.endswith("*")
    value = raw.rstrip("*") if prefix else raw
    if "*" in value or (prefix and field not in ("AN", "PN", "IPC", "MIC")):
        raise _Fail(token.start_pos, f"{field} 不支持截词符 *", f"{field} does not take the * truncation",
                    ("AN", "PN", "IPC", "MIC"))
    if not value:
        raise _Fail(token.start_pos, "检索词为空", "empty term", ("检索词",))
    if field == "HV" and F.fold(value) in (F.fold(v) for v in F.HV_NO):
        return Not(Code("HV", "yes"))
    try:
        norm = F.normalize_code(field, value, prefix)
    except F.ValueProblem as exc:
        raise _Fail(token.start_pos, exc.zh, exc.en, exc.expected) from None
    return Code(field, norm, prefix)


#: The written forms of a date (docs/query-language.md, "Dates"): a year; a month as ``202103`` or
#: with one separator ``-`` ``.`` ``/`` (``2021-03``, ``2021-3``); a day as ``20210315`` or with the
#: same separator twice (``2021-03-15``, ``2021.3.5``). Anything else — ``20211``, ``2021-03.15`` —
#: is an error, never a guess.
_DATE_FORMS = (
    (re.compile(r"^(\d{4})$"), "y"),
    (re.compile(r"^(\d{4})(\d{2})$"), "m"),
    (re.compile(r"^(\d{4})[-./](\d{1,2})$"), "m"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "d"),
    (re.compile(r"^(\d{4})([-./])(\d{1,2})\2(\d{1,2})$"), "d"),
)


def _date_span(token: Token) -> tuple[dt.date, dt.date]:
    """The first and last day a written date covers: 2021 → 2021-01-01…2021-12-31."""
    text = _unquote(token).strip()
    for pattern, precision in _DATE_FORMS:
        m = pattern.match(text)
        if not m:
            continue
        try:
            y = int(m.group(1))
            if precision == "y":
                return dt.date(y, 1, 1), dt.date(y, 12, 31)
            groups = [g for g in m.groups()[1:] if g.isdigit()]  # the separator group is not a number
            mo = int(groups[0])
            if precision == "m":
                return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
            day = dt.date(y, mo, int(groups[1]))
            return day, day
        except ValueError:
            break
    raise _Fail(token.start_pos, f"无法识别的日期 {text}", f"not a date: {text}", ("2021", "2021-03", "202103", "2021-03-15", "20210315"))


def _date_leaf(field: str, op: Token, token: Token) -> Node:
    first, last = _date_span(token)
    one = dt.timedelta(days=1)
    if op.value in ("=", ":"):
        return DateRange(field, first, last)
    if op.value == ">=":
        return DateRange(field, first, None)
    if op.value == ">":
        return DateRange(field, last + one, None)
    if op.value == "<=":
        return DateRange(field, None, last)
    return DateRange(field, None, first - one)


def _field(token: Token) -> F.FieldSpec:
    spec = F.resolve_field(token.value)
    if spec is None:
        raise _Fail(token.start_pos, f"未知字段 {token.value}", f"unknown field {token.value}",
                    tuple(f.code for f in F.FIELDS))
    return spec


def _leaf(spec: F.FieldSpec, op: Token, token: Token) -> Node:
    if spec.kind != "date" and op.value not in ("=", ":"):
        raise _Fail(op.start_pos, f"字段 {spec.code} 只能用 =", f"field {spec.code} takes = only", ("=",))
    if spec.kind == "text":
        return _text_leaf(spec.code, token)
    if spec.kind == "code":
        return _code_leaf(spec.code, token)
    return _date_leaf(spec.code, op, token)


def _bind(node: object, spec: F.FieldSpec, op: Token) -> Node:
    """Give the bare values below ``node`` the field ``spec`` (``TI=(a OR b)``)."""
    if isinstance(node, _Bare):
        return _leaf(spec, op, node.token)
    if isinstance(node, And):
        return _flat(And, [_bind(c, spec, op) for c in node.children])
    if isinstance(node, Or):
        return _flat(Or, [_bind(c, spec, op) for c in node.children])
    if isinstance(node, Not):
        return cast(Node, _negate(_bind(node.child, spec, op)))
    return cast(Node, node)  # the transformer builds nothing but nodes and _Bare values


def _negate(node: object) -> object:
    """``NOT x``; ``NOT NOT x`` is ``x`` (so a chain of NOTs never deepens the tree)."""
    return node.child if isinstance(node, Not) else Not(cast(Node, node))


_OPERATORS = frozenset({"AND", "OR", "NOT", "AND_ZH", "OR_ZH", "NOT_ZH"})


def _operands(items: tuple[object, ...]) -> list:
    return [i for i in items if not (isinstance(i, Token) and i.type in _OPERATORS)]


@v_args(inline=True)
class _Build(Transformer_NonRecursive):
    """Tree → syntax tree without recursion: ``a OR b OR …`` is a left-deep lark tree as deep as
    the query is long (500 OR-ed synonyms are a normal query)."""

    def start(self, expr: object) -> object:
        return expr

    def or_(self, *items: object) -> Or:
        return _flat(Or, _operands(items))

    def and_(self, *items: object) -> And:
        return _flat(And, _operands(items))

    def not_(self, *items: object) -> object:
        return _negate(_operands(items)[0])

    def word(self, token: Token) -> Token:
        return token

    def phrase(self, token: Token) -> Token:
        return token

    def bare(self, token: Token) -> _Bare:
        return _Bare(token)

    def clause(self, name: Token, op: Token, value: Token) -> Node:
        return _leaf(_field(name), op, value)

    def range_clause(self, name: Token, op: Token, bounds: tuple[Token, Token, Token]) -> Node:
        spec = _field(name)
        lbrack, low, high = bounds
        if spec.kind != "date":
            raise _Fail(lbrack.start_pos, f"字段 {spec.code} 不支持范围", f"field {spec.code} takes no range",
                        ("AD", "PD", "GD"))
        if op.value not in ("=", ":"):
            raise _Fail(op.start_pos, "范围前只能用 =", "a range follows =", ("=",))
        start = None if _unquote(low).strip() == "*" else _date_span(low)[0]
        end = None if _unquote(high).strip() == "*" else _date_span(high)[1]
        if start and end and start > end:
            raise _Fail(low.start_pos, "范围起点晚于终点", "the range starts after it ends", ())
        return DateRange(spec.code, start, end)

    def range(self, lbrack: Token, low: Token, _to: Token, high: Token) -> tuple[Token, Token, Token]:
        return lbrack, low, high

    def group_clause(self, name: Token, op: Token, expr: object) -> Node:
        spec = _field(name)
        if op.value not in ("=", ":") and spec.kind != "date":
            raise _Fail(op.start_pos, f"字段 {spec.code} 只能用 =", f"field {spec.code} takes = only", ("=",))
        return _bind(expr, spec, op)


def _deepest_paren(text: str) -> tuple[int, int]:
    """(deepest nesting of parentheses outside quoted phrases, 0-based position of its ``(``)."""
    depth, deepest, at, quoted, escaped = 0, 0, 0, False, False
    for pos, char in enumerate(text):
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "(":
            depth += 1
            if depth > deepest:
                deepest, at = depth, pos
        elif char == ")":
            depth = max(0, depth - 1)
    return deepest, at


def _depth(node: Node) -> int:
    """Levels of the syntax tree, counted without recursion."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, And | Or):
            stack.extend((c, level + 1) for c in item.children)
        elif isinstance(item, Not):
            stack.append((item.child, level + 1))
    return deepest


def _too_deep(text: str, limit: int) -> _Fail:
    return _Fail(_deepest_paren(text)[1], f"括号嵌套过深（最多 {limit} 层）",
                 f"parentheses nested too deep (at most {limit} levels)")


def _expected_names(expected: set[str]) -> tuple[str, ...]:
    names = []
    for terminal in expected:
        zh, en = _TERMINALS.get(terminal, (terminal, terminal))
        names.append(zh if zh == en else f"{zh}({en})")
    return tuple(sorted(set(names)))


@lru_cache(maxsize=4096)
def parse(query: str) -> Node:
    """Parse ``query`` into its syntax tree; raises :class:`QuerySyntaxError` on any problem.

    Cached: the tree is immutable (frozen dataclasses) and paging, facets and exports of one
    query parse the same text again."""
    if not isinstance(query, str):
        raise QuerySyntaxError(str(query), 1, (), "查询必须是文本", "the query must be text")
    if len(query) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(query[:50] + "…", MAX_QUERY_CHARS + 1, (), f"查询过长（最多 {MAX_QUERY_CHARS} 个字符）",
                               f"query too long (at most {MAX_QUERY_CHARS} characters)")
    if not query.strip():
        raise QuerySyntaxError(query, 1, ("检索词",), "查询为空", "empty query")
    text = query.translate(_PUNCT)
    try:
        if _deepest_paren(text)[0] > MAX_PARENS:
            raise _too_deep(text, MAX_PARENS)
        tree = _lark().parse(text)
        node = _bind(_Build().transform(tree), F.BY_CODE[F.DEFAULT_FIELD], Token("CMP", "="))
        if _depth(node) > MAX_DEPTH:
            raise _too_deep(text, MAX_DEPTH)
        return node
    except VisitError as exc:
        fail = exc.orig_exc
        if isinstance(fail, _Fail):
            raise QuerySyntaxError(query, fail.pos + 1, fail.expected, fail.zh, fail.en) from None
        raise
    except _Fail as fail:
        raise QuerySyntaxError(query, fail.pos + 1, fail.expected, fail.zh, fail.en) from None
    except UnexpectedCharacters as exc:
        pos = exc.pos_in_stream or 0  # always set by the lexer; optional only on the lark base class
        char = text[pos]
        if char == '"':
            raise QuerySyntaxError(query, pos + 1, ('"',), "引号没有闭合", "unclosed quote") from None
        raise QuerySyntaxError(query, pos + 1, _expected_names(set(exc.allowed or ())),
                               f"意外的字符 {char!r}", f"unexpected character {char!r}") from None
    except UnexpectedToken as exc:
        token = exc.token
        expected = _expected_names(set(exc.expected))
        if token.type == "$END":
            raise QuerySyntaxError(query, len(query) + 1, expected, "查询意外结束", "unexpected end of query") from None
        raise QuerySyntaxError(query, (token.start_pos or 0) + 1, expected, f"意外的 {token.value!r}",
                               f"unexpected {token.value!r}") from None
    except UnexpectedInput as exc:  # any other lark input error
        raise QuerySyntaxError(query, getattr(exc, "pos_in_stream", 0) + 1, (), "无法解析", "cannot parse") from None
