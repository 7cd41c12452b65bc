"""The procedure engine on hand-made cases: every transition, refusals, the optimistic lock, clocks with
pauses and extensions, jurisdictions, the sweep, the to-do list, evidence, and a restart."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tests.helpers import holiday_schedule, migration_differences
from tests.procedures.helpers import PROCEDURE, World, at, build_world, pdf
from zhichan.errors import ConflictError, NotFoundError, PermissionDenied
from zhichan.evidence.keys import SigningKey
from zhichan.legaltime import china_time
from zhichan.platform.db import make_engine, session_scope
from zhichan.platform.models import AuditEntry, Organization, User
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import Step
from zhichan.procedures.service import FormError, Upload

D = dt.date
FILING = {"patent_number": "ZL202310000001.X", "requester": "成都示例科技有限公司", "respondent": "某某电子商行",
           "requester_role": "专利权人", "court_suit": "否", "known_on": "2025-12-01", "continuing": "是",
           "claims": "请求责令停止侵权"}


def start(world: World, who: str = "wuhou_officer", when: dt.datetime | None = None, **kw: Any) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.start(s, world.scope(who), PROCEDURE, fields=FILING, uploads=(pdf(),),
                                   now=when or at(D(2026, 3, 2)), **kw)


def act(world: World, who: str, case: dict[str, Any], event: str, when: dt.datetime | None = None,
        fields: dict[str, Any] | None = None, uploads: tuple[Upload, ...] = ()) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        result = world.service.act(s, world.scope(who), case["id"], event, version=case["version"],
                                   fields=fields or {}, uploads=uploads, now=when or at(D(2026, 3, 3)))
    case.update(result)
    return result


def clocks(world: World, case: dict[str, Any], who: str = "wuhou_officer") -> dict[str, dict[str, Any]]:
    with session_scope(world.engine) as s:
        return {c["name"]: c for c in world.service.case(s, world.scope(who), case["id"])["clocks"]}


def test_every_transition_of_the_declaration_is_driven(world: World) -> None:
    panel = {"panel": "张三、李四、王五"}
    a = start(world, who="ent_user")  # the enterprise files online and cures its own filing
    act(world, "wuhou_officer", a, "request_cure", fields={"items": "补充专利权评价报告", "cure_days": 15})
    act(world, "ent_user", a, "cure", uploads=(pdf("extra", "report.pdf"),))
    act(world, "wuhou_leader", a, "extend_admission", fields={"reason": "材料复杂"})
    act(world, "wuhou_officer", a, "accept", fields=panel, uploads=(pdf(),))
    act(world, "wuhou_officer", a, "suspend", fields={"ground": "鉴定"})
    act(world, "wuhou_officer", a, "resume")  # one suspension at a time (tests/protection/test_in_force.py)
    act(world, "wuhou_officer", a, "suspend_invalidation", fields={"ground": "第二十九条 发明专利无效宣告"})
    act(world, "wuhou_officer", a, "resume")
    act(world, "wuhou_leader", a, "extend_closing", fields={"reason": "案情复杂"})
    act(world, "wuhou_officer", a, "request_extension_upper", fields={"reason": "鉴定"})
    act(world, "chengdu_leader", a, "refuse_extension_upper", fields={"reason": "理由不充分"})
    act(world, "wuhou_officer", a, "request_extension_upper", fields={"reason": "鉴定意见已补充"})
    act(world, "chengdu_leader", a, "extend_closing_upper", fields={"approval": "成知〔2026〕1号", "reason": "鉴定"})
    act(world, "wuhou_officer", a, "serve", uploads=(pdf(),))
    act(world, "wuhou_officer", a, "answer_lapsed", at(D(2026, 3, 19)))  # the 15 days ended on 18 March
    act(world, "wuhou_officer", a, "schedule_hearing", at(D(2026, 3, 19)), fields={"hearing_date": "2026-04-20"})
    act(world, "wuhou_officer", a, "record_hearing", at(D(2026, 4, 20)), uploads=(pdf(),),
        fields={"attendees": "张三、李四、王五；双方当事人", "respondent_attendance": "到庭参加"})
    act(world, "wuhou_officer", a, "decide", at(D(2026, 4, 21)), uploads=(pdf(),))
    act(world, "wuhou_officer", a, "publish", at(D(2026, 4, 22)), fields={"redaction": "已审查，裁决书原文公开"})
    assert a["state"] == "closed"
    b = start(world, who="ent_user")
    act(world, "wuhou_officer", b, "accept", fields=panel, uploads=(pdf(),))
    act(world, "wuhou_officer", b, "simplify", fields={"facts_clear": "是", "rights_clear": "是", "evidence_sufficient": "是",
                                                       "evaluation_report": "不适用（发明专利）"})
    act(world, "wuhou_officer", b, "set_evidence_period", fields={"evidence_until": "2099-01-01"})
    act(world, "ent_user", b, "request_preservation", fields={"items": "销售记录"})
    act(world, "wuhou_officer", b, "decide_preservation", fields={"outcome": "准予保全"})
    act(world, "ent_user", b, "request_recusal", fields={"person": "张三", "person_role": "技术调查官",
                                                         "known_on": "2026-01-05", "grounds": "曾代理被请求人"})
    act(world, "wuhou_leader", b, "decide_recusal", fields={"outcome": "驳回申请"})
    act(world, "wuhou_officer", b, "serve", uploads=(pdf(),))
    act(world, "ent_user", b, "object_jurisdiction", fields={"grounds": "被请求人住所地不在本区"})
    act(world, "wuhou_officer", b, "decide_jurisdiction", fields={"outcome": "异议不成立，继续处理"})
    act(world, "wuhou_officer", b, "answer", uploads=(pdf("extra"),))
    act(world, "wuhou_officer", b, "forward_answer")
    act(world, "wuhou_officer", b, "mediate", fields={"effective_on": "2026-03-03"}, uploads=(pdf(),))
    act(world, "ent_user", b, "apply_confirmation", fields={"court": "成都市中级人民法院", "applied_on": "2026-03-03"})
    act(world, "wuhou_officer", b, "record_ruling", fields={"ruling_number": "（2026）川01民特1号", "ruled_on": "2026-03-03"})
    e = start(world)
    act(world, "wuhou_officer", e, "accept", fields=panel, uploads=(pdf(),))
    act(world, "wuhou_officer", e, "mediate", fields={"effective_on": "2026-03-03"}, uploads=(pdf(),))
    act(world, "wuhou_officer", e, "confirmation_lapsed", at(D(2026, 4, 3)))  # the 30 days ended on 2 April
    c = start(world)
    act(world, "wuhou_officer", c, "refuse", fields={"reasons": "不属于受案范围"})
    d = start(world, who="ent_user")
    act(world, "ent_user", d, "withdraw")
    f = start(world)  # the requester absent from the oral hearing (第二十六条)
    act(world, "wuhou_officer", f, "accept", fields=panel, uploads=(pdf(),))
    act(world, "wuhou_officer", f, "serve", uploads=(pdf(),))
    act(world, "wuhou_officer", f, "answer_lapsed", at(D(2026, 3, 19)))
    act(world, "wuhou_officer", f, "schedule_hearing", at(D(2026, 3, 19)), fields={"hearing_date": "2026-04-20"})
    act(world, "wuhou_officer", f, "withdraw_absent", at(D(2026, 4, 20)), uploads=(pdf(),),
        fields={"absence": "无正当理由拒不参加口头审理", "attendees": "张三、李四、王五；被请求人"})
    g = start(world)  # the court refuses to confirm the agreement
    act(world, "wuhou_officer", g, "accept", fields=panel, uploads=(pdf(),))
    act(world, "wuhou_officer", g, "mediate", fields={"effective_on": "2026-03-03"}, uploads=(pdf(),))
    act(world, "wuhou_officer", g, "apply_confirmation", fields={"court": "成都市中级人民法院", "applied_on": "2026-03-03"})
    act(world, "wuhou_officer", g, "record_rejection", fields={"ruling_number": "（2026）川01民特2号", "ruled_on": "2026-03-03"})
    h = start(world)  # a jurisdiction objection upheld moves the case; the upper level designates one (test_transfer.py)
    act(world, "wuhou_officer", h, "accept", fields=panel, uploads=(pdf(),))
    act(world, "wuhou_officer", h, "serve", uploads=(pdf(),))
    act(world, "wuhou_officer", h, "object_jurisdiction", fields={"grounds": "被请求人住所地在锦江区"})
    with Session(world.engine) as s:
        jinjiang = str(s.scalar(select(Organization.id).where(Organization.region_code == "510104")))
    act(world, "wuhou_officer", h, "transfer_jurisdiction", fields={"receiving_office": jinjiang, "reason": "异议成立"})
    act(world, "chengdu_leader", start(world), "designate_jurisdiction", fields={"receiving_office": jinjiang, "reason": "指定"})
    with Session(world.engine) as s:
        taken = set(s.scalars(select(Step.event)))
    declared = {t.event for t in world.service.registry.get(PROCEDURE, "default").transitions}
    assert declared <= taken
    assert [x["state"] for x in (b, c, d, e, f, g)] == ["mediated_confirmed", "refused", "withdrawn", "mediated",
                                                        "withdrawn_absent", "mediated_unconfirmed"]
    assert clocks(world, b)["closing"]["status"] == "stopped"  # a final state stops every clock


def test_refusals_by_role_and_area(world: World) -> None:
    case = start(world)
    with pytest.raises(PermissionDenied):
        act(world, "wuhou_analyst", case, "accept", fields={"panel": "甲乙丙"}, uploads=(pdf(),))
    with pytest.raises(PermissionDenied):
        act(world, "wuhou_officer", case, "extend_admission", fields={"reason": "x"})  # the head approves
    for outsider in ("jinjiang_officer", "hz_officer", "ent_user"):  # another area; not the enterprise's case
        with pytest.raises(NotFoundError):
            act(world, outsider, case, "accept", fields={"panel": "甲乙丙"}, uploads=(pdf(),))
    with pytest.raises(PermissionDenied, match="办案机关"):  # the city above sees the case; 立案 is the district's
        act(world, "chengdu_officer", case, "accept", fields={"panel": "甲乙丙"}, uploads=(pdf(),))
    act(world, "wuhou_officer", case, "accept", fields={"panel": "甲乙丙"}, uploads=(pdf(),))
    with pytest.raises(ConflictError):
        act(world, "wuhou_officer", case, "accept", fields={"panel": "甲乙丙"}, uploads=(pdf(),))  # state moved on


def test_form_errors_name_each_field(world: World) -> None:
    case = start(world)
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "accept", uploads=())
    assert set(info.value.errors) == {"panel", "doc0"}
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "accept", fields={"panel": "x"}, uploads=(Upload("doc0", "a.exe", b"MZ\x90"),))
    assert "doc0" in info.value.errors and "类型" in info.value.errors["doc0"]
    with pytest.raises(ConflictError):  # suspend does not apply before 立案: the state check comes first
        act(world, "wuhou_officer", case, "suspend", fields={"ground": "随便"})
    act(world, "wuhou_officer", case, "accept", fields={"panel": "甲乙丙"}, uploads=(pdf(),))
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "suspend", fields={"ground": "随便"})
    assert set(info.value.errors) == {"ground"}
    with Session(world.engine) as s:
        assert s.scalar(select(Step.id).where(Step.case_id == case["id"], Step.seq == 3)) is None


def test_concurrent_transitions_one_wins_one_409(world: World) -> None:
    case = start(world)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def officer(name: str) -> None:
        barrier.wait()
        try:
            with session_scope(world.engine) as s:
                world.service.act(s, world.scope(name), case["id"], "accept", version=1, fields={"panel": name},
                                  uploads=(pdf(),), now=at(D(2026, 3, 3)))
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("409")

    threads = [threading.Thread(target=officer, args=(n,)) for n in ("wuhou_officer", "wuhou_leader")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409", "ok"]
    from sqlalchemy import func

    from zhichan.evidence.models import LogEntry
    from zhichan.procedures.models import Case, CaseClock

    with Session(world.engine) as s:
        assert s.scalar(select(Step.event).where(Step.case_id == case["id"], Step.seq == 2)) == "accept"
        assert s.scalar(select(Step.id).where(Step.case_id == case["id"], Step.seq == 3)) is None
        # nothing of the loser is half-written: one entry per step in the evidence and audit logs, one clock each
        assert s.scalar(select(func.count()).select_from(LogEntry)) == 2
        assert s.scalar(select(func.count()).where(AuditEntry.action == "procedure.accept")) == 1
        assert sorted(s.scalars(select(CaseClock.name).where(CaseClock.case_id == case["id"]))) == \
            ["admission", "closing", "service"]
        assert s.scalar(select(Case.version).where(Case.id == case["id"])) == 2



def test_a_steps_moment_is_read_once_it_holds_the_case(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A step is stamped with the moment read after its version bump has locked the case (the row lock, SQLite's write
    lock), not when its request began: a step that waited for another write is stamped after it."""
    from sqlalchemy import event

    from zhichan.procedures import service as engine_module

    case = start(world)
    seen: list[str] = []
    monkeypatch.setattr(engine_module, "utcnow", lambda: seen.append("clock") or at(D(2026, 3, 3)))

    def statement(conn, cursor, sql: str, *_: object) -> None:  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith("UPDATE PROCEDURE_CASES"):
            seen.append("lock")

    event.listen(world.engine, "before_cursor_execute", statement)
    try:
        with session_scope(world.engine) as s:
            world.service.act(s, world.scope("wuhou_officer"), case["id"], "accept", version=1,
                              fields={"panel": "wuhou_officer"}, uploads=(pdf(),))
    finally:
        event.remove(world.engine, "before_cursor_execute", statement)
    assert seen[:2] == ["lock", "clock"], seen
    with Session(world.engine) as s:
        assert s.scalar(select(Step.at).where(Step.case_id == case["id"], Step.seq == 2)) == at(D(2026, 3, 3))

