"""Overseas early warning on a hand-made corpus and the real workflow database (SQLite and PostgreSQL):
foreign holders' share per IPC main group counted by hand, the area's exposed enterprises, disputes
recorded and imported (CSV and XLSX) with every bad row in the rejects report, watch lists and the
alerts job (once each), who sees which alerts, and the guidance workstation's case as a procedure."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.procedures.helpers import URUMQI_NAME, URUMQI_NAME_EN, World, at, build_world, urumqi_offices
from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.errors import FormError, InputError, NotFoundError, PermissionDenied
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope
from zhichan.platform.exceptions import AuthenticationError
from zhichan.platform.scope import Scope
from zhichan.protection import overseas
from zhichan.protection.models import OverseasAlert, OverseasDispute

D = dt.date
ENT = "成都示例科技有限公司"
OTHER = "锦江新能源有限公司"


def corpus_rows() -> list[dict[str, Any]]:
    """H01M10: 10 live patents, 4 foreign (40 %); G06F16: 10 live, 1 foreign (10 %); H01M10 also has 3 lapsed
    foreign patents that do not count. ENT (武侯) has 3 PCT/family-abroad patents in H01M10 and 1 in G06F16;
    OTHER (锦江) 1 abroad in H01M10."""
    rows: list[dict[str, Any]] = []
    serial = 1000

    def add(ipc: str, **fields: Any) -> None:
        nonlocal serial
        serial += 1
        rows.append(patent(serial=serial, ipc=[ipc], application_date="2021-05-01", **fields))

    for i in range(4):
        add("H01M10/052", applicants=[f"Foreign Battery Co {i}"], applicant_country="JP", region_code=None)
    for _ in range(3):
        add("H01M10/052", applicants=["Old Foreign Co"], applicant_country="US", region_code=None,
            legal_status="lapsed_unpaid", lapse_date="2024-01-01")
    add("H01M10/0525", applicants=[ENT], pct_application_number="PCT/CN2021/000001")
    add("H01M10/0525", applicants=[ENT], family_countries=["CN", "US"])
    add("H01M10/44", applicants=[ENT], family_countries=["CN", "EP"])
    add("H01M10/44", applicants=[ENT], family_countries=["CN"])  # family at home only: not foreign-oriented
    add("H01M10/44", applicants=[OTHER], region_code="510104", family_countries=["CN", "KR"])
    add("H01M10/44", applicants=["成都另一电池有限公司"])
    add("G06F16/35", applicants=["Foreign Soft Inc"], applicant_country="US", region_code=None)
    add("G06F16/35", applicants=[ENT], pct_application_number="PCT/CN2021/000002")
    for _ in range(8):
        add("G06F16/35", applicants=["成都软件有限公司"])
    return rows


@pytest.fixture
def snap(tmp_path: Path) -> Snapshot:
    return build_snapshot(tmp_path / "data", patents=corpus_rows())


@pytest.fixture
def world(engine: Any, tmp_path: Path) -> World:
    return build_world(engine, tmp_path / "files", SigningKey.generate())


def test_ipc_group_normalizes_and_refuses() -> None:
    assert overseas.ipc_group(" h01m 10/052 ") == "H01M10"
    assert overseas.ipc_group("G06F0016/35") == "G06F16"
    for bad in ("", "H01M", "电池", "Z99Z1/00"):
        with pytest.raises(InputError):
            overseas.ipc_group(bad)


def test_foreign_shares_count_live_patents_only(snap: Snapshot) -> None:
    shares = overseas.foreign_shares(snap, min_patents=5)
    assert {g: (v["patents"], v["foreign"]) for g, v in shares.items()} == {"H01M10": (10, 4), "G06F16": (10, 1)}
    assert shares["H01M10"]["share"] == Decimal("0.4")
    assert overseas.foreign_shares(snap, min_patents=11) == {}


def test_exposure_lists_the_areas_foreign_oriented_enterprises(world: World, snap: Snapshot) -> None:
    wuhou = overseas.exposure(snap, world.scope("wuhou_officer"), threshold=Decimal("0.3"), min_patents=5)
    assert [h["ipc_group"] for h in wuhou["hot"]] == ["H01M10"] and wuhou["hot"][0]["share"] == "40.00"
    assert [i["name"] for i in wuhou["items"]] == [ENT]  # 成都另一电池 and 成都软件 have nothing abroad; OTHER is in 锦江
    ent = wuhou["items"][0]
    assert (ent["patents"], ent["abroad"], ent["exposed"]) == (5, 4, 3)
    assert ent["fields"] == [{"ipc_group": "H01M10", "patents": 3, "share": "40.00"}]
    city = overseas.exposure(snap, world.scope("chengdu_officer"), threshold=Decimal("0.3"), min_patents=5)
    assert [i["name"] for i in city["items"]] == [ENT, OTHER]
    with pytest.raises(PermissionDenied):
        overseas.exposure(snap, world.scope("ent_user"), threshold=Decimal("0.3"), min_patents=5)


GOOD = {"enterprise": ENT, "country": "us", "kind": "337调查", "opponent": "Foreign Battery Co 1",
        "ipc_group": "H01M10/0525", "started_on": "2026-03-02", "forum": "USITC", "summary": "337-TA-0000"}


def test_recording_a_dispute_checks_every_field(world: World) -> None:
    with session_scope(world.engine) as s:
        with pytest.raises(FormError) as info:
            overseas.record_dispute(s, world.scope("wuhou_officer"), {
                **GOOD, "enterprise": "", "country": "CN", "kind": "吵架", "ipc_group": "电池", "started_on": "2099-01-01"},
                now=at(D(2026, 6, 1)))
        assert set(info.value.errors) == {"enterprise", "country", "kind", "ipc_group", "started_on"}
        with pytest.raises(FormError) as info:
            overseas.record_dispute(s, world.scope("wuhou_officer"), {**GOOD, "started_on": "2026/03/02"},
                                    now=at(D(2026, 6, 1)))
        assert set(info.value.errors) == {"started_on"}
        row = overseas.record_dispute(s, world.scope("wuhou_officer"), GOOD, now=at(D(2026, 6, 1)))
        assert (row.country, row.ipc_group, row.enterprise_key) == ("US", "H01M10", ENT)
        with pytest.raises(FormError) as info:
            overseas.record_dispute(s, world.scope("wuhou_officer"), GOOD, now=at(D(2026, 6, 1)))
        assert set(info.value.errors) == {"opponent"}  # the same dispute twice
        for who in ("ent_user", "wuhou_analyst"):
            with pytest.raises(PermissionDenied):
                overseas.record_dispute(s, world.scope(who), {**GOOD, "opponent": "X"}, now=at(D(2026, 6, 1)))
    with session_scope(world.engine) as s:
        assert [d.id for d in overseas.disputes(s, world.scope("chengdu_officer"))] == [row.id]
        assert overseas.disputes(s, world.scope("jinjiang_officer")) == []  # another district's record


CSV = ("国内企业,国家或地区,纠纷类型,对方当事人,技术领域,发生日期,受理机构,案情摘要,备注\n"
       f"{ENT},US,诉讼,Foreign Battery Co 2,H01M10/44,2026-01-05,D. Del.,专利侵权诉讼,x\n"
       f"{ENT},CN,诉讼,Foreign Battery Co 3,H01M10/44,2026-01-05,,,\n"
       f"{ENT},DE,警告函,,H01M,2026-13-01,,,\n"
       ",,,,,,,,\n"
       f"{OTHER},KR,海关扣押,Korea Cell,H01M10/052,2026-02-10,,,\n"
       f"{ENT},US,诉讼,Foreign Battery Co 2,H01M10/44,2026-01-05,D. Del.,专利侵权诉讼,x\n")


def test_import_records_good_rows_and_reports_every_bad_one(world: World) -> None:
    scope = world.scope("wuhou_officer")
    with session_scope(world.engine) as s:
        report = overseas.import_disputes(s, scope, CSV.encode("gb18030"), "disputes.csv", now=at(D(2026, 6, 1)))
    assert report.imported == 2
    assert [(line, sorted(errors)) for line, errors in report.rejects] == [
        (3, ["country"]), (4, ["ipc_group", "opponent", "started_on"]), (7, ["opponent"])]
    assert "第" not in report.rejects_csv() and "4,started_on" in report.rejects_csv()
    with session_scope(world.engine) as s:
        assert s.scalars(select(OverseasDispute.source)).all() == ["import:disputes.csv"] * 2
        again = overseas.import_disputes(s, scope, CSV.encode("utf-8"), "disputes.csv", now=at(D(2026, 6, 1)))
    assert again.imported == 0 and len(again.rejects) == 5  # re-importing adds nothing

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(overseas.COLUMNS))
    sheet.append([OTHER, "JP", "诉讼", "Nippon Cell", "H01M10/44", dt.date(2026, 4, 1), "東京地裁", ""])
    sheet.append([OTHER, "JP", "诉讼", "Nippon Cell", "H01M10/44", "not a date", "", ""])
    out = io.BytesIO()
    book.save(out)
    book.close()
    with session_scope(world.engine) as s:
        report = overseas.import_disputes(s, scope, out.getvalue(), "disputes.xlsx", now=at(D(2026, 6, 1)))
    assert report.imported == 1 and [line for line, _ in report.rejects] == [3]
    with session_scope(world.engine) as s, pytest.raises(InputError):
        overseas.import_disputes(s, scope, b"name,country\nA,US\n", "bad.csv")


def test_alerts_once_each_and_who_sees_them(world: World, snap: Snapshot) -> None:
    officer = world.scope("wuhou_officer")
    with session_scope(world.engine) as s:
        with pytest.raises(FormError) as info:
            overseas.add_watch(s, officer, snap, "无海外布局企业", "")
        assert set(info.value.errors) == {"ipc_groups"}
        watch = overseas.add_watch(s, officer, snap, ENT, "", now=at(D(2026, 5, 1)))
        assert watch.ipc_groups == "H01M10;G06F16"  # from its foreign-oriented patents, most first
        with pytest.raises(FormError):
            overseas.add_watch(s, officer, snap, ENT, "H01M4", now=at(D(2026, 5, 1)))
        overseas.record_dispute(s, world.scope("jinjiang_officer"), {**GOOD, "enterprise": OTHER}, now=at(D(2026, 5, 2)))
        overseas.record_dispute(s, officer, {**GOOD, "ipc_group": "A61K31/00", "opponent": "Pharma"},
                                now=at(D(2026, 5, 2)))
    with session_scope(world.engine) as s:
        assert overseas.raise_alerts(s, snap, threshold=Decimal("0.3"), min_patents=5, now=at(D(2026, 5, 3))) == 2
    with session_scope(world.engine) as s:
        assert overseas.raise_alerts(s, snap, threshold=Decimal("0.3"), min_patents=5, now=at(D(2026, 5, 4))) == 0
        kinds = sorted((a.kind, a.ipc_group) for a in s.scalars(select(OverseasAlert)))
        assert kinds == [("concentration", "H01M10"), ("dispute", "H01M10")]  # G06F16 is at 10 %, A61K not watched
        dispute_alert = s.scalar(select(OverseasAlert).where(OverseasAlert.kind == "dispute"))
        assert dispute_alert is not None and OTHER not in dispute_alert.message  # another area's enterprise not named
        assert overseas.raise_alerts(s, snap, threshold=Decimal("0.05"), min_patents=5, now=at(D(2026, 5, 4))) == 1
    with session_scope(world.engine) as s:
        assert len(overseas.alerts(s, world.scope("ent_user"))) == 3  # the watched enterprise sees its own
        assert len(overseas.alerts(s, world.scope("chengdu_officer"))) == 3
        assert overseas.alerts(s, world.scope("jinjiang_officer")) == []
        with pytest.raises(AuthenticationError):
            overseas.alerts(s, Scope.anonymous())
        # the texts are messages: each page reads its language only
        zh = {a["kind"]: a["message"] for a in overseas.alerts(s, world.scope("ent_user"))}
        en = {a["kind"]: a["message"] for a in overseas.alerts(s, world.scope("ent_user"), lang="en")}
        assert zh["dispute"].startswith("H01M10 领域新增海外纠纷：") and " / " not in zh["dispute"]
        # the country by its name in each language (the message keeps the code)
        assert zh["dispute"].startswith("H01M10 领域新增海外纠纷：美国 ")
        assert en["dispute"].startswith("A new overseas dispute in H01M10: United States ") and "领域" not in en["dispute"]
        assert "领域境外权利人占比" in zh["concentration"] and en["concentration"].startswith("Foreign holders hold")


def test_alerts_stored_before_their_texts_were_messages_read_by_their_half() -> None:
    old = "H01M10 领域新增海外纠纷（涉及本企业 / involving 甲公司）：US 诉讼，对方 X Corp，2026-05-02 / " \
          "a new overseas dispute in H01M10: US 诉讼, against X Corp"
    assert overseas.alert_text(old, "zh") == "H01M10 领域新增海外纠纷（涉及本企业）：US 诉讼，对方 X Corp，2026-05-02"
    assert overseas.alert_text(old, "en") == "a new overseas dispute in H01M10: US 诉讼, against X Corp"
    assert overseas.alert_text("只有中文的预警", "en") == "只有中文的预警"


def test_a_dispute_recorded_before_the_watch_raises_nothing(world: World, snap: Snapshot) -> None:
    officer = world.scope("wuhou_officer")
    with session_scope(world.engine) as s:
        overseas.record_dispute(s, officer, GOOD, now=at(D(2026, 5, 1)))
        overseas.add_watch(s, officer, snap, ENT, "H01M10", now=at(D(2026, 5, 2)))
    with session_scope(world.engine) as s:
        assert overseas.raise_alerts(s, snap, threshold=Decimal("0.5"), min_patents=5, now=at(D(2026, 5, 3))) == 0


def test_guidance_case_from_request_to_outcome(world: World) -> None:
    world.service.add_hook(overseas.GUIDANCE, overseas.GuidanceRules())
    fields = {"enterprise": ENT, "country": "US", "kind": "337调查", "opponent": "Foreign Battery Co 1",
              "ipc_group": "H01M10/0525", "facts": "收到 337 调查立案通知"}
    with session_scope(world.engine) as s, pytest.raises(FormError) as info:
        world.service.start(s, world.scope("ent_user"), overseas.GUIDANCE, now=at(D(2026, 9, 29)),
                            fields={**fields, "country": "CN", "ipc_group": "电池"})
    assert set(info.value.errors) == {"country", "ipc_group"}
    with session_scope(world.engine) as s:
        case = world.service.start(s, world.scope("ent_user"), overseas.GUIDANCE, now=at(D(2026, 9, 29)), fields=fields)

    def act(who: str, event: str, when: dt.date, f: dict[str, Any]) -> None:
        with session_scope(world.engine) as s:
            case.update(world.service.act(s, world.scope(who), case["id"], event, version=case["version"], fields=f,
                                          now=at(when)))

    def clocks() -> dict[str, Any]:
        with session_scope(world.engine) as s:
            return {c["name"]: c for c in world.service.case(s, world.scope("wuhou_officer"), case["id"])["clocks"]}

    # 5 working days from Tue 29 Sep 2026: 30 Sep, then National Day (1–7 Oct); 8, 9, Sat 10 (make-up day), 12 Oct
    assert clocks()["admission"]["due_on"] == D(2026, 10, 12)
    act("wuhou_officer", "take_up", D(2026, 10, 9), {"advisers": "国家海外知识产权纠纷应对指导中心四川分中心"})
    assert clocks()["first_advice"]["due_on"] == D(2026, 11, 9)  # 8 Nov is a Sunday
    act("wuhou_officer", "advise", D(2026, 10, 20), {"advice": "积极应诉，聘请美国律师，准备不侵权抗辩"})
    act("wuhou_officer", "conclude", D(2027, 3, 1), {"outcome": "和解", "summary": "双方达成全球许可"})
    with session_scope(world.engine) as s:
        view = world.service.case(s, world.scope("ent_user"), case["id"])
    assert view["case"]["state"] == "concluded"
    with session_scope(world.engine) as s, pytest.raises(NotFoundError):
        world.service.case(s, world.scope("jinjiang_officer"), case["id"])


def test_demo_rows_are_synthetic_and_raise_alerts(engine: Any, snap: Snapshot) -> None:
    from zhichan.platform.models import Organization, OrgKind
    from zhichan.platform.orgs import seed_demo_tree
    from zhichan.protection.demo import overseas_demo
    from zhichan.protection.models import OverseasWatch

    with session_scope(engine) as s:
        seed_demo_tree(s)
        offices = list(s.scalars(select(Organization).where(Organization.kind == OrgKind.COUNTY)))
        s.expunge_all()
    import random

    made = overseas_demo(engine, snap, offices, random.Random(3), D(2025, 1, 6), D(2025, 6, 30))
    assert made["overseas_watches"] >= 1 and made["overseas_disputes"] >= 3
    with session_scope(engine) as s:
        assert all(w.synthetic for w in s.scalars(select(OverseasWatch)))
        assert all(d.synthetic and d.opponent.startswith("【合成】") for d in s.scalars(select(OverseasDispute)))
        assert overseas.raise_alerts(s, snap, threshold=Decimal("0.3"), min_patents=5) >= 3
        assert all(a.synthetic for a in s.scalars(select(OverseasAlert)))


def test_demo_rows_of_several_offices_read_their_names_among_each_offices_places(world: World, tmp_path: Path) -> None:
    """A city office sees its own and its county's demo (synthetic) watches, disputes and alerts: on English pages each
    generated name is read among the places of the office that keeps the watch or recorded the dispute (the same name
    is Urumqi … at the city's, Wulumuqi … at the county's) — not among the viewer's, nor as the first row of that name
    read it."""
    from zhichan.corpus.parties import normalize_name
    from zhichan.platform.models import Organization
    from zhichan.platform.portal import CorpusAccess
    from zhichan.protection.models import OverseasWatch
    from zhichan.protection.views import overseas_page

    offices = urumqi_offices(world)
    with session_scope(world.engine) as s:
        for office in (s.get(Organization, scope.org_id) for scope in offices.values()):
            assert office is not None
            s.add(OverseasDispute(enterprise=URUMQI_NAME, enterprise_key=normalize_name(URUMQI_NAME), country="US",
                                  kind="诉讼", opponent="【合成】Overseas Rival 7", ipc_group="H01M10", started_on=D(2026, 3, 2),
                                  org_path=office.path, recorded_by="demo", synthetic=True))
            watch = OverseasWatch(enterprise=URUMQI_NAME, enterprise_key=normalize_name(URUMQI_NAME), ipc_groups="H01M10",
                                  org_id=office.id, org_path=office.path, created_by="demo", synthetic=True)
            s.add(watch)
            s.flush()
            s.add(OverseasAlert(watch_id=watch.id, kind="concentration", ipc_group="H01M10", share="40.00", synthetic=True,
                                message=overseas._message("concentration", group="H01M10", share="40.00", foreign=4,
                                                          patents=10, threshold="30.00")))
    both = sorted(URUMQI_NAME_EN.values())
    city = offices["650100"]
    with session_scope(world.engine) as s:
        assert sorted(a["enterprise_en"] for a in overseas.alerts(s, city, lang="en")) == both
        page = overseas_page(s, city, CorpusAccess(tmp_path / "no-corpus"), threshold=Decimal("0.3"), min_patents=5,
                             lang="en")
    assert sorted(d["enterprise_en"] for d in page["disputes"]) == both
    assert sorted(w["enterprise_en"] for w in page["watches"]) == both
    assert {d["opponent_en"] for d in page["disputes"]} == {"Overseas Rival 7"}
