"""Protection's and the credit list's figures (docs/indicators.md "Domain figures") on hand-counted cases
exported from the workflow database (SQLite and PostgreSQL): received and closed by type, the mediation
success rate, the e-commerce handling time in net days, credit listings in force and new — with drill-down
to the records, and the same numbers on Spark."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.procedures.helpers import World, at, build_world, pdf
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.credit.service import record_listing
from zhichan.evidence.keys import SigningKey
from zhichan.figures import export_workflow
from zhichan.indicators import service
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization

D = dt.date
MEDIATION = {"dispute_kind": "专利侵权纠纷", "patent_number": "CN202010000007.9", "requester": "成都示例科技有限公司",
             "respondent": "某某研究所", "claims": "请求调解"}
NOTICE = {"patent_number": "CN202010000007.9", "holder": "成都示例科技有限公司", "platform": "某电商平台",
          "merchant": "某网店", "link": "https://shop.example.invalid/1"}
CODES = ["protection_mediated", "protection_out_of_court_share", "protection_mediations_received", "protection_mediations_closed", "protection_mediations_agreed",
         "protection_mediation_success_rate", "protection_ecommerce_received", "protection_ecommerce_closed",
         "ecommerce_handled", "ecommerce_handling_days_total", "ecommerce_handling_days",
         "protection_adjudications_received", "credit_listings_in_force", "credit_listings_new"]


def start(world: World, procedure: str, fields: dict[str, Any], when: dt.datetime, who: str = "wuhou_officer",
          uploads: tuple[Any, ...] = ()) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.start(s, world.scope(who), procedure, fields=fields, uploads=uploads, now=when)


def act(world: World, case: dict[str, Any], event: str, when: dt.datetime, fields: dict[str, Any] | None = None,
        uploads: tuple[Any, ...] = ()) -> None:
    with session_scope(world.engine) as s:
        case.update(world.service.act(s, world.scope("wuhou_officer"), case["id"], event, version=case["version"],
                                      fields=fields or {}, uploads=uploads, now=when))


def mediation(world: World, ending: str) -> None:
    case = start(world, "protection.mediation", MEDIATION, at(D(2026, 3, 2)), uploads=(pdf(),))
    if ending == "refuse":
        act(world, case, "refuse", at(D(2026, 3, 20)), {"ground": "被请求人不同意调解"})
        return
    act(world, case, "serve", at(D(2026, 3, 3)), {"received_on": "2026-03-03"})
    act(world, case, "reply", at(D(2026, 3, 5)))
    act(world, case, "accept", at(D(2026, 3, 6)), {"mediators": "张三、李四"})
    if ending == "fail":
        act(world, case, "fail", at(D(2026, 4, 1)), {"ground": "未能达成协议（第六十九条）", "reason": "分歧较大"})
        return
    act(world, case, "agree", at(D(2026, 4, 1)), {"effective_on": "2026-04-01"}, (pdf(),))
    if ending == "unconfirmed":  # the court refuses to confirm it: an agreement reached all the same
        act(world, case, "apply_confirmation", at(D(2026, 4, 2)), {"court": "成都市武侯区人民法院", "applied_on": "2026-04-02"})
        act(world, case, "record_rejection", at(D(2026, 5, 11)), {"ruling_number": "（2026）川0107民特5号",
                                                                  "ruled_on": "2026-05-08"})
        return
    act(world, case, "confirmation_lapsed", at(D(2026, 5, 7)))  # the day after the 30 days (due 6 May)


def cases(world: World) -> None:
    for ending in ("agree", "fail", "refuse", "unconfirmed"):
        mediation(world, ending)
    mediation_open = start(world, "protection.mediation", MEDIATION, at(D(2026, 5, 4)), uploads=(pdf(),))
    assert mediation_open["state"] == "filed"
    # e-commerce notices received Tue 3 Mar 10:00 (China): closed Thu 5 Mar (2 days) and Fri 6 Mar (3 days)
    for closed in (D(2026, 3, 5), D(2026, 3, 6)):
        notice = start(world, "protection.ecommerce_notice", NOTICE, at(D(2026, 3, 3)))
        act(world, notice, "close", at(closed), {"note": "经核实不构成侵权"})
    with session_scope(world.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107"))
        assert wuhou is not None
        for n, (listed, repaired) in enumerate([(D(2025, 9, 1), None), (D(2026, 2, 1), None), (D(2025, 3, 1), None),
                                                (D(2026, 3, 1), D(2026, 6, 1))]):
            row = record_listing(s, subject=f"某代理公司{n}", ground="abnormal_filing", decision_number=f"川知信〔2026〕{n}号",
                                 listed_from=listed, org_id=wuhou.id, org_path=wuhou.path, region_code="510107",
                                 published_on=listed)
            row.repaired_on = repaired


@pytest.fixture(scope="module")
def exported(module_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The cases recorded and exported once per module and database (the tests only read the export)."""
    folder = tmp_path_factory.mktemp("protection-figures")
    world = build_world(module_engine, folder / "files", SigningKey.generate())
    snapshot = build_snapshot(folder, patents=[patent("202010000001")])
    cases(world)
    written = {p.name for p in export_workflow(world.engine, world.service.registry, folder, now=at(D(2026, 6, 30)))}
    assert {"protection_handling.parquet", "credit_listings.parquet"} <= written
    return snapshot