def test_clock_with_pause_and_extensions(world: World) -> None:
    # 立案 on 1 Dec 2025: closing 3 months → 1 Mar 2026 (Sunday) → 2 Mar
    case = start(world, when=at(D(2025, 11, 28)))
    act(world, "wuhou_officer", case, "accept", when=at(D(2025, 12, 1)), fields={"panel": "甲乙丙"}, uploads=(pdf(),))
    assert clocks(world, case)["closing"]["due_on"] == D(2026, 3, 2)
    assert clocks(world, case)["service"]["due_on"] == D(2025, 12, 8)  # 5 working days
    act(world, "wuhou_officer", case, "suspend", when=at(D(2026, 2, 10)), fields={"ground": "鉴定"})
    assert clocks(world, case)["closing"]["due_on"] is None  # paused: no deadline
    act(world, "wuhou_officer", case, "resume", when=at(D(2026, 2, 25)))
    assert clocks(world, case)["closing"]["due_on"] == D(2026, 3, 16)
    act(world, "wuhou_leader", case, "extend_closing", when=at(D(2026, 3, 1)), fields={"reason": "复杂"})
    assert clocks(world, case)["closing"]["due_on"] == D(2026, 4, 16)
    act(world, "wuhou_officer", case, "request_extension_upper", when=at(D(2026, 3, 2)), fields={"reason": "复杂"})
    act(world, "chengdu_leader", case, "extend_closing_upper", when=at(D(2026, 3, 2)),
        fields={"approval": "成知〔2026〕1号", "reason": "复杂"})
    got = clocks(world, case)["closing"]
    assert got["due_on"] == D(2026, 6, 16)
    # the head's month, then the upper level's two (第三十七条): each extension names its approver
    assert [e["approver"] for e in got["extensions"]] == ["wuhou_leader（bureau_leader）", "chengdu_leader（bureau_leader）"]
    # and the page names the office above that granted its two months (the upper level's approval is the point of
    # 第三十七条); the handling office's own head needs no name of an office (it read chengdu_leader（局领导） alone)
    from zhichan.procedures.views import case_view

    with session_scope(world.engine) as s:
        s.execute(update(User).where(User.username == "chengdu_leader").values(display_name="李娜 / Li Na"))
    with session_scope(world.engine) as s:
        shown = {lang: next(c for c in case_view(world.service, s, world.scope("wuhou_officer"), case["id"], lang)["clocks"]
                            if c["name"] == "closing")["extensions"] for lang in ("zh", "en")}
    assert [e["office"] for e in shown["zh"]] == [None, "成都市知识产权局"]
    assert [e["office"] for e in shown["en"]] == [None, "成都市知识产权局"]  # no English name known: the name as it is
    # each approver by its person's name in the page's language, none for an account without one — never the sign-in
    # names the page printed (wuhou_leader（局领导）)
    assert [e["person"] for e in shown["zh"]] == ["", "李娜"]
    assert [e["person"] for e in shown["en"]] == ["", "Li Na"]
    with pytest.raises(ConflictError, match="已批准过"):  # each extension once: in force already, 409
        act(world, "wuhou_leader", case, "extend_closing", when=at(D(2026, 3, 3)), fields={"reason": "再延"})


