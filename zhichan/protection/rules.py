"""The rules of 专利侵权纠纷行政裁决 (国家知识产权局令第81号) a declaration cannot say, as plain functions,
and the hook that applies them on each step of ``protection.patent_dispute``.

- 第十二条 standing: the patentee or an heir; an exclusive (独占) licensee alone; a sole (排他) licensee
  only when the patentee does not file; an ordinary licensee not on its own.
- 第十二条 no suit before a court on the same dispute.
- 第十九条 limitation: three years from the day the requester knew or should have known of the
  infringement and the infringer (民法典 periods); later still admissible while the infringement
  continues and the patent is in force.
- 第二十条 a collegial panel of an odd number of at least three officers.
- 第二十二条 the answer period runs from the respondent's receipt: 15 days, 30 without a domicile in China; an
  answer received is forwarded to the requester within 5 working days (declared: the ``forward`` clock, which the
  step ``answers`` — so it is offered only after an answer was received).
- 第五条 a recusal is requested within 3 working days of learning the panel (or at the oral hearing: on its set day); a panel member
  granted one is replaced on the decision's step (the panel's later documents named them).
- 第二十六条 the oral-hearing notice reaches the parties at least 3 working days ahead; a requester absent without good
  reason (or leaving without permission) is treated as having withdrawn the request, a respondent is heard in default.
- 第二十七条 the hearing's attendees and main points are recorded (口审笔录), uploaded on ``record_hearing``.
- 第五十四条 an evidence period of at least 15 days.
- 第三十七条 the second extension of the closing period is approved by the upper level, after the first.
- the decision waits for the oral hearing it was scheduled after (第二十六条: the hearing is held and recorded, then
  decided on) and is not made while the case is suspended (第二十八条/第二十九条 中止处理: 恢复处理 first); the hearing's
  record and the requester's absence wait for the hearing day, and an absence is not recorded after a record of the
  hearing — :func:`dispute_holds`.

Each admission check is a :class:`Check`: ``ok`` True (met), False (refuses admission), None (the
corpus cannot tell — the officer verifies; never shown as "fine").
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from zhichan.corpus.rights import RightStatus, right_on
from zhichan.corpus.store import Snapshot
from zhichan.corpus.validate import FieldError, normalize_application_number
from zhichan.errors import FormError
from zhichan.legaltime import add_working_days, china_date, last_day_of_period, period_end
from zhichan.platform.models import Organization
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import Declaration
from zhichan.procedures.models import Case, CaseClock, Step
from zhichan.procedures.service import Blocked, Hold, ProcedureService, StepTaken, exact_clock
from zhichan.protection.models import Dispute
from zhichan.web.i18n import catalogue, stored_message, stored_text

CASES = cast(Table, Case.__table__)
CLOCKS = cast(Table, CaseClock.__table__)
STEPS = cast(Table, Step.__table__)
DISPUTES = cast(Table, Dispute.__table__)

PANEL_SEPARATORS = re.compile(r"[、，,；;/\s]+")
#: 第十二条: who may file on its own
STANDING_ALONE = ("专利权人", "专利权人的继承人", "独占实施许可合同的被许可人")
SOLE_LICENSEE = "排他实施许可合同的被许可人"
ORDINARY_LICENSEE = "普通实施许可合同的被许可人"
LIMITATION_YEARS = 3
ANSWER_DAYS, ANSWER_DAYS_ABROAD = 15, 30
RECUSAL_WORKING_DAYS = 3
HEARING_NOTICE_WORKING_DAYS = 3
EVIDENCE_PERIOD_DAYS = 15
#: 简案快办 (local criteria, e.g. Hubei's draft): every one confirmed
SIMPLIFIED_CRITERIA = ("facts_clear", "rights_clear", "evidence_sufficient")
REPORT_OK = "有且未发现不符合授权条件"
#: the publication step's choice when personal privacy or trade secrets were removed: the redacted text is attached
#: revision 3's outcome of ``decide_jurisdiction`` that moved nothing: an objection upheld is ``transfer_jurisdiction`` now
UPHELD = "异议成立"
REDACTED = "已删除个人隐私和商业秘密，公开删节本"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool | None
    #: a :func:`zhichan.web.i18n.stored_message` (or a list of them), shown in the page's language by
    #: ``stored_text``; checks stored before were "中文 / English" texts, which read the same way
    message: Any

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(name: str, ok: bool | None, key: str, **values: object) -> Check:
    return Check(name, ok, stored_message(f"protection.check.{key}", **values))


def _choice(value: str) -> dict[str, str]:
    """A declared choice (a requester's role, a licence's kind) as a value shown in each language."""
    return {"zh": value, "en": catalogue("en").get(f"choice.{value}", value)}


def bilingual(message: Any) -> str:
    """A check's message as one "中文 / English" text (an error message refusing admission)."""
    zh, en = stored_text(message, "zh"), stored_text(message, "en")
    return zh if zh == en else f"{zh} / {en}"


