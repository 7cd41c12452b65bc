"""Technical investigators: the roster's IPC fields checked, candidates ranked by the patent's IPC, and
every conflict excluded with its reason — same organization as a party, earlier representation, and
co-applicant or co-inventor links found in the corpus; a conflicted person cannot be assigned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.procedures.helpers import URUMQI_NAME, URUMQI_NAME_EN, World, at, build_world, pdf, urumqi_offices
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.errors import FormError
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope
from zhichan.protection.investigators import add_investigator, assign, match_depth, parse_fields, suggest
from zhichan.protection.rules import DisputeRules
from zhichan.protection.service import DISPUTE

HOLDER = "成都示例科技有限公司"
RESPONDENT = "某某电子商行"


def test_ipc_fields_and_matching() -> None:
    assert parse_fields("h01m; G06F16/30，A") == ["H01M", "G06F16/30", "A"]
    for bad in ("", "电池", "H1M", "Z01"):
        with pytest.raises(FormError) as info:
            parse_fields(bad)
        assert set(info.value.errors) == {"ipc_fields"}
    assert match_depth(["H01M"], ["H01M4/13"]) == 4 and match_depth(["H01M4/13"], ["H01M4/13"]) == 8
    assert match_depth(["G06F"], ["H01M4/13"]) == 0


def test_candidates_ranked_and_conflicts_excluded_with_reasons(engine: Engine, tmp_path: Path) -> None:
    snap = build_snapshot(tmp_path / "corpus", patents=[
        patent("202010000007", applicants=[HOLDER], ipc=["H01M4/13"]),
        patent("202010000008", applicants=[RESPONDENT, "四川某大学"], inventors=["王教授"], ipc=["H01M10/05"]),
        patent("202010000009", applicants=[HOLDER], inventors=["李工"], ipc=["H01M4/13"]),
    ])
    world: World = build_world(engine, tmp_path / "files", SigningKey.generate())
    world.service.add_hook(DISPUTE, DisputeRules(world.service, lambda: snap))
    officer = world.scope("wuhou_officer")
    with session_scope(engine) as s:
        case = world.service.start(s, officer, DISPUTE, uploads=(pdf(),), now=at(dt.date(2026, 3, 2)), fields={
            "patent_number": "CN202010000007.9", "requester": HOLDER, "respondent": RESPONDENT, "claims": "停止侵权",
            "requester_role": "专利权人", "court_suit": "否", "known_on": "2026-01-05", "continuing": "是"})
        people = {name: add_investigator(s, officer, name=name, organization=org, kind="技术调查官", ipc_fields=fields,
                                         prior_parties=prior, available=available)
                  for name, org, fields, prior, available in [
                      ("赵专家", "电子科技大学", "H01M", "", True),
                      ("王教授", "四川某大学", "H01M4", "", True),
                      ("钱工", HOLDER, "H01M", "", True),
                      ("孙工", "某律师事务所", "H01M", f"另一公司\n{RESPONDENT}", True),
                      ("李工", "某研究院", "H01M", "", True),
                      ("周工", "某研究院", "G06F", "", True),
                      ("吴工", "某研究院", "H01M", "", False),
                  ]}
        with pytest.raises(FormError) as info:
            add_investigator(s, officer, name="", organization="", kind="法官", ipc_fields="电池")
        assert set(info.value.errors) == {"name", "kind", "ipc_fields"}
    with session_scope(engine) as s:
        data = suggest(s, officer, snap, case["id"])
    by_name = {c["name"]: c for c in data["candidates"]}
    assert [c["name"] for c in data["candidates"]][:2] == ["赵专家", "周工"]  # free, best IPC match first
    assert by_name["赵专家"]["match"] == 4 and by_name["赵专家"]["exclusions"] == []
    assert any("同属" in r for r in by_name["钱工"]["exclusions"])
    assert any("曾代理" in r and RESPONDENT in r for r in by_name["孙工"]["exclusions"])
    assert any("CN202010000008" in r and "发明人" in r for r in by_name["王教授"]["exclusions"])
    assert any("共同申请人" in r for r in by_name["王教授"]["exclusions"])  # its university co-applied with the respondent
    assert any("CN202010000009" in r for r in by_name["李工"]["exclusions"])  # co-inventor on the requester's patent
    assert any("不可用" in r for r in by_name["吴工"]["exclusions"])
    with session_scope(engine) as s:
        with pytest.raises(FormError) as info:
            assign(s, officer, snap, case["id"], people["王教授"])
        assert "语料库关联" in info.value.errors["investigator"]
    with session_scope(engine) as s:
        assign(s, officer, snap, case["id"], people["赵专家"])
    with session_scope(engine) as s:
        assert suggest(s, officer, snap, case["id"])["assigned"] == [people["赵专家"]]
        other = world.scope("jinjiang_officer")
        from zhichan.errors import NotFoundError

        with pytest.raises(NotFoundError):  # another district's case
            suggest(s, other, snap, case["id"])


def test_a_city_roster_serves_its_districts_and_a_district_keeps_its_own(engine: Engine, tmp_path: Path) -> None:
    world = build_world(engine, tmp_path / "files", SigningKey.generate())
    with session_scope(engine) as s:
        add_investigator(s, world.scope("chengdu_officer"), name="市级专家", organization="", kind="专家", ipc_fields="H01M")
        add_investigator(s, world.scope("jinjiang_officer"), name="锦江调查官", organization="", kind="技术调查官",
                         ipc_fields="H01M")
    with session_scope(engine) as s:
        from zhichan.protection.investigators import roster

        assert [p["name"] for p in roster(s, world.scope("wuhou_officer"))] == ["市级专家"]
        assert sorted(p["name"] for p in roster(s, world.scope("chengdu_officer"))) == ["市级专家", "锦江调查官"]


def test_the_roster_is_the_talent_library(engine: Engine, tmp_path: Path) -> None:
    """A person added to the roster is a person of the library (kind, fields, prior parties, its history); a
    person already in the library gains the kind instead of a second row; a suspension in the library makes
    them unavailable, a removal takes them off the roster; another kind of the library is not on it."""
    from sqlalchemy import select

    from zhichan.protection.investigators import roster
    from zhichan.talent import service as talent
    from zhichan.talent.models import Person, PersonKind, StatusChange

    world = build_world(engine, tmp_path / "files", SigningKey.generate())
    officer = world.scope("wuhou_officer")
    with session_scope(engine) as s:
        reviewer = talent.enter_person(s, officer, {"name": "郑专家", "organization": "某研究院", "region_code": "510107",
                                                    "kinds": "评审专家", "ipc_fields": "G06F"}).id
        talent.enter_person(s, officer, {"name": "冯评估", "organization": "", "region_code": "510107",
                                         "kinds": "评估专家", "certificates": "评估专家: PG-1"})
        added = add_investigator(s, officer, name="郑专家", organization="某研究院", kind="技术专家", ipc_fields="H01M",
                                 prior_parties="某公司")
        investigator = add_investigator(s, officer, name="卫调查官", organization="", kind="technical_investigator",
                                        ipc_fields="H01M")
        with pytest.raises(FormError) as info:
            add_investigator(s, officer, name="郑专家", organization="某研究院", kind="专家", ipc_fields="H01M")
        assert "already on the roster" in info.value.errors["name"]
    assert added == reviewer
    with session_scope(engine) as s:
        person = s.get(Person, reviewer)
        assert person is not None and person.ipc_fields == "G06F;H01M" and person.prior_parties == "某公司"
        assert sorted(s.scalars(select(PersonKind.kind).where(PersonKind.person_id == reviewer))) == [
            "review_expert", "technical_expert"]
        assert [(c.status, c.via) for c in s.scalars(select(StatusChange).where(
            StatusChange.person_id == investigator))] == [("in_library", "entered")]
        assert {(p["name"], p["available"]) for p in roster(s, officer)} == {("郑专家", True), ("卫调查官", True)}
        talent.change_status(s, officer, investigator, "suspend", "回避期间")
    with session_scope(engine) as s:
        assert {(p["name"], p["available"]) for p in roster(s, officer)} == {("郑专家", True), ("卫调查官", False)}
        talent.change_status(s, officer, investigator, "remove", "调离")
    with session_scope(engine) as s:
        assert [p["name"] for p in roster(s, officer)] == ["郑专家"]


def test_the_rosters_demo_people_name_their_organizations_among_their_own_regions(engine: Engine, tmp_path: Path) -> None:
    """A city office's roster lists its own and its county's people: a demo (synthetic) person's organization reads in
    English among that person's region's places — the same name is Urumqi … for the city's, Wulumuqi … for the
    county's — not as the first person working there read it; a real person's the same name stays as typed."""
    from zhichan.protection.investigators import roster
    from zhichan.talent import service as talent

    offices = urumqi_offices(build_world(engine, tmp_path / "files", SigningKey.generate()))
    with session_scope(engine) as s:
        for code, name in (("650100", "甲调查官"), ("650121", "乙调查官"), ("650121", "丙调查官")):
            talent.enter_person(s, offices[code], {"name": name, "organization": URUMQI_NAME, "region_code": code,
                                                   "kinds": "技术调查官", "ipc_fields": "H01M"}, synthetic=name != "丙调查官")
    with session_scope(engine) as s:
        shown = {p["name"]: p["organization_en"] for p in roster(s, offices["650100"])}
    assert shown == {"甲调查官": URUMQI_NAME_EN["650100"], "乙调查官": URUMQI_NAME_EN["650121"], "丙调查官": None}
