"""The credit list's rules. :func:`active_listing` is the one check every other module calls.

Under 国家知识产权局知识产权信用管理规定 (2022) the measures against a listed subject last one year
from the listing; the subject may ask for credit repair after six months. Both are the listing procedure's declared
terms (``term`` and ``repair_wait`` in definitions/credit.listing.yaml, a bureau's overlay may change them), computed
by :mod:`zhichan.legaltime` — the one definition of both days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.validate import FieldError, normalize_uscc
from zhichan.credit.models import CreditListing
from zhichan.errors import FormError
from zhichan.legaltime import Clock, china_date, first_day_after, moment_on, utcnow
from zhichan.platform.inlists import rows_in, scalars_in
from zhichan.platform.models import Organization, Role
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import Scope

if TYPE_CHECKING:
    from zhichan.procedures.declaration import Declaration, ProcedureRegistry
    from zhichan.procedures.service import ProcedureService, StepTaken

#: the listing grounds of the 2022 rules (第六条), as codes; their labels are ``credit.ground.<code>`` in the
#: catalogues (:func:`ground_label`), the Chinese ones also the listing declaration's choices
GROUNDS = ("abnormal_filing", "malicious_trademark", "unlicensed_agency", "false_material", "repeat_infringement",
           "refused_decision", "other")
#: the listing procedure's declared terms, both started by the decision: the measures' term, and the wait before
#: credit repair may be asked for
TERM = "term"
REPAIR_WAIT = "repair_wait"


@dataclass(frozen=True)
class Listing:
    """A listing in force: what a refusal shows ("列入严重违法失信名单（决定书 …，至 …）")."""

    id: int
    subject: str
    ground: str
    decision_number: str
    listed_from: dt.date
    listed_until: dt.date

    @property
    def reason(self) -> str:
        return f"{self.reason_in('zh')} / {self.reason_in('en')}"

    def reason_in(self, lang: str) -> str:
        """The refusal's text in one language (what a row keeps to show it in the page's language)."""
        ground = ground_label(lang, self.ground)
        if lang == "en":
            return (f"{self.subject} is on the IP credit list ({ground}; {self.decision_number}, "
                    f"{self.listed_from} to {self.listed_until})")
        return (f"{self.subject} 被列入知识产权领域严重违法失信名单（{ground}；{self.decision_number}，"
                f"{self.listed_from.isoformat()} 至 {self.listed_until.isoformat()}）")


def ground_label(lang: str, ground: str) -> str:
    """A listing ground's label in ``lang`` (an unknown code reads as "other")."""
    from zhichan.web.i18n import translate

    return translate(lang, f"credit.ground.{ground if ground in GROUNDS else 'other'}")


@lru_cache(maxsize=4)
@lru_cache(maxsize=4)
def _registry(folder: Path | None) -> ProcedureRegistry:
    """The declarations with a bureau's folder ``folder``, read once per process and folder — as the app reads its
    engine's at start (reading them costs ~30 ms, and a page of listings asks for each row's)."""
    from zhichan.procedures.declaration import ProcedureRegistry

    return ProcedureRegistry.load(folder)


def declared_listing(region_code: str | None) -> Declaration:
    """The listing declaration a decision in ``region_code`` is taken under now — the shipped one, or a bureau's
    overlay in ``ZHICHAN_PROCEDURE_DIR`` (as the engine chooses it for a case opened there)."""
    from zhichan.settings import get_settings

    return _registry(get_settings().procedure_dir).for_region(PROCEDURE, region_code)


def term_last_day(decl: Declaration, clock: str, listed_from: dt.date) -> dt.date:
    """The last day of the declared term ``clock`` (:data:`TERM`, :data:`REPAIR_WAIT`) started by a decision on
    ``listed_from``, as the engine computes it for the case: a term to wait out (民法典 第二百零一条: counted from the
    next day, ending on the corresponding day, not moved off a rest day)."""
    spec = decl.clocks[clock]
    # noon China time: the moment's day is the decision day, whatever the hour the engine recorded
    day = Clock(spec.amount, spec.unit, moment_on(listed_from, 12), term=True).due()
    assert day is not None  # a term neither pauses nor waits for a holiday schedule beyond its unit's
    return day


