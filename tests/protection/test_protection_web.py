"""Complaints through the real app: the public form (anonymous and named), invalid values answered
beside the field, the right checked against the corpus, duplicates shown to the officer, triage to
adjudication opening a linked case, parties' scope, and the public seeing published decisions only."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.procedures.helpers import PDF
from zhichan.procedures.models import Case
from zhichan.settings import Settings
from zhichan.web.testing import WUHOU_ENTERPRISE, TestClient, WebEnv, csrf_from, login_as, make_env


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def wuhou_office(client: TestClient) -> str:
    page = client.get("/protection/complaints/new")
    found = re.search(r'<option value="(\d+)">武侯区知识产权局', page.text)
    assert found, page.text[:2000]
    return found.group(1)


def complaint(env: WebEnv, **extra: str) -> dict[str, str]:
    return {"kind": "投诉", "reporter": WUHOU_ENTERPRISE, "contact": "028-12345678", "patent_number": env.numbers["wuhou"],
            "respondent": "某某电子商行", "target_kind": "网站或网店", "target": "https://shop.example.invalid/item/1",
            "facts": "销售侵权产品", **extra}


def file(client: TestClient, data: dict[str, str]) -> object:
    page = client.get("/protection/complaints/new")
    return client.post("/protection/complaints/new", data={"csrf_token": csrf_from(page.text), **data},
                       files={"extra": ("证据.pdf", PDF, "application/pdf")}, follow_redirects=False)


def filed_by_the_enterprise(env: WebEnv) -> tuple[int, TestClient]:
    """A complaint the Wuhou enterprise files, and a client signed in as the Wuhou officer who handles it."""
    party = env.client()
    login_as(party, env.engine, "ent_user")
    filed = file(party, complaint(env))
    officer = env.client()
    login_as(officer, env.engine, "wuhou_officer")
    return int(filed.headers["location"].rsplit("/", 1)[1]), officer  # type: ignore[attr-defined]


def test_triage_to_adjudication_refuses_a_day_known_in_the_future(env: WebEnv) -> None:
    """The adjudication a triage opens refuses a day to come beside the triage's field, the complaint left as it was
    and the values typed kept (it opened the case, "within three years" of that day)."""
    case_id, officer = filed_by_the_enterprise(env)
    token = csrf_from(officer.get(f"/cases/{case_id}").text)
    disputes = select(func.count()).select_from(Case).where(Case.procedure == "protection.patent_dispute")
    with Session(env.engine) as s:
        before = s.scalar(disputes)
    later = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    bad = officer.post(f"/cases/{case_id}/act/to_adjudication", data={
        "csrf_token": token, "version": "1", "requester_role": "专利权人", "court_suit": "否", "known_on": later,
        "continuing": "是"})
    assert bad.status_code == 422 and 'id="to_adjudication-known_on-error"' in bad.text
    assert "知道侵权之日不能晚于今天" in bad.text and f'value="{later}"' in bad.text
    with Session(env.engine) as s:
        assert s.scalar(select(Case.state).where(Case.id == case_id)) == "received"
        assert s.scalar(disputes) == before


def test_public_form_answers_invalid_values_beside_the_field(env: WebEnv) -> None:
    anon = env.client()
    office = wuhou_office(anon)
    # the office is chosen like every other choice of the form (its first option was blank)
    form = anon.get("/protection/complaints/new", params={"lang": "zh"}).text
    assert 'name="handling_org"><option value="">请选择</option>' in form
    # in English the offices' long names are radio buttons (a closed select cut them at phone width), none chosen
    form = anon.get("/protection/complaints/new", params={"lang": "en"}).text
    group = form.split('<fieldset class="choices" id="start-handling_org">', 1)[1].split("</fieldset>", 1)[0]
    assert "<legend>Office *</legend>" in group and "Wuhou District Intellectual Property Administration" in group
    assert 'name="handling_org" value="' in group and "checked" not in group
    deadlines = re.split(r'<table class="list" id="start-deadlines"[^>]*>', form, maxsplit=1)[1].split("</table>", 1)[0]
    assert "<th>Deadline</th>" in deadlines and ">Decision on acceptance</td>" in deadlines  # under column names
    # a complainant is told within the acceptance's 7 working days, a named reporter within 5 of the decision (the
    # form said 5 beside 第十四条's complainant)
    form = anon.get("/protection/complaints/new", params={"lang": "zh"}).text
    deadlines = re.split(r'<table class="list" id="start-deadlines"[^>]*>', form, maxsplit=1)[1].split("</table>", 1)[0]
    rows = [re.sub(r"\|+", "|", re.sub(r"<[^>]+>", "|", r.split(">", 1)[1])).strip("|\n ") for r in deadlines.split("<tr")[2:]]
    assert any(r.startswith("告知投诉人|7个工作日|") and "第十四条" in r for r in rows), rows
    assert any(r.startswith("告知实名举报人|5个工作日|") and "第三十一条" in r for r in rows), rows
    anon.get("/protection/complaints/new", params={"lang": "zh"})
    bad = file(anon, complaint(env, reporter="", contact="", patent_number="CN202310000001.X", handling_org=office))
    assert bad.status_code == 422  # type: ignore[attr-defined]
    text = bad.text  # type: ignore[attr-defined]
    for field in ("reporter", "contact"):
        assert f'id="start-{field}-error"' in text
    assert 'value="某某电子商行"' in text  # the input kept
    bad = file(anon, complaint(env, patent_number="CN202310000001.X", handling_org=office))
    assert bad.status_code == 422 and 'id="start-patent_number-error"' in bad.text  # type: ignore[attr-defined]
    unknown = file(anon, complaint(env, patent_number="CN202310000001.5", handling_org=office))
    assert unknown.status_code == 422 and "未找到专利" in unknown.text  # type: ignore[attr-defined]
    nowhere = file(anon, complaint(env))
    assert nowhere.status_code == 422 and 'id="start-handling_org-error"' in nowhere.text  # type: ignore[attr-defined]
    ok = file(anon, complaint(env, kind="举报", reporter="", contact="", handling_org=office))
    assert ok.status_code == 201 and "TS-" in ok.text  # type: ignore[attr-defined]


def test_triage_to_adjudication_duplicates_and_scope(env: WebEnv) -> None:
    party = env.client()
    login_as(party, env.engine, "ent_user")
    form = party.get("/protection/complaints/new").text
    assert 'id="own-office"' in form and "武侯区知识产权局" in form and 'name="handling_org"' not in form
    first = file(party, complaint(env, handling_org="1"))  # an enterprise files with its own bureau, whatever is sent
    assert first.status_code == 303  # type: ignore[attr-defined]
    case_id = int(first.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]
    second = file(party, complaint(env, respondent=" 某某电子商行 "))
    second_id = int(second.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]
    officer = env.client()
    login_as(officer, env.engine, "wuhou_officer")
    page = officer.get(f"/cases/{second_id}")
    assert page.status_code == 200 and 'id="duplicates"' in page.text and f"/cases/{case_id}" in page.text
    assert "为专利权人" in page.text  # the right checked against the corpus
    token = csrf_from(page.text)
    bad = officer.post(f"/cases/{case_id}/act/to_adjudication", data={"csrf_token": token, "version": "1",
                                                                      "requester_role": "普通许可"})
    assert bad.status_code == 422 and 'id="to_adjudication-requester_role-error"' in bad.text
    assert 'id="to_adjudication-known_on-error"' in bad.text
    moved = officer.post(f"/cases/{case_id}/act/to_adjudication", data={
        "csrf_token": token, "version": "1", "requester_role": "专利权人", "court_suit": "否", "known_on": "2026-11-02",
        "continuing": "是"}, follow_redirects=False)
    assert moved.status_code == 303, moved.text
    page = officer.get(f"/cases/{case_id}")
    linked = re.search(r'id="linked-case" href="/cases/(\d+)"', page.text)
    assert linked is not None
    dispute = officer.get(f"/cases/{linked.group(1)}")
    assert dispute.status_code == 200 and "已收到请求" in dispute.text and "请求书.pdf" in dispute.text
    assert "在三年时效内" in dispute.text
    # the duplicate goes to mediation: a mediation case opens, its request generated from the complaint
    to_mediation = officer.post(f"/cases/{second_id}/act/to_mediation", data={"csrf_token": token, "version": "1"},
                                follow_redirects=False)
    assert to_mediation.status_code == 303, to_mediation.text
    mediation = re.search(r'id="linked-case" href="/cases/(\d+)"', officer.get(f"/cases/{second_id}").text)
    assert mediation is not None
    page = officer.get(f"/cases/{mediation.group(1)}")
    assert "专利纠纷行政调解" in page.text and "调解请求书.pdf" in page.text
    # the party follows both cases; another enterprise and another district do not see them
    assert party.get(f"/cases/{linked.group(1)}").status_code == 200
    for username in ("ent2_user", "jinjiang_officer"):
        other = env.client()
        login_as(other, env.engine, username)
        assert other.get(f"/cases/{linked.group(1)}").status_code == 404
        assert other.get(f"/cases/{case_id}").status_code == 404
    # nothing is public until published
    anon = env.client()
    assert anon.get(f"/protection/decisions/{linked.group(1)}").status_code == 404
    assert "decisions-empty" in anon.get("/protection/decisions").text
    assert anon.get("/api/v1/protection/decisions").json()["items"] == []


def test_roster_form_answers_beside_the_field_and_only_offices_see_it(env: WebEnv) -> None:
    officer = env.client()
    login_as(officer, env.engine, "wuhou_officer")
    page = officer.get("/protection/investigators")
    assert page.status_code == 200
    bad = officer.post("/protection/investigators", data={"csrf_token": csrf_from(page.text), "name": "赵专家",
                                                          "organization": "电子科技大学", "kind": "技术调查官",
                                                          "ipc_fields": "电池"})
    assert bad.status_code == 422 and 'id="inv-ipc_fields-error"' in bad.text and 'value="赵专家"' in bad.text
    ok = officer.post("/protection/investigators", data={"csrf_token": csrf_from(page.text), "name": "赵专家",
                                                         "organization": "电子科技大学", "kind": "技术调查官",
                                                         "ipc_fields": "H01M"}, follow_redirects=False)
    assert ok.status_code == 303 and "赵专家" in officer.get("/protection/investigators").text
    party = env.client()
    login_as(party, env.engine, "ent_user")
    assert party.get("/protection/investigators").status_code == 403


def test_the_register_as_json_within_scope(env: WebEnv) -> None:
    case_id, officer = filed_by_the_enterprise(env)
    data = officer.get(f"/api/v1/protection/cases/{case_id}").json()
    assert data["kind"] == "complaint" and data["patent_number"] == env.numbers["wuhou"]
    assert any(c["name"] == "holder" and c["ok"] for c in data["checks"])
    other = env.client()
    login_as(other, env.engine, "jinjiang_officer")
    assert other.get(f"/api/v1/protection/cases/{case_id}").status_code == 404
    assert env.client().get(f"/api/v1/protection/cases/{case_id}").status_code == 401


def test_an_officer_enters_complaints_for_its_own_area_only(env: WebEnv) -> None:
    officer = env.client()
    login_as(officer, env.engine, "wuhou_officer")
    form = officer.get("/protection/complaints/new").text
    assert "武侯区知识产权局" in form and "锦江区知识产权局" not in form
    jinjiang = re.search(r'<option value="(\d+)">锦江区知识产权局', env.client().get("/protection/complaints/new").text)
    assert jinjiang is not None
    refused = file(officer, complaint(env, handling_org=jinjiang.group(1)))
    assert refused.status_code == 422 and 'id="start-handling_org-error"' in refused.text  # type: ignore[attr-defined]
    entered = file(officer, complaint(env, handling_org=wuhou_office(officer)))
    assert entered.status_code == 303  # type: ignore[attr-defined]


def test_the_right_checks_read_in_the_page_language_and_old_rows_as_they_were(env: WebEnv) -> None:
    """The checks are stored as messages with their values; rows stored before as "中文 / English" show
    the page's half, a Chinese-only line shows whole."""
    import json

    from sqlalchemy import update

    from zhichan.protection.models import Complaint

    case_id, officer = filed_by_the_enterprise(env)

    def checks(lang: str) -> str:
        page = officer.get(f"/cases/{case_id}?lang={lang}").text
        return page.split('id="right-checks"', 1)[1].split("</ul>", 1)[0]

    zh, en = checks("zh"), checks("en")
    assert "时有效（届满日" in zh and "In force on" not in zh and " / " not in zh
    # each line starts with a capital, like the rest of the English UI ("✔ no court suit" beside "✔ Patentee: …")
    assert "In force on" in en and "(term ends" in en and "holds the patent" in en and "in force on" not in en
    assert not re.search(r"时有效|为专利权人", en)
    api = officer.get(f"/api/v1/protection/cases/{case_id}?lang=en").json()
    assert any(c["name"] == "in_force" and c["message"].startswith("In force on") for c in api["checks"])

    old = [{"name": "in_force", "ok": True, "message": "2024-05-01 时有效（届满日 2035-01-01） / in force on 2024-05-01 "
                                                      "(term ends 2035-01-01)"},
           {"name": "holder", "ok": None, "message": "权利人名称待核实（只有中文）"}]
    with env.engine.begin() as con:  # type: ignore[attr-defined]
        con.execute(update(Complaint).where(Complaint.case_id == case_id).values(checks=json.dumps(old, ensure_ascii=False)))
    zh, en = checks("zh"), checks("en")
    assert "2024-05-01 时有效（届满日 2035-01-01）" in zh and "in force on" not in zh
    assert "in force on 2024-05-01 (term ends 2035-01-01)" in en and "时有效" not in en
    assert "权利人名称待核实（只有中文）" in zh and "权利人名称待核实（只有中文）" in en
    # the demo's steps are taken by "合成演示 / synthetic" (user 0, no account): the timeline names it in the page's language
    from zhichan.procedures.models import Step

    with env.engine.begin() as con:  # type: ignore[attr-defined]
        con.execute(update(Step).where(Step.case_id == case_id).values(username="合成演示 / synthetic", user_id=0))
    timeline = {lang: officer.get(f"/cases/{case_id}?lang={lang}").text.split("<tbody", 2)[-1] for lang in ("zh", "en")}
    assert "synthetic" in timeline["en"] and "合成演示" not in timeline["en"]
    assert "合成演示" in timeline["zh"] and "synthetic" not in timeline["zh"]


