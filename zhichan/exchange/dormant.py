"""存量专利盘活 (国知发运字〔2024〕5号: 全面盘点、筛选入库、市场评价、分层推广) for universities and research
institutes.

* **The inventory (盘点)**: an institution's patents in force on a day that it holds then and that were
  never transferred or licensed up to it — the corpus's answer through :func:`zhichan.corpus.rights.rights_on`
  (in force, holders on the date, every recorded transfer and licence), not a second definition.
* **Self-grading and approval**: the inventor grades a patent (转化前景 高/中/低, application field,
  willingness, college, note) by starting a case of the declared procedure ``exchange.dormant``; the college
  (学院) reviews it and the university (学校) admits it to the 转化资源库. :func:`on_step` is its hook: the
  patent must be on the institution's inventory, and each level's decision is taken by another account
  than the one before (the grader, then the college's reviewer).
* **The 转化资源库**: approved patents not yet activated, which the matching ranks beside listings and open
  licences (:func:`pool`).
* **Progress per institution**: inventoried, graded, approved, listed, activated — activated meaning a
  transfer or licence recorded in the corpus after the inventory day, or a deal on the platform whose
  contract was signed (:func:`refresh_from_corpus`, :func:`mark_deal`); listed, a listing on the exchange
  (:func:`mark_listed`). These columns are what the figures count (``exchange/figures.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from zhichan.corpus.parties import INSTITUTIONS, party_type
from zhichan.corpus.rights import RightStatus, rights_on
from zhichan.corpus.store import Snapshot
from zhichan.errors import ConflictError, FormError, NotFoundError, PermissionDenied, ZhichanError
from zhichan.exchange.checks import FieldError, patent_number
from zhichan.exchange.models import DormantPatent
from zhichan.legaltime import china_date
from zhichan.platform import audit
from zhichan.platform.models import Organization, Role
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case
from zhichan.procedures.service import StepTaken

PROCEDURE = "exchange.dormant"
#: the party types the inventory is for (高等院校、科研机构), as the corpus records them
INSTITUTION_TYPES = INSTITUTIONS
STAGES = ("inventoried", "graded", "approved", "listed", "activated")


def institution_type(snapshot: Snapshot, party_key: str | None) -> str | None:
    """The party's type in the corpus (``university``, ``institute`` …), None when unknown."""
    return party_type(snapshot, party_key)


def dormant_on(snapshot: Snapshot, party_key: str, on: dt.date) -> list[RightStatus]:
    """The party's patents in force on ``on``, held by it then, never transferred or licensed up to it."""
    con = snapshot.reader()
    try:
        names = [r[0] for r in con.execute("SELECT name FROM parties WHERE party_key = ?", [party_key]).fetchall()]
        numbers = [r[0] for r in con.execute(
            "SELECT application_number FROM patents WHERE first_patentee_key = ? "
            "OR list_has_any(current_patentees, ?::VARCHAR[]) ORDER BY application_number",
            [party_key, names or [party_key]]).fetchall()]
    finally:
        con.close()
    statuses = rights_on(snapshot, numbers, on)
    return [s for n in numbers if (s := statuses[n]).in_force and s.held_by(party_key) and not s.ever_dealt]


def inventory_refusal(scope: Scope, snapshot: Snapshot | None) -> ZhichanError | None:
    """Why ``scope`` may not take an inventory, None when it may: an account of an organization the corpus types as a
    university or research institute. The one rule the server applies and the page's offer follows (an ordinary
    enterprise was offered the inventory form, ``may_inventory``, and refused when it used it)."""
    if scope.role != Role.ENTERPRISE_USER or not scope.party_key or scope.org_id is None:
        return PermissionDenied("存量专利盘点由高校、科研机构的账号办理 / the inventory is taken by a university's or "
                                "research institute's account")
    if snapshot is None:
        return ConflictError("尚无语料快照，无法盘点 / no corpus snapshot: nothing to take an inventory of")
    if institution_type(snapshot, scope.party_key) not in INSTITUTION_TYPES:
        return PermissionDenied("存量专利盘活面向高校和科研机构（国知发运字〔2024〕5号） / the dormant-patent inventory "
                                "is for universities and research institutes")
    return None


def _institution(session: Session, scope: Scope, snapshot: Snapshot | None) -> Organization:
    scope.require_authenticated()
    if (refused := inventory_refusal(scope, snapshot)) is not None:
        raise refused
    org = session.get(Organization, scope.org_id)
    assert org is not None
    return org