def measures_end(listed_from: dt.date, decl: Declaration) -> dt.date:
    """The last day the measures apply — ``decl``'s :data:`TERM` from the listing (one year, shipped: listed on
    2 March 2026, until 2 March 2027)."""
    return term_last_day(decl, TERM, listed_from)


def repair_allowed_from(listed_from: dt.date, decl: Declaration) -> dt.date:
    """The first day credit repair may be asked for: the day after ``decl``'s :data:`REPAIR_WAIT` has run (six months,
    shipped: listed on 14 October, from 15 April) — when the listing case's ``repair_wait`` clock has lapsed."""
    return first_day_after(term_last_day(decl, REPAIR_WAIT, listed_from))


def repair_days(session: Session, rows: list[CreditListing]) -> dict[int, dt.date]:
    """Each listing's first day of credit repair (listing id → day): the day after its case's ``repair_wait`` clock
    ran out; for a listing without one (decided under the first declaration, or entered without a procedure) the
    day the declaration of its area now gives for its listing day."""
    from zhichan.procedures.models import CaseClock

    clocked = {case_id: due for case_id, due in rows_in(session, select(CaseClock.case_id, CaseClock.due_on).where(
        CaseClock.name == REPAIR_WAIT, CaseClock.due_problem.is_(None)), [r.case_id for r in rows], CaseClock.case_id)
        if due is not None}  # an exact last day only
    declared = {region: declared_listing(region) for region in {r.region_code for r in rows if r.case_id not in clocked}}
    return {r.id: first_day_after(clocked[r.case_id]) if r.case_id in clocked
            else repair_allowed_from(r.listed_from, declared[r.region_code]) for r in rows}


