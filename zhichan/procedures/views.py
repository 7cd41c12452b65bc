"""A page's data computed once as a dict; the router renders it as HTML or returns it as JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.errors import InputError
from zhichan.legaltime import Due, china_today, first_day_after
from zhichan.money import format_money, unit_text
from zhichan.platform.models import Organization, User
from zhichan.platform.orgs import RowName, english_names, org_display_name
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import (
    RECEIVING_OFFICE,
    ClockSpec,
    Declaration,
    FieldSpec,
    TransitionSpec,
    period_text,
)
from zhichan.procedures.models import NO_DEADLINE
from zhichan.procedures.scope import CASES, party_filter
from zhichan.procedures.service import (
    CASE_ROW,
    DESIGNATED_AREA,
    OTHER_PROVINCE,
    Blocked,
    Listed,
    Option,
    ProcedureService,
    Stalled,
    awaited,
    period_until,
    resumable,
)
from zhichan.reference.regions import region_name
from zhichan.web.i18n import PUNCTUATION, catalogue, in_language, message_in_language, stored_text, translate
from zhichan.web.labels import choice

if TYPE_CHECKING:
    from zhichan.evidence.schemas import Certificate


def late(clock: dict[str, Any], today: dt.date) -> bool:
    return bool(clock["status"] != "stopped" and clock["due_on"] is not None and clock["due_on"] < today)


def field_json(f: FieldSpec, lang: str, options: dict[str, tuple[Option, ...]] | None = None,
               choices: dict[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """A declared field for a form; ``options``: the choices a domain's list (``FieldSpec.options``) opens to the
    filer, by field name — each with its label in ``lang``; ``choices``: a declared choice's the form offers instead of
    all it declares, by field name (:meth:`ProcedureService.form_choices`)."""
    return {"name": f.name, "label": f.label(lang), "kind": f.kind, "required": f.required, "max_length": f.max_length,
            "choices": list((choices or {}).get(f.name, f.choices)), **({"unit": f.unit, "unit_text": unit_text(f.unit, lang)} if f.kind == "money" else {}),
            **({"options": [{"value": o.value, "label": o.label(lang)} for o in (options or {}).get(f.name, ())]}
               if f.options is not None else {})}


def shown_fields(values: dict[str, Any], fields: tuple[FieldSpec, ...], lang: str,
                 names: dict[str, str] | None = None,
                 labels: dict[str, Listed] | None = None,
                 parties: frozenset[str] | None = None,
                 people: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """A step's stored values under their labels, in the declaration's order: ``value`` as stored (the API's
    exact decimal string for money), ``shown`` as the page reads it (money grouped with its unit:
    ``25,610,000 元`` / ``25,610,000 yuan``; a declared choice by its label, 网络竞价 / "Online auction"; a region
    code by its name, 成都市 / Chengdu; an organization by its name in ``lang`` from ``names``, where known; a value of a
    domain's list by its label from ``labels``, field → the list's label and each value's: a protection centre by its
    name, not ``CN-CD`` — also in a case filed when the form asked for the code, :meth:`ProcedureService.option_labels`).
    ``parties``: the fields that name a party (:meth:`ProcedureService.organization_fields`), else those ``fields``
    declare so; ``people``: those that list people (:meth:`ProcedureService.people_fields`), each person from
    ``names`` where known, listed as the page's language lists (张伟、王芳 / Zhang Wei, Wang Fang)."""
    specs = {f.name: f for f in fields}
    out = []
    for key, value in in_order(values, fields):
        spec = specs.get(key)
        # a field taking its choices from a domain's list — or one an earlier declaration took as text — by the list
        listing = (labels or {}).get(key) if spec is not None else None
        listed = listing.values.get(str(value)) if listing is not None else None
        shown = (listed(lang) if listed is not None
                 else format_money(value, lang, spec.unit) if spec is not None and spec.kind == "money"
                 else choice(lang, str(value)) if spec is not None and spec.kind == "choice" and spec.options is None
                 else region_shown(str(value), lang) if spec is not None and spec.shows == "region"
                 else listed_people(str(value), names or {}, lang) if (key in people if people is not None
                                                                       else spec is not None and spec.shows == "people")
                 else (names or {}).get(str(value), value) if (key in parties if parties is not None
                                                               else spec is not None and spec.shows == "organization")
                 else stored_text(value, lang) if _stored_message(value)
                 else value)
        label = (listing.label if listed is not None and listing is not None else spec.label if spec is not None
                 else None)
        out.append({"label": label(lang) if label is not None else key, "value": value, "shown": shown})
    return out


