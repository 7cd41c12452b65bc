"""The exchange's statistics (SQLite and PostgreSQL): listings, open licences, licences formed under
them and deals by pricing method and trading mode, exported through the Domain figures mechanism and
computed on DuckDB — checked against hand-counted records, with drill-down — and on Spark, equal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.exchange.helpers import Exchange, declaration, moment, open_exchange
from tests.exchange.test_open_licence import _another_enterprise, _file, _publish
from tests.procedures.helpers import pdf
from zhichan.evidence.keys import SigningKey
from zhichan.exchange.deals import PROCEDURE as DEAL
from zhichan.exchange.listings import create_listing
from zhichan.exchange.openlicence import take_licence
from zhichan.figures import export_workflow
from zhichan.indicators import service
from zhichan.platform.db import session_scope

D = dt.date
PDF = b"%PDF-1.4 notice"
CODES = ["exchange_listings_posted", "exchange_open_licences_published", "exchange_open_licences_in_force",
         "exchange_open_licences_taken", "exchange_open_licence_fees", "exchange_licence_deals",
         "exchange_deals_contracted", "exchange_deal_amount", "exchange_deals_method_agreed",
         "exchange_deal_amount_method_agreed", "exchange_deals_method_auction", "exchange_deal_amount_method_auction",
         "exchange_deals_method_system_valuation", "exchange_deals_mode_bidding", "exchange_deal_amount_mode_bidding",
         "exchange_deals_mode_agreement"]


def _deal(ex: Exchange, name: str, method: str, mode: str, kind: str, price: str, day: D,
          then: tuple[str, ...] = ("sign",)) -> None:
    fields = {"patent_number": ex.numbers[name], "buyer": "某受让企业", "pricing_method": method, "trading_mode": mode,
              "deal_kind": kind, "price": price}
    with session_scope(ex.world.engine) as s:
        case = ex.world.service.start(s, ex.world.scope("ent_user"), DEAL, fields=fields, now=moment(day))
    for version, event in enumerate(then, 1):
        step = {"sign": {"contract_on": day.isoformat(), "contract_price": price}, "abandon": {"reason": "买方放弃"}}[event]
        with session_scope(ex.world.engine) as s:
            ex.world.service.act(s, ex.world.scope("ent_user"), case["id"], event, version=version, fields=step,
                                 uploads=(pdf("doc0", "合同.pdf"),) if event == "sign" else (), now=moment(day))


@pytest.fixture(scope="module")
def exported(module_engine: Engine, tmp_path_factory: pytest.TempPathFactory, signing_key: SigningKey) -> Exchange:
    """The listings, the open licence and the deals recorded and exported once per module and database: the tests
    read them; one that writes takes a copy."""
    folder = tmp_path_factory.mktemp("exchange-figures")
    ex = open_exchange(module_engine, folder, signing_key)
    with session_scope(ex.world.engine) as s:
        for name, mode in (("ok", "sale"), ("resumed", "ordinary")):
            create_listing(s, ex.world.scope("ent_user"), ex.snapshot, asset_kind="patent", number=ex.numbers[name],
                           mode=mode, price="", description="", pledgee_consent=False, now=moment(D(2026, 3, 2)))
    case = _file(ex, declaration(ex.numbers["ok"]))
    _publish(ex, case["id"], D(2026, 3, 5))
    licensee = ex.world.scope(_another_enterprise(ex))
    with session_scope(ex.world.engine) as s:
        from sqlalchemy import select

        from zhichan.exchange.models import OpenLicence

        declaration_id = s.scalar(select(OpenLicence.id))
        take_licence(s, licensee, ex.world.service.evidence, declaration_id, licensee="某被许可公司",
                     notice_on="2026-04-10", paid_yuan="50000", paid_on="2026-04-11", notice=PDF, payment_proof=PDF,
                     now=moment(D(2026, 4, 12)))
    _deal(ex, "ok", "协议定价", "协议交易", "转让", "1150000.50", D(2026, 3, 10))
    _deal(ex, "resumed", "拍卖竞价", "竞价交易", "普通许可", "300000", D(2026, 5, 6))
    _deal(ex, "expired_exclusive", "拍卖竞价", "竞价交易", "转让", "999999", D(2026, 5, 7), ("sign", "abandon"))
    _deal(ex, "ordinary_licensed", "协议定价", "协议交易", "转让", "777777", D(2026, 5, 8), ())  # intent only
    export_workflow(ex.world.engine, ex.world.service.registry, folder / "var", now=moment(D(2026, 6, 30)))
    return ex


def _values(snapshot: Any, region: str, as_of: D, engine: str = "duckdb") -> dict[str, Any]:
    return {v.code: v.value for v in service.compute(CODES, [region], as_of, snapshot=snapshot, engine=engine)}


def test_exchange_figures_by_hand(exported: Exchange) -> None:
    june = _values(exported.snapshot, "510107", D(2026, 6, 30))
    assert june == {
        "exchange_listings_posted": 2, "exchange_open_licences_published": 1, "exchange_open_licences_in_force": 1,
        "exchange_open_licences_taken": 1, "exchange_open_licence_fees": 50000, "exchange_licence_deals": 1,
        "exchange_deals_contracted": 2, "exchange_deal_amount": Decimal("1450000.50"),
        "exchange_deals_method_agreed": 1, "exchange_deal_amount_method_agreed": Decimal("1150000.50"),
        "exchange_deals_method_auction": 1, "exchange_deal_amount_method_auction": 300000,
        "exchange_deals_method_system_valuation": 0, "exchange_deals_mode_bidding": 1,
        "exchange_deal_amount_mode_bidding": 300000, "exchange_deals_mode_agreement": 1,
    }
    march = _values(exported.snapshot, "510107", D(2026, 3, 31))  # before the licence and the auction deal
    assert (march["exchange_open_licences_taken"], march["exchange_deals_contracted"],
            march["exchange_deal_amount"]) == (0, 1, Decimal("1150000.50"))
    assert _values(exported.snapshot, "510100", D(2026, 6, 30))["exchange_deals_contracted"] == 2  # the city
    assert _values(exported.snapshot, "510104", D(2026, 6, 30))["exchange_deals_contracted"] == 0  # another district
    records = service.drilldown("exchange_deal_amount", "510107", D(2026, 6, 30), snapshot=exported.snapshot)
    assert sorted(Decimal(str(v)) for v in records.column("amount_yuan").to_pylist()) == \
        [Decimal("300000.00"), Decimal("1150000.50")]
    assert sorted(records.column("pricing_method").to_pylist()) == ["协议定价", "拍卖竞价"]


@pytest.mark.spark
def test_spark_computes_the_same_exchange_figures(exported: Exchange) -> None:
    for region in ("510107", "510100"):
        assert _values(exported.snapshot, region, D(2026, 6, 30), "spark") == \
            _values(exported.snapshot, region, D(2026, 6, 30))


def test_the_records_page_reads_how_a_dormant_patent_was_activated_in_its_language() -> None:
    """``activated_by`` is stored as a code (transfer / licence / deal); the records page reads it as the
    dormant page does (exchange.dormant.by.*), the API's records keep the code."""
    from zhichan.indicators.views import labelled_records

    data = {"drill_indicator": "exchange_dormant_activated",
            "records": [{"dormant_id": 1, "activated_by": "deal"}, {"dormant_id": 2, "activated_by": "transfer"},
                        {"dormant_id": 3, "activated_by": "licence"}, {"dormant_id": 4, "activated_by": None}]}
    assert [r["activated_by"] for r in labelled_records(data, "zh")["records"]] == ["交易签约", "转让", "许可", None]
    assert [r["activated_by"] for r in labelled_records(data, "en")["records"]] == \
        ["Deal contracted", "Transfer", "Licence", None]
    assert [r["activated_by"] for r in data["records"]] == ["deal", "transfer", "licence", None]
    other = {"drill_indicator": "exchange_open_licences_taken", "records": [{"grant_id": 1, "licensee": "deal"}]}
    assert labelled_records(other, "en") == other  # a relation without coded columns is left as it is


