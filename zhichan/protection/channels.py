"""The other channels' rules a declaration cannot say: a transfer to the police is prepared by a team of
at least two officers (行政执法机关移送涉嫌犯罪案件的规定 第五条); the e-commerce right holder's 15 days run
from the day the counter-notice reached it (电子商务法 第四十三条), which cannot be in the future."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from zhichan.errors import FormError
from zhichan.legaltime import china_date
from zhichan.platform.scope import Scope
from zhichan.procedures.service import ProcedureService, StepTaken
from zhichan.protection.rules import china_noon, panel_members

POLICE = "protection.police_transfer"
ECOMMERCE = "protection.ecommerce_notice"


def team_problem(text: str) -> str | None:
    members = panel_members(text)
    if len(set(members)) < 2:
        return "专案组须有二名以上执法人员（以顿号分隔） / the team has at least two officers (separated by 、)"
    return None


def police_rules(session: Session, scope: Scope, step: StepTaken) -> None:
    if step.event == "start":
        problem = team_problem(step.fields.get("team", ""))
        if problem:
            raise FormError({"team": problem})


class EcommerceRules:
    def __init__(self, service: ProcedureService) -> None:
        self.service = service

    def __call__(self, session: Session, scope: Scope, step: StepTaken) -> None:
        if step.event != "counter_notice":
            return
        reached = dt.date.fromisoformat(step.fields["reached_on"])
        if reached > china_date(step.now):
            raise FormError({"reached_on": "到达日期不能晚于今天 / the day of arrival cannot be in the future"})
        self.service.set_clock(session, step.case_id, "holder_window", started_at=china_noon(reached))