@pytest.mark.parametrize(("officer", "due"), [
    ("wuhou_officer", D(2026, 10, 13)),  # national rule: 5 working days (8, 9, Sat 10, 12, 13 Oct)
    ("hz_officer", D(2026, 10, 10)),  # 浙江省专利条例 第二十五条: 3 working days (8, 9, Sat 10 Oct)
    ("sh_officer", D(2026, 10, 8)),  # 上海市专利保护条例 第十九条: 5 days → 5 Oct, a holiday → 8 Oct
])
def test_jurisdiction_decides_the_admission_deadline(world: World, officer: str, due: dt.date) -> None:
    case = start(world, who=officer, when=at(D(2026, 9, 30)))
    assert clocks(world, case, officer)["admission"]["due_on"] == due


def test_a_bureau_changes_a_deadline_by_editing_its_declaration(engine: Engine, tmp_path: Path,
                                                                 signing_key: SigningKey) -> None:
    local = tmp_path / "procedures"
    local.mkdir()
    (local / "sichuan.yaml").write_text(
        "procedure: protection.patent_dispute\njurisdiction: '510000'\nbased_on: default\nclocks:\n"
        "  admission: {title: {zh: 立案审查, en: Admission}, amount: 4, unit: working_day}\n", encoding="utf-8")
    world = build_world(engine, tmp_path / "files", signing_key, ProcedureRegistry.load(local))
    case = start(world, when=at(D(2026, 9, 30)))
    assert clocks(world, case)["admission"]["due_on"] == D(2026, 10, 12)


def test_sweep_warns_once_per_stage_and_todo_lists_due_work(world: World) -> None:
    case = start(world, when=at(D(2026, 3, 2)))  # admission due 9 Mar (5 working days), warned from 7 Mar
    other = start(world, who="jinjiang_officer", when=at(D(2026, 3, 2)))
    service = world.service
    with session_scope(world.engine) as s:
        assert service.sweep(s, D(2026, 3, 6))["warning"] == 0
        assert service.sweep(s, D(2026, 3, 7))["warning"] == 2
        assert service.sweep(s, D(2026, 3, 8))["warning"] == 0  # once
        assert service.sweep(s, D(2026, 3, 9))["due"] == 2
        assert service.sweep(s, D(2026, 3, 10))["overdue"] == 2
        assert service.sweep(s, D(2026, 3, 11))["overdue"] == 0
    with session_scope(world.engine) as s:
        mine = service.todo(s, world.scope("wuhou_officer"), today=D(2026, 3, 10))
        city = service.todo(s, world.scope("chengdu_officer"), today=D(2026, 3, 10), area=True)
        city_own = service.todo(s, world.scope("chengdu_officer"), today=D(2026, 3, 10))
        analyst = service.todo(s, world.scope("wuhou_analyst"), today=D(2026, 3, 10))
        party = service.todo(s, world.scope("ent_user"), today=D(2026, 3, 10))
    assert [i["id"] for i in mine["items"]] == [case["id"]] and mine["overdue"] == 1
    assert {i["id"] for i in city["items"]} == {case["id"], other["id"]}  # 辖区待办: the districts' cases
    assert city_own["total"] == 0  # 我的待办: the city's own cases only
    assert analyst["total"] == 0  # analysts take no step in this procedure
    assert party["total"] == 0  # the officers' cases are not the enterprise's
    act(world, "wuhou_officer", case, "request_cure", fields={"items": "补正", "cure_days": 15})
    with session_scope(world.engine) as s:
        assert service.todo(s, world.scope("ent_user"), today=D(2026, 3, 10))["total"] == 0
        own = start(world, who="ent_user")
        act(world, "wuhou_officer", own, "request_cure", fields={"items": "补正请求书", "cure_days": 15})
        party = service.todo(s, world.scope("ent_user"), today=D(2026, 3, 10))
    assert [i["id"] for i in party["items"]] == [own["id"]]


def test_steps_are_in_the_evidence_log_and_the_audit_log(world: World) -> None:
    case = start(world)
    act(world, "wuhou_officer", case, "accept", fields={"panel": "甲乙丙"}, uploads=(pdf(name="受理通知书.pdf"),))
    with session_scope(world.engine) as s:
        view = world.service.case(s, world.scope("wuhou_officer"), case["id"])
        audit_actions = set(s.scalars(select(AuditEntry.action)))
    step = view["steps"][-1]
    entry = world.service.evidence.get_entry(step["evidence_index"])
    leaf = json.loads(entry.leaf)
    assert leaf["kind"] == "procedure.step" and leaf["case"] == case["number"] and leaf["event"] == "accept"
    assert leaf["documents"][0]["sm3"] == step["documents"][0]["sm3"]
    assert "procedure.accept" in audit_actions and "procedure.start" in audit_actions


def test_a_restart_mid_procedure_loses_nothing(world: World, db_url: str, tmp_path: Path,
                                               signing_key: SigningKey) -> None:
    case = start(world)
    act(world, "wuhou_officer", case, "accept", fields={"panel": "甲乙丙"}, uploads=(pdf(),))
    world.engine.dispose()
    fresh = make_engine(db_url)
    try:
        from zhichan.evidence.service import EvidenceService
        from zhichan.procedures.service import ProcedureService

        restarted = World(fresh, ProcedureService(fresh, ProcedureRegistry.load(),
                                                  EvidenceService(fresh, signing_key, "test.zhichan/evidence"),
                                                  tmp_path / "files"), world.users)
        assert clocks(restarted, case)["service"]["status"] == "running"
        act(restarted, "wuhou_officer", case, "serve", uploads=(pdf(),))
        assert case["state"] == "served" and case["version"] == 3
    finally:
        fresh.dispose()


def test_models_match_the_migration(engine: Engine) -> None:
    assert migration_differences(engine, "procedure_") == []


