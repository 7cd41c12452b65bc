"""Subsidies and awards: eligibility from the corpus (high-value inventions held, patents assigned or licensed out — no
application or grant, which the 2021 notice abolished) and the budget, worked by hand (a budget exhausted mid-batch), a
round through publication, its objection period and payments — SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from importlib.resources import files as files_of
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.procedures.helpers import PASSWORD, World, at
from zhichan.corpus.testing import build_snapshot, event, patent
from zhichan.credit.service import record_listing
from zhichan.errors import ConfigError, FormError, PermissionDenied
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import AuditEntry, Organization, OrgKind, Role, User
from zhichan.platform.orgs import create_org, scope_for_user
from zhichan.services.models import SubsidyApplication, SubsidyAward
from zhichan.services.subsidies import (
    ROUND_PROCEDURE,
    Programme,
    allocate_budget,
    apply,
    disburse,
    eligibility,
    load_programmes,
    make_round_hook,
    measures,
    programme,
    reassess,
    results_view,
)
from zhichan.web.i18n import stored_message, stored_text

D = dt.date
Y = Decimal
A, B, C, N, L = "成都甲科技有限公司", "成都乙电子有限公司", "成都丙材料有限公司", "成都丁无专利有限公司", "成都戊失信有限公司"


def test_the_budget_is_never_exceeded() -> None:
    # 40,000 yuan for 21,000 + 30,000 + 2,000 (+ 0): the first in full, the second the remaining 19,000, the third nothing
    out = allocate_budget(Y("40000.00"), [("a", Y("21000.00")), ("b", Y("30000.00")), ("c", Y("2000.00"))])
    assert [(a.key, a.awarded) for a in out] == [("a", Y("21000.00")), ("b", Y("19000.00")), ("c", Y("0.00"))]
    assert "部分资助" in stored_text(out[1].reason, "zh") and "已用尽" in stored_text(out[2].reason, "zh")
    assert stored_text(out[2].reason, "en") == "Not paid: the budget of 40,000 yuan is spent"
    # an exact fit leaves nothing for the next; cents are kept exactly (0.1 + 0.2 is 0.3 here)
    out = allocate_budget(Y("0.30"), [("x", Y("0.10")), ("y", Y("0.20")), ("z", Y("0.01"))])
    assert [a.awarded for a in out] == [Y("0.10"), Y("0.20"), Y("0.00")]
    assert allocate_budget(Y("100.00"), []) == []


def _programme(budget: str = "40000.00") -> Programme:
    """The example with its own budget, paying 2,000 yuan an assignment or licence (the rounds here and in the objection
    and figures tests were worked by hand at that rate)."""
    p = programme("SUB-2026-01")
    criteria = tuple(c.model_copy(update={"per_item_yuan": Y("2000.00")}) if c.measure == "assigned_or_licensed" else c
                     for c in p.criteria)
    return p.model_copy(update={"budget_yuan": Y(budget), "criteria": criteria})


def _texts(r, lang: str = "zh") -> list[str]:  # type: ignore[no-untyped-def]
    return [stored_text(x, lang) for x in r.reasons]


def test_eligibility_gives_its_reasons() -> None:
    p = programme("SUB-2026-01")
    # 3 assigned or licensed out × 3,000 + 1 high-value × 5,000 = 14,000
    r = eligibility(p, counts={"assigned_or_licensed": 3, "high_value_inventions": 1}, region_code="510107",
                    listing_reason=None)
    assert r.eligible and r.amount == Y("14000.00")
    assert "期内专利转让、许可 3 件 × 3,000 元 = 9,000 元" in _texts(r)
    # kept as messages: each page shows them in its language only
    assert not any(re.search(r"[\u4e00-\u9fff]", x) for x in _texts(r, "en")), _texts(r, "en")
    # 12 × 3,000 = 36,000, capped at 30,000
    r = eligibility(p, counts={"assigned_or_licensed": 12}, region_code="510104", listing_reason=None)
    assert r.eligible and r.amount == Y("30000.00") and any("上限" in x for x in _texts(r))
    r = eligibility(p, counts={"assigned_or_licensed": 2}, region_code="330106", listing_reason=None)
    assert not r.eligible and r.amount == 0 and any("不在本项目范围" in x for x in _texts(r))
    r = eligibility(p, counts={}, region_code="510107", listing_reason=None)
    assert not r.eligible and any("未达到任何资助条件" in x for x in _texts(r))
    r = eligibility(p, counts={"assigned_or_licensed": 2}, region_code="510107", listing_reason={"zh": "某决定书", "en": "a decision"})
    assert not r.eligible and any("失信" in x for x in _texts(r))
    assert "On the IP credit list, not funded: a decision" in _texts(r, "en")


def _corpus(root: Path):  # type: ignore[no-untyped-def]
    # granted in the period, filed abroad under the PCT: what the programme no longer pays for
    rows = [patent(serial=i, application_date="2022-05-01", grant_date=f"2025-0{i}-10", applicants=[A]) for i in (1, 2, 3)]
    rows.append(patent(serial=4, application_date="2025-03-01", legal_status="published", grant_date=None, applicants=[A],
                       pct_application_number="PCT/CN2025/050001", pct_application_date="2025-09-01"))
    # maintained past 10 years: high value
    rows += [patent(serial=5 + i, application_date=f"2015-0{1 + i}-05", applicants=[A]) for i in range(3)]
    rows += [patent(serial=100 + i, application_date="2022-01-01", grant_date="2023-06-01", applicants=[B]) for i in range(20)]
    rows.append(patent(serial=200, application_date="2022-01-01", grant_date="2023-07-01", applicants=[C]))
    rows += [patent(serial=300 + i, application_date="2022-01-01", grant_date="2023-07-01", applicants=[L]) for i in range(2)]
    a1, a2, a3 = (rows[i]["application_number"] for i in range(3))
    events = [
        # A assigned one patent and licensed another in the period, once under a spelling of its name that folds to it
        event(a1, "transfer", "2025-03-01", party_from=A, party_to="重庆某制造有限公司"),
        event(a2, "licence", "2025-05-01", party_from="成都甲科技有限责任公司", party_to="成都某电池有限公司",
              amount_yuan=Y("80000.00")),
        event(a2, "licence", "2025-11-30", party_from=A, party_to="绵阳某电子有限公司"),
        # not counted: before the period, after it, to itself, as the licensee, a pledge, a legal status change
        event(a3, "transfer", "2024-12-31", party_from=A, party_to="重庆某制造有限公司"),
        event(a3, "licence", "2026-01-01", party_from=A, party_to="重庆某制造有限公司"),
        event(a3, "transfer", "2025-06-01", party_from=A, party_to="成都甲科技 有限公司"),
        event(rows[7]["application_number"], "licence", "2025-06-01", party_from=B, party_to=A),
        event(a3, "pledge", "2025-06-01", party_from=A, party_to="某银行", amount_yuan=Y("1000000.00")),
        event(a3, "legal_status_change", "2025-06-01", detail="granted"),
        # B licensed each of its twenty patents out; C assigned one
        *(event(rows[7 + i]["application_number"], "licence", f"2025-{1 + i % 12:02d}-15", party_from=B,
                party_to=f"某企业{i}") for i in range(20)),
        event(rows[27]["application_number"], "transfer", "2025-07-01", party_from=C, party_to="成都某新材料有限公司"),
    ]
    return build_snapshot(root, patents=rows, events=events)


def test_measures_count_the_corpus(tmp_path: Path) -> None:
    """The example counted inventions granted and PCT applications filed — the grant- and application-stage subsidies
    the 2021 notice abolished: it counts the applicant's assignments and licences (转化运用) and high-value inventions."""
    snap = _corpus(tmp_path / "corpus")
    p = _programme()
    assert measures(snap, p, A) == {"high_value_inventions": 3, "assigned_or_licensed": 3}
    assert measures(snap, p, "成都甲科技有限责任公司 ") == measures(snap, p, A)  # names compare by their key
    assert measures(snap, p, B)["assigned_or_licensed"] == 21  # twenty, and the licence to A
    assert measures(snap, p, N) == {"high_value_inventions": 0, "assigned_or_licensed": 0}
    assert {c.measure for c in programme("SUB-2026-01").criteria} == {"assigned_or_licensed", "high_value_inventions"}


