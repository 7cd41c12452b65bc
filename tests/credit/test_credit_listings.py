"""The credit list's one public check, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from tests.helpers import migration_differences
from zhichan.credit import models  # noqa: F401 - registers the table on Base.metadata
from zhichan.credit.service import (
    active_listing,
    declared_listing,
    measures_end,
    record_listing,
    repair_allowed_from,
)
from zhichan.errors import FormError
from zhichan.platform.db import session_scope
from zhichan.platform.models import OrgKind
from zhichan.platform.orgs import create_org

D = dt.date
USCC = "91510100MA61R5XA24"


def test_models_match_migration(engine: Engine) -> None:
    assert migration_differences(engine, "credit_") == []


def test_periods_follow_the_civil_code() -> None:
    shipped = declared_listing("510107")  # the shipped declaration's terms: one year, six months
    assert measures_end(D(2026, 3, 2), shipped) == D(2027, 3, 2)
    assert measures_end(D(2024, 2, 29), shipped) == D(2025, 2, 28)
    assert repair_allowed_from(D(2025, 8, 31), shipped) == D(2026, 3, 1)  # six months run to 28 February


def test_active_listing_by_name_or_code_within_its_year(engine: Engine) -> None:
    with session_scope(engine) as s:
        city = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100")
        listed = record_listing(s, subject="成都某某专利代理有限公司", ground="abnormal_filing", credit_code=USCC,
                                decision_number="成知信〔2026〕3号", listed_from=D(2026, 3, 2), org_id=city.id,
                                org_path=city.path, region_code="510100")
        assert listed.listed_until == D(2027, 3, 2)
        record_listing(s, subject="另一公司", ground="false_material", decision_number="成知信〔2026〕4号",
                       listed_from=D(2026, 1, 5), org_id=city.id, org_path=city.path, region_code="510100")
    with session_scope(engine) as s:
        hit = active_listing(s, name=" 成都某某专利代理有限公司 ", on=D(2026, 6, 1))
        assert hit is not None and "成知信〔2026〕3号" in hit.reason and "非正常专利申请" in hit.reason
        assert active_listing(s, credit_code=USCC.lower(), on=D(2027, 3, 2)) is not None  # the last day counts
        assert active_listing(s, credit_code=USCC, on=D(2027, 3, 3)) is None
        assert active_listing(s, name="成都某某专利代理有限公司", on=D(2026, 3, 1)) is None
        assert active_listing(s, name="无关公司", on=D(2026, 6, 1)) is None
        assert active_listing(s, on=D(2026, 6, 1)) is None
        other = active_listing(s, name="另一公司", on=D(2026, 6, 1))
        assert other is not None
        from zhichan.credit.models import CreditListing

        s.get(CreditListing, other.id).repaired_on = D(2026, 7, 6)  # type: ignore[union-attr]
    with session_scope(engine) as s:
        assert active_listing(s, name="另一公司", on=D(2026, 7, 5)) is not None
        assert active_listing(s, name="另一公司", on=D(2026, 7, 6)) is None  # repaired


def test_a_listing_with_bad_fields_names_each(engine: Engine) -> None:
    with session_scope(engine) as s:
        city = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100")
        with pytest.raises(FormError) as info:
            record_listing(s, subject=" ", ground="nonsense", credit_code="123", decision_number="",
                           listed_from=D(2026, 3, 2), org_id=city.id, org_path=city.path, region_code="510100")
    assert set(info.value.errors) == {"subject", "ground", "credit_code", "decision_number"}


def test_many_subjects_at_once_answer_as_one_at_a_time(engine: Engine) -> None:
    from zhichan.credit.service import active_listings

    with session_scope(engine) as s:
        city = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100")
        for subject, code, day in (("甲公司", USCC, D(2026, 3, 2)), ("乙公司", None, D(2025, 1, 5)),
                                   ("乙公司", None, D(2026, 1, 5)), ("丙公司", None, D(2024, 1, 5))):
            record_listing(s, subject=subject, ground="other", credit_code=code, decision_number=f"{subject}{day}",
                           listed_from=day, org_id=city.id, org_path=city.path, region_code="510100")
    subjects = [("甲公司", None), (None, USCC), ("改名后的甲公司", USCC), (" 乙公司 ", None), ("丙公司", None),
                ("丁公司", "91510100MA61R5XA24"), (None, None)]
    with session_scope(engine) as s:
        for on in (D(2025, 6, 1), D(2026, 6, 1), D(2027, 3, 3)):
            one_by_one = [active_listing(s, on=on, name=n, credit_code=c) for n, c in subjects]
            assert active_listings(s, on=on, subjects=subjects) == one_by_one
        assert [x is not None for x in active_listings(s, on=D(2026, 6, 1), subjects=subjects)] == \
            [True, True, True, True, False, True, False]