def _stored_message(value: Any) -> bool:
    """Whether a step's value is a message the platform stored for every language (``stored_message``: a domain's own
    reason, such as the data-IP register's automatic 准予登记), shown in the page's; anything typed shows as typed."""
    if not (isinstance(value, str) and value.startswith('{"key": "')):
        return False
    try:
        found = json.loads(value)
    except ValueError:
        return False
    return isinstance(found, dict) and set(found) == {"key", "values"} and str(found["key"]) in catalogue("zh")


#: what separates the people a field lists (合议组成员: 张伟、王芳、李娜)
PEOPLE_SEPARATORS = re.compile(r"\s*[、，,；;\n]\s*")


def people_listed(value: Any) -> list[str]:
    """The people a ``shows: people`` field lists."""
    return [p for p in PEOPLE_SEPARATORS.split(str(value or "").strip()) if p]


def listed_people(value: str, names: dict[str, str], lang: str) -> str:
    """A list of people in ``lang``: each by ``names`` where known there, else as typed, joined as ``lang`` joins."""
    people = people_listed(value)
    if not any(p in names for p in people):
        return value
    return ("、" if lang == "zh" else ", ").join(names.get(p, p) for p in people)


def region_shown(code: str, lang: str) -> str:
    """A region code typed into a form, by its name with the code (成都市（510100） / Chengdu (510100)); a code
    the reference data does not know as typed."""
    try:
        name = region_name(code.strip(), lang)
    except InputError:
        return code
    return f"{name} ({code})" if lang == "en" else f"{name}（{code}）"


def organization_names(session: Session, values: list[Any], lang: str, case: dict[str, Any]) -> dict[str, str]:
    """Organizations named in ``values`` (typed names) of ``case`` → their name in ``lang``, for those that have one
    there (:func:`zhichan.platform.orgs.english_names`: an organization's English name, else in a synthetic case the
    demo's, read among the case's region's places)."""
    if lang != "en":
        return {}
    found = english_names(session, [RowName(str(v), case["region_code"], case["synthetic"]) for v in values if v])
    return {str(n.name): en for n, en in found.items()}


