"""An outsider's check of IP finance against RULES.md rule 5, worked by hand on SQLite and PostgreSQL: the
registration decision's 3 working days run from the complete file, so afresh from a cure (专利权质押登记办法
2021 [S]); risk compensation "covers principal only, pro rata to the IP share, and stops when the pool
balance runs out" — to the cent, the interest left out, the pool running dry and refusing, the ledger
balanced after every operation, a recovery pro rata to the whole loss."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from tests.finance.helpers import World
from tests.finance.test_funds import org as org  # the fixture
from tests.finance.test_pledge_checks import N
from tests.finance.test_pledge_checks import world as world  # the fixture
from zhichan.errors import ConflictError
from zhichan.finance import funds as f
from zhichan.finance.models import Claim
from zhichan.platform.db import session_scope
from zhichan.web.i18n import stored_text

M = Decimal
ON = dt.date(2026, 6, 1)

# 海口-like: only the IP's share of the collateral is compensated [S: RULES.md M5]; the split is a test's own
IP_ONLY = f.parse_fund("""
code: test_ip_only
jurisdiction: "460100"
title: {zh: 仅补偿知识产权部分, en: IP share only}
started_on: 2026-01-01
covers: principal
ip_share_only: true
participants:
  - {key: fund, zh: 风险补偿资金, en: Fund, share: 40, pool: true}
  - {key: bank, zh: 贷款银行, en: Lending bank, share: 60, residual: true}
