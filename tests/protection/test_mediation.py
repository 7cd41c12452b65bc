"""Mediation under 81号令 arts 63–70 and judicial confirmation on hand-made cases: the two-month track for
ownership disputes only, the reply counted from receipt, the 30 days to apply to the court counted from
the agreement taking effect (ending on a make-up Saturday after National Day 2026), the sweep's reminder
reaching the parties, a late application refused, the court's ruling recorded."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.procedures.helpers import World, at, build_world, pdf
from zhichan.errors import FormError
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope
from zhichan.procedures.models import Step
from zhichan.protection.documents import OFFICE_DOCUMENTS, DocumentGenerator
from zhichan.protection.mediation import MEDIATION, OWNERSHIP, MediationRules

D = dt.date


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    w = build_world(engine, tmp_path / "files", SigningKey.generate())
    w.service.add_hook(MEDIATION, MediationRules(w.service))
    w.service.add_generator(MEDIATION, DocumentGenerator(None), OFFICE_DOCUMENTS)
    return w


def start(world: World, kind: str, when: dt.datetime, uploads: tuple[Any, ...] = (pdf(),)) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.start(s, world.scope("ent_user"), MEDIATION, now=when, uploads=uploads, fields={
            "dispute_kind": kind, "patent_number": "CN202010000007.9", "requester": "成都示例科技有限公司",
            "respondent": "某某研究所", "claims": "确认专利权归请求人所有"})


def act(world: World, who: str, case: dict[str, Any], event: str, when: dt.datetime,
        fields: dict[str, Any] | None = None, uploads: tuple[Any, ...] = ()) -> None:
    with session_scope(world.engine) as s:
        case.update(world.service.act(s, world.scope(who), case["id"], event, version=case["version"],
                                      fields=fields or {}, uploads=uploads, now=when))


def view(world: World, case: dict[str, Any], who: str = "wuhou_officer") -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.case(s, world.scope(who), case["id"])


def clock(world: World, case: dict[str, Any], name: str) -> dict[str, Any]:
    return {c["name"]: c for c in view(world, case)["clocks"]}[name]


def test_ownership_mediation_to_a_confirmed_agreement(world: World) -> None:
    with pytest.raises(FormError) as info:  # the party's own request is uploaded, never generated for it
        start(world, OWNERSHIP, at(D(2026, 7, 1)), uploads=())
    assert set(info.value.errors) == {"doc0"}
    case = start(world, OWNERSHIP, at(D(2026, 7, 1)))
    act(world, "wuhou_officer", case, "serve", at(D(2026, 7, 3)), {"received_on": "2026-07-02"})
    assert clock(world, case, "reply")["due_on"] == D(2026, 7, 17)  # 2 Jul + 15
    act(world, "wuhou_officer", case, "reply", at(D(2026, 7, 10)))
    with pytest.raises(FormError) as info:  # an ownership dispute takes the two-month track
        act(world, "wuhou_officer", case, "accept", at(D(2026, 7, 13)), {"mediators": "张三、李四"})
    assert set(info.value.errors) == {"mediators"}
    act(world, "wuhou_officer", case, "accept_ownership", at(D(2026, 7, 13)), {"mediators": "张三、李四"})
    assert clock(world, case, "ownership_closing")["due_on"] == D(2026, 9, 14)  # 13 Sep is a Sunday
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "agree", at(D(2026, 9, 10)), {"effective_on": "2026-09-11"}, (pdf(),))
    assert set(info.value.errors) == {"effective_on"}
    act(world, "wuhou_officer", case, "agree", at(D(2026, 9, 10)), {"effective_on": "2026-09-10"}, (pdf(),))
    # 10 Sep + 30 days = Saturday 10 Oct 2026, a make-up working day after National Day: it stays
    assert clock(world, case, "confirmation")["due_on"] == D(2026, 10, 10)
    with session_scope(world.engine) as s:
        counts = world.service.sweep(s, D(2026, 9, 30))
    assert counts["warning"] >= 1
    party_notices = view(world, case, "ent_user")["notices"]
    assert any(n["clock"] == "confirmation" and n["kind"] == "warning" for n in party_notices)  # the parties reminded
    assert any("司法确认" in n["text_zh"] for n in party_notices)
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "confirmation_lapsed", at(D(2026, 10, 10)))
    assert set(info.value.errors) == {"_clock"}
    with pytest.raises(FormError) as info:
        act(world, "ent_user", case, "apply_confirmation", at(D(2026, 10, 12)),
            {"court": "成都市武侯区人民法院", "applied_on": "2026-10-11"})
    assert set(info.value.errors) == {"applied_on"}
    act(world, "ent_user", case, "apply_confirmation", at(D(2026, 10, 12)),
        {"court": "成都市武侯区人民法院", "applied_on": "2026-10-09"})
    act(world, "wuhou_officer", case, "record_ruling", at(D(2026, 10, 20)),
        {"ruling_number": "（2026）川0107民特12号", "ruled_on": "2026-10-19"})
    assert case["state"] == "confirmed"


def test_confirmation_window_lapses_and_a_general_dispute_has_no_two_month_track(world: World) -> None:
    case = start(world, "专利侵权纠纷", at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 3)))
    act(world, "wuhou_officer", case, "reply", at(D(2026, 3, 10)))
    with pytest.raises(FormError):
        act(world, "wuhou_officer", case, "accept_ownership", at(D(2026, 3, 11)), {"mediators": "张三"})
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 11)), {"mediators": "张三"})
    act(world, "wuhou_officer", case, "agree", at(D(2026, 3, 20)), {"effective_on": "2026-03-20"}, (pdf(),))
    assert clock(world, case, "confirmation")["due_on"] == D(2026, 4, 20)  # 19 Apr is a Sunday
    act(world, "wuhou_officer", case, "confirmation_lapsed", at(D(2026, 4, 21)))
    assert case["state"] == "closed"


def _documents(world: World, case: dict[str, Any], event: str) -> list[tuple[str, str]]:
    """The file names of a step's documents, and the first PDF's text (lines joined)."""
    with session_scope(world.engine) as s:
        docs = json.loads(s.scalar(select(Step.documents).where(Step.case_id == case["id"], Step.event == event)))
    made = world.service.files_dir / docs[0]["sha256"][:2] / docs[0]["sha256"]
    text = subprocess.run(["pdftotext", str(made), "-"], capture_output=True, text=True, check=True).stdout
    return [d["file_name"] for d in docs], text.replace("\n", "")


def opened(world: World, kind: str = "专利侵权纠纷") -> dict[str, Any]:
    case = start(world, kind, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 3)))
    act(world, "wuhou_officer", case, "reply", at(D(2026, 3, 10)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 11)), {"mediators": "张三"})
    return case


def test_each_outcome_closes_in_its_own_state_with_the_office_s_documents(world: World) -> None:
    """The mediation generated no document of the office's while the adjudication did, and the court's refusal closed as
    调解结案: 第六十九条 — the office draws up the agreement (generated when the step leaves it empty), no agreement closes
    the case by 撤销案件 with both parties told (撤销案件通知书, 第七十条); 第六十七条 — the requester's absence is a withdrawal,
    the respondent's a failure; each ruling of the court its own state."""
    agreed = opened(world)
    act(world, "wuhou_officer", agreed, "agree", at(D(2026, 3, 20)),
        {"effective_on": "2026-03-20", "terms": "被请求人停止制造、销售涉案产品"})
    names, text = _documents(world, agreed, "agree")
    assert names == ["调解协议书.pdf", "调解协议书.docx"]
    assert "被请求人停止制造、销售涉案产品" in text and "2026年3月20日" in text and "司法确认" in text
    act(world, "ent_user", agreed, "apply_confirmation", at(D(2026, 3, 23)),
        {"court": "成都市武侯区人民法院", "applied_on": "2026-03-23"})
    act(world, "wuhou_officer", agreed, "record_rejection", at(D(2026, 4, 2)),
        {"ruling_number": "（2026）川0107民特3号", "ruled_on": "2026-04-01"})
    assert agreed["state"] == "unconfirmed"

    failed = opened(world)
    with pytest.raises(FormError) as info:  # which of the two grounds closes it
        act(world, "wuhou_officer", failed, "fail", at(D(2026, 4, 1)), {"reason": "被请求人未到场"})
    assert set(info.value.errors) == {"ground"}
    act(world, "wuhou_officer", failed, "fail", at(D(2026, 4, 1)),
        {"ground": "被请求人无正当理由未参加调解（第六十七条）", "reason": "被请求人经通知未到场"})
    assert failed["state"] == "failed"
    names, text = _documents(world, failed, "fail")
    assert names == ["撤销案件通知书.pdf", "撤销案件通知书.docx"]
    assert "被请求人无正当理由未参加调解" in text and "撤销案件" in text and failed["number"] in text
    # each article cited once: the absence a failure under 第六十七条, closed by 撤销案件 under 第六十九条
    assert "依照《专利纠纷行政裁决和调解办法》第六十七条、第六十九条的规定" in text
    assert text.count("第六十七条") == 1 and text.count("第六十九条") == 1, text
    no_agreement = opened(world)  # the notice cited 第六十九条 twice here: in the ground and for the closing
    act(world, "wuhou_officer", no_agreement, "fail", at(D(2026, 4, 1)),
        {"ground": "未能达成协议（第六十九条）", "reason": "双方分歧较大"})
    _, text = _documents(world, no_agreement, "fail")
    assert "本局立案后，未能达成协议。" in text and "依照《专利纠纷行政裁决和调解办法》第六十九条的规定" in text
    assert text.count("第六十九条") == 1 and "第六十七条" not in text, text

    absent = opened(world)
    act(world, "wuhou_officer", absent, "withdraw_absent", at(D(2026, 4, 1)), {"reason": "请求人经通知未到场"})
    assert absent["state"] == "withdrawn_absent" and not view(world, absent)["case"]["is_open"]
    titles = {s: view(world, absent)["declaration"].states[s].title("zh")
              for s in ("closed", "confirmed", "unconfirmed", "failed", "withdrawn_absent")}
    assert len(set(titles.values())) == 5


def test_each_mediation_clock_cites_its_own_article(world: World) -> None:
    """The clocks cited 第六十三条至第七十条 as a range: each now cites the article that sets it."""
    decl = world.service.registry.get(MEDIATION, "default")
    assert {n: c.basis for n, c in decl.clocks.items()} == {
        "service": "第六十五条", "reply": "第六十五条", "admission": "第六十六条", "ownership_closing": "第七十条",
        "confirmation": "民事诉讼法 第二百零五条"}