def test_a_deadline_unchanged_by_a_pause_is_not_warned_twice(world: World) -> None:
    case = start(world, when=at(D(2026, 3, 2)))  # admission due 9 Mar, warned from 7 Mar
    with session_scope(world.engine) as s:
        assert world.service.sweep(s, D(2026, 3, 7))["warning"] == 1
    # asked to cure and cured the same day: nothing excluded, the deadline stays 9 Mar
    act(world, "wuhou_officer", case, "request_cure", when=at(D(2026, 3, 7)), fields={"items": "补正", "cure_days": 15})
    act(world, "wuhou_officer", case, "cure", when=at(D(2026, 3, 7)))
    assert clocks(world, case)["admission"]["due_on"] == D(2026, 3, 9)
    with session_scope(world.engine) as s:
        assert world.service.sweep(s, D(2026, 3, 7))["warning"] == 0  # already warned of this deadline
        assert world.service.sweep(s, D(2026, 3, 9))["due"] == 1
    # a deadline that moves is announced afresh
    act(world, "wuhou_officer", case, "request_cure", when=at(D(2026, 3, 9)), fields={"items": "再补正", "cure_days": 15})
    act(world, "wuhou_officer", case, "cure", when=at(D(2026, 3, 11)))
    assert clocks(world, case)["admission"]["due_on"] == D(2026, 3, 11)
    with session_scope(world.engine) as s:
        assert world.service.sweep(s, D(2026, 3, 11))["due"] == 1


def test_an_expired_deadline_is_not_extended(world: World) -> None:
    case = start(world, when=at(D(2026, 3, 2)))  # admission due 9 Mar
    with pytest.raises(FormError) as info:
        act(world, "wuhou_leader", case, "extend_admission", when=at(D(2026, 3, 10)), fields={"reason": "补批"})
    assert "届满" in info.value.errors["_clock"]
    act(world, "wuhou_leader", case, "extend_admission", when=at(D(2026, 3, 9)), fields={"reason": "材料复杂"})
    assert clocks(world, case)["admission"]["due_on"] == D(2026, 3, 16)


def test_the_case_page_marks_overdue_by_the_china_date_whatever_the_servers_time_zone(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from sqlalchemy import update

    from zhichan.evidence.service import utcnow
    from zhichan.legaltime import china_date
    from zhichan.procedures import views
    from zhichan.procedures.models import CaseClock

    case = start(world)
    china_today = china_date(utcnow())
    # a server clock a day behind China (UTC−12 until 20:00 China time) or a day ahead (UTC+14 after)
    behind = utcnow().replace(tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).hour < 20
    monkeypatch.setenv("TZ", "Etc/GMT+12" if behind else "Etc/GMT-14")
    time.tzset()
    try:
        assert dt.date.today() != china_today
        due = china_today - dt.timedelta(days=1) if behind else china_today
        with session_scope(world.engine) as s:
            s.execute(update(CaseClock).where(CaseClock.case_id == case["id"]).values(due_on=due))
            page = views.case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "zh")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert page["clocks"][0]["overdue"] is behind  # yesterday in China is overdue; today is not


def test_notices_are_dated_in_china_time(world: World) -> None:
    from zhichan.procedures import views

    case = start(world, when=at(D(2026, 3, 2)))
    # accepted at 17:30 UTC on 3 March: 01:30 on 4 March in China, the day the party reads the notice on
    act(world, "wuhou_officer", case, "accept", when=dt.datetime(2026, 3, 3, 17, 30), fields={"panel": "甲乙丙"},
        uploads=(pdf(),))
    with session_scope(world.engine) as s:
        page = views.case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "zh")
    # the page's data keeps the moment as stored; the page shows it in Beijing time (tests/web/test_web_moments.py)
    assert [n["created_at"] for n in page["notices"]] == [dt.datetime(2026, 3, 3, 17, 30)]
    assert [china_time(n["created_at"]) for n in page["notices"]] == ["2026-03-04 01:30"]


def test_the_case_offers_only_steps_its_clocks_allow(world: World) -> None:
    def offered(who: str = "wuhou_officer") -> set[str]:
        with session_scope(world.engine) as s:
            return {t.event for t in world.service.case(s, world.scope(who), case["id"])["actions"]}

    from zhichan.evidence.service import utcnow

    now = utcnow()  # the case page judges expiry by today's date
    case = start(world, who="ent_user", when=now)
    assert "cure" not in offered("ent_user")  # nothing was asked to cure
    act(world, "wuhou_officer", case, "request_cure", fields={"items": "补正", "cure_days": 15}, when=now)
    assert "cure" in offered("ent_user") and "request_cure" not in offered()
    act(world, "ent_user", case, "cure", when=now)
    act(world, "wuhou_officer", case, "accept", fields={"panel": "甲乙丙"}, uploads=(pdf(),), when=now)
    assert {"suspend", "extend_closing"} <= offered() | offered("wuhou_leader") and "resume" not in offered()
    act(world, "wuhou_officer", case, "suspend", fields={"ground": "鉴定"}, when=now)
    assert "resume" in offered() and "suspend" not in offered()
    act(world, "wuhou_leader", case, "extend_closing", fields={"reason": "复杂"}, when=now)
    assert "extend_closing" not in offered("wuhou_leader")  # granted once, as declared


