"""The demo's synthetic credit listing: made through the real procedure (notice, the period for statements,
decision, publication) once per database, in force today, and shown on the public list with the synthetic badge
in both languages — the demo's public list was empty."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from zhichan.credit import demo
from zhichan.credit.models import CreditListing
from zhichan.platform.db import session_scope
from zhichan.procedures.models import Case, Step
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, make_env

pytestmark = pytest.mark.one_database("the listing's steps run on both databases in tests/credit/test_listing_procedure.py")


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def test_the_demo_lists_a_synthetic_subject_through_the_real_rules(env: WebEnv) -> None:
    from zhichan.credit.service import declared_listing, measures_end
    from zhichan.evidence.service import utcnow
    from zhichan.legaltime import add_working_days, china_date
    from zhichan.procedures.models import CaseClock

    service = env.app.state.procedures  # type: ignore[attr-defined]
    today = china_date(utcnow())
    assert demo.seed(env.engine, service) == 1
    assert demo.seed(env.engine, service) == 0  # once per database
    with session_scope(env.engine) as s:
        listing = s.scalars(select(CreditListing)).one()
        case = s.get(Case, listing.case_id)
        assert case is not None and case.synthetic and case.state == "listed"
        steps = dict(s.execute(select(Step.event, Step.at).where(Step.case_id == case.id)).all())
        statements = s.scalars(select(CaseClock.due_on).where(CaseClock.case_id == case.id,
                                                             CaseClock.name == "statements")).one()
    # the period for statements (5 working days from the notice) ran out before the decision, the working day after
    assert list(steps) == ["start", "notify", "decide", "publish"]
    assert statements == add_working_days(china_date(steps["notify"]), 5)
    assert china_date(steps["decide"]) == add_working_days(statements, 1) == listing.listed_from
    assert listing.published_on == china_date(steps["publish"]) == add_working_days(listing.listed_from, 1) <= today
    assert listing.listed_until == measures_end(listing.listed_from, declared_listing(listing.region_code)) > today  # in force: one year from the decision
    assert listing.subject.startswith("【合成】")
    anon = env.client()
    chinese, english = demo.SUBJECT.replace("【合成】", ""), "Chengdu Example Patent Agency Co., Ltd."
    for lang, badge, subject, other in (("zh", "合成数据", chinese, english), ("en", "Synthetic data", english, chinese)):
        page = anon.get("/credit/listings", params={"lang": lang}).text
        row = page.split('id="listings"', 1)[1].split("</tr>", 2)[1]
        # the subject's 【合成】 mark is shown as the badge, not beside it (it read "【合成】… 合成数据"); the demo's
        # fictional agency in the page's language (English pages showed its Chinese name)
        assert subject in row and other not in row and badge in row and "【合成】" not in row, (lang, row)
        assert api_title(env, case.id, lang) == f"【合成】{subject} · " + ("从事非正常专利申请行为" if lang == "zh"
                                                                        else "Abnormal patent applications")
    api = anon.get("/api/v1/credit/listings").json()
    assert [(i["subject"], i["synthetic"]) for i in api["items"]] == [(demo.SUBJECT, True)]


def api_title(env: WebEnv, case_id: int, lang: str) -> str:
    """The listing case's title as the officers' case page gives it (the city's leader)."""
    from zhichan.web.testing import login_as

    leader = env.client()
    login_as(leader, env.engine, "cd_leader")
    return str(leader.get(f"/api/v1/cases/{case_id}", params={"lang": lang}).json()["case"]["title"])
