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
