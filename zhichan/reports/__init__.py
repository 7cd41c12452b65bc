"""Shared report infrastructure: charts (one spec → web chart and image), HTML, DOCX and PDF.

A domain builds a :class:`zhichan.reports.document.Document`; :func:`render` turns it into the
requested format. See docs/navigation.md for the first user (navigation reports).
"""

from __future__ import annotations

from typing import Literal

from zhichan.reports.document import Document

ReportFormat = Literal["html", "docx", "pdf"]
FORMATS: tuple[str, ...] = ("html", "docx", "pdf")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


#: where set (the test suite sets it, tests/conftest.py): the (PDF, DOCX) of each document :func:`pdf_and_docx` rendered
#: in this process, by the document's ``repr`` (every field, its date included), at most :data:`RENDERED_KEPT` of them.
#: The suite's tests generate the same standard document with the same values again and again — a case walked on
#: SQLite then on PostgreSQL, the same world walked by several tests — at ~0.2 CPU-s a rendering (WeasyPrint subsetting
#: the CJK fonts); the platform renders a step's documents once and keeps none (``None``)
RENDERED: dict[str, tuple[bytes, bytes]] | None = None
RENDERED_KEPT = 128


def pdf_and_docx(doc: Document) -> tuple[bytes, bytes]:
    """``doc`` as PDF and DOCX: the two files of a document a procedure step generates (protection's standard
    documents, a service's decision)."""
    from zhichan.reports.docx import render_docx  # python-docx with the first document, not at import
    from zhichan.reports.pdf import render_pdf

    kept = RENDERED
    key = repr(doc)
    if kept is None or " at 0x" in key:  # a field without a repr of its contents: never taken for another
        return render_pdf(doc), render_docx(doc)
    made = kept.get(key)
    if made is None:
        made = kept[key] = render_pdf(doc), render_docx(doc)
        while len(kept) > RENDERED_KEPT:
            del kept[next(iter(kept))]
    return made


def render(doc: Document, fmt: str) -> bytes:
    """``doc`` as bytes in ``fmt`` (standalone HTML with SVG charts, DOCX, or PDF)."""
    if fmt == "html":
        from zhichan.reports.html import render_page

        return render_page(doc, mode="svg").encode("utf-8")
    if fmt == "docx":
        from zhichan.reports.docx import render_docx

        return render_docx(doc)
    if fmt == "pdf":
        from zhichan.reports.pdf import render_pdf

        return render_pdf(doc)
    from zhichan.errors import InputError

    raise InputError(f"不支持的报告格式 {fmt}（可选 html/docx/pdf） / unsupported report format {fmt}")
