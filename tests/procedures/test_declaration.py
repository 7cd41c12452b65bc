"""Declarations refused when they are loaded: every problem that would otherwise surface as a 500 or
a wrong deadline on a live case, named with its file."""

from __future__ import annotations

import copy
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

from zhichan.errors import ConfigError
from zhichan.procedures.declaration import ProcedureRegistry, parse_declaration

SHIPPED = yaml.safe_load((files("zhichan.protection") / "definitions" / "protection.patent_dispute.yaml").read_bytes())
TITLE = {"zh": "某步骤", "en": "A step"}


def _step(d: dict[str, Any], event: str) -> dict[str, Any]:
    return next(t for t in d["transitions"] if t["event"] == event)


def _duplicate_event(d: dict[str, Any]) -> None:
    d["transitions"].append({"event": "accept", "from": ["filed"], "to": "refused", "title": TITLE, "roles": ["case_officer"]})


def _hour_clock_paused(d: dict[str, Any]) -> None:
    d["clocks"]["admission"]["unit"] = "hour"  # request_cure pauses it


def _hour_extension(d: dict[str, Any]) -> None:
    _step(d, "extend_admission")["extends"]["unit"] = "hour"


def _nobody_starts(d: dict[str, Any]) -> None:
    d["start"]["roles"] = []
    d["start"]["party"] = False


def _choice_without_choices(d: dict[str, Any]) -> None:
    _step(d, "request_cure")["fields"][0]["kind"] = "choice"


def _reserved_field(d: dict[str, Any]) -> None:
    _step(d, "request_cure")["fields"][0]["name"] = "version"  # the form's own hidden field


def _document_slot_field(d: dict[str, Any]) -> None:
    _step(d, "accept")["fields"][0]["name"] = "doc0"


def _duplicate_field(d: dict[str, Any]) -> None:
    fields = _step(d, "request_cure")["fields"]
    fields.append(dict(fields[0]))


def _bad_jurisdiction(d: dict[str, Any]) -> None:
    d["jurisdiction"] = "abc"


def _nation_as_jurisdiction(d: dict[str, Any]) -> None:
    d["jurisdiction"] = "100000"  # would outrank `default` in every region


def _final_step_starts_a_clock(d: dict[str, Any]) -> None:
    _step(d, "confirmation_lapsed")["starts"] = ["publication"]  # a closed case with a running clock, warned of forever


def _set_period_without_its_field(d: dict[str, Any]) -> None:
    step = _step(d, "request_cure")  # starts the cure period whose length the office sets in this step
    step["fields"] = [f for f in step["fields"] if f["name"] != "cure_days"]


def _event_named_like_a_state(d: dict[str, Any]) -> None:
    _step(d, "mediate")["to"] = "mediate"  # python-statemachine shares one namespace: taking it would crash
    d["states"]["mediate"] = {"title": {"zh": "调解", "en": "Mediated"}, "final": True}


def _requires_no_start_field(d: dict[str, Any]) -> None:
    _step(d, "accept")["requires"] = ["reporter"]  # the adjudication's start names its requester `requester`


def _term_paused(d: dict[str, Any]) -> None:
    d["clocks"]["admission"] = {**d["clocks"]["admission"], "waits": True}  # a term to wait out that a step pauses


def _term_binds_the_party(d: dict[str, Any]) -> None:
    d["clocks"]["answer"] = {**d["clocks"]["answer"], "waits": True}  # nobody's time limit, not the party's


def _paused_with_no_clock(d: dict[str, Any]) -> None:
    d["clocks"]["simplified"] = {**d["clocks"]["simplified"], "paused_with": "closng"}


def _paused_with_paused_by_a_step(d: dict[str, Any]) -> None:
    _step(d, "suspend")["pauses"] = ["closing", "simplified"]  # it pauses with the closing clock only


