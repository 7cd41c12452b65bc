"""专利优先审查推荐 under 国家知识产权局令第85号《专利优先审查管理办法》(in force 2026-09-01).

What the bureau checks and keeps beside the procedure case (``services.priority_exam``):

* **grounds**: the declared choices; the ground "国内首次申请并在境外申请" needs no local recommendation
  (the applicant asks CNIPA directly), so a request on it is refused with that answer;
* **all co-owners' consent**: every holder the corpus records for the number on the day
  (:func:`zhichan.corpus.rights.right_on`; for an application, its applicants) must be among those
  consenting; a number the corpus does not have yet (not published) rests on the declared consent and
  the signed consent document;
* **credit**: a requester on the credit list is refused (:func:`zhichan.credit.service.active_listing`),
  at the request and again at the recommendation; one returned to the normal track for bad faith is
  refused for a year (:data:`BAD_FAITH_BAR_YEARS`);
* **who recommends**: a provincial office (or the nation's), for the cases of its area;
* **quotas**: a province's yearly quota (whole cases) is allocated to its cities; a recommendation
  uses one of its city's allocation. Neither is ever exceeded, also when two officers act at once:
  allocations change under the province row's write lock, a recommendation takes its place with one
  conditional ``UPDATE … WHERE used < allocated``;
* **deadlines from CNIPA's notice date** (:func:`examination_deadlines`, by :mod:`zhichan.legaltime`);
* **back to the normal track**: the declared events, recorded with their day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, String, Table, exists, func, select, update
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.store import Snapshot
from zhichan.corpus.validate import FieldError, normalize_application_number
from zhichan.credit.service import active_listing
from zhichan.errors import FormError, InputError, PermissionDenied
from zhichan.evidence.service import utcnow
from zhichan.legaltime import (
    CalendarNotPublished,
    add_years,
    china_date,
    china_today,
    last_day_of_period,
    period_due,
    period_end,
    published,
)
from zhichan.platform import audit
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope, known_region_code, region_prefix
from zhichan.procedures.models import Case
from zhichan.procedures.service import Blocked, Hold, ProcedureService, StepTaken, provincial
from zhichan.reference.regions import region_name
from zhichan.services.models import PriorityAllocation, PriorityQuota, PriorityRecommendation

PROCEDURE = "services.priority_exam"
#: 令85号 applies to recommendations made from this day; earlier ones ran under 令76号 (periods from approval)
IN_FORCE = dt.date(2026, 9, 1)
#: the declaration's choices → codes
SUBJECTS = {"发明专利申请": "invention", "实用新型专利申请": "utility_model", "外观设计专利申请": "design",
            "专利复审案件": "reexamination", "无效宣告案件": "invalidation"}
#: the corpus kind each examination subject must have (reexamination and invalidation: any)
SUBJECT_KIND = {"invention": "invention", "utility_model": "utility_model", "design": "design"}
DIRECT_GROUND = "国内首次申请并在境外申请"
RETURN_REASONS = {"申请人主动修改申请文件": "amendment", "逾期答复或请求延期答复": "late_response",
                  "提交新的证据或理由": "new_evidence", "程序中止": "suspension", "存在恶意行为": "bad_faith"}
BAD_FAITH_BAR_YEARS = 1
#: who sets quotas and allocates them (at the province or the nation)
QUOTA_ROLES = (Role.BUREAU_LEADER, Role.SYSTEM_ADMIN)
MAX_QUOTA = 1_000_000
QUOTAS = cast(Table, PriorityQuota.__table__)
ALLOCATIONS = cast(Table, PriorityAllocation.__table__)


@dataclass(frozen=True)
class Deadlines:
    """CNIPA's deadlines for one case from its notice date (``None``: none of that kind, or — with
    ``problem`` — not computable until the holiday schedule of its year is loaded). ``provisional``: one of them is
    counted on the statutory holidays of a year whose schedule is not published (``problem`` says so; a date in a
    published year is exact), exact once it is loaded (:func:`zhichan.legaltime.period_due`)."""

    first_action: dt.date | None
    closure: dt.date | None
    problem: str | None = None
    provisional: bool = False


#: (first action, closure) per subject: (amount, unit) or None
PERIODS: dict[str, tuple[tuple[int, str] | None, tuple[int, str]]] = {
    "invention": ((45, "day"), (1, "year")),
    "utility_model": (None, (2, "month")),
    "design": (None, (2, "month")),
    "reexamination": (None, (7, "month")),
    "invalidation": (None, (5, "month")),
}
DESIGN_INVALIDATION = (4, "month")


def examination_deadlines(subject: str, notice_date: dt.date, *, design: bool = False) -> Deadlines:
    """令85号: invention — first office action within 45 days, closed within one year; utility model and
    design — closed within 2 months; reexamination — 7 months; invalidation — 5 months, a design's 4.
    Counted from the notice date (the period starts the next day; a last day on a rest day moves to the
    next working day, 专利法实施细则 第五条)."""
    if subject not in PERIODS:
        raise ValueError(f"unknown subject {subject!r}")
    first, closure = PERIODS[subject]
    if subject == "invalidation" and design:
        closure = DESIGN_INVALIDATION
    problem: str | None = None
    provisional = False
    due: list[dt.date | None] = []
    for period in (first, closure):
        if period is None:
            due.append(None)
            continue
        try:
            found = period_due(notice_date, period[0], period[1])  # type: ignore[arg-type]
        except CalendarNotPublished as exc:  # past what a provisional date is counted for
            due.append(None)
            problem = exc.message
            continue
        due.append(found.day)
        if found.provisional:
            provisional = True
            problem = problem or (f"{found.year} 年放假安排尚未公布，期限暂按法定节假日和周末计算 / the {found.year} holiday "
                                  f"schedule is not published yet: the deadline is provisional, counted on the statutory "
                                  f"holidays and weekends")
    return Deadlines(due[0], due[1], problem, provisional)


#: 令85号: the applicant's response to an examination opinion — an invention's within 1 month, a utility model's or
#: design's within 15 days (令76号 allowed an invention 2 months); counted from the opinion's receipt
RESPONSE_PERIODS: dict[str, tuple[int, str]] = {"invention": (1, "month"), "utility_model": (15, "day"),
                                                "design": (15, "day")}
#: 专利法实施细则 第四条: a document sent by post is presumed received 15 days after it was sent
PRESUMED_RECEIPT_DAYS = 15


def response_deadline(subject: str, sent_on: dt.date, *, received_on: dt.date | None = None,
                      electronic: bool = False) -> dt.date:
    """The last day of the applicant's response to an examination opinion under 令85号. The period runs from
    receipt (专利法实施细则 第四条): an electronic document's day in the applicant's system (``sent_on`` unless
    ``received_on`` says otherwise), a posted one's proven ``received_on`` or else 15 days after it was sent (the
    presumed day of receipt is not moved off a rest day: it is no deadline); the period starts the next day and
    its last day moves off a rest day (第五条). Reexamination and invalidation have no such period here."""
    if subject not in RESPONSE_PERIODS:
        raise ValueError(f"no response period for {subject!r}")
    if received_on is None:
        received_on = sent_on if electronic else last_day_of_period(sent_on, PRESUMED_RECEIPT_DAYS, "day")
    if received_on < sent_on:
        raise ValueError("received before it was sent")
    amount, unit = RESPONSE_PERIODS[subject]
    return period_end(received_on, amount, unit)  # type: ignore[arg-type]


def city_of(region_code: str) -> str:
    return region_code[:4] + "00"


def province_of(region_code: str) -> str:
    return region_code[:2] + "0000"


# -- quotas ----------------------------------------------------------------------------------------

def _quota_scope(scope: Scope, province_code: str) -> None:
    scope.require_roles(*QUOTA_ROLES)
    prefix = scope.region_prefix
    if prefix is None or len(prefix) > 2 or not scope.covers_region(province_code):
        raise PermissionDenied("只有该省或国家知识产权管理部门可以设定和分配名额 / only the province (or the nation) "
                               "sets and allocates its quota")


def _year(raw: Any) -> int:
    try:
        year = int(str(raw).strip())
    except ValueError:
        raise FormError({"year": "年度应为四位数字 / the year is four digits"}) from None
    if not 2017 <= year <= 2100:
        raise FormError({"year": "年度应在 2017 至 2100 之间 / the year is 2017 to 2100"})
    return year


def _count(raw: Any, field: str) -> int:
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_QUOTA:
        raise FormError({field: f"名额应为 0 至 {MAX_QUOTA} 的整数 / a whole number from 0 to {MAX_QUOTA}"})
    return int(text)


def _region(raw: Any, field: str, level: str) -> str:
    try:
        code = known_region_code(str(raw))
    except InputError as exc:  # malformed, or naming no region (a quota for province 99 was kept)
        raise FormError({field: exc.message}) from None
    want = {"province": 2, "city": 4}[level]
    if len(region_prefix(code)) != want:
        word = {"province": "省级", "city": "地市级"}[level]
        raise FormError({field: f"应为{word}行政区划代码 / not a {level} code"})
    return code


def set_quota(session: Session, scope: Scope, year: Any, province_code: Any, total: Any, *, ip: str = "") -> PriorityQuota:
    """A province's quota for a year; it may not fall below what is already allocated to its cities."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, parse in (("year", _year), ("province_code", lambda v: _region(v, "province_code", "province")),
                        ("total", lambda v: _count(v, "total"))):
        try:
            values[name] = parse({"year": year, "province_code": province_code, "total": total}[name])
        except FormError as exc:
            errors |= exc.errors
    if errors:
        raise FormError(errors)
    _quota_scope(scope, values["province_code"])
    row = session.scalar(select(PriorityQuota).where(PriorityQuota.year == values["year"],
                                                     PriorityQuota.province_code == values["province_code"]))
    if row is None:
        row = PriorityQuota(year=values["year"], province_code=values["province_code"], total=values["total"],
                            allocated=0, updated_by=scope.username, updated_at=utcnow())
        session.add(row)
        session.flush()
    else:
        # the lock first (a no-op UPDATE is the first write): a concurrent allocation waits, then sees the new total;
        # the moment is read once it is held, so the row's updated_at follows the order of the changes
        session.execute(update(QUOTAS).where(QUOTAS.c.id == row.id).values(total=QUOTAS.c.total))
        changed = cast(CursorResult[Any], session.execute(
            update(QUOTAS).where(QUOTAS.c.id == row.id, QUOTAS.c.allocated <= values["total"])
            .values(total=values["total"], updated_by=scope.username, updated_at=utcnow())))
        if changed.rowcount != 1:
            session.refresh(row)
            raise FormError({"total": f"已分配给各市 {row.allocated} 件，名额不能少于此数 / {row.allocated} are already "
                                      "allocated to cities: the quota cannot be lower"})
        session.refresh(row)
    audit.record(session, scope, "services.priority_quota", f"{values['province_code']}/{values['year']}", ip=ip,
                 detail={"total": values["total"]})
    return row


