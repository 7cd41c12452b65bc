"""Every table's cells labelled with their column's name in the HTML the server sends.

Below 700 px a page's tables stack (``static/app.css``, docs/CONTRIBUTING.md "Tables on a phone"): each row a block,
each cell a line that shows its ``data-label`` before its value. :func:`label_cells` writes that attribute into every
body cell of every table with a ``<thead>`` — the column's name, read from the header's last row (a heading spanning
columns counted as many), or the heading's own ``data-label`` where it gives its cells a shorter one (a heading with a
note under it). A cell whose template gave it a ``data-label`` keeps it (``data-label=""``: a cell that reads without
one), and a cell spanning several columns (an empty list's message, a note under a row) gets none, being no one
column's; nor does any cell of a footer row that names itself in a first cell spanning columns (a total: "减缴合计"
over four columns, then the sum — under the 算式 column, but no formula — and an empty cell under 理由). The app's templates render through :class:`LabelledTemplate`, so every page and every part a page loads
(HTMX) comes labelled — and a navigation report stored as HTML and shown in its page too — without JavaScript, and
no template names a column twice (its header and each of its cells). A table with a header says how many columns it
has (``data-columns``): a list of two or three stays a table on a phone, where it fits, rather than stacking each row
into as many lines. The heading of a column of figures — every body cell of it a ``td.num``, right-aligned — is
marked ``num`` too, so that it stands right-aligned above them: one rule for every table (the patent page's "金额"
stood at the left of its amounts).
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any

import jinja2

#: a table's start or end tag, or one of its parts' (attribute values quoted or not, ``>`` inside a quoted value
#: allowed): the rest of the page is skipped over
_TAG = re.compile(r"""<(/?)(t(?:able|head|body|foot|r|h|d))\b((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>""")
#: a tag's class attribute (group 2: its value where quoted)
_CLASS = re.compile(r"""(?:^|\s)class\s*=\s*(?:(["'])([^"']*)\1|[^\s"'>]+)""")
#: a class attribute naming ``num`` (a figure's cell)
_NUM = re.compile(r"""(?:^|\s)class\s*=\s*["']?(?:[^"'>]*\s)?num(?:[\s"'>]|$)""")
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for name, value in _ATTR.findall(text):
        found[name.lower()] = unescape(value[1:-1] if value[:1] in "\"'" else value)
    return found


def _span(attributes: dict[str, str]) -> int:
    try:
        return max(1, int(attributes.get("colspan", "1")))
    except ValueError:
        return 1


class _Table:
    """One table being read: where its header is, the names of its columns, the body row's column reached."""

    def __init__(self, attrs_end: int, counted: bool = False) -> None:
        self.attrs_end = attrs_end  # where its start tag's attributes end (its column count is written there)
        #: its start tag has its column count already (a panel labelled when rendered, then placed in a page labelled again)
        self.counted = counted
        self.section = ""  # thead, tbody, tfoot ("" before any: rows there are the body's)
        self.names: list[str] = []  # the header's last row, a name per column (as an attribute's value: escaped)
        self.row: list[str] = []  # the header row being read
        self.heading: tuple[int, dict[str, str]] | None = None  # the open heading: where its content starts, its attributes
        self.column = 0  # the body row's next column
        #: the row names itself (a footer row — a total — whose first cell spans columns): its cells take no column's name
        self.named_row = False
        #: the header row being read, and the header's last row: per column, where its heading's class takes ``num``
        #: (None: a heading spanning columns, or one already a number's)
        self.marks: list[tuple[int, str] | None] = []
        self.last_marks: list[tuple[int, str] | None] = []
        self.figures: dict[int, bool] = {}  # per column: whether each of its body cells is a figure (``td.num``)

    def close_heading(self, html: str, at: int) -> None:
        if self.heading is None:
            return
        start, attributes = self.heading
        self.heading = None
        name = attributes.get("data-label")
        if name is None:
            name = unescape(re.sub(r"<[^>]*>", "", html[start:at]))
        self.row += [escape(" ".join(name.split()))] * _span(attributes)

    def open_heading(self, tag: re.Match[str]) -> None:
        attributes = _attributes(tag[3])
        self.heading = (tag.end(), attributes)
        span = _span(attributes)
        if span > 1 or "num" in attributes.get("class", "").split():
            self.marks += [None] * span
            return
        found = _CLASS.search(tag[3])
        if found is None:
            self.marks.append((tag.end(3), ' class="num"'))
        elif found[2] is not None:  # a quoted class: ``num`` goes before its closing quote
            self.marks.append((tag.start(3) + found.end() - 1, " num"))
        else:
            self.marks.append(None)

    def numeric_headings(self) -> list[tuple[int, str]]:
        """Where this table's headings take ``num``: over a column whose every body cell is a figure, so that the
        heading stands right-aligned above them (app.css) — the patent page's "金额" stood left above right-aligned
        amounts."""
        return [mark for column, mark in enumerate(self.last_marks)
                if mark is not None and self.figures.get(column)]


def _every_column_headed(names: list[str], html: str, at: int) -> None:
    """Every column of a table has a heading: a column headed by nothing read as the one before it (the patent page's
    parties and detail under 金额). The suite (strict, as for messages) refuses a page with such a column; a page
    served shows it all the same."""
    from zhichan.web import i18n

    if i18n.STRICT and "" in names:
        start = html.rfind("<table", 0, at + 1)
        raise ValueError(f"a table column without a heading (column {names.index('') + 1}): {html[start:start + 400]}")


def label_cells(html: str) -> str:
    """``html`` with each table's body cells labelled with their column's name (module docstring), and the heading of
    a column of figures marked as one (``num``, :meth:`_Table.numeric_headings`)."""
    if "<thead" not in html:
        return html
    edits: list[tuple[int, str]] = []  # (where, what is inserted there)
    tables: list[_Table] = []
    at = html.find("<table")
    while at != -1:
        for tag in _TAG.finditer(html, at):
            closing, name, attrs = tag.groups()
            if name == "table":
                if closing:
                    edits += tables.pop().numeric_headings()
                    if not tables:
                        at = tag.end()
                        break
                else:
                    tables.append(_Table(tag.end(3), "data-columns" in attrs))
                continue
            if not tables:
                continue
            table = tables[-1]
            if name in ("thead", "tbody", "tfoot"):
                table.close_heading(html, tag.start())
                if table.section == "thead":  # the header ends (its end tag, or the body's start where it has none)
                    _every_column_headed(table.row, html, tag.start())
                    table.names, table.row = table.row, []
                    table.last_marks, table.marks = table.marks, []
                    if not table.counted:
                        edits.append((table.attrs_end, f' data-columns="{len(table.names)}"'))
                table.section = "" if closing else name
            elif name == "tr":
                table.close_heading(html, tag.start())
                if table.section == "thead" and not closing:
                    table.row, table.marks = [], []
                table.column = 0
                table.named_row = False
            elif table.section == "thead":
                table.close_heading(html, tag.start())
                if not closing:
                    table.open_heading(tag)
            elif not closing:  # a body cell (a row's own heading counts its column, a data cell gets its label)
                span = _span(_attributes(attrs)) if "colspan" in attrs else 1
                if table.section == "tfoot" and table.column == 0 and span > 1:
                    table.named_row = True  # "减缴合计" over the first columns: the figure after it is the total's
                label = table.names[table.column] if span == 1 and table.column < len(table.names) else ""
                if table.named_row:
                    label = ""
                if name == "td" and span == 1 and table.section != "tfoot":
                    figure = _NUM.search(attrs) is not None
                    table.figures[table.column] = table.figures.get(table.column, True) and figure
                if name == "td" and label and "data-label" not in attrs:
                    edits.append((tag.end(3), f' data-label="{label}"'))
                table.column += span
        else:
            break
        at = html.find("<table", at)
    if not edits:
        return html
    edits.sort(key=lambda edit: edit[0])
    out: list[str] = []
    done = 0
    for where, text in edits:
        out += [html[done:where], text]
        done = where
    out.append(html[done:])
    return "".join(out)


class LabelledTemplate(jinja2.Template):
    """A template whose rendered HTML has its tables' cells labelled (:func:`label_cells`): the app's environment
    renders every page and part with it."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        return label_cells(super().render(*args, **kwargs))
