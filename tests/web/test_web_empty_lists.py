"""Every list says why it is empty: with no records yet, none matching its filter, or a page past its last
(with a link back). Walked over the app's own routes for several roles on a workflow database with no
records but the seeded organizations and users — by test_web_links, whose walk over the same kind of environment
reads most of these pages again (:func:`empty_list_problems`)."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from httpx import Response

from zhichan.web.app import all_routes
from zhichan.web.testing import WUHOU_ENTERPRISE, TestClient, login_as

#: a governance administrator, a leader, an analyst, a case officer, an enterprise, a bank
USERS = ("root", "cd_leader", "wuhou", "wuhou_officer", "ent_user", "cd_bank")
#: pages whose page past the last shows the last (the search: ``clamped``, tests/web/test_web_search.py)
CLAMPED = {"/search"}
#: an empty list: a table body, a list or a table without a row
EMPTY = re.compile(r"<tbody[^>]*>\s*</tbody>|<(ul|ol)\b[^>]*>\s*</\1>|</thead>\s*</table>")

pytestmark = pytest.mark.one_database("pages rendered over an empty database; their queries run on both in their domains' tests")


def _list_routes(app) -> list[tuple[str, bool]]:
    """Every HTML page without path parameters, and whether it takes a ``page``."""
    found = []
    for route in all_routes(app):
        if not isinstance(route, APIRoute) or "GET" not in route.methods or "{" in route.path:
            continue
        if route.path.startswith(("/api/", "/assets", "/healthz", "/geo/", "/static")) or route.path.endswith((".csv", ".xlsx", ".json", ".pem")):
            continue
        found.append((route.path, any(p.name == "page" for p in route.dependant.query_params)))
    return sorted(found)


def empty_list_problems(env, user: str, zh: TestClient, en: TestClient) -> tuple[list[str], dict[str, Response]]:
    """What the lists of ``user`` (signed in on both clients) show without a word for being empty, and the Chinese
    pages read (path → answer). ``zh`` asks without ``?lang`` (the default language, as the link walk asks: it reads
    these pages again, test_web_links), ``en`` with ``?lang=en``; each its own client, for the language asked sets a
    cookie. Run before anything writes a record: a GET may (the search, an indicator's or a region's export write
    audit records), and the audit list is then no longer empty."""
    problems: list[str] = []
    read: dict[str, Response] = {}
    for path, paged in _list_routes(env.app):
        for lang, client in (("zh", zh), ("en", en)):
            params = {"lang": lang} if lang == "en" else {}
            r = client.get(path, params=params, follow_redirects=False)
            if lang == "zh":
                read[path] = r
            if r.status_code != 200 or not r.headers.get("content-type", "").startswith("text/html"):
                continue
            if "<html" in r.text and f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' not in r.text:
                problems.append(f"{user} {lang} {path}: the page is not in the language asked")
            main = r.text.split("<main", 1)[-1]
            if EMPTY.search(main):
                problems.append(f"{user} {lang} {path}: an empty list without a word: {EMPTY.search(main).group(0)!r}")
            if paged and path not in CLAMPED:
                far = client.get(path, params={**params, "page": 999}, follow_redirects=False)
                if far.status_code == 200 and 'data-empty="past-end"' not in far.text:
                    problems.append(f"{user} {lang} {path}?page=999: nothing says it is past the last page")
    return problems, read


def test_a_page_past_the_last_links_to_the_last(env):
    """An enterprise's portfolio (13 patents, one page) and an indicator's records past their last page say so and
    link to the last page, keeping the rest of the address; a list with a filter says none matches it."""
    with env.client() as client:
        login_as(client, env.engine, "wuhou")
        r = client.get(f"/enterprises/{WUHOU_ENTERPRISE}", params={"page": 99, "lang": "en"})
        assert r.status_code == 200
        empty = re.search(r'<p class="muted empty" id="portfolio-empty" data-empty="past-end">(.*?)</p>', r.text, re.S)
        assert empty and "Page 99 is past the last page, page 1." in empty.group(1)
        assert 'href="?lang=en&amp;page=1" id="portfolio-empty-last"' in empty.group(1)
        assert 'href="?page=98"' not in r.text  # no "previous" to another empty page beside the link back
        r = client.get("/regions/510107/indicators/patent_applications/records", params={"page": 999, "lang": "zh"})
        assert r.status_code == 200 and 'id="records-none" data-empty="past-end"' in r.text
        assert "第 999 页已超出末页" in r.text
        login_as(client, env.engine, "wuhou_officer")
        r = client.get("/protection/cases", params={"procedure": "protection.mediation", "lang": "zh"})
        assert 'id="case-list-empty" data-empty="filtered"' in r.text and "没有符合筛选条件的记录" in r.text


def test_every_rank_cell_of_the_indicator_list_says_something(env):
    """A figure without a rank (no siblings to rank among, or no value) left its cell empty: on a phone the cell's
    label 排名 stood alone. It reads "—" like a year-on-year change without a percentage."""
    with env.client() as client:
        login_as(client, env.engine, "wuhou")
        html = client.get("/regions/510107/indicators", params={"lang": "zh"}).text
        cells = re.findall(r'<td data-label="同级排名">(.*?)</td>', html, re.S)
        assert cells and all(cell.strip() for cell in cells), [c for c in cells if not c.strip()][:3]
        assert any("—" in cell for cell in cells)  # the district has figures without a rank
