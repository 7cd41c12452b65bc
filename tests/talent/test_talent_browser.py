"""The talent library in the browser: a district officer enters an expert (a missing certificate answered beside
the kind), finds it by IPC field, and the page reads in Chinese and English; an enterprise of the city sees the
shared fields only; the public sees the counts per kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import sign_in
from tests.talent.helpers import JINJIANG_MEDIATOR, enter, talent_env
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv

pytestmark = pytest.mark.browser


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = talent_env(settings, web_template, None)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def test_enter_find_and_share(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    enter(env, "jinjiang_officer", JINJIANG_MEDIATOR)
    sign_in(page, "wuhou_officer", then="/talent")
    page.click("#enter summary")
    page.fill("#enter-name", "张评审")
    page.fill("#enter-organization", "四川大学")
    page.select_option("#enter-region_code", "510107")  # a choice of the office's regions, by name
    page.check("input[name=kind_valuation_expert]")
    page.check("input[name=kind_rights_aid_expert]")
    page.fill("#enter-ipc_fields", "H01M; G06F16")
    page.fill("#enter-phone", "028-85550000")
    page.check("input[name=share_name]")
    page.check("input[name=share_ipc_fields]")
    page.click("#enter-submit")
    page.wait_for_selector("#enter-certificates-error")
    assert "评估专家" in page.inner_text("#enter-certificates-error")
    assert page.input_value("#enter-name") == "张评审"
    page.fill("input[name=cert_valuation_expert]", "PG-2024-0001")
    page.click("#enter-submit")
    page.wait_for_url("**/talent/people/*")
    assert "在库" in page.inner_text("#person-status")
    page.goto("/talent?field=H01M4")
    assert "张评审" in page.inner_text("#talent-people") and "李调解" not in page.inner_text("body")
    page.screenshot(path=str(artifacts_dir / "talent-officer-zh.png"), full_page=True)
    page.goto("/talent?lang=en")
    assert "Valuation expert" in page.inner_text("#talent-people")
    page.screenshot(path=str(artifacts_dir / "talent-officer-en.png"), full_page=True)
    page.goto("/talent/panels?lang=zh")
    page.fill("#panel-title", "2026年度专利资助评审")
    page.select_option("#panel-purpose", "subsidy_review")
    page.select_option("#panel-kind", "valuation_expert")
    page.fill("#panel-size", "1")
    page.fill("#panel-parties", "四川大学")
    page.click("#panel-submit")
    page.wait_for_selector("#panel-size-error")  # the only valuation expert works for a party: nobody eligible
    page.fill("#panel-parties", "成都示例科技有限公司")
    page.fill("#panel-seed", "2026-资助-01")
    page.click("#panel-submit")
    page.wait_for_url("**/talent/panels/*")
    assert "张评审" in page.inner_text("#panel-members")
    page.screenshot(path=str(artifacts_dir / "talent-panel-zh.png"), full_page=True)
    page.click("#logout")
    page.wait_for_url("**/login**")
    sign_in(page, "ent2_user", then="/talent?lang=zh")
    people = page.inner_text("#talent-people")
    assert "张评审" in people and "028-85550000" not in people and "李调解" not in people
    page.screenshot(path=str(artifacts_dir / "talent-member-zh.png"), full_page=True)
    page.click("#talent-apply")
    page.wait_for_selector("#apply-form")
    page.goto("/talent/apply?lang=en")
    # the member's own bureau reviews, named in the page's language
    assert "Jinjiang District Intellectual Property Administration" in page.inner_text("body")
    page.screenshot(path=str(artifacts_dir / "talent-apply-en.png"), full_page=True)
    page.goto("/talent?lang=zh")
    page.click("#logout")
    page.wait_for_url("**/login**")
    page.goto("/talent")
    assert page.locator("#talent-people").count() == 0 and "评估专家" in page.inner_text("#talent-counts")
    page.screenshot(path=str(artifacts_dir / "talent-public-zh.png"), full_page=True)


def test_history_figures_and_the_investigator_roster(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """A person's status history on its page, the library's figures on the region's indicator page with the
    people behind a number, and protection's roster drawn from the library — in Chinese and English."""
    from tests.talent.helpers import scope_of
    from zhichan.figures import export_workflow
    from zhichan.legaltime import china_date
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import utcnow
    from zhichan.protection.investigators import add_investigator
    from zhichan.talent import service

    mediator = enter(env, "wuhou_officer", {**JINJIANG_MEDIATOR, "region_code": "510107", "name": "周调解"})
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        service.change_status(s, scope_of(env, "wuhou_officer"), mediator, "suspend", "外出学习")
        service.change_status(s, scope_of(env, "wuhou_officer"), mediator, "reinstate", "")
        add_investigator(s, scope_of(env, "wuhou_officer"), name="卫调查官", organization="某研究院",
                         kind="technical_investigator", ipc_fields="H01M", prior_parties="某公司")
    export_workflow(env.engine, env.app.state.procedures.registry, env.settings.data_dir)  # type: ignore[arg-type]
    today = china_date(utcnow()).isoformat()
    sign_in(page, "wuhou_officer")
    for lang in ("zh", "en"):
        page.goto(f"/talent/people/{mediator}?lang={lang}")
        rows = page.inner_text("#person-history")
        assert ("外出学习" in rows) and (("已暂停" in rows) if lang == "zh" else ("Suspended" in rows)), rows
        page.screenshot(path=str(artifacts_dir / f"talent-history-{lang}.png"), full_page=True)
        page.goto(f"/regions/510107/indicators?as_of={today}&lang={lang}")
        row = page.inner_text("tr[data-code=talent_in_library]")
        assert "2" in row, row
        # the picture shows the library's rows only (the page lists every indicator)
        page.evaluate("document.querySelectorAll('#all-indicators tbody tr:not([data-code^=talent_])')"
                      ".forEach(r => r.remove())")
        page.screenshot(path=str(artifacts_dir / f"talent-figures-{lang}.png"), full_page=True)
        page.goto(f"/regions/510107/indicators/talent_in_library/records?as_of={today}&lang={lang}")
        records = page.inner_text("main")
        assert "周调解" in records and "卫调查官" in records, records
        page.screenshot(path=str(artifacts_dir / f"talent-records-{lang}.png"), full_page=True)
        page.goto(f"/protection/investigators?lang={lang}")
        roster = page.inner_text("#roster")
        assert "卫调查官" in roster and ("技术调查官" if lang == "zh" else "Technical investigator") in roster, roster
        page.screenshot(path=str(artifacts_dir / f"talent-roster-{lang}.png"), full_page=True)


