"""Large responses are compressed; static assets are cached by a versioned URL or revalidated by ETag
(issue: the chart bundle went out as 898 KB and /geo/100000.json as 583 KB, uncompressed)."""

from __future__ import annotations

import gzip
import re
from importlib.metadata import version

from zhichan.web.testing import login_as


def _raw(client, url: str, **headers: str):  # type: ignore[no-untyped-def]
    """The response as sent (``stream`` keeps httpx from decoding the body)."""
    with client.stream("GET", url, headers=headers) as r:
        return r, b"".join(r.iter_raw())


def test_large_responses_are_gzipped(env, client):
    login_as(client, env.engine, "root")
    for url, floor in (("/assets/vega-bundle.js", 800_000), ("/geo/100000.json", 500_000),
                       ("/api/v1/cockpit?region=100000", 5_000), ("/cockpit", 10_000)):
        r, sent = _raw(client, url, **{"accept-encoding": "gzip"})
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip", url
        body = gzip.decompress(sent)
        assert len(body) > floor and len(sent) < len(body) / 2, (url, len(sent), len(body))
        assert "Accept-Encoding" in r.headers["vary"]
        plain, unsent = _raw(client, url, **{"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers and _stable(unsent) == _stable(body)


def _stable(page: bytes) -> bytes:
    """The body without its CSRF token — in the forms and in the page's head — which is signed with the second it is
    made (two requests may fall in different seconds)."""
    page = re.sub(rb'name="csrf-token" content="[^"]*"', b'name="csrf-token"', page)
    return re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token"', page)


def test_static_assets_are_versioned_and_cached(env, client):
    login_as(client, env.engine, "root")
    page = client.get("/cockpit").text
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', page)
    js = re.search(r'src="(/static/app\.js\?v=[0-9a-f]{12})"', page)
    bundle = re.search(r'src="(/assets/vega-bundle\.js\?v=[^"]+)"', page)
    assert css and js and bundle
    assert bundle.group(1).endswith("v=" + version("vl-convert-python"))
    for url in (css.group(1), js.group(1), bundle.group(1)):
        assert client.get(url).headers["cache-control"] == "public, max-age=31536000, immutable", url
    # an old or made-up version, or none: kept but revalidated, and an unchanged file answers 304
    for url in ("/static/app.css?v=000000000000", "/static/app.css", "/assets/vega-bundle.js?v=0"):
        r = client.get(url)
        assert r.headers["cache-control"] == "no-cache", url
        again = client.get(url, headers={"if-none-match": r.headers["etag"]})
        assert again.status_code == 304, url
