"""The exchange through the real app (SQLite and PostgreSQL): forms with their errors beside the fields,
the public catalogue searched through the index, licences and 备案, listings with value indicators,
bidding, needs, and scope."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.exchange.web_helpers import PDF, declare, number, post
from zhichan.money import format_money
from zhichan.platform.db import session_scope
from zhichan.web.testing import JINJIANG_ENTERPRISE, TestClient, WebEnv, login_as


def _published(env: WebEnv, client: TestClient, patent: str, **fields: str) -> int:
    """ent_user declares, wuhou_officer publishes; the declaration's id."""
    from zhichan.exchange.models import OpenLicence

    login_as(client, env.engine, "ent_user")
    r = declare(client, patent, **fields)
    assert r.status_code == 303, r.text[:2000]
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    login_as(client, env.engine, "wuhou_officer")
    page = client.get(f"/cases/{case_id}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    r = post(client, f"/cases/{case_id}/act/publish", {"version": version}, page=f"/cases/{case_id}")
    assert r.status_code == 303, r.text[:2000]
    with session_scope(env.engine) as s:
        return int(s.scalar(select(OpenLicence.id).where(OpenLicence.case_id == case_id)))


@pytest.mark.one_database("the form's errors on the page; the declaration rules run on PostgreSQL in test_open_licence.py")
def test_declaration_form_errors_stand_beside_their_fields(env: WebEnv, client: TestClient) -> None:
    login_as(client, env.engine, "ent_user")
    r = declare(client, number(1), commitment="")  # the declared fields first (the engine checks them)
    assert r.status_code == 422 and 'id="start-commitment-error"' in r.text
    r = declare(client, number(0), fee_standard="25")  # then the rules: pledged, a royalty above 20 %
    assert r.status_code == 422
    html = r.text
    assert 'id="start-fee_standard-error"' in html and "20%" in html
    assert 'id="start-pledgee_consent-error"' in html and "某银行" in html
    assert 'value="25"' in html  # the input is kept
    r = declare(client, number(12))  # 锦江区's patent: not the declarant's
    assert r.status_code == 422 and 'id="start-patentee-error"' in r.text


@pytest.mark.one_database("a page's form: nothing stored")
def test_a_declared_affirmation_comes_unticked(env: WebEnv, client: TestClient) -> None:
    """A declared choice of one option is the filer's own affirmation (本声明内容真实…): unticked until the filer ticks
    it — a list the platform draws up with one entry comes chosen (预审备案's one centre), an affirmation never."""
    login_as(client, env.engine, "ent_user")
    form = client.get("/procedures/exchange.open_licence/new").text
    commitment = re.search(r'<input type="radio"[^>]*name="commitment"[^>]*>', form)
    assert commitment is not None and "checked" not in commitment.group(0), commitment


def test_catalogue_search_licence_and_record(env: WebEnv, client: TestClient) -> None:
    declaration_id = _published(env, client, number(1))
    client.cookies.clear()
    catalogue = client.get("/exchange/open-licences").text
    assert f"/exchange/open-licences/{declaration_id}" in catalogue
    # the payment schedule is a declared choice: its label in the page's language (it showed 按年支付)
    english = client.get("/exchange/open-licences", params={"lang": "en"}).text
    assert "Yearly payments" in english and "按年支付" not in english
    # the fee method as the declaration's form and case page label it (the catalogue said "royalty on net sales")
    assert "Royalty on net sales 3%" in english and ">Royalty on net sales</option>" in english
    assert f"{number(1)} · Invention</small>" in english  # the patent's kind as the other pages label it
    assert "Yearly payments" in client.get(f"/exchange/open-licences/{declaration_id}", params={"lang": "en"}).text
    assert "按年支付" in client.get("/exchange/open-licences", params={"lang": "zh"}).text
    for query, found in (("q=锂离子", True), ("q=图像处理", False), ("q=TI%3D负极", True), ("ipc=H01M", True),
                         ("ipc=H01M4", True), ("ipc=G06F", False), ("fee_method=sales_royalty", True),
                         ("fee_method=fixed", False), ("region=510107", True), ("region=510104", False)):
        page = client.get(f"/exchange/open-licences?{query}")
        assert page.status_code == 200, query
        assert (f"/exchange/open-licences/{declaration_id}" in page.text) is found, query
    # the region is chosen by name among the licences' regions (it asked for a code); a code in the address still works
    for lang, names in (("zh", ("四川省（510000）", "成都市（510100）", "武侯区（510107）")),
                        ("en", ("Sichuan (510000)", "Chengdu (510100)", "Wuhou District (510107)"))):
        form = client.get("/exchange/open-licences", params={"lang": lang}).text
        select_html = form.split('<select id="c-region" name="region">', 1)[1].split("</select>", 1)[0]
        assert all(f">{n}</option>" in select_html for n in names), (lang, select_html)
        assert '<input id="c-region"' not in form and "锦江区" not in select_html  # only where a licence lies
    for code in ("5101", "510100"):
        chosen = client.get("/exchange/open-licences", params={"region": code, "lang": "zh"}).text
        assert '<option value="510100" selected>成都市（510100）</option>' in chosen, code
        assert f"/exchange/open-licences/{declaration_id}" in chosen, code
    elsewhere = client.get("/exchange/open-licences", params={"region": "510104", "lang": "zh"}).text
    assert '<option value="510104" selected>锦江区（510104）</option>' in elsewhere  # named though no licence lies there
    assert f"/exchange/open-licences/{declaration_id}" not in elsewhere
    malformed = client.get("/exchange/open-licences?q=TI%3D(&lang=zh")  # the catalogue, the message beside the box
    assert malformed.status_code == 422 and 'id="c-q-error"' in malformed.text and "查询语法错误" in malformed.text
    assert f"/exchange/open-licences/{declaration_id}" in malformed.text
    bad = client.get("/exchange/open-licences?ipc=銀")
    assert bad.status_code == 422 and 'id="c-ipc-error"' in bad.text
    api = client.get("/api/v1/exchange/open-licences?fee_method=sales_royalty").json()
    assert api["total"] == 1 and api["items"][0]["fee"] == "按净销售额提成 3%"
    # a licence: written notice plus payment, by another enterprise (both on or after publication: today)
    from zhichan.evidence.service import utcnow
    from zhichan.legaltime import china_date

    today = china_date(utcnow()).isoformat()
    login_as(client, env.engine, "ent2_user")
    page = f"/exchange/open-licences/{declaration_id}"
    r = post(client, f"{page}/licences", {"licensee": JINJIANG_ENTERPRISE, "notice_on": today,
                                          "paid_yuan": "", "paid_on": today},
             files={"notice": ("通知.pdf", PDF), "payment_proof": ("", b"")}, page=page)
    assert r.status_code == 422
    assert 'id="l-paid_yuan-error"' in r.text and 'id="l-payment_proof-error"' in r.text
    r = post(client, f"{page}/licences", {"licensee": JINJIANG_ENTERPRISE, "notice_on": today,
                                          "paid_yuan": "12000", "paid_on": today},
             files={"notice": ("通知.pdf", PDF), "payment_proof": ("付款.pdf", PDF)}, page=page)
    assert r.status_code == 303, r.text[:1500]
    assert JINJIANG_ENTERPRISE in client.get(page).text
    client.cookies.clear()
    assert JINJIANG_ENTERPRISE not in client.get(page).text  # the public does not see who took a licence
    login_as(client, env.engine, "ent_user")
    html = client.get(page).text
    grant_id = re.search(r'action="/exchange/licences/(\d+)/record"', html).group(1)  # type: ignore[union-attr]
    r = post(client, f"/exchange/licences/{grant_id}/record", {"recorded_on": today}, page=page)
    assert r.status_code == 303
    data = client.get(f"/api/v1/exchange/open-licences/{declaration_id}").json()
    assert data["grants"][0]["recorded_on"] == today
    reduced = [y for y in data["reduction"] if y["rate"] == "0.15"]
    assert reduced and reduced[0]["due"] > today
    assert data["reduction_total"] == str(sum(int(float(y["annuity"])) for y in reduced) * 15 // 100) + ".00"
    # each year's sum in the page's language, grouped (an English page read "900 元")
    for lang, unit in (("en", "yuan"), ("zh", "元")):
        table = client.get(f"{page}?lang={lang}").text.split('id="reduction"', 1)[1].split("</tbody>", 1)[0]
        assert re.search(rf"[\d,]+ × \(1 − 15%\) = [\d,.]+ {unit}</td>", table), (lang, table)
        assert lang == "zh" or "元" not in table, table
        # the total reads with its unit as the years' sums do (it read a bare "900.00")
        total = format_money(Decimal(data["reduction_total"]), lang)
        assert total.endswith(f" {unit}") and f'id="reduction-total">{total}</td>' in client.get(f"{page}?lang={lang}").text
    # stacked on a phone, the total reads under its own name, not the 算式 column's (nor an empty 理由 line)
    foot = client.get(page).text.split('id="reduction"', 1)[1].split("</tfoot>", 1)[0].split("<tfoot>", 1)[1]
    assert 'id="reduction-total">' in foot and "data-label" not in foot, foot


def test_unpublished_declarations_and_cases_stay_with_their_party(env: WebEnv, client: TestClient) -> None:
    from zhichan.exchange.models import OpenLicence

    login_as(client, env.engine, "ent_user")
    assert declare(client, number(2)).status_code == 303
    with session_scope(env.engine) as s:
        row = s.scalar(select(OpenLicence))
        declaration_id, case_id = row.id, row.case_id
    assert client.get(f"/exchange/open-licences/{declaration_id}").status_code == 200
    for username in ("ent2_user", "jinjiang_officer"):
        login_as(client, env.engine, username)
        assert client.get(f"/exchange/open-licences/{declaration_id}").status_code == 404
        assert client.get(f"/cases/{case_id}").status_code == 404
    client.cookies.clear()
    assert client.get(f"/api/v1/exchange/open-licences/{declaration_id}").status_code == 404
    assert f"/exchange/open-licences/{declaration_id}" not in client.get("/exchange/open-licences").text


def test_listing_checks_indicators_and_bidding(env: WebEnv, client: TestClient) -> None:
    login_as(client, env.engine, "ent_user")
    assert 'id="home-listings-none"' in client.get("/enterprise").text  # its home says it has listed nothing yet
    form = "/exchange/listings/new"
    r = post(client, form, {"asset_kind": "patent", "number": number(0), "mode": "sale", "price": "abc"}, page=form)
    assert r.status_code == 422
    assert 'id="f-pledgee_consent-error"' in r.text and 'id="f-price-error"' in r.text
    r = post(client, form, {"asset_kind": "patent", "number": number(12), "mode": "ordinary", "price": ""}, page=form)
    assert r.status_code == 422 and 'id="f-number-error"' in r.text and "不是该专利的权利人" in r.text
    r = post(client, form, {"asset_kind": "patent", "number": number(3), "mode": "sale", "price": "800000",
                            "description": "成套技术转让"}, page=form)
    assert r.status_code == 303
    listing = r.headers["location"]
    assert listing in client.get("/exchange/listings?q=锂离子").text  # text through the search index
    assert listing not in client.get("/exchange/listings?q=图像处理").text
    malformed = client.get("/exchange/listings?q=TI%3D(&lang=zh")  # the listings without it, the message on the page
    assert malformed.status_code == 422 and "查询语法错误" in malformed.text and listing in malformed.text
    page = client.get(listing).text
    assert 'id="value"' in page and 'id="remaining"' in page and "800,000.00" in page
    r = post(client, f"{listing}/auctions", {"starting_price": "500000", "increment": "0", "deposit": "50000",
                                             "closes_at": "2099-01-01T10:00"}, page=listing)
    assert r.status_code == 422 and 'id="a-increment-error"' in r.text
    r = post(client, f"{listing}/auctions", {"starting_price": "500000", "increment": "10000", "deposit": "50000",
                                             "reserve": "600000", "closes_at": "2099-01-01T10:00"}, page=listing)
    assert r.status_code == 303
    auction = r.headers["location"]
    assert "<strong>网络竞价</strong>" in client.get(auction).text  # the tab of the auctions (it marked the listings')
    login_as(client, env.engine, "ent2_user")
    # what to do first, with the amount and how: the bid form once the deposit is recorded (it was shown before)
    first = client.get(auction).text
    assert 'id="deposit-first"' in first and "出价前须先缴纳保证金 50,000" in first and 'id="bid-form"' not in first
    r = post(client, f"{auction}/bids", {"amount": "500000"}, page=auction)  # a bid sent anyway: why, on that page
    assert r.status_code == 422 and 'id="b-amount-error"' in r.text and "保证金" in r.text
    assert 'id="bid-form"' not in r.text
    assert post(client, f"{auction}/deposit", {}, page=auction).status_code == 303
    paid = client.get(auction).text
    assert 'id="bid-form"' in paid and 'id="deposit-first"' not in paid and 'id="deposit-paid"' in paid
    assert post(client, f"{auction}/bids", {"amount": "500000"}, page=auction).status_code == 303
    r = post(client, f"{auction}/bids", {"amount": "505000"}, page=auction)
    assert r.status_code == 422 and "510,000 元" in r.text and "与加价幅度 10,000 元之和" in r.text  # it read "加加价幅度"
    live = client.get(f"{auction}/live").text
    assert "500,000.00" in live and "竞买人 1（你）" in live  # a bidder reads its own alias (the public's) as its own
    # its amounts say their unit, as the starting price's does (起拍价（元）): they read "当前最高价 500,000.00"
    assert ">当前最高价（元）</div>" in live and ">最低可出价（元）</div>" in live
    client.cookies.clear()
    public = client.get(f"{auction}/live").text
    assert "500,000.00" in public and JINJIANG_ENTERPRISE not in public and "竞买人 1" in public
    assert "账号登录后可出价。" in client.get(auction).text  # what signing in is for here (it said 可发布, to post)
    login_as(client, env.engine, "ent_user")
    seller = client.get(f"{auction}/live").text  # the seller reads aliases while bids are taken (it read the names)
    assert JINJIANG_ENTERPRISE not in seller and "竞买人 1" in seller
    # its own home shows the listing and its running auction (it showed only service applications)
    panel = client.get("/enterprise").text.split('id="home-listings"', 1)[1].split("</section>", 1)[0]
    assert f'href="{listing}"' in panel and f'href="{auction}"' in panel and "当前最高价（元） 500,000.00 · 出价次数 1" in panel
    english = client.get("/enterprise", params={"lang": "en"}).text
    assert "Your listings" in english and "High bid (yuan) 500,000.00 · Bids 1" in english
    client.get("/enterprise", params={"lang": "zh"})
    api = client.get(f"/api/v1/exchange{auction.removeprefix('/exchange')}").json()
    assert api["auction"]["high_bid"] == "500000.00" and "user_id" not in api["auction"]["bids"][0]
    # its moments as the list's: UTC with its zone (it gave Beijing time as +08:00 beside the list's Z)
    assert api["auction"]["closes_at"] == "2099-01-01T02:00:00Z" and api["auction"]["bids"][0]["at"].endswith("Z")
    client.cookies.clear()  # the hall's auctions are public, the hall links them
    assert 'href="/exchange/auctions"' in client.get("/exchange").text
    running = client.get("/exchange/auctions").text
    assert f'href="{auction}"' in running and 'id="auctions-running"' in running and "500,000.00" in running
    assert JINJIANG_ENTERPRISE not in running  # bidders are never named in the list
    listed = client.get("/api/v1/exchange/auctions").json()
    assert [a["id"] for a in listed["running"]] == [int(auction.rsplit("/", 1)[1])] and listed["closed"] == []
    assert listed["running"][0]["high_bid"] == "500000.00" and listed["running"][0]["bids"] == 1
    # closing at 10:00 Beijing time as typed: the page says so, the API gives the moment with its zone (02:00 UTC)
    assert "2099-01-01 10:00" in running and "2099-01-01 02:00" not in running
    assert listed["running"][0]["closes_at"] == "2099-01-01T02:00:00Z"
    # the area's officer suspends it (its bidders see why, no bid is taken) and terminates it: no one else may
    login_as(client, env.engine, "ent_user")
    assert 'id="stop-form"' not in client.get(auction).text
    stop = {"action": "suspend", "ground": "ownership_dispute", "reason": "第三人提出权属争议（合成）"}
    assert post(client, f"{auction}/stop", stop, page=auction).status_code == 403  # the seller
    login_as(client, env.engine, "jinjiang_officer")
    assert post(client, f"{auction}/stop", stop, page=auction).status_code == 403  # another district's officer
    login_as(client, env.engine, "wuhou_officer")
    form = client.get(auction).text
    assert 'id="stop-form"' in form and 'value="suspend"' in form and 'value="resume"' not in form
    refused = post(client, f"{auction}/stop", stop | {"reason": " ", "ground": ""}, page=auction)
    assert refused.status_code == 422 and 'id="s-reason-error"' in refused.text and 'id="s-ground-error"' in refused.text
    assert post(client, f"{auction}/stop", stop, page=auction).status_code == 303
    again = post(client, f"{auction}/stop", stop, page=auction)
    assert again.status_code == 409 and "已中止" in again.text
    login_as(client, env.engine, "ent2_user")
    live = client.get(f"{auction}/live").text
    assert 'id="auction-suspended"' in live and "第三人提出权属争议" in live and 'hx-get=' in live  # it may resume
    refused = post(client, f"{auction}/bids", {"amount": "600000"}, page=auction)
    assert refused.status_code == 409 and "竞价已中止，暂停缴纳保证金和出价" in refused.text and 'id="conflict"' in refused.text
    assert client.get("/api/v1/exchange/auctions").json()["running"][0]["state"] == "suspended"
    login_as(client, env.engine, "ent_user")  # its seller's home says so beside the auction
    panel = client.get("/enterprise").text.split('id="home-listings"', 1)[1].split("</section>", 1)[0]
    assert "已中止" in panel
    login_as(client, env.engine, "wuhou_officer")
    ended = {"action": "terminate", "ground": "no_right", "reason": "法院认定挂牌方无处分权（合成）"}
    assert post(client, f"{auction}/stop", ended, page=auction).status_code == 303
    told = client.get(auction).text
    assert 'id="auction-terminated"' in told and 'id="auction-stops"' in told and 'id="stop-form"' not in told
    figures = told.split('id="auction-live"', 1)[1].split("</section>", 1)[0]
    assert "最高出价" in figures and "当前最高价" not in figures  # over: its highest bid, not a "current" one
    assert JINJIANG_ENTERPRISE in told.split('id="deposits-owed"', 1)[1].split("</p>", 1)[0]  # its deposit owed back
    login_as(client, env.engine, "ent2_user")
    assert post(client, f"{auction}/bids", {"amount": "600000"}, page=auction).status_code == 409
    assert "hx-get=" not in client.get(f"{auction}/live").text  # over: the poll stops
    client.cookies.clear()
    assert 'id="deposits-owed"' in client.get(auction).text and JINJIANG_ENTERPRISE not in client.get(auction).text
    closed_list = client.get("/exchange/auctions?lang=en").text
    assert 'id="auctions-closed"' in closed_list and "Terminated (no result)" in closed_list
    # an auction that is over has no "current" high bid (当前最高价): its highest bid
    closed_zh = client.get("/exchange/auctions?lang=zh").text.split('id="auctions-closed"', 1)[1]
    assert "最高出价" in closed_zh and "当前最高价" not in closed_zh
    # the auction is over, so its seller may withdraw the listing: then it goes out of view
    login_as(client, env.engine, "ent_user")
    assert post(client, f"{listing}/withdraw", {}, page=listing).status_code == 303
    assert client.get(auction).status_code == 200  # the seller still sees it
    client.cookies.clear()
    assert client.get(auction).status_code == 404
    gone = client.get("/api/v1/exchange/auctions").json()  # nor is it listed, running or closed
    assert gone == {"running": [], "closed": []} and 'id="auctions-none"' in client.get("/exchange/auctions").text


def test_needs_and_their_scope(env: WebEnv, client: TestClient) -> None:
    login_as(client, env.engine, "ent2_user")
    form = client.get("/exchange/needs").text  # the region chosen by name among the province's (it asked for a code)
    assert '<select id="n-region" name="region">' in form and '<option value="" selected>本单位所在地区</option>' in form
    assert '<option value="510107">武侯区（510107）</option>' in form
    r = post(client, "/exchange/needs", {"title": "", "text": "需要固态电池电解质技术", "industry": "新能源",
                                         "budget": "-5", "region": "51"}, page="/exchange/needs")
    assert r.status_code == 422 and 'id="n-title-error"' in r.text and 'id="n-budget-error"' in r.text
    assert "需要固态电池电解质技术" in r.text  # kept
    # a well-formed code naming no region was kept and listed as its bare digits: refused beside the field, input kept
    r = post(client, "/exchange/needs", {"title": "固态电解质", "text": "需要固态电池电解质技术", "industry": "新能源",
                                         "budget": "2000000", "region": "999999"}, page="/exchange/needs")
    assert r.status_code == 422 and 'id="n-region-error"' in r.text and "未知的行政区划代码" in r.text
    assert 'value="固态电解质"' in r.text
    r = post(client, "/exchange/needs", {"title": "固态电解质", "text": "需要固态电池电解质技术", "industry": "新能源",
                                         "budget": "2000000", "region": ""}, page="/exchange/needs")
    assert r.status_code == 303
    from zhichan.exchange.models import Need

    with session_scope(env.engine) as s:
        need = s.scalar(select(Need))
        assert (need.region_code, str(need.budget_yuan)) == ("510104", "2000000.00")
        need_id = need.id
    client.cookies.clear()
    assert "固态电解质" in client.get("/exchange/needs").text
    login_as(client, env.engine, "ent_user")
    assert post(client, f"/exchange/needs/{need_id}/close", {}, page="/exchange/needs").status_code == 403
    login_as(client, env.engine, "ent2_user")
    assert post(client, f"/exchange/needs/{need_id}/close", {}, page="/exchange/needs").status_code == 303
    for username, sees in (("ent2_user", True), ("jinjiang", True), ("cd_leader", True), ("wuhou", False),
                           ("ent_user", False)):
        login_as(client, env.engine, username)
        assert ("固态电解质" in client.get("/exchange/needs").text) is sees, username


def test_the_needs_table_names_the_region_and_aligns_the_budget(env: WebEnv, client: TestClient) -> None:
    """A need's region is named in the page's language (not its code), under a heading that says so, and its
    budget sits right in a column whose heading is not the form's "optional"."""
    login_as(client, env.engine, "ent2_user")
    r = post(client, "/exchange/needs", {"title": "固态电解质", "text": "需要固态电池电解质技术", "industry": "新能源",
                                         "budget": "2000000", "region": ""}, page="/exchange/needs")
    assert r.status_code == 303
    for lang, region, heads in (("en", "Jinjiang District", ("Budget (yuan)", "Region")), ("zh", "锦江区", ("预算（元）", "地区"))):
        table = client.get(f"/exchange/needs?lang={lang}").text.split('id="needs"', 1)[1].split("</table>", 1)[0]
        head, body = table.split("</thead>", 1)
        assert f'<th class="num">{heads[0]}</th>' in head and f"<th>{heads[1]}</th>" in head, (lang, head)
        # (each cell labelled for a phone, where the rows stack)
        assert "510104" not in body and re.search(rf'<td data-label="{heads[1]}">{region}', body), (lang, body)
        assert re.search(r'<td class="num" data-label="[^"]+">2,000,000\.00</td>', body), body


def test_a_need_reads_in_english_where_its_poster_wrote_english(env: WebEnv, client: TestClient) -> None:
    """English pages show a need's English title and description where the poster gave them, and its industry
    under the English name of the 战略性新兴产业 category it names; Chinese pages the Chinese."""
    login_as(client, env.engine, "ent2_user")
    fields = {"title": "固态电解质", "text": "需要固态电池电解质技术", "industry": "新能源", "budget": "", "region": ""}
    too_long = post(client, "/exchange/needs", {**fields, "title_en": "x" * 301}, page="/exchange/needs")
    assert too_long.status_code == 422 and 'id="n-title_en-error"' in too_long.text
    r = post(client, "/exchange/needs", {**fields, "title_en": "Solid electrolytes",
                                         "text_en": "We need solid-state battery electrolyte technology"},
             page="/exchange/needs")
    assert r.status_code == 303
    post(client, "/exchange/needs", {**fields, "title": "只有中文的需求", "text": "只写了中文", "industry": "材料"},
         page="/exchange/needs")
    english = client.get("/exchange/needs?lang=en").text.split('id="needs"', 1)[1].split("</table>", 1)[0]
    assert "Solid electrolytes" in english and "We need solid-state battery electrolyte technology" in english
    assert "固态电解质" not in english and "需要固态电池" not in english and re.search(r'<td data-label="[^"]+">New energy</td>', english)
    assert "只有中文的需求" in english and re.search(r'<td data-label="[^"]+">材料</td>', english)  # what was written in Chinese only is data
    chinese = client.get("/exchange/needs?lang=zh").text.split('id="needs"', 1)[1].split("</table>", 1)[0]
    assert "固态电解质" in chinese and "Solid electrolytes" not in chinese and re.search(r'<td data-label="[^"]+">新能源</td>', chinese)
    # the poster is an organization: its English name on English pages (it read in Chinese)
    from sqlalchemy import update

    from zhichan.platform.models import Organization

    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.party_key == JINJIANG_ENTERPRISE)
                  .values(name_en="Jinjiang Materials Co., Ltd."))
    english = client.get("/exchange/needs?lang=en").text.split('id="needs"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td data-label=\"[^\"]+\">Jinjiang Materials Co., Ltd.</td>", english) and JINJIANG_ENTERPRISE not in english
    chinese = client.get("/exchange/needs?lang=zh").text.split('id="needs"', 1)[1].split("</table>", 1)[0]
    assert re.search(rf"<td data-label=\"[^\"]+\">{JINJIANG_ENTERPRISE}</td>", chinese) and "Jinjiang Materials" not in chinese


def test_what_is_not_public_stays_in_its_area(env: WebEnv, client: TestClient) -> None:
    """锦江区's enterprise files a declaration (not yet published), lists a patent and withdraws it, posts a
    need and closes it: no 武侯区 user — analyst, officer, administrator, enterprise — sees any of it,
    through any page or API of the exchange; 锦江区's officer and the city see all of it."""
    from zhichan.exchange.models import Listing, Need, OpenLicence

    login_as(client, env.engine, "ent2_user")
    fields = {"patentee": JINJIANG_ENTERPRISE, "term_until": "2030-12-31"}
    assert declare(client, number(13), **fields).status_code == 303
    form = "/exchange/listings/new"
    r = post(client, form, {"asset_kind": "patent", "number": number(14), "mode": "ordinary", "price": "1"}, page=form)
    assert r.status_code == 303
    listing = r.headers["location"]
    assert post(client, f"{listing}/withdraw", {}, page=listing).status_code == 303
    r = post(client, "/exchange/needs", {"title": "锦江专属需求", "text": "保密需求", "industry": "材料"},
             page="/exchange/needs")
    assert r.status_code == 303
    deal = {"patent_number": number(15), "buyer": "锦江专属受让方", "pricing_method": "协议定价",
            "trading_mode": "协议交易", "deal_kind": "转让", "price": "300000", "listing_id": ""}
    r = post(client, "/procedures/exchange.deal/new", deal, files={"extra": ("", b"")},
             page="/procedures/exchange.deal/new")
    assert r.status_code == 303, r.text[:1500]
    assert "锦江专属受让方" in client.get("/exchange/deals").text
    with session_scope(env.engine) as s:
        declaration_id = s.scalar(select(OpenLicence.id))
        listing_id = s.scalar(select(Listing.id))
        need_id = s.scalar(select(Need.id))
    assert post(client, f"/exchange/needs/{need_id}/close", {}, page="/exchange/needs").status_code == 303
    lists = ("/exchange", "/exchange/open-licences", "/api/v1/exchange/open-licences", "/exchange/listings",
             "/exchange/listings?mine=true", "/exchange/needs", "/exchange/deals")
    details = (f"/exchange/open-licences/{declaration_id}", f"/api/v1/exchange/open-licences/{declaration_id}",
               f"/exchange/listings/{listing_id}")
    for username in ("wuhou", "wuhou_officer", "wuhou_admin", "ent_user", None):
        if username:
            login_as(client, env.engine, username)
        else:
            client.cookies.clear()
        for url in lists:
            body = client.get(url).text
            assert JINJIANG_ENTERPRISE not in body and "锦江专属需求" not in body and "锦江专属受让方" not in body, \
                (username, url)
        for url in details:
            assert client.get(url).status_code == 404, (username, url)
        if username:
            assert post(client, f"/exchange/listings/{listing_id}/withdraw", {}).status_code == 404
            assert post(client, f"/exchange/needs/{need_id}/close", {}).status_code == 404
    for username in ("jinjiang_officer", "cd_leader"):
        login_as(client, env.engine, username)
        assert "锦江专属需求" in client.get("/exchange/needs").text
        assert "锦江专属受让方" in client.get("/exchange/deals").text
        assert client.get(f"/exchange/listings/{listing_id}").status_code == 200
        assert client.get(f"/exchange/open-licences/{declaration_id}").status_code == 200


@pytest.mark.one_database("the pages' language; no SQL of its own")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_both_languages(env: WebEnv, client: TestClient, lang: str) -> None:
    """No message key shows through untranslated on any exchange page, in either language."""
    declaration_id = _published(env, client, number(1))
    login_as(client, env.engine, "ent_user")
    form = "/exchange/listings/new"
    listing = post(client, form, {"asset_kind": "patent", "number": number(3), "mode": "sale", "price": ""},
                   page=form).headers["location"]
    auction = post(client, f"{listing}/auctions", {"starting_price": "1000", "increment": "100", "deposit": "100",
                                                   "closes_at": "2099-01-01T10:00"}, page=listing).headers["location"]
    for url in ("/exchange", "/exchange/open-licences", f"/exchange/open-licences/{declaration_id}",
                "/exchange/listings", form, listing, auction, f"{auction}/live", "/exchange/auctions", "/exchange/needs",
                "/exchange/deals"):
        body = client.get(f"{url}?lang={lang}").text
        assert "exchange." not in re.sub(r"<[^>]+>", "", body), (lang, url)  # a key shown is a key missing


def _auction_won_by_ent2(env: WebEnv, client: TestClient, *, losers: tuple[str, ...] = ()) -> tuple[int, str]:
    """ent_user lists patent 4 and auctions it; ent2_user pays the deposit and bids the reserve (``losers`` pay one too
    and do not bid); the close (a day after the auction's end) opens the deal case: its id and the auction's page
    (signed in as ent2_user)."""
    import datetime as dt

    from zhichan.exchange.bidding import close_due
    from zhichan.exchange.models import Auction

    login_as(client, env.engine, "ent_user")
    form = "/exchange/listings/new"
    r = post(client, form, {"asset_kind": "patent", "number": number(4), "mode": "sale", "price": ""}, page=form)
    listing = r.headers["location"]
    closes = dt.datetime.now() + dt.timedelta(days=2)  # the patent must still be in force when the deal opens
    r = post(client, f"{listing}/auctions", {"starting_price": "500000", "increment": "10000", "deposit": "50000",
                                             "reserve": "500000", "closes_at": closes.strftime("%Y-%m-%dT%H:%M")},
             page=listing)
    auction = r.headers["location"]
    for loser in losers:
        login_as(client, env.engine, loser)
        assert post(client, f"{auction}/deposit", {}, page=auction).status_code == 303
    login_as(client, env.engine, "ent2_user")
    assert post(client, f"{auction}/deposit", {}, page=auction).status_code == 303
    assert post(client, f"{auction}/bids", {"amount": "500000"}, page=auction).status_code == 303
    with session_scope(env.engine) as s:
        assert close_due(s, env.app.state.procedures, now=closes + dt.timedelta(days=1)) != []  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:
        case_id = s.scalar(select(Auction.deal_case_id))
    assert case_id is not None
    return int(case_id), auction


def test_the_winner_and_the_seller_open_the_auction_deal(env: WebEnv, client: TestClient) -> None:
    """The seller (the deal case's party) and the winning bidder (its counterparty) open the case the
    close opened; a bank, another district and anonymous callers get 404 (or the sign-in)."""
    case_id, auction = _auction_won_by_ent2(env, client)
    case = f"/cases/{case_id}"
    for user in ("ent2_user", "ent_user", "wuhou"):
        login_as(client, env.engine, user)
        assert client.get(case).status_code == 200, user
    login_as(client, env.engine, "ent2_user")
    assert f'href="{case}"' in client.get(f"{auction}/live").text  # the winner follows the link
    assert f'href="{case}"' in client.get("/exchange/deals").text
    for user in ("cd_bank", "jinjiang"):
        login_as(client, env.engine, user)
        assert client.get(case).status_code == 404, user
        assert client.get(f"/api/v1/cases/{case_id}").status_code == 404, user
    client.cookies.clear()
    assert client.get(f"/api/v1/cases/{case_id}").status_code in (401, 404)


def test_a_bidder_who_lost_is_told_its_deposit_is_owed_back(env: WebEnv, client: TestClient) -> None:
    """A sold auction tells a bidder who paid its deposit and did not win that the deposit is owed back in full (it
    said so only of a terminated auction); not the winner, nor the seller."""
    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Organization, OrgKind, Role
    from zhichan.platform.orgs import create_org
    from zhichan.web.testing import PASSWORD

    with session_scope(env.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.name == "武侯区知识产权局"))
        other = create_org(s, "武侯另一企业有限公司", OrgKind.ENTERPRISE, "510107", wuhou, party_key="武侯另一企业有限公司")
        create_user(s, username="ent3_user", password=PASSWORD, role=Role.ENTERPRISE_USER, org=other)
    _, auction = _auction_won_by_ent2(env, client, losers=("ent3_user",))
    login_as(client, env.engine, "ent3_user")
    for lang, said in (("en", "You did not win this auction: your deposit is owed back in full"),
                       ("zh", "您未竞得该标的：您缴纳的保证金应全额退还")):
        assert said in client.get(auction, params={"lang": lang}).text, lang
    for user in ("ent2_user", "ent_user"):
        login_as(client, env.engine, user)
        assert 'id="deposit-back"' not in client.get(auction).text, user