def test_case_titles_join_the_parties_in_the_page_language(env: WebEnv) -> None:
    """An adjudication reads "A v. B", a mediation "A and B" on English pages (诉 / 与 on Chinese ones) —
    the case page, the to-do list, the case list and their JSON; the stored title stays as it was."""
    first, officer = filed_by_the_enterprise(env)
    party = env.client()
    login_as(party, env.engine, "ent_user")
    second = int(file(party, complaint(env, respondent="另一家商行")).headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]
    token = csrf_from(officer.get(f"/cases/{first}").text)
    assert officer.post(f"/cases/{first}/act/to_adjudication", data={
        "csrf_token": token, "version": "1", "requester_role": "专利权人", "court_suit": "否", "known_on": "2026-11-02",
        "continuing": "是"}, follow_redirects=False).status_code == 303
    assert officer.post(f"/cases/{second}/act/to_mediation", data={"csrf_token": token, "version": "1"},
                        follow_redirects=False).status_code == 303
    number = env.numbers["wuhou"]
    titles = {
        "protection.patent_dispute": {"zh": f"{WUHOU_ENTERPRISE} 诉 某某电子商行 · {number}",
                                      "en": f"{WUHOU_ENTERPRISE} v. 某某电子商行 · {number}"},
        "protection.mediation": {"zh": f"{WUHOU_ENTERPRISE} 与 另一家商行 · {number}",
                                 "en": f"{WUHOU_ENTERPRISE} and 另一家商行 · {number}"},
    }
    listed = {c["procedure"]: c for c in officer.get("/api/v1/protection/cases").json()["items"]}
    for procedure, title in titles.items():
        case_id = listed[procedure]["id"]
        for lang in ("zh", "en"):
            assert officer.get(f"/api/v1/cases/{case_id}", params={"lang": lang}).json()["case"]["title"] == title[lang]
            page = officer.get(f"/cases/{case_id}", params={"lang": lang}).text
            assert html.escape(title[lang], quote=False) in page.split("</h1>")[0], lang
            items = officer.get("/api/v1/protection/cases", params={"lang": lang}).json()["items"]
            assert [c["title"] for c in items if c["id"] == case_id] == [title[lang]]
            todo = officer.get("/api/v1/todo", params={"lang": lang}).json()["items"]
            assert [c["title"] for c in todo if c["id"] == case_id] == [title[lang]], lang
    with Session(env.engine) as s:  # what the case record holds is not rewritten
        stored = dict(s.execute(select(Case.procedure, Case.title).where(Case.procedure.in_(list(titles)))).all())
    assert stored == {p: t["zh"] for p, t in titles.items()}


