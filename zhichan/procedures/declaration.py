"""Procedure declarations: the YAML schema, its checks, and the registry of loaded declarations.

A declaration says everything a city may change without code: states, transitions and the roles
allowed to take them, required fields and documents, clocks (unit, length, the transition that
starts, pauses, resumes or stops each), extensions with their approver roles, notices to parties.
Local rules differ (Zhejiang decides on a patent complaint in 3 working days, Shanghai in 5 days):
a declaration names its ``jurisdiction`` (``default`` or a GB/T 2260 code) and a case uses the
declaration of the most specific jurisdiction that contains the handling organization's area.

The states and transitions compile into a python-statemachine ``StateChart`` class (which also
checks the graph: unknown targets, unreachable states).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from functools import cached_property, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from statemachine.exceptions import InvalidDefinition
from statemachine.io import create_machine_class_from_definition
from statemachine.statemachine import StateChart

from zhichan.domains import DOMAIN_PACKAGES
from zhichan.errors import ConfigError, InputError
from zhichan.legaltime.clocks import Unit
from zhichan.money import MoneyUnit
from zhichan.platform.models import Role
from zhichan.platform.scope import region_prefix
from zhichan.untrusted import yaml_safe_load

MAX_DECLARATION_BYTES = 256 * 1024
#: a transition whose ``to`` is "." keeps the case in its state (a step such as 补正, 中止, 延长)
STAY = "."
#: names the step forms use themselves (the lock's version, the CSRF token, document slots)
RESERVED_FIELD = re.compile(r"^(version|csrf_token|extra|doc[0-9]+)$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class FieldSpec(Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: Text
    #: ``application_number``: a CN patent application (or patent) number, stored in its one normal form
    #: (``CN202619437251.6``, :func:`zhichan.corpus.validate.normalize_application_number`) whatever way it was typed
    kind: Literal["text", "textarea", "date", "integer", "money", "choice", "application_number"] = "text"
    required: bool = False
    max_length: int = Field(500, ge=1, le=20000)
    choices: tuple[str, ...] = ()
    #: a ``money`` field's unit (元, or 万元 where the form asks for it); parsed as Decimal, shown grouped
    unit: MoneyUnit = "yuan"
    #: a ``money`` field that may be 0 (an award set to 0 removes it)
    zero: bool = False
    #: what a text field's value names, so pages show it in their language: ``region`` a region code (成都市 /
    #: Chengdu), ``organization`` an organization on the platform by its name (a pledgee bank's English name) — or a
    #: party, a person or an organization, as written —, ``people`` the names it lists (a panel: 张伟、王芳、李娜; a
    #: pledge's consenting co-owners, one a line), each shown as ``organization`` shows a name (a demo case's officers in
    #: Pinyin)
    shows: Literal["value", "region", "organization", "people"] = "value"
    #: a ``choice`` field whose choices are a domain's data rather than the declaration's (a protection centre): the
    #: list the domain registers under this name (``ProcedureService.add_options``). The form offers the options open
    #: to the filer's area by their label in the page's language, the engine refuses a value not in the list, and
    #: pages show the label, never the stored value (``CN-CD``)
    options: str | None = Field(None, pattern=r"^[a-z][a-z0-9_.]{0,39}$")
    #: a field the law itself asks of the step (a pledgee's consent to the assignment of a pledged patent, 民法典
    #: 第四百四十四条): a case filed under an earlier declaration whose same step lacks it takes it there too
    #: (:func:`in_current_words`) — optional where it was not required before, so nothing it could do is refused
    by_law: bool = False


#: a period's unit in words (zh, en)
UNIT_LABELS = {"working_day": ("个工作日", "working days"), "day": ("日", "days"), "month": ("个月", "months"),
               "year": ("年", "years"), "hour": ("小时", "hours")}


def period_text(amount: int, unit: str, lang: str) -> str:
    """``1年`` / ``1 year``, ``6个月`` / ``6 months`` (the term of a listing read "1 years")."""
    zh, en = UNIT_LABELS.get(unit, (unit, unit))
    if lang == "en" and amount == 1 and en.endswith("s"):
        en = en[:-1]
    return f"{amount} {en}" if lang == "en" else f"{amount}{zh}"


#: a declared clock's period named in a notice's text: ``{term}`` reads ``1年`` / ``1 year`` as declared
PERIOD_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


#: who a state or a running period awaits: officers of a role, the case's ``party``, its ``counterparty``
Actor = Role | Literal["party", "counterparty"]
#: who a state awaits besides: officers of a role of an office above the one handling the case, who take its step of
#: that office (``province:case_officer``: the provincial officer who recommends an application — the city's officer,
#: who may refuse it or ask for a cure, is not awaited; :func:`upper_actor`)
OfficeActor = Annotated[str, StringConstraints(pattern=r"^(province|above|upper):(case_officer|window_staff|bureau_leader|system_admin)$")]


class ClockSpec(Strict):
    title: Text
    amount: int = Field(ge=1)
    unit: Unit
    #: 预警: days before the deadline when the officers are warned
    warn_before_days: int = Field(2, ge=0)
    basis: str = ""
    #: whose time limit it is: the office's (missing it is the office's delay, counted by the
    #: statistics' in-time rates) or a party's (答辩期: it simply runs out)
    binds: Literal["office", "party"] = "office"
    #: the sweep's warnings on this clock are shown to the case's party too (a period the parties keep,
    #: such as the 30 days to apply for judicial confirmation), not only to the officers
    remind_party: bool = False
    #: a period the office sets in the step that starts it (指定期限: "请于收到本通知之日起 N 日内补正"): its
    #: length is that step's integer field of this name, from 1 up to ``amount`` (then the longest allowed)
    set_by: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]{0,39}$")
    #: a term that must run out before a step (``lapsed``), nobody's time limit (等待期: the six months before credit
    #: repair may be asked for, the one-year term of a listing's measures). Its last day stays where it falls — 民法典
    #: 第二百零三条 moves the last day of a period to act within, not a term's —, the sweep does not warn of it, it is
    #: not a deadline of the case (neither due nor overdue), and pages show the day its steps become possible
    waits: bool = False
    #: another clock of the case whose excluded periods this one shares: a shortened handling period (the simplified
    #: track's limit beside the closing deadline) pauses whenever that clock is paused and resumes with it — its
    #: pauses are that clock's (those before it started exclude nothing). No step pauses or resumes it directly
    paused_with: str | None = None
    #: who the case awaits while this period runs, up to its last day, instead of those its state awaits (补正期限:
    #: ``[party]`` — the bureau waits for the cure, and is awaited again once it is filed or the period has run out)
    awaits: tuple[Actor, ...] | None = None
    #: steps that end this period as if they named it in ``stops``: a rule a jurisdiction may not share, said on the
    #: clock so that its overlay (which changes clocks only) can drop it — the simplified track's limit ends with a
    #: suspension for a pending invalidation; an overlay writing ``stopped_by: []`` keeps such a case on the track
    stopped_by: tuple[str, ...] = ()


class ExtensionSpec(Strict):
    clock: str
    amount: int = Field(ge=1)
    unit: Unit
    #: how many times this extension may be granted on one case
    max_times: int = Field(1, ge=1)


class DecisionSpec(Strict):
    """What a step decides: a request another step of the case made (申请回避 → 对回避申请作出决定) while the case stays
    in its state — and who is expected to decide it meanwhile."""

    #: the steps that ask for it: a request is pending while one of them was taken after this step's latest (one
    #: decision answers every request before it: 异议处理完毕 answers each objection received)
    requests: tuple[str, ...] = Field(min_length=1)
    #: who is expected to decide while a request is pending, of those who may take this step — *besides* whom the state
    #: (or a running period) awaits: a party's recusal request awaits the leader while the officer's work goes on
    awaits: tuple[Actor, ...] = Field(min_length=1)
    #: requests that may be pending together, one decision answering each (objections to a public notice, from
    #: whoever objects); by default a request is not made again while one is pending — its effect is in force
    several: bool = False


class NoticeSpec(Strict):
    to: Literal["party", "officers"]
    text: Text


class StateSpec(Strict):
    title: Text
    initial: bool = False
    final: bool = False
    #: open, but awaiting nobody (a registered pledge runs for years until released): its steps stay
    #: offered on the case page, and the case stays out of every to-do list
    resting: bool = False
    #: who is expected to act next in this state — officers of a role, ``party``, ``counterparty`` —, of those who
    #: have a step of their own here: the case is on their to-do lists only (a leader who may refuse an application
    #: the officer decides on is not awaited). Every open state of a shipped declaration says it; a declaration
    #: without it (an earlier file a case was filed under) awaits everyone who has a step of their own. A role of an
    #: office above the handling one (:data:`OfficeActor`, ``province:case_officer``) is awaited in that office's steps
    awaits: tuple[Actor | OfficeActor, ...] | None = None


class StepSpec(Strict):
    """What opening a case and taking a step share: who, which fields and documents, clocks started,
    notices sent."""

    title: Text
    roles: tuple[Role, ...] = ()
    #: the case's party (the applicant) may take it
    party: bool = False
    #: the organization named on the case as its counterparty (a pledgee bank confirming a joint
    #: application) may take it, by its member role (bank_user, agency_user)
    counterparty: bool = False
    fields: tuple[FieldSpec, ...] = ()
    #: documents that must be attached (one file each), by label
    documents: tuple[Text, ...] = ()
    #: further files may be attached
    attachments: bool = False
    #: standard documents the domain's generator makes from the case and this step (a bureau's template),
    #: stored and logged with the step like the uploaded ones
    generates: tuple[Text, ...] = ()
    starts: tuple[str, ...] = ()
    notify: tuple[NoticeSpec, ...] = ()


class StartSpec(StepSpec):
    """Opening a case."""

    #: anyone may file, signed in or not, naming the handling organization (a public complaint form);
    #: an anonymous filer has no account and so cannot follow the case
    public: bool = False


class TransitionSpec(StepSpec):
    event: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    source: tuple[str, ...] = Field(alias="from")
    target: str = Field(alias="to")
    stops: tuple[str, ...] = ()
    pauses: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    #: clocks this step answers: offered only while each was started and not stopped (forwarding an answer
    #: the office received — after 答辩期满未答辩 there is none, and the step is not offered)
    answers: tuple[str, ...] = ()
    #: clocks that must not run for this step: offered only while each is stopped or was never started (closing
    #: an anonymous report, whose hook stops the clock for telling the reporter: there is nobody to tell)
    idle: tuple[str, ...] = ()
    #: clocks whose period must have run out: offered only once each one's last day has passed (答辩期满未答辩, a
    #: lapsed window for judicial confirmation, the decision after the period for statements)
    lapsed: tuple[str, ...] = ()
    #: clocks whose period must not have run out: offered only up to each one's last day (a jurisdiction objection
    #: within the answer period)
    within: tuple[str, ...] = ()
    #: who may not take it: for each group of events, the taker of the latest step among them (four eyes: the college's
    #: review is not the grader's own — ``[[start, regrade]]`` —, the university's neither the grader's nor the
    #: college's — ``[[start, regrade], [college_approve]]``); offered to, and taken by, anyone else only
    not_by: tuple[tuple[str, ...], ...] = ()
    #: start fields the case must have been filed with: offered only in a case where each is filled in (an
    #: anonymous report names no requester, so it cannot open an adjudication or a mediation)
    requires: tuple[str, ...] = ()
    #: steps that must have been taken in the case first: offered only once each was (the upper level's further
    #: extension of the closing period after the head's one-month extension)
    after: tuple[str, ...] = ()
    extends: ExtensionSpec | None = None
    #: which office takes it, besides its ``roles``: none said — the office handling the case (81号令 gives the
    #: handling office its decisions, suspensions, approvals and extensions; an office above sees the case, for
    #: oversight, and takes none of them); ``province`` — an office of a province or of the nation (优先审查推荐,
    #: 令85号: the provincial IP office recommends); ``above`` — an office above the one handling the case (81号令
    #: 第三十七条: the upper level approves the second extension) — the office directly above it, its parent in the
    #: organization tree; ``upper`` — any office above it (指定管辖, 专利法实施细则 第九十七条: the common upper level of
    #: the offices disputing it); ``area`` — the handling office or any office above it
    #: (the platform's own job, the credit list's expiry, run as the root organization's administrator); offered to,
    #: and taken by, such an office only, and the case page says who takes it to the others. A step the caller may
    #: take as the case's party or counterparty, or as anyone (``public``), is not an office's
    office: Literal["province", "above", "upper", "area"] | None = None
    #: the step moves the case to another handling office (移送, 指定管辖): the office its required field
    #: ``receiving_office`` names (a choice of the list ``offices``: the platform's IP offices of the case's province),
    #: checked by the engine — not the handling office, and for a step of an office above, one within that office's
    #: area; the case's clocks run on (docs/procedures.md "Moving a case")
    transfers: bool = False
    #: anyone signed in may take it without seeing the case (an objection during a public notice);
    #: the domain's hook decides when (the notice period), the case page stays the officers' and party's
    public: bool = False
    #: taken at most once in a case (a buyer's confirmation): offered until taken, then refused
    once: bool = False
    #: a step the taker may take at any time but nobody waits for (a party's withdrawal): offered on the case
    #: page, it puts the case on no to-do list
    optional: bool = False
    #: the requests this step decides, and who is expected to decide them while one is pending (:class:`DecisionSpec`)
    decides: DecisionSpec | None = None
    #: a step the law itself provides (移送 of a dispute whose jurisdiction objection is upheld, 81号令 第九条 and
    #: 专利法实施细则 第九十七条): a case filed under an earlier declaration without it is offered it too, where that
    #: declaration has its states, clocks and the steps it decides or follows (:func:`in_current_words`)
    by_law: bool = False

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Declaration(Strict):
    procedure: str = Field(pattern=r"^[a-z][a-z0-9_.]{0,63}$")
    jurisdiction: str = "default"
    revision: int = 1
    title: Text
    basis: str = ""
    #: case numbers: ``<prefix>-<year>-<id>``
    number_prefix: str = Field(pattern=r"^[A-Z]{2,8}$")
    start: StartSpec
    states: dict[str, StateSpec]
    transitions: tuple[TransitionSpec, ...]
    clocks: dict[str, ClockSpec] = {}
    #: the clock whose net running time is the case's handling time (结案周期, 按期结案) in statistics
    cycle_clock: str | None = None
    #: the case's party and counterparty named by their roles in this procedure (出质人, 质权人; 卖方, 受让方) where the
    #: page says whom the case awaits — else 当事人 and 相对方
    parties: dict[Literal["party", "counterparty"], Text] = {}
    #: which office takes the officers' steps that name none (``TransitionSpec.office``), where it is not the handling
    #: office alone: ``area`` — it or any office above it, for a procedure whose cases an enterprise files with the
    #: office it belongs to (a district) while the city's office also handles them (a pledge registered by the city's
    #: office for a district's enterprise; folded into each such step when the declaration is read)
    office: Literal["area"] | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    @model_validator(mode="before")
    @classmethod
    def _office(cls, data: Any) -> Any:
        """The declaration's ``office`` is each officers' step's that names none (one rule for the engine, the page and
        the to-do lists: they read the step's)."""
        if not isinstance(data, dict) or not data.get("office") or not isinstance(data.get("transitions"), list):
            return data
        return {**data, "transitions": [{**t, "office": data["office"]} if isinstance(t, dict) and t.get("roles")
                                        and "office" not in t else t for t in data["transitions"]]}

    @model_validator(mode="before")
    @classmethod
    def _stopped_by(cls, data: Any) -> Any:
        """A clock's ``stopped_by`` steps stop it: each named step's ``stops`` gains the clock (one rule for the
        engine, the page and the command line: they read ``stops``)."""
        if not isinstance(data, dict) or not isinstance(data.get("clocks"), dict) \
                or not isinstance(data.get("transitions"), list):
            return data
        ending = {name: list(c.get("stopped_by") or ()) for name, c in data["clocks"].items() if isinstance(c, dict)}
        if not any(ending.values()):
            return data
        events = {t.get("event") for t in data["transitions"] if isinstance(t, dict)}
        unknown = sorted(f"{name}: stopped_by names no step {e}" for name, steps in ending.items() for e in steps
                         if e not in events)
        if unknown:
            raise ValueError("; ".join(unknown))
        transitions = [
            {**t, "stops": [*(t.get("stops") or ()), *(n for n, steps in ending.items()
                                                       if t.get("event") in steps and n not in (t.get("stops") or ()))]}
            if isinstance(t, dict) and any(t.get("event") in steps for steps in ending.values()) else t
            for t in data["transitions"]]
        return {**data, "transitions": transitions}

    @model_validator(mode="after")
    def _consistent(self) -> Declaration:
        problems: list[str] = []
        initial = [s for s, spec in self.states.items() if spec.initial]
        if len(initial) != 1:
            problems.append("exactly one initial state")
        taken: set[tuple[str, str]] = set()
        for t in self.transitions:
            problems.extend(_step_problems(t.event, t))
            if t.event in self.states:
                # python-statemachine names events and states in one namespace: the step would crash when taken
                problems.append(f"{t.event}: an event cannot be named like a state")
            for s in (*t.source, *([] if t.target == STAY else [t.target])):
                if s not in self.states:
                    problems.append(f"{t.event}: unknown state {s}")
            for s in t.source:
                if (t.event, s) in taken:
                    problems.append(f"{t.event}: declared twice from state {s}")
                taken.add((t.event, s))
            for c in (*t.starts, *t.stops, *t.pauses, *t.resumes, *t.answers, *t.idle, *t.lapsed, *t.within,
                      *([t.extends.clock] if t.extends else [])):
                if c not in self.clocks:
                    problems.append(f"{t.event}: unknown clock {c}")
            for e in (e for group in t.not_by for e in group):
                if e != "start" and e not in {x.event for x in self.transitions}:
                    problems.append(f"{t.event}: not_by names no step {e}")
            for e in t.after:
                if e not in {x.event for x in self.transitions}:
                    problems.append(f"{t.event}: after names no step {e}")
            for f in t.requires:
                if f not in {spec.name for spec in self.start.fields}:
                    problems.append(f"{t.event}: requires {f}, which is no field of the start")
            if t.starts and t.target in self.states and self.states[t.target].final:
                problems.append(f"{t.event}: a step into a final state cannot start a clock")
            for c in (*t.pauses, *t.resumes):
                if c in self.clocks and self.clocks[c].unit == "hour":
                    problems.append(f"{t.event}: clock {c} counts hours and cannot pause")
            for c in (*t.pauses, *t.resumes, *t.answers, *t.within, *([t.extends.clock] if t.extends else [])):
                if c in self.clocks and self.clocks[c].waits:
                    problems.append(f"{t.event}: clock {c} is a term to wait out: it is neither paused, extended, "
                                    "answered nor acted within")
            if t.extends and t.extends.clock in self.clocks and \
                    (t.extends.unit == "hour") != (self.clocks[t.extends.clock].unit == "hour"):
                problems.append(f"{t.event}: clock {t.extends.clock} is extended in {t.extends.unit}, "
                                f"but counts {self.clocks[t.extends.clock].unit}")
        problems.extend(_step_problems("start", self.start))
        for name, state in self.states.items():
            if state.awaits is None:
                continue
            if state.final or state.resting:
                problems.append(f"state {name}: a final or resting state awaits nobody")
                continue
            for actor in state.awaits:
                if not any(not t.optional and takes(t, actor) for t in self.transitions_from(name)):
                    problems.append(f"state {name}: awaits {actor}, who has no step of its own there")
        events = {t.event for t in self.transitions}
        for t in self.transitions:
            if t.decides is None:
                continue
            if t.optional:
                problems.append(f"{t.event}: decides a request, so someone waits for it: it cannot be optional")
            for e in t.decides.requests:
                if e not in events or e == t.event:
                    problems.append(f"{t.event}: decides names no other step {e}")
            for actor in t.decides.awaits:
                if not takes(t, actor):
                    problems.append(f"{t.event}: a pending request awaits {actor}, who may not decide it")
        for clock_name, spec in self.clocks.items():
            for actor in spec.awaits or ():
                if spec.waits or not any(not t.optional and takes(t, actor) for t in self.transitions):
                    problems.append(f"clock {clock_name}: awaits {actor}, who has no step of its own")
        for step_name, step in (("start", self.start), *((t.event, t) for t in self.transitions)):
            for c in step.starts:
                setter = self.clocks[c].set_by if c in self.clocks else None
                # a number of the clock's unit, or for a clock in days the day it ends (the hearing day its notice set)
                kinds = ("integer", "date") if setter and self.clocks[c].unit == "day" else ("integer",)
                if setter and not any(f.name == setter and f.kind in kinds and f.required for f in step.fields):
                    problems.append(f"{step_name}: starts clock {c}, whose length the office sets, "
                                    f"without a required {' or '.join(kinds)} field {setter}")
        if self.cycle_clock is not None and self.cycle_clock not in self.clocks:
            problems.append(f"cycle_clock: unknown clock {self.cycle_clock}")
        for clock_name, spec in self.clocks.items():
            leader = self.clocks.get(spec.paused_with) if spec.paused_with is not None else None
            if spec.paused_with is not None and (leader is None or spec.paused_with == clock_name):
                problems.append(f"clock {clock_name}: paused_with names no other clock ({spec.paused_with})")
            elif leader is not None and (leader.paused_with is not None or spec.waits or leader.waits
                                         or "hour" in (spec.unit, leader.unit)):
                problems.append(f"clock {clock_name}: paused_with {spec.paused_with} — both must be periods that pause "
                                "(no term to wait out, no hours), the other one paused by steps itself")
            if spec.paused_with is not None:
                for t in self.transitions:
                    if clock_name in (*t.pauses, *t.resumes):
                        problems.append(f"{t.event}: clock {clock_name} pauses with {spec.paused_with} only")
            if spec.waits and (spec.unit == "hour" or spec.set_by is not None or spec.binds != "office" or spec.remind_party):
                problems.append(f"clock {clock_name}: a term to wait out counts days, months or years, as declared, "
                                "and binds nobody")
        for c in self.start.starts:
            if c not in self.clocks:
                problems.append(f"start: unknown clock {c}")
        for step_name, step in (("start", self.start), *((t.event, t) for t in self.transitions)):
            for n in step.notify:
                for name in {*PERIOD_PLACEHOLDER.findall(n.text.zh), *PERIOD_PLACEHOLDER.findall(n.text.en)}:
                    if name not in self.clocks:
                        problems.append(f"{step_name}: its notice names {{{name}}}, which is no clock")
        if self.jurisdiction != "default":
            try:
                if not region_prefix(self.jurisdiction):
                    problems.append(f"jurisdiction {self.jurisdiction}: the nation's rule is `default`")
            except InputError:
                problems.append(f"jurisdiction {self.jurisdiction}: not a GB/T 2260 region code")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def key(self) -> tuple[str, str]:
        return (self.procedure, self.jurisdiction)

    def notice_text(self, text: Text, lang: str) -> str:
        """A notice's text in ``lang``, each ``{clock}`` read as that clock's period as declared here — so a bureau's
        overlay that changes the period changes what the notice says (the listing's "管理期限{term}")."""
        return PERIOD_PLACEHOLDER.sub(
            lambda m: period_text(self.clocks[m[1]].amount, self.clocks[m[1]].unit, lang), text(lang))

    @property
    def initial_state(self) -> str:
        return next(s for s, spec in self.states.items() if spec.initial)

    @cached_property
    def body(self) -> str:
        """The declaration as stored with the cases started under it (canonical JSON; without ``parties`` where it
        names none, so a declaration's digest stayed what it was before they could be named)."""
        return self.model_dump_json(exclude={"parties"} if not self.parties else None)

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    @classmethod
    def from_body(cls, body: str) -> Declaration:
        return cls.model_validate_json(body)

    @cached_property
    def machine(self) -> type[StateChart]:
        """The states and transitions as a python-statemachine class (built once)."""
        states: dict[str, Any] = {}
        for name, spec in self.states.items():
            states[name] = {"value": name, "initial": spec.initial, "final": spec.final, "on": {}}
        for t in self.transitions:
            for s in t.source:
                states[s]["on"].setdefault(t.event, []).append({"target": s if t.target == STAY else t.target})
        for entry in states.values():
            if not entry["on"]:
                del entry["on"]
        return create_machine_class_from_definition(self.procedure.replace(".", "_"), states=states)

    @cached_property
    def periods_awaiting(self) -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
        """The clocks that say whom a case awaits while they run (``awaits``), each with the open states it may run in —
        those a step starting it leads to, and those reached from there by steps that do not stop it — and whom it
        awaits (a cure period: the state the cure notice stays in, the party)."""
        found: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
        for name, clock in self.clocks.items():
            if clock.awaits is None:
                continue
            reached = {self.initial_state} if name in self.start.starts else set()
            reached |= {self.target_of(t, s) for t in self.transitions if name in t.starts for s in t.source}
            todo = list(reached)
            while todo:
                state = todo.pop()
                for t in self.transitions_from(state):
                    # from this state only: a step taken from several states ("." to each) leads each to itself — not
                    # from the cure's state to every other it is taken from (指定管辖, taken in five states)
                    after = self.target_of(t, state)
                    if name not in t.stops and after not in reached:
                        reached.add(after)
                        todo.append(after)
            found[name] = (frozenset(s for s in reached if not self.states[s].final), tuple(clock.awaits))
        return found

    @cached_property
    def pause_enders(self) -> dict[str, frozenset[str]]:
        """Each pausing step with the steps that answer it — those that resume a clock and stop the clock it started (the
        decision on a jurisdiction objection answers the objection) —, empty for a pause no step answers that way (a
        suspension's, ended by 恢复). Two pausing steps with the same answer open the same pause: one suspension, on
        whichever ground (:func:`~zhichan.procedures.service.in_force_problem`)."""
        return {p.event: frozenset(r.event for r in self.transitions if r.resumes and set(p.starts) & set(r.stops))
                for p in self.transitions if p.pauses}

    @cached_property
    def single_requests(self) -> frozenset[str]:
        """The steps that ask for a decision (``decides``) and are not asked again while one is pending (not
        ``several``): whether they are offered depends on the case's steps."""
        return frozenset(e for t in self.transitions if t.decides is not None and not t.decides.several
                         for e in t.decides.requests)

    @cached_property
    def decisions(self) -> dict[str, DecisionSpec]:
        """What each step that decides a request decides (``decides``), by event: read for every case a to-do list
        weighs, so computed once per declaration."""
        return {t.event: t.decides for t in self.transitions if t.decides is not None}

    @cached_property
    def pending_awaiting(self) -> dict[str, tuple[frozenset[str], frozenset[str], tuple[str, ...]]]:
        """The steps that decide a request (``decides``), each with the open states it is taken in, the steps that
        ask for it and whom a pending request awaits (a recusal request: the leader) — a role of an office above the
        handling one where the deciding step is that office's (``office: above``: ``above:bureau_leader``, the upper
        level's leader deciding the handling office's request for the further extension, :func:`upper_actor`)."""
        return {t.event: (frozenset(s for s in t.source if not self.states[s].final and not self.states[s].resting),
                          frozenset(t.decides.requests),
                          tuple(upper_actor(t.office, a) if t.office in ("province", "above", "upper") else a
                                for a in t.decides.awaits))
                for t in self.transitions if t.decides is not None}

    @cached_property
    def expected_body(self) -> str:
        """What this declaration says of whom its cases await — its states', periods' and decisions' ``awaits`` — as
        canonical JSON: the platform refreshes the open cases' rows when this changes (:func:`expected_digest`)."""
        return json.dumps({
            "states": {n: s.awaits for n, s in sorted(self.states.items())},
            "clocks": {n: c.awaits for n, c in sorted(self.clocks.items()) if c.awaits is not None},
            "decides": {t.event: t.decides.model_dump(mode="json") for t in self.transitions if t.decides is not None},
        }, sort_keys=True, ensure_ascii=False)

    @staticmethod
    def target_of(t: TransitionSpec, state: str) -> str:
        return state if t.target == STAY else t.target

    def transition(self, event: str, state: str) -> TransitionSpec | None:
        return next((t for t in self.transitions if t.event == event and state in t.source), None)

    def transitions_from(self, state: str) -> list[TransitionSpec]:
        return [t for t in self.transitions if state in t.source]

    def may_take(self, t: TransitionSpec, role: str, *, is_party: bool, is_officer: bool,
                 is_counterparty: bool = False) -> bool:
        return (is_officer and role in t.roles) or (is_party and t.party) or (is_counterparty and t.counterparty) \
            or t.public


