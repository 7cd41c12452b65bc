"""The procedure engine: start a case, take a transition, read a case, the to-do list, the sweep.

Every transition, in one database transaction:

1. the case is found within the caller's scope (else 404) and the declaration's transition from
   its state is looked up (else 409: the state moved on);
2. the caller's role, or being the case's party, must be allowed the transition (else 403);
3. the declared fields and documents are checked (else 422 with a message per field);
4. python-statemachine takes the event to the next state;
5. the case row is updated only if its ``version`` is still the one the caller saw — the
   optimistic lock: of two officers acting at once one wins, the other gets a 409 and keeps the form;
6. the clocks start, pause, resume, stop or are extended as declared, and deadlines are recomputed
   by :mod:`zhichan.legaltime`;
7. the step goes to the evidence log (its fields as an SM3 digest, each document's SM3/SHA-256),
   to the case's history and to the audit log; declared notices are queued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Engine,
    Table,
    and_,
    bindparam,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy import case as sql_case
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import False_

from zhichan.corpus.validate import FieldError, normalize_application_number
from zhichan.errors import ConfigError, ConflictError, FormError, NotFoundError, PermissionDenied
from zhichan.evidence.service import EvidenceService, utcnow
from zhichan.legaltime import (
    CalendarNotPublished,
    Clock,
    Extension,
    Pause,
    china_date,
    china_today,
    first_day_after,
    provisional_note,
    unpublished_years,
)
from zhichan.money import MoneyError, parse_money
from zhichan.platform import audit
from zhichan.platform.inlists import rows_in
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import GOVERNANCE_ROLES, Scope
from zhichan.procedures.declaration import (
    OFFICE_LIST,
    RECEIVING_OFFICE,
    UNIT_LABELS,
    DecisionSpec,
    Declaration,
    FieldSpec,
    ProcedureRegistry,
    Text,
    TransitionSpec,
    expected_as,
    expected_digest,
    in_current_words,
    step_names,
    upper_actor,
    with_figures_of,
)
from zhichan.procedures.models import (
    NO_DEADLINE,
    NO_PERIOD,
    Case,
    CaseClock,
    Expected,
    Notice,
    Step,
    StoredDeclaration,
)
from zhichan.procedures.scope import (
    COUNTERPARTY_ROLES,
    WALK_DEADLINES,
    counterparty_filter,
    is_counterparty,
    is_officer,
    is_party,
    officer_filter,
    party_filter,
    sees,
    walk_in_order,
)
from zhichan.untrusted import text_refusal

#: organizations that handle cases (a public filing names one of these)
GOVERNANCE_KINDS = (OrgKind.NATION, OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)

CASES = cast(Table, Case.__table__)
CLOCKS = cast(Table, CaseClock.__table__)
STEPS = cast(Table, Step.__table__)
NOTICES = cast(Table, Notice.__table__)
DECLARATIONS = cast(Table, StoredDeclaration.__table__)
EXPECTED = cast(Table, Expected.__table__)

#: accepted attachment types, by their first bytes (the file name's extension is not trusted)
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),  # DOCX, XLSX, OFD: named by what the archive holds (media_type)
)
#: the packages a ZIP upload may be, by the part that makes it one
PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("word/document.xml", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/workbook.xml", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("OFD.xml", ".ofd", "application/ofd"),
)


def media_type(data: bytes) -> str | None:
    """An attachment's media type by its first bytes, a ZIP package's by the part that makes it a DOCX, XLSX or
    OFD (served as ``application/zip`` a browser saved a decision as an archive); ``None``: not accepted."""
    media = next((m for magic, m in MAGIC if data.startswith(magic)), None)
    if media != "application/zip":
        return media
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return media
    return next((m for part, _, m in PACKAGES if part in names), media)


def served_media_type(media: str, file_name: str) -> str:
    """The media type a stored document is served as: a package stored as ``application/zip`` before
    :func:`media_type` named packages is named by its file name's extension."""
    if media == "application/zip":
        return next((m for _, ext, m in PACKAGES if file_name.lower().endswith(ext)), media)
    return media


#: the label of a further attachment (declared documents carry their own)
ATTACHMENT = Text(zh="附件", en="Attachment")

def due_unknown(session: Session, case_ids: list[int]) -> set[int]:
    """Of ``case_ids``, the cases with a running deadline not computed yet (it reaches into a year whose holiday
    schedule is not loaded): not "no deadline" — every list of cases says it waits for the schedule, as the case
    page does (the to-do list, the protection case list)."""
    if not case_ids:
        return set()
    return set(session.scalars(select(CLOCKS.c.case_id).where(
        CLOCKS.c.case_id.in_(bindparam(None, case_ids, expanding=True)),
        CLOCKS.c.status != "stopped", CLOCKS.c.due_on.is_(None), CLOCKS.c.due_problem.is_not(None))))


def due_provisional(session: Session, case_ids: list[int]) -> set[int]:
    """Of ``case_ids``, the cases whose nearest deadline (``next_due``) is a provisional date — a running clock's last
    day counted in a year whose holiday schedule is not published yet (:meth:`zhichan.legaltime.Clock.reckon`)."""
    if not case_ids:
        return set()
    return set(session.scalars(select(CLOCKS.c.case_id).join(CASES, CASES.c.id == CLOCKS.c.case_id).where(
        CLOCKS.c.case_id.in_(bindparam(None, case_ids, expanding=True)), CLOCKS.c.status != "stopped",
        CLOCKS.c.due_on.is_not(None), CLOCKS.c.due_problem.is_not(None), CLOCKS.c.due_on == CASES.c.next_due)))


#: the columns of a case every list of cases shows it by (:meth:`ProcedureService.case_rows`): each list's query selects
#: them, beside what it adds of its own
CASE_ROW = (CASES.c.id, CASES.c.number, CASES.c.procedure, CASES.c.jurisdiction, CASES.c.declaration_digest,
            CASES.c.title, CASES.c.state, CASES.c.is_open, CASES.c.next_due, CASES.c.fields, CASES.c.region_code,
            CASES.c.synthetic)


def provisional(row: Any) -> bool:
    """Whether a clock row's last day is provisional (stored beside why: ``due_problem``)."""
    return row.due_on is not None and row.due_problem is not None


def exact_due(row: Any) -> dt.date | None:
    """A clock row's last day when it is exact, else ``None``: a step that waits for a period to run out, or is
    refused once it has, is never decided on a provisional date (the published schedule may move it either way)."""
    return None if provisional(row) else row.due_on


def exact_clock(row: Any) -> Any:
    """A clock row with its last day only when exact (:func:`exact_due`), for a domain's rules; ``None`` stays."""
    if row is None or not provisional(row):
        return row
    return SimpleNamespace(**({c.name: getattr(row, c.name) for c in CLOCKS.c} | {"due_on": None}))


@dataclass(frozen=True)
class Blocked:
    """What holds a step back with neither a day nor a step of the case to wait for: something done elsewhere — a step
    of another case (a patent's transfer is registered once its open licence is withdrawn, in the declaration's own
    case). ``reason``: why, "中文 / English" (the step's refusal and what the case page says in its place);
    ``procedure`` and ``case_id``: that other case, which the case page links."""

    reason: str
    procedure: str | None = None
    case_id: int | None = None
    #: what the case waits for, short, "中文 / English" (the case page's header: 等待：开放许可声明撤回（另案）); else the reason
    waits: str = ""
    #: a page where what it waits for is settled, not a case (the priority-examination quotas a province allocates),
    #: which the case page and the to-do lists link
    url: str | None = None


#: what holds a step back in a case (:meth:`ProcedureService.add_holds`): the first day it may be taken, the event of
#: a step it waits for, which the case has not taken yet, or something elsewhere (:class:`Blocked`)
Hold = dt.date | str | Blocked

#: the sweep's stages (``procedure_clocks.warned``): before the deadline, on the day, overdue
WARNING_LEVELS = {"warning": 1, "due": 2, "overdue": 3}


def next_alert(level: int, due: dt.date) -> dt.date | None:
    """The day the sweep next has something to say about a deadline warned of up to ``level``."""
    return {1: due, 2: first_day_after(due)}.get(level)  # overdue from the day after


def clock_problem(decl: Declaration, spec: TransitionSpec, clocks: dict[str, Any], today: dt.date) -> str | None:
    """Why the case's clocks do not allow ``spec`` now (``clocks``: its clock rows by name), or ``None``:
    a pause needs a running clock, a resume a paused one, an extension an unexpired deadline not yet
    extended as often as declared, an ``answers`` step a clock started and not stopped, an ``idle`` step its clocks
    stopped or never started, a ``lapsed`` step a running clock whose last day has passed, a ``within`` step none
    whose last day has passed. The step refuses with it; the case page offers only steps without one. A provisional
    last day (:func:`exact_due`) neither opens a ``lapsed`` step nor closes a ``within`` step or an extension."""
    stored, clocks = clocks, {name: exact_clock(row) for name, row in clocks.items()}
    for name in spec.answers:
        row = clocks.get(name)
        if row is None or row.status == "stopped":
            title = decl.clocks[name].title
            return f"“{title.zh}”期限未在计时，此步骤无从办理 / no “{title.en}” period is running for this step to answer"
    for name in spec.idle:
        row = clocks.get(name)
        if row is not None and row.status != "stopped":
            title = decl.clocks[name].title
            return f"“{title.zh}”期限在计时，此步骤不适用 / the “{title.en}” period is running: this step does not apply"
    for name in spec.lapsed:
        row = clocks.get(name)
        if row is None or row.status == "stopped" or row.due_on is None or row.due_on >= today:
            title = decl.clocks[name].title
            kept = stored.get(name)
            if row is not None and row.status != "stopped" and kept is not None and provisional(kept):
                year = kept.due_on.year
                return (f"“{title.zh}”暂定至 {kept.due_on} 届满（{provisional_note(year, 'zh')}），须待放假安排公布、"
                        f"确定届满后方可办理此步骤 / the “{title.en}” runs until {kept.due_on} "
                        f"({provisional_note(year, 'en')}): this step waits until the schedule is published and the "
                        "period has ended")
            if row is None or row.status == "stopped" or row.due_on is None:
                return (f"“{title.zh}”未在计时或届满之日尚不能确定，此步骤须待其届满 / the “{title.en}” is not running "
                        "or its last day is not known yet: this step comes after it")
            after = first_day_after(row.due_on)
            return (f"“{title.zh}”至 {row.due_on} 届满，{after} 起方可办理此步骤 / the “{title.en}” runs until "
                    f"{row.due_on}: this step can be taken from {after}")
    for name in spec.within:
        row = clocks.get(name)
        if row is not None and row.due_on is not None and row.due_on < today:
            title = decl.clocks[name].title
            return (f"“{title.zh}”已于 {row.due_on} 届满，此步骤须在期内办理 / the “{title.en}” ended on {row.due_on}: "
                    "this step is taken within it")
    for names, status in ((spec.pauses, "running"), (spec.resumes, "paused")):
        for name in names:
            row = clocks.get(name)
            if status == "running" and row is not None and row.status == "paused" and not any(
                    p["end"] is None and p.get("event", spec.event) == spec.event for p in json.loads(row.pauses)):
                continue  # paused by another kind of step: a second excluded period may open inside it (in_force_problem)
            if row is None or row.status != status:
                word = {"running": "计时中", "paused": "已中止"}[status]
                return f"“{decl.clocks[name].title.zh}”不在{word}状态 / the {decl.clocks[name].title.en} clock is not {status}"
            if status == "paused" and not resumable(decl, spec, json.loads(row.pauses)):
                return (f"“{decl.clocks[name].title.zh}”的中止不由此步骤结束 / this step does not end what pauses the "
                        f"{decl.clocks[name].title.en} clock")
    if spec.extends is not None:
        title = decl.clocks[spec.extends.clock].title
        row = clocks.get(spec.extends.clock)
        if row is None or row.status == "stopped":
            return f"“{title.zh}”未在计时 / that clock is not running"
        if row.due_on is not None and row.due_on < today:
            # an extension is approved within the period; afterwards it would only hide a missed deadline
            return f"“{title.zh}”已于 {row.due_on} 届满，不能再延长 / the {title.en} expired on {row.due_on} and cannot be extended"
    return None


def in_force_problem(decl: Declaration, spec: TransitionSpec, clocks: dict[str, Any], events: list[str],
                     decisions: Mapping[str, DecisionSpec]) -> str | None:
    """Why ``spec`` would bring about what is in force already in a case whose clock rows by name are ``clocks`` and
    whose steps are ``events`` in order, or ``None`` — the one rule for every declaration, offered and taken alike:

    - a pause while the same pause runs: a clock paused by a step answered the same way (:attr:`Declaration.pause_enders`)
      — a case suspended on one ground (中止处理, 因无效宣告请求中止处理: both end by 恢复处理) is not suspended again on
      another; a cure asked for is not asked again while it runs; a pause another step answers (a jurisdiction
      objection) may still open inside a suspension;
    - a request while the same request is pending (:func:`pending`), unless its decision answers ``several`` at once;
    - an extension granted as often as declared (``max_times``).

    ``decisions``: what each deciding step decides, as the declaration that says whom the case awaits says it."""
    enders = decl.pause_enders
    for name in spec.pauses:
        row = clocks.get(name)
        for p in json.loads(row.pauses) if row is not None else []:
            if p["end"] is not None or "event" not in p or enders.get(p["event"], frozenset()) != enders[spec.event]:
                continue
            opened = next((t.title for t in decl.transitions if t.event == p["event"]), spec.title)
            ground = p.get("reason") or ""
            from zhichan.web.labels import choice  # the ground's English words (a declared choice)

            clock = decl.clocks[name].title
            return (f"“{clock.zh}”已于 {p['start']} 因“{opened.zh}”中止{'（' + ground + '）' if ground else ''}，"
                    f"尚未恢复，不能再次中止 / the {clock.en} has been paused since {p['start']} by “{opened.en}”"
                    f"{' (' + choice('en', ground) + ')' if ground else ''} and has not resumed: it cannot be paused again")
    for decision, decides in decisions.items():
        if spec.event in decides.requests and not decides.several \
                and pending(frozenset(decides.requests), answering(decisions, decision), events):
            asked = next(t.title for t in decl.transitions if t.event == spec.event)
            deciding = next((t.title for t in decl.transitions if t.event == decision), asked)
            return (f"已有待决定的“{asked.zh}”，须先“{deciding.zh}” / a “{asked.en}” is pending: “{deciding.en}” "
                    "comes first")
        granting = next((t for t in decl.transitions if t.event == decision), None) \
            if spec.event in decides.requests else None
        if granting is not None and granting.extends is not None:  # asking for an extension granted already
            row = clocks.get(granting.extends.clock)
            if row is not None and sum(1 for e in json.loads(row.extensions)
                                       if e.get("event") == decision) >= granting.extends.max_times:
                return "该延长已批准过，不能再次延长 / this extension was already granted"
    if spec.extends is not None:
        row = clocks.get(spec.extends.clock)
        if row is not None and sum(1 for e in json.loads(row.extensions)
                                   if e.get("event") == spec.event) >= spec.extends.max_times:
            return "该延长已批准过，不能再次延长 / this extension was already granted"
    return None


@dataclass(frozen=True)
class Office:
    """The caller's office, as a step's ``office`` asks of it: its area's region prefix (``""`` the nation's, ``None``
    no office's), its organization's path, and the path of the office handling the case. ``area``: the caller speaks
    for every office of its area (辖区待办, the oversight view: what awaits any of them — the handling office's steps
    as the handling office's)."""

    prefix: str | None
    path: str | None
    handling: str
    area: bool = False

    @classmethod
    def of(cls, scope: Scope, handling: str, *, area: bool = False) -> Office:
        return cls(scope.region_prefix, scope.org_path, handling, area)


#: the organizations a case may be moved to (``TransitionSpec.transfers``): the IP offices of a province, a city, a county
TRANSFER_OFFICE_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)

#: why the handling office's 移送 lists its province's offices only (the form says it beside the list; the engine refuses
#: another province's with it): 专利法实施细则 第九十七条 第三款
OTHER_PROVINCE = Text(zh="移送限于本省（自治区、直辖市）的机关：跨省的管辖由国家知识产权局指定（专利法实施细则第九十七条第三款："
                         "无共同上级人民政府管理专利工作的部门的，由国务院专利行政部门指定管辖）",
                      en="A case is moved to an office of its own province only: another province's office is designated "
                         "by the national office (Implementing Regulations of the Patent Law, Art. 97(3): where the offices "
                         "have no common upper level, the patent administration department of the State Council designates)")

