"""The demo city's synthetic people: entered once, every one flagged synthetic and shown with the badge and
marked in the export; admitted, so the city's enterprises find those who share."""

from __future__ import annotations

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
    assert "合成数据" in member.get("/talent/export.csv").content.decode("utf-8-sig").splitlines()[1]


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
