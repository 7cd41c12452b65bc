"""Risk compensation: each shipped fund's claim arithmetic checked by hand, the caps, the IP-share
rule, an exhausted pool, recoveries pro rata, and the pool ledger under concurrent payouts."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from zhichan.errors import ConflictError, FormError
from zhichan.finance import funds as f
from zhichan.finance.models import Claim, LedgerEntry
from zhichan.platform.db import session_scope
from zhichan.platform.models import OrgKind
from zhichan.platform.orgs import create_org
from zhichan.web.i18n import stored_text

D = dt.date
JUNE = dt.date(2026, 6, 1)
M = Decimal
FUNDS = f.load_funds()


@pytest.fixture
def org(engine: Engine) -> tuple[int, str]:
    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        f.ensure_funds(s, FUNDS | {"test_ip": IP_FUND, "test_year": YEAR_FUND})
        return nation.id, nation.path


IP_FUND = f.parse_fund("""
code: test_ip
jurisdiction: "420100"
title: {zh: 知识产权占比测试, en: IP share test}
started_on: 2024-01-01
participants:
  - {key: fund, zh: 资金, en: Fund, share: 1, pool: true}
  - {key: bank, zh: 银行, en: Bank, share: 1, residual: true}
eligibility: {min_ip_share: "0.5", enterprise_types: [micro, small, medium]}
""", "test")
YEAR_FUND = f.parse_fund("""
code: test_year
jurisdiction: "100000"
title: {zh: 年度上限测试, en: Year cap test}
started_on: 2024-01-01
participants:
  - {key: fund, zh: 资金, en: Fund, share: 1, pool: true}
