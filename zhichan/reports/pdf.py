"""PDF rendering: the report's HTML (charts as PNG) through WeasyPrint, Noto CJK embedded.

WeasyPrint silently draws empty boxes when no CJK font is found (STACK-NOTES), so
:func:`check_cjk_font` fails loudly first. The table of contents carries page numbers
(``target-counter``) and the headings become PDF bookmarks. Fonts are subset and embedded by
WeasyPrint; the document's metadata (title, creation date = the report's generation time) is
set explicitly so the same report gives the same bytes.
"""

from __future__ import annotations

import shutil
import subprocess
from html import escape

from zhichan.errors import MissingDependency
from zhichan.reports.document import Document, printable_document
from zhichan.reports.html import BASE_CSS, render_fragment

FONT_FAMILY = "Noto Sans CJK SC"

PRINT_CSS = """
@page { size: A4; margin: 20mm 18mm 20mm 18mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; color: #666; }
  @top-right { content: string(doctitle); font-size: 8pt; color: #888; } }
@page :first { @top-right { content: none; } @bottom-center { content: none; } }
html { font-family: "Noto Sans CJK SC", sans-serif; font-size: 10pt; }
.zc-report { max-width: none; }
.zc-report h1 { string-set: doctitle content(); font-size: 22pt; margin-top: 30mm; }
.zc-report header.cover { page-break-after: always; }
.zc-report nav.toc { page-break-after: always; }
.zc-report nav.toc a { color: #222; text-decoration: none; }
.zc-report nav.toc a::after { content: leader('.') target-counter(attr(href), page); }
.zc-report nav.toc h2 { bookmark-level: none; }
.zc-report section > h2 { page-break-before: always; bookmark-level: 1; }
.zc-report h3 { bookmark-level: 2; page-break-after: avoid; }
.zc-report h4 { bookmark-level: 3; page-break-after: avoid; }
.zc-report table { font-size: 8.5pt; page-break-inside: auto; }
.zc-report tr { page-break-inside: avoid; } .zc-report table.whole { page-break-inside: avoid; }
.zc-report caption { break-after: avoid; page-break-after: avoid; }
.zc-report figure { page-break-inside: avoid; }
.zc-report img.chart { max-width: 100%; }
.zc-letter h1 { margin-top: 2mm; text-align: center; }
.zc-letter header.cover { page-break-after: auto; }
.zc-letter section > h2 { page-break-before: auto; }
.zc-letter p { font-size: 11pt; line-height: 1.65; margin: .45em 0; }
.zc-letter p.note { font-size: 8.5pt; line-height: 1.5; }
"""


def check_cjk_font() -> None:
    """Raise if fontconfig has no Noto CJK font (WeasyPrint would print empty boxes)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return  # cannot check; WeasyPrint itself needs fontconfig, so this is unusual
    out = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False).stdout
    if "Noto Sans CJK" not in out and "WenQuanYi" not in out:
        raise MissingDependency("中文字体 Noto CJK / CJK font", "apt-get install fonts-noto-cjk")


def _css_string(text: str) -> str:
    """``text`` inside a CSS string in double quotes."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render_pdf(doc: Document) -> bytes:
    """The document as PDF bytes (A4, TOC with page numbers, bookmarks, CJK font embedded); a ``letter``
    layout (决定书, 推荐函, 通知书) on as few pages as it needs: no cover page, no contents — the same
    ``Document.layout`` the DOCX follows. Its texts :func:`printable_document`, as the DOCX's."""
    doc = printable_document(doc)
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - listed in pyproject
        raise MissingDependency("weasyprint", "pip install weasyprint") from exc
    check_cjk_font()
    created = doc.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ") if doc.generated_at else ""
    meta = f'<meta name="dcterms.created" content="{created}"><meta name="dcterms.modified" content="{created}">' \
        if created else ""
    # every page's running head names the report, and says 合成数据 when it is (a page printed on its own keeps it;
    # the DOCX header does the same)
    synthetic = f'.zc-report h1 {{ string-set: doctitle content() "{_css_string(doc.word("synthetic_header"))}"; }}' \
        if doc.synthetic else ""
    html = (
        f'<!DOCTYPE html><html lang="{doc.html_lang}"><head><meta charset="utf-8"><title>{escape(doc.title)}</title>'
        f'<meta name="generator" content="zhichan">{meta}'
        f"<style>{BASE_CSS}{PRINT_CSS}{synthetic}</style></head>"
        f"<body>{render_fragment(doc, mode='png')}</body></html>"
    )
    pdf = weasyprint.HTML(string=html, base_url=".").write_pdf(pdf_identifier=b"zhichan-report", uncompressed_pdf=False)
    return bytes(pdf)