def in_current_words(kept: Declaration, current: Declaration) -> Declaration:
    """``kept`` — the declaration a case started under, whose rules it keeps — with its steps and states titled as
    ``current`` (the procedure's declaration now) words them where they are the same: a step of the same event into the
    same state, the start, a state of the same name. A title reworded since (the pledge's "Cancel the registration
    (注销)", now "Cancel the pledge registration") reads today's way on the cases opened before, beside the cases
    opened since; a step or a state the current declaration no longer has, or has changed into another, keeps its own.
    Who may take a step, its fields, clocks and the graph stay ``kept``'s — but for which office takes it (``office``:
    the law's division of authority, not an arrangement of the file; the demo's priority applications, filed before the
    recommendation named the provincial office, offered it to the city's officer) and the fields the law asks of it
    (``by_law``, optional: a deal filed before its registration asked for the pledgee's consent could not be registered
    once its patent was pledged, 民法典 第四百四十四条) —; so does its digest (``body`` is not
    reworded: what is stored with the cases is the declaration as it was)."""
    steps = {(t.event, t.target): t for t in current.transitions}

    def reworded(spec: Any, title: Text | None) -> Any:
        return spec if title is None or title == spec.title else spec.model_copy(update={"title": title})

    def step_now(t: TransitionSpec) -> TransitionSpec:
        now = steps.get((t.event, t.target))
        if now is None:
            return t
        t = reworded(t, now.title)
        t = t if now.office == t.office else t.model_copy(update={"office": now.office})
        known = {f.name for f in t.fields}
        by_law = tuple(f.model_copy(update={"required": False}) for f in now.fields if f.by_law and f.name not in known)
        return t.model_copy(update={"fields": (*t.fields, *by_law)}) if by_law else t

    transitions = tuple(step_now(t) for t in kept.transitions)
    added = law_steps(kept, current)
    states = {name: reworded(spec, current.states[name].title if name in current.states else None)
              for name, spec in kept.states.items()}
    start = reworded(kept.start, current.start.title)
    if start is kept.start and all(a is b for a, b in zip(transitions, kept.transitions, strict=True)) and not added \
            and all(states[name] is spec for name, spec in kept.states.items()) and kept.parties == current.parties:
        return kept
    body, digest = kept.body, kept.digest  # the kept declaration's, computed before the copy takes them along
    worded = kept.model_copy(update={"transitions": (*transitions, *added), "states": states, "start": start,
                                     "parties": current.parties})
    for derived in DERIVED:  # computed afresh from the steps added (the state chart, the decisions …)
        worded.__dict__.pop(derived, None)
    worded.__dict__.update(body=body, digest=digest)
    return worded


