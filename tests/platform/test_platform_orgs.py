"""Finding an enterprise on the platform by a typed name (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.platform.conftest import Tree
from zhichan.platform.db import session_scope
from zhichan.platform.models import OrgKind
from zhichan.platform.orgs import RowName, create_org, english_names, enterprise_named


def test_an_enterprise_is_found_by_its_party_key_or_exact_name_and_only_when_one(engine: Engine, tree: Tree) -> None:
    with session_scope(engine) as s:
        # its corpus party key, under any spelling the corpus folds together
        for typed in ("成都示例科技有限公司", " 成都示例科技 有限责任公司 ", "成都示例科技有限公司\u3000"):
            found = enterprise_named(s, typed)
            assert found is not None and found.id == tree.enterprise.id, typed
        # a bureau of that exact name is no enterprise; an unknown or empty name finds nothing
        assert enterprise_named(s, "武侯区知识产权局") is None
        assert enterprise_named(s, "平台外某公司") is None and enterprise_named(s, "  ") is None
        # an enterprise whose name differs from its party key is found by its exact name too
        other = create_org(s, "锦江某大学", OrgKind.ENTERPRISE, "510104", tree.jinjiang, party_key="锦江某大学（本部）")
        assert enterprise_named(s, "锦江某大学") is other
        # two organizations behind one name: neither is named
        create_org(s, "锦江某大学", OrgKind.ENTERPRISE, "510104", tree.jinjiang, party_key="锦江某大学（分部）")
        assert enterprise_named(s, "锦江某大学") is None


def test_an_organization_is_named_in_the_pages_language_with_its_name_as_fallback(engine: Engine, tree: Tree) -> None:
    from zhichan.platform import accounts
    from zhichan.platform.models import Organization, User
    from zhichan.platform.orgs import org_display_name

    with session_scope(engine) as s:
        s.get(Organization, tree.wuhou.id).name_en = "Wuhou District Intellectual Property Administration"  # type: ignore[union-attr]
        token = accounts.create_session(s, s.get(User, tree.users["wuhou_analyst"].id))  # type: ignore[arg-type]
        bank = create_org(s, "成都某银行", OrgKind.BANK, "510100", tree.chengdu, name_en="  Chengdu Some Bank ")
        assert bank.name_en == "Chengdu Some Bank"
    # the scope the per-request lookup builds (SQLite and PostgreSQL) and the one built from the rows agree
    with session_scope(engine) as s:
        looked_up = accounts.resolve_session(s.connection(), token, 3600)
    assert looked_up is not None and looked_up.org_name_en == "Wuhou District Intellectual Property Administration"
    assert tree.scope(engine, "wuhou_analyst").org_name_en == looked_up.org_name_en
    assert org_display_name(looked_up.org_name, looked_up.org_name_en, "en") == "Wuhou District Intellectual Property Administration"
    assert org_display_name(looked_up.org_name, looked_up.org_name_en, "zh") == "武侯区知识产权局"
    # no English name: the name, on every page (a name the platform does not know in English is data)
    assert org_display_name("锦江区知识产权局", None, "en") == "锦江区知识产权局"
    # a name stored as "中文 / English" (organizations named before name_en): the page's half
    assert org_display_name("成都市知识产权局 / Chengdu IPO", None, "en") == "Chengdu IPO"
    assert org_display_name("成都市知识产权局 / Chengdu IPO", None, "zh") == "成都市知识产权局"
    assert org_display_name("成都市知识产权局 / Chengdu IPO", "Chengdu Intellectual Property Administration", "en") == \
        "Chengdu Intellectual Property Administration"


def test_stored_names_read_as_their_organizations_english_names(engine: Engine, tree: Tree) -> None:
    """Workflow rows keep a party's name as written (a deal's buyer, a bidder, a licensee, a case's requester): pages
    show each by the English name of the organization it names — matched as a typed name is, by party key under any
    spelling the corpus folds together, else by exact name — and a name no such organization bears as stored."""
    from zhichan.platform.models import Organization

    with session_scope(engine) as s:
        s.get(Organization, tree.enterprise.id).name_en = "Chengdu Example Technology Co., Ltd."  # type: ignore[union-attr]
        create_org(s, "成都某银行", OrgKind.BANK, "510100", tree.chengdu, name_en="Chengdu Some Bank")
        create_org(s, "锦江某大学", OrgKind.ENTERPRISE, "510104", tree.jinjiang, party_key="锦江某大学（本部）",
                   name_en="Jinjiang Some University")
        create_org(s, "锦江无英文名有限公司", OrgKind.ENTERPRISE, "510104", tree.jinjiang, party_key="锦江无英文名有限公司")
        typed = ["成都示例科技有限公司", " 成都示例科技 有限责任公司 ", "成都某银行", "锦江某大学", "锦江无英文名有限公司",
                 "平台外某公司", "", None]
        found = english_names(s, [RowName(n) for n in typed])
    assert found == {RowName("成都示例科技有限公司"): "Chengdu Example Technology Co., Ltd.",
                     RowName(" 成都示例科技 有限责任公司 "): "Chengdu Example Technology Co., Ltd.",
                     RowName("成都某银行"): "Chengdu Some Bank", RowName("锦江某大学"): "Jinjiang Some University"}
    with session_scope(engine) as s:
        assert english_names(s, []) == {} and english_names(s, [RowName(None), RowName(" ", "510107", True)]) == {}


def test_the_english_names_of_a_nations_holders_are_found_in_one_call(engine: Engine, tree: Tree) -> None:
    """A nation's levers export names some 10⁵ holders in English: one lookup of 70,000 names, the registered one among
    them found (one query had passed the limit of bound values: PostgreSQL 65,535; SQLite's depends on its build)."""
    from zhichan.platform.models import Organization

    with session_scope(engine) as s:
        s.get(Organization, tree.enterprise.id).name_en = "Chengdu Example Technology Co., Ltd."  # type: ignore[union-attr]
        names = [RowName(f"平台外第{i}号有限公司") for i in range(70_000)] + [RowName("成都示例科技有限公司")]
        assert english_names(s, names) == {RowName("成都示例科技有限公司"): "Chengdu Example Technology Co., Ltd."}

def test_a_synthetic_rows_name_reads_as_the_demo_made_it_after_any_organizations(engine: Engine, tree: Tree) -> None:
    """An organization's registered English name comes first, in any row; else only a row flagged synthetic reads a
    generated (or a demo's fictional) name as the demo made it — the same name in a real row is data, shown as typed."""
    from zhichan.platform.models import Organization

    with session_scope(engine) as s:
        s.get(Organization, tree.enterprise.id).name_en = "Chengdu Example Tech (registered)"  # type: ignore[union-attr]
        create_org(s, "武侯瑞博科技有限公司", OrgKind.ENTERPRISE, "510107", tree.wuhou, party_key="武侯瑞博科技有限公司",
                   name_en="Ruibo Registered Name Ltd.")
        found = english_names(s, [
            RowName("武侯瑞博科技有限公司", "510107", True),  # generated-looking, but an organization named it
            RowName("武侯瑞博科技有限公司", "510107", False),
            RowName("成都示例科技有限公司", "510100", True),
            RowName("武侯恒达科技有限公司", "510107", True),  # the generator's: its English
            RowName("武侯恒达科技有限公司", "510107", False),  # a real row's look-alike: as typed
            RowName("某某五金店12号", "510107", True), RowName("某某五金店12号", "510107", False),
            RowName("张伟", "510107", True), RowName("张伟", None, False),
        ])
    assert found == {RowName("武侯瑞博科技有限公司", "510107", True): "Ruibo Registered Name Ltd.",
                     RowName("武侯瑞博科技有限公司", "510107", False): "Ruibo Registered Name Ltd.",
                     RowName("成都示例科技有限公司", "510100", True): "Chengdu Example Tech (registered)",
                     RowName("武侯恒达科技有限公司", "510107", True): "Wuhou Hengda Technology Co., Ltd.",
                     RowName("某某五金店12号", "510107", True): "XX Hardware Store No. 12",
                     RowName("张伟", "510107", True): "Zhang Wei"}


def test_each_synthetic_rows_name_is_read_among_its_own_regions_places_in_one_query(engine: Engine, tree: Tree) -> None:
    """Rows of several regions in one call (a province's list of its cities' rows): each generated name is placed
    among its own row's county, city and province — 兴安 is Xing'an District in Hegang and Hinggan League in Inner
    Mongolia, 乌鲁木齐 the city Urumqi and the county Wulumuqi — not among one region given for all; and the
    organizations of all the names are looked up in one statement."""
    from sqlalchemy import event

    rows = [RowName("兴安瑞博科技有限公司", "230405", True), RowName("乌鲁木齐瑞博科技有限公司", "650121", True),
            RowName("兴安瑞博科技有限公司", "152200", True), RowName("乌鲁木齐瑞博科技有限公司", "650100", True),
            RowName("成都示例科技有限公司", "510100", False), RowName("平台外某公司")]
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        statements.append(statement)

    with session_scope(engine) as s:
        s.connection()  # the session's transaction begun before counting
        event.listen(engine, "before_cursor_execute", record)
        try:
            found = english_names(s, rows)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert found == {RowName("兴安瑞博科技有限公司", "230405", True): "Xing'an Ruibo Technology Co., Ltd.",
                     RowName("乌鲁木齐瑞博科技有限公司", "650121", True): "Wulumuqi Ruibo Technology Co., Ltd.",
                     RowName("兴安瑞博科技有限公司", "152200", True): "Hinggan Ruibo Technology Co., Ltd.",
                     RowName("乌鲁木齐瑞博科技有限公司", "650100", True): "Urumqi Ruibo Technology Co., Ltd."}
    assert len(statements) == 1 and "platform_organizations" in statements[0], statements


def test_a_nations_holders_are_named_in_english_whatever_their_number(engine: Engine, tree: Tree) -> None:
    """The levers export of a nation names its holders through the organizations bound to them (their party keys):
    70,000 keys — more than one statement binds on either database — read in batches, the bound one found."""
    from tests.helpers import BEYOND_BOUND_VALUES, stock_sqlite_limits
    from zhichan.platform.models import Organization
    from zhichan.platform.orgs import holders_named_in_english

    stock_sqlite_limits(engine)
    with session_scope(engine) as s:
        org = s.get(Organization, tree.enterprise.id)
        assert org is not None and org.party_key
        org.name_en = "Chengdu Example Technology Co., Ltd."
        holders = [{"party_key": f"平台外第{i}号有限公司", "name": f"平台外第{i}号有限公司"}
                   for i in range(BEYOND_BOUND_VALUES)] + [{"party_key": org.party_key, "name": org.name}]
        named = holders_named_in_english(s, holders)
        assert [h for h in named if h.get("name_en")] == [{**holders[-1], "name_en": "Chengdu Example Technology Co., Ltd."}]
        assert len(named) == len(holders)


def test_a_list_read_in_batches_refuses_a_limit(engine: Engine) -> None:
    """A LIMIT would bound each batch's query, not the whole: rows_in refuses it rather than answer wrongly."""
    from zhichan.platform.inlists import rows_in
    from zhichan.platform.models import Organization

    with session_scope(engine) as s, pytest.raises(ValueError, match="LIMIT"):
        rows_in(s, select(Organization.id).limit(5), [1, 2], Organization.id)


def test_every_bureau_is_named_in_english_by_one_rule_and_an_earlier_demos_names_follow_it(engine: Engine) -> None:
    """知识产权局 reads "… Intellectual Property Administration", as CNIPA and the local bureaus named after it call
    themselves; a city without the reference's "City" ("Zhongshan City Intellectual Property Office" read as no bureau
    names itself), a district with its kind, a city named as its province with "City". A demo folder made before
    keeps no earlier demo name; a name someone entered stays."""
    from zhichan.platform.models import Organization
    from zhichan.platform.orgs import bureau_name_en, demo_bureau, name_demo_tree_in_english, seed_demo_tree

    assert [bureau_name_en(code) for code in ("510000", "510100", "510107", "442000", "320583", "220000", "220200",
                                              "110000")] == [
        f"{place} Intellectual Property Administration" for place in (
            "Sichuan", "Chengdu", "Wuhou District", "Zhongshan", "Kunshan", "Jilin", "Jilin City", "Beijing")]
    with session_scope(engine) as s:
        seed_demo_tree(s)
        zhongshan = demo_bureau(s, "442000")  # a shipped fund's area: its bureau made where the tree had none
        assert (zhongshan.name, zhongshan.name_en) == ("中山市知识产权局", "Zhongshan Intellectual Property Administration")
        named = {o.region_code: o for o in s.scalars(select(Organization))}
        assert named["100000"].name_en == "China National Intellectual Property Administration (demo)"
        assert named["510107"].name_en == "Wuhou District Intellectual Property Administration"
        # a folder an earlier demo made: its names; one an administrator entered
        named["442000"].name_en = "Zhongshan City Intellectual Property Office"
        named["510000"].name_en = "Sichuan Intellectual Property Office"
        named["100000"].name_en = "CNIPA (demo)"
        named["510100"].name_en = "Chengdu Municipal IP Bureau"
    with session_scope(engine) as s:
        assert name_demo_tree_in_english(s) == 3
        assert name_demo_tree_in_english(s) == 0
        names = dict(s.execute(select(Organization.region_code, Organization.name_en)).all())
    assert (names["442000"], names["510000"], names["100000"], names["510100"]) == (
        "Zhongshan Intellectual Property Administration", "Sichuan Intellectual Property Administration",
        "China National Intellectual Property Administration (demo)", "Chengdu Municipal IP Bureau")


def test_two_same_named_districts_of_one_province_get_two_bureau_names(engine: Engine) -> None:
    """鼓楼区 of 南京市 and of 徐州市 (both Jiangsu) had one English bureau name, "Gulou District Intellectual Property
    Administration", and one Chinese: each is named with its city now, in both languages, and the two bureaus the demo
    makes for them read apart; a county-level name no other of its province bears (武侯区; 鼓楼区 of Fuzhou, another
    province's) stays as it was, and two names alike only in English (魏县, 威县 of Hebei) get their cities in English."""
    from zhichan.platform.models import Organization
    from zhichan.platform.orgs import bureau_name_en, demo_bureau, seed_demo_tree

    assert bureau_name_en("320106") == "Nanjing Gulou District Intellectual Property Administration"
    assert bureau_name_en("320302") == "Xuzhou Gulou District Intellectual Property Administration"
    assert bureau_name_en("350102") == "Gulou District Intellectual Property Administration"  # Fuzhou: Fujian's only
    assert bureau_name_en("510107") == "Wuhou District Intellectual Property Administration"
    assert (bureau_name_en("130434"), bureau_name_en("130533")) == (
        "Handan Wei County Intellectual Property Administration", "Xingtai Wei County Intellectual Property Administration")
    with session_scope(engine) as s:
        seed_demo_tree(s)
        nanjing, xuzhou, weixian = (demo_bureau(s, code) for code in ("320106", "320302", "130533"))
        assert (nanjing.name, nanjing.name_en) == ("南京市鼓楼区知识产权局",
                                                   "Nanjing Gulou District Intellectual Property Administration")
        assert (xuzhou.name, xuzhou.name_en) == ("徐州市鼓楼区知识产权局",
                                                 "Xuzhou Gulou District Intellectual Property Administration")
        assert weixian.name == "威县知识产权局"  # its Chinese name is its own
    with session_scope(engine) as s:
        names = s.execute(select(Organization.name, Organization.name_en).where(
            Organization.region_code.startswith("32"))).all()
    assert len({zh for zh, _ in names}) == len({en for _, en in names}) == len(names)
