"""An outsider's check of the public notice of a university's agreed price (协议定价公示, RULES.md M4: the
result's name and price publicised for at least 15 days, with how objections are handled; 促进科技成果转化法
第十八条, 山东省促进科技成果转化条例 第十四条) through the product on SQLite and PostgreSQL, by hand around
National Day 2026: every objection is received — a second one while the first is open, one after the notice
ended — the notice's days run on while they are handled, and the contract waits for the period and for every
objection to be resolved."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.exchange.conftest import Exchange
from tests.exchange.test_deals import _act, _deal, _start, _university
from zhichan.errors import ConflictError
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
    with pytest.raises(ConflictError, match="异议"):
        _act(ex, univ, case, "sign", 4, D(2026, 10, 9), contract_on="2026-10-09", contract_price="1200000")
    _act(ex, univ, case, "resolve", 4, D(2026, 10, 8), handling="两件异议经评估、核查后均不成立，维持原价")
    with pytest.raises(ConflictError, match="没有待处理的异议"):  # nothing left to resolve
        _act(ex, univ, case, "resolve", 5, D(2026, 10, 8), handling="再次处理")
    with pytest.raises(ConflictError, match="2026-10-08"):  # the last day of the notice itself
        _act(ex, univ, case, "sign", 5, D(2026, 10, 8), contract_on="2026-10-08", contract_price="1200000")
    # an objection brought after the notice ended, before the contract, still holds it until resolved
    _act(ex, "wuhou_officer", case, "object", 5, D(2026, 10, 9), objection="公示期满后收到的书面异议")
    with pytest.raises(ConflictError, match="异议"):
        _act(ex, univ, case, "sign", 6, D(2026, 10, 9), contract_on="2026-10-09", contract_price="1200000")
    _act(ex, univ, case, "resolve", 6, D(2026, 10, 9), handling="异议不成立")
    assert _act(ex, univ, case, "sign", 7, D(2026, 10, 9), contract_on="2026-10-09",
                contract_price="1200000")["state"] == "contracted"
