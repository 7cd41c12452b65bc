"""A date inside a page's sentence stays on one line: at 390 px a browser broke ``2026-12-07`` after a hyphen
(``2026-12-`` / ``07``) in the credit list's intro, a case's rights check, the cockpit's and plans' notes. A message's
date values are kept whole (``zhichan.web.i18n.translate_whole_dates``)."""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import Markup

from zhichan.web.i18n import translate_whole_dates

pytestmark = [pytest.mark.browser,
              pytest.mark.one_database("a page drawn in a browser; the message is the catalogue's")]


def test_a_message_keeps_its_dates_whole_and_escapes_the_rest():
    text = translate_whole_dates("zh", "credit.listings.intro", on=dt.date(2026, 12, 7))
    assert isinstance(text, Markup) and '截至 <span class="date">2026-12-07</span> 仍在管理期内' in text
    # a moment (naive UTC as stored) reads in Beijing time, as every moment on a page: 17:00 UTC is 01:00 the next day
    evening = translate_whole_dates("zh", "credit.listings.intro", on=dt.datetime(2026, 3, 31, 17, 0))
    assert '<span class="date">2026-04-01 01:00</span>' in evening
    plain = translate_whole_dates("en", "credit.listings.intro", on="2026-12-07<b>")  # not a date: text, for Jinja
    assert not isinstance(plain, Markup) and "2026-12-07<b>;" in plain  # to escape as it escapes any text
    mixed = translate_whole_dates("zh", "credit.agency_list.as_of", day="2026-12-07", region="<i>成都</i>")
    assert '<span class="date">2026-12-07</span>' in mixed and "&lt;i&gt;成都&lt;/i&gt;" in mixed  # the rest escaped

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_credit_lists_date_is_on_one_line_on_a_phone(page, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/credit/listings?lang={lang}")
    dates = page.locator("main span.date")
    assert dates.count() >= 1
    for i in range(dates.count()):  # one box per date: a date broken over two lines has two
        assert dates.nth(i).evaluate("e => e.getClientRects().length") == 1, dates.nth(i).inner_text()