def _options_on_a_text_field(d: dict[str, Any]) -> None:
    d["start"]["fields"][0] = {**d["start"]["fields"][0], "options": "services.centres"}


def _awaits_someone_without_a_step(d: dict[str, Any]) -> None:
    d["states"]["filed"] = {**d["states"]["filed"], "awaits": ["bank_user"]}


def _final_state_awaits(d: dict[str, Any]) -> None:
    d["states"]["closed"] = {**d["states"]["closed"], "awaits": ["case_officer"]}


def _period_awaits_without_a_step(d: dict[str, Any]) -> None:
    d["clocks"]["answer"] = {**d["clocks"]["answer"], "awaits": ["counterparty"]}


def _awaits_an_unknown_actor(d: dict[str, Any]) -> None:
    d["states"]["filed"] = {**d["states"]["filed"], "awaits": ["officer"]}


@pytest.mark.parametrize(("mutate", "problem"), [
    (_awaits_someone_without_a_step, "state filed: awaits bank_user, who has no step of its own there"),
    (_final_state_awaits, "state closed: a final or resting state awaits nobody"),
    (_period_awaits_without_a_step, "clock answer: awaits counterparty"),
    (_awaits_an_unknown_actor, "awaits"),
    (_term_paused, "clock admission is a term to wait out"),
    (_paused_with_no_clock, "paused_with names no other clock (closng)"),
    (_paused_with_paused_by_a_step, "suspend: clock simplified pauses with closing only"),
    (_term_binds_the_party, "clock answer: a term to wait out"),
    (_options_on_a_text_field, "takes its options from a list"),
    (_requires_no_start_field, "requires reporter"),
    (_final_step_starts_a_clock, "confirmation_lapsed"),
    (_event_named_like_a_state, "named like a state"),
    (_bad_jurisdiction, "abc"),
    (_nation_as_jurisdiction, "100000"),
    (_duplicate_event, "accept"),
    (_hour_clock_paused, "admission"),
    (_hour_extension, "extend_admission"),
    (_nobody_starts, "start"),
    (_choice_without_choices, "items"),
    (_reserved_field, "version"),
    (_document_slot_field, "doc0"),
    (_duplicate_field, "items"),
    (_set_period_without_its_field, "request_cure: starts clock cure"),
])
def test_a_broken_declaration_is_refused_at_load(mutate: Callable[[dict[str, Any]], None], problem: str) -> None:
    data = copy.deepcopy(SHIPPED)
    mutate(data)
    with pytest.raises(ConfigError) as info:
        parse_declaration(data, "broken.yaml")
    assert "broken.yaml" in info.value.message and problem in info.value.message


def test_the_shipped_declarations_load() -> None:
    registry = ProcedureRegistry.load()
    assert {d.jurisdiction for d in registry.all() if d.procedure == "protection.patent_dispute"} == {
        "default", "310000", "330000", "330100"}
    # an overlay on an overlay: Hangzhou keeps Zhejiang's three working days and sets its own simplified track
    hangzhou = registry.for_region("protection.patent_dispute", "330106")
    assert hangzhou.jurisdiction == "330100" and hangzhou.clocks["admission"].amount == 3
    assert hangzhou.clocks["simplified"].amount == 30 and registry.get("protection.patent_dispute", "default").clocks[
        "simplified"].amount == 60