def allocate(session: Session, scope: Scope, year: Any, city_code: Any, amount: Any, *, ip: str = "") -> PriorityAllocation:
    """Set a city's share of its province's quota: the shares never sum past the quota, and a share
    never falls below what the city has used."""
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for name, parse, raw in (("year", _year, year), ("city_code", lambda v: _region(v, "city_code", "city"), city_code),
                             ("allocated", lambda v: _count(v, "allocated"), amount)):
        try:
            parsed[name] = parse(raw)
        except FormError as exc:
            errors |= exc.errors
    if errors:
        raise FormError(errors)
    city, new = parsed["city_code"], parsed["allocated"]
    _quota_scope(scope, province_of(city))
    quota_id = session.scalar(select(QUOTAS.c.id).where(QUOTAS.c.year == parsed["year"],
                                                        QUOTAS.c.province_code == province_of(city)))
    if quota_id is None:
        raise FormError({"city_code": f"{province_of(city)} 尚未设定 {parsed['year']} 年度名额 / the province has no quota "
                                      "for that year yet"})
    # the province row's write lock (a no-op UPDATE is the first write): allocations are serialized
    session.execute(update(QUOTAS).where(QUOTAS.c.id == quota_id).values(allocated=QUOTAS.c.allocated))
    quota = session.execute(select(QUOTAS).where(QUOTAS.c.id == quota_id)).one()
    row = session.execute(select(ALLOCATIONS).where(ALLOCATIONS.c.quota_id == quota_id,
                                                    ALLOCATIONS.c.city_code == city)).first()
    old, used = (row.allocated, row.used) if row is not None else (0, 0)
    if new < used:
        raise FormError({"allocated": f"该市已使用 {used} 件，不能少于此数 / the city has used {used}"})
    if quota.allocated - old + new > quota.total:
        free = quota.total - quota.allocated + old
        raise FormError({"allocated": f"超出本省名额：最多还可分配 {free} 件 / over the province's quota: at most {free}"})
    session.execute(update(QUOTAS).where(QUOTAS.c.id == quota_id).values(allocated=quota.allocated - old + new))
    if row is None:
        session.add(PriorityAllocation(quota_id=quota_id, city_code=city, allocated=new, used=0))
    else:
        session.execute(update(ALLOCATIONS).where(ALLOCATIONS.c.id == row.id).values(allocated=new))
    session.flush()
    audit.record(session, scope, "services.priority_allocation", f"{city}/{parsed['year']}", ip=ip,
                 detail={"allocated": new, "was": old})
    result = session.scalar(select(PriorityAllocation).where(PriorityAllocation.quota_id == quota_id,
                                                              PriorityAllocation.city_code == city))
    assert result is not None
    return result


