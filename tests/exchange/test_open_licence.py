"""专利开放许可: every refusal ground of 细则 第八十六条 and 法 第五十条, the content rules, publication,
withdrawal with co-owners, licences by notice plus payment, 备案 — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from tests.exchange.conftest import Exchange
from tests.exchange.helpers import TODAY, declaration, moment
from tests.exchange.helpers import declaration as declared
from tests.helpers import migration_differences
from tests.procedures.helpers import pdf, todo_ids
from zhichan.errors import ConflictError, FormError, PermissionDenied
from zhichan.exchange import models  # noqa: F401 - registers the tables on Base.metadata
from zhichan.exchange.models import OpenLicence
from zhichan.exchange.openlicence import PROCEDURE, record_licence, take_licence
from zhichan.platform.db import session_scope

PDF = b"%PDF-1.4 notice"


def test_models_match_migration(engine: Engine) -> None:
    assert migration_differences(engine, "exchange_") == []


def _file(ex: Exchange, fields: dict[str, str], *, uploads: tuple = (), day: dt.date = TODAY) -> dict:
    with session_scope(ex.world.engine) as s:
        return ex.world.service.start(s, ex.world.scope("ent_user"), PROCEDURE, fields=fields, uploads=uploads,
                                      now=moment(day))


def _refused(ex: Exchange, fields: dict[str, str], uploads: tuple = ()) -> dict[str, str]:
    with pytest.raises(FormError) as info:
        _file(ex, fields, uploads=uploads)
    with session_scope(ex.world.engine) as s:  # nothing of a refused declaration is kept
        assert s.scalar(select(OpenLicence.id)) is None
    return info.value.errors


@pytest.mark.parametrize(("case", "field", "words"), [
    ("exclusive", "patent_number", "独占许可有效期内"),
    ("sole", "patent_number", "排他许可有效期内"),
    ("suspended", "patent_number", "中止程序"),
    ("unpaid", "patent_number", "未缴年费终止"),
    ("pledged", "pledgee_consent", "质权人：某银行"),
    ("invalidated", "patent_number", "被宣告无效"),
    ("pending", "patent_number", "尚未公告授权"),
    ("foreign", "patentee", "不是该专利的权利人"),
])
def test_each_refusal_ground_is_named_beside_its_field(exchange: Exchange, case: str, field: str, words: str) -> None:
    errors = _refused(exchange, declaration(exchange.numbers[case]))
    assert words in errors[field], errors
    # one Chinese half and one English half however many grounds a field has (an unpaid annuity gives two): the page
    # shows its own language's half (two joined "中文 / English" messages showed both on either page)
    zh, sep, en = errors[field].partition(" / ")
    assert sep and " / " not in en and words in zh, errors


def test_a_right_ended_for_its_annuity_is_refused_once_for_that_one_cause(exchange: Exchange) -> None:
    """It read "专利权已终止或无效（未缴年费终止）；专利年费未按规定缴纳": two messages, one cause (the pledge form's
    sibling)."""
    zh, _, en = _refused(exchange, declaration(exchange.numbers["unpaid"]))["patent_number"].partition(" / ")
    assert zh.endswith("专利权已终止或无效（未缴年费终止）") and "年费未按规定缴纳" not in zh
    assert en.endswith("the right no longer stands (lapsed for unpaid annuities)") and "has not been paid" not in en


def test_a_licence_that_is_ordinary_or_has_ended_does_not_bar(exchange: Exchange) -> None:
    for case in ("ordinary_licensed", "expired_exclusive", "resumed", "ok"):
        assert _file(exchange, declaration(exchange.numbers[case]))["state"] == "filed", case


def test_a_pledge_with_the_pledgees_consent_is_accepted(exchange: Exchange) -> None:
    created = _file(exchange, declaration(exchange.numbers["pledged"], pledgee_consent="已取得质权人书面同意"))
    assert created["state"] == "filed"


@pytest.mark.parametrize("case", ["utility_model", "design"])
def test_a_utility_model_or_design_needs_a_favourable_report(exchange: Exchange, case: str) -> None:
    number = exchange.numbers[case]

    def declaration(number: str, **fields: str) -> dict[str, str]:  # a utility model's term ends 2028-03-09
        return declared(number, term_until="2027-12-31", **fields)

    no_report = _refused(exchange, declaration(number, evaluation="未发现不符合授权条件的缺陷"))
    assert "评价报告" in no_report["evaluation"]
    not_applicable = _refused(exchange, declaration(number), uploads=(pdf("extra", "评价报告.pdf"),))
    assert "评价报告" in not_applicable["evaluation"]
    negative = _refused(exchange, declaration(number, evaluation="存在不符合授权条件的缺陷"),
                        uploads=(pdf("extra", "评价报告.pdf"),))
    assert "否定" in negative["evaluation"]
    created = _file(exchange, declaration(number, evaluation="未发现不符合授权条件的缺陷"),
                    uploads=(pdf("extra", "评价报告.pdf"),))
    assert created["state"] == "filed"


@pytest.mark.parametrize(("method", "value", "ok"), [
    ("固定费用", "20000000", True), ("固定费用", "20000000.01", False), ("固定费用", "0", False),
    ("按净销售额提成", "20", True), ("按净销售额提成", "20.5", False), ("按净销售额提成", "3.5%", True),
    ("按利润提成", "40", True), ("按利润提成", "40.01", False), ("固定费用", "五万", False),
])
def test_fee_caps(exchange: Exchange, method: str, value: str, ok: bool) -> None:
    fields = declaration(exchange.numbers["ok"], fee_method=method, fee_standard=value)
    if ok:
        assert _file(exchange, fields)["state"] == "filed"
    else:
        assert "fee_standard" in _refused(exchange, fields)


def test_content_rules_name_each_field(exchange: Exchange) -> None:
    errors = _refused(exchange, declaration(exchange.numbers["ok"], fee_note="说" * 2001, term_until="2040-01-01",
                                            commitment="", contact=""))
    assert set(errors) >= {"fee_note", "commitment", "contact"}
    term = _refused(exchange, declaration(exchange.numbers["ok"], term_until="2038-03-10"))
    assert "2038-03-09" in term["term_until"]  # the invention's term ends the day before the 20th anniversary
    assert "patent_number" in _refused(exchange, declaration("CN201810000000.0"))


def test_a_patent_has_one_live_declaration(exchange: Exchange) -> None:
    _file(exchange, declaration(exchange.numbers["ok"]))
    assert "已有开放许可声明" in _refused_keep(exchange, declaration(exchange.numbers["ok"]))["patent_number"]


def _refused_keep(ex: Exchange, fields: dict[str, str]) -> dict[str, str]:
    with pytest.raises(FormError) as info:
        _file(ex, fields)
    return info.value.errors


def _publish(ex: Exchange, case_id: int, day: dt.date = TODAY) -> None:
    with session_scope(ex.world.engine) as s:
        ex.world.service.act(s, ex.world.scope("wuhou_officer"), case_id, "publish", version=1, fields={},
                             now=moment(day))


def _another_enterprise(ex: Exchange) -> str:
    from tests.procedures.helpers import PASSWORD, _password_hash
    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Organization, OrgKind, Role
    from zhichan.platform.orgs import create_org

    with session_scope(ex.world.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.name == "武侯区知识产权局"))
        org = create_org(s, "某被许可公司", OrgKind.ENTERPRISE, "510107", wuhou, party_key="某被许可公司")
        user = create_user(s, username="licensee_user", password=PASSWORD, role=Role.ENTERPRISE_USER, org=org,
                           password_hash=_password_hash())
        ex.world.users["licensee_user"] = user.id
    return "licensee_user"


def test_publication_withdrawal_and_licences(exchange: Exchange) -> None:
    ex = exchange
    case = _file(ex, declaration(ex.numbers["ok"]))
    assert todo_ids(ex.world, "wuhou_officer") == {case["id"]}  # to publish or refuse
    _publish(ex, case["id"], dt.date(2026, 3, 5))
    # in force until withdrawn: nobody has anything to do, though the patentee may withdraw from the case page
    assert todo_ids(ex.world, "ent_user") == todo_ids(ex.world, "wuhou_officer") == set()
    with session_scope(ex.world.engine) as s:
        offered = ex.world.service.case(s, ex.world.scope("ent_user"), case["id"])["actions"]
        assert [t.event for t in offered] == ["withdraw"]
        row = s.scalar(select(OpenLicence).where(OpenLicence.case_id == case["id"]))
        assert (row.state, row.published_on, row.ipc) == ("published", dt.date(2026, 3, 5), "H01M4/13 H01M10/44")
        declaration_id = row.id
    evidence = ex.world.service.evidence
    with pytest.raises(PermissionDenied), session_scope(ex.world.engine) as s:  # not from itself
        take_licence(s, ex.world.scope("ent_user"), evidence, declaration_id, licensee="自己", notice_on="2026-03-10",
                     paid_yuan="50000", paid_on="2026-03-11", notice=PDF, payment_proof=PDF,
                     now=moment(dt.date(2026, 3, 12)))
    licensee = ex.world.scope(_another_enterprise(ex))
    with session_scope(ex.world.engine) as s:
        with pytest.raises(FormError) as info:  # the fixed fee is paid in full, with both documents
            take_licence(s, licensee, evidence, declaration_id, licensee="某被许可公司", notice_on="2026-03-10",
                         paid_yuan="49999.99", paid_on="2026-03-11", notice=PDF, payment_proof=PDF,
                         now=moment(dt.date(2026, 3, 12)))
        assert "50,000 元 / pay the published fee of 50,000 yuan" in info.value.errors["paid_yuan"]
    with session_scope(ex.world.engine) as s:
        with pytest.raises(FormError) as info:
            take_licence(s, licensee, evidence, declaration_id, licensee="", notice_on="2026-13-10", paid_yuan="x",
                         paid_on="", notice=b"", payment_proof=b"", now=moment(dt.date(2026, 3, 12)))
        assert set(info.value.errors) == {"licensee", "notice_on", "paid_on", "paid_yuan", "notice", "payment_proof"}
    with session_scope(ex.world.engine) as s:  # both dates ahead of the day: each refused beside its field
        with pytest.raises(FormError) as info:
            take_licence(s, licensee, evidence, declaration_id, licensee="某被许可公司", notice_on="2026-03-13",
                         paid_yuan="50000", paid_on="2026-03-14", notice=PDF, payment_proof=PDF,
                         now=moment(dt.date(2026, 3, 12)))
        assert set(info.value.errors) == {"notice_on", "paid_on"}, info.value.errors
    with session_scope(ex.world.engine) as s:
        grant = take_licence(s, licensee, evidence, declaration_id, licensee="某被许可公司", notice_on="2026-03-10",
                             paid_yuan="50000", paid_on="2026-03-11", notice=PDF, payment_proof=PDF,
                             now=moment(dt.date(2026, 3, 12)))
        assert grant.effective_on == dt.date(2026, 3, 11) and grant.until == dt.date(2029, 3, 31)
        grant_id = grant.id
    with pytest.raises(FormError), session_scope(ex.world.engine) as s:  # not before the licence began
        record_licence(s, licensee, evidence, grant_id, recorded_on="2026-03-10", now=moment(dt.date(2026, 3, 20)))
    with session_scope(ex.world.engine) as s:
        assert record_licence(s, ex.world.scope("wuhou_officer"), evidence, grant_id, recorded_on="2026-03-20",
                              now=moment(dt.date(2026, 3, 20))).recorded_on == dt.date(2026, 3, 20)
    with pytest.raises(ConflictError), session_scope(ex.world.engine) as s:
        record_licence(s, licensee, evidence, grant_id, recorded_on="2026-03-21", now=moment(dt.date(2026, 3, 21)))
    # withdrawal: written and unconditional; the licence already granted stands
    with session_scope(ex.world.engine) as s:
        ex.world.service.act(s, ex.world.scope("ent_user"), case["id"], "withdraw", version=2,
                             fields={"unconditional": "以书面方式无条件撤回开放许可声明"},
                             uploads=(pdf("doc0", "撤回声明.pdf"),), now=moment(dt.date(2026, 9, 1)))
    with session_scope(ex.world.engine) as s:
        row = s.get(OpenLicence, declaration_id)
        assert (row.state, row.ended_on) == ("withdrawn", dt.date(2026, 9, 1))
        with pytest.raises(ConflictError):  # no new licence after withdrawal
            take_licence(s, licensee, evidence, declaration_id, licensee="后来者", notice_on="2026-09-02",
                         paid_yuan="50000", paid_on="2026-09-02", notice=PDF, payment_proof=PDF,
                         now=moment(dt.date(2026, 9, 3)))
    with session_scope(ex.world.engine) as s:
        from zhichan.exchange.models import OpenLicenceGrant

        assert s.get(OpenLicenceGrant, grant_id).recorded_on == dt.date(2026, 3, 20)


def test_withdrawal_of_a_co_owned_patent_needs_every_co_owner(exchange: Exchange) -> None:
    ex = exchange
    case = _file(ex, declaration(ex.numbers["coowned"]))
    _publish(ex, case["id"])
    withdraw = {"unconditional": "以书面方式无条件撤回开放许可声明"}
    with pytest.raises(FormError) as info, session_scope(ex.world.engine) as s:
        ex.world.service.act(s, ex.world.scope("ent_user"), case["id"], "withdraw", version=2, fields=withdraw,
                                 uploads=(pdf("doc0", "撤回声明.pdf"),), now=moment(dt.date(2026, 4, 1)))
    assert "锦江独有材料有限公司" in info.value.errors["co_owners_consent"]
    with session_scope(ex.world.engine) as s:
        result = ex.world.service.act(
            s, ex.world.scope("ent_user"), case["id"], "withdraw", version=2,
            fields={**withdraw, "co_owners_consent": "全体共有人已书面同意"},
            uploads=(pdf("doc0", "撤回声明.pdf"), pdf("extra", "共有人同意书.pdf")), now=moment(dt.date(2026, 4, 1)))
    assert result["state"] == "withdrawn"


def test_publication_rechecks_the_right(exchange: Exchange, tmp_path) -> None:
    """A ground that arises between filing and publication (here: the corpus is replaced by one where
    the patent has since been exclusively licensed) refuses the publication."""
    ex = exchange
    case = _file(ex, declaration(ex.numbers["ok"]))
    from zhichan.corpus.testing import build_snapshot, event

    con = ex.snapshot.connect()
    try:
        import pyarrow as pa  # noqa: F401

        patents = con.sql("SELECT * FROM patents").to_arrow_table().to_pylist()
    finally:
        con.close()
    later = build_snapshot(tmp_path / "later", patents=patents, events=[
        event(ex.numbers["ok"], "licence", "2026-03-03", party_from="x", party_to="独占者", detail="独占许可")])
    from zhichan.exchange.openlicence import on_step

    ex.world.service._hooks[PROCEDURE] = [lambda s, scope, step: on_step(later, s, scope, step)]
    with pytest.raises(FormError) as info, session_scope(ex.world.engine) as s:
        ex.world.service.act(s, ex.world.scope("wuhou_officer"), case["id"], "publish", version=1, fields={},
                                 now=moment(dt.date(2026, 3, 4)))
    assert "独占许可" in info.value.errors["_rights"]


def test_a_licence_term_may_run_into_a_compensated_term(tmp_path) -> None:
    """专利法 第四十二条第二款: a registered compensation lengthens the term a licence may run to; a compensation whose
    length cannot be read leaves it unknown past the statutory end (2026-03-31 for these inventions)."""
    from zhichan.corpus.rights import rights_on
    from zhichan.corpus.testing import build_snapshot, event, patent
    from zhichan.exchange.openlicence import declaration_problems

    plain, days, unread = (patent(serial=i, application_date="2006-04-01", grant_date="2011-06-01") for i in (1, 2, 3))
    a, b, c = (r["application_number"] for r in (plain, days, unread))
    snap = build_snapshot(tmp_path, patents=[plain, days, unread], events=[
        event(b, "legal_status_change", "2011-08-01", detail="专利权期限补偿，补偿天数：300天"),
        event(c, "legal_status_change", "2011-08-01", detail="专利权期限补偿")])
    rights = rights_on(snap, [a, b, c], TODAY)

    def term_problems(number: str, until: str) -> list[str]:
        fields = declaration(number, term_from="2026-03-10", term_until=until)
        return declaration_problems(rights[number], fields, on=TODAY, documents=1, party_key=None).get("term_until", [])

    assert term_problems(a, "2026-03-31") == [] and term_problems(b, "2027-01-25") == []
    assert term_problems(a, "2026-04-01") == ["许可期限不得超过专利权期限：专利权期限于 2026-03-31 届满（法定期限，无期限补偿） / "
                                              "the term may not run past the patent's, which ends on 2026-03-31 (the "
                                              "statutory term, no compensation)"]
    assert "于 2027-01-25 届满（含专利权期限补偿；法定期限于 2026-03-31 届满）" in term_problems(b, "2027-01-26")[0]
    assert term_problems(c, "2026-03-31") == []
    assert term_problems(c, "2026-04-01")[0].startswith("专利权期限不明（已登记专利权期限补偿，但无法读取补偿期限")


def test_a_compensated_patents_reduction_ends_with_its_term(engine: Engine, tmp_path) -> None:
    """专利法 第四十二条第二款: a declaration's annuity lines run to its licence term's patent year. Of an invention filed
    2006-04-01 whose term a compensation of 300 days lengthens to 2027-01-25, the last line — year 21, its annuity the
    last band's — ends with the term, not on the patent year's last day (2027-03-31); the term is the one term rule's,
    read from the corpus. Without a compensation the last line is year 20, ending with the statutory term."""
    from sqlalchemy.orm import Session

    from zhichan.corpus.testing import build_snapshot, event, patent
    from zhichan.exchange.openlicence import reduction

    plain, compensated = (patent(serial=i, application_date="2006-04-01", grant_date="2011-06-01") for i in (1, 2))
    a, b = plain["application_number"], compensated["application_number"]
    snap = build_snapshot(tmp_path, patents=[plain, compensated], events=[
        event(b, "legal_status_change", "2011-08-01", detail="专利权期限补偿，补偿天数：300天")])

    def lines(number: str, until: dt.date) -> list[tuple[int, dt.date, dt.date, int]]:
        row = OpenLicence(application_number=number, patent_kind="invention", application_date=dt.date(2006, 4, 1),
                          published_on=dt.date(2026, 3, 5), term_from=dt.date(2026, 3, 10), term_until=until)
        with Session(engine) as s:
            return [(y.year, y.starts, y.ends, int(y.annuity)) for y in reduction(s, row, snap)]

    assert lines(b, dt.date(2027, 1, 25)) == [(20, dt.date(2025, 4, 1), dt.date(2026, 3, 31), 8000),
                                              (21, dt.date(2026, 4, 1), dt.date(2027, 1, 25), 8000)]
    assert lines(a, dt.date(2026, 3, 31))[-1][:3] == (20, dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_the_english_half_names_parties_by_their_english_names(exchange: Exchange) -> None:
    """A pledgee or holder the platform knows by an English name is named so in the English half (the English page read
    "the patent is pledged (pledgee: 蓉城科创银行)"); the Chinese half keeps the Chinese names."""
    from tests.exchange.helpers import OTHER
    from zhichan.platform.models import Organization, OrgKind

    with session_scope(exchange.world.engine) as s:
        s.add(Organization(name="某银行", name_en="Some Bank", kind=OrgKind.ENTERPRISE, region_code="510107"))
        s.add(Organization(name=OTHER, name_en="Other Holder Ltd.", kind=OrgKind.ENTERPRISE, region_code="510107"))
        enterprise = s.scalar(select(Organization).where(Organization.name == "成都示例科技有限公司"))
        assert enterprise is not None
        enterprise.name_en = "Chengdu Example Technology Co., Ltd."
    pledged = _refused(exchange, declaration(exchange.numbers["pledged"]))["pledgee_consent"]
    assert pledged.endswith("/ the patent is pledged (pledgee: Some Bank): the pledgee's consent is required"), pledged
    assert "质权人：某银行" in pledged
    foreign = _refused(exchange, declaration(exchange.numbers["foreign"]))["patentee"]
    assert foreign.endswith("/ Chengdu Example Technology Co., Ltd. does not hold the patent (holders: Other Holder "
                            "Ltd.)"), foreign


def test_the_checks_see_the_platforms_own_pledges_and_licences_since_the_snapshot(exchange: Exchange) -> None:
    """The corpus knows a pledge or a licence from the snapshot after it is registered; the platform's own register knew
    it the day it was: a declaration on a patent pledged here the week before was published without the pledgee's
    consent (how a demo patent came to be open-licensed and pledged at once), a pledge released here still asked for
    one, an exclusive licence signed here was no obstacle to a declaration or to another exclusive listing."""
    from tests.exchange.helpers import pledged_here
    from tests.exchange.test_deals import _act, _deal, _start
    from zhichan.exchange.listings import create_listing

    ex = exchange
    pledged_here(ex.world, ex.numbers["ok"], TODAY - dt.timedelta(days=7))
    errors = _refused(ex, declaration(ex.numbers["ok"]))
    assert set(errors) == {"pledgee_consent"} and "质权人：蓉城科创银行" in errors["pledgee_consent"]
    with session_scope(ex.world.engine) as s, pytest.raises(FormError) as listed:
        create_listing(s, ex.world.scope("ent_user"), ex.snapshot, asset_kind="patent", number=ex.numbers["ok"],
                       mode="sale", price="", description="", pledgee_consent=False, now=moment())
    assert "质权人：蓉城科创银行" in listed.value.errors["pledgee_consent"]
    # filed with no pledge, pledged here before its publication: the check before publication sees it
    filed = _file(ex, declaration(ex.numbers["other_um"], evaluation="未发现不符合授权条件的缺陷",
                                          term_until="2028-03-01"),
                  uploads=(pdf("extra", "评价报告.pdf"),))
    pledged_here(ex.world, ex.numbers["other_um"], TODAY)
    with pytest.raises(FormError, match="质权人：蓉城科创银行"):
        _publish(ex, filed["id"])
    # the corpus's pledge (某银行, 2025-05-01) released here: no consent asked
    pledged_here(ex.world, ex.numbers["pledged"], dt.date(2025, 5, 1), pledgee="某银行", status="released")
    assert _file(ex, declaration(ex.numbers["pledged"]))["state"] == "filed"
    # an exclusive licence signed on the platform (a deal's contract): no declaration, no second exclusive listing
    deal = _start(ex, "ent_user", _deal(patent_number=ex.numbers["resumed"], pricing_method="评估定价", deal_kind="独占许可",
                                        buyer="某独占被许可企业"))
    _act(ex, "ent_user", deal["id"], "sign", 1, TODAY, contract_on=TODAY.isoformat(), contract_price="1200000")
    with pytest.raises(FormError) as refused:
        _file(ex, declaration(ex.numbers["resumed"]))
    assert "专利处于独占许可有效期内（被许可人：某独占被许可企业" in refused.value.errors["patent_number"]
    with session_scope(ex.world.engine) as s, pytest.raises(FormError) as listed:
        create_listing(s, ex.world.scope("ent_user"), ex.snapshot, asset_kind="patent", number=ex.numbers["resumed"],
                       mode="sole", price="", description="", pledgee_consent=False, now=moment())
    assert "与有效的独占许可冲突（被许可人：某独占被许可企业" in listed.value.errors["mode"]
