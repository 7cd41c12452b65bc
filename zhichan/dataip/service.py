"""Data-IP registration (数据知识产权登记) on the procedure engine: the ``dataip.registration``
procedure (``definitions/dataip.registration.yaml``) carries the workflow — apply → formal review
(cure) → public notice (公示) with objections → decision — and :class:`RegisterHook`, run by the
engine inside each step's transaction, keeps the register and its evidence entries in step:

- ``dataip.application`` (the start): applicant, data name, description, source, scale, structure,
  update frequency, processing rules, usage scenario and the digests of a data sample (the data
  itself is never uploaded); the registration number ``DIP-<year>-<log index>`` derives from it;
- ``dataip.notice`` (publish): the notice window — the declaration's ``notice`` clock, counted in
  working days from the day after publication on the official calendar (:mod:`zhichan.legaltime`); a last day in a
  year whose holiday schedule is not published yet is published as a provisional date (暂定,
  ``notice_end_provisional``), which the register shows from the clock until the schedule makes it exact;
- ``dataip.objection``: an objection, accepted from anyone signed in while the notice clock runs
  (until 24:00 China time of its last day — while that day is provisional, until it is known and has passed), and
  its resolution (dismissed → the notice runs on, upheld → refused);
- ``dataip.decision``: registered or rejected, with ``reasons_sm3``; after a notice only once its exact last day has
  passed. The certificate of the "registered" decision entry is the registration certificate (数据知识产权登记证书).

The engine adds its own ``procedure.step`` entry, the case history and the audit record to each step.
:class:`DataIPService` reads the register (the public notices, the public register) and takes the
steps for the command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, func, or_, select, update
from sqlalchemy.orm import Session

from zhichan.dataip.models import STATUS_OF_STATE, Objection, ObjectionStatus, Registration, Status
from zhichan.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from zhichan.evidence.service import HEX64, EvidenceService, FileDigest, utcnow
from zhichan.legaltime import china_date, china_today, first_day_after, moment_on, provisional_note
from zhichan.platform.db import session_scope
from zhichan.platform.inlists import rows_in
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import Declaration
from zhichan.procedures.models import Case, CaseClock
from zhichan.procedures.service import FormError, ProcedureService, StepTaken, exact_due, provisional
from zhichan.web.i18n import in_language, stored_message, stored_text

PROCEDURE = "dataip.registration"
NOTICE_CLOCK = "notice"

REGS = cast(Table, Registration.__table__)
OBJS = cast(Table, Objection.__table__)
CASES = cast(Table, Case.__table__)
CLOCKS = cast(Table, CaseClock.__table__)

APPLICATION_FIELDS = ("applicant", "data_name", "description", "data_source", "data_scale", "data_structure",
                      "update_frequency", "processing_rules", "usage_scenario")
#: what the public notice and the public register show of a registration (never the case's internals)
PUBLISHED_FIELDS = ("number", "data_name", "applicant", "data_source", "data_scale", "data_structure",
                    "update_frequency", "processing_rules", "usage_scenario", "sm3", "sha256", "status",
                    "notice_start", "notice_end", "notice_end_provisional", "synthetic")

#: the reason the command line's 准予登记 gives itself once the notice ended: a message each page shows in its language
#: (:func:`decision_reasons_text`); what an officer types is kept as typed
FINALIZE_REASONS = json.dumps(stored_message("dataip.finalize_reason"), ensure_ascii=False)
#: the same reason as rows decided before stored it (both languages in one text)
_FINALIZE_REASONS_BEFORE = "公示期满无异议，准予登记 / the notice period ended without objection: registered"


def decision_reasons_text(reasons: str | None, lang: str) -> str | None:
    """A decision's reasons in ``lang``: the platform's own (:data:`FINALIZE_REASONS`, and its bilingual text of rows
    decided before) in the page's language, an officer's as typed — "/" and all."""
    if reasons == _FINALIZE_REASONS_BEFORE:
        return in_language(reasons, lang)
    if reasons == FINALIZE_REASONS:
        return stored_text(reasons, lang)
    return reasons


def _sm3(text: str) -> str:
    return hashlib.new("sm3", text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Application:
    """What an applicant declares (申请登记的数据及其说明): holder, name, source, scale, structure,
    update frequency, processing rules, usage scenario, and the digests of a data sample."""

    applicant: str  # 数据持有人 / holder
    data_name: str
    description: str
    data_source: str
    data_scale: str
    processing_rules: str
    data_structure: str = ""  # 数据结构 (tables, fields, formats) — required, keyword for compatibility
    update_frequency: str = ""  # 更新频率 (e.g. 每日, 实时, 每月) — required
    usage_scenario: str = ""  # 应用场景 — required
    sample: FileDigest | None = None  # digests of a data sample or of the data set's manifest

    def fields(self) -> dict[str, str]:
        """The start step's form fields (the declaration checks them like the web form's)."""
        values = {name: getattr(self, name) for name in APPLICATION_FIELDS}
        if self.sample is not None:
            values |= {"sample_sm3": self.sample.sm3, "sample_sha256": self.sample.sha256}
        return values


# -- the hook: the register in the step's transaction -------------------------------------------


@dataclass(frozen=True)
class RegisterHook:
    """Keeps ``dataip_registrations`` / ``dataip_objections`` and the ``dataip.*`` evidence entries in
    step with each step of a ``dataip.registration`` case; raising refuses the step (nothing kept)."""

    evidence: EvidenceService

    def __call__(self, session: Session, scope: Scope, step: StepTaken) -> None:
        conn = session.connection()
        if step.event == "start":
            self._apply(conn, step)
            return
        reg = conn.execute(select(REGS).where(REGS.c.case_id == step.case_id)).mappings().first()
        if reg is None:
            raise NotFoundError(f"办件 {step.number} 没有登记记录 / case {step.number} has no registration row")
        handler = getattr(self, f"_on_{step.event}", None)
        if handler is not None:
            handler(conn, scope, step, dict(reg))
        conn.execute(update(REGS).where(REGS.c.id == reg["id"]).values(status=STATUS_OF_STATE[step.target]))

    def _append(self, conn: Connection, records: list[dict[str, Any]], now: dt.datetime) -> list[Any]:
        return self.evidence.append_records(records, now=now, conn=conn)

    def _apply(self, conn: Connection, step: StepTaken) -> None:
        fields = step.fields
        sm3 = str(fields.get("sample_sm3") or "").lower() or None
        sha256 = str(fields.get("sample_sha256") or "").lower() or None
        errors = {}
        for name, value in (("sample_sm3", sm3), ("sample_sha256", sha256)):
            if value is not None and not HEX64.match(value):
                errors[name] = "摘要应为 64 位十六进制 / a digest is 64 hexadecimal characters"
        if (sm3 is None) != (sha256 is None) and not errors:
            missing = "sample_sha256" if sha256 is None else "sample_sm3"
            errors[missing] = "样本的 SM3 与 SHA-256 摘要须同时填写 / give both the SM3 and the SHA-256 digest"
        if errors:
            raise FormError(errors)
        record: dict[str, Any] = {"kind": "dataip.application", "case": step.number,
                                  **{name: fields[name] for name in APPLICATION_FIELDS}}
        if sm3 is not None:
            record |= {"sm3": sm3, "sha256": sha256}
        entry = self._append(conn, [record], step.now)[0]
        conn.execute(REGS.insert().values(
            number=f"DIP-{china_date(step.now).year}-{entry.index:08d}", case_id=step.case_id,
            application_index=entry.index, status=STATUS_OF_STATE[step.target], submitted_at=step.now,
            sm3=sm3, sha256=sha256, **{name: fields[name] for name in APPLICATION_FIELDS},
        ))

    def _on_publish(self, conn: Connection, scope: Scope, step: StepTaken, reg: dict[str, Any]) -> None:
        clock = _notice_clock(conn, step.case_id)
        start = china_date(clock.started_at)
        # the last day as the engine counted it: exact, or — reaching into a year whose holiday schedule is not
        # published — a provisional date, published marked as such (the register then reads it from the clock until
        # the schedule makes it exact); a year past what even a provisional date computes is refused
        # (CalendarNotPublished), never published with an unknown end
        due = ProcedureService.clock_of(clock).reckon()
        end = due.day if due is not None else None
        record: dict[str, Any] = {
            "kind": "dataip.notice", "registration_no": reg["number"], "application_index": reg["application_index"],
            "data_name": reg["data_name"], "applicant": reg["applicant"],
            "notice_start": start.isoformat(), "notice_end": end.isoformat() if end else None}
        if due is not None and due.provisional:
            record["notice_end_provisional"] = True
        self._append(conn, [record], step.now)
        conn.execute(update(REGS).where(REGS.c.id == reg["id"]).values(notice_start=start, notice_end=end))

    def _on_object(self, conn: Connection, scope: Scope, step: StepTaken, reg: dict[str, Any]) -> None:
        """异议: accepted while the notice clock runs, until the end of its last day (China time)."""
        if (step.party_user_id is not None and scope.user_id == step.party_user_id) or \
                (step.party_key and scope.party_key == step.party_key):
            raise PermissionDenied("申请人不能对本人的申请提出异议 / the applicant cannot object to its own application")
        clock = _notice_clock(conn, step.case_id)
        today = china_date(step.now)
        end = exact_due(clock)  # a provisional last day closes nothing: the published schedule may move it later
        if clock.status != "running" or clock.due_on is None or (end is not None and today > end):
            raise ConflictError(
                f"公示期为 {reg['notice_start']} 至 {reg['notice_end']}，已届满，不再受理异议 / the notice ran from "
                f"{reg['notice_start']} to {reg['notice_end']}: objections are closed",
                details={"field": "reason"},
            )
        entry = self._append(conn, [{
            "kind": "dataip.objection", "action": "filed", "registration_no": reg["number"],
            "objector": step.fields["objector"], "reason_sm3": _sm3(step.fields["reason"])}], step.now)[0]
        conn.execute(OBJS.insert().values(
            registration_id=reg["id"], objector=step.fields["objector"], reason=step.fields["reason"],
            filed_at=step.now, entry_index=entry.index, status=ObjectionStatus.PENDING))

    def _resolve(self, conn: Connection, step: StepTaken, reg: dict[str, Any], status: ObjectionStatus) -> list[Any]:
        resolution = step.fields["resolution"]
        pending = conn.execute(select(OBJS).where(OBJS.c.registration_id == reg["id"],
                                                  OBJS.c.status == ObjectionStatus.PENDING).order_by(OBJS.c.id)).all()
        records: list[dict[str, Any]] = [
            {"kind": "dataip.objection", "action": str(status), "registration_no": reg["number"],
             "objection_index": o.entry_index, "resolution_sm3": _sm3(resolution)} for o in pending]
        if status == ObjectionStatus.UPHELD:
            records.append(_decision(reg, "rejected", resolution))
        entries = self._append(conn, records, step.now)
        for objection, entry in zip(pending, entries, strict=False):
            conn.execute(update(OBJS).where(OBJS.c.id == objection.id).values(
                status=status, resolution=resolution, resolved_at=step.now, resolution_index=entry.index))
        return entries

    def _on_dismiss_objections(self, conn: Connection, scope: Scope, step: StepTaken, reg: dict[str, Any]) -> None:
        self._resolve(conn, step, reg, ObjectionStatus.DISMISSED)

    def _on_uphold_objection(self, conn: Connection, scope: Scope, step: StepTaken, reg: dict[str, Any]) -> None:
        reg = _with_notice_end(conn, reg)  # the notice's last day as it stands (still provisional, perhaps)
        decision = self._resolve(conn, step, reg, ObjectionStatus.UPHELD)[-1]
        conn.execute(update(REGS).where(REGS.c.id == reg["id"]).values(
            decided_at=step.now, decision_index=decision.index, decision_reasons=step.fields["resolution"],
            notice_end=reg["notice_end"]))

    def _decide(self, conn: Connection, step: StepTaken, reg: dict[str, Any], decision: str) -> None:
        """审查决定 with reasons; after a notice only once it has ended (from the day after its last day) — its exact
        last day: a provisional one may move either way once the year's holiday schedule is published."""
        if step.source == "in_notice":
            clock = _notice_clock(conn, step.case_id)
            end = exact_due(clock)
            if end is None and clock.due_on is not None:
                note = provisional_note(clock.due_on.year, "zh")
                raise ConflictError(
                    f"公示期暂定至 {clock.due_on} 止（{note}），须待放假安排公布、公示期确定届满后方可决定 / the notice "
                    f"runs until {clock.due_on} ({provisional_note(clock.due_on.year, 'en')}): the decision waits "
                    "until the schedule is published and the notice has ended")
            if end is None or china_date(step.now) <= end:
                raise ConflictError(f"公示期至 {end} 止，尚未届满 / the notice runs until {end}")
            reg = reg | {"notice_end": end}  # exact now: the register keeps it with the decision
        entry = self._append(conn, [_decision(reg, decision, step.fields["reasons"])], step.now)[0]
        conn.execute(update(REGS).where(REGS.c.id == reg["id"]).values(
            decided_at=step.now, decision_index=entry.index, decision_reasons=step.fields["reasons"],
            notice_end=reg["notice_end"]))

    def _on_register(self, conn: Connection, scope: Scope, step: StepTaken, reg: dict[str, Any]) -> None:
        self._decide(conn, step, reg, "registered")

    def _on_refuse(self, conn: Connection, scope: Scope, step: StepTaken, reg: dict[str, Any]) -> None:
        self._decide(conn, step, reg, "rejected")


