"""English names of the generator's synthetic organizations (the demo's enterprises and universities were Chinese on
English pages): every industry word, company form and university field the generator uses has its English, the
brand its Pinyin; a name the generator does not make (a real university's plain form among them) has none."""

from __future__ import annotations

import re

from zhichan.corpus.generator import lexicon
from zhichan.corpus.generator.english import (
    BRAND_PINYIN,
    FIELD_EN,
    FOREIGN_STEM_EN,
    GIVEN_PINYIN,
    INDUSTRY_EN,
    INSTITUTE_FIELD_EN,
    PINYIN_STEMS,
    SURNAME_PINYIN,
    UNIT_EN,
    english_name,
    foreign_applicant,
)
from zhichan.corpus.generator.names import (
    AGENCY_WORDS,
    BRAND_CHARS,
    COMPANY_FORMS,
    FOREIGN_STEMS,
    GIVEN_CHARS,
    SURNAMES,
    hashed_person_names,
    person_names,
)

ENGLISH = re.compile(r"[A-Z][A-Za-zÜüö ,.'()-]+")


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
    assert english_name("北京铭新能源科技有限责任公司", "110106") == "Beijing Mingxin Energy Technology Co., Ltd."
    assert english_name("成都华安科技有限公司", "510107") == "Chengdu Hua'an Technology Co., Ltd."
    # names the generator does not make: a real party, real universities (the plain form the generator no longer
    # makes), an institute (not a person: the generator makes 张伟, Zhang Wei)
    for name in ("南通信方测控技术有限公司", "浙江大学", "成都信息工程学院", "成都理工大学", "四川省材料研究中心",
                 "成都示例科技有限公司"):
        assert english_name(name, "510107") is None, name


def test_people_and_foreign_applicants_read_in_english() -> None:
    """Generated inventors and individual applicants (丁春) and foreign applicants (艾默源控股公司) stayed Chinese on
    English pages: a person reads in Hanyu Pinyin, family name first; a foreign applicant as its stem's name, its
    brand characters in Pinyin and its country's form."""
    assert english_name("丁春", "") == "Ding Chun"
    assert english_name("欧阳子涵", "510107") == "Ouyang Zihan"  # a compound surname
    assert english_name("曾欣怡", "") == "Zeng Xinyi" and english_name("吕晨", "") == "Lü Chen"  # surnames' readings
    assert english_name("覃柏", "") == "Qin Bai"
    assert english_name("艾默源控股公司", "") == "Emer Yuan Holdings Inc."
    assert foreign_applicant("艾默源控股公司") == ("Emer Yuan Holdings Inc.", "US")
    assert foreign_applicant("北泽瑞电机株式会社") == ("Kitazawa Rui Electric Co., Ltd.", "JP")
    assert foreign_applicant("施密特安两合公司") == ("Schmidt An KG", "DE")
    assert foreign_applicant("惠特菲华技术有限公司") == ("Whitfield Hua Technology Limited", "GB")
    assert foreign_applicant("竑瑞精密工业股份有限公司") == ("Hongrui Precision Industry Co., Ltd.", "TW")
    assert foreign_applicant("澜安实业有限公司") == ("Lan'an Industrial Limited", "HK")  # the apostrophe of Pinyin
    # not the generator's: a real person's rarer characters, a surname alone, a famous company, a stem without brand
    for name in ("王煜炜", "靳宝", "王", "王一二三", "三星电子株式会社", "艾默控股公司", "中科大数据研究院"):
        assert english_name(name, "510107") is None, name


def test_patent_agencies_read_in_english() -> None:
    """A generated agency (上海恒睿专利代理有限公司) stayed Chinese on English patent and credit pages: every agency form
    has its English, the city by the reference module's name — any city of the party's province."""
    for word in AGENCY_WORDS:
        found = english_name(f"上海恒睿{word}", "310104")
        assert found is not None and found.startswith("Shanghai Hengrui ") and ENGLISH.fullmatch(found), (word, found)
    assert english_name("上海恒睿专利代理有限公司", "310104") == "Shanghai Hengrui Patent Agency Co., Ltd."
    assert english_name("绵阳瑞博专利事务所", "510107") == "Mianyang Ruibo Patent Law Office"  # another city of 四川
    assert english_name("绵阳瑞博专利事务所", "440305") is None  # not of the party's province
    assert english_name("上海专利事务所", "310104") is None and english_name("上海恒专利事务所", "310104") is None


