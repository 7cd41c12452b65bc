"""The flows a person uses, in headless Debian Chromium driven by Playwright (no browser download):
sign in, open the cockpit, drill into a district on the map, search, open a patent, export, sign out."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhichan.web.testing import PASSWORD, WebEnv

pytestmark = pytest.mark.browser


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