def test_a_complaint_is_titled_by_its_filer_and_an_anonymous_report_in_the_page_language(env: WebEnv) -> None:
    """A complaint reads "filer · patent"; an anonymous report "匿名举报 · patent" / "Anonymous report · patent" (it was
    stored as the form's first fields, 举报 · , and the demo's 匿名举报 showed on English pages)."""
    anon = env.client()
    office = wuhou_office(anon)
    assert file(anon, complaint(env, handling_org=office, kind="举报", reporter="", contact="")).status_code == 201  # type: ignore[attr-defined]
    assert file(anon, complaint(env, handling_org=office)).status_code == 201  # type: ignore[attr-defined]
    with Session(env.engine) as s:
        report, named = s.scalars(select(Case.id).where(Case.procedure == "protection.complaint").order_by(Case.id)).all()
    officer = env.client()
    login_as(officer, env.engine, "wuhou_officer")
    number = env.numbers["wuhou"]
    for case_id, lang, title in ((report, "en", f"Anonymous report · {number}"), (report, "zh", f"匿名举报 · {number}"),
                                 (named, "en", f"{WUHOU_ENTERPRISE} · {number}")):
        assert officer.get(f"/api/v1/cases/{case_id}", params={"lang": lang}).json()["case"]["title"] == title
        assert title in officer.get(f"/cases/{case_id}", params={"lang": lang}).text.split("</h1>")[0], (lang, title)


