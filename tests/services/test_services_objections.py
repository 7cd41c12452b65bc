"""Objections to a published subsidy result, worked by hand (SQLite and PostgreSQL): each is its own case
with its decision deadline (working days), filed by anyone signed in during the publication period and
handled by the round's office; upholding changes the line's award in exact decimals within the cap and
the budget; the round concludes only when every objection is decided; the page shows the outcomes."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.procedures.helpers import PASSWORD, World, at
from tests.services.test_services_subsidies import A, B, C, N, _corpus, _enterprises, _programme, _scope
from zhichan.errors import FormError
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.exceptions import AuthenticationError
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import create_org
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case, CaseClock
from zhichan.procedures.service import StepTaken
from zhichan.services import objections
from zhichan.services.models import SubsidyAward, SubsidyObjection
from zhichan.services.subsidies import (
    ROUND_PROCEDURE,
    Programme,
    apply,
    disburse,
    make_round_hook,
    results_view,
)

D = dt.date
Y = Decimal
CODE = "SUB-2026-01"


def _published(world: World, tmp_path: Path, declared: dict[str, Programme] | None = None
               ) -> tuple[int, dict[str, int], int]:
    """A 40,000-yuan round published on Monday 2026-08-03 (objections to Monday 08-10): line 1 A 21,000,
    line 2 B 19,000 (the budget's remainder), line 3 C nothing (``declared``: the programmes, changed by the test)."""
    snap = _corpus(tmp_path / "corpus")
    declared = {CODE: _programme("40000.00")} if declared is None else declared
    world.service.add_hook(ROUND_PROCEDURE, make_round_hook(lambda: declared))
    objections.install(world.service, lambda: declared)
    users = _enterprises(world)
    for day, name in enumerate((A, B, C), 1):
        with session_scope(world.engine) as s:
            apply(s, _scope(world, users[name]), snap, CODE, now=at(D(2026, 7, day)), declared=declared)
    with session_scope(world.engine) as s:
        city = s.scalar(select(Organization).where(Organization.region_code == "510100"))
        assert city is not None
        leader = create_user(s, username="cd_leader", password=PASSWORD, role=Role.BUREAU_LEADER, org=city).id
        bank = create_org(s, "成都某银行", OrgKind.BANK, "510100", city)
        users["bank"] = create_user(s, username="bank", password=PASSWORD, role=Role.BANK_USER, org=bank).id
    officer = world.scope("chengdu_officer")
    with session_scope(world.engine) as s:
        case = world.service.start(s, officer, ROUND_PROCEDURE, fields={"programme": CODE}, now=at(D(2026, 8, 3)))
        world.service.act(s, officer, case["id"], "allot", version=1, fields={}, now=at(D(2026, 8, 3)))
        world.service.act(s, _scope(world, leader), case["id"], "publish", version=2, fields={}, now=at(D(2026, 8, 3)))
    return int(case["id"]), users, leader


def _object(world: World, scope: Scope, line: object, day: dt.date, grounds: str = "申报的授权发明与本人无关") -> dict:  # type: ignore[type-arg]
    with session_scope(world.engine) as s:
        return objections.file_objection(world.service, s, scope, CODE, fields={"line": line, "grounds": grounds},
                                         now=at(day))


def _decide(world: World, case_id: int, event: str, fields: dict[str, str], day: dt.date) -> None:
    with session_scope(world.engine) as s:
        world.service.act(s, world.scope("chengdu_officer"), case_id, event, version=1, fields=fields, now=at(day))


def test_objections_change_awards_within_the_budget(world: World, tmp_path: Path) -> None:
    round_id, users, _ = _published(world, tmp_path)
    c_user, bank = _scope(world, users[C]), _scope(world, users["bank"])
    # C (a district enterprise) objects to line 1; its case goes to the city office that published the round
    first = _object(world, c_user, 1, D(2026, 8, 4))
    with session_scope(world.engine) as s:
        case = s.get(Case, first["id"])
        assert case is not None and case.region_code == "510100" and case.party_user_id == users[C]
        # 10 working days from Tuesday 08-04: 08-05 … 08-18 (two weekends skipped)
        assert s.scalar(select(CaseClock.due_on).where(CaseClock.case_id == first["id"])) == D(2026, 8, 18)
    # a bank's user may object too (anyone signed in), and follows its own case
    second = _object(world, bank, "2", D(2026, 8, 10))
    with session_scope(world.engine) as s:
        assert world.service.case(s, bank, second["id"])["case"]["state"] == "filed"
    third = _object(world, c_user, 3, D(2026, 8, 10), grounds="本企业另有一件授权发明未计入")
    # bad input answered beside its field; anonymous callers and late objections refused
    for line, field in (("x", "line"), (9, "line")):
        with pytest.raises(FormError) as info:
            _object(world, c_user, line, D(2026, 8, 5))
        assert field in info.value.errors
    with pytest.raises(FormError) as info:
        _object(world, c_user, 1, D(2026, 8, 5), grounds=" ")
    assert "grounds" in info.value.errors
    with pytest.raises(AuthenticationError):
        _object(world, Scope(), 1, D(2026, 8, 5))
    with pytest.raises(FormError) as info:
        _object(world, c_user, 1, D(2026, 8, 11))
    assert "2026-08-10" in info.value.errors["line"]
    # the officers who decide objections (the city's, and a district's within it) do not file one (a
    # bank's user did, above)
    for name in ("chengdu_officer", "wuhou_officer"):
        with pytest.raises(FormError) as info:
            _object(world, world.scope(name), 1, D(2026, 8, 5))
        assert "不能提出异议" in info.value.errors["line"]

    # the round waits for its objections
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        world.service.act(s, world.scope("chengdu_officer"), round_id, "conclude", version=3, fields={},
                          now=at(D(2026, 8, 11)))
    assert "3 件异议未处理" in info.value.errors["_clock"]

    # upheld: A's award 21,000 → 5,000 (16,000 back to the budget); amounts checked beside the field
    for bad in ("5000.001", "abc", "-1", "30000.01", "NaN"):
        with pytest.raises(FormError) as info:
            _decide(world, first["id"], "uphold", {"awarded": bad, "decision": "经核实部分授权发明不属于申请人"},
                    D(2026, 8, 12))
        assert "awarded" in info.value.errors
    _decide(world, first["id"], "uphold", {"awarded": "5,000.00", "decision": "经核实部分授权发明不属于申请人"},
            D(2026, 8, 12))
    # B's 19,000 → the cap of 30,000 (takes 11,000 of the 16,000 returned); C's 0 → at most the 5,000 left
    _decide(world, second["id"], "uphold", {"awarded": "30000", "decision": "按全额核定"}, D(2026, 8, 12))
    with pytest.raises(FormError) as info:
        _decide(world, third["id"], "uphold", {"awarded": "5000.01", "decision": "补计一件"}, D(2026, 8, 12))
    assert "预算余额仅 5,000 元" in info.value.errors["awarded"]
    _decide(world, third["id"], "uphold", {"awarded": "5000.00", "decision": "补计一件，预算余额全部用尽"}, D(2026, 8, 13))
    with session_scope(world.engine) as s:
        awards = [a.awarded_yuan for a in s.scalars(select(SubsidyAward).order_by(SubsidyAward.seq))]
        assert awards == [Y("5000.00"), Y("30000.00"), Y("5000.00")] and sum(awards) == Y("40000.00")
        rows = {o.case_id: o for o in s.scalars(select(SubsidyObjection))}
        assert (rows[first["id"]].status, rows[first["id"]].amount_before, rows[first["id"]].amount_after) == \
            ("upheld", Y("21000.00"), Y("5000.00"))
        assert rows[third["id"]].decided_on == D(2026, 8, 13)

    # the published result shows each line's objections and outcomes; the objector only to officers
    with session_scope(world.engine) as s:
        public = results_view(s, Scope(), CODE, "zh", declared={CODE: _programme("40000.00")})
        officer = results_view(s, world.scope("chengdu_officer"), CODE, "zh")
    line1 = public["published"][0]["objections"]
    assert [(o["status"], o["before"], o["after"], o["objector"]) for o in line1] == \
        [("upheld", Y("21000.00"), Y("5000.00"), None)]
    assert officer["published"][0]["objections"][0]["objector"] == C
    assert not officer["may_object"]
    assert public["awarded_total"] == Y("40000.00") and public["budget_left"] == Y("0.00")

    with session_scope(world.engine) as s:
        world.service.act(s, world.scope("chengdu_officer"), round_id, "conclude", version=3, fields={},
                          now=at(D(2026, 8, 14)))
    with session_scope(world.engine) as s:
        award = s.scalar(select(SubsidyAward).where(SubsidyAward.seq == 3))
        assert award is not None
        paid = disburse(s, world.scope("chengdu_officer"), award.id, "2026-08-14", "CD-2026-003")
        assert paid.awarded_yuan == Y("5000.00")


def test_an_applicant_left_off_the_list_objects_and_is_added(world: World, tmp_path: Path) -> None:
    # N (no patents) applied and was found ineligible, so it has no line; it objects as line 0
    declared = {CODE: _programme("40000.00")}
    _, users, _ = _published(world, tmp_path)
    n_user, c_user = _scope(world, users[N]), _scope(world, users[C])
    with session_scope(world.engine) as s:
        apply(s, n_user, _corpus(tmp_path / "corpus-n"), CODE, now=at(D(2026, 7, 5)), declared=declared)
    with session_scope(world.engine) as s:  # (applied after the allotment here, so as not to renumber lines)
        assert objections.unlisted_application(s, n_user, CODE) is not None
        assert objections.unlisted_application(s, c_user, CODE) is None  # C is on the list (line 3)
    with pytest.raises(FormError) as info:
        _object(world, c_user, 0, D(2026, 8, 4))
    assert "没有未列入的申报" in info.value.errors["line"]
    mine = _object(world, n_user, 0, D(2026, 8, 4), grounds="本企业有授权发明，系统未计入")
    again = _object(world, n_user, "0", D(2026, 8, 5), grounds="补充材料")
    with session_scope(world.engine) as s:
        public = results_view(s, Scope(), CODE, "zh", declared=declared)
        assert [(o["status"], o["objector"]) for o in public["unlisted_objections"]] == \
            [("pending", None), ("pending", None)]
        assert [a["seq"] for a in public["published"]] == [1, 2, 3]
    # the budget is spent: upholding with money needs another line cut first
    with pytest.raises(FormError) as info:
        _decide(world, mine["id"], "uphold", {"awarded": "5000.00", "decision": "核实有授权发明"}, D(2026, 8, 6))
    assert "预算余额仅 0 元" in info.value.errors["awarded"]
    cut = _object(world, c_user, 1, D(2026, 8, 5))
    _decide(world, cut["id"], "uphold", {"awarded": "16000.00", "decision": "部分发明不属申请人"}, D(2026, 8, 6))
    _decide(world, mine["id"], "uphold", {"awarded": "5000.00", "decision": "核实有授权发明"}, D(2026, 8, 6))
    _decide(world, again["id"], "uphold", {"awarded": "4000.50", "decision": "按补充材料调整"}, D(2026, 8, 7))
    with session_scope(world.engine) as s:
        lines = {a.seq: a.awarded_yuan for a in s.scalars(select(SubsidyAward))}
        assert lines == {1: Y("16000.00"), 2: Y("19000.00"), 3: Y("0.00"), 4: Y("4000.50")}
        rows = {o.case_id: o for o in s.scalars(select(SubsidyObjection))}
        added = s.scalar(select(SubsidyAward.id).where(SubsidyAward.seq == 4))
        assert (rows[mine["id"]].award_id, rows[mine["id"]].amount_before, rows[mine["id"]].amount_after) == \
            (added, Y("0.00"), Y("5000.00"))
        assert (rows[again["id"]].award_id, rows[again["id"]].amount_before) == (added, Y("5000.00"))
        public = results_view(s, Scope(), CODE, "zh", declared=declared)
        assert public["unlisted_objections"] == []
        assert [o["status"] for o in public["published"][3]["objections"]] == ["upheld", "upheld"]
        assert public["published"][3]["applicant"] == N


def test_dismissed_and_withdrawn_objections_leave_the_award(world: World, tmp_path: Path) -> None:
    _, users, _ = _published(world, tmp_path)
    c_user = _scope(world, users[C])
    first = _object(world, c_user, 2, D(2026, 8, 4))
    second = _object(world, c_user, 2, D(2026, 8, 5))
    with pytest.raises(FormError) as info:
        _decide(world, first["id"], "dismiss", {"decision": ""}, D(2026, 8, 6))
    assert "decision" in info.value.errors
    _decide(world, first["id"], "dismiss", {"decision": "排序依据申请时间，符合办法"}, D(2026, 8, 6))
    with session_scope(world.engine) as s:
        world.service.act(s, c_user, second["id"], "withdraw", version=1, fields={}, now=at(D(2026, 8, 6)))
    with session_scope(world.engine) as s:
        assert s.scalar(select(SubsidyAward.awarded_yuan).where(SubsidyAward.seq == 2)) == Y("19000.00")
        assert sorted(o.status for o in s.scalars(select(SubsidyObjection))) == ["dismissed", "withdrawn"]
        # another enterprise's user does not see C's objection
        with pytest.raises(Exception, match="没有办件"):
            world.service.case(s, _scope(world, users[A]), first["id"])


def test_concurrent_upheld_objections_never_pass_the_budget(world: World, tmp_path: Path) -> None:
    import threading

    _, users, _ = _published(world, tmp_path)
    c_user = _scope(world, users[C])
    cut = _object(world, c_user, 1, D(2026, 8, 4))
    _decide(world, cut["id"], "uphold", {"awarded": "1000.00", "decision": "核减"}, D(2026, 8, 5))  # 20,000 left
    # B 19,000 → 30,000 (+11,000) and C 0 → 15,000 (+15,000): each fits alone, not both
    raises = {_object(world, c_user, 2, D(2026, 8, 5))["id"]: "30000.00",
              _object(world, c_user, 3, D(2026, 8, 5))["id"]: "15000.00"}
    upheld: list[int] = []
    refused: list[str] = []
    barrier = threading.Barrier(2)
    # each decision, after summing the awards, waits inside its transaction for the other to get there too: without
    # the round's lock both arrive and overlap; with it the second waits outside and the first goes on at the timeout
    inside = threading.Barrier(2, timeout=2)

    def meet(s: object, scope: object, step: StepTaken) -> None:
        if step.event == "uphold":
            with contextlib.suppress(threading.BrokenBarrierError):
                inside.wait()

    world.service.add_hook(objections.PROCEDURE, meet)

    def uphold(case_id: int, amount: str) -> None:
        barrier.wait()
        try:
            _decide(world, case_id, "uphold", {"awarded": amount, "decision": "补足"}, D(2026, 8, 6))
            upheld.append(case_id)
        except FormError as exc:
            refused.append(exc.errors["awarded"])
        except Exception as exc:  # noqa: BLE001 - SQLite may answer "database is locked" to a writer that waited too long
            refused.append(str(exc))

    threads = [threading.Thread(target=uphold, args=item) for item in raises.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with session_scope(world.engine) as s:
        total = sum(s.scalars(select(SubsidyAward.awarded_yuan)), Y(0))
    assert len(upheld) == 1 and len(refused) == 1 and total <= Y("40000.00")
    assert total == Y("1000.00") + {30000: Y("30000.00") + Y("0.00"), 15000: Y("19000.00") + Y("15000.00")}[
        int(Y(raises[upheld[0]]))]


def test_an_uphold_that_waited_for_its_round_is_stamped_after_what_held_it(world: World, tmp_path: Path) -> None:
    """The round's lock comes before the decision's moment: an uphold that waits for another decision on the round
    (here a transaction holding the round's row) is stamped after that one lets go, not when it began to wait."""
    import threading

    from sqlalchemy import update

    from tests.helpers import lock_waited, wait_for
    from zhichan.legaltime import utcnow
    from zhichan.procedures.models import Step

    round_id, users, _ = _published(world, tmp_path)
    case = _object(world, _scope(world, users[C]), 1, D(2026, 8, 4))
    failed: list[BaseException] = []

    started = threading.Event()

    def uphold() -> None:
        started.set()
        try:
            with session_scope(world.engine) as s:
                world.service.act(s, world.scope("chengdu_officer"), case["id"], "uphold", version=1,
                                  fields={"awarded": "1000.00", "decision": "核减"})  # the moment: the clock's
        except BaseException as exc:  # noqa: BLE001 - reported below
            failed.append(exc)

    with world.engine.connect() as other:
        with other.begin():  # another decision on the round holds its row (SQLite: the write lock)
            other.execute(update(Case).where(Case.id == round_id).values(version=Case.version))
            thread = threading.Thread(target=uphold)
            thread.start()
            wait_for(lock_waited(world.engine, started), timeout=30, what="the decision to wait for the round")
            released = utcnow()
        thread.join(60)
    assert not failed, failed
    with session_scope(world.engine) as s:
        stamped = s.scalar(select(Step.at).where(Step.case_id == case["id"], Step.event == "uphold"))
    assert stamped is not None and stamped >= released, (stamped, released)


def test_an_application_left_off_is_added_only_as_assessed_under_the_rounds_version(world: World, tmp_path: Path) -> None:
    """Upholding a line 0 added the application with its stored amount whatever version of the programme it was
    assessed under. It is the allot step's rule now: an application is decided on only as assessed under the version
    the round runs under (the one its allotted applications were) — assessed anew first where that is the current
    one, refused where the programme was revised after the round was allotted (nothing is assessed under an old
    version any more)."""
    from zhichan.services.subsidies import EarlierRevision, Revision, Text, reassess

    declared = {CODE: _programme("40000.00")}
    _, users, _ = _published(world, tmp_path, declared)  # allotted under revision 2 (from 2026-07-01)
    n_user = _scope(world, users[N])
    snap = _corpus(tmp_path / "corpus-n")
    with session_scope(world.engine) as s:  # N's assessment as stored under revision 1
        row = apply(s, n_user, snap, CODE, now=at(D(2026, 7, 5)), declared=declared)
        row.programme_revision = 1
    mine = _object(world, n_user, 0, D(2026, 8, 4), grounds="本企业有高价值发明，系统未计入")
    with pytest.raises(FormError) as info:
        _decide(world, mine["id"], "uphold", {"awarded": "0.00", "decision": "核实"}, D(2026, 8, 6))
    assert "须先按现行第 2 版重新评定" in info.value.errors["awarded"]
    officer = world.scope("chengdu_officer")
    with session_scope(world.engine) as s:  # the deciding officers see it to be assessed anew, and do
        view = results_view(s, officer, CODE, "zh", declared=declared)
        assert [(a["applicant"], a["revision"], a["stale"]) for a in view["applications"]][-1] == (N, 1, True)
        assert view["may_reassess"] is True and view["stale"] == 1
        assert reassess(s, officer, snap, CODE, now=at(D(2026, 8, 5)), declared=declared) == 1
    _decide(world, mine["id"], "uphold", {"awarded": "0.00", "decision": "核实无可资助项"}, D(2026, 8, 6))
    with session_scope(world.engine) as s:
        added = s.scalar(select(SubsidyAward).where(SubsidyAward.seq == 4))
        assert added is not None and added.requested_yuan == Y("0.00")  # as assessed anew under revision 2
    # the programme is revised after the allotment: an application assessed under revision 3 is not added to a round
    # run under revision 2, which nothing assesses under any more
    r2 = declared[CODE].revision
    assert r2 is not None
    declared[CODE] = declared[CODE].model_copy(update={
        "revision": Revision(number=3, since=D(2026, 8, 4), note=Text(zh="调整", en="Changed")),
        "earlier_revisions": (*declared[CODE].earlier_revisions, EarlierRevision(number=2, since=r2.since, measures=(
            "assigned_or_licensed", "high_value_inventions")))})
    with session_scope(world.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107", Organization.kind == OrgKind.COUNTY))
        org = create_org(s, "成都己新材料有限公司", OrgKind.ENTERPRISE, "510107", wuhou, party_key="成都己新材料有限公司")
        late = create_user(s, username="ent_late", password=PASSWORD, role=Role.ENTERPRISE_USER, org=org).id
    with session_scope(world.engine) as s:
        apply(s, _scope(world, late), snap, CODE, now=at(D(2026, 8, 4)), declared=declared)
    theirs = _object(world, _scope(world, late), 0, D(2026, 8, 5), grounds="未列入")
    with pytest.raises(FormError) as info:
        _decide(world, theirs["id"], "uphold", {"awarded": "0.00", "decision": "核实"}, D(2026, 8, 6))
    assert "本轮按本项目第 2 版评审" in info.value.errors["awarded"]
    with session_scope(world.engine) as s:
        assert s.scalar(select(SubsidyAward.id).where(SubsidyAward.seq == 5)) is None
        assert reassess(s, officer, snap, CODE, declared=declared) == 0  # not under revision 2 any more
    _decide(world, theirs["id"], "dismiss", {"decision": "本轮按第 2 版评审，不予列入"}, D(2026, 8, 6))
