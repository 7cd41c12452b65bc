"""预审备案 and 预审: the centre's area, its approved fields, the credit list — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.procedures.helpers import PDF, World, at
from zhichan.credit.service import record_listing
from zhichan.errors import FormError
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization
from zhichan.procedures.service import Upload
from zhichan.services.preexam import CASE, CENTRES, FILING, centre_options, make_hook

D = dt.date
USCC = "91510100MA61R5XA24"
ENT = "成都示例科技有限公司"


def _filing(**over: str) -> dict[str, str]:
    return {"centre": "CN-CD", "applicant": ENT, "credit_code": USCC, "fields_ipc": "H01M\nG06N", "contact": "王五 123"} | over


def _case(**over: str) -> dict[str, str]:
    return {"centre": "CN-CD", "applicant": ENT, "title": "一种固态电解质", "kind": "发明", "main_ipc": "H01M 10/0562"} | over


@pytest.fixture
def hooked(world: World) -> World:
    for procedure in (FILING, CASE):
        world.service.add_hook(procedure, make_hook())
    world.service.add_options(CENTRES, centre_options)
    return world


def test_filing_eligibility_beside_each_field(hooked: World) -> None:
    ent, doc = hooked.scope("ent_user"), (Upload("doc0", "备案表.pdf", PDF),)
    with pytest.raises(FormError) as info, session_scope(hooked.engine) as s:
        hooked.service.start(s, ent, FILING, fields=_filing(centre="CN-HZ"), uploads=doc)  # a Chengdu firm in Hangzhou
    assert "不在" in info.value.errors["applicant"] and "330100" in info.value.errors["applicant"]
    assert info.value.errors["fields_ipc"].startswith("不在本中心获批的预审领域内：H01M（")  # G06N is approved there
    with pytest.raises(FormError) as info, session_scope(hooked.engine) as s:
        hooked.service.start(s, ent, FILING, fields=_filing(fields_ipc="H01M\nA01B\nelectric", credit_code="123"),
                             uploads=doc)
    assert set(info.value.errors) == {"fields_ipc", "credit_code"} and "ELECTRIC" in info.value.errors["fields_ipc"]
    with pytest.raises(FormError) as info, session_scope(hooked.engine) as s:
        hooked.service.start(s, ent, FILING, fields=_filing(fields_ipc="A01B"), uploads=doc)
    assert "A01B" in info.value.errors["fields_ipc"] and "获批" in info.value.errors["fields_ipc"]
    with pytest.raises(FormError) as info, session_scope(hooked.engine) as s:
        hooked.service.start(s, ent, FILING, fields=_filing(centre="XX-YY"), uploads=doc)
    assert "XX-YY" in info.value.errors["centre"]
    with session_scope(hooked.engine) as s:
        city = s.scalar(select(Organization).where(Organization.region_code == "510100"))
        assert city is not None
        record_listing(s, subject="另一家公司", credit_code=USCC, ground="false_material", decision_number="成知信〔2026〕2号",
                       listed_from=D(2026, 1, 5), org_id=city.id, org_path=city.path, region_code="510100")
    with pytest.raises(FormError) as info, session_scope(hooked.engine) as s:  # listed under its credit code
        hooked.service.start(s, ent, FILING, fields=_filing(), uploads=doc, now=at(D(2026, 6, 1)))
    assert "成知信〔2026〕2号" in info.value.errors["applicant"]


def test_recorded_enterprises_submit_in_approved_fields(hooked: World) -> None:
    ent, officer = hooked.scope("ent_user"), hooked.scope("wuhou_officer")
    docs = (Upload("doc0", "申请文件.pdf", PDF),)
    with pytest.raises(FormError) as info, session_scope(hooked.engine) as s:
        hooked.service.start(s, ent, CASE, fields=_case(), uploads=docs)
    assert "未在" in info.value.errors["applicant"]
    with session_scope(hooked.engine) as s:
        filing = hooked.service.start(s, ent, FILING, fields=_filing(),
                                      uploads=(Upload("doc0", "备案表.pdf", PDF),), now=at(D(2026, 9, 1)))
        hooked.service.act(s, officer, filing["id"], "record", version=1, fields={}, now=at(D(2026, 9, 2)))
    with pytest.raises(FormError) as info, session_scope(hooked.engine) as s:
        hooked.service.start(s, ent, CASE, fields=_case(main_ipc="A01B 1/00"), uploads=docs)
    assert "A01B" in info.value.errors["main_ipc"]
    with pytest.raises(FormError) as info, session_scope(hooked.engine) as s:
        hooked.service.start(s, ent, CASE, fields=_case(main_ipc="锂电池"), uploads=docs)
    assert "格式" in info.value.errors["main_ipc"]
    # Monday 2026-09-14: 5 working days — Tuesday to Friday, then Sunday 09-20, a make-up workday before Mid-Autumn
    with session_scope(hooked.engine) as s:
        case = hooked.service.start(s, ent, CASE, fields=_case(), uploads=docs, now=at(D(2026, 9, 14)))
        assert hooked.service.case(s, officer, case["id"])["clocks"][0]["due_on"] == D(2026, 9, 20)
        hooked.service.act(s, officer, case["id"], "pass_preexam", version=1, fields={}, now=at(D(2026, 9, 16)))
    with pytest.raises(FormError) as info, session_scope(hooked.engine) as s:
        hooked.service.act(s, officer, case["id"], "record_grant", version=2, now=at(D(2026, 12, 1)),
                           fields={"application_number": "CN202610000001.9", "filed_on": "2026-09-20",
                                   "granted_on": "2026-09-19"})
    assert "授权公告日" in info.value.errors["granted_on"]
