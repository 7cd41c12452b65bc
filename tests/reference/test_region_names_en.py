"""Regions in English: provinces and cities by their established names (a hand-made list), counties in
Hanyu Pinyin with the English of their kind, polyphonic place names read as places."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from zhichan.reference import build_names_en
from zhichan.reference.regions import all_cities, all_counties, all_provinces, region_full_name, region_name

DATA = Path(build_names_en.__file__).parent / "data" / "regions"
HAN = re.compile(r"[\u3400-\u9fff]")
#: cities whose established English name is not the Hanyu Pinyin of their Chinese name
EXONYMS = {"1501": "Hohhot", "1506": "Ordos", "1507": "Hulunbuir", "1508": "Bayannur", "1509": "Ulanqab",
           "2301": "Harbin", "2302": "Qiqihar", "5401": "Lhasa", "5402": "Shigatse", "5403": "Chamdo",
           "5404": "Nyingchi", "5406": "Nagqu", "6501": "Urumqi", "6502": "Karamay", "6504": "Turpan"}


def _verified() -> dict[str, tuple[str, str]]:
    with (DATA / "names_en_provinces_cities.csv").open(encoding="utf-8") as f:
        return {r["code"]: (r["name"], r["name_en"]) for r in csv.DictReader(f)}


def test_every_region_has_an_english_name_without_chinese():
    for code in ["CN", *all_provinces(), *all_cities(), *all_counties()]:
        name = region_name(code, "en")
        assert name and not HAN.search(name), (code, name)
        assert name == name.strip() and "  " not in name, (code, name)


def test_the_hand_made_list_names_every_province_and_city_of_the_division_list():
    verified = _verified()
    assert sorted(verified) == sorted([*all_provinces(), *all_cities()])
    for source in ("chinadiv2023_provinces.csv", "chinadiv2023_cities.csv"):
        with (DATA / source).open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                assert verified[r["code"]][0] == r["name"], r


def test_the_romanization_agrees_with_the_hand_made_city_names():
    """The check on pypinyin's readings of place names: every prefecture-level city named by its pinyin
    (not an exonym, not a prefecture, league or autonomous prefecture) comes out as the hand-made list has it
    — 重庆, 长沙, 长治, 厦门, 六安, 蚌埠, 乐山, 漯河, 亳州 … among them."""
    checked = 0
    for code, (name, english) in _verified().items():
        if len(code) != 4 or code in EXONYMS or not name.endswith("市") or " " in english:
            continue
        assert build_names_en.romanize(name.removesuffix("市")) == english, (code, name)
        checked += 1
    assert checked > 250


@pytest.mark.parametrize(("code", "zh", "en"), [
    ("50", "重庆市", "Chongqing"), ("4301", "长沙市", "Changsha"), ("3502", "厦门市", "Xiamen"),
    ("3415", "六安市", "Lu'an"), ("3403", "蚌埠市", "Bengbu"), ("5111", "乐山市", "Leshan"),
    ("15", "内蒙古自治区", "Inner Mongolia"), ("65", "新疆维吾尔自治区", "Xinjiang"), ("5101", "成都市", "Chengdu"),
    ("510107", "武侯区", "Wuhou District"), ("510181", "都江堰市", "Dujiangyan City"),
    ("371722", "单县", "Shan County"), ("110105", "朝阳区", "Chaoyang District"), ("310112", "闵行区", "Minhang District"),
    ("130726", "蔚县", "Yu County"), ("350105", "马尾区", "Mawei District"), ("510117", "郫都区", "Pidu District"),
    ("152921", "阿拉善左旗", "Alashan Left Banner"), ("150724", "鄂温克族自治旗", "Evenki Autonomous Banner"),
    ("422801", "恩施市", "Enshi City"), ("620826", "静宁县", "Jingning County"),
    ("420528", "长阳土家族自治县", "Changyang Tujia Autonomous County"),
    ("622927", "积石山保安族东乡族撒拉族自治县", "Jishishan Bonan, Dongxiang and Salar Autonomous County"),
    ("622926", "东乡族自治县", "Dongxiang Autonomous County"),
    ("420900", "孝感市", "Xiaogan"), ("5002", "重庆市（县）", "Chongqing (counties)"),
])
def test_names_in_both_languages(code, zh, en):
    assert region_name(code) == region_name(code, "zh") == zh
    assert region_name(code, "en") == en


def test_full_names_in_english_read_from_the_smallest():
    assert region_full_name("510107", "en") == "Wuhou District, Chengdu, Sichuan"
    assert region_full_name("110105", "en") == "Chaoyang District, Beijing"  # a municipality's city row is no level
    assert region_full_name("419001", "en") == "Jiyuan City, Henan"  # nor a province's directly administered counties
    assert region_full_name("CN", "en") == "China"
    # Chinese as before
    assert region_full_name("510107") == "四川省成都市武侯区"
    assert region_full_name("110105") == "北京市朝阳区"


def test_the_shipped_county_names_are_what_the_build_makes(tmp_path):
    pytest.importorskip("pypinyin")
    built = build_names_en.build(tmp_path / "names_en_counties.csv")
    assert built == (DATA / "names_en_counties.csv").read_text(encoding="utf-8")
