"""The services demo: synthetic applications across the catalogue, priority recommendations handled within
3 days, pre-examinations granted in under 80 days and a subsidy round, through the real engine and rules,
every case labelled synthetic, made once per database."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.helpers import generated_copy
from tests.procedures.helpers import pdf
from zhichan.corpus.store import CorpusStore
from zhichan.corpus.validate import normalize_application_number
from zhichan.errors import FormError
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService, utcnow
from zhichan.figures import export_workflow
from zhichan.indicators import service
from zhichan.legaltime import china_date
from zhichan.platform.db import make_engine, session_scope, upgrade
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import synthetic_scope
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import Case, Step
from zhichan.procedures.service import ProcedureService
from zhichan.services.demo import counter_receipt, seed
from zhichan.services.models import PriorityRecommendation, SubsidyApplication, SubsidyAward, SubsidyObjection
from zhichan.services.progress import lookup
from zhichan.services.subsidies import programme


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo seeded once on a generated corpus, checked, and its workflow exported: (snapshot, made)."""
    tmp_path = tmp_path_factory.mktemp("services-demo")
    # a copy of its own: the workflow export below is written beside the corpus (the exchange demo's corpus)
    generated_copy(tmp_path_factory, 3000, 11, tmp_path)
    store = CorpusStore(tmp_path / "corpus")
    engine = make_engine(f"sqlite:///{tmp_path / 'workflow.sqlite3'}")
    upgrade(engine)
    procedures = ProcedureService(engine, ProcedureRegistry.load(), EvidenceService(engine, SigningKey.generate(), "t"),
                                  tmp_path / "files")
    made = seed(engine, store.current(), procedures)
    assert made is not None
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Case).where(Case.synthetic.is_(False))) == 0
        assert all(t.startswith("【合成】") for t in s.scalars(select(Case.title)))
        # the mark is the title's (shown as a badge); the filings' values carry none (English pages showed （合成）)
        assert not any("（合成" in f for f in s.scalars(select(Case.fields)))
        procedures_made = set(s.scalars(select(Case.procedure).distinct()))
        # beside the round assessed and concluded, a programme of Chengdu whose round takes applications
        from zhichan.services.subsidies import programmes, round_state

        assert round_state(s, "SUB-2026-01") == "concluded"
        assert [c for c, p in programmes().items() if p.region == "510100" and round_state(s, c) is None]
        # a placeholder is named after its whole label (the co-owners' consent was cut to 专利权人同意书（合成）.pdf)
        consents = {d["file_name"] for step in s.scalars(select(Step.documents)) for d in json.loads(step)
                    if d["label"] == "全体申请人/专利权人同意书"}
        assert consents == {"全体申请人、专利权人同意书（合成）.pdf"}
        # the demo's enterprises are named in English too (English pages showed their Chinese names)
        firms = s.execute(select(Organization.name, Organization.name_en).where(Organization.kind == OrgKind.ENTERPRISE)).all()
        assert firms and all(en and en.isascii() for _, en in firms), firms
        assert {"services.search_service", "services.priority_exam", "services.preexam_filing",
                "services.preexam_case"} <= procedures_made
        # priority: recommended within 3 days of the request (Zhejiang's seed)
        recs = s.execute(select(Case.created_at, PriorityRecommendation.recommended_on).join(
            PriorityRecommendation, PriorityRecommendation.case_id == Case.id)).all()
        if made["priority"]:
            assert len(recs) == made["priority"]
            assert all(0 < (on - (created + dt.timedelta(hours=8)).date()).days <= 3 for created, on in recs)
        # pre-examination: every recorded grant under 80 days from filing (Hangzhou's seed)
        grants = [step for step in s.scalars(select(Step.fields).join(Case, Case.id == Step.case_id).where(
            Case.procedure == "services.preexam_case", Step.event == "record_grant"))]
        assert grants
        for fields in grants:
            f = json.loads(fields)
            assert 0 < (dt.date.fromisoformat(f["granted_on"]) - dt.date.fromisoformat(f["filed_on"])).days < 80
        # the round pays Chengdu's enterprises something (for high-value inventions: the corpus has few assignments or
        # licences by them in the period — docs/services.md "Demo data"), and not for grants or PCT filings
        assert made["subsidy_awards"]
        assert s.scalar(select(func.count()).select_from(SubsidyObjection)) == 1
        assert s.scalar(select(func.count()).select_from(SubsidyAward)) == made["subsidy_awards"]
        assert s.scalar(select(func.sum(SubsidyAward.awarded_yuan))) > 0
        kept = [json.loads(m) for m in s.scalars(select(SubsidyApplication.measures))]
        assert kept and all(set(m) == {"high_value_inventions", "assigned_or_licensed"} for m in kept), kept
        # assessed under the example's revision 2 on or after the day it took effect (they were assessed in October
        # under a revision that read "since 2026-12-07")
        since = programme("SUB-2026-01").revision.since  # type: ignore[union-attr]
        assessed = s.execute(select(SubsidyApplication.applied_at, SubsidyApplication.programme_revision)).all()
        assert assessed and all(rev == 2 and china_date(at) >= since for at, rev in assessed), (since, assessed)
        # the filings' application numbers look like CNIPA's (year, kind 1, a serial, the check character after the
        # dot), distinct, valid — not a count from 9,000,000 (CN202619400000.0, CN202619000001.3, …)
        numbers = [json.loads(f)["application_number"] for f in s.scalars(select(Case.fields).where(
            Case.procedure == "services.priority_exam"))] + [json.loads(f)["application_number"] for f in grants]
        assert numbers and len(set(numbers)) == len(numbers)
        assert all(normalize_application_number(n) == n and n[6] == "1" for n in numbers), numbers[:5]
        serials = sorted(int(n[7:14]) for n in numbers)
        assert all(x >= 9_000_000 for x in serials)  # above real invention serials and the corpus's
        assert sum(b - a == 1 for a, b in itertools.pairwise(serials)) < len(serials) // 10, serials[:10]
        # a city's applications leave a step for each desk: one filed awaits the window's acceptance, one accepted
        # an officer's decision (every one used to be completed, and the window had nothing on its to-do list)
        searches = s.execute(select(Case.id, Case.state, Case.org_id).where(
            Case.procedure == "services.search_service")).all()
        states = {state for _, state, _ in searches}
        # what a firm asks to have searched is a technology, not the firm's own name again (its title repeated it)
        for fields in s.scalars(select(Case.fields).where(Case.procedure == "services.search_service")):
            f = json.loads(fields)
            assert f["applicant"] not in f["topic"] and f["topic"].endswith("相关技术的专利检索分析"), f
        assert {"approved", "accepted", "filed"} <= states, states
        for state, role, event in (("filed", Role.WINDOW_STAFF, "accept"), ("accepted", Role.CASE_OFFICER, "approve")):
            case_id, _, org_id = next(row for row in searches if row.state == state)
            office = s.get(Organization, org_id)
            desk = synthetic_scope(office, role)
            todo = procedures.todo(s, desk)["items"]
            assert case_id in {i["id"] for i in todo}, (state, role)
            item = next(i for i in todo if i["id"] == case_id)
            assert not item["overdue"], item  # filed days ago, its handling clock still running
            assert event in {a.event for a in procedures.case(s, desk, case_id)["actions"]}, (state, event)
        # a Chengdu application awaits the recommendation letter of the provincial office (office: province): on the
        # Sichuan officer's own to-do list, told to the handling office as the province's step, and taken within the
        # quota the demo gave the city — the demo had none, every application recommended by Zhejiang the day it was made
        assert made["priority_awaiting"] == 1
        waiting = s.execute(select(Case.id, Case.org_id, Case.version).where(
            Case.procedure == "services.priority_exam", Case.region_code.startswith("5101"))).one()
        sichuan = s.scalar(select(Organization).where(Organization.region_code == "510000"))
        assert sichuan is not None
        province = synthetic_scope(sichuan)
        assert waiting.id in {i["id"] for i in procedures.todo(s, province)["items"]}
        assert "recommend" in {a.event for a in procedures.case(s, province, waiting.id)["actions"]}
        handling = procedures.case(s, synthetic_scope(s.get(Organization, waiting.org_id)), waiting.id)
        assert [t.event for t in handling["elsewhere"]] == ["recommend"]
        recommended = procedures.act(s, province, waiting.id, "recommend", version=waiting.version,
                                     fields={"opinion": "符合推荐条件"}, uploads=(pdf(),))
        assert recommended["state"] == "recommended"
    # one window receipt, printed by `zhichan demo` (the README's walk follows it at /services/progress): its number and
    # code show the application's progress; printed again, a new code and the old one no longer works
    first = counter_receipt(engine, procedures)
    assert first is not None and first["url"] == f"/services/progress?number={first['number']}"
    with session_scope(engine) as s:
        assert lookup(procedures, s, first["number"], first["code"], "127.0.0.1", "zh")["state"] == "已提交"
    second = counter_receipt(engine, procedures)
    assert second is not None and second["number"] == first["number"] and second["code"] != first["code"]
    with pytest.raises(FormError), session_scope(engine) as s:
        lookup(procedures, s, first["number"], first["code"], "127.0.0.1", "zh")
    assert seed(engine, store.current(), procedures) is None  # once per database
    export_workflow(engine, procedures.registry, tmp_path)
    engine.dispose()
    return store.current(), recs, [json.loads(f) for f in grants]


