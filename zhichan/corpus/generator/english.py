"""English names of the generator's synthetic organizations, for the demo's organizations (English pages).

The generator names an enterprise ``<place><brand><industry><form>`` (成都威海生物医药集团有限公司), a university
``<place><brand><field>大学|学院`` (成都瑞博理工大学), an institute ``<province省|city市><brand><field>研究院|研究所|研究中心``
(四川省瑞博材料研究院) and a public institution ``<city><brand>新区<unit>`` (成都瑞博新区人民医院;
:func:`zhichan.corpus.generator.world._domestic_names`); the demo
makes organizations of such parties, and English pages showed their Chinese names. :func:`english_name` reads a name
back into its parts and gives the English an organization of that name would register (Chengdu Weihai Biomedicine
Group Co., Ltd.; Chengdu Ruibo Science and Technology University; Sichuan Ruibo Materials Research Institute; Chengdu
Ruibo New Area People's Hospital; English pages' rankings of holders of synthetic records show the same,
:func:`zhichan.corpus.parties.party_name_en`): the place by the reference module's English name,
the brand in Hanyu Pinyin (the readings below, checked by hand — 晟 as in names, shèng), the industry, the
university's field and the company form by the tables below. A name the generator does not make — a real party of an
imported corpus, or a plain ``<place><field>大学`` such as 浙江大学, which the generator no longer makes because it
is a real university's form — has none: it is shown as it is, like any name the corpus holds.
"""

from __future__ import annotations

from zhichan.corpus.generator.names import BRAND_CHARS

