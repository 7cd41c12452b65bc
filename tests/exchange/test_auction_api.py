"""Auctions through the JSON API (SQLite and PostgreSQL), on the services the page's forms use: the area's officers
suspend, resume and terminate with a ground and a reason (another area's officer, the seller and a bidder refused, a
ground of another act or no reason a 422 beside the field, an act the state no longer allows a 409); a bidder pays the
deposit and bids with its token by the page's rules, and a bid and a suspension at the same moment are serialized;
its organization's home says which auctions it bid in were suspended or terminated."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from tests.exchange.web_helpers import number
from tests.helpers import at_once
from zhichan.evidence.service import utcnow
from zhichan.exchange import bidding
from zhichan.exchange.auction_stops import TERMINATED_SHOWN_DAYS
from zhichan.exchange.listings import create_listing, withdraw_listing
from zhichan.exchange.models import Auction, Bid
from zhichan.platform.accounts import create_api_token, create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import AuditEntry, Organization, Role, User
from zhichan.platform.orgs import scope_for_user
from zhichan.web.testing import TestClient, WebEnv, csrf_from, login_as

API = "/api/v1/exchange/auctions"
SUSPEND = {"ground": "ownership_dispute", "reason": "第三人提出权属争议（合成）"}
RESUME = {"ground": "cause_removed", "reason": "争议已经法院裁定驳回（合成）"}
TERMINATE = {"ground": "no_right", "reason": "法院认定挂牌方无处分权（合成）"}




def _scope(s: Any, username: str) -> Any:
    return scope_for_user(s, s.scalar(select(User).where(User.username == username)))


def _auction(env: WebEnv, patent: int = 3, closes_at: str = "2099-01-01T10:00") -> int:
    """ent_user (武侯区's enterprise) lists a patent of its own and auctions it, running from now: the auction's id."""
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        scope = _scope(s, "ent_user")
        listing = create_listing(s, scope, env.app.state.corpus.snapshot(), asset_kind="patent",  # type: ignore[attr-defined]
                                 number=number(patent), mode="sale", price="", description="", pledgee_consent=False,
                                 now=utcnow())
        return bidding.create_auction(s, scope, listing.id, starting_price="500000", increment="10000", reserve="",
                                      deposit="50000", starts_at="", closes_at=closes_at, extend_window_minutes=5,
                                      extend_minutes=5, now=utcnow()).id


def _bearer(env: WebEnv, username: str) -> dict[str, str]:
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        _, plain = create_api_token(s, _scope(s, username), "竞价脚本")
    return {"Authorization": f"Bearer {plain}"}


def test_officers_of_the_area_stop_an_auction_through_the_api(env: WebEnv, client: TestClient) -> None:
    auction = _auction(env)
    officer, other_officer = _bearer(env, "wuhou_officer"), _bearer(env, "jinjiang_officer")
    seller, bidder = _bearer(env, "ent_user"), _bearer(env, "ent2_user")
    url = f"{API}/{auction}"
    assert client.post(f"{url}/suspend", json=SUSPEND, headers={"Authorization": "Bearer zc_nope"}).status_code == 401
    for who in (other_officer, seller, bidder):  # another district's officer, the seller, a bidder
        refused = client.post(f"{url}/suspend", json=SUSPEND, headers=who)
        assert refused.status_code == 403 and refused.json()["message"].startswith("只有挂牌所在地区"), refused.text
    assert client.post(f"{API}/999999/suspend", json=SUSPEND, headers=officer).status_code == 404
    # a ground of another act, an unknown one, no reason: 422, the message (Chinese first) beside the field
    wrong = client.post(f"{url}/suspend", json={"ground": "cause_removed", "reason": " "}, headers=officer)
    assert wrong.status_code == 422, wrong.text
    assert wrong.json()["details"]["fields"] == {"ground": "请选择事由 / choose the ground",
                                                 "reason": "请说明理由 / give a reason"}
    unknown = client.post(f"{url}/terminate", json={"ground": "whim", "reason": "无（合成）"}, headers=officer)
    assert unknown.status_code == 422 and set(unknown.json()["details"]["fields"]) == {"ground"}
    assert client.post(f"{url}/suspend", json={"ground": 1, "reason": "x"}, headers=officer).status_code == 422  # strict
    nothing = client.post(f"{url}/resume", json=RESUME, headers=officer)  # running: nothing to resume
    assert nothing.status_code == 409 and nothing.json()["message"].startswith("竞价正在进行，不能恢复")
    # signed in by session: the CSRF token as every unsafe request
    login_as(client, env.engine, "wuhou_officer")  # type: ignore[arg-type]
    assert client.post(f"{url}/suspend", json=SUSPEND).status_code == 403
    done = client.post(f"{url}/suspend", json=SUSPEND, headers={"X-CSRF-Token": csrf_from(client.get(f"/exchange/auctions/{auction}").text)})
    client.cookies.clear()
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["stop"]["action"], body["stop"]["ground"], body["auction"]["state"]) == ("suspend", "ownership_dispute",
                                                                                         "suspended")
    assert body["stop"]["evidence_index"] >= 0 and body["stop"]["at"].endswith("Z")
    again = client.post(f"{url}/suspend", json=SUSPEND, headers=officer)
    assert again.status_code == 409 and again.json()["message"].startswith("竞价已中止")
    resumed = client.post(f"{url}/resume", json=RESUME, headers=officer)
    assert resumed.status_code == 200 and resumed.json()["auction"]["state"] == "open"
    assert resumed.json()["stop"]["closes_after"].endswith("Z")
    ended = client.post(f"{url}/terminate", json=TERMINATE, headers=officer)
    assert ended.status_code == 200, ended.text
    assert (ended.json()["auction"]["state"], ended.json()["auction"]["outcome"]) == ("terminated", "terminated")
    for action, body_ in (("terminate", TERMINATE), ("suspend", SUSPEND), ("resume", RESUME)):  # over: nothing more
        over = client.post(f"{url}/{action}", json=body_, headers=officer)
        assert over.status_code == 409 and over.json()["message"].startswith("竞价已终止"), over.text
    # the page's record: the acts on the auction's JSON and in the audit log
    stops = client.get(url).json()["auction"]["stops"]
    assert [(s["action"], s["ground"]) for s in stops] == [("suspend", "ownership_dispute"), ("resume", "cause_removed"),
                                                           ("terminate", "no_right")]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.target == str(auction),
                                                            AuditEntry.action.like("exchange.auction.%"))
                            .order_by(AuditEntry.id)).all()
    assert actions == ["exchange.auction.suspend", "exchange.auction.resume", "exchange.auction.terminate"]
    # its listing withdrawn, the auction goes with it: no such auction to anyone but the seller and the area's officers
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        withdraw_listing(s, _scope(s, "ent_user"), s.get_one(Auction, auction).listing_id)
    for who, action, status in ((bidder, "bids", 404), (bidder, "deposit", 404), (other_officer, "suspend", 404),
                                (officer, "suspend", 409), (seller, "bids", 403)):
        answer = client.post(f"{url}/{action}", json={"amount": "600000"} if action == "bids" else SUSPEND, headers=who)
        assert answer.status_code == status, (action, answer.text)
    login_as(client, env.engine, "ent2_user")  # type: ignore[arg-type]
    token = csrf_from(client.get("/exchange").text)
    assert client.post(f"/exchange/auctions/{auction}/bids", data={"amount": "600000", "csrf_token": token}).status_code == 404


def test_a_closed_auction_cannot_be_stopped_through_the_api(env: WebEnv, client: TestClient) -> None:
    auction = _auction(env)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert bidding.close_due(s, env.app.state.procedures, now=dt.datetime(2099, 1, 2)) == [auction]  # type: ignore[attr-defined]
    for action, body in (("suspend", SUSPEND), ("terminate", TERMINATE)):
        over = client.post(f"{API}/{auction}/{action}", json=body, headers=_bearer(env, "wuhou_officer"))
        assert over.status_code == 409 and "截止" in over.json()["message"], over.text


def test_a_bidder_bids_through_the_api_by_the_pages_rules(env: WebEnv, client: TestClient) -> None:
    auction = _auction(env)
    bidder, seller, officer = _bearer(env, "ent2_user"), _bearer(env, "ent_user"), _bearer(env, "wuhou_officer")
    url = f"{API}/{auction}"
    no_deposit = client.post(f"{url}/bids", json={"amount": "500000"}, headers=bidder)
    assert no_deposit.status_code == 422 and "保证金" in no_deposit.json()["details"]["fields"]["amount"]
    assert client.post(f"{url}/deposit", headers=seller).status_code == 403  # the seller does not bid
    assert client.post(f"{url}/deposit", headers=officer).status_code == 403  # nor does the bureau
    paid = client.post(f"{url}/deposit", headers=bidder)
    assert paid.status_code == 200 and paid.json()["auction"]["my_deposit"] is True
    assert client.post(f"{url}/deposit", headers=bidder).status_code == 200  # once: paying again changes nothing
    for amount, says in (("abc", "金额"), ("499999", "起拍价")):
        low = client.post(f"{url}/bids", json={"amount": amount}, headers=bidder)
        assert low.status_code == 422 and says in low.json()["details"]["fields"]["amount"], low.text
    assert client.post(f"{url}/bids", json={"amount": 500000}, headers=bidder).status_code == 422  # a string, strictly
    assert client.post(f"{url}/bids", json={"amount": "600000"}, headers=seller).status_code == 403
    placed = client.post(f"{url}/bids", json={"amount": "500000"}, headers=bidder)
    assert placed.status_code == 200, placed.text
    body = placed.json()
    assert (body["bid"]["seq"], body["bid"]["amount"], body["auction"]["high_bid"]) == (1, "500000.00", "500000.00")
    assert body["auction"]["bids"][0]["mine"] is True
    below = client.post(f"{url}/bids", json={"amount": "505000"}, headers=bidder)
    assert below.status_code == 422 and "510,000" in below.json()["details"]["fields"]["amount"]
    assert "500,000.00" in client.get(f"/exchange/auctions/{auction}").text  # the page shows the bid it took
    # suspended: no bid, a 409 saying why; terminated: none either
    assert client.post(f"{url}/suspend", json=SUSPEND, headers=officer).status_code == 200
    refused = client.post(f"{url}/bids", json={"amount": "520000"}, headers=bidder)
    assert refused.status_code == 409 and refused.json()["message"].startswith("竞价已中止，暂停缴纳保证金和出价")
    assert client.post(f"{url}/terminate", json=TERMINATE, headers=officer).status_code == 200
    refused = client.post(f"{url}/bids", json={"amount": "520000"}, headers=bidder)
    assert refused.status_code == 409 and refused.json()["message"].startswith("竞价已终止")
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert [b.amount for b in s.scalars(select(Bid).where(Bid.auction_id == auction))] == [500000]


def test_a_bid_and_a_suspension_at_once_through_the_api(env: WebEnv, client: TestClient) -> None:
    """Either the bid came first (it stands, then the auction is suspended: the bid's entry in the evidence log before
    the suspension's) or the suspension did (the bid is a 409 and not kept) — never a bid taken on a suspended
    auction, nor an error."""
    auction = _auction(env)
    bidder, officer = _bearer(env, "ent2_user"), _bearer(env, "wuhou_officer")
    url = f"{API}/{auction}"
    assert client.post(f"{url}/deposit", headers=bidder).status_code == 200
    kept = 0
    for round_ in range(4):
        if round_:
            assert client.post(f"{url}/resume", json=RESUME, headers=officer).status_code == 200
        amount = str(500000 + 10000 * kept)

        def suspend() -> Any:
            return client.post(f"{url}/suspend", json=SUSPEND, headers=officer)

        def place(amount: str = amount) -> Any:
            return client.post(f"{url}/bids", json={"amount": amount}, headers=bidder)

        stop, bid = at_once(suspend, place)
        assert stop.status_code == 200, stop.text
        assert bid.status_code in (200, 409), bid.text
        if bid.status_code == 200:
            kept += 1
            assert bid.json()["bid"]["evidence_index"] < stop.json()["stop"]["evidence_index"]
        else:
            assert bid.json()["message"].startswith("竞价已中止")
        with session_scope(env.engine) as s:  # type: ignore[arg-type]
            assert s.get_one(Auction, auction).state == "suspended"
            assert len(s.scalars(select(Bid).where(Bid.auction_id == auction)).all()) == kept


def test_its_home_tells_a_bidder_of_a_suspension_and_a_termination(env: WebEnv, client: TestClient) -> None:
    """The organization that bid (any of its users) sees on its home which auctions were suspended or terminated,
    why, and that its deposit is owed back; the seller's home has no such banner."""
    auction = _auction(env)
    bidder, officer = _bearer(env, "ent2_user"), _bearer(env, "wuhou_officer")
    url = f"{API}/{auction}"
    login_as(client, env.engine, "ent2_user")  # type: ignore[arg-type]
    assert 'id="home-auction-stops"' not in client.get("/enterprise").text
    assert client.post(f"{url}/deposit", headers=bidder).status_code == 200
    assert client.post(f"{url}/bids", json={"amount": "500000"}, headers=bidder).status_code == 200
    assert 'id="home-auction-stops"' not in client.get("/enterprise").text  # running: nothing to tell
    assert client.post(f"{url}/suspend", json=SUSPEND, headers=officer).status_code == 200
    home = client.get("/enterprise?lang=zh").text
    banner = home.split('id="home-auction-stops"', 1)[1].split("</section>", 1)[0]
    assert f'href="/exchange/auctions/{auction}"' in banner and "已中止" in banner
    assert "知识产权局中止了该竞价" in banner and "权属" in banner and "第三人提出权属争议（合成）" in banner
    english = client.get("/enterprise?lang=en").text.split('id="home-auction-stops"', 1)[1].split("</section>", 1)[0]
    assert "The IP office suspended this auction" in english and "A third party disputes the right" in english
    client.get("/enterprise?lang=zh")
    assert client.post(f"{url}/terminate", json=TERMINATE, headers=officer).status_code == 200
    banner = client.get("/enterprise").text.split('id="home-auction-stops"', 1)[1].split("</section>", 1)[0]
    assert "已终止" in banner and "保证金应全额退还" in banner and "法院认定挂牌方无处分权（合成）" in banner
    # another user of the organization that bid sees it too (the organization bid); the seller's home shows its
    # listing's state, not a bidder's banner
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        ent2 = s.scalar(select(User.org_id).where(User.username == "ent2_user"))
        create_user(s, username="ent2_colleague", password=None, role=Role.ENTERPRISE_USER,
                    org=s.get_one(Organization, ent2))
    login_as(client, env.engine, "ent2_colleague")  # type: ignore[arg-type]
    assert f'id="home-auction-stop-{auction}"' in client.get("/enterprise").text
    login_as(client, env.engine, "ent_user")  # type: ignore[arg-type]
    assert 'id="home-auction-stops"' not in client.get("/enterprise").text
    # a termination stays on the bidder's home for 30 days (its auction page keeps saying so)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.get_one(Auction, auction).closed_at = utcnow() - dt.timedelta(days=TERMINATED_SHOWN_DAYS, minutes=1)
    login_as(client, env.engine, "ent2_user")  # type: ignore[arg-type]
    assert 'id="home-auction-stops"' not in client.get("/enterprise").text


@pytest.mark.one_database("the API schema; no SQL")
def test_the_auction_operations_are_documented(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for action in ("suspend", "resume", "terminate", "bids", "deposit"):
        operation = paths[f"/api/v1/exchange/auctions/{{auction_id}}/{action}"]["post"]
        assert operation["tags"] == ["exchange"]
        assert {"200", "401", "403", "404", "409", "422"} <= set(operation["responses"]), (action, operation["responses"])
    body = paths["/api/v1/exchange/auctions/{auction_id}/suspend"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/StopIn")


def test_the_close_command_says_what_it_closed(env: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    """``zhichan exchange close-auctions`` names the auctions it closed, in both languages, and says when none was due
    (it printed a Python list: ``closed: [1]``)."""
    from sqlalchemy import update
    from typer.testing import CliRunner

    from zhichan.cli import app
    from zhichan.settings import get_settings

    auction = _auction(env)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.execute(update(Auction).where(Auction.id == auction).values(closes_at=dt.datetime(2020, 1, 1)))
    monkeypatch.setenv("ZHICHAN_DATABASE_URL", str(env.engine.url.render_as_string(hide_password=False)))  # type: ignore[attr-defined]
    get_settings.cache_clear()
    closed = CliRunner().invoke(app, ["exchange", "close-auctions"])
    assert closed.exit_code == 0, closed.output
    assert closed.output.strip() == f"已结束 1 场网络竞价：#{auction} / closed 1 auction(s): #{auction}"
    again = CliRunner().invoke(app, ["exchange", "close-auctions"])
    assert again.output.strip() == "没有到期的网络竞价 / no auction was due"