def test_demo_data_goes_through_the_rules_and_is_synthetic(demo: Any) -> None:
    # the figures: the recommendations and pre-examinations the demo made, time to grant under 80 days
    snapshot, recs, granted = demo
    today = china_date(utcnow())
    values = {v.code: v.value for v in service.compute(
        ["priority_recommended", "preexam_granted", "preexam_days_to_grant"], ["330000"], today, snapshot=snapshot)}
    in_year = sum(1 for _, on in recs if on.year == today.year)
    assert values["priority_recommended"] == in_year
    assert values["preexam_granted"] == sum(1 for f in granted if f["granted_on"][:4] == str(today.year))
    if values["preexam_granted"]:
        assert 40 <= values["preexam_days_to_grant"] < 80
    records = service.drilldown("preexam_granted", "330100", today, snapshot=snapshot)
    assert set(records.column("date_source").to_pylist()) <= {"recorded"} and all(records.column("synthetic").to_pylist())


@pytest.mark.spark
def test_spark_computes_the_same_demo_figures(demo: Any) -> None:
    snapshot, _, _ = demo
    codes = ["priority_recommended", "preexam_granted", "preexam_days_to_grant_total", "preexam_days_to_grant",
             "subsidies_paid", "services_applications_search_service", "services_cycle_days"]
    today = china_date(utcnow())
    for region in ("330000", "330100", "510100"):
        duck = {v.code: v.value for v in service.compute(codes, [region], today, snapshot=snapshot)}
        spark = {v.code: v.value for v in service.compute(codes, [region], today, snapshot=snapshot, engine="spark")}
        assert spark == duck


