"""The cockpit's charts: one definition → the Vega-Lite spec on the page and SVG/PNG images.

Line and bar charts come from the shared :mod:`zhichan.reports.charts`; the choropleth map is
defined here. The map's boundaries are the reference GeoJSON: on the page the spec points at
``/geo/<adcode>.json`` (served by the platform), for images the same features are inlined.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from zhichan.indicators.service import ratio
from zhichan.platform.portal import region_display_name
from zhichan.reports import charts as rc
from zhichan.web.i18n import translate

CHART_IDS = ("trend", "ranking", "map")


@lru_cache(maxsize=512)
def geojson_bytes(adcode: str) -> bytes | None:
    """Boundaries of the children of ``adcode`` (6 digits), or ``None`` while the reference module
    does not provide them."""
    try:
        import zhichan.reference as reference
    except ImportError:
        return None
    fn = getattr(reference, "geojson", None)
    if fn is None:
        return None
    try:
        data = fn(adcode)
    except Exception:  # noqa: BLE001 - no boundary file for that region (e.g. a county)
        return None
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, dict):
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    return bytes(data) if data else None


def trend_chart(overview: dict[str, Any], lang: str) -> rc.Chart:
    # each line says which year counts it: applications by filing year, grants by grant year (the year axis said
    # 申请年 / Filing year under both)
    labels = {"applications": translate(lang, "cockpit.trend_applications"),
              "invention_grants": translate(lang, "cockpit.trend_grants")}
    return rc.line(
        "trend", overview["trend"], x="year", y=["applications", "invention_grants"],
        # 400 wide: with its legend on the right it fits the half-width card (460 ran past its border)
        title=translate(lang, "cockpit.trend"), x_title=translate(lang, "cockpit.trend_year"),
        y_title=translate(lang, "cockpit.trend_count"), labels=labels, width=400, height=220,
    )


def region_label(region: dict[str, Any], lang: str) -> str:
    """A region of the overview (``name`` and ``name_en``) as a chart in ``lang`` labels it."""
    return str(region.get("name_en") or region["name"]) if lang == "en" else str(region["name"])


def ranking_chart(overview: dict[str, Any], lang: str) -> rc.Chart:
    rows = [{"name": region_label(c, lang), "valid_inventions": c["valid_inventions"]} for c in overview["children"][:15]]
    return rc.bar(
        "ranking", rows, category="name", value="valid_inventions", title=translate(lang, "cockpit.ranking"),
        category_title=translate(lang, "field.region"), value_title=translate(lang, "kpi.valid_inventions"), width=420,
    )


def map_chart(
    overview: dict[str, Any], lang: str, *, geo_url: str | None = None, features: Sequence[dict[str, Any]] | None = None
) -> rc.Chart:
    """Children of the region coloured by valid invention patents; ``adcode`` on each shape lets the
    page drill down on click."""
    import altair as alt  # with the chart, not the module (zhichan.reports.charts)

    values = [{"adcode": c["code"], "name": region_label(c, lang), "valid_inventions": c["valid_inventions"]}
              for c in overview["children"]]
    if features is not None:
        data = alt.Data(values=list(features))
    else:
        data = alt.Data(url=geo_url or "", format=alt.DataFormat(property="features", type="json"))
    metric = translate(lang, "kpi.valid_inventions")
    regions = (
        alt.Chart(data)
        .mark_geoshape(stroke="white", strokeWidth=0.6)
        # only regions are coloured and clickable: the 九段线 feature is drawn by the layer below
        .transform_filter("datum.properties.is_region")
        .transform_calculate(adcode="toString(datum.properties.adcode)")
        .transform_lookup(lookup="adcode", from_=alt.LookupData(alt.Data(values=values), "adcode",
                                                                 ["name", "valid_inventions"]))
        .transform_calculate(valid_inventions="datum.valid_inventions || 0", name="datum.name || datum.properties.name")
        .encode(
            # a count: whole-number legend labels (0, 1, 2 — not 0.5 steps on a small area)
            color=alt.Color("valid_inventions:Q", title=metric, scale=alt.Scale(scheme="blues"),
                            legend=alt.Legend(format=",d", tickMinStep=1)),
            tooltip=[alt.Tooltip("name:N", title=translate(lang, "field.region")),
                     alt.Tooltip("valid_inventions:Q", title=metric)],
        )
    )
    lines = (
        alt.Chart(data)
        .mark_geoshape(fill="#7f8c99", stroke="#7f8c99", strokeWidth=0.6)
        .transform_filter("!datum.properties.is_region")
    )
    chart = (
        alt.layer(regions, lines)
        .project(type="mercator")
        # 400 wide: the legend (its English title is long) stays inside the half-width card
        .properties(width=400, height=360, title=translate(lang, "cockpit.map"))
    )
    configured = chart.configure(font=rc.FONT_FAMILY, background="white").configure_title(fontSize=14, anchor="start")
    return rc.Chart("map", translate(lang, "cockpit.map"), configured)


def gauge_label(target: dict[str, Any], lang: str) -> str:
    """``成都市 · 每万人口高价值发明专利拥有量 · 2025``; a reference target (``plans.reference_targets``) says
    whose target it is (``· 参照全国目标`` / ``· against China's target``)."""
    name = target["indicator_name"] if lang == "zh" else target.get("indicator_name_en") or target["indicator_name"]
    label = f"{region_display_name(target['region_code'], lang)} · {name} · {target['target_year']}"
    if target.get("reference"):
        label += " · " + translate(lang, "plans.reference_of", region=region_display_name(target["reference_region"], lang))
    return label


#: a gauge's row label is wrapped into lines of at most this many units (a CJK character counts 2, anything else
#: 1: 14 characters or ~28 letters, ~160 px at the axis's 11 px) so that the bars keep their room on a phone
LABEL_LINE_UNITS = 28
LABEL_LIMIT_PX = 180


def _shown(value: Any) -> str:
    """A gauge's figure in its tooltip: two decimals, grouped, as the plan table shows it."""
    return "—" if value is None else f"{value:,.2f}"


#: a target's outlook and its colour on the gauges: while its year runs, the forecast's (``meet`` | ``miss`` |
#: ``unknown``); once it is over, what its last day's value reached (``met`` | ``missed``), or ``awaiting`` the data
#: that reach that day
STATUS_COLOURS = {"meet": "#2ca02c", "miss": "#d62728", "unknown": "#7f7f7f", "met": "#2ca02c", "missed": "#d62728",
                  "awaiting": "#7f7f7f"}
#: the outlooks of a target year over, shown in the gauges' legend only where a target has one
YEAR_OVER = ("met", "missed", "awaiting")


def gauge_status(target: dict[str, Any]) -> str:
    """A target's outlook (:data:`STATUS_COLOURS`) from the indicators module's ``will_meet`` and, once the target
    year is over (the figure's date on or after its 31 December), ``at_target_year``: a status, where the page's
    required-growth column said "目标年已过：2025-12-31 为 49.38，已达到目标 12.00" in place of a rate."""
    if str(target["as_of"])[:10] >= f"{int(target['target_year']):04d}-12-31":
        if target.get("at_target_year") is None:
            return "awaiting"
        return "met" if target.get("will_meet") else "missed"
    statuses: dict[bool | None, str] = {True: "meet", False: "miss"}
    return statuses.get(target.get("will_meet"), "unknown")


def gauges_chart(targets: Sequence[dict[str, Any]], lang: str) -> rc.Chart:
    """Plan-target gauges (bullet bars), one row per target, every figure as a % of its target:
    the bar is the current value (green: forecast meets the target, red: will miss), the black tick
    the forecast for the end of the target year, the grey line the target (100 %), the thin tick
    the base. The tooltip carries the raw values, the required annual growth and the forecast method."""
    import altair as alt  # with the chart, not the module (zhichan.reports.charts)

    statuses = [gauge_status(t) for t in targets]
    shown = [s for s in STATUS_COLOURS if s not in YEAR_OVER or s in statuses]
    status_labels = {s: translate(lang, f"plans.status.{s}") for s in shown}
    rows: list[dict[str, Any]] = []
    for t in targets:
        tv = t["target_value"] or None

        def pct(value: Any, tv: Any = tv) -> float | None:  # where the bar ends: a ratio, a float
            return round(100.0 * ratio(value, tv), 1) if value is not None and tv else None

        growth = t.get("required_annual_growth")
        rows.append({
            "label": gauge_label(t, lang), "lines": "\n".join(rc.wrap_label(gauge_label(t, lang), LABEL_LINE_UNITS)),
            "status": status_labels[gauge_status(t)],
            "progress_pct": pct(t.get("current_value")), "forecast_pct": pct(t.get("forecast")),
            "base_pct": pct(t.get("base_value")), "target_pct": 100.0,
            # the figures as the table beside writes them (an amount's every fen: a chart's numbers are floats)
            "current": _shown(t.get("current_value")), "target": _shown(t["target_value"]),
            "forecast": _shown(t.get("forecast")),
            "required_growth": f"{growth:+.1%}" if growth is not None else "—",
        })
    title = translate(lang, "cockpit.gauges")
    axis_title = translate(lang, "plans.axis")
    # the axis shows the label wrapped (``lines``; the tooltip the whole label): a long label on one line pushed the
    # bars off a 390 px screen
    y = alt.Y("lines:N", title=None, sort=None,
              axis=alt.Axis(labelLimit=LABEL_LIMIT_PX, labelExpr="split(datum.label, '\\n')"))
    tooltip = [
        alt.Tooltip("label:N", title=translate(lang, "plans.target")),
        alt.Tooltip("current:N", title=translate(lang, "plans.current")),
        alt.Tooltip("target:N", title=translate(lang, "plans.target_value")),
        alt.Tooltip("progress_pct:Q", title=translate(lang, "plans.progress"), format=".1f"),
        alt.Tooltip("required_growth:N", title=translate(lang, "plans.required_growth")),
        alt.Tooltip("forecast:N", title=translate(lang, "plans.forecast")),
        alt.Tooltip("status:N", title=translate(lang, "plans.outlook")),
    ]
    base = alt.Chart(alt.Data(values=rc._jsonable(rows)))
    height = max(60, 42 * sum(max(2, len(r["lines"].split("\n"))) for r in rows) // 2)
    background = base.mark_bar(color="#eef1f5", size=26).encode(x=alt.X("target_pct:Q"), y=y)
    bar = base.mark_bar(size=16).encode(
        x=alt.X("progress_pct:Q", title=axis_title), y=y,
        # the legend below the bars: beside them it took a third of a phone's width
        color=alt.Color("status:N", title=translate(lang, "plans.outlook"),
                        # a target year over's longer outlook (已完成（目标年已过）) on a line of its own: in a second
                        # column it ran past a phone's edge
                        legend=alt.Legend(orient="bottom", direction="horizontal",
                                          columns=1 if len(status_labels) > 3 else 2),
                        scale=alt.Scale(domain=list(status_labels.values()),
                                        range=[STATUS_COLOURS[s] for s in status_labels])),
        tooltip=tooltip,
    )
    target_tick = base.mark_tick(color="#555555", thickness=2, size=30).encode(x="target_pct:Q", y=y)
    base_tick = base.mark_tick(color="#999999", thickness=1, size=20).encode(x="base_pct:Q", y=y)
    forecast_tick = base.mark_tick(color="black", thickness=3, size=22).encode(x="forecast_pct:Q", y=y,
                                                                               tooltip=tooltip)
    chart = alt.layer(background, bar, base_tick, target_tick, forecast_tick).properties(
        width=520, height=height, title=title
    )
    return rc.Chart("gauges", title, rc._configure(chart))
