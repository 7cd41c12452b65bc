"""The fund pages through the app: a city's own fund declared in its local folder, deposit, enrolment
refused beside the field then accepted, a claim with its arithmetic shown, approval, payout; a district
outside the fund's area does not find it; the ledger page says it is balanced."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from zhichan.finance.funds import load_funds
from zhichan.finance.models import LedgerEntry, Loan
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind
from zhichan.settings import Settings, get_settings
from zhichan.web.testing import WebEnv, csrf_from, login_as, make_env

CHENGDU_FUND = """
code: chengdu
jurisdiction: "510100"
title: {zh: 成都市知识产权质押融资风险补偿（测试）, en: Chengdu test fund}
started_on: 2025-01-01
participants:
  - {key: fund, zh: 风险补偿资金, en: Fund, share: 1, pool: true}
  - {key: bank, zh: 贷款银行, en: Bank, share: 1, residual: true}
eligibility: {max_loan: "5000000", min_ip_share: "0.5"}
"""
#: 17:00 UTC on 31 March 2026 = 01:00 on 1 April in Beijing
UTC_EVENING = dt.datetime(2026, 3, 31, 17, 0)


@pytest.fixture
def env(settings: Settings, web_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebEnv]:
    folder = tmp_path / "funds"
    folder.mkdir()
    (folder / "chengdu.yaml").write_text(CHENGDU_FUND, "utf-8")
    monkeypatch.setenv("ZHICHAN_FINANCE_FUND_DIR", str(folder))
    get_settings.cache_clear()
    load_funds.cache_clear()
    web = make_env(get_settings(), web_template, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]
    load_funds.cache_clear()


def test_fund_pages(env: WebEnv, artifacts_dir: Path) -> None:
    with env.client() as client:
        login_as(client, env.engine, "wuhou_officer")  # type: ignore[arg-type]
        assert "chengdu" not in client.get("/finance/funds").text  # the fund's area is the city, not the district
        for lang, text in (("en", "No risk-compensation fund in your area: funds are declared per jurisdiction"),
                           ("zh", "本辖区没有风险补偿资金：资金按辖区以 YAML 文件声明")):  # zh last: the cookie keeps it
            page = client.get("/finance/funds", params={"lang": lang}).text  # why, and how a bureau gets one
            assert page.split('id="funds-empty" data-empty="none">')[1].startswith(text) and "ZHICHAN_FINANCE_FUND_DIR" in page
        assert client.get("/finance/funds/chengdu").status_code == 404
        login_as(client, env.engine, "ent_user")  # type: ignore[arg-type]
        assert client.get("/finance/funds").status_code == 403
        login_as(client, env.engine, "cd_leader")  # type: ignore[arg-type]
        page = client.get("/finance/funds").text
        assert "/finance/funds/chengdu" in page and "/finance/funds/chongqing" not in page
        token = csrf_from(client.get("/finance/funds/chengdu").text)
        assert client.post("/finance/funds/chengdu/deposit", data={"csrf_token": token, "amount": "1,000,000"},
                           follow_redirects=False).status_code == 303
        loan = {"csrf_token": token, "borrower": "成都示例科技有限公司", "bank": "成都示例银行股份有限公司",
                "principal": "4000000", "fee_rate": "", "ip_collateral": "1000000", "collateral": "4000000",
                "enterprise_type": "small"}
        r = client.post("/finance/funds/chengdu/enrol", data=loan)
        assert r.status_code == 422 and 'id="enrol-ip_collateral-error"' in r.text and 'value="4000000"' in r.text
        assert client.post("/finance/funds/chengdu/enrol", data=loan | {"ip_collateral": "2000000"},
                           follow_redirects=False).status_code == 303
        page = client.get("/finance/funds/chengdu").text
        loan_id = int(re.search(r'/loans/(\d+)/claim', page).group(1))  # type: ignore[union-attr]
        # a step no loan has: no such action (it said "the loan has no claim" until one was filed)
        r = client.post(f"/finance/funds/chengdu/loans/{loan_id}/zzz", data={"csrf_token": token})
        assert r.status_code == 404 and "没有该操作" in r.text and "没有补偿申请" not in r.text
        for action, data in (("claim", {"principal_loss": "3000000"}), ("approve", {}), ("pay", {})):
            r = client.post(f"/finance/funds/chengdu/loans/{loan_id}/{action}", data={"csrf_token": token, **data},
                            follow_redirects=False)
            assert r.status_code == 303, (action, r.text[:1000])
        r = client.post(f"/finance/funds/chengdu/loans/{loan_id}/pay", data={"csrf_token": token})
        assert r.status_code == 409 and "资金池余额不足" in r.text  # the pool is exhausted
        page = client.get("/finance/funds/chengdu").text
        assert "风险补偿资金：¥3,000,000.00 × 1/2 = ¥1,500,000.00（资金池承担）" in page
        assert "补偿金额 = ¥1,500,000.00" in page
        # the pool held 1,000,000: it paid that much, and never more
        assert re.search(r'id="fund-balance">0\.00<', page) and "已批准" in page
        assert re.search(r'id="fund-balanced">平衡（2）<', page)
        english = client.get("/finance/funds/chengdu", params={"lang": "en"}).text
        assert re.search(r'id="fund-balanced">Balanced \(2\)<', english), english[:3000]
        # the claim's line gives each amount with its unit, in the page's language
        assert re.search(r'id="claim-\d+">.*?1,500,000 元.*?1,000,000 元', page), page[:3000]
        assert re.search(r'id="claim-\d+">.*?1,500,000 yuan.*?1,000,000 yuan', english)
        client.get("/finance/funds/chengdu", params={"lang": "zh"})
        # the ledger's moments as stored (naive UTC): 17:00 UTC on 31 March is 01:00 on 1 April in Beijing — the page
        # shows Beijing time, the API the moment with its zone (ISO 8601, Z)
        with session_scope(env.engine) as s:  # type: ignore[arg-type]
            s.execute(update(LedgerEntry).where(LedgerEntry.fund_code == "chengdu").values(at=UTC_EVENING))
        ledger = client.get("/finance/funds/chengdu").text.split('id="ledger"')[1]
        assert ledger.count(">2026-04-01 01:00</td>") == 2 and "2026-03-31" not in ledger

        # the API: every fund's aggregates for anyone (no loan, no borrower); the loans to those who see them
        login_as(client, env.engine, "cd_bank")  # type: ignore[arg-type]
        loans = client.get("/api/v1/finance/funds/chengdu/loans").json()["loans"]
        assert [(x["id"], x["claim"]["amount"], [p["amount"] for p in x["claim"]["payouts"]]) for x in loans] == [
            (loan_id, "1500000.00", ["-1000000.00"])]
        assert loans[0]["claim"]["arithmetic"] and loans[0]["principal"] == "4000000.00"
        assert [p["at"] for p in loans[0]["claim"]["payouts"]] == ["2026-03-31T17:00:00Z"]
        # outside the city's area, a bank that lent nothing under the fund, a role that sees no fund: the API answers
        # what the page does (an empty list told an outsider the fund exists)
        for user, status in (("ent_user", 403), ("wuhou_officer", 404)):
            login_as(client, env.engine, user)  # type: ignore[arg-type]
            page = client.get("/finance/funds/chengdu")
            api = client.get("/api/v1/finance/funds/chengdu/loans")
            assert (page.status_code, api.status_code) == (status, status), user
            assert "成都示例科技有限公司" not in api.text
        assert client.get("/api/v1/finance/funds/nosuchfund/loans").status_code == 404
        client.cookies.clear()
        assert client.get("/api/v1/finance/funds/chengdu/loans").status_code == 401
        r = client.get("/api/v1/finance/funds")
        assert r.status_code == 200 and "成都示例科技有限公司" not in r.text
        fund = next(x for x in r.json() if x["code"] == "chengdu")
        assert {k: fund[k] for k in ("balance", "loans", "loans_outstanding", "outstanding", "claims", "approved", "paid",
                                     "recovered", "leverage")} == {
            "balance": "0.00", "loans": 1, "loans_outstanding": 0, "outstanding": "0.00", "claims": 1,
            "approved": "1500000.00", "paid": "1000000.00", "recovered": "0.00", "leverage": None}


@pytest.mark.browser
def test_fund_page_in_the_browser(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import sign_in

    sign_in(page, "cd_leader", then="/finance/funds/chengdu")
    page.fill("#deposit-amount", "2000000")
    page.click("#deposit-submit")
    page.wait_for_selector("#fund-balance:has-text('2,000,000.00')")
    for name, value in (("borrower", "成都示例科技有限公司"), ("bank", "成都示例银行股份有限公司"), ("principal", "6000000"),
                        ("ip_collateral", "3000000"), ("collateral", "6000000")):
        page.fill(f"#enrol-{name}", value)
    page.click("#enrol-submit")  # above the 5,000,000 loan cap: refused beside the form, input kept
    page.wait_for_selector("#enrol-principal-error")
    assert page.input_value("#enrol-borrower") == "成都示例科技有限公司"
    page.fill("#enrol-principal", "4000000")
    page.click("#enrol-submit")
    page.wait_for_selector("#loans form")
    page.fill("#loans input[name=principal_loss]", "3000000")
    page.click("#loans button[type=submit]")
    page.wait_for_selector("#loans ol.arithmetic")
    page.click("#loans button:has-text('批准')")
    page.wait_for_selector("#loans button:has-text('拨付')")
    page.click("#loans button:has-text('拨付')")
    page.wait_for_selector("#fund-balance:has-text('500,000.00')")
    page.screenshot(path=str(artifacts_dir / "finance-fund.png"), full_page=True)


@pytest.mark.one_database("forms rendered again after a refusal; the fund's SQL runs on both databases in test_fund_pages")
def test_refused_fund_forms_keep_what_was_typed(env: WebEnv) -> None:
    """A claim, a recovery or a deposit refused (422) shows the message beside its form and keeps what was typed, in
    fields named by their labels (the claim's and the recovery's were placeholders only and came back empty)."""
    with env.client() as client:
        login_as(client, env.engine, "cd_leader")  # type: ignore[arg-type]
        token = csrf_from(client.get("/finance/funds/chengdu").text)
        r = client.post("/finance/funds/chengdu/deposit", data={"csrf_token": token, "amount": "一百万", "memo": "首笔注资"})
        assert r.status_code == 422 and 'id="deposit-amount-error"' in r.text
        assert re.search(r'id="deposit-memo"[^>]*value="首笔注资"', r.text), r.text[:3000]
        client.post("/finance/funds/chengdu/deposit", data={"csrf_token": token, "amount": "1,000,000"})
        client.post("/finance/funds/chengdu/enrol", data={
            "csrf_token": token, "borrower": "成都示例科技有限公司", "bank": "成都示例银行股份有限公司", "principal": "4000000",
            "ip_collateral": "2000000", "collateral": "4000000", "enterprise_type": "small"})
        loan_id = int(re.search(r'/loans/(\d+)/claim', client.get("/finance/funds/chengdu").text).group(1))  # type: ignore[union-attr]
        for principal in ("三百万", "5,000,000.00"):  # not an amount; more than the loan
            r = client.post(f"/finance/funds/chengdu/loans/{loan_id}/claim",
                            data={"csrf_token": token, "principal_loss": principal, "interest_loss": "12,000.50"})
            assert r.status_code == 422 and f'id="claim-{loan_id}-principal_loss-error"' in r.text, r.text[:3000]
            form = r.text.split(f'/loans/{loan_id}/claim"')[1].split("</form>")[0]
            assert re.search(rf'<label>本金损失 <input name="principal_loss" id="claim-principal-{loan_id}"[^>]*'
                             rf'value="{principal}"', form), form
            assert re.search(r'<label>利息损失 <input name="interest_loss"[^>]*value="12,000.50"', form), form
        for action, data in (("claim", {"principal_loss": "3000000"}), ("approve", {}), ("pay", {})):
            client.post(f"/finance/funds/chengdu/loans/{loan_id}/{action}", data={"csrf_token": token, **data})
        r = client.post(f"/finance/funds/chengdu/loans/{loan_id}/recover", data={"csrf_token": token, "recovered": "-5"})
        assert r.status_code == 422 and f'id="recover-{loan_id}-recovered-error"' in r.text, r.text[:3000]
        assert re.search(rf'<label>追回返还 <input name="recovered" id="recover-amount-{loan_id}"[^>]*value="-5"', r.text)
        blank = client.get("/finance/funds/chengdu").text  # a fresh page keeps nothing
        assert f'id="recover-amount-{loan_id}" size="12" value=""' in blank


def test_a_loan_enrolled_from_above_is_filed_with_the_funds_own_bureau(settings: Settings, web_template: Path,
                                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A district's fund operated from the city: the loan the city's leader enrolled was filed with the city's bureau,
    so the district's officers opened their fund and found no loan, though its figures counted it. It is filed with the
    bureau of the fund's jurisdiction (the caller's own only where its area holds none)."""
    folder = tmp_path / "funds"
    folder.mkdir()
    (folder / "wuhou.yaml").write_text(CHENGDU_FUND.replace("code: chengdu", "code: wuhou")
                                       .replace('"510100"', '"510107"'), "utf-8")
    monkeypatch.setenv("ZHICHAN_FINANCE_FUND_DIR", str(folder))
    get_settings.cache_clear()
    load_funds.cache_clear()
    web = make_env(get_settings(), web_template, search_index=False)
    try:
        with web.client() as client:
            login_as(client, web.engine, "cd_leader")  # type: ignore[arg-type]
            token = csrf_from(client.get("/finance/funds/wuhou").text)
            assert client.post("/finance/funds/wuhou/enrol", follow_redirects=False, data={
                "csrf_token": token, "borrower": "成都示例科技有限公司", "bank": "成都示例银行股份有限公司",
                "principal": "4000000", "fee_rate": "", "ip_collateral": "4000000", "collateral": "4000000",
                "enterprise_type": "small"}).status_code == 303
            login_as(client, web.engine, "wuhou_officer")  # type: ignore[arg-type]
            assert "成都示例科技有限公司" in client.get("/finance/funds/wuhou").text
            assert len(client.get("/api/v1/finance/funds/wuhou/loans").json()["loans"]) == 1
            login_as(client, web.engine, "jinjiang_officer")  # type: ignore[arg-type]
            for path in ("/finance/funds/wuhou", "/api/v1/finance/funds/wuhou/loans"):  # a neighbour's fund: not found
                assert client.get(path).status_code == 404, path
        with session_scope(web.engine) as s:  # type: ignore[arg-type]
            wuhou = s.scalar(select(Organization.path).where(Organization.region_code == "510107",
                                                             Organization.kind == OrgKind.COUNTY))
            assert s.scalars(select(Loan.org_path)).one() == wuhou
    finally:
        web.engine.dispose()  # type: ignore[attr-defined]
        load_funds.cache_clear()