def test_a_sold_auctions_page_links_its_listing_only_for_who_sees_it(env: WebEnv, client: TestClient) -> None:
    """A sold listing's page is its owner's and the bureau's (others get 404): its auction's page names it, linked only
    for them (the link led a bidder and the public to "no listing")."""
    _, auction = _auction_won_by_ent2(env, client)
    page = client.get(auction).text  # the winner
    listing = re.search(r'<h1>.*?</h1>', page, re.S)
    assert listing and "/exchange/listings/" not in listing.group(0), listing
    for user in ("ent_user", "wuhou"):  # the seller, its district's bureau
        login_as(client, env.engine, user)
        link = re.search(r'<h1>.*?href="(/exchange/listings/\d+)".*?</h1>', client.get(auction).text, re.S)
        assert link and client.get(link.group(1)).status_code == 200, user


def test_a_buyer_on_the_platform_opens_the_deal_registered_by_hand(env: WebEnv, client: TestClient) -> None:
    """The seller registers a deal naming its buyer by name: an enterprise on the platform (another spelling
    of its name: spaces, 有限责任公司 for 有限公司) becomes the case's counterparty, so its user opens the case
    and finds the deal; another enterprise, another district and a bank get 404. A buyer not on the
    platform stays a name (no counterparty)."""
    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Organization, OrgKind, Role
    from zhichan.platform.orgs import create_org
    from zhichan.procedures.models import Case
    from zhichan.web.testing import PASSWORD

    with session_scope(env.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.name == "武侯区知识产权局"))
        other = create_org(s, "武侯另一企业有限公司", OrgKind.ENTERPRISE, "510107", wuhou, party_key="武侯另一企业有限公司")
        create_user(s, username="ent3_user", password=PASSWORD, role=Role.ENTERPRISE_USER, org=other)
    login_as(client, env.engine, "ent_user")
    form = "/procedures/exchange.deal/new"
    cases = []
    for patent, buyer in ((number(5), " 锦江独有材料 有限责任公司"), (number(6), "平台外受让方有限公司")):
        deal = {"patent_number": patent, "buyer": buyer, "pricing_method": "协议定价", "trading_mode": "协议交易",
                "deal_kind": "转让", "price": "300000", "listing_id": ""}
        r = post(client, form, deal, files={"extra": ("", b"")}, page=form)
        assert r.status_code == 303, r.text[:1500]
        cases.append(int(r.headers["location"].rsplit("/", 1)[1]))
    with session_scope(env.engine) as s:
        ent2 = s.scalar(select(Organization.id).where(Organization.name == JINJIANG_ENTERPRISE))
        assert [s.get(Case, c).counterparty_org_id for c in cases] == [ent2, None]  # type: ignore[union-attr]
    case = f"/cases/{cases[0]}"
    for user in ("ent2_user", "ent_user", "wuhou"):
        login_as(client, env.engine, user)
        assert client.get(case).status_code == 200, user
        assert client.get(f"/api/v1/cases/{cases[0]}").status_code == 200, user
    login_as(client, env.engine, "ent2_user")
    deals = client.get("/exchange/deals").text
    assert f'href="{case}"' in deals and f'href="/cases/{cases[1]}"' not in deals
    # the kind of deal is a declared choice: its label in the page's language (English pages showed 转让)
    english = client.get("/exchange/deals", params={"lang": "en"}).text.split('<table', 1)[1]
    assert "转让" not in english and "Assignment" in english, english[:1500]
    client.get("/exchange/deals", params={"lang": "zh"})
    assert client.get(f"/cases/{cases[1]}").status_code == 404
    for user in ("ent3_user", "jinjiang", "jinjiang_officer", "cd_bank"):
        login_as(client, env.engine, user)
        assert client.get(case).status_code == 404, user
        assert client.get(f"/api/v1/cases/{cases[0]}").status_code == 404, user
        assert f'href="{case}"' not in client.get("/exchange/deals").text, user


