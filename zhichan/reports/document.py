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
