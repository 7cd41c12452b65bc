"""The parts a page loads in its place, in the browser: what one cannot show is said in its place (HTMX leaves a 4xx
or 5xx answer unshown; the page's script swaps in a part's refusal, X-Part-Refused) — a patent's similar patents for a
number no longer there, the jobs table polled after the session ended (no sign-in page inside the table, the poll
stopped, a link that signs in back to the page), an auction's live figures after the auction went away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import sign_in
from tests.web.test_web_parts import GONE, _open_auction, withdraw_behind_the_auction
from zhichan.web.security import SESSION_COOKIE
from zhichan.web.testing import PASSWORD, WebEnv

pytestmark = pytest.mark.browser

def test_similar_patents_of_a_number_no_longer_there_say_so_in_their_section(page, artifacts_dir: Path,  # type: ignore[no-untyped-def]
                                                                             env: WebEnv) -> None:
    """The snapshot changed between the page and its similar patents (here: the part asked for a number no snapshot
    holds): the section keeps its heading and says why, in the page's language — it said "finding similar patents…"
    for ever."""
    page.route("**/patents/*/similar*", lambda route: route.continue_(
        url=re.sub(r"/patents/[^/]+/similar", f"/patents/{GONE}/similar", route.request.url)))
    number = env.numbers["wuhou"]
    for lang, heading, words in (("zh", "相似专利", "未找到专利"), ("en", "Similar patents", "No patent")):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/patents/{number}?lang={lang}")
        page.wait_for_selector("#similar #part-refused")
        assert page.locator("#similar h2").inner_text() == heading
        assert words in page.locator("#similar #part-error").inner_text()
        assert page.locator("#similar").inner_text().count(heading) == 1  # the heading once, the "loading" line gone
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(artifacts_dir / f"patent-similar-refused-{lang}-{width}.png"), full_page=True)


def test_the_jobs_table_says_in_its_place_that_the_session_ended(page, artifacts_dir: Path,  # type: ignore[no-untyped-def]
                                                                 env: WebEnv) -> None:
    """A queued job keeps the jobs table polling; signed out in another tab, the next poll's answer is the table's
    place saying so with a link to sign in — not the sign-in page inside the table (HTMX followed the redirect), and
    the poll stops. The link signs in back to the jobs page."""
    sign_in(page, "wuhou", then="/jobs")
    page.select_option("#job-form select[name=kind]", "corpus.profile")  # stays queued: no job runner in the tests
    page.click("#job-form button[type=submit]")
    page.wait_for_selector("#jobs-table[hx-trigger] tr.job[data-status=queued]")
    other = page.context.new_page()  # another tab of the same browser signs out
    other.goto("/jobs")
    other.click("#logout")
    other.wait_for_url("**/login")
    other.close()
    for lang, words in (("zh", "您已退出登录或登录已过期"), ("en", "You are signed out")):
        if lang == "en":  # signed in again through the part's link; then the session expires
            page.click("#part-sign-in")
            page.wait_for_url("**/login?next=*")
            page.fill("input[name=username]", "wuhou")
            page.fill("input[name=password]", PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_url("**/jobs")
            page.goto("/jobs?lang=en")
            page.wait_for_selector("#jobs-table[hx-trigger] tr.job[data-status=queued]")
            page.context.clear_cookies(name=SESSION_COOKIE)  # the session expired (the language cookie stays)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.wait_for_selector("#jobs-table #part-refused")
        assert words in page.locator("#jobs-table #part-refused").inner_text()
        assert page.locator("#login-form").count() == 0 and page.locator("#jobs-table[hx-trigger]").count() == 0
        assert page.locator("#jobs-table").count() == 1
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(artifacts_dir / f"jobs-signed-out-{lang}-{width}.png"), full_page=True)


def test_an_auction_that_went_away_says_so_in_its_live_figures(page, artifacts_dir: Path, env: WebEnv) -> None:  # type: ignore[no-untyped-def]
    """A visitor watching an open auction (its figures polled every two seconds) when the auction goes away: the
    figures' place says so, and the poll stops."""
    for lang, words in (("zh", "没有竞价"), ("en", "No auction")):
        auction = _open_auction(env)  # one for each language: a terminated auction does not come back
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/exchange/auctions/{auction}?lang={lang}")
        page.wait_for_selector("#auction-live[hx-trigger]")
        withdraw_behind_the_auction(env, auction)
        page.wait_for_selector("#auction-live #part-refused")
        assert words in page.locator("#auction-live #part-error").inner_text()
        assert page.locator("#auction-live[hx-trigger]").count() == 0 and page.locator("#auction-live").count() == 1
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(artifacts_dir / f"auction-gone-{lang}-{width}.png"), full_page=True)


def test_a_part_that_gets_no_answer_says_so_instead_of_loading(page, artifacts_dir: Path, env: WebEnv) -> None:  # type: ignore[no-untyped-def]
    """The similar patents' and the facets' request getting no answer at all (the server unreachable, the connection
    cut; aborted here, which the page fixture does not count as the server failing): the "loading" line says so in the
    page's language — there is no answer to swap in."""
    page.route("**/patents/*/similar*", lambda route: route.abort("aborted"))
    page.route("**/search/facets?*", lambda route: route.abort("aborted"))
    for lang, words in (("zh", "无法连接服务器"), ("en", "could not be reached")):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/patents/{env.numbers['wuhou']}?lang={lang}")
        page.wait_for_selector("#similar #part-unreachable")
        assert words in page.locator("#similar #part-unreachable").inner_text()
        assert page.locator("#similar [data-part-unreachable]").count() == 0
        page.goto(f"/search?q=TI%3D锂离子电池&lang={lang}")
        page.wait_for_selector("#facets #part-unreachable")
        assert words in page.locator("#facets #part-unreachable").inner_text()
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(artifacts_dir / f"search-facets-unreachable-{lang}-{width}.png"), full_page=True)