def use_quota(session: Session, year: int, city_code: str) -> int:
    """Take one place of the city's allocation (one conditional UPDATE: never past it); its id."""
    quota_id = session.scalar(select(QUOTAS.c.id).where(QUOTAS.c.year == year,
                                                        QUOTAS.c.province_code == province_of(city_code)))
    taken = cast(CursorResult[Any], session.execute(
        update(ALLOCATIONS).where(ALLOCATIONS.c.quota_id == quota_id, ALLOCATIONS.c.city_code == city_code,
                                  ALLOCATIONS.c.used < ALLOCATIONS.c.allocated)
        .values(used=ALLOCATIONS.c.used + 1)))
    if taken.rowcount != 1:
        raise FormError({"quota": f"{city_code} 的 {year} 年度优先审查推荐名额已用完或未分配 / the city's priority-examination "
                                  f"quota for {year} is used up or not allocated"})
    allocation_id = session.scalar(select(ALLOCATIONS.c.id).where(ALLOCATIONS.c.quota_id == quota_id,
                                                                  ALLOCATIONS.c.city_code == city_code))
    assert allocation_id is not None  # the UPDATE above matched it
    return int(allocation_id)


def quota_left(today: dt.date) -> Any:
    """SQL: a priority-examination case's city has a place of its quota left for ``today``'s year (what
    :func:`use_quota` takes) — the one rule of the case page, the to-do lists and the step: an application over its
    city's quota is not offered for recommendation, nor on the province's 我的待办, until more is allocated."""
    cases = cast(Table, Case.__table__)
    city = func.substr(cases.c.region_code, 1, 4, type_=String) + "00"
    return exists().where(ALLOCATIONS.c.quota_id == QUOTAS.c.id, QUOTAS.c.year == today.year,
                          ALLOCATIONS.c.city_code == city, ALLOCATIONS.c.used < ALLOCATIONS.c.allocated)