def with_figures_of(kept: Declaration, office: Declaration) -> Declaration:
    """``kept`` — the declaration a moved case was filed under — with the figures of its clocks as ``office`` (the
    procedure's current declaration for the jurisdiction of the office handling it now) sets them: a local rule binds
    the offices of its area, so the receiving office's limits and tracks are its own (a dispute leaving 杭州 leaves its
    简案快办 30 days for the receiving office's limit). Only the figures — a clock's amount, unit, warnings, basis and
    title — and the jurisdiction: the states, steps, fields and which clocks a step starts stay the filing's (an overlay
    changes clocks only), and so do the body and digest (what is stored with the cases). docs/procedures.md "Moving a
    case"."""
    clocks = {name: spec if name not in office.clocks else spec.model_copy(update={
        key: getattr(office.clocks[name], key) for key in ("title", "amount", "unit", "warn_before_days", "basis")})
        for name, spec in kept.clocks.items()}
    if kept.jurisdiction == office.jurisdiction and clocks == kept.clocks:
        return kept
    body, digest = kept.body, kept.digest
    refigured = kept.model_copy(update={"clocks": clocks, "jurisdiction": office.jurisdiction})
    for derived in DERIVED:
        refigured.__dict__.pop(derived, None)
    refigured.__dict__.update(body=body, digest=digest)
    return refigured


