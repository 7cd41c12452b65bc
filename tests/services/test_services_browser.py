"""An application in the browser: an enterprise finds the service in the public catalogue, applies with
the form generated from its declaration (a bad value answered beside its field), uploads its form;
the window accepts it; the officer decides on the application page, which generates the decision
document; the enterprise follows the progress and opens the decision (a PDF, looked at as an image), and the
decision alone, uploaded to the public verify page, finds the step that issued it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.helpers import sign_in
from tests.procedures.helpers import PDF

pytestmark = pytest.mark.browser


def test_apply_from_the_catalogue_to_the_decision(page, artifacts_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    form_file = tmp_path / "服务申请表.pdf"
    form_file.write_bytes(PDF)
    sign_in(page, "ent_user", then="/services")
    page.screenshot(path=str(artifacts_dir / "services-catalogue.png"), full_page=True)
    page.click("#apply-ZC-XX-001")
    page.wait_for_url("**/procedures/services.search_service/new")
    page.fill("#start-applicant", "成都示例科技有限公司")
    page.fill("#start-topic", "固态电池电解质的专利布局与风险排查")
    page.select_option("#start-purpose", "专利布局")
    page.set_input_files("#start-doc0", str(form_file))
    page.click("#start-submit")  # no contact: refused beside the field, the rest kept
    page.wait_for_selector("#start-contact-error")
    assert page.input_value("#start-topic") == "固态电池电解质的专利布局与风险排查"
    page.screenshot(path=str(artifacts_dir / "services-apply-error.png"), full_page=True)
    page.fill("#start-contact", "王五 028-12345678")
    page.set_input_files("#start-doc0", str(form_file))
    page.click("#start-submit")
    page.wait_for_url("**/services/applications/*")  # the application's own progress page
    case_id = page.url.rsplit("/", 1)[1]
    assert page.inner_text("#application-state") == "已提交"
    page.goto("/services/applications")
    assert "已提交" in page.inner_text("#applications")
    page.click("#logout")
    page.wait_for_url("**/login")

    sign_in(page, "wuhou_officer", then="/todo")
    page.click("#todo a")
    page.wait_for_url(f"**/services/applications/{case_id}")
    page.click("#step-accept")  # acceptance is taken on the case page
    page.wait_for_url(f"**/cases/{case_id}#action-accept")
    page.click("#action-accept")
    page.click("#submit-accept")
    page.wait_for_selector("#case-state:has-text('已受理')")
    page.goto(f"/services/applications/{case_id}")
    page.click("#decide-approve")
    page.click("#submit-decide-approve")  # no conclusion: answered beside the field
    page.wait_for_selector("#decide-approve-conclusion-error")
    page.fill("#decide-approve-conclusion", "已完成检索分析：检出相关专利 126 件，报告见附件。")
    page.click("#submit-decide-approve")
    page.wait_for_selector("#application-state:has-text('已办结（准予）')")
    page.click("#logout")
    page.wait_for_url("**/login")

    sign_in(page, "ent_user", then=f"/services/applications/{case_id}")
    assert page.inner_text("#application-state") == "已办结（准予）"
    assert "准予办理决定书" in page.inner_text("#documents")
    page.screenshot(path=str(artifacts_dir / "services-application-decided.png"), full_page=True)
    # fetched with the browser's session (clicking would start a download, which aborts the navigation)
    answer = page.request.get(page.get_attribute("#documents a:has-text('决定书.pdf')", "href"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "decision.pdf"
    pdf.write_bytes(answer.body())
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(artifacts_dir / "services-decision")],
                   check=True)
    assert (artifacts_dir / "services-decision-1.png").exists()
    # the letter alone on the public verify page finds the step that issued it; its party is led to the case
    page.goto("/evidence/verify")
    page.set_input_files("#verify-file", str(pdf))
    page.click("#verify-submit")
    page.wait_for_selector("#verify-verdict:has-text('核验通过')")
    entry = page.inner_text(".lookup-entry")
    assert all(s in entry for s in ("决定书", "专利信息检索分析服务", "准予办理", "武侯区知识产权局")), entry
    page.click(".lookup-case")
    page.wait_for_url(f"**/services/applications/{case_id}")
    page.click("#logout")
    page.wait_for_url("**/login")
    page.goto("/evidence/verify")  # anyone learns the same, without the case
    page.set_input_files("#verify-file", str(pdf))
    page.click("#verify-submit")
    page.wait_for_selector("#verify-verdict:has-text('核验通过')")
    assert page.locator(".lookup-case").count() == 0 and page.locator(".lookup-private").count() == 1
    assert "武侯区知识产权局" in page.inner_text(".lookup-entry")
    page.screenshot(path=str(artifacts_dir / "services-decision-looked-up.png"), full_page=True)


def test_published_subsidy_results(page, env, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.services.helpers import concluded_round

    concluded_round(env)
    page.goto("/services/subsidies/SUB-2026-01")  # the public
    assert "成都示例科技有限公司" in page.inner_text("#results")
    sign_in(page, "cd_leader", then="/services/subsidies/SUB-2026-01")
    page.fill("#voucher-1", "CD-2026-001")
    page.click("#disburse-1 button")  # no payment day: answered beside the field
    page.wait_for_selector("#paid_on-1-error")
    assert page.input_value("#voucher-1") == "CD-2026-001"
    page.screenshot(path=str(artifacts_dir / "services-subsidy-results.png"), full_page=True)
    # at 390 px the applicant and the objections keep a readable width (成都英恒电子有限公司 stood a character a line)
    page.set_viewport_size({"width": 390, "height": 844})
    for lang in ("zh", "en"):
        page.goto(f"/services/subsidies/SUB-2026-01?lang={lang}")
        page.screenshot(path=str(artifacts_dir / f"services-subsidy-results-phone-{lang}.png"), full_page=True)
        width = page.evaluate("document.querySelector('#results td.applicant').getBoundingClientRect().width")
        assert width >= 100 and page.evaluate("document.documentElement.scrollWidth") <= 391, (lang, width)


def test_library_search(page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto("/services/library")
    page.fill("#library-q", "电池")
    page.select_option("#library-kind", "case")
    page.click("#library-submit")
    page.wait_for_url("**/services/library?q=*")
    assert page.inner_text("#library-total") == "共 1 条"
    assert "锂离子电池负极材料" in page.inner_text("#library-results")
    page.screenshot(path=str(artifacts_dir / "services-library.png"), full_page=True)


def test_quota_and_catalogue_editing_pages(page, env, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "root", then="/services/priority/quotas?year=2026")
    page.select_option("#quota-province_code", "510000")  # by name: 四川省（510000）
    page.fill("#quota-total", "12")
    page.click("#quota-submit")
    page.wait_for_selector("#quota-510000")
    page.select_option("#allocation-city_code", "510100")
    page.fill("#allocation-allocated", "13")
    page.click("#allocation-submit")  # more than the province has: answered beside the field, input kept
    page.wait_for_selector("#allocation-allocated-error")
    assert page.input_value("#allocation-allocated") == "13"
    page.screenshot(path=str(artifacts_dir / "services-quotas.png"), full_page=True)
    page.goto("/services/ZC-YX-001/edit")
    page.fill("#fee_yuan", "-1")
    page.click("#save-entry")
    page.wait_for_selector("#fee_yuan-error")
    page.screenshot(path=str(artifacts_dir / "services-entry-edit.png"), full_page=True)
    page.fill("#fee_yuan", "0")
    page.fill("#contact", "四川省知识产权服务窗口 028-00000000")
    page.click("#save-entry")
    page.wait_for_url("**/services/ZC-YX-001")
    assert "028-00000000" in page.inner_text("#entry")
    page.screenshot(path=str(artifacts_dir / "services-entry.png"), full_page=True)


def _apply_late(env, username: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.services.subsidies import apply

    with session_scope(env.engine) as s:
        scope = scope_for_user(s, s.scalar(select(User).where(User.username == username)))
        apply(s, scope, env.app.state.corpus.snapshot(), "SUB-2026-01")


def test_an_objection_to_published_results(page, env, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.services.helpers import published_round

    published_round(env)
    _apply_late(env, "ent2_user")  # not on the published list: it may object to being left off (line 0)
    sign_in(page, "ent2_user", then="/services/subsidies/SUB-2026-01")
    assert page.inner_text("#objection-line option[value='0']") == "0 · 本企业的申报（未列入名单）"
    page.select_option("#objection-line", "1")
    page.click("#objection-submit")  # no grounds: answered beside the field
    page.wait_for_selector("#grounds-error")
    page.screenshot(path=str(artifacts_dir / "services-objection-error.png"), full_page=True)
    page.goto("/services/subsidies/SUB-2026-01?lang=en")
    assert page.inner_text("#objection-line option[value='0']") == "0 · Our own application (not on the list)"
    page.goto("/services/subsidies/SUB-2026-01?lang=zh")
    page.select_option("#objection-line", "1")
    page.fill("#objection-grounds", "该企业计入的高价值发明有两件在计数日已失效")
    page.click("#objection-submit")
    page.wait_for_url("**/cases/*")
    case_url = page.url
    assert "待处理" in page.inner_text("#case-state")
    page.click("#logout")
    page.wait_for_url("**/login")

    sign_in(page, "cd_officer", then=case_url)
    page.click("#action-uphold")
    page.fill("#uphold-awarded", "30000.01")  # past the cap: answered beside the field
    page.fill("#uphold-decision", "经核实，计数日有效的高价值发明为 2 件")
    page.click("#submit-uphold")
    page.wait_for_selector("#uphold-awarded-error")
    page.fill("#uphold-awarded", "10000.00")
    page.click("#submit-uphold")
    page.wait_for_selector("#case-state:has-text('异议成立')")
    page.goto("/services/subsidies/SUB-2026-01")
    assert "资助由 20,000 元调整为 10,000 元" in page.inner_text("#results")
    page.screenshot(path=str(artifacts_dir / "services-objection-zh.png"), full_page=True)
    page.goto("/services/subsidies/SUB-2026-01?lang=en")
    assert "Award changed from 20,000 yuan to 10,000 yuan" in page.inner_text("#results")
    page.screenshot(path=str(artifacts_dir / "services-objection-en.png"), full_page=True)


def test_service_figures_drill_down_to_the_records(page, env, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from tests.services.helpers import concluded_round
    from zhichan.figures import export_workflow
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.services.subsidies import disburse

    concluded_round(env)
    with session_scope(env.engine) as s:
        officer = scope_for_user(s, s.scalar(select(User).where(User.username == "cd_officer")))
        disburse(s, officer, 1, "2026-08-12", "CD-2026-001")
    export_workflow(env.engine, env.app.state.procedures.registry, env.settings.data_dir)
    sign_in(page, "cd_leader", then="/regions/510100/indicators?as_of=2026-09-30")
    assert "资助奖励拨付金额" in page.inner_text("body")
    page.screenshot(path=str(artifacts_dir / "services-figures-zh.png"), full_page=True)
    page.goto("/regions/510100/indicators/subsidies_paid/records?as_of=2026-09-30")
    assert "CD-2026-001" in page.inner_text("body") and "2026-08-12" in page.inner_text("body")
    # exact money to the fen, grouped as every amount a page shows — never a float's "20000.0"
    amounts = page.locator("td.col-awarded_yuan").all_inner_texts()
    assert amounts and all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", a.strip()) for a in amounts), amounts
    page.screenshot(path=str(artifacts_dir / "services-figures-records-zh.png"), full_page=True)
    page.goto("/regions/510100/indicators/subsidies_paid/records?as_of=2026-09-30&lang=en")
    assert "Subsidies paid" in page.inner_text("body")
    page.screenshot(path=str(artifacts_dir / "services-figures-records-en.png"), full_page=True)
    # the published line's reason in the page's language only (kept as a message, not "中文 / English")
    for lang, reason, other in (("zh", "全额资助 20,000 元", "Paid in full"), ("en", "Paid in full: 20,000 yuan", "全额资助")):
        page.goto(f"/services/subsidies/SUB-2026-01?lang={lang}")
        line = page.locator("#award-1").inner_text()
        assert reason in line and other not in line, line
        page.screenshot(path=str(artifacts_dir / f"services-results-{lang}.png"), full_page=True)


def _started_late_in_the_year(env, day: tuple[int, int, int] = (2026, 12, 28)) -> int:  # type: ignore[no-untyped-def]
    """A search application filed on 28 December 2026: its 10 working days reach into 2027, whose holiday schedule
    is not published — a provisional date (2027-01-12), marked as such."""
    import datetime as dt

    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.service import Upload

    with session_scope(env.engine) as s:
        ent = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))
        case = env.app.state.procedures.start(
            s, ent, "services.search_service", now=dt.datetime(*day, 2),
            fields={"applicant": "成都示例科技有限公司", "topic": "固态电池电解质专利布局", "purpose": "专利布局",
                    "contact": "王五 028-12345678"}, uploads=(Upload("doc0", "申请表.pdf", PDF),))
    return int(case["id"])


def test_deadline_tables_fit_a_phone(page, env, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """"computed once next year's holiday schedule is loaded" (待载入次年节假日安排后计算) was a badge that never wraps: at
    390 px it ran out of its cell and widened the page. It is a note that wraps now, on the case page and on the
    application page (which showed "—" for it) and in the to-do list (which said "no running deadline"); no text of a
    deadline table runs out of its cell there. The deadline is a provisional date now (2027-01-12, 暂定 beside it): the
    date reads whole and the mark wraps in the cell."""
    case_id = _started_late_in_the_year(env)
    _started_late_in_the_year(env, (2026, 12, 1))  # one whose last day is known: the to-do list's date reads whole
    sign_in(page, "ent_user", then=f"/cases/{case_id}")
    page.set_viewport_size({"width": 390, "height": 844})
    outside = """sel => [...document.querySelectorAll(sel + ' td *')].filter(e => {
        const cell = e.closest('td').getBoundingClientRect(), r = e.getBoundingClientRect();
        return r.width > 0 && (r.right > cell.right + 1 || r.right > document.documentElement.clientWidth + 1); })
        .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 30))"""
    for lang, note in (("zh", "暂定：2027 年放假安排尚未公布"), ("en", "provisional: the 2027 holiday schedule is not published yet")):
        for url, name in ((f"/cases/{case_id}", "case"), (f"/services/applications/{case_id}", "application"),
                          ("/todo", "todo")):
            if name == "todo":  # the district's officer, whose list holds the application (the filer's holds nothing)
                page.context.clear_cookies()
                sign_in(page, "wuhou_officer", then=f"/todo?lang={lang}")
                assert page.locator(f"a[href='/services/applications/{case_id}']").count() == 1
                # its deadline is a provisional date, marked so (it said "computed once …", and before "no running deadline")
                assert note in page.locator("table.list .provisional").inner_text(), lang
                # a day reads whole (2026-12- / 15 broke in the narrow column)
                day = page.locator("table.list td .nowrap").first
                assert day.inner_text() == "2026-12-15" and len(day.evaluate("e => [...e.getClientRects()]")) == 1, lang
                # and a state (已提交 stood one character a line)
                heights = page.evaluate("""() => [...document.querySelectorAll('table.list td.keep')].map(c => {
                    const g = document.createRange(); g.selectNodeContents(c);
                    return new Set([...g.getClientRects()].map(x => Math.round(x.top))).size; })""")
                assert heights and all(h == 1 for h in heights), (lang, heights)
            page.goto(f"{url}?lang={lang}")
            page.screenshot(path=str(artifacts_dir / f"deadlines-phone-{name}-{lang}.png"), full_page=True)
            table = "#clocks" if name != "todo" else "table.list"
            if name != "todo":
                assert note in page.locator(f"{table} .provisional").inner_text(), (name, lang)
                assert page.locator(f"{table} .provisional").evaluate("e => e.previousElementSibling.textContent") \
                    == "2027-01-12", (name, lang)
            assert page.evaluate(outside, table) == [], (name, lang)
            if name == "case":  # deadlines and steps stack, each cell as wide as the page (beside columns that never
                # wrap, 陈述申辩期 stood one character a line, and a step's fields a word a line)
                widths = page.evaluate("""() => [...document.querySelectorAll('#clocks td, #timeline td')]
                    .filter(c => c.getClientRects().length).map(c => c.getBoundingClientRect().width)""")
                assert widths and min(widths) > 300, (lang, widths)
            assert page.evaluate("document.documentElement.scrollWidth") <= 391, (name, lang)
            if name != "todo":  # a period and a clock's state read whole (5个工作日 and 计时中 stood a character a line)
                lines = page.evaluate("""() => [...document.querySelectorAll('#clocks tbody tr')].map(r =>
                    [r.cells[1], r.cells[r.cells.length - 1]].map(c => { const g = document.createRange();
                    g.selectNodeContents(c); return new Set([...g.getClientRects()].map(x => Math.round(x.top))).size; }))""")
                assert all(n == 1 for row in lines for n in row), (name, lang, lines)
        page.context.clear_cookies()
        sign_in(page, "ent_user", then=f"/cases/{case_id}")


def test_the_catalogue_reads_on_a_phone(page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the catalogue squeezed its short columns: 在线申请 stood one character a line in its button, a
    service's code broke in three, 信息服务 and 不收费 stood in columns of one character. Then its sticky "apply online"
    column covered the columns scrolling under it (the time limit and fee read only by scrolling them out from under
    the button): each service is now a block, its facts labelled, the link under them, nothing covering anything."""
    page.set_viewport_size({"width": 390, "height": 844})
    one_line = """() => [...document.querySelectorAll('#catalogue td.keep, #catalogue td.nowrap, #catalogue a.button')]
        .map(c => { const g = document.createRange(); g.selectNodeContents(c);
                    return [c.textContent.trim(), new Set([...g.getClientRects()].map(x => Math.round(x.top))).size]; })
        .filter(([, n]) => n > 1)"""
    for lang in ("zh", "en"):
        page.goto(f"/services?lang={lang}")
        page.screenshot(path=str(artifacts_dir / f"services-catalogue-phone-{lang}.png"), full_page=True)
        assert page.locator("#catalogue a.button").count() >= 4
        broken = page.evaluate(one_line)
        # English wraps at spaces ("10 working days"); a Chinese cell and every code and button read whole
        assert [b for b in broken if lang == "zh" or b[0].startswith("ZC-") or b[0] == "Apply online"] == [], (lang, broken)
        # and the service's name is not the column that gives way (专利信息检索分析服务 one character a line)
        widths = page.evaluate("[...document.querySelectorAll('#catalogue td.entry-name')].map(c => c.getBoundingClientRect().width)")
        assert widths and min(widths) >= 120, (lang, widths)
        # every cell lies on the screen, and at its middle the page finds the cell itself: nothing lies over it
        covered = page.evaluate("""() => [...document.querySelectorAll('#catalogue tbody td')].map(c => {
            const r = c.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            window.scrollTo(0, window.scrollY + y - window.innerHeight / 2);
            const s = c.getBoundingClientRect(), found = document.elementFromPoint(s.left + s.width / 2, s.top + s.height / 2);
            return [c.textContent.trim().slice(0, 12), Math.round(r.left), Math.round(r.right), !!found && c.contains(found)];
        }).filter(([, left, right, mine]) => left < 0 || right > 390 || !mine)""")
        assert covered == [], (lang, covered)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, lang