def values(snapshot: Any, region: str, as_of: dt.date, engine: str) -> dict[str, Any]:
    return {v.code: v.value for v in service.compute(CODES, [region], as_of, snapshot=snapshot, engine=engine)}


def test_protection_and_credit_figures(exported: Any) -> None:
    june = values(exported, "510107", D(2026, 6, 30), "duckdb")
    assert june == {
        # settled by agreement: the two agreed mediations (one the court refused to confirm — its own closing state, still
        # an agreement), out of 6 protection cases closed (4 mediations, 2 notices)
        "protection_mediated": 2, "protection_out_of_court_share": pytest.approx(100 / 3),
        "protection_mediations_received": 5, "protection_mediations_closed": 4, "protection_mediations_agreed": 2,
        "protection_mediation_success_rate": 50.0, "protection_ecommerce_received": 2,
        "protection_ecommerce_closed": 2, "ecommerce_handled": 2, "ecommerce_handling_days_total": 5,
        "ecommerce_handling_days": 2.5, "protection_adjudications_received": 0,
        # in force on 30 Jun: listed 1 Sep 2025 and 1 Feb 2026 (1 Mar 2025 ended 1 Mar 2026; 1 Mar 2026 repaired 1 Jun)
        "credit_listings_in_force": 2, "credit_listings_new": 2,
    }
    april = values(exported, "510107", D(2026, 4, 30), "duckdb")  # the agreed mediation closed only in May
    assert (april["protection_mediations_closed"], april["protection_mediations_agreed"],
            april["credit_listings_in_force"]) == (2, 0, 3)
    assert values(exported, "510104", D(2026, 6, 30), "duckdb")["ecommerce_handled"] == 0
    records = service.drilldown("ecommerce_handling_days", "510107", D(2026, 6, 30), snapshot=exported)
    assert sorted(records.column("handling_days").to_pylist()) == [2, 3]
    listed = service.drilldown("credit_listings_in_force", "510100", D(2026, 6, 30), snapshot=exported)
    assert sorted(listed.column("subject").to_pylist()) == ["某代理公司0", "某代理公司1"]
    agreed = service.drilldown("protection_mediation_success_rate", "510107", D(2026, 6, 30), snapshot=exported)
    assert sorted(agreed.column("state").to_pylist()) == ["closed", "unconfirmed"]


@pytest.mark.spark
def test_spark_computes_the_same_protection_figures(exported: Any) -> None:
    for region in ("510107", "510100"):
        assert values(exported, region, D(2026, 6, 30), "spark") == values(exported, region, D(2026, 6, 30), "duckdb")


@pytest.mark.one_database("labels are read from the exported Parquet by DuckDB; the export from PostgreSQL is tested in test_protection_and_credit_figures")
@pytest.mark.parametrize("package", ["zhichan.protection", "zhichan.credit"])
def test_every_protection_and_credit_drill_down_reads_labels_not_codes(exported: Any, package: str) -> None:
    """A case's procedure and state and a listing's ground are stored as codes; the records page shows the
    titles their declarations give and the grounds' labels, in Chinese and English."""
    from tests.helpers import unlabelled_codes

    assert unlabelled_codes(exported, package, "CN", D(2026, 6, 30)) == []