#: the brand characters' readings (Hanyu Pinyin without tones)
BRAND_PINYIN = {
    "华": "hua", "瑞": "rui", "德": "de", "新": "xin", "科": "ke", "金": "jin", "宏": "hong", "恒": "heng", "盛": "sheng",
    "泰": "tai", "达": "da", "信": "xin", "博": "bo", "远": "yuan", "中": "zhong", "天": "tian", "英": "ying",
    "创": "chuang", "智": "zhi", "联": "lian", "海": "hai", "龙": "long", "鑫": "xin", "源": "yuan", "鼎": "ding",
    "润": "run", "康": "kang", "安": "an", "隆": "long", "兴": "xing", "佳": "jia", "昌": "chang", "力": "li", "凯": "kai",
    "腾": "teng", "飞": "fei", "捷": "jie", "诺": "nuo", "迈": "mai", "卓": "zhuo", "越": "yue", "众": "zhong",
    "正": "zheng", "通": "tong", "晟": "sheng", "能": "neng", "光": "guang", "明": "ming", "誉": "yu", "祥": "xiang",
    "顺": "shun", "丰": "feng", "锦": "jin", "伟": "wei", "嘉": "jia", "航": "hang", "宇": "yu", "星": "xing",
    "辰": "chen", "汇": "hui", "诚": "cheng", "合": "he", "聚": "ju", "晶": "jing", "拓": "tuo", "弘": "hong", "泽": "ze",
    "铭": "ming", "欣": "xin", "益": "yi", "亿": "yi", "汉": "han", "唐": "tang", "尚": "shang", "品": "pin", "优": "you",
    "锐": "rui", "睿": "rui", "云": "yun", "峰": "feng", "蓝": "lan", "启": "qi", "易": "yi", "美": "mei", "亚": "ya",
    "威": "wei", "乐": "le", "思": "si", "特": "te", "立": "li", "东": "dong", "方": "fang",
}
#: the industry words of the generator's topics (their ``industry``); read back longest first
INDUSTRY_EN = {
    "五金工具": "Hardware Tools", "人工智能": "Artificial Intelligence", "仪器": "Instruments",
    "供应链管理": "Supply Chain Management", "信息技术": "Information Technology", "健康科技": "Health Technology",
    "储能科技": "Energy Storage Technology", "充电科技": "Charging Technology", "光伏科技": "Photovoltaic Technology",
    "光电科技": "Optoelectronic Technology", "农业机械": "Agricultural Machinery", "农业科技": "Agricultural Technology",
    "冶金": "Metallurgy", "制冷设备": "Refrigeration Equipment", "制药": "Pharmaceutical", "动力": "Power",
    "动力科技": "Power Technology", "化学": "Chemical", "化工": "Chemical Industry", "医疗器械": "Medical Devices",
    "医疗科技": "Medical Technology", "医药": "Pharmaceutical", "半导体": "Semiconductor", "合金": "Alloy",
    "基因科技": "Gene Technology", "太阳能科技": "Solar Technology", "家具": "Furniture", "家居用品": "Home Products",
    "导航科技": "Navigation Technology", "工具": "Tools", "市政工程": "Municipal Engineering", "建材": "Building Materials",
    "建筑科技": "Construction Technology", "建设工程": "Construction Engineering", "微电子": "Microelectronics",
    "数据科技": "Data Technology", "数控科技": "CNC Technology", "新材料": "New Materials", "新能源": "New Energy",
    "新能源材料": "New Energy Materials", "新能源汽车": "New Energy Vehicle", "新能源科技": "New Energy Technology",
    "日用品": "Daily Necessities", "显示科技": "Display Technology", "智能科技": "Intelligent Technology",
    "智能装备": "Intelligent Equipment", "智能驾驶": "Intelligent Driving", "暖通设备": "HVAC Equipment", "服装": "Garment",
    "服饰": "Apparel", "机器人": "Robotics", "机械": "Machinery", "机械设备": "Machinery and Equipment",
    "机电": "Electromechanical", "材料科技": "Materials Technology", "核电": "Nuclear Power",
    "核能科技": "Nuclear Energy Technology", "检测技术": "Testing Technology", "氢能科技": "Hydrogen Energy Technology",
    "水处理": "Water Treatment", "汽车电子": "Automotive Electronics", "汽车科技": "Automotive Technology",
    "汽车零部件": "Auto Parts", "流体设备": "Fluid Equipment", "测控技术": "Measurement and Control Technology",
    "测绘": "Surveying and Mapping", "消防科技": "Fire Protection Technology", "液压科技": "Hydraulic Technology",
    "热能": "Thermal Energy", "物流装备": "Logistics Equipment", "环保科技": "Environmental Technology",
    "环境工程": "Environmental Engineering", "玻纤": "Fiberglass", "生态农业": "Ecological Agriculture", "生物医药": "Biomedicine",
    "生物工程": "Bioengineering", "生物科技": "Biotechnology", "电力科技": "Electric Power Technology",
    "电动汽车": "Electric Vehicle", "电器": "Electrical Appliances", "电子": "Electronics", "电机": "Electric Motor",
    "电气": "Electric", "电池材料": "Battery Materials", "电池科技": "Battery Technology", "石化": "Petrochemical",
    "石油机械": "Petroleum Machinery", "石油装备": "Petroleum Equipment", "矿业": "Mining", "矿山机械": "Mining Machinery",
    "科技": "Technology", "精密制造": "Precision Manufacturing", "纸业": "Paper", "纺织": "Textile",
    "纺织科技": "Textile Technology", "网络科技": "Network Technology", "能源科技": "Energy Technology", "自动化": "Automation",
    "自动化设备": "Automation Equipment", "节能环保": "Energy Saving and Environmental Protection",
    "节能科技": "Energy Saving Technology", "芯片科技": "Chip Technology", "药业": "Pharmaceutical",
    "表面处理": "Surface Treatment", "视觉科技": "Vision Technology", "视讯科技": "Video Technology", "路桥": "Road and Bridge",
    "软件": "Software", "通信技术": "Communication Technology", "重工": "Heavy Industry", "金属材料": "Metal Materials",
    "锂电科技": "Lithium Battery Technology", "阀门": "Valve", "集成电路": "Integrated Circuit", "鞋业": "Footwear",
    "风电科技": "Wind Power Technology", "食品": "Food", "食品科技": "Food Technology", "驱动技术": "Drive Technology",
    "高分子材料": "Polymer Materials",
}
#: the company forms (COMPANY_FORMS), longest first
FORMS_EN = (("集团有限公司", "Group Co., Ltd."), ("股份有限公司", "Co., Ltd."), ("有限责任公司", "Co., Ltd."),
            ("有限公司", "Co., Ltd."))
