"""A synthetic credit listing for the demo (``zhichan demo``), so the public credit list shows what it is for:
one subject of the demo city proposed, notified, heard for the period for statements, decided and published
through the real procedure ``credit.listing`` and its hook (the listing row, the one-year term), labelled
synthetic — the subject is named 【合成】…, its case carries the engine's ``synthetic`` flag and the lists show
the badge. Made once per database; the steps are dated in the past so the listing is in force today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select, update

from zhichan.corpus.generator.world import make_uscc
from zhichan.credit.service import PROCEDURE, listing_hook
from zhichan.legaltime import (
    CalendarNotPublished,
    add_working_days,
    china_today,
    moment_on,
    next_workday_on_or_after,
)
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, Role
from zhichan.platform.orgs import seed_demo_tree, synthetic_scope
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case, CaseClock
from zhichan.procedures.service import ProcedureService

#: the demo city whose bureau lists the subject
CITY = "510100"
SUBJECT = "【合成】成都示例专利代理有限公司"
FACTS = ("【合成演示】该机构在一年内代理的多件专利申请被认定为非正常专利申请，经通知后仍未整改。"
         "（合成数据，仅供演示 / synthetic demo data)")
#: how long before today the proposal is dated: the notice, the five working days for statements, the
#: decision and the publication all fall before today, and the year's term runs on past it
PROPOSED_DAYS_AGO = 45


def seed(engine: Engine, service: ProcedureService, *, today: dt.date | None = None) -> int:
    """Propose, notify, decide and publish one synthetic listing; 1 when made, 0 when the database has one
    already (or the holidays of the days it needs are not published)."""
    today = today or china_today()
    with session_scope(engine) as s:
        seed_demo_tree(s)
        if s.scalar(select(Case.id).where(Case.procedure == PROCEDURE, Case.synthetic.is_(True)).limit(1)) is not None:
            return 0
        city = s.scalar(select(Organization).where(Organization.region_code == CITY))
        assert city is not None  # seed_demo_tree makes it
        s.expunge(city)
    service.add_hook(PROCEDURE, listing_hook)  # once, however often installed
    officer, leader = synthetic_scope(city, Role.CASE_OFFICER), synthetic_scope(city, Role.BUREAU_LEADER)
    try:
        proposed = next_workday_on_or_after(today - dt.timedelta(days=PROPOSED_DAYS_AGO))
        noticed = add_working_days(proposed, 1)
    except CalendarNotPublished:
        return 0
    with session_scope(engine) as s:
        case = service.start(s, officer, PROCEDURE, now=moment_on(proposed, 10), title=f"{SUBJECT} · 列入严重违法失信名单",
                             fields={"subject": SUBJECT, "credit_code": make_uscc("91", CITY, 990_001),
                                     "ground": "从事非正常专利申请行为", "facts": FACTS})
        s.execute(update(Case).where(Case.id == case["id"]).values(synthetic=True))
    act(engine, service, officer, case, "notify", noticed, {"notice_number": f"【合成】成知信告〔{noticed.year}〕1号"})
    with session_scope(engine) as s:  # the decision comes the working day after the period for statements
        due = s.scalar(select(CaseClock.due_on).where(CaseClock.case_id == case["id"], CaseClock.name == "statements",
                                                       CaseClock.due_problem.is_(None)))
    if due is None:
        return 1  # its last day is not known yet: the case waits there, as a bureau's would
    decided = add_working_days(due, 1)
    published = add_working_days(decided, 1)
    for who, event, day, fields in ((leader, "decide", decided, {"decision_number": f"【合成】成知信决〔{decided.year}〕1号"}),
                                    (officer, "publish", published, {})):
        if day > today:
            break  # the present stops it here (a demo made right after a long holiday)
        act(engine, service, who, case, event, day, fields)
    return 1


def act(engine: Engine, service: ProcedureService, who: Scope, case: dict[str, Any], event: str, day: dt.date,
        fields: dict[str, Any]) -> None:
    with session_scope(engine) as s:
        case.update(service.act(s, who, case["id"], event, version=case["version"], fields=fields, now=moment_on(day, 10)))
