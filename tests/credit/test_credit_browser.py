"""Credit in the browser: a district officer proposes a listing (the bad credit code answered beside
the field) and notifies the subject; on a listing decided earlier, the officer publishes it from the case
page and the public list shows it; the listed enterprise reads on its case page the day from which it may ask for
repair (the step is not offered before); an officer records a complaint in an agency's credit file and draws a
random inspection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.credit.test_credit_web import listed_case
from tests.helpers import choose, sign_in
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, make_env

pytestmark = pytest.mark.browser


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def test_listing_publication_repair_agency_and_inspection(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "wuhou_officer", then="/credit/manage")
    page.click("#start-listing")
    page.fill("#start-subject", "成都某某专利代理有限公司")
    page.fill("#start-credit_code", "91510100MA61R5XA2X")
    choose(page, "start-ground", "违法从事专利、商标代理业务")
    page.fill("#start-facts", "无资质从事专利代理业务")
    page.click("#start-submit")
    page.wait_for_selector("#start-credit_code-error")
    assert page.input_value("#start-facts") == "无资质从事专利代理业务"
    page.fill("#start-credit_code", "91510100MA61R5XA24")
    page.click("#start-submit")
    page.wait_for_url("**/cases/*")
    page.click("#action-notify")
    page.fill("#notify-notice_number", "武知信告〔2026〕3号")
    page.click("#submit-notify")
    page.wait_for_selector("#case-state:has-text('已告知当事人')")
    assert "陈述申辩期" in page.inner_text("#clocks")
    page.screenshot(path=str(artifacts_dir / "credit-notified.png"), full_page=True)

    case_id = listed_case(env, publish=False)  # decided on 13 October 2026
    page.goto("/credit/listings")
    assert page.locator("#listings-empty").count() == 1  # decided, not yet published
    page.goto(f"/cases/{case_id}")
    page.click("#action-publish")
    page.click("#submit-publish")
    page.wait_for_selector("#case-state:has-text('已列入名单')")
    page.goto("/credit/listings")
    assert "成知信〔2026〕7号" in page.inner_text("#listings")
    page.screenshot(path=str(artifacts_dir / "credit-public-list.png"), full_page=True)
    page.click("#logout")
    page.wait_for_url("**/login")

    sign_in(page, "ent_user", then="/credit/mine")
    page.click("#own-listings a")
    page.wait_for_url(f"**/cases/{case_id}")
    # repair is not offered before six months have run; the page says from which day
    assert page.locator("#action-request_repair").count() == 0
    assert "2027-04-14 起可办理：申请信用修复" in page.inner_text("#clocks")
    page.screenshot(path=str(artifacts_dir / "credit-repair-not-yet.png"), full_page=True)
    page.click("#logout")
    page.wait_for_url("**/login")

    sign_in(page, "cd_leader", then="/credit/agencies")
    page.fill("#agency-name", "成都天府专利代理事务所")
    page.select_option("#agency-region_code", "510107")  # the area's regions, by name
    page.fill("#agency-agents", "王五；赵六")
    page.click("#register-submit")
    page.wait_for_url("**/credit/agencies/*")
    page.select_option("#item-item", "complaint_upheld")
    page.select_option("#item-source", "complaint")
    page.fill("#item-occurred_on", "2026-11-02")
    page.fill("#item-reference", "投诉〔2026〕12号")
    page.click("#item-submit")
    page.wait_for_selector("#agency-items")
    assert page.inner_text("#agency-score") == "90" and page.inner_text("#agency-grade") == "A"
    page.screenshot(path=str(artifacts_dir / "credit-agency-file.png"), full_page=True)
    page.goto("/credit/agencies")
    page.click("#publish-agencies")
    page.wait_for_url("**/credit/agency-list?publication=*")
    assert "投诉〔2026〕12号" in page.inner_text("#agency-list")
    page.screenshot(path=str(artifacts_dir / "credit-agency-list.png"), full_page=True)
    page.goto("/credit/inspections")
    page.fill("#inspection-title", "2026 年第四季度专利代理机构抽查")
    page.fill("#inspection-seed", "2026-12-04 上证综指收盘")
    page.fill("#inspection-target_count", "1")
    page.fill("#inspection-inspectors_per_target", "1")
    page.click("#inspection-submit")
    page.wait_for_url("**/credit/inspections/*")
    assert "成都天府专利代理事务所" in page.inner_text("#draw")
    inspection_url = page.url
    page.select_option("#result-finding", "problem")
    page.click("#result-submit")  # no target, no note: refused beside the fields
    page.wait_for_selector("#result-target-error")
    assert page.locator("#result-note-error").count() == 1
    page.select_option("#result-target", label="成都天府专利代理事务所")
    page.select_option("#result-finding", "ok")
    page.click("#result-submit")
    page.wait_for_selector("#draw:has-text('未发现问题')")
    page.click("#publish-inspection")
    page.wait_for_selector("text=已公示")
    page.click("#logout")
    page.wait_for_url("**/login")
    page.goto(inspection_url)  # public once published
    assert "未发现问题" in page.inner_text("#draw") and "2026-12-04 上证综指收盘" in page.inner_text("#inspection-seed")
    page.screenshot(path=str(artifacts_dir / "credit-inspection.png"), full_page=True)


def test_a_listing_of_the_first_declaration_says_when_repair_opens(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """A listing case opened before the terms were declared offered 申请信用修复 at once (the hook then refused it):
    its page now says from which day, in either language, at desk and phone width, and offers no step before it."""
    from tests.credit.helpers import first_declaration

    case_id = listed_case(env, earlier=first_declaration)
    sign_in(page, "ent_user", then=f"/cases/{case_id}?lang=zh")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for lang, opens in (("zh", "申请信用修复 · 可于 2027-04-14 起办理"),
                            ("en", "Request credit repair · Can be taken from 2027-04-14")):
            page.goto(f"/cases/{case_id}?lang={lang}")
            assert " ".join(page.inner_text("#held-request_repair").split()) == opens, (lang, width)
            assert page.locator("#action-request_repair").count() == 0
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (lang, width)
            page.screenshot(path=str(artifacts_dir / f"credit-first-declaration-{width}-{lang}.png"), full_page=True)