def test_every_cure_notice_sets_the_period_the_party_keeps() -> None:
    """A 一次性告知补正 names the days the party has (the office's 指定期限): every declaration's cure notice starts
    a party's clock whose length the notice sets, the cure stops it, and so does every other step out of that
    state that leaves the case open (an acceptance without the cure) — no reminder runs on after."""
    seen = set()
    for d in ProcedureRegistry.load().all():
        for notice in (t for t in d.transitions if t.event == "request_cure"):
            [period] = [c for c in notice.starts if d.clocks[c].set_by]
            assert d.clocks[period].binds == "party" and d.clocks[period].remind_party, d.procedure
            assert d.clocks[period].awaits == ("party",), d.procedure  # the cure is the party's to give meanwhile
            running = {notice.target if notice.target != "." else s for s in notice.source}
            leaving = [t for t in d.transitions if set(t.source) & running and t.event != notice.event
                       and not (t.target != "." and d.states[t.target].final) and (t.target != "." or t.resumes)]
            assert leaving and all(period in t.stops for t in leaving), (d.procedure, [t.event for t in leaving])
            # it awaits the party in the state the notice leaves the case in, and nowhere else
            assert d.periods_awaiting[period] == (frozenset(running), ("party",)), d.procedure
            seen.add(d.procedure)
    assert seen >= {"protection.patent_dispute", "finance.pledge", "services.priority_exam", "services.search_service",
                    "services.preexam_case", "talent.registration", "dataip.registration"}


def test_every_open_state_says_whom_it_awaits() -> None:
    """A to-do list holds what is expected of its owner: every open state of a shipped declaration names who acts next
    (``awaits``), a resting one nobody. A leader is awaited only where the step is the leader's to take — approving,
    deciding after a period, publishing —, never where it may merely refuse or extend what an officer handles (every
    filed application of the public services stood on a leader's list)."""
    leader = set()
    for d in ProcedureRegistry.load().all():
        for name, state in d.states.items():
            assert (state.awaits is None) is (state.final or state.resting), (d.procedure, name)
            if "bureau_leader" in (state.awaits or ()):
                leader.add((d.procedure, name))
    assert leader == {("credit.listing", "noticed"), ("credit.listing", "repair_requested"),
                      ("protection.enforcement", "urged"), ("protection.police_transfer", "reported"),
                      ("services.subsidy_round", "allotted")}


def test_every_withdrawal_a_party_may_take_is_optional() -> None:
    """A party's own filing stays off its to-do list while the office has it: withdrawing (or abandoning) is a
    step the party may take at any time, but nobody waits for it (docs/procedures.md, ``optional``)."""
    steps = [(d.procedure, d.jurisdiction, t.event, t.optional) for d in ProcedureRegistry.load().all()
             for t in d.transitions if t.event in ("withdraw", "abandon") and t.party]
    assert {p for p, *_ in steps} >= {"dataip.registration", "exchange.deal", "exchange.open_licence", "finance.pledge",
                                      "protection.mediation", "protection.overseas_guidance",
                                      "protection.patent_dispute", "services.priority_exam", "services.search_service",
                                      "services.subsidy_objection"}
    # (an open licence is withdrawn from its resting published state, which is on no list anyway)
    assert [s for s in steps if not s[3] and s[0] != "exchange.open_licence"] == []


def test_money_fields_are_declared_as_money() -> None:
    """Every amount a declaration asks for (its label says 元 or 金额) is a ``money`` field, parsed as Decimal and
    shown grouped with its unit; a fee that may be a percentage stays text."""
    fields = [(d.procedure, f) for d in ProcedureRegistry.load().all()
              for step in (d.start, *d.transitions) for f in step.fields]
    money = {(p, f.name) for p, f in fields if f.kind == "money"}
    assert money >= {("exchange.deal", "price"), ("exchange.deal", "contract_price"), ("exchange.deal", "paid_yuan"),
                     ("finance.pledge", "debt_amount"), ("finance.pledge", "proceeds"),
                     ("services.subsidy_objection", "awarded")}
    unmarked = {(p, f.name) for p, f in fields if f.kind != "money" and any(w in f.label.zh for w in ("元", "金额", "数额"))}
    assert unmarked == {("exchange.open_licence", "fee_standard")}


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


CLOCK = "clocks:\n  admission: {title: {zh: 立案审查, en: Admission}, amount: 4, unit: working_day}\n"


