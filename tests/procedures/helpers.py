"""Shared by the procedure tests: an organization tree across three jurisdictions and the engine on it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService
from zhichan.platform.accounts import create_user, hash_password
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.orgs import scope_for_user
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.service import ProcedureService, Upload

PASSWORD = "correct horse battery"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROCEDURE = "protection.patent_dispute"

#: (user, role, organization key)
USERS = (
    ("root", Role.SYSTEM_ADMIN, "nation"),
    ("wuhou_officer", Role.CASE_OFFICER, "wuhou"),
    ("wuhou_leader", Role.BUREAU_LEADER, "wuhou"),
    ("wuhou_analyst", Role.ANALYST, "wuhou"),
    ("jinjiang_officer", Role.CASE_OFFICER, "jinjiang"),
    ("chengdu_officer", Role.CASE_OFFICER, "chengdu"),
    ("chengdu_leader", Role.BUREAU_LEADER, "chengdu"),  # the upper level of 武侯区's cases (81号令 第三十七条)
    ("ent_user", Role.ENTERPRISE_USER, "enterprise"),
    ("hz_officer", Role.CASE_OFFICER, "xihu"),
    ("sh_officer", Role.CASE_OFFICER, "shanghai"),
)


def at(day: dt.date, hour: int = 2) -> dt.datetime:
    """A naive-UTC moment on ``day`` in China (02:00 UTC = 10:00 China time)."""
    return dt.datetime(day.year, day.month, day.day, hour)


def pdf(slot: str = "doc0", name: str = "doc.pdf") -> Upload:
    return Upload(slot, name, PDF + name.encode())


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return hash_password(PASSWORD)  # one argon2 hash for every test account


@dataclass
class World:
    engine: Engine
    service: ProcedureService
    users: dict[str, int]

    def scope(self, name: str) -> Scope:
        from sqlalchemy.orm import Session

        with Session(self.engine) as s:
            return scope_for_user(s, s.get(User, self.users[name]))


def build_world(engine: Engine, files: Path, key: SigningKey, registry: ProcedureRegistry | None = None) -> World:
    from zhichan.platform.orgs import create_org

    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        sichuan = create_org(s, "四川省知识产权局", OrgKind.PROVINCE, "510000", nation)
        chengdu = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100", sichuan)
        wuhou = create_org(s, "武侯区知识产权局", OrgKind.COUNTY, "510107", chengdu)
        jinjiang = create_org(s, "锦江区知识产权局", OrgKind.COUNTY, "510104", chengdu)
        zhejiang = create_org(s, "浙江省知识产权局", OrgKind.PROVINCE, "330000", nation)
        hangzhou = create_org(s, "杭州市市场监督管理局", OrgKind.CITY, "330100", zhejiang)
        xihu = create_org(s, "西湖区市场监督管理局", OrgKind.COUNTY, "330106", hangzhou)
        shanghai = create_org(s, "上海市知识产权局", OrgKind.PROVINCE, "310000", nation)
        enterprise = Organization(name="成都示例科技有限公司", kind=OrgKind.ENTERPRISE, region_code="510107",
                                  parent_id=wuhou.id, party_key="成都示例科技有限公司")
        s.add(enterprise)
        s.flush()
        enterprise.path = f"{wuhou.path}{enterprise.id}/"
        orgs = {"nation": nation, "chengdu": chengdu, "wuhou": wuhou, "jinjiang": jinjiang, "xihu": xihu,
                "shanghai": shanghai, "enterprise": enterprise}
        hashed = _password_hash()
        users = {name: create_user(s, username=name, password=PASSWORD, role=role, org=orgs[org],
                                   password_hash=hashed).id for name, role, org in USERS}
    evidence = EvidenceService(engine, key, "test.zhichan/evidence")
    service = ProcedureService(engine, registry or ProcedureRegistry.load(), evidence, files)
    return World(engine, service, users)


#: a generated name that reads differently among the places of an office and of the office below it: 乌鲁木齐 is the
#: city Urumqi (650100) and the county Wulumuqi (650121) — English names: by region code
URUMQI_NAME = "乌鲁木齐瑞博科技有限公司"
URUMQI_NAME_EN = {"650100": "Urumqi Ruibo Technology Co., Ltd.", "650121": "Wulumuqi Ruibo Technology Co., Ltd."}


def urumqi_offices(world: World) -> dict[str, Scope]:
    """Adds to ``world`` the Xinjiang province, the Urumqi city office and the Urumqi county office below it, with a
    case officer in each: their scopes by region code (650100, 650121)."""
    from sqlalchemy import select

    from zhichan.platform.orgs import create_org

    with session_scope(world.engine) as s:
        nation = s.scalar(select(Organization).where(Organization.kind == OrgKind.NATION))
        xinjiang = create_org(s, "新疆维吾尔自治区知识产权局", OrgKind.PROVINCE, "650000", nation)
        city = create_org(s, "乌鲁木齐市知识产权局", OrgKind.CITY, "650100", xinjiang)
        county = create_org(s, "乌鲁木齐县知识产权局", OrgKind.COUNTY, "650121", city)
        users = {org.region_code: create_user(s, username=f"officer_{org.region_code}", password=PASSWORD,
                                              role=Role.CASE_OFFICER, org=org, password_hash=_password_hash())
                 for org in (city, county)}
        return {code: scope_for_user(s, user) for code, user in users.items()}


def add_user(world: World, name: str, role: Role, region: str) -> None:
    """Adds to ``world`` a user ``name`` of ``role`` in the organization of ``region`` (the nation's leader, who
    designates between provinces)."""
    from sqlalchemy import select

    with session_scope(world.engine) as s:
        org = s.scalar(select(Organization).where(Organization.region_code == region,
                                                  Organization.kind != OrgKind.ENTERPRISE))
        world.users[name] = create_user(s, username=name, password=PASSWORD, role=role, org=org,
                                        password_hash=_password_hash()).id


def ningbo_office(world: World) -> str:
    """Adds to ``world`` 宁波's office — Zhejiang's, outside 杭州 (no overlay of its own: Zhejiang's file) — with a case
    officer, ``nb_officer``: the office's id, as a form names it."""
    from sqlalchemy import select

    from zhichan.platform.orgs import create_org

    with session_scope(world.engine) as s:
        zhejiang = s.scalar(select(Organization).where(Organization.region_code == "330000"))
        ningbo = create_org(s, "宁波市市场监督管理局", OrgKind.CITY, "330200", zhejiang)
        ningbo_id = str(ningbo.id)
    add_user(world, "nb_officer", Role.CASE_OFFICER, "330200")
    return ningbo_id


def todo_ids(world: World, who: str) -> set[int]:
    """The ids on ``who``'s to-do list, checked against the case pages: each listed case offers ``who`` a step of
    its own, and no other of the caller's visible open cases does (one rule for both, ``procedures.service.offered``;
    both as of today)."""
    from sqlalchemy import select

    from zhichan.errors import NotFoundError
    from zhichan.procedures.models import Case
    from zhichan.procedures.service import on_todo

    scope = world.scope(who)
    with session_scope(world.engine) as s:
        listed = {i["id"] for i in world.service.todo(s, scope, limit=1000)["items"]}
        offering = set()
        for case_id in s.scalars(select(Case.id).where(Case.is_open.is_(True))):
            try:
                view = world.service.case(s, scope, case_id)
            except NotFoundError:
                continue
            # 我的待办: the own office's cases; an office's below it for a step of an office above (a recommendation)
            mine = view["officer"] is False or view["case"]["org_id"] == scope.org_id
            actions = view["actions"] if mine else [t for t in view["actions"] if t.office in ("province", "above")]
            if on_todo(view["declaration"], view["case"]["state"], actions, scope.role,
                                officer=view["officer"], party=view["party"], counterparty=view["counterparty"],
                                awaited=view["awaited"]):
                offering.add(case_id)
    assert listed == offering, (who, listed, offering)
    return listed


def filed_under_earlier(engine: Engine, case_id: int, edit: Callable[[dict[str, Any]], None]) -> None:
    """Make ``case_id`` a case filed under an earlier declaration of its procedure: the one it runs under, as ``edit``
    changes it (a field without the list it now takes its choices from, a term not yet declared), kept and pinned to
    the case as the engine keeps a declaration a bureau later edits — the case's filed data is left as it is."""
    from sqlalchemy import insert, select, update

    from zhichan.procedures.declaration import Declaration
    from zhichan.procedures.models import Case, StoredDeclaration

    with session_scope(engine) as s:
        digest = s.scalar(select(Case.declaration_digest).where(Case.id == case_id))
        raw = json.loads(s.scalar(select(StoredDeclaration.body).where(StoredDeclaration.digest == digest)) or "{}")
        edit(raw)
        earlier = Declaration.from_body(json.dumps(raw, ensure_ascii=False))
        if s.get(StoredDeclaration, earlier.digest) is None:
            s.execute(insert(StoredDeclaration).values(digest=earlier.digest, procedure=earlier.procedure,
                                                       jurisdiction=earlier.jurisdiction, revision=earlier.revision,
                                                       body=earlier.body, created_at=dt.datetime(2026, 1, 1)))
        s.execute(update(Case).where(Case.id == case_id).values(declaration_digest=earlier.digest))
