"""Moving a case to another handling office (移送、指定管辖): a jurisdiction objection upheld moves a dispute to the office
the handling office names (81号令 第九条, 专利法实施细则 第九十七条), and the common upper level designates one
(第九十七条 第三款). The receiving office handles it from then on — its to-do list, its steps —, the old one keeps sight of
it only if it is above, the move is a step in the evidence log and the audit log, the clocks run on, and the office named
is checked on the server. The engine with the shipped declaration. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from tests.procedures.helpers import World, at, pdf, todo_ids
from tests.procedures.test_engine import act, clocks, start
from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.platform.db import session_scope
from zhichan.platform.models import AuditEntry, Organization
from zhichan.procedures.models import Case, Step

D = dt.date
PANEL = {"panel": "甲乙丙"}


def office(world: World, region: str) -> str:
    with session_scope(world.engine) as s:
        return str(s.scalar(select(Organization.id).where(Organization.region_code == region)))


def objected(world: World) -> dict[str, Any]:
    """A 武侯区 dispute, served, whose respondent objected to the jurisdiction within the answer period."""
    case = start(world)
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 6)), PANEL, (pdf(),))
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-09"}, (pdf(),))
    act(world, "wuhou_officer", case, "object_jurisdiction", at(D(2026, 3, 10)), {"grounds": "被请求人住所地在锦江区"})
    return case


def test_an_objection_upheld_moves_the_case_to_the_office_named(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: D(2026, 3, 13))
    case = objected(world)
    started = clocks(world, case)["closing"]["started_at"]
    jinjiang, wuhou, zhejiang = office(world, "510104"), office(world, "510107"), office(world, "330000")
    with session_scope(world.engine) as s:  # offered to the handling office, with its province's offices to name
        view = world.service.case(s, world.scope("wuhou_officer"), case["id"])
        assert "transfer_jurisdiction" in {t.event for t in view["actions"]}
        offices = {o.value for o in world.service.options(
            next(f for t in view["actions"] if t.event == "transfer_jurisdiction" for f in t.fields
                 if f.name == "receiving_office"), view["case"]["region_code"])}
        # the form's list: the province's offices but the handling one, which the engine refuses below
        spec = next(t for t in view["actions"] if t.event == "transfer_jurisdiction")
        listed = {o.value for o in world.service.receiving_options(s, world.scope("wuhou_officer"), spec, view["case"])}
    assert {jinjiang, wuhou} <= offices and zhejiang not in offices
    assert listed == offices - {wuhou}
    for named, message in ((wuhou, "办案机关"), ("999999", "列表")):  # itself; no office of the list
        with pytest.raises(FormError) as info:
            act(world, "wuhou_officer", case, "transfer_jurisdiction", at(D(2026, 3, 13)),
                {"receiving_office": named, "reason": "异议成立"})
        assert set(info.value.errors) == {"receiving_office"} and message in info.value.errors["receiving_office"]
    with pytest.raises(PermissionDenied, match="由办案机关办理"):  # the city sees it; the decision is the district's
        act(world, "chengdu_officer", case, "transfer_jurisdiction", at(D(2026, 3, 13)),
            {"receiving_office": jinjiang, "reason": "异议成立"})
    assert case["id"] in todo_ids(world, "wuhou_officer") and case["id"] not in todo_ids(world, "jinjiang_officer")
    act(world, "wuhou_officer", case, "transfer_jurisdiction", at(D(2026, 3, 13)),
        {"receiving_office": jinjiang, "reason": "被请求人住所地在锦江区，异议成立"})
    with session_scope(world.engine) as s:
        row = s.get(Case, case["id"])
        assert row is not None and (str(row.org_id), row.region_code, row.state) == (jinjiang, "510104", "served")
        step = s.scalar(select(Step).where(Step.case_id == case["id"], Step.event == "transfer_jurisdiction"))
        assert step is not None and step.evidence_index is not None and jinjiang in step.fields
        moved = s.scalar(select(AuditEntry).where(AuditEntry.action == "procedure.transfer"))
        assert moved is not None and moved.target == case["number"]
    # the receiving office handles it: its to-do, its steps; the old office (not above it) no longer sees it
    assert case["id"] in todo_ids(world, "jinjiang_officer") and case["id"] not in todo_ids(world, "wuhou_officer")
    with pytest.raises(NotFoundError), session_scope(world.engine) as s:
        world.service.case(s, world.scope("wuhou_officer"), case["id"])
    with session_scope(world.engine) as s:  # the city above still sees it, the party too
        world.service.case(s, world.scope("chengdu_officer"), case["id"])
    # the closing period runs on from 立案, the objection's days (10–12 March) excluded: not restarted
    closing = clocks(world, case, "jinjiang_officer")["closing"]
    assert closing["started_at"] == started and closing["status"] == "running" and closing["due_on"] == D(2026, 6, 9)
    act(world, "jinjiang_officer", case, "answer_lapsed", at(D(2026, 3, 25)))


def test_the_upper_level_designates_an_office_within_its_area(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """第九十七条 第三款: the common upper level designates — the city's leader for two of its districts; the district is not
    offered it, nobody waits for it (no to-do), and an office outside the city's area is refused beside the field."""
    monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: D(2026, 3, 6))
    case = start(world)
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 6)), PANEL, (pdf(),))
    jinjiang, xihu = office(world, "510104"), office(world, "330106")
    with pytest.raises(PermissionDenied, match="上级机关"):
        act(world, "wuhou_leader", case, "designate_jurisdiction", at(D(2026, 3, 6)),
            {"receiving_office": jinjiang, "reason": "指定"})
    with pytest.raises(FormError) as info:
        act(world, "chengdu_leader", case, "designate_jurisdiction", at(D(2026, 3, 6)),
            {"receiving_office": xihu, "reason": "指定"})
    assert "辖区" in info.value.errors["receiving_office"]
    assert case["id"] not in todo_ids(world, "chengdu_leader")
    act(world, "chengdu_leader", case, "designate_jurisdiction", at(D(2026, 3, 6)),
        {"receiving_office": jinjiang, "reason": "两区对管辖权有争议，指定锦江区管辖"})
    assert case["id"] in todo_ids(world, "jinjiang_officer")
    act(world, "jinjiang_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-09"}, (pdf(),))


