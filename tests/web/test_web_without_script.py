"""Pages whole in a browser without JavaScript: every part HTMX loads after the page (``hx-trigger="load"``) is given a
link to the page with the part in it — the search's facets, a patent's similar patents (they said "counting facets…"
and "finding similar patents…" for ever, and nothing else) —, and a part HTMX refreshes in its place (the jobs table,
an auction's live figures) says that it does not update itself, with a link that shows it again. With JavaScript the
parts load as before and none of this shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.test_web_parts import _open_auction
from zhichan.web.testing import PASSWORD, WebEnv

pytestmark = pytest.mark.browser

Q = "TI=锂离子电池"  # 12 patents of the web corpus
TEMPLATES = Path(__file__).resolve().parents[2] / "zhichan"


def test_every_part_a_page_loads_after_it_has_a_way_without_javascript() -> None:
    """Each template part that HTMX loads on the page's load (or when revealed) offers the page with it in it; a part
    HTMX refreshes offers to show it again. A new deferred part without either fails here."""
    found = {}
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for trigger in re.findall(r'hx-trigger="([^"]+)"', text):
            found[path.name] = trigger
            if re.search(r"\b(load|revealed|intersect)\b", trigger):
                assert "part_without_script(" in text, f"{path}: {trigger} without part_without_script"
            else:
                assert "reload_without_script(" in text, f"{path}: {trigger} without reload_without_script"
    assert {"search.html", "patent.html", "_jobs_table.html", "_auction_live.html"} <= set(found), found


def test_the_search_facets_and_similar_patents_without_javascript(chromium, live_server: str,  # type: ignore[no-untyped-def]
                                                                  artifacts_dir: Path, env: WebEnv) -> None:
    context = chromium.new_context(base_url=live_server, java_script_enabled=False, locale="zh-CN",
                                   viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        for lang, link, heading in (("zh", "显示分面统计", "分面"), ("en", "Show the facets", "Facets")):
            page.goto(f"/search?q={Q}&lang={lang}")
            assert page.locator("#result-total").is_visible()
            # the "counting…" line that never ends is hidden; a link to the page with the facets stands in its place
            assert not page.get_by_text("正在统计分面" if lang == "zh" else "Counting facets").is_visible()
            assert page.locator("#facets-page").inner_text() == link
            assert page.locator("#facets .facet-link").count() == 0
            page.click("#facets-page")
            assert page.locator("#facets h3").inner_text() == heading
            years = page.locator("#facets .facet-link[data-facet=year]")
            assert years.count() > 0
            assert page.locator("#result-total").is_visible()  # the hits too, on the same page
            page.screenshot(path=str(artifacts_dir / f"search-facets-no-js-{lang}.png"), full_page=True)
            # a facet's link narrows the search and keeps the facets in the page
            years.first.click()
            assert page.locator("#active-filters .chip").count() == 1
            assert page.locator("#facets .facet-link").count() > 0 and page.locator("#facets-page").count() == 0

        number = env.numbers["wuhou"]
        for lang, link, heading in (("zh", "查找相似专利", "相似专利"), ("en", "Find similar patents", "Similar patents")):
            page.goto(f"/patents/{number}?lang={lang}")
            assert page.locator("#patent-number").inner_text() == number
            assert not page.get_by_text("正在查找相似专利" if lang == "zh" else "Finding similar patents").is_visible()
            assert page.locator("#similar-page").inner_text() == link
            page.click("#similar-page")
            assert page.locator("#patent-number").inner_text() == number
            assert page.locator("#similar h2").inner_text() == heading
            # the list, or why there is none — what the part says with JavaScript
            assert page.locator("#similar-patents, #similar-none, #similar-unavailable").count() == 1
            assert page.locator("#similar-page").count() == 0
            page.screenshot(path=str(artifacts_dir / f"patent-similar-no-js-{lang}.png"), full_page=True)
    finally:
        context.close()


def test_parts_refreshed_in_their_place_offer_to_show_them_again_without_javascript(  # type: ignore[no-untyped-def]
        chromium, live_server: str, artifacts_dir: Path, env: WebEnv) -> None:
    auction = _open_auction(env)
    context = chromium.new_context(base_url=live_server, java_script_enabled=False, locale="zh-CN",
                                   viewport={"width": 390, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        page.goto(f"/exchange/auctions/{auction}?lang=en")
        assert "does not update itself" in page.locator("#auction-live").inner_text()
        assert not page.get_by_text("The page refreshes every 2 seconds").is_visible()  # it does not, without a script
        page.click("#auction-reload")
        assert page.url.endswith(f"/exchange/auctions/{auction}") and page.locator("#extensions").is_visible()
        page.screenshot(path=str(artifacts_dir / "auction-no-js-en-390.png"), full_page=True)

        page.goto("/login")
        page.fill("input[name=username]", "wuhou")
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.goto("/jobs?lang=zh")
        page.select_option("#job-form select[name=kind]", "corpus.profile")  # stays queued: no job runner in tests
        page.click("#job-form button[type=submit]")
        page.goto("/jobs")
        assert page.locator("#jobs-table tr.job[data-status=queued]").count() == 1
        assert "不会自动更新" in page.locator("#jobs-table").inner_text()
        page.click("#jobs-reload")
        assert page.locator("#jobs-table tr.job[data-status=queued]").count() == 1
        page.screenshot(path=str(artifacts_dir / "jobs-no-js-zh-390.png"), full_page=True)
    finally:
        context.close()


def test_with_javascript_the_parts_load_in_their_place_and_no_link_shows(page, env: WebEnv) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/search?q={Q}")
    page.wait_for_selector("#facets .facet-link")
    assert not page.locator("#facets-page").is_visible()
    page.goto(f"/patents/{env.numbers['wuhou']}")
    page.wait_for_selector("#similar-patents, #similar-none, #similar-unavailable")
    assert not page.locator("#similar-page").is_visible()
