"""Data-IP registration: the working-day calendar and the apply → notice → objection → decision flow,
on the procedure engine (each step is a ``dataip.registration`` step; the hook keeps the register).

Holiday dates below are written by hand from the State Council notices
(国办发明电〔2023〕7号 for 2024, 国办发明电〔2024〕12号 for 2025).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.dataip.helpers import application, at
from tests.helpers import holiday_schedule
from tests.procedures.helpers import World
from zhichan.dataip.service import DataIPService
from zhichan.errors import ConflictError
from zhichan.evidence.certificate import render_pdf
from zhichan.evidence.service import EvidenceService
from zhichan.evidence.verify import read_pdf, verify_certificate, verify_pdf
from zhichan.legaltime import CalendarNotPublished, add_working_days, is_workday, working_days_between
from zhichan.procedures.service import FormError

D = dt.date


def test_make_up_workdays_and_holidays_2025() -> None:
    # 春节: 1月28日至2月4日放假调休，1月26日（周日）、2月8日（周六）上班
    assert is_workday(D(2025, 1, 26)) and is_workday(D(2025, 2, 8))
    assert not any(is_workday(D(2025, 1, 28) + dt.timedelta(days=i)) for i in range(8))
    # 国庆节、中秋节: 10月1日至8日放假调休，9月28日（周日）、10月11日（周六）上班
    assert is_workday(D(2025, 9, 28)) and is_workday(D(2025, 10, 11))
    assert not any(is_workday(D(2025, 10, 1) + dt.timedelta(days=i)) for i in range(8))
    assert not is_workday(D(2025, 10, 12))  # an ordinary Sunday


def test_ten_working_days_across_spring_festival_2025() -> None:
    # published Fri 24 Jan: 26 (Sun, make-up), 27, [28 Jan – 4 Feb holiday], 5, 6, 7, 8 (Sat, make-up), 10, 11, 12, 13
    assert add_working_days(D(2025, 1, 24), 10) == D(2025, 2, 13)
    assert working_days_between(D(2025, 1, 24), D(2025, 2, 13)) == 10


def test_ten_working_days_across_national_day_2025() -> None:
    # published Fri 26 Sep: 28 (Sun, make-up), 29, 30, [1–8 Oct holiday], 9, 10, 11 (Sat, make-up), 13, 14, 15, 16
    assert add_working_days(D(2025, 9, 26), 10) == D(2025, 10, 16)


def test_ten_working_days_across_spring_festival_2024() -> None:
    # 2月10日至17日放假调休，2月4日（周日）、2月18日（周日）上班；除夕 2月9日 is a working day
    # published Fri 2 Feb: 4 (Sun), 5, 6, 7, 8, 9, [10–17], 18 (Sun), 19, 20, 21
    assert add_working_days(D(2024, 2, 2), 10) == D(2024, 2, 21)


def test_a_year_without_a_published_schedule_is_refused_clearly() -> None:
    with pytest.raises(CalendarNotPublished, match="2099 年节假日安排尚未载入") as info:
        is_workday(D(2099, 3, 2))
    assert "holiday schedule for 2099 is not loaded" in info.value.message


def test_registration_without_objection(registry: DataIPService, log: EvidenceService, world: World) -> None:
    officer = world.scope("wuhou_officer")
    reg = registry.submit(officer, application(), now=at(D(2025, 1, 23)))
    assert reg["status"] == "submitted" and reg["number"] == "DIP-2025-00000000" and reg["case_id"] is not None
    reg = registry.publish(officer, reg["id"], on=D(2025, 1, 24), now=at(D(2025, 1, 24)))
    assert (reg["notice_start"], reg["notice_end"]) == (D(2025, 1, 24), D(2025, 2, 13))
    assert [r["id"] for r in registry.under_notice(D(2025, 2, 13))] == [reg["id"]]
    assert registry.under_notice(D(2025, 2, 14)) == []
    with pytest.raises(FormError, match="至 2025-02-13 届满，2025-02-14 起方可办理"):  # the engine's term
        registry.finalize(officer, reg["id"], now=at(D(2025, 2, 13), 23))
    assert registry.finalize_due(officer, now=at(D(2025, 2, 13), 23)) == []
    done = registry.finalize_due(officer, now=at(D(2025, 2, 14), 0))  # 00:00 China time on the 14th
    assert [r["status"] for r in done] == ["registered"]
    cert = registry.certificate(reg["id"])
    fields = json.loads(cert.leaf)
    assert fields["kind"] == "dataip.decision" and fields["decision"] == "registered"
    assert fields["registration_no"] == reg["number"] and fields["notice_end"] == "2025-02-13"
    assert verify_certificate(cert, log.public_key).ok
    pdf = render_pdf(cert)
    report = verify_pdf(pdf, log.public_key, sm3=reg["sm3"], sha256=reg["sha256"])
    assert report.ok, report.checks
    text = "".join(read_pdf(pdf)[1].split())
    assert "数据知识产权登记证书" in text and reg["number"] in text and "城市公交刷卡脱敏数据集" in text
    kinds = [log.get_entry(i).kind for i in range(log.size())]
    # each step: the register's own entry, then the engine's record of the step
    assert kinds == ["dataip.application", "procedure.step", "dataip.notice", "procedure.step",
                     "dataip.decision", "procedure.step"]
    assert log.audit().ok


def test_objections_dismissed_then_upheld(registry: DataIPService, log: EvidenceService, world: World) -> None:
    officer, outsider, citizen = world.scope("wuhou_officer"), world.scope("jinjiang_officer"), world.scope("citizen")
    reg = registry.submit(officer, application(), now=at(D(2025, 9, 25)))
    registry.publish(officer, reg["id"], on=D(2025, 9, 26), now=at(D(2025, 9, 26)))
    with pytest.raises(FormError, match="已于 2025-10-16 届满，此步骤须在期内办理"):
        registry.object(citizen, reg["id"], objector="甲", reason="晚了", now=at(D(2025, 10, 17)))
    # anyone signed in may object — another district's officer too, though it cannot see the case
    first = registry.object(outsider, reg["id"], objector="某竞争企业（合成）", reason="数据来源存疑", now=at(D(2025, 10, 9)))
    assert registry.get(reg["id"])["status"] == "objected"
    with pytest.raises(ConflictError, match="异议"):
        registry.finalize(officer, reg["id"], now=at(D(2025, 10, 20)))
    registry.resolve_objection(officer, first["id"], upheld=False, resolution="来源证明充分，异议不成立", now=at(D(2025, 10, 10)))
    assert registry.get(reg["id"])["status"] == "in_notice"
    with pytest.raises(ConflictError):
        registry.resolve_objection(officer, first["id"], upheld=True, resolution="again", now=at(D(2025, 10, 10)))
    second = registry.object(citizen, reg["id"], objector="数据权利人（合成）", reason="含未授权数据", now=at(D(2025, 10, 16), 23))
    resolved = registry.resolve_objection(officer, second["id"], upheld=True, resolution="异议成立", now=at(D(2025, 10, 20)))
    assert resolved["status"] == "upheld"
    final = registry.get(reg["id"])
    assert final["status"] == "rejected"
    assert json.loads(log.get_entry(final["decision_index"]).leaf)["decision"] == "rejected"
    with pytest.raises(ConflictError):
        registry.certificate(reg["id"])
    assert [o["status"] for o in registry.objections(reg["id"])] == ["dismissed", "upheld"]
    assert log.audit().ok


def test_bad_applications_are_refused_and_nothing_is_logged(registry: DataIPService, log: EvidenceService,
                                                            world: World) -> None:
    officer = world.scope("wuhou_officer")
    with pytest.raises(FormError) as blank:
        registry.submit(officer, application(data_name="  "))
    assert "data_name" in blank.value.errors
    with pytest.raises(FormError, match="1000") as long:
        registry.submit(officer, application(description="长" * 1001))
    assert "description" in long.value.errors
    with pytest.raises(FormError) as digest:
        registry.submit(officer, _with_sample(application(sample=None), "xyz"))  # type: ignore[arg-type]
    assert "sample_sm3" in digest.value.errors
    assert log.size() == 0
    reg = registry.submit(officer, application(sample=None), now=at(D(2025, 3, 3)))
    with pytest.raises(CalendarNotPublished):
        registry.publish(officer, reg["id"], now=at(D(2100, 3, 1)))  # past what a provisional date computes
    assert registry.get(reg["id"])["status"] == "submitted"  # the failed publication changed nothing
    assert log.size() == 2  # the application and the engine's record of it


def test_a_notice_reaching_into_an_unpublished_year_ends_on_a_provisional_date(
        registry: DataIPService, log: EvidenceService, world: World, tmp_path: Path) -> None:
    """Published on Thursday 24 December 2026: 10 working days reach into 2027, whose holiday schedule is not
    published. The notice is published with a provisional last day, marked (暂定); objections are accepted and the
    decision waits until the published schedule makes it exact — here a day later, a bridging day (4 January) added."""

    from zhichan.dataip.service import published
    from zhichan.platform.db import session_scope

    officer, citizen = world.scope("wuhou_officer"), world.scope("citizen")
    reg = registry.submit(officer, application(), now=at(D(2026, 12, 23)))
    reg = registry.publish(officer, reg["id"], on=D(2026, 12, 24), now=at(D(2026, 12, 24)))
    # 25, 28, 29, 30, 31 December, [1 January 元旦], 4, 5, 6, 7, 8 January
    assert (reg["notice_end"], reg["notice_end_provisional"]) == (D(2027, 1, 8), True)
    notice = json.loads(log.get_entry(log.size() - 2).leaf)
    assert (notice["kind"], notice["notice_end"], notice["notice_end_provisional"]) == ("dataip.notice", "2027-01-08", True)
    assert published(reg)["notice_end_provisional"] is True
    with pytest.raises(FormError, match="暂定至 2027-01-08 届满（暂定：2027 年放假安排尚未公布）"):
        registry.finalize(officer, reg["id"], now=at(D(2027, 1, 11)))
    assert registry.finalize_due(officer, now=at(D(2027, 1, 11))) == []
    # past the provisional day, its year still unpublished: the notice is listed and an objection is accepted
    assert [r["id"] for r in registry.under_notice(D(2027, 1, 11))] == [reg["id"]]
    objection = registry.object(citizen, reg["id"], objector="甲（合成）", reason="来源存疑", now=at(D(2027, 1, 11)))
    registry.resolve_objection(officer, objection["id"], upheld=False, resolution="异议不成立", now=at(D(2027, 1, 11)))
    with holiday_schedule(tmp_path / "holidays.yaml", "2027:\n  source: 测试用安排\n  holidays: {2027-01-01: 元旦, 2027-01-04: 元旦}\n") as loaded:
        assert loaded == [2027]
        with session_scope(world.engine) as s:
            assert world.service.sweep(s, D(2027, 1, 11))["retried"] == 1
        reg = registry.get(reg["id"])
        assert (reg["notice_end"], reg["notice_end_provisional"]) == (D(2027, 1, 11), False)
        with pytest.raises(FormError, match="已于 2027-01-11 届满"):
            registry.object(citizen, reg["id"], objector="乙（合成）", reason="晚了", now=at(D(2027, 1, 12)))
        with pytest.raises(FormError, match="2027-01-11"):
            registry.finalize(officer, reg["id"], now=at(D(2027, 1, 11), 23))
        assert registry.under_notice(D(2027, 1, 12)) == []
        done = registry.finalize_due(officer, now=at(D(2027, 1, 12)))
        assert [(r["status"], r["notice_end"]) for r in done] == [("registered", D(2027, 1, 11))]
        decision = json.loads(registry.certificate(reg["id"]).leaf)
        assert decision["notice_end"] == "2027-01-11" and "notice_end_provisional" not in decision


def _with_sample(app: object, sm3: str) -> object:
    from dataclasses import replace

    from zhichan.evidence.service import FileDigest

    return replace(app, sample=FileDigest(sm3=sm3, sha256="0" * 64, size=1))  # type: ignore[type-var]


def test_decide_after_notice_with_reasons(registry: DataIPService, log: EvidenceService, world: World) -> None:
    officer, citizen = world.scope("wuhou_officer"), world.scope("citizen")
    approve = registry.submit(officer, application(), now=at(D(2025, 9, 25)))
    reject = registry.submit(officer, application(data_name="另一数据集（合成）"), now=at(D(2025, 9, 25)))
    for reg in (approve, reject):
        registry.publish(officer, reg["id"], on=D(2025, 9, 26), now=at(D(2025, 9, 26)))
    # the 10th working day after Fri 26 Sep 2025 is Thu 16 Oct (National Day, 调休 on 28 Sep and 11 Oct)
    with pytest.raises(FormError, match="2025-10-16"):
        registry.decide(officer, approve["id"], approve=True, reasons="材料齐全", now=at(D(2025, 10, 16), 23))
    with pytest.raises(FormError) as blank:
        registry.decide(officer, approve["id"], approve=True, reasons="  ", now=at(D(2025, 10, 17)))
    assert "reasons" in blank.value.errors
    objection = registry.object(citizen, reject["id"], objector="某企业（合成）", reason="来源存疑", now=at(D(2025, 10, 15)))
    with pytest.raises(ConflictError, match="异议"):
        registry.decide(officer, reject["id"], approve=False, reasons="来源不明", now=at(D(2025, 10, 17)))
    registry.resolve_objection(officer, objection["id"], upheld=False, resolution="异议不成立", now=at(D(2025, 10, 16)))

    size = log.size()
    done = registry.decide(officer, approve["id"], approve=True, reasons="材料齐全，来源合法", now=at(D(2025, 10, 17)))
    assert (done["status"], done["decision_reasons"]) == ("registered", "材料齐全，来源合法")
    refused = registry.decide(officer, reject["id"], approve=False, reasons="数据来源授权不完整", now=at(D(2025, 10, 17)))
    assert (refused["status"], refused["decision_reasons"]) == ("rejected", "数据来源授权不完整")
    assert log.size() == size + 4  # each decision: its dataip.decision entry and the engine's step entry
    for reg, decision, reasons in ((done, "registered", "材料齐全，来源合法"), (refused, "rejected", "数据来源授权不完整")):
        leaf = json.loads(log.get_entry(reg["decision_index"]).leaf)
        assert (leaf["kind"], leaf["decision"], leaf["registration_no"]) == ("dataip.decision", decision, reg["number"])
        assert leaf["reasons_sm3"] == hashlib.new("sm3", reasons.encode()).hexdigest()
        assert leaf["data_structure"].startswith("trips(") and leaf["update_frequency"] == "每日"
    with pytest.raises(ConflictError, match="registered"):
        registry.decide(officer, approve["id"], approve=False, reasons="再议", now=at(D(2025, 10, 20)))
    assert verify_certificate(registry.certificate(approve["id"]), log.public_key).ok
    with pytest.raises(ConflictError):
        registry.certificate(reject["id"])
    assert log.audit().ok


def test_application_needs_every_declared_field(registry: DataIPService, log: EvidenceService, world: World) -> None:
    officer = world.scope("wuhou_officer")
    for name in ("data_structure", "update_frequency", "usage_scenario"):
        with pytest.raises(FormError) as info:
            registry.submit(officer, application(**{name: ""}))
        assert list(info.value.errors) == [name]
    assert log.size() == 0
    reg = registry.submit(officer, application(), now=at(D(2025, 3, 3)))
    leaf = json.loads(log.get_entry(reg["application_index"]).leaf)
    assert leaf["usage_scenario"] == "线网优化与客流预测" and reg["update_frequency"] == "每日"


def test_cli_flow(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from zhichan.dataip.cli import app
    from zhichan.platform.accounts import create_user
    from zhichan.platform.db import make_engine, session_scope, upgrade
    from zhichan.platform.models import OrgKind, Role
    from zhichan.platform.orgs import create_org

    engine = make_engine()
    upgrade(engine)
    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        province = create_org(s, "四川省知识产权局", OrgKind.PROVINCE, "510000", nation)
        city = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100", province)
        bureau = create_org(s, "武侯区知识产权局", OrgKind.COUNTY, "510107", city)
        create_user(s, username="officer", password="correct horse battery", role=Role.CASE_OFFICER, org=bureau)
        create_user(s, username="citizen", password="correct horse battery", role=Role.PUBLIC, org=nation)
    engine.dispose()
    runner = CliRunner(env={"ZHICHAN_USER": "officer"})
    sample = tmp_path / "manifest.csv"
    sample.write_text("table,rows\ntrips,120000000\n", encoding="utf-8")
    declared = ["--applicant", "示例公司（合成）", "--description", "d", "--source", "自有", "--scale", "1 亿条",
                "--structure", "trips 表", "--update-frequency", "每日", "--rules", "去标识化", "--usage", "客流预测",
                "--sample", str(sample)]
    result = runner.invoke(app, ["apply", "--data-name", "公交数据集", *declared])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["publish", "1", "--on", "2025-01-24"]).exit_code == 0
    result = runner.invoke(app, ["apply", "--data-name", "地铁数据集", "--publish-on", "2025-01-24", *declared])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["notices", "--date", "2025-02-13"])
    assert result.exit_code == 0 and "公交数据集" in result.output
    result = runner.invoke(app, ["list", "--under-notice", "--date", "2025-02-13"])
    assert result.exit_code == 0 and "地铁数据集" in result.output and "2025-02-13" in result.output
    assert runner.invoke(app, ["list", "--under-notice", "--date", "2025-02-14"]).output.count("数据集") == 0
    # the notice ended long ago (in real time), so objections are closed and the decision can be taken now
    result = runner.invoke(app, ["object", "1", "--objector", "甲", "--reason", "理由", "--user", "citizen"])
    assert result.exit_code != 0 and "已于 2025-02-13 届满" in str(result.exception)
    # an unknown account takes no step
    result = runner.invoke(app, ["decide", "1", "--approve", "--reasons", "材料齐全", "--user", "nobody"])
    assert result.exit_code != 0 and "nobody" in str(result.exception)
    result = runner.invoke(app, ["decide", "1", "--approve", "--reasons", "材料齐全"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["decide", "2", "--reject", "--reasons", "样本与声明不符"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["list"]).output
    assert "registered" in listing and "rejected" in listing
    assert runner.invoke(app, ["list", "--status", "rejected"]).output.count("数据集") == 1
    from zhichan.cli import app as main_app

    assert runner.invoke(main_app, ["procedures", "period", "2025-09-26", "10"]).output.strip() == "2025-10-16"


def test_a_certificate_without_sample_digests_verifies(registry: DataIPService, log: EvidenceService,
                                                       world: World) -> None:
    """The sample is optional: the certificate page then prints the entry number only, and that is checked."""
    officer = world.scope("wuhou_officer")
    reg = registry.submit(officer, application(sample=None), now=at(D(2025, 1, 23)))
    registry.publish(officer, reg["id"], on=D(2025, 1, 24), now=at(D(2025, 1, 24)))
    registry.finalize(officer, reg["id"], now=at(D(2025, 2, 14)))
    cert = registry.certificate(reg["id"])
    assert "sm3" not in json.loads(cert.leaf)
    pdf = render_pdf(cert)
    report = verify_pdf(pdf, log.public_key)
    assert report.ok, report.checks


def test_the_automatic_decision_reason_reads_in_each_pages_language(registry: DataIPService, world: World) -> None:
    """The command line's 准予登记 stored its reason as "中文 / English", which both pages showed whole: it is kept as a
    message each page shows in its language (a row decided before shows its half); an officer's reason is shown as
    typed in either language, a "/" in it and all."""
    from sqlalchemy import update

    from zhichan.dataip.models import Registration
    from zhichan.dataip.views import registration_view
    from zhichan.platform.db import session_scope
    from zhichan.platform.scope import Scope

    officer = world.scope("wuhou_officer")
    automatic, typed = (registry.submit(officer, application(data_name=name), now=at(D(2025, 1, 23)))
                        for name in ("自动决定数据集", "手写理由数据集"))
    for reg in (automatic, typed):
        registry.publish(officer, reg["id"], on=D(2025, 1, 24), now=at(D(2025, 1, 24)))
    registry.finalize(officer, automatic["id"], now=at(D(2025, 2, 14)))
    registry.decide(officer, typed["id"], approve=True, reasons="来源合法 / 权属清晰", now=at(D(2025, 2, 14)))

    def reasons(reg: dict[str, Any], lang: str) -> str:
        return str(registration_view(registry, reg["number"], Scope.anonymous(), lang)["registration"]["decision_reasons"])

    assert (reasons(automatic, "zh"), reasons(automatic, "en")) == (
        "公示期满无异议，准予登记", "The notice period ended without objection: registered")
    assert reasons(typed, "zh") == reasons(typed, "en") == "来源合法 / 权属清晰"
    # and so does the case page's step (its timeline listed the stored text)
    from sqlalchemy.orm import Session

    from zhichan.procedures.views import case_view

    def step_reasons(reg: dict[str, Any], lang: str) -> list[str]:
        with Session(world.engine) as s:
            steps = case_view(registry.procedures, s, officer, reg["case_id"], lang)["steps"]
        return [f["shown"] for f in steps[-1]["field_list"]]

    assert step_reasons(automatic, "zh") == ["公示期满无异议，准予登记"]
    assert step_reasons(automatic, "en") == ["The notice period ended without objection: registered"]
    assert step_reasons(typed, "en") == ["来源合法 / 权属清晰"]
    with session_scope(world.engine) as s:  # a row the command line decided before
        s.execute(update(Registration).where(Registration.id == automatic["id"]).values(
            decision_reasons="公示期满无异议，准予登记 / the notice period ended without objection: registered"))
    assert (reasons(automatic, "zh"), reasons(automatic, "en")) == (
        "公示期满无异议，准予登记", "the notice period ended without objection: registered")
