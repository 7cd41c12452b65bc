"""The exchange's statistics (issue item 9) through the Domain figures mechanism (:mod:`zhichan.figures`):
its register tables exported as workflow tables, read through the relations of ``sql/``, and the
indicators over them — listings posted, open licences published and in force, licences formed under
them with their fees, deals contracted and their amounts in total, by pricing method and by trading
mode, and the dormant patents of universities and institutes inventoried, in the 转化资源库 and activated. Each figure is counted in the region of the organization that posted, declared or sold; money
is ``decimal128(18, 2)``, summed exactly on DuckDB and Spark.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.exchange.models import Deal, DormantPatent, Listing, OpenLicence, OpenLicenceGrant
from zhichan.figures import ExportContext, Figures, Relation, WorkflowTable, batches_of
from zhichan.indicators.models import AsOf, IndicatorDef
from zhichan.legaltime import china_date
from zhichan.platform.models import Organization

MONEY = pa.decimal128(18, 2)
CATEGORY = "运用"
_FLOW: AsOf = "flow"
_STOCK: AsOf = "stock"

LISTINGS = pa.schema([
    pa.field("listing_id", pa.int64(), nullable=False), pa.field("asset_kind", pa.string(), nullable=False),
    pa.field("asset_number", pa.string(), nullable=False), pa.field("title", pa.string()),
    pa.field("mode", pa.string(), nullable=False), pa.field("state", pa.string(), nullable=False),
    pa.field("price_yuan", MONEY), pa.field("owner", pa.string()), pa.field("party_key", pa.string()),
    pa.field("region_code", pa.string(), nullable=False), pa.field("listed_on", pa.date32(), nullable=False),
    pa.field("synthetic", pa.bool_(), nullable=False),
])
OPEN_LICENCES = pa.schema([
    pa.field("declaration_id", pa.int64(), nullable=False), pa.field("application_number", pa.string(), nullable=False),
    pa.field("title", pa.string()), pa.field("patentee", pa.string()), pa.field("party_key", pa.string()),
    pa.field("state", pa.string(), nullable=False), pa.field("region_code", pa.string(), nullable=False),
    pa.field("published_on", pa.date32()), pa.field("ended_on", pa.date32()),
    pa.field("synthetic", pa.bool_(), nullable=False),
])
LICENCES = pa.schema([
    pa.field("grant_id", pa.int64(), nullable=False), pa.field("declaration_id", pa.int64(), nullable=False),
    pa.field("application_number", pa.string(), nullable=False), pa.field("patentee", pa.string()),
    pa.field("party_key", pa.string()), pa.field("licensee", pa.string()),
    pa.field("region_code", pa.string(), nullable=False), pa.field("effective_on", pa.date32(), nullable=False),
    pa.field("recorded_on", pa.date32()), pa.field("paid_yuan", MONEY, nullable=False),
    pa.field("synthetic", pa.bool_(), nullable=False),
])
DEALS = pa.schema([
    pa.field("deal_id", pa.int64(), nullable=False), pa.field("case_id", pa.int64(), nullable=False),
    pa.field("application_number", pa.string(), nullable=False), pa.field("title", pa.string()),
    pa.field("seller", pa.string()), pa.field("party_key", pa.string()), pa.field("buyer", pa.string()),
    pa.field("pricing_method", pa.string(), nullable=False), pa.field("trading_mode", pa.string(), nullable=False),
    pa.field("deal_kind", pa.string(), nullable=False), pa.field("state", pa.string(), nullable=False),
    pa.field("contract_price", MONEY), pa.field("contract_on", pa.date32()), pa.field("recorded_on", pa.date32()),
    pa.field("region_code", pa.string(), nullable=False), pa.field("synthetic", pa.bool_(), nullable=False),
])

DORMANT = pa.schema([
    pa.field("dormant_id", pa.int64(), nullable=False), pa.field("application_number", pa.string(), nullable=False),
    pa.field("title", pa.string()), pa.field("institution", pa.string()), pa.field("party_key", pa.string()),
    pa.field("region_code", pa.string(), nullable=False), pa.field("inventoried_on", pa.date32(), nullable=False),
    pa.field("approved_on", pa.date32()), pa.field("listed_on", pa.date32()), pa.field("activated_on", pa.date32()),
    pa.field("activated_by", pa.string()), pa.field("synthetic", pa.bool_(), nullable=False),
])


def _regions(session: Session) -> dict[int, str]:
    return {org_id: region for org_id, region in session.execute(select(Organization.id, Organization.region_code))}


def _version(model: Any) -> Any:
    """Changes when a row is added or changes state (the count per state)."""
    def version(session: Session) -> str:
        rows = session.execute(select(model.state, func.count(), func.max(model.id)).group_by(model.state)).all()
        return ";".join(f"{state}:{count}:{top}" for state, count, top in sorted(rows))
    return version


def listing_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    regions = _regions(ctx.session)
    rows = ({"listing_id": r.id, "asset_kind": r.asset_kind, "asset_number": r.asset_number, "title": r.title,
             "mode": r.mode, "state": r.state, "price_yuan": r.price_yuan, "owner": r.owner, "party_key": r.party_key,
             "region_code": regions.get(r.org_id, ""), "listed_on": china_date(r.created_at), "synthetic": r.synthetic}
            for r in ctx.session.scalars(select(Listing).order_by(Listing.id)))
    yield from batches_of(rows, LISTINGS)


def open_licence_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    regions = _regions(ctx.session)
    rows = ({"declaration_id": r.id, "application_number": r.application_number, "title": r.title,
             "patentee": r.patentee, "party_key": r.party_key, "state": r.state, "region_code": regions.get(r.org_id, ""),
             "published_on": r.published_on, "ended_on": r.ended_on, "synthetic": r.synthetic}
            for r in ctx.session.scalars(select(OpenLicence).order_by(OpenLicence.id)))
    yield from batches_of(rows, OPEN_LICENCES)


def licence_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    regions = _regions(ctx.session)
    query = select(OpenLicenceGrant, OpenLicence).join(OpenLicence, OpenLicence.id == OpenLicenceGrant.open_licence_id)
    rows = ({"grant_id": g.id, "declaration_id": d.id, "application_number": d.application_number,
             "patentee": d.patentee, "party_key": d.party_key, "licensee": g.licensee,
             "region_code": regions.get(d.org_id, ""), "effective_on": g.effective_on, "recorded_on": g.recorded_on,
             "paid_yuan": g.paid_yuan, "synthetic": d.synthetic}
            for g, d in ctx.session.execute(query.order_by(OpenLicenceGrant.id)))
    yield from batches_of(rows, LICENCES)


def licences_version(session: Session) -> str:
    count, top, recorded = session.execute(select(func.count(OpenLicenceGrant.id), func.max(OpenLicenceGrant.id),
                                                  func.count(OpenLicenceGrant.recorded_on))).one()
    return f"{count}:{top}:{recorded}"


def deal_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    regions = _regions(ctx.session)
    rows = ({"deal_id": r.id, "case_id": r.case_id, "application_number": r.application_number, "title": r.title,
             "seller": r.seller, "party_key": r.party_key, "buyer": r.buyer, "pricing_method": r.pricing_method,
             "trading_mode": r.trading_mode, "deal_kind": r.deal_kind, "state": r.state,
             "contract_price": r.contract_price, "contract_on": r.contract_on, "recorded_on": r.recorded_on,
             "region_code": regions.get(r.org_id, ""), "synthetic": r.synthetic}
            for r in ctx.session.scalars(select(Deal).order_by(Deal.id)))
    yield from batches_of(rows, DEALS)


def dormant_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    regions = _regions(ctx.session)
    rows = ({"dormant_id": r.id, "application_number": r.application_number, "title": r.title,
             "institution": r.institution, "party_key": r.party_key, "region_code": regions.get(r.org_id, ""),
             "inventoried_on": r.inventoried_on, "approved_on": r.approved_on, "listed_on": r.listed_on,
             "activated_on": r.activated_on, "activated_by": r.activated_by, "synthetic": r.synthetic}
            for r in ctx.session.scalars(select(DormantPatent).order_by(DormantPatent.id)))
    yield from batches_of(rows, DORMANT)


def dormant_version(session: Session) -> str:
    count, top, approved, listed, activated = session.execute(select(
        func.count(DormantPatent.id), func.max(DormantPatent.id), func.count(DormantPatent.approved_on),
        func.count(DormantPatent.listed_on), func.count(DormantPatent.activated_on))).one()
    return f"{count}:{top}:{approved}:{listed}:{activated}"


#: the six pricing methods and five trading modes (exchange.deal.yaml) with the codes of their figures
#: — each with the words of the figure's English name and the choice's English label as the deal form shows it
PRICING_METHODS = (("协议定价", "agreed", "agreed price", "Negotiated price"),
                   ("评估定价", "appraised", "appraised price", "Appraised price"),
                   ("网络竞价", "online_bidding", "online auction", "Online auction"),
                   ("拍卖竞价", "auction", "auction", "Auction"),
                   ("竞争性谈判", "negotiation", "competitive negotiation", "Competitive negotiation"),
                   ("大数据系统估价", "system_valuation", "the platform's valuation", "Big-data valuation"))
TRADING_MODES = (("协议交易", "agreement", "by agreement", "Negotiated deal"), ("竞价交易", "bidding", "by bidding", "Bidding"),
                 ("定向交易", "directed", "directed", "Directed deal"), ("挂牌转让", "listed", "listed", "Listed transfer"),
                 ("联盟交易", "alliance", "within an alliance", "Alliance deal"))


def _defs() -> list[IndicatorDef]:
    d = [
        IndicatorDef("exchange_listings_posted", "交易大厅挂牌量", "Exchange listings posted", "项", "count", _FLOW,
                     "当年1月1日至统计日在交易大厅发布的挂牌（专利、商标的转让、许可、作价入股）数，按挂牌单位所在地统计。",
                     "Listings posted in the exchange hall (transfers, licences and contributions as capital of patents and "
                     "trademarks) from 1 January to the statistics date, counted where the listing organization is located.", CATEGORY, "exchange_listing_posts", "listed_in_period"),
        IndicatorDef("exchange_open_licences_published", "专利开放许可声明公告量", "Open licences published", "件",
                     "count", _FLOW, "当年1月1日至统计日公告的专利开放许可声明数（按声明单位所在地）。",
                     "Open-licence declarations of patents published from 1 January to the statistics date (counted where the "
                     "declaring organization is located).", CATEGORY,
                     "exchange_open_licence_status", "published_in_period"),
        IndicatorDef("exchange_open_licences_in_force", "有效的专利开放许可声明", "Open licences in force", "件",
                     "count", _STOCK, "统计日已公告、且未撤回或撤销的专利开放许可声明数。",
                     "Open-licence declarations of patents published and neither withdrawn nor revoked on the statistics date.", CATEGORY,
                     "exchange_open_licence_status", "in_force"),
        IndicatorDef("exchange_open_licences_taken", "开放许可达成量", "Licences formed under open licences", "件",
                     "count", _FLOW, "当年1月1日至统计日生效的开放许可实施许可数（书面通知并支付许可使用费，专利法第五十一条）。",
                     "Licences under open licences that took effect from 1 January to the statistics date (written notice and "
                     "payment of the fee, Patent Law art. 51).", CATEGORY,
                     "exchange_licences_formed", "formed_in_period"),
        IndicatorDef("exchange_open_licence_fees", "开放许可使用费", "Open-licence fees paid", "元", "amount", _FLOW,
                     "上述开放许可实施许可已支付的许可使用费之和。", "The licence fees paid under those licences added up.", CATEGORY,
                     "exchange_licences_formed", "formed_in_period", amount="paid_yuan"),
        IndicatorDef("exchange_licence_deals", "许可交易签约量", "Licence deals contracted", "件", "count", _FLOW,
                     "当年1月1日至统计日签约的独占、排他、普通许可交易数（不含已终止交易）。",
                     "Deals of exclusive, sole or ordinary licences contracted from 1 January to the statistics date (deals ended "
                     "without effect left out).", CATEGORY,
                     "exchange_deal_records", "contracted_in_period AND is_licence"),
        IndicatorDef("exchange_deals_contracted", "交易签约量", "Deals contracted", "件", "count", _FLOW,
                     "当年1月1日至统计日签约的交易数（不含已终止交易），按卖方所在地统计。",
                     "Deals contracted from 1 January to the statistics date (deals ended without effect left out), counted "
                     "where the seller is located.", CATEGORY, "exchange_deal_records", "contracted_in_period"),
        IndicatorDef("exchange_deal_amount", "交易签约金额", "Amount of deals contracted", "元", "amount", _FLOW,
                     "上述交易的合同金额之和。", "The contract prices of those deals added up.", CATEGORY,
                     "exchange_deal_records", "contracted_in_period", amount="amount_yuan"),
        IndicatorDef("exchange_dormant_inventoried", "存量专利盘点量", "Dormant patents inventoried", "件", "count",
                     _STOCK, "截至统计日高校、科研机构盘点出的存量专利数：盘点日有效、且此前从未转让或许可的专利"
                     "（国知发运字〔2024〕5号），按单位所在地统计。",
                     "Dormant patents universities and research institutes have inventoried by the statistics date: in "
                     "force on the day of the inventory and never transferred or licensed before it (CNIPA notice "
                     "〔2024〕No. 5), counted where the institution is located.", CATEGORY, "exchange_dormant_status", "inventoried"),
        IndicatorDef("exchange_dormant_in_pool", "转化资源库存量专利", "Dormant patents in the transfer pool", "件",
                     "count", _STOCK, "统计日已经学院、学校审核入库（转化资源库）且尚未盘活的存量专利数。",
                     "Dormant patents approved into the transfer pool by their college and university and not yet activated on "
                     "the statistics date.",
                     CATEGORY, "exchange_dormant_status", "in_pool"),
        IndicatorDef("exchange_dormant_activated", "存量专利盘活量", "Dormant patents activated", "件", "count", _FLOW,
                     "当年1月1日至统计日盘活的存量专利数：盘点后首次转让或许可（语料记录），或在交易大厅签订交易合同。",
                     "Dormant patents activated from 1 January to the statistics date: first transferred or licensed "
                     "after the inventory (in the patent data), or whose deal was contracted in the exchange hall.", CATEGORY, "exchange_dormant_status",
                     "activated_in_period"),
    ]
    for column, values, zh_kind, en_kind in (("pricing_method", PRICING_METHODS, "定价方式", "priced by"),
                                             ("trading_mode", TRADING_MODES, "交易模式", "traded")):
        en_column = "pricing method" if column == "pricing_method" else "trading mode"
        prefix = "method" if column == "pricing_method" else "mode"
        for label, slug, english, choice_en in values:
            where = f"contracted_in_period AND {column} = '{label}'"
            d.append(IndicatorDef(
                f"exchange_deals_{prefix}_{slug}", f"交易签约量（{label}）", f"Deals contracted, {en_kind} {english}",
                "件", "count", _FLOW, f"当年1月1日至统计日签约、{zh_kind}为“{label}”的交易数。",
                f"Deals contracted from 1 January to the statistics date whose {en_column} is “{choice_en}”.", CATEGORY,
                "exchange_deal_records", where))
            d.append(IndicatorDef(
                f"exchange_deal_amount_{prefix}_{slug}", f"交易签约金额（{label}）",
                f"Amount of deals contracted, {en_kind} {english}", "元", "amount", _FLOW,
                f"当年1月1日至统计日签约、{zh_kind}为“{label}”的交易的合同金额之和。",
                f"The contract prices of the deals contracted from 1 January to the statistics date whose {en_column} "
                f"is “{choice_en}” added up.", CATEGORY, "exchange_deal_records", where,
                amount="amount_yuan"))
    return d


FIGURES = Figures(
    tables=(WorkflowTable("exchange_listings", LISTINGS, listing_batches, _version(Listing)),
            WorkflowTable("exchange_open_licences", OPEN_LICENCES, open_licence_batches, _version(OpenLicence)),
            WorkflowTable("exchange_licences", LICENCES, licence_batches, licences_version),
            WorkflowTable("exchange_deals", DEALS, deal_batches, _version(Deal)),
            WorkflowTable("exchange_dormant_patents", DORMANT, dormant_batches, dormant_version)),
    relations=(
        Relation("exchange_listing_posts", "zhichan.exchange", ("listing_id", "party_key", "owner", None),
                 ("listing_id", "asset_kind", "asset_number", "title", "mode", "state", "price_yuan", "owner", "geo",
                  "listed_on", "synthetic"),
                 labels=(("asset_kind", "exchange.asset_kind"), ("mode", "exchange.listing_mode"),
                         ("state", "exchange.state"))),
        Relation("exchange_open_licence_status", "zhichan.exchange", ("declaration_id", "party_key", "patentee", None),
                 ("declaration_id", "application_number", "title", "patentee", "geo", "published_on", "ended_on",
                  "synthetic")),
        Relation("exchange_licences_formed", "zhichan.exchange", ("grant_id", "party_key", "patentee", None),
                 ("grant_id", "declaration_id", "application_number", "patentee", "licensee", "geo", "effective_on",
                  "recorded_on", "paid_yuan", "synthetic")),
        Relation("exchange_deal_records", "zhichan.exchange", ("deal_id", "party_key", "seller", None),
                 ("deal_id", "case_id", "application_number", "title", "seller", "buyer", "pricing_method",
                  "trading_mode", "deal_kind", "amount_yuan", "contract_on", "recorded_on", "geo", "synthetic"),
                 # the declaration's choices (exchange.deal.yaml) are stored as their Chinese text
                 labels=(("pricing_method", "choice"), ("trading_mode", "choice"), ("deal_kind", "choice"))),
        Relation("exchange_dormant_status", "zhichan.exchange", ("dormant_id", "party_key", "institution", None),
                 ("dormant_id", "application_number", "title", "institution", "geo", "inventoried_on", "approved_on",
                  "listed_on", "activated_on", "activated_by", "synthetic"),
                 labels=(("activated_by", "exchange.dormant.by"),)),
    ),
    indicators=_defs,
)
