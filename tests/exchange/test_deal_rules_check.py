"""An outsider's check of a deal's periods (RULES.md M4) through the product on SQLite and PostgreSQL, by hand.

The public notice of a university's agreed price (协议定价公示, RULES.md M4: the
result's name and price publicised for at least 15 days, with how objections are handled; 促进科技成果转化法
第十八条, 山东省促进科技成果转化条例 第十四条) through the product on SQLite and PostgreSQL, by hand around
National Day 2026: every objection is received — a second one while the first is open, one after the notice
ended — the notice's days run on while they are handled, and the contract waits for the period and for every
objection to be resolved.

A licence contract's recording (备案) within 3 months of taking effect (专利法实施细则 第十五条), from the
contract's date across month-ends and a Saturday; none for a transfer (专利法 第十条)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.exchange.conftest import Exchange
from tests.exchange.test_deals import _act, _deal, _start, _university
from zhichan.errors import ConflictError, FormError
from zhichan.platform.db import session_scope
from zhichan.procedures.models import CaseClock

D = dt.date


def _notice_due(ex: Exchange, case_id: int) -> dt.date | None:
    with session_scope(ex.world.engine) as s:
        return s.scalar(select(CaseClock.due_on).where(CaseClock.case_id == case_id, CaseClock.name == "public_notice"))


def test_every_objection_is_received_and_the_contract_waits_for_all(exchange: Exchange) -> None:
    ex = exchange
    univ = _university(ex)
    case = _start(ex, univ, _deal(patent_number=ex.numbers["university"]), day=D(2026, 9, 16))["id"]
    _act(ex, univ, case, "publish_notice", 1, D(2026, 9, 16), notice_place="学校官网", objections_to="书面提交科技处")
    # published Wednesday 16 September: 15 days from the 17th end on 1 October, National Day (1–7 October),
    # so the last day is Thursday 8 October (民法典 第二百零三条)
    assert _notice_due(ex, case) == D(2026, 10, 8)
    _act(ex, "wuhou_officer", case, "object", 2, D(2026, 9, 25), objection="价格偏低")
    # a second objector while the first objection is being handled: received (it was refused as "not running")
    _act(ex, "wuhou_officer", case, "object", 3, D(2026, 9, 28), objection="成果权属有争议")
    assert _notice_due(ex, case) == D(2026, 10, 8)  # the notice stays published; its days run on
    with pytest.raises(FormError, match="须先办理“异议处理完毕”"):
        _act(ex, univ, case, "sign", 4, D(2026, 10, 9), contract_on="2026-10-09", contract_price="1200000")
    _act(ex, univ, case, "resolve", 4, D(2026, 10, 8), handling="两件异议经评估、核查后均不成立，维持原价")
    with pytest.raises(ConflictError, match="“异议处理完毕”须有待决定的“收到异议”"):  # nothing left to resolve
        _act(ex, univ, case, "resolve", 5, D(2026, 10, 8), handling="再次处理")
    with pytest.raises(FormError, match="2026-10-08"):  # the last day of the notice itself (the declared term)
        _act(ex, univ, case, "sign", 5, D(2026, 10, 8), contract_on="2026-10-08", contract_price="1200000")
    # an objection brought after the notice ended, before the contract, still holds it until resolved
    _act(ex, "wuhou_officer", case, "object", 5, D(2026, 10, 9), objection="公示期满后收到的书面异议")
    with pytest.raises(FormError, match="须先办理“异议处理完毕”"):
        _act(ex, univ, case, "sign", 6, D(2026, 10, 9), contract_on="2026-10-09", contract_price="1200000")
    _act(ex, univ, case, "resolve", 6, D(2026, 10, 9), handling="异议不成立")
    assert _act(ex, univ, case, "sign", 7, D(2026, 10, 9), contract_on="2026-10-09",
                contract_price="1200000")["state"] == "contracted"


def _clocks(ex: Exchange, case_id: int) -> dict[str, dt.date | None]:
    with session_scope(ex.world.engine) as s:
        return {c.name: c.due_on for c in s.scalars(select(CaseClock).where(CaseClock.case_id == case_id))}


@pytest.mark.parametrize(("kind", "contract_on", "signed_on", "due"), [
    # 31 July + 3 months = 31 October 2026, a Saturday → Monday 2 November (细则 第五条, 民法典 第二百零三条)
    ("普通许可", D(2026, 7, 31), D(2026, 8, 3), D(2026, 11, 2)),
    # 30 June + 3 months = 30 September, a Wednesday (the last working day before National Day): it stays;
    # the step recorded late (10 August) does not move the period, which runs from the contract
    ("独占许可", D(2026, 6, 30), D(2026, 8, 10), D(2026, 9, 30)),
    # 31 May + 3 months = 31 August (a Monday)
    ("排他许可", D(2026, 5, 31), D(2026, 6, 1), D(2026, 8, 31)),
])
def test_a_licence_contract_is_recorded_within_three_months(exchange: Exchange, kind: str, contract_on: dt.date,
                                                            signed_on: dt.date, due: dt.date) -> None:
    """专利法实施细则 第十五条: a licence contract is recorded within 3 months of taking effect — the recording
    period starts at the contract's date, binds the party, and the recording stops it."""
    ex = exchange
    case = _start(ex, "ent_user", _deal(patent_number=ex.numbers["ok"], deal_kind=kind, pricing_method="评估定价"),
                  day=contract_on)["id"]
    _act(ex, "ent_user", case, "sign", 1, signed_on, contract_on=contract_on.isoformat(), contract_price="300000")
    assert _clocks(ex, case) == {"licence_record": due}
    with session_scope(ex.world.engine) as s:
        clock = next(c for c in ex.world.service.case(s, ex.world.scope("ent_user"), case)["clocks"]
                     if c["name"] == "licence_record")
    assert (clock["due_on"], clock["binds"], clock["status"]) == (due, "party", "running")
    _act(ex, "wuhou_officer", case, "record", 2, due, record_number="备案-2026-01", recorded_on=due.isoformat())
    with session_scope(ex.world.engine) as s:
        assert s.scalar(select(CaseClock.status).where(CaseClock.case_id == case)) == "stopped"


def test_a_transfer_owes_no_recording_period_and_no_contract_is_dated_ahead(exchange: Exchange) -> None:
    """A transfer takes effect on registration (专利法 第十条): no period runs for it."""
    ex = exchange
    case = _start(ex, "ent_user", _deal(patent_number=ex.numbers["ok"], pricing_method="评估定价"), day=D(2026, 7, 1))["id"]
    with pytest.raises(FormError) as info:
        _act(ex, "ent_user", case, "sign", 1, D(2026, 7, 1), contract_on="2026-07-02", contract_price="300000")
    assert set(info.value.errors) == {"contract_on"}
    _act(ex, "ent_user", case, "sign", 1, D(2026, 7, 1), contract_on="2026-07-01", contract_price="300000")
    assert _clocks(ex, case) == {}
