"""The indicators page on a phone: every figure on its row and reachable, the definitions one tap away (at 390 px
the page was about 12,700 px tall); at 1280 px the definitions stay in their column."""

from __future__ import annotations

import pytest

from tests.helpers import sign_in

pytestmark = [pytest.mark.browser,
              pytest.mark.one_database("a page drawn in a browser; its figures are tested in tests/indicators")]


def test_the_indicators_page_fits_a_phone_and_keeps_every_figure(page):
    sign_in(page, "cd_leader", then="/regions/510100/indicators")
    rows = page.locator("#all-indicators tbody tr").count()
    assert rows > 30 and page.locator("#all-indicators td.wide-only").first.is_visible()  # 1280: the definitions shown
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/regions/510100/indicators")
    tall = page.evaluate("document.documentElement.scrollHeight")
    assert tall < 60 * rows + 1500, (tall, rows)  # two lines an indicator (it was ~90 px, the page 12,700 px at 390)
    assert page.locator("#all-indicators a.records-link:visible").count() == rows  # every figure, on its row
    assert not page.locator("#all-indicators td.wide-only").first.is_visible()
    groups = page.locator("#indicator-groups a")  # each group a link to its first indicator
    assert groups.count() > 3 and page.locator(groups.last.get_attribute("href")).count() == 1
    details = page.locator("#all-indicators details.indicator-definition").first
    details.locator("summary").click()
    assert details.evaluate("d => d.open") and "·" in details.inner_text()


def test_a_region_name_in_the_cockpits_ranking_breaks_between_words_on_a_phone(page):
    """At 390 px the ranking's table keeps its three columns, and its region names broke inside a word where the
    long heading of the per-10k column took the width ("Longqua / nyi District", "Shuangli / u District"): a name breaks
    between its words."""
    sign_in(page, "cd_leader", then="/cockpit?lang=en")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/cockpit?lang=en")
    broken = page.locator("#children-table td:first-child a").evaluate_all("""links => links.flatMap(a => {
        const text = a.firstChild, found = [];
        let at = 0;
        for (const word of text.textContent.split(' ')) {
            const range = document.createRange();
            range.setStart(text, at); range.setEnd(text, at + word.length);
            if (range.getClientRects().length > 1) found.push(word);
            at += word.length + 1;
        }
        return found;
    })""")
    names = page.locator("#children-table td:first-child a").all_inner_texts()
    assert len(names) > 5 and any(len(n.split()[0]) >= 8 for n in names), names
    assert broken == [], broken