def normalized_patent_number(text: str) -> str:
    """``ZL202310000001.5`` / ``CN2023100000015`` → ``CN202310000001.5``; :class:`FieldError` if malformed."""
    return normalize_application_number(text)


def panel_members(text: str) -> list[str]:
    return [m for m in PANEL_SEPARATORS.split(str(text or "").strip()) if m]


def panel_problem(text: str) -> str | None:
    """第二十条: an odd number of at least three, each named once."""
    members = panel_members(text)
    if len(set(members)) != len(members):
        return "合议组成员重复 / a member is named twice"
    if len(members) < 3 or len(members) % 2 == 0:
        return (f"合议组须为三人以上单数，现为 {len(members)} 人（以顿号分隔姓名） / the panel is an odd number of at "
                f"least 3 officers, not {len(members)} (names separated by 、)")
    return None


def within_limitation(known_on: dt.date, filed_on: dt.date) -> tuple[bool, dt.date]:
    """第十九条: whether ``filed_on`` falls within the three-year period, and its last day (民法典 第二百零一条–
    第二百零三条). A filing on or before the nominal last day is within it without asking the holiday
    schedule of a year not yet published; a later one only if that day was a rest day."""
    nominal = last_day_of_period(known_on, LIMITATION_YEARS, "year")
    if filed_on <= nominal:
        return True, nominal
    end = period_end(known_on, LIMITATION_YEARS, "year")
    return filed_on <= end, end


def right_checks(right: RightStatus | None, claimant: str, on: dt.date, *, licensee_ok: bool = True) -> list[Check]:
    """The right invoked, as the corpus records it on ``on``: exists, granted and in force, held by the
    claimant (or licensed to it). ``right`` None: no corpus loaded, nothing can be told."""
    if right is None:
        return [_check("right", None, "no_corpus")]
    if not right.found:
        return [_check("right", None, "not_in_corpus", number=right.application_number)]
    out: list[Check] = []
    if not right.granted:
        out.append(_check("in_force", False, "not_granted", on=on))
    elif right.ended is not None:
        out.append(_check("in_force", False, "ended", on=on, reason={"zh": right.ended[0], "en": right.ended[1]}))
    else:
        term = right.term
        if term is not None and term.unknown:  # a compensation whose length cannot be read: in force, end unknown
            out.append(_check("in_force", True, "in_force_term_unknown", on=on, statutory_end=term.statutory_end))
        elif term is not None and term.compensated:
            out.append(_check("in_force", True, "in_force_compensated", on=on, term_end=right.term_end,
                              statutory_end=term.statutory_end))
        else:
            out.append(_check("in_force", True, "in_force", on=on, term_end=right.term_end))
    if claimant:
        holders = "、".join(right.holders) or "—"
        licence = right.licensed_to(claimant) if licensee_ok else None
        if right.held_by(claimant):
            out.append(_check("holder", True, "holder", claimant=claimant))
        elif licence is not None:
            out.append(_check("holder", True, "licensee", claimant=claimant, kind=_choice(licence.kind)))
        else:
            out.append(_check("holder", None, "not_holder", holders=holders, n=len(right.holders), claimant=claimant))
    if right.invalidation_pending:
        out.append(_check("invalidation", None, "invalidation_pending"))
    return out


