"""The synthetic corpus reads like patents of its applicants' fields (docs/synthetic-corpus.md).

Checked on generated corpora with the product's own query compiler (the DuckDB search backend):
no inventor twice in a patent, no markup, no doubled word, titles of the field of the main IPC,
applicants named after their field, the terms a bureau searches first found at a stated rate,
and the shipped example chains finding patents in their home regions in the demo corpus.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import generated_snapshot
from zhichan.corpus.generator import generate
from zhichan.corpus.store import CorpusStore
from zhichan.navigation.chain_io import builtin_chains
from zhichan.search.duckdb_backend import where_clause, where_clauses_one_scan
from zhichan.settings import get_settings
from zhichan.web.i18n import catalogue

N = 6_000
#: a word of two or more Chinese characters written twice in a row (通过通过, 包括包括)
DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,})\1")
MARKUP = re.compile(r"[<>]|/?span\b|<br|&[a-z]+;", re.IGNORECASE)
#: the terms a bureau searches first: each in at least 0.3 % and at most 5 % of the patents
BUREAU_TERMS = ("电动汽车", "人工智能", "锂离子电池", "新能源", "芯片")
MIN_RATE, MAX_RATE = 0.003, 0.05


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    """A connection to the generated corpus of N patents, seed 11 (test_generator_names.py reads it too)."""
    return generated_snapshot(tmp_path_factory, N, 11).connect()


def _count(con, query: str) -> int:
    sql, params = where_clause(query)
    return con.execute(f"SELECT count(*) FROM patents WHERE {sql}", params).fetchall()[0][0]


def test_no_inventor_twice_in_a_patent(con):
    rows = con.execute("""SELECT application_number, inventors FROM patents
                          WHERE len(inventors) <> len(list_distinct(inventors))""").fetchall()
    assert rows == []
    assert con.execute("SELECT count(*) FROM patents WHERE len(inventors) >= 3").fetchall()[0][0] > N // 5


def test_no_markup_and_no_doubled_words(con):
    texts = con.execute("SELECT application_number, title, abstract, first_claim FROM patents").fetchall()
    markup = [(a, t) for a, *ts in texts for t in ts if t and MARKUP.search(t)]
    doubled = [(a, DOUBLED.search(t).group(0)) for a, *ts in texts for t in ts if t and DOUBLED.search(t)]
    assert markup == []
    assert doubled == []


#: IPC class → words one of which a title of that class contains (independent of the generator's lexicon)
FIELD_WORDS = {
    "H01M": ("电池", "电芯", "电极", "正极", "负极", "电解", "集流体", "BMS", "SOC", "质子交换膜", "双极板", "膜电极"),
    "A61K": ("药", "组合物", "制剂", "化合物", "抗体", "疫苗", "提取物", "片剂", "注射剂", "抑制剂"),
    "G06N": ("智能", "神经网络", "学习", "识别", "模型", "检测", "问答", "推理", "调度", "加速器", "分类"),
    "H10D": ("芯片", "半导体", "晶圆", "封装", "器件", "外延", "光刻", "硅", "MOSFET", "探针卡", "沉积"),
    "B60L": ("电动汽车", "充电", "换电", "新能源汽车", "整车", "车载", "驱动"),
    "G06Q": ("平台", "系统", "方法", "管理", "金融", "物流", "交易", "推荐", "预测", "评估", "核算", "排班"),
    "C04B": ("陶瓷", "玻璃", "石膏", "材料", "纤维", "碳纳米管", "玻纤", "装置", "设备"),
}


def test_titles_are_of_the_field_of_the_main_ipc(con):
    for subclass, words in FIELD_WORDS.items():
        titles = [r[0] for r in con.execute("SELECT title FROM patents WHERE starts_with(main_ipc, ?)",
                                            [subclass]).fetchall()]
        assert len(titles) >= 5, subclass
        off = [t for t in titles if not any(w in t for w in words)]
        assert len(off) <= 0.05 * len(titles), (subclass, off[:5])
    # no field leaks into another section: chips, batteries and drugs stay where they are classified
    leaks = con.execute("""SELECT main_ipc, title FROM patents WHERE kind <> 'design' AND (
                             (title LIKE '%锂离子电池%' AND substr(main_ipc, 1, 1) NOT IN ('H', 'G', 'B'))
                          OR (title LIKE '%药物组合物%' AND substr(main_ipc, 1, 1) NOT IN ('A', 'C'))
                          OR (title LIKE '%芯片%' AND substr(main_ipc, 1, 1) NOT IN ('H', 'G')))""").fetchall()
    assert leaks == []


def test_utility_models_are_not_substances(con):
    """Chemistry applicants' utility models protect their apparatus (B01…), as real ones do."""
    share_c = con.execute("""SELECT avg((main_ipc LIKE 'C%')::int) FROM patents WHERE kind = 'utility_model'""").fetchall()[0][0]
    assert share_c < 0.05
    titles = [r[0] for r in con.execute("SELECT title FROM patents WHERE kind = 'utility_model'").fetchall()]
    assert not [t for t in titles if t.endswith(("方法", "组合物", "化合物"))]


