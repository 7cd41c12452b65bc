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
ENFORCEMENT = "protection.enforcement"


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


class EnforcementRules:
    """81号令 第八十条: the office's three months run from the day the decision became final; the court is
    asked only once the written urging's period has run out; the office's window is declared passed only
    once it has."""

    def __init__(self, service: ProcedureService) -> None:
        self.service = service

    def __call__(self, session: Session, scope: Scope, step: StepTaken) -> None:
        today = china_date(step.now)
        if step.event == "start":
            final = dt.date.fromisoformat(step.fields["final_on"])
            if final > today:
                raise FormError({"final_on": "生效日期不能晚于今天 / the decision cannot become final in the future"})
            self.service.set_clock(session, step.case_id, "office_window", started_at=china_noon(final))
        elif step.event in ("apply_court", "office_lapsed"):
            name = "urge" if step.event == "apply_court" else "office_window"
            due = _due(session, step.case_id, name)
            if due is not None and due >= today:
                what = "催告期" if name == "urge" else "本机关申请期"
                raise FormError({"_clock": f"{what}至 {due} 届满，尚未届满 / the period runs to {due}"})
            if step.event == "office_lapsed" and due is not None:
                # the holder's six months follow on from the office's three
                self.service.set_clock(session, step.case_id, "holder_window", started_at=china_noon(due))


def _due(session: Session, case_id: int, name: str) -> dt.date | None:
    from sqlalchemy import select

    from zhichan.procedures.models import CaseClock

    return session.scalar(select(CaseClock.due_on).where(CaseClock.case_id == case_id, CaseClock.name == name,
                                                         CaseClock.due_problem.is_(None)))  # exact only
