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
    sign_in(page, "inventor", then="/exchange/dormant")
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
    # the grader cannot review its own grading: the page does not offer it (it did, and then refused it)
    assert page.locator("#action-college_approve").count() == 0 and page.locator("#action-decline").count() == 0
    page.screenshot(path=str(artifacts_dir / "dormant-own-review-not-offered.png"), full_page=True)
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


def test_a_need_is_matched_with_the_transfer_pool(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """An approved dormant patent is offered to a need, and the match says it comes from the 转化资源库."""
    import datetime as dt

    from sqlalchemy import select

    from zhichan.corpus.store import CorpusStore
    from zhichan.evidence.service import utcnow
    from zhichan.exchange import dormant
    from zhichan.exchange.listings import post_need
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.search.build import build_index

    build_index(CorpusStore(env.settings.corpus_dir).current())  # with the vectors matching needs
    number = env.numbers["一种钠离子电池正极材料及其制备方法"]
    service = env.app.state.procedures  # type: ignore[attr-defined]

    def who(s, name):  # type: ignore[no-untyped-def]
        return scope_for_user(s, s.scalar(select(User).where(User.username == name)))

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        dormant.take_inventory(s, who(s, "office"), env.app.state.corpus.snapshot(), now=utcnow())  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        case = service.start(s, who(s, "inventor"), dormant.PROCEDURE, fields={
            "patent_number": number, "prospect": "高", "application_field": "储能", "willingness": "愿意转化",
            "college": "材料学院"})
    for version, (event, user) in enumerate((("college_approve", "college"), ("university_approve", "office")), 1):
        with session_scope(env.engine) as s:  # type: ignore[arg-type]
            service.act(s, who(s, user), case["id"], event, version=version, fields={"opinion": "同意"})
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        need = post_need(s, who(s, "ent2_user"), title="钠离子电池正极", text="寻求钠离子电池正极材料技术，提高容量",
                         industry="新能源", budget="1000000", region="", now=utcnow() - dt.timedelta(minutes=1))
        need_id = need.id
    page.goto(f"/exchange/needs/{need_id}/matches")
    first = page.locator("#matches tbody tr").first
    assert number in first.inner_text() and f"转化资源库 · {UNIVERSITY}" in first.inner_text()
    page.screenshot(path=str(artifacts_dir / "dormant-matches-zh.png"), full_page=True)
    page.goto(f"/exchange/needs/{need_id}/matches?lang=en")
    assert f"Transfer pool · {UNIVERSITY}" in page.locator("#matches tbody tr").first.inner_text()
    page.screenshot(path=str(artifacts_dir / "dormant-matches-en.png"), full_page=True)
