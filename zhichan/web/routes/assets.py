"""Assets the platform serves itself (intranet, no CDN): static files, the Vega bundle and map boundaries.

Caching: pages refer to assets by a *versioned* URL (:func:`asset_url`: ``?v=`` the file's content
hash, or the vl-convert version the bundle comes from); such a URL never changes content, so it is
cached for a year (``immutable``). Without ``?v=`` an asset is revalidated by its ETag (304). The
two large ones — the Vega bundle (~900 KB) and the national boundaries (~580 KB) — are gzipped once
and kept; everything else large is compressed per response by the app's GZip middleware.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.responses import Response as StarletteResponse
from starlette.staticfiles import PathLike
from starlette.types import Scope

from zhichan.errors import NotFoundError
from zhichan.indicators.charts import geojson_bytes
from zhichan.platform.scope import normalize_region_code

router = APIRouter(include_in_schema=False)
_bundle_lock = threading.Lock()
_bundle: dict[str, bytes] = {}
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
#: a versioned URL's content never changes: cache it for a year
IMMUTABLE = "public, max-age=31536000, immutable"
#: an unversioned URL: keep, but ask (ETag) before each use
REVALIDATE = "no-cache"
VEGA_BUNDLE = "/assets/vega-bundle.js"


@lru_cache(maxsize=256)
def _file_version(path: str) -> str:
    target = (STATIC_DIR / path).resolve()
    if not target.is_relative_to(STATIC_DIR) or not target.is_file():
        return ""
    return hashlib.sha256(target.read_bytes()).hexdigest()[:12]


def asset_url(path: str) -> str:
    """The versioned URL of a static file (``app.css``) or of the Vega bundle, for templates."""
    if path == VEGA_BUNDLE:  # generated from vl-convert's embedded libraries: its version is the bundle's
        return f"{VEGA_BUNDLE}?v={version('vl-convert-python')}"
    name = path.removeprefix("/static/")
    stamp = _file_version(name)
    return f"/static/{name}?v={stamp}" if stamp else f"/static/{name}"


class CachedStaticFiles(StaticFiles):
    """``StaticFiles`` (ETag, Last-Modified, 304) plus the Cache-Control rule above."""

    def file_response(self, full_path: PathLike, stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> StarletteResponse:
        response = super().file_response(full_path, stat_result, scope, status_code)
        asked = Request(scope).query_params.get("v")
        relative = Path(full_path).resolve().relative_to(STATIC_DIR).as_posix()
        # immutable only under the file's current version: an old or made-up ?v= is revalidated
        current = bool(asked) and asked == _file_version(relative)
        response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
        return response


_gzipped: dict[str, bytes] = {}
_gzip_lock = threading.Lock()


def cached_asset(request: Request, body: bytes, media_type: str, cache_control: str) -> Response:
    """A large asset: ETag/304, ``cache_control``, and gzip compressed once per content."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in Headers(scope=request.scope).get("accept-encoding", ""):
        with _gzip_lock:
            if etag not in _gzipped:
                _gzipped[etag] = gzip.compress(body, compresslevel=9, mtime=0)
            body = _gzipped[etag]
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=media_type, headers=headers)


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


@router.get(VEGA_BUNDLE)
def vega_bundle_js(request: Request) -> Response:
    current = request.query_params.get("v") == version("vl-convert-python")
    return cached_asset(request, vega_bundle(), "text/javascript", IMMUTABLE if current else REVALIDATE)


@router.get("/geo/{adcode}.json")
def geo(request: Request, adcode: str) -> Response:
    """Boundaries (DataV GeoJSON) of the children of a region — public geographic reference data."""
    code = normalize_region_code(adcode)
    data = geojson_bytes(code)
    if data is None:
        raise NotFoundError(f"没有 {code} 的边界数据 / no boundaries for {code}")
    return cached_asset(request, data, "application/geo+json", "public, max-age=86400")
