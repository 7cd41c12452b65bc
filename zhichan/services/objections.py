"""Objections to a published subsidy result (资助结果异议).

While a round (``services.subsidy_round``) is published and its objection clock runs, anyone signed in —
the applicants among them — may object to one line of the result, except the officers who decide
objections (those over the programme's area, :func:`oversees`). An applicant found ineligible has no
line: it objects as **line 0** to its own application being left off the list, and upholding that
objection adds the application as the next line with the decided award. Each objection is its own case
(``services.subsidy_objection``): handled by the office that published the round, on the declaration's
decision clock (``zhichan.legaltime``), decided by upholding or dismissing it; the objector follows it on
the case page and may withdraw it.

* **Upholding** sets the line's award anew (0 removes it). The amount is exact (``Decimal``, cents), at
  most the programme's cap per applicant, and the round's awards after the change never sum past the
  budget: a reduction returns the difference to the budget, an increase takes it only from what is left.
  The round's case row is locked — before the engine reads the decision's moment (:func:`lock_round`) — while the
  awards are summed and changed, so two decisions at once cannot both spend the same remainder, and each is
  stamped after the one it waited for. The money returned is not re-allotted to applications further
  down the list (that would change results already published); the page shows what is left.
* The round **concludes** only when every objection to it is decided (the round's hook asks
  :func:`pending`), and only then are awards paid.
* The published result shows each line's objections and their outcomes (the objector's name only to
  the officers).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from zhichan.errors import FormError, NotFoundError
from zhichan.legaltime import china_date
from zhichan.money import MoneyError, format_money, grouped_amount, parse_money
from zhichan.platform.models import Role
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import Scope, region_prefix
from zhichan.procedures.models import Case, CaseClock
from zhichan.procedures.scope import CASES
from zhichan.procedures.service import ProcedureService, StepTaken, Upload, check_fields
from zhichan.services.models import SubsidyApplication, SubsidyAward, SubsidyObjection
from zhichan.web.i18n import stored_message, stored_messages

PROCEDURE = "services.subsidy_objection"
CENT = Decimal("0.01")


def _published_line(session: Session, code: str, line: Any) -> tuple[SubsidyAward, Case]:
    """The award on line ``line`` of ``code``'s published result, and its round; FormError beside the field."""
    seq = _line_number(line)
    row = session.execute(select(SubsidyAward, Case).join(Case, Case.id == SubsidyAward.round_case_id)
                          .where(SubsidyAward.programme == code, SubsidyAward.seq == seq)).first()
    if row is None or row[1].state not in ("published", "concluded"):
        raise FormError({"line": f"公示结果中没有序号 {seq} / no line {seq} in the published result"})
    return row[0], row[1]


def _line_number(line: Any) -> int:
    try:
        return int(line)
    except (TypeError, ValueError):
        raise FormError({"line": "请填写公示序号（整数） / give the line number of the result"}) from None


def unlisted_application(session: Session, scope: Scope, code: str) -> SubsidyApplication | None:
    """The caller's organization's application to ``code`` that is not on the result (found ineligible):
    the one it may object about as line 0."""
    if scope.org_id is None or scope.role != Role.ENTERPRISE_USER:
        return None
    listed = select(SubsidyAward.application_id).where(SubsidyAward.programme == code)
    return session.scalars(select(SubsidyApplication).where(
        SubsidyApplication.programme == code, SubsidyApplication.org_id == scope.org_id,
        SubsidyApplication.id.not_in(listed)).order_by(SubsidyApplication.id)).first()


def _disputed(session: Session, scope: Scope, code: str, line: Any
              ) -> tuple[SubsidyAward | None, SubsidyApplication | None, Case]:
    """What an objection disputes: a line of the published result, or (line 0) the caller's own application
    left off it; and the round."""
    if _line_number(line) != 0:
        award, round_case = _published_line(session, code, line)
        return award, None, round_case
    application = unlisted_application(session, scope, code)
    round_of = session.scalar(select(Case).join(SubsidyAward, SubsidyAward.round_case_id == Case.id)
                                .where(SubsidyAward.programme == code).limit(1))
    if application is None or round_of is None or round_of.state not in ("published", "concluded"):
        raise FormError({"line": "序号 0 只用于申报企业对本企业未列入名单提出异议，贵单位没有未列入的申报 / line 0 is "
                                 "an applicant's objection that its own application was left off; yours is not"})
    return None, application, round_of


def oversees(scope: Scope, programme_region: str) -> bool:
    """Governance staff above the programme's area or within it: its office's people, so they do not file an
    objection (:func:`decides` says who of them decides one)."""
    area, mine = region_prefix(programme_region), scope.region_prefix
    return mine is not None and (area.startswith(mine) or mine.startswith(area))


