"""Recommendations rank their targets by what makes them useful, not by patent counts (GB/T 39551's spirit).

A hand-built corpus, chain ``testchain`` (conftest.py), home 成都, as of 2025-12-31 (recent applications: filed
since 2021, the start of the life cycle's last window). Branch 2 电机 (H02K) is a missing link of 成都 — one local
patent of 14 domestic ones — and three enterprises elsewhere file in it:

- 北京多专电机: 6 utility models of 2015–2017 — the most patents, no valid invention and nothing recent;
- 上海新锐电机: 4 inventions filed 2023–2024, still pending — no valid invention, but active;
- 深圳有效电机: 3 granted inventions of 2016–2018, in force — the fewest patents, the only valid inventions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zhichan.corpus.testing import build_snapshot, patent
from zhichan.navigation.analysis import AnalysisParams, NavigationResult, analyse
from zhichan.navigation.chain_io import chain_from_dict
from zhichan.navigation.recommend import recommendation_text

from .conftest import TEST_CHAIN

AS_OF = dt.date(2025, 12, 31)
MANY, ACTIVE, VALID = "北京多专电机有限公司", "上海新锐电机有限公司", "深圳有效电机有限公司"


def _corpus() -> list[dict]:
    rows: list[dict] = []

    def add(date: str, ipc: str, applicant: str, region: str, inventor: str, **kw: object) -> None:
        rows.append(patent(f"{date[:4]}{1 if kw.get('kind', 'invention') == 'invention' else 2}{len(rows) + 1:07d}",
                           application_date=date, ipc=[ipc], applicants=[applicant], applicant_types=["enterprise"],
                           region_code=region, inventors=[inventor], **kw))

    for i in range(6):  # 成都's strength: batteries
        add(f"201{i + 2}-03-01", "H01M4/13", "成都甲电池有限公司", "510107", "张三")
    add("2019-03-01", "H02K1/27", "成都戊电机有限公司", "510107", "郑一")
    for i in range(6):
        add(f"201{5 + i % 3}-0{i + 1}-01", "H02K1/27", MANY, "110108", "钱七", kind="utility_model",
            legal_status="granted", grant_date=f"201{6 + i % 3}-0{i + 1}-01")
    for i in range(4):
        add(f"202{3 + i % 2}-0{i + 1}-01", "H02K21/14", ACTIVE, "310104", "孙八", legal_status="published")
    for i in range(3):
        add(f"201{6 + i}-05-01", "H02K3/28", VALID, "440305", "周九")
    return rows


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> NavigationResult:
    root: Path = tmp_path_factory.mktemp("ranking")
    snapshot = build_snapshot(root, patents=_corpus())
    con = snapshot.connect()
    try:
        return analyse(con, chain_from_dict(TEST_CHAIN), AS_OF, snapshot_id=snapshot.id,
                       params=AnalysisParams(min_branch_patents=3))
    finally:
        con.close()


def test_a_target_without_valid_inventions_is_not_ranked_above_one_with_them(result: NavigationResult) -> None:
    invest = [r for r in result.recommendations if r["kind"] == "investment"]
    assert [r["branch_id"] for r in invest] == ["2"]
    targets = invest[0]["facts"]["targets"]
    # the valid inventions first; the active one after it; the one with most patents but nothing in force
    # and nothing recent is no target at all
    assert [t["name"] for t in targets] == [VALID, ACTIVE]
    assert [(t["name"], t["valid_inventions"], t["recent"], t["patents"]) for t in targets] == [
        (VALID, 3, 0, 3), (ACTIVE, 0, 4, 4)]
    assert invest[0]["target"] == VALID


def test_each_target_states_its_basis_with_its_numbers(result: NavigationResult) -> None:
    invest = next(r for r in result.recommendations if r["kind"] == "investment")
    zh, en = recommendation_text(invest, result, "zh"), recommendation_text(invest, result, "en")
    assert f"「{VALID}」（深圳市；该分支有效发明 3 件，其中高价值" in zh
    # a target with nothing in force says why it is listed: its recent applications
    assert f"「{ACTIVE}」（上海市；该分支尚无有效发明专利，因 2021 年以来申请 4 件、近年研发活跃而列入；专利 4 件）" in zh
    assert MANY not in zh
    assert "valid inventions in the branch: 3" in en
    # its one local patent counted as one, in English too (it read "holds 1 of its domestic patents")
    assert "成都市有 1 件专利，占国内 14 件的 7.1%" in zh
    assert "Chengdu holds 1 patent of its 14 domestic applications (7.1%)" in en
    assert "no valid invention in the branch yet, listed for recent activity — filed since 2021: 4; patents: 4" in en


def test_inventors_are_ranked_by_valid_inventions(result: NavigationResult) -> None:
    talent = [r for r in result.recommendations if r["kind"] == "talent"]
    assert [r["target"] for r in talent] == ["周九", "孙八"]
    assert [(r["target"], r["facts"]["valid_inventions"], r["facts"]["recent"]) for r in talent] == [
        ("周九", 3, 0), ("孙八", 0, 4)]
    assert "尚无有效发明专利，因 2021 年以来申请 4 件" in recommendation_text(talent[1], result, "zh")
    assert "no valid invention yet, listed for recent activity" in recommendation_text(talent[1], result, "en")