def _as_revision_3(raw: dict[str, Any]) -> None:
    """``protection.patent_dispute`` as revision 3 declared it — every demo dispute's: no step moves the case, and the
    decision on an objection offered the upheld outcome (it moved nothing)."""
    raw["revision"] = 3
    raw["transitions"] = [t for t in raw["transitions"]
                          if t["event"] not in ("transfer_jurisdiction", "designate_jurisdiction")]
    for t in raw["transitions"]:
        t.pop("by_law", None)
        t.pop("transfers", None)
        if t["event"] == "decide_jurisdiction":
            t["fields"][0]["choices"] = ["异议成立，移送有管辖权的机关", "异议不成立，继续处理"]


def test_a_dispute_filed_under_revision_3_moves_by_the_laws_step(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """An objection upheld in a dispute filed under revision 3: its decision's upheld outcome is refused beside the
    field, pointing to the step that moves the case — the law's (``by_law``), offered to the earlier revision too, on
    the page and the to-do list — and that step moves it; the case keeps its declaration."""
    from tests.procedures.helpers import filed_under_earlier
    from zhichan.procedures.models import StoredDeclaration
    from zhichan.protection.rules import DisputeRules

    monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: D(2026, 3, 13))
    case = objected(world)
    # the dispute's rules from here on (the engine's test case was opened without its start's admission checks)
    world.service.add_hook("protection.patent_dispute", DisputeRules(world.service, lambda: None))
    filed_under_earlier(world.engine, case["id"], _as_revision_3)
    jinjiang = office(world, "510104")
    with session_scope(world.engine) as s:
        digest = s.scalar(select(Case.declaration_digest).where(Case.id == case["id"]))
        assert s.scalar(select(StoredDeclaration.revision).where(StoredDeclaration.digest == digest)) == 3
        offered = {t.event for t in world.service.case(s, world.scope("wuhou_officer"), case["id"])["actions"]}
    assert {"decide_jurisdiction", "transfer_jurisdiction"} <= offered and "designate_jurisdiction" not in offered
    # the form offers the outcome revision 4 still offers, not the one refused below (a stale form or the API gets it)
    from zhichan.procedures.views import case_view

    with session_scope(world.engine) as s:
        for lang in ("zh", "en"):
            form = next(a for a in case_view(world.service, s, world.scope("wuhou_officer"), case["id"], lang)["actions"]
                        if a["event"] == "decide_jurisdiction")
            assert [f["choices"] for f in form["fields"] if f["name"] == "outcome"] == [["异议不成立，继续处理"]]
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "decide_jurisdiction", at(D(2026, 3, 13)),
            {"outcome": "异议成立，移送有管辖权的机关"})
    assert set(info.value.errors) == {"outcome"} and "“异议成立，移送有管辖权的机关”" in info.value.errors["outcome"]
    assert case["id"] in todo_ids(world, "wuhou_officer")
    act(world, "wuhou_officer", case, "transfer_jurisdiction", at(D(2026, 3, 13)),
        {"receiving_office": jinjiang, "reason": "被请求人住所地在锦江区，异议成立"})
    with session_scope(world.engine) as s:
        row = s.get(Case, case["id"])
        assert row is not None and (str(row.org_id), row.state, row.declaration_digest) == (jinjiang, "served", digest)
    # the objection decided: the closing clock runs again, and the receiving office goes on
    assert clocks(world, case, "jinjiang_officer")["closing"]["status"] == "running"
    assert case["id"] in todo_ids(world, "jinjiang_officer")