def _cells(html: str, column: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(rf'<td class="col-{column}"[^>]*>(.*?)</td>', html, re.S)]


@pytest.mark.one_database("labels on the page; the export from PostgreSQL is read in test_figures.py")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_drill_down_records_show_coded_values_by_their_labels(env: WebEnv, client: TestClient, lang: str) -> None:
    """The records page shows a listing's kind, mode and state and a deal's pricing method, trading mode
    and kind by their labels in the page's language; the JSON API and the CSV export carry the codes."""
    from tests.procedures.helpers import pdf
    from zhichan.figures import export_workflow
    from zhichan.legaltime import china_date
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    today = china_date(dt.datetime.now(dt.UTC)).isoformat()
    login_as(client, env.engine, "ent_user")
    form = "/exchange/listings/new"
    r = post(client, form, {"asset_kind": "patent", "number": number(7), "mode": "exclusive", "price": "1"}, page=form)
    assert r.status_code == 303, r.text[:1500]
    form = "/procedures/exchange.deal/new"
    deal = {"patent_number": number(8), "buyer": "平台外受让方有限公司", "pricing_method": "协议定价",
            "trading_mode": "协议交易", "deal_kind": "独占许可", "price": "300000", "listing_id": ""}
    r = post(client, form, deal, files={"extra": ("", b"")}, page=form)
    assert r.status_code == 303, r.text[:1500]
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    procedures = env.app.state.procedures  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:
        seller = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))  # type: ignore[arg-type]
        procedures.act(s, seller, case_id, "sign", version=1, fields={"contract_on": today, "contract_price": "300000"},
                       uploads=(pdf("doc0", "合同.pdf"),))
    export_workflow(env.engine, procedures.registry, env.settings.data_dir)
    login_as(client, env.engine, "wuhou")
    base = "/regions/510107/indicators/{}/records?as_of=" + today
    expected = {"zh": {"pricing_method": "协议定价", "trading_mode": "协议交易", "deal_kind": "独占许可",
                       "asset_kind": "专利", "mode": "独占许可", "state": "挂牌中"},
                "en": {"pricing_method": "Negotiated price", "trading_mode": "Negotiated deal",
                       "deal_kind": "Exclusive licence", "asset_kind": "Patent", "mode": "Exclusive licence",
                       "state": "Listed"}}[lang]
    page = client.get(base.format("exchange_deals_contracted") + f"&lang={lang}")
    assert page.status_code == 200, page.text[:1500]
    for column in ("pricing_method", "trading_mode", "deal_kind"):
        assert _cells(page.text, column) == [expected[column]], column
    page = client.get(base.format("exchange_listings_posted") + f"&lang={lang}")
    for column in ("asset_kind", "mode", "state"):
        assert _cells(page.text, column) == [expected[column]], column
    api = client.get(base.replace("/regions", "/api/v1/regions").format("exchange_deals_contracted") + f"&lang={lang}")
    assert [(r["pricing_method"], r["deal_kind"]) for r in api.json()["records"]] == [("协议定价", "独占许可")]
    listing = client.get(base.replace("/regions", "/api/v1/regions").format("exchange_listings_posted")).json()
    assert [(r["asset_kind"], r["mode"], r["state"]) for r in listing["records"]] == [("patent", "exclusive", "active")]
    csv = client.get(base.replace("records?", "records.csv?").format("exchange_listings_posted") + f"&lang={lang}")
    # the file reads like the page (the JSON keeps the codes)
    assert csv.status_code == 200 and f",{expected['mode']},{expected['state']}," in csv.text, csv.text
    assert ",exclusive,active," not in csv.text


