"""The demo path a newcomer runs: synthetic corpus + the real sample + the search index."""

from __future__ import annotations

from pathlib import Path

from zhichan.demo import build_demo_corpus, made_counts, names_notice
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
    assert names_notice(snapshot) is None  # generated under the names' rule


def test_a_demo_corpus_from_before_the_names_rule_is_said_to_keep_its_names() -> None:
    """The demo does not rename an existing corpus (its records are what the demo's records point at): it says so,
    and how to get the new names."""
    from types import SimpleNamespace

    old = SimpleNamespace(generator={"n_patents": 20_000, "seed": 20261121})  # the block an older release wrote
    notice = names_notice(old)  # type: ignore[arg-type]
    assert notice is not None and "北京大学" in notice and "ZHICHAN_DATA_DIR" in notice and "not renamed" in notice
    assert names_notice(SimpleNamespace(generator=None)) is None  # type: ignore[arg-type]  # real data: nothing to say


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


def test_an_older_demo_folders_organizations_get_their_english_names(engine) -> None:  # type: ignore[no-untyped-def]
    """A demo folder made before its organizations had English names keeps Chinese-only names (the seeds make an
    organization once): the demo setup names them — bureaus, banks, generated enterprises and universities — and
    keeps every name someone entered or changed."""
    from sqlalchemy import select, update

    from zhichan.demo import name_demo_organizations
    from zhichan.finance.demo import BANKS
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, OrgKind
    from zhichan.platform.orgs import create_org, seed_demo_tree

    with session_scope(engine) as s:
        nation = seed_demo_tree(s)
        city = s.scalar(select(Organization).where(Organization.region_code == "510100"))
        create_org(s, BANKS[0], OrgKind.BANK, "510100", city)
        for name, key in (("成都瑞博理工大学", "p1"), ("成都威海生物医药集团有限公司", "p2"), ("成都理工大学", "p3"),
                          ("成都自填科技有限公司", "p4")):
            create_org(s, name, OrgKind.ENTERPRISE, "510107", city, party_key=key)
        create_org(s, "成都华瑞科技有限公司", OrgKind.ENTERPRISE, "510107", city, party_key="p5",
                   name_en="Entered By Hand Ltd.")
        # as an older release left them: no English names; one bureau renamed by its administrator
        s.execute(update(Organization).where(Organization.name_en != "Entered By Hand Ltd.").values(name_en=None))
        s.execute(update(Organization).where(Organization.region_code == "510104").values(name="锦江区市场监管局"))
        assert nation.id
    with session_scope(engine) as s:
        assert name_demo_organizations(s, synthetic=True) == {"bureaus": 11, "banks": 1, "enterprises": 2}
    with session_scope(engine) as s:
        names = {o.name: o.name_en for o in s.scalars(select(Organization))}
    assert names["武侯区知识产权局"] == "Wuhou District Intellectual Property Office"
    assert names["国家知识产权局（演示）"] == "CNIPA (demo)" and names[BANKS[0]] == "Rongcheng Sci-Tech Bank"
    assert names["成都瑞博理工大学"] == "Chengdu Ruibo Science and Technology University"
    assert names["成都威海生物医药集团有限公司"] == "Chengdu Weihai Biomedicine Group Co., Ltd."
    # kept: a name entered by hand, a bureau renamed, a real university's plain form and a name the generator does
    # not make
    assert names["成都华瑞科技有限公司"] == "Entered By Hand Ltd." and names["锦江区市场监管局"] is None
    assert names["成都理工大学"] is None and names["成都自填科技有限公司"] is None
    with session_scope(engine) as s:  # once: a second run names nothing
        assert name_demo_organizations(s, synthetic=True) == {"bureaus": 0, "banks": 0, "enterprises": 0}
