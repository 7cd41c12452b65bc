"""Shared by the finance tests: a bureau, an enterprise (the pledgor), two banks, the engine with the
pledge hook, and a hand-made corpus."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.procedures.helpers import PASSWORD, PDF, _password_hash, at
from zhichan.corpus.store import Snapshot
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService
from zhichan.finance.service import PROCEDURE, PledgeRules
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import OrgKind, Role, User
from zhichan.platform.orgs import create_org, scope_for_user
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.service import ProcedureService, Upload

PLEDGOR = "成都示例科技有限公司"
BANK = "成都示例银行股份有限公司"
OTHER_BANK = "锦江另一银行"
__all__ = ["BANK", "PDF", "PLEDGOR", "World", "at", "build_world", "documents"]


def documents() -> tuple[Upload, ...]:
    return (Upload("doc0", "申请表.pdf", PDF + b"form"), Upload("doc1", "合同.pdf", PDF + b"contract"))


@dataclass
class World:
    engine: Engine
    service: ProcedureService
    rules: PledgeRules
    users: dict[str, int]
    orgs: dict[str, int]
    snapshot: list[Snapshot | None]

    def scope(self, name: str) -> Scope:
        with Session(self.engine) as s:
            return scope_for_user(s, s.get(User, self.users[name]))

    def apply(self, day: dt.date, **fields: Any) -> dict[str, Any]:
        values = {"pledgee": BANK, "debt_amount": "1,000,000.00", "debt_start": "2026-01-05",
                  "debt_end": "2027-01-04", **fields}
        with session_scope(self.engine) as s:
            return self.service.start(s, self.scope("ent_user"), PROCEDURE, fields=values, uploads=documents(),
                                      now=at(day))

    def act(self, user: str, case_id: int, event: str, day: dt.date, uploads: tuple[Upload, ...] = (),
            **fields: Any) -> dict[str, Any]:
        with session_scope(self.engine) as s:
            version = self.service.case(s, self.scope(user), case_id)["case"]["version"]
            return self.service.act(s, self.scope(user), case_id, event, version=version, fields=fields,
                                    uploads=uploads, now=at(day))


def build_world(engine: Engine, files: Path, key: SigningKey, snapshot: Snapshot | None) -> World:
    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        sichuan = create_org(s, "四川省知识产权局", OrgKind.PROVINCE, "510000", nation)
        chengdu = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100", sichuan)
        wuhou = create_org(s, "武侯区知识产权局", OrgKind.COUNTY, "510107", chengdu)
        jinjiang = create_org(s, "锦江区知识产权局", OrgKind.COUNTY, "510104", chengdu)
        enterprise = create_org(s, PLEDGOR, OrgKind.ENTERPRISE, "510107", wuhou, party_key=PLEDGOR)
        bank = create_org(s, BANK, OrgKind.BANK, "510100", chengdu)
        other_bank = create_org(s, OTHER_BANK, OrgKind.BANK, "510104", jinjiang)
        orgs = {"nation": nation, "chengdu": chengdu, "wuhou": wuhou, "jinjiang": jinjiang,
                "enterprise": enterprise, "bank": bank, "other_bank": other_bank}
        people = (("root", Role.SYSTEM_ADMIN, "nation"), ("wuhou_officer", Role.CASE_OFFICER, "wuhou"),
                  ("jinjiang_officer", Role.CASE_OFFICER, "jinjiang"), ("ent_user", Role.ENTERPRISE_USER, "enterprise"),
                  ("bank_user", Role.BANK_USER, "bank"), ("other_bank_user", Role.BANK_USER, "other_bank"))
        users = {name: create_user(s, username=name, password=PASSWORD, role=role, org=orgs[org],
                                   password_hash=_password_hash()).id for name, role, org in people}
        org_ids = {k: v.id for k, v in orgs.items()}
    evidence = EvidenceService(engine, key, "test.zhichan/evidence")
    service = ProcedureService(engine, ProcedureRegistry.load(), evidence, files)
    holder: list[Snapshot | None] = [snapshot]
    rules = PledgeRules(lambda: holder[0], evidence)
    service.add_hook(PROCEDURE, rules)
    return World(engine, service, rules, users, org_ids, holder)