#: the universities' fields (lexicon ``university``; "" a comprehensive university)
FIELD_EN = {
    "中医药": "Traditional Chinese Medicine", "交通": "Jiaotong", "信息工程": "Information Engineering",
    "光电": "Optoelectronics", "农业": "Agricultural", "冶金": "Metallurgical", "化工": "Chemical Technology",
    "医科": "Medical", "土木": "Civil Engineering", "地质": "Geosciences", "工业": "Industrial",
    "工商": "Technology and Business", "工程": "Engineering", "建筑": "Architecture", "微电子": "Microelectronics",
    "服装": "Fashion", "机械": "Mechanical Engineering", "材料": "Materials", "林业": "Forestry",
    "汽车工程": "Automotive Engineering", "测绘": "Surveying and Mapping", "环境": "Environmental",
    "理工": "Science and Technology", "生命科学": "Life Sciences", "电力": "Electric Power",
    "电子科技": "Electronic Science and Technology", "电气工程": "Electrical Engineering", "石油": "Petroleum", "矿业": "Mining",
    "科技": "Science and Technology", "纺织": "Textile", "经济": "Economics", "能源": "Energy", "能源动力": "Energy and Power",
    "自动化": "Automation", "药科": "Pharmaceutical", "计量": "Metrology", "设计": "Design", "财经": "Finance and Economics",
    "轻工": "Light Industry", "邮电": "Posts and Telecommunications", "食品": "Food", "": "",
}
#: the institutes' fields (lexicon ``institute``) and forms (``…研究院`` / ``…研究所`` / ``…研究中心``)
INSTITUTE_FIELD_EN = {
    "交通": "Transportation", "人工智能": "Artificial Intelligence", "仪器仪表": "Instrumentation",
    "信息技术": "Information Technology", "光电技术": "Optoelectronic Technology", "农业科学": "Agricultural Sciences",
    "冶金": "Metallurgy", "动力": "Power", "化学": "Chemistry", "化工": "Chemical Engineering", "医学": "Medical",
    "医疗器械": "Medical Devices", "半导体": "Semiconductor", "土木": "Civil Engineering", "地质": "Geology",
    "建筑材料": "Building Materials", "建筑科学": "Building Science", "微电子": "Microelectronics",
    "智能制造": "Intelligent Manufacturing", "服装": "Garment", "机械": "Mechanical Engineering", "材料": "Materials",
    "核技术": "Nuclear Technology", "检测技术": "Testing Technology", "汽车": "Automotive", "测绘": "Surveying and Mapping",
    "消防": "Fire Protection", "热工": "Thermal Engineering", "环境科学": "Environmental Sciences",
    "生物技术": "Biotechnology", "电力": "Electric Power", "电子": "Electronics", "电机": "Electric Machinery",
    "电气": "Electrical Engineering", "石油": "Petroleum", "矿山": "Mining", "管理科学": "Management Science",
    "纺织": "Textile", "经济": "Economics", "能源": "Energy", "自动化": "Automation", "药物": "Pharmaceutical",
    "计算技术": "Computing Technology", "计量测试": "Metrology and Testing", "软件": "Software", "轻工": "Light Industry",
    "通信": "Communications", "遥感": "Remote Sensing", "集成电路": "Integrated Circuit", "食品": "Food",
}
INSTITUTE_FORMS_EN = (("研究中心", "Research Center"), ("研究院", "Research Institute"), ("研究所", "Institute"))
#: the public institutions of a fictional new area (lexicon ``GOVERNMENT_UNITS``): ``<city><brand>新区<unit>``
UNIT_EN = {
    "人民医院": "People's Hospital", "中心医院": "Central Hospital", "中医医院": "Hospital of Traditional Chinese Medicine",
    "妇幼保健院": "Maternal and Child Health Hospital", "疾病预防控制中心": "Center for Disease Control and Prevention",
    "农业技术推广中心": "Agricultural Technology Extension Center", "气象局": "Meteorological Bureau",
    "水利局": "Water Resources Bureau", "供电局": "Power Supply Bureau", "交通运输局": "Transport Bureau",
}
#: English place names drop their kind ("Wuhou District" → Wuhou) inside an organization's name
_PLACE_KINDS = (" District", " County", " City", " Autonomous Prefecture", " Prefecture", " League", " Province")


