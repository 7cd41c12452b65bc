"""Pledge registration against hand-made corpus records: each refusal rule, with its reason beside the
field; a clean pledge runs applied → confirmed → registered, and a right cannot be pledged twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.finance.helpers import BANK, PLEDGOR, World, at, build_world, documents
from tests.helpers import migration_differences
from zhichan.corpus.testing import build_snapshot, event, patent, record
from zhichan.corpus.validate import FieldError
from zhichan.credit.service import record_listing
from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.evidence.keys import SigningKey
from zhichan.finance.models import Pledge, PledgedRight
from zhichan.platform.db import session_scope

D = dt.date
DAY = D(2026, 3, 2)  # a Monday
REGISTERED = D(2026, 1, 15)  # the hand-made data-IP registrations' grant


def _numbers() -> dict[str, str]:
    return {name: patent(serial=i)["application_number"] for i, name in enumerate(
        ["ok", "ok2", "other_holder", "lapsed", "invalidated", "pending", "suspended", "short_term", "pledged",
         "co_owned", "invalidation", "transferred_away", "compensated", "compensation_unread"], start=1)}


N = _numbers()


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    p = N
    patents = [
        patent(p["ok"], application_date="2020-01-01"),
        patent(p["ok2"], application_date="2020-01-01"),
        patent(p["other_holder"], applicants=["别家科技有限公司"]),
        patent(p["lapsed"], legal_status="lapsed_unpaid", grant_date="2022-01-01", lapse_date="2025-03-01"),
        patent(p["invalidated"], legal_status="invalidated", grant_date="2022-01-01", legal_status_date="2025-05-01"),
        patent(p["pending"], legal_status="under_examination"),
        patent(p["suspended"]),
        # a utility model filed 2017-01-01: its term ends 2026-12-31 (专利法 第四十二条)
        patent(p["short_term"], kind="utility_model", application_date="2017-01-01", grant_date="2017-08-01"),
        patent(p["pledged"]),
        patent(p["co_owned"], applicants=[PLEDGOR, "四川共有大学"]),
        patent(p["invalidation"]),
        patent(p["transferred_away"], current_patentees=["受让方有限公司"]),
        # inventions filed 2006-04-01: the statutory term ends 2026-03-31; one compensated by 300 days (to
        # 2027-01-25), one with a compensation whose length cannot be read
        patent(p["compensated"], application_date="2006-04-01", grant_date="2011-06-01"),
        patent(p["compensation_unread"], application_date="2006-04-01", grant_date="2011-06-01"),
    ]
    events = [
        event(p["suspended"], "legal_status_change", "2025-10-01", detail="中止（权属纠纷）"),
        event(p["pledged"], "pledge", "2025-06-01", party_from=PLEDGOR, party_to="另一家银行", amount_yuan=Decimal("3000000")),
        event(p["invalidation"], "invalidation", "2026-01-10", detail="无效宣告请求"),
        event(p["compensated"], "legal_status_change", "2011-08-01", detail="专利权期限补偿，补偿天数：300天"),
        event(p["compensation_unread"], "legal_status_change", "2011-08-01", detail="专利权期限补偿"),
    ]
    marks = [record("trademarks", registration_number="12345678", mark_name="示例", registrant=PLEDGOR,
                    is_geographical_indication=False, is_domestic=True, status="registered",
                    expiry_date="2031-01-01"),
             record("trademarks", registration_number="87654321", mark_name="别家", registrant="别家科技有限公司",
                    is_geographical_indication=False, is_domestic=True, status="registered")]
    snap = build_snapshot(tmp_path, patents=patents, events=events, trademarks=marks)
    return build_world(engine, tmp_path / "files", SigningKey.generate(), snap)


def test_models_match_the_migration(engine: Engine) -> None:
    assert migration_differences(engine, "finance_") == []
    assert migration_differences(engine, "procedure_") == []  # the counterparty column


def _refused(world: World, **fields: object) -> dict[str, str]:
    with pytest.raises(FormError) as info:
        world.apply(DAY, **fields)
    return info.value.errors


@pytest.mark.parametrize(("name", "reason"), [
    ("other_holder", "出质人不是登记的专利权人"),
    ("transferred_away", "出质人不是登记的专利权人"),
    ("lapsed", "未缴年费终止"),
    ("invalidated", "被宣告无效"),
    ("pending", "尚未授权"),
    ("suspended", "程序中止"),
    ("pledged", "已经出质（质权人：另一家银行"),
])
def test_each_right_refusal_names_the_right_and_the_reason(world: World, name: str, reason: str) -> None:
    errors = _refused(world, rights=f"{N['ok']}\n{N[name]}")
    assert set(errors) == {"rights"}
    assert f"{N[name]}：" in errors["rights"] and reason in errors["rights"]
    assert N["ok"] not in errors["rights"]


def test_lapsed_for_non_payment_is_refused_once_for_its_one_cause(world: World) -> None:
    """A right ended for an unpaid annuity is refused for that, once: it read "未缴年费终止；…未缴年费" (two messages, one
    cause)."""
    from zhichan.web.i18n import in_language
    refused = _refused(world, rights=N["lapsed"])["rights"]
    assert in_language(refused, "zh") == f"{N['lapsed']}：未缴年费终止"
    assert in_language(refused, "en") == f"{N['lapsed']}: lapsed for unpaid annuities"


def test_debt_term_past_the_patent_term(world: World) -> None:
    errors = _refused(world, rights=N["short_term"], debt_end="2027-01-01")
    assert set(errors) == {"debt_end"} and "2026-12-31" in errors["debt_end"]
    world.apply(DAY, rights=N["short_term"], debt_end="2026-12-31")  # the last day of the term is fine


def test_a_compensated_term_secures_a_debt_past_the_statutory_term(world: World) -> None:
    # 专利法 第四十二条第二款: the term compensation registered for the patent lengthens it to 2027-01-25
    errors = _refused(world, rights=N["compensated"], debt_end="2027-01-26")
    assert set(errors) == {"debt_end"}, errors
    assert errors["debt_end"].startswith(f"{N['compensated']} 的专利权期限于 2027-01-25 届满（含专利权期限补偿；法定期限于 "
                                         "2026-03-31 届满），早于债务履行期届满日 2027-01-26 / ")
    assert "including a term compensation" in errors["debt_end"]
    world.apply(DAY, rights=N["compensated"], debt_end="2027-01-25")  # past the statutory term: accepted
    # a term without compensation says so
    assert "于 2026-12-31 届满（法定期限，无期限补偿）" in _refused(world, rights=N["short_term"], debt_end="2027-01-01")["debt_end"]


def test_a_compensation_that_cannot_be_read_leaves_the_term_unknown(world: World) -> None:
    errors = _refused(world, rights=N["compensation_unread"], debt_end="2026-04-01")
    assert set(errors) == {"debt_end"}
    assert errors["debt_end"].startswith(f"{N['compensation_unread']} 的专利权期限不明（已登记专利权期限补偿，但无法读取补偿期限；"
                                         "法定期限于 2026-03-31 届满），无法确认涵盖债务履行期")
    assert "the term" in errors["debt_end"] and "unknown" in errors["debt_end"]
    world.apply(DAY, rights=N["compensation_unread"], debt_end="2026-03-31")  # within the statutory term: fine


def test_a_co_owner_must_be_named_as_consenting(world: World) -> None:
    errors = _refused(world, rights=N["co_owned"])
    assert set(errors) == {"co_owners_consenting"} and "四川共有大学" in errors["co_owners_consenting"]
    world.apply(DAY, rights=N["co_owned"], co_owners_consenting="四川共有大学")


def test_pending_invalidation_needs_both_parties_consent(world: World) -> None:
    assert set(_refused(world, rights=N["invalidation"])) == {"invalidation_consent"}
    case = world.apply(DAY, rights=N["invalidation"], invalidation_consent="是")
    with pytest.raises(FormError) as info:  # the pledgee did not consent
        world.act("bank_user", case["id"], "confirm", DAY, invalidation_consent="否")
    assert set(info.value.errors) == {"invalidation_consent"}
    world.act("bank_user", case["id"], "confirm", DAY, invalidation_consent="是")
    assert world.act("wuhou_officer", case["id"], "register", D(2026, 3, 3))["state"] == "registered"


def test_pledgor_on_the_credit_list(world: World) -> None:
    with session_scope(world.engine) as s:
        from zhichan.platform.models import Organization

        city = s.get(Organization, world.orgs["chengdu"])
        assert city is not None
        record_listing(s, subject=PLEDGOR, ground="false_material", decision_number="成知信〔2026〕1号",
                       listed_from=D(2026, 1, 5), org_id=city.id, org_path=city.path, region_code="510100")
    errors = _refused(world, rights=N["ok"])
    assert set(errors) == {"pledgor"} and "成知信〔2026〕1号" in errors["pledgor"]


def test_unknown_numbers_bank_and_amount_are_refused_beside_their_fields(world: World) -> None:
    # an amount that is not one is refused by the declared money field, before the pledge's own checks
    errors = _refused(world, rights="CN202011111111.1\nnot-a-number", pledgee="没有的银行", debt_amount="一百万",
                      debt_end="2025-01-01")
    assert set(errors) == {"debt_amount"} and errors["debt_amount"].startswith("“被担保主债权数额”应为金额（元）")
    errors = _refused(world, rights="CN202011111111.1\nnot-a-number", pledgee="没有的银行", debt_amount="1,000,000",
                      debt_end="2025-01-01")
    assert set(errors) == {"rights", "pledgee", "debt_end"}
    errors = _refused(world, rights=patent(serial=99)["application_number"])
    assert "语料中没有该专利" in errors["rights"]


def test_trademarks_are_checked_the_same_way(world: World) -> None:
    errors = _refused(world, rights="商标 87654321\n99999999")
    assert "商标 87654321：出质人不是商标注册人" in errors["rights"] and "商标 99999999：语料中没有该注册商标" in errors["rights"]
    # each language's page reads its own half, every refusal naming its right (the English half lost the numbers, and
    # two refusals showed both languages)
    from zhichan.web.i18n import in_language
    assert in_language(errors["rights"], "en") == ("Trademark 87654321: the pledgor is not the registrant; "
                                                   "Trademark 99999999: not in the corpus")
    assert in_language(errors["rights"], "zh").startswith("商标 87654321：出质人不是商标注册人（商标注册人：")
    world.apply(DAY, rights=f"TM12345678\n{N['ok']}")
    with session_scope(world.engine) as s:
        kinds = sorted(s.scalars(select(PledgedRight.kind)))
    assert kinds == ["patent", "trademark"]


def test_joint_application_registers_and_a_right_cannot_be_pledged_twice(world: World) -> None:
    case = world.apply(DAY, rights=f"{N['ok']}，{N['ok2']}", guarantor="成都担保有限公司")
    with session_scope(world.engine) as s:  # the pledgor waits for the bank: it may withdraw, but nothing awaits it
        assert [a.event for a in world.service.case(s, world.scope("ent_user"), case["id"])["actions"]] == ["withdraw"]
        assert world.service.todo(s, world.scope("ent_user"), today=DAY)["total"] == 0
        assert world.service.todo(s, world.scope("bank_user"), today=DAY)["total"] == 1
    # while awaiting the pledgee, the rights are held: a second application is refused
    assert "已在本平台出质" in _refused(world, rights=N["ok2"])["rights"]
    # only the named bank confirms; another bank does not even see the case
    with pytest.raises(NotFoundError):
        world.act("other_bank_user", case["id"], "confirm", DAY, invalidation_consent="否")
    with pytest.raises(PermissionDenied):  # the officer may not confirm for the bank
        world.act("wuhou_officer", case["id"], "confirm", DAY, invalidation_consent="否")
    world.act("bank_user", case["id"], "confirm", DAY, invalidation_consent="否")
    with session_scope(world.engine) as s:
        c = world.service.case(s, world.scope("wuhou_officer"), case["id"])
        decision = next(x for x in c["clocks"] if x["name"] == "decision")
        assert decision["due_on"] == D(2026, 3, 5)  # 3 working days from the complete file (Mon → Thu)
    with session_scope(world.engine) as s:  # awaiting the decision: the district's to-do
        assert world.service.todo(s, world.scope("wuhou_officer"), today=D(2026, 3, 3))["total"] == 1
        assert world.service.todo(s, world.scope("bank_user"), today=D(2026, 3, 3))["total"] == 0
        assert world.service.todo(s, world.scope("ent_user"), today=D(2026, 3, 3))["total"] == 0
    assert world.act("wuhou_officer", case["id"], "register", D(2026, 3, 4))["state"] == "registered"
    with session_scope(world.engine) as s:  # registered: it rests in nobody's to-do until it ends
        for who in ("wuhou_officer", "bank_user", "ent_user"):
            assert world.service.todo(s, world.scope(who), today=D(2026, 3, 4))["total"] == 0, who
        assert [a.event for a in world.service.case(s, world.scope("bank_user"), case["id"])["actions"]] == [
            "release", "dispose"]
        pledge = s.scalar(select(Pledge))
        assert pledge is not None and pledge.status == "registered" and pledge.registered_on == D(2026, 3, 4)
        assert pledge.registration_number == f"Y2026510107{pledge.id:06d}" and pledge.certificate_index is not None
        assert str(pledge.debt_amount) == "1000000.00"
    assert "已在本平台出质" in _refused(world, rights=N["ok"])["rights"]
    world.act("wuhou_officer", case["id"], "cancel", D(2026, 6, 1), uploads=documents()[:1], ground="主债权消灭")
    world.apply(D(2026, 6, 2), rights=N["ok"])  # released by the cancellation


def test_registration_rechecks_on_the_decision_date(world: World) -> None:
    case = world.apply(DAY, rights=N["ok"])
    world.act("bank_user", case["id"], "confirm", DAY, invalidation_consent="否")
    with session_scope(world.engine) as s:  # listed between filing and decision
        from zhichan.platform.models import Organization

        city = s.get(Organization, world.orgs["chengdu"])
        assert city is not None
        record_listing(s, subject=PLEDGOR, ground="other", decision_number="成知信〔2026〕9号",
                       listed_from=D(2026, 3, 3), org_id=city.id, org_path=city.path, region_code="510100")
    with pytest.raises(FormError) as info:
        world.act("wuhou_officer", case["id"], "register", D(2026, 3, 3))
    assert "成知信〔2026〕9号" in info.value.errors["check_pledgor"]


def test_change_then_disposal_on_default(world: World) -> None:
    case = world.apply(DAY, rights=N["short_term"], debt_end="2026-06-30")
    world.act("bank_user", case["id"], "confirm", DAY, invalidation_consent="否")
    world.act("wuhou_officer", case["id"], "register", D(2026, 3, 3))
    with pytest.raises(FormError) as info:  # the new term would run past the utility model's
        world.act("wuhou_officer", case["id"], "change", D(2026, 4, 1), uploads=documents()[:1], debt_end="2027-01-31")
    assert set(info.value.errors) == {"debt_end"}
    world.act("wuhou_officer", case["id"], "change", D(2026, 4, 1), uploads=documents()[:1], debt_amount="1200000.50",
              guarantor="新担保公司")
    with pytest.raises(FormError) as info:
        world.act("bank_user", case["id"], "dispose", D(2026, 8, 3), uploads=documents()[:1], method="拍卖",
                  proceeds="很多")
    assert set(info.value.errors) == {"proceeds"}
    world.act("bank_user", case["id"], "dispose", D(2026, 8, 3), uploads=documents()[:1], method="拍卖",
              proceeds="900,000")
    with session_scope(world.engine) as s:
        pledge = s.scalar(select(Pledge))
        assert pledge is not None
        assert (pledge.status, pledge.ended_on, str(pledge.debt_amount), pledge.guarantor) == (
            "disposed", D(2026, 8, 3), "1200000.50", "新担保公司")


# -- data-IP pledges (数据知识产权质押): the same procedure and the same checks as trademarks -------------

def _data_ip(world: World, applicant: str = PLEDGOR, status: str = "registered",
             decided: dt.date | None = REGISTERED) -> str:
    """A hand-made entry of the data-IP register (its application in the evidence log, as the register needs)."""
    from zhichan.dataip.models import Registration

    with session_scope(world.engine) as s:
        entry = world.rules.evidence.append_records([{"kind": "dataip.application", "applicant": applicant}],
                                                    now=at(D(2026, 1, 5)), conn=s.connection())[0]
        number = f"DIP-2026-{entry.index:08d}"
        s.add(Registration(number=number, application_index=entry.index, applicant=applicant,
                           data_name=f"公交刷卡脱敏数据集（合成）{entry.index}", description="合成", data_source="自有",
                           data_scale="1 亿条", processing_rules="去标识化", status=status,
                           submitted_at=at(D(2026, 1, 5)), decided_at=at(decided) if decided else None))
    return number


def test_data_ip_refusals_name_the_registration_and_the_reason(world: World) -> None:
    other = _data_ip(world, applicant="别家数据有限公司")
    in_notice = _data_ip(world, status="in_notice", decided=None)
    later = _data_ip(world, decided=D(2026, 3, 10))  # registered only after the application date
    errors = _refused(world, rights=f"{other}\n{in_notice}\n{later}\nDIP-2026-99999999")
    assert set(errors) == {"rights"}
    text = errors["rights"]
    assert f"数据知识产权 {other}：出质人不是登记的数据持有人（登记的数据持有人：别家数据有限公司）" in text
    assert f"数据知识产权 {in_notice}：登记状态为 in_notice，尚未准予登记" in text
    assert f"数据知识产权 {later}：2026-03-10 才准予登记" in text
    assert "数据知识产权 DIP-2026-99999999：数据知识产权登记簿中没有该登记" in text


def test_data_ip_pledge_runs_the_one_procedure_and_its_register_shows_it(world: World) -> None:
    from zhichan.dataip import views as dataip_views
    from zhichan.dataip.service import DataIPService
    from zhichan.platform.scope import Scope

    number = _data_ip(world)
    # one pledge of a patent and a data-IP registration together; lower case is read too
    case = world.apply(DAY, rights=f"{N['ok']}\n{number.lower()}")
    assert "已在本平台出质" in _refused(world, rights=number)["rights"]  # held while awaiting the pledgee
    world.act("bank_user", case["id"], "confirm", DAY, invalidation_consent="否")
    world.act("wuhou_officer", case["id"], "register", D(2026, 3, 3))
    with session_scope(world.engine) as s:
        assert sorted(s.scalars(select(PledgedRight.kind))) == ["dataip", "patent"]
        pledge = s.scalar(select(Pledge))
        assert pledge is not None
        registration_no = pledge.registration_number
    register = DataIPService(world.service)
    shown = dataip_views.registration_view(register, number, Scope.anonymous())["registration"]["pledges"]
    assert shown == [{"registration_no": registration_no, "pledgee": BANK, "registered_on": "2026-03-03", "pledgee_en": None}]
    listed = dataip_views.register_view(register)["items"]
    assert [x["pledges"] != [] for x in listed] == [True]
    world.act("wuhou_officer", case["id"], "cancel", D(2026, 6, 1), uploads=documents()[:1], ground="主债权消灭")
    assert dataip_views.registration_view(register, number, Scope.anonymous())["registration"]["pledges"] == []
    world.apply(D(2026, 6, 2), rights=number)  # free again once the pledge is cancelled


def test_a_cure_asked_for_awaits_the_pledgor_not_the_office(world: World) -> None:
    """While the period the bureau set to cure runs, the application is on the pledgor's to-do list only (the period
    ``cure`` awaits the party): the officer, who may still record a cure brought in or decide, is not waited for. The
    cure filed — or the period run out without it — it is the officer's again; the counts agree with the list."""
    case = world.apply(DAY, rights=N["ok"])
    world.act("bank_user", case["id"], "confirm", DAY, invalidation_consent="否")
    world.act("wuhou_officer", case["id"], "request_cure", D(2026, 3, 3), items="补交质押合同原件", cure_days="10")

    def todo(who: str, day: dt.date) -> tuple[int, int, int, int]:
        with session_scope(world.engine) as s:
            found = world.service.todo(s, world.scope(who), today=day)
        return found["total"], len(found["items"]), found["overdue"], found["due_today"]

    with session_scope(world.engine) as s:
        due = next(c["due_on"] for c in world.service.case(s, world.scope("wuhou_officer"), case["id"])["clocks"]
                   if c["name"] == "cure")
    assert due == D(2026, 3, 13)
    assert todo("wuhou_officer", D(2026, 3, 4)) == (0, 0, 0, 0)
    assert todo("ent_user", D(2026, 3, 4)) == (1, 1, 0, 0)
    assert todo("ent_user", due) == (1, 1, 0, 1)  # its last day: still the pledgor's
    assert todo("wuhou_officer", due) == (0, 0, 0, 0)
    after = D(2026, 3, 14)  # run out without a cure: the office decides (refuses, or takes a late cure)
    assert todo("wuhou_officer", after)[:2] == (1, 1)
    assert todo("ent_user", after) == (0, 0, 0, 0)
    world.act("ent_user", case["id"], "cure", D(2026, 3, 9))
    for day in (D(2026, 3, 9), after):
        assert todo("wuhou_officer", day)[:2] == (1, 1)
        assert todo("ent_user", day) == (0, 0, 0, 0)


