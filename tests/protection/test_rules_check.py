"""An outsider's check of protection's legal clocks against the primary texts, on hand-worked dated
scenarios (SQLite and PostgreSQL): the complaint periods of 市场监督管理投诉举报处理暂行办法 around the
Spring Festival 2026 make-up Saturdays, and a closing clock under 81号令 第三十七条 that pauses twice
and is extended twice from a month-end 立案."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.procedures.helpers import World, at
from tests.protection.test_adjudication import PANEL, act, due, start
from tests.protection.test_adjudication import world as world  # noqa: F401 - the fixture
from tests.protection.test_channels import NUMBER
from zhichan.platform.db import session_scope
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
    # working days, not five more after the decision (which would run to Wednesday 4 March)
    assert due(world, complaint, "inform") == D(2026, 2, 28)

    report = _complaint(world, "举报")
    assert due(world, report, "acceptance") == D(2026, 2, 28)
    act(world, "wuhou_officer", report, "refuse", at(D(2026, 2, 26)), {"ground": "不属于本机关职责或处理权限", "reasons": "不属于本部门处理权限"})
    # 第三十一条: a named reporter within five working days of the decision — 27, Sat 28 February, 2, 3, 4 March
    assert due(world, report, "inform") == D(2026, 3, 4)
