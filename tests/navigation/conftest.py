"""A hand-built corpus whose every navigation number is computed by hand in test_analysis.py.

Chain ``testchain`` (home 成都 5101): branch 1 电池 (IPC=H01M), 1.1 正极 (IPC=H01M4), 2 电机 (IPC=H02K).
As of 2024-12-31. P14 (G06F) is outside the chain; P15 is filed after the date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot, event, patent
from zhichan.navigation.chain_io import chain_from_dict
from zhichan.navigation.schemas import Chain

AS_OF = dt.date(2024, 12, 31)
CD, BJ, TA = "510107", "110108", "370902"
JIA, YI, BING, DING, WU = "成都甲电池有限公司", "北京乙电机有限公司", "北京丙材料研究院", "泰安丁储能有限公司", "成都戊科技有限公司"
UESTC = "电子科技大学"
SEI = ["7.1"]


def _p(serial: int, date: str, ipc: str, applicants: list[str], types: list[str], region: str | None,
       inventors: list[str], **kw):  # type: ignore[no-untyped-def]
    year = date[:4]
    return patent(f"{year}1{serial:07d}", application_date=date, ipc=[ipc], applicants=applicants,
                  applicant_types=types, region_code=region, inventors=inventors, sei_codes=SEI, **kw)


def hand_patents() -> dict[str, dict]:
    e, u, i = "enterprise", "university", "institute"
    return {
        "P1": _p(1, "2019-03-01", "H01M4/13", [JIA], [e], CD, ["张三", "李四"], forward_citations=5),
        "P2": _p(2, "2020-03-01", "H01M10/42", [JIA], [e], CD, ["张三", "王五"]),
        "P3": _p(3, "2022-01-10", "H01M4/131", [UESTC], [u], CD, ["赵六"]),
        "P4": _p(4, "2023-02-01", "H01M10/44", [UESTC, JIA], [u, e], CD, ["赵六", "李四"],
                 legal_status="under_examination"),
        "P5": _p(5, "2019-05-01", "H02K1/27", [YI], [e], BJ, ["钱七", "孙八"], forward_citations=10,
                 family_size=3, family_granted_abroad=True),
        "P6": _p(6, "2021-04-01", "H02K21/14", [YI], [e], BJ, ["钱七"], legal_status="lapsed_unpaid",
                 grant_date="2023-01-01", lapse_date="2024-06-01"),
        "P7": _p(7, "2022-03-01", "H02K1/27", [YI], [e], BJ, ["钱七", "孙八"]),
        "P8": _p(8, "2023-03-01", "H02K3/28", [YI], [e], BJ, ["钱七"]),
        "P9": _p(9, "2023-04-01", "H01M4/13", [BING], [i], BJ, ["周九"]),
        "P10": _p(10, "2022-06-01", "H01M10/0525", [DING], [e], TA, ["吴十"]),
        "P11": _p(11, "2024-02-01", "H02K1/27", [DING], [e], TA, ["吴十"], legal_status="published"),
        "P12": _p(12, "2024-03-01", "H02K1/27", [WU], [e], CD, ["郑一"], kind="utility_model",
                  legal_status="published"),
        "P13": _p(13, "2020-07-01", "H01M4/13", ["トヨタ自動車株式会社"], [e], None, ["山田"],
                  applicant_country="JP"),
        "P14": _p(14, "2021-01-01", "G06F16/00", [JIA], [e], CD, ["张三"]),
        "P15": _p(15, "2025-02-01", "H01M4/13", [JIA], [e], CD, ["张三"], legal_status="published"),
        "P16": _p(16, "2018-05-01", "H01M10/0525", [BING], [i], BJ, ["周九"]),
    }


def hand_events(ps: dict[str, dict]) -> list[dict]:
    an = {k: v["application_number"] for k, v in ps.items()}
    return [
        event(an["P1"], "transfer", "2021-05-01", party_from="成都甲电池有限公司", party_to="成都己公司"),
        event(an["P5"], "licence", "2022-06-01", party_from=YI, party_to="某公司"),
        event(an["P2"], "pledge", "2023-03-01", amount_yuan=Decimal("1000000"), party_from=JIA, party_to="成都银行"),
        event(an["P3"], "transfer", "2025-03-01", party_from=UESTC, party_to="成都庚公司"),
        event(an["P1"], "award", "2022-07-01", detail="china_patent_award:gold"),
    ]


TEST_CHAIN = {
    "code": "testchain",
    "name": "测试产业链",
    "home_region": "5101",
    "branches": [
        {"id": "1", "name": "电池", "level": 1, "query": "IPC=H01M"},
        {"id": "1.1", "name": "正极", "level": 2, "parent": "1", "query": "IPC=H01M4"},
        {"id": "2", "name": "电机", "level": 1, "query": "IPC=H02K"},
    ],
}


@pytest.fixture(scope="session")
def hand_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    root: Path = tmp_path_factory.mktemp("navcorpus")
    ps = hand_patents()
    return build_snapshot(root, patents=list(ps.values()), events=hand_events(ps))


@pytest.fixture(scope="session")
def test_chain() -> Chain:
    return chain_from_dict(TEST_CHAIN)


@pytest.fixture(scope="session")
def hand_result(hand_snapshot: Snapshot, test_chain: Chain):  # type: ignore[no-untyped-def]
    from zhichan.navigation.analysis import AnalysisParams, analyse

    con = hand_snapshot.connect()
    try:
        return analyse(con, test_chain, AS_OF, snapshot_id=hand_snapshot.id,
                       params=AnalysisParams(min_branch_patents=3))
    finally:
        con.close()
