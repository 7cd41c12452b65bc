"""HTML rendering of a :class:`~zhichan.reports.document.Document`.

Three chart modes, one template:

- ``"vega"`` — interactive: each figure is a ``<div id="chart-…">`` plus its Vega-Lite spec in a
  ``<script type="application/json" data-chart-for="chart-…">`` island — the convention the
  platform's ``static/app.js`` renders with vega-embed from ``/assets/vega-bundle.js`` (the
  bundle vl-convert itself uses, so page and image charts come from one library version). Use
  :func:`render_fragment` to embed a report in a platform page; :data:`EMBED_SCRIPT` does the
  same rendering for a page outside the platform's layout.
- ``"svg"`` — standalone file: charts inlined as SVG, works offline in any browser, no JS.
- ``"png"`` — for WeasyPrint (PDF): charts as PNG data URIs (WeasyPrint runs no JavaScript).
"""

from __future__ import annotations

import base64
from html import escape
from typing import Literal

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
    row_texts,
)

ChartMode = Literal["vega", "svg", "png"]
PNG_SCALE = 2.0

BASE_CSS = """
.zc-report { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif;
  color: #222; line-height: 1.6; max-width: 60rem; }
.zc-report h1 { font-size: 1.7rem; margin: 0.2rem 0; }
.zc-report h2 { font-size: 1.35rem; border-bottom: 2px solid #1f77b4; padding-bottom: .2rem; margin-top: 2rem; }
.zc-report h3 { font-size: 1.12rem; margin-top: 1.4rem; }
.zc-report h4 { font-size: 1rem; }
.zc-report table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .85rem; width: 100%; }
.zc-report th, .zc-report td { border: 1px solid #bbb; padding: .2rem .4rem; text-align: left; vertical-align: top; }
.zc-report th { background: #eef3f8; }
.zc-report td.num, .zc-report th.num { text-align: right; font-variant-numeric: tabular-nums; }
.zc-report td.num, .zc-report .nowrap { white-space: nowrap; }
.zc-report caption { caption-side: top; text-align: left; font-weight: bold; padding: .2rem 0; }
.zc-report figure { margin: .8rem 0 1.2rem; }
.zc-report figcaption { font-size: .85rem; color: #555; }
.zc-report .meta { font-size: .85rem; color: #444; }
.zc-report .meta td { border: none; padding: 0 .8rem 0 0; }
.zc-report .note { font-size: .85rem; color: #555; }
.zc-report .lead { font-size: 1.05rem; }
.zc-report .signature { text-align: right; margin: .2rem 0; }
.zc-report .synthetic { background: #fff3cd; border: 1px solid #e0b000; padding: .3rem .6rem; }
.zc-report nav.toc ol { list-style: none; padding-left: 1rem; }
.zc-report nav.toc > ol { padding-left: 0; }
.zc-report img.chart, .zc-report svg { max-width: 100%; height: auto; }
"""

#: Renders every ``.zc-chart`` once vega-embed is loaded (include after the vendored scripts).
EMBED_SCRIPT = """
(function () {
  function render() {
    if (typeof vegaEmbed === "undefined") { return; }
    document.querySelectorAll("script[data-chart-for]").forEach(function (island) {
      var el = document.getElementById(island.getAttribute("data-chart-for"));
      if (!el || el.getAttribute("data-rendered")) { return; }
      el.setAttribute("data-rendered", "1");
      vegaEmbed(el, JSON.parse(island.textContent), {actions: false, renderer: "svg"});
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", render); }
  else { render(); }
  document.addEventListener("htmx:afterSwap", render);
})();
"""

#: The platform serves vega + vega-lite + vega-embed as one bundle (zhichan/web/routes/assets.py).
DEFAULT_VEGA_SCRIPTS = ("/assets/vega-bundle.js",)


def _cell(tag: str, text: str, classes: list[str]) -> str:
    return f'<{tag} class="{" ".join(classes)}">{escape(text)}</{tag}>' if classes else f"<{tag}>{escape(text)}</{tag}>"


#: the rows of a table short enough to keep on one page when printed (at 8.5 pt a row of one line is ~5 mm; a row of
#: wrapped names two or three lines, so fewer than a page's 50)
WHOLE_TABLE_ROWS = 30