#: The roles that assess a round and decide its objections.
DECIDING_ROLES = (Role.CASE_OFFICER, Role.BUREAU_LEADER)


def decides(scope: Scope, programme_region: str) -> bool:
    """The officers who decide the programme's round and objections — case officers and bureau leaders over its area
    or within it. By least disclosure they alone read every application's measures and reasons, the objectors' names
    and the payment vouchers; an applicant reads its own application, and everyone the published result. An analyst,
    window staff or an administrator of the area sees no more than the public: none of them assesses, decides or pays
    (the subsidy statistics are registered indicators, ``zhichan.services.figures``)."""
    return scope.role in DECIDING_ROLES and oversees(scope, programme_region)


def objection_due(session: Session, round_case_id: int) -> dt.date | None:
    return session.scalar(select(CaseClock.due_on).where(CaseClock.case_id == round_case_id,
                                                         CaseClock.name == "objection",
                                                         CaseClock.due_problem.is_(None)))  # exact only


def file_objection(procedures: ProcedureService, session: Session, scope: Scope, code: str, *,
                   fields: dict[str, Any], uploads: tuple[Upload, ...] = (), now: dt.datetime | None = None,
                   ip: str = "") -> dict[str, Any]:
    """Anyone signed in objects to a line of ``code``'s published result (the case goes to the office that
    published the round, whoever files it)."""
    scope.require_authenticated()
    errors: dict[str, str] = {}
    try:  # the declared fields and the line answered together
        check_fields(procedures.registry.for_region(PROCEDURE, None).start.fields, {**fields, "programme": code})
    except FormError as exc:
        errors.update(exc.errors)
    try:
        award, _, round_case = _disputed(session, scope, code, fields.get("line"))
    except FormError as exc:
        errors.update(exc.errors)
    if errors:
        raise FormError(errors)
    line = f"第 {award.seq} 号" if award is not None else "未列入名单的申报"
    # the engine files an enterprise's case with its own bureau and an officer's with their office; anyone
    # else (a bank's, an agency's user) names the office — the round's. The start hook moves every
    # objection to the round's office.
    handling = None if scope.governance or scope.role == Role.ENTERPRISE_USER else round_case.org_id
    return procedures.start(session, scope, PROCEDURE, fields={**fields, "programme": code}, uploads=uploads,
                            now=now, ip=ip, handling_org_id=handling,
                            title=f"{code} {line} · 资助结果异议")


def parse_amount(raw: Any, cap: Decimal) -> Decimal:
    """A yuan amount with at most two decimals (``zhichan.money.parse_money``), from 0 to ``cap``; FormError
    beside ``awarded``."""
    try:
        value = parse_money(raw, zero=True)
    except MoneyError as exc:
        raise FormError({"awarded": exc.reason}) from None
    if value > cap:
        raise FormError({"awarded": f"金额应在 0 至每个申请人上限 {format_money(cap, 'zh')}之间 / between 0 and the cap of {format_money(cap, 'en')}"})
    return value


def pending(session: Session, round_case_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(SubsidyObjection).where(
        SubsidyObjection.round_case_id == round_case_id, SubsidyObjection.status == "pending")) or 0)


def lock_round(session: Session, case_id: int, event: str) -> None:
    """The lock an upholding decision takes before the engine reads its moment (``ProcedureService.add_lock``): its
    round's case row (PostgreSQL: the row lock; SQLite: the step's write transaction holds every row already). One
    decision on a round's awards at a time — and two upholds on one round, from two objections' cases, stamped in the
    order they hold it."""
    if event != "uphold":
        return
    round_id = session.scalar(select(SubsidyObjection.round_case_id).where(SubsidyObjection.case_id == case_id))
    if round_id is not None:
        session.execute(select(CASES.c.id).where(CASES.c.id == round_id).with_for_update())


def install(procedures: ProcedureService, declared: Any) -> None:
    """The objections' hook and the round's lock before each decision (``declared()``: the programmes by code)."""
    procedures.add_lock(PROCEDURE, lock_round)
    procedures.add_hook(PROCEDURE, make_objection_hook(declared))


