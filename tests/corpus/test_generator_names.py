"""Synthetic holders are never named like a real institution (docs/synthetic-corpus.md, "Names").

The generator named universities ``{place}{field}大学`` with an empty field for a comprehensive one, so it made
北京大学, 浙江大学 and 成都大学, and those synthetic holders topped the national holders list under real
institutions' names. Now every synthetic organization carries a 字号 after its place. Checked on the applicant pools
of the calibration corpus (200,000 patents) and the demo corpus (the demo's size and seed), and on the holders of a
generated corpus (6,000 patents, the size of the texts tests): no name is of a plain form
(:func:`plain_forms`), none is a listed real institution, every 字号 is two brand characters and none reserved.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.helpers import generated_snapshot
from zhichan.corpus.generator import lexicon
from zhichan.corpus.generator.english import english_name, foreign_applicant
from zhichan.corpus.generator.names import AGENCY_RESERVED, BRAND_CHARS, RESERVED_BRANDS
from zhichan.corpus.generator.world import TYPES, World, build_world, reserved_brands, short_place
from zhichan.settings import Settings

#: real institutions the plain forms produced (or would) — none may appear
REAL = ("北京大学", "浙江大学", "成都大学", "四川大学", "上海大学", "山东大学", "吉林大学", "郑州大学", "南京大学",
        "北京理工大学", "成都理工大学", "浙江工业大学", "南京医科大学", "成都中医药大学", "北京交通大学", "浙江工商大学",
        "北京邮电大学", "四川农业大学", "西安石油大学", "北京科技大学", "成都信息工程大学", "嘉兴学院", "泰山学院",
        "四川省农业科学院", "北京市科学技术研究院", "双流人民医院", "武侯人民医院")
#: famous foreign companies' Chinese names and the starts the generator's foreign stems once had (三星 + 电子株式会社,
#: 诺基 + 亚, 爱立 + 信, 鸿 + 海 + 精密工业股份有限公司)
FAMOUS_FOREIGN = ("三星", "现代", "乐金", "大宇", "韩华", "丰田", "日立", "佳能", "住友", "富士", "村田", "博世",
                  "诺基亚", "爱立信", "阿斯利康", "菲亚特", "倍耐力", "阿尔斯通", "鸿海", "诺华", "罗氏", "戴森", "飞利",
                  "雷诺", "米其", "ABB", "施耐德", "通力", "恒隆", "嘉华", "澳博")
GENERIC_SUFFIXES = ("大学", "学院", "研究院", "研究所", "研究中心", *lexicon.GOVERNMENT_UNITS)


def plain_forms(world: World, names: set[str]) -> list[str]:
    """The names that are of a real public body's form ``{place}{generic}`` or ``{place}{field}{generic}``: place any
    region's short name, alone or with 省/市/区/县; field any university or institute field of the lexicon (or none);
    generic 大学, 学院, 研究院, 研究所, 研究中心 or a public unit (人民医院, 供电局 …)."""
    shorts = {short_place(x) for x in (*world.county_name, *world.city_name.values(), *world.province_name.values())}
    places = {p + s for p in shorts for s in ("", "省", "市", "区", "县")}
    topics = (*lexicon.TOPICS, *lexicon.SECTION_FALLBACK.values())
    fields = {"", *(f for t in topics for f in (*t.university, *t.institute))}

    def plain(name: str) -> bool:
        rests = [name.removesuffix(g) for g in GENERIC_SUFFIXES if name.endswith(g)]
        return any(rest.endswith(f) and rest[: len(rest) - len(f)] in places for rest in rests for f in fields)

    # the check finds the real names of these forms (a check that cannot fail proves nothing)
    assert all(plain(n) for n in ("北京大学", "浙江大学", "成都理工大学", "嘉兴学院", "四川省材料研究所", "双流人民医院"))
    return sorted(n for n in names if plain(n))


def _brand_after_place(name: str, places: set[str]) -> str | None:
    """The two characters after the longest place (of up to 5 characters: 内蒙古自治, 呼和浩特市) the name starts with."""
    size = next((k for k in range(5, 1, -1) if name[:k] in places), None)
    return None if size is None else name[size: size + 2]


@pytest.fixture(scope="module", params=[(200_000, 20261121), (20_000, 20261121)], ids=["calibration", "demo"])
def world(request: pytest.FixtureRequest) -> World:
    n, seed = request.param
    return build_world(n, seed, dt.date(2025, 12, 31))


def test_no_organization_has_a_real_public_bodys_plain_form(world: World) -> None:
    names = world.pool.name.to_pylist()
    domestic = [(name, TYPES[t]) for name, t, country in
                zip(names, world.pool_type_idx.tolist(), world.pool.country.tolist(), strict=True) if country == "CN"]
    organizations = [name for name, kind in domestic if kind != "individual"]
    assert {kind for _, kind in domestic} == set(TYPES)
    assert len(organizations) == len(set(organizations))  # unique as before
    assert plain_forms(world, set(organizations)) == []
    assert sorted(set(names) & set(REAL)) == []
    # the forms: a university or institute ends in its generic word after a 字号; a public body belongs to a new area
    by_kind = {k: [name for name, kind in domestic if kind == k] for k in ("university", "institute", "government")}
    assert all(n.endswith(("大学", "学院")) for n in by_kind["university"])
    assert all(n.endswith(("研究院", "研究所", "研究中心")) for n in by_kind["institute"])
    assert all("新区" in n for n in by_kind["government"])
    # agencies (the credit list grades them): a 字号 after the city, neither reserved nor a well-known agency's
    reserved = reserved_brands(world.county_name, world.city_name, world.province_name) | AGENCY_RESERVED
    cities = {short_place(x) for x in world.city_name.values()}
    brands = [_brand_after_place(a, cities) for a in world.agency_name]
    assert len(world.agency_name) > 50 and None not in brands and not reserved & set(brands)  # type: ignore[operator]
    foreign = [name for name, country in zip(names, world.pool.country.tolist(), strict=True) if country != "CN"]
    assert len(foreign) > 20 and [n for n in foreign if any(w in n for w in FAMOUS_FOREIGN)] == []


def test_every_organization_carries_an_unreserved_brand_after_its_place(world: World) -> None:
    reserved = reserved_brands(world.county_name, world.city_name, world.province_name)
    assert reserved >= RESERVED_BRANDS and reserved >= {"泰安", "嘉兴", "光明"}  # places are reserved from the region table
    shorts = {short_place(x) for x in (*world.county_name, *world.city_name.values(), *world.province_name.values())}
    places = {p + s for p in shorts for s in ("", "省", "市")}
    brands = set(BRAND_CHARS)
    checked = 0
    for name, t, country in zip(world.pool.name.to_pylist(), world.pool_type_idx.tolist(), world.pool.country.tolist(),
                                strict=True):
        if country != "CN" or TYPES[t] == "individual" or re.search(r"\d", name):
            continue
        brand = _brand_after_place(name, places)
        assert brand is not None and set(brand) <= brands and brand not in reserved, name
        checked += 1
    assert checked > 500


def test_every_applicant_the_generator_names_reads_in_english(world: World) -> None:
    """English pages show a generated party by the English its name reads as (zhichan.corpus.generator.english): every
    applicant of the pool has one — organizations in their county, people in Pinyin, foreign applicants by their stem,
    whose country is the pool's. (北京铭新能源科技有限责任公司 had none: its industry was read as 新能源科技.)"""
    missing = []
    foreign = 0
    for i, (name, country) in enumerate(zip(world.pool.name.to_pylist(), world.pool.country.tolist(), strict=True)):
        county = int(world.pool_county[i])
        if english_name(name, str(world.county_code[county]) if county >= 0 else "") is None:
            missing.append(name)
        if country != "CN":
            assert foreign_applicant(name) == (english_name(name, ""), country), name
            foreign += 1
    assert missing == [] and foreign > 20
    # patent agencies, by their province (a patent's agency is of its applicant's province, any city of it)
    agencies = [n for n, p in zip(world.agency_name, world.agency_province.tolist(), strict=True)
                if english_name(n, world.provinces[p]) is None]
    assert agencies == [] and len(world.agency_name) > 50


def test_a_generated_corpus_names_no_holder_like_a_real_institution(tmp_path_factory: pytest.TempPathFactory,
                                                                     settings: Settings) -> None:
    snapshot = generated_snapshot(tmp_path_factory, 6_000, 11)  # the texts tests' corpus, generated once per run
    con = snapshot.connect()
    holders = {r[0] for r in con.execute(
        "SELECT DISTINCT name FROM (SELECT unnest(applicants) AS name FROM patents UNION ALL "
        "SELECT unnest(current_patentees) FROM patents UNION ALL SELECT name FROM parties)").fetchall()}
    world = build_world(6_000, 11, dt.date(2025, 12, 31))
    assert any(n.endswith("大学") for n in holders) and any(n.endswith("研究院") for n in holders)
    assert plain_forms(world, holders) == []
    assert sorted(holders & set(REAL)) == []
