"""Hand-built corpora for the indicator tests; expected counts are written by hand in each test."""

from __future__ import annotations

import datetime as dt
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot, event, patent, record

_serial = count(1)

D = dt.date(2023, 12, 31)


def inv(name: str, **fields: Any) -> dict[str, Any]:
    """A granted domestic invention in 成都市武侯区 (510107) with no high-value criterion.

    ``ipc=[]`` keeps the SEI concordance out of it: ``sei_codes`` is set by hand where a test wants it.
    ``name`` goes into the title so failures say which patent.
    """
    fields.setdefault("ipc", [])
    fields.setdefault("application_date", "2019-03-01")
    fields.setdefault("applicants", ["成都示例科技有限公司"])
    year = str(fields["application_date"])[:4]
    number = f"{year}1{next(_serial):07d}"
    return patent(number, title=f"{name} 一种测试装置", **fields)


def foreign(name: str, **fields: Any) -> dict[str, Any]:
    return inv(name, region_code=None, is_domestic=False, applicant_country="US",
               applicants=["Example Corp."], applicant_types=["enterprise"], **fields)


def by_title(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["title"].split(" ")[0]: row for row in rows}


@pytest.fixture
def high_value_corpus(tmp_path: Path) -> tuple[Snapshot, dict[str, dict[str, Any]]]:
    """Each high-value criterion alone, in combination and at its boundary (as of 2023-12-31)."""
    p = {
        "A_sei": inv("A_sei", sei_codes=["1.1"], application_date="2018-03-01"),
        "B_overseas": inv("B_overseas", family_granted_abroad=True),
        "C_ten_years_exactly": inv("C_ten_years_exactly", application_date="2013-12-31"),
        "D_ten_years_minus_a_day": inv("D_ten_years_minus_a_day", application_date="2014-01-01"),
        "E_pledge_at_threshold": inv("E_pledge_at_threshold"),
        "F_pledge_below": inv("F_pledge_below"),
        "G_pledge_after": inv("G_pledge_after"),
        "H_award": inv("H_award"),
        "I_award_after": inv("I_award_after"),
        "J_other_award": inv("J_other_award"),
        "K_all_five": inv("K_all_five", sei_codes=["5.2"], family_granted_abroad=True, application_date="2010-05-01"),
        "L_lapsed_day_before": inv("L_lapsed_day_before", sei_codes=["1.1"], legal_status="lapsed_unpaid",
                                   grant_date="2021-03-01", lapse_date="2023-12-30"),
        "M_lapsed_on_the_day": inv("M_lapsed_on_the_day", sei_codes=["1.1"], legal_status="lapsed_unpaid",
                                   grant_date="2021-03-01", lapse_date="2023-12-31"),
        "N_granted_after": inv("N_granted_after", sei_codes=["1.1"], grant_date="2024-01-02"),
        "O_utility_model": inv("O_utility_model", kind="utility_model", sei_codes=["1.1"]),
        "P_lapsed_later_no_date": inv("P_lapsed_later_no_date", sei_codes=["1.1"], legal_status="lapsed_unpaid",
                                      grant_date="2021-03-01", legal_status_date="2024-03-01"),
        "Q_foreign": foreign("Q_foreign", sei_codes=["1.1"]),
        "R_plain": inv("R_plain"),
        "S_two_criteria": inv("S_two_criteria", sei_codes=["3.1"], family_granted_abroad=True),
        "T_term_over": inv("T_term_over", sei_codes=["1.1"], application_date="2003-06-01", grant_date="2006-01-01"),
    }
    an = {k: v["application_number"] for k, v in p.items()}
    events = [
        event(an["E_pledge_at_threshold"], "pledge", "2021-05-01", amount_yuan=6_000_000.0, party_to="成都银行"),
        event(an["E_pledge_at_threshold"], "pledge", "2022-05-01", amount_yuan=4_000_000.0, party_to="成都银行"),
        event(an["F_pledge_below"], "pledge", "2022-05-01", amount_yuan=9_999_999.99, party_to="成都银行"),
        event(an["G_pledge_after"], "pledge", "2024-01-05", amount_yuan=20_000_000.0, party_to="成都银行"),
        event(an["H_award"], "award", "2022-11-01", detail="china_patent_award:gold"),
        event(an["I_award_after"], "award", "2024-06-01", detail="national_sti_award:second"),
        event(an["J_other_award"], "award", "2022-11-01", detail="provincial_patent_award:gold"),
        event(an["K_all_five"], "pledge", "2019-01-01", amount_yuan=15_000_000.0, party_to="成都银行"),
        event(an["K_all_five"], "award", "2020-12-01", detail="national_sti_award:first"),
    ]
    snap = build_snapshot(tmp_path, patents=list(p.values()), events=events)
    return snap, p