def make_holds(procedures: ProcedureService) -> Any:
    """What holds a recommendation back (``ProcedureService.add_holds``): no place left of the case's city's quota for
    the year (:func:`quota_left`), said in the case's place — the step the services hook refused while the page and the
    province's list offered it."""

    def holds(session: Session, case_id: int, decl: Any) -> dict[str, Hold]:
        today = china_today()
        if procedures.free_of(session, PROCEDURE, case_id, today):
            return {}
        region = session.scalar(select(Case.region_code).where(Case.id == case_id)) or ""
        city = city_of(region)
        return {"recommend": Blocked(
            f"{region_name(city, 'zh')}的 {today.year} 年度优先审查推荐名额已用完或未分配，待省级知识产权管理部门分配名额 / "
            f"{region_name(city, 'en')}'s priority-examination quota for {today.year} is used up or not allocated: "
            "the provincial office allocates more",
            waits=f"{region_name(city, 'zh')}的 {today.year} 年度推荐名额 / {region_name(city, 'en')}'s {today.year} quota",
            url=f"/services/priority/quotas?year={today.year}")}

    return holds


def quota_view(session: Session, scope: Scope, year: int) -> dict[str, Any]:
    """The quotas and allocations of the caller's area for a year (a city sees its own share)."""
    scope.require_authenticated()
    prefix = scope.region_prefix
    if prefix is None:
        raise PermissionDenied("当前账号不能查看名额 / this account has no access to quotas")
    quotas = []
    for q in session.scalars(select(PriorityQuota).where(PriorityQuota.year == year).order_by(PriorityQuota.province_code)):
        if not (q.province_code.startswith(prefix) or region_prefix(q.province_code).startswith(prefix) or
                prefix.startswith(region_prefix(q.province_code))):
            continue
        cities = [{"city_code": a.city_code, "allocated": a.allocated, "used": a.used, "left": a.allocated - a.used}
                  for a in session.scalars(select(PriorityAllocation).where(PriorityAllocation.quota_id == q.id)
                                           .order_by(PriorityAllocation.city_code))
                  # the province sees every city, a city its own share, a county its city's
                  if provincial(prefix) or prefix.startswith(region_prefix(a.city_code))]
        quotas.append({"province_code": q.province_code, "total": q.total, "allocated": q.allocated,
                       "unallocated": q.total - q.allocated, "cities": cities,
                       "may_allocate": scope.role in QUOTA_ROLES and provincial(prefix)})
    return {"year": year, "quotas": quotas, "may_set": scope.role in QUOTA_ROLES and provincial(prefix)}


