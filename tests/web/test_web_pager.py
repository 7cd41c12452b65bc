"""The paged lists' one pager (``_pager.html``): its links keep the address's other values and change the page; no
"previous" past the last page, no "next" on it. The area's credit listings had no pager at all (50 rows, the rest
unreachable)."""

from __future__ import annotations

import pytest
from starlette.requests import Request

pytestmark = pytest.mark.one_database("a template's links; no database read")


def _pager(env, query: str, page: int, total: int, per_page: int = 50) -> str:
    app = env.app
    request = Request({"type": "http", "method": "GET", "path": "/credit/manage", "query_string": query.encode(),
                       "headers": [], "app": app, "scheme": "http", "server": ("test", 80)})
    macro = app.state.templates.env.get_template("_pager.html").make_module(
        {"request": request, "t": lambda key, **values: key}).pager
    return str(macro("area-listings", page, total, per_page))


def test_the_pager_keeps_the_address_and_stops_at_the_ends(env):
    middle = _pager(env, "lang=en&status=active&page=2", 2, 120)
    assert 'href="?lang=en&amp;status=active&amp;page=1" id' not in middle  # attribute order: id first
    assert 'id="area-listings-previous" href="?lang=en&amp;status=active&amp;page=1"' in middle
    assert 'id="area-listings-next" href="?lang=en&amp;status=active&amp;page=3"' in middle
    last = _pager(env, "page=3", 3, 120)
    assert "area-listings-previous" in last and "area-listings-next" not in last
    assert _pager(env, "page=1", 1, 50) == ""  # one page: no pager
    assert _pager(env, "page=9", 9, 120) == ""  # past the last page: the empty list's message links back


def test_the_areas_credit_listings_page_has_the_pager():
    from pathlib import Path

    import zhichan.credit

    manage = (Path(zhichan.credit.__file__).parent / "templates" / "manage.html").read_text("utf-8")
    assert "pager('area-listings', page, total, per_page)" in manage
