"""A right on a date, as every transaction checks it: hand-made patents and events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from zhichan.corpus.rights import (
    Compensation,
    Term,
    parse_compensation,
    patent_term,
    right_on,
    rights_on,
    term_end,
)
from zhichan.corpus.testing import build_snapshot, event, patent

D = dt.date


def test_term_ends_the_day_before_the_anniversary() -> None:
    # 专利审查指南 第五部分第九章 2.1: filed 1999-09-06 → the term runs to 2019-09-05
    assert term_end("invention", D(1999, 9, 6)) == D(2019, 9, 5)
    assert term_end("utility_model", D(2016, 2, 29)) == D(2026, 2, 27)  # 29 Feb + 10 years = 28 Feb, minus a day
    assert term_end("design", D(2021, 5, 31)) == D(2031, 5, 30)  # before the 2021 amendment: 10 years
    assert term_end("design", D(2021, 6, 1)) == D(2036, 5, 31)  # from 2021-06-01: 15 years


def test_status_on_a_date_from_patents_and_events(tmp_path: Path) -> None:
    a = patent("202010000001", application_date="2020-01-01", grant_date="2022-01-01",
               current_patentees=["乙公司"], applicants=["甲公司"])
    lapsed = patent("201810000002", application_date="2018-01-01", grant_date="2020-01-01",
                    legal_status="lapsed_unpaid", lapse_date="2024-03-01")
    pending = patent("202310000003", application_date="2023-01-01", legal_status="under_examination")
    old_um = patent("201520000004", kind="utility_model", application_date="2015-01-01", grant_date="2015-08-01")
    n, m = a["application_number"], lapsed["application_number"]
    events = [
        event(n, "transfer", "2023-06-01", party_from="甲公司", party_to="乙公司"),
        event(n, "pledge", "2023-07-01", party_from="乙公司", party_to="某银行成都分行", amount_yuan=Decimal("1000000")),
        event(n, "pledge", "2023-08-01", party_from="乙公司", party_to="另一银行", amount_yuan=Decimal("500000")),
        event(n, "pledge_release", "2024-07-01", party_from="乙公司", party_to="某银行成都分行"),
        event(n, "licence", "2023-09-01", party_from="乙公司", party_to="丙公司", detail="独占许可至2024-12-31"),
        event(n, "licence", "2023-10-01", party_from="乙公司", party_to="丁公司", detail="普通许可"),
        event(n, "invalidation", "2024-02-01", detail="无效宣告请求"),
        event(n, "invalidation", "2024-09-01", detail="维持有效"),
        event(n, "legal_status_change", "2024-03-01", detail="中止（权属纠纷）"),
        event(n, "legal_status_change", "2024-05-01", detail="恢复"),
    ]
    snap = build_snapshot(tmp_path, patents=[a, lapsed, pending, old_um], events=events)

    before = right_on(snap, n, D(2023, 1, 1))
    assert before.in_force and before.held_by("甲公司") and not before.held_by("乙公司")
    assert before.active_pledges == () and before.licences == ()
    assert not before.ever_dealt and before.transferred_on == () and before.licensed_on == ()

    spring = right_on(snap, n, D(2024, 4, 1))
    assert spring.held_by(" 乙公司 ") and spring.suspended and spring.invalidation_pending
    assert [p.pledgee for p in spring.active_pledges] == ["某银行成都分行", "另一银行"]
    assert spring.active_pledges[0].amount_yuan == Decimal("1000000.0")
    assert [lic.licensee for lic in spring.exclusive_licences] == ["丙公司"]
    assert spring.licensed_to("丁公司") is not None and spring.licensed_to("戊公司") is None

    late = right_on(snap, n, D(2025, 1, 1))
    assert not late.suspended and not late.invalidation_pending
    assert [p.pledgee for p in late.active_pledges] == ["另一银行"]
    assert late.exclusive_licences == ()  # its term ended on 2024-12-31
    # every transfer and licence recorded up to the date, an ended licence included
    assert late.ever_dealt and late.transferred_on == (D(2023, 6, 1),)
    assert late.licensed_on == (D(2023, 9, 1), D(2023, 10, 1))
    assert right_on(snap, n, D(2023, 8, 1)).licensed_on == () and right_on(snap, n, D(2023, 8, 1)).ever_dealt

    found = rights_on(snap, [m, pending["application_number"], old_um["application_number"], "CN209910000009.1"],
                      D(2025, 1, 1))
    assert found[m].ended == ("未缴年费终止", "lapsed for unpaid annuities") and found[m].annuity_paid is False
    assert right_on(snap, m, D(2024, 2, 1)).in_force  # lapsed only on 2024-03-01
    assert right_on(snap, m, D(2024, 2, 1)).annuity_paid is None  # the corpus records no payments
    assert found[pending["application_number"]].found and not found[pending["application_number"]].granted
    assert found[old_um["application_number"]].ended == ("期限届满", "term expired")  # ran to 2024-12-31
    assert not found["CN209910000009.1"].found and not found["CN209910000009.1"].in_force


def test_a_compensation_is_read_from_its_legal_event() -> None:
    # 专利法 第四十二条第二款、第三款; 细则 第八十四条: CNIPA registers and announces it — a legal event
    assert parse_compensation("专利权期限补偿，补偿天数：123天") == Compensation(days=123)
    assert parse_compensation("专利权期限补偿 补偿期限 45 天") == Compensation(days=45)
    assert parse_compensation("专利权期限补偿 届满日：2043-05-06") == Compensation(until=D(2043, 5, 6))
    assert parse_compensation("给予专利权期限补偿，期限至20430506") == Compensation(until=D(2043, 5, 6))
    assert parse_compensation("专利权期限补偿 至2043年5月6日（补偿 30 天）") == Compensation(until=D(2043, 5, 6))
    unreadable = parse_compensation("专利权期限补偿")
    assert unreadable == Compensation() and not unreadable.readable
    assert not parse_compensation("期限补偿 至 2043-02-30").readable  # not a day
    assert parse_compensation("中止（权属纠纷）") is None and parse_compensation(None) is None
    assert parse_compensation("不予期限补偿") is None


def test_the_term_with_its_compensation() -> None:
    filed = D(2010, 3, 1)  # statutory end 2030-02-28
    assert patent_term("invention", filed) == Term(D(2030, 2, 28), D(2030, 2, 28), False)
    assert patent_term("invention", filed, [Compensation(days=100)]).end == D(2030, 6, 8)
    # a delay's and a new drug's compensation both count; an announced last day is taken as it is
    assert patent_term("invention", filed, [Compensation(days=100), Compensation(days=10)]).end == D(2030, 6, 18)
    assert patent_term("invention", filed, [Compensation(until=D(2031, 1, 1))]).end == D(2031, 1, 1)
    unknown = patent_term("invention", filed, [Compensation(days=100), Compensation()])
    assert unknown.end is None and unknown.unknown and unknown.statutory_end == D(2030, 2, 28)
    assert unknown.runs_past(D(2030, 2, 28)) is False and unknown.runs_past(D(2030, 3, 1)) is None
    assert "含专利权期限补偿" in patent_term("invention", filed, [Compensation(days=1)]).text()[0]
    assert "期限不明" in unknown.text()[0] and "unknown" in unknown.text()[1]


def test_a_compensated_patent_stays_in_force_after_its_statutory_term(tmp_path: Path) -> None:
    plain = patent("200510000001", application_date="2005-03-01", grant_date="2009-01-01")
    days = patent("200510000002", application_date="2005-03-01", grant_date="2009-12-01")
    until = patent("200510000003", application_date="2005-03-01", grant_date="2009-12-01")
    unread = patent("200510000004", application_date="2005-03-01", grant_date="2009-12-01")
    p, d, u, x = (r["application_number"] for r in (plain, days, until, unread))
    events = [event(d, "legal_status_change", "2010-02-01", detail="专利权期限补偿，补偿天数：200天"),
              event(u, "legal_status_change", "2010-02-01", detail="专利权期限补偿 届满日：2026-01-31"),
              event(x, "legal_status_change", "2010-02-01", detail="专利权期限补偿（详见公告）")]
    snap = build_snapshot(tmp_path, patents=[plain, days, until, unread], events=events)

    before = rights_on(snap, [p, d, u, x], D(2025, 2, 28))  # the statutory term's last day
    assert all(r.in_force for r in before.values())
    assert before[p].term_end == D(2025, 2, 28) and not before[p].term.compensated
    assert before[d].term_end == D(2025, 9, 16) and before[d].term.compensated
    assert before[x].term_end is None and before[x].term_unknown  # unknown, never the statutory end

    after = rights_on(snap, [p, d, u, x], D(2025, 3, 1))
    assert after[p].ended == ("期限届满", "term expired")
    assert after[d].in_force and after[u].in_force and after[u].term_end == D(2026, 1, 31)
    assert not after[x].in_force and "不明" in (after[x].ended or ("", ""))[0]  # shown unknown, not "fine"

    assert right_on(snap, d, D(2025, 9, 16)).in_force and not right_on(snap, d, D(2025, 9, 17)).in_force
    # the snapshot's view of every compensated term, which the indicators join
    assert dict(snap.connect().execute("SELECT * FROM term_compensations ORDER BY 1").fetchall()) == {
        d: D(2025, 9, 16), u: D(2026, 1, 31), x: None}