# -- the procedure's hook --------------------------------------------------------------------------

def _refuse_listed(session: Session, name: str, on: dt.date) -> None:
    listing = active_listing(session, on=on, name=name)
    if listing is not None:
        raise FormError({"applicant": f"列入严重违法失信名单的，不予推荐：{listing.reason} / a listed requester is not "
                                      "recommended"})
    key = normalize_name(name)
    for returned in session.scalars(select(PriorityRecommendation.returned_on).where(
            PriorityRecommendation.applicant_key == key, PriorityRecommendation.return_reason == "bad_faith")):
        if returned is not None and returned <= on <= add_years(returned, BAD_FAITH_BAR_YEARS):
            raise FormError({"applicant": f"因恶意行为于 {returned} 转回普通程序，一年内不予推荐 / returned to the normal track "
                                          f"for bad faith on {returned}: no recommendation for a year"})


def check_request(session: Session, snapshot: Snapshot | None, fields: dict[str, Any], on: dt.date) -> dict[str, Any]:
    """A request's rules (:class:`FormError` beside each field); the patent's kind and holders as found."""
    errors: dict[str, str] = {}
    try:
        number = normalize_application_number(fields.get("application_number", ""))
    except FieldError as exc:
        raise FormError({"application_number": str(exc)}) from None
    if fields.get("ground") == DIRECT_GROUND:
        errors["ground"] = ("以“国内首次申请并在境外申请”为由的，无需地方推荐，由申请人直接向国家知识产权局提出 / on this ground "
                            "the applicant asks CNIPA directly, without a local recommendation")
    subject = SUBJECTS.get(fields.get("subject", ""), "")
    _refuse_listed(session, fields.get("applicant", ""), on)
    found: dict[str, Any] = {"application_number": number, "found": False, "kind": None, "holders": ()}
    if snapshot is not None:
        from zhichan.corpus.rights import right_on

        right = right_on(snapshot, number, on)
        if right.found:
            found |= {"found": True, "kind": right.kind, "holders": right.holders}
            want = SUBJECT_KIND.get(subject)
            if want and right.granted:
                errors["application_number"] = (f"该专利已于 {right.grant_date} 授权，不能再请求审查优先（可就复审或无效宣告案件请求） / "
                                                 "already granted: only a reexamination or invalidation can be prioritized")
            elif want and right.kind != want:
                errors["subject"] = (f"该号码为{ {'invention': '发明', 'utility_model': '实用新型', 'design': '外观设计'}.get(right.kind or '', right.kind) }，"
                                     f"与所选事项不符 / the number is a {right.kind}, not a {want}")
            consenting = {normalize_name(x) for x in str(fields.get("consents", "")).splitlines() if x.strip()}
            missing = [h for h in right.holders if normalize_name(h) not in consenting]
            if missing:
                errors["consents"] = (f"缺少共有人的同意：{'、'.join(missing)}（依著录项目，全体申请人/专利权人均须同意） / "
                                      f"consent missing from: {', '.join(missing)}")
            if not any(normalize_name(h) == normalize_name(fields.get("applicant", "")) for h in right.holders):
                errors["applicant"] = ("请求人不是该专利/申请的申请人或权利人 / the requester is not an applicant or holder "
                                       f"({'、'.join(right.holders)})")
    if errors:
        raise FormError(errors)
    return found


def _date_field(fields: dict[str, Any], name: str) -> dt.date:
    return dt.date.fromisoformat(str(fields[name]))