@pytest.fixture
def regional_corpus(tmp_path: Path) -> Snapshot:
    """Flows and stocks in 武侯区, 锦江区, a record known only to city level, Beijing and abroad."""
    wuhou, jinjiang, chaoyang = "510107", "510104", "110105"
    patents = [
        # 2023 filings (in the 2023 year-to-date) — 武侯区: 2 inventions, 1 utility model, 1 design
        inv("w1", region_code=wuhou, application_date="2023-02-01", legal_status="under_examination",
            pct_application_number="PCT/CN2023/000001", pct_application_date="2023-03-01"),
        inv("w2", region_code=wuhou, application_date="2023-06-30", legal_status="published"),
        inv("w3", region_code=wuhou, kind="utility_model", application_date="2023-01-10", grant_date="2023-07-01"),
        inv("w4", region_code=wuhou, kind="design", application_date="2023-12-31", legal_status="published"),
        # a 2024 filing: after the as-of date
        inv("w5", region_code=wuhou, application_date="2024-01-01", legal_status="published"),
        # valid inventions granted 2022 (counted in 2022 grants, valid stock in both years)
        inv("w6", region_code=wuhou, application_date="2020-05-01", grant_date="2022-05-01", sei_codes=["1.1"]),
        inv("w7", region_code=wuhou, application_date="2020-05-01", grant_date="2023-05-01"),
        # 锦江区: one 2022 filing, one valid invention granted 2023
        inv("j1", region_code=jinjiang, application_date="2022-03-01", legal_status="published"),
        inv("j2", region_code=jinjiang, application_date="2021-01-01", grant_date="2023-02-01", sei_codes=["2.1"]),
        # known only to city level (成都市): counts for 5101, 51, CN but for no county
        inv("c1", region_code=None, city_code="5101", province_code="51", application_date="2021-01-01",
            grant_date="2023-03-01"),
        # Beijing: one valid high-value invention, one 2023 filing
        inv("b1", region_code=chaoyang, application_date="2019-01-01", grant_date="2021-01-01",
            family_granted_abroad=True, applicants=["北京示例有限公司"]),
        inv("b2", region_code=chaoyang, application_date="2023-04-01", legal_status="published",
            applicants=["北京示例有限公司"]),
        # abroad: never counted
        foreign("f1", application_date="2023-02-01", grant_date="2023-06-01"),
    ]
    an = {row["title"].split(" ")[0]: row["application_number"] for row in patents}
    events = [
        event(an["w6"], "transfer", "2023-03-01", party_from="成都示例科技有限公司", party_to="成都乙公司"),
        event(an["w6"], "transfer", "2022-03-01", party_from="成都丙公司", party_to="成都示例科技有限公司"),
        event(an["w7"], "licence", "2023-08-01", party_from="成都示例科技有限公司", party_to="成都丁公司"),
        event(an["w7"], "pledge", "2023-09-01", amount_yuan=3_000_000.0, party_to="成都银行"),
        event(an["j2"], "pledge", "2023-10-01", amount_yuan=2_500_000.5, party_to="成都银行"),
        event(an["j2"], "pledge", "2022-10-01", amount_yuan=1_000_000.0, party_to="成都银行"),
        event(an["b1"], "pledge", "2024-02-01", amount_yuan=9_000_000.0, party_to="北京银行"),
        event(an["f1"], "pledge", "2023-05-01", amount_yuan=50_000_000.0, party_to="外资银行"),
    ]
    trademarks = [
        record("trademarks", registration_number="T1", mark_name="甲", registrant="成都示例科技有限公司", is_geographical_indication=False,
               region_code=wuhou, registration_date="2015-01-01", expiry_date="2025-01-01", status="registered"),
        record("trademarks", registration_number="T2", mark_name="乙", registrant="成都示例科技有限公司", is_geographical_indication=False,
               region_code=wuhou, registration_date="2023-05-01", expiry_date="2033-05-01", status="registered"),
        record("trademarks", registration_number="T3", mark_name="丙", registrant="成都乙公司", is_geographical_indication=False,
               region_code=jinjiang, registration_date="2010-01-01", expiry_date="2020-01-01", status="expired",
               status_date="2020-07-01"),
        record("trademarks", registration_number="T4", mark_name="丁", registrant="成都乙公司", is_geographical_indication=False,
               region_code=jinjiang, registration_date="2016-01-01", expiry_date="2026-01-01", status="cancelled",
               status_date="2023-06-01"),
        record("trademarks", registration_number="T5", mark_name="戊", registrant="Example Corp.", is_geographical_indication=False,
               region_code=None, is_domestic=False, registration_date="2016-01-01", expiry_date="2026-01-01",
               status="registered"),
    ]
    gis = [
        record("geographical_indications", gi_id="G1", name="郫县豆瓣", gi_type="product", region_code="510117",
               approval_date="2005-01-01", status="protected"),
        record("geographical_indications", gi_id="G2", name="蒲江雀舌", gi_type="mark", region_code="510131",
               approval_date="2023-07-01", status="protected"),
        record("geographical_indications", gi_id="G3", name="撤销示例", gi_type="mark", region_code="510131",
               approval_date="2010-07-01", status="revoked"),
    ]
    return build_snapshot(tmp_path, patents=patents, events=events, trademarks=trademarks,
                          geographical_indications=gis)
