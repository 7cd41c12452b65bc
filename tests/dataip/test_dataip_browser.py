"""Data-IP registration in the browser: an enterprise applies online; the district's officer finds it
in 我的待办 and publishes the notice; another enterprise objects on the public notices page (first
without grounds: the message appears beside the field); the officer dismisses the objection and,
once the notice has run, registers; anyone then finds the registration in the public register,
downloads the certificate and verifies it on the verification page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dataip.helpers import FORM, rewind_notice
from tests.helpers import sign_in
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, make_env

pytestmark = pytest.mark.browser


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("#logout")
    page.wait_for_url("**/login")  # else the next goto aborts the logout's redirect


def test_apply_publish_object_decide_verify(page, env: WebEnv, artifacts_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from zhichan.dataip.models import Registration
    from zhichan.platform.db import session_scope

    sign_in(page, "ent_user", then="/dataip/notices")
    page.click("#dataip-apply")
    for name, value in FORM.items():
        page.fill(f"#start-{name}", value)
    page.fill("#start-data_name", "")
    page.click("#start-submit")  # without the data set's name: refused beside the field, the rest kept
    page.wait_for_selector("#start-data_name-error")
    assert page.input_value("#start-data_scale") == FORM["data_scale"]
    page.screenshot(path=str(artifacts_dir / "dataip-apply-error.png"), full_page=True)
    page.fill("#start-data_name", FORM["data_name"])
    page.fill("#start-sample_sm3", "83cbf8e980a042ece938015b1e11cf6ece9a6ce79ead4cda5d34eb50872f33e8")
    page.fill("#start-sample_sha256", "d5d273e64dfeb02d1c934a5705bcc4aee5bade0633ab5409f99ac3ab8e565652")
    page.click("#start-submit")
    page.wait_for_url("**/cases/*")
    assert page.inner_text("#case-state") == "待形式审查"
    case_url = page.url
    case_id = int(case_url.rsplit("/", 1)[1])
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        number = str(s.scalar(select(Registration.number).where(Registration.case_id == case_id)))
    sign_out(page)

    sign_in(page, "wuhou_officer", then="/todo")
    page.click("#todo a")
    page.wait_for_url(case_url)
    page.click("#action-publish")
    page.fill("#publish-review", "材料齐全，形式审查通过")
    page.click("#submit-publish")
    page.wait_for_selector("#case-state:has-text('公示中')")
    assert "公示期" in page.inner_text("#clocks")
    sign_out(page)

    page.goto("/dataip/notices")  # anonymous: the notice, and a sign-in link instead of a form
    assert number in page.inner_text(f"#notice-{number}")
    assert page.locator(".sign-in-to-object").count() == 1 and page.locator(f"#object-form-{number}").count() == 0
    page.screenshot(path=str(artifacts_dir / "dataip-notices-anonymous.png"), full_page=True)
    page.goto("/dataip/notices?lang=en")
    assert page.inner_text(".sign-in-to-object") == "Sign in to object"
    page.screenshot(path=str(artifacts_dir / "dataip-notices-anonymous-en.png"), full_page=True)
    page.goto("/dataip/notices?lang=zh")
    sign_in(page, "ent2_user", then="/dataip/notices")
    page.click(f"#object-{number}")
    page.click(f"#object-submit-{number}")  # no grounds
    page.wait_for_selector(f"#object-{number}-reason-error")
    page.screenshot(path=str(artifacts_dir / "dataip-objection-error.png"), full_page=True)
    page.fill(f"#object-{number}-reason", "该数据集含本公司授权范围外的数据（合成）")
    page.click(f"#object-submit-{number}")
    page.wait_for_selector("#objection-filed")
    sign_out(page)

    sign_in(page, "wuhou_officer", then=case_url)
    assert page.inner_text("#case-state") == "有异议待处理"
    assert "授权范围外" in page.inner_text("#timeline")
    page.click("#action-dismiss_objections")
    page.fill("#dismiss_objections-resolution", "已核实授权书，异议不成立")
    page.click("#submit-dismiss_objections")
    page.wait_for_selector("#case-state:has-text('公示中')")
    rewind_notice(env.engine, case_id, 30)  # type: ignore[arg-type]  # the notice runs its ten working days
    page.reload()
    page.click("#action-register")
    page.fill("#register-reasons", "公示期满，异议不成立，准予登记")
    page.click("#submit-register")
    page.wait_for_selector("#case-state:has-text('准予登记')")
    page.screenshot(path=str(artifacts_dir / "dataip-case-registered.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone the request's digest breaks, not the page
    for lang in ("en", "zh"):  # Chinese last: the language chosen stays with the session
        page.goto(f"{case_url}?lang={lang}")
        page.screenshot(path=str(artifacts_dir / f"dataip-case-390-{lang}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 391, lang
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_out(page)

    page.goto("/dataip/register")
    page.screenshot(path=str(artifacts_dir / "dataip-register.png"), full_page=True)
    page.click(f"#register a:has-text('{number}')")
    page.wait_for_selector("#registration-status:has-text('已登记')")
    page.screenshot(path=str(artifacts_dir / "dataip-registration.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#certificate-download")
    certificate = tmp_path / f"{number}.pdf"
    download.value.save_as(certificate)
    page.click("#certificate-verify")
    page.wait_for_url("**/evidence/verify")
    page.set_input_files("#verify-certificate", str(certificate))
    page.click("#verify-submit")
    page.wait_for_selector("#verify-verdict")
    assert page.inner_text("#verify-verdict") == "核验通过"
    page.screenshot(path=str(artifacts_dir / "dataip-verified.png"), full_page=True)
