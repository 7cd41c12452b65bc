"""The protection case list through the real app: an office sees its subtree's cases (a city its
districts'), an enterprise its own, newest first with the total; filters by status and procedure; bad
filters answered 422/404; nothing for anyone signed out — and the page in Chromium (zh, en)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import sign_in
from tests.protection.test_protection_web import complaint, file, wuhou_office
from zhichan.settings import Settings
from zhichan.web.testing import WebEnv, login_as, make_env


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, search_index=False)
    party = web.client()
    login_as(party, web.engine, "ent_user")
    for respondent in ("某某电子商行", "另一家商行"):
        assert file(party, complaint(web, respondent=respondent)).status_code == 303  # type: ignore[attr-defined]
    anon = web.client()
    assert file(anon, complaint(web, kind="举报", reporter="", contact="",
                                handling_org=wuhou_office(anon))).status_code == 201  # type: ignore[attr-defined]
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def listed(env: WebEnv, who: str, query: str = "") -> dict:  # type: ignore[type-arg]
    client = env.client()
    login_as(client, env.engine, who)
    r = client.get(f"/api/v1/protection/cases{query}")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_who_sees_which_cases(env: WebEnv) -> None:
    office = listed(env, "wuhou_officer")
    assert office["total"] == 3 and [i["id"] for i in office["items"]] == sorted((i["id"] for i in office["items"]),
                                                                                reverse=True)
    assert {i["procedure"] for i in office["items"]} == {"protection.complaint"}
    assert {i["state_title"] for i in office["items"]} == {"已收到"}
    assert listed(env, "cd_leader")["total"] == 3  # the city sees its districts'
    assert listed(env, "jinjiang_officer")["total"] == 0
    assert listed(env, "ent_user")["total"] == 2  # its own complaints, not the anonymous report
    assert listed(env, "ent2_user")["total"] == 0
    assert listed(env, "wuhou_officer", "?status=closed")["total"] == 0
    assert listed(env, "wuhou_officer", "?status=all&procedure=protection.complaint")["total"] == 3
    assert listed(env, "wuhou_officer", "?procedure=protection.mediation")["total"] == 0
    client = env.client()
    login_as(client, env.engine, "wuhou_officer")
    assert client.get("/api/v1/protection/cases?status=gone").status_code == 422
    # the page names the choices as its list does, by their labels (the Chinese page said "应为 open、closed、all 之一")
    for lang, said in (("zh", "应为 办理中、已办结、全部 之一"), ("en", "Must be one of Open, Closed, All")):
        page = client.get("/protection/cases", params={"status": "gone", "lang": lang})
        assert page.status_code == 422 and 'id="error-message"' not in page.text
        shown = page.text.split('id="error-status" role="alert">', 1)[1]
        assert shown.startswith(said) and "open" not in shown.split("</span>", 1)[0], shown[:200]
    refused = client.get("/api/v1/protection/cases?procedure=finance.pledge")  # not a protection procedure: the field
    assert refused.status_code == 422 and "procedure" in refused.json()["details"]["fields"]
    assert env.client().get("/api/v1/protection/cases").status_code == 401
    # an empty list says which cases it holds and where the closed ones are (it showed "—")
    login_as(client, env.engine, "jinjiang_officer")
    for lang, text in (("zh", "没有办理中的保护案件"), ("en", "No open protection case")):
        empty = client.get("/protection/cases", params={"lang": lang}).text
        assert empty.split('id="case-list-empty" data-empty="none">')[1].startswith(text), lang
    closed = client.get("/protection/cases", params={"lang": "en", "status": "closed"}).text
    assert closed.split('id="case-list-empty" data-empty="none">')[1].startswith("No protection case matches")
    assert '<option value="">All procedures</option>' in closed


@pytest.mark.browser
def test_case_list_in_the_browser(page, env: WebEnv, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "wuhou_officer", then="/protection/cases")
    # the total reads as every list's (共 N 条 / N in total); it read "共计: 3", a Latin colon in Chinese
    assert page.inner_text("#case-total") == "共 3 条"
    page.select_option("#case-status", "closed")
    page.click("#case-filter-submit")
    page.wait_for_selector("#case-list-empty")
    page.goto("/protection/cases")
    page.screenshot(path=str(artifacts_dir / "protection-cases-zh.png"), full_page=True)
    page.goto("/protection/cases?lang=en")
    page.wait_for_selector("h1:has-text('IP protection cases')")
    assert page.inner_text("#case-total") == "3 in total"
    page.screenshot(path=str(artifacts_dir / "protection-cases-en.png"), full_page=True)


def test_a_deadline_in_a_year_whose_schedule_is_not_published_is_a_provisional_date_everywhere(env: WebEnv) -> None:
    """A complaint received on 28 December 2026: its 7 working days reach into 2027, whose holiday schedule is not
    published. Every list said "computed once next year's holiday schedule is loaded" and gave no date; now each
    shows the provisional date — 29–31 December, 1 January (元旦) off, 4–7 January: 2027-01-07 — marked as such: the
    case list, the to-do list and the case page, and their API beside the date."""
    import datetime as dt
    import re
    from html import unescape

    from sqlalchemy import select

    from tests.protection.test_protection_web import PDF
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.service import Upload
    from zhichan.web.testing import WUHOU_ENTERPRISE

    client = env.client()
    fields = dict(complaint(env))
    fields["handling_org"] = wuhou_office(client)
    with session_scope(env.engine) as s:
        ent = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))
        assert fields["reporter"] == WUHOU_ENTERPRISE
        case = env.app.state.procedures.start(s, ent, "protection.complaint", now=dt.datetime(2026, 12, 28, 2),
                                              fields=fields, uploads=(Upload("extra", "证据.pdf", PDF),))
    login_as(client, env.engine, "wuhou_officer")
    item = next(i for i in client.get("/api/v1/protection/cases").json()["items"] if i["id"] == case["id"])
    assert item["next_due"] == "2027-01-07" and item["provisional"] is True
    todo = next(i for i in client.get("/api/v1/todo").json()["items"] if i["id"] == case["id"])
    assert todo["next_due"] == "2027-01-07" and todo["provisional"] is True
    shown = client.get(f"/api/v1/cases/{case['id']}").json()
    assert shown["case"]["next_due_provisional"] is True
    assert [(c["due_on"], c["provisional"]) for c in shown["clocks"]] == [("2027-01-07", True)]
    for lang, note in (("zh", "2027-01-07</span><small class=\"provisional\">（暂定：2027 年放假安排尚未公布）"),
                       ("en", "2027-01-07</span><small class=\"provisional\"> (provisional: the 2027 holiday schedule "
                              "is not published yet)")):
        html = client.get(f"/protection/cases?lang={lang}").text
        row = re.search(rf'<tr><td[^>]*><a href="/cases/{case["id"]}">.*?</tr>', html, re.S)
        assert row is not None and note in unescape(row.group(0)) and not re.search(r'<td class="date"[^>]*>—</td>', row.group(0)), lang
        html = unescape(client.get(f"/todo?lang={lang}").text)
        assert note in html, lang
        html = unescape(client.get(f"/cases/{case['id']}?lang={lang}").text)
        assert note in html, lang
    # the sweep warns by a provisional date (it counts as its date), and the warning says it is provisional
    with session_scope(env.engine) as s:
        assert env.app.state.procedures.sweep(s, dt.date(2027, 1, 7))["due"] >= 1
    for lang, warned in (("zh", "今日（2027-01-07（暂定：2027 年放假安排尚未公布））届满"),
                         ("en", "ends today (2027-01-07 (provisional: the 2027 holiday schedule is not published yet))")):
        assert warned in unescape(client.get(f"/cases/{case['id']}?lang={lang}").text), lang
    # refused on 29 December: the acceptance clock ended then — the page says when, not a provisional future date
    with session_scope(env.engine) as s:
        officer = scope_for_user(s, s.scalar(select(User).where(User.username == "wuhou_officer")))
        env.app.state.procedures.act(s, officer, case["id"], "refuse", version=case["version"],
                                     fields={"ground": "其他", "reasons": "测试"}, now=dt.datetime(2026, 12, 29, 2))
    for lang, ended in (("zh", "受理决定第十四条7个工作日2026-12-28已于 2026-12-29 结束已结束"),
                        ("en", "Ended on 2026-12-29")):
        html = unescape(client.get(f"/cases/{case['id']}?lang={lang}").text)
        rows = [re.sub(r"<[^>]+>|\s{2,}", "", r) for r in re.findall(r"<tr class=.*?</tr>", html, re.S)]
        assert ended in rows[0] and "2027" not in rows[0], (lang, rows)