def test_suspending_an_overdue_case_does_not_hide_it(world: World) -> None:
    case = start(world, when=at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", when=at(D(2026, 3, 3)), fields={"panel": "甲乙丙"}, uploads=(pdf(),))
    act(world, "wuhou_officer", case, "serve", when=at(D(2026, 3, 4)), uploads=(pdf(),))
    act(world, "wuhou_officer", case, "answer", when=at(D(2026, 3, 10)))
    act(world, "wuhou_officer", case, "forward_answer", when=at(D(2026, 3, 11)))
    assert clocks(world, case)["closing"]["due_on"] == D(2026, 6, 3)
    # suspended a week after the closing deadline: the pause revives nothing, the case stays overdue
    act(world, "wuhou_officer", case, "suspend", when=at(D(2026, 6, 10)), fields={"ground": "鉴定"})
    assert clocks(world, case)["closing"]["due_on"] == D(2026, 6, 3)
    with session_scope(world.engine) as s:
        todo = world.service.todo(s, world.scope("wuhou_officer"), today=D(2026, 6, 10))
        assert todo["overdue"] == 1 and todo["items"][0]["next_due"] == D(2026, 6, 3)
        assert world.service.sweep(s, D(2026, 6, 10))["overdue"] == 1


def test_a_party_period_running_out_is_the_office_turn_not_its_delay(world: World) -> None:
    from zhichan.procedures.views import case_view

    case = start(world, when=at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", when=at(D(2026, 3, 3)), fields={"panel": "甲乙丙"}, uploads=(pdf(),))
    act(world, "wuhou_officer", case, "serve", when=at(D(2026, 3, 4)), uploads=(pdf(),))
    answer_due = clocks(world, case)["answer"]["due_on"]
    day_after = answer_due + dt.timedelta(days=1)
    with session_scope(world.engine) as s:
        todo = world.service.todo(s, world.scope("wuhou_officer"), today=day_after)
        page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "zh")  # as of today
    assert todo["total"] == 1 and todo["overdue"] == 0  # the answer period (binds: party) has lapsed
    assert todo["items"][0]["lapsed"] and not todo["items"][0]["overdue"]
    shown = {c["name"]: c for c in page["clocks"]}  # months later: the answer lapsed, the closing clock overdue
    assert shown["answer"]["lapsed"] and not shown["answer"]["overdue"]
    assert shown["closing"]["overdue"] and not shown["closing"]["lapsed"]
    closing_due = clocks(world, case)["closing"]["due_on"]
    with session_scope(world.engine) as s:  # the office's own closing clock running out is a delay
        late = world.service.todo(s, world.scope("wuhou_officer"), today=closing_due + dt.timedelta(days=1))
    assert late["overdue"] == 1 and late["items"][0]["overdue"]


def test_two_sweeps_at_once_warn_once(world: World) -> None:
    from tests.helpers import lock_waited, wait_for

    start(world, when=at(D(2026, 3, 2)))  # admission due 9 Mar, warned from 7 Mar
    results: list[int] = []
    started = threading.Event()

    def second() -> None:
        started.set()
        with session_scope(world.engine) as s:
            results.append(world.service.sweep(s, D(2026, 3, 7))["warning"])

    with Session(world.engine) as first:  # e.g. the job runners of two app processes
        assert world.service.sweep(first, D(2026, 3, 7))["warning"] == 1
        thread = threading.Thread(target=second)
        thread.start()
        wait_for(lock_waited(world.engine, started), timeout=30, what="the second sweep to wait for the first one's rows")
        first.commit()
    thread.join()
    assert results == [0]
    from zhichan.procedures.models import Notice

    with Session(world.engine) as s:
        assert list(s.scalars(select(Notice.kind).where(Notice.clock == "admission"))) == ["warning"]


def test_a_sweep_that_waited_for_a_clock_is_stamped_after_what_held_it(world: World) -> None:
    """The sweep locks the clocks it warns of before it reads its moment: a warning written after waiting for another
    transaction on that clock (another sweep, a step) is dated after that one let go, not when the sweep began."""
    from sqlalchemy import update

    from tests.helpers import lock_waited, wait_for
    from zhichan.legaltime import utcnow
    from zhichan.procedures.models import CaseClock, Notice

    case = start(world, when=at(D(2026, 3, 2)))  # admission due 9 Mar, warned from 7 Mar
    counts: list[dict[str, int]] = []
    started = threading.Event()

    def sweep() -> None:
        started.set()
        counts.append(_sweep(world, D(2026, 3, 7)))

    thread = threading.Thread(target=sweep)
    with world.engine.connect() as other:
        with other.begin():  # another transaction holds the clock (SQLite: the write lock)
            other.execute(update(CaseClock).where(CaseClock.case_id == case["id"]).values(warned=CaseClock.warned))
            thread.start()
            wait_for(lock_waited(world.engine, started), timeout=30, what="the sweep to wait for the clock")
            released = utcnow()
        thread.join(60)
    assert counts and counts[0]["warning"] == 1
    with session_scope(world.engine) as s:
        created = s.scalar(select(Notice.created_at).where(Notice.clock == "admission", Notice.kind == "warning"))
    assert created is not None and created >= released, (created, released)


def _sweep(world: World, today: dt.date) -> dict[str, int]:
    with session_scope(world.engine) as s:
        return world.service.sweep(s, today)  # the moment: the clock's


def test_a_domain_hook_sees_each_step_and_can_refuse_it(world: World) -> None:
    """A domain keeps its own rules and tables with its procedures' steps: the hook runs inside the
    step's transaction, so a refusal keeps nothing (no state change, no step, no evidence)."""
    seen: list[tuple[str, str | None, str, str]] = []

    def hook(session: Session, scope: Any, step: Any) -> None:
        seen.append((step.event, step.source, step.target, step.case_fields["patent_number"]))
        if step.event == "accept" and step.fields["panel"].count("、") % 2 == 1:
            raise FormError({"panel": "合议组须为三人以上单数 / the panel is an odd number of at least 3"})

    world.service.add_hook(PROCEDURE, hook)
    world.service.add_hook("another.procedure", lambda *_: seen.append(("never", None, "", "")))
    case = start(world)
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "accept", fields={"panel": "张三、李四、王五、赵六"}, uploads=(pdf(),))
    assert set(info.value.errors) == {"panel"}
    with Session(world.engine) as s:
        assert list(s.scalars(select(Step.event).where(Step.case_id == case["id"]))) == ["start"]
    act(world, "wuhou_officer", case, "accept", fields={"panel": "张三、李四、王五"}, uploads=(pdf(),))
    assert case["state"] == "accepted"
    number = FILING["patent_number"]
    assert seen == [("start", None, "filed", number), ("accept", "filed", "accepted", number),
                    ("accept", "filed", "accepted", number)]


def test_an_edited_declaration_changes_new_cases_and_open_ones_finish_under_their_own(
        engine: Engine, tmp_path: Path, signing_key: SigningKey) -> None:
    """A bureau replaces its file — a state renamed away, the admission limit shortened — while a case
    is open: after a restart with the new file the open case keeps its states, steps and deadlines,
    the to-do list still shows it, and new cases follow the new file."""
    from zhichan.procedures.declaration import parse_declaration
    from zhichan.procedures.service import ProcedureService

    world = build_world(engine, tmp_path / "files", signing_key)
    old = start(world, when=at(D(2026, 3, 2)))
    act(world, "wuhou_officer", old, "accept", at(D(2026, 3, 3)), {"panel": "甲、乙、丙"}, (pdf(),))
    raw = json.loads(world.service.registry.get(PROCEDURE, "default").body)
    raw["revision"] = 2
    raw["states"]["admitted"] = raw["states"].pop("accepted")
    for t in raw["transitions"]:
        t["source"] = ["admitted" if x == "accepted" else x for x in t["source"]]
        t["target"] = "admitted" if t["target"] == "accepted" else t["target"]
    raw["clocks"]["admission"]["amount"] = 2
    edited = ProcedureRegistry([parse_declaration(raw, "edited")])
    service = ProcedureService(engine, edited, world.service.evidence, tmp_path / "files")  # a restart
    again = World(engine, service, world.users)
    with session_scope(engine) as s:
        page = service.case(s, again.scope("wuhou_officer"), old["id"])
        todo = service.todo(s, again.scope("wuhou_officer"), today=D(2026, 3, 4))
    assert page["case"]["state"] == "accepted" and "serve" in {t.event for t in page["actions"]}
    assert old["id"] in {i["id"] for i in todo["items"]}
    act(again, "wuhou_officer", old, "serve", at(D(2026, 3, 4)), uploads=(pdf(),))
    assert old["state"] == "served"
    new = start(again, when=at(D(2026, 3, 2)))
    assert clocks(again, new)["admission"]["due_on"] == D(2026, 3, 4)  # 2 working days now
    act(again, "wuhou_officer", new, "accept", at(D(2026, 3, 3)), {"panel": "甲、乙、丙"}, (pdf(),))
    assert new["state"] == "admitted"


def test_the_case_page_dates_notices_on_the_china_calendar(world: World) -> None:
    """A warning written at 20:00 UTC on 6 March is dated 7 March: the day it was in China."""
    from zhichan.procedures.views import case_view

    case = start(world, when=at(D(2026, 3, 2)))
    with session_scope(world.engine) as s:
        assert world.service.sweep(s, D(2026, 3, 7), now=dt.datetime(2026, 3, 6, 20, 0))["warning"] == 1
    with session_scope(world.engine) as s:
        page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "zh")
    assert [china_time(n["created_at"], "%Y-%m-%d") for n in page["notices"]] == ["2026-03-07"]