@pytest.mark.one_database("the page's pager; the listing search's SQL runs on PostgreSQL in test_listing_search.py")
def test_listing_search_pages_and_its_total(env: WebEnv, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The listing search in pages: a broad query (the walk stops once the page is full) shows its total as an
    estimate, 约 N, and links the next page, which continues where the first stopped; a narrow one (every match
    seen) its exact total, without 约; the English page says "about"."""
    from sqlalchemy import insert

    from zhichan.exchange import listings
    from zhichan.exchange.models import Listing
    from zhichan.platform.models import Organization
    from zhichan.web.testing import WUHOU_ENTERPRISE

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        org = s.scalars(select(Organization).where(Organization.name == WUHOU_ENTERPRISE)).one()
        rows = [{"asset_kind": "patent", "asset_number": number(i % 12), "title": f"挂牌{n}（合成）", "mode": mode,
                 "price_yuan": None, "description": "", "owner": org.name, "ipc": "", "asset_region": "510107",
                 "pledgee_consent": False, "state": "active", "org_id": org.id, "org_path": org.path,
                 "party_key": org.party_key, "user_id": None, "synthetic": True,
                 "created_at": dt.datetime(2026, 11, 1) + dt.timedelta(minutes=n)}
                for n, (i, mode) in enumerate((i, mode) for i in range(12) for mode in ("sale", "ordinary", "equity"))]
        s.execute(insert(Listing), rows)
    monkeypatch.setattr(listings, "PAGE_SIZE", 5)
    monkeypatch.setattr(listings, "SCAN_PAGE", 8)  # the first walk fills the page: the total is estimated
    monkeypatch.setattr(listings, "ESTIMATE_SAMPLE", 4)  # from 4 of the hits (the 12 listed patents, 3 listings each)
    first = client.get("/exchange/listings", params={"q": "锂离子电池"})
    assert first.status_code == 200
    total = re.search(r'<p class="muted" id="listings-total"([^>]*)>([^<]*)</p>', first.text)
    assert total and 'data-estimated="true"' in total.group(1), first.text[:3000]
    assert re.fullmatch(r"约 \d+ 条", total.group(2)), total.group(2)  # 36 in fact; the sample's hits decide
    assert first.text.count('href="/exchange/listings/') == 5 and "挂牌35（合成）" in first.text
    following = re.search(r'id="listings-next" rel="next" href="(\?[^"]*)"', first.text)
    assert following and "q=%E9%94%82" in following.group(1) and "page=2" in following.group(1)
    assert 'data-page="' not in first.text  # an estimated total: no page numbers
    second = client.get("/exchange/listings" + following.group(1).replace("&amp;", "&"))
    assert "挂牌30（合成）" in second.text and "挂牌35（合成）" not in second.text and 'id="listings-previous"' in second.text
    narrow = client.get("/exchange/listings", params={"q": "锂离子电池负极材料3"})  # one patent, every match seen
    assert re.search(r'id="listings-total">共 3 条<', narrow.text) and "约" not in narrow.text.split('id="listings-total"')[1][:40]
    english = client.get("/exchange/listings", params={"q": "锂离子电池", "lang": "en"})
    assert re.search(r'id="listings-total"[^>]*>About \d+ in total<', english.text)


def test_a_deal_price_is_parsed_as_money_and_shown_grouped_with_its_unit(env: WebEnv, client: TestClient) -> None:
    """A declared money field: typed with separators or full-width digits, refused beside the field when it is
    not an amount (in the page's language: its Chinese half on a Chinese page, the typed text kept), stored as the
    exact decimal the API gives, and shown on the case page grouped with its unit in both languages."""
    login_as(client, env.engine, "ent_user")
    form = "/procedures/exchange.deal/new"
    deal = {"patent_number": number(7), "buyer": "平台外受让方有限公司", "pricing_method": "协议定价",
            "trading_mode": "协议交易", "deal_kind": "转让", "listing_id": ""}
    for bad, why in (("二十五万", "应为金额（元）"), ("-5", "应大于 0"), ("1.234", "最多 2 位小数")):
        r = post(client, form, {**deal, "price": bad}, files={"extra": ("", b"")}, page=form)
        assert r.status_code == 422, r.text[:1500]
        error = re.search(r'id="start-price-error">([^<]*)<', r.text)
        assert error and error.group(1).startswith(f"“拟交易价格”{why}") and " / " not in error.group(1), r.text[:3000]
        assert f'value="{bad}"' in r.text
    r = post(client, form, {**deal, "price": "２５,６１０,０００"}, files={"extra": ("", b"")}, page=form)
    assert r.status_code == 303, r.text[:1500]
    case = r.headers["location"]
    case_id = int(case.rsplit("/", 1)[1])
    assert {"label": "Proposed price", "value": "25610000", "shown": "25,610,000 yuan"} in client.get(
        f"/api/v1/cases/{case_id}", params={"lang": "en"}).json()["filing"]
    assert "<dd>25,610,000 元</dd>" in client.get(case, params={"lang": "zh"}).text
    english = client.get(case, params={"lang": "en"}).text
    assert "<dd>25,610,000 yuan</dd>" in english and "25610000" not in english
    # a declared choice reads in the page's language too (the API keeps the stored value)
    assert "<dd>Negotiated price</dd>" in english and "协议定价" not in english
    # the next step's money field says its unit beside the input
    assert re.search(r'id="sign-contract_price"[^>]*inputmode="decimal"[^>]*>\s*<span class="muted" '
                     r'id="sign-contract_price-unit">yuan</span>', english), english


@pytest.mark.one_database("the hall's text by role; no SQL of its own")
def test_the_hall_asks_for_an_enterprise_account_only_of_those_without_one(env: WebEnv, client: TestClient) -> None:
    def intros(lang: str = "zh") -> str:
        pages = [client.get(url, params={"lang": lang}).text for url in ("/exchange", "/exchange/auctions")]
        return " | ".join(re.findall(r'id="(?:hall|auctions)-intro">([^<]*)<', "".join(pages)))

    login_as(client, env.engine, "ent_user")  # signed in with an enterprise account: nothing to ask
    shown = intros()
    assert shown.count("公开可查") == 2 and "创新主体" not in shown and "登录" not in shown, shown
    english = intros("en")
    assert "are public" in english and "account" not in english, english
    login_as(client, env.engine, "wuhou_officer")  # an officer may not post: the hall says who may
    assert intros().count("须以创新主体") == 2 and intros("en").count("account") == 2
    client.cookies.clear()  # anonymous: the invitation to sign in
    assert "以企业、高校或科研机构账号登录后可发布" in client.get("/exchange", params={"lang": "zh"}).text


def test_a_listings_owner_reads_in_the_pages_language(env: WebEnv, client: TestClient) -> None:
    """English listing, auction and hall pages named the owner by its Chinese name although its organization has an
    English one (the demo university's listing): the owner is an organization, shown through ``org_name``."""
    from sqlalchemy import update

    from zhichan.platform.models import Organization
    from zhichan.web.testing import WUHOU_ENTERPRISE

    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.party_key == WUHOU_ENTERPRISE)
                  .values(name_en="Chengdu Example Technology Co., Ltd."))
    login_as(client, env.engine, "ent_user")
    form = "/exchange/listings/new"
    r = post(client, form, {"asset_kind": "patent", "number": number(3), "mode": "sale", "price": "800000"}, page=form)
    assert r.status_code == 303
    listing = r.headers["location"]
    r = post(client, f"{listing}/auctions", {"starting_price": "500000", "increment": "10000", "deposit": "50000",
                                             "closes_at": "2099-01-01T10:00"}, page=listing)
    assert r.status_code == 303
    auction = r.headers["location"]
    client.cookies.clear()
    for url in ("/exchange/listings", listing, "/exchange/auctions", auction):
        english, chinese = client.get(f"{url}?lang=en").text, client.get(f"{url}?lang=zh").text
        assert "Chengdu Example Technology Co., Ltd." in english and WUHOU_ENTERPRISE not in english, url
        assert WUHOU_ENTERPRISE in chinese and "Chengdu Example" not in chinese, url


@pytest.mark.one_database("a listing's page and form; its row is written on both in test_listing_checks_indicators_and_bidding")
def test_a_listings_description_reads_in_the_pages_language(env: WebEnv, client: TestClient) -> None:
    """A listing's description had no English column (the README names it among the texts shown in the page's
    language): the form takes one, optional; English pages show it, Chinese pages the Chinese; a description given in
    one language only is shown as given on either page; a text too long is refused beside its field, the input kept."""
    login_as(client, env.engine, "ent_user")
    form = "/exchange/listings/new"
    base = {"asset_kind": "patent", "mode": "sale", "price": "800000"}
    assert 'name="description_en"' in client.get(form).text
    r = post(client, form, {**base, "number": number(3), "description": "锂电池负极技术转让",
                            "description_en": "x" * 5001}, page=form)
    assert r.status_code == 422 and 'id="f-description_en-error"' in r.text and "锂电池负极技术转让" in r.text
    r = post(client, form, {**base, "number": number(3), "description": "锂电池负极技术转让",
                            "description_en": "Transfer of an anode technology for lithium batteries"}, page=form)
    assert r.status_code == 303, r.text[:2000]
    both = r.headers["location"]
    r = post(client, form, {**base, "number": number(3), "mode": "ordinary",
                            "description_en": "An ordinary licence of the anode patent"}, page=form)
    assert r.status_code == 303, r.text[:2000]
    english_only = r.headers["location"]
    client.cookies.clear()
    english, chinese = client.get(f"{both}?lang=en").text, client.get(f"{both}?lang=zh").text
    assert "Transfer of an anode technology for lithium batteries" in english and "锂电池负极技术转让" not in english
    assert "锂电池负极技术转让" in chinese and "Transfer of an anode" not in chinese
    for lang in ("en", "zh"):
        assert "An ordinary licence of the anode patent" in client.get(f"{english_only}?lang={lang}").text


def test_an_open_licences_patentee_reads_in_english_with_its_legal_name(env: WebEnv, client: TestClient) -> None:
    """The English catalogue and declaration named the patentee in Chinese although the organization bound to it has
    an English name (the demo's open licences): it reads in English with the legal name below; a co-owned patent's
    list of patentees would stay as written (only a sole patentee that is the organization's party is named)."""
    from sqlalchemy import update

    from zhichan.platform.models import Organization
    from zhichan.web.testing import WUHOU_ENTERPRISE

    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.party_key == WUHOU_ENTERPRISE)
                  .values(name_en="Chengdu Example Technology Co., Ltd."))
    declaration_id = _published(env, client, number(1))
    client.cookies.clear()
    for url in ("/exchange/open-licences", f"/exchange/open-licences/{declaration_id}"):
        english = client.get(url, params={"lang": "en"}).text
        assert f'Chengdu Example Technology Co., Ltd.<span class="legal-name muted small" lang="zh-CN">' \
               f'{WUHOU_ENTERPRISE}</span>' in english, url
        chinese = client.get(url, params={"lang": "zh"}).text
        assert WUHOU_ENTERPRISE in chinese and "Chengdu Example" not in chinese, url


