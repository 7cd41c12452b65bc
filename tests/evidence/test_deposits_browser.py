"""A deposit in the browser: the form (linked to the caller's deposits) goes to the new deposit's page, whose link
downloads its certificate; the page leads back to "my deposits", where the deposit is listed first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import sign_in
from zhichan.evidence.verify import read_pdf

pytestmark = pytest.mark.browser


def test_deposit_then_open_it_from_my_deposits(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    upload = tmp_path / "门店设计稿（合成）.pdf"
    upload.write_bytes("门店设计稿（合成数据）".encode() * 40)
    sign_in(page, "ent_user", then="/evidence/deposit")
    assert page.get_attribute("#deposit-mine", "href") == "/evidence/deposits"
    page.set_input_files("input[name=file]", str(upload))
    page.fill("input[name=title]", "门店设计稿")
    page.select_option("select[name=category]", "设计稿")
    page.click("#deposit-submit")
    page.wait_for_url("**/evidence/deposits/*")  # the new deposit's page, not a download
    index = int(page.url.rsplit("/", 1)[1])
    assert page.inner_text("#deposit-title") == "门店设计稿" and "核验通过" in page.inner_text("#deposit-verdict")
    with page.expect_download() as download:
        page.click("#deposit-certificate")
    assert read_pdf(Path(download.value.path()).read_bytes())[0].index == index
    page.click("#deposit-mine")
    page.wait_for_url("**/evidence/deposits")
    assert page.get_attribute("#deposits tbody tr:first-child .deposit-link", "href") == f"/evidence/deposits/{index}"
    assert "门店设计稿" in page.inner_text("#deposits tbody tr:first-child")


def test_the_platform_administrator_gives_an_unowned_deposit_its_owner(page, env) -> None:  # type: ignore[no-untyped-def]
    """A command-line deposit with no owner: the platform's administrator opens its page, chooses the organization,
    is told beside the field that a reason is needed, gives one, and the page then shows the owner given; the
    organization's user opens the deposit as its own."""
    from sqlalchemy import select

    from zhichan.evidence.keys import key_dir, load_signing_key
    from zhichan.evidence.service import DepositRequest, EvidenceService
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User

    log = EvidenceService(env.engine, load_signing_key(key_dir(env.settings.data_dir)), env.settings.evidence_log_origin)
    index = log.deposit(DepositRequest(sm3="3" * 64, sha256="4" * 64, title="命令行存证（合成）",
                                       depositor="成都示例科技有限公司")).index
    with session_scope(env.engine) as s:
        org_id = s.scalar(select(User.org_id).where(User.username == "ent_user"))
    sign_in(page, "root", then=f"/evidence/deposits/{index}")
    assert page.is_visible("#deposit-unowned")
    page.select_option("#owner-org", str(org_id))
    page.evaluate("document.querySelector('#owner-reason').removeAttribute('required')")  # the server's check
    page.click("#owner-submit")
    assert "请说明理由" in page.inner_text("#error-reason")
    page.fill("#owner-reason", "企业出示了原件与营业执照（合成）")
    page.click("#owner-submit")
    page.wait_for_selector("#deposit-assigned")
    assert "成都示例科技有限公司" in page.inner_text("#deposit-owner") and not page.is_visible("#owner-form")
    page.context.clear_cookies()
    sign_in(page, "ent_user", then=f"/evidence/deposits/{index}")
    assert page.inner_text("#deposit-title") == "命令行存证（合成）" and page.is_visible("#deposit-certificate")


def test_a_failed_check_reads_whole_on_a_phone(page, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the verify page's checks stay a three-column table, and the phone rule letting its cells break
    anywhere outranked the result cell's nowrap: "FAILED" read "FAILE D" (and "Checkpoi nt"). Each result and each
    check's word now lies on one line, in English and Chinese."""
    from zhichan.evidence.certificate import render_pdf
    from zhichan.evidence.keys import key_dir, load_signing_key
    from zhichan.evidence.service import DepositRequest, EvidenceService, digest_bytes

    log = EvidenceService(env.engine, load_signing_key(key_dir(env.settings.data_dir)), env.settings.evidence_log_origin)
    d = digest_bytes(b"the deposited file (synthetic)")
    certificate = tmp_path / "c.pdf"
    certificate.write_bytes(render_pdf(log.certificate(log.deposit(DepositRequest(
        sm3=d.sm3, sha256=d.sha256, title="合成存证", depositor="成都示例科技有限公司")).index)))
    other = tmp_path / "other.txt"
    other.write_bytes(b"another file")
    page.set_viewport_size({"width": 390, "height": 800})
    for lang, failed in (("en", "FAILED"), ("zh", "失败")):
        page.goto(f"/evidence/verify?lang={lang}")
        page.set_input_files("input[name=certificate]", str(certificate))
        page.set_input_files("input[name=file]", str(other))
        page.click("#verify-form button[type=submit]")
        page.wait_for_selector(".verify-checks")
        assert page.inner_text(".verify-checks td.error") == failed
        # a result on one line; no letter of a word on another line than the letter before it
        broken = page.evaluate("""() => [...document.querySelectorAll('.verify-checks tbody td')].slice(0).flatMap(td => {
            const text = td.firstChild; if (!text || text.nodeType !== 3) return [];
            const top = i => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                               return Math.round(r.getBoundingClientRect().top); };
            const s = text.data, found = [];
            for (let i = 1; i < s.length; i++) {
                const word = /[A-Za-z]/.test(s[i - 1]) && /[A-Za-z]/.test(s[i]);
                if ((word || td.classList.contains('nowrap')) && s[i].trim() && s[i - 1].trim() && top(i) > top(i - 1))
                    found.push(s.slice(0, i) + '|' + s.slice(i));
            }
            return found; })""")
        assert broken == [], broken
