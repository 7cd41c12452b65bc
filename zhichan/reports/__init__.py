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
