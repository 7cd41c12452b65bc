"""One chart definition → the web page's Vega-Lite spec, and SVG/PNG images for documents.

A :class:`Chart` wraps an Altair chart whose data is inlined (``values``), so the spec is a plain
JSON document: the web page hands it to the platform's vendored vega-embed, the DOCX/PDF
renderers turn it into PNG (or SVG) with ``vl-convert`` — no browser, nothing downloaded.

    from zhichan.reports import charts
    chart = charts.line("trend", rows, x="year", y="applications", title="申请趋势", x_title="申请年",
                        y_title="申请量（件）")
    chart.spec()      # dict for vegaEmbed(el, spec)
    chart.svg()       # str, for standalone HTML
    chart.png()       # bytes, for DOCX and PDF

Chinese text needs a CJK font: every chart uses "Noto Sans CJK SC" (Debian ``fonts-noto-cjk``),
whose folder is registered with vl-convert once per process.

Altair is imported by the functions that build a chart, not with this module: its import (with
jsonschema and narwhals) costs 0.4–0.7 CPU-s, which every process importing the platform (each CLI
command, each server worker) would pay before it draws any chart.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhichan.errors import MissingDependency

if TYPE_CHECKING:
    import altair as alt

FONT_FAMILY = "Noto Sans CJK SC"
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts")
#: Colours of the platform (Tableau 10 reordered so the home region is always the first colour).
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf"]
DEFAULT_WIDTH = 520
DEFAULT_HEIGHT = 260
#: the pixels a category's label (an applicant, a branch) may take before Vega cuts it with "…": the longest English
#: company names (~55 characters at 11 px; 260 cut "Shanghai Shunhai Optoelectronic Technology C…")
LABEL_LIMIT = 360

#: a category's label is wrapped into lines of at most this many units (a CJK character 2, anything else 1; under
#: 6 px a unit at the axis's 11 px): every line within LABEL_LIMIT, so Vega cuts none with "…" (an English branch's
#: path, a long applicant's name and its legal name), and a label that fits stays one line
LABEL_LINE_UNITS = 58
#: the pixels a wrapped label's extra line adds to its row
LABEL_LINE_PX = 12


def _units(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def wrap_label(label: str, units: int = LABEL_LINE_UNITS) -> list[str]:
    """A row label as lines: its `` · `` parts packed greedily, a part longer than a line broken between words
    (English) or characters (Chinese)."""
    pieces: list[str] = []
    for part in label.split(" · "):
        if _units(part) <= units:
            pieces.append(part)
            continue
        line = ""
        for token in re.findall(r"\S+\s*" if " " in part else r".", part):
            if line and _units(line + token.rstrip()) > units:
                pieces.append(line.rstrip())
                line = ""
            line += token
        if line.strip():
            pieces.append(line.rstrip())
    lines: list[str] = []
    for piece in pieces:
        if lines and _units(f"{lines[-1]} · {piece}") <= units:
            lines[-1] = f"{lines[-1]} · {piece}"
        else:
            lines.append(piece)
    return lines


def _label_lines(labels: Sequence[str]) -> tuple[str | None, int]:
    """The axis's ``labelExpr`` showing each of ``labels`` longer than a line wrapped (None where none is), and the
    lines the wrapping adds: the data keep the whole name (the tooltip, the highlight), the axis shows its lines."""
    wrapped = {label: lines for label in labels if len(lines := wrap_label(label)) > 1}
    if not wrapped:
        return None, 0
    expr = " : ".join(f"datum.label === {json.dumps(k)} ? {json.dumps(v, ensure_ascii=False)}" for k, v in wrapped.items())
    return f"{expr} : datum.label", sum(len(v) - 1 for v in wrapped.values())


def _row_axis(labels: Sequence[str]) -> tuple[Any, int]:
    """A category axis whose every label reads whole (:func:`_label_lines`), and the lines its wrapping adds."""
    import altair as alt

    expr, extra = _label_lines(labels)
    return alt.Axis(labelLimit=LABEL_LIMIT, labelExpr=expr if expr else alt.Undefined), extra


_SVG_ID = re.compile(r'\bid="([^"]+)"')
_fonts_lock = threading.Lock()
_fonts_registered = False

Rows = Sequence[Mapping[str, Any]]


def _vl_convert() -> Any:
    global _fonts_registered
    try:
        import vl_convert as vlc
    except ImportError as exc:  # pragma: no cover - listed in pyproject
        raise MissingDependency("vl-convert-python", "pip install vl-convert-python") from exc
    with _fonts_lock:
        if not _fonts_registered:
            for folder in FONT_DIRS:
                if Path(folder).is_dir():
                    vlc.register_font_directory(folder)
                    break
            _fonts_registered = True
    return vlc


def _jsonable(rows: Rows) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (dates → ISO strings), order kept — the spec must be deterministic."""
    out = []
    for row in rows:
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif isinstance(value, float) and value != value:  # NaN
                value = None
            clean[str(key)] = value
        out.append(clean)
    return out


