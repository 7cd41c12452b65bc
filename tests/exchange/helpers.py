"""Shared by the exchange tests: a corpus with one patent per open-licence refusal ground, and the
procedure engine with the exchange's hook on it (the organization tree of tests/procedures)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from tests.procedures.helpers import World, build_world
from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot, event, patent
from zhichan.evidence.keys import SigningKey

OWNER = "成都示例科技有限公司"
OTHER = "锦江独有材料有限公司"
UNIVERSITY = "四川示例大学"
TODAY = dt.date(2026, 3, 2)


def moment(day: dt.date = TODAY, hour: int = 2) -> dt.datetime:
    """A naive-UTC moment on ``day`` in China (02:00 UTC = 10:00 China time)."""
    return dt.datetime(day.year, day.month, day.day, hour)


def corpus(root: Path) -> tuple[Snapshot, dict[str, str]]:
    """Patents of :data:`OWNER` filed 2018-03-10 (granted two years later), one per case below."""
    cases = {
        "ok": {},
        "exclusive": {}, "sole": {}, "ordinary_licensed": {}, "expired_exclusive": {},
        "suspended": {}, "resumed": {},
        "unpaid": {"legal_status": "lapsed_unpaid", "lapse_date": "2025-03-10"},
        "pledged": {},
        "invalidated": {"legal_status": "invalidated", "legal_status_date": "2025-06-01"},
        "utility_model": {"kind": "utility_model", "title": "一种储能电池散热装置"},
        "design": {"kind": "design", "title": "储能柜外观"},
        "pending": {"legal_status": "under_examination", "grant_date": None},
        "coowned": {"applicants": [OWNER, OTHER]},
        "foreign": {"applicants": [OTHER]},
        "other_um": {"kind": "utility_model"},
        "university": {"applicants": [UNIVERSITY], "applicant_types": ["university"]},
    }
    numbers: dict[str, str] = {}
    rows = []
    for i, (name, fields) in enumerate(cases.items()):
        kind = fields.get("kind", "invention")
        digit = {"invention": "1", "utility_model": "2", "design": "3"}[kind]
        number = f"2018{digit}{100 + i:07d}"
        record = patent(number, application_date="2018-03-10", applicants=fields.pop("applicants", [OWNER]),
                        title=fields.pop("title", f"一种锂离子电池负极材料及其制备方法{i}"), ipc=["H01M4/13", "H01M10/44"],
                        **fields)
        rows.append(record)
        numbers[name] = record["application_number"]
    events: list[dict[str, Any]] = [
        event(numbers["exclusive"], "licence", "2024-01-01", party_from=OWNER, party_to="某独占被许可人",
              detail="独占许可 至2030-12-31"),
        event(numbers["sole"], "licence", "2024-01-01", party_from=OWNER, party_to="某排他被许可人", detail="排他许可"),
        event(numbers["ordinary_licensed"], "licence", "2024-01-01", party_from=OWNER, party_to="某普通被许可人",
              detail="普通许可 至2030-12-31"),
        event(numbers["expired_exclusive"], "licence", "2021-01-01", party_from=OWNER, party_to="某被许可人",
              detail="独占许可 至2025-12-31"),
        event(numbers["suspended"], "legal_status_change", "2025-11-01", detail="中止（权属纠纷）"),
        event(numbers["resumed"], "legal_status_change", "2025-11-01", detail="中止（财产保全）"),
        event(numbers["resumed"], "legal_status_change", "2026-01-05", detail="恢复"),
        event(numbers["pledged"], "pledge", "2025-05-01", party_from=OWNER, party_to="某银行", amount_yuan=Decimal("3000000")),
    ]
    return build_snapshot(root, patents=rows, events=events), numbers


def declaration(number: str, **overrides: str) -> dict[str, str]:
    """A declaration's fields that pass every content rule."""
    fields = {
        "patent_number": number, "patentee": OWNER, "fee_method": "固定费用", "fee_standard": "50000",
        "payment_schedule": "一次性支付", "fee_note": "参照同类技术许可的市场价格确定。", "term_from": "2026-04-01",
        "term_until": "2029-03-31", "contact": "张经理 028-12345678", "evaluation": "不适用（发明专利）",
        "commitment": "本声明内容真实，符合开放许可的规定，无夸大宣传",
    }
    fields.update(overrides)
    return fields


@dataclass
class Exchange:
    world: World
    snapshot: Snapshot
    numbers: dict[str, str]


def open_exchange(engine: Engine, folder: Path, key: SigningKey) -> Exchange:
    """The procedure engine on ``engine`` with the exchange's hooks, the organizations of tests/procedures and the
    corpus of :func:`corpus`, files and corpus under ``folder``."""
    from zhichan.exchange import deals, openlicence

    world = build_world(engine, folder / "files", key)
    snapshot, numbers = corpus(folder / "var")
    world.service.add_hook(openlicence.PROCEDURE, lambda s, scope, step: openlicence.on_step(snapshot, s, scope, step))
    deals.install(world.service, lambda: snapshot)
    return Exchange(world, snapshot, numbers)


def pledged_here(world: World, number: str, on: dt.date, *, pledgee: str = "蓉城科创银行",
                 status: str = "registered") -> None:
    """A pledge of ``number`` in the platform's own register, registered ``on`` — after the corpus's snapshot, which
    knows nothing of it (the finance hook, which keeps the register with its case, is not installed here)."""
    from sqlalchemy import select

    from zhichan.finance.models import Pledge, PledgedRight
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization
    from zhichan.procedures.models import Case

    with session_scope(world.engine) as s:
        org = s.scalar(select(Organization).where(Organization.name == "武侯区知识产权局"))
        assert org is not None
        case = Case(procedure="finance.pledge", jurisdiction="510000", revision=1, title=number, state=status,
                    org_id=org.id, org_path=org.path, region_code="510107", is_open=status != "released")
        s.add(case)
        s.flush()
        pledge = Pledge(case_id=case.id, registration_number=f"质押-{case.id}", pledgor_org_id=org.id, pledgor=OWNER,
                        pledgee_org_id=org.id, pledgee=pledgee, debt_amount=Decimal(1000000), debt_start=on,
                        debt_end=on.replace(year=on.year + 2), status=status, registered_on=on, org_id=org.id,
                        org_path=org.path, region_code="510107")
        s.add(pledge)
        s.flush()
        s.add(PledgedRight(pledge_id=pledge.id, kind="patent", number=number))
