from __future__ import annotations

import csv

import pytest

from zhichan.errors import InputError, NotFoundError
from zhichan.reference import (
    all_cities,
    all_counties,
    all_provinces,
    children,
    city_only_population,
    has_population,
    normalize_region_code,
    parent_code,
    population,
    province_code_from_label,
    region_full_name,
    region_level,
    region_name,
    regions_frame,
)
from zhichan.reference._data import open_text

# 第七次全国人口普查公报: 31 provinces 1,409,778,724 (+ 2,000,000 servicemen = 1,411,778,724)
MAINLAND_2020 = 1_409_778_724
BEIJING_DISTRICTS_2020 = {
    "110101": 708_829, "110102": 1_106_214, "110105": 3_452_460, "110106": 2_019_764, "110107": 567_851,
}


def test_names_of_every_level():
    assert region_name("CN") == region_name("00") == region_name("000000") == "全国"
    assert region_name("41") == "河南省"
    assert region_name("4101") == "郑州市"
    assert region_name("410105") == "金水区"
    # municipalities: the source's 市辖区 is shown as the municipality
    assert region_name("1101") == "北京市"
    assert region_name("3101") == "上海市"
    assert region_name("5001") == "重庆市"
    assert region_name("510100") == "成都市"
    assert region_name("510000") == "四川省"
    assert region_full_name("110105") == "北京市朝阳区"
    assert region_full_name("410105") == "河南省郑州市金水区"


def test_normalize_region_code():
    assert normalize_region_code("510100") == "5101"
    assert normalize_region_code("510000") == "51"
    assert normalize_region_code("510104") == "510104"
    assert normalize_region_code(" ５１０１０４ ") == "510104"
    assert normalize_region_code("410105000000") == "410105"
    assert normalize_region_code("100000") == "CN"
    # codes abolished between the census and 2023 map to their successor
    assert normalize_region_code("410381") == "410307"  # 偃师市 → 偃师区
    for bad in ["99", "9901", "999999", "", "abc", "4101x5", "41010"]:
        with pytest.raises(InputError):
            normalize_region_code(bad)


def test_hierarchy():
    assert region_level("CN") == "nation"
    assert region_level("410000") == "province"
    assert region_level("410100") == "city"
    assert region_level("410105") == "county"
    assert parent_code("CN") is None
    assert parent_code("41") == "CN"
    assert parent_code("4101") == "41"
    assert parent_code("410105") == "4101"
    assert len(children("CN")) == 31 == len(all_provinces())
    assert children("11") == ["1101"]
    assert "410105" in children("4101") and "410172" in children("4101")
    assert children("410105") == []
    assert len(all_cities()) == 342
    assert len(all_counties()) == 2978
    assert set(children("41")) == {c for c in all_cities() if c.startswith("41")}


def test_population_rolls_up_from_counties():
    beijing = sum(population(c) for c in children("1101"))
    assert population("1101") == population("11") == beijing == 21_893_095
    for code, value in BEIJING_DISTRICTS_2020.items():
        assert population(code) == value
    assert population("CN") == MAINLAND_2020 == sum(population(p) for p in all_provinces())
    # year is accepted; only the 2020 census ships
    assert population("11", year=2023) == population("11", year=2020) == population("11")


def test_population_inner_mongolia_is_corrected_to_the_official_total():
    assert population("15") == 24_049_155
    assert population("1507") == 2_242_875  # 呼伦贝尔市
    assert population("150703") == 84_424  # 扎赉诺尔区, source says 184,424


def test_census_counties_missing_in_2023_are_never_dropped():
    with open_text("regions/population_2020_census_county.csv") as f:
        rows = [r for r in csv.DictReader(f) if r["POPU"]]
    census_total = sum(int(float(r["POPU"])) for r in rows) - 100_000  # the one correction
    assert census_total == population("CN")
    # per city: every census row is counted in the city of its 2023 successor
    assert population("4103") == sum(int(float(r["POPU"])) for r in rows if r["CODE"].startswith("4103"))
    # merged counties add up: 吉利区 69,142 + 孟津县 416,845 → 孟津区
    assert population("410308") == 69_142 + 416_845
    # development zones dropped from the 2023 list stay at city level
    assert city_only_population()["3207"] == 173_232  # 连云港高新技术产业开发区
    assert population("3207") > sum(population(c) for c in children("3207") if has_population(c))


def test_counties_created_after_the_census_have_no_population():
    assert not has_population("330113")  # 临平区 (2021)
    with pytest.raises(NotFoundError):
        population("330113")
    frame = regions_frame()
    assert frame["population"].isna().sum() == 6
    assert has_population("330110")


def test_regions_frame():
    frame = regions_frame()
    assert list(frame.columns) == [
        "code", "name", "city_code", "city_name", "province_code", "province_name", "population",
    ]
    assert len(frame) == 2978
    row = frame.set_index("code").loc["110105"]
    assert (row["name"], row["city_name"], row["province_name"], row["population"]) == (
        "朝阳区", "北京市", "北京市", 3_452_460,
    )


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("河南(41)", "41"), ("北京(11)", "11"), ("河南（41）", "41"), ("41", "41"), ("410000", "41"),
        ("河南", "41"), ("河南省", "41"), ("内蒙古", "15"), ("广西壮族自治区", "45"), ("新疆", "65"),
        ("香港(81)", None), ("台湾", None), ("", None), (None, None), ("美国", None),
    ],
)
def test_province_code_from_label(label, code):
    assert province_code_from_label(label) == code
