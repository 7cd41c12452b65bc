"""A need's matches in the browser: ranked, with each score's arithmetic beside it, on a screen and on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.exchange.web_helpers import number
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, make_env

pytestmark = pytest.mark.browser


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    """The web test corpus with an index that holds the semantic vectors matching needs."""
    from zhichan.corpus.store import CorpusStore
    from zhichan.search.build import build_index

    web = make_env(settings, web_template)
    build_index(CorpusStore(settings.corpus_dir).current())
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def test_a_need_shows_its_explained_matches(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from sqlalchemy import select

    from zhichan.evidence.service import utcnow
    from zhichan.exchange.listings import create_listing, post_need
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        owner = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))
        snapshot = env.app.state.corpus.snapshot()  # type: ignore[attr-defined]
        for i in (1, 2, 3):
            create_listing(s, owner, snapshot, asset_kind="patent", number=number(i), mode="ordinary", price="",
                           description="", pledgee_consent=False, now=utcnow())
        seeker = scope_for_user(s, s.scalar(select(User).where(User.username == "ent2_user")))
        need = post_need(s, seeker, title="锂电池负极材料", text="寻求锂离子电池负极材料的制备技术", industry="新能源",
                         budget="3000000", region="", now=utcnow() - dt.timedelta(minutes=1))
        need_id = need.id
    page.goto("/exchange/needs")
    page.click(f"#matches-{need_id}")
    page.wait_for_selector("#matches")
    assert page.locator("#matches tbody tr").count() == 3
    first = page.inner_text("#matches tbody tr:first-child")
    assert "× 0.6 =" in first and "H01M" in first and "负极" in first
    page.screenshot(path=str(artifacts_dir / "exchange-matches.png"), full_page=True)
    assert "锦江区" in page.inner_text("#need-summary") and "510104" not in page.inner_text("#need-summary")
    page.goto(f"/exchange/needs/{need_id}/matches?lang=en")  # the need's region named, its industry in English
    summary = page.inner_text("#need-summary")
    assert "Jinjiang District" in summary and "New energy" in summary and "510104" not in summary
    # on a phone: its three columns stood as a table, the arithmetic one character a line and, in English, the page
    # wider than the screen; the shared terms a column of their own, the list stacks, each value under its column's name
    from tests.web.test_web_review import _phone_cuts

    cut = _phone_cuts(page, [f"/exchange/needs/{need_id}/matches"], ("zh", "en"), artifacts_dir, "matches")
    assert not cut, cut
    assert page.evaluate("getComputedStyle(document.querySelector('#matches')).display") == "block"


def test_a_deal_registered_through_its_form(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The seller registers a deal on the procedure's form (a malformed price refused beside the field),
    and finds it in its deals with the pricing method and mode; the hall and the needs page render."""
    from tests.helpers import sign_in

    sign_in(page, "ent_user", then="/exchange")
    page.screenshot(path=str(artifacts_dir / "exchange-hall.png"), full_page=True)
    page.goto("/procedures/exchange.deal/new")
    page.fill("#start-patent_number", number(4))
    page.fill("#start-buyer", "锦江独有材料有限公司")
    page.select_option("#start-pricing_method", "竞争性谈判")
    page.select_option("#start-trading_mode", "定向交易")
    page.select_option("#start-deal_kind", "普通许可")
    page.fill("#start-price", "三十万")
    page.click("#start-submit")
    page.wait_for_selector("#start-price-error")
    page.fill("#start-price", "300000")
    page.click("#start-submit")
    page.wait_for_url("**/cases/*")
    page.goto("/exchange/deals")
    row = page.inner_text("#deals tbody tr")
    assert "竞争性谈判" in row and "定向交易" in row and "300,000.00" in row
    page.screenshot(path=str(artifacts_dir / "exchange-deals.png"), full_page=True)