@pytest.mark.one_database("who reads the names: the rule's SQL-free check runs on both in test_auction_stops.py")
def test_the_bidders_are_named_to_the_operator_on_the_page_its_live_part_and_the_api(env: WebEnv,
                                                                                    client: TestClient) -> None:
    """The district's officer (the exchange's operator for the listing's area) reads the bidder by name on the auction's
    page, its live part and its JSON; the district's analyst — bureau staff that runs no auction — and another
    district's officer read 竞买人 1 as the public does (the analyst read the name before)."""
    _, auction = _auction_won_by_ent2(env, client)
    auction_id = auction.rsplit("/", 1)[1]
    for who, named in (("wuhou_officer", True), ("wuhou", False), ("jinjiang_officer", False)):
        login_as(client, env.engine, who)
        api = client.get(f"/api/v1/exchange/auctions/{auction_id}").json()["auction"]
        assert api["bidders_named"] is named and (api["bids"][0]["bidder"] == JINJIANG_ENTERPRISE) is named, who
        for url in (auction, f"{auction}/live"):
            text = client.get(url).text
            assert (JINJIANG_ENTERPRISE in text) is named and "竞买人 1" in text, (who, url)


def test_deal_parties_bidders_and_licensees_read_in_english(env: WebEnv, client: TestClient) -> None:
    """English pages showed the exchange's stored party names as written although each names an organization with an
    English name (the demo's deal, bidders and licensee): the deals list, the auction's bids (the seller sees them),
    the deal case's buyer and an open licence's licensee now read in English; Chinese pages keep the legal names."""
    from sqlalchemy import update

    from zhichan.evidence.service import utcnow
    from zhichan.legaltime import china_date
    from zhichan.platform.models import Organization
    from zhichan.web.testing import WUHOU_ENTERPRISE

    english_names = {WUHOU_ENTERPRISE: "Chengdu Example Technology Co., Ltd.",
                     JINJIANG_ENTERPRISE: "Jinjiang Example Materials Co., Ltd."}
    with session_scope(env.engine) as s:
        for name, name_en in english_names.items():
            s.execute(update(Organization).where(Organization.party_key == name).values(name_en=name_en))
    # an auction ent2_user wins: the bid, the deal, its case
    case_id, auction = _auction_won_by_ent2(env, client)
    # and an open licence ent2_user takes
    declaration_id = _published(env, client, number(1))
    today = china_date(utcnow()).isoformat()  # the licence's day in Beijing, as the platform dates it (after 16:00 UTC
    # the machine's date is the day before: a notice dated before the licence's publication is refused)
    login_as(client, env.engine, "ent2_user")
    page = f"/exchange/open-licences/{declaration_id}"
    r = post(client, f"{page}/licences", {"licensee": JINJIANG_ENTERPRISE, "notice_on": today, "paid_yuan": "12000",
                                          "paid_on": today},
             files={"notice": ("通知.pdf", PDF), "payment_proof": ("付款.pdf", PDF)}, page=page)
    assert r.status_code == 303, r.text[:1500]

    def main(url: str, lang: str) -> str:
        return client.get(url, params={"lang": lang}).text.split("<main>", 1)[-1]  # a fragment has none

    login_as(client, env.engine, "ent_user")  # the seller and the patentee: sees the bidder and the licensee
    for url, names in (("/exchange/deals", (WUHOU_ENTERPRISE, JINJIANG_ENTERPRISE)), (f"{auction}/live", (JINJIANG_ENTERPRISE,)),
                       (auction, (JINJIANG_ENTERPRISE,)), (f"/cases/{case_id}", (JINJIANG_ENTERPRISE,)),
                       (page, (JINJIANG_ENTERPRISE,))):
        english, chinese = main(url, "en"), main(url, "zh")
        for name in names:
            assert english_names[name] in english, (url, name)
            assert name in chinese and english_names[name] not in chinese, (url, name)
        # the legal names stay only where a page shows them beside the English one (the open licence's patentee)
        if url != page:
            assert not any(name in english.split("</h1>", 1)[-1] for name in names), url
    client.cookies.clear()  # the public sees the bidder masked, in the page's language
    live = main(f"{auction}/live", "en")
    assert "Bidder 1" in live and english_names[JINJIANG_ENTERPRISE] not in live


