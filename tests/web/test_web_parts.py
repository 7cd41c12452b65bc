"""The parts a page loads in its place with HTMX (zhichan.web.deps.PartRoute: the search page's facets, a patent's
similar patents, the polled jobs table and auction figures): whatever one cannot show — a value of its address, a
thing no longer there, a session that ended, a failure — is said in that place, in the page's language, with the
part's heading kept and a 4xx (5xx for a failure), marked for the page's script (X-Part-Refused); never the error page
or the sign-in page swapped into the part. A polled part refusing is its own element again without the poll; a failure
of the server's in a polled part is left unshown (the page keeps the part as it was, the poll tries again)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

import zhichan
from zhichan.settings import Settings
from zhichan.web.app import all_routes
from zhichan.web.deps import PartRoute
from zhichan.web.testing import TestClient, WebEnv, login_as, make_env

pytestmark = pytest.mark.one_database("requests through the app; the parts' SQL runs on both databases in their domains")

TEMPLATES = Path(zhichan.__file__).parent
#: a number of the right form that no snapshot holds
GONE = "CN201099999999.9"


def _loaded_in_place() -> list[dict[str, str]]:
    """Every element a template loads a part into (``hx-get``/``hx-post``): its tag, id, class, trigger and swap, and
    the part's path (a path parameter as 1)."""
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for tag, attributes in re.findall(r"<(\w+)\b([^>]*\bhx-(?:get|post)=\"[^\"]+\"[^>]*)>", template.read_text()):
            url = re.search(r'hx-(?:get|post)="([^"]+)"', attributes).group(1)  # type: ignore[union-attr]
            literal = re.search(r"path='(/[^']+)'", url)  # a page state's url(path='/search/facets', …)
            path = literal.group(1) if url.startswith("{{") and literal else re.sub(r"\{\{.*?\}\}", "1", url)

            def attribute(name: str, attributes: str = attributes) -> str:
                value = re.search(rf'\b{name}="([^"]*)"', attributes)
                return value.group(1) if value else ""

            found.append({"template": template.name, "tag": tag, "id": attribute("id"), "class": attribute("class"),
                          "trigger": attribute("hx-trigger"), "swap": attribute("hx-swap"), "target": attribute("hx-target"),
                          "path": path.split("?", 1)[0]})
    return found


def test_every_part_a_page_loads_in_place_is_a_part(env: WebEnv) -> None:
    """Each address a page loads into its place is served by a PartRoute; a polled one (replacing its own element)
    declares that element, so that its refusal is that element without the poll."""
    loaded = _loaded_in_place()
    assert {p["path"] for p in loaded} >= {"/search/facets", "/patents/1/similar", "/jobs/table",
                                           "/exchange/auctions/1/live"}
    routes = [r for r in all_routes(env.app) if isinstance(r, APIRoute) and "GET" in r.methods]
    wrong = []
    for place in loaded:
        served = [r for r in routes if r.path_regex.match(place["path"])]
        if len(served) != 1 or not isinstance(served[0], PartRoute):
            wrong.append((place["template"], place["path"], [type(r).__name__ for r in served]))
            continue
        part = served[0].part
        if place["swap"] == "outerHTML":  # a poll replacing its element: the refusal is that element
            if part.element != (place["tag"], place["id"], place["class"]):
                wrong.append((place["template"], place["path"], "element", part.element))
        elif part.element is not None or place["swap"] != "innerHTML":
            wrong.append((place["template"], place["path"], place["swap"], part.element))
    assert wrong == [], wrong


def _said(html: str, element: str = "part-error") -> str:
    return unescape(html.split(f'id="{element}">', 1)[1].split("</span>", 1)[0])


@pytest.mark.parametrize("lang,heading,words,other", [
    ("zh", "<h2>相似专利</h2>", f"未找到专利 {GONE}", "no patent"),
    ("en", "<h2>Similar patents</h2>", f"No patent {GONE}", "未找到")])
def test_similar_patents_of_a_number_not_in_the_snapshot_say_so_in_their_section(
        client: TestClient, lang: str, heading: str, words: str, other: str) -> None:
    """The patent page's similar patents for a number the current snapshot does not hold (it changed after the page
    was shown, or the address was edited): a 404 whose body is the reason under the section's heading — HTMX left the
    error page unshown and the section said "finding similar patents…" for ever."""
    r = client.get(f"/patents/{GONE}/similar", params={"lang": lang})
    assert r.status_code == 404 and r.headers.get("x-part-refused") == "1"
    assert "<html" not in r.text and 'id="error-message"' not in r.text
    assert r.text.lstrip().startswith(heading) and r.text.index(heading) < r.text.index('id="part-refused"')
    assert _said(r.text) == words and other not in r.text


