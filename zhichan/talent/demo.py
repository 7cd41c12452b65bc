"""Synthetic demo people for the talent library of the demo city (成都市): labelled synthetic in the data
(``synthetic``) and on every page (the badge), entered as the city bureau's own records. Deterministic (a seeded
generator); once per database."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.platform.models import Organization
from zhichan.talent.models import Person, Source, Status
from zhichan.talent.service import clean_person, insert_person, kinds

CITY = "510100"
DISTRICTS = ("510104", "510107", "510115")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("明", "华", "建国", "丽", "伟", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "超", "敏", "霞", "平")
ORGANIZATIONS = ("四川大学（演示）", "电子科技大学（演示）", "西南交通大学（演示）", "成都示例专利代理事务所（演示）",
                 "成都示例资产评估有限公司（演示）", "武侯区人民调解委员会（演示）", "成都技术转移中心（演示）")
FIELDS = ("H01M", "G06F", "H04L", "A61K", "B60L", "G06N", "H01L", "C12N")
#: named as the platform's industry chains (zhichan/navigation/chains), so the directory names them in the page's language
CHAINS = ("新能源汽车", "新一代信息技术", "生物医药", "集成电路", "智能制造装备")
#: how many people of each kind the demo enters
COUNTS = {"patent_agent": 8, "ip_practitioner_intermediate": 5, "ip_practitioner_senior": 2, "technology_broker": 4,
          "rights_aid_expert": 6, "people_mediator": 5, "valuation_expert": 6, "technical_investigator": 3,
          "review_expert": 6, "leading_talent": 2}


def seed(session: Session, *, seed: int = 20261205) -> int:
    """Enter the demo people (``0`` when synthetic people exist already or there is no demo city bureau)."""
    if session.scalar(select(Person.id).where(Person.synthetic.is_(True)).limit(1)) is not None:
        return 0
    city = session.scalar(select(Organization).where(Organization.region_code == CITY, Organization.kind == "city"))
    if city is None:
        return 0
    rng = random.Random(seed)
    declared = kinds()
    made = 0
    for code, count in COUNTS.items():
        for n in range(count):
            organization = rng.choice(ORGANIZATIONS)
            values = {"name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                      "organization": organization, "region_code": rng.choice(DISTRICTS), "kinds": code,
                      "certificates": f"{code}: DEMO-{code[:3].upper()}-{n + 1:04d}" if declared[code].certificate else "",
                      "ipc_fields": ";".join(rng.sample(FIELDS, 2)), "industry_chains": rng.choice(CHAINS),
                      "phone": f"028-8{rng.randrange(10**6, 10**7)}", "email": "",
                      "shared": rng.choice(("name;organization;ipc_fields;industry_chains", "name;ipc_fields",
                                            "name;organization;ipc_fields;contact", ""))}
            insert_person(session, clean_person(values, city), org_id=city.id, source=Source.ENTERED,
                    status=Status.IN_LIBRARY, synthetic=True)
            made += 1
    return made
