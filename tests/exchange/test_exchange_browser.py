"""The exchange in the browser: an enterprise declares an open licence (a royalty above the cap is refused
beside the field, the input kept), the district's officer publishes it, anyone finds it in the catalogue
with the annuity arithmetic; the enterprise lists a patent and starts an auction; another enterprise pays
the deposit and bids, and its page updates by itself when a third bidder outbids it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.exchange.web_helpers import number
from tests.helpers import choose, sign_in
from zhichan.settings import Settings
from zhichan.web.testing import PASSWORD, WebEnv, make_env

pytestmark = pytest.mark.browser


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.click("#logout")
    page.wait_for_url("**/login")


def test_declare_publish_find_list_and_bid(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "ent_user", then="/exchange")
    page.click("#declare")
    page.fill("#start-patent_number", number(1))
    page.fill("#start-patentee", "成都示例科技有限公司")
    page.select_option("#start-fee_method", "按净销售额提成")
    page.fill("#start-fee_standard", "25")
    page.select_option("#start-payment_schedule", "按年支付")
    page.fill("#start-fee_note", "按实施产品净销售额提成，逐年结算。")
    page.fill("#start-term_from", "2026-01-01")
    page.fill("#start-term_until", "2030-12-31")
    page.fill("#start-contact", "李经理 028-87654321")
    choose(page, "start-evaluation", "不适用（发明专利）")
    choose(page, "start-commitment", "本声明内容真实，符合开放许可的规定，无夸大宣传")
    page.click("#start-submit")
    page.wait_for_selector("#start-fee_standard-error")
    assert "20%" in page.inner_text("#start-fee_standard-error")
    assert page.input_value("#start-contact") == "李经理 028-87654321"
    page.screenshot(path=str(artifacts_dir / "exchange-declaration-error.png"), full_page=True)
    page.fill("#start-fee_standard", "3")
    page.click("#start-submit")
    page.wait_for_url("**/cases/*")
    case_url = page.url
    _logout(page)

    sign_in(page, "wuhou_officer", then=case_url)
    page.click("#action-publish")
    page.click("#submit-publish")
    page.wait_for_selector("#case-state:has-text('已公告')")
    _logout(page)

    page.goto("/exchange/open-licences?q=锂离子&ipc=H01M")
    assert page.locator("#catalogue tbody tr").count() == 1
    page.screenshot(path=str(artifacts_dir / "exchange-catalogue.png"), full_page=True)
    # the region chosen by name (it asked for a code), at desk and phone width, in both languages
    for lang, city in (("en", "Chengdu (510100)"), ("zh", "成都市（510100）")):
        page.goto(f"/exchange/open-licences?lang={lang}")
        page.select_option("#c-region", label=city)
        page.click("#catalogue-submit")
        page.wait_for_url("**region=510100**")
        assert page.locator("#catalogue tbody tr").count() == 1, lang
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(artifacts_dir / f"exchange-catalogue-region-{lang}-{width}.png"), full_page=True)
            if width == 390:  # each licence a block: the patentee stood one character a line in six columns
                widths = page.evaluate("[...document.querySelectorAll('#catalogue tbody td')].map(c => c.clientWidth)")
                assert widths and min(widths) > 300, (lang, widths)
        page.set_viewport_size({"width": 1400, "height": 1000})
    page.click("#catalogue tbody a")
    page.wait_for_selector("#reduction")
    assert "按净销售额提成 3%" in page.inner_text("#fee")
    page.screenshot(path=str(artifacts_dir / "exchange-open-licence.png"), full_page=True)

    sign_in(page, "ent_user", then="/exchange/listings/new")
    page.select_option("#f-asset_kind", "patent")
    page.fill("#f-number", number(3))
    page.select_option("#f-mode", "sale")
    page.fill("#f-price", "800000")
    page.fill("#f-description", "负极材料成套技术，含工艺包")
    page.click("#listing-submit")
    page.wait_for_selector("#value")
    page.click("#start-auction")
    page.fill("#a-starting_price", "500000")
    page.fill("#a-increment", "10000")
    page.fill("#a-reserve", "600000")
    page.fill("#a-deposit", "50000")
    page.fill("#a-closes_at", "2099-01-01T10:00")
    page.screenshot(path=str(artifacts_dir / "exchange-listing.png"), full_page=True)
    page.click("#auction-submit")
    page.wait_for_url("**/exchange/auctions/*")
    auction_url = page.url
    _logout(page)

    sign_in(page, "ent2_user", then=auction_url)
    page.click("#pay-deposit")
    page.wait_for_selector("#deposit-paid")
    page.fill("#b-amount", "400000")
    page.click("#bid-submit")
    page.wait_for_selector("#b-amount-error")
    assert "起拍价" in page.inner_text("#b-amount-error")
    page.fill("#b-amount", "500000")
    page.click("#bid-submit")
    page.wait_for_selector("#high-bid:has-text('500,000.00')")
    # another enterprise outbids it: the page shows the new high bid without a reload
    _outbid(env, auction_url, "520000")
    page.wait_for_selector("#high-bid:has-text('520,000.00')", timeout=15_000)
    assert page.locator("#bids tbody tr").count() == 2
    page.screenshot(path=str(artifacts_dir / "exchange-auction.png"), full_page=True)
    page.evaluate("document.getElementById('auction-live').remove()")  # stop polling before the page closes
    page.wait_for_load_state("networkidle")
    _logout(page)
    sign_in(page, "ent_user", then="/exchange")
    page.goto("/enterprise")  # the seller's own home: its listing and the running auction
    assert "当前最高价（元） 520,000.00" in page.inner_text("#home-listings")
    page.screenshot(path=str(artifacts_dir / "exchange-home-zh.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/enterprise?lang=en")
    assert "High bid (yuan) 520,000.00" in page.inner_text("#home-listings")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.screenshot(path=str(artifacts_dir / "exchange-home-en-phone.png"), full_page=True)


def _outbid(env: WebEnv, auction_url: str, amount: str) -> None:
    from sqlalchemy import select

    from zhichan.evidence.service import utcnow
    from zhichan.exchange.bidding import pay_deposit, place_bid
    from zhichan.platform.accounts import create_user
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, OrgKind, Role
    from zhichan.platform.orgs import create_org, scope_for_user

    auction_id = int(auction_url.rsplit("/", 1)[1])
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        wuhou = s.scalar(select(Organization).where(Organization.name == "武侯区知识产权局"))
        org = create_org(s, "武侯第三竞买有限公司", OrgKind.ENTERPRISE, "510107", wuhou, party_key="武侯第三竞买有限公司")
        user = create_user(s, username="third_bidder", password=PASSWORD, role=Role.ENTERPRISE_USER, org=org)
        scope = scope_for_user(s, user)
        pay_deposit(s, scope, auction_id, now=utcnow())
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        place_bid(s, scope, env.app.state.procedures.evidence, auction_id, amount,  # type: ignore[attr-defined]
                  now=utcnow() + dt.timedelta(seconds=1))


def test_the_winner_finds_the_deal_the_close_opened(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from zhichan.evidence.service import utcnow
    from zhichan.exchange.bidding import close_due, create_auction, pay_deposit, place_bid
    from zhichan.exchange.listings import create_listing
    from zhichan.legaltime.periods import china_moment
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    procedures = env.app.state.procedures

    def who(s, name):  # type: ignore[no-untyped-def]
        return scope_for_user(s, s.scalar(select(User).where(User.username == name)))

    now = utcnow()
    closes = now + dt.timedelta(hours=1)
    with session_scope(env.engine) as s:
        listing = create_listing(s, who(s, "ent_user"), env.app.state.corpus.snapshot(), asset_kind="patent",
                                 number=number(5), mode="ordinary", price="", description="", pledgee_consent=False,
                                 now=now)
        auction = create_auction(s, who(s, "ent_user"), listing.id, starting_price="200000", increment="10000",
                                 reserve="", deposit="20000", starts_at="",
                                 closes_at=china_moment(closes).strftime("%Y-%m-%dT%H:%M"), extend_window_minutes=5,
                                 extend_minutes=5, now=now)
        pay_deposit(s, who(s, "ent2_user"), auction.id, now=now)
        place_bid(s, who(s, "ent2_user"), procedures.evidence, auction.id, "230000", now=now)
        auction_id = auction.id
    with session_scope(env.engine) as s:
        assert close_due(s, procedures, now=closes + dt.timedelta(minutes=1)) == [auction_id]
    sign_in(page, "ent2_user")  # the winner is told the deal's number
    page.goto(f"/exchange/auctions/{auction_id}")
    assert "DL-" in page.inner_text("#auction-deal")
    page.screenshot(path=str(artifacts_dir / "exchange-auction-deal-winner.png"), full_page=True)
    _logout(page)
    sign_in(page, "ent_user")  # the seller opens it
    page.goto(f"/exchange/auctions/{auction_id}")
    page.screenshot(path=str(artifacts_dir / "exchange-auction-deal-zh.png"), full_page=True)
    page.goto(f"/exchange/auctions/{auction_id}?lang=en")
    page.screenshot(path=str(artifacts_dir / "exchange-auction-deal-en.png"), full_page=True)
    page.click("#auction-deal")
    page.wait_for_url("**/cases/*")
    body = page.inner_text("main")
    # the page is English since ?lang=en: the deal's title names its pricing method in English
    assert "Online auction" in body and "网络竞价" not in body and ("230,000" in body or "230000" in body)
    assert "锦江" in body  # the seller's organization has no English name: shown as registered
    page.screenshot(path=str(artifacts_dir / "exchange-auction-deal-case.png"), full_page=True)


def test_the_buyer_named_by_the_seller_opens_the_deal(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The seller registers a deal by hand naming an enterprise on the platform; that enterprise's user finds
    it under its deals and opens the case; once contracted, the district's records of deals read the
    pricing method, trading mode and kind in English."""
    from sqlalchemy import select

    from tests.procedures.helpers import pdf
    from zhichan.figures import export_workflow
    from zhichan.legaltime import china_date
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.web.testing import JINJIANG_ENTERPRISE

    sign_in(page, "ent_user", then="/procedures/exchange.deal/new")
    page.fill("#start-patent_number", number(9))
    page.fill("#start-buyer", JINJIANG_ENTERPRISE)
    page.select_option("#start-pricing_method", "协议定价")
    page.select_option("#start-trading_mode", "定向交易")
    page.select_option("#start-deal_kind", "独占许可")
    page.fill("#start-price", "480000")
    page.click("#start-submit")
    page.wait_for_url("**/cases/*")
    case_url = page.url
    case_id = int(case_url.rsplit("/", 1)[1])
    _logout(page)
    sign_in(page, "ent2_user", then="/exchange/deals")
    page.screenshot(path=str(artifacts_dir / "exchange-deal-buyer-list.png"), full_page=True)
    page.click(f'a[href="/cases/{case_id}"]')
    page.wait_for_url(case_url)
    body = page.inner_text("main")
    assert JINJIANG_ENTERPRISE in body and "协议定价" in body
    page.screenshot(path=str(artifacts_dir / "exchange-deal-buyer-case.png"), full_page=True)
    page.goto(f"{case_url}?lang=en")
    page.screenshot(path=str(artifacts_dir / "exchange-deal-buyer-case-en.png"), full_page=True)
    _logout(page)

    today = china_date(dt.datetime.now(dt.UTC)).isoformat()
    procedures = env.app.state.procedures
    with session_scope(env.engine) as s:
        seller = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))
        procedures.act(s, seller, case_id, "sign", version=1, fields={"contract_on": today, "contract_price": "480000"},
                       uploads=(pdf("doc0", "合同.pdf"),))
    export_workflow(env.engine, procedures.registry, env.settings.data_dir)
    sign_in(page, "wuhou", then=f"/regions/510107/indicators/exchange_deals_contracted/records?as_of={today}&lang=en")
    assert page.inner_text("td.col-pricing_method") == "Negotiated price"
    assert page.inner_text("td.col-deal_kind") == "Exclusive licence"
    page.screenshot(path=str(artifacts_dir / "exchange-deal-records-en.png"), full_page=True)