@dataclass(frozen=True)
class Chart:
    """A named chart: ``chart_id`` is stable (used for file names, anchors and tests)."""

    chart_id: str
    title: str
    chart: alt.TopLevelMixin
    #: rendered images, so a report rendered as DOCX and PDF draws each chart once
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def spec(self) -> dict[str, Any]:
        """The Vega-Lite specification (plain JSON types), data inlined."""
        spec = self.chart.to_dict()
        # Altair names inline datasets by content hash: stable, but the $schema URL is only a label.
        return json.loads(json.dumps(spec, ensure_ascii=False, sort_keys=True))

    def card_spec(self) -> dict[str, Any]:
        """The specification for a page's card whose heading already names the chart: without its
        title (images, reports and exports keep it)."""
        spec = self.spec()
        spec.pop("title", None)
        return spec

    def spec_json(self) -> str:
        return json.dumps(self.spec(), ensure_ascii=False, sort_keys=True)

    def svg(self) -> str:
        """SVG with element ids renamed ``<chart_id>-<n>``: vega numbers gradients and clip paths
        with a per-process counter, which would make the same chart differ between runs and
        collide when several charts share one HTML page."""
        if "svg" in self._cache:
            return str(self._cache["svg"])
        svg = str(_vl_convert().vegalite_to_svg(self.spec()))
        ids = list(dict.fromkeys(_SVG_ID.findall(svg)))
        for n, old in enumerate(ids):
            new = f"{self.chart_id}-{n}"
            svg = re.sub(rf'(?<=["#]){re.escape(old)}(?=["\)])', new, svg)
        self._cache["svg"] = svg
        return svg

    def png(self, scale: float = 2.0) -> bytes:
        key = f"png@{scale}"
        if key not in self._cache:
            self._cache[key] = bytes(_vl_convert().vegalite_to_png(self.spec(), scale=scale))
        return bytes(self._cache[key])


def _base(rows: Rows, title: str, width: int | None, height: int | None) -> alt.Chart:
    import altair as alt

    return alt.Chart(alt.Data(values=_jsonable(rows))).properties(
        title=title, width=width or DEFAULT_WIDTH, height=height or DEFAULT_HEIGHT
    )


def _configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT_FAMILY, background="white")
        .configure_range(category=PALETTE)
        .configure_axis(labelFontSize=11, titleFontSize=12)
        .configure_title(fontSize=14, anchor="start")
        .configure_legend(labelFontSize=11, titleFontSize=11)
    )


def _value_axis(values: Sequence[Any], **kwargs: Any) -> Any:
    """The value axis: counts (every value a whole number) get whole-number ticks, never 0.2 or 0.5 — at most one
    tick per unit, at most five."""
    import altair as alt

    top = max((v for v in values if isinstance(v, int)), default=0)
    return alt.Axis(format=",d", tickMinStep=1, tickCount=max(1, min(top, 5)), **kwargs) if _is_count(values) \
        else alt.Axis(**kwargs)