def admission_checks(fields: dict[str, Any], filed_on: dt.date, right: RightStatus | None) -> list[Check]:
    """第十二条 and 第十九条 on the filing: standing, no suit, limitation, and the right in the corpus."""
    role = str(fields.get("requester_role") or "")
    checks: list[Check] = []
    if role in STANDING_ALONE:
        checks.append(_check("standing", True, "standing_alone", role=_choice(role)))
    elif role == SOLE_LICENSEE:
        if fields.get("patentee_declined") == "是":
            checks.append(_check("standing", True, "sole_licensee_patentee_declined"))
        else:
            checks.append(_check("standing", False, "sole_licensee"))
    elif role == ORDINARY_LICENSEE:
        checks.append(_check("standing", False, "ordinary_licensee"))
    else:
        checks.append(_check("standing", None, "standing_unstated"))
    if fields.get("court_suit") == "是":
        checks.append(_check("court_suit", False, "court_suit"))
    elif fields.get("court_suit") == "否":
        checks.append(_check("court_suit", True, "no_court_suit"))
    corpus = right_checks(right, str(fields.get("requester") or ""), filed_on,
                          licensee_ok=role not in ("专利权人", "专利权人的继承人"))
    in_force = next((c.ok for c in corpus if c.name == "in_force"), None)
    known = fields.get("known_on")
    if known:
        known_on = dt.date.fromisoformat(str(known))
        within, end = within_limitation(known_on, filed_on)
        if within:
            checks.append(_check("limitation", True, "within_limitation", end=end))
        elif fields.get("continuing") == "是" and in_force:
            checks.append(_check("limitation", True, "past_limitation_in_force", end=end))
        elif fields.get("continuing") == "是" and in_force is None:
            checks.append(_check("limitation", None, "past_limitation_check_in_force", end=end))
        else:
            checks.append(_check("limitation", False, "limitation_ended", end=end))
    if right is not None and right.granted and any(c.name == "limitation" and c.ok for c in checks):
        # within three years a lapsed patent can still found a dispute over the infringement in its term
        corpus = [Check(c.name, None, [c.message, stored_message("protection.check.lapsed_within_limitation")])
                  if c.name == "in_force" and c.ok is False else c for c in corpus]
    return checks + corpus


def blocking(checks: list[dict[str, Any]]) -> list[str]:
    return [bilingual(c["message"]) for c in checks if c["ok"] is False]


def china_noon(day: dt.date) -> dt.datetime:
    """A naive-UTC moment on ``day`` in China (12:00 China time), for a clock counted from that day."""
    return dt.datetime(day.year, day.month, day.day, 4)


def hearing_problem(hearing: dt.date, today: dt.date) -> str | None:
    earliest = add_working_days(today, HEARING_NOTICE_WORKING_DAYS)
    if hearing < earliest:
        return (f"口头审理须至少提前三个工作日通知：最早 {earliest} / the hearing is notified at least 3 working days "
                f"ahead: {earliest} at the earliest")
    return None


def recusal_problem(known_on: dt.date, today: dt.date, *, hearing: dt.date | None) -> str | None:
    """第五条: within 3 working days of learning the panel, or at the oral hearing — on the day the case's hearing was
    set for (``hearing``, None where none was), not while the case waits for it nor after it (the walk of 2026-12-08
    accepted a request in the 口头审理 state three months after the panel was known, the hearing day long past)."""
    if known_on > today:
        return "日期不能晚于今天 / the day cannot be in the future"
    last = add_working_days(known_on, RECUSAL_WORKING_DAYS)
    if today > last and today != hearing:
        at = f"（{hearing}）" if hearing is not None else ""
        on = f" ({hearing})" if hearing is not None else ""
        return (f"回避申请应在得知合议组成员后三个工作日内（{last} 前）提出，或在口头审理时{at}提出 / a recusal is requested "
                f"within 3 working days of learning the panel (by {last}) or at the oral hearing{on}")
    return None


def evidence_problem(until: dt.date, today: dt.date) -> str | None:
    earliest = last_day_of_period(today, EVIDENCE_PERIOD_DAYS, "day")
    if until < earliest:
        return f"举证期限不少于十五日：最早 {earliest} / the evidence period lasts at least 15 days: {earliest} at the earliest"
    return None


def _clock(session: Session, case_id: int, name: str) -> Any:
    """The case's clock ``name``, its last day only when exact: whether a period has run out (or a step came after
    it) is not decided on a provisional date (:func:`~zhichan.procedures.service.exact_due`)."""
    return exact_clock(session.execute(select(CLOCKS).where(CLOCKS.c.case_id == case_id, CLOCKS.c.name == name)).first())


#: the steps :func:`dispute_holds` holds back
HELD = ("decide", "record_hearing", "withdraw_absent")
#: the step recording the oral hearing (第二十七条), and the requester's absence from it (第二十六条)
RECORD_HEARING, ABSENT = "record_hearing", "withdraw_absent"


