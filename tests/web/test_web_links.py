"""No dead link: for a visitor and each role, every page reachable from its start page by the links the pages offer
answers — none is missing (404), refused (403) or broken (5xx). A link is followed as a person would: a GET, a
redirect followed within the site (a visitor's link to a signed-in page leads to the sign-in form).

The roles walk one after the other over one environment: a region's figures are computed for every region at once and
kept per data directory, so the leader's and the district officer's walks read what the administrator's computed (six
environments computed them six times: ~100 s of a worker, against ~35 s)."""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest

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


def dead_links(client: TestClient, start: str = "/") -> tuple[list[str], int]:
    """The links, reachable from ``start``, that answer 4xx or 5xx (each with the page offering it), and how many
    pages were read."""
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


def test_every_link_a_role_is_offered_answers(env: WebEnv) -> None:
    found: list[str] = []
    for user in ROLES:
        with env.client() as client:
            if user:
                login_as(client, env.engine, user)  # the sign-in form is tested by its own tests
            dead, read = dead_links(client)
        assert read > 20, (user, read)  # the walk went beyond the start page
        found += [f"{user or 'visitor'}: {line}" for line in dead]
    assert not found, "\n".join(found)
