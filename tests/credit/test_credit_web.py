"""The credit pages and API through the real app: the public list and its API, the officers' pages,
the subject's own listing and its refused repair (the message beside the field), the start form's
errors beside the field, scope between districts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.credit.helpers import first_declaration
from tests.helpers import whole_dates
from tests.procedures.helpers import at, filed_under_earlier
from zhichan.credit.service import PROCEDURE
from zhichan.errors import FormError
from zhichan.platform.db import session_scope
from zhichan.platform.models import User
from zhichan.platform.orgs import scope_for_user
from zhichan.settings import Settings
from zhichan.web.testing import (
    WUHOU_ENTERPRISE,
    WebEnv,
    client_for,
    csrf_from,
    make_env,
)

D = dt.date
PROPOSAL = {"subject": WUHOU_ENTERPRISE, "credit_code": "91510100MA61R5XA24", "ground": "从事非正常专利申请行为",
            "facts": "提交非正常专利申请 120 件"}


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def _scope(s: Any, username: str) -> Any:
    from sqlalchemy import select

    return scope_for_user(s, s.scalars(select(User).where(User.username == username)).one())


def listed_case(env: WebEnv, *, subject: str = WUHOU_ENTERPRISE, who: str = "wuhou_officer",
                leader: str = "cd_leader", publish: bool = True,
                earlier: Callable[[dict[str, Any]], None] | None = None) -> int:
    """A listing decided on 13 October 2026 (the period for statements after the notice of 29 September
    ends on 12 October across National Day) and published the next day: in force until 13 October 2027.
    ``earlier``: the case opened under an earlier declaration, as this edits the current one."""
    service = env.app.state.procedures  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        case = service.start(s, _scope(s, who), PROCEDURE, fields={**PROPOSAL, "subject": subject},
                             now=at(D(2026, 9, 28)))
    if earlier is not None:
        filed_under_earlier(env.engine, case["id"], earlier)  # type: ignore[arg-type]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        case = service.act(s, _scope(s, who), case["id"], "notify", version=1, fields={"notice_number": "告〔2026〕1号"},
                           now=at(D(2026, 9, 29)))
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        case = service.act(s, _scope(s, leader), case["id"], "decide", version=case["version"],
                           fields={"decision_number": "成知信〔2026〕7号"}, now=at(D(2026, 10, 13)))
        if publish:
            service.act(s, _scope(s, who), case["id"], "publish", version=case["version"], fields={},
                        now=at(D(2026, 10, 14)))
    return int(case["id"])


def test_the_public_list_and_its_api(env: WebEnv) -> None:
    listed_case(env)
    anonymous = env.client()
    page = anonymous.get("/credit/listings")
    assert page.status_code == 200 and WUHOU_ENTERPRISE in page.text and "成知信〔2026〕7号" in page.text
    assert "2027-10-13" in page.text
    api = anonymous.get("/api/v1/credit/listings?per_page=1").json()
    assert api["total"] == 1 and api["items"][0]["listed_until"] == "2027-10-13"
    assert api["items"][0]["ground"] == "abnormal_filing" and "case_id" not in api["items"][0]
    assert anonymous.get("/api/v1/credit/listings?per_page=0").status_code == 422
    assert anonymous.get("/api/v1/credit/listings?page=2&per_page=1").json()["items"] == []
    assert anonymous.get("/credit/manage", follow_redirects=False).status_code in (303, 401)


def test_officers_see_their_area_and_the_subject_its_own(env: WebEnv) -> None:
    case_id = listed_case(env)
    wuhou = client_for(env, "wuhou_officer")
    assert WUHOU_ENTERPRISE in wuhou.get("/credit/manage").text
    assert f"/cases/{case_id}" in wuhou.get("/credit/manage").text
    jinjiang = client_for(env, "jinjiang_officer")
    assert WUHOU_ENTERPRISE not in jinjiang.get("/credit/manage").text
    assert jinjiang.get(f"/cases/{case_id}").status_code == 404
    ent = client_for(env, "ent_user")
    mine = ent.get("/credit/mine")
    # decided on 13 October 2026: six months run to 13 April 2027, repair may be asked for from the 14th
    assert mine.status_code == 200 and "成知信〔2026〕7号" in mine.text and "2027-04-14" in mine.text
    other = client_for(env, "ent2_user")
    assert "成知信〔2026〕7号" not in other.get("/credit/mine").text
    assert other.get(f"/cases/{case_id}").status_code == 404
    # before six months the case page does not offer repair (it did, and the hook refused it): it says from when
    for lang, opens in (("zh", "2027-04-14 起可办理：申请信用修复"), ("en", "From 2027-04-14: Request credit repair")):
        page = ent.get(f"/cases/{case_id}?lang={lang}")
        assert page.status_code == 200 and "action-request_repair" not in page.text, lang
        assert opens in whole_dates(page.text).split('id="clocks"', 1)[1].split("</table>", 1)[0], lang
    # nor does it remove the listing before the term's end, to an administrator
    admin = client_for(env, "root")
    removal = whole_dates(admin.get(f"/cases/{case_id}?lang=en").text)
    assert "action-expire" not in removal and "Can be taken from 2027-10-14" in removal.split('id="held-expire">', 1)[1]
    assert ">1 year</td>" in removal and ">6 months</td>" in removal and "1 years" not in removal  # "1 years" it said
    # the case is titled in the page's language: the subject and the ground (the stored title stayed Chinese), the
    # ground worded as the public list words it
    heading = removal.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading.endswith(f"{WUHOU_ENTERPRISE} · Abnormal patent applications"), heading
    listed = env.client().get("/credit/listings?lang=en").text
    assert "Abnormal patent applications" in listed.split('id="listings"', 1)[1]
    # a request sent anyway is refused with the day, the input kept
    refused = ent.post(f"/cases/{case_id}/act/request_repair?lang=zh",
                       data={"csrf_token": csrf_from(page.text), "version": "4", "measures": "已全部撤回"})
    assert refused.status_code == 422
    assert "2027-04-14 起方可办理此步骤" in refused.text and "已全部撤回" in refused.text


def test_the_proposal_form_answers_beside_the_field(env: WebEnv) -> None:
    officer = client_for(env, "wuhou_officer")
    form = officer.get(f"/procedures/{PROCEDURE}/new")
    assert form.status_code == 200 and "陈述申辩期" in form.text
    bad = officer.post(f"/procedures/{PROCEDURE}/new", data={"csrf_token": csrf_from(form.text), **PROPOSAL,
                                                              "credit_code": "91510100MA61R5XA2X"})
    assert bad.status_code == 422 and 'id="start-credit_code-error"' in bad.text and "统一社会信用代码无效" in bad.text
    ok = officer.post(f"/procedures/{PROCEDURE}/new", data={"csrf_token": csrf_from(form.text), **PROPOSAL},
                      follow_redirects=False)
    assert ok.status_code == 303


def _agency_user(env: WebEnv, name: str) -> None:
    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Organization, OrgKind, Role
    from zhichan.platform.orgs import create_org
    from zhichan.web.testing import PASSWORD

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        from sqlalchemy import select

        wuhou = s.scalars(select(Organization).where(Organization.name == "武侯区知识产权局")).one()
        org = create_org(s, name, OrgKind.AGENCY, "510107", wuhou)
        create_user(s, username="agency_user", password=PASSWORD, role=Role.AGENCY_USER, org=org)


def test_agency_pages_their_form_errors_and_the_agency_users_own_file(env: WebEnv) -> None:
    officer = client_for(env, "wuhou_officer")
    page = officer.get("/credit/agencies")
    token = csrf_from(page.text)
    # the region is chosen by name from the officer's area (it asked for a code)
    assert '<select id="agency-region_code" name="region_code"><option value="">请选择</option>' in page.text
    assert "武侯区（510107）" in page.text
    assert "Wuhou District (510107)" in client_for(env, "wuhou_officer").get("/credit/agencies?lang=en").text
    bad = officer.post("/credit/agencies", data={"csrf_token": token, "name": "武侯甲专利代理所",
                                                 "credit_code": "123", "region_code": "510104"})
    assert bad.status_code == 422
    assert 'id="agency-credit_code-error"' in bad.text and 'id="agency-region_code-error"' in bad.text
    assert 'value="武侯甲专利代理所"' in bad.text  # the input is kept
    made = officer.post("/credit/agencies", data={"csrf_token": token, "name": "武侯甲专利代理所",
                                                  "region_code": "510107", "agents": "王五;赵六"},
                        follow_redirects=False)
    assert made.status_code == 303
    own_url = made.headers["location"]
    other = officer.post("/credit/agencies", data={"csrf_token": token, "name": "武侯乙专利代理所",
                                                   "region_code": "510107"}, follow_redirects=False)
    other_url = other.headers["location"]
    bad_item = officer.post(f"{own_url}/items", data={"csrf_token": token, "item": "complaint_upheld",
                                                      "occurred_on": "2026-13-01", "reference": "投诉1号"})
    assert bad_item.status_code == 422 and 'id="item-occurred_on-error"' in bad_item.text
    assert officer.post(f"{own_url}/items", data={"csrf_token": token, "item": "complaint_upheld", "source": "complaint",
                                                  "occurred_on": "2026-11-02", "reference": "投诉1号"},
                        follow_redirects=False).status_code == 303
    file = officer.get(own_url)
    assert 'id="agency-score">90<' in file.text and 'id="agency-grade">A<' in file.text and "投诉1号" in file.text
    # the agency's region is named in the page's language (the list and the file showed only its code)
    assert ">武侯区</td>" in officer.get("/credit/agencies").text
    assert ">Wuhou District</td>" in officer.get("/credit/agencies", params={"lang": "en"}).text
    assert 'Wuhou District <span class="muted">510107</span>' in officer.get(own_url, params={"lang": "en"}).text
    officer.get("/credit/agencies", params={"lang": "zh"})
    assert client_for(env, "jinjiang_officer").get(own_url).status_code == 404
    _agency_user(env, "武侯甲专利代理所")
    agency = client_for(env, "agency_user")
    assert agency.get("/credit/agencies", follow_redirects=False).headers["location"] == own_url
    assert "投诉1号" in agency.get(own_url).text and "item-form" not in agency.get(own_url).text
    assert agency.get(other_url).status_code == 404
    assert agency.get(f"/api/v1{own_url}").json()["score"] == 90
    assert agency.post(f"{own_url}/items", data={"csrf_token": csrf_from(agency.get(own_url).text),
                                                 "item": "complaint_upheld", "occurred_on": "2026-11-02"}
                       ).status_code == 403
    # the periodic list is published by a leader and read by anyone
    leader = client_for(env, "cd_leader")
    published = leader.post("/credit/agencies/publish", data={"csrf_token": csrf_from(leader.get("/credit/agencies").text)},
                            follow_redirects=False)
    assert published.status_code == 303
    # reading the snapshot's agencies into the registry is the platform's job: a city's leader has no button for it
    # (the address refuses), the administrator's button leads to the jobs page, which lists the job
    agencies_page = leader.get("/credit/agencies").text
    assert 'id="publish-agencies"' in agencies_page and 'id="seed-agencies"' not in agencies_page
    assert 'id="publish-agencies"' not in officer.get("/credit/agencies").text
    assert leader.post("/credit/agencies/seed", data={"csrf_token": csrf_from(agencies_page)}).status_code == 403
    root = client_for(env, "root")
    seeded = root.post("/credit/agencies/seed", data={"csrf_token": csrf_from(root.get("/credit/agencies").text)})
    assert seeded.status_code == 200 and str(seeded.url).endswith("/jobs") and "从语料登记专利代理机构" in seeded.text
    public = env.client().get("/api/v1/credit/agency-list").json()
    assert sorted((a["name"], a["score"], a["grade"]) for a in public["agencies"]) == \
        sorted([("武侯乙专利代理所", 100, "A+"), ("武侯甲专利代理所", 90, "A")])
    listing = env.client().get("/credit/agency-list").text
    assert "投诉1号" in listing and "范围 成都市（510100）" in listing  # the area by its name, not a bare code
    assert "area Chengdu (510100)" in env.client().get("/credit/agency-list", params={"lang": "en"}).text
    # an agency the platform knows by an English name reads so on the English list (it was the published Chinese
    # name), its legal name below; the Chinese list and the published record as they were
    from sqlalchemy import update

    from zhichan.platform.models import Organization

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.execute(update(Organization).where(Organization.name == "武侯甲专利代理所").values(name_en="Wuhou Jia Patent Agency"))
    english = env.client().get("/credit/agency-list", params={"lang": "en"}).text.split('id="agency-list"')[1]
    assert 'Wuhou Jia Patent Agency<span class="legal-name muted small" lang="zh-CN">武侯甲专利代理所</span>' in english
    assert "Wuhou Jia" not in env.client().get("/credit/agency-list", params={"lang": "zh"}).text
    assert "武侯甲专利代理所" in [a["name"] for a in env.client().get("/api/v1/credit/agency-list").json()["agencies"]]


def test_inspection_pages_answer_beside_the_field_and_publish(env: WebEnv) -> None:
    leader = client_for(env, "cd_leader")
    token = csrf_from(leader.get("/credit/agencies").text)
    leader.post("/credit/agencies", data={"csrf_token": token, "name": "武侯甲专利代理所", "region_code": "510107"})
    bad = leader.post("/credit/inspections", data={"csrf_token": token, "title": "抽查", "target_count": "abc",
                                                   "inspectors_per_target": "1"})
    assert bad.status_code == 422 and 'id="inspection-target_count-error"' in bad.text
    made = leader.post("/credit/inspections", data={"csrf_token": token, "title": "第四季度抽查", "seed": "20261204",
                                                    "target_count": "1", "inspectors_per_target": "1"},
                       follow_redirects=False)
    url = made.headers["location"]
    assert env.client().get(url).status_code == 404  # not public before publication
    record = leader.get(f"/api/v1{url}").json()
    target = record["draw"][0]["target"]
    assert leader.post(f"{url}/results", data={"csrf_token": token, "target": target, "finding": "problem"}
                       ).status_code == 422
    assert leader.post(f"{url}/results", data={"csrf_token": token, "target": target, "finding": "ok"},
                       follow_redirects=False).status_code == 303
    assert leader.post(f"{url}/publish", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    public = env.client().get(f"/api/v1{url}").json()
    assert public["seed"] == "20261204" and public["published_on"] is not None
    from zhichan.credit.draws import redraw

    assert redraw(public) == public["draw"]


def test_the_job_runner_ends_terms_and_publishes_the_agency_list(env: WebEnv) -> None:
    """The app's periodic checks: a listing decided on 14 October 2025 ran until 14 October 2026 and is
    ended by the check; the first agency list is published when none exists."""
    service = env.app.state.procedures  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        case = service.start(s, _scope(s, "wuhou_officer"), PROCEDURE, fields=PROPOSAL, now=at(D(2025, 9, 26)))
        case = service.act(s, _scope(s, "wuhou_officer"), case["id"], "notify", version=1,
                           fields={"notice_number": "告〔2025〕1号"}, now=at(D(2025, 9, 29)))
        case = service.act(s, _scope(s, "cd_leader"), case["id"], "decide", version=case["version"],
                           fields={"decision_number": "成知信〔2025〕1号"}, now=at(D(2025, 10, 14)))
    checks = {p.name: p.check for p in env.app.state.jobs.periodic()}  # type: ignore[attr-defined]
    from sqlalchemy import func, select

    from zhichan.credit.agencies import register_agency
    from zhichan.credit.models import AgencyPublication

    checks["credit.expire"](env.engine)
    checks["credit.publish_agencies"](env.engine)  # the registry is empty: nothing to publish yet
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert s.scalar(select(func.count()).select_from(AgencyPublication)) == 0
        register_agency(s, _scope(s, "wuhou_officer"), {"name": "成都天府专利代理事务所（普通合伙）", "region_code": "510107"})
    checks["credit.publish_agencies"](env.engine)
    officer = client_for(env, "wuhou_officer")
    assert officer.get(f"/api/v1/cases/{case['id']}").json()["case"]["state"] == "expired"
    assert env.client().get("/api/v1/credit/agency-list").status_code == 200
    checks["credit.publish_agencies"](env.engine)  # not due again the same day
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert s.scalar(select(func.count()).select_from(AgencyPublication)) == 1


def test_a_published_list_of_no_agency_says_why_it_is_empty(env: WebEnv) -> None:
    """A list published for an area with no registered agency showed its headings over no row: it says why, in the
    page's language, as a row across its columns."""
    from sqlalchemy import select

    from zhichan.credit.agencies import parse_cutoffs, publish
    from zhichan.platform.models import Organization

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        root = s.scalars(select(Organization).where(Organization.parent_id.is_(None)).order_by(Organization.id)).first()
        publish(s, root, as_of=dt.date(2026, 3, 1), cutoffs=parse_cutoffs("A+:95,A:85,B:70,C:60"))
    client = env.client()
    body = client.get("/credit/agency-list?lang=zh").text.split('id="agency-list"', 1)[1].split("</table>", 1)[0]
    assert '<td colspan="5" class="muted" id="agency-list-empty" data-empty="none">本次公示时，范围内没有登记的专利代理机构。</td>' in body
    english = client.get("/credit/agency-list?lang=en").text
    assert ">No patent agency was registered in the area when this list was published.</td>" in english