def _open_licensed(world: World, number: str, state: str = "published") -> None:
    """An open-licence declaration of ``number`` in the exchange's register, on a case of its own (as the exchange's
    hook keeps it: the hook itself is the exchange's, not installed here)."""
    from zhichan.exchange.models import OpenLicence
    from zhichan.platform.models import Organization

    fields = {"patent_number": number, "patentee": PLEDGOR, "fee_method": "固定费用", "fee_standard": "50000",
              "payment_schedule": "一次性支付", "fee_note": "按研发成本分摊", "term_from": "2026-01-10",
              "term_until": "2027-12-31", "contact": "028-12345678", "evaluation": "不适用（发明专利）",
              "commitment": "本声明内容真实，符合开放许可的规定，无夸大宣传"}
    with session_scope(world.engine) as s:
        case = world.service.start(s, world.scope("ent_user"), "exchange.open_licence", fields=fields,
                                   now=at(D(2026, 1, 5)))
        org = s.get(Organization, world.orgs["enterprise"])
        assert org is not None
        s.add(OpenLicence(case_id=case["id"], application_number=number, title="", patent_kind="invention",
                          application_date=D(2020, 1, 1), patentee=PLEDGOR, fee_method="fixed",
                          payment_schedule="一次性支付", fee_value=Decimal(50000), fee_note="按研发成本分摊",
                          term_from=D(2026, 1, 10), term_until=D(2027, 12, 31), contact="028-12345678", state=state,
                          published_on=D(2026, 1, 8), org_id=org.id, org_path=org.path, party_key=PLEDGOR))