def _place_en(code: str) -> str:
    from zhichan.reference import region_name

    name = region_name(code, "en")
    for kind in _PLACE_KINDS:
        if name.endswith(kind):
            return name[: -len(kind)]
    return name


def _places(region_code: str) -> list[tuple[str, str]]:
    """(short Chinese place, English place) of the party's county, city and province, the generator's way
    (:func:`zhichan.corpus.generator.world.short_place`)."""
    from zhichan.corpus.generator.world import short_place
    from zhichan.reference import region_name

    out = []
    for code in (region_code, region_code[:4] + "00", region_code[:2] + "0000"):
        try:
            out.append((short_place(region_name(code)), _place_en(code)))
        except Exception:  # noqa: BLE001 - an unknown code names no place
            continue
    return out


def _brand_en(brand: str) -> str | None:
    """A brand of two characters (three where the generator drew a name again) in Pinyin, or None."""
    if not 2 <= len(brand) <= 3 or any(ch not in BRAND_PINYIN for ch in brand):
        return None
    return "".join(BRAND_PINYIN[ch] for ch in brand).capitalize()


def _institution_en(place: str, rest: str) -> str | None:
    """An institute (``[省|市]<brand><field>研究院|研究所|研究中心``: Sichuan Ruibo Materials Research Institute) or
    a public institution of a fictional new area (``<brand>新区<unit>``: Chengdu Ruibo New Area People's Hospital)
    after its place; None for anything else."""
    for unit, unit_en in UNIT_EN.items():
        if rest.endswith("新区" + unit):
            brand = _brand_en(rest[: -len("新区" + unit)])
            return f"{place} {brand} New Area {unit_en}" if brand else None
    form = next(((zh, en) for zh, en in INSTITUTE_FORMS_EN if rest.endswith(zh)), None)
    if form is None:
        return None
    rest = rest[: -len(form[0])]
    if rest[:1] in ("省", "市"):  # the institute's place is 四川省 or 成都市
        rest = rest[1:]
    for size in (2, 3):
        brand, field = _brand_en(rest[:size]), rest[size:]
        if brand and field in INSTITUTE_FIELD_EN:
            return f"{place} {brand} {INSTITUTE_FIELD_EN[field]} {form[1]}"
    return None


def english_name(name: str, region_code: str) -> str | None:
    """The English name of a synthetic enterprise or university named by the generator in ``region_code``
    (its county); ``None`` for a name the generator did not make."""
    name = (name or "").strip()
    for short, place in _places(region_code):
        if not short or not name.startswith(short):
            continue
        rest = name[len(short):]
        for suffix, kind in (("大学", "University"), ("学院", "College")):
            if not rest.endswith(suffix):
                continue
            for size in (2, 3):  # the brand: two characters, three where the generator drew a name again
                brand, field = rest[:size], rest[size: -len(suffix)]
                if len(brand) == size and field in FIELD_EN and all(ch in BRAND_PINYIN for ch in brand):
                    pinyin = "".join(BRAND_PINYIN[ch] for ch in brand).capitalize()
                    return " ".join(part for part in (place, pinyin, FIELD_EN[field], kind) if part)
        found = _institution_en(place, rest)
        if found is not None:
            return found
        form = next(((zh, en) for zh, en in FORMS_EN if rest.endswith(zh)), None)
        if form is None:
            continue
        rest = rest[: -len(form[0])]
        industry = next((w for w in sorted(INDUSTRY_EN, key=len, reverse=True) if rest.endswith(w)), None)
        if industry is None:
            continue
        brand = rest[: -len(industry)]
        if not 2 <= len(brand) <= 3 or any(ch not in BRAND_PINYIN for ch in brand):
            continue
        return f"{place} {''.join(BRAND_PINYIN[ch] for ch in brand).capitalize()} {INDUSTRY_EN[industry]} {form[1]}"
    return None


assert set(BRAND_CHARS) <= set(BRAND_PINYIN), "every brand character has its reading"