def _notice_clock(conn: Connection, case_id: int) -> Any:
    clock = conn.execute(select(CLOCKS).where(CLOCKS.c.case_id == case_id, CLOCKS.c.name == NOTICE_CLOCK)).first()
    if clock is None:
        raise ConflictError("尚未公示 / the application has not been published")
    return clock


def _notice_ends(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (registrations) with their notice's last day as it stands and ``notice_end_provisional``: under notice,
    the ``notice`` clock's (a provisional date becomes exact when the sweep counts it again on the published
    schedule); otherwise the one the register kept (exact by the decision)."""
    open_cases = [r["case_id"] for r in rows
                  if r["case_id"] is not None and r["status"] in (Status.IN_NOTICE, Status.OBJECTED)]
    clocks = {c.case_id: c for c in rows_in(conn, select(CLOCKS).where(CLOCKS.c.name == NOTICE_CLOCK), open_cases,
                                             CLOCKS.c.case_id)}
    out = []
    for r in rows:
        clock = clocks.get(r["case_id"])
        if clock is not None and clock.due_on is not None:
            r = r | {"notice_end": clock.due_on, "notice_end_provisional": provisional(clock)}
        else:
            r = r | {"notice_end_provisional": False}
        out.append(r)
    return out


def _with_notice_end(conn: Connection, reg: dict[str, Any]) -> dict[str, Any]:
    return _notice_ends(conn, [reg])[0]


def _decision(reg: dict[str, Any], decision: str, reasons: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "dataip.decision", "decision": decision, "registration_no": reg["number"],
        "application_index": reg["application_index"], "applicant": reg["applicant"], "data_name": reg["data_name"],
        "data_source": reg["data_source"], "data_scale": reg["data_scale"],
        "data_structure": reg["data_structure"], "update_frequency": reg["update_frequency"],
        "usage_scenario": reg["usage_scenario"],
        "notice_start": reg["notice_start"].isoformat() if reg["notice_start"] else None,
        "notice_end": reg["notice_end"].isoformat() if reg["notice_end"] else None,
        "sm3": reg["sm3"], "sha256": reg["sha256"], "reasons_sm3": _sm3(reasons),
    }
    if reg.get("notice_end_provisional"):  # refused on an objection before the notice's last day was known exactly
        record["notice_end_provisional"] = True
    return record


#: the decisions that wait for the notice's end (declared ``lapsed: [notice]`` from ``in_notice`` since revision 2)
DECISIONS = ("register", "refuse")


def notice_holds(session: Session, case_id: int, decl: Declaration) -> dict[str, dt.date]:
    """The first day of the decisions after a notice in a case whose declaration does not hold them back itself — one
    filed under the first declaration (its page offered 准予登记 during the notice and the hook then refused it): the
    day after the notice's last day. The case page, the to-do list and the step then agree
    (``ProcedureService.add_holds``), as they do for a case under the current declaration's ``lapsed`` term."""
    unheld = [e for e in DECISIONS
              if (t := decl.transition(e, Status.IN_NOTICE)) is not None and NOTICE_CLOCK not in t.lapsed]
    if not unheld or session.scalar(select(CASES.c.state).where(CASES.c.id == case_id)) != Status.IN_NOTICE:
        return {}
    clock = session.execute(select(CLOCKS).where(CLOCKS.c.case_id == case_id, CLOCKS.c.name == NOTICE_CLOCK)).first()
    if clock is None or clock.due_on is None:
        return {}
    return {e: first_day_after(clock.due_on) for e in unheld}  # a provisional last day: the hook still waits for it