SIMPLIFIED = {"facts_clear": "是", "rights_clear": "是", "evidence_sufficient": "是", "evaluation_report": "不适用（发明专利）"}


def test_a_moved_case_runs_on_the_receiving_offices_figures(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 西湖区 dispute on 杭州's simplified track (30 days, the 330100 overlay) moved to 宁波 (Zhejiang's file, on the
    national 60 days): the track's limit is the receiving office's from the same start, the objection's days still
    excluded; the closing period runs on as it stood; the case keeps the declaration it was filed under, its row the
    receiving office's jurisdiction — and its page says the receiving office's basis."""
    from tests.procedures.helpers import ningbo_office

    monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: D(2026, 3, 13))
    ningbo_id = ningbo_office(world)
    case = start(world, "hz_officer")
    act(world, "hz_officer", case, "accept", at(D(2026, 3, 6)), PANEL, (pdf(),))
    act(world, "hz_officer", case, "simplify", at(D(2026, 3, 6)), SIMPLIFIED)
    act(world, "hz_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-09"}, (pdf(),))
    act(world, "hz_officer", case, "object_jurisdiction", at(D(2026, 3, 10)), {"grounds": "被请求人住所地在宁波市"})
    before = clocks(world, case, "hz_officer")
    assert (before["simplified"]["amount"], before["simplified"]["basis"]) == (30, "杭州市简案快办机制（30日）")
    with session_scope(world.engine) as s:
        filed = s.scalar(select(Case.declaration_digest).where(Case.id == case["id"]))
    act(world, "hz_officer", case, "transfer_jurisdiction", at(D(2026, 3, 13)),
        {"receiving_office": ningbo_id, "reason": "被请求人住所地在宁波市，异议成立"})
    with session_scope(world.engine) as s:
        row = s.get(Case, case["id"])
        assert row is not None and (row.jurisdiction, row.declaration_digest) == ("330000", filed)
    after = clocks(world, case, "nb_officer")
    # 6 March + 60 days = 5 May (劳动节), 10–12 March excluded: 8 May — not 杭州's 6 March + 30 + 3 = 8 April
    assert (after["simplified"]["amount"], after["simplified"]["basis"]) == (60, "地方简案快办规定")
    assert after["simplified"]["started_at"] == before["simplified"]["started_at"]
    assert after["simplified"]["due_on"] == D(2026, 5, 8)
    assert after["closing"]["due_on"] == D(2026, 6, 9)  # as for a move within Chengdu (above)
    assert after["answer"]["due_on"] == D(2026, 3, 24)  # the respondent's 15 days from 9 March, as served
    assert case["id"] in todo_ids(world, "nb_officer")


def test_another_provinces_office_is_the_national_offices_to_designate(world: World,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """专利法实施细则 第九十七条 第三款: offices without a common upper level — two provinces' — are designated by the national
    office. The handling office's 移送 names an office of its own province only (another province's refused beside the
    field, with why — the form says it under the list); the nation's leader designates one of any province, and the
    case then runs on that office's jurisdiction."""
    from tests.procedures.helpers import add_user
    from zhichan.platform.models import Role

    monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: D(2026, 3, 13))
    add_user(world, "nation_leader", Role.BUREAU_LEADER, "100000")
    case = objected(world)
    xihu, jinjiang = office(world, "330106"), office(world, "510104")
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "transfer_jurisdiction", at(D(2026, 3, 13)),
            {"receiving_office": xihu, "reason": "被请求人住所地在杭州市西湖区"})
    assert set(info.value.errors) == {"receiving_office"} and "第九十七条第三款" in info.value.errors["receiving_office"]
    with session_scope(world.engine) as s:
        view = world.service.case(s, world.scope("nation_leader"), case["id"])
        spec = next(t for t in view["actions"] if t.event == "designate_jurisdiction")
        listed = {o.value for o in world.service.receiving_options(s, world.scope("nation_leader"), spec, view["case"])}
        city = world.service.case(s, world.scope("chengdu_leader"), case["id"])
        spec = next(t for t in city["actions"] if t.event == "designate_jurisdiction")
        city_listed = {o.value for o in world.service.receiving_options(s, world.scope("chengdu_leader"), spec,
                                                                        city["case"])}
    assert {xihu, jinjiang} <= listed and office(world, "510107") not in listed
    assert jinjiang in city_listed and xihu not in city_listed
    act(world, "nation_leader", case, "designate_jurisdiction", at(D(2026, 3, 13)),
        {"receiving_office": xihu, "reason": "被请求人住所地在杭州市西湖区，两省机关无共同上级，指定西湖区管辖"})
    with session_scope(world.engine) as s:
        row = s.get(Case, case["id"])
        assert row is not None and (str(row.org_id), row.region_code, row.jurisdiction) == (xihu, "330106", "330100")
    assert case["id"] in todo_ids(world, "hz_officer") and case["id"] not in todo_ids(world, "wuhou_officer")
