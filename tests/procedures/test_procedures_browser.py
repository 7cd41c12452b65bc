"""A case in the browser: an enterprise files a patent dispute online with its request form; the
district's case officer finds it in 我的待办, first submits the acceptance without the panel (the
message appears beside the field, the input kept), then accepts it; the timeline shows both steps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import sign_in
from tests.procedures.helpers import PDF
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, make_env

pytestmark = pytest.mark.browser


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def test_file_online_then_accept_from_the_todo_list(page, artifacts_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    request_form = tmp_path / "请求书.pdf"
    request_form.write_bytes(PDF)
    sign_in(page, "ent_user", then="/todo")
    page.click("#start-menu summary")  # the procedures one may start, folded under one button
    page.click("#start-protection\\.patent_dispute")
    page.fill("#start-patent_number", "ZL202310000001.X")
    page.fill("#start-requester", "成都示例科技有限公司")
    page.fill("#start-respondent", "某某电子商行")
    page.fill("#start-claims", "请求责令停止销售侵权产品")
    page.select_option("#start-requester_role", "专利权人")
    page.select_option("#start-court_suit", "否")
    page.fill("#start-known_on", "2026-11-02")
    page.select_option("#start-continuing", "是")
    page.click("#start-submit")  # without the request form: refused beside the field, input kept
    page.wait_for_selector("#form-errors")
    assert page.input_value("#start-respondent") == "某某电子商行"
    page.set_input_files("#start-doc0", str(request_form))
    page.click("#start-submit")
    page.wait_for_url("**/cases/*")
    assert page.inner_text("#case-state") == "已收到请求"
    case_url = page.url
    page.click("#logout")
    page.wait_for_url("**/login")  # else the next goto aborts the logout's redirect (a failed request)

    sign_in(page, "wuhou_officer", then="/todo")
    assert page.inner_text("#todo-total") == "1"
    page.click("#todo a")
    page.wait_for_url(case_url)
    page.click("#action-accept")
    page.click("#submit-accept")  # no panel, no notice
    page.wait_for_selector("#accept-panel-error")
    page.fill("#accept-panel", "张三、李四、王五")
    page.set_input_files("#accept-doc0", str(request_form))
    page.click("#submit-accept")
    page.wait_for_selector("#case-state:has-text('已立案')")
    rows = page.locator("#timeline tbody tr")
    assert rows.count() == 2
    assert "受理通知书" in rows.nth(1).inner_text()
    assert "送达被请求人" in page.inner_text("#clocks")
    page.screenshot(path=str(artifacts_dir / "procedure-case.png"), full_page=True)
    page.goto("/todo")
    page.screenshot(path=str(artifacts_dir / "procedure-todo.png"), full_page=True)
