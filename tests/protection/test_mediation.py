"""Mediation under 81号令 arts 63–70 and judicial confirmation on hand-made cases: the two-month track for
ownership disputes only, the reply counted from receipt, the 30 days to apply to the court counted from
the agreement taking effect (ending on a make-up Saturday after National Day 2026), the sweep's reminder
reaching the parties, a late application refused, the court's ruling recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.procedures.helpers import World, at, build_world, pdf
from zhichan.errors import FormError
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope
from zhichan.protection.documents import OFFICE_DOCUMENTS, DocumentGenerator
from zhichan.protection.mediation import MEDIATION, OWNERSHIP, MediationRules

D = dt.date


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    w = build_world(engine, tmp_path / "files", SigningKey.generate())
    w.service.add_hook(MEDIATION, MediationRules(w.service))
    w.service.add_generator(MEDIATION, DocumentGenerator(None), OFFICE_DOCUMENTS)
    return w


def start(world: World, kind: str, when: dt.datetime, uploads: tuple[Any, ...] = (pdf(),)) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.start(s, world.scope("ent_user"), MEDIATION, now=when, uploads=uploads, fields={
            "dispute_kind": kind, "patent_number": "CN202010000007.9", "requester": "成都示例科技有限公司",
            "respondent": "某某研究所", "claims": "确认专利权归请求人所有"})


def act(world: World, who: str, case: dict[str, Any], event: str, when: dt.datetime,
        fields: dict[str, Any] | None = None, uploads: tuple[Any, ...] = ()) -> None:
    with session_scope(world.engine) as s:
        case.update(world.service.act(s, world.scope(who), case["id"], event, version=case["version"],
                                      fields=fields or {}, uploads=uploads, now=when))


def view(world: World, case: dict[str, Any], who: str = "wuhou_officer") -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.case(s, world.scope(who), case["id"])


def clock(world: World, case: dict[str, Any], name: str) -> dict[str, Any]:
    return {c["name"]: c for c in view(world, case)["clocks"]}[name]


def test_ownership_mediation_to_a_confirmed_agreement(world: World) -> None:
    with pytest.raises(FormError) as info:  # the party's own request is uploaded, never generated for it
        start(world, OWNERSHIP, at(D(2026, 7, 1)), uploads=())
    assert set(info.value.errors) == {"doc0"}
    case = start(world, OWNERSHIP, at(D(2026, 7, 1)))
    act(world, "wuhou_officer", case, "serve", at(D(2026, 7, 3)), {"received_on": "2026-07-02"})
    assert clock(world, case, "reply")["due_on"] == D(2026, 7, 17)  # 2 Jul + 15
    act(world, "wuhou_officer", case, "reply", at(D(2026, 7, 10)))
    with pytest.raises(FormError) as info:  # an ownership dispute takes the two-month track
        act(world, "wuhou_officer", case, "accept", at(D(2026, 7, 13)), {"mediators": "张三、李四"})
    assert set(info.value.errors) == {"mediators"}
    act(world, "wuhou_officer", case, "accept_ownership", at(D(2026, 7, 13)), {"mediators": "张三、李四"})
    assert clock(world, case, "ownership_closing")["due_on"] == D(2026, 9, 14)  # 13 Sep is a Sunday
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "agree", at(D(2026, 9, 10)), {"effective_on": "2026-09-11"}, (pdf(),))
    assert set(info.value.errors) == {"effective_on"}
    act(world, "wuhou_officer", case, "agree", at(D(2026, 9, 10)), {"effective_on": "2026-09-10"}, (pdf(),))
    # 10 Sep + 30 days = Saturday 10 Oct 2026, a make-up working day after National Day: it stays
    assert clock(world, case, "confirmation")["due_on"] == D(2026, 10, 10)
    with session_scope(world.engine) as s:
        counts = world.service.sweep(s, D(2026, 9, 30))
    assert counts["warning"] >= 1
    party_notices = view(world, case, "ent_user")["notices"]
    assert any(n["clock"] == "confirmation" and n["kind"] == "warning" for n in party_notices)  # the parties reminded
    assert any("司法确认" in n["text_zh"] for n in party_notices)
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "confirmation_lapsed", at(D(2026, 10, 10)))
    assert set(info.value.errors) == {"_clock"}
    with pytest.raises(FormError) as info:
        act(world, "ent_user", case, "apply_confirmation", at(D(2026, 10, 12)),
            {"court": "成都市武侯区人民法院", "applied_on": "2026-10-11"})
    assert set(info.value.errors) == {"applied_on"}
    act(world, "ent_user", case, "apply_confirmation", at(D(2026, 10, 12)),
        {"court": "成都市武侯区人民法院", "applied_on": "2026-10-09"})
    act(world, "wuhou_officer", case, "record_ruling", at(D(2026, 10, 20)),
        {"outcome": "裁定调解协议有效", "ruling_number": "（2026）川0107民特12号", "ruled_on": "2026-10-19"})
    assert case["state"] == "closed"


def test_confirmation_window_lapses_and_a_general_dispute_has_no_two_month_track(world: World) -> None:
    case = start(world, "专利侵权纠纷", at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 3)))
    act(world, "wuhou_officer", case, "reply", at(D(2026, 3, 10)))
    with pytest.raises(FormError):
        act(world, "wuhou_officer", case, "accept_ownership", at(D(2026, 3, 11)), {"mediators": "张三"})
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 11)), {"mediators": "张三"})
    act(world, "wuhou_officer", case, "agree", at(D(2026, 3, 20)), {"effective_on": "2026-03-20"}, (pdf(),))
    assert clock(world, case, "confirmation")["due_on"] == D(2026, 4, 20)  # 19 Apr is a Sunday
    act(world, "wuhou_officer", case, "confirmation_lapsed", at(D(2026, 4, 21)))
    assert case["state"] == "closed"
