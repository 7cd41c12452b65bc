"""A pledge in the browser: the enterprise files the joint application with its form and contract, the
pledgee bank confirms from its to-do list, the district officer registers it, the certificate is
downloaded (and looked at as an image), and the registration is cancelled (注销)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers import sign_in
from tests.procedures.helpers import PDF
from zhichan.web.testing import BANK, WUHOU_ENTERPRISE, WebEnv

pytestmark = [pytest.mark.browser, pytest.mark.one_database(
    "what the pages show; the pledge procedure, ledger and register run on PostgreSQL in test_pledge_checks.py, "
    "test_funds.py, test_finance_web.py and test_whitelist_api.py")]


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.click("#logout")
    page.wait_for_url("**/login")


def test_apply_confirm_register_certificate_cancel(page, env: WebEnv, artifacts_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    con = env.app.state.corpus.snapshot().connect()  # type: ignore[attr-defined]
    try:
        numbers = [r[0] for r in con.execute("SELECT application_number FROM patents WHERE first_patentee = ? "
                                             "AND kind = 'invention' ORDER BY 1", [WUHOU_ENTERPRISE]).fetchall()]
    finally:
        con.close()
    free = [n for n in numbers if n != env.numbers["wuhou"]][:3]
    paper = tmp_path / "合同.pdf"
    paper.write_bytes(PDF)

    sign_in(page, "ent_user", then="/finance")
    page.click("#finance-apply")
    page.fill("#start-rights", "\n".join([env.numbers["wuhou"], *free]))
    page.fill("#start-pledgee", BANK)
    page.fill("#start-debt_amount", "8,000,000")
    page.fill("#start-debt_start", "2026-01-05")
    page.fill("#start-debt_end", "2028-01-04")
    page.fill("#start-guarantor", "成都示例融资担保有限公司")
    page.set_input_files("#start-doc0", str(paper))
    page.set_input_files("#start-doc1", str(paper))
    page.click("#start-submit")  # one right is already pledged: refused beside the field, the input kept
    page.wait_for_selector("#start-rights-error")
    assert "已经出质" in page.inner_text("#start-rights-error")
    page.screenshot(path=str(artifacts_dir / "finance-pledge-refused.png"), full_page=True)
    page.fill("#start-rights", "\n".join(free))
    page.set_input_files("#start-doc0", str(paper))
    page.set_input_files("#start-doc1", str(paper))
    page.click("#start-submit")
    page.wait_for_url("**/cases/*")
    assert page.inner_text("#case-state") == "待质权人确认"
    case_url = page.url
    _logout(page)

    sign_in(page, "cd_bank", then="/todo")
    page.click("#todo a")
    page.wait_for_url(case_url)
    page.click("#action-confirm")
    page.select_option("#confirm-invalidation_consent", "否")
    page.click("#submit-confirm")
    page.wait_for_selector("#case-state:has-text('待登记审查')")
    _logout(page)

    sign_in(page, "wuhou_officer", then="/finance")
    page.click("#pledges a")
    page.wait_for_selector("#pledge-rights")
    assert page.locator("#pledge-rights tbody tr").count() == 3
    assert "语料不记录年费缴纳" in page.inner_text("#annuity-note")
    page.screenshot(path=str(artifacts_dir / "finance-pledge-checks.png"), full_page=True)
    pledge_url = page.url
    page.click("#pledge-case")
    page.click("#action-register")
    page.click("#submit-register")
    page.wait_for_selector("#case-state:has-text('已登记')")
    page.goto(pledge_url)
    assert page.inner_text("#pledge-status") == "已登记"
    assert page.inner_text("#pledge-registration-no").startswith("Y")
    with page.expect_download() as info:
        page.click("#pledge-certificate")
    pdf = tmp_path / "certificate.pdf"
    info.value.save_as(pdf)
    page.screenshot(path=str(artifacts_dir / "finance-pledge-registered.png"), full_page=True)
    # on a phone the rights stay a table of three columns: a number and a kind read whole ("Paten t", "CN2025200003 05.6")
    page.set_viewport_size({"width": 320, "height": 700})  # the narrowest phone: the title column squeezes the others
    page.goto(f"{pledge_url}?lang=en")
    broken = page.evaluate("""[...document.querySelectorAll('#pledge-rights tbody tr')].flatMap(tr => [...tr.cells].slice(0, 2))
        .filter(td => { const r = document.createRange(); r.selectNodeContents(td);
                        return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1; })
        .map(td => td.innerText)""")
    page.screenshot(path=str(artifacts_dir / "finance-pledge-registered-phone-en.png"), full_page=True)
    assert page.locator("#pledge-rights tbody tr").count() == 3 and broken == [], broken
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # the title's column wraps instead
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{pledge_url}?lang=zh")  # the language switch is kept: back to the Chinese the steps below read
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(artifacts_dir / "finance-certificate")],
                   check=True)
    from zhichan.evidence.verify import read_pdf

    _, text = read_pdf(pdf.read_bytes())
    assert "知识产权质押登记证书" in text and BANK in "".join(text.split())

    page.goto(case_url)
    page.click("#action-cancel")
    page.select_option("#cancel-ground", "主债权消灭")
    page.set_input_files("#cancel-doc0", str(paper))
    page.click("#submit-cancel")
    page.wait_for_selector("#case-state:has-text('已注销')")
    page.goto(pledge_url)
    assert page.inner_text("#pledge-status") == "已注销"
    page.screenshot(path=str(artifacts_dir / "finance-pledge-cancelled.png"), full_page=True)


def test_whitelist_pushed_to_a_bank_and_its_feedback(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "wuhou_officer", then="/finance")
    page.click("#finance-whitelists")
    page.fill("#whitelist-title", "")
    page.click("#whitelist-submit")  # no title: refused beside the field
    page.wait_for_selector("#whitelist-title-error")
    page.fill("#whitelist-title", "武侯区2026年第一批")
    page.fill("#whitelist-min", "1")
    page.click("#whitelist-submit")
    page.wait_for_selector("#entries")
    assert WUHOU_ENTERPRISE in page.inner_text("#entries")
    page.check("#push-form input[name=banks]")
    page.click("#push-submit")
    page.wait_for_selector("#pushed")
    list_url = page.url
    _logout(page)

    sign_in(page, "cd_bank", then="/finance/whitelists")
    page.click("#whitelists a")
    page.wait_for_url(list_url)
    row = page.locator("#entries tbody tr", has_text=WUHOU_ENTERPRISE)
    row.locator("select[name=decision]").select_option("approved")
    row.locator("input[name=loan_amount]").fill("3,000,000")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".feedback")
    page.screenshot(path=str(artifacts_dir / "finance-whitelist-bank.png"), full_page=True)
    _logout(page)

    sign_in(page, "wuhou_officer", then=list_url)
    feedback = page.locator("#entries tbody tr", has_text=WUHOU_ENTERPRISE).locator(".feedback").inner_text()
    assert BANK in feedback and "3,000,000 元" in feedback  # the amount with its unit
    page.screenshot(path=str(artifacts_dir / "finance-whitelist-bureau.png"), full_page=True)


def test_data_ip_pledge_shows_on_the_pledge_and_in_the_data_ip_register(page, env: WebEnv,  # type: ignore[no-untyped-def]
                                                                        artifacts_dir: Path) -> None:
    """A data-IP registration pledged on the one pledge procedure: the pledge page lists it by kind with a
    link, and the public data-IP register shows it pledged (zh and en)."""
    import datetime as dt

    from sqlalchemy import select

    from zhichan.dataip.models import Registration
    from zhichan.finance.models import Pledge
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.service import Upload

    service = env.app.state.procedures  # type: ignore[attr-defined]
    now = dt.datetime(2026, 3, 2, 2)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        entry = service.evidence.append_records([{"kind": "dataip.application", "applicant": WUHOU_ENTERPRISE}],
                                                now=now, conn=s.connection())[0]
        number = f"DIP-2026-{entry.index:08d}"
        s.add(Registration(number=number, application_index=entry.index, applicant=WUHOU_ENTERPRISE,
                           data_name="门店客流脱敏数据集（合成）", description="合成", data_source="自有门店传感器",
                           data_scale="3,000 万条", processing_rules="去标识化后按小时汇总", status="registered",
                           submitted_at=now, decided_at=now, decision_index=entry.index, decision_reasons="准予登记"))

    def act(user: str, case_id: int, event: str, version: int, **fields: str) -> None:
        with session_scope(env.engine) as s:  # type: ignore[arg-type]
            who = scope_for_user(s, s.scalar(select(User).where(User.username == user)))
            service.act(s, who, case_id, event, version=version, fields=fields)

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        who = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))
        case = service.start(s, who, "finance.pledge", fields={
            "rights": number, "pledgee": BANK, "debt_amount": "20,000,000", "debt_start": "2026-03-02",
            "debt_end": "2027-03-01"}, uploads=(Upload("doc0", "a.pdf", PDF), Upload("doc1", "b.pdf", PDF + b"b")))
    act("cd_bank", case["id"], "confirm", 1, invalidation_consent="否")
    act("wuhou_officer", case["id"], "register", 2)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        pledge = s.scalar(select(Pledge).where(Pledge.case_id == case["id"]))
        assert pledge is not None
        pledge_id, registration_no = pledge.id, pledge.registration_number

    sign_in(page, "wuhou_officer", then=f"/finance/pledges/{pledge_id}")
    row = page.locator("#pledge-rights tbody tr")
    assert row.count() == 1 and "数据知识产权" in row.inner_text()
    page.screenshot(path=str(artifacts_dir / "finance-dataip-pledge.png"), full_page=True)
    row.locator("a").click()
    page.wait_for_url(f"**/dataip/register/{number}")
    shown = page.inner_text("#registration-pledges")
    assert "已出质" in shown and BANK in shown and str(registration_no) in shown
    page.screenshot(path=str(artifacts_dir / "dataip-registration-pledged-zh.png"), full_page=True)
    page.goto(f"/dataip/register/{number}?lang=en")
    assert "Pledged" in page.inner_text("#registration-pledges")
    page.screenshot(path=str(artifacts_dir / "dataip-registration-pledged-en.png"), full_page=True)
    page.goto("/dataip/register?lang=zh")
    assert "已出质" in page.inner_text("#register")


def test_finance_figures_on_the_region_indicators_page(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """A registered pledge, exported, counted by the finance indicators on the region's indicator page
    (zh and en) and listed behind its number."""
    from sqlalchemy import select

    from zhichan.figures import export_workflow
    from zhichan.legaltime import china_date
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User, utcnow
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.service import Upload

    con = env.app.state.corpus.snapshot().connect()  # type: ignore[attr-defined]
    try:
        numbers = [r[0] for r in con.execute("SELECT application_number FROM patents WHERE first_patentee = ? "
                                             "AND kind = 'invention' ORDER BY 1", [WUHOU_ENTERPRISE]).fetchall()]
    finally:
        con.close()
    free = [n for n in numbers if n != env.numbers["wuhou"]][:2]
    service = env.app.state.procedures  # type: ignore[attr-defined]

    def who(s, name):  # type: ignore[no-untyped-def]
        return scope_for_user(s, s.scalar(select(User).where(User.username == name)))

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        case = service.start(s, who(s, "ent_user"), "finance.pledge", fields={
            "rights": "\n".join(free), "pledgee": BANK, "debt_amount": "6,500,000", "debt_start": "2026-03-02",
            "debt_end": "2027-03-01"}, uploads=(Upload("doc0", "a.pdf", PDF), Upload("doc1", "b.pdf", PDF + b"b")))
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        service.act(s, who(s, "cd_bank"), case["id"], "confirm", version=1, fields={"invalidation_consent": "否"})
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        service.act(s, who(s, "wuhou_officer"), case["id"], "register", version=2, fields={})
    export_workflow(env.engine, service.registry, env.settings.data_dir)  # type: ignore[arg-type]
    today = china_date(utcnow()).isoformat()

    sign_in(page, "wuhou_officer", then=f"/regions/510107/indicators?as_of={today}")
    row = page.locator("#all-indicators tr", has_text="知识产权质押登记笔数")
    assert row.locator(".records-link").inner_text().strip() == "1"
    assert page.locator("#all-indicators tr", has_text="质押登记涉及的知识产权件数").locator(".records-link").inner_text() == "2"
    amount = page.locator("#all-indicators tr[data-code=finance_pledge_secured_amount] .records-link")
    assert amount.inner_text() == "650.00" and amount.get_attribute("title") == "6,500,000.00 元"  # in 万元, exact beside
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "finance-indicators-zh.png"), full_page=False)
    page.goto(f"/regions/510107/indicators?as_of={today}&lang=en")
    row = page.locator("#all-indicators tr", has_text="IP pledge registrations")
    assert "1 transaction\t" in row.inner_text()  # one registration: the unit in the singular
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "finance-indicators-en.png"), full_page=False)
    row.locator(".records-link").click()
    page.wait_for_url("**/records*")
    assert BANK in page.inner_text("body")
    page.screenshot(path=str(artifacts_dir / "finance-indicator-records-en.png"), full_page=True)
    # the records read the pledge's state as a label, never the stored code; so do the register and the pledge
    assert page.locator("#records-table td.col-state").all_inner_texts() == ["Registered"]
    page.goto(f"/regions/510107/indicators/finance_pledged_rights/records?as_of={today}&lang=en")
    assert page.locator("#records-table td.col-kind").all_inner_texts() == ["Patent", "Patent"]
    page.goto(f"/regions/510107/indicators/finance_pledge_registrations/records?as_of={today}&lang=zh")
    assert page.locator("#records-table td.col-state").all_inner_texts() == ["已登记"]
    page.screenshot(path=str(artifacts_dir / "finance-indicator-records-zh.png"), full_page=True)
    for lang, registered in (("zh", "已登记"), ("en", "Registered")):
        page.goto(f"/finance?lang={lang}")
        assert registered in page.locator("#pledges").inner_text()
        page.screenshot(path=str(artifacts_dir / f"finance-register-{lang}.png"), full_page=True)