@pytest.mark.parametrize(("measure", "end", "stage"), [
    ("granted_inventions", "2025-12-31", "授权阶段"), ("granted_inventions", "2023-12-31", "授权阶段"),
    ("pct_filings", "2025-12-31", "申请阶段"), ("pct_filings", "2020-12-31", "申请阶段")])
def test_a_programme_paying_for_applications_or_grants_is_refused(tmp_path: Path, measure: str, end: str,
                                                                  stage: str) -> None:
    """Application-stage subsidies were abolished by June 2021 and grant subsidies before 2025: a round run on the
    platform pays after both deadlines whatever period it counts, so a programme declaring either is refused when the
    programmes load — naming the file and the notice, Chinese first."""
    good = (files_of("zhichan.services") / "programmes" / "SUB-2026-01.yaml").read_text("utf-8")
    (tmp_path / "SUB-2026-01.yaml").write_text(good, "utf-8")
    assert list(load_programmes(tmp_path)) == ["SUB-2026-01"]
    bad = good.replace("code: SUB-2026-01", "code: SUB-2026-02").replace("end: 2025-12-31", f"end: {end}").replace(
        "measure: assigned_or_licensed", f"measure: {measure}")
    (tmp_path / "SUB-2026-02.yaml").write_text(bad, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_programmes(tmp_path)
    message = str(info.value)
    assert message.startswith("资助项目声明无效：SUB-2026-02.yaml：") and stage in message, message
    assert "关于进一步严格规范专利申请行为的通知" in message and "SUB-2026-02.yaml" in message.split(" / ", 1)[1]


def _enterprises(world: World) -> dict[str, int]:
    users = {}
    with session_scope(world.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107",
                                                    Organization.kind == OrgKind.COUNTY))
        city = s.scalar(select(Organization).where(Organization.region_code == "510100"))
        assert wuhou is not None and city is not None
        for i, name in enumerate((A, B, C, N, L)):
            org = create_org(s, name, OrgKind.ENTERPRISE, "510107", wuhou, party_key=name)
            users[name] = create_user(s, username=f"ent{i}", password=PASSWORD, role=Role.ENTERPRISE_USER, org=org).id
        record_listing(s, subject=L, ground="abnormal_filing", decision_number="成知信〔2026〕7号",
                       listed_from=D(2026, 1, 10), org_id=city.id, org_path=city.path, region_code="510100")
    return users