caps: {per_year: "1000000"}
""", "test")


def _pool_share(code: str, principal: str, interest: str = "0", on: dt.date = JUNE) -> tuple[Decimal, dict]:
    amount, lines, parts = f.claim_arithmetic(FUNDS[code], M(principal), M(interest), on)
    assert stored_text(lines[-1], "zh") == f"补偿金额 = {f.yuan(amount)}"
    assert stored_text(lines[-1], "en") == f"Compensation = {f.yuan(amount)}"
    return amount, parts


def test_the_shipped_funds_by_hand() -> None:
    assert set(FUNDS) == {"chongqing", "zhongshan", "zhuhai", "shenzhen", "weihai"}
    # 重庆 4:2:2:2 on a 5,000,000 principal loss; the pool pays the re-guarantor's and the national fund's shares
    amount, parts = _pool_share("chongqing", "5000000")
    assert parts == {"guarantor": M("2000000.00"), "reguarantor": M("1000000.00"), "national_fund": M("1000000.00"),
                     "bank": M("1000000.00")}
    assert amount == M("2000000.00")
    # 中山 54:26:16:4
    amount, parts = _pool_share("zhongshan", "1000000")
    assert parts == {"fund": M("540000.00"), "bank": M("260000.00"), "insurer": M("160000.00"), "valuer": M("40000.00")}
    assert amount == M("540000.00")
    # 珠海 bank 60 / fund 40
    assert _pool_share("zhuhai", "2500000")[0] == M("1000000.00")
    # 深圳 1:1 of principal and interest; the other funds ignore interest
    assert _pool_share("shenzhen", "1000000", "60000")[0] == M("530000.00")
    assert _pool_share("zhuhai", "2500000", "60000")[0] == M("1000000.00")
    # 威海 province 40 % + city 20 % of the principal loss, ≤ 1,000,000 per loan in the first year, then 1,500,000
    amount, parts = _pool_share("weihai", "3000000", on=D(2025, 12, 31))
    assert parts["province"] + parts["city"] == M("1800000.00") and amount == M("1000000.00")
    assert _pool_share("weihai", "3000000", on=D(2026, 1, 1))[0] == M("1500000.00")
    assert _pool_share("weihai", "1000000", on=D(2025, 6, 1))[0] == M("600000.00")  # below the cap


def test_rounding_cents_go_to_the_residual_bearer() -> None:
    amount, parts = _pool_share("chongqing", "100.01")  # 40.004 / 20.002 ×2 / 20.002
    assert parts == {"guarantor": M("40.00"), "reguarantor": M("20.00"), "national_fund": M("20.00"), "bank": M("20.01")}
    assert sum(parts.values()) == M("100.01") and amount == M("40.00")


def _enrol(engine: Engine, org: tuple[int, str], code: str, rules: f.FundRules | None = None, **kw: str) -> int:
    values = {"borrower": "示例企业", "enterprise_type": "small", "bank": "示例银行", "principal": "8000000",
              "fee_rate": "1.2%", "ip_collateral": "6000000", "collateral": "10000000", **kw}
    with session_scope(engine) as s:
        return f.enrol(s, rules or FUNDS[code], on=D(2026, 3, 2), org_id=org[0], org_path=org[1], **values).id


def test_eligibility_refusals_beside_their_fields(engine: Engine, org: tuple[int, str]) -> None:
    with pytest.raises(FormError) as info:
        _enrol(engine, org, "chongqing", principal="10000000.01", fee_rate="1.6%")
    assert set(info.value.errors) == {"principal", "fee_rate"}
    with pytest.raises(FormError) as info:
        _enrol(engine, org, "chongqing", fee_rate="")
    assert set(info.value.errors) == {"fee_rate"}
    _enrol(engine, org, "chongqing", principal="10000000", fee_rate="0.015")  # both at their caps
    # the IP-share rule: at least half the collateral
    with pytest.raises(FormError) as info:
        _enrol(engine, org, "test_ip", IP_FUND, ip_collateral="4999999.99", fee_rate="")
    assert set(info.value.errors) == {"ip_collateral"}
    with pytest.raises(FormError) as info:
        _enrol(engine, org, "test_ip", IP_FUND, enterprise_type="large", fee_rate="")
    assert set(info.value.errors) == {"enterprise_type"}
    _enrol(engine, org, "test_ip", IP_FUND, ip_collateral="5000000", fee_rate="")


def test_a_borrower_or_bank_name_too_long_is_refused_not_cut(engine: Engine, org: tuple[int, str]) -> None:
    """A borrower's or bank's name above 200 characters was cut and stored: refused beside its field."""
    with pytest.raises(FormError) as info:
        _enrol(engine, org, "chongqing", borrower="重" * 201, bank="银" * 201)
    assert set(info.value.errors) == {"borrower", "bank"}


def test_a_credit_listed_borrower_is_refused(engine: Engine, org: tuple[int, str]) -> None:
    from zhichan.credit.service import record_listing

    with session_scope(engine) as s:
        record_listing(s, subject="失信企业", ground="other", decision_number="信〔2026〕1号", listed_from=D(2026, 1, 1),
                       org_id=org[0], org_path=org[1], region_code="100000")
    with pytest.raises(FormError) as info:
        _enrol(engine, org, "zhuhai", borrower="失信企业")
    assert "信〔2026〕1号" in info.value.errors["borrower"]


def _approved_claim(engine: Engine, org: tuple[int, str], code: str, loss: str, on: dt.date = JUNE,
                    rules: f.FundRules | None = None) -> int:
    loan_id = _enrol(engine, org, code, rules)
    rules = rules or FUNDS[code]
    with session_scope(engine) as s:
        from zhichan.finance.models import Loan

        loan = s.get(Loan, loan_id)
        assert loan is not None
        row = f.claim(s, rules, loan, principal_loss=loss, interest_loss="0", on=on)
        f.approve(s, rules, row, on)
        return row.id


def test_the_year_cap_counts_what_was_approved_before(engine: Engine, org: tuple[int, str]) -> None:
    first = _approved_claim(engine, org, "test_year", "600000", rules=YEAR_FUND)
    second = _approved_claim(engine, org, "test_year", "600000", rules=YEAR_FUND)
    third = _approved_claim(engine, org, "test_year", "600000", on=D(2027, 1, 4), rules=YEAR_FUND)
    with session_scope(engine) as s:
        amounts = [s.get(Claim, i).amount for i in (first, second, third)]  # type: ignore[union-attr]
        lines = json.loads(s.get(Claim, second).arithmetic)  # type: ignore[union-attr]
    assert amounts == [M("600000.00"), M("400000.00"), M("600000.00")]
    shown = [stored_text(line, "zh") for line in lines]
    assert any("年度上限" in line and "¥600,000.00 → ¥400,000.00" in line for line in shown)
    english = [stored_text(line, "en") for line in lines]  # every line in the page's language
    assert any(line.startswith("Annual cap") and "¥600,000.00 → ¥400,000.00" in line for line in english)
    assert not any(re.search("[\u4e00-\u9fff]", line) for line in english)


def test_an_exhausted_pool_pays_what_it_holds_and_then_refuses(engine: Engine, org: tuple[int, str]) -> None:
    claim_id = _approved_claim(engine, org, "zhuhai", "5000000")  # the fund's 40 %: 2,000,000
    with session_scope(engine) as s:
        f.deposit(s, "zhuhai", "1500000")
    with session_scope(engine) as s:
        assert f.pay(s, "zhuhai", claim_id) == M("1500000.00")
    with session_scope(engine) as s, pytest.raises(ConflictError):
        f.pay(s, "zhuhai", claim_id)
    with session_scope(engine) as s:
        f.deposit(s, "zhuhai", "600000")
    with session_scope(engine) as s:
        assert f.pay(s, "zhuhai", claim_id) == M("500000.00")
        row = s.get(Claim, claim_id)
        assert row is not None and row.status == "paid" and row.paid == M("2000000.00")
        assert f.balance(s, "zhuhai") == M("100000.00")
        # recovery after disposal, pro rata to the loss borne: the pool 2,000,000 of 5,000,000, the bank the rest
        back, lines = f.recover(s, FUNDS["zhuhai"], claim_id, "1000000")
        shown = [stored_text(x, "zh") for x in lines]
        assert back == M("400000.00") and any("贷款银行" in x and "= ¥600,000.00" in x for x in shown)
        assert f.verify_ledger(s, "zhuhai") == (True, 5, M("500000.00"))


def test_recovery_under_a_cap_returns_more_to_the_bank(engine: Engine, org: tuple[int, str]) -> None:
    claim_id = _approved_claim(engine, org, "weihai", "3000000", on=D(2025, 6, 1))  # capped at 1,000,000
    with session_scope(engine) as s:
        f.deposit(s, "weihai", "5000000")
    with session_scope(engine) as s:
        f.pay(s, "weihai", claim_id)
    with session_scope(engine) as s:
        back, lines = f.recover(s, FUNDS["weihai"], claim_id, "300000")
    # the pools bore 1,000,000 of 3,000,000; the bank its 40 % plus the 800,000 the cap left: 2,000,000
    assert back == M("100000.00")
    assert any("贷款银行" in x and "¥2,000,000.00/¥3,000,000.00 = ¥200,000.00" in x
               for x in [stored_text(line, "zh") for line in lines])


def test_two_payouts_at_once_never_overdraw(engine: Engine, org: tuple[int, str]) -> None:
    claims = [_approved_claim(engine, org, "shenzhen", "1200000") for _ in range(2)]  # 600,000 each
    with session_scope(engine) as s:
        f.deposit(s, "shenzhen", "1000000")
    barrier = threading.Barrier(2)
    paid: list[Decimal] = []
    failed: list[BaseException] = []

    def payout(claim_id: int) -> None:
        barrier.wait()
        try:
            with session_scope(engine) as s:
                paid.append(f.pay(s, "shenzhen", claim_id))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            failed.append(exc)

    threads = [threading.Thread(target=payout, args=(c,)) for c in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert failed == [] and sorted(paid) == [M("400000.00"), M("600000.00")]
    with session_scope(engine) as s:
        assert f.verify_ledger(s, "shenzhen") == (True, 3, M("0.00"))
        assert [r.balance for r in s.scalars(select(LedgerEntry).order_by(LedgerEntry.seq))] == [
            M("1000000.00"), M("400000.00"), M("0.00")]


def test_a_tampered_ledger_is_not_balanced(engine: Engine, org: tuple[int, str]) -> None:
    from sqlalchemy import update

    with session_scope(engine) as s:
        f.deposit(s, "zhuhai", "100")
        f.deposit(s, "zhuhai", "50")
    with session_scope(engine) as s:
        s.execute(update(LedgerEntry).where(LedgerEntry.seq == 1).values(amount=M("90")))
    with session_scope(engine) as s:
        assert f.verify_ledger(s, "zhuhai")[0] is False
    with session_scope(engine) as s:  # balances that add up, but a row numbered past a gap
        s.execute(update(LedgerEntry).where(LedgerEntry.seq == 1).values(amount=M("100")))
        assert f.verify_ledger(s, "zhuhai") == (True, 2, M("150.00"))
        s.execute(update(LedgerEntry).where(LedgerEntry.seq == 2).values(seq=3))
        assert f.verify_ledger(s, "zhuhai")[0] is False


def test_a_fund_row_is_made_by_its_first_operation(engine: Engine) -> None:
    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        org = (nation.id, nation.path)
    loan_id = _enrol(engine, org, "zhongshan")  # no ensure_funds: the enrolment makes the fund's row
    with session_scope(engine) as s:
        assert f.deposit(s, "zhuhai", "10") == M("10.00")
        assert f.balance(s, "zhongshan") == M("0.00") and loan_id


def test_a_claim_stored_before_its_lines_were_messages_reads_as_it_was() -> None:
    from zhichan.finance.views import arithmetic

    old = Claim(arithmetic=json.dumps(["补偿基数 = 本金损失 ¥3,168,000.00（只补偿本金 / principal only）",
                                       "补偿金额 = ¥1,267,200.00"], ensure_ascii=False))
    for lang in ("zh", "en"):
        assert arithmetic(old, lang) == ["补偿基数 = 本金损失 ¥3,168,000.00（只补偿本金 / principal only）",
                                         "补偿金额 = ¥1,267,200.00"]
    new = Claim(arithmetic=json.dumps([f.stored_message("finance.arith.amount", due="¥1.00")]))
    assert arithmetic(new, "en") == ["Compensation = ¥1.00"] and arithmetic(new, "zh") == ["补偿金额 = ¥1.00"]


def test_the_ledger_notes_read_in_the_page_language(engine: Engine, org: tuple[int, str]) -> None:
    """The fund's own notes are messages; notes stored before as "中文 / English" show their half, and what an
    officer typed is shown as typed (a " / " in it included)."""
    from zhichan.finance.views import fund_view
    from zhichan.platform.models import Role
    from zhichan.platform.scope import Scope

    claim_id = _approved_claim(engine, org, "zhuhai", "5000000")
    with session_scope(engine) as s:
        f.deposit(s, "zhuhai", "3000000")
        f.deposit(s, "zhuhai", "10", memo="市财政 / 第二批")
    with session_scope(engine) as s:
        f.pay(s, "zhuhai", claim_id)
        f.recover(s, FUNDS["zhuhai"], claim_id, "1000000")
        s.add(LedgerEntry(fund_code="zhuhai", seq=99, kind="deposit", amount=M("0"), balance=M("0"),
                          memo=f"补偿拨付 / payout of claim {claim_id}", at=dt.datetime(2026, 6, 2)))
    scope = Scope(role=Role.CASE_OFFICER, user_id=1, username="t", org_path=org[1], region_code="100000", org_id=org[0])
    with session_scope(engine) as s:
        notes = {lang: [row["memo"] for row in fund_view(s, scope, FUNDS, "zhuhai", lang)["ledger"]]
                 for lang in ("zh", "en")}
    assert notes["zh"] == ["补偿拨付", "追偿返还", "补偿拨付", "市财政 / 第二批", "注资"]
    # a note standing alone in its cell begins with a capital; the row stored before (seq 99) reads as it was written
    assert notes["en"] == [f"payout of claim {claim_id}", f"Recovery on claim {claim_id}", f"Payout of claim {claim_id}",
                           "市财政 / 第二批", "Deposit"]
    assert f.memo_text('{"key": "services.reason.listed"}', "en") == '{"key": "services.reason.listed"}'


def test_a_funds_loans_are_read_whatever_their_number(engine: Engine, org: tuple[int, str]) -> None:
    """A fund's loans grow with the data: their claims and payouts are read by a subquery of the loans the caller sees,
    not by a list of their ids — 70,000 loans, more than one statement binds on either database (the API had a 500)."""
    from sqlalchemy import insert

    from tests.helpers import BEYOND_BOUND_VALUES, stock_sqlite_limits
    from zhichan.finance.models import Loan
    from zhichan.finance.views import fund_loans_api
    from zhichan.platform.models import Role
    from zhichan.platform.scope import Scope

    stock_sqlite_limits(engine)
    loan = {"fund_code": "chongqing", "borrower": "重庆示例科技有限公司", "enterprise_type": "small", "bank": "重庆示例银行",
            "principal": Decimal("1000000"), "ip_collateral": Decimal("600000"), "collateral": Decimal("1000000"),
            "enrolled_on": JUNE, "status": "enrolled", "synthetic": False, "org_id": org[0], "org_path": org[1]}
    with session_scope(engine) as s:
        s.execute(insert(Loan), [loan] * BEYOND_BOUND_VALUES)
        first = s.scalar(select(Loan.id).order_by(Loan.id).limit(1))
        s.add(Claim(loan_id=first, fund_code="chongqing", principal_loss=M(100), interest_loss=M(0), amount=M(100),
                    status="approved", arithmetic="[]", claimed_on=JUNE))
    scope = Scope(role=Role.CASE_OFFICER, user_id=1, username="t", org_path=org[1], region_code="100000", org_id=org[0])
    with session_scope(engine) as s:
        loans = fund_loans_api(s, scope, FUNDS, "chongqing")["loans"]
    assert len(loans) == BEYOND_BOUND_VALUES
    assert [x["id"] for x in loans if x["claim"]] == [first]