def test_designs_state_the_use_of_their_product(con):
    uses = dict(con.execute("""SELECT split_part(title, '（', 1), list_distinct(list(regexp_extract(abstract, '用途：(.*?)。', 1)))
                               FROM patents WHERE kind = 'design' GROUP BY 1""").fetchall())
    assert all("照明" in u for u in uses["台灯"]) and all("通信" in u for u in uses["手机"]), uses
    assert all(len(u) == 1 for u in uses.values())  # one use per product, whatever the variant


def test_applicants_are_named_after_their_field(con):
    """A university of finance files business-method patents, a hospital medical ones — also as co-applicant."""
    by_name = con.execute("""SELECT name, section, count(*) FROM (
                               SELECT unnest(applicants) AS name, substr(main_ipc, 1, 1) AS section
                               FROM patents WHERE kind <> 'design') GROUP BY ALL""").fetchall()
    rules = {"财经": "G", "医科大学": "AC", "药科": "AC", "中医药": "AC", "人民医院": "A", "中心医院": "A"}
    checked = 0
    for word, sections in rules.items():
        rows = [(n, s, c) for n, s, c in by_name if word in n]
        checked += sum(c for *_, c in rows)
        assert [r for r in rows if r[1] not in sections] == [], word
    assert checked > 20


def test_the_terms_a_bureau_searches_first_are_found(con):
    for term in BUREAU_TERMS:
        assert MIN_RATE * N <= _count(con, term) <= MAX_RATE * N, term
    # … and where they belong: 锂离子电池 in battery classes, 人工智能 mostly in computing
    assert _count(con, "锂离子电池 AND (IPC=H01M OR IPC=G01R OR IPC=H02J OR IPC=B60L)") >= 0.8 * _count(con, "锂离子电池")
    assert _count(con, "人工智能 AND (IPC=G06 OR IPC=G10L OR IPC=A61B OR IPC=H01L OR IPC=H10)") >= 0.9 * _count(con, "人工智能")


@pytest.mark.parametrize(("lang", "marker"), [("zh", "例如："), ("en", "e.g. ")])
def test_the_search_box_example_finds_patents(con, lang: str, marker: str):
    placeholder = catalogue(lang)["search.placeholder"]
    example = placeholder.split(marker, 1)[1]
    assert _count(con, example) >= 0.0005 * N, example  # two terms: a narrower query


@pytest.mark.slow
def test_the_example_chains_find_patents_in_their_home_region(tmp_path: Path):
    """The demo corpus (demo size and seed) holds each shipped chain's industry in its home region."""
    settings = get_settings()
    snapshot = generate(settings.demo_patents, settings.demo_seed, store=CorpusStore(tmp_path / "corpus"))
    con = snapshot.connect()
    for chain in builtin_chains().values():
        level1 = [b for b in chain.branches if b.level == 1]
        union = " OR ".join(f"({b.query})" for b in level1)
        home = _count(con, f"({union}) AND RC={chain.home_region}")
        assert home >= 15, (chain.code, chain.home_region, home)
        # which level-1 branches a 20,000-patent draw reaches in one city depends on a few applicants:
        # at least half of them (all but one held for the previous layout's draw with this seed, not
        # for seeds 1 or 3; with this layout 集成电路 in 成都 reaches 2 of 4, 新材料 in 泰安 3 of 5)
        found = sum(_count(con, f"({b.query}) AND RC={chain.home_region}") > 0 for b in level1)
        assert 2 * found >= len(level1), chain.code
    # every keyword of the chains' branch queries occurs in the demo corpus
    keywords = {term for chain in builtin_chains().values() for b in chain.branches
                for group in re.findall(r"TIAB=\(([^)]*)\)|TIAB=([^\s()]+)", b.query)
                for term in re.split(r"\s+OR\s+", group[0] or group[1])}
    assert len(keywords) > 150
    ordered = sorted(keywords)
    # one scan for all keywords, each text column folded once per row (as an industry chain's branches
    # are matched) rather than once per keyword: 1 CPU-s instead of 28, the same counts
    clauses, folded = where_clauses_one_scan([f'TIAB="{k}"' for k in ordered])
    counts = con.execute("SELECT " + ", ".join(f"count_if({sql})" for sql, _ in clauses)
                         + f" FROM (SELECT *{''.join(', ' + f for f in folded)} FROM patents) AS patents",
                         [p for _, params in clauses for p in params]).fetchall()[0]
    assert [k for k, c in zip(ordered, counts, strict=True) if c == 0] == []