def action_json(t: TransitionSpec, lang: str, options: dict[str, tuple[Option, ...]] | None = None,
                generated: frozenset[str] = frozenset(), notes: dict[str, str] | None = None,
                choices: dict[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """A step's form; ``generated``: the documents its domain generates when left empty (Chinese labels), listed by
    their place among ``documents`` — not required, the form says so; ``notes``: a line the form shows under a field,
    by its name (why a move's list holds the offices it holds); ``choices``: as :func:`field_json`'s."""
    return {"event": t.event, "title": t.title(lang),
            "fields": [field_json(f, lang, options, choices) | ({"note": notes[f.name]} if notes and f.name in notes else {})
                       for f in t.fields],
            "documents": [d(lang) for d in t.documents], "attachments": t.attachments,
            "generated": [i for i, d in enumerate(t.documents) if d.zh in generated],
            "extends": t.extends.model_dump() if t.extends else None}


def in_order(values: dict[str, Any], fields: tuple[FieldSpec, ...]) -> list[tuple[str, Any]]:
    """Stored values (kept with sorted keys) in the order the declaration lists its fields."""
    rank = {f.name: i for i, f in enumerate(fields)}
    return sorted(values.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


def todo_view(service: ProcedureService, session: Session, scope: Scope, lang: str, *, page: int = 1,
              per_page: int = 50, area: bool = False) -> dict[str, Any]:
    data = service.todo(session, scope, limit=per_page, offset=(page - 1) * per_page, area=area and scope.governance)
    shown = service.case_rows(session, [i["case"] for i in data["items"]], lang)
    items = [{**{k: v for k, v in i.items() if k not in ("case", "waits")}, **row,
              # what a held step waits for (an application over its city's quota): as the case page's header says it
              "waits": [blocked_view(b, lang) for b in i["waits"]]}
             for i, row in zip(data["items"], shown, strict=True)]
    return {**data, "items": items, "page": page, "per_page": per_page}


#: what a list of cases that names whom each awaits selects beside :data:`CASE_ROW` (:func:`listed_cases`)
AWAITED_ROW = (CASES.c.awaits_until, CASES.c.awaits_by, CASES.c.awaits_also)


def listed_cases(service: ProcedureService, session: Session, rows: Sequence[Any], lang: str) -> list[dict[str, Any]]:
    """:meth:`ProcedureService.case_rows` of ``rows`` (each selecting :data:`CASE_ROW` and :data:`AWAITED_ROW`) and
    whom each awaits now, as its case page's header says it (:func:`awaited_view`: ``awaited_shown``, and
    ``awaited_until`` the last day of a party's period — a cure — while that is the answer): a list of a domain's own
    records (the pledge register) shows the state its case is in and who is to act, not a status of its own."""
    today = china_today()
    shown = service.case_rows(session, rows, lang)
    found = []
    for r, row in zip(rows, shown, strict=True):
        decl = service.declaration_of(session, r.procedure, r.jurisdiction, r.declaration_digest)
        now = awaited(service.expectations(decl), r.state, r.awaits_until, r.awaits_by, r.awaits_also, today)
        found.append(row | awaited_view(now, period_until(r.awaits_until, r.awaits_by, today), decl,
                                        {"is_open": r.is_open, "state": r.state}, lang))
    return found


def own_cases_view(service: ProcedureService, session: Session, scope: Scope, lang: str, *, excluded: list[str],
                   limit: int = 10) -> dict[str, Any]:
    """进行中的办件: the open cases the caller filed (the engine's party rule), newest first — what an enterprise has under
    way that awaits someone else (a registration under notice, a pledge awaiting its bank), which its to-do list, holding
    only what awaits it, does not show. ``excluded``: procedures whose domain lists its cases itself (the service
    catalogue's applications)."""
    scope.require_authenticated()
    where = (CASES.c.is_open, party_filter(scope), CASES.c.procedure.not_in(excluded))
    total = int(session.scalar(select(func.count()).select_from(CASES).where(*where)) or 0)
    rows = session.execute(select(*CASE_ROW).where(*where)
                           .order_by(CASES.c.created_at.desc(), CASES.c.id.desc()).limit(limit)).all()
    return {"items": service.case_rows(session, rows, lang), "total": total}


def person_name(username: str, display_name: str, lang: str) -> str:
    """An account's person as a case page names them, in ``lang``: its name, or nothing for an account made without one
    (accounts.create_user names it by its sign-in name, which a page never shows — the audit log keeps it)."""
    return "" if display_name in ("", username) else in_language(display_name, lang).strip()


def step_actors(session: Session, user_ids: list[int | None], lang: str) -> dict[int, str]:
    """Who took each step as a case page names them: the person's organization and name in the page's language
    (武侯区知识产权局 · 王芳); the name alone where it already says the organization (a demo account's 成都乐博（合成）),
    the organization alone for an account without a name of its own — never the account's sign-in name
    (exchange_demo_00), which the audit log keeps."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.username, User.display_name, Organization.name, Organization.name_en)
                           .join(Organization, Organization.id == User.org_id).where(User.id.in_(ids))).all()
    named: dict[int, str] = {}
    for r in rows:
        office = org_display_name(r.name, r.name_en, lang)
        person = person_name(r.username, r.display_name, lang)
        named[r.id] = person if office and office in person else " · ".join(p for p in (office, person) if p)
    return named


def pause_shown(pause: dict[str, Any], lang: str, labels: dict[str, str]) -> str:
    """Why a clock did not run, as a page reads it: the ground chosen (中止事由, a declared choice), else the step that
    paused it (收到管辖权异议); ``labels``: the steps' titles in the page's language by event."""
    return choice(lang, pause["reason"]) if pause.get("reason") else labels.get(pause.get("event", ""), "")


def resumed(decl: Declaration, t: TransitionSpec, clocks: list[dict[str, Any]], lang: str,
            labels: dict[str, str]) -> list[str]:
    """What a resuming step offered ends, in the page's language: for each clock it resumes, the open pause it would
    end (:func:`~zhichan.procedures.service.resumable`) — 恢复处理 ends the suspension on its ground, since its day."""
    out = []
    for c in clocks:
        ending = resumable(decl, t, c["pauses"]) if c["name"] in t.resumes else []
        if ending:
            p = c["pauses"][ending[-1]]
            out.append(translate(lang, "procedures.resume_ends", clock=c["title"](lang), since=p["start"],
                                 ground=pause_shown(p, lang, labels)))
    return out


def case_view(service: ProcedureService, session: Session, scope: Scope, case_id: int, lang: str, *,
              keep: str | None = None, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """``keep``: the step just refused, with the ``values`` typed for it — kept in its form, or, when
    the step no longer applies (the case moved on), listed under their labels to copy."""
    data = service.case(session, scope, case_id, keep=keep)
    decl: Declaration = data["declaration"]
    case = data["case"]
    today = china_today()  # the day in China, as the to-do list and the sweep count it
    labels = {t.event: t.title(lang) for t in decl.transitions} | {"start": decl.start.title(lang)}
    # an extension granted by another office than the one handling the case (the upper level's, 第三十七条) names it
    above = {e["approver_org_id"] for c in data["clocks"] for e in c["extensions"]
             if e.get("approver_org_id") not in (None, case["org_id"])}
    # an officer of an office above the one handling the case (the city's, a district's case on its 辖区待办) reads
    # whose it is: the header named only its roles (办案机关办案人员), and an overdue case did not say which office was late
    reads_from_above = bool(data["officer"]) and scope.org_path != case["org_path"]
    if reads_from_above:
        above.add(case["org_id"])
    offices = {o.id: org_display_name(o.name, o.name_en, lang)
               for o in session.scalars(select(Organization).where(Organization.id.in_(above)))} if above else {}
    # an extension's approver named as a step's taker is (step_actors): the person's name where the account has one,
    # never its sign-in name (it read "demo_province_leader（四川省知识产权局 · 局领导）"); the demos' desk as it signs
    approvers = {e["approver_user"] for c in data["clocks"] for e in c["extensions"] if e.get("approver_role")}
    accounts = {r.username: person_name(r.username, r.display_name, lang) for r in session.execute(
        select(User.username, User.display_name).where(User.username.in_(approvers)))} if approvers else {}
    clocks = []
    for c in data["clocks"]:
        extensions = [{**e, "period": period_text(e["amount"], e["unit"], lang),
                       "office": offices.get(e.get("approver_org_id")),
                       "person": accounts[e["approver_user"]] if e.get("approver_user") in accounts
                       else in_language(e.get("approver_user") or "", lang)} for e in c["extensions"]]
        pauses = [{**p, "shown": pause_shown(p, lang, labels)} for p in c["pauses"]]
        clocks.append({**c, "title": c["title"](lang), "period": period_text(c["amount"], c["unit"], lang),
                       "extensions": extensions, "pauses": pauses,
                       # a clock not stopped past its day: the office's is overdue; a party's period has lapsed (届满)
                       "overdue": late(c, today) and c["binds"] == "office" and not c["waits"],
                       "lapsed": late(c, today) and c["binds"] == "party",
                       # a term to wait out: the day the steps it holds back are offered from, and those steps
                       "opens_on": first_day_after(c["due_on"]) if c["waits"] and c["due_on"] else None,
                       "opens": [t(lang) for t in c["opens"]]})
    specs = {t.event: t.fields for t in decl.transitions} | {"start": decl.start.fields}
    # the fields naming a party or listing people: as the case's declaration or the procedure's current one says
    parties, people = service.organization_fields(decl), service.people_fields(decl)
    named = [name for values in [case["fields"], *(s["fields"] for s in data["steps"])]
             for key, value in values.items() if key in parties or key in people
             for name in (people_listed(value) if key in people else [value])]
    names = organization_names(session, named, lang, case)
    listed = service.option_labels(decl)
    actors = step_actors(session, [s["user_id"] for s in data["steps"]], lang)
    steps = [{**s, "title": labels.get(s["event"], s["event"]), "by": actors.get(s["user_id"]),
              "field_list": shown_fields(s["fields"], fields, lang, names, listed, parties, people),
              "documents": [{**d, "label": d.get("label_en", d["label"]) if lang == "en" else d["label"]}
                            for d in s["documents"]],
              "from_title": decl.states[s["from_state"]].title(lang) if s["from_state"] in decl.states else "",
              "to_title": decl.states[s["to_state"]].title(lang) if s["to_state"] in decl.states else s["to_state"]}
             for s in data["steps"]
             for fields in [specs.get(s["event"], ())]]
    # a notice the platform sent the party ("your request has been accepted"), read by an officer, says to whom it went
    # a warning of a provisional last day says so, as long as the clock's last day is still that provisional one
    estimated = {c["name"]: c["due_on"] for c in data["clocks"] if c["provisional"] and c["status"] != "stopped"}
    notices = [{**n, "text": n["text_en"] if lang == "en" else n["text_zh"],
                "provisional": bool(n["due_on"]) and estimated.get(n["clock"]) == n["due_on"],
                "due_shown": Due(n["due_on"], estimated.get(n["clock"]) == n["due_on"], n["due_on"].year).text(lang)
                if n["due_on"] else "",
                "to_party": data["officer"] and n["kind"] == "party" and not n["clock"],
                "clock_title": decl.clocks[n["clock"]].title(lang) if n["clock"] in decl.clocks else ""}
               for n in data["notices"]]
    kept: list[dict[str, Any]] = []
    if keep and values and keep not in {t.event for t in data["actions"]}:
        own = {f.name: f.label(lang) for t in decl.transitions if t.event == keep for f in t.fields}
        kept = [{"label": own.get(k, k), "value": v} for k, v in values.items() if str(v).strip()]
    return {
        "kept_input": kept,
        "case": {**{k: case[k] for k in ("id", "number", "state", "version", "is_open", "next_due", "created_at",
                                         "updated_at", "closed_at", "region_code", "jurisdiction", "procedure", "synthetic")},
                 # the nearest deadline is a provisional date (a running clock's, its year's schedule not published)
                 "next_due_provisional": any(c["due_on"] == case["next_due"] and c["provisional"]
                                             for c in data["clocks"] if c["status"] != "stopped"),
                 "title": service.case_title(case["procedure"], case["title"], case["fields"], lang, names)},
        "procedure": {"id": decl.procedure, "title": decl.title(lang), "basis": decl.basis, "jurisdiction": decl.jurisdiction},
        "state_title": decl.states[case["state"]].title(lang),
        "filing": shown_fields(case["fields"], decl.start.fields, lang, names, listed, parties, people),
        "clocks": clocks, "steps": steps, "notices": notices,
        # steps held back until a day (a period still running, a domain's hold): each with the day it is offered from;
        # one held by something elsewhere (another case's step) with why, in the page's language, and that case
        "held": [{"event": w.spec.event, "title": w.spec.title(lang), "day": w.day, "provisional": w.provisional,
                  "reason": message_in_language(w.blocked.reason, lang) if w.blocked else None,
                  "procedure": w.blocked.procedure if w.blocked else None,
                  "case_id": w.blocked.case_id if w.blocked else None}
                 for w in data["held"]],
        # steps another office takes (a provincial recommendation, the upper level's extension): who takes each
        "elsewhere": elsewhere_view(data["elsewhere"], lang),
        # steps another person of the caller's side takes (four eyes), by the caller's step that bars them
        "barred": [{"events": [t.event for t, e in data["barred"] if e == event],
                    "titles": [t.title(lang) for t, e in data["barred"] if e == event],
                    "taken": step_title(decl, event, lang)}
                   for event in dict.fromkeys(e for _, e in data["barred"])],
        "actions": [action_json(t, lang, {f.name: service.receiving_options(session, scope, t, case)
                                          if t.transfers and f.name == RECEIVING_OFFICE else
                                          service.options(f, case["region_code"]) for f in t.fields if f.options},
                                service.generated(decl.procedure),
                                notes={RECEIVING_OFFICE: (OTHER_PROVINCE if t.office is None else DESIGNATED_AREA)(lang)}
                                if t.transfers else None, choices=service.form_choices(decl, t))
                    | {"ends": resumed(decl, t, data["clocks"], lang, labels)} for t in data["actions"]],
        "officer": data["officer"], "party": data["party"], "counterparty": data["counterparty"],
        "handling_office": offices.get(case["org_id"]) if reads_from_above else None,
        # whom it awaits, but those a hold keeps from every step expected of them: the header says what it waits for
        **awaited_view(data["awaited"] if data["awaited"] is None or not data["stalled"].actors
                       else data["awaited"] - data["stalled"].actors, data["awaited_until"], decl, case, lang,
                       above=reads_from_above),
        **waits_view(data["stalled"], decl, lang),
    }


def blocked_view(hold: Blocked, lang: str) -> dict[str, Any]:
    """What a step held by something elsewhere waits for, in ``lang`` (its short ``waits``, else its reason), with the
    case (``procedure``, ``case_id``) or the page (``url``: the quotas a province allocates) that settles it."""
    return {"text": message_in_language(hold.waits or hold.reason, lang), "procedure": hold.procedure,
            "case_id": hold.case_id, **({"url": hold.url} if hold.url else {})}


def waits_view(stalled: Stalled, decl: Declaration, lang: str) -> dict[str, Any]:
    """What a case waits for instead of some of whom it awaits (:func:`~zhichan.procedures.service.stalled`), in
    ``lang``: ``waits_for``, each with its text (something elsewhere: what it names, and that case to link; a step of
    the case that comes first; the day the held step may be taken from); ``awaited`` without those it awaits in vain
    (they do not find the case on their to-do lists, and the header does not name them)."""
    by_hold: dict[Any, list[TransitionSpec]] = {}  # the steps one hold keeps back, named together
    for spec, hold in stalled.holds:
        by_hold.setdefault(hold, []).append(spec)
    found: list[dict[str, Any]] = []
    for hold, specs in by_hold.items():
        if isinstance(hold, Blocked):
            found.append(blocked_view(hold, lang))
            continue
        if isinstance(hold, str):
            first = next(t.title for t in decl.transitions if t.event == hold)
            text = translate(lang, "procedures.waits_step", step=first(lang))
        else:
            steps = PUNCTUATION[lang]["sep"].join(f"“{t.title(lang)}”" for t in specs)
            text = translate(lang, "procedures.waits_day", day=hold.isoformat(), steps=steps)
        found.append({"text": text, "procedure": None, "case_id": None})
    return {"waits_for": found}


def step_title(decl: Declaration, event: str, lang: str) -> str:
    """The title of the step ``event`` of ``decl`` (``start``: its filing) in ``lang``."""
    if event == "start":
        return decl.start.title(lang)
    return next((t.title(lang) for t in decl.transitions if t.event == event), event)


def elsewhere_view(steps: list[TransitionSpec], lang: str) -> list[dict[str, str]]:
    """The steps of a case another office takes (``TransitionSpec.office``: the handling office where it names none), each
    with who takes it, in ``lang``."""
    return [{"event": t.event, "title": t.title(lang), "who": translate(lang, f"procedures.office.{t.office or 'handling'}")}
            for t in steps]


#: the order in which a case page names whom the case awaits: the party first, the office's roles by rank
AWAITED_ORDER = ("party", "counterparty", "case_officer", "window_staff", "bureau_leader", "system_admin")


def awaited_view(awaited: frozenset[str] | None, until: dt.date | None, decl: Declaration, case: dict[str, Any],
                 lang: str, *, above: bool = False) -> dict[str, Any]:
    """Whom the case awaits now, as the to-do lists read it (:func:`~zhichan.procedures.service.awaited`): ``awaited``
    — codes, ``party``, ``counterparty`` and roles; ``None`` where the declaration does not say (anyone with a step of
    their own), ``[]`` for a closed or resting case —, ``awaited_shown`` in the page's language (当事人 for the party),
    and ``awaited_until`` the last day of a party's period while that is the answer (its cure). ``above``: the reader
    is an officer of an office above the one handling the case, whose roles it names as that office's (办案机关办案人员):
    the case is on that office's 我的待办, not on the reader's, though an ``area`` step (a deal's registration) is
    offered to it too."""
    resting = not case["is_open"] or decl.states[case["state"]].resting
    codes = [] if resting else None if awaited is None else sorted(
        awaited, key=lambda a: (AWAITED_ORDER.index(a) if a in AWAITED_ORDER else len(AWAITED_ORDER), a))
    if codes is None:
        shown = [translate(lang, "procedures.awaited.anyone")]
    elif not codes:
        shown = [translate(lang, "procedures.awaited.nobody")]
    else:
        named = decl.parties
        shown = [named[a](lang) if a in named else
                 translate(lang, f"procedures.awaited.{a}") if a in ("party", "counterparty") else
                 translate(lang, "procedures.awaited.handling", role=translate(lang, f"role.{a}")) if above and ":" not in a
                 else translate(lang, f"role.{a}") if ":" not in a else  # a role of the office above (``above:bureau_leader``: its leader decides)
                 translate(lang, f"procedures.awaited.{a.split(':')[0]}", role=translate(lang, f"role.{a.split(':')[1]}"))
                 for a in codes]
    shown_until = None if resting or until is None or until == NO_DEADLINE else until
    return {"awaited": codes, "awaited_shown": shown, "awaited_until": shown_until}


#: start fields that name the one who files: an enterprise, bank or agency user finds its own name there (a complaint's
#: ``reporter``: the complainant)
APPLICANT_FIELDS = ("applicant", "pledgor", "complainant", "reporter")


def start_prefill(decl: Declaration, scope: Scope) -> dict[str, str]:
    """What a new application's form starts with: the filer's organization as the applicant, for
    users who file for themselves (not officers entering a case for someone else)."""
    if scope.governance or not scope.org_name:
        return {}
    return {f.name: scope.org_name for f in decl.start.fields if f.name in APPLICANT_FIELDS}


def start_view(decl: Declaration, lang: str, options: dict[str, tuple[Option, ...]] | None = None) -> dict[str, Any]:
    """The start form; ``options``: the choices of the fields that take theirs from a domain's list, as open to the
    filer (:meth:`ProcedureService.options`)."""
    return {"procedure": decl.procedure, "title": decl.title(lang), "basis": decl.basis,
            "start": {"title": decl.start.title(lang), "fields": [field_json(f, lang, options) for f in decl.start.fields],
                      "documents": [d(lang) for d in decl.start.documents], "attachments": decl.start.attachments},
            "clocks": [{"title": c.title(lang), "period": declared_period(c, lang), "basis": c.basis}
                       for c in decl.clocks.values()]}


def declared_period(clock: ClockSpec, lang: str) -> str:
    """A declared clock's period as a start form shows it: ``15日`` / ``15 days``; one the office sets in its notice
    (``set_by``, its basis says so) declares its longest — ``至多60日`` / ``Up to 60 days`` (it read "60 days", as if
    every cure period were that long)."""
    period = period_text(clock.amount, clock.unit, lang)
    if clock.set_by is None:
        return period
    return f"Up to {period}" if lang == "en" else f"至多{period}"  # a cell of its own: a capital


def step_certificate(service: ProcedureService, session: Session, scope: Scope, case_id: int,
                     seq: int) -> tuple[Certificate, tuple[tuple[str, str], ...], bool]:
    """What the certificate of a visible case's step prints: its log entry's certificate, the rows it prints beside
    the entry, and whether the case is synthetic. The entry records the procedure and the step by their declared names
    (``step_names``), printed and verified like its other fields; an entry recorded before it did gets them from the
    declaration as extra rows, which the certificate marks as not part of the certified record."""
    from zhichan.evidence.certificate import LABELS
    from zhichan.procedures.declaration import step_names
    from zhichan.procedures.models import Case, Step

    index = service.step_evidence_index(session, scope, case_id, seq)  # 404 outside the caller's scope
    cert = service.evidence.certificate(index)
    case = session.get(Case, case_id)
    step = session.scalar(select(Step).where(Step.case_id == case_id, Step.seq == seq))
    if case is None or step is None:  # pragma: no cover - step_evidence_index found both
        return cert, (), False
    recorded = json.loads(cert.leaf)
    decl = service.declaration_of(session, case.procedure, case.jurisdiction, case.declaration_digest)
    details = tuple((LABELS[name][0], value) for name, value in
                    step_names(decl, seq, step.event, step.from_state, step.to_state).items() if name not in recorded)
    return cert, details, bool(case.synthetic)
