"""IP finance's statistics from hand-made records: pledges registered through the procedure, a fund's
claim and payout, whitelists with a bank's loan — exported as workflow tables and counted by the
finance indicators, checked against hand-counted values, with drill-down and DuckDB = Spark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.finance.helpers import BANK, PLEDGOR, World, at, build_world, documents
from tests.helpers import unlabelled_codes
from zhichan.corpus.testing import build_snapshot, patent, record
from zhichan.evidence.keys import SigningKey
from zhichan.figures import export_workflow
from zhichan.finance import funds
from zhichan.finance.models import Pledge, Whitelist, WhitelistEntry, WhitelistFeedback
from zhichan.finance.statistics import statistics
from zhichan.indicators import service
from zhichan.legaltime import china_date
from zhichan.platform.db import session_scope
from zhichan.platform.models import utcnow
from zhichan.settings import Settings, get_settings

D = dt.date
YEAR_END = D(2026, 12, 31)
#: information technology (SEI 1.1), agriculture machinery (SEI 2.1), none
P_IT, P_IT2, P_MACHINE, P_PLAIN = (patent(serial=i, ipc=ipc)["application_number"] for i, ipc in (
    (1, ["G06F16/30"]), (2, ["G06F16/30"]), (3, ["A01B1/00"]), (4, ["H01M4/13"])))
CODES = ["finance_pledge_registrations", "finance_pledged_rights", "finance_pledge_secured_amount",
         "finance_first_time_pledgors", "finance_whitelist_enterprises", "finance_whitelist_loans"]
FUND_CODES = ["finance_fund_claims", "finance_fund_claim_amount", "finance_fund_payouts", "finance_fund_balance",
              "finance_fund_outstanding", "finance_fund_leverage"]


def _registered(world: World, day: dt.date, rights: str, amount: str) -> int:
    case = world.apply(day, rights=rights, debt_amount=amount, debt_start=day.isoformat(), debt_end="2027-06-30")
    world.act("bank_user", case["id"], "confirm", day, invalidation_consent="否")
    world.act("wuhou_officer", case["id"], "register", day + dt.timedelta(days=1))
    return int(case["id"])


@dataclass
class Recorded:
    """The world of :func:`recorded`: its data folder (corpus, files, workflow export) and what the tests read."""

    world: World
    data_dir: Path
    snapshot: Any
    today: dt.date


@pytest.fixture(scope="module")
def recorded(module_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """The pledges, the fund's claim and the whitelists recorded and exported once per module and database (they
    were recorded again for every test): the tests read them; one that writes takes a copy."""
    data_dir = tmp_path_factory.mktemp("finance-figures") / "var"
    with pytest.MonkeyPatch.context() as mp:  # as the ``settings`` fixture points a test at its data folder
        mp.setenv("ZHICHAN_DATA_DIR", str(data_dir))
        get_settings.cache_clear()
        try:
            return _record(module_engine, get_settings())
        finally:
            get_settings.cache_clear()


@pytest.fixture
def exported(recorded: Recorded, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """What a reading test gets of :func:`recorded`, with the settings pointed at its data folder."""
    monkeypatch.setenv("ZHICHAN_DATA_DIR", str(recorded.data_dir))
    get_settings.cache_clear()
    yield {"snapshot": recorded.snapshot, "today": recorded.today}
    get_settings.cache_clear()


def _record(engine: Engine, settings: Settings) -> Recorded:
    from zhichan.dataip.models import Registration

    marks = [record("trademarks", registration_number="12345678", mark_name="示例", registrant=PLEDGOR,
                    is_geographical_indication=False, is_domestic=True, status="registered", expiry_date="2031-01-01")]
    snap = build_snapshot(settings.data_dir, trademarks=marks, patents=[
        patent(serial=i, ipc=ipc) for i, ipc in ((1, ["G06F16/30"]), (2, ["G06F16/30"]), (3, ["A01B1/00"]),
                                                 (4, ["H01M4/13"]))])
    world = build_world(engine, settings.data_dir / "files", SigningKey.generate(), snap)
    # three registrations of one pledgor in 武侯区 (510107); one more only applied (not counted)
    _registered(world, D(2026, 3, 2), f"{P_IT}\n{P_IT2}\n{P_MACHINE}", "1,000,000")  # industry 1 (two of three)
    cancelled = _registered(world, D(2026, 3, 9), f"{P_PLAIN}\nTM12345678", "500,000.50")  # industry 0
    world.act("wuhou_officer", cancelled, "cancel", D(2026, 5, 4), uploads=documents()[:1], ground="主债权消灭")
    with session_scope(world.engine) as s:  # a data-IP registration of the pledgor, pledged alone
        entry = world.rules.evidence.append_records([{"kind": "dataip.application", "applicant": PLEDGOR}],
                                                    now=at(D(2026, 1, 5)), conn=s.connection())[0]
        number = f"DIP-2026-{entry.index:08d}"
        s.add(Registration(number=number, application_index=entry.index, applicant=PLEDGOR, data_name="合成数据集",
                           description="合成", data_source="自有", data_scale="1 亿条", processing_rules="去标识化",
                           status="registered", submitted_at=at(D(2026, 1, 5)), decided_at=at(D(2026, 1, 20))))
    _registered(world, D(2026, 3, 16), number, "2,000,000")  # no industry
    world.apply(D(2026, 4, 1), rights=P_PLAIN)  # awaiting the bank
    today = china_date(utcnow())
    rules = funds.load_funds()["zhuhai"]  # bank 60 / fund 40, principal only, no cap
    with session_scope(world.engine) as s:
        funds.deposit(s, "zhuhai", "1,000,000")
        lent = [funds.enrol(s, rules, borrower=PLEDGOR, enterprise_type="small", bank=BANK, principal=p, fee_rate="",
                            ip_collateral=p, collateral=p, on=today, org_id=world.orgs["chengdu"], org_path="/")
                for p in ("5000000", "3000000")]
        claim = funds.claim(s, rules, lent[0], principal_loss="2,000,000", interest_loss="0", on=today)
        funds.approve(s, rules, claim, today)
        funds.pay(s, "zhuhai", claim.id)  # 40 % of 2,000,000 = 800,000 paid; 200,000 left
        for title, day in (("武侯区第一批", D(2026, 4, 1)), ("武侯区第二批", D(2026, 5, 6))):
            wl = Whitelist(title=title, org_id=world.orgs["wuhou"], org_path="/", region_code="510107", as_of=day,
                           criteria="{}")
            s.add(wl)
            s.flush()
            listed = WhitelistEntry(whitelist_id=wl.id, party_key=PLEDGOR, name=PLEDGOR, region_code="510107",
                                    valid_patents=4, high_value_patents=1, inventions=4)
            s.add(listed)
            s.flush()
            if title.endswith("一批"):
                s.add(WhitelistFeedback(entry_id=listed.id, bank_org_id=world.orgs["bank"], decision="approved",
                                        loan_amount=Decimal("3000000.00"), at=at(D(2026, 4, 10))))
        assert s.scalar(select(Pledge.id).where(Pledge.status == "applied")) is not None
    paths = export_workflow(world.engine, world.service.registry, settings.data_dir, now=utcnow())
    assert {p.name for p in paths} >= {"finance_register.parquet", "finance_ledger.parquet"}
    assert export_workflow(world.engine, world.service.registry, settings.data_dir, if_changed=True) == []
    return Recorded(world, settings.data_dir, world.snapshot[0], today)


def _values(snapshot: Any, codes: list[str], region: str, as_of: dt.date, engine: str = "duckdb") -> dict[str, Any]:
    return {v.code: v.value for v in service.compute(codes, [region], as_of, snapshot=snapshot, engine=engine)}


def test_finance_figures_by_hand(exported: dict[str, Any]) -> None:
    snap, today = exported["snapshot"], exported["today"]
    expected = {"finance_pledge_registrations": 3, "finance_pledged_rights": 6,
                "finance_pledge_secured_amount": Decimal("3500000.50"), "finance_first_time_pledgors": 1,
                "finance_whitelist_enterprises": 1, "finance_whitelist_loans": 3_000_000}
    for region in ("510107", "5101", "CN"):
        assert _values(snap, CODES, region, YEAR_END) == expected, region
    assert set(_values(snap, CODES, "510104", YEAR_END).values()) <= {0, None}  # another district
    # before the second and third registrations (and before any whitelist)
    assert _values(snap, CODES[:3], "510107", D(2026, 3, 5)) == {
        "finance_pledge_registrations": 1, "finance_pledged_rights": 3, "finance_pledge_secured_amount": 1_000_000}
    funds_now = _values(snap, FUND_CODES, "440400", today)
    assert funds_now == {"finance_fund_claims": 1, "finance_fund_claim_amount": 800_000, "finance_fund_payouts": 800_000,
                         "finance_fund_balance": 200_000, "finance_fund_outstanding": 3_000_000,
                         "finance_fund_leverage": 15.0}
    # the drill-down lists the records behind each number
    rights = service.drilldown("finance_pledged_rights", "510107", YEAR_END, snapshot=snap).to_pylist()
    assert sorted((r["kind"], r["industry"]) for r in rights) == [
        ("dataip", ""), ("patent", "0"), ("patent", "1"), ("patent", "1"), ("patent", "2"), ("trademark", "")]
    # the export names each industry in both languages, as region exports carry name and name_en
    assert {(r["industry"], r["industry_name"], r["industry_name_en"]) for r in rights} == {
        ("", "未分类（仅商标或数据知识产权）", "Unclassified (trademarks or data IP only)"),
        ("0", "非战略性新兴产业", "Not a strategic emerging industry"),
        ("1", "新一代信息技术产业", "New-generation information technology"),
        ("2", "高端装备制造产业", "High-end equipment manufacturing")}


def test_public_statistics_break_the_registrations_down_by_bank_and_industry(exported: dict[str, Any]) -> None:
    data = statistics(exported["snapshot"], "510107", YEAR_END)
    figures = {f["code"]: f["value"] for f in data["figures"]}
    assert figures["finance_pledge_registrations"] == 3 and "ip_pledge_count" in figures
    assert data["by"]["bank"]["registrations"] == [{"bank": BANK, "count": 3, "amount": "3500000.50"}]
    assert data["by"]["industry"]["registrations"] == [
        {"industry": "新一代信息技术产业", "industry_en": "New-generation information technology", "count": 1,
         "amount": "1000000.00"},
        {"industry": "未分类（仅商标或数据知识产权）", "industry_en": "Unclassified (trademarks or data IP only)",
         "count": 1, "amount": "2000000.00"},
        {"industry": "非战略性新兴产业", "industry_en": "Not a strategic emerging industry", "count": 1,
         "amount": "500000.50"}]
    assert sum(x["count"] for x in data["by"]["industry"]["rights"]) == figures["finance_pledged_rights"]


@pytest.mark.spark
def test_spark_computes_the_same_finance_figures(exported: dict[str, Any]) -> None:
    snap, today = exported["snapshot"], exported["today"]
    for region in ("510107", "5101"):
        assert _values(snap, CODES, region, YEAR_END, "spark") == _values(snap, CODES, region, YEAR_END)
    assert _values(snap, FUND_CODES, "4404", today, "spark") == _values(snap, FUND_CODES, "4404", today)


@pytest.mark.one_database("labels are read from the exported Parquet by DuckDB; the export from PostgreSQL is tested in test_finance_figures_by_hand")
def test_every_finance_drill_down_reads_labels_not_codes(exported: dict[str, Any]) -> None:
    """A pledge's state and a right's kind are stored as codes; the records page shows their labels."""
    assert unlabelled_codes(exported["snapshot"], "zhichan.finance", "CN", YEAR_END) == []


def test_an_export_whose_columns_changed_is_written_again(recorded: Recorded, module_engine_copy: Engine,
                                                          settings: Settings) -> None:
    """A release that adds a column (industry_name_en) rewrites the table though its rows did not change:
    the SQL reading the new column never meets an old file."""
    import json
    import shutil

    import pyarrow.parquet as pq

    data_dir = settings.data_dir  # a copy of the module's records (the export reads the corpus there): it is rewritten
    shutil.copytree(recorded.data_dir, data_dir)
    meta = data_dir / "workflow" / "export.json"
    done = json.loads(meta.read_text("utf-8"))
    old = pq.read_table(data_dir / "workflow" / "finance_register.parquet").drop(["industry_name_en"])
    pq.write_table(old, data_dir / "workflow" / "finance_register.parquet")
    done["finance_register"]["schema"] = "an older release"
    meta.write_text(json.dumps(done), "utf-8")
    again = export_workflow(module_engine_copy, recorded.world.service.registry, data_dir, if_changed=True)
    assert [p.name for p in again] == ["finance_register.parquet"]
    assert "industry_name_en" in pq.read_schema(again[0]).names