def test_an_open_licensed_patent_is_pledged_with_the_pledgees_consent_to_the_licence(world: World) -> None:
    """开放许可实施指南 §9 (RULES.md M4 [P]): pledging an open-licensed patent needs the pledgee's consent to the licence
    continuing — the pledgor's form refuses it beside the consent's own field until it says so, and the bank's
    confirmation until the bank says so; a withdrawn declaration asks nothing."""
    _open_licensed(world, N["ok"])
    _open_licensed(world, N["ok2"], state="withdrawn")
    errors = _refused(world, rights=f"{N['ok']}\n{N['ok2']}")
    assert set(errors) == {"open_licence_consent"}
    assert errors["open_licence_consent"].startswith(f"{N['ok']} 已实行开放许可（2026-01-08 公告），出质须经质权人同意开放许可继续实施")
    assert N["ok2"] not in errors["open_licence_consent"]
    case = world.apply(DAY, rights=f"{N['ok']}\n{N['ok2']}", open_licence_consent="是")
    with pytest.raises(FormError) as info:  # the bank's own consent
        world.act("bank_user", case["id"], "confirm", DAY, open_licence_consent="否")
    assert set(info.value.errors) == {"open_licence_consent"}
    world.act("bank_user", case["id"], "confirm", DAY, open_licence_consent="是")
    assert world.act("wuhou_officer", case["id"], "register", D(2026, 3, 3))["state"] == "registered"


