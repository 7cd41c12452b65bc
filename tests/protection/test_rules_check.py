"""An outsider's check of protection's legal clocks against the primary texts, on hand-worked dated
scenarios (SQLite and PostgreSQL): the complaint periods of 市场监督管理投诉举报处理暂行办法 around the
Spring Festival 2026 make-up Saturdays, and a closing clock under 81号令 第三十七条 that pauses twice
and is extended twice from a month-end 立案."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.procedures.helpers import World, at, build_world
from tests.protection.test_adjudication import PANEL, act, due, pdf, start
from tests.protection.test_adjudication import world as world  # the fixture
from tests.protection.test_channels import NUMBER, clocks
from zhichan.errors import FormError
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope
from zhichan.protection.documents import OFFICE_DOCUMENTS, DocumentGenerator
from zhichan.protection.mediation import MEDIATION, MediationRules
from zhichan.protection.service import COMPLAINT, ComplaintRules

D = dt.date
HOLDER = "成都示例科技有限公司"


def _complaint(world: World, kind: str, reporter: str = HOLDER) -> dict[str, Any]:
    fields = {"kind": kind, "reporter": reporter, "contact": "028-1" if reporter else "", "patent_number": NUMBER,
              "respondent": "某网店", "target_kind": "产品", "target": "仿冒电池", "facts": "销售仿冒产品"}
    with session_scope(world.engine) as s:
        # received on Thursday 12 February 2026: Saturday 14 February is a make-up workday, 15–23 the holiday,
        # Saturday 28 February the second make-up workday
        return world.service.start(s, world.scope("wuhou_officer"), COMPLAINT, fields=fields, now=at(D(2026, 2, 12)))


def test_a_complainant_is_told_within_the_seven_working_days_a_named_reporter_five_after_the_decision(
        world: World) -> None:
    world.service.add_hook(COMPLAINT, ComplaintRules(world.service, lambda: None))
    complaint = _complaint(world, "投诉")
    # 第十四条: seven working days from receipt — 13, Sat 14, 24, 25, 26, 27, Sat 28 February
    assert due(world, complaint, "acceptance") == D(2026, 2, 28)
    act(world, "wuhou_officer", complaint, "refuse", at(D(2026, 2, 26)), {"ground": "法院、仲裁机构或其他机关已受理或处理", "reasons": "法院已受理同一争议"})
    # 第十四条 "作出受理或者不予受理的决定，并告知投诉人": the complainant is told within the same seven
    # working days, not five more after the decision (which would run to Wednesday 4 March) — the declaration's
    # period for a complainant, as the form and the case page show it (they showed the reporter's 5 beside 第十四条)
    assert due(world, complaint, "inform_complainant") == D(2026, 2, 28)
    shown = clocks(world, complaint["id"])
    assert "inform" not in shown and (shown["inform_complainant"]["amount"], shown["inform_complainant"]["basis"]) == (
        7, "第十四条（投诉，自收到之日起）")

    report = _complaint(world, "举报")
    assert due(world, report, "acceptance") == D(2026, 2, 28)
    act(world, "wuhou_officer", report, "refuse", at(D(2026, 2, 26)), {"ground": "不属于本机关职责或处理权限", "reasons": "不属于本部门处理权限"})
    # 第三十一条: a named reporter within five working days of the decision — 27, Sat 28 February, 2, 3, 4 March
    assert due(world, report, "inform") == D(2026, 3, 4)
    shown = clocks(world, report["id"])
    assert "inform_complainant" not in shown and (shown["inform"]["amount"], shown["inform"]["basis"]) == (
        5, "第三十一条（实名举报，自决定之日起）")
    act(world, "wuhou_officer", report, "inform", at(D(2026, 3, 2)), {"how": "电话"})
    act(world, "wuhou_officer", complaint, "inform", at(D(2026, 2, 27)), {"how": "电话"})
    assert clocks(world, complaint["id"])["inform_complainant"]["status"] == "stopped"


def _todo(world: World, who: str, today: dt.date, case_id: int) -> dict[str, Any] | None:
    with session_scope(world.engine) as s:
        items = world.service.todo(s, world.scope(who), today=today)["items"]
    return next((i for i in items if i["id"] == case_id), None)


def test_closing_clock_from_a_month_end_paused_for_appraisal_then_settlement_and_extended_twice(world: World) -> None:
    """81号令 第三十七条 as the product declares it (docs/procedures.md): 3 months from 立案; the paused days
    (鉴定, 和解) added in calendar days; each extension runs on from the nominal last day (民法典 第二百零二条
    clamps 31 January + 1 month to 28 February); the rest-day rule (第二百零三条) once, on the final day."""
    case = start(world, at(D(2025, 10, 29)), known_on="2025-10-20")  # known before the filing, never after it
    act(world, "wuhou_officer", case, "accept", at(D(2025, 10, 31)), PANEL)
    # 31 October + 3 months = Saturday 31 January 2026 → Monday 2 February
    assert due(world, case, "closing") == D(2026, 2, 2)
    act(world, "wuhou_officer", case, "serve", at(D(2025, 11, 4)), {"received_on": "2025-11-04"}, (pdf(),))
    act(world, "wuhou_officer", case, "answer", at(D(2025, 11, 18)))
    act(world, "wuhou_officer", case, "forward_answer", at(D(2025, 11, 20)))
    item = _todo(world, "wuhou_officer", D(2025, 12, 1), case["id"])
    assert item is not None and item["next_due"] == D(2026, 2, 2) and not item["overdue"]

    act(world, "wuhou_officer", case, "suspend", at(D(2025, 12, 15)), {"ground": "鉴定"})
    assert due(world, case, "closing") is None  # while appraised: no closing date
    item = _todo(world, "wuhou_officer", D(2025, 12, 20), case["id"])
    assert item is not None and item["next_due"] is None and not item["overdue"]
    act(world, "wuhou_officer", case, "resume", at(D(2026, 1, 5)))
    # 15 December – 4 January not counted: 21 days; 31 January + 21 = Saturday 21 February, inside the Spring
    # Festival holiday (15–23 February) → Tuesday 24 February
    assert due(world, case, "closing") == D(2026, 2, 24)

    act(world, "wuhou_officer", case, "suspend", at(D(2026, 1, 20)), {"ground": "和解"})
    assert due(world, case, "closing") is None
    act(world, "wuhou_officer", case, "resume", at(D(2026, 2, 3)))
    # 20 January – 2 February: 14 more days, 35 in all; 31 January + 35 = Saturday 7 March → Monday 9 March
    assert due(world, case, "closing") == D(2026, 3, 9)

    act(world, "wuhou_leader", case, "extend_closing", at(D(2026, 2, 10)), {"reason": "和解未成，案情复杂"})
    # 31 January + 1 month = 28 February; + 35 = Saturday 4 April, Qingming (4–6 April) → Tuesday 7 April
    assert due(world, case, "closing") == D(2026, 4, 7)
    act(world, "wuhou_officer", case, "request_extension_upper", at(D(2026, 3, 20)), {"reason": "鉴定结论有争议"})
    act(world, "chengdu_leader", case, "extend_closing_upper", at(D(2026, 3, 20)),
        {"approval": "成知〔2026〕7号", "reason": "鉴定结论有争议"})
    # 28 February + 2 months = 28 April; + 35 = Tuesday 2 June. (Extending the period's paused end instead — 31
    # January + 35 = 7 March, + 1 + 2 months = Sunday 7 June → Monday 8 June — would treat the extension as a period
    # of its own after the first; 浙江省专利条例 第二十六条 puts the extension inside the one 处理期限 counted from 受理
    # and leaves 公告、鉴定、中止 out of that whole period, which is what is computed here.)
    assert due(world, case, "closing") == D(2026, 6, 2)
    item = _todo(world, "wuhou_officer", D(2026, 5, 25), case["id"])
    assert item is not None and item["next_due"] == D(2026, 6, 2) and (item["next_due"] - D(2026, 5, 25)).days == 8
    item = _todo(world, "wuhou_officer", D(2026, 6, 3), case["id"])
    assert item is not None and item["overdue"]


def test_a_jurisdiction_objection_only_within_the_answer_period(world: World) -> None:
    """81号令 第九条: raised within the answer period (15 days from receipt, 第二十二条), decided in 5 working days."""
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-07"}, (pdf(),))
    assert due(world, case, "answer") == D(2026, 3, 23)  # 7 Mar + 15 = Sunday 22 Mar → Monday 23 Mar
    late = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", late, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", late, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-07"}, (pdf(),))
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", late, "object_jurisdiction", at(D(2026, 3, 24)), {"grounds": "被请求人住所地不在本辖区"})
    assert "2026-03-23" in info.value.errors["_clock"]  # the declaration's `within: [answer]`, before the hook
    assert due(world, late, "closing") == D(2026, 6, 3)  # not paused by the refused objection
    # on the last day of the answer period it is in time: the closing clock pauses, the decision is due in
    # 5 working days (24, 25, 26, 27, 30 March)
    act(world, "wuhou_officer", case, "object_jurisdiction", at(D(2026, 3, 23)), {"grounds": "被请求人住所地不在本辖区"})
    assert due(world, case, "closing") is None
    assert due(world, case, "jurisdiction") == D(2026, 3, 30)
    act(world, "wuhou_officer", case, "decide_jurisdiction", at(D(2026, 3, 26)), {"outcome": "异议不成立，继续处理"})
    # 3 March + 3 months = 3 June; 23–25 March not counted (3 days) → Saturday 6 June → Monday 8 June
    assert due(world, case, "closing") == D(2026, 6, 8)


def test_a_mediation_is_refused_for_want_of_a_reply_only_after_the_reply_period(engine: Engine, tmp_path: Path) -> None:
    """81号令 第六十三条–第七十条: the respondent's statement is due in 15 days from receipt; no reply in time
    is a ground to refuse — not before those days have run out (as `answer_lapsed` in adjudication)."""
    from tests.protection.test_mediation import act as mediation_act
    from tests.protection.test_mediation import clock
    from tests.protection.test_mediation import start as mediation_start

    w = build_world(engine, tmp_path / "files", SigningKey.generate())
    w.service.add_hook(MEDIATION, MediationRules(w.service))
    w.service.add_generator(MEDIATION, DocumentGenerator(None), OFFICE_DOCUMENTS)
    unserved = mediation_start(w, "专利侵权纠纷", at(D(2026, 3, 2)))
    with pytest.raises(FormError) as info:  # not even served
        mediation_act(w, "wuhou_officer", unserved, "refuse", at(D(2026, 3, 3)), {"ground": "被请求人逾期未答复"})
    assert "尚未送达" in info.value.errors["ground"]
    case = mediation_start(w, "专利侵权纠纷", at(D(2026, 3, 2)))
    mediation_act(w, "wuhou_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-07"})
    assert clock(w, case, "reply")["due_on"] == D(2026, 3, 23)  # 7 Mar + 15 = Sunday 22 Mar → Monday
    with pytest.raises(FormError) as info:  # the last day of the reply period is still the respondent's
        mediation_act(w, "wuhou_officer", case, "refuse", at(D(2026, 3, 23)), {"ground": "被请求人逾期未答复"})
    assert "2026-03-23" in info.value.errors["ground"]
    mediation_act(w, "wuhou_officer", case, "refuse", at(D(2026, 3, 24)), {"ground": "被请求人逾期未答复"})
    assert case["state"] == "refused"
    # refusing because the respondent declined needs no waiting
    other = mediation_start(w, "专利侵权纠纷", at(D(2026, 3, 2)))
    mediation_act(w, "wuhou_officer", other, "refuse", at(D(2026, 3, 3)), {"ground": "被请求人不同意调解"})


def test_a_case_settled_while_suspended_for_settlement_closed_on_time(world: World, tmp_path: Path) -> None:
    """按期结案率 (RULES.md: closed within 3 months plus approved extensions ÷ closed): an agreement reached
    while the closing clock is paused for 和解 stops a clock that cannot have run out — it counts as on time."""
    import pyarrow.parquet as pq

    from zhichan.corpus.testing import build_snapshot, patent
    from zhichan.figures import export_workflow
    from zhichan.indicators import service

    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "suspend", at(D(2026, 5, 20)), {"ground": "和解"})
    # settled on 15 June, after the nominal 3 June, while the clock was paused since 20 May (due then: none)
    act(world, "wuhou_officer", case, "mediate", at(D(2026, 6, 15)), {"effective_on": "2026-06-15"}, (pdf(),))
    snapshot = build_snapshot(tmp_path / "stats", patents=[patent("202010000001")])
    export_workflow(world.engine, world.service.registry, tmp_path / "stats", now=at(D(2026, 6, 30)))
    row = pq.read_table(tmp_path / "stats" / "workflow" / "cases.parquet").to_pylist()[0]
    # 3 March – 15 June is 104 days, 20 May – 15 June (26) not counted: 78 days, within the 3 months
    assert (row["cycle_days"], row["cycle_paused_days"], row["cycle_in_time"]) == (78, 26, True)
    values = {v.code: v.value for v in service.compute(["adjudication_cycle_cases", "adjudication_on_time_rate"],
                                                       ["510107"], D(2026, 6, 30), snapshot=snapshot)}
    assert values == {"adjudication_cycle_cases": 1, "adjudication_on_time_rate": 100.0}