def take_inventory(session: Session, scope: Scope, snapshot: Snapshot | None, *, on: str = "",
                   now: dt.datetime, synthetic: bool = False) -> dict[str, int]:
    """盘点: add the institution's dormant patents on ``on`` (default today) to its inventory; patents
    already on it keep their grading and approval. Counts: found, added."""
    org = _institution(session, scope, snapshot)
    assert snapshot is not None and scope.party_key
    today = china_date(now)
    try:
        day = dt.date.fromisoformat(on) if on.strip() else today
    except ValueError:
        raise FormError({"on": "盘点日期格式应为 YYYY-MM-DD / the inventory day is YYYY-MM-DD"}) from None
    if day > today:
        raise FormError({"on": "盘点日期不能晚于今天 / the inventory day cannot be in the future"})
    found = dormant_on(snapshot, scope.party_key, day)
    known = set(session.scalars(select(DormantPatent.application_number).where(DormantPatent.org_id == org.id)))
    added = 0
    for status in found:
        if status.application_number in known:
            continue
        session.add(DormantPatent(
            org_id=org.id, org_path=org.path, party_key=scope.party_key, institution=org.name,
            application_number=status.application_number, title=(status.title or "")[:500], kind=status.kind or "",
            inventoried_on=day, state="inventoried", synthetic=synthetic or bool(snapshot.synthetic),
            created_at=now))
        added += 1
    session.flush()
    refresh_from_corpus(session, snapshot, today, org_id=org.id)
    audit.record(session, scope, "exchange.dormant_inventory", org.name,
                 detail={"on": day.isoformat(), "found": len(found), "added": added})
    return {"found": len(found), "added": added}


# -- the approval procedure's hook ------------------------------------------------------------------

def on_step(session: Session, scope: Scope, step: StepTaken) -> None:
    """Check and register each step of an ``exchange.dormant`` case (runs in its transaction)."""
    today = china_date(step.now)
    if step.event == "start":
        _grade_first(session, scope, step, today)
        return
    row = session.scalar(select(DormantPatent).where(DormantPatent.case_id == step.case_id))
    if row is None:  # pragma: no cover - every case names its inventory row from its start
        raise NotFoundError("没有该盘点专利 / no such inventoried patent")
    if step.event == "regrade":
        _grading(row, step.fields, scope, today)
    elif step.source == "graded":  # the college's decision: not the grader's own
        if scope.user_id == row.graded_by:
            raise FormError({"opinion": "学院审核须由自评人以外的账号办理 / the college's review is taken by "
                                        "another account than the grader's"})
        row.college_by = scope.user_id
    elif step.source == "college_approved":  # the university's: neither the grader's nor the college's
        if scope.user_id in (row.graded_by, row.college_by):
            raise FormError({"opinion": "学校审批须由自评人和学院审核人以外的账号办理 / the university's decision is "
                                        "taken by another account than the grader's and the college's"})
        if step.target == "approved":
            row.approved_on = today
    row.state = step.target
    session.flush()


def _grade_first(session: Session, scope: Scope, step: StepTaken, today: dt.date) -> None:
    try:
        number = patent_number(str(step.fields.get("patent_number", "")))
    except FieldError as exc:
        raise FormError({"patent_number": str(exc)}) from None
    row = session.scalar(select(DormantPatent).where(DormantPatent.party_key == step.party_key,
                                                     DormantPatent.application_number == number)
                         .order_by(DormantPatent.id).limit(1))
    if row is None:
        raise FormError({"patent_number": "该专利不在本单位的存量专利盘点清单中（先盘点） / the patent is not on your "
                                          "institution's dormant-patent inventory (take the inventory first)"})
    if row.case_id is not None and row.state != "declined":
        raise FormError({"patent_number": f"该专利已提交自评（{row.state}） / the patent has been graded already"})
    if row.activated_on is not None:
        raise FormError({"patent_number": "该专利已转让或许可（已盘活） / the patent has been transferred or licensed"})
    row.case_id = step.case_id
    # the case is named by the patent (the engine's default names it by the first two fields)
    session.execute(update(Case).where(Case.id == step.case_id).values(title=f"{row.title} · {number}"[:300]))
    row.college = str(step.fields.get("college", "")).strip()[:200]
    _grading(row, step.fields, scope, today)
    row.state = step.target
    session.flush()


