"""A report as plain data — sections of paragraphs, tables, figures and lists.

A domain (navigation, indicators, policy evaluation …) builds one :class:`Document`; the
renderers turn the same object into an HTML page (:mod:`zhichan.reports.html`), a Word file
(:mod:`zhichan.reports.docx`) and a PDF (:mod:`zhichan.reports.pdf`). So the three forms cannot
drift apart, and a test can compare any of them with the numbers the domain computed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from zhichan.reports.charts import Chart


@dataclass
class Paragraph:
    text: str
    #: body | note | lead | signature (the issuing office and the date at the foot of an official document,
    #: flush right as GB/T 9704 places 发文机关署名 and 成文日期)
    style: str = "body"


@dataclass
class BulletList:
    items: list[str]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""
    table_id: str = ""
    #: the columns (by index) whose whole numbers are identifiers — a year, a level — printed as written; every other
    #: whole number in a table is a count, grouped (1,197) as the pages show counts
    plain_columns: tuple[int, ...] = ()
    #: the columns (by index) whose cells are names read whole, never wrapped, however wide: a branch's Chinese name
    #: (5–9 characters) broke mid-name beside the appendix's long queries
    whole_columns: tuple[int, ...] = ()


@dataclass
class Figure:
    chart: Chart
    caption: str = ""


Block = Paragraph | BulletList | Table | Figure


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    anchor: str = ""

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self

    def sub(self, title: str, *blocks: Block, anchor: str = "") -> Section:
        child = Section(title, list(blocks), anchor=anchor)
        self.subsections.append(child)
        return child


@dataclass
class Document:
    title: str
    subtitle: str = ""
    #: (label, value) pairs printed on the cover and in the document properties: chain hash,
    #: snapshot id, as-of date, generation time …
    metadata: list[tuple[str, str]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    generated_at: dt.datetime | None = None
    synthetic: bool = False  # the data contains synthetic records: every form shows a notice
    #: ``report`` (cover, contents, a page per chapter) or ``letter`` (an official notice: title, then the
    #: text on the same page, no contents)
    layout: str = "report"
    #: the language of the text (``zh`` or ``en``): the renderers' own words (contents, page numbers,
    #: the synthetic-data notice) and the HTML ``lang`` follow it
    lang: str = "zh"

    def word(self, key: str) -> str:
        """A renderer's own word in the document's language (``report.<key>`` in the web catalogue)."""
        from zhichan.web.i18n import translate

        return translate(self.lang, f"report.{key}")

    @property
    def html_lang(self) -> str:
        return "zh-CN" if self.lang == "zh" else self.lang

    def walk(self) -> Iterator[tuple[int, Section]]:
        """(level, section) depth-first; level 1 = top."""

        def rec(sections: Sequence[Section], level: int) -> Iterator[tuple[int, Section]]:
            for s in sections:
                yield level, s
                yield from rec(s.subsections, level + 1)

        yield from rec(self.sections, 1)

    def figures(self) -> list[Figure]:
        return [b for _, s in self.walk() for b in s.blocks if isinstance(b, Figure)]

    def assign_anchors(self) -> None:
        """Give every section a stable anchor (``s1``, ``s1-2`` …) unless it has one."""

        def rec(sections: Sequence[Section], prefix: str) -> None:
            for i, s in enumerate(sections, 1):
                s.anchor = s.anchor or f"{prefix}{i}"
                rec(s.subsections, f"{s.anchor}-")

        rec(self.sections, "s")


def printable_document(doc: Document) -> Document:
    """A copy of ``doc`` whose every text (title, metadata, headings, paragraphs, items, table cells, captions) is
    :func:`zhichan.untrusted.printable`: what the DOCX and PDF writers are given, so a text stored before the forms
    refused control characters (a NUL in an older row, a vertical tab in an imported title) prints as U+FFFD rather
    than failing the document (python-docx refuses it, WeasyPrint a lone surrogate). A chart keeps its data."""
    from dataclasses import fields, is_dataclass, replace

    from zhichan.untrusted import printable

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return printable(value)
        if isinstance(value, list | tuple):
            return type(value)(clean(v) for v in value)
        if is_dataclass(value) and not isinstance(value, type | Chart):
            return replace(value, **{f.name: clean(getattr(value, f.name)) for f in fields(value) if f.init})
        return value

    return cast(Document, clean(doc))


def chinese_date(day: dt.date) -> str:
    """A date as an official Chinese document writes it: ``2026年11月30日`` (not ``2026-11-30``)."""
    return f"{day.year}年{day.month}月{day.day}日"


#: a figure a report formats before it is a cell (so it is text): an amount to the fen ``1,000,000.00``, a ratio
#: ``0.43``, a share ``57.1%``, a change ``+2``, a grouped count ``12,345`` — not an identifier (a branch ``1.1``)
_FIGURE = re.compile(r"[+\-−]?\d[\d,]*\.\d\d|[+\-−]?\d[\d,]*(\.\d+)?%|[+\-−]\d[\d,]*|\d{1,3}(,\d{3})+")
#: what a cell with no figure shows
_NONE = ("", "—", "-")
#: a cell at most this wide (in em of its type: a Chinese character 1, another 0.55) is a short label that never wraps
#: (有效, 高价值, 是, 企业): in a narrow column 状态 stood one character a line
SHORT_EM = 5.0


def column_layout(table: Table, lang: str = "zh") -> list[str]:
    """How every renderer sets each column of ``table``: ``"num"`` — figures (counts, amounts, shares; "—" where
    none), right-aligned and never wrapped, so their digits line up; ``"short"`` — short labels, never wrapped; ``""``
    — text, which wraps (a column of :attr:`Table.whole_columns` is short whatever its width)."""
    layout = []
    shown = [row_texts(table, row, lang) for row in table.rows]
    for i in range(len(table.columns)):
        cells = [row[i] for row in table.rows]
        texts = [row[i] for row in shown]
        figures = [(isinstance(v, int | float) and not isinstance(v, bool)) or bool(_FIGURE.fullmatch(t.strip()))
                   for v, t in zip(cells, texts, strict=True)]
        if any(figures) and all(f or t.strip() in _NONE for f, t in zip(figures, texts, strict=True)):
            layout.append("num")
        elif texts and (i in table.whole_columns or all(map(is_short, texts))):
            layout.append("short")
        else:
            layout.append("")
    return layout


#: a printed table's width in em of its type: A4's 174 mm between the margins at 8.5 pt (the PDF's and the DOCX's)
PRINT_WIDTH_EM = 58.0
#: what a cell costs beyond its text, in em: its padding and borders (0.4 rem a side at 10 pt, ~0.95 em) and a
#: margin for the estimate (团队专利 at 1.0 stood three characters a line)
CELL_PAD_EM = 1.5
#: the narrowest a wrapping column is set, in em: a Chinese title four characters a line is unreadable
TEXT_MIN_EM = 6.0
#: a wrapped line holds a little less than its width (a line breaks at a space or before a word, not mid-word)
WRAP_WASTE = 1.12
#: a piece of text no line breaks: a Latin word (up to and with its hyphen: High-|value), a number
_UNBREAKABLE = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef-]+-?")


#: a heading's Chinese term is kept on a line up to this width, in em; a longer one on two
HEADING_TERM_EM = 6.0
#: a heading's parts: between spaces, a bracket's part with its brackets (金额 / （元）)
_HEADING_PART = re.compile(r"[（(][^）)]*[）)]|[^\s（(]+")


def _longest_word_em(text: str) -> float:
    """The widest piece of ``text`` no line can break (a Latin word, a number; a Chinese character breaks anywhere)."""
    from zhichan.web.choices import label_em

    return max([label_em(w) for w in _UNBREAKABLE.findall(text)] + [1.0 if text.strip() else 0.0])


def _heading_em(text: str) -> float:
    """The narrowest a column's heading is set: its longest word, and a Chinese term whole (up to
    :data:`HEADING_TERM_EM`, a longer one in two lines) — a column of a few figures had set 有效发明专利（件） two
    characters a line."""
    from zhichan.web.choices import label_em

    terms = [label_em(part) for part in _HEADING_PART.findall(text) if re.search(r"[\u2e80-\u9fff]", part)]
    whole = [em if em <= HEADING_TERM_EM else max(HEADING_TERM_EM * 2 / 3, em / 2) for em in terms]
    return max([_longest_word_em(text), *whole])


def column_widths(table: Table, lang: str = "zh", width_em: float = PRINT_WIDTH_EM) -> list[float]:
    """Each column's share of the table's width, by its content in ``lang`` — what every renderer sets (the HTML's and
    PDF's ``<col>``, the DOCX's cell widths), so a column of long titles is not squeezed to a few characters a line
    beside columns wider than they need (the English core patents: each title four characters a line, its applicant
    in a wide column, under headings that wrap anyway).

    A column that never wraps (figures, short labels: :func:`column_layout`) is as wide as its widest cell, and as its
    heading (a short one whole, another's longest word). Every other column starts at its longest word (at least
    :data:`TEXT_MIN_EM`, or its longest cell where that is less) and the width left is given, half an em at a time,
    where it shortens the rows most: a row is as tall as its cell of the most lines."""
    from zhichan.web.choices import label_em

    layout = column_layout(table, lang)
    texts = [row_texts(table, row, lang) for row in table.rows]
    count = len(table.columns)
    widths: list[float] = []
    wrapping: list[int] = []
    for i, (name, kind) in enumerate(zip(table.columns, layout, strict=True)):
        cells = [row[i] for row in texts]
        heading = label_em(name) if is_short(name) else _heading_em(name)
        if kind:  # never wrapped
            widths.append(max([heading] + [label_em(c) for c in cells]))
            continue
        longest = max([label_em(c) for c in cells] + [0.0])
        widths.append(max([heading, min(TEXT_MIN_EM, longest)] + [_longest_word_em(c) for c in cells]))
        wrapping.append(i)
    left = width_em - CELL_PAD_EM * count - sum(widths)
    lengths = [[label_em(row[i]) * WRAP_WASTE for i in range(count)] for row in texts]

    def height(w: list[float]) -> float:
        return sum(max([1.0] + [row[i] / w[i] for i in wrapping if w[i]]) for row in lengths)

    step = 0.5
    while wrapping and left >= step:
        now = height(widths)
        gains = []
        for i in wrapping:
            widths[i] += step
            gains.append((now - height(widths), max(row[i] for row in lengths) if lengths else 0.0, -i))
            widths[i] -= step
        gain, _, best = max(gains)
        if gain <= 1e-9:  # every row one line: the rest is spread by the shares
            break
        widths[-best] += step
        left -= step
    padded = [w + CELL_PAD_EM for w in widths]
    total = sum(padded)
    return [w / total for w in padded]


def is_short(text: str) -> bool:
    """Whether a heading or a cell reads as one short label (:data:`SHORT_EM`), never wrapped."""
    from zhichan.web.choices import label_em

    return label_em(text) <= SHORT_EM


def grouped(count: int) -> str:
    """A count as the pages show one (``'{:,}'.format(n)`` in their templates): ``1,197``."""
    return f"{count:,}"


def fmt_cell(value: Any, lang: str = "zh", plain: bool = False) -> str:
    """How every renderer prints a table cell: integers grouped as counts (:func:`grouped`) — as written where
    ``plain`` (an identifier's column, :attr:`Table.plain_columns`) —, floats with 2 decimals, None as —, a
    boolean as yes/no in the document's language."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        from zhichan.web.i18n import translate

        return translate(lang, "report.yes" if value else "report.no")
    if isinstance(value, int):
        return str(value) if plain else grouped(value)
    if isinstance(value, float):
        if value != value:
            return "—"
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def row_texts(table: Table, row: Sequence[Any], lang: str = "zh") -> list[str]:
    """A row of ``table`` as every renderer prints it (:func:`fmt_cell`, its identifier columns as written)."""
    return [fmt_cell(v, lang, plain=i in table.plain_columns) for i, v in enumerate(row)]


_SLUG = re.compile(r"[^0-9A-Za-z_-]+")


def slug(text: str) -> str:
    return _SLUG.sub("-", text).strip("-").lower() or "x"
