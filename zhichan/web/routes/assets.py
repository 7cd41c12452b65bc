"""Assets the platform serves itself (intranet, no CDN): the Vega bundle and map boundaries."""

from __future__ import annotations

import hashlib
import threading

from fastapi import APIRouter, Request
from fastapi.responses import Response

from zhichan.errors import NotFoundError
from zhichan.platform.scope import normalize_region_code
from zhichan.web.charts import geojson_bytes

router = APIRouter(include_in_schema=False)
_bundle_lock = threading.Lock()
_bundle: dict[str, bytes] = {}


def vega_bundle() -> bytes:
    """vega + vega-lite + vega-embed exactly as vl-convert embeds them (one version for page and image).

    Generated from the installed ``vl-convert-python`` on first use and kept in memory, so the
    repository does not carry a second, possibly different, copy of the libraries.
    """
    with _bundle_lock:
        if "js" not in _bundle:
            import vl_convert

            # the stub makes ``snippet`` required; at run time it defaults to the global-assigning snippet
            _bundle["js"] = vl_convert.javascript_bundle().encode("utf-8")  # type: ignore[call-arg]
        return _bundle["js"]


@router.get("/assets/vega-bundle.js")
def vega_bundle_js(request: Request) -> Response:
    body = vega_bundle()
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304)
    return Response(body, media_type="text/javascript", headers={"ETag": etag, "Cache-Control": "public, max-age=86400"})


@router.get("/geo/{adcode}.json")
def geo(adcode: str) -> Response:
    """Boundaries (DataV GeoJSON) of the children of a region — public geographic reference data."""
    code = normalize_region_code(adcode)
    data = geojson_bytes(code)
    if data is None:
        raise NotFoundError(f"没有 {code} 的边界数据 / no boundaries for {code}")
    return Response(data, media_type="application/geo+json", headers={"Cache-Control": "public, max-age=86400"})
