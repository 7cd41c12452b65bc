"""A complaint carried to a published decision in the browser: the enterprise files on the public form;
the district's officer sees the right checked, triages it to adjudication, accepts (the notice is
generated), serves, records the answer, decides (the decision generated) and publishes; anyone then
reads the decision on the public page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import choose, sign_in
from tests.procedures.helpers import PDF
from zhichan.evidence.service import utcnow
from zhichan.legaltime import china_date
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, make_env

pytestmark = pytest.mark.browser


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def take(page, event: str, fields: dict[str, str] | None = None, selects: dict[str, str] | None = None,  # type: ignore[no-untyped-def]
         files: dict[str, str] | None = None, state: str = "") -> None:
    page.click(f"#action-{event}")
    for name, value in (fields or {}).items():
        page.fill(f"#{event}-{name}", value)
    for name, value in (selects or {}).items():
        choose(page, f"{event}-{name}", value)
    for name, path in (files or {}).items():
        page.set_input_files(f"#{event}-{name}", path)
    page.click(f"#submit-{event}")
    if state:
        page.wait_for_selector(f"#case-state:has-text('{state}')")


def test_complaint_to_published_decision(page, env: WebEnv, artifacts_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evidence = tmp_path / "证据.pdf"
    evidence.write_bytes(PDF)
    sign_in(page, "ent_user", then="/protection/complaints/new")
    page.select_option("#start-kind", "投诉")
    page.fill("#start-reporter", "成都示例科技有限公司")
    page.fill("#start-patent_number", "CN202310000001.X")  # a wrong check character
    page.fill("#start-respondent", "某某电子商行")
    page.select_option("#start-target_kind", "网站或网店")
    page.fill("#start-target", "https://shop.example.invalid/item/1")
    page.fill("#start-facts", "网店销售与专利相同的负极材料")
    page.click("#start-submit")
    page.wait_for_selector("#start-patent_number-error")  # beside the field, the rest kept
    page.screenshot(path=str(artifacts_dir / "protection-complaint-form.png"), full_page=True)
    assert page.input_value("#start-respondent") == "某某电子商行"
    page.fill("#start-patent_number", env.numbers["wuhou"])
    page.fill("#start-contact", "028-12345678")
    page.set_input_files("#start-extra", str(evidence))
    page.click("#start-submit")
    page.wait_for_url("**/cases/*")
    complaint_url = page.url
    page.click("#logout")
    page.wait_for_url("**/login")

    sign_in(page, "wuhou_officer", then=complaint_url)
    assert "为专利权人" in page.inner_text("#right-checks")
    page.screenshot(path=str(artifacts_dir / "protection-complaint.png"), full_page=True)
    take(page, "to_adjudication", fields={"known_on": "2026-11-02"},
         selects={"requester_role": "专利权人", "court_suit": "否", "continuing": "是"}, state="转行政裁决")
    page.click("#linked-case")
    page.wait_for_selector("#case-state:has-text('已收到请求')")
    take(page, "accept", fields={"panel": "张三、李四、王五"}, state="已立案")
    today = china_date(utcnow()).isoformat()  # the day in China, as the clocks count it
    take(page, "serve", fields={"received_on": today}, files={"doc0": str(evidence)}, state="已送达")
    take(page, "answer", files={"extra": str(evidence)}, state="已答辩或答辩期满")
    # 第二十二条: the answer's copy to the requester within 5 working days — a clock and a step taken once
    assert "答辩书副本送达请求人" in page.inner_text("#clocks")
    page.click("#action-forward_answer")
    page.click("#submit-forward_answer")
    page.wait_for_selector("#timeline:has-text('答辩书副本已送达请求人')")
    assert page.locator("#action-forward_answer").count() == 0
    page.screenshot(path=str(artifacts_dir / "protection-dispute-answered-zh.png"), full_page=True)
    case_url = page.url.split("?")[0]
    page.goto(case_url + "?lang=en")
    page.wait_for_selector("#timeline:has-text('Answer forwarded to the requester')")
    page.screenshot(path=str(artifacts_dir / "protection-dispute-answered-en.png"), full_page=True)
    page.goto(case_url + "?lang=zh")
    take(page, "decide", fields={"ruling": "被请求人立即停止销售侵权产品。"}, state="已裁决待公开")
    assert "裁决书.pdf" in page.inner_text("#timeline") and "受理通知书.docx" in page.inner_text("#timeline")
    assert "公开网址" not in page.content()  # the platform publishes it: no address to type (it asked for one)
    take(page, "publish", selects={"redaction": "已审查，裁决书原文公开"}, state="已结案")
    page.screenshot(path=str(artifacts_dir / "protection-dispute.png"), full_page=True)
    page.click("#logout")
    page.wait_for_url("**/login")

    page.goto("/protection/decisions")
    page.click("#decisions a")
    page.wait_for_selector("#ruling")
    assert "停止销售侵权产品" in page.inner_text("#ruling")
    page.screenshot(path=str(artifacts_dir / "protection-decision.png"), full_page=True)
    page.goto(page.url.split("?")[0] + "?lang=en")
    page.wait_for_selector("#ruling")
    assert "Administrative decision" in page.inner_text("h1") and page.locator(".decision-document").count() >= 1
    page.screenshot(path=str(artifacts_dir / "protection-decision-en.png"), full_page=True)


def test_agreement_inside_an_adjudication_in_the_browser(page, env: WebEnv, artifacts_dir: Path,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    """调解 within 裁决: the officer records the agreement on the case page; the case then shows the 30-day
    judicial-confirmation clock and, once the parties applied, the court's ruling closes it as 调解结案."""
    evidence = tmp_path / "调解协议书.pdf"
    evidence.write_bytes(PDF)
    today = china_date(utcnow()).isoformat()
    sign_in(page, "wuhou_officer", then="/procedures/protection.patent_dispute/new")
    for name, value in {"patent_number": env.numbers["wuhou"], "requester": "成都示例科技有限公司", "respondent": "某某电子商行",
                        "claims": "请求责令停止侵权", "known_on": today}.items():
        page.fill(f"#start-{name}", value)
    for name, value in {"requester_role": "专利权人", "court_suit": "否", "continuing": "是"}.items():
        page.select_option(f"#start-{name}", value)
    page.set_input_files("#start-doc0", str(evidence))
    page.click("#start-submit")
    page.wait_for_selector("#case-state:has-text('已收到请求')")
    take(page, "accept", fields={"panel": "张三、李四、王五"}, state="已立案")
    take(page, "mediate", fields={"effective_on": today}, files={"doc0": str(evidence)}, state="已达成调解协议")
    assert "申请司法确认" in page.inner_text("#clocks")
    page.screenshot(path=str(artifacts_dir / "protection-dispute-mediated-zh.png"), full_page=True)
    take(page, "apply_confirmation", fields={"court": "成都市中级人民法院", "applied_on": today}, state="已申请司法确认")
    take(page, "record_ruling", fields={"ruling_number": "（2026）川01民特1号", "ruled_on": today},
         state="调解结案（法院裁定调解协议有效）")
    page.goto(page.url.split("?")[0] + "?lang=en")
    page.wait_for_selector("#case-state:has-text('Settled by mediation')")
    page.screenshot(path=str(artifacts_dir / "protection-dispute-mediated-en.png"), full_page=True)