def dispute_holds(session: Session, case_id: int, decl: Declaration) -> dict[str, Hold]:
    """What holds the decision back (``ProcedureService.add_holds``: the case page, the to-do list and the step agree —
    the walk of 2026-12-07 decided on the day the hearing was notified, four days before it, and during a suspension):

    - a pause of the closing deadline still open (中止处理 on any ground, a jurisdiction objection): the step that ends
      it comes first — 恢复处理, or the decision on the objection;
    - an oral hearing scheduled: its record (口审笔录) and the requester's absence from its day; the decision after the
      record (a declaration without the record step — cases opened before revision 3 — from the hearing's day); no
      absence once the hearing is recorded (the requester attended)."""
    state = session.scalar(select(CASES.c.state).where(CASES.c.id == case_id))
    clock = session.execute(select(CLOCKS.c.pauses).where(CLOCKS.c.case_id == case_id, CLOCKS.c.name == "closing")).first()
    answering = {e for enders in decl.pause_enders.values() for e in enders}  # the steps answering a pause
    for pause in json.loads(clock.pauses) if clock is not None else []:
        if pause["end"] is None:
            enders = decl.pause_enders.get(pause.get("event", ""), frozenset())
            ender = min(enders) if enders else next((t.event for t in decl.transitions if "closing" in t.resumes
                                                     and t.event not in answering), None)
            if ender is not None:
                return {"decide": ender}
    if state == "hearing":
        day = _day(_last_fields(session, case_id, "schedule_hearing"), "hearing_date")
        if day is None:
            return {}
        if not any(t.event == RECORD_HEARING for t in decl.transitions):
            return {"decide": day}
        if _last_fields(session, case_id, RECORD_HEARING):
            return {ABSENT: Blocked("口头审理已记录，请求人参加了口头审理 / the hearing is recorded: the requester attended")}
        return {"decide": RECORD_HEARING, RECORD_HEARING: day, ABSENT: day}
    return {}


def _last_fields(session: Session, case_id: int, event: str) -> dict[str, Any]:
    """The fields of the case's last step ``event`` (empty where it has none)."""
    fields = session.scalar(select(STEPS.c.fields).where(STEPS.c.case_id == case_id, STEPS.c.event == event)
                            .order_by(STEPS.c.seq.desc()).limit(1))
    return dict(json.loads(fields)) if fields else {}


def _day(fields: dict[str, Any], name: str) -> dt.date | None:
    return dt.date.fromisoformat(str(fields[name])) if fields.get(name) else None