def test_every_reading_is_one_the_character_has() -> None:
    """The tables' readings (checked by hand) are among pypinyin's readings of each character (a dev dependency: the
    product never reads Pinyin at run time); ü as pypinyin writes it, v."""
    from pypinyin import Style, pinyin

    def readings(text: str) -> list[set[str]]:
        return [set(r) for r in pinyin(text, style=Style.NORMAL, heteronym=True, v_to_u=True)]

    for surname, reading in SURNAME_PINYIN.items():
        syllables = re.findall("[^aeiouü]*[aeiouü]+(?:ng|n|r)?(?![aeiouü])", reading)  # ouyang → ou, yang
        assert len(syllables) == len(surname), (surname, reading, syllables)
        assert all(s in r for s, r in zip(syllables, readings(surname), strict=True)), (surname, reading)
    for table in (GIVEN_PINYIN, BRAND_PINYIN):
        for ch, reading in table.items():
            assert reading in readings(ch)[0], (ch, reading)
    for country in PINYIN_STEMS:
        for stem, reading in FOREIGN_STEM_EN[country].items():
            assert reading in readings(stem)[0], (stem, reading)


def test_every_name_the_generator_draws_has_its_english() -> None:
    """Every character the generator draws for a person has its reading (the module asserts it on import; a name
    drawn by either of the generator's two ways reads back)."""
    import numpy as np

    assert {s for s, _ in SURNAMES} == set(SURNAME_PINYIN) and set(GIVEN_CHARS) == set(GIVEN_PINYIN)
    drawn = person_names(np.random.default_rng(5), 2_000) + hashed_person_names(np.arange(2_000, dtype=np.int64))
    assert all(ENGLISH.fullmatch(english_name(name, "") or "") for name in drawn), drawn[:5]
    for country, (stems, forms) in FOREIGN_STEMS.items():
        for stem in stems:
            for form in forms:
                found = foreign_applicant(f"{stem}{BRAND_CHARS[3]}{BRAND_CHARS[7]}{form}")
                assert found is not None and found[1] == country and ENGLISH.fullmatch(found[0]), (stem, form, found)


def test_every_demo_fictional_name_reads_in_english() -> None:
    """The demos' fictional organizations — the talent library's employers (as typed and as the library keeps them,
    NFKC), the protection demo's respondents, the credit demo's listed agency, the overseas demo's marked opponents —
    read in English on English pages of synthetic rows; other names do not."""
    import unicodedata

    from zhichan.corpus.generator.english import DEMO_SHOPS_EN, demo_name_en
    from zhichan.corpus.generator.names import RESERVED_BRANDS
    from zhichan.corpus.parties import party_name_en
    from zhichan.credit.demo import SUBJECT
    from zhichan.protection.demo import SHOP_BRANDS, SHOPS, respondent_name
    from zhichan.talent.demo import ORGANIZATIONS

    for name in ORGANIZATIONS:
        for kept in (name, unicodedata.normalize("NFKC", name)):
            found = party_name_en(kept, "510107", True)
            assert found is not None and found.endswith("(demo)") and found.isascii(), kept
    assert set(SHOPS) == set(DEMO_SHOPS_EN)
    # the protection demo's respondents read as names (they read "XX Hardware Store No. 12": 某某五金店12号)
    assert party_name_en(respondent_name(SHOPS[1], 2), "320102", True) == "Ruixin Hardware Store (demo)"
    assert len(set(SHOP_BRANDS)) == len(SHOP_BRANDS) and not set(SHOP_BRANDS) & RESERVED_BRANDS
    for kind in SHOPS:
        for n in range(1, len(SHOP_BRANDS) + 1):
            found = party_name_en(respondent_name(kind, n), "510107", True)
            assert found is not None and found.isascii() and found.endswith(f"{DEMO_SHOPS_EN[kind]} (demo)"), found
    assert party_name_en("某某五金店12号", "320102", True) == "XX Hardware Store No. 12"  # as stored before
    assert party_name_en(SUBJECT, "510100", True) == "Chengdu Example Patent Agency Co., Ltd."
    assert demo_name_en("【合成】Overseas Rival 7") == "Overseas Rival 7"
    assert party_name_en(respondent_name(SHOPS[1], 2), "320102", False) is None  # a real row's name is data
    assert demo_name_en("某某五金店") is None and demo_name_en("四川大学") is None


def test_a_generated_name_reads_by_its_own_place_outside_the_region_given() -> None:
    """A demo case handled by another province's office kept its Chengdu holder: the name reads by its own place."""
    from zhichan.corpus.parties import party_name_en

    assert party_name_en("成都瑞博五金工具有限公司", "320102", True) == "Chengdu Ruibo Hardware Tools Co., Ltd."
    assert party_name_en("成都瑞博五金工具有限公司", "320102", False) is None