def _is_count(values: Sequence[Any]) -> bool:
    return all((isinstance(v, int) and not isinstance(v, bool)) or v is None for v in values)


def _named(field: str, title: str) -> str:
    """``title``, the name a chart gives ``field`` in its tooltip (and its axis or legend): in the chart's language,
    never the data's own column name (``year``, ``series``, ``value`` read on a Chinese page's tooltips)."""
    if not title:
        raise ValueError(f"chart field {field!r} has no name in the chart's language")
    return title


def line(chart_id: str, rows: Rows, *, x: str, y: str | Sequence[str], title: str, x_title: str,
         y_title: str = "", series_title: str = "", labels: Mapping[str, str] | None = None,
         width: int | None = None, height: int | None = None) -> Chart:
    """Lines over an ordinal x (years): one line per column in ``y`` (folded into a legend). Each column's name is
    ``labels[column]`` (for a single line ``y_title`` will do); a point's tooltip gives the year and every line's value
    there, each under its name."""
    import altair as alt

    ys = [y] if isinstance(y, str) else list(y)
    base = _base(rows, title, width, height)
    labels = dict(labels or {})
    y_axis = _value_axis([r.get(k) for r in _jsonable(rows) for k in ys])
    x_enc = alt.X(f"{x}:O", title=_named(x, x_title))
    if len(ys) == 1:
        name = _named(ys[0], y_title or labels.get(ys[0], ""))
        chart = base.mark_line(point=True).encode(
            x=x_enc, y=alt.Y(f"{ys[0]}:Q", title=name, axis=y_axis),
            tooltip=[alt.Tooltip(f"{x}:O", title=x_title), alt.Tooltip(f"{ys[0]}:Q", title=name)],
        )
    else:
        names = {k: _named(k, labels.get(k, "")) for k in ys}
        label_expr = " : ".join(f"datum.key === {json.dumps(k)} ? {json.dumps(names[k])}" for k in ys)
        chart = (
            base.transform_fold(list[Any](ys), as_=["key", "value"])
            .transform_calculate(series=f"{label_expr} : datum.key")
            .mark_line(point=True)
            .encode(
                x=x_enc,
                y=alt.Y("value:Q", title=y_title, axis=y_axis),
                color=alt.Color("series:N", title=series_title or None, sort=[names[k] for k in ys]),
                # the folded row keeps its columns: the year's every value under its line's name
                tooltip=[alt.Tooltip(f"{x}:O", title=x_title), *(alt.Tooltip(f"{k}:Q", title=names[k]) for k in ys)],
            )
        )
    return Chart(chart_id, title, _configure(chart))


#: a small multiple's panel: its heading and, for each of the chart's series, the column holding its values there
Panel = tuple[str, Mapping[str, str]]


