"""Shared by the dormant-patent tests: a university with dormant and non-dormant patents, its accounts
(an inventor, a college reviewer, the university's office) under 武侯区, and another university under 锦江区."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from tests.exchange.helpers import OWNER, moment
from tests.procedures.helpers import PASSWORD, World, _password_hash, build_world
from zhichan.corpus.parties import normalize_name
from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot, event, patent
from zhichan.evidence.keys import SigningKey
from zhichan.exchange import deals, dormant
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import create_org

UNIVERSITY = "四川示例大学"
OTHER_UNIVERSITY = "锦江示例学院"
INVENTORY_DAY = dt.date(2026, 3, 2)
#: patent → (title, fields, events): which are dormant on INVENTORY_DAY and why the others are not
CASES: dict[str, dict[str, Any]] = {
    "dormant_a": {"title": "一种钠离子电池正极材料及其制备方法", "abstract": "本发明公开层状氧化物钠离子电池正极材料，提高容量和循环寿命。",
                  "ipc": ["H01M4/505"]},
    "dormant_b": {"title": "一种桥梁健康监测方法"},
    "co_owned": {"applicants": ["成都某合作企业有限公司", UNIVERSITY], "applicant_types": ["enterprise", "university"],
                 "title": "一种校企合作的监测装置"},
    "licensed_later": {"title": "一种水处理膜材料"},
    "transferred_in": {"title": "一种受让取得的传感器"},
    "licensed_before": {"title": "一种已许可的催化剂"},
    "lapsed": {"legal_status": "lapsed_unpaid", "lapse_date": "2025-03-10", "title": "一种已终止的涂料"},
    "pending": {"legal_status": "under_examination", "grant_date": None, "title": "一种审查中的方法"},
    "enterprise": {"applicants": [OWNER], "applicant_types": ["enterprise"], "title": "一种企业的电池"},
    "other_university": {"applicants": [OTHER_UNIVERSITY], "applicant_types": ["university"], "region_code": "510104",
                         "title": "一种锦江学院的材料"},
}
DORMANT = ("dormant_a", "dormant_b", "co_owned", "licensed_later")


@dataclass
class Campus:
    world: World
    snapshot: Snapshot
    numbers: dict[str, str]
    root: Path


def campus_corpus(root: Path) -> tuple[Snapshot, dict[str, str]]:
    numbers: dict[str, str] = {}
    rows = []
    for i, (name, spec) in enumerate(CASES.items()):
        fields = dict(spec)
        record = patent(f"2018{1}{300 + i:07d}", application_date="2018-03-10",
                        applicants=fields.pop("applicants", [UNIVERSITY]),
                        applicant_types=fields.pop("applicant_types", ["university"]), **fields)
        rows.append(record)
        numbers[name] = record["application_number"]
    events = [
        event(numbers["licensed_later"], "licence", "2026-05-01", party_from=UNIVERSITY, party_to="某企业",
              detail="普通许可 至2029-04-30"),
        event(numbers["transferred_in"], "transfer", "2022-06-01", party_from="某研究所", party_to=UNIVERSITY),
        event(numbers["licensed_before"], "licence", "2021-01-01", party_from=UNIVERSITY, party_to="某企业",
              detail="普通许可 至2023-12-31"),
    ]
    return build_snapshot(root, patents=rows, events=events), numbers


def build_campus(engine: Engine, root: Path, key: SigningKey) -> Campus:
    world = build_world(engine, root / "files", key)
    snapshot, numbers = campus_corpus(root / "var")
    world.service.add_hook(dormant.PROCEDURE, dormant.on_step)
    deals.install(world.service, lambda: snapshot)
    with session_scope(engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107",
                                                    Organization.kind == OrgKind.COUNTY))
        jinjiang = s.scalar(select(Organization).where(Organization.region_code == "510104",
                                                       Organization.kind == OrgKind.COUNTY))
        uni = create_org(s, UNIVERSITY, OrgKind.ENTERPRISE, "510107", wuhou, party_key=normalize_name(UNIVERSITY))
        other = create_org(s, OTHER_UNIVERSITY, OrgKind.ENTERPRISE, "510104", jinjiang,
                           party_key=normalize_name(OTHER_UNIVERSITY))
        for name, org in (("inventor", uni), ("college", uni), ("office", uni), ("other_uni", other)):
            world.users[name] = create_user(s, username=name, password=PASSWORD, role=Role.ENTERPRISE_USER,
                                            org=org, password_hash=_password_hash()).id
    return Campus(world, snapshot, numbers, root)


def inventory(c: Campus, user: str = "inventor", day: dt.date = INVENTORY_DAY) -> dict[str, int]:
    with session_scope(c.world.engine) as s:
        return dormant.take_inventory(s, c.world.scope(user), c.snapshot, on=day.isoformat(), now=moment(day))


def grade(c: Campus, name: str, user: str = "inventor", day: dt.date = INVENTORY_DAY, **extra: str) -> dict[str, Any]:
    fields = {"patent_number": c.numbers[name], "prospect": "高", "application_field": "新能源储能",
              "willingness": "愿意转化", "college": "材料学院", "note": "已有中试样品"} | extra
    with session_scope(c.world.engine) as s:
        return c.world.service.start(s, c.world.scope(user), dormant.PROCEDURE, fields=fields, now=moment(day))


def step(c: Campus, case_id: int, event_name: str, user: str, version: int, day: dt.date = INVENTORY_DAY,
         **fields: str) -> dict[str, Any]:
    with session_scope(c.world.engine) as s:
        return c.world.service.act(s, c.world.scope(user), case_id, event_name, version=version,
                                   fields=fields or {"opinion": "同意"}, now=moment(day))


def offered(c: Campus, case_id: int, user: str) -> set[str]:
    """The steps the case page offers ``user``."""
    with session_scope(c.world.engine) as s:
        return {a.event for a in c.world.service.case(s, c.world.scope(user), case_id)["actions"]}


def approve(c: Campus, name: str, day: dt.date = INVENTORY_DAY) -> int:
    """Graded by the inventor, approved by the college, admitted by the university: the case id."""
    case = grade(c, name, day=day)
    step(c, case["id"], "college_approve", "college", 1, day)
    step(c, case["id"], "university_approve", "office", 2, day)
    return int(case["id"])


def university_in_web(env: Any) -> dict[str, str]:
    """The web test corpus with :data:`UNIVERSITY`'s patents added (a new current snapshot) and the
    university under 武侯区 with its inventor, college and office accounts (the web test password)."""
    from zhichan.corpus.store import CorpusStore
    from zhichan.platform.accounts import hash_password
    from zhichan.web.testing import PASSWORD as WEB_PASSWORD

    def rows(snapshot: Snapshot, table: str) -> list[dict[str, Any]]:
        con = snapshot.connect()
        try:
            return list(con.sql(f"SELECT * FROM {table}").to_arrow_table().to_pylist())
        finally:
            con.close()

    data_dir = Path(env.settings.data_dir)
    current = CorpusStore(data_dir / "corpus").current()
    staging = campus_corpus(data_dir / "dormant-staging")[0]
    extra_patents = rows(staging, "patents")
    build_snapshot(data_dir, patents=rows(current, "patents") + extra_patents,
                   events=rows(current, "events") + rows(staging, "events"))
    numbers = {r["title"]: r["application_number"] for r in extra_patents}
    hashed = hash_password(WEB_PASSWORD)
    with session_scope(env.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107",
                                                    Organization.kind == OrgKind.COUNTY))
        uni = create_org(s, UNIVERSITY, OrgKind.ENTERPRISE, "510107", wuhou, party_key=normalize_name(UNIVERSITY))
        for name in ("inventor", "college", "office"):
            create_user(s, username=name, password=WEB_PASSWORD, role=Role.ENTERPRISE_USER, org=uni, password_hash=hashed)
    return numbers
