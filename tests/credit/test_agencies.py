"""Patent agencies on SQLite and PostgreSQL: the registry seeded from a hand-made snapshot (name
variants folded), registration data and its field errors, the 2023 trial rating by hand at every grade
boundary and the window's edge, D for a listed agency, the periodic publication, and the scope rule
(an agency user sees its own credit file only)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.procedures.helpers import PASSWORD, _password_hash
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.credit import agencies
from zhichan.credit.agencies import (
    credit_file,
    grade_for,
    parse_cutoffs,
    publish_due,
    record_item,
    register_agency,
)
from zhichan.credit.models import Agency, AgencyItem, Agent
from zhichan.credit.service import record_listing
from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import OrgKind, Role, User
from zhichan.platform.orgs import create_org, scope_for_user
from zhichan.platform.scope import Scope

D = dt.date
CUTOFFS = parse_cutoffs("A+:95,A:85,B:70,C:60")
AGENCY = "成都天府专利代理事务所（普通合伙）"


def scope_of(engine: Engine, username: str) -> Scope:
    with session_scope(engine) as s:
        return scope_for_user(s, s.scalars(select(User).where(User.username == username)).one())


@pytest.fixture
def tree(engine: Engine) -> Engine:
    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        sichuan = create_org(s, "四川省知识产权局", OrgKind.PROVINCE, "510000", nation)
        chengdu = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100", sichuan)
        wuhou = create_org(s, "武侯区知识产权局", OrgKind.COUNTY, "510107", chengdu)
        jinjiang = create_org(s, "锦江区知识产权局", OrgKind.COUNTY, "510104", chengdu)
        agency_org = create_org(s, AGENCY, OrgKind.AGENCY, "510107", wuhou)
        for name, role, org in (("cd_leader", Role.BUREAU_LEADER, chengdu), ("wuhou_officer", Role.CASE_OFFICER, wuhou),
                                ("cd_officer", Role.CASE_OFFICER, chengdu),
                                ("jinjiang_officer", Role.CASE_OFFICER, jinjiang),
                                ("agency_user", Role.AGENCY_USER, agency_org)):
            create_user(s, username=name, password=PASSWORD, role=role, org=org, password_hash=_password_hash())
    return engine


def test_grades_at_every_boundary_by_hand() -> None:
    # lowest score of A+ 95, A 85, B 70, C 60; below 60 D
    expected = {100: "A+", 95: "A+", 94: "A", 85: "A", 84: "B", 70: "B", 69: "C", 60: "C", 59: "D", 0: "D"}
    assert {score: grade_for(score, CUTOFFS) for score in expected} == expected
    for bad in ("A+:95,A:95,B:70,C:60", "A:95,A+:85,B:70,C:60", "A+:95,A:85,B:70"):
        with pytest.raises(ValueError):
            parse_cutoffs(bad)


def test_the_rating_by_hand(tree: Engine) -> None:
    officer = scope_of(tree, "wuhou_officer")
    with session_scope(tree) as s:
        agency = register_agency(s, officer, {"name": AGENCY, "region_code": "510107"})
        agency_id = agency.id
    on = D(2026, 6, 30)

    def grade_after(item: str, day: str) -> tuple[int, str]:
        with session_scope(tree) as s:
            record_item(s, officer, agency_id, item=item, occurred_on=day)
            f = credit_file(s, s.get(Agency, agency_id), as_of=on, cutoffs=CUTOFFS)  # type: ignore[arg-type]
            return f["score"], f["grade"]

    with session_scope(tree) as s:
        f = credit_file(s, s.get(Agency, agency_id), as_of=on, cutoffs=CUTOFFS)  # type: ignore[arg-type]
        assert (f["score"], f["grade"]) == (100, "A+")
    # the window is twelve months back from 30 June 2026: an item of 30 June 2025 no longer counts
    assert grade_after("administrative_penalty", "2025-06-30") == (100, "A+")
    assert grade_after("annual_report_late", "2025-07-01") == (95, "A+")  # 100 − 5, on the cut-off
    assert grade_after("information_change_late", "2026-01-05") == (90, "A")  # − 5
    assert grade_after("annual_report_late", "2026-06-30") == (85, "A")  # − 5, on the cut-off
    assert grade_after("complaint_upheld", "2026-02-01") == (75, "B")  # − 10
    assert grade_after("annual_report_late", "2026-03-01") == (70, "B")  # − 5, on the cut-off
    assert grade_after("complaint_upheld", "2026-04-01") == (60, "C")  # − 10, on the cut-off
    assert grade_after("annual_report_late", "2026-05-01") == (55, "D")  # − 5
    assert grade_after("administrative_penalty", "2026-05-02") == (25, "D")  # − 30
    assert grade_after("administrative_penalty", "2026-05-03") == (0, "D")  # − 30, never below 0
    with session_scope(tree) as s:  # the points are those recorded, whatever the table says later
        assert sorted({i.points for i in s.scalars(select(AgencyItem))}) == [5, 10, 30]


def test_a_listed_agency_is_graded_d(tree: Engine) -> None:
    officer = scope_of(tree, "wuhou_officer")
    with session_scope(tree) as s:
        agency = register_agency(s, officer, {"name": AGENCY, "region_code": "510107"})
        city = s.scalars(select(User).where(User.username == "cd_leader")).one()
        record_listing(s, subject=AGENCY, ground="unlicensed_agency", decision_number="成知信〔2026〕9号",
                       listed_from=D(2026, 3, 2), org_id=city.org_id, org_path="/1/2/", region_code="510100")
        on_day = credit_file(s, agency, as_of=D(2026, 3, 2), cutoffs=CUTOFFS)
        before = credit_file(s, agency, as_of=D(2026, 3, 1), cutoffs=CUTOFFS)
    assert (on_day["score"], on_day["grade"]) == (100, "D") and "成知信〔2026〕9号" in on_day["listing"]
    assert before["grade"] == "A+"


def test_the_registry_from_the_corpus_and_registration(tree: Engine, tmp_path: Path) -> None:
    snap = build_snapshot(tmp_path, patents=[
        patent(serial=1, agency=AGENCY, agents=["王五", "赵六"], region_code="510107", synthetic=False),
        patent(serial=2, agency=" 成都天府专利代理事务所(普通合伙) ", agents=["王五"], region_code="510107", synthetic=True),
        patent(serial=3, agency="锦江知识产权代理有限公司", agents=["钱七"], region_code="510104", synthetic=True),
        patent(serial=4, agency=None, agents=[]),
    ])
    with session_scope(tree) as s:
        assert agencies.seed_from_corpus(s, snap) == {"agencies": 2, "agents": 3}
    with session_scope(tree) as s:  # seeding again adds nothing
        assert agencies.seed_from_corpus(s, snap) == {"agencies": 0, "agents": 0}
        rows = {a.name_key: a for a in s.scalars(select(Agency))}
        tianfu = next(a for a in rows.values() if a.name.startswith("成都天府"))
        assert (tianfu.filings, tianfu.region_code, tianfu.source, tianfu.synthetic) == (2, "510107", "corpus", False)
        # known only from synthetic records: labelled synthetic
        assert next(a for a in rows.values() if a.name.startswith("锦江")).synthetic is True
        assert {a.name: a.filings for a in s.scalars(select(Agent).where(Agent.agency_id == tianfu.id))} == \
            {"王五": 2, "赵六": 1}
    officer = scope_of(tree, "wuhou_officer")
    with session_scope(tree) as s, pytest.raises(FormError) as bad:
        register_agency(s, officer, {"name": "", "credit_code": "123", "region_code": "510104", "agents": ""})
    assert set(bad.value.errors) == {"name", "credit_code", "region_code"}
    with session_scope(tree) as s:
        row = register_agency(s, officer, {"name": AGENCY, "credit_code": "91510100MA61R5XA24", "region_code": "510107",
                                           "licence_number": "51205", "agents": "王五；孙八"})
        assert (row.id, row.source, row.credit_code) == (tianfu.id, "registration", "91510100MA61R5XA24")
        assert {a.name for a in agencies.agents_of(s, row.id)} == {"王五", "赵六", "孙八"}
        assert register_agency(s, officer, {"name": "全角代码代理所", "region_code": "５１０１０７"}).region_code == "510107"


def test_an_agency_of_a_region_no_division_code_names_is_refused(tree: Engine) -> None:
    """A city officer registered an agency of 510199 — six digits inside Chengdu's prefix, but no county of the
    division codes — and the register showed the bare code where the region's name stands: refused beside the field."""
    with session_scope(tree) as s, pytest.raises(FormError) as bad:
        register_agency(s, scope_of(tree, "cd_officer"), {"name": AGENCY, "region_code": "510199"})
    assert set(bad.value.errors) == {"region_code"} and "未知的行政区划代码" in bad.value.errors["region_code"]
    with session_scope(tree) as s:
        assert s.scalar(select(func.count()).select_from(Agency)) == 0
        assert register_agency(s, scope_of(tree, "cd_officer"), {"name": AGENCY, "region_code": "510107"}).region_code \
            == "510107"