def test_an_overlay_names_its_own_jurisdiction(tmp_path: Path) -> None:
    # without a jurisdiction of its own, an overlay would silently replace the declaration it is based on
    _write(tmp_path / "a", "sichuan.yaml", f"procedure: protection.patent_dispute\nbased_on: default\n{CLOCK}")
    with pytest.raises(ConfigError) as info:
        ProcedureRegistry.load(tmp_path / "a")
    assert "sichuan.yaml" in info.value.message
    _write(tmp_path / "b", "sichuan.yaml",
           f"procedure: protection.patent_dispute\njurisdiction: default\nbased_on: default\n{CLOCK}")
    with pytest.raises(ConfigError):
        ProcedureRegistry.load(tmp_path / "b")


def test_two_local_files_of_one_procedure_and_jurisdiction_are_refused(tmp_path: Path) -> None:
    text = f"procedure: protection.patent_dispute\njurisdiction: '510000'\nbased_on: default\n{CLOCK}"
    _write(tmp_path, "a.yaml", text)
    _write(tmp_path, "b.yaml", text.replace("amount: 4", "amount: 6"))
    with pytest.raises(ConfigError) as info:
        ProcedureRegistry.load(tmp_path)
    assert "a.yaml" in info.value.message and "b.yaml" in info.value.message
    (tmp_path / "b.yaml").unlink()
    local = ProcedureRegistry.load(tmp_path).get("protection.patent_dispute", "510000")
    assert local.clocks["admission"].amount == 4  # one local file replaces nothing and is taken


def test_lapsed_and_within_name_declared_clocks() -> None:
    for key in ("lapsed", "within"):
        data = copy.deepcopy(SHIPPED)
        _step(data, "answer_lapsed")[key] = ["no_such_clock"]
        with pytest.raises(ConfigError) as info:
            parse_declaration(data, "broken.yaml")
        assert "answer_lapsed: unknown clock no_such_clock" in info.value.message


def test_a_notice_names_a_declared_period_as_declared(tmp_path: Path) -> None:
    """The mediation's notice said "三十日内" as fixed text: a bureau's overlay of the confirmation period left it saying
    thirty days. A notice now names the clock ({confirmation}) and reads its declared period; a name that is no clock
    is refused when the declarations load."""
    from zhichan.procedures.declaration import Text

    shipped = ProcedureRegistry.load(None).get("protection.mediation", "default")
    notice = next(n.text for t in shipped.transitions for n in t.notify if "{confirmation}" in n.text.zh)
    assert "自协议生效之日起30日内" in shipped.notice_text(notice, "zh")
    assert "within 30 days" in shipped.notice_text(notice, "en")
    _write(tmp_path, "m.yaml", "procedure: protection.mediation\njurisdiction: '510100'\nbased_on: default\nclocks:\n"
           "  confirmation: {title: {zh: 申请司法确认, en: Judicial confirmation}, amount: 2, unit: month, basis: 示例}\n")
    local = ProcedureRegistry.load(tmp_path).get("protection.mediation", "510100")
    assert "自协议生效之日起2个月内" in local.notice_text(notice, "zh")
    assert local.notice_text(Text(zh="{confirmation}", en="{confirmation}"), "en") == "2 months"
    data = copy.deepcopy(SHIPPED)
    _step(data, "answer_lapsed")["notify"] = [{"to": "party", "text": {"zh": "{no_such_clock}内", "en": "within"}}]
    with pytest.raises(ConfigError) as info:
        parse_declaration(data, "broken.yaml")
    assert "answer_lapsed: its notice names {no_such_clock}, which is no clock" in info.value.message