def active_listing(session: Session, *, on: dt.date, name: str | None = None,
                   credit_code: str | None = None) -> Listing | None:
    """The listing in force on ``on`` for a subject named ``name`` (any spelling normalize_name folds
    together) or with 统一社会信用代码 ``credit_code``; ``None`` when the subject is not listed."""
    conditions = []
    if name and name.strip():
        conditions.append(CreditListing.subject_key == normalize_name(name))
    if credit_code and credit_code.strip():
        conditions.append(CreditListing.credit_code == credit_code.strip().upper())
    if not conditions:
        return None
    row = session.scalars(
        select(CreditListing)
        .where(or_(*conditions), CreditListing.listed_from <= on, CreditListing.listed_until >= on,
               or_(CreditListing.repaired_on.is_(None), CreditListing.repaired_on > on))
        .order_by(CreditListing.listed_until.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return Listing(row.id, row.subject, row.ground, row.decision_number, row.listed_from, row.listed_until)


def active_listings(session: Session, *, on: dt.date,
                    subjects: list[tuple[str | None, str | None]]) -> list[Listing | None]:
    """:func:`active_listing` for many subjects at once (``(name, credit_code)`` each, answers in the
    same order) in a few queries — for lists such as every agency's credit file."""
    keys = {normalize_name(n) for n, _ in subjects if n and n.strip()}
    codes = {c.strip().upper() for _, c in subjects if c and c.strip()}
    rows: list[CreditListing] = [listing for column, values in ((CreditListing.subject_key, keys),
                                                                (CreditListing.credit_code, codes))
                                 for listing in scalars_in(session, select(CreditListing).where(_in_force(on)), values, column)]
    out: list[Listing | None] = []
    for name, code in subjects:
        key = normalize_name(name) if name and name.strip() else None
        upper = code.strip().upper() if code and code.strip() else None
        hits = [r for r in rows if (key is not None and r.subject_key == key) or (upper is not None and r.credit_code == upper)]
        best = max(hits, key=lambda r: r.listed_until, default=None)
        out.append(None if best is None else Listing(best.id, best.subject, best.ground, best.decision_number,
                                                     best.listed_from, best.listed_until))
    return out


def record_listing(session: Session, *, subject: str, ground: str, decision_number: str, listed_from: dt.date,
                   org_id: int, org_path: str, region_code: str, credit_code: str | None = None, facts: str = "",
                   case_id: int | None = None, published_on: dt.date | None = None,
                   listed_until: dt.date | None = None) -> CreditListing:
    """Enter a listing decision (the listing procedure's decision calls this, with the last day of its case's
    ``term`` clock; so do imports of decisions taken elsewhere and the demo data). ``listed_until``: the measures'
    last day; by default the :data:`TERM` the declaration of ``region_code`` gives."""
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = "请填写被列入主体 / name the subject"
    if ground not in GROUNDS:
        errors["ground"] = "请选择列入依据 / choose a listing ground"
    if not decision_number.strip():
        errors["decision_number"] = "请填写决定书文号 / give the decision's number"
    code: str | None = None
    if credit_code and credit_code.strip():
        try:
            code = normalize_uscc(credit_code)
        except FieldError as exc:
            errors["credit_code"] = str(exc)
    if errors:
        raise FormError(errors)
    row = CreditListing(subject=subject.strip(), subject_key=normalize_name(subject), credit_code=code, ground=ground,
                        facts=facts, decision_number=decision_number.strip(), listed_from=listed_from,
                        listed_until=listed_until or measures_end(listed_from, declared_listing(region_code)),
                        org_id=org_id, org_path=org_path,
                        region_code=region_code, case_id=case_id, published_on=published_on)
    session.add(row)
    session.flush()
    return row


# -- the listing procedure (definitions/credit.listing.yaml) -------------------------------------------

PROCEDURE = "credit.listing"
#: the states in which a listing row exists and the measures may be running
LISTED_STATES = ("decided", "listed", "repair_requested")


def ground_code(value: str) -> str | None:
    """A ground as the declaration's choice (its Chinese label) or as its code."""
    if value in GROUNDS:
        return value
    # the declaration's choices are the grounds' Chinese labels
    return next((code for code in GROUNDS if ground_label("zh", code) == value), None)


def listing_title(fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """A listing case's title in ``lang``: the subject, then the ground (``某公司 · 从事非正常专利申请行为`` / ``… · Abnormal
    patent applications``); the stored one stayed Chinese on English pages. A synthetic subject's mark is the page's
    badge (the stored title carries it)."""
    from zhichan.web.i18n import without_synthetic_mark

    typed = str(fields.get("subject") or "")
    subject = without_synthetic_mark(" ".join((names or {}).get(typed, typed).split()))[0]
    code = ground_code(str(fields.get("ground") or ""))
    if not subject or code is None:
        return None
    return f"{subject} · {ground_label(lang, code)}"


def listing_of_case(session: Session, case_id: int) -> CreditListing | None:
    return session.scalars(select(CreditListing).where(CreditListing.case_id == case_id)).first()


def listing_hook(session: Session, scope: Scope, step: StepTaken) -> None:
    """The credit list's rules on the steps of ``credit.listing`` (runs in the step's transaction):
    the subject becomes the case's party, the decision waits for the period for statements, the
    listing row is written with the decision — the measures until the last day of the case's declared ``term`` — and
    published with the publication step. Repair and expiry wait for the declared terms (the engine's ``lapsed``), in a
    case opened before they were declared for the days :func:`listing_holds` gives."""
    from zhichan.procedures.models import Case, CaseClock

    today = china_date(step.now)
    fields = step.case_fields
    if step.event == "start":
        errors: dict[str, str] = {}
        if ground_code(str(fields.get("ground", ""))) is None:
            errors["ground"] = "请选择列入依据 / choose a listing ground"
        code = str(fields.get("credit_code") or "").strip()
        if code:
            try:
                normalize_uscc(code)
            except FieldError as exc:
                errors["credit_code"] = str(exc)
        key = normalize_name(str(fields["subject"]))
        pending = session.execute(select(Case.number, Case.org_path).where(
            Case.procedure == PROCEDURE, Case.is_open.is_(True), Case.party_key == key, Case.id != step.case_id)
            .limit(1)).first()
        if pending:
            # the case number only within the officer's own area; another office's case is just mentioned
            number = pending.number if scope.covers_org_path(pending.org_path) else "（其他机关办理 / another office）"
            errors["subject"] = (f"该主体已有进行中的列入程序 {number} / a listing procedure for this subject is "
                                 f"already open: {number}")
        if errors:
            raise FormError(errors)
        # the subject follows its own case online (an enterprise or agency organization of this name)
        session.execute(update(Case).where(Case.id == step.case_id).values(party_key=key))
        return
    if step.event in ("decide", "statement"):
        due = session.scalar(select(CaseClock.due_on).where(CaseClock.case_id == step.case_id,
                                                            CaseClock.name == "statements",
                                                            CaseClock.due_problem.is_(None)))  # exact only
        if step.event == "statement":
            if due is not None and today > due:
                raise FormError({"statement": f"陈述申辩期已于 {due.isoformat()} 届满 / the period for statements "
                                              f"ended on {due}"})
            return
        if due is None or today <= due:
            until = due.isoformat() if due else "（待定 / not yet known）"
            after = first_day_after(due).isoformat() if due else "—"
            raise FormError({"_clock": f"陈述申辩期至 {until} 届满，{after} 起方可作出列入决定 / the period for "
                                       f"statements runs until {until}; the decision can be taken from {after}"})
        org = session.get(Organization, step.org_id)
        assert org is not None
        # the term the decision just started (a case opened under the first declaration has none: the declared one)
        until = session.scalar(select(CaseClock.due_on).where(CaseClock.case_id == step.case_id, CaseClock.name == TERM,
                                                              CaseClock.due_problem.is_(None)))
        record_listing(session, subject=str(fields["subject"]), ground=ground_code(str(fields["ground"])) or "other",
                       credit_code=str(fields.get("credit_code") or "") or None, facts=str(fields.get("facts", "")),
                       decision_number=str(step.fields["decision_number"]), listed_from=today, org_id=org.id,
                       org_path=org.path, region_code=org.region_code, case_id=step.case_id, listed_until=until)
        return
    listing = listing_of_case(session, step.case_id)
    if listing is None:
        return
    if step.event == "publish":
        listing.published_on = today
    elif step.event == "repair":
        listing.repaired_on = today


#: the steps that wait for the listing's terms
HELD = ("request_repair", "expire")


def listing_holds(session: Session, case_id: int, decl: Declaration) -> dict[str, dt.date]:
    """The first days of credit repair and removal in a listing case whose declaration does not hold them back
    itself — one opened under the first declaration, before the terms were declared (its page offered repair from the
    decision on and the hook then refused it): repair from the day the listing's repair day gives
    (:func:`repair_days`), removal from the day after the listing's last day. The engine offers and takes them from
    then (``ProcedureService.add_holds``): the case page, the to-do list and the step agree."""
    waits = {t.event: set(t.lapsed) for t in decl.transitions}
    unheld = [e for e, clock in zip(HELD, (REPAIR_WAIT, TERM), strict=True) if e in waits and clock not in waits[e]]
    listing = listing_of_case(session, case_id) if unheld else None
    if listing is None:
        return {}
    days = {"request_repair": repair_days(session, [listing])[listing.id], "expire": first_day_after(listing.listed_until)}
    return {e: days[e] for e in unheld}


def install(service: ProcedureService) -> None:
    """The credit list's rules on the engine: the listing hook, and the days of repair and removal in cases opened
    before their terms were declared."""
    service.add_hook(PROCEDURE, listing_hook)
    service.add_holds(PROCEDURE, HELD, listing_holds)


def system_scope(session: Session) -> Scope:
    """The platform itself acting (the expiry job): an administrator of the root organization."""
    root = session.scalar(select(Organization).where(Organization.parent_id.is_(None)).order_by(Organization.id))
    if root is None:
        raise LookupError("no organizations")
    return Scope(role=Role.SYSTEM_ADMIN, user_id=0, username="system", org_id=root.id, org_name=root.name,
                 org_path=root.path, region_code=root.region_code)


def expire_listings(session: Session, service: ProcedureService, *, now: dt.datetime | None = None) -> int:
    """End the cases whose one-year term is over (the day after ``listed_until``); returns how many. Each step at the
    moment the engine reads once it holds the case (``now`` given: that moment, and its day decides what is over)."""
    from zhichan.procedures.models import Case

    today = china_date(now or utcnow())
    due = session.execute(
        select(Case.id, Case.version).join(CreditListing, CreditListing.case_id == Case.id)
        .where(Case.procedure == PROCEDURE, Case.is_open.is_(True), Case.state.in_(LISTED_STATES),
               CreditListing.listed_until < today)
        .order_by(Case.id)
    ).all()
    if not due:
        return 0
    scope = system_scope(session)
    for case_id, version in due:
        service.act(session, scope, case_id, "expire", version=version, fields={}, now=now)
    return len(due)


def _in_force(on: dt.date) -> ColumnElement[bool]:
    return and_(CreditListing.listed_from <= on, CreditListing.listed_until >= on,
                or_(CreditListing.repaired_on.is_(None), CreditListing.repaired_on > on))


def public_listings(session: Session, *, on: dt.date, offset: int = 0, limit: int = 50) -> tuple[int, list[CreditListing]]:
    """The public list: published listings in force on ``on`` (expired and repaired ones are removed
    from it, as the rules require), newest first."""
    where = and_(CreditListing.published_on.is_not(None), CreditListing.published_on <= on, _in_force(on))
    total = int(session.scalar(select(func.count()).select_from(CreditListing).where(where)) or 0)
    rows = list(session.scalars(select(CreditListing).where(where)
                                .order_by(CreditListing.listed_from.desc(), CreditListing.id.desc())
                                .offset(offset).limit(limit)))
    return total, rows


def area_listings(session: Session, scope: Scope, *, offset: int = 0, limit: int = 50) -> tuple[int, list[CreditListing]]:
    """Every listing decided within the officer's area, in force or not."""
    scope.require_authenticated()
    if not scope.governance:
        from zhichan.errors import PermissionDenied

        raise PermissionDenied("仅限管理部门 / officers only")
    where = CreditListing.org_path.like(scope.org_path_like())
    total = int(session.scalar(select(func.count()).select_from(CreditListing).where(where)) or 0)
    rows = list(session.scalars(select(CreditListing).where(where)
                                .order_by(CreditListing.listed_from.desc(), CreditListing.id.desc())
                                .offset(offset).limit(limit)))
    return total, rows


def own_listings(session: Session, scope: Scope) -> list[CreditListing]:
    """The caller's own listings (an enterprise's or an agency's organization, by its name key)."""
    scope.require_authenticated()
    keys = {k for k in (scope.party_key, normalize_name(scope.org_name) if scope.org_name else None) if k}
    if scope.governance or not keys:
        return []
    return list(session.scalars(select(CreditListing).where(CreditListing.subject_key.in_(keys))
                                .order_by(CreditListing.listed_from.desc())))


def synthetic_listings(session: Session, rows: list[CreditListing]) -> set[int]:
    """The ids of the listings among ``rows`` whose case the demo generator made (shown with the synthetic badge)."""
    from zhichan.procedures.models import Case

    cases = {r.case_id: r.id for r in rows if r.case_id is not None}
    if not cases:
        return set()
    made = scalars_in(session, select(Case.id).where(Case.synthetic.is_(True)), cases, Case.id)
    return {cases[c] for c in made}


def subjects_en(session: Session, rows: list[CreditListing], synthetic: set[int]) -> dict[int, str]:
    """Listing id → its subject's English name, where known (:func:`zhichan.platform.orgs.english_names`): the
    platform's organization of that name, else in a synthetic listing (``synthetic``: their ids) the one the demo named
    (成都示例专利代理有限公司 → Chengdu Example Patent Agency Co., Ltd.)."""
    subjects = {r.id: RowName(r.subject, r.region_code, r.id in synthetic) for r in rows}
    named = english_names(session, subjects.values())
    return {i: named[subject] for i, subject in subjects.items() if subject in named}


def listing_json(row: CreditListing, on: dt.date, repair_from: dt.date, *, synthetic: bool = False,
                 subject_en: str | None = None) -> dict[str, Any]:
    """A listing as the pages and the API read it; ``repair_from``: its first day of credit repair (:func:`repair_days`);
    ``subject_en``: the subject's English name where known (:func:`subjects_en`)."""
    zh, en = ground_label("zh", row.ground), ground_label("en", row.ground)
    return {"id": row.id, "subject": row.subject, "subject_en": subject_en, "credit_code": row.credit_code,
            "ground": row.ground,
            "ground_zh": zh, "ground_en": en, "decision_number": row.decision_number, "listed_from": row.listed_from,
            "listed_until": row.listed_until, "repaired_on": row.repaired_on, "published_on": row.published_on,
            "repair_from": repair_from, "region_code": row.region_code,
            "in_force": row.listed_from <= on <= row.listed_until and (row.repaired_on is None or row.repaired_on > on),
            "case_id": row.case_id, "synthetic": synthetic}
