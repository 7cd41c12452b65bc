"""A patent's page in the browser: on an English page the first applicant's English name has its legal (Chinese) name
on a line under it, and the link to its enterprise page followed that line on a line of its own ("· Enterprise page"
under the name at 1280 px); the link stays beside the name, at any width."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import sign_in
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, make_env

pytestmark = pytest.mark.browser

APPLICANT = "成都瑞博科技有限公司"
MADE = patent(serial=911, title="合成电池", application_date="2021-05-01", applicants=[APPLICANT],
              current_patentees=[APPLICANT], region_code="510107", synthetic=True)


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, search_index=False)
    build_snapshot(settings.data_dir, patents=[MADE])
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def test_the_enterprise_link_stays_beside_the_applicants_name(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"/patents/{MADE['application_number']}"
    sign_in(page, "cd_leader", then=f"{url}?lang=en")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for lang in ("en", "zh"):
            page.goto(f"{url}?lang={lang}")
            name = page.locator("#patent-applicants a.applicant-search").first
            link = page.locator("#enterprise-link")
            assert link.is_visible()
            if lang == "en":
                assert name.inner_text() == "Chengdu Ruibo Technology Co., Ltd."
                assert page.locator("#patent-applicants .legal-name").inner_text() == APPLICANT
            named, linked = name.bounding_box(), link.bounding_box()
            assert named is not None and linked is not None
            # on the name's (last) line, not a line below it
            assert abs((named["y"] + named["height"]) - (linked["y"] + linked["height"])) < 4, (width, lang, named, linked)
            page.screenshot(path=str(artifacts_dir / f"patent-enterprise-link-{lang}-{width}.png"), full_page=True)
