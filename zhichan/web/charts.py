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

import altair as alt

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
    labels = {
        "applications": translate(lang, "kpi.applications_last_year", year="").strip(),
        "invention_grants": translate(lang, "kpi.grants_last_year", year="").strip(),
    }
    return rc.line(
        "trend", overview["trend"], x="year", y=["applications", "invention_grants"],
        title=translate(lang, "cockpit.trend"), x_title="", labels=labels, width=460, height=220,
    )


def ranking_chart(overview: dict[str, Any], lang: str) -> rc.Chart:
    rows = [{"name": c["name"], "valid_inventions": c["valid_inventions"]} for c in overview["children"][:15]]
    return rc.bar(
        "ranking", rows, category="name", value="valid_inventions", title=translate(lang, "cockpit.ranking"),
        value_title=translate(lang, "kpi.valid_inventions"), width=420,
    )


def map_chart(
    overview: dict[str, Any], lang: str, *, geo_url: str | None = None, features: Sequence[dict[str, Any]] | None = None
) -> rc.Chart:
    """Children of the region coloured by valid invention patents; ``adcode`` on each shape lets the
    page drill down on click."""
    values = [{"adcode": c["code"], "name": c["name"], "valid_inventions": c["valid_inventions"]}
              for c in overview["children"]]
    if features is not None:
        data = alt.Data(values=list(features))
    else:
        data = alt.Data(url=geo_url or "", format=alt.DataFormat(property="features", type="json"))
    metric = translate(lang, "kpi.valid_inventions")
    chart = (
        alt.Chart(data)
        .mark_geoshape(stroke="white", strokeWidth=0.6)
        .transform_calculate(adcode="toString(datum.properties.adcode)")
        .transform_lookup(lookup="adcode", from_=alt.LookupData(alt.Data(values=values), "adcode",
                                                                 ["name", "valid_inventions"]))
        .transform_calculate(valid_inventions="datum.valid_inventions || 0", name="datum.name || datum.properties.name")
        .encode(
            color=alt.Color("valid_inventions:Q", title=metric, scale=alt.Scale(scheme="blues")),
            tooltip=[alt.Tooltip("name:N"), alt.Tooltip("valid_inventions:Q", title=metric)],
        )
        .project(type="mercator")
        .properties(width=460, height=380, title=translate(lang, "cockpit.map"))
    )
    configured = chart.configure(font=rc.FONT_FAMILY, background="white").configure_title(fontSize=14, anchor="start")
    return rc.Chart("map", translate(lang, "cockpit.map"), configured)
