"""交易 from intent to contract to 备案 (SQLite and PostgreSQL): the pricing methods and modes, Decimal
amounts, payments, and 协议定价 by a university publicised for the whole notice period first."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.exchange.conftest import Exchange
from tests.exchange.helpers import UNIVERSITY, moment
from tests.procedures.helpers import PASSWORD, _password_hash, pdf, todo_ids
from zhichan.errors import ConflictError, FormError
from zhichan.exchange.deals import PROCEDURE
from zhichan.exchange.models import Deal
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import create_org
from zhichan.procedures.views import case_view

D = dt.date
START = D(2026, 3, 2)


def _deal(**overrides: str) -> dict[str, str]:
    return {"patent_number": "", "buyer": "某受让企业", "pricing_method": "协议定价", "trading_mode": "协议交易",
            "deal_kind": "转让", "price": "1200000"} | overrides


def _university(ex: Exchange) -> str:
    with session_scope(ex.world.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.name == "武侯区知识产权局"))
        org = create_org(s, UNIVERSITY, OrgKind.ENTERPRISE, "510107", wuhou, party_key=UNIVERSITY)
        user = create_user(s, username="univ_user", password=PASSWORD, role=Role.ENTERPRISE_USER, org=org,
                           password_hash=_password_hash())
        ex.world.users["univ_user"] = user.id
    return "univ_user"


def _act(ex: Exchange, who: str, case: int, event: str, version: int, day: D, **fields: str) -> dict:
    uploads = (pdf("doc0", "合同.pdf"),) if event == "sign" else ()
    with session_scope(ex.world.engine) as s:
        return ex.world.service.act(s, ex.world.scope(who), case, event, version=version, fields=fields,
                                    uploads=uploads, now=moment(day))


def _start(ex: Exchange, who: str, fields: dict[str, str], day: D = START) -> dict:
    with session_scope(ex.world.engine) as s:
        return ex.world.service.start(s, ex.world.scope(who), PROCEDURE, fields=fields, now=moment(day))


def test_an_enterprise_deal_from_intent_to_record(exchange: Exchange) -> None:
    ex = exchange
    with pytest.raises(FormError) as info:  # the declared money field first, then the deal's own checks
        _start(ex, "ent_user", _deal(patent_number=ex.numbers["foreign"], price="十万"))
    assert set(info.value.errors) == {"price"} and info.value.errors["price"].startswith("“拟交易价格”应为金额（元）")
    with pytest.raises(FormError) as info:
        _start(ex, "ent_user", _deal(patent_number=ex.numbers["foreign"], price="100,000"))
    assert set(info.value.errors) == {"patent_number"}
    case = _start(ex, "ent_user", _deal(patent_number=ex.numbers["ok"], pricing_method="评估定价",
                                        trading_mode="挂牌转让"))
    _act(ex, "ent_user", case["id"], "sign", 1, D(2026, 3, 5), contract_on="2026-03-05", contract_price="1150000.50")
    _act(ex, "ent_user", case["id"], "settle", 2, D(2026, 3, 6), paid_yuan="500000", paid_on="2026-03-06")
    _act(ex, "ent_user", case["id"], "settle", 3, D(2026, 4, 6), paid_yuan="650000.50", paid_on="2026-04-06")
    _act(ex, "wuhou_officer", case["id"], "record", 4, D(2026, 4, 8), record_number="ZL-转-2026-001",
         recorded_on="2026-04-08")
    with session_scope(ex.world.engine) as s:
        deal = s.scalar(select(Deal))
        assert (deal.state, deal.pricing_method, deal.trading_mode, deal.seller_type) == \
            ("recorded", "评估定价", "挂牌转让", "enterprise")
        assert (deal.price, deal.contract_price, deal.paid_total) == \
            (Decimal("1200000.00"), Decimal("1150000.50"), Decimal("1150000.50"))
        assert deal.recorded_on == D(2026, 4, 8)


def _offered(ex: Exchange, who: str, case: int) -> set[str]:
    with session_scope(ex.world.engine) as s:
        return {t.event for t in ex.world.service.case(s, ex.world.scope(who), case)["actions"]}


def test_a_universitys_agreed_price_is_publicised_for_the_whole_notice_first(exchange: Exchange) -> None:
    ex = exchange
    univ = _university(ex)
    case = _start(ex, univ, _deal(patent_number=ex.numbers["university"]))
    # straight to the contract: neither offered (it was, and the step then refused it with 409) nor taken
    assert _offered(ex, univ, case["id"]) == {"publish_notice", "abandon"}
    with pytest.raises(FormError) as early:
        _act(ex, univ, case["id"], "sign", 1, D(2026, 3, 3), contract_on="2026-03-03", contract_price="1200000")
    assert early.value.errors == {"_clock": "须先办理“公示成果名称和拟交易价格” / “Publish the result and the price” comes first"}
    _act(ex, univ, case["id"], "publish_notice", 1, D(2026, 3, 2), notice_place="学校官网", objections_to="书面提交科技处")
    # 15 days from the day after 2 March: the notice runs to 17 March
    with pytest.raises(FormError, match="2026-03-17"):  # the declared term: not offered either
        _act(ex, univ, case["id"], "sign", 2, D(2026, 3, 17), contract_on="2026-03-17", contract_price="1200000")
    _act(ex, "wuhou_officer", case["id"], "object", 2, D(2026, 3, 10), objection="价格偏低")
    with pytest.raises(FormError, match="须先办理“异议处理完毕”"):  # an open objection holds it, even after the notice
        _act(ex, univ, case["id"], "sign", 3, D(2026, 3, 20), contract_on="2026-03-20", contract_price="1200000")
    assert "sign" not in _offered(ex, univ, case["id"]) and "resolve" in _offered(ex, univ, case["id"])
    _act(ex, univ, case["id"], "resolve", 3, D(2026, 3, 12), handling="经评估后维持原价")
    # the objection held the contract, not the notice: it still runs to 17 March
    with pytest.raises(FormError, match="2026-03-17"):
        _act(ex, univ, case["id"], "sign", 4, D(2026, 3, 17), contract_on="2026-03-17", contract_price="1200000")
    assert _act(ex, univ, case["id"], "sign", 4, D(2026, 3, 18), contract_on="2026-03-18",
                contract_price="1200000")["state"] == "contracted"
    with session_scope(ex.world.engine) as s:
        assert s.scalar(select(Deal.seller_type)) == "university"


def test_a_universitys_other_pricing_needs_no_notice(exchange: Exchange) -> None:
    ex = exchange
    univ = _university(ex)
    case = _start(ex, univ, _deal(patent_number=ex.numbers["university"], pricing_method="拍卖竞价",
                                  trading_mode="竞价交易"))
    assert _act(ex, univ, case["id"], "sign", 1, D(2026, 3, 3), contract_on="2026-03-03",
                contract_price="1500000")["state"] == "contracted"


def test_a_buyer_on_the_platform_confirms_the_registered_contract(exchange: Exchange) -> None:
    """A hand-registered deal names its buyer; an enterprise on the platform becomes the counterparty and has
    its own step: it confirms the contract the seller signed, at the registered price, once. The seller, an
    officer or another enterprise cannot take it, and it is not offered before the contract."""
    from zhichan.errors import PermissionDenied
    from zhichan.procedures.models import Step

    ex = exchange
    buyer = "成都受让科技有限公司"
    with session_scope(ex.world.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.name == "武侯区知识产权局"))
        org = create_org(s, buyer, OrgKind.ENTERPRISE, "510107", wuhou, party_key=buyer)
        ex.world.users["buyer_user"] = create_user(s, username="buyer_user", password=PASSWORD, role=Role.ENTERPRISE_USER,
                                                   org=org, password_hash=_password_hash()).id
    case = _start(ex, "ent_user", _deal(patent_number=ex.numbers["ok"], buyer=buyer))
    with pytest.raises(ConflictError):  # no contract yet
        _act(ex, "buyer_user", case["id"], "confirm_contract", 1, D(2026, 3, 4), contract_price="1150000.50")
    _act(ex, "ent_user", case["id"], "sign", 1, D(2026, 3, 5), contract_on="2026-03-05", contract_price="1150000.50")
    for who in ("ent_user", "wuhou_officer"):  # the seller and an officer: not their step
        with pytest.raises(PermissionDenied):
            _act(ex, who, case["id"], "confirm_contract", 2, D(2026, 3, 6), contract_price="1150000.50")
    with pytest.raises(FormError) as info:
        _act(ex, "buyer_user", case["id"], "confirm_contract", 2, D(2026, 3, 6), contract_price="1,150,000")
    assert "1,150,000.50 元" in info.value.errors["contract_price"]
    assert todo_ids(ex.world, "buyer_user") == {case["id"]}  # its step to take
    done = _act(ex, "buyer_user", case["id"], "confirm_contract", 2, D(2026, 3, 6), contract_price="1,150,000.50")
    assert done["state"] == "contracted"
    assert todo_ids(ex.world, "buyer_user") == set()  # confirmed: nothing left for the buyer to do
    assert todo_ids(ex.world, "wuhou_officer") == {case["id"]}  # the recording is the office's
    with session_scope(ex.world.engine) as s:  # taken: no longer offered, and refused if sent anyway
        offered = [t.event for t in ex.world.service.case(s, ex.world.scope("buyer_user"), case["id"])["actions"]]
    assert "confirm_contract" not in offered
    with pytest.raises(ConflictError, match="只能办理一次"):
        _act(ex, "buyer_user", case["id"], "confirm_contract", 3, D(2026, 3, 7), contract_price="1150000.50")
    _act(ex, "wuhou_officer", case["id"], "record", 3, D(2026, 4, 8), record_number="ZL-转-2026-002",
         recorded_on="2026-04-08")
    with session_scope(ex.world.engine) as s:
        steps = list(s.scalars(select(Step.event).where(Step.case_id == case["id"]).order_by(Step.id)))
        assert steps == ["start", "sign", "confirm_contract", "record"]
        assert s.scalar(select(Deal.state)) == "recorded"


def test_an_open_licensed_patent_is_neither_licensed_exclusively_nor_assigned_before_withdrawal(
        exchange: Exchange) -> None:
    """专利法 第五十一条: an open-licensed patent gets no exclusive or sole licence (refused beside the deal's kind, as a
    listing's mode is); 开放许可实施指南 §9 (RULES.md M4 [P]): its declaration is withdrawn before the patent is assigned
    — the transfer's registration is refused while it is published, recorded once it no longer is (here revoked: 应当撤回而未撤回)."""
    from tests.exchange.helpers import declaration
    from tests.exchange.test_open_licence import _file, _publish
    from zhichan.exchange.openlicence import OPEN_EXCLUSIVE

    ex = exchange
    number = ex.numbers["ok"]
    notice = _file(ex, declaration(number))
    _publish(ex, notice["id"])
    for kind in ("独占许可", "排他许可"):
        with pytest.raises(FormError) as info:
            _start(ex, "ent_user", _deal(patent_number=number, pricing_method="评估定价", deal_kind=kind))
        assert info.value.errors == {"deal_kind": OPEN_EXCLUSIVE}
    case = _start(ex, "ent_user", _deal(patent_number=number, pricing_method="评估定价"))  # a transfer: negotiated
    _act(ex, "ent_user", case["id"], "sign", 1, D(2026, 3, 5), contract_on="2026-03-05", contract_price="1200000")
    # the withdrawal is a step of the declaration's case: 转让登记 is not offered meanwhile (it was, then refused with
    # 409), and the case page says why in its place, naming that case; the step is refused beside its form (422)
    for who in ("wuhou_officer", "ent_user"):
        assert "record" not in _offered(ex, who, case["id"])
        with session_scope(ex.world.engine) as s:
            held = ex.world.service.case(s, ex.world.scope(who), case["id"])["held"]
        assert [(w.spec.event, w.day, w.blocked.procedure, w.blocked.case_id) for w in held] == \
            [("record", None, "exchange.open_licence", notice["id"])]
        assert "尚未撤回，撤回后方可办理转让登记" in held[0].blocked.reason
    assert case["id"] not in todo_ids(ex.world, "wuhou_officer")
    # nor does its header name the officer, whose only step it is (the parties' own steps go on): it says what the case
    # waits for, and links that case
    for lang, waits in (("zh", "开放许可声明撤回（另案）"), ("en", "The open licence's withdrawal (another case)")):
        with session_scope(ex.world.engine) as s:
            page = case_view(ex.world.service, s, ex.world.scope("wuhou_officer"), case["id"], lang)
        assert (page["awaited"], page["waits_for"]) == \
            (["party", "counterparty"], [{"text": waits, "procedure": "exchange.open_licence", "case_id": notice["id"]}])
    with pytest.raises(FormError) as refused:
        _act(ex, "wuhou_officer", case["id"], "record", 2, D(2026, 3, 9), record_number="ZL-转-1", recorded_on="2026-03-09")
    assert re.match(r"该专利的开放许可声明（2026-\d\d-\d\d 公告）尚未撤回，撤回后方可办理转让登记", refused.value.errors["_clock"])
    with session_scope(ex.world.engine) as s:
        version = ex.world.service.case(s, ex.world.scope("ent_user"), notice["id"])["case"]["version"]
        ex.world.service.act(s, ex.world.scope("wuhou_officer"), notice["id"], "revoke", version=version,
                             fields={"ground": "应当撤回而未撤回", "reasons": "转让前未撤回"}, now=moment(D(2026, 3, 10)))
    assert "record" in _offered(ex, "wuhou_officer", case["id"])
    assert case["id"] in todo_ids(ex.world, "wuhou_officer")
    with session_scope(ex.world.engine) as s:
        page = case_view(ex.world.service, s, ex.world.scope("wuhou_officer"), case["id"], "zh")
    assert page["awaited"] == ["party", "counterparty", "case_officer"] and page["waits_for"] == []
    assert _act(ex, "wuhou_officer", case["id"], "record", 2, D(2026, 3, 11), record_number="ZL-转-1",
                recorded_on="2026-03-11")["state"] == "recorded"


def test_a_pledged_patent_is_assigned_or_licensed_only_with_the_pledgees_consent(exchange: Exchange) -> None:
    """民法典 第四百四十四条第二款: once pledged, the IP is neither assigned nor licensed unless pledgor and pledgee agree.
    A deal of a pledged patent — the corpus's pledge, or one the platform's register holds — started with nobody asked;
    now the seller declares the pledgee's consent at the intent (refused beside that field until it does), and a pledge
    registered after the intent stops the registration until its consent is declared there."""
    from tests.exchange.helpers import pledged_here

    ex = exchange
    pledged = ex.numbers["pledged"]  # the corpus: pledged to 某银行 since 2025-05-01
    for kind in ("转让", "普通许可", "作价入股"):
        with pytest.raises(FormError) as info:
            _start(ex, "ent_user", _deal(patent_number=pledged, deal_kind=kind))
        assert set(info.value.errors) == {"pledgee_consent"}, info.value.errors
        message = info.value.errors["pledgee_consent"]
        assert "质权人：某银行" in message and "须取得质权人同意（民法典第四百四十四条）" in message, message
        assert message.endswith("the pledgee's consent is required (Civil Code, art. 444)"), message
    assert _start(ex, "ent_user", _deal(patent_number=pledged, pledgee_consent="是"))["state"] == "intent"
    # the platform's register: pledged here before the intent (the corpus knows nothing of it yet) …
    early = ex.numbers["ordinary_licensed"]
    pledged_here(ex.world, early, D(2026, 2, 20), pledgee="天府知识产权银行")
    with pytest.raises(FormError) as info:
        _start(ex, "ent_user", _deal(patent_number=early, deal_kind="普通许可"))
    assert "天府知识产权银行" in info.value.errors["pledgee_consent"]
    # … and after it: the registration asks, and records once the consent is declared at that step
    number = ex.numbers["ok"]
    case = _start(ex, "ent_user", _deal(patent_number=number))
    _act(ex, "ent_user", case["id"], "sign", 1, D(2026, 3, 5), contract_on="2026-03-05", contract_price="1200000")
    pledged_here(ex.world, number, D(2026, 3, 6))
    _registered_only_with_consent(ex, case["id"], "ZL-转-9")


def _registered_only_with_consent(ex: Exchange, case_id: int, record_number: str) -> None:
    """The registration of a deal whose patent 蓉城科创银行 holds in pledge: refused beside the pledgee's consent, then
    recorded with it (民法典 第四百四十四条)."""
    with pytest.raises(FormError) as info:
        _act(ex, "wuhou_officer", case_id, "record", 2, D(2026, 3, 9), record_number=record_number, recorded_on="2026-03-09")
    assert set(info.value.errors) == {"pledgee_consent"} and "蓉城科创银行" in info.value.errors["pledgee_consent"]
    assert _act(ex, "wuhou_officer", case_id, "record", 2, D(2026, 3, 9), record_number=record_number,
                recorded_on="2026-03-09", pledgee_consent="是")["state"] == "recorded"


def _as_revision_4(raw: dict) -> None:
    """``exchange.deal`` as revision 4 declared it: no pledgee's consent at the intent nor at the registration."""
    raw["revision"] = 4
    raw["start"]["fields"] = [f for f in raw["start"]["fields"] if f["name"] != "pledgee_consent"]
    for t in raw["transitions"]:
        t["fields"] = [f for f in t.get("fields", []) if f["name"] != "pledgee_consent"]


def test_a_revision_4_deal_whose_patent_was_pledged_after_its_intent_is_registered_with_the_pledgees_consent(
        exchange: Exchange) -> None:
    """A deal opened under revision 4 keeps its declaration, whose registration had no pledgee's consent: once its
    patent was pledged after the intent, the registration was refused beside a field its form did not have, and the
    consent given anyway was dropped — abandon and start again. The law's field (``by_law``) reaches the earlier
    revision's registration: the step's form asks for it, the consent is kept with the step, and the case's
    declaration stays the one it was filed under."""
    from sqlalchemy import func

    from tests.exchange.helpers import pledged_here
    from tests.procedures.helpers import filed_under_earlier
    from zhichan.procedures.models import Case, Step, StoredDeclaration

    ex = exchange
    number = ex.numbers["ok"]
    case = _start(ex, "ent_user", _deal(patent_number=number, deal_kind="普通许可"))
    _act(ex, "ent_user", case["id"], "sign", 1, D(2026, 3, 5), contract_on="2026-03-05", contract_price="1200000")
    filed_under_earlier(ex.world.engine, case["id"], _as_revision_4)
    with session_scope(ex.world.engine) as s:
        digest = s.scalar(select(Case.declaration_digest).where(Case.id == case["id"]))
        assert s.scalar(select(StoredDeclaration.revision).where(StoredDeclaration.digest == digest)) == 4
        stored = s.scalar(select(func.count()).select_from(StoredDeclaration))
        record = next(a for a in ex.world.service.case(s, ex.world.scope("wuhou_officer"), case["id"])["actions"]
                      if a.event == "record")
        asked = [(f.name, f.required) for f in record.fields]
    assert asked == [("record_number", True), ("recorded_on", True), ("pledgee_consent", False)], asked
    pledged_here(ex.world, number, D(2026, 3, 6))
    _registered_only_with_consent(ex, case["id"], "ZL-许-9")
    with session_scope(ex.world.engine) as s:  # history as it was: the case's declaration, the consent with its step
        assert s.scalar(select(Case.declaration_digest).where(Case.id == case["id"])) == digest
        assert s.scalar(select(func.count()).select_from(StoredDeclaration)) == stored
        fields = s.scalar(select(Step.fields).where(Step.case_id == case["id"], Step.event == "record"))
        assert '"pledgee_consent": "是"' in fields, fields


def test_an_assignment_registered_here_moves_the_patent_to_its_buyer_before_the_corpus_knows(exchange: Exchange) -> None:
    """专利法 第十条: an assignment takes effect on its registration. One registered on the platform left the seller the
    holder the corpus names until the next snapshot — it could sell, list or declare the patent again; the exchange's
    checks now read the platform's own registration (checks.platform_status), for the deal and the listing alike."""
    from zhichan.exchange import listings

    ex = exchange
    number = ex.numbers["ok"]
    case = _start(ex, "ent_user", _deal(patent_number=number, buyer="锦江独有材料有限公司"))
    _act(ex, "ent_user", case["id"], "sign", 1, D(2026, 3, 5), contract_on="2026-03-05", contract_price="1200000")
    # before the registration the seller still holds it: a second intent is no holder's problem
    assert _start(ex, "ent_user", _deal(patent_number=number, buyer="又一受让企业"), day=D(2026, 3, 6))["state"] == "intent"
    _act(ex, "wuhou_officer", case["id"], "record", 2, D(2026, 3, 9), record_number="ZL-转-7", recorded_on="2026-03-09")
    with pytest.raises(FormError) as info:
        _start(ex, "ent_user", _deal(patent_number=number, buyer="又一受让企业"), day=D(2026, 3, 10))
    assert "不是该专利的权利人（权利人：锦江独有材料有限公司）" in info.value.errors["patent_number"], info.value.errors
    with session_scope(ex.world.engine) as s, pytest.raises(FormError) as refused:
        listings.create_listing(s, ex.world.scope("ent_user"), ex.snapshot, asset_kind="patent", number=number,
                                mode="sale", price="", description="", pledgee_consent=False, now=moment(D(2026, 3, 10)))
    assert "锦江独有材料有限公司" in refused.value.errors["number"]