def _scope(world: World, user_id: int):  # type: ignore[no-untyped-def]
    with session_scope(world.engine) as s:
        return scope_for_user(s, s.get(User, user_id))


def test_a_round_exhausts_its_budget_mid_batch(world: World, tmp_path: Path) -> None:
    snap = _corpus(tmp_path / "corpus")
    declared = {"SUB-2026-01": _programme("40000.00")}
    world.service.add_hook(ROUND_PROCEDURE, make_round_hook(lambda: declared))
    users = _enterprises(world)
    for day, name in enumerate((A, B, C, N, L), 1):
        with session_scope(world.engine) as s:
            apply(s, _scope(world, users[name]), snap, "SUB-2026-01", now=at(D(2026, 7, day)), declared=declared)
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        apply(s, _scope(world, users[A]), snap, "SUB-2026-01", declared=declared)
    assert "已申请过" in info.value.errors["programme"]

    def standing(name: str) -> Any:  # what the programme's page says of the applicant's own application
        with session_scope(world.engine) as s:
            view = results_view(s, _scope(world, users[name]), "SUB-2026-01", "zh", declared=declared)
        assert view["may_apply"] is False and view["refused"] == "applied"  # the page offered to apply again
        return view["own"]["standing"], view["own"]["seq"], view["own"]["awarded"]

    assert [standing(x) for x in (A, N)] == [("eligible", None, None), ("ineligible", None, None)]
    with session_scope(world.engine) as s:
        apps = {a.applicant: a for a in s.scalars(select(SubsidyApplication))}
        assert {k: (a.eligible, a.requested_yuan) for k, a in apps.items()} == {
            A: (True, Y("21000.00")), B: (True, Y("30000.00")), C: (True, Y("2000.00")), N: (False, Y("0.00")),
            L: (False, Y("0.00"))}
        assert "成知信〔2026〕7号" in apps[L].reasons and "/ " not in apps[L].reasons  # per language, not "中文 / English"
    officer = world.scope("chengdu_officer")
    with session_scope(world.engine) as s:
        case = world.service.start(s, officer, ROUND_PROCEDURE, fields={"programme": "SUB-2026-01"}, now=at(D(2026, 8, 3)))
        world.service.act(s, officer, case["id"], "allot", version=1, fields={}, now=at(D(2026, 8, 3)))
    with session_scope(world.engine) as s:
        awards = [(s.get(SubsidyApplication, a.application_id).applicant, a.awarded_yuan)  # type: ignore[union-attr]
                  for a in s.scalars(select(SubsidyAward).order_by(SubsidyAward.seq))]
    assert awards == [(A, Y("21000.00")), (B, Y("19000.00")), (C, Y("0.00"))]
    assert standing(A) == ("allotted", None, None)  # its line is not public before the leader publishes it
    assert sum(a for _, a in awards) == Y("40000.00")
    with session_scope(world.engine) as s:
        leader_org = s.scalar(select(Organization).where(Organization.region_code == "510100"))
        assert leader_org is not None
        lid = create_user(s, username="cd_leader", password=PASSWORD, role=Role.BUREAU_LEADER, org=leader_org).id
    cd_leader = _scope(world, lid)
    with session_scope(world.engine) as s:  # Monday 2026-08-03: objections for 5 working days, to Monday 08-10
        world.service.act(s, cd_leader, case["id"], "publish", version=2, fields={}, now=at(D(2026, 8, 3)))
    assert [standing(x) for x in (B, N)] == [("listed", 2, Y("19000.00")), ("unlisted", None, None)]
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        world.service.act(s, officer, case["id"], "conclude", version=3, fields={"objections": "无"}, now=at(D(2026, 8, 10)))
    assert "2026-08-10" in info.value.errors["_clock"]
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:  # nothing is paid before the round ends
        disburse(s, officer, 1, "2026-08-12", "CD-2026-001")
    assert "公示结束后" in info.value.errors["_state"]
    with session_scope(world.engine) as s:
        world.service.act(s, officer, case["id"], "conclude", version=3, fields={"objections": "无"}, now=at(D(2026, 8, 11)))
    # an enterprise applying once the round is concluded was kept as an application nothing would ever be allotted to
    # (the page still offered the button): refused beside the field, and not offered
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        apply(s, world.scope("ent_user"), snap, "SUB-2026-01", declared=declared)
    assert "评审已结束" in info.value.errors["programme"]
    with session_scope(world.engine) as s:
        assert s.scalar(select(SubsidyApplication.id).where(SubsidyApplication.applicant == "成都示例科技有限公司")) is None
        assert results_view(s, world.scope("ent_user"), "SUB-2026-01", "zh", declared=declared)["may_apply"] is False
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        disburse(s, officer, 1, "2026-13-01", " ")
    assert set(info.value.errors) == {"paid_on", "voucher"}
    with session_scope(world.engine) as s:
        paid = disburse(s, officer, 1, "2026-08-12", "CD-2026-001")
        assert (paid.disbursed_on, paid.voucher) == (D(2026, 8, 12), "CD-2026-001")
    assert standing(A) == ("paid", 1, Y("21000.00"))
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        disburse(s, officer, 3, "2026-08-12", "CD-2026-003")  # C was awarded nothing
    assert "未获资助" in info.value.errors["_state"]


