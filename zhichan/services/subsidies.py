"""Subsidies and awards (资助、奖励): programmes declared as data, eligibility computed from the corpus,
budget accounting in exact decimals, results published with an objection period, disbursement records.

* A **programme** (``programmes/*.yaml``) names its area, the day its counts are taken, a period, its
  criteria (a corpus measure and an amount per item), a cap per applicant and a budget.
* **Measures** count from the corpus: the applicant's valid high-value inventions on the counting day (attributed
  to their first patentee, as the enterprise portfolio does; the platform's one definition,
  :func:`zhichan.indicators.high_value.high_value_flags_sql`) and its patents assigned or licensed out in the period
  (转化运用: ``transfer`` and ``licence`` events whose assignor or licensor is the applicant). No measure counts
  applications or grants: 国家知识产权局《关于进一步严格规范专利申请行为的通知》(2021) abolished every application-stage
  subsidy by the end of June 2021 and every grant subsidy before 2025, so a programme declaring one
  (:data:`WITHDRAWN_MEASURES`) is refused when the programmes load.
* **Eligibility** gives its reasons: registered in the programme's area, not on the credit list
  (:func:`zhichan.credit.service.active_listing`), at least one criterion met.
* **The budget** (:func:`allocate_budget`) pays applications in the order they were made: in full while
  the budget lasts, the remainder to the first that does not fit (部分资助), nothing after — never past
  the budget, in :class:`~decimal.Decimal` yuan.
* **A round** is a procedure case (``services.subsidy_round``): allot, publish (the objection clock
  runs — its length is the declaration's, changed by a local declaration like any deadline), conclude
  after the clock once every objection is decided (:mod:`zhichan.services.objections`: each is its own
  case, and an upheld one changes its line's award within the budget); then each award's disbursement
  is recorded. Cancelling a round drops its allotment.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.schema import EventType
from zhichan.corpus.store import Snapshot
from zhichan.credit.service import active_listing
from zhichan.errors import ConfigError, FormError, NotFoundError, PermissionDenied
from zhichan.evidence.service import utcnow
from zhichan.legaltime import china_date, china_today
from zhichan.money import grouped_amount
from zhichan.platform import audit
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import Scope, normalize_region_code, region_prefix
from zhichan.procedures.models import CaseClock
from zhichan.procedures.service import StepTaken
from zhichan.services import objections
from zhichan.services.models import SubsidyApplication, SubsidyAward, SubsidyObjection
from zhichan.untrusted import yaml_safe_load
from zhichan.web.i18n import stored_message, stored_text

ROUND_PROCEDURE = "services.subsidy_round"
CENT = Decimal("0.01")
Measure = Literal["high_value_inventions", "assigned_or_licensed"]
#: Measures no programme may declare any more, and why (the notice abolished paying for them: a round run today pays
#: after its deadline whatever period it counts).
WITHDRAWN_MEASURES = {
    "granted_inventions": ("专利授权阶段的资助（“十四五”期间逐步减少，2025年以前全面取消）",
                           "grant-stage subsidies (phased out, abolished before 2025)"),
    "pct_filings": ("专利申请阶段的资助（2021年6月底前全面取消）", "application-stage subsidies (abolished by the end of June 2021)"),
}
NOTICE = ("国家知识产权局《关于进一步严格规范专利申请行为的通知》（2021）",
          "CNIPA Notice on Further Strictly Regulating Patent Application Conduct (2021)")


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    measure: Measure
    per_item_yuan: Decimal = Field(gt=0, decimal_places=2)
    title: Text


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start: dt.date
    end: dt.date


class Revision(BaseModel):
    """A programme's revision: its number, the day it took effect — the day the programme declares, the bureau's
    adoption, never the day the file was written — and what it changed."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: int = Field(ge=1)
    since: dt.date
    note: Text


