"""The paged lists' one pager (``_pager.html``): its links keep the address's other values (a filter, the language)
and change the page, the date a list is at rides along where the address gave none; previous, the page numbers (the
first and the last among them) and next where the list counts its records, previous and next alone where it does not;
no "previous" past the last page, no "next" on it, no link past the page its address accepts. Every paged list shows
it — the search and an indicator's records had pagers of their own (no language kept, no way to the last page), the
credit listings, the open licences, the protection cases, the to-do list and the data-IP register a "next" alone, the
published decisions none."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.requests import Request

import zhichan
from zhichan.web.testing import login_as

pytestmark = pytest.mark.one_database("a template's links; the lists' queries are tested on both in their domains")

Q = "TI=锂离子电池"  # 12 patents of the web corpus


def _pager(env, query: str, page: int, total: int | None = None, per_page: int | None = 50, **options) -> str:
    app = env.app
    request = Request({"type": "http", "method": "GET", "path": "/credit/manage", "query_string": query.encode(),
                       "headers": [], "app": app, "scheme": "http", "server": ("test", 80)})
    macro = app.state.templates.env.get_template("_pager.html").make_module(
        {"request": request, "t": lambda key, **values: key}).pager
    return str(macro("area-listings", page, total, per_page, **options))


def _numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-page="(\d+)"', html)]


def _link(html: str, link_id: str) -> dict[str, list[str]]:
    found = re.search(rf'id="{link_id}"[^>]* href="([^"]+)"', html)
    assert found, html[-3000:]
    return parse_qs(urlsplit(unescape(found.group(1))).query)


def test_the_pager_keeps_the_address_and_stops_at_the_ends(env):
    middle = _pager(env, "lang=en&status=active&page=2", 2, 120)
    assert 'id="area-listings-previous" rel="prev" href="?lang=en&amp;status=active&amp;page=1"' in middle
    assert 'id="area-listings-next" rel="next" href="?lang=en&amp;status=active&amp;page=3"' in middle
    assert _numbers(middle) == [1, 2, 3] and 'aria-current="page" data-page="2"' in middle
    last = _pager(env, "page=3", 3, 120)
    assert "area-listings-previous" in last and "area-listings-next" not in last
    assert _pager(env, "page=1", 1, 50) == ""  # one page: no pager
    assert _pager(env, "page=9", 9, 120) == ""  # past the last page: the empty list's message links back


def test_the_numbers_reach_the_first_and_the_last_page_and_no_further_than_the_address_accepts(env):
    far = _pager(env, "q=x&page=40", 40, 5000, 50)  # 100 pages
    assert _numbers(far) == [1, 38, 39, 40, 41, 42, 100] and far.count('class="gap"') == 2
    broad = _pager(env, "page=9999", 9999, 10_000_000, 20)  # 500,000 pages; the address takes 10,000 at most
    assert max(_numbers(broad)) == 10_000 and "page=10001" not in broad
    assert "area-listings-next" not in _pager(env, "page=10000", 10_000, 10_000_000, 20)
    audit = _pager(env, "page=10000", 10_000, 10_000_000, 20, limit=100_000)
    assert "page=10001" in audit


def test_a_list_that_does_not_count_its_records_has_previous_and_next_alone(env):
    first = _pager(env, "number=&page=1", 1, None, None, more=True)
    assert "area-listings-next" in first and "area-listings-previous" not in first and _numbers(first) == []
    last = _pager(env, "page=4", 4, None, None, more=False)
    assert "area-listings-previous" in last and "area-listings-next" not in last
    assert _pager(env, "page=1", 1, None, None, more=False) == ""


def test_the_date_rides_on_every_link_in_place_of_the_addresss(env):
    kept = _pager(env, "lang=en&as_of=2020-01-01&page=2", 2, 120, keep={"as_of": "2023-12-31"})
    for link in re.findall(r'href="([^"]+)"', kept):
        values = parse_qs(urlsplit(unescape(link)).query)
        assert values["as_of"] == ["2023-12-31"] and values["lang"] == ["en"], link


def test_the_search_pager_keeps_the_query_its_filter_sort_size_and_language(client):
    address = {"q": Q, "f": "year:2019", "sort": "date_asc", "size": 2, "lang": "en"}
    narrowed = client.get("/search", params=address)
    total = int(re.search(r'id="result-total">[^<]*?(\d+)', narrowed.text).group(1))  # type: ignore[union-attr]
    if total <= 2:  # the filter leaves one page: page by the query alone
        del address["f"]
        narrowed, total = client.get("/search", params=address), 12
    pages = -(-total // 2)
    following = _link(narrowed.text, "results-next")
    assert following["page"] == ["2"] and following["lang"] == ["en"] and following["q"] == [Q]
    assert following["sort"] == ["date_asc"] and following["size"] == ["2"] and following.get("f") == address.get("f") \
        and (address.get("f") is None or following["f"] == ["year:2019"])
    assert _numbers(narrowed.text)[-1] == pages  # a jump to the last page
    last = client.get("/search", params={**address, "page": pages})
    assert "results-next" not in last.text and _link(last.text, "results-previous")["page"] == [str(pages - 1)]
    assert "Previous" in last.text  # the page's language
    clamped = client.get("/search", params={**address, "page": 99})  # past the end: the last page, said so
    assert 'id="page-clamped"' in clamped.text and _link(clamped.text, "results-previous")["page"] == [str(pages - 1)]


def test_the_records_pager_carries_the_date_and_the_language(env, client, monkeypatch):
    from zhichan.indicators import views

    monkeypatch.setattr(views, "RECORDS_PAGE_SIZE", 2)
    login_as(client, env.engine, "cd_leader")
    given = client.get("/regions/510100/indicators/valid_inventions/records",
                       params={"as_of": "2023-12-31", "lang": "en"})
    assert given.status_code == 200
    following = _link(given.text, "records-next")
    assert following == {"as_of": ["2023-12-31"], "lang": ["en"], "page": ["2"]}
    assert len(_numbers(given.text)) >= 3
    # no date in the address: the figure's own rides on the links (it moves — a platform figure's is today)
    default = client.get("/regions/510100/indicators/valid_inventions/records", params={"lang": "en", "page": 2})
    day = re.search(r'records\.csv\?as_of=([0-9-]{10})', default.text).group(1)  # type: ignore[union-attr]
    assert _link(default.text, "records-next")["as_of"] == [day] == _link(default.text, "records-previous")["as_of"]


#: every paged list's template and its pager's call
PAGED_LISTS = {
    "search/templates/search.html": "pager('results', result.page, result.total, result.page_size)",
    "indicators/templates/indicator_records.html": "pager('records', d.page, d.total, d.page_size, keep={'as_of': d.as_of})",
    "indicators/templates/enterprise.html": "pager('portfolio', d.page, d.total, d.page_size)",
    "credit/templates/manage.html": "pager('area-listings', page, total, per_page)",
    "credit/templates/listings.html": "pager('listings', page, total, per_page)",
    "exchange/templates/catalogue.html": "pager('catalogue', page, total, per_page)",
    "exchange/templates/listings.html": "pager('listings', page, none if estimated else total, per_page, more=has_next)",
    "protection/templates/cases.html": "pager('cases', page, total, per_page)",
    "protection/templates/decisions.html": "pager('decisions', page, more=more)",
    "procedures/templates/todo.html": "pager('todo', page, total, per_page)",
    "dataip/templates/register.html": "pager('register', page, more=more)",
    "evidence/templates/web/deposits.html": "pager('deposits', mine.page, mine.total, mine.per_page)",
    "web/templates/admin_audit.html": "pager('audit', page, total, 50, limit=100000)",
}


def test_every_paged_list_shows_the_one_pager_and_none_has_its_own():
    root = Path(zhichan.__file__).parent
    for name, call in PAGED_LISTS.items():
        assert call in (root / name).read_text("utf-8"), name
    for template in root.rglob("templates/**/*.html"):
        if template.name in ("_pager.html", "_empty.html"):
            continue
        text = template.read_text("utf-8")
        # a link of its own to another page of a list, or a "next" of its own
        assert not re.search(r"[?&]page=\{\{|page=[a-z_.]*page *[+-]|common\.(next|previous)", text), template


def test_a_listing_page_past_the_end_says_so_and_links_to_the_last(env, client):
    """The listings' page had no page size to count its last page by: past the end of a counted list it failed."""
    import datetime as dt

    from sqlalchemy import insert, select

    from zhichan.exchange.models import Listing
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization
    from zhichan.web.testing import WUHOU_ENTERPRISE

    with session_scope(env.engine) as s:
        org = s.scalars(select(Organization).where(Organization.name == WUHOU_ENTERPRISE)).one()
        s.execute(insert(Listing), [{
            "asset_kind": "patent", "asset_number": "CN201510000001.X", "title": "挂牌（合成）", "mode": "sale",
            "price_yuan": None, "description": "", "owner": org.name, "ipc": "", "asset_region": "510107",
            "pledgee_consent": False, "state": "active", "org_id": org.id, "org_path": org.path,
            "party_key": org.party_key, "user_id": None, "synthetic": True, "created_at": dt.datetime(2026, 11, 1)}])
    past = client.get("/exchange/listings", params={"page": 9, "lang": "en", "mode": "sale"})
    assert past.status_code == 200 and 'id="listings-empty" data-empty="past-end"' in past.text
    back = re.search(r'id="listings-empty"[^>]*>[^<]*<a href="([^"]+)" id="listings-empty-last"', past.text)
    assert back and parse_qs(urlsplit(unescape(back.group(1))).query) == {"page": ["1"], "lang": ["en"],
                                                                          "mode": ["sale"]}