def test_the_todo_list_shows_a_case_only_when_its_page_offers_the_caller_a_step(world: World) -> None:
    """A to-do entry means "a step is expected of you": a filing awaits the officer (``awaits: [case_officer]``) —
    not the leader, who may extend the period or refuse it, nor the window, which may record a cure brought in —;
    while the cure asked for is the party's to give (the period ``cure`` awaits the party, up to its last day) only
    the enterprise's list holds it (it may withdraw at any time, but nobody waits for that); once cured, or once
    the period has run out, the officer's again — each list as its case pages say (one rule, ``awaited``)."""
    from tests.procedures.helpers import PASSWORD, _password_hash, todo_ids
    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Organization, Role

    with session_scope(world.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.name == "武侯区知识产权局"))
        world.users["wuhou_window"] = create_user(s, username="wuhou_window", password=PASSWORD, role=Role.WINDOW_STAFF,
                                                  org=wuhou, password_hash=_password_hash()).id
    from zhichan.legaltime import china_today

    today = at(china_today())  # the lists and pages are read today: the cure period runs then
    filing = start(world, who="ent_user", when=today)
    assert todo_ids(world, "wuhou_officer") == {filing["id"]}
    assert todo_ids(world, "wuhou_leader") == set()  # it may refuse or extend; the officer is awaited
    assert todo_ids(world, "ent_user") == set()  # its own filing awaits the office; withdrawing is optional
    assert todo_ids(world, "wuhou_window") == set()  # the office decides; nothing to cure

    def area(who: str) -> set[int]:  # 辖区待办: what awaits any office of the area, whoever oversees it
        with session_scope(world.engine) as s:
            return {i["id"] for i in world.service.todo(s, world.scope(who), area=True)["items"]}

    assert area("wuhou_leader") == area("wuhou_window") == area("chengdu_officer") == {filing["id"]}
    act(world, "wuhou_officer", filing, "request_cure", fields={"items": "补充专利权评价报告", "cure_days": 15}, when=today)
    assert todo_ids(world, "ent_user") == {filing["id"]}
    assert todo_ids(world, "wuhou_officer") == todo_ids(world, "wuhou_window") == todo_ids(world, "wuhou_leader") == set()
    assert area("wuhou_leader") == area("chengdu_officer") == set()  # the party is awaited, not an office
    with session_scope(world.engine) as s:  # the window may still record a cure brought in on paper
        assert "cure" in [a.event for a in world.service.case(s, world.scope("wuhou_window"), filing["id"])["actions"]]
        assert world.service.case(s, world.scope("wuhou_window"), filing["id"])["awaited"] == {"party"}
    act(world, "ent_user", filing, "cure", uploads=(pdf("extra", "report.pdf"),), when=today)
    assert todo_ids(world, "wuhou_window") == todo_ids(world, "ent_user") == set()
    assert todo_ids(world, "wuhou_officer") == {filing["id"]}
    with session_scope(world.engine) as s:  # the withdrawal is still offered on its case page
        assert "withdraw" in [a.event for a in world.service.case(s, world.scope("ent_user"), filing["id"])["actions"]]


def test_the_office_is_awaited_again_once_a_cure_period_has_run_out(world: World) -> None:
    """A period that says whom it awaits does so up to its last day: a cure never given leaves the filing on the
    party's list until then and on the officer's from the next day (to refuse it or take it up), the counts too —
    in SQL (the to-do list) as on the case page."""
    from zhichan.procedures.service import awaited

    filing = start(world, who="ent_user", when=at(D(2026, 3, 2)))
    act(world, "wuhou_officer", filing, "request_cure", fields={"items": "补充专利权评价报告", "cure_days": 15},
        when=at(D(2026, 3, 3)))
    due = clocks(world, filing)["cure"]["due_on"]
    with session_scope(world.engine) as s:
        for today, officer, party in ((due, 0, 1), (due + dt.timedelta(days=1), 1, 0)):
            assert world.service.todo(s, world.scope("wuhou_officer"), today=today)["total"] == officer, today
            assert world.service.todo(s, world.scope("ent_user"), today=today)["total"] == party, today
            view = world.service.case(s, world.scope("wuhou_officer"), filing["id"])
            until, by = view["case"]["awaits_until"], view["case"]["awaits_by"]
            assert (until, by) == (due, "party")  # kept on the case row: the list tests it, as the page does
            assert awaited(view["declaration"], "filed", until, by, "", today) == ({"party"} if party else {"case_officer"})


def test_a_hook_starts_a_declared_clock_from_a_day_of_its_choice(world: World) -> None:
    """``start_clock``: a period only some cases owe, counted from a recorded day (a licence's recording from the
    contract's date); a case kept on a declaration without that clock is left as it is."""
    case = start(world)
    with session_scope(world.engine) as s:
        # preservation, 7 days from Friday 2026-02-13 (the make-up Saturday does not matter to calendar days):
        # Friday 20 February is inside the Spring Festival holiday (15–23) → Tuesday 24 February
        assert world.service.start_clock(s, case["id"], "preservation", started_at=at(D(2026, 2, 13)))
        assert not world.service.start_clock(s, case["id"], "no_such_clock", started_at=at(D(2026, 2, 13)))
    found = clocks(world, case)
    assert set(found) == {"admission", "preservation"}
    assert (found["preservation"]["due_on"], found["preservation"]["status"]) == (D(2026, 2, 24), "running")


def test_a_domain_holds_a_step_back_until_its_day(world: World) -> None:
    """``add_holds``: a step the declaration lets through, which a domain's data holds back until a day (a case opened
    before its term was declared), is neither offered nor taken before that day — on the case page, which says from
    which day, and by the engine, with the day — and is both from it."""
    from zhichan.procedures.views import case_view

    days = {"accept": D(2099, 3, 10)}  # far beyond the day the page is read on
    world.service.add_holds(PROCEDURE, ("accept",), lambda s, case_id, decl: dict(days))
    case = start(world, when=at(D(2026, 3, 2)))
    with session_scope(world.engine) as s:
        page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "en")
    assert "accept" not in {a["event"] for a in page["actions"]} and "refuse" in {a["event"] for a in page["actions"]}
    assert page["held"] == [{"event": "accept", "title": "Accept", "day": D(2099, 3, 10), "provisional": False,
                             "reason": None, "procedure": None, "case_id": None}]
    with pytest.raises(FormError) as early:
        act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), {"panel": "甲、乙、丙"}, (pdf(),))
    assert "2099-03-10 起方可办理" in early.value.errors["_clock"]
    days["accept"] = D(2026, 3, 3)  # its day has come
    with session_scope(world.engine) as s:
        page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "zh")
    assert "accept" in {a["event"] for a in page["actions"]} and page["held"] == []
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), {"panel": "甲、乙、丙"}, (pdf(),))
    assert case["state"] == "accepted"


def test_a_domain_holds_a_step_back_until_another_step(world: World) -> None:
    """``add_holds`` with a step instead of a day (a university's agreed-price contract waits for its public notice,
    whatever the day): the held step is neither offered nor taken — refused with the step that comes first — and the
    case page names no day for it; once the domain lets it go, it is both."""
    from zhichan.procedures.views import case_view

    holds: dict[str, Any] = {"accept": "request_cure"}
    world.service.add_holds(PROCEDURE, ("accept",), lambda s, case_id, decl: dict(holds))
    case = start(world, when=at(D(2026, 3, 2)))
    with session_scope(world.engine) as s:
        page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "zh")
    assert "accept" not in {a["event"] for a in page["actions"]} and "refuse" in {a["event"] for a in page["actions"]}
    assert page["held"] == []  # no day to say
    with pytest.raises(FormError) as early:
        act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), {"panel": "甲、乙、丙"}, (pdf(),))
    title = next(t.title for t in world.service.registry.get(PROCEDURE, "default").transitions
                 if t.event == "request_cure")
    assert early.value.errors["_clock"] == f"须先办理“{title.zh}” / “{title.en}” comes first"
    holds.clear()  # the step it waited for was taken
    with session_scope(world.engine) as s:
        page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "zh")
    assert "accept" in {a["event"] for a in page["actions"]}
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), {"panel": "甲、乙、丙"}, (pdf(),))
    assert case["state"] == "accepted"