def test_a_public_filing_names_its_filer_in_the_pages_language(env: WebEnv) -> None:
    """The history named the filer of the public form 公众（网上投诉举报） on English pages too."""
    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.procedures.models import Case

    anon = env.client()
    assert file(anon, complaint(env, handling_org=wuhou_office(anon))).status_code == 201  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:
        case_id = s.scalar(select(Case.id).order_by(Case.id.desc()).limit(1))
    officer = env.client()
    login_as(officer, env.engine, "wuhou_officer")
    for lang, filer, other in (("en", "The public (online complaint)", "公众"), ("zh", "公众（网上投诉举报）", "The public")):
        history = officer.get(f"/cases/{case_id}?lang={lang}").text.split('id="timeline"', 1)[-1]
        assert re.search(rf'<td data-label="[^"]+">{re.escape(filer)}</td>', history) \
            and other not in history.split("</tr>", 2)[1], (lang, history[:1500])


def test_an_anonymous_reports_page_offers_only_what_the_engine_takes(env: WebEnv) -> None:
    """An anonymous report's case page offered 转行政裁决（立专利侵权纠纷案） and the hook refused it; now the page, in
    both languages, offers only what the engine takes, and a forged post is answered 409 with the reason."""
    anon = env.client()
    office = wuhou_office(anon)
    assert file(anon, complaint(env, handling_org=office, kind="举报", reporter="", contact="")).status_code == 201  # type: ignore[attr-defined]
    assert file(anon, complaint(env, handling_org=office, respondent="另一商行")).status_code == 201  # type: ignore[attr-defined]
    with Session(env.engine) as s:
        report, named = s.scalars(select(Case.id).where(Case.procedure == "protection.complaint").order_by(Case.id)).all()
    officer = env.client()
    login_as(officer, env.engine, "wuhou_officer")
    for lang, word in (("zh", "转行政裁决"), ("en", "Open a patent-dispute adjudication")):
        page = officer.get(f"/cases/{report}", params={"lang": lang}).text
        for event in ("to_adjudication", "to_mediation", "to_fast_channel"):
            assert f"/cases/{report}/act/{event}" not in page, (lang, event)
        assert word not in page and f"/cases/{report}/act/to_enforcement" in page, lang
        assert word in officer.get(f"/cases/{named}", params={"lang": lang}).text, lang
    page = officer.get(f"/cases/{report}").text
    refused = officer.post(f"/cases/{report}/act/to_adjudication", data={
        "csrf_token": csrf_from(page), "version": "1", "requester_role": "专利权人", "court_suit": "否",
        "known_on": "2026-11-02", "continuing": "是"})
    assert refused.status_code == 409 and 'id="conflict"' in refused.text and "does not apply" in refused.text
    # the notice of a refused step speaks the page's language only (a Chinese page showed "… / … does not apply")
    refused = officer.post(f"/cases/{report}/act/to_adjudication?lang=zh", data={
        "csrf_token": csrf_from(page), "version": "1", "requester_role": "专利权人", "court_suit": "否",
        "known_on": "2026-11-02", "continuing": "是"})
    conflict = refused.text.split('id="conflict">', 1)[1].split("</p>", 1)[0]
    assert refused.status_code == 409 and "不能办理" in conflict and "does not apply" not in conflict, conflict
    assert officer.get(f"/api/v1/cases/{report}").json()["case"]["state"] == "received"


