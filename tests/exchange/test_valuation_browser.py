"""Valuation in the browser: from a listing's value indicators an enterprise opens the valuation form, a
bad revenue is refused beside its field, then the page shows the value degree with each indicator's
contribution, the income and cost approaches and the disclaimer, in Chinese and in English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.exchange.web_helpers import number
from tests.helpers import sign_in
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, make_env

pytestmark = pytest.mark.browser


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def test_value_a_listed_patent(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "ent_user", then="/exchange/listings/new")
    page.fill("#f-number", number(4))
    page.select_option("#f-mode", "sale")
    page.click("#listing-submit")
    page.wait_for_selector("#value")
    page.click("#value-it")
    page.wait_for_url("**/exchange/valuations/new?number=*")
    assert page.input_value("#v-patent_number") == number(4)
    page.fill("#v-annual_revenue", "三百万")
    page.click("#valuation-submit")
    assert "应为金额（元）" in page.inner_text("#v-annual_revenue-error")
    page.screenshot(path=str(artifacts_dir / "exchange-valuation-error.png"), full_page=True)
    page.fill("#v-annual_revenue", "3000000")
    page.fill("#v-rd_cost", "1800000")
    page.click("#valuation-submit")
    page.wait_for_url("**/exchange/valuations/*")
    assert page.locator("#indicators tbody tr").count() > 10
    assert "法定评估报告" in page.inner_text("#valuation-disclaimer")
    assert page.locator("#income").is_visible() and page.locator("#cost").is_visible()
    page.screenshot(path=str(artifacts_dir / "exchange-valuation-zh.png"), full_page=True)
    page.goto(page.url + "?lang=en")
    assert "statutory appraisal" in page.inner_text("#valuation-disclaimer")
    page.screenshot(path=str(artifacts_dir / "exchange-valuation-en.png"), full_page=True)