def test_a_case_whose_every_awaited_step_is_held_names_what_it_waits_for(world: World) -> None:
    """Where a domain's holds keep back every step expected of whom the case awaits (the officer, here until a day, or
    until a step that is itself held), the case is not on its to-do list, so its header does not name it: it says what
    the case waits for, in both languages; once the holds let go, the officer is awaited again."""
    from tests.procedures.helpers import todo_ids
    from zhichan.procedures.views import case_view

    holds: dict[str, Any] = {"accept": D(2099, 3, 10), "refuse": D(2099, 3, 10), "request_cure": "accept"}
    world.service.add_holds(PROCEDURE, tuple(holds), lambda s, case_id, decl: dict(holds))
    case = start(world, when=at(D(2026, 3, 2)))
    assert case["id"] not in todo_ids(world, "wuhou_officer")
    shown = {"zh": ["先办理“立案”", "2099-03-10（届时方可办理“立案”、“不予受理”）"],  # in the declaration's order
             "en": ["“Accept” to be taken first", "2099-03-10 (when “Accept”, “Refuse” can be taken)"]}
    for lang in ("zh", "en"):
        with session_scope(world.engine) as s:
            page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], lang)
        assert page["awaited"] == [] and [w["text"] for w in page["waits_for"]] == shown[lang]
    holds["refuse"] = D(2026, 3, 1)  # one of its steps may be taken: the officer is awaited, and has the case to do
    with session_scope(world.engine) as s:
        page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "zh")
    assert page["awaited"] == ["case_officer"] and page["waits_for"] == []
    assert case["id"] in todo_ids(world, "wuhou_officer")


