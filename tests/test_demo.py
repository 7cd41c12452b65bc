"""The demo path a newcomer runs: synthetic corpus + the real sample + the search index."""

from __future__ import annotations

from pathlib import Path

from zhichan.demo import build_demo_corpus, made_counts
from zhichan.settings import Settings


def test_demo_corpus_holds_synthetic_and_real_records_and_is_searchable(settings: Settings) -> None:
    snapshot = build_demo_corpus(1500)
    con = snapshot.connect()
    by_origin = dict(con.execute("SELECT synthetic, count(*) FROM patents GROUP BY 1").fetchall())
    assert by_origin == {True: 1500, False: 10}
    assert snapshot.synthetic and snapshot.manifest["synthetic_records"] > 1500  # patents + other tables

    from zhichan.search.service import search

    hits = search('TI=无人机 AND PA=中科大数据研究院', snapshot=snapshot)
    assert hits.total == 5  # 机载多功能盒, 巡检系统, 空气污染物溯源系统, 清除垃圾, 农作物监管
    again = build_demo_corpus(1500)  # a second run reuses the corpus and the index
    assert again.id == snapshot.id


def test_what_a_demo_seed_made_is_one_readable_line() -> None:
    assert made_counts({"listings": 1200, "skipped": 0, "auctions_running": 1}) == "listings 1,200, auctions running 1"
    assert made_counts({"listings": 0}) == made_counts(None) == "已有，未新增 / already there, nothing added"


def test_the_demo_signs_in_each_kind_of_user_with_the_administrators_password(tmp_path: Path) -> None:
    from sqlalchemy import select

    from zhichan.demo import PERSONAS, ensure_demo_personas
    from zhichan.platform.accounts import authenticate, create_user
    from zhichan.platform.db import make_engine, session_scope, upgrade
    from zhichan.platform.models import Organization, OrgKind, Role, User
    from zhichan.platform.orgs import create_org, seed_demo_tree

    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as s:
        nation = seed_demo_tree(s)
        bank = create_org(s, "（合成）演示银行", OrgKind.BANK, "510100", nation)
        create_user(s, username="demo_bank_1", password="Bank-demo-pw-1", role=Role.BANK_USER, org=bank)
    made = ensure_demo_personas(engine, "Demo-admin-pw-7")
    by_name = {row[0]: row for row in made}
    # no exchange demo here: the enterprise, buyer and university personas have no organization to join and are left out
    assert set(by_name) == {p[0] for p in PERSONAS} - {"demo_enterprise", "demo_buyer", "demo_university"}
    # the demo's bureaus are named in both languages; a page shows the half of its own
    assert by_name["demo_district"][2] == "武侯区知识产权局 / Wuhou District Intellectual Property Office"
    assert by_name["demo_bank"][2] == "（合成）演示银行"
    with session_scope(engine) as s:
        roles = {u.username: (u.role, s.get(Organization, u.org_id).region_code)  # type: ignore[union-attr]
                 for u in s.scalars(select(User).where(User.username.like("demo_%")))}
    assert roles["demo_leader"] == (Role.BUREAU_LEADER, "510100") and roles["demo_analyst"][1] == "510000"
    with session_scope(engine) as s:
        assert authenticate(s, "demo_officer", "Demo-admin-pw-7", "127.0.0.1").role == Role.CASE_OFFICER
    assert ensure_demo_personas(engine, "another-Pw-99") == made  # once: a second run changes nothing
    with session_scope(engine) as s:
        assert authenticate(s, "demo_district", "Demo-admin-pw-7", "127.0.0.1").username == "demo_district"
    engine.dispose()
