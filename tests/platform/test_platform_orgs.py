"""Finding an enterprise on the platform by a typed name (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.platform.conftest import Tree
from zhichan.platform.db import session_scope
from zhichan.platform.models import OrgKind
from zhichan.platform.orgs import create_org, enterprise_named


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
        s.get(Organization, tree.wuhou.id).name_en = "Wuhou District Intellectual Property Office"  # type: ignore[union-attr]
        token = accounts.create_session(s, s.get(User, tree.users["wuhou_analyst"].id))  # type: ignore[arg-type]
        bank = create_org(s, "成都某银行", OrgKind.BANK, "510100", tree.chengdu, name_en="  Chengdu Some Bank ")
        assert bank.name_en == "Chengdu Some Bank"
    # the scope the per-request lookup builds (SQLite and PostgreSQL) and the one built from the rows agree
    with session_scope(engine) as s:
        looked_up = accounts.resolve_session(s.connection(), token, 3600)
    assert looked_up is not None and looked_up.org_name_en == "Wuhou District Intellectual Property Office"
    assert tree.scope(engine, "wuhou_analyst").org_name_en == looked_up.org_name_en
    assert org_display_name(looked_up.org_name, looked_up.org_name_en, "en") == "Wuhou District Intellectual Property Office"
    assert org_display_name(looked_up.org_name, looked_up.org_name_en, "zh") == "武侯区知识产权局"
    # no English name: the name, on every page (a name the platform does not know in English is data)
    assert org_display_name("锦江区知识产权局", None, "en") == "锦江区知识产权局"
    # a name stored as "中文 / English" (organizations named before name_en): the page's half
    assert org_display_name("成都市知识产权局 / Chengdu IPO", None, "en") == "Chengdu IPO"
    assert org_display_name("成都市知识产权局 / Chengdu IPO", None, "zh") == "成都市知识产权局"
    assert org_display_name("成都市知识产权局 / Chengdu IPO", "Chengdu Intellectual Property Office", "en") == \
        "Chengdu Intellectual Property Office"


def test_stored_names_read_as_their_organizations_english_names(engine: Engine, tree: Tree) -> None:
    """Workflow rows keep a party's name as written (a deal's buyer, a bidder, a licensee, a case's requester): pages
    show each by the English name of the organization it names — matched as a typed name is, by party key under any
    spelling the corpus folds together, else by exact name — and a name no such organization bears as stored."""
    from zhichan.platform.models import Organization
    from zhichan.platform.orgs import names_en_by_name

    with session_scope(engine) as s:
        s.get(Organization, tree.enterprise.id).name_en = "Chengdu Example Technology Co., Ltd."  # type: ignore[union-attr]
        create_org(s, "成都某银行", OrgKind.BANK, "510100", tree.chengdu, name_en="Chengdu Some Bank")
        create_org(s, "锦江某大学", OrgKind.ENTERPRISE, "510104", tree.jinjiang, party_key="锦江某大学（本部）",
                   name_en="Jinjiang Some University")
        create_org(s, "锦江无英文名有限公司", OrgKind.ENTERPRISE, "510104", tree.jinjiang, party_key="锦江无英文名有限公司")
        typed = ["成都示例科技有限公司", " 成都示例科技 有限责任公司 ", "成都某银行", "锦江某大学", "锦江无英文名有限公司",
                 "平台外某公司", "", None]
        found = names_en_by_name(s, typed)
    assert found == {"成都示例科技有限公司": "Chengdu Example Technology Co., Ltd.",
                     " 成都示例科技 有限责任公司 ": "Chengdu Example Technology Co., Ltd.",
                     "成都某银行": "Chengdu Some Bank", "锦江某大学": "Jinjiang Some University"}
    with session_scope(engine) as s:
        assert names_en_by_name(s, []) == {} and names_en_by_name(s, [None, " "]) == {}