def _table(table: Table, lang: str) -> str:
    """A table: figures right-aligned under a right-aligned heading, short labels and headings never wrapped
    (:func:`zhichan.reports.document.column_layout`)."""
    layout = column_layout(table, lang)
    head = "".join(_cell("th", c, (["num"] if kind == "num" else []) + (["nowrap"] if is_short(c) else []))
                   for c, kind in zip(table.columns, layout, strict=True))
    body = []
    for row in table.rows:
        cells = "".join(_cell("td", text, {"num": ["num"], "short": ["nowrap"]}.get(kind, []))
                        for text, kind in zip(row_texts(table, row, lang), layout, strict=True))
        body.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    # each column as wide as its content asks (column_widths): a column that never wraps keeps its width whatever
    # the share says (the table lays out automatically)
    cols = "".join(f'<col style="width:{share * 100:.1f}%">' for share in column_widths(table, lang))
    tid = f' id="{escape(table.table_id)}"' if table.table_id else ""
    # a table that fits on a page is printed whole (the filing years' began at a page's foot: its heading, one row)
    whole = ' class="whole"' if len(table.rows) <= WHOLE_TABLE_ROWS else ""
    return f"<table{tid}{whole}>{caption}<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def script_json(json_text: str) -> str:
    """JSON text made safe inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` become
    ``\\u003c`` ``\\u003e`` ``\\u0026``. Escaping only ``</`` is not enough — a label
    ``<!--<script>`` puts the HTML parser in its "double-escaped" state, where ``</script>`` no
    longer ends the island and the rest of the page is swallowed. In JSON these characters
    occur only inside strings, where the escapes mean the same character. The cockpit's islands
    and the reports' use this one function."""
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _figure(fig: Figure, mode: ChartMode) -> str:
    cid = escape(fig.chart.chart_id)
    caption = f"<figcaption>{escape(fig.caption or fig.chart.title)}</figcaption>"
    if mode == "vega":
        spec = script_json(fig.chart.spec_json())
        body = (f'<div class="zc-chart" id="chart-{cid}"></div>'
                f'<script type="application/json" data-chart-for="chart-{cid}">{spec}</script>')
    elif mode == "svg":
        body = fig.chart.svg()
    else:
        png = fig.chart.png(scale=PNG_SCALE)
        width = int.from_bytes(png[16:20], "big") / PNG_SCALE  # IHDR width, back in CSS px
        data = base64.b64encode(png).decode("ascii")
        body = (f'<img class="chart" style="width:{width:.0f}px" alt="{escape(fig.chart.title)}" '
                f'src="data:image/png;base64,{data}">')
    return f'<figure id="fig-{cid}">{body}{caption}</figure>'


def _block(block: object, mode: ChartMode, lang: str) -> str:
    if isinstance(block, Paragraph):
        cls = f' class="{block.style}"' if block.style != "body" else ""
        return f"<p{cls}>{escape(block.text)}</p>"
    if isinstance(block, BulletList):
        return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        return _table(block, lang)
    if isinstance(block, Figure):
        return _figure(block, mode)
    raise TypeError(f"unknown block {type(block).__name__}")


def _section(section: Section, level: int, mode: ChartMode, lang: str) -> str:
    tag = f"h{min(level + 1, 6)}"
    heading = f"<{tag}>{escape(section.title)}</{tag}>" if section.title else ""
    parts = [f'<section id="{escape(section.anchor)}">{heading}']
    parts += [_block(b, mode, lang) for b in section.blocks]
    parts += [_section(s, level + 1, mode, lang) for s in section.subsections]
    parts.append("</section>")
    return "\n".join(parts)


def _toc(doc: Document, max_level: int = 2) -> str:
    def rec(sections: list[Section], level: int) -> str:
        if level > max_level or not sections:
            return ""
        items = "".join(
            f'<li><a href="#{escape(s.anchor)}">{escape(s.title)}</a>{rec(s.subsections, level + 1)}</li>'
            for s in sections
        )
        return f"<ol>{items}</ol>"

    return f'<nav class="toc"><h2>{escape(doc.word("contents"))}</h2>{rec(doc.sections, 1)}</nav>'


def render_fragment(doc: Document, *, mode: ChartMode = "vega", toc: bool = True) -> str:
    """The report as an embeddable ``<div class="zc-report">`` (no ``<html>``, no scripts)."""
    doc.assign_anchors()
    meta = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in doc.metadata)
    layout = " zc-letter" if doc.layout == "letter" else ""
    parts = [f'<div class="zc-report{layout}">', '<header class="cover">', f"<h1>{escape(doc.title)}</h1>"]
    if doc.subtitle:
        parts.append(f'<p class="lead">{escape(doc.subtitle)}</p>')
    if doc.synthetic:
        parts.append(f'<p class="synthetic">{escape(doc.word("synthetic_notice"))}</p>')
    parts.append(f'<table class="meta"><tbody>{meta}</tbody></table></header>')
    if toc and doc.layout != "letter":
        parts.append(_toc(doc))
    parts += [_section(s, 1, mode, doc.lang) for s in doc.sections]
    parts.append("</div>")
    return "\n".join(parts)


def render_page(doc: Document, *, mode: ChartMode = "svg", extra_css: str = "",
                vega_scripts: tuple[str, ...] = DEFAULT_VEGA_SCRIPTS) -> str:
    """A complete HTML document. ``mode="svg"`` needs nothing else (standalone file)."""
    scripts = ""
    if mode == "vega":
        scripts = "".join(f'<script src="{escape(src)}"></script>' for src in vega_scripts)
        scripts += f"<script>{EMBED_SCRIPT}</script>"
    return (
        f'<!DOCTYPE html>\n<html lang="{doc.html_lang}"><head><meta charset="utf-8">'
        f"<title>{escape(doc.title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{BASE_CSS}{extra_css}</style></head><body>"
        f"{render_fragment(doc, mode=mode)}{scripts}</body></html>\n"
    )
