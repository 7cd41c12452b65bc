"""The demo path a newcomer runs: synthetic corpus + the real sample + the search index."""

from __future__ import annotations

from zhichan.demo import build_demo_corpus, made_counts
from zhichan.settings import Settings


def test_demo_corpus_holds_synthetic_and_real_records_and_is_searchable(settings: Settings) -> None:
    snapshot = build_demo_corpus(1500)
    con = snapshot.connect()
    by_origin = dict(con.execute("SELECT synthetic, count(*) FROM patents GROUP BY 1").fetchall())
    assert by_origin == {True: 1500, False: 10}
    assert snapshot.synthetic and snapshot.manifest["synthetic_records"] > 1500  # patents + other tables

    from zhichan.search.service import search

    hits = search('TI=无人机 AND PA=中科大数据研究院', snapshot=snapshot)
    assert hits.total == 5  # 机载多功能盒, 巡检系统, 空气污染物溯源系统, 清除垃圾, 农作物监管
    again = build_demo_corpus(1500)  # a second run reuses the corpus and the index
    assert again.id == snapshot.id


def test_what_a_demo_seed_made_is_one_readable_line() -> None:
    assert made_counts({"listings": 1200, "skipped": 0, "auctions_running": 1}) == "listings 1,200, auctions running 1"
    assert made_counts({"listings": 0}) == made_counts(None) == "已有，未新增 / already there, nothing added"
