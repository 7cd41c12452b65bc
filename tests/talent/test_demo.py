"""The demo city's synthetic people: entered once, every one flagged synthetic and shown with the badge and
marked in the export; admitted, so the city's enterprises find those who share."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from tests.talent.helpers import client_for
from zhichan.platform.db import session_scope
from zhichan.talent.demo import COUNTS, seed
from zhichan.talent.models import Person
from zhichan.web.testing import WebEnv


def test_demo_people_are_synthetic_and_made_once(env: WebEnv) -> None:
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert seed(s) == sum(COUNTS.values())
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert seed(s) == 0
        assert s.scalar(select(func.count()).select_from(Person).where(Person.synthetic.is_(False))) == 0
    counts = {c["kind"]: c["count"] for c in client_for(env, None).get("/api/v1/talent").json()["counts"]}
    assert counts["patent_agent"] == COUNTS["patent_agent"]
    member = client_for(env, "ent_user")
    items = member.get("/api/v1/talent").json()["items"]
    assert items and all(p["synthetic"] for p in items)
    assert "badge synthetic" in member.get("/talent").text
    exported = next(csv.DictReader(io.StringIO(member.get("/talent/export.csv").content.decode("utf-8-sig"))))
    assert exported["合成记录"] == "是"  # headed and said as the records' export says it


def test_demo_people_read_in_pinyin_on_english_pages(env: WebEnv) -> None:
    """The demo's people (the generator's surnames and given names) stayed Chinese on English pages: they read in
    Pinyin, family name first, the name as entered below it; the Chinese pages and the API's ``name`` keep it."""
    from zhichan.corpus.generator.english import person_name_en

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        seed(s)
    officer = client_for(env, "cd_leader")
    items = officer.get("/api/v1/talent").json()["items"]
    first = items[0]
    assert first["name_en"] == person_name_en(first["name"]) and first["name_en"].isascii()
    english = officer.get("/talent", params={"lang": "en"}).text
    assert f'{first["name_en"]}</a><span class="legal-name muted small" lang="zh-CN">{first["name"]}</span>' in english
    page = officer.get(f"/talent/people/{first['id']}", params={"lang": "en"}).text
    assert f"<h1>{first['name_en']}<span" in page
    chinese = officer.get("/talent", params={"lang": "zh"}).text
    assert first["name"] in chinese and first["name_en"] not in chinese


def test_panels_and_the_directory_read_the_demo_people_and_organizations_in_english(env: WebEnv) -> None:
    """A panel drawn from the demo's people listed its members (and the drawn list) by their Chinese names on English
    pages, and the directory the people's organizations as the demo wrote them (四川大学(演示)): members read in Pinyin with
    the name as recorded below, the demo's organizations in English (Sichuan University (demo)); Chinese pages as
    recorded, the panel's record unchanged."""
    import json
    import re

    from zhichan.corpus.generator.english import person_name_en
    from zhichan.talent.models import Panel
    from zhichan.web.testing import csrf_from

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        seed(s)
    leader = client_for(env, "cd_leader")
    token = csrf_from(leader.get("/talent/panels").text)
    drawn = leader.post("/talent/panels", data={"title": "评审", "purpose": "subsidy_review", "kind": "review_expert",
                                                "size": "3", "seed": "demo-seed", "csrf_token": token},
                        follow_redirects=False)
    assert drawn.status_code == 303, drawn.text[:500]
    panel = leader.get(drawn.headers["location"], params={"lang": "en"}).text
    api = leader.get("/api/v1" + drawn.headers["location"], params={"lang": "en"}).json()
    members = api["members"]
    assert len(members) == 3 and all(m["name_en"] == person_name_en(m["name"]) for m in members)
    listed = panel.split('id="panel-members"')[1].split("</ol>")[0]
    for m in members:
        assert f'{m["name_en"]}</a><span class="legal-name muted small" lang="zh-CN">{m["name"]}</span>' in listed
    assert not re.search(r">[^<]*[\u4e00-\u9fff][^<]*</a>", listed)  # no member by a Chinese name alone
    row = leader.get("/talent/panels", params={"lang": "en"}).text.split('id="panels"')[1].split("</table>")[0]
    assert all(m["name_en"] in row and m["name"] not in row for m in members)
    chinese = leader.get(drawn.headers["location"], params={"lang": "zh"}).text
    assert all(m["name"] in chinese and m["name_en"] not in chinese for m in members)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        record = json.loads(s.scalar(select(Panel.draw)) or "{}")
    assert {m["name"] for m in record["draw"][0]["inspectors"]} == {m["name"] for m in members}
    directory = leader.get("/talent", params={"lang": "en"}).text.split('id="talent-people"')[1].split("</table>")[0]
    organizations = re.findall(r'<td class="org"[^>]*>(.*?)</td>', directory)
    assert organizations and all(o.endswith("(demo)") or o == "—" for o in organizations), organizations
    assert "Sichuan University (demo)" in organizations
    assert "四川大学(演示)" in leader.get("/talent", params={"lang": "zh"}).text


def test_the_investigators_roster_reads_the_demo_people_in_english(env: WebEnv) -> None:
    """Protection's roster of technical investigators (the library's people) named the demo's people and their
    organizations in Chinese on English pages: Pinyin with the recorded name below, the organization in English."""
    import re

    from zhichan.corpus.generator.english import person_name_en

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        seed(s)
    officer = client_for(env, "wuhou_officer")
    roster = officer.get("/protection/investigators", params={"lang": "en"}).text.split('id="roster"')[1].split("</table>")[0]
    rows = re.findall(r'<a href="/talent/people/\d+">([^<]+)</a><span class="legal-name muted small" lang="zh-CN">([^<]+)</span>'
                      r"</td><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td>", roster)
    assert rows, roster[:1500]
    assert all(en == person_name_en(zh) and org.endswith("(demo)") for en, zh, org in rows), rows
    chinese = officer.get("/protection/investigators", params={"lang": "zh"}).text
    assert all(zh in chinese and en not in chinese for en, zh, _ in rows)