class EarlierRevision(BaseModel):
    """A revision the programme was at before its current one: its number, the day it took effect (the first's may go
    unsaid: it is the programme's beginning) and the measures it counted — by name, a withdrawn one too (they are
    not counted again: they tell which version an application made before revisions were recorded counted)."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: int = Field(ge=1)
    since: dt.date | None = None
    measures: tuple[str, ...] = Field(min_length=1)


class Programme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^SUB-[0-9]{4}-[0-9]{2}$")
    title: Text
    #: the programme's current revision (None: the first, never revised); an application records the one it was
    #: assessed under (:func:`assessed_under`)
    revision: Revision | None = None
    #: the revisions before the current one, oldest first (:func:`revision_in_force`): with every one declared the
    #: version an application made before revisions were recorded was assessed under is told (:func:`assessed_under`)
    earlier_revisions: tuple[EarlierRevision, ...] = ()
    basis: str
    region: str
    counted_on: dt.date
    period: Period
    budget_yuan: Decimal = Field(gt=0, decimal_places=2)
    cap_per_applicant_yuan: Decimal = Field(gt=0, decimal_places=2)
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _history_in_order(self) -> Programme:
        """Earlier revisions numbered below the current one, each taking effect after the one before it and before
        the current one."""
        current = self.revision.number if self.revision is not None else 1
        days = [r.since for r in self.earlier_revisions] + [self.revision.since if self.revision is not None else None]
        numbers = [r.number for r in self.earlier_revisions] + [current]
        if numbers != sorted(set(numbers)):
            raise ValueError(f"revisions must be numbered in increasing order below the current one: {numbers}")
        known = [d for d in days if d is not None]
        if known != sorted(set(known)) or any(d is None for d in days[1:]):
            raise ValueError("each revision after the first takes effect on its own day, after the one before it")
        return self


@cache
def programmes() -> dict[str, Programme]:
    """The programmes the platform ships (``programmes/*.yaml``), by code."""
    return load_programmes(files("zhichan.services") / "programmes")


def load_programmes(folder: Traversable) -> dict[str, Programme]:
    """The programmes declared in ``folder``'s YAML files, by code; a file that is invalid, declares a code twice or
    counts a measure the 2021 notice abolished (:func:`withdrawn`) stops the loading with a :class:`ConfigError`
    naming it."""
    found: dict[str, Programme] = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".yaml"):
            continue
        try:
            raw = yaml_safe_load(item.read_text("utf-8"))
            withdrawn(item.name, raw)
            p = Programme.model_validate(raw)
            normalize_region_code(p.region)
        except (ValidationError, TypeError, ValueError) as exc:
            raise ConfigError(f"资助项目声明无效：{item.name}：{exc} / invalid programme {item.name}: {exc}") from None
        if p.code in found:
            raise ConfigError(f"资助项目 {p.code} 声明了两次 / programme {p.code} declared twice")
        found[p.code] = p
    return found


def withdrawn(file_name: str, raw: Any) -> None:
    """Refuse a programme declaring a measure the 2021 notice abolished (:data:`WITHDRAWN_MEASURES`)."""
    criteria = raw.get("criteria") if isinstance(raw, dict) else None
    for c in criteria if isinstance(criteria, list) else ():
        measure = c.get("measure") if isinstance(c, dict) else None
        if isinstance(measure, str) and measure in WITHDRAWN_MEASURES:
            zh, en = WITHDRAWN_MEASURES[measure]
            notice_zh, notice_en = NOTICE
            raise ConfigError(f"资助项目声明无效：{file_name}：资助条件 {measure} 属于{zh}，已由{notice_zh}取消 / invalid "
                              f"programme {file_name}: criterion {measure} is one of the {en} the {notice_en} abolished")


def programme(code: str) -> Programme:
    try:
        return programmes()[code]
    except KeyError:
        raise NotFoundError(f"没有资助项目 {code} / no programme {code}") from None


# -- measures, eligibility, the budget ------------------------------------------------------------

def measures(snapshot: Snapshot, p: Programme, applicant: str) -> dict[str, int]:
    """The programme's corpus counts for ``applicant``: its valid high-value inventions (as first patentee) and the
    assignments and licences it granted in the period (as assignor or licensor; one to itself is none). Names compare
    as the first patentee's do (:func:`normalize_name`)."""
    key = normalize_name(applicant)
    high_value = _high_value_held(snapshot.path, p.counted_on).get(key, 0)
    out = _granted_out(snapshot.path, p.period.start, p.period.end).get(key, 0)
    return {"high_value_inventions": high_value, "assigned_or_licensed": out}


@lru_cache(maxsize=4)
def _high_value_held(snapshot: Path, counted_on: dt.date) -> dict[str, int]:
    """The valid high-value inventions on ``counted_on`` held by each first patentee (its key), in the snapshot at
    ``snapshot`` — one ``GROUP BY`` per snapshot and counting day, not the flags of every invention computed again for
    each application (~330 CPU-ms an application at 1M patents, benchmarks/subsidy_measures.py)."""
    from zhichan.indicators.high_value import high_value_flags_sql

    con = Snapshot(snapshot).reader()
    try:
        rows = con.execute(
            f"SELECT p.first_patentee_key, count(*) FROM patents AS p JOIN ({high_value_flags_sql(counted_on)}) AS hv "
            "USING (application_number) WHERE hv.is_high_value AND p.first_patentee_key IS NOT NULL GROUP BY 1").fetchall()
    finally:
        con.close()
    return {key: int(n) for key, n in rows}


@lru_cache(maxsize=8)
def _granted_out(snapshot: Path, start: dt.date, end: dt.date) -> dict[str, int]:
    """The assignments and licences granted in ``start``–``end`` by each assignor or licensor (its :func:`normalize_name`
    key; one to itself is none) in the snapshot at ``snapshot`` — folded once per snapshot and period, not again for
    each applicant of a round (a snapshot never changes: its folder is its identity). Events name parties as filed:
    each distinct pair is folded by the one key function, not by SQL of its own."""
    con = Snapshot(snapshot).reader()
    try:
        pairs = con.execute(
            "SELECT party_from, party_to, count(*) FROM events WHERE event_type IN (?, ?) AND event_date BETWEEN ? AND ? "
            "AND party_from IS NOT NULL GROUP BY party_from, party_to",
            [EventType.TRANSFER.value, EventType.LICENCE.value, start, end]).fetchall()
    finally:
        con.close()
    out: dict[str, int] = {}
    for source, target, n in pairs:
        key = normalize_name(source)
        if key != normalize_name(target or ""):
            out[key] = out.get(key, 0) + int(n)
    return out


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    measures: dict[str, int]
    amount: Decimal
    #: why, as :func:`zhichan.web.i18n.stored_message` entries (the application keeps them; pages show them
    #: in their language)
    reasons: tuple[dict[str, Any], ...]


def eligibility(p: Programme, *, counts: dict[str, int], region_code: str,
                listing_reason: dict[str, str] | None) -> Eligibility:
    """Whether an applicant with these counts, registered in ``region_code``, qualifies, for how much, and why
    (``listing_reason``: the credit listing that refuses it, per language)."""
    reasons: list[dict[str, Any]] = []
    ok = True
    if not region_code.startswith(region_prefix(p.region)):
        ok = False
        reasons.append(stored_message("services.reason.outside_area", region=region_code, area=p.region))
    if listing_reason:
        ok = False
        reasons.append(stored_message("services.reason.listed", listing=listing_reason))
    total = Decimal("0.00")
    for c in p.criteria:
        n = counts.get(c.measure, 0)
        part = (c.per_item_yuan * n).quantize(CENT)
        total += part
        reasons.append(stored_message("services.reason.criterion", criterion={"zh": c.title.zh, "en": c.title.en}, n=n,
                                      per_item=grouped_amount(c.per_item_yuan), part=grouped_amount(part)))
    if total == 0:
        ok = False
        reasons.append(stored_message("services.reason.no_criterion"))
    if total > p.cap_per_applicant_yuan:
        reasons.append(stored_message("services.reason.capped", total=grouped_amount(total),
                                      cap=grouped_amount(p.cap_per_applicant_yuan)))
        total = p.cap_per_applicant_yuan
    return Eligibility(ok, counts, total if ok else Decimal("0.00"), tuple(reasons))


@dataclass(frozen=True)
class Allotment:
    key: Any
    requested: Decimal
    awarded: Decimal
    reason: dict[str, Any]  # a stored_message


def allocate_budget(budget: Decimal, requests: list[tuple[Any, Decimal]]) -> list[Allotment]:
    """Pay ``requests`` in order: in full while the budget lasts, the remainder to the first that does not
    fit, nothing after. The awards never sum past the budget."""
    remaining = budget
    out = []
    for key, amount in requests:
        if amount <= remaining:
            awarded, reason = amount, stored_message("services.reason.paid_in_full", amount=grouped_amount(amount))
        elif remaining > 0:
            awarded = remaining
            reason = stored_message("services.reason.partly_paid", remaining=grouped_amount(remaining),
                                    amount=grouped_amount(amount))
        else:
            awarded, reason = Decimal("0.00"), stored_message("services.reason.budget_spent", budget=grouped_amount(budget))
        remaining -= awarded
        out.append(Allotment(key, amount, awarded, reason))
    assert sum((a.awarded for a in out), Decimal(0)) <= budget
    return out


# -- applications --------------------------------------------------------------------------------

def apply(session: Session, scope: Scope, snapshot: Snapshot | None, code: str, *,
          now: dt.datetime | None = None, declared: dict[str, Programme] | None = None) -> SubsidyApplication:
    """An enterprise applies; the result (eligible or not, with reasons) is kept either way."""
    scope.require_roles(Role.ENTERPRISE_USER)
    p = (declared or programmes()).get(code) or programme(code)
    org = session.get(Organization, scope.org_id)
    if org is None or org.kind != OrgKind.ENTERPRISE:
        raise PermissionDenied("只有企业账号可以申请资助 / only an enterprise applies")
    if snapshot is None:
        raise FormError({"programme": "语料库尚未载入，暂不能计算资助条件 / the corpus is not loaded yet"})
    refused = apply_refusal(session, p, org)
    if refused is not None:
        raise FormError({"programme": REFUSALS[refused]})
    key = normalize_name(org.name)
    now = now or utcnow()
    row = SubsidyApplication(programme=code, applicant=org.name, applicant_key=key, org_id=org.id, org_path=org.path,
                             region_code=org.region_code, user_id=scope.user_id, applied_at=now)
    _assess(session, snapshot, p, row, org, now)
    session.add(row)
    session.flush()
    return row


#: why an enterprise may not apply to a programme — the page says it where the button was, :func:`apply` refuses with it
REFUSALS = {
    # nothing is allotted after the round: no application is taken
    "closed": "本项目资助评审已结束，不再受理申请 / this programme's round is concluded: it takes no more applications",
    "applied": "已申请过本项目 / already applied to this programme",
    # an enterprise registered outside the programme's area is never eligible (it was kept, assessed ineligible)
    "outside_area": "本项目只受理登记在其地区的企业的申请 / this programme takes applications only from enterprises "
                    "registered in its area",
}


def own_application(session: Session, p: Programme, org: Organization) -> SubsidyApplication | None:
    """``org``'s application to ``p`` (one per applicant: its organization's, or one under its name)."""
    return session.scalars(select(SubsidyApplication).where(
        SubsidyApplication.programme == p.code,
        (SubsidyApplication.org_id == org.id) | (SubsidyApplication.applicant_key == normalize_name(org.name)))
        .order_by(SubsidyApplication.id).limit(1)).first()


def apply_refusal(session: Session, p: Programme, org: Organization) -> str | None:
    """Why ``org`` may not apply to ``p`` now (a key of :data:`REFUSALS`), None where it may: one rule for the page's
    button and :func:`apply`."""
    if own_application(session, p, org) is not None:
        return "applied"
    if round_state(session, p.code) == "concluded":
        return "closed"
    if not org.region_code.startswith(region_prefix(p.region)):
        return "outside_area"
    return None


def _assess(session: Session, snapshot: Snapshot, p: Programme, row: SubsidyApplication, org: Organization,
            now: dt.datetime, *, field: str = "programme") -> None:
    """Assess ``row`` under ``p``'s current revision: its counts, eligibility, amount and reasons. Only once that
    revision is in force: before its day the terms it declares were not the programme's, and an assessment made then
    under them would name a version it was not made under (FormError beside ``field``)."""
    if p.revision is not None and china_date(now) < p.revision.since:
        raise FormError({field: f"本项目现行第 {p.revision.number} 版自 {p.revision.since} 起施行，此前不能按其评定 / "
                                f"revision {p.revision.number} of the programme is in force from {p.revision.since}: "
                                "nothing is assessed under it before"})
    listing = active_listing(session, on=china_date(now), name=org.name)
    result = eligibility(p, counts=measures(snapshot, p, org.name), region_code=org.region_code,
                         listing_reason={lang: listing.reason_in(lang) for lang in ("zh", "en")} if listing else None)
    row.eligible, row.requested_yuan = result.eligible, result.amount
    row.measures = json.dumps(result.measures, ensure_ascii=False)
    row.reasons = json.dumps(result.reasons, ensure_ascii=False)
    row.programme_revision = revision_number(p)


def revision_number(p: Programme) -> int:
    return p.revision.number if p.revision is not None else 1


def revision_in_force(p: Programme, day: dt.date) -> int | None:
    """The number of ``p``'s revision in force on ``day``, told from the revisions it declares; None where its history
    is incomplete (a revision between the first and the current one not declared) or ``day`` is before the first."""
    if p.revision is None:
        return 1
    if day >= p.revision.since:
        return p.revision.number
    numbers = [r.number for r in p.earlier_revisions]
    if numbers != list(range(1, p.revision.number)):
        return None  # a revision missing: nothing is told by the date
    for r in reversed(p.earlier_revisions):
        if r.since is None or day >= r.since:
            return r.number
    return None


def revision_measures(p: Programme, number: int) -> frozenset[str] | None:
    """The measures revision ``number`` of ``p`` counted (the current one's criteria; an earlier one's as declared)."""
    if number == revision_number(p):
        return frozenset(c.measure for c in p.criteria)
    return next((frozenset(r.measures) for r in p.earlier_revisions if r.number == number), None)


@dataclass(frozen=True)
class AssessedUnder:
    """The programme version an application was assessed under: its revision (None where the application predates
    recorded revisions and the programme's history does not tell it), whether that was told from the history rather
    than recorded (``inferred``), whether it is not the current one (``earlier``), and whether the application is
    still to be decided — the programme's round not allotted yet, or its objection to being left off (line 0)
    pending — so that it must be assessed anew before it is (``stale``, :func:`stale_applications`)."""
    revision: int | None
    current: int
    earlier: bool
    stale: bool
    inferred: bool = False


def assessed_under(p: Programme, row: SubsidyApplication, *, stale: bool = False) -> AssessedUnder:
    """Which version of ``p`` ``row`` was assessed under. One made before revisions were recorded is told by the
    revision in force on its day (:func:`revision_in_force`) where the programme declares its whole history and that
    revision counted the measures the application did; otherwise it stays unrecorded, and counts as an earlier
    version where its measures are not the ones the programme counts now (the example counted granted inventions and
    PCT filings until the 2021 notice's measures were withdrawn). ``stale``: it is among :func:`stale_applications`."""
    current = revision_number(p)
    if row.programme_revision is not None:
        return AssessedUnder(row.programme_revision, current, row.programme_revision != current, stale)
    counted = frozenset(json.loads(row.measures))
    told = revision_in_force(p, china_date(row.applied_at))
    if told is not None and revision_measures(p, told) == counted:
        return AssessedUnder(told, current, told != current, stale, inferred=True)
    return AssessedUnder(None, current, counted != revision_measures(p, current), stale)


def _terms(p: Programme, row: SubsidyApplication) -> int | frozenset[str]:
    """The terms ``row`` was assessed under: its revision where recorded or told, else the measures it counted."""
    under = assessed_under(p, row)
    return under.revision if under.revision is not None else frozenset(json.loads(row.measures))


def round_terms(session: Session, p: Programme) -> int | frozenset[str]:
    """The terms ``p``'s allotted round runs under — those of the applications it allotted (the allot step takes none
    assessed under an earlier version, so they are alike): the current revision before a round is allotted, and for a
    round that allotted nobody. A line added by an upheld objection (line 0) is not the allotment's."""
    added = select(SubsidyObjection.application_id).where(SubsidyObjection.programme == p.code,
                                                          SubsidyObjection.application_id.is_not(None))
    first = session.scalar(select(SubsidyApplication).join(SubsidyAward, SubsidyAward.application_id == SubsidyApplication.id)
                           .where(SubsidyAward.programme == p.code, SubsidyApplication.id.not_in(added))
                           .order_by(SubsidyAward.seq).limit(1))
    return _terms(p, first) if first is not None else revision_number(p)


def outside_terms(p: Programme, row: SubsidyApplication, terms: int | frozenset[str]) -> str | None:
    """Why ``row`` cannot be decided in a round run under ``terms`` (None: it can) — the one rule of the allot step
    and of upholding an objection to being left off: an application is decided on only as assessed under the terms
    the round runs under, assessed anew under them first where they are the current revision."""
    if _terms(p, row) == terms:
        return None
    current = revision_number(p)
    if terms == current:
        return (f"该申请按本项目此前版本评定，须先按现行第 {current} 版重新评定 / the application was assessed under an "
                f"earlier version of the programme: assess it anew under revision {current} first")
    name_zh = f"第 {terms} 版" if isinstance(terms, int) else "未记录的版本"
    name_en = f"revision {terms}" if isinstance(terms, int) else "an unrecorded version"
    return (f"本轮按本项目{name_zh}评审，该申请按其他版本评定，平台不能按{name_zh}重新评定 / the round runs under "
            f"{name_en} of the programme, the application was assessed under another, and nothing is assessed under "
            f"{name_en} any more")


def stale_applications(session: Session, p: Programme) -> list[SubsidyApplication]:
    """The programme's applications still to be decided that are assessed under another version than the round's and
    can be assessed anew under it (:func:`outside_terms`): before the round is allotted every application against the
    current revision; once it is, those whose objection to being left off (line 0) is pending, where the round runs
    under the current revision. Every other application keeps its result: the round decided on it."""
    allotted = session.scalar(select(SubsidyAward.id).where(SubsidyAward.programme == p.code).limit(1)) is not None
    query = select(SubsidyApplication).where(SubsidyApplication.programme == p.code)
    if allotted:
        if round_terms(session, p) != revision_number(p):
            return []
        query = query.where(SubsidyApplication.id.in_(select(SubsidyObjection.application_id).where(
            SubsidyObjection.programme == p.code, SubsidyObjection.status == "pending")))
    rows = session.scalars(query.order_by(SubsidyApplication.applied_at, SubsidyApplication.id)).all()
    return [r for r in rows if outside_terms(p, r, revision_number(p)) is not None]


def reassess(session: Session, scope: Scope, snapshot: Snapshot | None, code: str, *, now: dt.datetime | None = None,
             ip: str = "", declared: dict[str, Programme] | None = None) -> int:
    """The officers who decide the programme's round assess its open applications made under an earlier version of it
    anew, under the current one; each replaced assessment (revision, counts, amount, reasons, eligibility) is kept
    in the application's history, never rewritten, and the re-assessment is audited. Once the round is allotted every
    application keeps its assessment — the round decided on it — but one whose objection to being left off (line 0) is
    pending, in a round run under the current revision (:func:`stale_applications`). Not before the current revision's
    day (FormError beside ``reassess``). The number re-assessed."""
    p = (declared or programmes()).get(code) or programme(code)
    scope.require_roles(*objections.DECIDING_ROLES)
    if not objections.decides(scope, p.region):
        raise NotFoundError(f"没有资助项目 {code} / no programme {code}")
    if snapshot is None:
        raise FormError({"reassess": "语料库尚未载入，暂不能计算资助条件 / the corpus is not loaded yet"})
    now = now or utcnow()
    rows = stale_applications(session, p)
    for row in rows:
        org = session.get(Organization, row.org_id)
        assert org is not None
        history = json.loads(row.previous_assessments or "[]")
        history.append({"revision": row.programme_revision, "eligible": row.eligible,
                        "requested_yuan": str(row.requested_yuan), "measures": json.loads(row.measures),
                        "reasons": json.loads(row.reasons), "replaced_at": now.isoformat(), "by": scope.username})
        row.previous_assessments = json.dumps(history, ensure_ascii=False)
        _assess(session, snapshot, p, row, org, now, field="reassess")
        audit.record(session, scope, "services.subsidy_reassess", f"{code}/{row.id}", ip=ip,
                     detail={"revision": row.programme_revision, "before": history[-1]["requested_yuan"],
                             "after": str(row.requested_yuan)})
    session.flush()
    return len(rows)


def round_state(session: Session, code: str) -> str | None:
    """The state of the programme's allotted round (``published``, ``concluded`` …), ``None`` before one is allotted.
    An application made once it is concluded would never be allotted (a programme is allotted once): it is refused,
    and the page offers none; one made while the results are published may still object as line 0."""
    from zhichan.procedures.models import Case

    return session.scalar(select(Case.state).join(SubsidyAward, SubsidyAward.round_case_id == Case.id)
                          .where(SubsidyAward.programme == code).limit(1))


def _round_programme(step: StepTaken, declared: dict[str, Programme]) -> Programme:
    found = declared.get(str(step.case_fields.get("programme", "")))
    if found is None:
        raise FormError({"programme": f"没有资助项目 {step.case_fields.get('programme')} / no such programme"})
    return found


def make_round_hook(declared: Any = programmes) -> Any:
    """The step hook of ``services.subsidy_round`` (``declared()``: the programmes by code)."""

    def hook(session: Session, scope: Scope, step: StepTaken) -> None:
        p = _round_programme(step, declared())
        if step.event == "start":
            if not normalize_region_code(p.region).startswith(region_prefix(step.region_code)):
                raise FormError({"programme": "该项目不在本机构辖区 / the programme is outside your area"})
            if session.scalar(select(SubsidyAward.id).where(SubsidyAward.programme == p.code)):
                raise FormError({"programme": "该项目已评审 / the programme was already allotted"})
        elif step.event == "allot":
            stale = stale_applications(session, p)
            if stale:  # an assessment under terms no longer in force is never allotted silently
                raise FormError({"programme": f"有 {len(stale)} 件申请按本项目此前版本评定，须先按现行第 "
                                              f"{revision_number(p)} 版重新评定 / {len(stale)} application(s) were "
                                              f"assessed under an earlier version of the programme: assess them anew "
                                              f"under revision {revision_number(p)} first"})
            apps = session.scalars(select(SubsidyApplication).where(
                SubsidyApplication.programme == p.code, SubsidyApplication.eligible.is_(True))
                .order_by(SubsidyApplication.applied_at, SubsidyApplication.id)).all()
            for seq, a in enumerate(allocate_budget(p.budget_yuan, [(x.id, x.requested_yuan) for x in apps]), 1):
                session.add(SubsidyAward(round_case_id=step.case_id, application_id=a.key, programme=p.code, seq=seq,
                                         requested_yuan=a.requested, awarded_yuan=a.awarded, reason=json.dumps([a.reason], ensure_ascii=False)))
            session.flush()
        elif step.event == "cancel":
            session.execute(delete(SubsidyAward).where(SubsidyAward.round_case_id == step.case_id))
        elif step.event == "conclude":
            due = session.scalar(select(CaseClock.due_on).where(CaseClock.case_id == step.case_id,
                                                                CaseClock.name == "objection",
                                                                CaseClock.due_problem.is_(None)))  # exact only
            if due is None or china_date(step.now) <= due:
                raise FormError({"_clock": f"公示期至 {due} 届满后方可结束 / the objection period runs to {due}"})
            waiting = objections.pending(session, step.case_id)
            if waiting:
                raise FormError({"_clock": f"尚有 {waiting} 件异议未处理 / {waiting} objection(s) still to decide"})

    return hook


def disburse(session: Session, scope: Scope, award_id: int, paid_on: str, voucher: str) -> SubsidyAward:
    """Record a payment of an award of a concluded round (officers of the round's area)."""
    from zhichan.procedures.models import Case

    scope.require_roles(*objections.DECIDING_ROLES)
    award = session.get(SubsidyAward, award_id)
    case = session.get(Case, award.round_case_id) if award else None
    if award is None or case is None or not scope.covers_org_path(case.org_path):
        raise NotFoundError("没有该资助记录 / no such award")
    errors: dict[str, str] = {}
    try:
        day = dt.date.fromisoformat(paid_on.strip())
        if day > china_today():
            errors["paid_on"] = "拨付日期不能晚于今天 / the payment day cannot be in the future"
    except ValueError:
        errors["paid_on"] = "拨付日期应为 YYYY-MM-DD / a YYYY-MM-DD date"
    if not voucher.strip() or len(voucher.strip()) > 100:
        errors["voucher"] = "请填写拨付凭证号（100 字以内） / give the payment voucher (up to 100 characters)"
    if case.state != "concluded":
        errors["_state"] = "公示结束后方可拨付 / pay after the objection period is concluded"
    if award.awarded_yuan <= 0:
        errors["_state"] = "未获资助，无需拨付 / nothing was awarded"
    if award.disbursed_on is not None:
        errors["_state"] = f"已于 {award.disbursed_on} 拨付 / already paid"
    if errors:
        raise FormError(errors)
    award.disbursed_on, award.voucher, award.disbursed_by = day, voucher.strip(), scope.username
    session.flush()
    return award


def results_view(session: Session, scope: Scope, code: str, lang: str, *,
                 declared: dict[str, Programme] | None = None) -> dict[str, Any]:
    """The programme; its published results (public); for officers of its area the applications and awards,
    for an enterprise its own application."""
    from zhichan.procedures.models import Case

    p = (declared or programmes()).get(code) or programme(code)
    awards = session.execute(select(SubsidyAward, SubsidyApplication, Case).join(
        SubsidyApplication, SubsidyApplication.id == SubsidyAward.application_id).join(
        Case, Case.id == SubsidyAward.round_case_id).where(SubsidyAward.programme == code)
        .order_by(SubsidyAward.seq)).all()
    round_case = awards[0][2] if awards else None
    objection_until = None
    if round_case is not None:
        objection_until = session.scalar(select(CaseClock.due_on).where(CaseClock.case_id == round_case.id,
                                                                        CaseClock.name == "objection",
                                                                        CaseClock.due_problem.is_(None)))
    # the officers who decide, above the programme's area or within it (a district's its own enterprises'
    # applications); the area's other staff see what the public does (least disclosure, :func:`objections.decides`)
    officer = objections.decides(scope, p.region)
    objected = objections.by_award(session, code, officer=bool(officer))
    # applicants as organizations: their English names on English pages where they have one (``org_name``)
    names_en = english_names(session, [RowName(app.applicant) for _, app, _ in awards])
    published = [{"seq": a.seq, "applicant": app.applicant, "applicant_en": names_en.get(RowName(app.applicant)),
                  "requested": a.requested_yuan, "awarded": a.awarded_yuan,
                  "reason": stored_text(a.reason, lang), "id": a.id, "disbursed_on": a.disbursed_on, "voucher": a.voucher,
                  "case_state": case.state, "case_id": case.id, "objections": objected.get(a.id, [])}
                 for a, app, case in awards if case.state in ("published", "concluded")]
    applications: list[dict[str, Any]] = []
    stale = 0
    if scope.is_authenticated:
        to_reassess = {r.id for r in stale_applications(session, p)}
        rows = session.scalars(select(SubsidyApplication).where(SubsidyApplication.programme == code)
                               .order_by(SubsidyApplication.applied_at, SubsidyApplication.id)).all()
        names_en |= english_names(session, [RowName(r.applicant) for r in rows])
        for r in rows:
            own = scope.role == Role.ENTERPRISE_USER and r.org_id == scope.org_id
            if (officer and scope.covers_org_path(r.org_path)) or own:
                under = assessed_under(p, r, stale=r.id in to_reassess)
                stale += under.stale
                applications.append({"id": r.id, "applicant": r.applicant, "applicant_en": names_en.get(RowName(r.applicant)), "eligible": r.eligible, "requested": r.requested_yuan,
                                     "measures": json.loads(r.measures), "reasons": [stored_text(x, lang) for x in json.loads(r.reasons)],
                                     "applied_at": r.applied_at, "revision": under.revision, "inferred": under.inferred,
                                     "earlier": under.earlier,
                                     "stale": under.stale,
                                     "previous": [{"revision": h["revision"], "eligible": h["eligible"],
                                                   "requested": Decimal(h["requested_yuan"]),
                                                   "reasons": [stored_text(x, lang) for x in h["reasons"]],
                                                   "replaced_at": dt.datetime.fromisoformat(h["replaced_at"])}
                                                  for h in json.loads(r.previous_assessments or "[]")]})
    spent = sum((a.awarded_yuan for a, _, case in awards if case.state in ("published", "concluded")), Decimal("0.00"))
    open_for_objections = (round_case is not None and round_case.state == "published" and objection_until is not None
                           and china_today() <= objection_until)
    return {"programme": p, "title": p.title.zh if lang != "en" else p.title.en, "published": published,
            "revision": revision_number(p), "stale": stale, "may_reassess": officer and stale > 0,
            "awarded_total": spent, "objection_until": objection_until,
            "budget_left": p.budget_yuan - spent if published else None,
            "may_object": scope.is_authenticated and open_for_objections and not objections.oversees(scope, p.region),
            "own_unlisted": open_for_objections and objections.unlisted_application(session, scope, code) is not None,
            "unlisted_objections": objected.get(None, []),
            "round_state": round_case.state if round_case is not None else None,
            "applications": applications, "officer": bool(officer),
            **_applicant_view(session, scope, p, round_case.state if round_case is not None else None, awards,
                              open_for_objections),
            "may_disburse": officer}


def _applicant_view(session: Session, scope: Scope, p: Programme, state: str | None,
                    awards: Any, open_for_objections: bool) -> dict[str, Any]:
    """For an enterprise: whether it may apply (``may_apply``), else why not (``refused``: a key of
    :data:`REFUSALS`), and its own application with where it stands (``own``): assessed and awaiting the round, allotted
    and awaiting publication, its line of the published result and its payment, or left off the list."""
    org = session.get(Organization, scope.org_id) if scope.role == Role.ENTERPRISE_USER and scope.org_id else None
    if org is None or org.kind != OrgKind.ENTERPRISE:
        return {"may_apply": False, "refused": None, "own": None}
    refused = apply_refusal(session, p, org)
    row = own_application(session, p, org)
    own = None
    if row is not None:
        # its line only once the result is public (an allotment awaiting publication may still change)
        award = next((a for a, app, _ in awards if app.id == row.id and state in ("published", "concluded")), None)
        if state is None:
            standing = "eligible" if row.eligible else "ineligible"
        elif state in ("filed", "allotted"):
            standing = "allotted"
        elif state == "cancelled":
            standing = "cancelled"
        elif award is None:
            standing = "unlisted"
        elif award.disbursed_on is not None:
            standing = "paid"
        else:
            standing = "listed"
        own = {"id": row.id, "applied_at": row.applied_at, "eligible": row.eligible, "requested": row.requested_yuan,
               "standing": standing, "award_id": award.id if award is not None else None,
               "seq": award.seq if award is not None else None,
               "awarded": award.awarded_yuan if award is not None else None,
               "paid_on": award.disbursed_on if award is not None else None,
               "may_object": standing == "unlisted" and open_for_objections}
    return {"may_apply": refused is None, "refused": refused, "own": own}