def test_a_deals_title_names_the_buyer_and_the_pricing_in_the_pages_language(env: WebEnv, client: TestClient) -> None:
    """A deal case's title was stored in Chinese (the buyer's name and 网络竞价) and English pages showed it so: it
    reads the patent, the buyer by its English name and the pricing method by its label; the stored title is kept."""
    from sqlalchemy import update

    from zhichan.platform.models import Organization
    from zhichan.procedures.models import Case

    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.name == JINJIANG_ENTERPRISE)
                  .values(name_en="Jinjiang Materials Co., Ltd."))
    case_id, _ = _auction_won_by_ent2(env, client)
    titles = {lang: client.get(f"/api/v1/cases/{case_id}", params={"lang": lang}).json()["case"]["title"]
              for lang in ("zh", "en")}
    assert titles["en"] == f"{number(4)} · Jinjiang Materials Co., Ltd. · Online auction", titles
    assert titles["zh"] == f"{number(4)} · {JINJIANG_ENTERPRISE} · 网络竞价", titles
    assert titles["en"] in client.get(f"/cases/{case_id}", params={"lang": "en"}).text
    with session_scope(env.engine) as s:
        assert "网络竞价" in (s.scalar(select(Case.title).where(Case.id == case_id)) or "")


@pytest.mark.one_database("the listing page's words; the listing's SQL runs on PostgreSQL in test_listing_checks_indicators_and_bidding")
def test_a_listings_term_says_where_it_includes_a_compensation_or_is_unknown(env: WebEnv, client: TestClient) -> None:
    """The listing showed the term's end as a bare date where it included a registered term compensation (专利法
    第四十二条第二款), and where the compensation cannot be read the term is unknown: the page says which, as the
    pledge checks do (含专利权期限补偿 / 期限不明), with the statutory end. The shared web world has no compensated
    patent (its figures are pinned): this test's own corpus adds two to it."""
    from zhichan.corpus.testing import build_snapshot, event, patent
    from zhichan.web.testing import WUHOU_ENTERPRISE, _patents

    compensated = patent(serial=700, title="一种补偿期限的电池隔膜", application_date="2019-03-01", grant_date="2022-05-01",
                         region_code="510107", applicants=[WUHOU_ENTERPRISE], synthetic=True)
    unreadable = patent(serial=701, title="一种补偿期限不明的电池隔膜", application_date="2019-04-01",
                        grant_date="2022-06-01", region_code="510107", applicants=[WUHOU_ENTERPRISE], synthetic=True)
    c, u = compensated["application_number"], unreadable["application_number"]
    build_snapshot(env.settings.data_dir, patents=[*_patents(), compensated, unreadable], events=[
        event(c, "legal_status_change", "2022-08-01", detail="专利权期限补偿，补偿天数：200天"),
        event(u, "legal_status_change", "2022-08-01", detail="专利权期限补偿")])
    login_as(client, env.engine, "ent_user")
    form = "/exchange/listings/new"
    listings = {}
    for key, asset in (("compensated", c), ("unknown", u), ("plain", number(3))):
        r = post(client, form, {"asset_kind": "patent", "number": asset, "mode": "sale", "price": "800000"}, page=form)
        assert r.status_code == 303, r.text[:2000]
        listings[key] = r.headers["location"]
    for lang, comp_words, unknown_words in (("zh", ("期限届满日 2039-09-16", "含专利权期限补偿", "法定期限于 2039-02-28 届满"),
                                                 ("期限不明", "法定期限于 2039-03-31 届满")),
                                            ("en", ("term ends 2039-09-16", "including a term compensation",
                                                    "the statutory term ends on 2039-02-28"),
                                                 ("term unknown", "the statutory term ends on 2039-03-31"))):
        cells = {key: re.search(r'<dd id="remaining">(.*?)</dd>', client.get(f"{url}?lang={lang}").text, re.S)
                 for key, url in listings.items()}
        assert all(cells.values()), cells
        text = {key: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell.group(1))) for key, cell in cells.items() if cell}
        assert all(w in text["compensated"] for w in comp_words), text["compensated"]
        assert re.match(r"[0-9]+\.[0-9] ", text["compensated"]) and 'id="term-compensated"' in cells["compensated"].group(1)
        assert text["unknown"].startswith("—") and all(w in text["unknown"] for w in unknown_words), text["unknown"]
        assert "补偿" not in text["plain"] and "compensation" not in text["plain"] and "term-" not in cells["plain"].group(1)


