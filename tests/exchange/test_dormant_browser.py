"""存量专利盘活 in the browser: the university's inventor takes the inventory, grades a patent from its row
(the form filled in with the number), the college's reviewer approves it, the inventor is refused the
university's step, the university's office admits it into the 转化资源库; the page in Chinese and English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.exchange.dormant_helpers import UNIVERSITY, university_in_web
from tests.helpers import sign_in
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, make_env

pytestmark = pytest.mark.browser


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template)
    web.numbers.update(university_in_web(web))
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.click("#logout")
    page.wait_for_url("**/login")


def _act(page, case_url: str, event: str, opinion: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(case_url)
    page.click(f"#action-{event}")
    page.fill(f"#{event}-opinion", opinion)
    page.click(f"#submit-{event}")


def test_inventory_grading_and_approval(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    number = env.numbers["一种钠离子电池正极材料及其制备方法"]
    sign_in(page, "inventor")
    page.goto("/exchange/dormant")
    page.click("#take-inventory")
    page.wait_for_selector("#inventory-result")
    assert page.locator("#inventory tbody tr").count() == 3
    assert page.locator("#progress tbody tr td").nth(1).inner_text() == "3"
    page.click(f"a.grade[href$='{number}']")
    page.wait_for_url("**/procedures/exchange.dormant/new*")
    assert page.input_value("#start-patent_number") == number
    page.select_option("#start-prospect", "高")
    page.fill("#start-application_field", "新能源储能")
    page.select_option("#start-willingness", "愿意转化")
    page.fill("#start-college", "材料学院")
    page.click("#start-submit")
    page.wait_for_url("**/cases/*")
    case_url = page.url
    assert "待学院审核" in page.inner_text("#case-state")
    _act(page, case_url, "college_approve", "自己审核自己")  # the grader cannot review its own grading
    page.wait_for_selector("#college_approve-opinion-error")
    page.screenshot(path=str(artifacts_dir / "dormant-own-review-refused.png"), full_page=True)
    _logout(page)

    sign_in(page, "college")
    _act(page, case_url, "college_approve", "技术成熟，同意推荐")
    page.wait_for_selector("#case-state:has-text('待学校审批')")
    _logout(page)
    sign_in(page, "office")
    _act(page, case_url, "university_approve", "同意入库")
    page.wait_for_selector("#case-state:has-text('已入转化资源库')")
    page.screenshot(path=str(artifacts_dir / "dormant-case.png"), full_page=True)

    page.goto("/exchange/dormant")
    cells = page.locator("#progress tbody tr td").all_inner_texts()
    assert cells[:6] == [UNIVERSITY, "3", "1", "1", "0", "0"]
    assert "已入转化资源库" in page.inner_text("#inventory")
    page.screenshot(path=str(artifacts_dir / "dormant-zh.png"), full_page=True)
    page.goto("/exchange/dormant?lang=en")
    assert "In the transfer pool" in page.inner_text("#inventory") and "High" in page.inner_text("#inventory")
    page.screenshot(path=str(artifacts_dir / "dormant-en.png"), full_page=True)
