"""The demo generator: complaints and the cases they lead to, through the real engine and rules, every
register row labelled synthetic, simplified cases decided within Hangzhou-style limits, decisions published."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, func, select

from tests.helpers import pdf_text
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import seed_demo_tree, synthetic_scope
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import Case, CaseClock, Step
from zhichan.procedures.service import ProcedureService
from zhichan.protection.demo import ENDINGS, generate_cases, placeholder_generator
from zhichan.protection.hooks import install
from zhichan.protection.models import Complaint, Dispute
from zhichan.protection.service import published_decisions

pytestmark = pytest.mark.one_database(
    "the demo opens and moves its cases through the engine's start and act, whose SQL and locking run on both "
    "databases in tests/procedures and tests/protection")


def test_demo_cases_are_synthetic_and_follow_the_rules(engine: Engine, tmp_path: Path) -> None:
    snap = build_snapshot(tmp_path / "corpus", patents=[
        patent(serial=i, region_code=code, application_date="2019-03-01", applicants=[f"合成企业{code}-{i}"], synthetic=True)
        for i, code in enumerate(["510107", "510104", "330106", "510107"], start=1)])
    with session_scope(engine) as s:
        seed_demo_tree(s)
    service = ProcedureService(engine, ProcedureRegistry.load(), EvidenceService(engine, SigningKey.generate(), "t"),
                               tmp_path / "files")
    install(service, lambda: snap, None, generator=placeholder_generator)
    made = generate_cases(engine, service, snap, per_office=8, seed=7, start=dt.date(2025, 3, 3),
                          end=dt.date(2025, 6, 30))
    assert made["skipped"] == 0 and made["cases"] > 24
    # every paper the demo files or generates opens in a PDF reader and says what it stands for (they were a comment
    # and an empty trailer, which poppler and browsers refused: "Couldn't read xref table")
    papers = [path.read_bytes() for path in (tmp_path / "files").rglob("*") if path.is_file()]
    assert len(papers) > 5 and all(p.startswith(b"%PDF-") for p in papers)  # stored once per content
    assert all(pdf_text(p).startswith("Synthetic demo document - placeholder") for p in papers)
    titles = {PdfReader(io.BytesIO(p)).metadata.title for p in papers}
    assert {"合成演示文件：受理通知书", "合成演示文件：送达回证"} <= titles
    with session_scope(engine) as s:
        # every county office of the demo tree × 8: an office whose area holds none of the patents (锦江 here, 温江,
        # 玄武) gets complaints about its city's, its province's or any (an infringement is complained of where it
        # happens); none is received today (the complaints end on 2025-06-30)
        assert s.scalar(select(func.count()).select_from(Complaint)) == 5 * 8
        assert s.scalar(select(func.count()).where(Complaint.synthetic.is_(False))) == 0
        assert s.scalar(select(func.count()).where(Dispute.synthetic.is_(False))) == 0
        assert s.scalar(select(func.count()).where(Dispute.published_on.is_not(None))) >= 1
        assert all(t.startswith("【合成】") for t in s.scalars(select(Case.title).where(
            Case.procedure == "protection.complaint")))
        # labelled by the flag and the title's mark (a badge), not inside the filings' and steps' values
        from zhichan.procedures.models import Step

        # (the parties here are the test corpus's 合成企业…: data)
        marks = ("（合成", "合成演示", "合成展会", "合成电商")
        assert not any(m in f for f in s.scalars(select(Case.fields)) for m in marks)
        assert not any(m in f for f in s.scalars(select(Step.fields)) for m in marks)
        # every simplified case was decided before its limit (a stopped clock never passed its deadline)
        late = s.scalar(select(func.count()).select_from(CaseClock).where(
            CaseClock.name == "simplified", CaseClock.status == "stopped",
            func.date(CaseClock.stopped_at) > CaseClock.due_on))
        assert late == 0
        procedures = set(s.scalars(select(Case.procedure)))
        public = published_decisions(s)
        assert public and all(d["synthetic"] for d in public)  # the public page shows them as synthetic
    assert {"protection.complaint", "protection.patent_dispute", "protection.mediation"} <= procedures
    assert procedures & {"protection.ecommerce_notice", "protection.exhibition"}  # the fast channel


def test_demo_cases_stop_at_the_present_and_leave_the_recent_ones_open(engine: Engine, tmp_path: Path) -> None:
    """Up to today: no step is dated after now, the cases filed in the last weeks are open where their officer
    would be, and no case is left waiting on a step the rules refused (e.g. a patent granted after the request
    is refused admission with the rule's reason, not left filed)."""
    snap = build_snapshot(tmp_path / "corpus", patents=[
        patent(serial=i, region_code=code, application_date="2019-03-01", applicants=[f"合成企业{code}-{i}"], synthetic=True)
        for i, code in enumerate(["510107", "510104", "510107"], start=1)])
    with session_scope(engine) as s:
        seed_demo_tree(s)
    service = ProcedureService(engine, ProcedureRegistry.load(), EvidenceService(engine, SigningKey.generate(), "t"),
                               tmp_path / "files")
    install(service, lambda: snap, None, generator=placeholder_generator)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    made = generate_cases(engine, service, snap, per_office=6, recent=4, seed=3,
                          start=now.date() - dt.timedelta(days=12))  # most filed in the last 12 days
    assert made["skipped"] == 0
    with session_scope(engine) as s:  # no step after the present: the moment after the demo was made (a case received
        # "a few minutes ago" just after midnight in Beijing is dated at the generator's own now, after this test's)
        assert s.scalar(select(func.max(Step.at))) <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
        open_cases = s.scalars(select(Case).where(Case.is_open.is_(True))).all()
        assert len(open_cases) >= 3  # 20 complaints filed in the last 60 days: several still in hand
        assert {c.procedure for c in open_cases} - {"protection.complaint"}  # cases beyond the complaint too
        # every county office × (6 + 4 recent + 1 received a few minutes ago), the city's own dispute below and the
        # endings no draw guarantees, in Wuhou's office
        assert s.scalar(select(func.count()).select_from(Complaint)) == 5 * 11 + 1 + 5
        # each office's case officers have work in hand, whatever the draws: the complaint just received awaits
        # its triage on their to-do list (温江 holds none of the patents)
        offices = s.scalars(select(Organization).where(Organization.kind == OrgKind.COUNTY)).all()
        for office in offices:
            officer = Scope(role=Role.CASE_OFFICER, user_id=0, username="t", org_id=office.id, org_name=office.name,
                            org_path=office.path, region_code=office.region_code)
            assert service.todo(s, officer)["total"] >= 1, office.region_code
        # a case the present stopped at its first step is labelled synthetic like every other
        assert s.scalar(select(func.count()).select_from(Case).where(Case.synthetic.is_(False))) == 0
    # the endings no demo case reached (an absence, the court's refusal of a judicial confirmation): one case each in
    # Wuhou's office (demo_district's), closed months ago, with the office's documents the step generates
    with session_scope(engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107"))
        assert wuhou is not None
        closed = dict(s.execute(select(Case.procedure + " " + Case.state, Case.id).where(
            Case.org_id == wuhou.id, Case.is_open.is_(False), Case.closed_at < now - dt.timedelta(days=30))).all())
        assert {f"{p} {state}" for p, state in ENDINGS} == {"protection.patent_dispute withdrawn_absent",
                                                             "protection.patent_dispute mediated_unconfirmed",
                                                             "protection.mediation withdrawn_absent", "protection.mediation failed",
                                                             "protection.mediation unconfirmed"}
        assert {f"{p} {state}" for p, state in ENDINGS} <= set(closed), closed
        documents = {(e, d["label"]) for e, docs in s.execute(select(Step.event, Step.documents).where(
            Step.case_id.in_(closed.values()))) for d in json.loads(docs or "[]")}
        assert {("withdraw_absent", "撤销专利侵权纠纷案件决定书"), ("fail", "撤销案件通知书")} <= documents, documents
        assert s.scalar(select(func.count()).select_from(Case).where(Case.synthetic.is_(False))) == 0
    assert made["endings"] == 5
    # the demo city's bureau handles one dispute itself whose closing its head extended by a month: the upper level's
    # two more months (第三十七条, office: above) are the province's leader's to take today — the demo had none, and no
    # provincial account to take it
    assert made["upper_extension"] == 1
    with session_scope(engine) as s:
        sichuan, chengdu = (s.scalar(select(Organization).where(Organization.region_code == code))
                            for code in ("510000", "510100"))
        assert sichuan is not None and chengdu is not None
        dispute = s.scalar(select(Case).where(Case.procedure == "protection.patent_dispute", Case.org_id == chengdu.id))
        assert dispute is not None and dispute.is_open and dispute.synthetic
        upper, head = synthetic_scope(sichuan, Role.BUREAU_LEADER), synthetic_scope(chengdu, Role.BUREAU_LEADER)
        page = service.case(s, upper, dispute.id)
        # the city's officer asked for it (报请): it awaits the upper level's leader, on its own 我的待办, not the head's
        assert {"extend_closing_upper", "refuse_extension_upper"} <= {t.event for t in page["actions"]}
        assert "above:bureau_leader" in (page["awaited"] or ())
        assert dispute.id in {i["id"] for i in service.todo(s, upper)["items"]}
        assert dispute.id not in {i["id"] for i in service.todo(s, head)["items"]}
        closing = next(c for c in page["clocks"] if c["name"] == "closing")
        assert closing["due_on"] >= now.date() and [e["event"] for e in closing["extensions"]] == ["extend_closing"]
        here = service.case(s, head, dispute.id)  # the handling office's head: told the upper level takes it
        assert "extend_closing_upper" not in {t.event for t in here["actions"]}
        assert [t.event for t in here["elsewhere"]] == ["designate_jurisdiction", "extend_closing_upper",
                                                       "refuse_extension_upper"]  # 指定管辖: any office above
        service.act(s, upper, dispute.id, "extend_closing_upper", version=dispute.version,
                    fields={"approval": "川知〔2026〕1号", "reason": "案情特别复杂"})


def test_demo_cases_name_their_parties_in_english_on_english_pages(engine: Engine, tmp_path: Path) -> None:
    """The demo's cases were titled on English pages by their Chinese parties (成都瑞博五金工具有限公司 v. 某某五金店12号):
    a party the generator named reads as its English (Chengdu Ruibo Hardware Tools Co., Ltd.), a fictional respondent
    as its name (瑞鑫五金店（演示） → Ruixin Hardware Store (demo); it was 某某五金店12号, "XX Hardware Store No. 12")
    — in the case list, the case's title and its party fields, and the published decisions; the panel's officers in Pinyin; Chinese pages as written."""
    import re

    from zhichan.procedures.views import case_view
    from zhichan.protection.service import case_list

    holder = "成都瑞博五金工具有限公司"  # a name the corpus generator makes (place, brand, industry, form)
    snap = build_snapshot(tmp_path / "corpus", patents=[
        patent(serial=i, region_code="510107", application_date="2019-03-01", applicants=[holder], synthetic=True)
        for i in range(1, 4)])
    with session_scope(engine) as s:
        seed_demo_tree(s)
    service = ProcedureService(engine, ProcedureRegistry.load(), EvidenceService(engine, SigningKey.generate(), "t"),
                               tmp_path / "files")
    install(service, lambda: snap, None, generator=placeholder_generator)
    generate_cases(engine, service, snap, per_office=6, seed=11, start=dt.date(2025, 3, 3), end=dt.date(2025, 6, 30))
    with session_scope(engine) as s:
        city = s.scalar(select(Organization).where(Organization.region_code == "510100"))
        assert city is not None
        scope = Scope(role=Role.CASE_OFFICER, user_id=0, username="t", org_id=city.id, org_name=city.name,
                      org_path=city.path, region_code=city.region_code)
        listed = {lang: case_list(s, scope, service, lang, status="all", limit=200)["items"] for lang in ("zh", "en")}
        disputes = [c for c in listed["en"] if c["procedure"] == "protection.patent_dispute"]
        assert disputes
        for case in disputes:
            assert re.fullmatch(r"Chengdu Ruibo Hardware Tools Co\., Ltd\. v\. [A-Z][a-z]+ [A-Za-z ,.]+ \(demo\) · CN\S+",
                                case["title"]), case["title"]
        assert all(re.fullmatch(rf"{holder} 诉 \w+（演示） · CN\S+", c["title"]) for c in listed["zh"]
                   if c["procedure"] == "protection.patent_dispute")
        assert not [c["title"] for c in listed["en"] if re.search(r"[\u4e00-\u9fff]", c["title"])]
        page = case_view(service, s, scope, disputes[0]["id"], "en")
        shown = {f["label"]: f["shown"] for f in page["filing"]}
        assert shown["Requester"] == "Chengdu Ruibo Hardware Tools Co., Ltd." and shown["Respondent"].endswith(" (demo)")
        assert page["case"]["title"] == disputes[0]["title"]
        # the demo's panel (its fictional officers, 张伟、王芳、李娜) in Pinyin, listed as English lists
        panels = [f["shown"] for d in disputes for step in case_view(service, s, scope, d["id"], "en")["steps"]
                  for f in step["field_list"] if step["event"] == "accept" and f["label"].startswith("Panel")]
        assert panels and all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+(, [A-Z][a-z]+ [A-Z][a-z]+){2}", p) for p in panels)
        # the public's published decisions name them so too (the decision's record keeps them as written)
        public = published_decisions(s)
        assert public and all(d["requester"] == holder and d["requester_en"] == "Chengdu Ruibo Hardware Tools Co., Ltd."
                              and d["respondent"].endswith("（演示）") and d["respondent_en"].endswith(" (demo)")
                              for d in public), public