def test_an_enterprise_outside_the_programmes_area_is_told_it_may_not_apply(world: World, tmp_path: Path) -> None:
    """The page offered 申请本项目资助 to an enterprise registered outside the programme's area, whose application was
    then kept, assessed ineligible: it is told so where the button was, and one sent anyway is refused beside it."""
    snap = _corpus(tmp_path / "corpus")
    declared = {"SUB-2026-01": _programme("40000.00")}
    with session_scope(world.engine) as s:
        nation = s.scalar(select(Organization).where(Organization.kind == OrgKind.NATION))
        assert nation is not None
        org = create_org(s, "杭州示例科技有限公司", OrgKind.ENTERPRISE, "330106", nation, party_key="杭州示例科技有限公司")
        uid = create_user(s, username="hz_ent", password=PASSWORD, role=Role.ENTERPRISE_USER, org=org).id
    hangzhou = _scope(world, uid)
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        apply(s, hangzhou, snap, "SUB-2026-01", now=at(D(2026, 7, 1)), declared=declared)
    assert "只受理登记在其地区的企业" in info.value.errors["programme"]
    with session_scope(world.engine) as s:
        assert s.scalar(select(SubsidyApplication.id)) is None
        view = results_view(s, hangzhou, "SUB-2026-01", "zh", declared=declared)
        assert (view["may_apply"], view["refused"], view["own"]) == (False, "outside_area", None)
        view = results_view(s, world.scope("ent_user"), "SUB-2026-01", "zh", declared=declared)  # in the area
        assert (view["may_apply"], view["refused"], view["own"]) == (True, None, None)