def test_an_unreadable_right_is_named_in_each_language_apart() -> None:
    """A pledge form's unreadable number reads in the page's language beside the field: the inner reason ("申请号格式
    不正确 / malformed application number") split into its halves — nested whole, the message held two separators and
    a Chinese page showed both languages."""
    from zhichan.finance.service import parse_rights
    from zhichan.web.i18n import in_language

    with pytest.raises(FieldError) as raised:
        parse_rights("ABC\nXYZ-1")
    message = raised.value.reason
    zh, en = in_language(message, "zh"), in_language(message, "en")
    assert zh != en and "ABC" in zh and "XYZ-1" in zh and "malformed" not in zh and "无法识别" in zh
    assert en.startswith("unreadable numbers: ABC: ") and "XYZ-1" in en and "申请号" not in en


def test_the_register_shows_the_cases_state_and_whom_it_awaits(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """质押登记簿 lists each pledge by its case as every list of cases shows it: the state the case is in and whom it
    awaits — a confirmed application under a cure period awaits the pledgor until the period's last day (the bank read
    待登记审查 alone, as if the bureau were deciding), and the office once it has run out."""
    import zhichan.legaltime.periods
    from zhichan.finance.views import register_view

    case = world.apply(DAY, rights=N["ok"])
    world.act("bank_user", case["id"], "confirm", DAY, invalidation_consent="否")
    world.act("wuhou_officer", case["id"], "request_cure", D(2026, 3, 3), items="补交质押合同原件", cure_days="10")

    def listed(day: dt.date, lang: str) -> dict[str, object]:
        monkeypatch.setattr(zhichan.legaltime.periods, "utcnow", lambda: at(day))
        with session_scope(world.engine) as s:
            rows = register_view(s, world.scope("bank_user"), world.service, lang)["pledges"]
        assert len(rows) == 1
        return dict(rows[0]["case"])

    during = listed(D(2026, 3, 4), "zh")
    assert (during["state"], during["awaited"], during["awaited_until"]) == ("待登记审查", ["party"], D(2026, 3, 13))
    assert listed(D(2026, 3, 4), "en")["state"] == "Awaiting the bureau's decision"
    after = listed(D(2026, 3, 14), "zh")
    assert (after["awaited"], after["awaited_until"]) == (["case_officer"], None)
    assert (during["awaited_shown"], after["awaited_shown"]) == (["出质人"], ["办案人员"])