def make_objection_hook(declared: Any) -> Any:
    """The step hook of ``services.subsidy_objection`` (``declared()``: the programmes by code)."""

    def hook(session: Session, scope: Scope, step: StepTaken) -> None:
        if step.event == "start":
            scope.require_authenticated()  # the declaration is public so that any signed-in role may file
            code = str(step.case_fields.get("programme", ""))
            if code not in declared():
                raise FormError({"programme": f"没有资助项目 {code} / no programme {code}"})
            if oversees(scope, declared()[code].region):
                raise FormError({"line": "本地区知识产权管理部门工作人员负责处理异议，不能提出异议 / officers of the "
                                         "area decide objections and do not file them"})
            award, application, round_case = _disputed(session, scope, code, step.case_fields.get("line"))
            due = objection_due(session, round_case.id)
            if round_case.state != "published" or due is None or china_date(step.now) > due:
                raise FormError({"line": f"公示期至 {due} 已届满，不再受理异议 / the objection period ended on {due}"})
            # handled by the office that published the round; the filer (whatever their role) is the party
            session.execute(update(CASES).where(CASES.c.id == step.case_id).values(
                org_id=round_case.org_id, org_path=round_case.org_path, region_code=round_case.region_code,
                party_user_id=step.party_user_id if step.party_user_id is not None else scope.user_id))
            session.add(SubsidyObjection(case_id=step.case_id, round_case_id=round_case.id,
                                         award_id=award.id if award is not None else None,
                                         application_id=application.id if application is not None else None,
                                         programme=code, objector=(scope.org_name or scope.username)[:200],
                                         filed_at=step.now, status="pending"))
            session.flush()
            return
        row = session.scalar(select(SubsidyObjection).where(SubsidyObjection.case_id == step.case_id))
        if row is None:
            raise NotFoundError("没有该异议 / no such objection")
        if step.event == "uphold":
            p = declared()[row.programme]
            amount = parse_amount(step.fields.get("awarded"), p.cap_per_applicant_yuan)
            # one decision on a round's awards at a time: the round's row is locked already (lock_round)
            award = session.get(SubsidyAward, row.award_id) if row.award_id is not None else session.scalar(
                select(SubsidyAward).where(SubsidyAward.application_id == row.application_id))  # listed since
            others = session.scalar(select(func.coalesce(func.sum(SubsidyAward.awarded_yuan), 0)).where(
                SubsidyAward.round_case_id == row.round_case_id,
                SubsidyAward.id != (award.id if award is not None else -1))) or Decimal(0)
            left = p.budget_yuan - Decimal(others)
            if amount > left:
                raise FormError({"awarded": f"预算余额仅 {format_money(left, 'zh')}，不能超过预算 {format_money(p.budget_yuan, 'zh')} / "
                                            f"only {format_money(left, 'en')} of the budget is left"})
            if award is None:  # the objector's own application, left off the list: it gets the next line
                from zhichan.services.subsidies import outside_terms, round_terms

                application = session.get(SubsidyApplication, row.application_id)
                assert application is not None
                # decided on only as assessed under the terms the round runs under — the allot step's rule
                refused = outside_terms(p, application, round_terms(session, p))
                if refused:
                    raise FormError({"awarded": refused})
                last = session.scalar(select(func.max(SubsidyAward.seq)).where(
                    SubsidyAward.round_case_id == row.round_case_id)) or 0
                award = SubsidyAward(round_case_id=row.round_case_id, application_id=application.id,
                                     programme=row.programme, seq=last + 1, requested_yuan=application.requested_yuan,
                                     awarded_yuan=Decimal("0.00"),
                                     reason=json.dumps([stored_message("services.reason.not_listed")], ensure_ascii=False))
                session.add(award)
                session.flush()
            row.award_id = award.id
            row.amount_before, row.amount_after = award.awarded_yuan, amount
            award.awarded_yuan = amount
            award.reason = json.dumps([*stored_messages(award.reason),
                                       stored_message("services.reason.objection_upheld", number=step.number,
                                                      amount=grouped_amount(amount))], ensure_ascii=False)
        if step.event in ("uphold", "dismiss", "withdraw"):
            row.status = {"uphold": "upheld", "dismiss": "dismissed", "withdraw": "withdrawn"}[step.event]
            row.decided_on = china_date(step.now)
            row.decision = str(step.fields.get("decision", "")) or None
            session.flush()

    return hook


def by_award(session: Session, code: str, *, officer: bool) -> dict[int | None, list[dict[str, Any]]]:
    """Every objection to ``code``'s result, by award (None: applications left off the list, still pending or
    dismissed; the objector's name only for ``officer``)."""
    out: dict[int | None, list[dict[str, Any]]] = {}
    rows = session.execute(select(SubsidyObjection, Case.number).join(Case, Case.id == SubsidyObjection.case_id)
                           .where(SubsidyObjection.programme == code).order_by(SubsidyObjection.id)).all()
    # an objector as an organization: its English name on English pages where it has one (``org_name``)
    names_en = english_names(session, [RowName(o.objector) for o, _ in rows]) if officer else {}
    for o, number in rows:
        out.setdefault(o.award_id, []).append({
            "number": number, "case_id": o.case_id, "filed_on": china_date(o.filed_at), "status": o.status,
            "decided_on": o.decided_on, "decision": o.decision, "before": o.amount_before, "after": o.amount_after,
            "objector": o.objector if officer else None, "objector_en": names_en.get(RowName(o.objector))})
    return out