#: what a declaration computes from its parts once (cached), but its stored body and digest
DERIVED = ("machine", "periods_awaiting", "pause_enders", "single_requests", "decisions", "pending_awaiting",
           "expected_body")


def law_steps(kept: Declaration, current: Declaration) -> tuple[TransitionSpec, ...]:
    """The steps ``current`` declares ``by_law`` that ``kept`` (an earlier file a case was filed under) lacks and can
    take: its states, clocks and the steps they decide or follow are ``kept``'s too (移送 on an objection upheld, for a
    dispute filed under revision 3, whose decision on the objection offered the upheld outcome and moved nothing)."""
    events = {t.event for t in kept.transitions}

    def fits(t: TransitionSpec) -> bool:
        clocks = {*t.starts, *t.stops, *t.pauses, *t.resumes, *t.answers, *t.idle, *t.lapsed, *t.within,
                  *([t.extends.clock] if t.extends else [])}
        follows = {*t.after, *(t.decides.requests if t.decides else ()), *(e for group in t.not_by for e in group)}
        return set(t.source) <= set(kept.states) and (t.target == STAY or t.target in kept.states) \
            and clocks <= set(kept.clocks) and follows <= events and set(t.requires) <= {f.name for f in kept.start.fields}

    return tuple(t for t in current.transitions if t.by_law and t.event not in events and fits(t))