def line_panels(chart_id: str, rows: Rows, *, x: str, series: Mapping[str, str], panels: Sequence[Panel], title: str,
                x_title: str, y_title: str = "", width: int | None = None, panel_height: int = 150) -> Chart:
    """Small multiples: the same lines (``series``: key → its name in the legend) in a panel each, one under the
    other over the same x (years), each panel on a value axis of its own — a region's few applications a year drawn
    against the nation's hundred lay flat on one axis. ``panels``: (heading, key → the column of ``rows`` holding that
    series there). A point's tooltip gives the year and the panel's every series there, each under its name."""
    import altair as alt

    keys = list(series)
    names = {k: _named(k, v) for k, v in series.items()}
    long: list[dict[str, Any]] = []
    for row in _jsonable(rows):
        for heading, columns in panels:
            long.append({x: row[x], "panel": heading, **{k: row.get(columns[k]) for k in keys}})
    label_expr = " : ".join(f"datum.key === {json.dumps(k)} ? {json.dumps(names[k])}" for k in keys)
    lines = (
        alt.Chart(alt.Data(values=long))
        .transform_fold(list[Any](keys), as_=["key", "value"])
        .transform_calculate(series=f"{label_expr} : datum.key")
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{x}:O", title=_named(x, x_title)),
            y=alt.Y("value:Q", title=y_title, axis=_value_axis([r.get(k) for r in long for k in keys])),
            # the legend above the panels, across: beside them it took a phone's panels a third of their width
            color=alt.Color("series:N", title=None, sort=[names[k] for k in keys],
                            legend=alt.Legend(orient="top", direction="horizontal")),
            tooltip=[alt.Tooltip(f"{x}:O", title=x_title), *(alt.Tooltip(f"{k}:Q", title=names[k]) for k in keys)],
        )
        .properties(width=width or DEFAULT_WIDTH, height=panel_height)
    )
    headings = [heading for heading, _ in panels]
    chart = (
        lines.facet(facet=alt.Facet("panel:N", title=None, sort=headings,
                                    header=alt.Header(labelAnchor="start", labelFontSize=12, labelFontWeight="bold",
                                                      labelPadding=4)),
                    columns=1, spacing=12)
        .resolve_scale(y="independent")
        .properties(title=title)
    )
    return Chart(chart_id, title, _configure(chart))


def bar(chart_id: str, rows: Rows, *, category: str, value: str, title: str, category_title: str,
        value_title: str, color: str | None = None, color_title: str = "", horizontal: bool = True,
        highlight: str | None = None, width: int | None = None, height: int | None = None) -> Chart:
    """Bars in the given row order (the caller sorts; the chart does not re-sort).

    ``highlight`` names a category drawn in the accent colour (the home region in a ranking).
    ``color`` stacks bars by that column (named ``color_title``). Every column is named in the chart's language: in the
    tooltip, and on its axis or legend but a horizontal chart's row axis.
    """
    import altair as alt

    order = list(dict.fromkeys(str(r[category]) for r in rows))
    axis, extra = _row_axis(order) if horizontal else (alt.Axis(labelLimit=LABEL_LIMIT), 0)
    # a row axis untitled: its labels name themselves, and its title was drawn over the longest of them (wrapped,
    # they are measured narrower than they are); the name is the tooltip's
    cat = (alt.Y if horizontal else alt.X)(f"{category}:N", title=None if horizontal else _named(category, category_title),
                                           sort=order, axis=axis)
    counted = [r.get(value) for r in _jsonable(rows)]
    # counts get whole-number ticks (a ranking of 0–3 patents showed 0.2 steps); other values Vega's own axis
    axis = {"axis": _value_axis(counted)} if _is_count(counted) else {}
    val = (alt.X if horizontal else alt.Y)(f"{value}:Q", title=_named(value, value_title), **axis)
    enc: dict[str, Any] = {"tooltip": [alt.Tooltip(f"{category}:N", title=_named(category, category_title)),
                                       alt.Tooltip(f"{value}:Q", title=value_title)]}
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=_named(color, color_title))
        enc["tooltip"].append(alt.Tooltip(f"{color}:N", title=color_title))
    elif highlight is not None:
        enc["color"] = alt.condition(
            alt.datum[category] == highlight, alt.value(PALETTE[1]), alt.value(PALETTE[0])
        )
    h = (height or max(120, 22 * len(order))) + LABEL_LINE_PX * extra if horizontal else height
    chart = _base(rows, title, width, h).mark_bar().encode(
        **({"y": cat, "x": val} if horizontal else {"x": cat, "y": val}), **enc
    )
    return Chart(chart_id, title, _configure(chart))


