"""A third outsider's check of protection's clocks, worked by hand on SQLite and PostgreSQL: a jurisdiction
objection raised while the case is suspended (81号令 第九条: within the answer period — a suspension does not
take that right away; 第三十七条: both periods are left out of the closing period, a day excluded on two
grounds once)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.procedures.helpers import World, at
from tests.protection.test_adjudication import PANEL, act, due, pdf, start
from tests.protection.test_adjudication import world as world  # the fixture
from zhichan.errors import ConflictError, FormError
from zhichan.legaltime import Pause, net_days
from zhichan.platform.db import session_scope
from zhichan.procedures.views import case_view

D = dt.date
INVALIDATION = "第二十九条 发明专利无效宣告"
OBJECTION = {"grounds": "被请求人住所地不在本辖区"}


def _served_and_suspended(world: World) -> dict:
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    assert due(world, case, "closing") == D(2026, 6, 3)  # 3 March + 3 months, a Wednesday
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-07"}, (pdf(),))
    assert due(world, case, "answer") == D(2026, 3, 23)  # 7 March + 15 = Sunday 22 → Monday 23 March
    # the respondent asks the office to suspend for its invalidation request (第二十九条) on Tuesday 10 March
    act(world, "wuhou_officer", case, "suspend_invalidation", at(D(2026, 3, 10)), {"ground": INVALIDATION})
    assert due(world, case, "closing") is None
    return case


def _pauses(world: World, case: dict) -> list[dict]:
    with session_scope(world.engine) as s:
        clocks = {c["name"]: c for c in world.service.case(s, world.scope("wuhou_officer"), case["id"])["clocks"]}
    return clocks["closing"]["pauses"]


def test_a_jurisdiction_objection_while_suspended_is_received_and_its_days_excluded_once(world: World) -> None:
    case = _served_and_suspended(world)
    # Monday 16 March, inside the answer period: received (it was refused — "the closing clock is not running")
    act(world, "wuhou_officer", case, "object_jurisdiction", at(D(2026, 3, 16)), OBJECTION)
    assert due(world, case, "jurisdiction") == D(2026, 3, 23)  # 5 working days: 17, 18, 19, 20, 23 March
    with pytest.raises(ConflictError, match="尚未恢复"):  # the same objection cannot be opened twice: it is in force
        act(world, "wuhou_officer", case, "object_jurisdiction", at(D(2026, 3, 17)), OBJECTION)
    act(world, "wuhou_officer", case, "decide_jurisdiction", at(D(2026, 3, 19)), {"outcome": "异议不成立，继续处理"})
    # the objection decided, the suspension still runs: no closing date yet; the decision ended the objection's pause
    assert due(world, case, "closing") is None
    assert [(p["event"], p["start"], p["end"]) for p in _pauses(world, case)] == [
        ("suspend_invalidation", "2026-03-10", None), ("object_jurisdiction", "2026-03-16", "2026-03-19")]
    # the page says why in its own language: the ground chosen (a declared choice), else the step that paused it
    with session_scope(world.engine) as s:
        for lang, shown in (("en", ["Art. 29: invalidation of an invention patent", "Jurisdiction objection received"]),
                            ("zh", [INVALIDATION, "收到管辖权异议"])):
            page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], lang)
            assert [p["shown"] for c in page["clocks"] if c["name"] == "closing" for p in c["pauses"]] == shown
    # resumed on Tuesday 7 April, after Qingming (4–6 April): 10 March – 6 April not counted, 28 days (the objection's
    # 16–18 March inside them, not again): 3 June + 28 = Wednesday 1 July (adding the 3 days twice: Saturday 4 July
    # → Monday 6 July)
    act(world, "wuhou_officer", case, "resume", at(D(2026, 4, 7)))
    assert due(world, case, "closing") == D(2026, 7, 1)
    # 结案周期 if decided on 1 July: 120 days from 立案, 28 of them excluded once — 92 (not 89)
    pauses = [Pause(D.fromisoformat(p["start"]), D.fromisoformat(p["end"])) for p in _pauses(world, case)]
    assert net_days(D(2026, 3, 3), D(2026, 7, 1), pauses) == 92


def test_a_suspension_lifted_before_the_objection_is_decided(world: World) -> None:
    case = _served_and_suspended(world)
    act(world, "wuhou_officer", case, "object_jurisdiction", at(D(2026, 3, 16)), OBJECTION)
    # the suspension ends first (Wednesday 18 March): its own pause ends, the objection's keeps the clock paused
    act(world, "wuhou_officer", case, "resume", at(D(2026, 3, 18)))
    assert due(world, case, "closing") is None
    assert [(p["event"], p["end"]) for p in _pauses(world, case)] == [
        ("suspend_invalidation", "2026-03-18"), ("object_jurisdiction", None)]
    act(world, "wuhou_officer", case, "decide_jurisdiction", at(D(2026, 3, 20)), {"outcome": "异议不成立，继续处理"})
    # 10–19 March not counted: 10 days; 3 June + 10 = Saturday 13 June → Monday 15 June
    assert due(world, case, "closing") == D(2026, 6, 15)


def test_resume_does_not_end_an_objections_pause_nor_the_decision_on_it_a_suspension(world: World) -> None:
    """Each excluded period ends by its own step: 恢复 ends a suspension, the decision on the objection ends the
    objection's pause — 恢复 ending the objection's pause would leave the objection undecidable (its decision needs
    the paused clock) and the closing clock running while the objection is pending."""
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-07"}, (pdf(),))
    act(world, "wuhou_officer", case, "object_jurisdiction", at(D(2026, 3, 16)), OBJECTION)
    with session_scope(world.engine) as s:
        offered = [a.event for a in world.service.case(s, world.scope("wuhou_officer"), case["id"])["actions"]]
    assert "decide_jurisdiction" in offered and "resume" not in offered
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "resume", at(D(2026, 3, 17)))
    assert "_clock" in info.value.errors
    act(world, "wuhou_officer", case, "suspend_invalidation", at(D(2026, 3, 17)), {"ground": INVALIDATION})
    act(world, "wuhou_officer", case, "decide_jurisdiction", at(D(2026, 3, 18)), {"outcome": "异议不成立，继续处理"})
    # the objection decided: nothing left to decide (and only the suspension's pause is left, not its to end)
    with pytest.raises(ConflictError, match="均已决定"):
        act(world, "wuhou_officer", case, "decide_jurisdiction", at(D(2026, 3, 19)), {"outcome": "异议不成立，继续处理"})
    act(world, "wuhou_officer", case, "resume", at(D(2026, 3, 20)))
    # 16–19 March not counted: 4 days; 3 June + 4 = Sunday 7 June → Monday 8 June
    assert due(world, case, "closing") == D(2026, 6, 8)


def _offered(world: World, case: dict) -> list[str]:
    with session_scope(world.engine) as s:
        return [t.event for t in world.service.case(s, world.scope("wuhou_officer"), case["id"])["actions"]]


def test_the_answer_is_forwarded_within_five_working_days_of_its_receipt(world: World) -> None:
    """81号令 第二十二条 (RULES.md M6 [P]): the office forwards the answer to the requester within 5 working days
    of receiving it — a period the declaration did not track."""
    from zhichan.errors import ConflictError

    case = start(world, at(D(2026, 4, 7)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 4, 8)), PANEL)
    act(world, "wuhou_officer", case, "serve", at(D(2026, 4, 14)), {"received_on": "2026-04-14"}, (pdf(),))
    assert due(world, case, "answer") == D(2026, 4, 29)  # 14 April + 15 days, a Wednesday
    act(world, "wuhou_officer", case, "answer", at(D(2026, 4, 29)))
    # 30 April, then Labour Day (1–5 May), 6, 7, 8 May and the make-up Saturday 9 May: the fifth working day
    assert due(world, case, "forward") == D(2026, 5, 9)
    assert "forward_answer" in _offered(world, case)
    act(world, "wuhou_officer", case, "forward_answer", at(D(2026, 5, 8)))
    with session_scope(world.engine) as s:
        clocks = {c["name"]: c for c in world.service.case(s, world.scope("wuhou_officer"), case["id"])["clocks"]}
        assert clocks["forward"]["status"] == "stopped"
    with pytest.raises(ConflictError):  # forwarded once
        act(world, "wuhou_officer", case, "forward_answer", at(D(2026, 5, 11)))
    # no answer in time: nothing to forward, no period runs
    silent = start(world, at(D(2026, 4, 7)))
    act(world, "wuhou_officer", silent, "accept", at(D(2026, 4, 8)), PANEL)
    act(world, "wuhou_officer", silent, "serve", at(D(2026, 4, 14)), {"received_on": "2026-04-14"}, (pdf(),))
    act(world, "wuhou_officer", silent, "answer_lapsed", at(D(2026, 4, 30)))
    assert "forward_answer" not in _offered(world, silent)  # the case page does not offer a step it would refuse
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", silent, "forward_answer", at(D(2026, 5, 6)))
    assert "_clock" in info.value.errors


def test_the_holders_enforcement_months_follow_an_office_window_moved_past_national_day(
        engine: Engine, tmp_path: Path) -> None:
    """81号令 第八十条 (RULES.md M6): the office applies to the court within 3 months of the decision becoming
    final, the right holder within 6 months after that. The office's last day falling in a holiday moves to the
    next working day (民法典 第二百零三条), and the holder's months run from that day: the office's period has
    not ended before it."""
    from tests.procedures.helpers import build_world
    from tests.protection.test_channels import start as channel_start
    from zhichan.evidence.keys import SigningKey
    from zhichan.protection.channels import ENFORCEMENT, EnforcementRules
    from zhichan.protection.demo import placeholder_generator
    from zhichan.protection.documents import OFFICE_DOCUMENTS

    w = build_world(engine, tmp_path / "files", SigningKey.generate())
    w.service.add_hook(ENFORCEMENT, EnforcementRules(w.service))
    w.service.add_generator(ENFORCEMENT, placeholder_generator, OFFICE_DOCUMENTS)
    fields = {"decision_number": "PD-2025-000009", "respondent": "某某电子商行", "final_on": "2025-07-01"}
    case = channel_start(w, ENFORCEMENT, fields, at(D(2025, 7, 2)))
    # 1 July + 3 months = 1 October 2025, National Day (1–8 October) → Thursday 9 October
    assert _clock(w, case, "office_window")["due_on"] == D(2025, 10, 9)
    with pytest.raises(FormError):  # the office's last day is still its own
        act(w, "wuhou_officer", case, "office_lapsed", at(D(2025, 10, 9)))
    act(w, "wuhou_officer", case, "office_lapsed", at(D(2025, 10, 10)))
    # 9 October + 6 months = Thursday 9 April 2026 (from the nominal 1 October it would be 1 April)
    assert _clock(w, case, "holder_window")["due_on"] == D(2026, 4, 9)


def _clock(world: World, case: dict, name: str) -> dict:
    with session_scope(world.engine) as s:
        clocks = {c["name"]: c for c in world.service.case(s, world.scope("wuhou_officer"), case["id"])["clocks"]}
    return clocks[name]
