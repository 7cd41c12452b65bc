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
