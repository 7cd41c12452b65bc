"""No dead link: for a visitor and each role, every page reachable from its start page by the links the pages offer
answers — none is missing (404), refused (403) or broken (5xx). A link is followed as a person would: a GET, a
redirect followed within the site (a visitor's link to a signed-in page leads to the sign-in form).

The roles walk one after the other over one environment: a region's figures are computed for every region at once and
kept per data directory, so the leader's and the district officer's walks read what the administrator's computed (six
environments computed them six times: ~100 s of a worker, against ~35 s). The same environment first shows every
list empty (test_web_empty_lists): the walks then read again only what those pages did not."""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from httpx import Response

from tests.web.test_web_empty_lists import USERS as EMPTY_LIST_USERS
from tests.web.test_web_empty_lists import empty_list_problems
from zhichan.web.testing import TestClient, WebEnv, login_as

pytestmark = pytest.mark.one_database("it follows pages' links; each page's SQL runs on both databases in its domain's tests")

BASE = "http://testserver"
#: links of the same kind (a patent, a case, a region's cockpit) are followed this many times: the kind's page and its
#: links, not every record's (a page costs up to seconds: the walk reads about a hundred a role)
PER_KIND = 1
#: links not to follow: signing out ends the walk, assets are checked by test_every_asset_is_local
SKIP = ("/logout", "/static/")
HREF = re.compile(r'href="([^"#]*)')
#: pages whose query fields are read independently of each other (the search: ``q``, ``page``, ``size``, ``sort``,
#: ``facets`` and ``f`` go as they are into one ``views.search`` call): a link is followed when it brings a field
#: not yet followed on its page, not for every combination of fields (126 of the walk's 568 requests were the search's
#: pairs and triples of them, such as ``sort`` with ``size`` and ``page``: each field's link is still followed once)
ONE_OF_EACH_FIELD = ("/search",)
#: pages read again though read before the walk: the audit list shows the records the walk's own GETs write (a search,
#: an export), and their links; no other page shows what a GET writes
FRESH = ("/admin/audit",)


def kind(path: str) -> str:
    """A link's kind: its path with the segments naming a record made alike (``/patents/N``, whichever patent: a
    segment with a digit or an escaped character — an enterprise's name —, an indicator's code) and the names of its query's fields but the
    language's and the date's (a page in the other language is the same page: test_web_languages renders both; a page at
    another date is the same page with other figures, its links the same)."""
    parts = urlsplit(path)
    segments = parts.path.split("/")
    segments = ["N" if re.search(r"\d|%", s) or (i and segments[i - 1] == "indicators") else s
                for i, s in enumerate(segments)]
    return "/".join(segments) + "?" + "&".join(sorted(fields(parts.query)))


def fields(query: str) -> set[str]:
    """The names of a query's fields but the language's and the date's."""
    return {f.split("=")[0] for f in query.split("&") if f} - {"lang", "as_of"}


def new_fields(path: str, followed: dict[str, set[str]]) -> bool:
    """Whether to follow ``path``: unless it is a page of :data:`ONE_OF_EACH_FIELD` bringing no query field not yet
    followed on it (``followed``: each such page's fields so far, updated when it brings one)."""
    parts = urlsplit(path)
    if parts.path not in ONE_OF_EACH_FIELD:
        return True
    brought = fields(parts.query)
    seen = followed.setdefault(parts.path, set())
    if brought and brought <= seen:  # (the page without a query is one kind of its own: :func:`kind`)
        return False
    seen.update(brought)
    return True


def dead_links(client: TestClient, start: str = "/", read: dict[str, Response] | None = None) -> tuple[list[str], int]:
    """The links, reachable from ``start``, that answer 4xx or 5xx (each with the page offering it), and how many
    pages were read. ``read``: answers to this client's GETs already made (path → answer), used again but for the
    pages of :data:`FRESH`."""
    seen: set[str] = set()
    kinds: Counter[str] = Counter()
    followed: dict[str, set[str]] = {}
    queue: deque[tuple[str, str]] = deque([(start, "")])
    dead: list[str] = []
    while queue:
        path, source = queue.popleft()
        if path in seen or kinds[kind(path)] >= PER_KIND or not new_fields(path, followed):
            continue
        seen.add(path)
        kinds[kind(path)] += 1
        r = (read or {}).get(path) if not path.startswith(FRESH) else None
        if r is None:
            r = client.get(path, follow_redirects=False)
        if r.is_redirect:
            target = urljoin(BASE + path, r.headers["location"])
            if target.startswith(BASE):
                queue.appendleft((target[len(BASE):], source))
            continue
        if r.status_code >= 400:
            dead.append(f"{path} answers {r.status_code} (linked from {source or 'the start'})")
            continue
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        for href in HREF.findall(r.text):
            target = urljoin(BASE + path, html.unescape(href))
            if target.startswith(BASE) and not target[len(BASE):].startswith(SKIP):
                queue.append((target[len(BASE):], path))
    return dead, len(seen)


ROLES = (None, "root", "cd_leader", "wuhou_officer", "ent_user", "cd_bank")


def test_every_list_says_why_it_is_empty_and_every_link_a_role_is_offered_answers(env: WebEnv) -> None:
    """test_web_empty_lists's lists first (the walk's GETs write audit records: the audit list would no longer be
    empty), then the walks, reading again only the pages those did not read (196 of the walks' 474 pages were read
    by the lists in Chinese, as the walks ask, without ``?lang``)."""
    clients: dict[str, tuple[TestClient, TestClient]] = {}
    read: dict[str, dict[str, Response]] = {}
    empty: list[str] = []
    try:
        for name in EMPTY_LIST_USERS:
            clients[name] = (env.client(), env.client())
            for client in clients[name]:
                login_as(client, env.engine, name)  # the sign-in form is tested by its own tests
            found, read[name] = empty_list_problems(env, name, *clients[name])
            empty += found
        dead: list[str] = []
        for user in ROLES:
            client = clients[user][0] if user in clients else env.client()
            if user and user not in clients:
                login_as(client, env.engine, user)
            lines, count = dead_links(client, read=read.get(user or ""))
            assert count > 20, (user, count)  # the walk went beyond the start page
            dead += [f"{user or 'visitor'}: {line}" for line in lines]
    finally:
        for pair in clients.values():
            for client in pair:
                client.close()
    assert not empty and not dead, "\n".join(empty + dead)