#: why a designation (指定管辖) lists the caller's area's offices: 专利法实施细则 第九十七条 第三款
DESIGNATED_AREA = Text(zh="列出本机关辖区内的机关：管辖争议由争议机关的共同上级机关指定；跨省的由国家知识产权局指定（专利法实施细则"
                          "第九十七条第三款）",
                       en="The offices of your own area: a dispute over jurisdiction is designated by the offices' common "
                          "upper level, one between provinces by the national office (Implementing Regulations of the "
                          "Patent Law, Art. 97(3))")

#: the offices above the handling one that take a step (``TransitionSpec.office``): their own to-do, in the cases of
#: the offices below them
UPPER_OFFICES = frozenset({"province", "above", "upper"})

#: who takes a step (``TransitionSpec.office``; ``None``: the handling office), as the case page says it to the others
OFFICE_TAKERS = {None: Text(zh="由办案机关办理", en="taken by the office handling the case"),
                 "province": Text(zh="由省级（或国家）知识产权管理部门办理", en="taken by a provincial (or the national) IP office"),
                 "above": Text(zh="由办案机关的上一级机关办理", en="taken by the office directly above the one handling the case"),
                 "upper": Text(zh="由办案机关的上级机关办理", en="taken by an office above the one handling the case"),
                 "area": Text(zh="由办案机关或其上级机关办理", en="taken by the office handling the case or one above it")}


def parent_path(path: str) -> str:
    """The path of the organization directly above the one at ``path`` (``/1/2/3/`` → ``/1/2/``; the root's: ``/``)."""
    return path[:path.rstrip("/").rfind("/") + 1]


def provincial(prefix: str | None) -> bool:
    """Whether an office of the area ``prefix`` (a region prefix, :class:`Office`) is a provincial or the national one."""
    return prefix is not None and len(prefix) <= 2


def office_by_caller(spec: TransitionSpec) -> bool:
    """Whether the caller's office alone decides whether it takes ``spec`` (:func:`office_problem`), whichever office
    handles the case: a provincial office's step (a recommendation) — the to-do list decides it once for the caller,
    not case by case (:func:`per_case`'s ``caller_decides``)."""
    return spec.office == "province"


def office_problem(spec: TransitionSpec, office: Office | None, *, party: bool = False,
                   counterparty: bool = False) -> str | None:
    """Why the caller's ``office`` does not take ``spec`` — a step of the handling office (one naming no office: the
    decision, a suspension, the head's approval and extension; an office above sees the case and takes none of them),
    a provincial office's recommendation, the upper level's extension —, or ``None``: also where no office is given (a
    check of the roles only), and for a step the caller takes as the case's ``party`` or ``counterparty`` or as anyone
    (``public``), which is no office's. The one rule of the case page, the to-do lists and the engine."""
    if office is None or (party and spec.party) or (counterparty and spec.counterparty) or spec.public:
        return None
    below = office.path is not None and office.handling != office.path and office.handling.startswith(office.path)
    if spec.office is None:  # the handling office's own (辖区待办 speaks for it)
        fits = office.area or (office.path is not None and office.handling == office.path)
    elif spec.office == "province":
        fits = provincial(office.prefix)
    elif spec.office == "above":
        # the upper level (81号令 第三十七条 上级; 专利法实施细则 第九十七条 上级人民政府管理专利工作的部门): the office directly
        # above the handling one — not every office above it (a province besides the city of a district's case) —;
        # the area view of an office above speaks for it (it is in that area)
        fits = below and (office.area or office.path == parent_path(office.handling))
    elif spec.office == "upper":  # any office above the handling one (指定管辖: the common upper level)
        fits = below
    else:  # area: the handling office or one above it
        fits = office.path is not None and office.handling.startswith(office.path)
    if fits:
        return None
    who = OFFICE_TAKERS[spec.office]
    return f"“{spec.title.zh}”{who.zh} / “{spec.title.en}” is {who.en}"


def held_problem(decl: Declaration, spec: TransitionSpec, held: Mapping[str, Hold], today: dt.date) -> str | None:
    """Why a step a domain holds back (``held``: event → its first day, the event of a step it waits for, or what
    blocks it elsewhere) cannot be taken ``today``: before that day, before that step (须先办理: no day is known), or
    while that blocks it (its reason)."""
    day = held.get(spec.event)
    if isinstance(day, Blocked):
        return day.reason
    if isinstance(day, str):
        return first_problem(decl, day)
    if day is None or day <= today:
        return None
    return f"“{spec.title.zh}”自 {day} 起方可办理 / “{spec.title.en}” can be taken from {day}"


def resumable(decl: Declaration, spec: TransitionSpec, pauses: list[dict[str, Any]]) -> list[int]:
    """The open pauses a resuming step may end, where pauses overlap (a jurisdiction objection during a suspension).
    A step that answers a pausing step — it stops the clock that step started, as the decision on an objection stops
    the objection's — ends only the pauses those steps opened; any other (恢复) only the pauses no step answers that
    way (a suspension's). A pause stored before pauses named their step may be ended by any."""
    own = {pauser for pauser, enders in decl.pause_enders.items() if spec.event in enders}
    answered_by_some = {pauser for pauser, enders in decl.pause_enders.items() if enders}
    out = []
    for i, p in enumerate(pauses):
        event = p.get("event")
        if p["end"] is None and (event is None or (event in own if own else event not in answered_by_some)):
            out.append(i)
    return out


def clocked(spec: TransitionSpec) -> bool:
    """Whether the case's clocks must allow ``spec`` (:func:`clock_problem`)."""
    return bool(spec.pauses or spec.resumes or spec.answers or spec.idle or spec.lapsed or spec.within or spec.extends)


def missing_fields(decl: Declaration, spec: TransitionSpec, case_fields: dict[str, Any]) -> str | None:
    """Why ``spec`` does not apply to a case filed with ``case_fields`` (a start field it ``requires`` left
    empty: an anonymous report has no requester to open an adjudication for), or ``None``."""
    for name in spec.requires:
        if not str(case_fields.get(name) or "").strip():
            label = next((f.label for f in decl.start.fields if f.name == name), Text(zh=name, en=name))
            return (f"本办件未填写“{label.zh}”，不能办理“{spec.title.zh}” / the case was filed without "
                    f"“{label.en}”: “{spec.title.en}” does not apply")
    return None


def excluding_step(spec: TransitionSpec, takers: list[tuple[str, int | None]], user_id: int | None) -> str | None:
    """The event of the caller's step that keeps it from ``spec`` — one of the steps ``spec`` must be taken by someone
    else than (``not_by``: for each group of events, the taker of the latest step among them) —, else None.
    ``takers``: the case's steps (event, user) in order."""
    for group in spec.not_by:
        last = next(((event, user) for event, user in reversed(takers) if event in group), None)
        if last is not None and last[1] is not None and last[1] == user_id:
            return last[0]
    return None


def excluded_taker(spec: TransitionSpec, takers: list[tuple[str, int | None]], user_id: int | None) -> bool:
    """Whether the caller took one of the steps ``spec`` must be taken by someone else than (:func:`excluding_step`)."""
    return excluding_step(spec, takers, user_id) is not None


def per_case(decl: Declaration, spec: TransitionSpec, *, caller_decides: bool = False) -> bool:
    """Whether the case itself decides whether ``spec`` is offered in its state: its clocks (:func:`clock_problem`),
    the start fields it was filed with (:func:`missing_fields`), who took its earlier steps (``not_by``), which
    steps were taken before it (``after``: :func:`before_problem`), whether a request it decides is pending
    (``decides``: :func:`undecided_problem`), whether the request it makes is (:func:`in_force_problem`) or whether the
    caller's office is the one that takes it (``office``: :func:`office_problem`, the case's handling office above) —
    unless the caller's office alone decides that (:func:`office_by_caller`) and it was decided (``caller_decides``)."""
    return clocked(spec) or bool(spec.requires) or bool(spec.not_by) or bool(spec.after) or spec.decides is not None \
        or spec.event in decl.single_requests \
        or (spec.office in UPPER_OFFICES and not (caller_decides and office_by_caller(spec)))


def pending(requests: frozenset[str], decisions: str | frozenset[str], events: list[str]) -> bool:
    """Whether a request is pending in a case whose steps are ``events`` in order: one of the ``requests`` steps was
    taken after the latest of the ``decisions`` steps — one step, or every step answering them (:func:`answering`: a
    grant or a refusal alike); one decision answers every request before it."""
    def last(names: frozenset[str]) -> int:
        return max((i for i, e in enumerate(events) if e in names), default=-1)

    return last(requests) > last(frozenset({decisions}) if isinstance(decisions, str) else decisions)


def answering(decisions: Mapping[str, DecisionSpec], decision: str) -> frozenset[str]:
    """The steps that answer the requests ``decision`` decides (``decisions``: what each deciding step decides): it and
    every other step deciding one of them — the upper level's grant of the further extension and its refusal."""
    asked = set(decisions[decision].requests) if decision in decisions else set()
    return frozenset({decision} | {e for e, d in decisions.items() if asked & set(d.requests)})


def undecided_problem(decl: Declaration, spec: TransitionSpec, events: list[str],
                      decisions: Mapping[str, DecisionSpec]) -> str | None:
    """Why a step that decides a request (``decides``: 对回避申请作出决定; :attr:`Declaration.decisions`) cannot be taken in a case
    whose steps are ``events`` in order: no request it decides is pending — none was made, or each was decided
    already —, or ``None``. ``decides``: what the step decides as the declaration that says whom a case awaits says
    it (:meth:`ProcedureService.expectations`: a case filed under an earlier file decides as the current one says)."""
    decides = decisions.get(spec.event)
    if decides is None or pending(frozenset(decides.requests), answering(decisions, spec.event), events):
        return None
    asked = list({t.event: t.title for t in decl.transitions if t.event in decides.requests}.values())
    zh = "或".join(f"“{t.zh}”" for t in asked)
    en = " or ".join(f"“{t.en}”" for t in asked)
    return (f"“{spec.title.zh}”须有待决定的{zh}：尚未提出，或均已决定 / “{spec.title.en}” decides a pending {en}: "
            "none was made, or each was decided already")


def before_problem(decl: Declaration, spec: TransitionSpec, taken: set[str]) -> str | None:
    """Why ``spec`` cannot be taken yet in a case whose steps so far are ``taken``: a step its ``after`` names is
    not among them (the head's one-month extension before the upper level's two months), or ``None``."""
    for event in spec.after:
        if event not in taken:
            return first_problem(decl, event)
    return None


def first_problem(decl: Declaration, event: str) -> str:
    """That the step ``event`` of ``decl`` comes first (须先办理)."""
    first = next(t.title for t in decl.transitions if t.event == event)
    return f"须先办理“{first.zh}” / “{first.en}” comes first"


def conditional(decl: Declaration, spec: TransitionSpec, *, caller_decides: bool = False) -> bool:
    """Whether ``spec`` is offered only in some cases of its states: a step taken once, or one the case itself must
    allow (:func:`per_case`, with ``caller_decides``)."""
    return spec.once or per_case(decl, spec, caller_decides=caller_decides)


def offered(decl: Declaration, state: str, is_open: bool, role: str, *, officer: bool, party: bool,
            counterparty: bool, clocks: dict[str, Any], taken: set[str], today: dt.date,
            case_fields: dict[str, Any], takers: list[tuple[str, int | None]] | None = None, user_id: int | None = None,
            keep: str | None = None, held: Mapping[str, Hold] | None = None,
            said: Declaration | None = None, office: Office | None = None) -> list[TransitionSpec]:
    """The steps a caller may take now in a case — the one rule for what the case page offers and for whether
    the case is on the caller's to-do list (:meth:`ProcedureService.todo`). ``clocks``: the case's clock rows by
    name; ``taken``: the events already taken in it; ``case_fields``: the fields it was filed with; ``takers``: its
    steps (event, user) in order, for ``not_by`` against the caller's ``user_id`` and for a request pending a
    ``decides`` step; ``keep``: a step just refused
    stays offered, so its form shows the reason with the input kept; ``held``: the first day of steps a domain holds
    back (:meth:`ProcedureService.add_holds`); ``said``: the declaration that says whom the case awaits and which requests
    its steps decide (:meth:`ProcedureService.expectations`: a case filed under an earlier file decides as the current
    one says), else ``decl``; ``office``: the caller's, for a step only some office takes (:func:`office_problem`)."""
    events = [event for event, _ in takers or []]
    decides = (said or decl).decisions
    return [t for t in decl.transitions_from(state)
            if is_open and decl.may_take(t, role, is_party=party, is_officer=officer, is_counterparty=counterparty)
            and (officer or not t.public)  # a public step (an objection) is the public's, or recorded by officers
            and office_problem(t, office, party=party, counterparty=counterparty) is None
            and (t.event == keep or (clock_problem(decl, t, clocks, today) is None
                                     and held_problem(decl, t, held or {}, today) is None
                                     and in_force_problem(decl, t, clocks, events, decides) is None))
            and missing_fields(decl, t, case_fields) is None
            and not excluded_taker(t, takers or [], user_id)
            and not (t.once and t.event in taken)
            and before_problem(decl, t, taken) is None
            and undecided_problem(decl, t, events, decides) is None]


@dataclass(frozen=True)
class Waiting:
    """A step held back until a day (:func:`waiting`): the first day it is offered, provisional where a period it waits
    for ends in a year whose holiday schedule is not published (the day may move either way); or held back by something
    elsewhere (``blocked``, no day)."""

    spec: TransitionSpec
    day: dt.date | None
    provisional: bool
    blocked: Blocked | None = None


def waiting(decl: Declaration, state: str, is_open: bool, role: str, *, clocks: dict[str, Any], today: dt.date,
            held: Mapping[str, Hold] | None = None, **caller: Any) -> list[Waiting]:
    """The steps :func:`offered` would give the caller but for a period still running (``lapsed``) or a domain's hold
    (``held``), each with the day it is offered from: the day after the last of those periods' last days, or the held
    day (the later of them) — what the case page says beside such a step (可于 … 起办理). A step something else
    stands against on that day (another clock, a field, an earlier step), or one waiting for a period not running
    (no day known), is not among them. A step :class:`Blocked` elsewhere is, with no day, where nothing else stands
    against it (its reason shown in its place). ``caller``: :func:`offered`'s other arguments."""
    held = held or {}
    now = {t.event for t in offered(decl, state, is_open, role, clocks=clocks, today=today, held=held, **caller)}
    out: list[Waiting] = []
    blocked = []
    for t in decl.transitions_from(state):
        if t.event not in now and isinstance(hold := held.get(t.event), Blocked) and t.event in {
                o.event for o in offered(decl, state, is_open, role, clocks=clocks, today=today,
                                         held={e: h for e, h in held.items() if e != t.event}, **caller)}:
            blocked.append(Waiting(t, None, False, hold))
    for t in decl.transitions_from(state):
        if t.event in now or not (t.lapsed or t.event in held) or isinstance(held.get(t.event), (str, Blocked)):
            continue  # offered, not held back, or held until a step or by something elsewhere (no day to say)
        rows = [r for name in t.lapsed if (r := clocks.get(name)) is not None and r.status == "running" and r.due_on]
        if len(rows) < len(t.lapsed):  # a period not running, or its last day unknown: no day to say
            continue
        ends = [(first_day_after(r.due_on), provisional(r)) for r in rows] + \
            ([(day, False)] if isinstance(day := held.get(t.event), dt.date) else [])
        day = max(d for d, _ in ends)
        # on that day, the periods' last days taken as they stand now: offered then, or something else is in its way
        exact = {**clocks, **{n: SimpleNamespace(**({c.name: getattr(r, c.name) for c in CLOCKS.c} | {"due_problem": None}))
                              for n, r in zip(t.lapsed, rows, strict=True)}}
        if t.event in {o.event for o in offered(decl, state, is_open, role, clocks=exact, today=max(day, today),
                                                 held=held, **caller)}:
            out.append(Waiting(t, day, any(p for d, p in ends if d == day)))
    return sorted(out, key=lambda w: w.day or today) + blocked


@dataclass(frozen=True)
class Stalled:
    """Whom a case awaits in vain (:func:`stalled`): ``actors``, each of whom would have a step expected of it now but
    for the domain's holds or a declared period still running (``lapsed``), and ``holds``: those steps, each with what
    keeps it back — its first day, the event of a step of the case that comes first, or something elsewhere
    (:class:`Blocked`)."""

    actors: frozenset[str] = frozenset()
    holds: tuple[tuple[TransitionSpec, Hold], ...] = ()


