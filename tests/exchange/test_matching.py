"""供需匹配: needs ranked against listings and open licences with the index's semantic vectors, IPC and
proximity — every explanation adds up to its score."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.exchange.helpers import OWNER, moment
from tests.procedures.helpers import build_world
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.evidence.keys import SigningKey
from zhichan.exchange.listings import create_listing
from zhichan.exchange.matching import WEIGHTS, match_need, proximity
from zhichan.platform.db import session_scope

TOPICS = [
    ("一种锂离子电池负极材料及其制备方法", "本发明公开一种硅碳复合锂离子电池负极材料，提高首次库伦效率和循环寿命。", "H01M4/38", "510107"),
    ("锂离子电池电解液及锂离子电池", "本发明涉及锂离子电池电解液，含有成膜添加剂，改善高温循环性能。", "H01M10/0567", "510104"),
    ("一种图像去噪方法", "本发明公开一种基于卷积神经网络的图像去噪方法，提高图像质量。", "G06T5/00", "510107"),
    ("视频图像的目标检测方法", "本发明涉及视频图像中的目标检测，使用深度学习模型识别行人和车辆。", "G06V20/40", "320102"),
    ("一种混凝土外加剂", "本发明公开一种聚羧酸减水剂混凝土外加剂及其制备方法。", "C04B24/26", "510107"),
    ("一种钠离子电池正极材料", "本发明公开层状氧化物钠离子电池正极材料及其制备方法，提高容量。", "H01M4/505", "440305"),
]


@pytest.fixture
def market(engine: Engine, tmp_path: Path):  # type: ignore[no-untyped-def]
    from zhichan.search.build import build_index

    rows = [patent(f"2018{1}{500 + i:07d}", title=title, abstract=abstract, ipc=[ipc], region_code=region,
                   application_date="2018-03-10", applicants=[OWNER])
            for i, (title, abstract, ipc, region) in enumerate(TOPICS)]
    # a background of other patents, so the need's nearest neighbours are a real crowd
    rows += [patent(f"2019{1}{700 + i:07d}", title=f"{t}的改进{i}", abstract=a, ipc=[c], region_code=r,
                    application_date="2019-05-01", applicants=["某其他公司"])
             for i, (t, a, c, r) in enumerate(TOPICS * 4)]
    snapshot = build_snapshot(tmp_path / "var", patents=rows)
    build_index(snapshot)
    world = build_world(engine, tmp_path / "files", SigningKey.generate())
    with session_scope(engine) as s:
        for record in rows[:len(TOPICS)]:
            create_listing(s, world.scope("ent_user"), snapshot, asset_kind="patent",
                           number=record["application_number"], mode="ordinary", price="", description="",
                           pledgee_consent=False, now=moment(dt.date(2026, 3, 2)))
    return world, snapshot, [r["application_number"] for r in rows[:len(TOPICS)]]


def test_matches_are_ranked_and_explained(market) -> None:  # type: ignore[no-untyped-def]
    world, snapshot, numbers = market
    with session_scope(world.engine) as s:
        battery = match_need(s, snapshot, text="寻求锂离子电池负极材料技术，提高循环寿命 新能源", region="510107")
        image = match_need(s, snapshot, text="需要图像去噪和目标检测算法 人工智能", region="510107")
    assert battery[0]["application_number"] == numbers[0]
    assert {battery[1]["application_number"]} <= {numbers[1], numbers[5]}
    assert image[0]["application_number"] in (numbers[2], numbers[3])
    top = battery[0]
    assert "H01M" in top["shared_ipc"] and {"锂离子", "负极"} <= set(top["shared_terms"])
    assert top["offers"] == [{"kind": "listing", "id": 1, "label": "ordinary"}]
    for match in battery + image:  # every explanation adds up to its score, with the declared weights
        parts = match["contributions"]
        assert abs(sum(parts.values()) - match["score"]) < 1e-9
        assert parts["similarity"] == round(WEIGHTS["similarity"] * match["similarity"], 4)
        assert parts["ipc"] == round(WEIGHTS["ipc"] * match["ipc_overlap"], 4)
        assert parts["proximity"] == round(WEIGHTS["proximity"] * match["proximity"], 4)
    assert [m["score"] for m in battery] == sorted((m["score"] for m in battery), reverse=True)
    assert battery[0]["proximity"] == 1.0 and next(m for m in battery if m["application_number"] == numbers[5])[
        "proximity"] == 0.0


def test_shared_terms_leave_out_words_that_say_nothing(market) -> None:  # type: ignore[no-untyped-def]
    """A need posted as the demo posts them shared mostly its drafting with every patent (一种、技术、方法、领域): those
    words are left out of the explanation; the score, which reads no words, is the same."""
    from zhichan.exchange.matching import FILLER

    world, snapshot, numbers = market
    with session_scope(world.engine) as s:
        matches = match_need(s, snapshot, region="510107", text="寻求新能源领域合作技术 希望引进与“一种锂离子电池负极材料"
                                                                 "及其制备方法”相关的技术，开展联合开发。")
    top = next(m for m in matches if m["application_number"] == numbers[0])
    assert {"锂离子", "负极"} <= set(top["shared_terms"])
    for match in matches:
        assert not set(match["shared_terms"]) & {"一种", "技术", "方法", "领域", "及其", "制备"}, match["shared_terms"]
        assert not set(match["shared_terms"]) & FILLER


def test_proximity() -> None:
    assert (proximity("510107", "510107"), proximity("510107", "510104"), proximity("510107", "513200"),
            proximity("510107", "320102"), proximity("510107", None)) == (1.0, 0.7, 0.4, 0.0, 0.0)


def test_a_needs_matches_name_each_owner_in_the_pages_language(market) -> None:  # type: ignore[no-untyped-def]
    """A need's matches named each patent's owner by its Chinese name on English pages: the owner's organization's
    English name where it has one (a name nobody knows in English as it is); Chinese pages as the corpus has it."""
    from sqlalchemy import update

    from zhichan.exchange.listings import post_need
    from zhichan.exchange.views import matches_view
    from zhichan.platform.models import Organization

    world, snapshot, numbers = market
    with session_scope(world.engine) as s:
        s.execute(update(Organization).where(Organization.name == OWNER).values(name_en="Chengdu Example Technology Co., Ltd."))
        need = post_need(s, world.scope("ent_user"), title="寻求锂离子电池负极材料技术", text="提高循环寿命", industry="新能源",
                         budget="", region="510107", now=moment(dt.date(2026, 3, 3)))
        shown = {lang: matches_view(s, world.scope("ent_user"), snapshot, need.id, lang)["matches"] for lang in ("zh", "en")}
    english = {m["application_number"]: m["owner_en"] for m in shown["en"]}
    assert english[numbers[0]] == "Chengdu Example Technology Co., Ltd."
    assert all(m["owner"] == OWNER for m in shown["zh"] if m["application_number"] in numbers)