#: (language, words the reason says, words of the other language it must not show)
IN_BOTH = (("zh", "检索索引尚未就绪", "index"), ("en", "index is not ready yet", "检索"))


def _reason(client: TestClient, number: str, lang: str) -> str:
    r = client.get(f"/patents/{number}/similar", params={"lang": lang})
    assert r.status_code == 200, r.text[:500]
    return unescape(r.text.split('id="similar-unavailable">', 1)[1].split("</p>", 1)[0])


def test_similar_patents_without_an_index_say_why_in_the_page_language(settings: Settings, web_template: Path) -> None:
    """No search index yet (a snapshot just imported, its index being built): the section says so plainly, in the
    page's half of the message — it showed "中文 / English" on either page, and told a visitor to run a command."""
    web = make_env(settings, web_template, search_index=False)
    try:
        with web.client() as client:
            for lang, words, other in IN_BOTH:
                reason = _reason(client, web.numbers["wuhou"], lang)
                assert words in reason and other not in reason and " / " not in reason, reason
    finally:
        web.engine.dispose()  # type: ignore[attr-defined]


def test_similar_patents_of_a_patent_newer_than_the_index_say_why(settings: Settings, web_template: Path) -> None:
    """A snapshot just imported, its index being built: search answers from the previous snapshot's index, which does
    not hold a patent the import brought — the section says so plainly (it said "no patent …" in both languages on a
    page showing that patent)."""
    from zhichan.corpus.testing import build_snapshot, patent
    from zhichan.search.build import build_index

    web = make_env(settings, web_template)
    try:
        build_index(web.app.state.corpus.snapshot())  # type: ignore[attr-defined]  # with similarity vectors
        new = patent(serial=900, title="一种新导入的锂离子电池", region_code="510107", application_date="2024-01-02")
        build_snapshot(settings.data_dir, patents=[new])
        with web.client() as client:
            assert client.get(f"/patents/{new['application_number']}").status_code == 200
            for lang, words, other in (("zh", "最新导入", "newest"), ("en", "newest data", "最新")):
                reason = _reason(client, new["application_number"], lang)
                assert words in reason and other not in reason and " / " not in reason, reason
    finally:
        web.engine.dispose()  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang,words", [("zh", "尚无语料快照"), ("en", "No corpus snapshot yet")])
def test_a_failure_of_the_server_is_said_in_a_part_loaded_once(env: WebEnv, lang: str, words: str) -> None:
    """A part loaded once (the similar patents) failing on the server's side — here no corpus snapshot at all: the
    reason in its place with the 503, not "loading" for ever."""
    pointer = env.app.state.corpus.store.pointer
    pointer.unlink()
    r = env.client().get(f"/patents/{env.numbers['wuhou']}/similar", params={"lang": lang})
    assert r.status_code == 503 and r.headers.get("x-part-refused") == "1" and "<html" not in r.text
    assert _said(r.text).startswith(words)


@pytest.mark.parametrize("lang,heading", [("zh", "<h3>分面</h3>"), ("en", "<h3>Facets</h3>")])
def test_a_refused_facet_panel_keeps_its_heading(client: TestClient, lang: str, heading: str) -> None:
    r = client.get("/search/facets", params={"q": "TI=锂离子电池", "hits": "abc", "lang": lang})
    assert r.status_code == 422 and r.text.lstrip().startswith(heading)
    assert r.text.index(heading) < r.text.index('id="part-hits-error"')


@pytest.mark.parametrize("lang,words", [("zh", "您已退出登录或登录已过期"), ("en", "You are signed out")])
def test_the_jobs_table_polled_after_the_session_ended_says_so_in_its_place(client: TestClient, lang: str,
                                                                            words: str) -> None:
    """The jobs page's poll after the session ended (signed out in another tab, expired): a 401 that is the table's own
    element, without the poll, saying so with a link to sign in that comes back to the page — not the sign-in page
    (HTMX followed the redirect and swapped the whole sign-in page into the table, and kept polling it)."""
    page = f"http://testserver/jobs?lang={lang}"
    r = client.get("/jobs/table", params={"lang": lang}, follow_redirects=False,
                   headers={"HX-Request": "true", "HX-Current-URL": page})
    assert r.status_code == 401 and r.headers.get("x-part-refused") == "1"
    assert r.text.lstrip().startswith('<div id="jobs-table">') and r.text.rstrip().endswith("</div>")
    assert "hx-get" not in r.text and "hx-trigger" not in r.text and 'id="login-form"' not in r.text
    assert words in r.text
    link = unescape(re.search(r'id="part-sign-in" href="([^"]+)"', r.text).group(1))  # type: ignore[union-attr]
    assert link == f"/login?next=%2Fjobs%3Flang%3D{lang}"
    assert client.get(link).status_code == 200