def test_a_utility_models_listing_says_the_high_value_criteria_do_not_apply(env: WebEnv, client: TestClient) -> None:
    """高价值发明专利 is an invention's measure: a utility model's listing says "not applicable", not "none met"."""
    login_as(client, env.engine, "ent_user")
    form = "/exchange/listings/new"
    made = {}
    for i in (18, 4):  # a utility model, an invention
        r = post(client, form, {"asset_kind": "patent", "number": number(i), "mode": "sale", "price": "100000"}, page=form)
        assert r.status_code == 303, r.text[-2000:]
        made[i] = r.headers["location"]
    for lang, words in (("zh", "不适用（仅限发明专利）"), ("en", "Not applicable (inventions only)")):
        shown = client.get(made[18], params={"lang": lang}).text.split('id="high-value">', 1)[1].split("</dd>", 1)[0]
        assert words in shown and 'id="high-value-na"' in shown, shown
        invention = client.get(made[4], params={"lang": lang}).text
        assert 'id="high-value-na"' not in invention and 'id="high-value">' in invention


@pytest.mark.one_database("pages of what test_open_licence.py checks on both databases (the pledges, the register)")
def test_an_open_licensed_patents_sale_is_warned_of_and_its_declaration_shows_its_pledge(
        env: WebEnv, client: TestClient) -> None:
    """开放许可实施指南 §9 (RULES.md M4 [P]): the declaration is withdrawn before the patent is assigned — a sale listing
    and its auction said nothing of it (the registration is what waits, deals.holds); and a pledge needs the pledgee's
    consent to the licence continuing — the declaration's page did not show the pledge on the patent."""
    from zhichan.exchange.models import OpenLicence

    pledged = _published(env, client, number(0), pledgee_consent="已取得质权人书面同意")
    login_as(client, env.engine, "ent_user")
    for lang, said, notice in (("zh", "某银行", "该专利已质押：开放许可的继续实施须经质权人同意"),
                               ("en", "某银行", "The patent is pledged: the open licence continues only with")):
        page = client.get(f"/exchange/open-licences/{pledged}", params={"lang": lang}).text
        shown = page.split('id="pledges">', 1)[1].split("</dd>", 1)[0]
        assert said in shown and 'id="pledged-notice"' in page and notice in page
    plain = _published(env, client, number(2))
    assert 'id="pledged-notice"' not in client.get(f"/exchange/open-licences/{plain}", params={"lang": "zh"}).text
    login_as(client, env.engine, "ent_user")
    form = "/exchange/listings/new"
    listings = {}
    for mode in ("sale", "ordinary"):
        r = post(client, form, {"asset_kind": "patent", "number": number(2), "mode": mode, "price": "800000",
                                "description": ""}, page=form)
        assert r.status_code == 303, r.text[:2000]
        listings[mode] = r.headers["location"]
    assert 'id="open-licence-warning"' not in client.get(listings["ordinary"]).text  # a licence: nothing to withdraw
    sale = client.get(listings["sale"]).text
    assert 'id="open-licence-warning"' in sale and "转让或作价入股前，专利权人须先撤回开放许可声明" in sale
    # the patentee is linked to the declaration's case, where the withdrawal is a step; a visitor to the declaration
    with session_scope(env.engine) as s:
        declaration_case = s.scalar(select(OpenLicence.case_id).where(OpenLicence.id == plain))
    assert f'href="/cases/{declaration_case}" id="open-licence-case"' in sale
    # a deal assigning the patent says so from its intent (the registration is what waits: deals.holds), not only once
    # contracted — linking the same case
    deal = {"patent_number": number(2), "buyer": "某受让企业", "pricing_method": "评估定价", "trading_mode": "协议交易",
            "deal_kind": "转让", "price": "800000", "listing_id": "", "pledgee_consent": "否"}
    r = post(client, "/procedures/exchange.deal/new", deal, files={"extra": ("", b"")}, page="/procedures/exchange.deal/new")
    assert r.status_code == 303, r.text[:1500]
    for lang, words in (("zh", "转让或作价入股前，专利权人须先撤回开放许可声明"), ("en", "withdraws the declaration before assigning")):
        intent = client.get(r.headers["location"], params={"lang": lang}).text
        assert 'id="open-licence-warning"' in intent and words in intent, intent[-3000:]
        assert f'href="/cases/{declaration_case}" id="open-licence-case"' in intent
    with env.client() as visitor:
        public = visitor.get(listings["sale"]).text
    assert 'id="open-licence-warning"' in public and f'href="/exchange/open-licences/{plain}"' in public
    r = post(client, f"{listings['sale']}/auctions", {"starting_price": "500000", "increment": "10000",
                                                      "deposit": "50000", "closes_at": "2099-01-01T10:00"},
             page=listings["sale"])
    assert r.status_code == 303
    english = client.get(r.headers["location"], params={"lang": "en"}).text
    assert 'id="open-licence-warning"' in english and "withdraws the declaration before assigning the patent" in english
    client.get("/exchange", params={"lang": "zh"})