def install(procedures: ProcedureService) -> None:
    """Hook the register onto the engine (the web app's setup and the command line; idempotent), and hold back the
    decisions after a notice in cases filed before the declaration held them back itself."""
    procedures.add_hook(PROCEDURE, RegisterHook(procedures.evidence))
    procedures.add_holds(PROCEDURE, DECISIONS, notice_holds)


# -- the register: reading, and the steps for the command line ---------------------------------


def published(row: dict[str, Any]) -> dict[str, Any]:
    """A registration as the public sees it (dates as ISO strings; ``notice_end_provisional``: the notice's last day
    is a provisional date, its year's holiday schedule not published yet)."""
    values = row | {"notice_end_provisional": bool(row.get("notice_end_provisional")), "synthetic": bool(row.get("synthetic"))}
    return {k: (values[k].isoformat() if isinstance(values[k], dt.date) else values[k]) for k in PUBLISHED_FIELDS}


class DataIPService:
    def __init__(self, procedures: ProcedureService) -> None:
        install(procedures)
        self.procedures = procedures
        self.evidence = procedures.evidence
        self.engine = procedures.engine

    # -- reading -------------------------------------------------------------------------------

    def get(self, registration_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            return self._get(conn, registration_id)

    @staticmethod
    def _get(conn: Connection, registration_id: int) -> dict[str, Any]:
        row = conn.execute(select(REGS).where(REGS.c.id == registration_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"没有登记申请 {registration_id} / no registration {registration_id}")
        return _with_notice_end(conn, dict(row))

    def by_number(self, number: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(REGS).where(REGS.c.number == number)).mappings().first()
            if row is None:
                raise NotFoundError(f"没有登记号 {number} / no registration number {number}")
            return _with_notice_end(conn, dict(row))

    def objections(self, registration_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(OBJS).where(OBJS.c.registration_id == registration_id).order_by(OBJS.c.id))
            return [dict(r) for r in rows.mappings()]

    def under_notice(self, today: dt.date | None = None) -> list[dict[str, Any]]:
        """公示中的登记 — the public list: registrations whose notice window contains ``today`` (its last day the
        clock's: one still provisional is listed until the published schedule has made it exact and it has passed —
        objections are accepted until then)."""
        today = today or china_today()
        clock = and_(CLOCKS.c.case_id == REGS.c.case_id, CLOCKS.c.name == NOTICE_CLOCK)
        end = func.coalesce(CLOCKS.c.due_on, REGS.c.notice_end)
        query = (
            select(REGS).outerjoin(CLOCKS, clock)
            .where(REGS.c.status.in_([Status.IN_NOTICE, Status.OBJECTED]), REGS.c.notice_start <= today)
            .where(or_(end >= today, and_(CLOCKS.c.due_on.is_not(None), CLOCKS.c.due_problem.is_not(None))))
            .order_by(end, REGS.c.id)
        )
        with self.engine.connect() as conn:
            return _notice_ends(conn, [dict(r) for r in conn.execute(query).mappings()])

    def relation(self, scope: Scope, case_ids: list[int]) -> dict[int, str]:
        """How the caller stands to each of these cases: ``"party"`` (it applied: it may not object to
        its own), ``"officer"`` (it sees the case), absent otherwise — the engine's scope rule."""
        from zhichan.procedures.scope import is_officer, is_party

        if not scope.is_authenticated or not case_ids:
            return {}
        with self.engine.connect() as conn:
            rows = rows_in(conn, select(CASES.c.id, CASES.c.org_path, CASES.c.party_user_id, CASES.c.party_key),
                           case_ids, CASES.c.id)
        out: dict[int, str] = {}
        for r in rows:
            if is_party(scope, r.party_user_id, r.party_key):
                out[r.id] = "party"
            elif is_officer(scope, r.org_path):
                out[r.id] = "officer"
        return out

    def registrations(self, status: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        query = select(REGS).order_by(REGS.c.id.desc()).limit(limit).offset(offset)
        if status:
            query = query.where(REGS.c.status == status)
        with self.engine.connect() as conn:
            return _notice_ends(conn, [dict(r) for r in conn.execute(query).mappings()])

    def public_registration(self, number: str) -> dict[str, Any]:
        """A registration the public may read: under notice, or registered; anything else is not found
        (an application before its notice, refused or withdrawn is not published)."""
        try:
            reg = self.by_number(number)
        except NotFoundError:
            reg = None
        if reg is None or reg["status"] not in (Status.IN_NOTICE, Status.OBJECTED, Status.REGISTERED):
            raise NotFoundError(f"没有公开的登记 {number} / no published registration {number}")
        return reg

    def certificate(self, registration_id: int) -> Any:
        """The registration certificate (the log certificate of the "registered" decision entry)."""
        reg = self.get(registration_id)
        if reg["status"] != Status.REGISTERED:
            raise ConflictError(f"登记 {reg['number']} 尚未准予登记 / registration {reg['number']} is not registered")
        return self.evidence.certificate(int(reg["decision_index"]))

    # -- steps (the command line; the web takes them through the engine's pages) ----------------

    @contextmanager
    def _case(self, registration_id: int) -> Iterator[tuple[Session, dict[str, Any], int]]:
        with session_scope(self.engine) as session:
            reg = self._get(session.connection(), registration_id)
            if reg["case_id"] is None:
                raise ConflictError(f"登记 {reg['number']} 早于办理程序，不能再办理 / registration {reg['number']} "
                                    "predates the procedure engine")
            version = session.scalar(select(CASES.c.version).where(CASES.c.id == reg["case_id"]))
            yield session, reg, int(version or 0)

    def _step(self, scope: Scope, registration_id: int, event: str, fields: dict[str, Any],
              now: dt.datetime | None) -> dict[str, Any]:
        with self._case(registration_id) as (session, reg, version):
            self.procedures.act(session, scope, reg["case_id"], event, version=version, fields=fields, now=now)
            return self._get(session.connection(), registration_id)

    def submit(self, scope: Scope, application: Application, *, now: dt.datetime | None = None) -> dict[str, Any]:
        """登记申请: opens the case; the hook records the application and issues the number."""
        with session_scope(self.engine) as session:
            case = self.procedures.start(session, scope, PROCEDURE, fields=application.fields(),
                                         title=f"{application.data_name} · {application.applicant}", now=now)
            row = session.execute(select(REGS).where(REGS.c.case_id == case["id"])).mappings().one()
            return dict(row)

    def publish(self, scope: Scope, registration_id: int, *, on: dt.date | None = None,
                now: dt.datetime | None = None) -> dict[str, Any]:
        """公示 (formal review passed): the notice ends on the N-th working day after ``on`` — a step
        recorded on that day (10:00 China time) when ``on`` is given and ``now`` is not."""
        if on is not None and on > china_date(now or utcnow()):
            raise InputError(f"公示日期 {on} 尚未到来 / the publication date {on} is in the future")
        if now is None and on is not None and on != china_today():
            now = moment_on(on, 10)
        return self._step(scope, registration_id, "publish", {}, now)

    def object(self, scope: Scope, registration_id: int, *, objector: str, reason: str,
               now: dt.datetime | None = None) -> dict[str, Any]:
        """异议 during the notice; returns the objection."""
        with self._case(registration_id) as (session, reg, version):
            self.procedures.act(session, scope, reg["case_id"], "object", version=version,
                                fields={"objector": objector, "reason": reason}, now=now)
            row = session.execute(select(OBJS).where(OBJS.c.registration_id == registration_id)
                                  .order_by(OBJS.c.id.desc())).mappings().first()
            return dict(row or {})

    def resolve_objection(self, scope: Scope, objection_id: int, *, upheld: bool, resolution: str,
                          now: dt.datetime | None = None) -> dict[str, Any]:
        """异议处理: every pending objection of the registration together — upheld → refused;
        dismissed → the notice runs on. Returns the objection."""
        with self.engine.connect() as conn:
            obj = conn.execute(select(OBJS).where(OBJS.c.id == objection_id)).mappings().first()
        if obj is None:
            raise NotFoundError(f"没有异议 {objection_id} / no objection {objection_id}")
        if obj["status"] != ObjectionStatus.PENDING:
            raise ConflictError(f"异议 {objection_id} 已处理 / objection {objection_id} is already resolved")
        self._step(scope, obj["registration_id"], "uphold_objection" if upheld else "dismiss_objections",
                   {"resolution": resolution}, now)
        with self.engine.connect() as conn:
            return dict(conn.execute(select(OBJS).where(OBJS.c.id == objection_id)).mappings().one())

    def decide(self, scope: Scope, registration_id: int, *, approve: bool, reasons: str,
               now: dt.datetime | None = None) -> dict[str, Any]:
        """审查决定: approve (准予登记) or reject (不予登记), with reasons; after a notice only once it
        has ended and no objection is pending."""
        reg = self.get(registration_id)
        if reg["status"] == Status.OBJECTED:
            raise ConflictError(f"登记 {reg['number']} 有待处理的异议 / registration {reg['number']} has a pending objection")
        if reg["status"] not in (Status.SUBMITTED, Status.IN_NOTICE):
            raise ConflictError(f"登记 {reg['number']} 状态为 {reg['status']} / registration {reg['number']} is {reg['status']}")
        if approve and reg["status"] != Status.IN_NOTICE:
            raise ConflictError(f"登记 {reg['number']} 尚未公示 / registration {reg['number']} has not been published")
        return self._step(scope, registration_id, "register" if approve else "refuse", {"reasons": reasons}, now)

    def finalize(self, scope: Scope, registration_id: int, *, now: dt.datetime | None = None) -> dict[str, Any]:
        """准予登记 once the notice has ended with no objection pending (:meth:`decide` with a standard reason)."""
        return self.decide(scope, registration_id, approve=True, reasons=FINALIZE_REASONS, now=now)

    def finalize_due(self, scope: Scope, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Register every registration whose notice has ended without a pending objection (each step at the moment the
        engine reads once it holds the case, or ``now`` where given)."""
        today = china_date(now or utcnow())
        with self.engine.connect() as conn:
            # the notice clock's exact last day (a provisional one waits for the published schedule)
            due = conn.execute(select(REGS.c.id).join(CLOCKS, and_(CLOCKS.c.case_id == REGS.c.case_id,
                                                                   CLOCKS.c.name == NOTICE_CLOCK)).where(
                REGS.c.status == Status.IN_NOTICE, CLOCKS.c.due_problem.is_(None),
                CLOCKS.c.due_on < today).order_by(REGS.c.id)).scalars().all()
        return [self.finalize(scope, int(i), now=now) for i in due]
