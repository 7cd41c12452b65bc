"""Build ``data/regions/names_en_counties.csv``: the English names of the 2,978 counties (maintainers only).

    python -m zhichan.reference.build_names_en

The product never runs this (a clone carries the built file); it needs pypinyin (``.[dev]``). Counties
are written in Hanyu Pinyin (GB/T 16159: syllables joined, an apostrophe before a syllable that starts
with a, o or e) followed by the English of their kind (区 District, 县 County, 市 City, 旗 Banner,
自治县 Autonomous County with the peoples named …). Provinces and prefecture-level cities are not built
here: their established English names are the hand-made ``names_en_provinces_cities.csv``, which
``tests/reference/test_region_names_en.py`` also uses to check this romanization on the city names.

Place names read some characters differently from everyday words; pypinyin's readings were checked by
hand for every county whose name has a character with more than one reading, and the ones it gets
wrong for a place are :data:`PLACE_READINGS` (whole names) and :data:`CHAR_READINGS` (a character's
reading in every place name of the list).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "regions"
OUT = DATA / "names_en_counties.csv"

#: a character's reading in place names wherever it occurs in the list (都江堰, 长宁, 什邡, 库尔勒, 佛冈 …)
CHAR_READINGS = {"都": "du", "长": "chang", "什": "shi", "勒": "le", "佛": "fo", "曾": "zeng", "圩": "xu",
                 "朝": "chao"}
#: whole names pypinyin reads wrongly as places (checked by hand; the reading of the 2023 list's name)
PLACE_READINGS = {
    "单": "shan", "蔚": "yu", "尉氏": "yushi", "浚": "xun", "召陵": "shaoling", "乐陵": "laoling",
    "泊头": "botou", "珲春": "hunchun", "覃塘": "qintang", "筠连": "junlian", "荥经": "yingjing",
    "伽师": "jiashi", "繁峙": "fanshi", "涡阳": "guoyang", "蚌山": "bengshan", "长子": "zhangzi",
    "闵行": "minhang", "六安": "lu'an", "东阿": "dong'e", "漯河": "luohe", "乐亭": "laoting",
    "蚌埠": "bengbu", "厦门": "xiamen", "重庆": "chongqing", "乐山": "leshan", "乐清": "yueqing",
    "马尾": "mawei", "南乐": "nanle", "民乐": "minle", "浪卡子": "langkazi", "中牟": "zhongmou",
    "万柏林": "wanbailin",
}
#: peoples named in autonomous counties and banners (and four districts)
PEOPLES = {
    "土家": "Tujia", "苗": "Miao", "彝": "Yi", "藏": "Tibetan", "回": "Hui", "蒙古": "Mongol", "满": "Manchu",
    "壮": "Zhuang", "瑶": "Yao", "侗": "Dong", "布依": "Bouyei", "哈尼": "Hani", "傣": "Dai", "白": "Bai",
    "纳西": "Naxi", "傈僳": "Lisu", "拉祜": "Lahu", "佤": "Va", "布朗": "Blang", "普米": "Pumi",
    "独龙": "Derung", "怒": "Nu", "羌": "Qiang", "土": "Tu", "撒拉": "Salar", "东乡": "Dongxiang",
    "保安": "Bonan", "裕固": "Yugur", "哈萨克": "Kazakh", "塔吉克": "Tajik", "锡伯": "Xibe",
    "达斡尔": "Daur", "鄂温克": "Evenki", "鄂伦春": "Oroqen", "朝鲜": "Korean", "畲": "She", "水": "Sui",
    "毛南": "Maonan", "柯尔克孜": "Kyrgyz", "景颇": "Jingpo", "仫佬": "Mulao", "仡佬": "Gelao", "黎": "Li", "各": "Various Nationalities",
}
#: kinds of county-level division by their last characters, the longest first
KINDS = (("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"), ("林区", "Forestry District"),
         ("特区", "Special District"), ("区", "District"), ("县", "County"), ("市", "City"), ("旗", "Banner"))
#: the banners' directions (左旗 Left Banner, 科尔沁左翼中旗 … Left Wing Middle Banner)
BANNER_PARTS = (("左翼", "Left Wing"), ("右翼", "Right Wing"), ("联合", "United"), ("左", "Left"),
                ("右", "Right"), ("前", "Front"), ("中", "Middle"), ("后", "Rear"))
#: the development zones, parks and other areas the statistical list counts as counties, the longest first
ZONES = (
    ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    ("高技术产业开发区", "High-tech Industrial Development Zone"),
    ("高新技术产业园区", "High-tech Industrial Park"), ("高新技术开发区", "High-tech Development Zone"),
    ("汽车经济技术开发区", "Automotive Economic and Technological Development Zone"),
    ("经济技术开发区", "Economic and Technological Development Zone"),
    ("经济开发区", "Economic Development Zone"), ("开发区", "Development Zone"),
    ("现代产业园区", "Modern Industrial Park"), ("循环化工园区", "Circular Chemical Industry Park"),
    ("文化旅游创意园区", "Culture and Tourism Creative Park"), ("工业园区", "Industrial Park"),
    ("城乡一体化示范区", "Urban-Rural Integration Demonstration Zone"),
    ("转型综合改革示范区", "Transformation and Comprehensive Reform Demonstration Zone"),
    ("示范区", "Demonstration Zone"), ("综合物流产业聚集区", "Comprehensive Logistics Industry Cluster"),
    ("管理区管委会", "Administrative Zone Committee"), ("管理区", "Administrative Zone"),
    ("行政委员会", "Administrative Committee"), ("风景名胜区", "Scenic Area"), ("新城", "New Town"),
    ("群岛", "Islands"),
)
#: 新区 "New Area" — but not where 新 belongs to the name (清新区 Qingxin District, 新城区 Xincheng District)
NEW_AREA = ("新区", "New Area")
#: whole names that no rule reads
WHOLE = {"中沙群岛的岛礁及其海域": "Zhongsha Islands (reefs and waters)"}
VOWEL_START = ("a", "o", "e")


def romanize(chinese: str) -> str:
    """``"都江堰"`` → ``"Dujiangyan"``, ``"西安"`` → ``"Xi'an"``: one place name, one word."""
    from pypinyin import Style, lazy_pinyin

    if chinese in PLACE_READINGS:
        text = PLACE_READINGS[chinese]
    else:
        syllables = lazy_pinyin(chinese, style=Style.NORMAL, v_to_u=True)
        syllables = [CHAR_READINGS.get(ch, s) for ch, s in zip(chinese, syllables, strict=True)]
        text = syllables[0] + "".join(("'" + s) if s.startswith(VOWEL_START) else s for s in syllables[1:])
    return text[:1].upper() + text[1:]


def _peoples(text: str) -> list[str]:
    """``"土家族苗族"`` → ["Tujia", "Miao"]; [] when ``text`` is not only peoples' names. Each name is
    followed by 族, except the last where the list leaves it out (和布克赛尔蒙古自治县, 鄂伦春自治旗)."""
    found: list[str] = []
    rest = text
    while rest:
        for zh in sorted(PEOPLES, key=len, reverse=True):
            if rest.startswith(zh) and (rest == zh or rest[len(zh)] == "族"):
                found.append(PEOPLES[zh])
                rest = rest[len(zh) + 1:]
                break
        else:
            return []
    return found


def _joined(peoples: list[str]) -> str:
    return peoples[0] if len(peoples) == 1 else ", ".join(peoples[:-1]) + " and " + peoples[-1]


def _split_peoples(base: str) -> tuple[str, list[str]]:
    """``"长阳土家族"`` → ("长阳", ["Tujia"]); ("", ["Dongxiang"]) where the people is the name (东乡族自治县)."""
    for cut in range(1, len(base)):
        peoples = _peoples(base[cut:])
        if peoples:
            return base[:cut], peoples
    return "", _peoples(base)


def _place(chinese: str) -> str:
    """A place name, its wing in English (喀喇沁左翼 → "Kalaqin Left Wing")."""
    for wing_zh, wing_en in BANNER_PARTS[:2]:
        if chinese.endswith(wing_zh) and len(chinese) > len(wing_zh) + 1:
            return f"{romanize(chinese.removesuffix(wing_zh))} {wing_en}"
    return romanize(chinese)


def _words(text: str, places: dict[str, str]) -> str:
    """A zone's name before its kind: known province and city names in English, the rest in pinyin
    (``"河北唐山芦台"`` → ``"Hebei Tangshan Lutai"``)."""
    out: list[str] = []
    rest, pending = text, ""
    while rest:
        match = next((p for p in sorted(places, key=len, reverse=True) if rest.startswith(p)), None)
        if match is None:
            pending, rest = pending + rest[0], rest[1:]
            continue
        if pending:
            out.append(romanize(pending))
            pending = ""
        out.append(places[match])
        rest = rest[len(match):].removeprefix("市")
    if pending:
        out.append(romanize(pending))
    return " ".join(out)


def county_name_en(name: str, places: dict[str, str]) -> str:
    """The English of one county's name; ``places`` are the short names of provinces and cities in English."""
    if name in WHOLE:
        return WHOLE[name]
    for zh, en in ZONES:
        if name.endswith(zh) and len(name) > len(zh):
            return f"{_words(name.removesuffix(zh), places)} {en}"
    if name.endswith(NEW_AREA[0]) and len(name) > 3:
        return f"{_words(name.removesuffix(NEW_AREA[0]), places)} {NEW_AREA[1]}"
    for zh, en in KINDS:
        if name.endswith(zh) and len(name) > len(zh):
            base = name.removesuffix(zh)
            if zh == "旗":
                parts: list[str] = []
                for part_zh, part_en in BANNER_PARTS:
                    if base.endswith(part_zh) and len(base) > len(part_zh) + 1:
                        parts.insert(0, part_en)
                        base = base.removesuffix(part_zh)
                        for wing_zh, wing_en in BANNER_PARTS[:2]:
                            if base.endswith(wing_zh) and len(base) > len(wing_zh) + 1:
                                parts.insert(0, wing_en)
                                base = base.removesuffix(wing_zh)
                        break
                return " ".join([romanize(base), *parts, en])
            place, peoples = _split_peoples(base) if zh.startswith("自治") or base.endswith("族") else (base, [])
            if peoples:
                return " ".join(filter(None, [_place(place) if place else "", _joined(peoples), en]))
            return f"{romanize(base)} {en}"
    return romanize(name)


def places_en() -> dict[str, str]:
    """Short Chinese names of provinces and cities (河北, 唐山) → their English (from the hand-made list)."""
    suffixes = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市", "地区", "盟")
    out: dict[str, str] = {}
    with (DATA / "names_en_provinces_cities.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if len(r["code"]) not in (2, 4) or "自治州" in r["name"] or "直辖" in r["name"] or "（" in r["name"]:
                continue
            short = r["name"]
            for suffix in suffixes:
                if short.endswith(suffix) and len(short) > len(suffix) + 1:
                    short = short.removesuffix(suffix)
                    break
            english = re.sub(r" (Prefecture|League)$", "", r["name_en"])
            out.setdefault(short, english)
    return out


def build(out: Path = OUT) -> str:
    places = places_en()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "name", "name_en"])
    with (DATA / "chinadiv2023_areas.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            writer.writerow([r["code"], r["name"], county_name_en(r["name"], places)])
    out.write_text(buf.getvalue(), encoding="utf-8")
    return buf.getvalue()


if __name__ == "__main__":
    build()