def test_an_agency_user_sees_its_own_file_only(tree: Engine) -> None:
    officer = scope_of(tree, "wuhou_officer")
    with session_scope(tree) as s:
        own = register_agency(s, officer, {"name": AGENCY, "region_code": "510107"}).id
        other = register_agency(s, officer, {"name": "武侯另一代理公司", "region_code": "510107"}).id
    user = scope_of(tree, "agency_user")
    with session_scope(tree) as s:
        linked = agencies.own_agency(s, user)
        assert linked is not None and linked.id == own
    with session_scope(tree) as s:
        assert agencies.get_agency(s, user, own).id == own
        with pytest.raises(NotFoundError):
            agencies.get_agency(s, user, other)
        with pytest.raises(PermissionDenied):  # nor may it record items, even on itself
            record_item(s, user, own, item="complaint_upheld", occurred_on="2026-01-05")
        with pytest.raises(NotFoundError):  # another district's officer does not see it
            agencies.get_agency(s, scope_of(tree, "jinjiang_officer"), own)
        assert agencies.get_agency(s, scope_of(tree, "cd_leader"), own).id == own  # the city does


def test_the_periodic_publication(tree: Engine) -> None:
    officer = scope_of(tree, "wuhou_officer")
    with session_scope(tree) as s:  # an empty registry publishes nothing (a new platform's list of no agency stood
        # 90 days: the check ran before the corpus seeded the registry)
        assert publish_due(s, today=D(2026, 2, 27), every_days=90, cutoffs=CUTOFFS) is None
    with session_scope(tree) as s:
        agency = register_agency(s, officer, {"name": AGENCY, "region_code": "510107"})
        record_item(s, officer, agency.id, item="complaint_upheld", occurred_on="2026-01-05", source="complaint",
                    reference="投诉 2026-001")
    with session_scope(tree) as s:
        first = publish_due(s, today=D(2026, 3, 1), every_days=90, cutoffs=CUTOFFS)
        assert first is not None
        assert publish_due(s, today=D(2026, 5, 29), every_days=90, cutoffs=CUTOFFS) is None  # 89 days on
        assert publish_due(s, today=D(2026, 5, 30), every_days=90, cutoffs=CUTOFFS) is not None  # 90 days on
    with session_scope(tree) as s:
        published = agencies.latest_publication(s, first.id)
    assert published is not None and published["as_of"] == D(2026, 3, 1)
    [row] = published["agencies"]
    assert (row["score"], row["grade"]) == (90, "A")
    assert [(i["zh"], i["points"], i["reference"]) for i in row["items"]] == [("投诉举报经查属实", 10, "投诉 2026-001")]
    json.dumps(published, default=str)


def test_an_item_cannot_be_dated_after_today_in_beijing(tree: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 01:00 on 1 April in Beijing (17:00 UTC on 31 March) an item of 1 April is today's, one of 2 April is not."""
    from zhichan.legaltime import periods

    monkeypatch.setattr(periods, "utcnow", lambda: dt.datetime(2026, 3, 31, 17, 0))
    officer = scope_of(tree, "wuhou_officer")
    with session_scope(tree) as s:
        agency_id = register_agency(s, officer, {"name": AGENCY, "region_code": "510107"}).id
    with session_scope(tree) as s:
        record_item(s, officer, agency_id, item="complaint_upheld", occurred_on="2026-04-01")
    with session_scope(tree) as s, pytest.raises(FormError) as refused:
        record_item(s, officer, agency_id, item="complaint_upheld", occurred_on="2026-04-02")
    assert "occurred_on" in refused.value.errors