def _grading(row: DormantPatent, fields: dict[str, Any], scope: Scope, today: dt.date) -> None:
    row.prospect = str(fields["prospect"])
    row.field = str(fields["application_field"]).strip()[:200]
    row.willingness = str(fields["willingness"])
    row.note = str(fields.get("note") or "").strip() or None
    row.graded_on, row.graded_by, row.college_by = today, scope.user_id, None


# -- listed, activated ------------------------------------------------------------------------------

def mark_listed(session: Session, org_id: int, number: str, day: dt.date) -> None:
    """The institution listed an inventoried patent on the exchange (the first listing counts)."""
    session.execute(update(DormantPatent).where(
        DormantPatent.org_id == org_id, DormantPatent.application_number == number,
        DormantPatent.listed_on.is_(None), DormantPatent.inventoried_on <= day).values(listed_on=day))


def mark_deal(session: Session, party_key: str | None, number: str, day: dt.date) -> None:
    """A deal's contract on an inventoried patent was signed: it is activated (unless it was already)."""
    if not party_key:
        return
    session.execute(update(DormantPatent).where(
        DormantPatent.party_key == party_key, DormantPatent.application_number == number,
        DormantPatent.activated_on.is_(None), DormantPatent.inventoried_on <= day)
        .values(activated_on=day, activated_by="deal"))


def refresh_from_corpus(session: Session, snapshot: Snapshot | None, today: dt.date, *,
                        org_id: int | None = None) -> int:
    """Mark activated the inventoried patents the corpus records as transferred or licensed after their
    inventory day (the first such event's day). The job runner runs it; so does every inventory."""
    if snapshot is None:
        return 0
    query = select(DormantPatent).where(DormantPatent.activated_on.is_(None))
    if org_id is not None:
        query = query.where(DormantPatent.org_id == org_id)
    rows = list(session.scalars(query))
    statuses = rights_on(snapshot, [r.application_number for r in rows], today)
    changed = 0
    for row in rows:
        status = statuses[row.application_number]
        after = sorted([(d, "transfer") for d in status.transferred_on if d and d > row.inventoried_on]
                       + [(d, "licence") for d in status.licensed_on if d and d > row.inventoried_on])
        if after:
            row.activated_on, row.activated_by = after[0]
            changed += 1
    session.flush()
    return changed


# -- what a caller sees -----------------------------------------------------------------------------

def visible(scope: Scope, query: Any) -> Any:
    """The institution's own accounts see its inventory; bureau staff their area's; nobody else anything."""
    if scope.governance and scope.org_path:
        return query.where(DormantPatent.org_path.startswith(scope.org_path, autoescape=True))
    if scope.role == Role.ENTERPRISE_USER and scope.party_key:
        return query.where(DormantPatent.party_key == scope.party_key)
    return query.where(DormantPatent.id.is_(None))


def inventory(session: Session, scope: Scope, *, state: str = "", limit: int = 500) -> list[DormantPatent]:
    scope.require_authenticated()
    query = visible(scope, select(DormantPatent))
    if state:
        query = query.where(DormantPatent.state == state)
    return list(session.scalars(query.order_by(DormantPatent.org_id, DormantPatent.application_number).limit(limit)))


def progress(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """Per institution: inventoried, graded, approved (in the 转化资源库), listed, activated."""
    scope.require_authenticated()
    query = visible(scope, select(
        DormantPatent.org_id, func.min(DormantPatent.institution), func.count(),
        func.count(DormantPatent.graded_on), func.count(DormantPatent.approved_on),
        func.count(DormantPatent.listed_on), func.count(DormantPatent.activated_on),
        func.max(DormantPatent.inventoried_on)).group_by(DormantPatent.org_id))
    return [{"org_id": org_id, "institution": name, "inventoried": n, "graded": graded, "approved": approved,
             "listed": listed, "activated": activated, "inventoried_on": last}
            for org_id, name, n, graded, approved, listed, activated, last in session.execute(query)]


def pool(session: Session) -> list[DormantPatent]:
    """The 转化资源库: approved patents not yet activated (public: the matching offers them)."""
    return list(session.scalars(select(DormantPatent).where(DormantPatent.approved_on.is_not(None),
                                                            DormantPatent.activated_on.is_(None))))