def stalled(decl: Declaration, state: str, is_open: bool, awaited_now: frozenset[str] | None, *,
            held: Mapping[str, Hold], **case: Any) -> Stalled:
    """Whom of those a case awaits (``awaited_now``, :func:`awaited`) it awaits in vain, and what for: an actor with no
    step expected of it now (:func:`on_todo`, the to-do lists' rule — as an officer of the handling office, the party
    or the counterparty), which it would have without the domain's holds (``held``: :meth:`ProcedureService.add_holds`)
    or once a declared period ends (:func:`waiting`: a data-IP registration's notice) — the case is not on its list, so its page does not name it as awaited but says what the case waits for (an
    officer's transfer registration while the patent's open licence is published: its withdrawal, in another case).
    Where the declaration does not say whom the case awaits (``None``: anyone with a step), only when every actor with
    a step of the state is. ``case``: :func:`offered`'s arguments of the case (``clocks``, ``taken``, ``today``,
    ``case_fields``, ``takers``, ``said``), no caller's own (``user_id``, ``office``)."""
    if not is_open or decl.states[state].resting:
        return Stalled()
    steps = decl.transitions_from(state)
    actors = awaited_now if awaited_now is not None else frozenset(
        {r for t in steps for r in t.roles} | ({"party"} if any(t.party for t in steps) else set())
        | ({"counterparty"} if any(t.counterparty for t in steps) else set()))
    vain: set[str] = set()
    holds: dict[str, tuple[TransitionSpec, Hold]] = {}
    for actor in sorted(actors):
        who: dict[str, Any] = {"officer": actor not in ("party", "counterparty"), "party": actor == "party",
                               "counterparty": actor == "counterparty"}
        role = actor.rpartition(":")[2]  # an office above's role (``province:case_officer``) takes its office's steps
        if on_todo(decl, state, offered(decl, state, is_open, role, held=held, **who, **case), role,
                   awaited=awaited_now, **who):
            continue
        kept: list[tuple[TransitionSpec, Hold]] = [
            (t, held[t.event]) for t in offered(decl, state, is_open, role, held={}, **who, **case)
            if awaits(t, role, awaited=awaited_now, **who) and t.event in held
            and held_problem(decl, t, held, case["today"]) is not None]
        # a step a declared period still holds back (lapsed: a data-IP registration until its notice ends), with the day
        kept += [(w.spec, w.day) for w in waiting(decl, state, is_open, role, held=held, **who, **case)
                 if w.day is not None and w.spec.event not in held and awaits(w.spec, role, awaited=awaited_now, **who)]
        if kept:
            vain.add(actor)
            holds |= {t.event: (t, hold) for t, hold in kept}
    if awaited_now is None and vain != actors:
        return Stalled()
    return Stalled(frozenset(vain), tuple(holds.values()))


def _only(takes: Callable[[TransitionSpec], bool], *,
          always: bool) -> Callable[[Declaration, TransitionSpec], bool]:
    """``takes`` narrowed to the steps someone waits for (not ``optional``) offered in every case of their states
    (``always``), or to the others — ``takes`` having decided what the caller's office alone decides
    (:func:`office_by_caller`)."""
    return lambda d, t: takes(t) and not t.optional and conditional(d, t, caller_decides=True) != always


def awaiting_period(decl: Declaration, state: str, clocks: dict[str, Any]) -> tuple[dt.date, str]:
    """What a case row keeps (``awaits_until``, ``awaits_by``) of the running periods that say whom the case awaits —
    in the states they may run in (a party's 补正期限: the party; :attr:`Declaration.periods_awaiting`) — with
    ``clocks`` its clock rows by name: the last day of the latest (:data:`NO_DEADLINE` when one has none yet) and
    whom they await, a sorted comma list; :data:`NO_PERIOD` and ``""`` when none runs. ``decl``: the declaration that
    says it (:meth:`ProcedureService.expectations`). Written where the engine recomputes ``next_due``."""
    running = [(row.due_on or NO_DEADLINE, actors) for name, (states, actors) in decl.periods_awaiting.items()
               if state in states for row in [clocks.get(name)] if row is not None and row.status == "running"]
    if not running:
        return NO_PERIOD, ""
    return max(day for day, _ in running), ",".join(sorted({actor for _, actors in running for actor in actors}))


def pending_awaits(decl: Declaration, state: str, events: list[str]) -> str:
    """What a case row keeps (``awaits_also``) of the requests pending in it — a step that asks for a decision (a
    recusal request) taken after the deciding step's latest, in a state where that step is taken
    (:attr:`Declaration.pending_awaiting`) —, with ``events`` the case's steps in order: whom they await besides its
    state or period, a sorted comma list (``""`` when none is pending). ``decl``: the declaration that says it
    (:meth:`ProcedureService.expectations`). Written where the engine records a step."""
    return ",".join(sorted({actor for event, (states, requests, actors) in decl.pending_awaiting.items()
                            if state in states and pending(requests, answering(decl.decisions, event), events)
                            for actor in actors}))


#: the roles of an office (a bureau's staff): whom 辖区待办 shows a case awaiting
OFFICES = frozenset(str(role) for role in GOVERNANCE_ROLES)


def upper_actors(roles: frozenset[str]) -> frozenset[str]:
    """``roles`` as an office above the handling one is awaited in them (a request its leader decides:
    :func:`~zhichan.procedures.declaration.upper_actor`) — in its own to-do and the area view, not the handling office's."""
    return frozenset(upper_actor(office, role) for office in UPPER_OFFICES for role in roles)


def period_until(awaits_until: dt.date, awaits_by: str, today: dt.date) -> dt.date | None:
    """The last day of the running period that says whom the case awaits (a party's cure), while it speaks — up to
    that day —, from the row's ``awaits_until`` and ``awaits_by`` (:func:`awaiting_period`); else ``None``."""
    return awaits_until if awaits_until >= today and awaits_by else None


def awaited(decl: Declaration, state: str, awaits_until: dt.date, awaits_by: str, awaits_also: str,
            today: dt.date) -> frozenset[str] | None:
    """Who a case in ``state`` awaits ``today`` — roles, ``party``, ``counterparty``: while a period that says so runs
    (``awaits_until``, ``awaits_by``: what the case row keeps, :func:`awaiting_period`), up to its last day, those it
    awaits; else those the state awaits; ``None``, everyone with a step of their own, where the declaration does not
    say — and besides, whom the requests pending in it await (``awaits_also``, :func:`pending_awaits`: a recusal
    request, the leader). The to-do SQL tests the same (:meth:`ProcedureService._expecting`), and the case page shows
    it. ``decl``: the declaration that says it (:meth:`ProcedureService.expectations`)."""
    if period_until(awaits_until, awaits_by, today) is not None:
        found: frozenset[str] | None = frozenset(awaits_by.split(","))
    else:
        spec = decl.states.get(state)
        found = None if spec is None or spec.awaits is None else frozenset(spec.awaits)
    return found if found is None or not awaits_also else found | frozenset(awaits_also.split(","))


def awaits(t: TransitionSpec, role: str, *, officer: bool, party: bool, counterparty: bool,
           awaited: frozenset[str] | None) -> bool:
    """Whether an offered step is one the caller is waited for: its own to take — not only a public one (an
    objection an officer may record for someone who brings it) —, not an ``optional`` one (a withdrawal), and taken in
    a capacity the case ``awaited`` now (:func:`awaited`: a leader who may also refuse an application the officer
    decides on is not waited for)."""
    def expected(actor: str) -> bool:
        return awaited is None or actor in awaited

    # a request the upper level decides awaits that office's role (``above:bureau_leader``), in its steps only
    return not t.optional and ((officer and role in t.roles and (
        expected(role) or (t.office in UPPER_OFFICES and expected(upper_actor(t.office, role))))) or (party and t.party and expected("party"))
                               or (counterparty and t.counterparty and expected("counterparty")))


def on_todo(decl: Declaration, state: str, actions: list[TransitionSpec], role: str, *, officer: bool, party: bool,
            counterparty: bool, awaited: frozenset[str] | None) -> bool:
    """Whether a case whose page offers the caller ``actions`` (:func:`offered`) is on its to-do list: one of them is
    the caller's own and expected of it now (:func:`awaits`), in a state that awaits someone (a ``resting`` one awaits
    nobody)."""
    return not decl.states[state].resting and any(
        awaits(t, role, officer=officer, party=party, counterparty=counterparty, awaited=awaited) for t in actions)


@dataclass(frozen=True)
class Upload:
    """A file attached to a step: ``slot`` is ``doc<N>`` for the N-th required document, else ``extra``."""

    slot: str
    filename: str
    content: bytes
    #: made by the domain's document generator (a slot then takes every generated form: PDF and DOCX)
    generated: bool = False


@dataclass(frozen=True)
class DocumentRequest:
    """A required document a step was submitted without, for a domain's generator to fill in from the
    case (``case``: its row, ``None`` when the case is being opened) and the step's checked fields."""

    procedure: str
    jurisdiction: str
    event: str
    label: Text
    slot: str
    fields: dict[str, Any]
    case: dict[str, Any] | None
    now: dt.datetime
    #: the organization of whoever takes the step: an office's step, the office that issues the document (a province
    #: recommends a city's case)
    org_id: int | None = None
    #: the step's number in the case (a document's 文号 names it)
    seq: int = 1


#: a domain's generator of standard documents (受理通知书 …): the files for one required document, or ()
DocumentGenerator = Callable[[Session, DocumentRequest], tuple[Upload, ...]]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class Option:
    """One choice of a domain's list (``FieldSpec.options``): the value stored, its label in both languages."""

    value: str
    label: Text


#: a domain's list of choices (``FieldSpec.options``) open to a filer in an area (a region code), or every one (None)
OptionList = Callable[[str | None], tuple[Option, ...]]


@dataclass(frozen=True)
class Listed:
    """A field shown by a domain's list (:meth:`ProcedureService.option_labels`): its label, each value's label."""

    label: Text
    values: dict[str, Text]


def check_fields(specs: tuple[FieldSpec, ...], values: dict[str, Any],
                 options: dict[str, OptionList] | None = None) -> dict[str, Any]:
    """The declared fields' values, cleaned; :class:`FormError` lists every problem at once. ``options``: the
    domains' lists by name, for fields that take their choices from one (a value not in it is refused)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for spec in specs:
        raw = values.get(spec.name)
        text = "" if raw is None else str(raw).strip()
        if not text:
            if spec.required:
                errors[spec.name] = f"请填写“{spec.label.zh}” / {spec.label.en} is required"
            continue
        refused = text_refusal(text)
        if refused:
            errors[spec.name] = refused
        elif len(text) > spec.max_length:
            errors[spec.name] = f"“{spec.label.zh}”超过 {spec.max_length} 字 / longer than {spec.max_length} characters"
        elif spec.kind == "date":
            try:
                clean[spec.name] = dt.date.fromisoformat(text).isoformat()
            except ValueError:
                errors[spec.name] = f"“{spec.label.zh}”应为日期 YYYY-MM-DD / {spec.label.en}: expected YYYY-MM-DD"
        elif spec.kind == "integer":
            try:
                clean[spec.name] = int(text)
            except ValueError:
                errors[spec.name] = f"“{spec.label.zh}”应为整数 / {spec.label.en}: expected a whole number"
        elif spec.kind == "money":
            try:
                clean[spec.name] = format(parse_money(text, spec.unit, zero=spec.zero).normalize(), "f")
            except MoneyError as exc:
                errors[spec.name] = f"“{spec.label.zh}”{exc.reason}"
        elif spec.kind == "application_number":
            try:
                clean[spec.name] = normalize_application_number(text)
            except FieldError as exc:
                errors[spec.name] = f"“{spec.label.zh}”：{exc.reason}"
        elif spec.options is not None and text not in option_values(options, spec.options):
            errors[spec.name] = (f"“{spec.label.zh}”请从列表中选择（没有“{text[:40]}”） / {spec.label.en}: choose one "
                                 f"from the list (there is no “{text[:40]}”)")
        elif spec.kind == "choice" and spec.options is None and text not in spec.choices:
            errors[spec.name] = f"“{spec.label.zh}”不在可选范围内 / {spec.label.en}: not one of the choices"
        else:
            clean[spec.name] = text
    if errors:
        raise FormError(errors)
    return clean


def option_values(options: dict[str, OptionList] | None, name: str) -> set[str]:
    """Every value of the domain's list ``name`` (a declaration naming a list no domain registered is refused)."""
    found = (options or {}).get(name)
    if found is None:
        raise ConfigError(f"没有选项列表 {name} / no list of options {name}")
    return {o.value for o in found(None)}


@dataclass(frozen=True)
class StepTaken:
    """A step as a domain's hook sees it: taken, checked, not yet recorded or committed."""

    case_id: int
    number: str
    procedure: str
    jurisdiction: str
    event: str  # "start" for the opening step
    source: str | None
    target: str
    #: this step's checked fields, and the case's fields from its start
    fields: dict[str, Any]
    case_fields: dict[str, Any]
    party_key: str | None
    party_user_id: int | None
    org_id: int
    region_code: str
    now: dt.datetime
    #: this step's stored documents (label, slot, file name, media type, size, SM3, SHA-256)
    documents: tuple[dict[str, Any], ...] = ()


#: a domain's hook on the steps of its procedures; it runs in the step's transaction, so raising
#: (``FormError`` for a field, ``ConflictError`` for a rule) refuses the step and nothing is kept
StepHook = Callable[[Session, Scope, StepTaken], None]
#: a domain's title of a case from its start fields, in a language, naming the parties the fields name as the mapping
#: gives them in that language (:meth:`ProcedureService.party_names`; a name not in it as typed); None: the stored title
CaseTitler = Callable[[dict[str, Any], str, Mapping[str, str]], str | None]
#: a domain's first days for steps of a case its declaration does not hold back itself (a case opened under an earlier
#: declaration, before the term the step waits for was declared): (session, case id, the case's declaration) → event →
#: the first day it may be taken, or the event of the step it waits for (a deal's contract: its public notice first;
#: :meth:`ProcedureService.add_holds`)
Holds = Callable[[Session, int, Declaration], Mapping[str, Hold]]
#: a hold said in SQL (:meth:`ProcedureService.add_holds`' ``free``): the condition on ``procedure_cases`` under which
#: no step it holds is held, ``today``
FreeOf = Callable[[dt.date], Any]
#: a lock a domain takes for a step before its moment is read (:meth:`ProcedureService.add_lock`): (session, case id,
#: event)
StepLock = Callable[[Session, int, str], None]


def named_in(stored: str, names: Mapping[str, str]) -> str:
    """A stored title with each party it names as ``names`` gives the party in the page's language (the longest name
    first, so a name inside another is not replaced within it); as stored where ``names`` is empty (a Chinese page).
    The stored title is the case's record and stays as it is."""
    found = sorted((n for n in names if n and names[n] and names[n] != n), key=len, reverse=True)
    if not found:
        return stored
    pattern = re.compile("|".join(re.escape(n) for n in found))
    return pattern.sub(lambda m: names[m.group(0)], stored)


