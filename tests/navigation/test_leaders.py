"""The local leader of a strong branch (强链): the report named a person, or a holder without a single valid invention,
as the branch's 本地龙头 — whoever had filed most. The leader is a local organization holding a valid invention in the
branch (most valid inventions first), and the sentence says when no local organization holds one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from zhichan.corpus.testing import build_snapshot, patent
from zhichan.navigation.analysis import AnalysisParams, analyse
from zhichan.navigation.chain_io import chain_from_dict
from zhichan.navigation.recommend import recommendation_text

AS_OF = dt.date(2024, 12, 31)
CD, BJ = "510107", "110108"
PERSON, MAKER, STARTUP, OTHER = "王晓明", "成都甲电池有限公司", "成都乙电机有限公司", "北京丙软件有限公司"
CHAIN = {"code": "leaders", "name": "龙头测试链", "home_region": "5101", "branches": [
    {"id": "1", "name": "电池", "level": 1, "query": "IPC=H01M"},
    {"id": "2", "name": "电机", "level": 1, "query": "IPC=H02K"},
    {"id": "3", "name": "软件", "level": 1, "query": "IPC=G06F"}]}


def _p(serial: int, ipc: str, holder: str, kind: str, region: str, **kw):  # type: ignore[no-untyped-def]
    return patent(f"20191{serial:07d}", application_date="2019-03-01", ipc=[ipc], applicants=[holder],
                  applicant_types=[kind], region_code=region, inventors=[f"发明人{serial}"], **kw)


def test_a_strong_branch_is_led_by_an_organization_with_valid_inventions(tmp_path: Path) -> None:
    patents = [
        # 电池: a person holds three valid inventions, the enterprise one — the enterprise leads
        *[_p(i, "H01M4/13", PERSON, "individual", CD) for i in range(1, 4)],
        _p(4, "H01M4/13", MAKER, "enterprise", CD),
        # 电机: the local enterprise's three applications are all pending — nobody leads
        *[_p(i, "H02K1/27", STARTUP, "enterprise", CD, legal_status="under_examination") for i in range(5, 8)],
        # 软件: held elsewhere, so that the local share of the two above is high (优势)
        *[_p(i, "G06F16/00", OTHER, "enterprise", BJ) for i in range(8, 16)],
    ]
    snapshot = build_snapshot(tmp_path, patents=patents)
    con = snapshot.connect()
    try:
        result = analyse(con, chain_from_dict(CHAIN), AS_OF, snapshot_id=snapshot.id,
                         params=AnalysisParams(min_branch_patents=2))
    finally:
        con.close()
    strong = {r["branch_id"]: r for r in result.recommendations if r["kind"] == "strengthen"}
    assert set(strong) == {"1", "2"}
    leader = strong["1"]["facts"]["leader"]
    assert (leader["name"], leader["valid_inventions"]) == (MAKER, 1)
    assert f"本地龙头「{MAKER}」有效发明 1 件" in strong["1"]["text"] and PERSON not in strong["1"]["text"]
    assert strong["2"]["facts"]["leader"] is None
    assert "尚无本地机构在该分支持有有效发明专利" in strong["2"]["text"] and STARTUP not in strong["2"]["text"]
    english = recommendation_text(strong["2"], result, "en")
    assert "no local organization holds a valid invention in it yet" in english
