"""存量专利盘活 through the real app (SQLite and PostgreSQL): a university takes its inventory on its page
(a future day refused beside the field), the grade link opens the declared form filled in, the progress
and inventory as JSON, and who sees what: the university its own, an enterprise and another district
nothing of it, the district's officers its area's, anonymous callers nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.dormant_helpers import UNIVERSITY, university_in_web
from tests.exchange.web_helpers import post
from zhichan.web.testing import TestClient, WebEnv, login_as


@pytest.fixture
def env(env: WebEnv) -> WebEnv:
    """The exchange's web app with a university in the test world."""
    env.numbers.update(university_in_web(env))
    return env


@pytest.mark.one_database("the pages of the flow; inventory and grading run on PostgreSQL in test_dormant.py")
def test_a_university_takes_its_inventory_and_grades_from_it(env: WebEnv, client: TestClient) -> None:
    login_as(client, env.engine, "inventor")
    page = client.get("/exchange/dormant")
    assert page.status_code == 200 and 'id="inventory-form"' in page.text and 'id="inventory-empty"' in page.text
    r = post(client, "/exchange/dormant/inventory", {"on": "2999-01-01"}, page="/exchange/dormant")
    assert r.status_code == 422 and 'id="f-on-error"' in r.text
    r = post(client, "/exchange/dormant/inventory", {"on": ""}, page="/exchange/dormant")
    # today: the licence recorded on 2026-05-01 took 一种水处理膜材料 off the list
    assert r.status_code == 303 and r.headers["location"] == "/exchange/dormant?found=3&added=3"
    html = client.get(r.headers["location"]).text
    assert 'id="inventory-result"' in html and html.count('class="grade"') == 3
    number = env.numbers["一种钠离子电池正极材料及其制备方法"]
    assert f'href="/procedures/exchange.dormant/new?patent_number={number}"' in html
    form = client.get(f"/procedures/exchange.dormant/new?patent_number={number}").text
    assert f'value="{number}"' in form
    data = client.get("/api/v1/exchange/dormant").json()
    assert [(p["institution"], p["inventoried"], p["activated"]) for p in data["progress"]] == [(UNIVERSITY, 3, 0)]
    assert len(data["items"]) == 3 and {i["state"] for i in data["items"]} == {"inventoried"}
    # graded with an application field that names a 战略性新兴产业 category: English pages name it in English
    r = post(client, "/procedures/exchange.dormant/new", {
        "patent_number": number, "prospect": "高", "application_field": "新能源", "willingness": "愿意转化",
        "college": "材料学院", "note": ""}, page=f"/procedures/exchange.dormant/new?patent_number={number}")
    assert r.status_code == 303, r.text[:2000]
    row = client.get("/exchange/dormant?lang=en").text.split(f"{number}</small>", 1)[1].split("</tr>", 1)[0]
    assert "New energy" in row and "新能源" not in row, row
    assert "新能源 · " in client.get("/exchange/dormant?lang=zh").text


def test_who_sees_the_inventory(env: WebEnv, client: TestClient) -> None:
    login_as(client, env.engine, "office")
    assert post(client, "/exchange/dormant/inventory", {"on": ""}, page="/exchange/dormant").status_code == 303
    for user, sees in (("college", True), ("wuhou", True), ("cd_leader", True), ("ent_user", False),
                       ("ent2_user", False), ("jinjiang", False)):
        login_as(client, env.engine, user)
        html = client.get("/exchange/dormant").text
        assert (UNIVERSITY in html) is sees, user
        assert (len(client.get("/api/v1/exchange/dormant").json()["items"]) == 3) is sees, user
    # an enterprise cannot take an inventory (it is for universities and institutes): nor is it offered one (the API
    # told it "may_inventory": true and the page showed the form it was then refused on)
    login_as(client, env.engine, "ent_user")
    assert client.get("/api/v1/exchange/dormant").json()["may_inventory"] is False
    assert 'id="inventory-form"' not in client.get("/exchange/dormant").text
    assert post(client, "/exchange/dormant/inventory", {"on": ""}, page="/exchange/dormant").status_code == 403
    login_as(client, env.engine, "office")  # the university's account: offered it, as the server allows it
    assert client.get("/api/v1/exchange/dormant").json()["may_inventory"] is True
    client.cookies.clear()
    assert client.get("/api/v1/exchange/dormant").status_code == 401
    assert UNIVERSITY not in client.get("/exchange/dormant", follow_redirects=True).text


