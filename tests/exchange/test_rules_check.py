"""An outsider's check of the open-licence annuity reduction (RULES.md rule 3) through the product — the
declaration published, a licence taken by notice plus payment and recorded (备案), the declaration withdrawn —
read from the declaration's page data on SQLite and PostgreSQL: 15 % from the 备案 date, never stacked with
another reduction, ended from the next patent year after withdrawal. Worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from tests.exchange.conftest import Exchange
from tests.exchange.helpers import declaration, moment
from tests.exchange.test_open_licence import PDF, _another_enterprise, _file, _publish
from tests.procedures.helpers import pdf
from zhichan.exchange.models import OpenLicence
from zhichan.exchange.openlicence import record_licence, take_licence
from zhichan.exchange.views import declaration_view
from zhichan.platform.db import session_scope

D = dt.date
M = Decimal


def _payable(ex: Exchange, declaration_id: int, other: str = "") -> tuple[dict[int, Decimal], Decimal]:
    with session_scope(ex.world.engine) as s:
        page = declaration_view(s, ex.world.scope("ent_user"), declaration_id, "zh", snapshot=ex.snapshot, other=other)
    return {y["year"]: y["payable"] for y in page["reduction"]}, page["reduction_total"]


def test_fifteen_percent_from_the_record_not_stacked_and_ended_from_the_next_patent_year(exchange: Exchange) -> None:
    ex = exchange
    # an invention filed 2018-03-10: patent year n runs from the (n−1)-th anniversary, its annuity due on it —
    # year 9 on 2026-03-10 (2,000 yuan), years 10–12 on 2027/2028/2029-03-10 (4,000 each)
    case = _file(ex, declaration(ex.numbers["ok"]))
    _publish(ex, case["id"], D(2026, 3, 5))
    with session_scope(ex.world.engine) as s:
        declaration_id = s.scalar(select(OpenLicence.id).where(OpenLicence.case_id == case["id"]))
        assert declaration_id is not None
    # published, no licence recorded: no reduction at all (years 8 — the publication's — to 12, the term's end)
    assert _payable(ex, declaration_id) == ({8: M("2000.00"), 9: M("2000.00"), 10: M("4000.00"), 11: M("4000.00"),
                                             12: M("4000.00")}, M("0.00"))
    licensee = ex.world.scope(_another_enterprise(ex))
    evidence = ex.world.service.evidence
    with session_scope(ex.world.engine) as s:
        grant = take_licence(s, licensee, evidence, declaration_id, licensee="某被许可公司", notice_on="2026-03-10",
                             paid_yuan="50000", paid_on="2026-03-11", notice=PDF, payment_proof=PDF,
                             now=moment(D(2026, 3, 12)))
        grant_id = grant.id
    with session_scope(ex.world.engine) as s:
        record_licence(s, ex.world.scope("wuhou_officer"), evidence, grant_id, recorded_on="2026-03-20",
                       now=moment(D(2026, 3, 20)))
    # recorded 2026-03-20: year 9's annuity fell due on 03-10, before it — in full; years 10–12 fall due inside
    # the licence (to 2029-03-31): 4,000 × 0.85 = 3,400, 600 off each
    assert _payable(ex, declaration_id) == ({8: M("2000.00"), 9: M("2000.00"), 10: M("3400.00"), 11: M("3400.00"),
                                             12: M("3400.00")}, M("1800.00"))
    # a small entity's 85 % 费减 is the more favourable: 4,000 × 0.15 = 600 payable, not stacked (not 510)
    assert _payable(ex, declaration_id, "85")[0][10] == M("600.00")
    # a 10 % reduction is less favourable: the open licence's 15 % alone, 3,400 (not 4,000 × 0.75)
    assert _payable(ex, declaration_id, "10%")[0][10] == M("3400.00")
    # withdrawn on 2028-03-09, the last day of patent year 10: the reduction stops from year 11 (due 2028-03-10)
    with session_scope(ex.world.engine) as s:
        ex.world.service.act(s, ex.world.scope("ent_user"), case["id"], "withdraw", version=2,
                             fields={"unconditional": "以书面方式无条件撤回开放许可声明"},
                             uploads=(pdf("doc0", "撤回声明.pdf"),), now=moment(D(2028, 3, 9)))
    payable, total = _payable(ex, declaration_id)
    assert payable == {8: M("2000.00"), 9: M("2000.00"), 10: M("3400.00"), 11: M("4000.00"), 12: M("4000.00")}
    assert total == M("600.00")