@pytest.mark.one_database("a page's badge; the listing's flag is written and read on both databases in test_demo.py")
def test_a_synthetic_listings_auction_page_says_so(env: WebEnv, client: TestClient) -> None:
    """A demo listing is synthetic, and its page and the auctions list carry the badge; its auction's page — where the
    public watches the bids — carried none, so the demo's bids read as real ones."""
    from zhichan.exchange.models import Listing

    login_as(client, env.engine, "ent_user")
    form = "/exchange/listings/new"
    listing = post(client, form, {"asset_kind": "patent", "number": number(4), "mode": "sale", "price": ""},
                   page=form).headers["location"]
    closes = dt.datetime.now() + dt.timedelta(days=2)
    auction = post(client, f"{listing}/auctions", {"starting_price": "500000", "increment": "10000", "deposit": "50000",
                                                   "reserve": "", "closes_at": closes.strftime("%Y-%m-%dT%H:%M")},
                   page=listing).headers["location"]
    public = env.client()
    with session_scope(env.engine) as s:  # a listing of a real patent (the test corpus's are synthetic): no badge
        s.execute(Listing.__table__.update().values(synthetic=False))
    assert 'id="auction-synthetic"' not in public.get(auction).text
    with session_scope(env.engine) as s:
        s.execute(Listing.__table__.update().values(synthetic=True))  # a synthetic patent's, as the demo's listings
    for lang, word in (("zh", "合成数据"), ("en", "Synthetic data")):
        page = public.get(auction, params={"lang": lang}).text
        heading = re.search(r"<h1>.*?</h1>", page, re.S)
        assert heading and 'id="auction-synthetic"' in heading.group(0) and word in heading.group(0), lang