class DisputeRules:
    """The hook on ``protection.patent_dispute``: keeps :class:`Dispute` with the case and refuses the
    steps the rules above forbid."""

    def __init__(self, service: ProcedureService, snapshot: Callable[[], Snapshot | None]) -> None:
        self.service = service
        self.snapshot = snapshot

    def right(self, number: str, on: dt.date) -> RightStatus | None:
        snap = self.snapshot()
        if snap is None:
            return None
        return right_on(snap, number, on)

    def __call__(self, session: Session, scope: Scope, step: StepTaken) -> None:
        today = china_date(step.now)
        f = step.fields
        handler = getattr(self, f"on_{step.event}", None)
        if step.event == "start":
            self.on_start(session, step, today)
        elif handler is not None:
            handler(session, scope, step, f, today)

    def on_start(self, session: Session, step: StepTaken, today: dt.date) -> None:
        f = step.fields
        known = _day(f, "known_on")
        if known is not None and known > today:  # it read "within three years (to 2030-01-05)" of a day to come
            raise FormError({"known_on": "知道侵权之日不能晚于今天 / the day the requester knew cannot be in the future"})
        try:
            number = normalized_patent_number(f["patent_number"])
            checks = admission_checks(f, today, self.right(number, today))
        except FieldError as exc:
            number = str(f["patent_number"])
            checks = [Check("right", None, f"专利号无法识别，请核对：{exc.reason}")] + [
                c for c in admission_checks(f, today, None) if c.name != "right"]
        session.execute(DISPUTES.insert().values(
            case_id=step.case_id, patent_number=number, requester=f["requester"], respondent=f["respondent"],
            respondent_abroad=f.get("respondent_abroad") == "是", checks=json.dumps([c.as_dict() for c in checks],
                                                                                   ensure_ascii=False),
            panel="", simplified=False, ruling="", publication_url="", org_path=self._org_path(session, step.org_id),
            region_code=step.region_code))

    @staticmethod
    def _org_path(session: Session, org_id: int) -> str:
        org = session.get(Organization, org_id)
        return org.path if org else "/"

    def _row(self, session: Session, case_id: int) -> Any:
        return session.execute(select(DISPUTES).where(DISPUTES.c.case_id == case_id)).first()

    def on_request_cure(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any],
                        today: dt.date) -> None:
        """第十六条: everything to cure is listed in one notice."""
        earlier = session.scalar(select(STEPS.c.id).where(STEPS.c.case_id == step.case_id,
                                                          STEPS.c.event == "request_cure").limit(1))
        if earlier is not None:
            raise FormError({"items": "补正事项应一次性告知，本案已发出补正通知 / everything to cure is listed in one notice, "
                                      "already sent"})

    def on_accept(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any], today: dt.date) -> None:
        errors: dict[str, str] = {}
        problem = panel_problem(f.get("panel", ""))
        if problem:
            errors["panel"] = problem
        row = self._row(session, step.case_id)
        refused = blocking(json.loads(row.checks)) if row is not None else []
        if refused:
            errors["_admission"] = "不符合受理条件，应不予受理：" + "；".join(refused)
        if errors:
            raise FormError(errors)
        session.execute(update(DISPUTES).where(DISPUTES.c.case_id == step.case_id).values(
            panel="、".join(panel_members(f["panel"]))))

    def on_serve(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any], today: dt.date) -> None:
        received = _day(f, "received_on") or today
        if received > today:
            raise FormError({"received_on": "收到日期不能晚于今天 / the day of receipt cannot be in the future"})
        accepted = _clock(session, step.case_id, "service")
        if accepted is not None and received < china_date(accepted.started_at):
            raise FormError({"received_on": "收到日期不能早于立案 / receipt cannot precede acceptance"})
        row = self._row(session, step.case_id)
        abroad = bool(row and row.respondent_abroad)
        self.service.set_clock(session, step.case_id, "answer", started_at=china_noon(received),
                               amount=ANSWER_DAYS_ABROAD if abroad else ANSWER_DAYS)

    def on_answer_lapsed(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any],
                         today: dt.date) -> None:
        clock = _clock(session, step.case_id, "answer")
        if clock is not None and (clock.due_on is None or clock.due_on >= today):
            raise FormError({"_clock": f"答辩期至 {clock.due_on or '（待定）'} 届满，届满前不能按未答辩处理 / the answer period "
                                       f"runs to {clock.due_on}: not lapsed yet"})

    def on_object_jurisdiction(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any],
                               today: dt.date) -> None:
        """第九条: a jurisdiction objection is raised within the answer period; a later one is not one (it would
        pause the closing clock for nothing)."""
        clock = _clock(session, step.case_id, "answer")
        if clock is not None and clock.due_on is not None and today > clock.due_on:
            raise FormError({"grounds": f"管辖权异议应在答辩期内提出，答辩期已于 {clock.due_on} 届满 / a jurisdiction objection "
                                        f"is raised within the answer period, which ended on {clock.due_on}"})

    def on_decide_jurisdiction(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any],
                               today: dt.date) -> None:
        """An objection upheld moves the case (``transfer_jurisdiction``, the law's step offered to disputes filed under
        every revision): revision 3 offered 异议成立，移送有管辖权的机关 as this decision's outcome, which moved nothing."""
        if str(f.get("outcome") or "").startswith(UPHELD):
            moving = next(t.title for t in self.service.registry.get(step.procedure, step.jurisdiction).transitions
                          if t.transfers and not t.office)
            raise FormError({"outcome": f"异议成立的，请办理“{moving.zh}”，由接收案件的机关继续处理 / an objection upheld "
                                        f"is decided by “{moving.en}”, which moves the case to the receiving office"})

    def on_schedule_hearing(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any],
                            today: dt.date) -> None:
        problem = hearing_problem(dt.date.fromisoformat(f["hearing_date"]), today)
        if problem:
            raise FormError({"hearing_date": problem})

    def on_request_recusal(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any],
                           today: dt.date) -> None:
        hearing = _day(_last_fields(session, step.case_id, "schedule_hearing"), "hearing_date")
        problem = recusal_problem(dt.date.fromisoformat(f["known_on"]), today, hearing=hearing)
        if problem:
            raise FormError({"known_on": problem})

    def on_decide_recusal(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any],
                          today: dt.date) -> None:
        """第五条: a panel member granted a recusal leaves the panel, replaced by the member this step names — an odd
        panel of at least three stays (第二十条), and the documents after it name the panel as it is. A case under a
        declaration without the field keeps its panel as before."""
        row = self._row(session, step.case_id)
        person = str(_last_fields(session, step.case_id, "request_recusal").get("person") or "").strip()
        members = panel_members(row.panel) if row is not None else []
        replacement = str(f.get("replacement") or "").strip()
        if f.get("outcome") != "回避" or person not in members:
            if replacement:
                raise FormError({"replacement": "仅在合议组成员回避时填写 / only when a panel member stands down"})
            return
        digest = session.scalar(select(CASES.c.declaration_digest).where(CASES.c.id == step.case_id))
        decl = self.service.declaration_of(session, step.procedure, step.jurisdiction, digest)
        spec = decl.transition(step.event, step.source or "")
        if spec is None or not any(field.name == "replacement" for field in spec.fields):
            return  # the case's declaration has no replacement: its panel stays as recorded
        if not replacement:
            raise FormError({"replacement": f"{person} 为合议组成员，回避后须指定接替人员 / {person} sits on the panel: name "
                                            "the member who replaces them"})
        if replacement in members:
            raise FormError({"replacement": f"{replacement} 已是合议组成员 / {replacement} is on the panel already"})
        session.execute(update(DISPUTES).where(DISPUTES.c.case_id == step.case_id).values(
            panel="、".join(replacement if m == person else m for m in members)))

    def on_set_evidence_period(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any],
                               today: dt.date) -> None:
        problem = evidence_problem(dt.date.fromisoformat(f["evidence_until"]), today)
        if problem:
            raise FormError({"evidence_until": problem})

    def on_extend_closing_upper(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any],
                                today: dt.date) -> None:
        clock = _clock(session, step.case_id, "closing")
        granted = [e.get("event") for e in json.loads(clock.extensions)] if clock is not None else []
        if "extend_closing" not in granted[:-1]:
            raise FormError({"_clock": "须先经本机关负责人批准延长一个月 / the head's one-month extension comes first"})

    def on_simplify(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any], today: dt.date) -> None:
        errors = {name: "简案快办须满足此条件 / required for the simplified track"
                  for name in SIMPLIFIED_CRITERIA if f.get(name) != "是"}
        row = self._row(session, step.case_id)
        number = row.patent_number if row is not None else ""
        right = self.right(number, today) if number.startswith("CN") else None
        kind = right.kind if right is not None and right.found else None
        if f.get("evaluation_report") == "无或有不利结论":
            errors["evaluation_report"] = ("实用新型、外观设计须有未发现不符合授权条件的评价报告 / a utility model or design needs "
                                           "a clean evaluation report")
        elif kind in ("utility_model", "design") and f.get("evaluation_report") != REPORT_OK:
            errors["evaluation_report"] = "该专利为实用新型或外观设计，须有评价报告 / a utility model or design needs a report"
        if right is not None and right.invalidation_pending:
            errors["rights_clear"] = "该专利有无效宣告请求在审，不适用简案快办 / an invalidation request is pending"
        if errors:
            raise FormError(errors)
        session.execute(update(DISPUTES).where(DISPUTES.c.case_id == step.case_id).values(simplified=True))

    def on_suspend_invalidation(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any],
                                today: dt.date) -> None:
        """A suspension for a pending invalidation took a simplified case off the track where the declaration's
        ``simplified`` clock is ``stopped_by`` it: the panel no longer says 简案快办 (before the decision, nothing else
        stops that clock)."""
        clock = _clock(session, step.case_id, "simplified")
        if clock is not None and clock.status == "stopped":
            session.execute(update(DISPUTES).where(DISPUTES.c.case_id == step.case_id).values(simplified=False))

    def on_decide(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any], today: dt.date) -> None:
        session.execute(update(DISPUTES).where(DISPUTES.c.case_id == step.case_id).values(
            decided_on=today, ruling=f.get("ruling", "")))

    def on_publish(self, session: Session, scope: Scope, step: StepTaken, f: dict[str, Any], today: dt.date) -> None:
        """第八十三条: published on the platform's own page of decisions — the decision as decided, or the redacted
        text attached to this step when privacy or trade secrets were removed (a case under an earlier declaration
        gave the address where it was published elsewhere)."""
        if f.get("redaction") == REDACTED and not step.documents:
            raise FormError({"redaction": "公开删节本须附删节后的裁决书 / attach the redacted decision to publish it"})
        session.execute(update(DISPUTES).where(DISPUTES.c.case_id == step.case_id).values(
            published_on=today, publication_url=f.get("url") or f"/protection/decisions/{step.case_id}"))