def expected_as(kept: Declaration, current: Declaration) -> Declaration:
    """``kept`` — the declaration a case started under — awaiting whom ``current`` (the procedure's declaration now)
    says its cases await, where it names the same state, clock or step: who is expected to act next is the office's
    present arrangement, not a rule the case keeps (a bureau that edits its file to send recusal requests to its
    leader finds the open ones on the leader's list). A state, clock or step the current declaration does not have
    keeps what ``kept`` says; a ``current`` that says of none of its states whom they await changes nothing.
    Everything else — the steps offered, the clocks, the graph — stays ``kept``'s, and so do its body and digest."""
    if all(s.awaits is None for s in current.states.values()):
        return kept
    states = {n: s if n not in current.states or current.states[n].awaits == s.awaits
              else s.model_copy(update={"awaits": current.states[n].awaits}) for n, s in kept.states.items()}
    clocks = {n: c if n not in current.clocks or current.clocks[n].awaits == c.awaits
              else c.model_copy(update={"awaits": current.clocks[n].awaits}) for n, c in kept.clocks.items()}
    # a decision of requests the kept file has no step for keeps its own (a case filed before the handling office asked
    # for the upper level's further extension is granted it as it was)
    events = {t.event for t in kept.transitions}
    decides = {t.event: t.decides for t in current.transitions
               if t.decides is None or set(t.decides.requests) <= events}
    transitions = tuple(t if t.event not in decides or decides[t.event] == t.decides
                        else t.model_copy(update={"decides": decides[t.event]}) for t in kept.transitions)
    if all(states[n] is s for n, s in kept.states.items()) and all(clocks[n] is c for n, c in kept.clocks.items()) \
            and all(a is b for a, b in zip(transitions, kept.transitions, strict=True)):
        return kept
    body, digest = kept.body, kept.digest
    expected = kept.model_copy(update={"states": states, "clocks": clocks, "transitions": transitions})
    for derived in ("periods_awaiting", "decisions", "pending_awaiting", "expected_body"):  # computed afresh from the new parts
        expected.__dict__.pop(derived, None)
    expected.__dict__.update(body=body, digest=digest)
    return expected


