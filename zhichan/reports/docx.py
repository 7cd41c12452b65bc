"""Word (DOCX) rendering with python-docx: a real TOC field, heading styles, tables, chart images,
a header with the title and a footer with page numbers (PAGE / NUMPAGES fields) from page 2 on.

- The table of contents is a Word ``TOC \\o "1-3" \\h \\z \\u`` field over the built-in
  Heading 1–3 styles; ``updateFields`` in settings.xml asks Word/WPS to fill in page numbers when
  the file is opened (python-docx cannot paginate). Until then the field shows a pre-rendered
  list of the headings, so the TOC is readable even in viewers that never update fields.
- Chinese text uses "Noto Sans CJK SC" for the East Asian script (``w:eastAsia``); Word falls back
  to a system CJK font when Noto is not installed on the reader's machine.
- The zip is rewritten with fixed timestamps and the core properties carry the report's
  generation time, so the same report gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from zhichan.reports.document import (
    BulletList,
    Document,
    Figure,
    Paragraph,
    Section,
    Table,
    column_layout,
    column_widths,
    is_short,
    printable_document,
    row_texts,
)

FONT_FAMILY = "Noto Sans CJK SC"
LATIN_FONT = "Noto Sans"
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _set_fonts(style: Any, size: float | None = None) -> None:
    style.font.name = LATIN_FONT
    if size:
        style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), FONT_FAMILY)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]


def _add_field(paragraph: Any, instruction: str, placeholder_runs: list[str]) -> None:
    """A complex field: begin / instrText / separate / cached result / end."""

    def fld(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            el.set(qn("w:dirty"), "true")
        return el

    run = paragraph.add_run()
    run._r.append(fld("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(fld("separate"))
    for i, text in enumerate(placeholder_runs):
        r = paragraph.add_run(text)
        if i < len(placeholder_runs) - 1:
            r.add_break()
    run = paragraph.add_run()
    run._r.append(fld("end"))


def _header_and_footer(section: Any, doc: Document) -> None:
    """Every page but the cover: the report's title (and 合成数据 when synthetic) above, "第 N 页 共 M 页"
    below — PAGE and NUMPAGES fields, which Word and WPS fill in as they paginate."""
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.text = doc.title + (doc.word("synthetic_header") if doc.synthetic else "")
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in header.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # "第 {page} 页 共 {pages} 页": the text around the placeholders, the fields in their place
    for part in re.split(r"(\{page\}|\{pages\})", doc.word("page_footer")):
        if part == "{page}":
            _add_field(footer, "PAGE", ["1"])
        elif part == "{pages}":
            _add_field(footer, "NUMPAGES", ["1"])
        elif part:
            footer.add_run(part)


def _update_fields_on_open(document: Any) -> None:
    settings = document.settings.element
    el = settings.find(qn("w:updateFields"))
    if el is None:
        el = OxmlElement("w:updateFields")
        settings.append(el)
    el.set(qn("w:val"), "true")


def _shade(cell: Any, hex_fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tcpr.append(shd)


def _no_wrap(cell: Any) -> None:
    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _table(document: Any, table: Table, lang: str, width_mm: float) -> None:
    """As the HTML's: figures right-aligned under a right-aligned heading, short labels and headings kept on one line
    (:func:`zhichan.reports.document.column_layout`)."""
    if table.caption:
        document.add_paragraph(table.caption, style="Caption")
    layout = column_layout(table, lang)
    t = document.add_table(rows=1, cols=len(table.columns))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name, kind in zip(t.rows[0].cells, table.columns, layout, strict=True):
        cell.text = name
        _shade(cell, "EEF3F8")
        for run in cell.paragraphs[0].runs:
            run.bold = True
        if kind == "num":
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if is_short(name):
            _no_wrap(cell)
    for row in table.rows:
        cells = t.add_row().cells
        for cell, text, kind in zip(cells, row_texts(table, row, lang), layout, strict=True):
            cell.text = text
            if kind == "num":
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if kind:
                _no_wrap(cell)
    # each column as wide as its content asks (column_widths), as in the HTML and PDF: Word's autofit gave a column
    # of long titles no more than one of a few figures
    t.autofit = False
    widths = [Mm(width_mm * share) for share in column_widths(table, lang)]
    for column, width in zip(t.columns, widths, strict=True):
        column.width = width
    for row in t.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(8.5)
    document.add_paragraph()


def _figure(document: Any, figure: Figure, width_mm: float) -> None:
    png = figure.chart.png(scale=2.0)
    document.add_picture(io.BytesIO(png), width=Mm(width_mm))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(figure.caption or figure.chart.title, style="Caption")


def _section(document: Any, section: Section, level: int, width_mm: float, lang: str) -> None:
    if section.title:
        document.add_heading(section.title, level=min(level, 9))
    for block in section.blocks:
        if isinstance(block, Paragraph):
            p = document.add_paragraph(block.text)
            if block.style == "signature":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if block.style == "note":
                for run in p.runs:
                    run.font.size = Pt(8.5)
                    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        elif isinstance(block, BulletList):
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(document, block, lang, width_mm)
        elif isinstance(block, Figure):
            _figure(document, block, width_mm)
        else:
            raise TypeError(f"unknown block {type(block).__name__}")
    for sub in section.subsections:
        _section(document, sub, level + 1, width_mm, lang)


def _normalized_zip(data: bytes) -> bytes:
    """Same entries, same order, fixed timestamps: equal documents → equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_docx(doc: Document) -> bytes:
    """The document as DOCX bytes (its texts :func:`printable_document`: python-docx refuses a control character)."""
    doc = printable_document(doc)
    doc.assign_anchors()
    document = new_docx()
    sec = document.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Mm(20)
    sec.top_margin = sec.bottom_margin = Mm(20)
    width_mm = 210 - 40
    styles = document.styles
    _set_fonts(styles["Normal"], 10.5)
    for name in ("Title", "Subtitle", "Caption", "List Bullet", "Heading 1", "Heading 2", "Heading 3",
                 "Heading 4", "TOC Heading"):
        try:
            _set_fonts(styles[name])
        except KeyError:
            continue

    _header_and_footer(sec, doc)

    props = document.core_properties
    props.title = doc.title
    props.subject = doc.subtitle
    props.author = "zhichan 知产"
    props.comments = "; ".join(f"{k.split(' / ')[0]}: {v}" for k, v in doc.metadata)[:255]
    when = doc.generated_at or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    props.created = props.modified = when.replace(tzinfo=None)
    props.last_modified_by = "zhichan"
    props.revision = 1

    document.add_paragraph(doc.title, style="Title")
    if doc.subtitle:
        document.add_paragraph(doc.subtitle, style="Subtitle")
    if doc.synthetic:
        p = document.add_paragraph(doc.word("synthetic_notice"))
        for run in p.runs:
            run.bold = True
            run.font.color.rgb = RGBColor(0xA0, 0x60, 0x00)
    meta = document.add_table(rows=0, cols=2)
    for key, value in doc.metadata:
        cells = meta.add_row().cells
        cells[0].text, cells[1].text = key, value
    if doc.layout == "letter":
        for section in doc.sections:
            _section(document, section, 1, width_mm, doc.lang)
        return _saved(document)
    document.add_page_break()

    document.add_paragraph(doc.word("contents"), style="TOC Heading" if "TOC Heading" in [s.name for s in styles] else "Heading 1")
    headings = [("    " * (lvl - 1)) + s.title for lvl, s in doc.walk() if lvl <= 3]
    _add_field(document.add_paragraph(), 'TOC \\o "1-3" \\h \\z \\u', headings)
    _update_fields_on_open(document)
    document.add_page_break()

    for section in doc.sections:
        _section(document, section, 1, width_mm, doc.lang)
    return _saved(document)


def _saved(document: Any) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return _normalized_zip(buf.getvalue())