def test_a_region_code_typed_into_a_form_is_shown_by_its_name() -> None:
    """Generic case pages showed a filing's region code as typed (510107) on Chinese and English pages alike."""
    from zhichan.procedures.declaration import FieldSpec, Text
    from zhichan.procedures.views import shown_fields

    fields = (FieldSpec(name="region_code", label=Text(zh="所在地区", en="Region"), shows="region"),
              FieldSpec(name="pledgee", label=Text(zh="质权人", en="Pledgee"), shows="organization"))
    values = {"region_code": "510107", "pledgee": "蓉城科创银行"}
    names = {"蓉城科创银行": "Rongcheng Sci-Tech Bank"}
    assert [f["shown"] for f in shown_fields(values, fields, "en", names)] == [
        "Wuhou District (510107)", "Rongcheng Sci-Tech Bank"]
    assert [f["shown"] for f in shown_fields(values, fields, "zh", {})] == ["武侯区（510107）", "蓉城科创银行"]
    assert shown_fields({"region_code": "999999"}, fields, "en")[0]["shown"] == "999999"  # unknown: as typed


def test_every_english_text_of_the_shipped_declarations_is_english() -> None:
    """A step's title, a field's label, a document's name are given {zh: …, en: …}: the English has no Chinese in it
    (an English case page offered "Cancel the registration (注销)")."""
    import re

    import zhichan

    chinese = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff08\uff09]")
    found: list[tuple[str, str]] = []

    def walk(node: Any, name: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("zh"), str) and isinstance(node.get("en"), str) and chinese.search(node["en"]):
                found.append((name, node["en"]))
            for value in node.values():
                walk(value, name)
        elif isinstance(node, list):
            for value in node:
                walk(value, name)

    shipped = sorted(Path(zhichan.__file__).parent.glob("*/definitions/*.yaml"))
    assert len(shipped) > 10
    for path in shipped:
        walk(yaml.safe_load(path.read_bytes()), path.name)
    assert found == []


@pytest.mark.parametrize(("procedure", "state", "event", "clock", "kind"), [
    ("dataip.registration", "in_notice", "register", "notice", "lapsed"),
    ("dataip.registration", "in_notice", "refuse", "notice", "lapsed"),
    ("dataip.registration", "objected", "object", "notice", "within"),
    ("exchange.deal", "notice", "sign", "public_notice", "lapsed"),
    ("services.subsidy_round", "published", "conclude", "objection", "lapsed"),
    ("credit.listing", "noticed", "statement", "statements", "within"),
])
def test_a_step_a_hook_refused_for_a_running_period_is_timed_by_its_declaration(
        procedure: str, state: str, event: str, clock: str, kind: str) -> None:
    """Steps whose hook refused them for a period still running (or over) though the page had offered them: their
    declarations say so, so the case page and the to-do list (``offered``) and the step (``clock_problem``) agree —
    on the last day of the period a ``lapsed`` step is not offered and a ``within`` step is, the day after the other
    way round. The shipped declarations, in every jurisdiction that has one."""
    import datetime as dt
    from types import SimpleNamespace

    from zhichan.procedures.service import offered

    day = dt.date(2025, 10, 16)
    row = SimpleNamespace(name=clock, status="running", due_on=day, due_problem=None, pauses="[]", extensions="[]")
    for decl in (d for d in ProcedureRegistry.load().all() if d.procedure == procedure):
        spec = decl.transition(event, state)
        assert spec is not None and clock in getattr(spec, kind), (decl.jurisdiction, spec)
        role = next(iter(spec.roles)) if spec.roles else "enterprise_user"
        for today, expected in ((day, kind == "within"), (day + dt.timedelta(days=1), kind == "lapsed")):
            steps = offered(decl, state, True, role, officer=bool(spec.roles) or spec.public, party=spec.party, counterparty=False,
                            clocks={clock: row}, taken=set(), today=today, case_fields={})
            assert (event in {t.event for t in steps}) is expected, (decl.jurisdiction, today)