def expected_digest(declarations: list[Declaration]) -> str:
    """A digest of whom a procedure's declarations (every jurisdiction's) say its cases await."""
    return hashlib.sha256("\n".join(f"{d.jurisdiction}:{d.expected_body}" for d in
                                     sorted(declarations, key=lambda d: d.jurisdiction)).encode("utf-8")).hexdigest()


def upper_actor(office: str, role: str) -> str:
    """Whom a request pending in a case awaits where its decision is an office's above the handling one
    (``TransitionSpec.office``): that office's ``role`` (``above:bureau_leader``), not the handling office's own."""
    return f"{office}:{role}"


def takes(t: StepSpec, actor: str) -> bool:
    """Whether ``actor`` (a role, ``party`` or ``counterparty``: :data:`Actor`; a role of an office above the handling
    one, :data:`OfficeActor`: in that office's steps) may take ``t`` as its own."""
    if ":" in actor:
        office, role = actor.split(":", 1)
        return getattr(t, "office", None) == office and role in t.roles
    return t.party if actor == "party" else t.counterparty if actor == "counterparty" else actor in t.roles


def _step_problems(name: str, step: StepSpec) -> list[str]:
    """What makes a step impossible to take or its form impossible to submit."""
    problems: list[str] = []
    if not step.roles and not step.party and not step.counterparty and not getattr(step, "public", False):
        problems.append(f"{name}: nobody may take it")
    office = getattr(step, "office", None)  # a transition's (the start names none)
    if office in ("province", "above", "upper") and (not step.roles or step.party or step.counterparty
                                            or getattr(step, "public", False)):
        problems.append(f"{name}: a step of an office ({office}) is taken by officers' roles only")
    seen: set[str] = set()
    for f in step.fields:
        if f.name in seen:
            problems.append(f"{name}: field {f.name} declared twice")
        seen.add(f.name)
        if RESERVED_FIELD.match(f.name):
            problems.append(f"{name}: field name {f.name} is reserved for the form itself")
        if f.kind == "choice" and not f.choices and f.options is None:
            problems.append(f"{name}: choice field {f.name} has no choices")
        if f.options is not None and (f.kind != "choice" or f.choices):
            problems.append(f"{name}: field {f.name} takes its options from a list: a choice field without choices")
    if getattr(step, "transfers", False) and not any(
            f.name == RECEIVING_OFFICE and f.required and f.options == OFFICE_LIST for f in step.fields):
        problems.append(f"{name}: a step that moves the case names the receiving office: a required field "
                        f"{RECEIVING_OFFICE} of options {OFFICE_LIST}")
    return problems