def make_hook(snapshot_of: Any) -> Any:
    """The step hook of ``services.priority_exam`` (``snapshot_of()``: the current corpus snapshot)."""

    def hook(session: Session, scope: Scope, step: StepTaken) -> None:
        today = china_date(step.now)
        f = step.case_fields
        if step.event == "start":
            check_request(session, snapshot_of(), f, today)
        elif step.event == "recommend":  # by a provincial office (the declaration's ``office``: the engine's check)
            found = check_request(session, snapshot_of(), f, today)
            allocation = use_quota(session, today.year, city_of(step.region_code))
            session.add(PriorityRecommendation(
                case_id=step.case_id, allocation_id=allocation, application_number=found["application_number"],
                subject=SUBJECTS[f["subject"]], design=found["kind"] == "design", applicant=f["applicant"],
                applicant_key=normalize_name(f["applicant"]), recommended_on=today))
        elif step.event in ("notice", "conclude", "return_normal"):
            rec = session.scalar(select(PriorityRecommendation).where(PriorityRecommendation.case_id == step.case_id))
            if rec is None:
                return
            if step.event == "notice":
                notice = _date_field(step.fields, "notice_date")
                if notice < rec.recommended_on or notice > today:
                    raise FormError({"notice_date": f"通知书发文日应在推荐日 {rec.recommended_on} 与今天之间 / the notice "
                                                    f"date lies between the recommendation ({rec.recommended_on}) and today"})
                rec.notice_date = notice
                _fill_deadlines(rec)
            else:
                name = "concluded_on" if step.event == "conclude" else "returned_on"
                day = _date_field(step.fields, name)
                earliest = rec.notice_date or rec.recommended_on
                if day < earliest or day > today:
                    raise FormError({name: f"日期应在 {earliest} 与今天之间 / the date lies between {earliest} and today"})
                if step.event == "conclude":
                    rec.concluded_on = day
                else:
                    rec.returned_on, rec.return_reason = day, RETURN_REASONS[step.fields["return_reason"]]
            session.flush()

    return hook


def _fill_deadlines(rec: PriorityRecommendation) -> None:
    if rec.notice_date is None:
        return
    if rec.recommended_on < IN_FORCE:
        rec.due_problem = "推荐早于令85号施行日，期限按令76号自同意之日起计算 / recommended before 令85号: 令76号 periods apply"
        return
    due = examination_deadlines(rec.subject, rec.notice_date, design=rec.design)
    rec.first_action_due, rec.closure_due, rec.due_problem = due.first_action, due.closure, due.problem


def recommendation_view(session: Session, case_id: int) -> dict[str, Any] | None:
    rec = session.scalar(select(PriorityRecommendation).where(PriorityRecommendation.case_id == case_id))
    if rec is None:
        return None
    if rec.due_problem and rec.recommended_on >= IN_FORCE:
        _fill_deadlines(rec)  # a holiday schedule loaded since: the deadline is known now
        session.flush()
    today = china_today()
    open_ = rec.concluded_on is None and rec.returned_on is None

    def state(due: dt.date | None) -> str:
        if due is None:
            return ""
        end = rec.concluded_on or rec.returned_on
        if end is not None:
            return "in_time" if end <= due else "late"
        return "overdue" if open_ and due < today else "running"

    # a deadline waiting for its year's holiday schedule (not one under the old order's rules): the page says so beside
    # each deadline that applies, briefly, as the case page does — not "—" and the operator's long bilingual message
    waiting = bool(rec.notice_date and rec.due_problem and rec.recommended_on >= IN_FORCE)
    first_applies = rec.subject in PERIODS and PERIODS[rec.subject][0] is not None
    # a date in a year whose holiday schedule is not loaded is provisional (counted on its statutory holidays): marked so

    def provisional(day: dt.date | None) -> bool:
        return waiting and day is not None and not published(day.year)
    return {"application_number": rec.application_number, "subject": rec.subject, "recommended_on": rec.recommended_on,
            "notice_date": rec.notice_date, "first_action_due": rec.first_action_due, "closure_due": rec.closure_due,
            "closure_state": state(rec.closure_due),
            "first_action_waits": waiting and first_applies and rec.first_action_due is None,
            "closure_waits": waiting and rec.closure_due is None, "calendar_missing": waiting,
            "first_action_provisional": provisional(rec.first_action_due), "closure_provisional": provisional(rec.closure_due),
            "due_problem": rec.due_problem, "returned_on": rec.returned_on, "return_reason": rec.return_reason,
            "concluded_on": rec.concluded_on}