def test_a_new_snapshot_is_seeded_into_the_registry_once(env: WebEnv) -> None:
    from sqlalchemy import select

    from zhichan.platform.models import Job, JobStatus

    checks = {p.name: p.check for p in env.app.state.jobs.periodic()}  # type: ignore[attr-defined]
    checks["credit.seed_agencies"](env.engine)
    checks["credit.seed_agencies"](env.engine)  # the same snapshot: nothing more
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert len(s.scalars(select(Job).where(Job.kind == "credit.seed_agencies")).all()) == 1
    assert env.app.state.jobs.run_one(env.engine)  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        job = s.scalars(select(Job).where(Job.kind == "credit.seed_agencies")).one()
        assert job.status == JobStatus.SUCCEEDED, job.message
    checks["credit.seed_agencies"](env.engine)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert len(s.scalars(select(Job).where(Job.kind == "credit.seed_agencies")).all()) == 1


def test_a_listing_opened_under_the_first_declaration_offers_repair_and_removal_on_their_days(env: WebEnv) -> None:
    """A case opened under the first declaration has no declared terms: its page offered 申请信用修复 from the
    decision on (and put it on the subject's to-do list), the administrator's 管理期满移出 too, and the hook refused
    both. The days now come from the listing's dates through the same terms, and the page, the to-do list and the
    step agree: not before 14 April / 14 October 2027, and the page says so."""
    from zhichan.credit.models import CreditListing
    from zhichan.procedures.models import Case, CaseClock

    case_id = listed_case(env, earlier=first_declaration)
    service = env.app.state.procedures  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        case = s.get(Case, case_id)
        assert case is not None and case.state == "listed"
        assert {c.name for c in s.query(CaseClock).filter(CaseClock.case_id == case_id)} == {"statements"}  # no terms
        listing = s.query(CreditListing).filter(CreditListing.case_id == case_id).one()
        assert (listing.listed_from, listing.listed_until) == (D(2026, 10, 13), D(2027, 10, 13))
    ent = client_for(env, "ent_user")
    for lang, opens in (("zh", "申请信用修复 · 可于 2027-04-14 起办理"), ("en", "Request credit repair · Can be taken from 2027-04-14")):
        page = ent.get(f"/cases/{case_id}?lang={lang}")
        assert page.status_code == 200 and "action-request_repair" not in page.text, lang
        held = whole_dates(page.text).split('id="held-request_repair">', 1)[1].split("</p>", 1)[0]
        assert opens == " ".join(re.sub(r"<[^>]+>", "", held).split()), lang
    assert "2027-04-14" in ent.get("/credit/mine").text
    admin = client_for(env, "root")
    removal = whole_dates(admin.get(f"/cases/{case_id}?lang=en").text)
    assert "action-expire" not in removal and "Can be taken from 2027-10-14" in removal.split('id="held-expire">', 1)[1]
    # a request sent anyway is refused by the engine with the day, the input kept
    refused = ent.post(f"/cases/{case_id}/act/request_repair?lang=zh",
                       data={"csrf_token": csrf_from(page.text), "version": "4", "measures": "已全部撤回"})
    assert refused.status_code == 422
    assert "2027-04-14 起方可办理" in refused.text and "已全部撤回" in refused.text
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        # the to-do list agrees: the removal is the administrator's from the day after the term; the subject's
        # request, a step nobody waits for, is on no list — under that declaration too, whose states do not say
        # whom they await, the current one's do (a listed case awaits the administrator)
        for day in (D(2027, 4, 13), D(2027, 4, 14)):
            items = service.todo(s, _scope(s, "ent_user"), today=day)["items"]
            assert case_id not in {i["id"] for i in items}, day
        for day, listed in ((D(2027, 10, 13), False), (D(2027, 10, 14), True)):
            items = service.todo(s, _scope(s, "root"), today=day, area=True)["items"]
            assert (case_id in {i["id"] for i in items}) is listed, day
    with pytest.raises(FormError) as early, session_scope(env.engine) as s:  # type: ignore[arg-type]
        service.act(s, _scope(s, "ent_user"), case_id, "request_repair", version=4,
                    fields={"measures": "已全部撤回"}, now=at(D(2027, 4, 13)))
    assert "2027-04-14" in early.value.errors["_clock"]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        done = service.act(s, _scope(s, "ent_user"), case_id, "request_repair", version=4,
                           fields={"measures": "已全部撤回"}, now=at(D(2027, 4, 14)))
        assert done["state"] == "repair_requested"