""", "test")


def test_only_the_principal_and_only_the_ip_share_is_compensated_until_the_pool_runs_dry(
        engine: Engine, org: tuple[int, str]) -> None:
    with session_scope(engine) as s:
        f.ensure_funds(s, {IP_ONLY.code: IP_ONLY})
        loan = f.enrol(s, IP_ONLY, borrower="海口示例科技有限公司", enterprise_type="small", bank="某银行",
                       principal="3,000,000", fee_rate="", ip_collateral="1234567.89", collateral="3000000",
                       on=dt.date(2026, 2, 2), org_id=org[0], org_path=org[1])
        row = f.claim(s, IP_ONLY, loan, principal_loss="1000000", interest_loss="85000", on=ON)
        f.approve(s, IP_ONLY, row, ON)
        claim_id = row.id
        # principal only: the 85,000 of interest is not in the base; the IP's share 1,234,567.89 / 3,000,000:
        # 1,000,000 × 1,234,567.89 / 3,000,000 = 411,522.63; the fund's 40 % = 164,609.052 → 164,609.05
        assert row.amount == M("164609.05")
        shown = [stored_text(x, "zh") for x in json.loads(row.arithmetic)]
        assert "补偿基数 = 本金损失 ¥1,000,000.00（只补偿本金）" in shown
        assert any("¥1,000,000.00 × 知识产权评估值 ¥1,234,567.89/全部担保物评估值 ¥3,000,000.00 = ¥411,522.63" in x
                   for x in shown)
        # the bank's 60 % takes the rounding: 246,913.578 → 246,913.58, the two summing to 411,522.63
        assert any("贷款银行" in x and "= ¥246,913.58" in x for x in shown)
        english = [stored_text(x, "en") for x in json.loads(row.arithmetic)]
        assert any(x.startswith("IP part = ¥1,000,000.00") for x in english)
        f.deposit(s, IP_ONLY.code, "100000.00")
        assert f.verify_ledger(s, IP_ONLY.code) == (True, 1, M("100000.00"))
    with session_scope(engine) as s:
        # the pool pays what it holds, the rest stays owed
        assert f.pay(s, IP_ONLY.code, claim_id) == M("100000.00")
        assert f.verify_ledger(s, IP_ONLY.code) == (True, 2, M("0.00"))
    with session_scope(engine) as s, pytest.raises(ConflictError):
        f.pay(s, IP_ONLY.code, claim_id)  # dry: refused, nothing written
    with session_scope(engine) as s:
        assert f.verify_ledger(s, IP_ONLY.code) == (True, 2, M("0.00"))
        f.deposit(s, IP_ONLY.code, "70000")
    with session_scope(engine) as s:
        assert f.pay(s, IP_ONLY.code, claim_id) == M("64609.05")
        paid = s.get(Claim, claim_id)
        assert paid is not None and paid.status == "paid" and paid.paid == M("164609.05")
        assert f.verify_ledger(s, IP_ONLY.code) == (True, 4, M("5390.95"))
        # a recovery of 300,000 after disposal goes back pro rata to the whole principal loss the parties bore:
        # the pool 164,609.05 of 1,000,000 → 49,382.715 → 49,382.72; the bank its 246,913.58 plus the part outside
        # the IP share (588,477.37): 835,390.95 → 250,617.285 → 250,617.29
        back, lines = f.recover(s, IP_ONLY, claim_id, "300000")
        assert back == M("49382.72")
        assert any("贷款银行" in x and "¥835,390.95/¥1,000,000.00 = ¥250,617.29" in x
                   for x in [stored_text(line, "zh") for line in lines])
        assert f.verify_ledger(s, IP_ONLY.code) == (True, 5, M("54773.67"))


def test_without_the_setting_the_whole_principal_loss_is_the_base(engine: Engine, org: tuple[int, str]) -> None:
    # the shipped funds do not limit to the IP share: Zhuhai's fund 40 % of the whole principal loss
    amount, lines, _ = f.claim_arithmetic(f.load_funds()["zhuhai"], M("1000000"), M("85000"), ON)
    assert amount == M("400000.00")
    assert not any("知识产权部分" in stored_text(x, "zh") for x in lines)


def _decision_due(world: World, case_id: int) -> dt.date | None:
    with session_scope(world.engine) as s:
        c = world.service.case(s, world.scope("wuhou_officer"), case_id)
    return next(x for x in c["clocks"] if x["name"] == "decision")["due_on"]


def test_the_decision_runs_three_working_days_afresh_from_the_cure(world: World) -> None:
    case = world.apply(dt.date(2026, 2, 11), rights=N["ok"])
    # the bank confirms on Thursday 12 February 2026, the day before the Spring Festival make-up Saturday:
    # 13, Sat 14, then 24 February (the holiday is 15–23)
    world.act("bank_user", case["id"], "confirm", dt.date(2026, 2, 12), invalidation_consent="否")
    assert _decision_due(world, case["id"]) == dt.date(2026, 2, 24)
    world.act("wuhou_officer", case["id"], "request_cure", dt.date(2026, 2, 13), items="质押合同缺少签章页", cure_days=15)
    assert _decision_due(world, case["id"]) is None
    world.act("ent_user", case["id"], "cure", dt.date(2026, 2, 26))
    # the complete file arrives on Thursday 26 February: 27, Sat 28 February (a make-up workday), Monday 2 March.
    # (Resuming the paused clock would count the cure day itself: 26, 27, 28 February.)
    assert _decision_due(world, case["id"]) == dt.date(2026, 3, 2)
    assert world.act("wuhou_officer", case["id"], "register", dt.date(2026, 3, 2))["state"] == "registered"


def test_a_change_is_certified_again_so_the_record_still_verifies(world: World) -> None:
    """变更登记 (专利权质押登记办法: change with the application and proof): the register's record after a change is
    what `record.json` serves, so the certificate must cover it — a certificate still holding the registration's
    digest would fail verification against the changed record (and show the old debt)."""
    from sqlalchemy import select

    from tests.finance.helpers import documents
    from zhichan.finance.models import Pledge
    from zhichan.finance.service import record_digest, registration_record

    case = world.apply(dt.date(2026, 3, 2), rights=N["ok"])
    world.act("bank_user", case["id"], "confirm", dt.date(2026, 3, 2), invalidation_consent="否")
    world.act("wuhou_officer", case["id"], "register", dt.date(2026, 3, 4))
    with session_scope(world.engine) as s:
        pledge = s.scalar(select(Pledge))
        assert pledge is not None and pledge.certificate_index is not None
        first = pledge.certificate_index
    # the debt raised to 1,200,000.50 and the term moved to the end of June 2027 (the patent runs to 2039-12-31)
    world.act("wuhou_officer", case["id"], "change", dt.date(2026, 4, 1), uploads=documents()[:1],
              debt_amount="1,200,000.50", debt_end="2027-06-30")
    with session_scope(world.engine) as s:
        pledge = s.scalar(select(Pledge))
        assert pledge is not None and pledge.certificate_index is not None
        _, sm3, _ = record_digest(registration_record(s, pledge))
        entry = world.rules.evidence.get_entry(pledge.certificate_index)
        assert pledge.certificate_index != first and pledge.record_sm3 == sm3
        assert entry.fields["sm3"] == sm3 and entry.fields["debt_amount"] == "1,200,000.50 元"  # grouped (it printed 1200000.50 元)
        assert entry.fields["debt_term"] == "2026-01-05 至 2027-06-30"
        assert entry.fields["registered_on"] == "2026-03-04"  # still registered on the day it was
        # the registration's own entry stays in the append-only log as it was
        assert world.rules.evidence.get_entry(first).fields["debt_amount"] == "1,000,000.00 元"  # to the fen, as recorded
