"""Every section's numbers on the hand-built corpus of conftest.py, computed by hand.

Chain patents P1–P13 and P16 (14): P14 is G06F (no branch), P15 is filed after the date.
Domestic 13 (P13 is Japanese), local (成都 5101) 5: P1 P2 P3 P4 P12.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhichan.navigation.analysis import classify_stage, classify_strength

from .conftest import BING, DING, JIA, UESTC, WU, YI


def test_overview(hand_result):
    o = hand_result.overview
    assert (o["patents"], o["inventions"], o["utility_models"], o["domestic"], o["local"]) == (14, 13, 1, 13, 5)
    assert (o["applicants"], o["local_applicants"]) == (7, 3)
    # valid inventions as of 2024-12-31: P1 P2 P3 P5 P7 P10 P13 P16 (P6 lapsed 2024-06, others not yet granted)
    assert (o["valid_inventions"], o["local_valid_inventions"]) == (8, 3)
    assert o["local_share"] == pytest.approx(5 / 13)
    assert (o["first_year"], o["last_year"]) == (2018, 2024)


def test_trend_and_life_cycle(hand_result):
    by_year = {r["year"]: (r["applications"], r["applicants"], r["local_applications"]) for r in hand_result.trend}
    assert by_year == {2018: (1, 1, 0), 2019: (2, 2, 1), 2020: (2, 2, 1), 2021: (1, 1, 0),
                       2022: (3, 3, 1), 2023: (3, 3, 1), 2024: (2, 2, 1)}
    lc = hand_result.life_cycle
    # as of 2024-12-31, filings of 2023 and 2024 are not all published: the life cycle leaves them out
    assert lc["incomplete"] == [2023, 2024]
    # W1 2017–2019: P16 P1 P5 by 丙 甲 乙; W2 2020–2022: P2 P13 P6 P3 P7 P10 by 甲 トヨタ 乙 电子科大 丁
    assert (lc["w1"], lc["w2"]) == ([2017, 2019], [2020, 2022])
    assert (lc["apps_w1"], lc["apps_w2"], lc["applicants_w1"], lc["applicants_w2"]) == (3, 6, 3, 5)
    assert lc["stage"] == "growth"  # +100 % applications, +67 % applicants


@pytest.mark.parametrize(("w1", "w2", "a1", "a2", "stage"), [
    (0, 0, 0, 0, "insufficient"), (0, 3, 0, 2, "emerging"), (5, 20, 3, 3, "emerging"),
    (10, 12, 10, 12, "growth"), (10, 11, 10, 20, "mature"), (10, 8, 10, 8, "decline"), (10, 7, 10, 9, "mature"),
])
def test_life_cycle_rule(w1, w2, a1, a2, stage):
    assert classify_stage(w1, w2, a1, a2) == stage


def test_region_position(hand_result):
    rows = [(r["region_code"], r["patents"], r["rank"]) for r in hand_result.regions]
    assert rows == [("1101", 6, 1), ("5101", 5, 2), ("3709", 2, 3)]
    assert hand_result.home_rank == {"rank": 2, "of": 3, "patents": 5, "share": pytest.approx(5 / 13)}
    assert hand_result.regions[1]["name"] == "成都市"


def test_branch_strength_and_missing_links(hand_result):
    b = {x["branch_id"]: x for x in hand_result.branches}
    # 电池: P1 P2 P3 P4 P9 P10 P13 P16 → 8, domestic 7, local 4
    assert (b["1"]["patents"], b["1"]["domestic"], b["1"]["local"]) == (8, 7, 4)
    assert b["1"]["rta"] == pytest.approx((4 / 7) / (5 / 13))
    assert b["1"]["strength"] == "strong"
    # 正极: P1 P3 P9 P13 → 4, domestic 3, local 2
    assert (b["1.1"]["patents"], b["1.1"]["domestic"], b["1.1"]["local"]) == (4, 3, 2)
    assert b["1.1"]["rta"] == pytest.approx((2 / 3) / (5 / 13))
    assert b["1.1"]["stage"] == "growth"  # P1 by 甲 → P13 P3 by トヨタ 电子科大: +100 %, +100 %
    assert b["2"]["stage"] == "mature"  # P5 → P6 P7, all by 乙: applications +100 %, applicants ±0
    # 电机: P5 P6 P7 P8 P11 P12 → 6, all domestic, local 1 (P12) → RTA 0.43 < 0.5: 补链
    assert (b["2"]["patents"], b["2"]["domestic"], b["2"]["local"]) == (6, 6, 1)
    assert b["2"]["rta"] == pytest.approx((1 / 6) / (5 / 13))
    assert b["2"]["strength"] == "missing"
    cells = {(m["branch_id"], m["region_code"]): m["patents"] for m in hand_result.matrix}
    assert cells[("2", "1101")] == 4 and cells[("2", "3709")] == 1 and cells[("2", "5101")] == 1
    assert cells[("1", "1101")] == 2 and cells[("1", "3709")] == 1


def test_strength_thresholds():
    assert classify_strength(0.49, 10, 5) == "missing"
    assert classify_strength(0.5, 10, 5) == "weak"
    assert classify_strength(0.8, 10, 5) == "balanced"
    assert classify_strength(1.2, 10, 5) == "strong"
    assert classify_strength(0.1, 4, 5) == "small"


def test_leading_applicants(hand_result):
    national = [(r["name"], r["patents"], r["rank"]) for r in hand_result.top_national]
    assert national[:5] == [(YI, 4, 1), (BING, 2, 2), (JIA, 2, 2), (DING, 2, 2), (UESTC, 2, 2)]
    assert len(national) == 7
    local = [(r["name"], r["patents"]) for r in hand_result.top_local]
    assert local == [(JIA, 2), (UESTC, 2), (WU, 1)]


def test_local_innovators_and_teams(hand_result):
    types = [(r["applicant_type"], r["applicants"], r["patents"]) for r in hand_result.innovator_types]
    assert types == [("enterprise", 2, 3), ("university", 1, 2)]
    teams = [(t["lead_inventor"], t["members"], t["patents"], t["applicant"]) for t in hand_result.teams]
    # 张三-李四 (P1), 张三-王五 (P2) at 甲; 赵六-李四 (P4) at 电子科大 (namesake 李四 kept apart); 郑一 alone
    assert teams == [("张三", 3, 2, JIA), ("赵六", 2, 2, UESTC)]


def test_collaboration(hand_result):
    assert hand_result.collaboration == {"joint_patents": 1, "local_joint_patents": 1,
                                         "industry_academia_patents": 1}
    assert [(p["applicant_a"], p["applicant_b"], p["patents"], p["industry_academia"])
            for p in hand_result.pairs] == [(JIA, UESTC, 1, True)]


def test_core_patents_and_high_value(hand_result):
    core = hand_result.core_patents
    assert [(c["applicant"], c["forward_citations"], c["family_size"]) for c in core[:2]] == [(YI, 10, 3), (JIA, 5, 1)]
    assert core[0]["overseas_family_flag"] and core[1]["award_flag"]
    assert hand_result.high_value["chain"] == {"valid_inventions": 8, "high_value": 8, "sei": 8,
                                               "overseas_family": 1, "maintained_10y": 0, "pledge": 0, "award": 1}
    assert hand_result.high_value["local"]["high_value"] == 3


def test_legal_status_and_operations(hand_result):
    assert [(r["status"], r["patents"], r["local"]) for r in hand_result.legal_status] == [
        ("valid", 8, 3), ("pending", 5, 2), ("invalid", 1, 0)]
    ops = {r["event_type"]: (r["events"], r["local_events"], r["amount_yuan"]) for r in hand_result.operations}
    # the 2025 transfer of P3 is after the date; the award is not an operation; an operation whose events record no
    # amount has none (the report printed "0" for the transfers and licences, as if they were free)
    assert ops == {"transfer": (1, 1, None), "licence": (1, 0, None), "pledge": (1, 1, 1_000_000.0)}
    assert [r["local_amount_yuan"] for r in hand_result.operations] == [None, None, 1_000_000.0]
    # summed exactly, as stored (DECIMAL): a sum of floats read 0.1 + 0.2 as 0.30000000000000004
    assert [type(r[k]) for r in hand_result.operations for k in ("amount_yuan", "local_amount_yuan")
            if r[k] is not None] == [Decimal, Decimal]


def test_recommendations_cite_their_numbers(hand_result):
    recs = hand_result.recommendations
    kinds = [r["kind"] for r in recs]
    assert kinds == ["investment", "talent", "talent", "transfer", "strengthen", "strengthen"]
    invest = recs[0]
    assert invest["target"] == YI and invest["branch_id"] == "2"
    # P5 and P7 valid and high-value (SEI); P6, P7, P8 filed since 2020 (the life cycle's last window, 2020–2022)
    assert invest["evidence"]["targets"] == [{"name": YI, "patents": 4, "valid_inventions": 2, "high_value": 2,
                                              "recent": 3}]
    assert "1 件" in invest["text"] and "16.7%" in invest["text"] and "38.5%" in invest["text"]
    assert "RTA 0.43" in invest["text"]
    # 泰安丁 has 1 patent in 电机: below the 2-patent minimum
    assert DING not in [r["target"] for r in recs]
    assert [(r["target"], r["evidence"]["patents"], r["evidence"]["valid_inventions"]) for r in recs[1:3]] == [
        ("钱七", 4, 2), ("孙八", 2, 2)]
    # dormant: P3 (电子科大, valid, its only transfer is in 2025); P4 is pending
    assert [d["application_number"][:14] for d in hand_result.dormant] == ["CN202210000003"]
    assert recs[3]["target"] == UESTC and recs[3]["evidence"]["dormant_patents"] == 1