#: the field a step that moves a case (``transfers``) names the receiving office in, and the list it chooses from
RECEIVING_OFFICE = "receiving_office"
OFFICE_LIST = "offices"


def read_yaml(text: bytes | str, source: str) -> dict[str, Any]:
    """A declaration file's mapping (bounded in size; aliases are not expanded into large trees by safe_load of
    a 256 KB file any further than the checks below allow)."""
    if len(text) > MAX_DECLARATION_BYTES:
        raise ConfigError(f"程序声明过大：{source} / procedure declaration {source} is too large")
    try:
        data = yaml_safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"程序声明无效：{source}：{exc} / invalid procedure declaration {source}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"程序声明无效：{source} / invalid procedure declaration {source}: not a mapping")
    return data


def parse_declaration(data: dict[str, Any], source: str) -> Declaration:
    """A declaration from its mapping, checked; :class:`ConfigError` names the file and the problem.
    Declarations are immutable, so one mapping is checked (and its state chart built) once per process:
    every app, CLI run and test loads the registry, and checking ~25 declarations cost ~0.3 CPU-s."""
    try:
        key = (source, json.dumps(data, sort_keys=True, ensure_ascii=False, default=repr))
    except (TypeError, ValueError):  # keys of mixed types: checked every time, like any invalid file
        return _parse(data, source)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) >= 512:  # a bureau editing its files all day: keep the memory bounded
            _PARSED.clear()
        found = _PARSED[key] = _parse(data, source)
    return found


#: checked declarations by (source, canonical mapping); a few dozen per process
_PARSED: dict[tuple[str, str], Declaration] = {}


def _parse(data: dict[str, Any], source: str) -> Declaration:
    try:
        declaration = Declaration.model_validate(data)
        declaration.machine  # noqa: B018 - builds and checks the state graph
    except (ValidationError, InvalidDefinition, ValueError) as exc:
        raise ConfigError(f"程序声明无效：{source}：{exc} / invalid procedure declaration {source}: {exc}") from None
    return declaration