@pytest.mark.one_database("labels are read from the exported Parquet by DuckDB; the export from PostgreSQL is tested in test_exchange_figures_by_hand")
def test_every_exchange_drill_down_reads_labels_not_codes(exported: Exchange, module_engine_copy: Engine,
                                                         tmp_path: Path) -> None:
    """Every exchange relation's records page shows labels, never stored codes (a listing's kind, mode and
    state, a deal's choices, how a dormant patent was activated), in Chinese and English."""
    import shutil

    from sqlalchemy import select

    from tests.helpers import unlabelled_codes
    from zhichan.corpus.store import CorpusStore
    from zhichan.exchange.models import DormantPatent
    from zhichan.platform.models import Organization

    # a dormant patent added to a copy of the module's records (database and data folder)
    shutil.copytree(exported.snapshot.path.parents[2], tmp_path / "var")
    snapshot = CorpusStore(tmp_path / "var" / "corpus").current()
    with session_scope(module_engine_copy) as s:  # a dormant patent activated by the deal above
        org = s.scalars(select(Organization).where(Organization.name == "成都示例科技有限公司")).one()
        s.add(DormantPatent(org_id=org.id, org_path=org.path, party_key=org.party_key or org.name,
                            institution=org.name, application_number=exported.numbers["ok"], title="合成休眠专利",
                            kind="invention", inventoried_on=D(2026, 2, 2), state="approved", approved_on=D(2026, 2, 9),
                            listed_on=D(2026, 2, 10), activated_on=D(2026, 3, 10), activated_by="deal", synthetic=True))
    export_workflow(module_engine_copy, exported.world.service.registry, tmp_path / "var", now=moment(D(2026, 6, 30)))
    assert unlabelled_codes(snapshot, "zhichan.exchange", "CN", D(2026, 6, 30)) == []
