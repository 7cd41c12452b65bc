from __future__ import annotations

import pytest

from zhichan.reference import (
    all_counties,
    region_full_name,
    resolve_address,
    resolve_address_level,
    resolve_addresses,
    resolve_addresses_level,
)


def test_postal_code_and_functional_zone_stay_in_the_city():
    address = "450000河南省郑州市郑东新区商务外环路"
    assert resolve_address(address) is None  # 郑东新区 is not a statistical division
    assert resolve_address_level(address) == "4101"


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("450000河南省郑州市金水区花园路", "410105"),
        ("北京市海淀区中关村", "110108"),
        ("广东省深圳市龙华区民治街道", "440309"),  # created 2016, absent from cpca's table
        ("江苏省苏州工业园区星湖街", "320576"),
        ("郑州高新技术产业开发区莲花街", "410172"),
        ("山东省莱芜市莱城区", "370116"),  # 莱芜 merged into 济南 in 2019
        ("浙江省杭州市江干区", "330102"),  # merged into 上城区 in 2021
        ("河北省邯郸市永年县", "130408"),  # now 永年区
        ("杭州市临平区", "330113"),
        ("重庆市梁平区", "500155"),
    ],
)
def test_counties(address, code):
    assert resolve_address(address) == code


def test_levels():
    assert resolve_address_level("四川省成都市") == "5101"
    assert resolve_address_level("河南省") == "41"
    assert resolve_address_level("香港九龙") is None
    assert resolve_address_level("") is None
    assert resolve_address_level(None) is None
    # a bare county name shared by several counties is not guessed
    assert resolve_address_level("朝阳区") is None
    assert resolve_address("北京朝阳区") == "110105"


def test_batch_matches_single_and_every_county_name_resolves():
    counties = all_counties()
    addresses = [region_full_name(c) + "人民路1号" for c in counties]
    assert resolve_addresses(addresses) == counties
    assert resolve_addresses_level(["郑州市郑东新区", None, "郑州市郑东新区"]) == ["4101", None, "4101"]