def test_an_application_keeps_the_programme_version_it_was_assessed_under(world: World, tmp_path: Path) -> None:
    """The example programme changed under its applications (revision 1 paid inventions granted and PCT filings; the
    2021 notice abolished both). An application's amount and reasons are history, never rewritten silently: the page
    says which version each was assessed under; an open one assessed under an earlier version is flagged, a round is not
    allotted on it, and the deciding officers assess it anew — the replaced assessment kept and the act audited. One
    already allotted keeps its result."""
    from zhichan.services.subsidies import Revision, Text

    snap = _corpus(tmp_path / "corpus")
    current = _programme()
    v1 = current.model_copy(update={"revision": None,  # the first: never revised
                                    "criteria": tuple(c for c in current.criteria if c.measure == "high_value_inventions")})
    v2 = current.model_copy(update={"revision": Revision(number=2, since=D(2026, 7, 10), note=Text(
        zh="取消授权发明、PCT国际申请资助，改为资助转让、许可", en="Grants and PCT filings no longer paid; use paid instead"))})
    declared = {"SUB-2026-01": v1}
    world.service.add_hook(ROUND_PROCEDURE, make_round_hook(lambda: declared))
    users = _enterprises(world)
    with session_scope(world.engine) as s:
        apply(s, _scope(world, users[A]), snap, "SUB-2026-01", now=at(D(2026, 7, 1)), declared=declared)
        # B's application as the platform stored it before revisions were recorded, counting the withdrawn measures
        b = apply(s, _scope(world, users[B]), snap, "SUB-2026-01", now=at(D(2026, 7, 2)), declared=declared)
        legacy = json.dumps([stored_message("services.reason.criterion", criterion={
            "zh": "期内授权发明专利", "en": "Inventions granted in the period"}, n=20, per_item="2,000", part="40,000")])
        b.programme_revision, b.requested_yuan, b.reasons = None, Y("30000.00"), legacy
        b.measures = '{"granted_inventions": 20, "high_value_inventions": 0, "pct_filings": 0}'
        apply(s, _scope(world, users[N]), snap, "SUB-2026-01", now=at(D(2026, 7, 3)), declared=declared)  # eligible for nothing
    declared["SUB-2026-01"] = v2  # the programme is revised
    officer = world.scope("chengdu_officer")
    with session_scope(world.engine) as s:
        view = results_view(s, officer, "SUB-2026-01", "zh", declared=declared)
        # as assessed, flagged; B's version told by the declared history (revision 1 in force on its day counted what
        # it counted)
        assert [(a["applicant"], a["revision"], a["inferred"], a["stale"], a["requested"]) for a in view["applications"]] == [
            (A, 1, False, True, Y("15000.00")), (B, 1, True, True, Y("30000.00")), (N, 1, False, True, Y("0.00"))]
        # without the history B's version is not told: it reads unrecorded, and still counts as an earlier one
        untold = {"SUB-2026-01": v2.model_copy(update={"earlier_revisions": ()})}
        view = results_view(s, officer, "SUB-2026-01", "zh", declared=untold)
        assert [(a["revision"], a["earlier"], a["stale"]) for a in view["applications"]][1] == (None, True, True)
        view = results_view(s, officer, "SUB-2026-01", "zh", declared=declared)
        assert view["revision"] == 2 and view["stale"] == 3 and view["may_reassess"] is True
        own = results_view(s, _scope(world, users[A]), "SUB-2026-01", "zh", declared=declared)
        assert [a["stale"] for a in own["applications"]] == [True] and own["may_reassess"] is False
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:  # never allotted on withdrawn terms
        case = world.service.start(s, officer, ROUND_PROCEDURE, fields={"programme": "SUB-2026-01"}, now=at(D(2026, 8, 3)))
        world.service.act(s, officer, case["id"], "allot", version=1, fields={}, now=at(D(2026, 8, 3)))
    assert "3 件申请按本项目此前版本评定" in info.value.errors["programme"]
    with pytest.raises(PermissionDenied), session_scope(world.engine) as s:  # the applicant does not reassess
        reassess(s, _scope(world, users[A]), snap, "SUB-2026-01", declared=declared)
    with session_scope(world.engine) as s:
        assert reassess(s, officer, snap, "SUB-2026-01", now=at(D(2026, 8, 3)), declared=declared) == 3
    with session_scope(world.engine) as s:
        apps = {a.applicant: a for a in s.scalars(select(SubsidyApplication))}
        assert (apps[A].programme_revision, apps[A].requested_yuan) == (2, Y("21000.00"))  # 3 × 2,000 + 3 × 5,000
        assert (apps[B].programme_revision, apps[B].requested_yuan) == (2, Y("30000.00"))  # capped, now for licences
        history = json.loads(apps[B].previous_assessments)
        assert [(h["revision"], h["requested_yuan"], h["measures"]) for h in history] == [
            (None, "30000.00", {"granted_inventions": 20, "high_value_inventions": 0, "pct_filings": 0})]
        assert json.loads(apps[A].previous_assessments)[0]["revision"] == 1
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "services.subsidy_reassess")) == 3
        view = results_view(s, officer, "SUB-2026-01", "en", declared=declared)
        assert view["stale"] == 0 and view["applications"][0]["previous"][0]["revision"] == 1
        assert view["applications"][1]["previous"][0]["reasons"] == ["Inventions granted in the period: 20 × 2,000 yuan = 40,000 yuan"]
    with session_scope(world.engine) as s:
        case = world.service.start(s, officer, ROUND_PROCEDURE, fields={"programme": "SUB-2026-01"}, now=at(D(2026, 8, 3)))
        world.service.act(s, officer, case["id"], "allot", version=1, fields={}, now=at(D(2026, 8, 3)))
    declared["SUB-2026-01"] = v2.model_copy(update={"revision": Revision(number=3, since=D(2026, 9, 1), note=Text(
        zh="调整", en="Changed"))})  # revised again after the allotment: the results stand as decided, N's left off too
    with session_scope(world.engine) as s:
        view = results_view(s, officer, "SUB-2026-01", "zh", declared=declared)
        assert [(a["revision"], a["earlier"], a["stale"]) for a in view["applications"]] == [(2, True, False)] * 3
        assert reassess(s, officer, snap, "SUB-2026-01", declared=declared) == 0
        assert s.scalar(select(SubsidyApplication.requested_yuan).where(SubsidyApplication.applicant == A)) == Y("21000.00")