def _count_legend(rows: Rows, column: str) -> Any:
    """A colour legend in whole numbers where ``column`` holds counts (joint applications 1 and 2: it read 1.0, 1.2 …
    2.0, as if half an application could be filed); Vega-Lite's own legend otherwise."""
    import altair as alt

    values = [v for r in rows if isinstance(v := r.get(column), int | float) and float(v).is_integer()]
    if not values or len(values) < len(rows):
        return alt.Undefined
    low, high = int(min(values)), int(max(values))
    step = max(1, -(-(high - low) // 5))  # at most six labels
    return alt.Legend(format="d", values=list(range(low, high + 1, step)))


#: the height of a point's label (10 px text) in a connected scatter
LABEL_HEIGHT = 12

#: the relative luminance (WCAG) below which white text contrasts more than black: (1.05 / (L + 0.05) = (L + 0.05) / 0.05)
WHITE_TEXT_BELOW = 0.179


def heatmap(chart_id: str, rows: Rows, *, x: str, y: str, value: str, title: str, x_title: str,
            y_title: str, value_title: str, text: str | None = None,
            x_order: Sequence[str] | None = None, y_order: Sequence[str] | None = None,
            diverging_mid: float | None = None, width: int | None = None, height: int | None = None,
            x_label_angle: int = -30) -> Chart:
    """A matrix of cells (branch × region); ``text`` prints a column in each cell.

    ``diverging_mid`` switches to a diverging scheme centred on that value (e.g. 1.0 for an
    advantage index, so weak cells are red and strong ones blue). ``x_label_angle`` 0 for short column labels (a
    number). ``x`` and ``value`` named on the axis and legend, ``y`` (the row axis, untitled) in the tooltip only.
    """
    import altair as alt

    xs = list(x_order) if x_order is not None else list(dict.fromkeys(str(r[x]) for r in rows))
    ys = list(y_order) if y_order is not None else list(dict.fromkeys(str(r[y]) for r in rows))
    scale = (alt.Scale(scheme="redblue", domainMid=diverging_mid) if diverging_mid is not None
             else alt.Scale(scheme="blues"))
    # long row labels (an English branch's path, an applicant) whole: wrapped into lines within LABEL_LIMIT, not cut
    y_axis, extra = _row_axis(ys)
    base = _base(rows, title, width or max(240, 60 * len(xs)), (height or max(160, 22 * len(ys))) + LABEL_LINE_PX * extra)
    rect = base.mark_rect().encode(
        x=alt.X(f"{x}:N", title=_named(x, x_title), sort=xs, axis=alt.Axis(labelAngle=x_label_angle)),
        y=alt.Y(f"{y}:N", title=None, sort=ys, axis=y_axis),  # a row axis untitled, as a bar chart's (:func:`bar`)
        color=alt.Color(f"{value}:Q", title=_named(value, value_title), scale=scale, legend=_count_legend(rows, value)),
        tooltip=[alt.Tooltip(f"{y}:N", title=_named(y, y_title)), alt.Tooltip(f"{x}:N", title=x_title),
                 alt.Tooltip(f"{value}:Q", title=value_title)],
    )
    layers: list[Any] = [rect]
    if text:
        # a cell's number in white on a dark cell, black on a light one (the 0 of a dark-red RTA cell was black on
        # maroon): whichever contrasts more with the cell's own colour, the luminance where they tie being 0.179
        dark = f"luminance(scale('color', datum[{json.dumps(value)}])) < {WHITE_TEXT_BELOW}"
        layers.append(base.mark_text(fontSize=10).encode(
            x=alt.X(f"{x}:N", sort=xs), y=alt.Y(f"{y}:N", sort=ys), text=alt.Text(f"{text}:N"),
            color=alt.condition(dark, alt.value("white"), alt.value("black")),
        ))
    chart = alt.layer(*layers) if len(layers) > 1 else rect
    return Chart(chart_id, title, _configure(chart))


def connected_scatter(chart_id: str, rows: Rows, *, x: str, y: str, order: str, title: str,
                      x_title: str, y_title: str, order_title: str, width: int | None = None,
                      height: int | None = None) -> Chart:
    """Points joined in ``order`` (named ``order_title``: the technology life-cycle plot's applicants vs applications
    by year)."""
    import altair as alt

    base = _base(rows, title, width, height)
    path = base.mark_line(point=True).encode(
        x=alt.X(f"{x}:Q", title=_named(x, x_title)),
        y=alt.Y(f"{y}:Q", title=_named(y, y_title)),
        order=alt.Order(f"{order}:O"),
        tooltip=[alt.Tooltip(f"{order}:O", title=_named(order, order_title)), alt.Tooltip(f"{x}:Q", title=x_title),
                 alt.Tooltip(f"{y}:Q", title=y_title)],
    )
    shown = _clear_labels(rows, x, y, order, width or DEFAULT_WIDTH, height or DEFAULT_HEIGHT)
    labels = _base([{**r, "label": str(r[order])} for i, r in enumerate(rows) if i in shown], title, width,
                   height).mark_text(align="left", dx=5, dy=-5, fontSize=10).encode(
        x=f"{x}:Q", y=f"{y}:Q", text=alt.Text("label:N")
    )
    return Chart(chart_id, title, _configure(alt.layer(path, labels)))


def _clear_labels(rows: Rows, x: str, y: str, order: str, width: int, height: int) -> set[int]:
    """Which points of a connected scatter get their label: the last, the first and the highest, then the others from the latest
    back, each only where it stands clear of those already placed (the life-cycle plot's early years, a handful of
    applications each, printed a dozen years over one another). Positions as on the chart's zero-based axes, with
    room for Vega's rounding of their ends; a label's box as wide as its characters at 10 px."""
    if not rows:
        return set()
    span_x = max(float(r[x]) for r in rows) * 1.25 or 1.0
    span_y = max(float(r[y]) for r in rows) * 1.25 or 1.0
    spots = [(float(r[x]) / span_x * width, float(r[y]) / span_y * height, 6.5 * len(str(r[order]))) for r in rows]
    placed: set[int] = set()
    peak = max(range(len(rows)), key=lambda i: spots[i][1])
    for i in dict.fromkeys([len(rows) - 1, 0, peak, *range(len(rows) - 2, 0, -1)]):
        px, py, w = spots[i]
        if all(abs(px - qx) >= max(w, qw) or abs(py - qy) >= LABEL_HEIGHT for qx, qy, qw in
               (spots[j] for j in placed)):
            placed.add(i)
    return placed


def pie(chart_id: str, rows: Rows, *, category: str, value: str, title: str, category_title: str, value_title: str,
        width: int | None = None, height: int | None = None) -> Chart:
    """A donut of shares (legal status, applicant types), categories in row order; the legend untitled (the chart's
    title says what its categories are), the tooltip naming both columns."""
    import altair as alt

    order = list(dict.fromkeys(str(r[category]) for r in rows))
    chart = _base(rows, title, width or 320, height or 240).mark_arc(innerRadius=50).encode(
        theta=alt.Theta(f"{value}:Q"),
        color=alt.Color(f"{category}:N", sort=order, title=None),
        order=alt.Order(f"{value}:Q", sort="descending"),
        tooltip=[alt.Tooltip(f"{category}:N", title=_named(category, category_title)),
                 alt.Tooltip(f"{value}:Q", title=_named(value, value_title))],
    )
    return Chart(chart_id, title, _configure(chart))


def javascript_bundle_versions() -> dict[str, str]:
    """Versions of vega/vega-lite that vl-convert embeds — vendor the same ones for the web page."""
    vlc = _vl_convert()
    return {"vega": vlc.get_vega_version(), "vega-lite": vlc.get_vegalite_versions()[-1],
            "vega-embed": vlc.get_vega_embed_version()}