def test_the_directory_reads_on_a_phone(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the directory's columns gave way to the phone number: an organization, a district and an industry
    chain stood one character a line. Each person's row stacks now, every cell shown a line as wide as the screen."""
    enter(env, "jinjiang_officer", JINJIANG_MEDIATOR)
    sign_in(page, "jinjiang_officer", then="/talent")
    page.set_viewport_size({"width": 390, "height": 844})
    for lang in ("zh", "en"):
        page.goto(f"/talent?lang={lang}")
        page.screenshot(path=str(artifacts_dir / f"talent-directory-phone-{lang}.png"), full_page=True)
        widths = page.evaluate("""[...document.querySelectorAll('#talent-people tbody td')].filter(c => c.getClientRects().length)
            .map(c => c.getBoundingClientRect().width)""")  # an empty cell is not shown
        assert widths and min(widths) >= 60, (lang, widths)
        assert page.evaluate("document.documentElement.scrollWidth") <= 391, lang


#: the inputs of the page whose placeholder is wider than their box (name, placeholder, px needed, px there)
CUT_PLACEHOLDERS = """() => {
  const ctx = document.createElement('canvas').getContext('2d');
  return [...document.querySelectorAll('input[placeholder]')].filter(e => e.getBoundingClientRect().width).map(e => {
    const cs = getComputedStyle(e); ctx.font = cs.font;
    return [e.name, e.placeholder, Math.ceil(ctx.measureText(e.placeholder).width),
            Math.floor(e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight))];
  }).filter(([, , need, have]) => need > have);
}"""


def test_the_certificate_numbers_read_whole_on_a_phone(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the certificate-number box beside each kind was narrower than its placeholder ('Certificate nu…',
    资格证书编号 at the edge): on the application and on the officer's entry form it now stands under its kind, as
    wide as the form, and every placeholder reads whole — in Chinese and English, and at 1280 px too."""
    for who, url, kinds in (("ent_user", "/talent/apply", "#apply-kinds"), ("wuhou_officer", "/talent", "#enter-kinds")):
        sign_in(page, who, then=f"{url}?lang=zh")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for lang in ("zh", "en"):
                page.goto(f"{url}?lang={lang}")
                if url == "/talent":
                    page.click("#enter summary")  # the officer's entry form
                assert len(page.query_selector_all("input[name^=cert_]")) == 6, (url, lang)
                assert page.evaluate(CUT_PLACEHOLDERS) == [], (url, lang, width)
                assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (url, lang, width)
                page.locator(kinds).screenshot(path=str(artifacts_dir / f"talent-kinds-{who}-{width}-{lang}.png"))