@pytest.mark.one_database("a page's wording; the organization lookup runs on PostgreSQL in tests/web/test_web_holder_names.py")
def test_the_institution_reads_in_english_where_it_has_an_english_name(env: WebEnv, client: TestClient) -> None:
    """The English inventory named the university in Chinese although its organization has an English name (the
    demo's 杭州华博理工大学): the progress table and each row name it through ``org_name``."""
    from sqlalchemy import update

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization

    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.name == UNIVERSITY).values(name_en="Example University"))
    login_as(client, env.engine, "inventor")
    assert post(client, "/exchange/dormant/inventory", {"on": ""}, page="/exchange/dormant").status_code == 303
    english = client.get("/exchange/dormant?lang=en").text
    progress = english.split('<tbody>', 1)[1].split("</tbody>", 1)[0]
    assert ">Example University</td>" in progress and UNIVERSITY not in progress
    assert english.count(">Example University</td>") == 1 + 3 and UNIVERSITY not in english.split("<main>", 1)[1]
    chinese = client.get("/exchange/dormant?lang=zh").text
    assert chinese.count(f">{UNIVERSITY}</td>") == 1 + 3 and "Example University" not in chinese


#: a day (YYYY-MM-DD) of a page's text broken over two lines: a narrow column broke 2026-12-07 after its second hyphen
DAYS_BROKEN = r"""() => { const out = [], day = /\d{4}-\d{2}-\d{2}/g;
  const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) { day.lastIndex = 0;
    for (let m = day.exec(n.textContent); m; m = day.exec(n.textContent)) {
      const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + 10);
      if (new Set([...r.getClientRects()].map(c => Math.round(c.top))).size > 1) out.push(m[0]); } }
  return out; }"""


@pytest.mark.one_database("the page's layout; the inventory's SQL runs on both databases in test_dormant.py")
@pytest.mark.browser
def test_the_inventory_never_breaks_a_day_over_two_lines(env: WebEnv, page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The inventory's progress column read "Inventoried 2026-12-" and "07" on the next line, on a desktop's page."""
    from tests.helpers import sign_in

    sign_in(page, "office", then="/exchange/dormant?lang=en")
    page.click("#inventory-form button[type=submit]")
    page.wait_for_url(lambda url: "found=" in url)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for lang in ("en", "zh"):
            page.goto(f"/exchange/dormant?lang={lang}")
            assert page.locator("#inventory td").count() > 0
            page.screenshot(path=str(artifacts_dir / f"dormant-days-{width}-{lang}.png"), full_page=True)
            assert page.evaluate(DAYS_BROKEN) == [], (width, lang)


@pytest.mark.one_database("the page's header; the party's type is read from the corpus, not the database")
def test_a_universitys_account_is_labelled_the_universitys(env: WebEnv, client: TestClient) -> None:
    """The header names a university's account 高校用户 / University user beside its organization (it read 企业用户,
    an enterprise user's role, as demo_university did); an enterprise's stays 企业用户."""
    for user, zh, en in (("office", "高校用户", "University user"), ("ent_user", "企业用户", "Enterprise user")):
        login_as(client, env.engine, user)
        for lang, shown in (("zh", zh), ("en", en)):
            header = client.get("/account", params={"lang": lang}).text.split('href="/account"', 1)[1].split("</span>", 1)[0]
            assert f'<span class="muted">{shown} · ' in header, (user, lang, header)
        client.cookies.clear()