def test_the_buyer_confirms_a_hand_registered_contract(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The seller registers a deal naming an enterprise on the platform and signs it; the buyer opens the
    case, a wrong price is refused beside the field (the input kept), the registered one is confirmed."""
    from sqlalchemy import select

    from tests.procedures.helpers import PDF
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.service import Upload
    from zhichan.web.testing import JINJIANG_ENTERPRISE

    service = env.app.state.procedures  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        seller = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))
        case = service.start(s, seller, "exchange.deal", fields={
            "patent_number": number(5), "buyer": JINJIANG_ENTERPRISE, "pricing_method": "协议定价",
            "trading_mode": "协议交易", "deal_kind": "转让", "price": "300000"})
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        seller = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))
        service.act(s, seller, case["id"], "sign", version=1, fields={"contract_on": "2026-03-05",
                                                                      "contract_price": "300000"},
                    uploads=(Upload("doc0", "合同.pdf", PDF),))
    sign_in(page, "ent2_user", then="/todo?lang=zh")  # the buyer's step to take
    assert page.inner_text("#todo-total") == "1" and page.inner_text("#todo a") == case["number"]
    page.screenshot(path=str(artifacts_dir / "deal-buyer-todo-zh.png"), full_page=True)
    page.goto(f"/cases/{case['id']}?lang=en")
    assert page.inner_text("#action-confirm_contract") == "The buyer confirms the contract"
    page.click("#action-confirm_contract")
    page.fill("#confirm_contract-contract_price", "280000")
    page.click("#submit-confirm_contract")
    page.wait_for_selector("#confirm_contract-contract_price-error")
    assert "300,000 yuan" in page.inner_text("#confirm_contract-contract_price-error")  # the English half
    page.screenshot(path=str(artifacts_dir / "deal-buyer-confirm-refused-en.png"), full_page=True)
    page.goto(f"/cases/{case['id']}?lang=zh")
    page.click("#action-confirm_contract")
    page.fill("#confirm_contract-contract_price", "300,000")
    page.click("#submit-confirm_contract")
    page.wait_for_selector("#timeline:has-text('受让方确认合同')")
    page.screenshot(path=str(artifacts_dir / "deal-buyer-confirmed-zh.png"), full_page=True)
    page.goto("/todo")  # confirmed once: nothing left for the buyer (the recording is the seller's and the office's)
    assert page.inner_text("#todo-total") == "0" and page.is_visible("#todo-empty")
    page.screenshot(path=str(artifacts_dir / "deal-buyer-todo-after-zh.png"), full_page=True)


def test_an_officer_suspends_an_auction_and_its_bidder_is_told_on_its_home(page, env: WebEnv,  # type: ignore[no-untyped-def]
                                                                        artifacts_dir: Path) -> None:
    """The district's officer suspends a running auction with the page's form; the enterprise that bid finds it on
    its own home, with the ground and the reason, in both languages and on a phone's width."""
    from urllib.parse import quote

    from sqlalchemy import select

    from zhichan.evidence.service import utcnow
    from zhichan.exchange.bidding import create_auction, pay_deposit, place_bid
    from zhichan.exchange.listings import create_listing
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.web.testing import JINJIANG_ENTERPRISE

    def who(s, name):  # type: ignore[no-untyped-def]
        return scope_for_user(s, s.scalar(select(User).where(User.username == name)))

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        listing = create_listing(s, who(s, "ent_user"), env.app.state.corpus.snapshot(), asset_kind="patent",  # type: ignore[attr-defined]
                                 number=number(3), mode="sale", price="", description="", pledgee_consent=False,
                                 now=utcnow())
        auction = create_auction(s, who(s, "ent_user"), listing.id, starting_price="500000", increment="10000",
                                 reserve="", deposit="50000", starts_at="", closes_at="2099-01-01T10:00",
                                 extend_window_minutes=5, extend_minutes=5, now=utcnow()).id
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        pay_deposit(s, who(s, "ent2_user"), auction, now=utcnow())
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        place_bid(s, who(s, "ent2_user"), env.app.state.procedures.evidence, auction, "500000", now=utcnow())  # type: ignore[attr-defined]

    sign_in(page, "wuhou_officer", then=f"/exchange/auctions/{auction}")
    page.select_option("#s-action", "suspend")
    page.select_option("#s-ground", "ownership_dispute")
    page.fill("#s-reason", "第三人提出权属争议，法院已受理（合成）")
    page.click("#stop-submit")
    page.wait_for_selector("#auction-suspended")
    page.evaluate("document.getElementById('auction-live').remove()")  # stop polling before the page closes
    _logout(page)

    home = f"/enterprises/{quote(JINJIANG_ENTERPRISE)}"
    sign_in(page, "ent2_user", then=home)
    banner = page.inner_text(f"#home-auction-stop-{auction}")
    assert "知识产权局中止了该竞价" in banner and "第三人对标的权属或处分权提出争议" in banner and "法院已受理" in banner
    page.click(f"#home-auction-stop-{auction} a")  # it leads to the auction, which says why
    page.wait_for_selector("#auction-suspended")
    page.evaluate("document.getElementById('auction-live').remove()")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{home}?lang=en")
    assert "The IP office suspended this auction" in page.inner_text("#home-auction-stops")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.screenshot(path=str(artifacts_dir / "exchange-home-stops-en-phone.png"), full_page=True)
    page.goto(f"{home}?lang=zh")