def test_whom_a_case_awaits_is_named_by_the_roles_its_declaration_gives_the_parties() -> None:
    """A pledge awaiting the bank said "待办理方：相对方": a declaration names its party and counterparty by their roles
    (``parties``: 出质人, 质权人（银行）; a deal's seller and buyer), in both languages; one naming none says 当事人 and
    相对方, and its digest is what it was before parties could be named. A case kept on an earlier declaration reads
    the current one's names."""
    from zhichan.procedures.declaration import in_current_words
    from zhichan.procedures.views import awaited_view

    registry = ProcedureRegistry.load()
    pledge = registry.get("finance.pledge", "default")
    applied = {"is_open": True, "state": "applied"}
    assert awaited_view(frozenset({"counterparty"}), None, pledge, applied, "zh")["awaited_shown"] == ["质权人（银行）"]
    assert awaited_view(frozenset({"counterparty"}), None, pledge, applied, "en")["awaited_shown"] == ["Pledgee (bank)"]
    contracted = {"is_open": True, "state": "contracted"}
    deal = registry.get("exchange.deal", "default")
    assert awaited_view(frozenset({"party", "counterparty"}), None, deal, contracted, "zh")["awaited_shown"] == \
        ["卖方（转让方/许可方）", "受让方/被许可方"]
    unnamed = parse_declaration({k: v for k, v in yaml.safe_load(
        (files("zhichan.finance") / "definitions" / "finance.pledge.yaml").read_bytes()).items() if k != "parties"},
        "finance.pledge.yaml")
    assert awaited_view(frozenset({"counterparty"}), None, unnamed, applied, "zh")["awaited_shown"] == ["相对方"]
    assert "parties" not in unnamed.body
    assert awaited_view(frozenset({"counterparty"}), None, in_current_words(unnamed, pledge), applied,
                        "en")["awaited_shown"] == ["Pledgee (bank)"]


#: which office takes the officers' steps of each shipped procedure (docs/procedures.md "Which office takes a step"): the
#: procedure's own (None: the handling office's; ``area``: the handling office's or one above it) and the steps taken by
#: another — decided per procedure on 2026-12-08; a procedure or a step added or changed fails here until decided there
OFFICES: dict[str, tuple[str | None, dict[str, str]]] = {
    "credit.listing": ("area", {}),
    "dataip.registration": ("area", {}),
    "exchange.deal": ("area", {}),  # not decided step by step yet (docs/procedures.md)
    "exchange.dormant": ("area", {}),  # likewise
    "exchange.open_licence": ("area", {}),  # likewise
    "finance.pledge": ("area", {}),
    "protection.complaint": (None, {}),
    "protection.ecommerce_notice": (None, {}),
    "protection.enforcement": (None, {}),
    "protection.exhibition": (None, {}),
    "protection.mediation": (None, {}),
    "protection.overseas_guidance": (None, {}),
    "protection.patent_dispute": (None, {"designate_jurisdiction": "upper", "extend_closing_upper": "above",
                                         "refuse_extension_upper": "above"}),
    "protection.police_transfer": (None, {}),
    "services.preexam_case": ("area", {}),
    "services.preexam_filing": ("area", {}),
    "services.priority_exam": ("area", {"recommend": "province"}),
    "services.search_service": ("area", {}),
    "services.subsidy_objection": ("area", {}),  # not decided step by step yet (docs/procedures.md)
    "services.subsidy_round": ("area", {}),  # likewise
    "talent.registration": ("area", {}),
}


def test_which_office_takes_each_shipped_step_is_decided() -> None:
    """Every officers' step of every shipped declaration (each jurisdiction's) is taken by the office the docs' table
    decides: a new procedure, or a step whose office changed, is decided there first."""
    registry = ProcedureRegistry.load()
    found = {}
    for d in registry.all():
        own, others = OFFICES.get(d.procedure, ("?", {}))
        assert d.office == own, (d.procedure, d.jurisdiction, d.office)
        found[d.procedure] = {t.event: t.office for t in d.transitions if t.roles and t.office != own}
        assert found[d.procedure] == others, (d.procedure, d.jurisdiction, found[d.procedure])
    assert set(found) == set(OFFICES)
