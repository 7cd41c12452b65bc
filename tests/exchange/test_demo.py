"""``zhichan exchange demo``: synthetic enterprises of a generated corpus list, post needs and declare open
licences through the real services; everything it makes is labelled synthetic."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.helpers import generated_snapshot
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService
from zhichan.exchange.demo import seed
from zhichan.exchange.models import (
    Auction,
    Bid,
    Deal,
    DormantPatent,
    Listing,
    Need,
    OpenLicence,
    OpenLicenceGrant,
)
from zhichan.platform.db import make_engine, session_scope, upgrade
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import Case
from zhichan.procedures.service import ProcedureService


def test_demo_data_goes_through_the_rules_and_is_synthetic(tmp_path: Path,
                                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    snapshot = generated_snapshot(tmp_path_factory, 3000, 11)  # read only (the services demo's corpus)
    engine = make_engine(f"sqlite:///{tmp_path / 'workflow.sqlite3'}")
    upgrade(engine)
    procedures = ProcedureService(engine, ProcedureRegistry.load(), EvidenceService(engine, SigningKey.generate(), "t"),
                                  tmp_path / "files")
    made = seed(engine, snapshot, procedures, count=6)
    assert made["enterprises"] >= 2 and made["listings"] >= 1 and made["needs"] == made["enterprises"]
    # universities' dormant patents: inventoried, graded, every second graded one admitted to the pool
    assert made["universities"] >= 1 and made["dormant_inventoried"] >= made["dormant_graded"] >= 2
    assert made["dormant_graded"] > made["dormant_approved"] >= 1
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(DormantPatent).where(DormantPatent.approved_on.is_not(None))) \
            == made["dormant_approved"]
        for model in (Listing, Need, OpenLicence, DormantPatent, Case):
            assert s.scalar(select(func.count()).select_from(model).where(model.synthetic.is_(False))) == 0
        # the needs say what they seek in both languages, labelled by their flag, not by a mark in their text
        needs = s.scalars(select(Need)).all()
        assert needs and all(n.title_en and n.text_en and "合成" not in n.text for n in needs)
        assert s.scalar(select(func.count()).select_from(OpenLicence).where(OpenLicence.state == "published")) \
            == made["open_licences"]
    # the hall's activity: a running auction, a sold one whose close opened the deal, a licence taken and recorded
    assert made["auctions_running"] == 1 and made["auctions_sold"] == 1 and made["deals"] == 1
    assert made["licences_taken"] == 1
    with session_scope(engine) as s:
        running = s.scalars(select(Auction).where(Auction.state == "open")).all()
        assert len(running) == 1 and running[0].high_bid == 240000 and running[0].bid_count == 3
        sold = s.scalars(select(Auction).where(Auction.state == "closed")).one()
        winner = s.get(Bid, sold.winner_bid_id)
        assert sold.outcome == "sold" and winner is not None and winner.amount == 240000
        deal = s.get(Case, sold.deal_case_id)
        assert deal is not None and deal.procedure == "exchange.deal" and winner.bidder in deal.title
        # the deal rules ran on its opening, as in the app (the demo skipped them: no deal row)
        registered = s.scalar(select(Deal).where(Deal.case_id == sold.deal_case_id))
        listing = s.get(Listing, sold.listing_id)
        assert registered is not None and listing is not None
        assert registered.application_number == listing.asset_number and registered.price == 240000
        assert s.get(Listing, sold.listing_id).state == "concluded"  # type: ignore[union-attr]
        grant = s.scalars(select(OpenLicenceGrant)).one()
        assert grant.recorded_on is not None and grant.evidence_index is not None
        declaration = s.get(OpenLicence, grant.open_licence_id)
        assert declaration is not None and grant.licensee != declaration.patentee
    # the demo's enterprise sign-in is a company of the demo city; the deal's buyer signs in as demo_buyer
    from zhichan.demo import ensure_demo_personas
    from zhichan.platform.accounts import authenticate
    from zhichan.platform.models import Organization, User

    personas = {row[0]: row for row in ensure_demo_personas(engine, "Demo-admin-pw-7")}
    with session_scope(engine) as s:
        first = s.scalar(select(User).where(User.username == "exchange_demo_00"))
        assert first is not None and s.get(Organization, first.org_id).region_code.startswith("5101")  # type: ignore[union-attr]
        enterprise = s.scalar(select(User).where(User.username == "demo_enterprise"))
        assert enterprise is not None and enterprise.org_id == first.org_id
        buyer = s.scalar(select(User).where(User.username == "demo_buyer"))
        sold = s.scalars(select(Auction).where(Auction.state == "closed")).one()
        deal = s.get(Case, sold.deal_case_id)
        assert buyer is not None and deal is not None and buyer.org_id == deal.counterparty_org_id
        org = s.get(Organization, buyer.org_id)
        # named in both languages, as the demo's bureaus are (corpus/generator/english.py)
        assert org is not None and org.name_en and personas["demo_buyer"][2] == f"{org.name} / {org.name_en}"
        assert authenticate(s, "demo_buyer", "Demo-admin-pw-7", "127.0.0.1").username == "demo_buyer"
        # a university signs in too: the tech-transfer office of the first demo university (its inventory, listing)
        university = s.scalar(select(User).where(User.username == "demo_university"))
        office = s.scalar(select(User).where(User.username == "dormant_demo_00_office"))
        assert university is not None and office is not None and university.org_id == office.org_id
        uni = s.get(Organization, office.org_id)
        assert uni is not None and uni.name_en and personas["demo_university"][2] == f"{uni.name} / {uni.name_en}"
        # the demo accounts' display names in both languages (the admin's user list showed the Chinese on English pages)
        from zhichan.web.i18n import in_language

        assert in_language(first.display_name, "en").endswith(" (synthetic)") and "合成" not in in_language(
            first.display_name, "en") and in_language(first.display_name, "zh").endswith("（合成）")
        assert in_language(office.display_name, "en") == f"{uni.name_en} tech-transfer office (synthetic)"
    _walk_the_sold_auctions_deal(engine, procedures)
    again = seed(engine, snapshot, procedures, count=6)  # idempotent: the same enterprises are not made twice
    assert again["enterprises"] == 0 and again["universities"] == 0 and again["auctions_running"] == 0
    assert again["licences_taken"] == 0
    engine.dispose()


def _walk_the_sold_auctions_deal(engine: object, procedures: ProcedureService) -> None:
    """The demo's deal walked to its certificate by the demo's sign-ins: the seller (demo_seller, of the sold auction's
    listing — it had no sign-in, so the deal awaited a contract nobody could sign) signs the contract, the buyer
    (demo_buyer) confirms it, the city's officer (demo_officer) records the transfer, and the step's certificate
    verifies."""
    from zhichan.legaltime import china_today
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.models import Step
    from zhichan.procedures.service import Upload

    with session_scope(engine) as s:  # type: ignore[arg-type]
        sold = s.scalars(select(Auction).where(Auction.state == "closed")).one()
        listing = s.get(Listing, sold.listing_id)
        seller = s.scalar(select(User).where(User.username == "demo_seller"))
        assert listing is not None and seller is not None and seller.org_id == listing.org_id
        case_id = sold.deal_case_id
        assert case_id is not None
        # the sold auction closed and its deal opened before now: the deal's first step lay 6 minutes ahead, and the
        # steps its parties took stood before it on the case's timeline
        from zhichan.evidence.service import utcnow

        opened = s.scalar(select(Step.at).where(Step.case_id == case_id, Step.seq == 1))
        assert opened is not None and sold.closes_at is not None and opened <= utcnow() and sold.closes_at <= utcnow()

    def step(username: str, event: str, fields: dict[str, object], uploads: tuple[Upload, ...] = ()) -> dict[str, object]:
        with session_scope(engine) as s:  # type: ignore[arg-type]
            scope = scope_for_user(s, s.scalar(select(User).where(User.username == username)))  # type: ignore[arg-type]
            version = s.get(Case, case_id).version  # type: ignore[union-attr]
            assert event in [a.event for a in procedures.case(s, scope, case_id)["actions"]], (username, event)
            return procedures.act(s, scope, case_id, event, version=version, fields=fields, uploads=uploads)

    today = china_today().isoformat()
    step("demo_seller", "sign", {"contract_on": today, "contract_price": "240000"},
         (Upload("doc0", "contract.pdf", b"%PDF-1.4 synthetic contract"),))
    step("demo_buyer", "confirm_contract", {"contract_price": "240000"})
    step("demo_officer", "record", {"record_number": "ZL-DEMO-0001", "recorded_on": today, "pledgee_consent": "否"})
    with session_scope(engine) as s:  # type: ignore[arg-type]
        assert s.get(Case, case_id).state == "recorded"  # type: ignore[union-attr]
        index = s.scalar(select(Step.evidence_index).where(Step.case_id == case_id, Step.event == "record"))
    assert index is not None and procedures.evidence.certificate(index)