def test_every_services_drill_down_reads_labels_not_codes(demo: Any) -> None:
    """A recommendation's subject and where a grant date came from are stored as codes; the records pages
    show their labels in Chinese and English."""
    from tests.helpers import unlabelled_codes

    snapshot, _, _ = demo
    assert unlabelled_codes(snapshot, "zhichan.services", "CN", china_date(utcnow())) == []


def test_the_centre_and_the_subject_read_as_their_declared_names(demo: Any) -> None:
    """A grant's centre (``CN-HZ``) reads as the centre's name of services/centres.yaml, a recommendation's
    subject as its declared choice (the procedures catalogue's ``choice.…``: one English for both)."""
    from zhichan.indicators.views import labelled_records, record_cell
    from zhichan.procedures.declaration import ProcedureRegistry
    from zhichan.web.i18n import catalogue

    snapshot, _, _ = demo
    procedures = ProcedureRegistry.load()
    today = china_date(utcnow())

    def cells(indicator: str, column: str, lang: str) -> set[str]:
        table = service.drilldown(indicator, "330100", today, snapshot=snapshot)
        data = {"drill_indicator": indicator,
                "records": [{k: record_cell(v) for k, v in row.items()} for row in table.to_pylist()]}
        return {row[column] for row in labelled_records(data, lang, procedures)["records"]}

    assert cells("preexam_granted", "centre", "zh") == {"中国（杭州）知识产权保护中心（示例）"}
    assert cells("preexam_granted", "centre", "en") == {"China (Hangzhou) IP Protection Centre (example)"}
    subjects = cells("priority_recommended", "subject", "en")
    assert subjects and subjects <= {catalogue("en")[f"choice.{zh}"] for zh in
                                     ("发明专利申请", "实用新型专利申请", "外观设计专利申请", "专利复审案件", "无效宣告案件")}
    assert not any(k.startswith("services.priority_subject.") for k in catalogue("en"))