def test_the_sweep_counts_a_provisional_deadline_again_only_once_its_year_is_loaded(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A provisional deadline names the year it reached past the loaded schedule: while that year is unpublished the
    sweep leaves it (counting it again would give the same date); once the year is loaded, or where the stored reason
    is not one it recognizes, it is counted again."""
    from sqlalchemy import update

    from zhichan.procedures.models import CaseClock
    from zhichan.procedures.service import ProcedureService

    cases = [start(world, when=at(D(2026, 12, 28))) for _ in range(3)]
    counted: list[int] = []
    real = ProcedureService.deadline_values

    def counting(self: ProcedureService, decl: Any, row: Any) -> dict[str, Any]:
        counted.append(row.case_id)
        return real(self, decl, row)

    monkeypatch.setattr(ProcedureService, "deadline_values", counting)
    with session_scope(world.engine) as s:
        assert world.service.sweep(s, D(2026, 12, 29))["retried"] == 0
        assert counted == []  # 2027 still unpublished: nothing to count again
        # a reason written otherwise (an earlier wording): counted again, found the same
        s.execute(update(CaseClock).where(CaseClock.case_id == cases[0]["id"]).values(due_problem="2027 年安排未载入"))
    with session_scope(world.engine) as s:
        world.service.sweep(s, D(2026, 12, 29))
    assert counted == [cases[0]["id"]]
    with holiday_schedule(tmp_path / "holidays.yaml", "2027:\n  source: 测试用安排\n  holidays: {2027-01-01: 元旦, 2027-01-04: 元旦}\n") as loaded:
        assert loaded == [2027]
        counted.clear()
        with session_scope(world.engine) as s:
            assert world.service.sweep(s, D(2026, 12, 29))["retried"] == 3
        assert sorted(set(counted)) == sorted(c["id"] for c in cases)
        assert all(c["admission"]["due_on"] == D(2027, 1, 6) and not c["admission"]["provisional"]
                   for c in (clocks(world, case) for case in cases))


def test_a_deadline_in_an_unpublished_year_is_provisional_until_the_schedule_is_loaded(world: World,
                                                                                       tmp_path: Path) -> None:
    """Filed on 28 December 2026: 5 working days of admission reach into 2027, whose schedule is not published. The
    clock gets a provisional date (it had none: "computed once next year's holiday schedule is loaded") that the
    sweep warns by; once an operator's file adds 2027, the sweep makes it exact and warns of the new date."""


    case = start(world, when=at(D(2026, 12, 28)))
    admission = clocks(world, case)["admission"]
    # 29, 30, 31 December, 1 January (元旦) off, 4, 5 January
    assert (admission["due_on"], admission["provisional"]) == (D(2027, 1, 5), True)
    with session_scope(world.engine) as s:
        assert world.service.sweep(s, D(2027, 1, 3))["warning"] == 1  # a provisional date counts as its date
        todo = world.service.todo(s, world.scope("wuhou_officer"), today=D(2027, 1, 3))
        shown = world.service.case_rows(s, [i["case"] for i in todo["items"]], "zh")
    assert [(i["next_due"], row["provisional"]) for i, row in zip(todo["items"], shown, strict=True)] == \
        [(D(2027, 1, 5), True)]
    with holiday_schedule(tmp_path / "holidays.yaml", "2027:\n  source: 测试用安排\n  holidays: {2027-01-01: 元旦, 2027-01-04: 元旦}\n") as loaded:
        assert loaded == [2027]
        with session_scope(world.engine) as s:
            swept = world.service.sweep(s, D(2027, 1, 4))
        assert swept["retried"] == 1 and swept["warning"] == 1  # the exact date is warned of afresh
        admission = clocks(world, case)["admission"]
        assert (admission["due_on"], admission["provisional"], admission["due_problem"]) == (D(2027, 1, 6), False, None)


def test_a_pending_request_adds_its_decider_while_the_state_awaits_its_own(world: World) -> None:
    """A party's recusal request awaits the leader, who decides it, and a preservation request the leader too (登记保存
    经负责人批准), while the case stays in its state and the officer it awaits keeps it (``decides``): on the leader's
    list — 我的待办 and 辖区待办 — and its case page, until decided; a decided request awaits nobody."""
    from tests.procedures.helpers import todo_ids
    from zhichan.legaltime import china_today

    def area(who: str) -> set[int]:
        with session_scope(world.engine) as s:
            return {i["id"] for i in world.service.todo(s, world.scope(who), area=True)["items"]}

    def awaited(who: str = "wuhou_officer") -> set[str] | None:
        with session_scope(world.engine) as s:
            found = world.service.case(s, world.scope(who), case["id"])["awaited"]
        return None if found is None else set(found)

    today = at(china_today())
    case = start(world, who="ent_user", when=today)
    act(world, "wuhou_officer", case, "accept", today, fields={"panel": "张三、李四、王五"}, uploads=(pdf(),))
    assert todo_ids(world, "wuhou_leader") == set() and todo_ids(world, "wuhou_officer") == {case["id"]}
    assert awaited() == {"case_officer"}
    act(world, "ent_user", case, "request_recusal", today, fields={
        "person": "张三", "person_role": "技术调查官", "known_on": china_today().isoformat(), "grounds": "近亲属"})
    assert todo_ids(world, "wuhou_leader") == todo_ids(world, "wuhou_officer") == {case["id"]}
    assert awaited() == awaited("ent_user") == {"case_officer", "bureau_leader"}
    assert area("chengdu_officer") == {case["id"]}
    act(world, "wuhou_leader", case, "decide_recusal", today, fields={"outcome": "驳回申请"})
    assert todo_ids(world, "wuhou_leader") == set() and todo_ids(world, "wuhou_officer") == {case["id"]}
    assert awaited() == {"case_officer"}
    act(world, "ent_user", case, "request_preservation", today, fields={"items": "销售记录"})
    assert todo_ids(world, "wuhou_leader") == {case["id"]}
    assert awaited() == {"case_officer", "bureau_leader"}
    act(world, "wuhou_officer", case, "decide_preservation", today, fields={"outcome": "准予保全"})
    assert todo_ids(world, "wuhou_leader") == set()
    with session_scope(world.engine) as s:
        assert world.service.case(s, world.scope("wuhou_officer"), case["id"])["case"]["awaits_also"] == ""


def test_a_deciding_step_is_offered_and_taken_only_while_a_request_is_pending(world: World) -> None:
    """对回避申请作出决定 with no recusal request made, or after it was decided: neither offered on the case page nor
    taken (409, saying why) — the case page and the engine apply one rule; a request made offers it again, to the
    leader alone, and puts the case on the leader's list (the to-do list reads the same rule)."""
    from tests.procedures.helpers import todo_ids
    from zhichan.legaltime import china_today

    def offered(who: str) -> set[str]:
        with session_scope(world.engine) as s:
            return {t.event for t in world.service.case(s, world.scope(who), case["id"])["actions"]}

    today = at(china_today())
    case = start(world, who="ent_user", when=today)
    act(world, "wuhou_officer", case, "accept", today, fields={"panel": "张三、李四、王五"}, uploads=(pdf(),))
    deciding = {"decide_recusal", "decide_preservation", "decide_jurisdiction"}
    assert not offered("wuhou_leader") & deciding and not offered("wuhou_officer") & deciding
    with pytest.raises(ConflictError, match="“对回避申请作出决定”须有待决定的“申请回避”") as refused:
        act(world, "wuhou_leader", case, "decide_recusal", today, fields={"outcome": "驳回申请"})
    assert "“Decide the recusal request” decides a pending" in refused.value.message
    with pytest.raises(ConflictError, match="待决定的“收到证据保全/登记保存请求”"):
        act(world, "wuhou_officer", case, "decide_preservation", today, fields={"outcome": "准予保全"})
    case["version"] = 2  # the refusals changed nothing
    act(world, "ent_user", case, "request_recusal", today, fields={
        "person": "张三", "person_role": "技术调查官", "known_on": china_today().isoformat(), "grounds": "近亲属"})
    assert offered("wuhou_leader") & deciding == {"decide_recusal"} and not offered("wuhou_officer") & deciding
    assert todo_ids(world, "wuhou_leader") == {case["id"]}
    act(world, "wuhou_leader", case, "decide_recusal", today, fields={"outcome": "驳回申请"})
    assert not offered("wuhou_leader") & deciding and todo_ids(world, "wuhou_leader") == set()
    with pytest.raises(ConflictError, match="均已决定"):  # decided already: a second decision has nothing to decide
        act(world, "wuhou_leader", case, "decide_recusal", today, fields={"outcome": "回避"})
    # a case filed under an earlier file whose steps decided nothing (the demo's cases were): decides as the
    # procedure's current declaration says, as it awaits whom that says (its recusal decision was offered unasked)
    from tests.procedures.helpers import filed_under_earlier

    def undecided(raw: dict[str, Any]) -> None:
        for t in raw["transitions"]:
            t.pop("decides", None)

    earlier = start(world, who="ent_user", when=today)
    act(world, "wuhou_officer", earlier, "accept", today, fields={"panel": "张三、李四、王五"}, uploads=(pdf(),))
    filed_under_earlier(world.engine, earlier["id"], undecided)
    case = earlier
    assert not offered("wuhou_leader") & deciding and todo_ids(world, "wuhou_leader") == set()
    with pytest.raises(ConflictError, match="须有待决定的“申请回避”"):
        act(world, "wuhou_leader", case, "decide_recusal", today, fields={"outcome": "驳回申请"})
    case["version"] = 2
    act(world, "ent_user", case, "request_recusal", today, fields={
        "person": "张三", "person_role": "技术调查官", "known_on": china_today().isoformat(), "grounds": "近亲属"})
    assert offered("wuhou_leader") & deciding == {"decide_recusal"} and todo_ids(world, "wuhou_leader") == {case["id"]}


def test_a_decision_awaits_only_who_may_take_it() -> None:
    """A declaration whose pending request awaits someone without the deciding step is refused when it loads."""
    from zhichan.errors import ConfigError
    from zhichan.procedures.declaration import _shipped, parse_declaration

    raw = json.loads(json.dumps(next(d for d, source in _shipped() if source.endswith("patent_dispute.yaml"))))
    step = next(t for t in raw["transitions"] if t["event"] == "decide_recusal")
    step["decides"] = {"requests": ["request_recusal"], "awaits": ["party"]}
    with pytest.raises(ConfigError, match="a pending request awaits party, who may not decide it"):
        parse_declaration(raw, "local.yaml")
    step["decides"] = {"requests": ["no_such_step"], "awaits": ["bureau_leader"]}
    with pytest.raises(ConfigError, match="decides names no other step no_such_step"):
        parse_declaration(raw, "local.yaml")


def test_the_start_rewrites_open_cases_when_a_bureau_changes_whom_they_await(
        engine: Engine, tmp_path: Path, signing_key: SigningKey, settings: Any) -> None:
    """A bureau's own file sending preservation requests to its officers (not the leader) and its parties' cures to
    the office: once the platform restarts (the app's start, where the declarations are loaded) the open cases' rows
    say so — the pending request leaves the leader's list, the cure period no longer awaits the party — without a
    step in them; a second start rewrites nothing."""
    from tests.procedures.helpers import todo_ids
    from zhichan.legaltime import china_today
    from zhichan.procedures.models import Case
    from zhichan.procedures.service import ProcedureService
    from zhichan.web.app import create_app
    from zhichan.web.testing import TestClient

    world = build_world(engine, tmp_path / "files", signing_key)
    today = at(china_today())
    held = start(world, who="ent_user", when=today)
    act(world, "wuhou_officer", held, "accept", today, fields={"panel": "张三、李四、王五"}, uploads=(pdf(),))
    act(world, "ent_user", held, "request_preservation", today, fields={"items": "销售记录"})
    curing = start(world, who="ent_user", when=today)
    act(world, "wuhou_officer", curing, "request_cure", today, fields={"items": "补充材料", "cure_days": 15})
    assert todo_ids(world, "wuhou_leader") == {held["id"]} and todo_ids(world, "ent_user") == {curing["id"]}

    def rows() -> dict[int, tuple[str, str]]:
        with session_scope(engine) as s:
            return {r.id: (r.awaits_by, r.awaits_also) for r in s.execute(select(Case.id, Case.awaits_by,
                                                                                  Case.awaits_also))}

    def restart(folder: Path | None) -> World:  # the platform's start, as ``zhichan serve`` runs it
        local = settings.model_copy(update={"procedure_dir": folder, "data_dir": tmp_path / "data"})
        with TestClient(create_app(local, engine=engine, start_worker=False)) as client:
            service: ProcedureService = client.app.state.procedures  # type: ignore[attr-defined]
        return World(engine, service, world.users)

    restart(None)  # the shipped declarations: the rows as the engine wrote them
    assert rows() == {held["id"]: ("", "bureau_leader"), curing["id"]: ("party", "")}
    folder = tmp_path / "procedures"
    folder.mkdir()
    shipped = (Path(__file__).parents[2] / "zhichan/protection/definitions/protection.patent_dispute.yaml").read_text("utf-8")
    edited = shipped.replace("decides: {requests: [request_preservation], awaits: [bureau_leader]}",
                             "decides: {requests: [request_preservation], awaits: [case_officer]}")
    edited = edited.replace("basis: 第十六条（期限由办理机关在通知中指定）, awaits: [party]}",
                            "basis: 第十六条（期限由办理机关在通知中指定）}")
    assert edited.count("awaits: [case_officer]}\n") > shipped.count("awaits: [case_officer]}\n")
    (folder / "patent_dispute.yaml").write_text(edited, encoding="utf-8")
    restarted = restart(folder)
    assert rows() == {held["id"]: ("", "case_officer"), curing["id"]: ("", "")}
    assert todo_ids(restarted, "wuhou_leader") == set() and todo_ids(restarted, "ent_user") == set()
    assert todo_ids(restarted, "wuhou_officer") == {held["id"], curing["id"]}
    with session_scope(engine) as s:
        assert restarted.service.refresh_expected(s) == []
