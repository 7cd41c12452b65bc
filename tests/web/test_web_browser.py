"""The flows a person uses, in headless Debian Chromium driven by Playwright (no browser download):
sign in, open the cockpit, drill into a district on the map, search, open a patent, export, sign out."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import wait_for
from zhichan.web.testing import PASSWORD, WebEnv

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(env: WebEnv) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(env.app, host="127.0.0.1", port=port, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started or not thread.is_alive(), timeout=20, what="uvicorn to start")
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def page(live_server: str):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(base_url=live_server, viewport={"width": 1400, "height": 1000},
                                      accept_downloads=True, locale="zh-CN")
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        # a download aborts its navigation request (net::ERR_ABORTED), and a navigation aborts the
        # page's low-priority favicon request: neither is a failure
        pg.on("requestfailed", lambda req: None if "/export." in req.url or req.url.endswith("/favicon.svg")
              else errors.append(f"failed: {req.url}"))
        yield pg
        context.close()
        browser.close()
        assert errors == [], errors


def test_cockpit_search_patent_export_logout(page, artifacts_dir: Path, env: WebEnv) -> None:
    page.goto("/cockpit")
    assert "/login" in page.url
    page.fill("input[name=username]", "cd_leader")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/cockpit")
    page.wait_for_selector("#chart-map[data-rendered='1'] svg", timeout=30_000)
    page.wait_for_selector("#chart-trend[data-rendered='1'] svg", timeout=30_000)
    assert page.locator("#synthetic-badge").is_visible()
    assert page.locator("#cockpit-title").get_attribute("data-region") == "510100"
    page.screenshot(path=str(artifacts_dir / "cockpit.png"), full_page=True)

    # drill down: click the largest district on the map
    shapes = page.locator("#chart-map .mark-shape path")
    assert shapes.count() >= 10
    boxes = [(i, shapes.nth(i).bounding_box()) for i in range(shapes.count())]
    biggest = max((b for b in boxes if b[1]), key=lambda b: b[1]["width"] * b[1]["height"])[0]
    shapes.nth(biggest).click()
    page.wait_for_url("**/cockpit?region=5101*")
    region = page.locator("#cockpit-title").get_attribute("data-region")
    assert region is not None and region.startswith("5101") and region != "510100"

    # search, screenshot, open a patent
    page.goto("/search")
    page.fill("#search-q", "TI=锂离子电池")
    page.click("#search-submit")
    page.wait_for_selector("#results")
    assert "12" in page.locator("#result-total").inner_text()
    page.wait_for_selector("#facets li[data-value='5101']")  # the facets arrive with a second request
    assert "成都市" in page.locator("#facets").inner_text()
    page.screenshot(path=str(artifacts_dir / "search.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#export-link")
    exported = Path(download.value.path()).read_text("utf-8-sig")
    assert exported.count("\n") >= 12 and "申请号" in exported
    page.locator("a.patent-link").first.click()
    page.wait_for_selector("#patent-title")
    assert "锂离子电池" in page.locator("#patent-title").inner_text()

    page.click("#logout")
    page.wait_for_url("**/login")
    page.goto("/cockpit")
    assert "/login" in page.url


def test_api_docs_render_offline_under_the_csp(page) -> None:  # type: ignore[no-untyped-def]
    """Swagger UI from the platform's own files: the operations render, nothing is blocked."""
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
    page.goto("/api/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() >= 20
    assert page.locator(".opblock-summary-path", has_text="/api/v1/search").count() >= 1
    assert console == [], console


def _sign_in(page, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def test_password_change_and_an_admin_form_refused_beside_its_field(page, artifacts_dir: Path, env: WebEnv) -> None:
    _sign_in(page, "wuhou")
    page.goto("/account")
    page.click("#change-password")
    page.wait_for_url("**/account/password")
    assert "password12" in page.locator("#password-policy").inner_text()
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password]", "a brand new passphrase")
    page.fill("input[name=new_password2]", "a different passphrase")
    page.click("#password-form button[type=submit]")
    page.wait_for_selector("#error-new_password2")
    assert page.locator("input[name=new_password2]").get_attribute("aria-invalid") == "true"
    page.screenshot(path=str(artifacts_dir / "password-change.png"), full_page=True)
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password]", "a brand new passphrase")
    page.fill("input[name=new_password2]", "a brand new passphrase")
    page.click("#password-form button[type=submit]")
    page.wait_for_selector("#password-changed")
    page.click("#logout")
    page.wait_for_url("**/login")
    _sign_in(page, "wuhou", "a brand new passphrase")
    assert "/login" not in page.url

    page.context.clear_cookies()
    _sign_in(page, "cd_admin")
    page.goto("/admin/users")
    page.fill("#new-user-form input[name=username]", "wuhou")
    page.fill("#new-user-form input[name=display_name]", "重名的人")
    page.fill("#new-user-form input[name=password]", "correct horse battery")
    page.click("#new-user-form button[type=submit]")
    page.wait_for_selector("#error-username")
    assert "已存在" in page.locator("#error-username").inner_text()
    assert page.locator("#new-user-form input[name=display_name]").input_value() == "重名的人"
    page.locator("#new-user-form").screenshot(path=str(artifacts_dir / "admin-user-error.png"))
    page.screenshot(path=str(artifacts_dir / "admin-users-page.png"), full_page=True)