def test_a_part_asked_for_from_another_site_signs_in_to_the_home_page(client: TestClient) -> None:
    r = client.get("/jobs/table", headers={"HX-Current-URL": "https://elsewhere.example//evil"}, follow_redirects=False)
    assert r.status_code == 401 and 'href="/login?next=%2F"' in r.text


def test_a_user_who_must_change_the_password_is_sent_there_from_the_part(client: TestClient, env: WebEnv) -> None:
    from sqlalchemy import update

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User

    login_as(client, env.engine, "wuhou")
    with session_scope(env.engine) as s:  # an administrator reset the password meanwhile
        s.execute(update(User).where(User.username == "wuhou").values(must_change_password=True))
    r = client.get("/jobs/table", follow_redirects=False)
    assert r.status_code == 403 and r.headers.get("x-part-refused") == "1" and "hx-get" not in r.text
    assert 'id="part-change-password" href="/account/password"' in r.text


def _open_auction(env: WebEnv) -> int:
    from sqlalchemy import select

    from tests.exchange.web_helpers import number
    from zhichan.evidence.service import utcnow
    from zhichan.exchange.bidding import create_auction
    from zhichan.exchange.listings import create_listing
    from zhichan.legaltime.periods import china_moment
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    now = utcnow()
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        seller = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))
        listing = create_listing(s, seller, env.app.state.corpus.snapshot(), asset_kind="patent", number=number(5),
                                 mode="ordinary", price="", description="", pledgee_consent=False, now=now)
        auction = create_auction(s, seller, listing.id, starting_price="200000", increment="10000", reserve="",
                                 deposit="20000", starts_at="",
                                 closes_at=china_moment(now + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                                 extend_window_minutes=5, extend_minutes=5, now=now)
        return int(auction.id)


def withdraw_behind_the_auction(env: WebEnv, auction_id: int) -> None:
    """The auction taken away as the platform does it: the area's officer terminates it (终止, zhichan.exchange.
    auction_stops) and its seller then withdraws the listing — its auctions go with it for everyone but the seller,
    what a poll meets when the thing it polls is gone."""
    from sqlalchemy import select

    from zhichan.exchange.auction_stops import stop_auction
    from zhichan.exchange.listings import withdraw_listing
    from zhichan.exchange.models import Auction
    from zhichan.legaltime import utcnow
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    def who(s: Any, name: str) -> Any:
        return scope_for_user(s, s.scalar(select(User).where(User.username == name)))

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        stop_auction(s, who(s, "wuhou_officer"), env.app.state.procedures.evidence, auction_id,  # type: ignore[attr-defined]
                     action="terminate", ground="no_right", reason="挂牌方无处分权（合成）", now=utcnow())
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        withdraw_listing(s, who(s, "ent_user"), s.get_one(Auction, auction_id).listing_id)


@pytest.mark.parametrize("lang,words", [("zh", "没有竞价"), ("en", "No auction")])
def test_an_auction_polled_after_it_went_away_says_so_in_its_place(env: WebEnv, lang: str, words: str) -> None:
    """An auction's live figures polled after the auction went away for the caller: a 404 that is the figures' own
    element (section.card#auction-live) without the poll, the reason in the page's language."""
    auction = _open_auction(env)
    client = env.client()
    live = client.get(f"/exchange/auctions/{auction}/live", params={"lang": lang})
    assert live.status_code == 200 and 'hx-trigger="every 2s"' in live.text
    withdraw_behind_the_auction(env, auction)
    r = client.get(f"/exchange/auctions/{auction}/live", params={"lang": lang})
    assert r.status_code == 404 and r.headers.get("x-part-refused") == "1" and "<html" not in r.text
    assert r.text.lstrip().startswith('<section id="auction-live" class="card">') and "hx-get" not in r.text
    assert _said(r.text) == f"{words} {auction}"


def test_a_failure_of_the_server_in_a_polled_part_is_left_unshown(env: WebEnv) -> None:
    """A poll that meets a failure of the server's (a database fault, a busy database) is no refusal: the error page's
    answer, which HTMX leaves unshown — the table stays as it was and the next poll tries again."""
    from sqlalchemy import text

    client = TestClient(env.app, raise_server_exceptions=False)  # type: ignore[arg-type]
    login_as(client, env.engine, "wuhou")
    assert client.get("/jobs/table").status_code == 200
    with env.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text("ALTER TABLE platform_jobs RENAME TO platform_jobs_away"))
    r = client.get("/jobs/table")
    assert r.status_code == 500 and "x-part-refused" not in r.headers