def overlay(base: dict[str, Any], local: dict[str, Any]) -> dict[str, Any]:
    """A jurisdiction's file ``based_on`` another: its clocks (and basis, title) replace the base's."""
    merged = copy.deepcopy(base)
    for key in ("jurisdiction", "revision", "basis", "title"):
        if key in local:
            merged[key] = local[key]
    unknown = set(local) - {"procedure", "based_on", "jurisdiction", "revision", "basis", "title", "clocks"}
    if unknown:
        raise ConfigError(f"基于其他声明的文件只能改期限：{sorted(unknown)} / an overlay may change clocks only: {sorted(unknown)}")
    for name, clock in (local.get("clocks") or {}).items():
        if name not in merged.get("clocks", {}):
            raise ConfigError(f"未知期限 {name} / unknown clock {name}")
        base_clock = merged["clocks"][name]
        if isinstance(clock, dict) and isinstance(base_clock, dict):
            # which periods a clock excludes and which steps end it are the rule's, not the figure's: an overlay
            # changing the figure keeps them (it writes ``paused_with: null`` or ``stopped_by: []`` to drop them)
            clock = {**{k: base_clock[k] for k in ("paused_with", "stopped_by") if k in base_clock}, **clock}
        merged["clocks"][name] = clock
    return merged


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[dict[str, Any], str], ...]:
    """The declaration files shipped in the domain packages, read once per process (they are part of
    the installed code). Nothing changes them: an overlay merges onto a deep copy of its base."""
    found: list[tuple[dict[str, Any], str]] = []
    for package in DOMAIN_PACKAGES:
        shipped = files(package) / "definitions"
        if not shipped.is_dir():
            continue
        for item in sorted(shipped.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".yaml"):
                source = f"{package.removeprefix('zhichan.')}/definitions/{item.name}"
                found.append((read_yaml(item.read_bytes(), source), source))
    return tuple(found)


class ProcedureRegistry:
    """The declarations one app (or CLI run) uses: the shipped ones, replaced by local files."""

    def __init__(self, declarations: list[Declaration]) -> None:
        self._by_key: dict[tuple[str, str], Declaration] = {}
        for d in declarations:
            self._by_key[d.key] = d

    @classmethod
    def load(cls, local_dir: Path | None = None) -> ProcedureRegistry:
        """The shipped declarations, then a bureau's own folder: a local file replaces the shipped file of
        the same procedure and jurisdiction; two files of one folder for the same pair are refused."""
        raw: list[tuple[dict[str, Any], str, str]] = [(data, source, "shipped")
                                                      for data, source in _shipped()]
        if local_dir is not None:
            for path in sorted(Path(local_dir).glob("*.yaml")):
                raw.append((read_yaml(path.read_bytes(), str(path)), str(path), "local"))
        bases = {(d.get("procedure"), str(d.get("jurisdiction", "default"))): (d, s) for d, s, _ in raw}

        def resolved(data: dict[str, Any], source: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
            """An overlay merged onto its base, which may itself be an overlay (a city on its province)."""
            if "based_on" not in data:
                return data
            if str(data.get("jurisdiction", data["based_on"])) == str(data["based_on"]):
                raise ConfigError(f"{source}：基于其他声明的文件须写明自己的 jurisdiction（不同于 based_on） / {source}: an "
                                  "overlay names its own jurisdiction, other than the one it is based on")
            found = bases.get((data.get("procedure"), str(data["based_on"])))
            if found is None or source in seen:
                raise ConfigError(f"{source}：找不到所基于的声明 / {source}: its base declaration is missing")
            return overlay(resolved(found[0], found[1], (*seen, source)), data)

        found: list[Declaration] = []
        sources: dict[tuple[str, tuple[str, str]], str] = {}
        for data, source, folder in raw:
            data = resolved(data, source)
            declaration = parse_declaration(data, source)
            other = sources.setdefault((folder, declaration.key), source)
            if other != source:
                raise ConfigError(f"{other} 与 {source} 声明了同一程序和辖区 / {other} and {source} declare the same "
                                  f"procedure and jurisdiction {declaration.key}")
            found.append(declaration)
        return cls(found)

    def add(self, declaration: Declaration) -> None:
        self._by_key[declaration.key] = declaration

    def procedures(self) -> list[str]:
        return sorted({p for p, _ in self._by_key})

    def all(self) -> list[Declaration]:
        return [self._by_key[k] for k in sorted(self._by_key)]

    def get(self, procedure: str, jurisdiction: str) -> Declaration:
        try:
            return self._by_key[(procedure, jurisdiction)]
        except KeyError:
            from zhichan.errors import NotFoundError

            raise NotFoundError(f"没有办理程序 {procedure}（{jurisdiction}） / no procedure {procedure} ({jurisdiction})") from None

    def for_region(self, procedure: str, region_code: str | None) -> Declaration:
        """The declaration of the most specific jurisdiction containing ``region_code``."""
        best: Declaration | None = self._by_key.get((procedure, "default"))
        best_len = -1
        for (p, j), d in self._by_key.items():
            if p != procedure or j == "default" or not region_code:
                continue
            prefix = region_prefix(j)
            if region_code.startswith(prefix) and len(prefix) > best_len:
                best, best_len = d, len(prefix)
        if best is None:
            from zhichan.errors import NotFoundError

            raise NotFoundError(f"没有办理程序 {procedure} / no procedure {procedure}")
        return best


def step_title(decl: Declaration, event: str, from_state: str | None) -> Text | None:
    """A step by its declared name (a start is the start form's)."""
    if event == "start":
        return decl.start.title
    spec = decl.transition(event, from_state) if from_state is not None else None
    return spec.title if spec is not None else None


def step_names(decl: Declaration, seq: int, event: str, from_state: str | None, to_state: str) -> dict[str, str]:
    """The procedure and the step by their declared names as a step's certificate prints them: ``procedure_title``
    and, where the declaration names the step and its state, ``step_title``. The step's log entry records them (so
    ``/verify`` checks them on the page like every other printed field); an entry recorded before they were prints
    them from the declaration, marked as not part of the certified record (``zhichan.procedures.views.step_certificate``)."""
    names = {"procedure_title": f"{decl.title.zh} · {decl.title.en}"}
    title, state = step_title(decl, event, from_state), decl.states.get(to_state)
    if title is not None and state is not None:
        names["step_title"] = (f"第 {seq} 步：{title.zh}（→ {state.title.zh}） · Step {seq}: {title.en} "
                               f"(→ {state.title.en})")
    return names

