"""English names of the generator's synthetic organizations (the demo's enterprises and universities were Chinese on
English pages): every industry word, company form and university field the generator uses has its English, the
brand its Pinyin; a name the generator does not make (a real university's plain form among them) has none."""

from __future__ import annotations

import re

from zhichan.corpus.generator import lexicon
from zhichan.corpus.generator.english import FIELD_EN, INDUSTRY_EN, INSTITUTE_FIELD_EN, UNIT_EN, english_name
from zhichan.corpus.generator.names import BRAND_CHARS, COMPANY_FORMS

ENGLISH = re.compile(r"[A-Z][A-Za-z ,.'()-]+")


def test_every_part_the_generator_names_with_has_its_english() -> None:
    industries = {w for t in (*lexicon.TOPICS, *lexicon.SECTION_FALLBACK.values()) for w in t.industry}
    fields = {w for t in (*lexicon.TOPICS, *lexicon.SECTION_FALLBACK.values()) for w in t.university}
    assert industries <= set(INDUSTRY_EN) and fields <= set(FIELD_EN)
    for industry in sorted(industries):
        for form, _ in COMPANY_FORMS:
            name = f"成都{BRAND_CHARS[0]}{BRAND_CHARS[-1]}{industry}{form}"
            found = english_name(name, "510107")
            assert found is not None and ENGLISH.fullmatch(found), (name, found)
    for field in sorted(fields):
        for suffix in ("大学", "学院"):
            for brand in (BRAND_CHARS[0] + BRAND_CHARS[-1], BRAND_CHARS[1] * 3):  # three where a name was drawn again
                found = english_name(f"成都{brand}{field}{suffix}", "510107")
                assert found is not None and ENGLISH.fullmatch(found), (field, brand, found)


def test_institutes_and_public_institutions_have_their_english() -> None:
    """An institute and a new area's public institution stayed Chinese on English pages (成都市达宇化学研究中心
    topped the demo's English cockpit): every institute field and unit the generator uses has its English."""
    fields = {w for t in (*lexicon.TOPICS, *lexicon.SECTION_FALLBACK.values()) for w in t.institute}
    assert fields <= set(INSTITUTE_FIELD_EN) and set(lexicon.GOVERNMENT_UNITS) <= set(UNIT_EN)
    for field in sorted(fields):
        for place in ("四川省", "成都市"):
            for form in ("研究院", "研究所", "研究中心"):
                found = english_name(f"{place}{BRAND_CHARS[0]}{BRAND_CHARS[-1]}{field}{form}", "510107")
                assert found is not None and ENGLISH.fullmatch(found), (field, form, found)
    for unit in lexicon.GOVERNMENT_UNITS:
        found = english_name(f"成都{BRAND_CHARS[0]}{BRAND_CHARS[-1]}新区{unit}", "510107")
        assert found is not None and ENGLISH.fullmatch(found), (unit, found)
    assert english_name("成都市达宇化学研究中心", "510107") == "Chengdu Dayu Chemistry Research Center"
    assert english_name("四川省瑞博材料研究院", "510107") == "Sichuan Ruibo Materials Research Institute"
    assert english_name("成都瑞博新区人民医院", "510107") == "Chengdu Ruibo New Area People's Hospital"
    # the plain form of a real body (no brand) has none
    assert english_name("成都新区人民医院", "510107") is None and english_name("四川省化学研究所", "510107") is None


def test_names_read_as_an_enterprise_of_that_name_would_register_them() -> None:
    assert english_name("成都威海生物医药集团有限公司", "510117") == "Chengdu Weihai Biomedicine Group Co., Ltd."
    assert english_name("成都晟正集成电路有限公司", "510114") == "Chengdu Shengzheng Integrated Circuit Co., Ltd."
    assert english_name("武侯华瑞科技有限公司", "510107") == "Wuhou Huarui Technology Co., Ltd."  # its county's name
    assert english_name("浙江恒远大学", "330110") == "Zhejiang Hengyuan University"  # the province's
    assert english_name("成都瑞博信息工程学院", "510112") == "Chengdu Ruibo Information Engineering College"
    assert english_name("成都瑞博科技大学", "510112") == "Chengdu Ruibo Science and Technology University"
    assert english_name("成都瑞博华科技大学", "510112") == "Chengdu Ruibohua Science and Technology University"
    # names the generator does not make: a real party, real universities (the plain form the generator no longer
    # makes), an institute, a person
    for name in ("南通信方测控技术有限公司", "浙江大学", "成都信息工程学院", "成都理工大学", "四川省材料研究中心", "张伟",
                 "成都示例科技有限公司"):
        assert english_name(name, "510107") is None, name