def test_a_filing_made_with_a_centres_code_reads_its_name(page, env, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """A pre-examination filing made when the form asked for the centre's code showed 保护中心代码 … CN-CD on its case
    page: it reads 保护中心 / Protection centre and the centre's name, at desk and phone width."""
    from tests.procedures.helpers import PDF, filed_under_earlier
    from tests.services.test_services_web import _centre_typed_as_a_code
    from zhichan.web.testing import WUHOU_ENTERPRISE, csrf_from, login_as

    client = env.client()
    login_as(client, env.engine, "ent_user")
    filing = "/procedures/services.preexam_filing/new"
    made = client.post(filing, data={"csrf_token": csrf_from(client.get(filing).text), "centre": "CN-CD",
                                     "applicant": WUHOU_ENTERPRISE, "credit_code": "91510100MA61R5XA24",
                                     "fields_ipc": "H01M", "contact": "王五 028-12345678"},
                       files={"doc0": ("备案申请表.pdf", PDF, "application/pdf")}, follow_redirects=False)
    case_id = int(made.headers["location"].rsplit("/", 1)[1])
    filed_under_earlier(env.engine, case_id, _centre_typed_as_a_code)
    sign_in(page, "ent_user", then=f"/cases/{case_id}?lang=zh")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for lang, label, name in (("zh", "保护中心", "中国（成都）知识产权保护中心（示例）"),
                                  ("en", "Protection centre", "China (Chengdu) IP Protection Centre (example)")):
            page.goto(f"/cases/{case_id}?lang={lang}")
            details = page.inner_text("dl.biblio")
            assert f"{label}\n{name}" in details and "CN-CD" not in details, (lang, width, details[:200])
            page.screenshot(path=str(artifacts_dir / f"preexam-code-filing-{width}-{lang}.png"), full_page=True)