def test_english_pages_name_a_cases_parties_in_english_also_under_an_earlier_declaration(env: WebEnv) -> None:
    """English pages built a case's title of its parties as typed (成都示例科技有限公司 v. …) although the enterprise has
    an English name: the title (case page, case list, to-do list and their JSON) and the party fields name it in
    English — also in a case filed under a declaration from before its party fields were declared organizations —,
    and so do the right's checks. The Chinese pages, a name no organization bears (the respondent) and the stored
    title keep what was typed."""
    from sqlalchemy import update

    from tests.procedures.helpers import filed_under_earlier
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization

    english = "Chengdu Example Technology Co., Ltd."
    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.name == WUHOU_ENTERPRISE).values(name_en=english))
    complaint_id, officer = filed_by_the_enterprise(env)
    token = csrf_from(officer.get(f"/cases/{complaint_id}").text)
    assert officer.post(f"/cases/{complaint_id}/act/to_adjudication", data={
        "csrf_token": token, "version": "1", "requester_role": "专利权人", "court_suit": "否", "known_on": "2026-11-02",
        "continuing": "是"}, follow_redirects=False).status_code == 303
    dispute_id = next(c["id"] for c in officer.get("/api/v1/protection/cases").json()["items"]
                      if c["procedure"] == "protection.patent_dispute")

    def without_parties(raw: dict[str, object]) -> None:
        for field in raw["start"]["fields"]:  # type: ignore[index]
            field.pop("shows", None)

    filed_under_earlier(env.engine, dispute_id, without_parties)
    number = env.numbers["wuhou"]
    titles = {dispute_id: {"en": f"{english} v. 某某电子商行 · {number}", "zh": f"{WUHOU_ENTERPRISE} 诉 某某电子商行 · {number}"},
              complaint_id: {"en": f"{english} · {number}", "zh": f"{WUHOU_ENTERPRISE} · {number}"}}
    for case_id, title in titles.items():
        for lang, other in (("en", "zh"), ("zh", "en")):
            case = officer.get(f"/api/v1/cases/{case_id}", params={"lang": lang}).json()
            assert case["case"]["title"] == title[lang], (case_id, lang)
            party = "requester" if case_id == dispute_id else "reporter"
            shown = {f["label"]: f["shown"] for f in case["filing"]}
            assert (english if lang == "en" else WUHOU_ENTERPRISE) in shown.values(), (case_id, lang, shown)
            assert ("某某电子商行" in shown.values()), party  # no organization bears it: as typed
            page = officer.get(f"/cases/{case_id}", params={"lang": lang}).text
            assert html.escape(title[lang], quote=False) in page.split("</h1>")[0], (case_id, lang)
            assert title[other] not in page
            listed = officer.get("/protection/cases", params={"lang": lang, "status": "all"}).text
            assert html.escape(title[lang], quote=False) in listed and html.escape(title[other], quote=False) not in listed
            items = officer.get("/api/v1/todo", params={"lang": lang}).json()["items"]
            assert [c["title"] for c in items if c["id"] == case_id] in ([], [title[lang]]), (case_id, lang)
    todo = officer.get("/todo", params={"lang": "en"}).text
    assert html.escape(titles[dispute_id]["en"], quote=False) in todo and WUHOU_ENTERPRISE + " v." not in todo
    # the right's checks (a message the platform composed, kept with the name as typed) name the party so too
    for case_id in titles:
        checks = officer.get(f"/cases/{case_id}", params={"lang": "en"}).text.split('-checks">')[1].split("</ul>")[0]
        assert f"{english} holds the patent" in html.unescape(checks) and WUHOU_ENTERPRISE not in checks, checks
        chinese = officer.get(f"/cases/{case_id}", params={"lang": "zh"}).text.split('-checks">')[1].split("</ul>")[0]
        assert WUHOU_ENTERPRISE in chinese and english not in chinese
    with Session(env.engine) as s:  # the case record keeps the title as it was written
        assert s.scalar(select(Case.title).where(Case.id == dispute_id)) == titles[dispute_id]["zh"]


