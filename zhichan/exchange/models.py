"""Tables of the exchange (运营交易大厅): open-licence declarations and the licences formed under them,
listings, online auctions with their append-only bids, technology needs.

An open-licence declaration moves through its states as a case of the declared procedure
``exchange.open_licence``; :class:`OpenLicence` is its register row, kept in step by the procedure hook.
Money is NUMERIC (``Decimal``); days are China calendar dates; moments naive UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.platform.db import MONEY, Base
from zhichan.platform.models import utcnow
from zhichan.procedures import models as procedure_models  # noqa: F401 - the table case_id refers to


class OpenLicence(Base):
    """专利开放许可声明: one per ``exchange.open_licence`` case."""

    __tablename__ = "exchange_open_licences"
    __table_args__ = (Index("ix_exchange_open_licences_state", "state", "published_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), unique=True)
    application_number: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(500))
    patent_kind: Mapped[str] = mapped_column(String(20))
    application_date: Mapped[dt.date] = mapped_column(Date)
    #: the patent's IPC codes, space-separated (the catalogue's IPC filter is a prefix of one of them)
    ipc: Mapped[str] = mapped_column(String(500), default="")
    patent_region: Mapped[str] = mapped_column(String(12), default="")
    patentee: Mapped[str] = mapped_column(String(300))
    #: fixed | sales_royalty | profit_royalty
    fee_method: Mapped[str] = mapped_column(String(20))
    payment_schedule: Mapped[str] = mapped_column(String(40))
    #: yuan for a fixed fee, per cent for a royalty
    fee_value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    fee_note: Mapped[str] = mapped_column(Text)
    term_from: Mapped[dt.date] = mapped_column(Date)
    term_until: Mapped[dt.date] = mapped_column(Date)
    contact: Mapped[str] = mapped_column(String(300))
    #: filed | published | refused | withdrawn | revoked (the case's state)
    state: Mapped[str] = mapped_column(String(20))
    published_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: withdrawn or revoked on (the annuity reduction stops from the next patent year)
    ended_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    party_key: Mapped[str | None] = mapped_column(String(300), index=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OpenLicenceGrant(Base):
    """A licence formed under a published declaration: written notice plus payment (专利法 第五十一条),
    then recorded (备案, 细则 第八十七条)."""

    __tablename__ = "exchange_open_licence_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    open_licence_id: Mapped[int] = mapped_column(ForeignKey("exchange_open_licences.id"), index=True)
    licensee: Mapped[str] = mapped_column(String(300))
    licensee_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    licensee_key: Mapped[str | None] = mapped_column(String(300), index=True)
    notice_on: Mapped[dt.date] = mapped_column(Date)
    paid_yuan: Mapped[Decimal] = mapped_column(MONEY)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    #: the licence exists from the later of notice and payment, until the declaration's term ends
    effective_on: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date] = mapped_column(Date)
    recorded_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: the evidence-log entries of the notice and payment proof, and of the 备案
    evidence_index: Mapped[int] = mapped_column(Integer)
    record_evidence_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Listing(Base):
    """挂牌: a patent or trademark offered for sale, licence or as capital contribution."""

    __tablename__ = "exchange_listings"
    #: a text search reads indexes only: _walk the public listings newest first (and the list's page; without
    #: it SQLite sorts every active listing to find the newest), _number_state its hits looked up by number
    #: with the visibility filter — both carry the kind and mode, or SQLite's planner prefers the other one
    __table_args__ = (Index("ix_exchange_listings_state", "state", "created_at"),
                      Index("ix_exchange_listings_number_state", "asset_number", "state", "asset_kind", "mode"),
                      Index("ix_exchange_listings_walk", "state", "id", "asset_kind", "asset_number", "mode"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: patent | trademark
    asset_kind: Mapped[str] = mapped_column(String(20))
    asset_number: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(500))
    #: sale | exclusive | sole | ordinary | equity
    mode: Mapped[str] = mapped_column(String(20))
    #: None: 面议 (price by negotiation)
    price_yuan: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: the description in English where the lister gives one (English pages show it; either page the one given)
    description_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    owner: Mapped[str] = mapped_column(String(300))
    ipc: Mapped[str] = mapped_column(String(500), default="")
    asset_region: Mapped[str] = mapped_column(String(12), default="")
    pledgee_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    #: active | withdrawn | concluded
    state: Mapped[str] = mapped_column(String(20), default="active")
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    party_key: Mapped[str | None] = mapped_column(String(300), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Auction(Base):
    """网络竞价 on a listing: ascending bids over a deposit, a starting price, a minimum increment and a
    reserve; the close moves later when a bid arrives in its last minutes."""

    __tablename__ = "exchange_auctions"
    __table_args__ = (Index("ix_exchange_auctions_open", "state", "closes_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("exchange_listings.id"), index=True)
    starting_price: Mapped[Decimal] = mapped_column(MONEY)
    increment: Mapped[Decimal] = mapped_column(MONEY)
    reserve: Mapped[Decimal] = mapped_column(MONEY)
    deposit: Mapped[Decimal] = mapped_column(MONEY)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: the scheduled close as first announced, and as extended by late bids
    scheduled_close: Mapped[dt.datetime] = mapped_column(DateTime)
    closes_at: Mapped[dt.datetime] = mapped_column(DateTime)
    extend_window_minutes: Mapped[int] = mapped_column(Integer)
    extend_by_minutes: Mapped[int] = mapped_column(Integer)
    #: open | suspended (中止: no bids, its close waits) | terminated (终止: no result) | closed
    #: (:mod:`zhichan.exchange.auction_stops`)
    state: Mapped[str] = mapped_column(String(20), default="open")
    #: when it was suspended (while ``suspended``): the time left then runs on from its resumption
    suspended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    #: bumped by every accepted bid: the row lock that serializes concurrent bidders
    bid_count: Mapped[int] = mapped_column(Integer, default=0)
    high_bid: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    high_bid_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    #: sold (reserve met) | unsold (no bid, or the reserve not met)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    winner_bid_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    close_evidence_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the ``exchange.deal`` case the close opened with the winner at the winning price
    deal_case_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_cases.id"), nullable=True)
    #: why the close could not open the deal (the deal's own checks refused it)
    deal_problem: Mapped[str | None] = mapped_column(Text, nullable=True)
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuctionStop(Base):
    """A running auction suspended (中止), resumed or terminated (终止) by the bureau: who, when, on which ground, why,
    and its close before and after. Never updated; each act is also an entry of the evidence log and the audit log."""

    __tablename__ = "exchange_auction_stops"
    __table_args__ = (Index("ix_exchange_auction_stops_auction", "auction_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("exchange_auctions.id"))
    #: suspend | resume | terminate
    action: Mapped[str] = mapped_column(String(20))
    ground: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    closes_before: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    closes_after: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    evidence_index: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuctionDeposit(Base):
    """保证金: a bidder registers by paying the deposit before bidding (one per bidder and auction)."""

    __tablename__ = "exchange_auction_deposits"
    __table_args__ = (UniqueConstraint("auction_id", "bidder_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("exchange_auctions.id"))
    bidder_user_id: Mapped[int] = mapped_column(Integer)
    bidder: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class Bid(Base):
    """Append-only: no code path updates or deletes a bid, and each is an entry of the evidence log."""

    __tablename__ = "exchange_bids"
    __table_args__ = (Index("ix_exchange_bids_auction", "auction_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("exchange_auctions.id"))
    #: 1, 2, … per auction, in the order the bids were accepted
    seq: Mapped[int] = mapped_column(Integer)
    bidder_user_id: Mapped[int] = mapped_column(Integer)
    bidder: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    evidence_index: Mapped[int] = mapped_column(Integer)


class Need(Base):
    """需求清单: a technology need an enterprise posts."""

    __tablename__ = "exchange_needs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    #: the title and description in English where the poster gives them (English pages show them)
    title_en: Mapped[str | None] = mapped_column(String(300), nullable=True)
    text_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    industry: Mapped[str] = mapped_column(String(100))
    budget_yuan: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    region_code: Mapped[str] = mapped_column(String(12))
    #: open | closed
    state: Mapped[str] = mapped_column(String(20), default="open")
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    party_key: Mapped[str | None] = mapped_column(String(300), index=True)
    poster: Mapped[str] = mapped_column(String(300))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Deal(Base):
    """A deal's register row (one per ``exchange.deal`` case): what was agreed, how it was priced and
    traded, what was paid, when it was registered or recorded."""

    __tablename__ = "exchange_deals"
    __table_args__ = (Index("ix_exchange_deals_state", "state", "recorded_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("procedure_cases.id"), unique=True)
    application_number: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(500))
    seller: Mapped[str] = mapped_column(String(300))
    #: the seller's party type in the corpus (university, institute, enterprise …)
    seller_type: Mapped[str] = mapped_column(String(20))
    buyer: Mapped[str] = mapped_column(String(300))
    pricing_method: Mapped[str] = mapped_column(String(20))
    trading_mode: Mapped[str] = mapped_column(String(20))
    deal_kind: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(MONEY)
    contract_price: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    paid_total: Mapped[Decimal] = mapped_column(MONEY)
    contract_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    recorded_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    record_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    #: intent | notice | contracted | recorded | abandoned (the case's state)
    state: Mapped[str] = mapped_column(String(20))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_listings.id"), nullable=True)
    #: 大数据系统估价: the valuation the price rests on
    valuation_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_valuations.id"), nullable=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"))
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    party_key: Mapped[str | None] = mapped_column(String(300), index=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Valuation(Base):
    """专利价值评估: a reference estimate with every factor it rests on (``result``, JSON), as computed."""

    __tablename__ = "exchange_valuations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_number: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(500))
    #: licensing | finance | tax | infringement | grading
    scenario: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[dt.date] = mapped_column(Date)
    #: 价值度, 0–100
    degree: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    #: the range over the approaches computed (None: no approach could be)
    low_yuan: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    high_yuan: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    #: the indicator file's digest (a bureau's own set gives another)
    model_digest: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(Text)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("platform_organizations.id"), nullable=True)
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DormantPatent(Base):
    """存量专利盘活 (国知发运字〔2024〕5号): a university's or research institute's patent found dormant by an
    inventory — in force on the inventory day and never transferred or licensed — with its self-grading,
    its college → university approval (a case of ``exchange.dormant``) and what became of it: listed,
    activated (transferred or licensed afterwards, in the corpus or by a deal on the platform)."""

    __tablename__ = "exchange_dormant_patents"
    __table_args__ = (UniqueConstraint("org_id", "application_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the institution's organization (its users see the inventory; the bureau over it, its area's)
    org_id: Mapped[int] = mapped_column(ForeignKey("platform_organizations.id"), index=True)
    org_path: Mapped[str] = mapped_column(String(400), index=True)
    party_key: Mapped[str] = mapped_column(String(300), index=True)
    institution: Mapped[str] = mapped_column(String(300))
    application_number: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    inventoried_on: Mapped[dt.date] = mapped_column(Date)
    #: inventoried | graded | college_approved | returned | approved | declined (the approval case's state)
    state: Mapped[str] = mapped_column(String(20), default="inventoried")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_cases.id"), nullable=True)
    #: the inventor's self-grading: 转化前景 高/中/低, application field, willingness, college, note
    prospect: Mapped[str | None] = mapped_column(String(10), nullable=True)
    field: Mapped[str | None] = mapped_column(String(200), nullable=True)
    willingness: Mapped[str | None] = mapped_column(String(40), nullable=True)
    college: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    graded_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: who graded it and who took the college's decision: the next level must be someone else
    graded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    college_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the university's approval: in the 转化资源库 from this day
    approved_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: the first listing of it on the exchange after the inventory
    listed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: the first transfer or licence after the inventory (corpus) or contract of a deal (platform)
    activated_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: transfer | licence | deal
    activated_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
