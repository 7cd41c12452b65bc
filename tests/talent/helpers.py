"""Shared by the talent tests: the web world on SQLite and PostgreSQL, users by name, people entered and applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.orgs import scope_for_user
from zhichan.platform.scope import Scope
from zhichan.settings import Settings
from zhichan.web.testing import TestClient, WebEnv, login_as, make_env

#: an expert of Wuhou who shares name, kinds' certificates and fields, not the contact
WUHOU_EXPERT = {"name": "张评审", "organization": "四川大学", "region_code": "510107",
                "kind_valuation_expert": "1", "cert_valuation_expert": "PG-2024-0001", "kind_rights_aid_expert": "1",
                "ipc_fields": "H01M; G06F16", "industry_chains": "新能源汽车", "phone": "028-85550000",
                "email": "zhang@example.cn", "share_name": "1", "share_organization": "1", "share_ipc_fields": "1"}
#: a mediator of Jinjiang who shares nothing (never listed to members)
JINJIANG_MEDIATOR = {"name": "李调解", "organization": "锦江区调解委员会", "region_code": "510104",
                     "kind_people_mediator": "1", "phone": "13800000000"}


def talent_env(settings: Settings, web_template: Path, db_url: str | None) -> WebEnv:
    """The web world with another city (绵阳): its bureau's officer ``my_officer`` and an enterprise user ``my_ent``."""
    web = make_env(settings, web_template, db_url, search_index=False)
    with session_scope(web.engine) as s:  # type: ignore[arg-type]
        # another city of the same province: its bureau, an officer and an enterprise user there
        from zhichan.platform.accounts import create_user
        from zhichan.platform.orgs import create_org

        sichuan = s.scalars(select(Organization).where(Organization.region_code == "510000")).one()
        mianyang = create_org(s, "绵阳市知识产权局", OrgKind.CITY, "510700", sichuan)
        firm = create_org(s, "绵阳示例电子有限公司", OrgKind.ENTERPRISE, "510703", mianyang, party_key="绵阳示例电子有限公司")
        create_user(s, username="my_officer", password="correct horse battery", role=Role.CASE_OFFICER, org=mianyang, password_hash="-")
        create_user(s, username="my_ent", password="correct horse battery", role=Role.ENTERPRISE_USER, org=firm, password_hash="-")
    return web


def client_for(env: WebEnv, username: str | None) -> TestClient:
    client = env.client()
    if username:
        login_as(client, env.engine, username)
    return client


def scope_of(env: WebEnv, username: str) -> Scope:
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        return scope_for_user(s, s.scalars(select(User).where(User.username == username)).one())


def enter(env: WebEnv, who: str, values: dict[str, Any]) -> int:
    """An officer's entry through the service, as the form posts it."""
    from zhichan.talent import service

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        return service.enter_person(s, scope_of(env, who), service.form_fields(dict(values))).id
