from __future__ import annotations

import json
from itertools import pairwise

import pytest
from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.errors import InputError, NotFoundError
from zhichan.reference import (
    all_provinces,
    children,
    design_in_force_2023_by_region,
    domestic_in_force_2009_by_kind_region,
    geojson,
    geojson_codes,
    has_geojson,
    headline_indicators,
    pct_by_region,
    tech_field,
    tech_field_for_ipc,
    tech_fields,
)


def test_tech_fields_list():
    fields = tech_fields()
    assert [f[0] for f in fields] == list(range(1, 36))
    assert fields[5] == (6, "Electrical engineering", "Computer technology")
    assert tech_field(35).name == "Civil engineering"
    with pytest.raises(InputError):
        tech_field(36)


@pytest.mark.parametrize(
    ("code", "field"),
    [
        ("H01M10/0525", 1), ("G06F3/0488", 6), ("G06Q10/06", 7), ("H01L21/02", 8),
        ("H04N5/225", 2),  # main-group rule H04N   5%
        ("H04N1/00", 3),  # H04N   1% → telecommunications
        ("H04N21/431", 4),  # H04N  21% → digital communication
        ("A61K8/02", 14), ("A61K31/00", 16),
        # added by hand
        ("H10K50/00", 8), ("G06V10/82", 6), ("B64U10/13", 32), ("H04N23/60", 2),
    ],
)
def test_tech_field_for_ipc(code, field):
    assert tech_field_for_ipc(code) == field


def test_tech_field_unknown():
    assert tech_field_for_ipc("H04N99/00") is None  # group rules only under H04N, 99 not among them
    assert tech_field_for_ipc("nonsense") is None
    assert tech_field_for_ipc("H04") is None


def test_geojson_nation_province_city():
    nation = json.loads(geojson("100000"))  # the file with a byte-order mark in the source
    adcodes = {f["properties"]["adcode"] for f in nation["features"]}
    assert {int(p + "0000") for p in all_provinces()} <= adcodes
    henan = json.loads(geojson("410000"))
    henan_codes = {f["properties"]["adcode"] for f in henan["features"]}
    # cities, plus 济源 (419001) drawn directly since 4190 (省直辖县级行政区划) is not a city
    assert henan_codes == {int(c + "00") for c in children("41") if c != "4190"} | {419001}
    zhengzhou = json.loads(geojson("4101"))
    assert 410105 in {f["properties"]["adcode"] for f in zhengzhou["features"]}
    assert geojson("CN") == geojson("100000")
    assert not geojson("100000").startswith(b"\xef\xbb\xbf")


def _planar_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring)) / 2


def test_geojson_rings_wind_as_maps_draw_them():
    """d3-geo (the page's and the images' maps) needs clockwise exterior rings, holes the other way;
    the national file came wound counter-clockwise and rendered as one flat square."""
    for code in ("100000", "510000", "510100"):
        for feature in json.loads(geojson(code))["features"]:
            geometry = feature["geometry"]
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            for rings in polygons:
                assert _planar_area(rings[0]) < 0, (code, feature["properties"]["adcode"])
                assert all(_planar_area(hole) > 0 for hole in rings[1:])
    nation = json.loads(geojson("100000"))["features"]
    not_regions = [f["properties"]["adcode"] for f in nation if not f["properties"]["is_region"]]
    assert not_regions == ["100000_JD"]  # the 九段线: drawn, never a region or a click target


def test_has_geojson():
    assert has_geojson("100000") and has_geojson("410000") and has_geojson("410100")
    assert not has_geojson("410105")  # no district-level file
    assert not has_geojson("bad")
    assert len(geojson_codes()) == 368
    with pytest.raises(NotFoundError):
        geojson("410105")
    with pytest.raises(InputError):
        geojson("bad")


def test_official_stats_keep_source_urls_and_add_up():
    design = design_in_force_2023_by_region()
    total = next(r for r in design if r["kind"] == "total")
    provinces = [r for r in design if r["kind"] == "province"]
    assert len(provinces) == 31 and {r["region_code"] for r in provinces} == set(all_provinces())
    assert total["total"] == 3_115_376
    assert total["source_url"] == "https://www.cnipa.gov.cn/tjxx/jianbao/year2023/c/c7.html"
    # the domestic total covers the 31 provinces and 港澳台 (Hong Kong/Macao rows are missing in the excerpt)
    assert sum(r["total"] for r in provinces) + next(r["total"] for r in design if r["region_zh"] == "台湾") <= total["total"]

    pct = pct_by_region(2023)
    assert next(r for r in pct if r["region_zh"] == "北京")["value"] == 11_438
    assert next(r for r in pct if r["kind"] == "total")["value"] == 73_812
    assert next(r for r in pct if r["kind"] == "domestic")["value"] + next(
        r for r in pct if r["kind"] == "foreign")["value"] == 73_812
    assert pct_by_region(2018)[0]["value"] == 55_242
    with pytest.raises(InputError):
        pct_by_region(2020)

    y2009 = domestic_in_force_2009_by_kind_region()
    guangzhou = next(r for r in y2009 if r["region_zh"] == "广州")
    assert (guangzhou["kind"], guangzhou["region_code"], guangzhou["invention"]) == ("city", "4401", 4450)
    nation = next(r for r in y2009 if r["kind"] == "total")
    assert nation["invention"] + nation["utility_model"] + nation["design"] == nation["total"]


def test_headline_indicators():
    rows = headline_indicators()
    hv = {(r["scope"], r["year"]): r["value"] for r in rows if r["indicator"] == "每万人口高价值发明专利拥有量"}
    assert hv[("全国", "2023")] == 11.8 and hv[("全国", "2020")] == 6.3 and hv[("北京市", "2023")] == 136.95
    assert any(r["source_url"] == "http://yueronline.com/shenghuo/180.html" for r in rows)


def test_cli():
    runner = CliRunner()
    result = runner.invoke(app, ["reference", "regions", "1101"])
    assert result.exit_code == 0, result.output
    assert "北京市" in result.output and "21,893,095" in result.output and "110105" in result.output
    # a region is printed in both languages, as the CLI's messages are
    assert "北京市 Beijing" in result.output and "朝阳区 Chaoyang District" in result.output
    result = runner.invoke(app, ["reference", "regions", "510107"])
    assert "四川省成都市武侯区 Wuhou District, Chengdu, Sichuan" in result.output, result.output
    result = runner.invoke(app, ["reference", "ipc", "H01M 10/0525", "--text", "电动汽车"])
    assert result.exit_code == 0, result.output
    assert "H01M10/0525" in result.output and "5.2" in result.output and "technology field: 1" in result.output
    assert "5.2 新能源汽车装置、配件制造 New-energy vehicle devices and parts" in result.output
    # a subclass the English edition has no title for says so, as the pages do (it printed "en: ELECTRICITY", its
    # section's title as its own)
    result = runner.invoke(app, ["reference", "ipc", "H10K"])
    assert result.exit_code == 0 and "zh: 有机电固态器件" in result.output, result.output
    assert "en: no title in the reference data; within H: Electricity" in result.output, result.output