def test_nothing_is_assessed_under_a_revision_before_its_day(world: World, tmp_path: Path) -> None:
    """The example's revision 2 read "in force since 2026-12-07" — the day its file was written — while the demo's
    applications, assessed in October, named it. A revision's day is the one the programme declares (the bureau's
    adoption: 2026-07-01 for the example), and an application is assessed under it only from that day: before it,
    its terms were not the programme's, and the assessment would name a version it was not made under."""
    from zhichan.services.subsidies import Revision, Text, revision_in_force

    shipped = programme("SUB-2026-01")
    assert shipped.revision is not None and shipped.revision.since == D(2026, 7, 1)
    assert [revision_in_force(shipped, d) for d in (D(2026, 6, 30), D(2026, 7, 1))] == [1, 2]
    snap = _corpus(tmp_path / "corpus")
    declared = {"SUB-2026-01": _programme().model_copy(update={"revision": Revision(
        number=2, since=D(2026, 7, 10), note=Text(zh="改为资助转让、许可", en="Use paid instead"))})}
    users = _enterprises(world)
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        apply(s, _scope(world, users[A]), snap, "SUB-2026-01", now=at(D(2026, 7, 9)), declared=declared)
    assert info.value.errors["programme"].startswith("本项目现行第 2 版自 2026-07-10 起施行，此前不能按其评定 / ")
    with session_scope(world.engine) as s:
        assert s.scalar(select(func.count()).select_from(SubsidyApplication)) == 0  # nothing kept
        row = apply(s, _scope(world, users[A]), snap, "SUB-2026-01", now=at(D(2026, 7, 10)), declared=declared)
        assert row.programme_revision == 2
        row.programme_revision = 1  # as stored under revision 1: assessed anew, but not before the current one's day
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        reassess(s, world.scope("chengdu_officer"), snap, "SUB-2026-01", now=at(D(2026, 7, 9)), declared=declared)
    assert "2026-07-10 起施行" in info.value.errors["reassess"]
    # a history out of order is refused when the programmes load
    bad = (files_of("zhichan.services") / "programmes" / "SUB-2026-01.yaml").read_text("utf-8").replace(
        "- {number: 1, measures:", "- {number: 1, since: 2026-08-01, measures:")
    (tmp_path / "SUB-2026-01.yaml").write_text(bad, "utf-8")
    with pytest.raises(ConfigError) as cfg:
        load_programmes(tmp_path)
    assert "after the one before it" in str(cfg.value)
