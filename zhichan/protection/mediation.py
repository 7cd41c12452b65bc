"""The rules of 专利纠纷行政调解 (81号令 第六十三条至第七十条) and 司法确认 a declaration cannot say: an
ownership dispute takes the two-month track (and only it does); the answer and confirmation periods run
from the recorded day (receipt; the agreement taking effect); the joint application to the court must
fall within the 30 days (民事诉讼法 第二百零五条), and "not applied" can be recorded only once they ran out —
the same rule for an agreement reached inside an adjudication (:class:`JudicialConfirmation`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from zhichan.errors import FormError
from zhichan.legaltime import china_date
from zhichan.platform.scope import Scope
from zhichan.procedures.models import CaseClock
from zhichan.procedures.service import ProcedureService, StepTaken, exact_clock
from zhichan.protection.rules import china_noon

CLOCKS = cast(Table, CaseClock.__table__)
MEDIATION = "protection.mediation"
OWNERSHIP = "专利申请权或专利权权属纠纷"
#: the refusal ground "no reply in time": only once the reply period has run out
NO_REPLY = "被请求人逾期未答复"


def _clock(session: Session, case_id: int, name: str) -> Any:
    """The case's clock ``name``, its last day only when exact: whether a period has run out (or a step came after
    it) is not decided on a provisional date (:func:`~zhichan.procedures.service.exact_due`)."""
    return exact_clock(session.execute(select(CLOCKS).where(CLOCKS.c.case_id == case_id, CLOCKS.c.name == name)).first())


def _day(fields: dict[str, Any], name: str) -> dt.date | None:
    return dt.date.fromisoformat(str(fields[name])) if fields.get(name) else None


class JudicialConfirmation:
    """司法确认 of a mediation agreement, wherever it was reached — a stand-alone mediation (``agree``) or
    a mediation inside an adjudication (``mediate``, 81号令 第三十条): the 30 days run from the day the
    agreement takes effect; a joint application must fall within them; "not applied" only once they ran
    out; the court's ruling not in the future. The declarations name the steps and the ``confirmation``
    clock; this one hook is installed on both procedures."""

    def __init__(self, service: ProcedureService, agreement: str) -> None:
        self.service = service
        self.agreement = agreement

    def __call__(self, session: Session, scope: Scope, step: StepTaken) -> None:
        today = china_date(step.now)
        f = step.fields
        if step.event == self.agreement:
            effective = _day(f, "effective_on")
            assert effective is not None  # required by the declaration
            if effective > today:
                raise FormError({"effective_on": "生效日期不能晚于今天 / the agreement cannot take effect in the future"})
            self.service.set_clock(session, step.case_id, "confirmation", started_at=china_noon(effective))
        elif step.event == "apply_confirmation":
            applied = _day(f, "applied_on")
            clock = _clock(session, step.case_id, "confirmation")
            assert applied is not None
            if applied > today:
                raise FormError({"applied_on": "申请日期不能晚于今天 / the application cannot be in the future"})
            if clock is not None and clock.due_on is not None and applied > clock.due_on:
                raise FormError({"applied_on": f"已超过三十日申请期限（{clock.due_on} 届满），法院不予受理；请记录“未申请司法确认” / "
                                               f"past the 30 days (ended {clock.due_on})"})
            if clock is not None and applied < china_date(clock.started_at):
                raise FormError({"applied_on": "申请日期不能早于协议生效 / before the agreement took effect"})
        elif step.event == "confirmation_lapsed":
            clock = _clock(session, step.case_id, "confirmation")
            if clock is not None and (clock.due_on is None or clock.due_on >= today):
                raise FormError({"_clock": f"司法确认申请期至 {clock.due_on} 届满，尚未届满 / the 30 days run to {clock.due_on}"})
        elif step.event in ("record_ruling", "record_rejection"):
            ruled = _day(f, "ruled_on")
            if ruled is not None and ruled > today:
                raise FormError({"ruled_on": "裁定日期不能晚于今天 / the ruling cannot be in the future"})


class MediationRules:
    def __init__(self, service: ProcedureService) -> None:
        self.service = service
        self.confirmation = JudicialConfirmation(service, "agree")

    def __call__(self, session: Session, scope: Scope, step: StepTaken) -> None:
        today = china_date(step.now)
        f = step.fields
        ownership = step.case_fields.get("dispute_kind") == OWNERSHIP
        if step.event == "accept" and ownership:
            raise FormError({"mediators": "权属纠纷请选择“立案调解（权属纠纷，二个月内结案）” / an ownership dispute takes "
                                          "the two-month track"})
        if step.event == "accept_ownership" and not ownership:
            raise FormError({"mediators": "仅权属纠纷适用二个月期限 / only an ownership dispute takes the two-month track"})
        if step.event == "refuse" and f.get("ground") == NO_REPLY:
            reply = _clock(session, step.case_id, "reply")
            if reply is None or reply.due_on is None or reply.due_on >= today:
                until = f"（答复期至 {reply.due_on} 届满）" if reply is not None and reply.due_on else "（尚未送达）"
                raise FormError({"ground": f"被请求人答复期尚未届满{until}，不能以逾期未答复为由不予立案 / the respondent's "
                                           "reply period has not run out: no refusal for want of a reply yet"})
        if step.event == "serve":
            received = _day(f, "received_on") or today
            if received > today:
                raise FormError({"received_on": "收到日期不能晚于今天 / the day of receipt cannot be in the future"})
            self.service.set_clock(session, step.case_id, "reply", started_at=china_noon(received))
        else:
            self.confirmation(session, scope, step)