def test_a_lending_bank_reads_its_own_loans_under_a_fund(env: WebEnv) -> None:
    """The fund pages were the bureau's alone (403 to a bank, which read its loans only through the API): the lending
    bank now opens the funds it lent under and, on a fund's page, its own loans with their claims and the fund's
    aggregates — not another bank's loans, not the ledger, no operation (deposit, enrol, approve, pay stay the bureau's:
    403); a fund it lent nothing under is not found (404)."""
    with env.client() as client:
        login_as(client, env.engine, "cd_bank")  # type: ignore[arg-type]
        assert client.get("/finance").text.count('id="finance-funds"') == 1
        for lang, text in (("en", "None of your bank&#39;s loans is enrolled"), ("zh", "贵行尚无纳入风险补偿资金的贷款")):
            page = client.get("/finance/funds", params={"lang": lang})
            assert page.status_code == 200 and 'id="funds-empty"' in page.text and text in page.text
        for path in ("/finance/funds/chengdu", "/api/v1/finance/funds/chengdu/loans"):  # lent nothing under it yet
            assert client.get(path).status_code == 404, path
        login_as(client, env.engine, "cd_leader")  # type: ignore[arg-type]
        token = csrf_from(client.get("/finance/funds/chengdu").text)
        assert client.post("/finance/funds/chengdu/deposit", data={"csrf_token": token, "amount": "5000000"},
                           follow_redirects=False).status_code == 303
        loan = {"csrf_token": token, "borrower": "成都示例科技有限公司", "principal": "4000000", "fee_rate": "",
                "ip_collateral": "2000000", "collateral": "4000000", "enterprise_type": "small"}
        for bank, borrower in (("成都示例银行股份有限公司", "成都示例科技有限公司"), ("另一家商业银行", "锦江另一借款企业")):
            r = client.post("/finance/funds/chengdu/enrol", data=loan | {"bank": bank, "borrower": borrower},
                            follow_redirects=False)
            assert r.status_code == 303, r.text[:1000]
        with session_scope(env.engine) as s:  # type: ignore[arg-type]
            ours = s.scalar(select(Loan.id).where(Loan.bank == "成都示例银行股份有限公司"))
        assert client.post(f"/finance/funds/chengdu/loans/{ours}/claim", data={"csrf_token": token, "principal_loss": "1000000"},
                           follow_redirects=False).status_code == 303
        login_as(client, env.engine, "cd_bank")  # type: ignore[arg-type]
        listed = client.get("/finance/funds").text
        assert 'href="/finance/funds/chengdu"' in listed and "/finance/funds/chongqing" not in listed
        for lang in ("zh", "en"):
            page = client.get("/finance/funds/chengdu", params={"lang": lang})
            assert page.status_code == 200, page.text[:1000]
            html = page.text
            assert f'id="claim-{ours}"' in html and 'id="lender-note"' in html
            assert "锦江另一借款企业" not in html and "另一家商业银行" not in html  # another bank's loan
            assert 'id="ledger"' not in html and 'id="deposit-form"' not in html and 'id="enrol-form"' not in html
            assert "/approve" not in html and "/claim" not in html
        for path in ("/finance/funds/chongqing", "/api/v1/finance/funds/chongqing/loans"):
            assert client.get(path).status_code == 404, path
        token = csrf_from(client.get("/finance/funds/chengdu").text)
        for path in ("/finance/funds/chengdu/deposit", f"/finance/funds/chengdu/loans/{ours}/approve"):
            r = client.post(path, data={"csrf_token": token, "amount": "1"}, follow_redirects=False)
            assert r.status_code in (403, 404), (path, r.status_code)
        # a demo loan's borrower is stored with its synthetic mark （合成）: English pages showed it inside the name; the
        # mark is the row's synthetic badge, in the page's language, as a demo case's 【合成】 title is shown
        with session_scope(env.engine) as s:  # type: ignore[arg-type]
            s.execute(update(Loan).where(Loan.id == ours).values(borrower="（合成）成都示范企业1", synthetic=True))
        for lang, badge in (("en", "Synthetic"), ("zh", "合成数据")):
            row = client.get("/finance/funds/chengdu", params={"lang": lang}).text.split('id="loans"', 1)[1]
            row = row.split("</tr>", 2)[1]
            assert "成都示范企业1" in row and "（合成）" not in row and badge in row, row
