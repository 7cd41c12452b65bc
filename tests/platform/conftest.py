"""Platform fixtures: a migrated workflow database (SQLite and PostgreSQL) with a small org tree."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest
from sqlalchemy import Engine

from zhichan.platform.accounts import create_user, hash_password
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.orgs import create_org, scope_for_user
from zhichan.platform.scope import Scope

PASSWORD = "correct horse battery"


@dataclass
class Tree:
    nation: Organization
    sichuan: Organization
    chengdu: Organization
    wuhou: Organization
    jinjiang: Organization
    enterprise: Organization
    users: dict[str, User]

    def scope(self, engine: Engine, name: str) -> Scope:
        with session_scope(engine) as s:
            return scope_for_user(s, s.get(User, self.users[name].id))


@cache
def _password_hash() -> str:
    """argon2 is deliberately slow (0.2 CPU-s a hash): one hash of :data:`PASSWORD` per process for
    the accounts besides ``root`` (whose password ``create_user`` hashes itself, as an admin's form does)."""
    return hash_password(PASSWORD)


@pytest.fixture
def tree(engine: Engine) -> Tree:
    hashed = _password_hash()
    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        sichuan = create_org(s, "四川省知识产权局", OrgKind.PROVINCE, "510000", nation)
        chengdu = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100", sichuan)
        wuhou = create_org(s, "武侯区知识产权局", OrgKind.COUNTY, "510107", chengdu)
        jinjiang = create_org(s, "锦江区知识产权局", OrgKind.COUNTY, "510104", chengdu)
        ent = create_org(s, "成都示例科技有限公司", OrgKind.ENTERPRISE, "510107", wuhou, party_key="成都示例科技有限公司")
        users = {
            "root": create_user(s, username="root", password=PASSWORD, role=Role.SYSTEM_ADMIN, org=nation),
            "cd_admin": create_user(s, username="cd_admin", password=PASSWORD, role=Role.SYSTEM_ADMIN, org=chengdu,
                                    password_hash=hashed),
            "wuhou_analyst": create_user(s, username="wuhou_analyst", password=PASSWORD, role=Role.ANALYST, org=wuhou,
                                         password_hash=hashed),
            "jinjiang_admin": create_user(s, username="jinjiang_admin", password=PASSWORD, role=Role.SYSTEM_ADMIN,
                                          org=jinjiang, password_hash=hashed),
            "ent_user": create_user(s, username="ent_user", password=PASSWORD, role=Role.ENTERPRISE_USER, org=ent,
                                    password_hash=hashed),
        }
        return Tree(nation, sichuan, chengdu, wuhou, jinjiang, ent, users)
