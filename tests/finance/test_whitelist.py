"""Whitelists pushed to banks: built from the high-value definition within the bureau's area, credit-listed
enterprises left out; a bank sees only lists pushed to it and records its decision, which the bureau reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.finance.helpers import PLEDGOR, World, build_world
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.credit.service import record_listing
from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.evidence.keys import SigningKey
from zhichan.finance import whitelist as wl
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization

D = dt.date
AS_OF = D(2026, 6, 1)


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    rows = [
        # inventions filed 2014 are maintained over 10 years by 2026-06-01: high-value criterion 3
        patent(serial=1, application_date="2014-03-01", applicants=[PLEDGOR]),
        patent(serial=2, application_date="2014-04-01", applicants=[PLEDGOR]),
        patent(serial=3, application_date="2020-04-01", applicants=[PLEDGOR]),
        patent(serial=4, application_date="2014-05-01", applicants=["武侯另一科技有限公司"]),
        patent(serial=5, application_date="2014-05-01", applicants=["武侯失信科技有限公司"]),
        patent(serial=6, application_date="2020-05-01", applicants=["武侯普通科技有限公司"]),
        patent(serial=7, application_date="2014-05-01", applicants=["锦江某科技有限公司"], region_code="510104"),
    ]
    return build_world(engine, tmp_path / "files", SigningKey.generate(), build_snapshot(tmp_path, patents=rows))


def test_build_push_and_feedback(world: World) -> None:
    snap = world.snapshot[0]
    assert snap is not None
    with session_scope(world.engine) as s:
        city = s.get(Organization, world.orgs["chengdu"])
        assert city is not None
        record_listing(s, subject="武侯失信科技有限公司", ground="other", decision_number="成知信〔2026〕5号",
                       listed_from=D(2026, 1, 5), org_id=city.id, org_path=city.path, region_code="510100")
    officer = world.scope("wuhou_officer")
    with session_scope(world.engine) as s:
        with pytest.raises(FormError) as info:
            wl.build(s, officer, snap, title=" ", min_high_value="x", as_of=AS_OF)
        assert set(info.value.errors) == {"title", "min_high_value"}
        with pytest.raises(FormError) as info:  # a longer title is refused, not cut to 200 characters
            wl.build(s, officer, snap, title="白" * 201, min_high_value="1", as_of=AS_OF)
        assert set(info.value.errors) == {"title"} and "200" in info.value.errors["title"]
        with pytest.raises(PermissionDenied):
            wl.build(s, world.scope("bank_user"), snap, title="白名单", min_high_value=1, as_of=AS_OF)
        listed = wl.build(s, officer, snap, title="2026年第一批", min_high_value="1", as_of=AS_OF)
        list_id = listed.id
        view = wl.whitelist_view(s, officer, list_id)
        got = {e["entry"].name: (e["entry"].valid_patents, e["entry"].high_value_patents) for e in view["entries"]}
        assert got == {PLEDGOR: (3, 2), "武侯另一科技有限公司": (1, 1)}  # not the listed one, not 锦江, not below 1
        assert view["criteria"]["excluded_credit_listed"] == 1
    with session_scope(world.engine) as s:  # not pushed yet: no bank sees it
        assert wl.lists(s, world.scope("bank_user")) == []
        with pytest.raises(NotFoundError):
            wl.whitelist_view(s, world.scope("bank_user"), list_id)
        assert wl.push(s, officer, list_id, [world.orgs["bank"], world.orgs["wuhou"]]) == 1  # a bureau is no bank
    with session_scope(world.engine) as s:
        bank = world.scope("bank_user")
        assert [w.id for w in wl.lists(s, bank)] == [list_id]
        assert wl.lists(s, world.scope("other_bank_user")) == [] and wl.lists(s, world.scope("ent_user")) == []
        assert wl.lists(s, world.scope("jinjiang_officer")) == []
        entry = next(e["entry"] for e in wl.whitelist_view(s, bank, list_id)["entries"] if e["entry"].name == PLEDGOR)
        with pytest.raises(FormError):
            wl.feedback(s, bank, list_id, entry.id, decision="approved", loan_amount="")
        with pytest.raises(FormError) as info:  # a longer note is refused, not cut to 500 characters
            wl.feedback(s, bank, list_id, entry.id, decision="approved", loan_amount="3,000,000", note="注" * 501)
        assert set(info.value.errors) == {"note"}
        wl.feedback(s, bank, list_id, entry.id, decision="approved", loan_amount="3,000,000", note="首贷")
        with pytest.raises(NotFoundError):
            wl.feedback(s, world.scope("other_bank_user"), list_id, entry.id, decision="declined", loan_amount="")
    with session_scope(world.engine) as s:
        view = wl.whitelist_view(s, officer, list_id)
        fb = next(e["feedback"] for e in view["entries"] if e["entry"].name == PLEDGOR)
        # each bank with its English name where known (none here), for English pages
        assert fb == [{"bank": "成都示例银行股份有限公司", "bank_en": None, "decision": "approved",
                       "loan_amount": Decimal("3000000.00"), "note": "首贷", "at": fb[0]["at"]}]
        assert view["pushed"] == [("成都示例银行股份有限公司", None)]