def test_an_enterprise_files_a_complaint_as_itself_and_the_form_says_when_a_contact_is_required(env: WebEnv) -> None:
    """A signed-in enterprise's complaint form left the complainant empty (its own name, which the check of the right
    then compares with the holders); 联系方式, which a complaint must give (第九条), was not said to be required."""
    ent = env.client()
    login_as(ent, env.engine, "ent_user")
    form = ent.get("/protection/complaints/new", params={"lang": "zh"}).text
    assert f'name="reporter" type="text" maxlength="200" value="{WUHOU_ENTERPRISE}"' in form
    assert '<label for="start-contact">联系方式（投诉必填）</label>' in form
    english = ent.get("/protection/complaints/new", params={"lang": "en"}).text
    assert '<label for="start-contact">Contact (required for a complaint)</label>' in english
    anon = env.client().get("/protection/complaints/new", params={"lang": "zh"}).text  # the public files for itself
    assert 'name="reporter" type="text" maxlength="200" value=""' in anon


def test_a_trademark_complaint_is_told_where_it_goes(env: WebEnv) -> None:
    """A counterfeit-goods complaint typed its trademark number into 所涉专利号 and read 申请号格式不正确: the form takes
    patent complaints, says so in both languages, and answers a trademark number beside the field with where such a
    complaint goes (市场监督管理部门, the 12315 platform), the rest typed kept and nothing filed."""
    anon = env.client()
    office = wuhou_office(anon)
    for lang, words in (("en", "national 12315 platform"), ("zh", "全国12315平台")):  # Chinese from here on
        form = anon.get("/protection/complaints/new", params={"lang": lang}).text
        scope = form.split('id="complaint-scope">', 1)[1].split("</p>", 1)[0]
        assert words in scope
    with Session(env.engine) as s:
        before = s.scalar(select(func.count()).select_from(Case))
    for typed in ("商标：12345678", "第１２３４５６７号商标", "TM 7654321"):
        bad = file(anon, complaint(env, patent_number=typed, target="假冒注册商标的运动鞋", handling_org=office))
        assert bad.status_code == 422  # type: ignore[attr-defined]
        error = bad.text.split('id="start-patent_number-error"', 1)[1].split("</", 1)[0]  # type: ignore[attr-defined]
        assert "市场监督管理部门" in html.unescape(error) and "12315" in error, error
        assert 'value="假冒注册商标的运动鞋"' in bad.text  # type: ignore[attr-defined]
    bad = file(anon, complaint(env, patent_number="CN202310000001.X", handling_org=office))  # a patent number's slip
    assert "12315" not in bad.text.split('id="start-patent_number-error"', 1)[1].split("</", 1)[0]  # type: ignore[attr-defined]
    with Session(env.engine) as s:
        assert s.scalar(select(func.count()).select_from(Case)) == before
