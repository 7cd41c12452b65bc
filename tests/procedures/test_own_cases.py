"""An enterprise's own home lists the cases it filed that are still open (SQLite and PostgreSQL): its to-do list holds
only what awaits it, so a registration under notice or a dispute awaiting the office's admission showed nowhere it
looked, and its home said only that it had no service application."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.procedures.helpers import PDF
from zhichan.platform.db import session_scope
from zhichan.procedures.models import Case
from zhichan.settings import Settings
from zhichan.web.testing import (
    WUHOU_ENTERPRISE,
    TestClient,
    WebEnv,
    client_for,
    csrf_from,
    make_env,
)

DISPUTE = "protection.patent_dispute"
SEARCH = "services.search_service"


@pytest.fixture
def env(settings: Settings, web_template: Path, migrated_db_url: str) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, migrated_db_url, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def start(client: TestClient, procedure: str, fields: dict[str, str]) -> int:
    page = client.get(f"/procedures/{procedure}/new")
    r = client.post(f"/procedures/{procedure}/new", data={"csrf_token": csrf_from(page.text), **fields},
                    files={"doc0": ("申请.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    return int(r.headers["location"].rsplit("/", 1)[1])


def panel(html: str) -> str:
    return html.split('id="home-cases"', 1)[1].split("</section>", 1)[0] if 'id="home-cases"' in html else ""


def test_the_enterprises_home_lists_its_open_cases(env: WebEnv) -> None:
    ent = client_for(env, "ent_user")
    assert panel(ent.get("/enterprise").text) == ""  # nothing filed: no panel (the services panel says where to apply)
    dispute = start(ent, DISPUTE, {
        "patent_number": "ZL202310000001.X", "requester": WUHOU_ENTERPRISE, "respondent": "某某电子商行",
        "requester_role": "专利权人", "court_suit": "否", "known_on": "2025-12-01", "continuing": "是",
        "claims": "请求责令停止侵权"})
    application = start(ent, SEARCH, {"applicant": WUHOU_ENTERPRISE, "topic": "固态电池", "purpose": "专利布局",
                                      "contact": "王五 028-12345678"})
    assert client_for(env, "ent_user").get("/api/v1/todo").json()["total"] == 0  # both await the office, not it

    home = panel(ent.get("/enterprise").text)
    assert f'href="/cases/{dispute}"' in home and "专利侵权纠纷行政裁决" in home and "最近期限" in home
    # a service application is its own panel's, leading to its progress page
    assert f"/{application}\"" not in home
    english = panel(ent.get("/enterprise", params={"lang": "en"}).text)
    assert "Your cases under way" in english and f'href="/cases/{dispute}"' in english
    assert DISPUTE not in english and "专利侵权纠纷" not in english

    # the other enterprise's home does not list it; a bureau reading the enterprise's page sees no such panel
    assert panel(client_for(env, "ent2_user").get("/enterprise").text) == ""
    assert panel(client_for(env, "cd_leader").get(f"/enterprises/{WUHOU_ENTERPRISE}").text) == ""

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.execute(update(Case).where(Case.id == dispute).values(is_open=False))  # as a closing step leaves it
    assert panel(ent.get("/enterprise", params={"lang": "zh"}).text) == ""


def cells(html: str, case_id: int, *, skip: tuple[int, ...] = ()) -> list[str]:
    """The cells of a list's row of ``case_id`` as read (tags dropped; a deadline without the to-do list's own badges —
    overdue, due today —, which the other lists do not mark), but those at ``skip``."""
    row = re.search(rf'<tr[^>]*>\s*<td[^>]*><a href="/cases/{case_id}">.*?</tr>', html, re.S)
    assert row is not None, html[:3000]
    found = [c.split(' <span class="badge', 1)[0] if n == 4 else c
             for n, c in enumerate(c for i, c in enumerate(re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S))
                                   if i not in skip)]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in found]


@pytest.mark.one_database("pages of rows shaped by ProcedureService.case_rows, whose SQL the case-list, to-do and "
                          "own-cases tests run on both databases")
def test_a_case_reads_the_same_on_every_list_of_cases(env: WebEnv) -> None:
    """One case — filed by the enterprise, awaiting the district's office, its deadline a provisional date in a year
    whose holiday schedule is not published, its title naming a party with an English name — reads the same in each
    list that shows it: 进行中的办件 on the enterprise's home, the protection case list, the office's 我的待办 (its number,
    title, procedure, state and deadline; each list shaped its rows itself, and they drifted: one list's title or
    deadline came to read otherwise than another's)."""
    import datetime as dt

    from sqlalchemy import select

    from tests.protection.test_protection_web import complaint, wuhou_office
    from zhichan.platform.models import Organization, User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.service import Upload

    ent = client_for(env, "ent_user")
    fields = {**complaint(env), "handling_org": wuhou_office(env.client())}
    english = "Chengdu Example Technology Co., Ltd."
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.execute(update(Organization).where(Organization.name == WUHOU_ENTERPRISE).values(name_en=english))
        filer = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))
        case_id = env.app.state.procedures.start(s, filer, "protection.complaint", now=dt.datetime(2026, 12, 28, 2),
                                                 fields=fields, uploads=(Upload("extra", "证据.pdf", PDF),))["id"]
    officer = client_for(env, "wuhou_officer")
    for lang, title, due in (("zh", WUHOU_ENTERPRISE, "暂定"), ("en", english, "provisional")):
        own = cells(panel(ent.get("/enterprise", params={"lang": lang}).text), case_id)
        listed = cells(ent.get("/protection/cases", params={"lang": lang}).text, case_id, skip=(4,))  # its 立案日期
        todo = cells(officer.get("/todo", params={"lang": lang}).text, case_id)
        assert own == listed == todo, (lang, own, listed, todo)
        assert title in own[1] and "2027-01-07" in own[4] and due in own[4], (lang, own)