class ProcedureService:
    def __init__(self, engine: Engine, registry: ProcedureRegistry, evidence: EvidenceService, files_dir: Path,
                 *, max_attachment_bytes: int = 20 * 1024 * 1024) -> None:
        self.engine = engine
        self.registry = registry
        #: :meth:`expectations` by (the case's declaration's digest, the current one's)
        self._expected: dict[tuple[str, str], Declaration] = {}
        self.evidence = evidence
        self.files_dir = files_dir
        self.max_attachment_bytes = max_attachment_bytes
        self._hooks: dict[str, list[StepHook]] = {}
        self._stored: dict[str, Declaration] = {}
        #: (a kept declaration's digest, the current one's) → the kept one in the current one's words
        self._worded: dict[tuple[str, str, str], Declaration] = {}
        self._generators: dict[str, DocumentGenerator] = {}
        self._titlers: dict[str, CaseTitler] = {}
        self._options: dict[str, OptionList] = {}
        self._holds: dict[str, tuple[frozenset[str], Holds]] = {}
        #: the holds a domain also says in SQL (:meth:`add_holds`' ``free``), by procedure
        self._free: dict[str, FreeOf] = {}
        self._makes: dict[str, frozenset[str]] = {}
        self._locks: dict[str, list[StepLock]] = {}
        self.add_options(OFFICE_LIST, self._offices)  # a step moving a case names the receiving office from it

    def _offices(self, region: str | None) -> tuple[Option, ...]:
        """The platform's IP offices (a province's, a city's, a county's) a case of ``region`` may be moved to — those of
        its province (every one where no region is given): the list a step that moves a case (``transfers``) names the
        receiving office from, by its name in the page's language; the engine checks the rest (:meth:`_receiving`)."""
        query = select(Organization.id, Organization.name, Organization.name_en).where(
            Organization.kind.in_(TRANSFER_OFFICE_KINDS)).order_by(Organization.path)
        if region:
            query = query.where(Organization.region_code.like(f"{region[:2]}%"))
        with Session(self.engine) as s:
            return tuple(Option(str(i), Text(zh=name, en=name_en or name)) for i, name, name_en in s.execute(query))

    def receiving_options(self, session: Session, scope: Scope, spec: TransitionSpec, case: Mapping[str, Any]) -> tuple[Option, ...]:
        """The offices the form of ``spec`` — a step that moves ``case`` (``transfers``) — offers to name, what
        :meth:`_receiving` accepts: for the handling office's 移送 its province's (:meth:`_offices`) but itself; for a
        step of an office above (指定管辖) those of the caller's area but the handling one — the national office's is
        every province's (专利法实施细则 第九十七条 第三款: offices without a common upper level, two provinces', are
        designated by the national office). A list naming the handling office offered a choice the engine refused."""
        region = case["region_code"] if spec.office is None else None
        query = select(Organization.id, Organization.path).where(Organization.kind.in_(TRANSFER_OFFICE_KINDS))
        if region:
            query = query.where(Organization.region_code.like(f"{region[:2]}%"))
        paths = dict(session.execute(query).all())
        return tuple(o for o in self._offices(region) if int(o.value) != case["org_id"]
                     and (spec.office is None or scope.covers_org_path(paths.get(int(o.value), ""))))

    def _receiving(self, session: Session, scope: Scope, spec: TransitionSpec, row: Any, fields: dict[str, Any]) -> Any:
        """The office a step that moves the case names (``transfers``: its field ``receiving_office``), checked: an IP
        office of the platform other than the handling one; for the handling office's 移送 one of its province (a case
        whose office lies in another province is the national office's to designate: 专利法实施细则 第九十七条 第三款);
        for a step of an office above (指定管辖) one in that office's area (scope on the server: a form naming any other is
        refused beside the field, 422)."""
        office = session.execute(select(Organization.id, Organization.path, Organization.region_code, Organization.kind)
                                 .where(Organization.id == int(fields[RECEIVING_OFFICE]))).one_or_none()
        if office is None or office.kind not in TRANSFER_OFFICE_KINDS:
            raise FormError({RECEIVING_OFFICE: "请选择平台上的知识产权管理部门 / choose an IP office of the platform"})
        if office.id == row.org_id:
            raise FormError({RECEIVING_OFFICE: "受移送机关不能是本案的办案机关 / the receiving office is the one handling "
                                               "the case already"})
        if spec.office is None and office.region_code[:2] != row.region_code[:2]:
            raise FormError({RECEIVING_OFFICE: OTHER_PROVINCE.zh + " / " + OTHER_PROVINCE.en})
        if spec.office is not None and not scope.covers_org_path(office.path):
            raise FormError({RECEIVING_OFFICE: "只能指定本机关辖区内的机关 / designate an office within your own area"})
        return office

    def add_generator(self, procedure: str, generator: DocumentGenerator, makes: frozenset[str]) -> None:
        """Fill a required document left empty on a step of ``procedure`` with ``generator``'s files (a
        standard document generated from the case); they are stored and logged like uploads. ``makes``: the documents
        it generates, by their Chinese label (受理通知书 …): a form says they may be left empty, and does not ask for
        them as required (:meth:`generated`)."""
        self._generators[procedure] = generator
        self._makes[procedure] = makes

    def generated(self, procedure: str) -> frozenset[str]:
        """The required documents of ``procedure``'s steps its domain generates when left empty, by Chinese label."""
        return self._makes.get(procedure, frozenset())

    def _generator(self, session: Session, scope: Scope, decl: Declaration, event: str, row: Any, now: dt.datetime,
                   seq: int) -> Callable[[dict[str, Any], Text, str], tuple[Upload, ...]] | None:
        """The step's document generator; ``now``: the step's moment, the day its documents are dated; ``seq``: the
        step's number in the case."""
        generator = self._generators.get(decl.procedure)
        if generator is None:
            return None
        case = None if row is None else dict(row._mapping) | {"fields": json.loads(row.fields or "{}")}

        def generate(fields: dict[str, Any], label: Text, slot: str) -> tuple[Upload, ...]:
            return generator(session, DocumentRequest(decl.procedure, decl.jurisdiction, event, label, slot, fields,
                                                      case, now, scope.org_id, seq))

        return generate

    def add_titler(self, procedure: str, titler: CaseTitler) -> None:
        """Show the cases of ``procedure`` under a title ``titler`` builds from their start fields in the
        page's language (the parties joined as the case kind joins them); the stored title is kept."""
        self._titlers[procedure] = titler

    def case_title(self, procedure: str, stored: str, fields: dict[str, Any], lang: str,
                   names: Mapping[str, str] | None = None) -> str:
        """A case's title in ``lang``: its domain's (:meth:`add_titler`) where it can build one, else the stored one
        naming its parties in ``lang`` (:func:`named_in`). A built title keeps the stored one's synthetic mark (【合成】),
        which pages show as their synthetic badge. ``names``: the parties the fields name, in ``lang``
        (:meth:`party_names`) — a title built of them names each so.

        Every procedure's title is shown so, whatever its domain registers: a kind of case with no titler of its own
        (a transfer to the police was stored as "某某电子商行48号 · CN…", a bureau's own declaration as its first two
        fields) names its parties in the page's language all the same."""
        from zhichan.web.i18n import without_synthetic_mark

        titler = self._titlers.get(procedure)
        titled = titler(fields, lang, names or {}) if titler else None
        if not titled:
            return named_in(stored, names or {})
        return f"【合成】{titled}" if without_synthetic_mark(stored)[1] else titled

    def organization_fields(self, decl: Declaration) -> frozenset[str]:
        """The fields of ``decl`` (its start's and its steps') that name a party (``shows: organization``) there or in
        the procedure's current declaration: a case filed before its declaration said so shows its parties as one
        filed now does (the stored values stay as typed; only their display changes, as :meth:`option_labels`)."""
        return self._fields_showing(decl, "organization")

    def people_fields(self, decl: Declaration) -> frozenset[str]:
        """The fields of ``decl`` that list people (``shows: people``), there or in the current declaration."""
        return self._fields_showing(decl, "people")

    def _fields_showing(self, decl: Declaration, shows: str) -> frozenset[str]:
        return frozenset(f.name for d in (*self._current(decl), decl)
                         for f in (*d.start.fields, *(f for t in d.transitions for f in t.fields)) if f.shows == shows)

    def party_names(self, session: Session, cases: list[tuple[Declaration, dict[str, Any], str | None, bool]],
                    lang: str) -> list[dict[str, str]]:
        """For each case — its declaration, start fields, region and whether it is synthetic — the parties its start
        fields name, in ``lang`` where known there (for :meth:`case_title`): on an English page the English name
        :func:`zhichan.platform.orgs.english_names` finds (an organization's, else in a synthetic case the demo's; one
        query for them all); nothing on a Chinese page (the names are written in Chinese)."""
        if lang != "en":
            return [{} for _ in cases]
        named = [[RowName(v, region, synthetic) for k, v in fields.items()
                  if isinstance(v, str) and v.strip() and k in parties]
                 for decl, fields, region, synthetic in cases for parties in [self.organization_fields(decl)]]
        found = english_names(session, [n for names in named for n in names])
        return [{str(n.name): found[n] for n in names if n in found} for names in named]

    def case_rows(self, session: Session, rows: Sequence[Any], lang: str) -> list[dict[str, Any]]:
        """A list of cases' rows as every list shows them — 我的待办 and 辖区待办, 进行中的办件 on an enterprise's home,
        the protection case list, the service applications — whatever query found them (each selecting
        :data:`CASE_ROW`): the title in ``lang`` naming its parties (:meth:`case_title`, :meth:`party_names`), the
        procedure and the state as the case's declaration words them (:meth:`declaration_of`), the nearest deadline
        (``None``: none), whether it is provisional (暂定) or waits for its year's holiday schedule (an open case's)."""
        decls = [self.declaration_of(session, r.procedure, r.jurisdiction, r.declaration_digest) for r in rows]
        fields = [json.loads(r.fields or "{}") for r in rows]
        names = self.party_names(session, [(d, f, r.region_code, bool(r.synthetic))
                                           for d, f, r in zip(decls, fields, rows, strict=True)], lang)
        open_ids = [r.id for r in rows if r.is_open]
        estimated, unknown = due_provisional(session, open_ids), due_unknown(session, open_ids)
        return [{"id": r.id, "number": r.number, "code": r.procedure, "synthetic": bool(r.synthetic),
                 "title": self.case_title(r.procedure, r.title, f, lang, n), "procedure": d.title(lang),
                 "state": d.states[r.state].title(lang), "next_due": None if r.next_due == NO_DEADLINE else r.next_due,
                 "provisional": r.id in estimated, "due_unknown": r.id in unknown}
                for r, d, f, n in zip(rows, decls, fields, names, strict=True)]

    def add_options(self, name: str, options: OptionList) -> None:
        """Register a domain's list of choices under ``name``, for declared fields ``options: <name>`` (the protection
        centres): ``options(region)`` lists those open to a filer in ``region`` (``None``: every one)."""
        self._options[name] = options

    def options(self, spec: FieldSpec, region: str | None) -> tuple[Option, ...]:
        """The choices of a field with ``options`` open to a filer in ``region`` (``None``: all), in their list's order."""
        if spec.options is None:
            return ()
        found = self._options.get(spec.options)
        if found is None:
            raise ConfigError(f"没有选项列表 {spec.options} / no list of options {spec.options}")
        return found(region)

    def option_labels(self, decl: Declaration) -> dict[str, Listed]:
        """For each field of ``decl`` (its start's and its steps') that takes its choices from a list, its label and
        every value's label — what a page shows instead of the stored value. A case runs under the declaration it was
        filed under: a field that declaration took as typed text and the procedure's current declaration takes from a
        list (the pre-examination centre, typed as a code — "保护中心代码（…如 CN-CD）" — before the forms listed the
        centres by name) reads by that list and under the current label too. The stored value stays as filed, only
        its display changes; a value not in the list shows as stored."""
        fields: dict[str, FieldSpec] = {}
        for d in (*self._current(decl), decl):
            fields |= {f.name: f for f in (*d.start.fields, *(f for t in d.transitions for f in t.fields))
                       if f.options is not None}
        found: dict[str, Listed] = {}
        for name, spec in fields.items():
            found[name] = Listed(spec.label, {o.value: o.label for o in self.options(spec, None)})
        return found

    def _current(self, decl: Declaration) -> tuple[Declaration, ...]:
        """The procedure's current declaration for ``decl``'s jurisdiction (else its default one), when ``decl`` is an
        earlier one a case was filed under; none when it is the current one or the procedure is gone."""
        for jurisdiction in dict.fromkeys((decl.jurisdiction, "default")):
            try:
                current = self.registry.get(decl.procedure, jurisdiction)
            except NotFoundError:
                continue
            return () if current.digest == decl.digest else (current,)
        return ()

    def form_choices(self, decl: Declaration, t: TransitionSpec) -> dict[str, tuple[str, ...]]:
        """The choices the form of ``t`` — a step of a case filed under an earlier declaration, ``decl`` — offers where
        the procedure's current declaration offers fewer in the same step's same field: those of ``decl``'s it still
        offers (revision 3's 对管辖权异议作出决定 offered 异议成立，移送有管辖权的机关, which moved nothing; revision 4 moves
        the case by its own step). The engine still takes the earlier choice as ``decl`` allows — a stale form or an API
        call gets the domain's answer (the pointer to 移送) —; the form no longer offers what would be refused. By field
        name; none where the current declaration keeps every choice, or none of them."""
        current = self._current(decl)
        now = next((c for c in current[0].transitions if (c.event, c.target) == (t.event, t.target)), None) \
            if current else None
        if now is None:
            return {}
        found: dict[str, tuple[str, ...]] = {}
        for f in t.fields:
            same = next((g for g in now.fields if g.name == f.name and g.kind == "choice"), None)
            kept = tuple(c for c in f.choices if same is not None and c in same.choices)
            if f.kind == "choice" and f.options is None and kept and kept != f.choices:
                found[f.name] = kept
        return found

    def add_holds(self, procedure: str, events: tuple[str, ...], holds: Holds, *, free: FreeOf | None = None) -> None:
        """Hold back the steps ``events`` of ``procedure``'s cases until the days ``holds`` gives for a case (the credit
        list's repair and removal in a case opened before their terms were declared: from the days the listing's dates
        give), or until a step the case has not taken (a university's agreed-price contract until its public notice:
        ``holds`` gives that step's event). The case page, the to-do list and :meth:`act` then agree, as they do for a
        declared ``lapsed`` term or ``after`` step: the step is neither offered nor taken before its day or that step,
        and the case page says from which day (a step it waits for has no day to say). ``free``: the same hold said in
        SQL, where it depends on the case's row and the domain's tables only (a priority-examination recommendation while
        the city's quota has a place left): ``free(today)`` selects the cases in which none of ``events`` is held, so the
        to-do list selects the cases offering them in SQL instead of reading each — ``holds`` then says it of one case
        by that condition (:meth:`free_of`), one rule."""
        self._holds[procedure] = (frozenset(events), holds)
        if free is not None:
            self._free[procedure] = free

    def free_of(self, session: Session, procedure: str, case_id: int, today: dt.date) -> bool:
        """Whether the hold ``procedure``'s domain says in SQL (:meth:`add_holds`' ``free``) leaves case ``case_id``
        free ``today``: what a domain's ``holds`` reads of one case, the condition the to-do list selects by."""
        return bool(session.scalar(select(CASES.c.id).where(CASES.c.id == case_id, self._free[procedure](today))))

    def _held(self, session: Session, procedure: str, case_id: int, decl: Declaration) -> Mapping[str, Hold]:
        found = self._holds.get(procedure)
        return found[1](session, case_id, decl) if found is not None else {}

    def _is_held(self, decl: Declaration, t: TransitionSpec, *, in_sql: bool = True) -> bool:
        """Whether a domain may hold ``t`` back in some of ``decl``'s cases (offered case by case, then); ``in_sql``
        false: one whose hold the domain says in SQL too (:meth:`add_holds`' ``free``) is not counted."""
        found = self._holds.get(decl.procedure)
        return found is not None and t.event in found[0] and (in_sql or decl.procedure not in self._free)

    def add_hook(self, procedure: str, hook: StepHook) -> None:
        """Run ``hook`` on every step (the start included) of ``procedure``, in every jurisdiction: the
        way a domain checks its rules against the corpus and keeps its own tables with the case."""
        hooks = self._hooks.setdefault(procedure, [])
        if hook not in hooks:  # installing a domain's hook twice (web setup and a CLI) runs it once
            hooks.append(hook)

    def add_lock(self, procedure: str, lock: StepLock) -> None:
        """Run ``lock`` on every step of ``procedure`` once the case is locked and **before the step's moment is
        read**: where a hook locks another row (an objection's decision locks its subsidy round), taking that lock
        here stamps a step that waited for another after it — as the case's own lock does (:meth:`act`)."""
        locks = self._locks.setdefault(procedure, [])
        if lock not in locks:
            locks.append(lock)

    def _run_hooks(self, session: Session, scope: Scope, step: StepTaken) -> None:
        for hook in self._hooks.get(step.procedure, ()):
            hook(session, scope, step)

    # -- declarations pinned to their cases ---------------------------------------------------

    def _pin(self, session: Session, decl: Declaration, now: dt.datetime) -> str:
        """Keep ``decl`` as it is now with the case about to start under it (once per digest)."""
        if decl.digest not in self._stored:
            if session.scalar(select(DECLARATIONS.c.digest).where(DECLARATIONS.c.digest == decl.digest)) is None:
                try:
                    with session.begin_nested():  # two first cases at once: the second finds the row
                        session.execute(insert(DECLARATIONS).values(
                            digest=decl.digest, procedure=decl.procedure, jurisdiction=decl.jurisdiction,
                            revision=decl.revision, body=decl.body, created_at=now))
                except IntegrityError:
                    pass
            self._stored[decl.digest] = decl
        return decl.digest

    def _kept(self, session: Session) -> list[Declaration]:
        """Every declaration a case was started under (a small table: one row per edit of a file)."""
        for digest, body in session.execute(select(DECLARATIONS.c.digest, DECLARATIONS.c.body)
                                            .where(DECLARATIONS.c.digest.not_in(list(self._stored) or [""]))):
            self._stored[digest] = Declaration.from_body(body)
        return list(self._stored.values())

    def declaration_of(self, session: Session, procedure: str, jurisdiction: str, digest: str | None) -> Declaration:
        """The declaration a case runs under: the one it started with, whatever the files say now — its rules; its
        steps and states titled as the procedure's current declaration words them where they are the same
        (:func:`zhichan.procedures.declaration.in_current_words`)."""
        kept = self._as_started(session, procedure, jurisdiction, digest)
        current = self._current(kept)
        office = self._office_rules(procedure, kept, jurisdiction)
        if not current and office is None:
            return kept
        key = (digest or kept.digest, current[0].digest if current else "", office.digest if office else "")
        worded = self._worded.get(key)
        if worded is None:
            worded = in_current_words(kept, current[0]) if current else kept
            worded = self._worded[key] = with_figures_of(worded, office) if office is not None else worded
        return worded

    def _office_rules(self, procedure: str, kept: Declaration, jurisdiction: str) -> Declaration | None:
        """The current declaration of ``jurisdiction`` — the handling office's, where a step moved the case out of the
        jurisdiction it was filed under (:meth:`act`: the row's ``jurisdiction`` is the receiving office's) —, whose
        clocks' figures the case then runs on (:func:`with_figures_of`); none for a case where it was filed."""
        if jurisdiction == kept.jurisdiction:
            return None
        try:
            return self.registry.get(procedure, jurisdiction)
        except NotFoundError:  # the receiving jurisdiction's file removed since: the filing's figures
            return None

    def _as_started(self, session: Session, procedure: str, jurisdiction: str, digest: str | None) -> Declaration:
        """The declaration a case started with (kept by its digest), whatever the files say now."""
        if digest is not None and digest in self._stored:
            return self._stored[digest]
        try:
            current = self.registry.get(procedure, jurisdiction)
        except NotFoundError:
            if digest is None:
                raise
            current = None
        if digest is None or (current is not None and current.digest == digest):
            assert current is not None
            return current
        body = session.scalar(select(DECLARATIONS.c.body).where(DECLARATIONS.c.digest == digest))
        if body is None:  # a case from before declarations were kept: the current rules
            if current is None:
                raise NotFoundError(f"没有办理程序 {procedure}（{jurisdiction}） / no procedure {procedure} ({jurisdiction})")
            return current
        decl = Declaration.from_body(body)
        self._stored[digest] = decl
        return decl

    # -- starting ------------------------------------------------------------------------------

    def start(self, session: Session, scope: Scope, procedure: str, *, fields: dict[str, Any],
              uploads: tuple[Upload, ...] = (), title: str | None = None, now: dt.datetime | None = None,
              ip: str = "", handling_org_id: int | None = None,
              party: tuple[int | None, str | None] | None = None, filer_is_party: bool = False) -> dict[str, Any]:
        """Open a case: an officer for their organization (or, ``handling_org_id``, one below it), a party
        (an enterprise user) with the bureau its organization belongs to, or — where the declaration is
        ``public`` — anyone, signed in or not, with the bureau ``handling_org_id`` names (``filer_is_party``:
        a signed-in filer there becomes the case's party and follows it, e.g. a bank's employee applying to the
        talent library for themself). ``party``: an officer opening a case for a party (a complaint's
        complainant carried over to the case it led to)."""
        now = now or utcnow()
        party_key: str | None = None
        party_user: int | None = None
        org = session.get(Organization, scope.org_id) if scope.org_id is not None else None
        if not scope.is_authenticated or (scope.role != Role.ENTERPRISE_USER and not scope.governance):
            handling = session.get(Organization, handling_org_id) if handling_org_id is not None else None
            decl = self.registry.for_region(procedure, handling.region_code if handling else None)
            if not decl.start.public:
                scope.require_authenticated()
                raise PermissionDenied("当前角色不能办理 / your role cannot open cases")
            if handling is None or handling.kind not in GOVERNANCE_KINDS:
                raise FormError({"handling_org": "请选择受理机关 / choose the office to file with"})
            if filer_is_party and scope.is_authenticated:
                party_user = scope.user_id
        elif org is None:
            raise PermissionDenied("账号没有所属机构 / the account has no organization")
        elif scope.role == Role.ENTERPRISE_USER and org.kind == OrgKind.ENTERPRISE:
            handling = session.get(Organization, org.parent_id) if org.parent_id else None
            if handling is None:
                raise PermissionDenied("企业未隶属任何知识产权局 / the enterprise belongs to no bureau")
            party_key, party_user = scope.party_key, scope.user_id
        elif scope.governance:
            handling = org
            if handling_org_id is not None and handling_org_id != org.id:
                below = session.get(Organization, handling_org_id)
                if below is None or not scope.covers_org_path(below.path):
                    raise FormError({"handling_org": "该机关不在您的辖区内 / that office is outside your area"})
                handling = below
            if party is not None:
                party_user, party_key = party
        else:
            raise PermissionDenied("当前角色不能办理 / your role cannot open cases")
        decl = self.registry.for_region(procedure, handling.region_code)
        allowed = decl.start.public or (party_user is not None and decl.start.party and scope.role == Role.ENTERPRISE_USER) \
            or (scope.governance and scope.role in decl.start.roles)
        if not allowed:
            raise PermissionDenied("当前角色不能发起该程序 / your role cannot start this procedure")
        clean, documents = self._checked(decl.start.fields, fields, decl.start.documents, decl.start.attachments, uploads,
                                         generate=self._generator(session, scope, decl, "start", None, now, 1),
                                         generates=decl.start.generates)
        subject = (title or " · ".join(str(v) for v in list(clean.values())[:2]) or decl.title.zh)[:300]
        result = cast(CursorResult[Any], session.execute(insert(CASES).values(
            procedure=decl.procedure, jurisdiction=decl.jurisdiction, revision=decl.revision, title=subject,
            state=decl.initial_state, version=1, org_id=handling.id, org_path=handling.path,
            region_code=handling.region_code, party_user_id=party_user, party_key=party_key, fields=_json(clean),
            is_open=True, next_due=NO_DEADLINE, created_at=now, updated_at=now,
            declaration_digest=self._pin(session, decl, now),
        )))
        case_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        number = f"{decl.number_prefix}-{china_date(now).year}-{case_id:06d}"
        session.execute(update(CASES).where(CASES.c.id == case_id).values(number=number))
        for name in decl.start.starts:
            self._start_clock(session, decl, case_id, name, now, clean)
        self._refresh_next_due(session, decl, case_id)
        self._run_hooks(session, scope, StepTaken(case_id, number, decl.procedure, decl.jurisdiction, "start", None,
                                             decl.initial_state, clean, clean, party_key, party_user, handling.id,
                                             handling.region_code, now, tuple(documents)))
        self._record(session, scope, decl, case_id, number, 1, "start", None, decl.initial_state, clean, documents, now,
                     ip=ip)
        self._notify(session, case_id, decl, decl.start.notify, now)
        return {"id": case_id, "number": number, "state": decl.initial_state, "version": 1}

    # -- acting --------------------------------------------------------------------------------

    def act(self, session: Session, scope: Scope, case_id: int, event: str, *, version: int,
            fields: dict[str, Any], uploads: tuple[Upload, ...] = (), now: dt.datetime | None = None,
            ip: str = "") -> dict[str, Any]:
        # The optimistic lock comes first: the version bump is this transaction's first statement, so
        # it takes the write lock (SQLite) or the row lock (PostgreSQL) before anything is read; a
        # second officer acting on the same version then matches no row and gets a 409. The step's
        # moment is read once the lock is held (a moment given instead: the demos' and the tests' time),
        # and once the rows a domain's hooks will lock are held too (:meth:`add_lock`), so a step is stamped after
        # every write it waited for.
        bumped = cast(CursorResult[Any], session.execute(update(CASES).where(CASES.c.id == case_id, CASES.c.version == version)
                                 .values(version=version + 1))).rowcount == 1
        row = self._visible(session, scope, case_id, event=event)
        if bumped:  # a domain's other rows, locked before the moment too
            for lock in self._locks.get(row.procedure, ()):
                lock(session, case_id, event)
        now = now or utcnow()
        decl = self.declaration_of(session, row.procedure, row.jurisdiction, row.declaration_digest)
        spec = decl.transition(event, row.state)
        if spec is None and all(t.event != event for t in decl.transitions):  # it read "someone may have acted first"
            raise NotFoundError(f"该程序没有名为“{event[:40]}”的步骤 / this procedure has no step '{event[:40]}'")
        if spec is None or not row.is_open:
            raise ConflictError(
                f"办件当前为“{decl.states[row.state].title.zh}”，不能执行该操作（可能已被他人处理） / the case is "
                f"'{decl.states[row.state].title.en}' and this action does not apply (someone may have acted first)",
                details={"state": row.state, "version": row.version},
            )
        party = is_party(scope, row.party_user_id, row.party_key)
        counterparty = is_counterparty(scope, row.counterparty_org_id)
        if not decl.may_take(spec, scope.role, is_party=party, is_officer=is_officer(scope, row.org_path),
                             is_counterparty=counterparty):
            raise PermissionDenied("当前角色无权执行该操作 / your role may not take this step")
        elsewhere = office_problem(spec, Office.of(scope, row.org_path), party=party, counterparty=counterparty)
        if elsewhere:
            raise PermissionDenied(elsewhere)
        if not bumped:
            raise self._stale(row)
        if spec.once and session.scalar(select(STEPS.c.id).where(STEPS.c.case_id == row.id,
                                                                 STEPS.c.event == event).limit(1)) is not None:
            raise ConflictError(f"“{spec.title.zh}”已办理，只能办理一次 / '{spec.title.en}' was taken already; "
                                "it is taken once", details={"state": row.state, "version": row.version})
        missing = missing_fields(decl, spec, json.loads(row.fields or "{}"))
        if missing:
            raise ConflictError(missing, details={"state": row.state, "version": row.version})
        held = held_problem(decl, spec, self._held(session, row.procedure, row.id, decl), china_date(now))
        if held:
            raise FormError({"_clock": held})
        if spec.after:
            before = before_problem(decl, spec, set(session.scalars(select(STEPS.c.event).where(
                STEPS.c.case_id == row.id, STEPS.c.event.in_(spec.after)))))
            if before:
                raise FormError({"_clock": before})
        said = self.expectations(decl)
        decides = said.decisions.get(event)
        takers: list[tuple[str, int | None]] = [(e, u) for e, u in session.execute(
            select(STEPS.c.event, STEPS.c.user_id).where(STEPS.c.case_id == row.id).order_by(STEPS.c.seq))] \
            if spec.not_by or decides is not None or event in said.single_requests else []
        undecided = undecided_problem(decl, spec, [e for e, _ in takers], said.decisions)
        if undecided:
            raise ConflictError(undecided, details={"state": row.state, "version": row.version})
        # what the step would bring about is in force already (suspended, a request pending, the extension granted)
        in_force = in_force_problem(decl, spec, {r.name: r for r in session.execute(
            select(CLOCKS).where(CLOCKS.c.case_id == row.id))}
            if spec.pauses or spec.extends or event in said.single_requests else {},
            [e for e, _ in takers], said.decisions)
        if in_force:
            raise ConflictError(in_force, details={"state": row.state, "version": row.version})
        if spec.not_by and excluded_taker(spec, takers, scope.user_id):
            raise PermissionDenied(f"“{spec.title.zh}”须由办理前一环节以外的人办理 / '{spec.title.en}' is taken by "
                                   "someone other than who took the step before it")
        seq = int(session.scalar(select(func.count()).select_from(STEPS).where(STEPS.c.case_id == case_id)) or 0) + 1
        clean, documents = self._checked(spec.fields, fields, spec.documents, spec.attachments, uploads,
                                         generate=self._generator(session, scope, decl, event, row, now, seq),
                                         generates=spec.generates)
        # a step that moves the case: the receiving office handles it from now on (its officers' to-do lists; the old
        # office keeps sight of it only if it is above the new one: the subtree rule)
        receiving = self._receiving(session, scope, spec, row, clean) if spec.transfers else None
        machine = decl.machine(start_value=row.state)
        machine.send(event)
        target = str(machine.current_state_value)
        final = decl.states[target].final
        # the receiving office's rules from now on: its jurisdiction's figures (limits, tracks) on the filing's
        # declaration (docs/procedures.md "Moving a case")
        moved = {} if receiving is None else {
            "org_id": receiving.id, "org_path": receiving.path, "region_code": receiving.region_code,
            "jurisdiction": self.registry.for_region(decl.procedure, receiving.region_code).jurisdiction}
        session.execute(update(CASES).where(CASES.c.id == case_id).values(
            state=target, is_open=not final, closed_at=now if final else None, updated_at=now, **moved))
        self._move_clocks(session, decl, spec, case_id, scope, clean, now, final)
        if receiving is not None:
            decl = self.declaration_of(session, decl.procedure, moved["jurisdiction"], row.declaration_digest)
            self._refigure(session, decl, case_id)
        self._refresh_next_due(session, decl, case_id)
        self._run_hooks(session, scope, StepTaken(case_id, row.number, decl.procedure, decl.jurisdiction, event, row.state,
                                             target, clean, json.loads(row.fields or "{}"), row.party_key,
                                             row.party_user_id, row.org_id, row.region_code, now, tuple(documents)))
        self._record(session, scope, decl, case_id, row.number, seq, event, row.state, target, clean, documents, now,
                     ip=ip)
        if receiving is not None:  # the step (in the evidence log, its fields naming the office) and the move itself
            audit.record(session, scope, "procedure.transfer", row.number, ip=ip,
                         detail={"procedure": decl.procedure, "event": event, "from_org": row.org_id,
                                 "to_org": receiving.id})
        self._refresh_pending(session, decl, case_id, target)
        self._notify(session, case_id, decl, spec.notify, now)
        return {"id": case_id, "number": row.number, "state": target, "version": version + 1,
                **({"moved": True} if receiving is not None else {})}

    @staticmethod
    def sees(session: Session, scope: Scope, case_id: int) -> bool:
        """Whether the caller sees the case (:func:`~zhichan.procedures.scope.sees`: an officer of its handling office's
        area, its party or counterparty) — after a step that moved it, an office that is not above the new one does not."""
        row = session.execute(select(CASES.c.org_path, CASES.c.party_user_id, CASES.c.party_key,
                                     CASES.c.counterparty_org_id).where(CASES.c.id == case_id)).one_or_none()
        return row is not None and sees(scope, row)

    @staticmethod
    def set_counterparty(session: Session, case_id: int, org_id: int) -> None:
        """Name the case's counterparty organization (a domain's start hook does, e.g. the pledgee bank)."""
        session.execute(update(CASES).where(CASES.c.id == case_id).values(counterparty_org_id=org_id))

    @staticmethod
    def _stale(row: Any) -> ConflictError:
        return ConflictError(
            "该办件已被他人更新，请核对最新状态后重新提交；您填写的内容已保留 / the case was changed by someone else: "
            "check its current state and submit again (your input is kept)",
            details={"state": row.state, "version": row.version},
        )

    def _visible(self, session: Session, scope: Scope, case_id: int, *, event: str | None = None) -> Any:
        """The case if the caller sees it — or, for ``event``, if that step is a ``public`` one open to
        anyone signed in in the case's current state (an objection to a notice); else 404."""
        row = session.execute(select(CASES).where(CASES.c.id == case_id)).first()
        if row is not None and not sees(scope, row) and event is not None and scope.is_authenticated and row.is_open:
            decl = self.declaration_of(session, row.procedure, row.jurisdiction, row.declaration_digest)
            spec = decl.transition(event, row.state)
            if spec is not None and spec.public:
                return row
        if row is None or not sees(scope, row):
            raise NotFoundError(f"没有办件 {case_id} / no case {case_id}")
        return row

    # -- documents -----------------------------------------------------------------------------

    def _checked(self, specs: tuple[FieldSpec, ...], fields: dict[str, Any], required: tuple[Text, ...],
                 extra_allowed: bool, uploads: tuple[Upload, ...],
                 generate: Callable[[dict[str, Any], Text, str], tuple[Upload, ...]] | None = None,
                 generates: tuple[Text, ...] = ()) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Fields and documents checked together, so the form shows every problem at once; a required
        document left empty is generated (``generate``) once the fields are valid."""
        errors: dict[str, str] = {}
        clean: dict[str, Any] = {}
        documents: list[dict[str, Any]] = []
        try:
            clean = check_fields(specs, fields, self._options)
        except FormError as exc:
            errors.update(exc.errors)
        if generate is not None and not errors:
            given = {u.slot for u in uploads if u.content or u.filename}
            uploads = (*uploads, *(g for i, label in enumerate(required) if f"doc{i}" not in given
                                   for g in generate(clean, label, f"doc{i}")))
        try:
            documents = self._documents(required, extra_allowed, uploads)
        except FormError as exc:
            errors.update(exc.errors)
        if generate is not None and not errors:
            for label in generates:
                documents.extend(self._store(u, label, "generated", errors) for u in generate(clean, label, "generated"))
        if errors:
            raise FormError(errors)
        return clean, documents

    def _documents(self, required: tuple[Text, ...], extra_allowed: bool, uploads: tuple[Upload, ...]) -> list[dict[str, Any]]:
        errors: dict[str, str] = {}
        by_slot: dict[str, list[Upload]] = {}
        for u in uploads:
            if u.content or u.filename:
                by_slot.setdefault(u.slot, []).append(u)
        out: list[dict[str, Any]] = []
        for i, label in enumerate(required):
            got = by_slot.pop(f"doc{i}", [])
            if not got:
                errors[f"doc{i}"] = f"请上传“{label.zh}” / attach the {label.en}"
                continue
            made = [u for u in got if u.generated]
            out.extend(self._store(u, label, f"doc{i}", errors) for u in (made or got[:1]))
        extras = by_slot.pop("extra", [])
        if extras and not extra_allowed:
            errors["extra"] = "此步骤不接受其他附件 / this step takes no further attachments"
        for u in extras[:20]:
            out.append(self._store(u, ATTACHMENT, "extra", errors))
        if by_slot:
            errors["extra"] = "附件栏位无效 / unknown attachment slot"
        if errors:
            raise FormError(errors)
        return [d for d in out if d]

    def _store(self, upload: Upload, text: Text, slot: str, errors: dict[str, str]) -> dict[str, Any]:
        label = text.zh
        data = upload.content
        if not data:
            errors[slot] = f"“{label}”文件为空 / the file is empty"
            return {}
        if len(data) > self.max_attachment_bytes:
            mb = self.max_attachment_bytes // (1024 * 1024)
            errors[slot] = f"“{label}”超过 {mb} MB / larger than {mb} MB"
            return {}
        media = media_type(data)
        if media is None:
            errors[slot] = f"“{label}”的文件类型不受支持（PDF、PNG、JPEG、DOCX/XLSX/OFD） / unsupported file type"
            return {}
        sm3 = hashlib.new("sm3", data).hexdigest()
        sha = hashlib.sha256(data).hexdigest()
        target = self.files_dir / sha[:2] / sha
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(target)
        name = Path(upload.filename or "file").name[:200]
        return {"label": label, "label_en": text.en, "slot": slot, "file_name": name, "media_type": media,
                "size": len(data), "sm3": sm3, "sha256": sha}

    def document_path(self, session: Session, scope: Scope, case_id: int, sha256: str) -> tuple[Path, str, str]:
        """A document of a visible case: its stored path, file name and media type."""
        self._visible(session, scope, case_id)
        for (docs,) in session.execute(select(STEPS.c.documents).where(STEPS.c.case_id == case_id)):
            for d in json.loads(docs):
                if d["sha256"] == sha256:
                    return self.files_dir / sha256[:2] / sha256, d["file_name"], served_media_type(d["media_type"],
                                                                                                   d["file_name"])
        raise NotFoundError("没有该文件 / no such document")

    def step_evidence_index(self, session: Session, scope: Scope, case_id: int, seq: int) -> int:
        self._visible(session, scope, case_id)
        index = session.scalar(select(STEPS.c.evidence_index).where(STEPS.c.case_id == case_id, STEPS.c.seq == seq))
        if index is None:
            raise NotFoundError("没有该步骤 / no such step")
        return int(index)

    # -- clocks --------------------------------------------------------------------------------

    def _start_clock(self, session: Session, decl: Declaration, case_id: int, name: str, now: dt.datetime,
                     fields: dict[str, Any] | None = None) -> None:
        """Start (or start afresh) a declared clock; one the office sets (``set_by``) takes its length from the
        step's ``fields``, from 1 up to the declared ``amount`` — a number of its unit, or a day the step names (a
        ``date`` field, a clock in days: it ends on that day, the oral hearing's as its notice set it)."""
        spec = decl.clocks[name]
        amount: Any = spec.amount
        if spec.set_by is not None:  # the step's form set it (the caller rolls the step back on a FormError)
            amount = (fields or {}).get(spec.set_by)
            if isinstance(amount, str):  # a date field, checked by the engine: the days from today to it
                amount = (dt.date.fromisoformat(amount) - china_date(now)).days
                if not 1 <= amount <= spec.amount:
                    raise FormError({spec.set_by: f"“{spec.title.zh}”须在今后 {spec.amount} 日内 / the "
                                                  f"{spec.title.en.lower()} must be within the next {spec.amount} days"})
            if not isinstance(amount, int) or not 1 <= amount <= spec.amount:
                zh, en = UNIT_LABELS[spec.unit]
                raise FormError({spec.set_by: f"“{spec.title.zh}”须为 1 至 {spec.amount}{zh} / the "
                                              f"{spec.title.en.lower()} must be 1 to {spec.amount} {en}"})
        session.execute(CLOCKS.delete().where(CLOCKS.c.case_id == case_id, CLOCKS.c.name == name))
        session.execute(insert(CLOCKS).values(
            case_id=case_id, name=name, amount=amount, unit=spec.unit, started_at=now, status="running",
            pauses="[]", extensions="[]", warned=0, alert_on=None,
        ))
        if spec.paused_with is not None:  # started while the other is paused: paused from its start
            self._pause_with(session, decl, case_id, name)
        self._recompute(session, decl, case_id, name)

    @staticmethod
    def _pause_with(session: Session, decl: Declaration, case_id: int, name: str) -> None:
        """A clock ``paused_with`` another takes that one's pauses and whether it is paused (while neither is
        stopped): the days the other does not run, it does not run either."""
        leader = decl.clocks[name].paused_with
        rows = {r.name: r for r in session.execute(select(CLOCKS).where(
            CLOCKS.c.case_id == case_id, CLOCKS.c.name.in_([name, leader]), CLOCKS.c.status != "stopped"))}
        if name not in rows or leader not in rows:
            return
        pauses = json.loads(rows[leader].pauses)
        session.execute(update(CLOCKS).where(CLOCKS.c.id == rows[name].id).values(
            pauses=_json(pauses), status="paused" if any(p["end"] is None for p in pauses) else "running"))

    def start_clock(self, session: Session, case_id: int, name: str, *, started_at: dt.datetime) -> bool:
        """Start a declared clock from ``started_at`` — a domain rule the declaration cannot say (a period
        only some cases of a step owe, counted from a day a field records) — and recompute the case's next
        deadline. False, and nothing started, for a case kept on a declaration without that clock (opened
        before the clock was declared)."""
        case = session.execute(select(CASES.c.procedure, CASES.c.jurisdiction, CASES.c.declaration_digest)
                               .where(CASES.c.id == case_id)).one()
        decl = self.declaration_of(session, case.procedure, case.jurisdiction, case.declaration_digest)
        if name not in decl.clocks:
            return False
        self._start_clock(session, decl, case_id, name, started_at)
        self._refresh_next_due(session, decl, case_id)
        return True

    def stop_clock(self, session: Session, case_id: int, name: str, *, now: dt.datetime) -> None:
        """Stop a clock a domain rule ends without a step (an anonymous report: nobody to tell), and refresh the
        case's next deadline."""
        session.execute(update(CLOCKS).where(CLOCKS.c.case_id == case_id, CLOCKS.c.name == name,
                                             CLOCKS.c.status != "stopped").values(status="stopped", stopped_at=now))
        case = session.execute(select(CASES.c.procedure, CASES.c.jurisdiction, CASES.c.declaration_digest)
                               .where(CASES.c.id == case_id)).one()
        self._refresh_next_due(session, self.declaration_of(session, case.procedure, case.jurisdiction,
                                                            case.declaration_digest), case_id)

    def set_clock(self, session: Session, case_id: int, name: str, *, started_at: dt.datetime | None = None,
                  amount: int | None = None) -> None:
        """Restart a running clock from another moment or with another length — a domain rule the
        declaration cannot say (an answer period counted from the recorded receipt, 30 days for a
        respondent abroad) — and recompute its deadline and the case's next one."""
        row = session.execute(select(CLOCKS).where(CLOCKS.c.case_id == case_id, CLOCKS.c.name == name)).first()
        if row is None:
            raise NotFoundError(f"没有期限 {name} / no clock {name}")
        values: dict[str, Any] = {}
        if started_at is not None:
            values["started_at"] = started_at
        if amount is not None:
            values["amount"] = amount
        if values:
            session.execute(update(CLOCKS).where(CLOCKS.c.id == row.id).values(**values))
        case = session.execute(select(CASES.c.procedure, CASES.c.jurisdiction, CASES.c.declaration_digest)
                               .where(CASES.c.id == case_id)).one()
        decl = self.declaration_of(session, case.procedure, case.jurisdiction, case.declaration_digest)
        self._recompute(session, decl, case_id, name)
        self._refresh_next_due(session, decl, case_id)

    def _move_clocks(self, session: Session, decl: Declaration, spec: TransitionSpec, case_id: int, scope: Scope,
                     fields: dict[str, Any], now: dt.datetime, final: bool) -> None:
        today = china_date(now)
        clocks = {r.name: r for r in session.execute(select(CLOCKS).where(CLOCKS.c.case_id == case_id))}
        problem = clock_problem(decl, spec, clocks, today)
        if problem:
            raise FormError({"_clock": problem})
        for name in spec.pauses:
            row = clocks[name]
            pauses = [*json.loads(row.pauses), {"start": today.isoformat(), "end": None,
                                                "reason": fields.get("ground", ""), "event": spec.event}]
            session.execute(update(CLOCKS).where(CLOCKS.c.id == row.id).values(pauses=_json(pauses), status="paused"))
        for name in spec.resumes:
            row = clocks[name]
            pauses = json.loads(row.pauses)
            pauses[resumable(decl, spec, pauses)[-1]]["end"] = today.isoformat()
            still = any(p["end"] is None for p in pauses)
            session.execute(update(CLOCKS).where(CLOCKS.c.id == row.id).values(
                pauses=_json(pauses), status="paused" if still else "running"))
        # a clock this step ends takes no pause from it (a suspension that ends the simplified limit)
        followers = {n for n, c in decl.clocks.items()
                     if c.paused_with in {*spec.pauses, *spec.resumes} and n not in spec.stops}
        for name in followers:
            self._pause_with(session, decl, case_id, name)
        if spec.extends is not None:
            row = clocks[spec.extends.clock]
            granted = [*json.loads(row.extensions), {
                "event": spec.event, "amount": spec.extends.amount, "unit": spec.extends.unit,
                "approver": f"{scope.username}（{scope.role}）", "approver_user": scope.username,
                "approver_role": str(scope.role), "approver_org_id": scope.org_id,  # the office above names itself
                "reason": fields.get("reason", ""), "at": now.isoformat()}]
            session.execute(update(CLOCKS).where(CLOCKS.c.id == row.id).values(extensions=_json(granted)))
        for name in spec.stops:
            session.execute(update(CLOCKS).where(CLOCKS.c.case_id == case_id, CLOCKS.c.name == name,
                                                 CLOCKS.c.status != "stopped").values(status="stopped", stopped_at=now))
        if final:
            session.execute(update(CLOCKS).where(CLOCKS.c.case_id == case_id, CLOCKS.c.status != "stopped")
                            .values(status="stopped", stopped_at=now))
        for name in spec.starts:
            self._start_clock(session, decl, case_id, name, now, fields)
        for name in {*spec.pauses, *spec.resumes, *followers, *([spec.extends.clock] if spec.extends else [])}:
            self._recompute(session, decl, case_id, name)

    def _refigure(self, session: Session, decl: Declaration, case_id: int) -> None:
        """A moved case's running clocks on the receiving office's figures (``decl``: the filing's declaration with its
        jurisdiction's, :func:`with_figures_of`): a period the office keeps whose figure that jurisdiction sets otherwise
        is counted by it from the same start, its pauses and extensions kept (the 简案快办 limit of 杭州's 30 days becomes
        the receiving office's). A party's period (``binds: party``), a period the office set in its step (``set_by``,
        the days to cure it named in its notice) and a term to wait out stay as they were notified."""
        for row in session.execute(select(CLOCKS).where(CLOCKS.c.case_id == case_id, CLOCKS.c.status != "stopped")):
            spec = decl.clocks.get(row.name)
            if spec is None or spec.binds == "party" or spec.set_by or spec.waits \
                    or (row.amount, row.unit) == (spec.amount, spec.unit):
                continue
            session.execute(update(CLOCKS).where(CLOCKS.c.id == row.id).values(amount=spec.amount, unit=spec.unit))
            self._recompute(session, decl, case_id, row.name)

    @staticmethod
    def clock_of(row: Any, *, term: bool = False) -> Clock:
        pauses = tuple(Pause(dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]) if p["end"] else None,
                             p.get("reason", "")) for p in json.loads(row.pauses))
        extensions = tuple(Extension(e["amount"], e["unit"], e["approver"], e.get("reason", ""))
                           for e in json.loads(row.extensions))
        return Clock(row.amount, row.unit, row.started_at, pauses=pauses, extensions=extensions, term=term)

    def _recompute(self, session: Session, decl: Declaration, case_id: int, name: str) -> None:
        row = session.execute(select(CLOCKS).where(CLOCKS.c.case_id == case_id, CLOCKS.c.name == name)).first()
        if row is None:
            return
        values = self.deadline_values(decl, row)
        if values["due_on"] is not None:
            # a deadline already announced (a pause that excluded nothing) is not warned of again
            kinds = session.scalars(select(NOTICES.c.kind).where(
                NOTICES.c.case_id == case_id, NOTICES.c.clock == name, NOTICES.c.due_on == values["due_on"]))
            level = max((WARNING_LEVELS.get(k, 0) for k in kinds), default=0)
            if level:
                values |= {"warned": level, "alert_on": next_alert(level, values["due_on"])}
        session.execute(update(CLOCKS).where(CLOCKS.c.id == row.id).values(**values))

    def deadline_values(self, decl: Declaration, row: Any) -> dict[str, Any]:
        spec = decl.clocks.get(row.name)
        waits = spec is not None and spec.waits
        clock = self.clock_of(row, term=waits)
        problem = None
        try:
            reckoned = clock.reckon()
        except CalendarNotPublished as exc:  # past what even a provisional date computes
            return {"due_on": None, "due_at": None, "warn_on": None, "alert_on": None, "warned": 0,
                    "due_problem": exc.message}
        due = reckoned.day if reckoned else None
        if reckoned is not None and reckoned.provisional:
            # a provisional date (its year's holidays not published): stored as the date, with why beside it; the
            # sweep warns by it and recomputes it until the schedule is loaded
            problem = CalendarNotPublished(reckoned.year or reckoned.day.year).message
        if waits:  # a term to wait out: its last day, and nothing for the sweep to warn of
            return {"due_on": due, "due_at": None, "warn_on": None, "alert_on": None, "warned": 0,
                    "due_problem": problem}
        warn_before = spec.warn_before_days if spec else 0
        return {
            "due_on": due,
            "due_at": clock.due_at() if row.unit == "hour" else None,
            "warn_on": due - dt.timedelta(days=warn_before) if due else None,
            # a new deadline is announced afresh: its warnings start over
            "alert_on": due - dt.timedelta(days=warn_before) if due else None,
            "warned": 0,
            "due_problem": problem,
        }

    def _refresh_next_due(self, session: Session, decl: Declaration, case_id: int) -> None:
        """The case's nearest deadline, and the nearest of the office's own clocks (a party's period —
        ``binds: party`` — running out is the office's turn to act, not its delay)."""
        rows = {r.name: r for r in session.execute(select(CLOCKS.c.name, CLOCKS.c.status, CLOCKS.c.due_on).where(
            CLOCKS.c.case_id == case_id, CLOCKS.c.status != "stopped"))}
        due = [(name, r.due_on) for name, r in rows.items() if r.due_on is not None
               and (name not in decl.clocks or not decl.clocks[name].waits)]  # a term to wait out is no deadline
        office = [d for name, d in due if name not in decl.clocks or decl.clocks[name].binds == "office"]
        # and who a running period awaits (:func:`awaiting_period`): the to-do list tests the row, not the clocks
        said = self.expectations(decl)
        state = session.scalar(select(CASES.c.state).where(CASES.c.id == case_id)) if said.periods_awaiting else None
        until, by = awaiting_period(said, state or "", rows)  # a procedure without such periods: no read of the state
        session.execute(update(CASES).where(CASES.c.id == case_id).values(
            next_due=min((d for _, d in due), default=NO_DEADLINE), next_office_due=min(office, default=NO_DEADLINE),
            awaits_until=until, awaits_by=by))

    def _refresh_pending(self, session: Session, decl: Declaration, case_id: int, state: str) -> None:
        """Whom the requests pending in the case await (:func:`pending_awaits`), on its row, after a step was recorded;
        a procedure none of whose steps decides a request reads nothing."""
        said = self.expectations(decl)
        if not said.pending_awaiting:
            return
        relevant = {e for event, (_, requests, _) in said.pending_awaiting.items() for e in (event, *requests)}
        events = list(session.scalars(select(STEPS.c.event).where(STEPS.c.case_id == case_id,
                                                                  STEPS.c.event.in_(sorted(relevant)))
                                      .order_by(STEPS.c.seq)))
        session.execute(update(CASES).where(CASES.c.id == case_id).values(
            awaits_also=pending_awaits(said, state, events)))

    def refresh_awaiting(self, session: Session, procedures: list[str]) -> int:
        """Write the open cases' ``awaits_until``, ``awaits_by`` (:func:`awaiting_period`) and ``awaits_also``
        (:func:`pending_awaits`) of ``procedures`` from their clocks and steps, as the engine would at a step, under
        whom the declarations loaded now say they await (:meth:`expectations`); the count of cases changed."""
        if not procedures:
            return 0
        among = and_(CASES.c.is_open == true(), CASES.c.procedure.in_(sorted(procedures)))
        # the rows locked before their clocks and steps are read (PostgreSQL; SQLite's write lock is held already): a
        # step in one of them commits first — read after it — or waits for this rewrite; read unlocked, a step
        # committed meanwhile was overwritten with what its case awaited before it (a pending request lost)
        cases = session.execute(select(CASES.c.id, CASES.c.procedure, CASES.c.jurisdiction, CASES.c.declaration_digest,
                                       CASES.c.state, CASES.c.awaits_until, CASES.c.awaits_by, CASES.c.awaits_also)
                                .where(among).order_by(CASES.c.id).with_for_update()).all()
        clocks: dict[int, dict[str, Any]] = {}
        for c in session.execute(select(CLOCKS.c.case_id, CLOCKS.c.name, CLOCKS.c.status, CLOCKS.c.due_on)
                                 .join(CASES, CASES.c.id == CLOCKS.c.case_id)
                                 .where(among, CLOCKS.c.status == "running")):
            clocks.setdefault(c.case_id, {})[c.name] = c
        relevant = {e for d in [*self.registry.all(), *self._kept(session)] if d.procedure in procedures
                    for event, (_, requests, _) in self.expectations(d).pending_awaiting.items()
                    for e in (event, *requests)}
        events: dict[int, list[str]] = {}
        if relevant:
            for case_id, event in session.execute(select(STEPS.c.case_id, STEPS.c.event)
                                                  .join(CASES, CASES.c.id == STEPS.c.case_id)
                                                  .where(among, STEPS.c.event.in_(sorted(relevant)))
                                                  .order_by(STEPS.c.case_id, STEPS.c.seq)):
                events.setdefault(case_id, []).append(event)
        changed = 0
        for r in cases:
            said = self.expectations(self.declaration_of(session, r.procedure, r.jurisdiction, r.declaration_digest))
            until, by = awaiting_period(said, r.state, clocks.get(r.id, {}))
            also = pending_awaits(said, r.state, events.get(r.id, []))
            if (until, by, also) != (r.awaits_until, r.awaits_by, r.awaits_also):
                session.execute(update(CASES).where(CASES.c.id == r.id).values(
                    awaits_until=until, awaits_by=by, awaits_also=also))
                changed += 1
        return changed

    def refresh_expected(self, session: Session) -> list[str]:
        """Rewrite the open cases' rows of every procedure whose declarations, as loaded now, say otherwise whom its
        cases await than when the rows were written (:func:`expected_digest`, kept in ``procedure_expected``): a
        bureau edited an ``awaits`` in its own file, or an upgrade shipped new ones. Run when the platform starts
        (the declarations are read then); cheap when nothing changed (one read of the digests). The procedures
        refreshed."""
        # one process at a time (each process of the platform starts so): the later one then finds nothing to do
        if self.engine.dialect.name == "postgresql":
            session.execute(sql_text("LOCK TABLE procedure_expected IN EXCLUSIVE MODE"))
        else:  # the write lock, taken by a first write (that changes nothing)
            session.execute(update(EXPECTED).where(false()).values(digest=EXPECTED.c.digest))
        by_procedure: dict[str, list[Declaration]] = {}
        for d in self.registry.all():
            by_procedure.setdefault(d.procedure, []).append(d)
        now = {p: expected_digest(ds) for p, ds in by_procedure.items()}
        kept = {r.procedure: r.digest for r in session.execute(select(EXPECTED.c.procedure, EXPECTED.c.digest))}
        changed = sorted(p for p, digest in now.items() if kept.get(p) != digest)
        if not changed:
            return []
        self.refresh_awaiting(session, changed)
        session.execute(EXPECTED.delete().where(EXPECTED.c.procedure.in_(changed)))
        session.execute(insert(EXPECTED), [{"procedure": p, "digest": now[p]} for p in changed])
        return changed

    # -- records -------------------------------------------------------------------------------

    def _record(self, session: Session, scope: Scope, decl: Declaration, case_id: int, number: str, seq: int,
                event: str, source: str | None, target: str, fields: dict[str, Any], documents: list[dict[str, Any]],
                now: dt.datetime, *, ip: str) -> None:
        record = {
            "kind": "procedure.step", "procedure": decl.procedure, "case": number, "seq": seq, "event": event,
            "from": source, "to": target, "actor": scope.username, "role": str(scope.role), "at": now.isoformat(),
            "fields_sm3": hashlib.new("sm3", _json(fields).encode("utf-8")).hexdigest(),
            "documents": [{k: d[k] for k in ("label", "file_name", "size", "sm3", "sha256")} for d in documents],
            # the names its certificate prints, recorded so that they are certified too (checked on the page)
            **step_names(decl, seq, event, source, target),
        }
        entry = self.evidence.append_records([record], now=now, conn=session.connection())[0]
        session.execute(insert(STEPS).values(
            case_id=case_id, seq=seq, event=event, from_state=source, to_state=target, user_id=scope.user_id,
            username=scope.username, role=str(scope.role), at=now, fields=_json(fields), documents=_json(documents),
            evidence_index=entry.index,
        ))
        audit.record(session, scope, f"procedure.{event}", number, ip=ip,
                     detail={"procedure": decl.procedure, "from": source, "to": target, "evidence": entry.index})

    def _notify(self, session: Session, case_id: int, decl: Declaration, notices: tuple[Any, ...],
                now: dt.datetime) -> None:
        for n in notices:
            session.execute(insert(NOTICES).values(case_id=case_id, kind=n.to, clock=None, due_on=None,
                                                   text_zh=decl.notice_text(n.text, "zh"),
                                                   text_en=decl.notice_text(n.text, "en"), created_at=now))

    # -- reading -------------------------------------------------------------------------------

    def case(self, session: Session, scope: Scope, case_id: int, *, keep: str | None = None) -> dict[str, Any]:
        """A visible case; its ``actions`` are the steps the caller may take now (``keep``: a step just
        refused stays offered, so its form shows the reason with the input kept)."""
        row = self._visible(session, scope, case_id)
        decl = self.declaration_of(session, row.procedure, row.jurisdiction, row.declaration_digest)
        officer = is_officer(scope, row.org_path)
        party = is_party(scope, row.party_user_id, row.party_key)
        counterparty = is_counterparty(scope, row.counterparty_org_id)
        clocks = []
        rows = list(session.execute(select(CLOCKS).where(CLOCKS.c.case_id == case_id).order_by(CLOCKS.c.id)))
        for c in rows:
            spec = decl.clocks.get(c.name)
            clocks.append({
                "name": c.name, "title": spec.title if spec else Text(zh=c.name, en=c.name), "amount": c.amount,
                "unit": c.unit, "status": c.status, "started_at": c.started_at, "due_on": c.due_on, "due_at": c.due_at,
                "due_problem": c.due_problem, "provisional": provisional(c), "stopped_at": c.stopped_at,
                "pauses": json.loads(c.pauses), "extensions": json.loads(c.extensions),
                "basis": spec.basis if spec else "", "binds": spec.binds if spec else "office",
                "waits": bool(spec and spec.waits),
                # a term to wait out: the steps its end opens (offered from the day after its last day)
                "opens": [t.title for t in decl.transitions if c.name in t.lapsed] if spec and spec.waits else [],
            })
        steps = [dict(s._mapping) | {"fields": json.loads(s.fields), "documents": json.loads(s.documents)}
                 for s in session.execute(select(STEPS).where(STEPS.c.case_id == case_id).order_by(STEPS.c.seq))]
        party_clocks = {name for name, c in decl.clocks.items() if c.remind_party}
        notices = [dict(n._mapping) for n in session.execute(
            select(NOTICES).where(NOTICES.c.case_id == case_id).order_by(NOTICES.c.id))
            if officer or n.kind == "party" or n.clock in party_clocks]
        today = china_today()
        held = self._held(session, row.procedure, row.id, decl)
        caller: dict[str, Any] = {
            "officer": officer, "party": party, "counterparty": counterparty, "clocks": {c.name: c for c in rows},
            "taken": {s["event"] for s in steps}, "today": today, "case_fields": json.loads(row.fields or "{}"),
            "takers": [(s["event"], s["user_id"]) for s in steps], "user_id": scope.user_id, "held": held,
            "said": self.expectations(decl), "office": Office.of(scope, row.org_path)}
        actions = offered(decl, row.state, row.is_open, scope.role, keep=keep, **caller)
        # the steps another office takes (a provincial recommendation): the page says who, beside the caller's own —
        # whether or not a domain holds them back now (over the city's quota), which is for that office to read
        elsewhere = [t for t in offered(decl, row.state, row.is_open, scope.role, **(caller | {"office": None, "held": {}}))
                     if office_problem(t, caller["office"], party=party, counterparty=counterparty)]
        # the steps held back from this state, and from which day: the page says so beside each
        held_back = waiting(decl, row.state, row.is_open, scope.role, **caller)
        # the steps the caller would take but for the four-eyes rule (``not_by``): another person of its side takes
        # them, which the page says (a university's approval after its college's review by the same account)
        barred = [(t, event) for t in offered(decl, row.state, row.is_open, scope.role, **(caller | {"user_id": None}))
                  if t not in actions and (event := excluding_step(t, caller["takers"], scope.user_id)) is not None]
        next_due = None if row.next_due == NO_DEADLINE else row.next_due
        now_awaited = awaited(caller["said"], row.state, row.awaits_until, row.awaits_by, row.awaits_also, today)
        return {"case": dict(row._mapping) | {"fields": json.loads(row.fields), "next_due": next_due}, "declaration": decl,
                "clocks": clocks, "steps": steps, "notices": notices, "actions": actions, "held": held_back,
                "elsewhere": elsewhere, "barred": barred,
                "officer": officer, "party": party, "counterparty": counterparty,
                # who the case awaits now (:func:`awaited`): with ``actions``, whether it is on the caller's to-do list
                "awaited": now_awaited,
                # what it waits for instead, where a hold keeps back every step expected of them (:func:`stalled`)
                "stalled": stalled(decl, row.state, row.is_open, now_awaited,
                                   **{k: v for k, v in caller.items() if k not in ("officer", "party", "counterparty",
                                                                                   "user_id", "office")}),
                # the last day of a party's period while it is the answer (补正期限至 …)
                "awaited_until": period_until(row.awaits_until, row.awaits_by, today)}

    def expectations(self, decl: Declaration) -> Declaration:
        """The declaration that says who ``decl``'s cases await (:func:`awaited`, :func:`awaiting_period`,
        :func:`pending_awaits`): ``decl`` — an earlier file a case was filed under — awaiting whom the procedure's
        current declaration for its jurisdiction says, state by state, period by period, decision by decision
        (:func:`~zhichan.procedures.declaration.expected_as`; a part it no longer has keeps ``decl``'s); ``decl`` itself
        when it is the current one."""
        current = self._current(decl)
        if not current:
            return decl
        key = (decl.digest, current[0].digest)
        found = self._expected.get(key)
        if found is None:
            found = self._expected[key] = expected_as(decl, current[0])
        return found

    def _actionable(self, session: Session, scope: Scope, today: dt.date, *, area: bool = False) -> Any:
        """SQL: open cases in which the caller has a step of its own to take now (:func:`offered`) and is awaited
        (:func:`awaits`, :func:`awaited`) — as an officer of its own organization (``area``: of its whole subtree, the
        oversight view of a city or province) or, for a step of an office above the one handling the case
        (``TransitionSpec.office``: a provincial recommendation), of an organization below it, as the party, or as the counterparty organization a case names (a
        bank, an agency, the buyer of a deal; an agency may also be a party). A state where the caller has a step
        offered whatever the case is one term of SQL; a state where its steps are offered only in some cases (a step
        taken once, one the clocks must allow) is decided per case by :func:`offered`, as the case page decides it.
        Whether the caller is awaited is the state's ``awaits`` — in SQL too — unless a period that says whom it awaits
        runs (a party's cure), which the case row keeps (:meth:`_expecting`)."""
        parts: list[tuple[Any, Callable[[TransitionSpec], bool], frozenset[str]]]
        below: Any = None  # the part of the offices below the caller's: few states, sought by state
        if scope.governance and area:
            # 辖区待办, the oversight view: what awaits any office of the area — its officers', its window's, its
            # leaders' steps alike — not only the caller's role (a leader, awaited in few states, oversees them all)
            parts = [(officer_filter(scope, dialect=self.engine.dialect.name),
                      lambda t: not OFFICES.isdisjoint(t.roles), OFFICES | upper_actors(OFFICES))]
        elif scope.governance:
            role = frozenset({str(scope.role)})
            # a provincial office is awaited as one (``province:case_officer``) in its own cases too: an application
            # filed with it awaiting its recommendation
            own = role | ({upper_actor("province", str(scope.role))} if provincial(scope.region_prefix) else set())
            parts = [(CASES.c.org_id == scope.org_id, lambda t: scope.role in t.roles, own)]
            if scope.org_path is not None:
                # a step of an office above the one handling the case (the provincial recommendation, the upper level's
                # extension) is that office's own to-do: its role's office steps in the cases of the offices below it
                # (:func:`office_problem` decides each case of the upper level's; a provincial one, where the caller's
                # office is one, below: the caller's office alone decides it — ``takes`` below)
                below = and_(officer_filter(scope, dialect=self.engine.dialect.name), CASES.c.org_path != scope.org_path)
                parts.append((below, lambda t: scope.role in t.roles and t.office in UPPER_OFFICES, role | upper_actors(role)))
        else:
            parts = [(party_filter(scope), lambda t: t.party, frozenset({"party"}))]
            if scope.role in COUNTERPARTY_ROLES:
                parts.append((counterparty_filter(scope), lambda t: t.counterparty, frozenset({"counterparty"})))
        # the kept declarations decide as the current ones say (a step made a deciding one is decided case by case)
        declarations = [self.expectations(d) for d in [*self.registry.all(), *self._kept(session)]]
        wanted = []
        # a step the caller's office alone decides (a provincial recommendation: :func:`office_by_caller`) is decided
        # here once, not case by case — a province's own list held every application awaiting it below, each read
        office = Office.of(scope, "")
        for who, part_takes, actors in parts:
            def takes(t: TransitionSpec, part_takes: Callable[[TransitionSpec], bool] = part_takes) -> bool:
                return part_takes(t) and (not office_by_caller(t) or office_problem(t, office) is None)

            expecting = self._expecting(session, declarations, who, actors, today)
            depends = _only(takes, always=False)
            always = _only(takes, always=True)
            # a step a domain may hold back (:meth:`add_holds`) is offered case by case, like one a term holds back
            def unheld(d: Declaration, t: TransitionSpec,
                       always: Callable[[Declaration, TransitionSpec], bool] = always) -> bool:
                return always(d, t) and not self._is_held(d, t)

            surely = self._state_keys(session, unheld)
            # the offices below: the few states of the office steps sought by state (a province's subtree is all its
            # cases, which a list of "procedure state" keys would read one by one)
            if not isinstance(found := expecting(surely, who is below), False_):
                wanted.append(and_(who, found))
            # a step a domain's hold said in SQL keeps back (a recommendation over the city's quota): in SQL too
            for procedure, free in sorted(self._free.items()):
                def freed(d: Declaration, t: TransitionSpec, procedure: str = procedure,
                          always: Callable[[Declaration, TransitionSpec], bool] = always) -> bool:
                    return d.procedure == procedure and always(d, t) and self._is_held(d, t)

                keys = self._state_keys(session, freed) - surely
                if keys and not isinstance(found := expecting(keys, who is below), False_):
                    wanted.append(and_(who, found, free(today)))
            # a step taken once: offered while the case has no such step, which SQL can tell
            for decl in declarations:
                for t in decl.transitions:
                    if depends(decl, t) and t.once and not per_case(decl, t, caller_decides=True) \
                            and not self._is_held(decl, t):
                        states = {(decl.procedure, decl.jurisdiction, s) for s in t.source
                                  if not decl.states[s].resting} - surely
                        if states and not isinstance(found := expecting(states, True), False_):
                            wanted.append(and_(who, found, ~exists().where(
                                STEPS.c.case_id == CASES.c.id, STEPS.c.event == t.event)))
            # a step the clocks or the start fields must allow, in a state not already listed whole: decided case by
            # case (few states of few declarations, so most calls read no case here)
            def case_dependent(d: Declaration, t: TransitionSpec,
                               depends: Callable[[Declaration, TransitionSpec], bool] = depends,
                               always: Callable[[Declaration, TransitionSpec], bool] = always) -> bool:
                return (depends(d, t) and per_case(d, t, caller_decides=True)) \
                    or (depends(d, t) and self._is_held(d, t)) or (always(d, t) and self._is_held(d, t, in_sql=False))

            maybe = self._state_keys(session, case_dependent) - surely
            if maybe and not isinstance(found := expecting(maybe, True), False_):
                ids = self._offering(session, scope, and_(CASES.c.is_open == true(), who, found), today, takes,
                                     roles=OFFICES if area and scope.governance else None)
                if ids:
                    wanted.append(CASES.c.id.in_(bindparam(None, ids, expanding=True, literal_execute=True)))
        # a part that selects nothing is left out above, not written ``OR 0 = 1``: a term beside the caller's
        # organization's kept SQLite from seeking its cases (a city's own list read every open case's index entry)
        return or_(false(), *wanted)

    def _expecting(self, session: Session, declarations: list[Declaration], who: Any, actors: frozenset[str],
                   today: dt.date) -> Callable[[set[tuple[str, str, str]], bool], Any]:
        """SQL of the cases ``who`` selects in some states (``keys``: :meth:`_state_keys`; ``seek``: as
        :meth:`_keys_sql`) that await ``actor`` now (:func:`awaited`): while a period that says whom it awaits runs
        (the case row's ``awaits_until`` ≥ today), if it awaits the actor (``awaits_by``); else if the state does. The
        row says it (:func:`awaiting_period`), so the count reads no clock and names no case; only the states a
        period may run in (:attr:`Declaration.periods_awaiting`) test the row — in the others it never runs."""
        states: set[tuple[str, str, str]] = set()  # the states awaiting the actor
        periodic: set[tuple[str, str, str]] = set()  # the states a period saying whom it awaits may run in
        pending: set[tuple[str, str, str]] = set()  # the states where a request awaiting the actor may be pending
        for decl in declarations:
            said = self.expectations(decl)
            for name in decl.states:
                spec = said.states.get(name)
                if spec is None or spec.awaits is None or not actors.isdisjoint(spec.awaits):
                    states.add((decl.procedure, decl.jurisdiction, name))
            periodic |= {(decl.procedure, decl.jurisdiction, state)
                         for running_in, _ in said.periods_awaiting.values() for state in running_in}
            pending |= {(decl.procedure, decl.jurisdiction, state) for taken_in, _, by in said.pending_awaiting.values()
                        if not actors.isdisjoint(by) for state in taken_in}
        running = CASES.c.awaits_until >= today
        listed = literal(",") + CASES.c.awaits_by + literal(",")
        by_actor = or_(*(listed.contains(f",{actor},", autoescape=True) for actor in sorted(actors)))
        also = literal(",") + CASES.c.awaits_also + literal(",")
        also_actor = or_(*(also.contains(f",{actor},", autoescape=True) for actor in sorted(actors)))

        def expecting(keys: set[tuple[str, str, str]], seek: bool) -> Any:
            """Cases in the states ``keys`` that await the actor."""
            terms = []
            if keys & states - periodic:  # the state awaits it, and nothing speaks instead
                terms.append(self._keys_sql(session, keys & states - periodic, seek=seek))
            for group, test in ((keys & states & periodic, or_(~running, by_actor)),  # unless a period awaiting others runs
                                (keys & periodic - states, and_(running, by_actor)),  # while a period awaiting it runs
                                (keys & pending - states - periodic, false())):
                # and besides, while a request awaiting it is pending (a recusal request: the leader)
                for subset, held in ((group - pending, test), (group & pending, or_(test, also_actor))):
                    if subset:
                        terms.append(and_(self._keys_sql(session, subset, seek=seek), held))
            return or_(*terms) if terms else false()

        return expecting

    def _offering(self, session: Session, scope: Scope, where: Any, today: dt.date,
                  takes: Callable[[TransitionSpec], bool], *, roles: frozenset[str] | None = None) -> list[int]:
        """The ids of the cases ``where`` selects that offer the caller a step of its own now, one ``takes`` accepts
        (in the cases of the offices below the caller's, a step of an office above: the upper level's extension; the
        handling office's own steps are not the caller's there) — ``roles``: a step of any of those office roles, awaited
        (the area view's), instead of the caller's own."""
        rows = session.execute(select(CASES.c.id, CASES.c.procedure, CASES.c.jurisdiction, CASES.c.declaration_digest,
                                      CASES.c.state, CASES.c.is_open, CASES.c.org_path, CASES.c.party_user_id,
                                      CASES.c.party_key, CASES.c.counterparty_org_id, CASES.c.fields, CASES.c.awaits_until,
                                      CASES.c.awaits_by, CASES.c.awaits_also).where(where)).all()
        if not rows:
            return []
        candidates = [r.id for r in rows]  # every open case of an area in these states: a list that grows with the data
        clocks: dict[int, dict[str, Any]] = {}
        for c in rows_in(session, select(CLOCKS), candidates, CLOCKS.c.case_id):
            clocks.setdefault(c.case_id, {})[c.name] = c
        taken: dict[int, set[str]] = {}
        takers: dict[int, list[tuple[str, int | None]]] = {}
        for case_id, event, user_id in rows_in(session, select(STEPS.c.case_id, STEPS.c.event, STEPS.c.user_id)
                                               .order_by(STEPS.c.case_id, STEPS.c.seq), candidates, STEPS.c.case_id):
            taken.setdefault(case_id, set()).add(event)
            takers.setdefault(case_id, []).append((event, user_id))
        ids = []
        for r in rows:
            decl = self.declaration_of(session, r.procedure, r.jurisdiction, r.declaration_digest)
            officer, party = is_officer(scope, r.org_path), is_party(scope, r.party_user_id, r.party_key)
            counterparty = is_counterparty(scope, r.counterparty_org_id)
            said = self.expectations(decl)
            now_awaited = awaited(said, r.state, r.awaits_until, r.awaits_by, r.awaits_also, today)
            # what the case holds is read once, whichever of the roles it is tried for (a hold may query the database)
            case: dict[str, Any] = {
                "clocks": clocks.get(r.id, {}), "taken": taken.get(r.id, set()), "today": today,
                "case_fields": json.loads(r.fields or "{}"), "takers": takers.get(r.id, []), "user_id": scope.user_id,
                "held": self._held(session, r.procedure, r.id, decl), "said": said,
                "office": Office.of(scope, r.org_path, area=roles is not None)}
            for role in sorted(roles or {str(scope.role)}):
                steps = [t for t in offered(decl, r.state, r.is_open, role, officer=officer, party=party,
                                            counterparty=counterparty, **case) if takes(t)]
                if on_todo(decl, r.state, steps, role, officer=officer, party=party, counterparty=counterparty,
                           awaited=now_awaited):
                    ids.append(r.id)
                    break
        return ids

    def _state_keys(self, session: Session,
                    takes: Callable[[Declaration, TransitionSpec], bool]) -> set[tuple[str, str, str]]:
        """(procedure, jurisdiction, state) of every state where some step ``takes`` accepts starts, over the
        declarations open cases may run under (resting states left out)."""
        keys: set[tuple[str, str, str]] = set()
        # open cases may run under earlier files (deciding as the current ones say: :meth:`expectations`)
        for decl in [self.expectations(d) for d in [*self.registry.all(), *self._kept(session)]]:
            keys |= {(decl.procedure, decl.jurisdiction, s) for t in decl.transitions if takes(decl, t)
                     for s in t.source if not decl.states[s].resting}
        return keys

    def _keys_sql(self, session: Session, keys: set[tuple[str, str, str]], *, seek: bool = False) -> Any:
        """SQL: the case is in one of the states ``keys`` (:meth:`_state_keys`) names. ``seek``: one term per
        procedure and jurisdiction, which the case indexes can seek (for a few states)."""
        by_procedure: dict[str, dict[str, set[str]]] = {}
        for procedure, jurisdiction, state in keys:
            by_procedure.setdefault(procedure, {}).setdefault(jurisdiction, set()).add(state)
        jurisdictions: dict[str, set[str]] = {}
        for decl in [*self.registry.all(), *self._kept(session)]:
            jurisdictions.setdefault(decl.procedure, set()).add(decl.jurisdiction)
        # the usual case — local rules change clocks, not who acts — is one IN list of "procedure state" keys
        # (a procedure's name has no space): one lookup per row instead of an OR of a term per procedure,
        # which cost most of the to-do count over 100,000 cases (benchmarks/protection_bench.py)
        flat: list[str] = []
        wanted: list[Any] = []
        for procedure, per_jurisdiction in by_procedure.items():
            state_sets = {frozenset(states) for states in per_jurisdiction.values()}
            if not seek and len(state_sets) == 1 and set(per_jurisdiction) == jurisdictions.get(procedure, set()):
                flat.extend(f"{procedure} {state}" for state in next(iter(state_sets)))
            else:
                wanted.extend(and_(CASES.c.procedure == procedure, CASES.c.jurisdiction == j,
                                   CASES.c.state.in_(sorted(states)))
                              for j, states in sorted(per_jurisdiction.items()))
        if flat:
            wanted.insert(0, (CASES.c.procedure + " " + CASES.c.state).in_(sorted(flat)))
        return or_(*wanted) if wanted else false()

    def todo(self, session: Session, scope: Scope, *, today: dt.date | None = None, limit: int = 50,
             offset: int = 0, area: bool = False) -> dict[str, Any]:
        """我的待办: open cases of the caller's organization awaiting a step its role may take, nearest
        deadline first; ``area`` widens it to the organization's subtree (辖区待办, for oversight)."""
        scope.require_authenticated()
        today = today or china_today()
        where = self._actionable(session, scope, today, area=area)
        # overdue: an office clock ran out; a party's period running out (the answer period …) is the
        # office's turn to act, shown as 期限届满, not as a delay of the office
        counts = session.execute(select(
            func.count(),
            func.coalesce(func.sum(sql_case((CASES.c.next_office_due < today, 1), else_=0)), 0),
            func.coalesce(func.sum(sql_case((CASES.c.next_due == today, 1), else_=0)), 0),
            func.min(CASES.c.next_due),
        ).select_from(CASES).where(and_(CASES.c.is_open == true(), where))).one()
        # the page: walk the (is_open, next_due) index when the caller's cases are dense among the open ones — the
        # open cases due before the first of them passed first
        where = walk_in_order(session, where, matching=int(counts[0]), reach=offset + limit, cost=WALK_DEADLINES,
                              ahead=None if not counts[0] else and_(CASES.c.is_open == true(),
                                                                     CASES.c.next_due < counts[3]))
        # no page to read when nothing matches: the query would walk the deadline index through every open case
        rows = [] if not counts[0] else session.execute(
            select(*CASE_ROW, CASES.c.next_office_due, CASES.c.updated_at, CASES.c.version)
            .where(CASES.c.is_open == true(), where).order_by(CASES.c.next_due, CASES.c.id).limit(limit).offset(offset)
        ).all()
        # each with its row, which the lists show as :meth:`case_rows` shapes it (``zhichan.procedures.views.todo_view``)
        items = []
        for r in rows:
            # a step of its state held back by something elsewhere (an application over its city's quota, in the
            # province's 辖区待办): the list says what it waits for, as the case page's header does
            decl = self.declaration_of(session, r.procedure, r.jurisdiction, r.declaration_digest) \
                if r.procedure in self._holds else None
            blocked = [h for e, h in self._held(session, r.procedure, r.id, decl).items()
                       if isinstance(h, Blocked) and decl.transition(e, r.state) is not None] if decl else []
            items.append({"id": r.id, "number": r.number, "code": r.procedure, "case": r,
                          "next_due": None if r.next_due == NO_DEADLINE else r.next_due,
                          "overdue": r.next_office_due < today, "lapsed": r.next_due < today <= r.next_office_due,
                          "due_today": r.next_due == today, "version": r.version, "waits": blocked})
        return {"items": items, "total": int(counts[0]), "overdue": int(counts[1]), "due_today": int(counts[2]),
                "today": today, "area": area}

    # -- the sweep -----------------------------------------------------------------------------

    def sweep(self, session: Session, today: dt.date | None = None, *, now: dt.datetime | None = None) -> dict[str, int]:
        """预警: warn before, at and after each running deadline — once per stage — in three set-based
        statements; and retry deadlines that waited for a holiday schedule. The warnings' moment (``now`` unless given)
        is read once the clocks to warn of are locked."""
        given = now
        today = today or china_date(now or utcnow())
        retried = 0
        # unknown or provisional deadlines: exact once the year's schedule is loaded (a provisional one kept as it is,
        # warnings and all, until then). Each names the first year it reached past the schedule loaded when it was
        # counted (``due_problem``); while that year is still unpublished it would come out the same, so only those
        # naming a year loaded since — or written otherwise — are counted again, not every one on every run
        waiting = [CalendarNotPublished(year).message for year in unpublished_years()]
        for row in session.execute(select(CLOCKS, CASES.c.procedure, CASES.c.jurisdiction, CASES.c.declaration_digest).join(
                CASES, CASES.c.id == CLOCKS.c.case_id).where(CLOCKS.c.status == "running",
                                                      CLOCKS.c.due_problem.is_not(None),
                                                      CLOCKS.c.due_problem.not_in(waiting))):
            decl = self.declaration_of(session, row.procedure, row.jurisdiction, row.declaration_digest)
            values = self.deadline_values(decl, row)
            if values["due_problem"] is None or values["due_on"] != row.due_on:
                self._recompute(session, decl, row.case_id, row.name)
                self._refresh_next_due(session, decl, row.case_id)
                retried += 1
        # the clocks with something to say today locked before the warnings' moment is read, so a sweep that waited for
        # another's rows is dated after it: PostgreSQL's row locks (FOR UPDATE: 3–6× cheaper than writing the rows
        # unchanged, docs/benchmarks.md), SQLite's write lock (it has no row locks: its one writer at a time)
        due = and_(CLOCKS.c.status != "stopped", CLOCKS.c.alert_on <= today, CLOCKS.c.warned < WARNING_LEVELS["overdue"])
        if session.get_bind().dialect.name == "sqlite":
            session.execute(update(CLOCKS).where(due, CLOCKS.c.id.is_(None)).values(warned=CLOCKS.c.warned))
        else:
            session.execute(select(CLOCKS.c.id).where(due).with_for_update())
        now = given or utcnow()
        # (kind, when, the next alert — next_alert() in SQL): the dates make the stages exclusive on any one day
        stages: tuple[tuple[str, Any, Any], ...] = (
            ("warning", and_(CLOCKS.c.warn_on <= today, CLOCKS.c.due_on > today), CLOCKS.c.due_on),
            ("due", CLOCKS.c.due_on == today, literal(first_day_after(today))),
            ("overdue", CLOCKS.c.due_on < today, None),
        )
        counts: dict[str, int] = {"retried": retried}
        for kind, condition, after in stages:
            level = WARNING_LEVELS[kind]
            chosen = and_(CLOCKS.c.status != "stopped", CLOCKS.c.alert_on <= today, CLOCKS.c.warned < level, condition)
            session.execute(insert(NOTICES).from_select(
                ["case_id", "kind", "clock", "due_on", "text_zh", "text_en", "created_at"],
                # FOR UPDATE (PostgreSQL; SQLite's write lock serializes anyway): a second sweep at the same
                # time waits for these rows and, once they are marked, finds nothing left to warn of
                select(CLOCKS.c.case_id, literal(kind), CLOCKS.c.name, CLOCKS.c.due_on, literal(""), literal(""),
                       literal(now)).where(chosen).with_for_update(),
            ))
            marked = cast(CursorResult[Any], session.execute(
                update(CLOCKS).where(chosen).values(warned=level, alert_on=after)))
            counts[kind] = int(marked.rowcount or 0)
        return counts
