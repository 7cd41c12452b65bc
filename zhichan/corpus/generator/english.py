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

The generator's people (inventors and individual applicants: a surname of :data:`names.SURNAMES` and one or two
:data:`names.GIVEN_CHARS`, :func:`zhichan.corpus.generator.names.person_names`) read in Hanyu Pinyin, family name first
and the given name as one word (丁春 → Ding Chun, 欧阳子涵 → Ouyang Zihan; GB/T 28039-2011), and its foreign
applicants (``<stem><brand characters><form>`` from :data:`names.FOREIGN_STEMS`: 艾默源控股公司) as the name the stem
transliterates, the brand characters in Pinyin and the form as a company of that country writes it (Emer Yuan
Holdings Inc.). The stems of Taiwan, Hong Kong and Macao are Chinese characters, not transliterations: the stem and
its brand characters read as one word in Pinyin (竑瑞精密工业股份有限公司 → Hongrui Precision Industry Co., Ltd.).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from zhichan.corpus.generator.names import AGENCY_WORDS, BRAND_CHARS, FOREIGN_STEMS, GIVEN_CHARS, SURNAMES

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
_INDUSTRIES_LONGEST_FIRST = sorted(INDUSTRY_EN, key=len, reverse=True)
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
#: the patent agencies' forms (:data:`names.AGENCY_WORDS`): ``<city><brand><form>`` (上海恒睿专利代理有限公司 → Shanghai
#: Hengrui Patent Agency Co., Ltd.)
AGENCY_WORDS_EN = {
    "专利代理事务所（普通合伙）": "Patent Agency (General Partnership)", "知识产权代理有限公司": "Intellectual Property Agency Co., Ltd.",
    "专利事务所": "Patent Law Office", "知识产权服务有限公司": "Intellectual Property Services Co., Ltd.",
    "专利代理有限公司": "Patent Agency Co., Ltd.",
}
#: the generator's surnames (:data:`names.SURNAMES`) in Hanyu Pinyin as a surname reads (曾 zeng, 覃 qin), ü kept as
#: GB/T 28039-2011 writes it (吕 Lü); tests/corpus/test_generator_english.py checks each against pypinyin's readings
SURNAME_PINYIN = {
    "王": "wang", "李": "li", "张": "zhang", "刘": "liu", "陈": "chen", "杨": "yang", "黄": "huang", "赵": "zhao",
    "吴": "wu", "周": "zhou", "徐": "xu", "孙": "sun", "马": "ma", "朱": "zhu", "胡": "hu", "郭": "guo", "何": "he",
    "林": "lin", "高": "gao", "罗": "luo", "郑": "zheng", "梁": "liang", "谢": "xie", "宋": "song", "唐": "tang",
    "许": "xu", "韩": "han", "邓": "deng", "冯": "feng", "曹": "cao", "彭": "peng", "曾": "zeng", "肖": "xiao",
    "田": "tian", "董": "dong", "潘": "pan", "袁": "yuan", "蔡": "cai", "蒋": "jiang", "余": "yu", "于": "yu", "杜": "du",
    "叶": "ye", "程": "cheng", "魏": "wei", "苏": "su", "吕": "lü", "丁": "ding", "任": "ren", "卢": "lu", "姚": "yao",
    "沈": "shen", "钟": "zhong", "姜": "jiang", "崔": "cui", "谭": "tan", "陆": "lu", "范": "fan", "汪": "wang",
    "廖": "liao", "石": "shi", "金": "jin", "韦": "wei", "贾": "jia", "夏": "xia", "付": "fu", "方": "fang", "邹": "zou",
    "熊": "xiong", "白": "bai", "孟": "meng", "秦": "qin", "邱": "qiu", "侯": "hou", "江": "jiang", "尹": "yin",
    "薛": "xue", "闫": "yan", "段": "duan", "雷": "lei", "龙": "long", "黎": "li", "史": "shi", "陶": "tao", "贺": "he",
    "毛": "mao", "郝": "hao", "顾": "gu", "龚": "gong", "邵": "shao", "万": "wan", "覃": "qin", "武": "wu", "钱": "qian",
    "戴": "dai", "严": "yan", "欧阳": "ouyang", "司马": "sima", "诸葛": "zhuge", "上官": "shangguan",
}
#: the given-name characters (:data:`names.GIVEN_CHARS`) as they read in names (柏 bai, 强 qiang, 俊 jun: the reading a name takes)
GIVEN_PINYIN = {
    "伟": "wei", "芳": "fang", "娜": "na", "敏": "min", "静": "jing", "丽": "li", "强": "qiang", "磊": "lei", "军": "jun",
    "洋": "yang", "勇": "yong", "艳": "yan", "杰": "jie", "娟": "juan", "涛": "tao", "明": "ming", "超": "chao",
    "秀": "xiu", "霞": "xia", "平": "ping", "刚": "gang", "桂": "gui", "英": "ying", "华": "hua", "玉": "yu", "兰": "lan",
    "红": "hong", "梅": "mei", "鹏": "peng", "飞": "fei", "宇": "yu", "浩": "hao", "然": "ran", "子": "zi", "涵": "han",
    "欣": "xin", "怡": "yi", "梓": "zi", "轩": "xuan", "雨": "yu", "泽": "ze", "博": "bo", "文": "wen", "思": "si",
    "远": "yuan", "嘉": "jia", "俊": "jun", "晨": "chen", "阳": "yang", "佳": "jia", "琪": "qi", "志": "zhi",
    "建": "jian", "国": "guo", "海": "hai", "燕": "yan", "丹": "dan", "晓": "xiao", "东": "dong", "春": "chun",
    "晖": "hui", "立": "li", "新": "xin", "永": "yong", "振": "zhen", "栋": "dong", "辉": "hui", "波": "bo", "德": "de",
    "斌": "bin", "鑫": "xin", "凯": "kai", "琳": "lin", "瑶": "yao", "婷": "ting", "倩": "qian", "颖": "ying",
    "慧": "hui", "晶": "jing", "亮": "liang", "峰": "feng", "宁": "ning", "健": "jian", "成": "cheng", "林": "lin",
    "旭": "xu", "昊": "hao", "天": "tian", "睿": "rui", "哲": "zhe", "楠": "nan", "帆": "fan", "翔": "xiang", "琦": "qi",
    "雪": "xue", "冰": "bing", "松": "song", "柏": "bai", "宏": "hong", "彬": "bin", "毅": "yi", "诚": "cheng",
    "航": "hang", "瑞": "rui", "源": "yuan", "泓": "hong", "清": "qing", "卓": "zhuo", "凡": "fan", "越": "yue",
    "骏": "jun", "逸": "yi", "宸": "chen", "铭": "ming", "昕": "xin", "恒": "heng",
}
#: the foreign applicants' stems (:data:`names.FOREIGN_STEMS`) as the names they transliterate are written: Japanese
#: in Hepburn, Korean in Revised Romanization, the others in their own spelling. The generator keeps no source
#: spelling; a stem that is a name without its last syllable (惠特菲 Whitfie-ld, 伦德伯 Lundber-g, 奥斯伯 Osber-g,
#: 德弗里 De Vrie-s) is written as the whole name. Taiwan's, Hong Kong's and Macao's stems are Chinese characters:
#: their Pinyin, written with the brand characters as one word.
FOREIGN_STEM_EN = {
    "JP": {"北泽": "Kitazawa", "东和": "Towa", "高濑": "Takase", "野岛": "Nojima", "小坂": "Kosaka", "森下": "Morishita",
           "松浦": "Matsuura", "西泽": "Nishizawa", "荒木": "Araki", "植田": "Ueda", "京阳": "Kyoyo", "浅野": "Asano"},
    "US": {"奥尔登": "Alden", "贝克": "Baker", "卡特": "Carter", "戴维斯": "Davis", "艾默": "Emer", "格林": "Green",
           "哈里斯": "Harris", "杰克逊": "Jackson", "摩尔": "Moore", "斯坦顿": "Stanton", "泰勒": "Taylor"},
    "DE": {"布伦纳": "Brenner", "克劳斯": "Kraus", "施密特": "Schmidt", "韦伯": "Weber", "穆勒": "Müller", "福格": "Vogg",
           "赫尔曼": "Hermann", "施泰纳": "Steiner"},
    "KR": {"新元": "Shinwon", "东林": "Donglim", "汉宁": "Hannyeong", "昌信": "Changshin", "东进": "Dongjin",
           "永进": "Youngjin", "大元": "Daewon"},
    "TW": {"竑": "hong", "璟": "jing", "彧": "yu", "晋": "jin", "秉": "bing", "沛": "pei", "钰": "yu"},
    "FR": {"博瓦": "Boivat", "杜兰": "Durand", "拉福": "Lafon", "马蒂": "Marty"},
    "CH": {"韦尔": "Weil", "哈斯勒": "Hasler", "布鲁恩": "Bruhn", "温特": "Winter"},
    "NL": {"范德": "Van der", "胡斯": "Huys", "德弗里": "De Vries"},
    "GB": {"霍尔特": "Holt", "惠特菲": "Whitfield", "布莱克": "Blake"},
    "SE": {"埃克隆": "Eklund", "奥斯伯": "Osberg", "伦德伯": "Lundberg"},
    "HK": {"浚": "jun", "琛": "chen", "澜": "lan"},
    "IT": {"罗西": "Rossi", "贝尔蒂": "Berti", "卡尔达": "Carda"},
    "MO": {"濠": "hao"},
    "FI": {"维尔塔": "Virta", "萨洛": "Salo"},
}
#: countries whose stems are Chinese characters read in Pinyin with the brand (see :data:`FOREIGN_STEM_EN`)
PINYIN_STEMS = frozenset({"TW", "HK", "MO"})
#: the foreign forms as a company of that country writes its own (株式会社 Co., Ltd.; 股份公司 AG in Germany and
#: Switzerland, S.p.A. in Italy; 两合公司 KG; 有限责任公司 LLC in the US, GmbH in Germany)
FOREIGN_FORM_EN = {
    "JP": {"电机株式会社": "Electric Co., Ltd.", "化学株式会社": "Chemical Co., Ltd.", "精工株式会社": "Precision Co., Ltd.",
           "工业株式会社": "Industries Co., Ltd.", "电子株式会社": "Electronics Co., Ltd.",
           "制作所株式会社": "Manufacturing Co., Ltd."},
    "US": {"技术公司": "Technologies Inc.", "有限责任公司": "LLC", "公司": "Inc.", "系统公司": "Systems Inc.",
           "医疗公司": "Medical Inc.", "控股公司": "Holdings Inc."},
    "DE": {"股份公司": "AG", "有限责任公司": "GmbH", "两合公司": "KG"},
    "KR": {"电子株式会社": "Electronics Co., Ltd.", "株式会社": "Co., Ltd.", "化学株式会社": "Chemical Co., Ltd."},
    "TW": {"精密工业股份有限公司": "Precision Industry Co., Ltd.", "电子股份有限公司": "Electronics Co., Ltd.",
           "科技股份有限公司": "Technology Co., Ltd."},
    "FR": {"公司": "SAS", "股份有限公司": "SA"},
    "CH": {"股份公司": "AG", "有限公司": "GmbH"},
    "NL": {"知识产权公司": "IP B.V.", "公司": "B.V."},
    "GB": {"有限公司": "Limited", "技术有限公司": "Technology Limited"},
    "SE": {"公司": "AB", "电话股份有限公司": "Telefon AB"},
    "HK": {"科技有限公司": "Technology Limited", "实业有限公司": "Industrial Limited"},
    "IT": {"股份公司": "S.p.A.", "有限公司": "S.r.l."},
    "MO": {"科技有限公司": "Technology Limited"},
    "FI": {"公司": "Oy", "技术有限公司": "Technologies Oy"},
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


def pinyin_word(syllables: list[str]) -> str:
    """Syllables written as one word, capitalized, with the apostrophe before a syllable that starts with a, o or e
    (GB/T 16159-2012 §5.1.2: Hua'an, not Huaan)."""
    word = "".join(("'" if i and syl[:1] in ("a", "o", "e") else "") + syl for i, syl in enumerate(syllables))
    return word[:1].upper() + word[1:]


def _brand_en(brand: str) -> str | None:
    """A brand of two characters (three where the generator drew a name again) in Pinyin, or None."""
    if not 2 <= len(brand) <= 3 or any(ch not in BRAND_PINYIN for ch in brand):
        return None
    return pinyin_word([BRAND_PINYIN[ch] for ch in brand])


def person_name_en(name: str) -> str | None:
    """A person the generator names (丁春, 欧阳子涵) in Hanyu Pinyin, family name first (Ding Chun, Ouyang Zihan);
    None for a name of other characters."""
    for size in (2, 1):  # a compound surname (欧阳) first: none of its first characters is a surname alone
        surname, given = name[:size], name[size:]
        if surname in SURNAME_PINYIN and 1 <= len(given) <= 2 and all(ch in GIVEN_PINYIN for ch in given):
            return f"{pinyin_word([SURNAME_PINYIN[surname]])} {pinyin_word([GIVEN_PINYIN[ch] for ch in given])}"
    return None


def foreign_applicant(name: str) -> tuple[str, str] | None:
    """``(English name, country code)`` of a foreign applicant the generator names (``<stem><brand characters><form>``,
    :func:`zhichan.corpus.generator.world.build_world`): 艾默源控股公司 → ("Emer Yuan Holdings Inc.", "US"); None
    for any other name. The stem says the country (no stem is two countries')."""
    for country, forms in FOREIGN_FORM_EN.items():
        form = next((f for f in sorted(forms, key=len, reverse=True) if name.endswith(f)), None)
        if form is None:
            continue
        rest = name[: -len(form)]
        for stem, stem_en in sorted(FOREIGN_STEM_EN[country].items(), key=lambda kv: -len(kv[0])):
            extra = rest[len(stem):]
            if not rest.startswith(stem) or not extra or any(ch not in BRAND_PINYIN for ch in extra):
                continue
            brand = [BRAND_PINYIN[ch] for ch in extra]
            words = [pinyin_word([stem_en, *brand])] if country in PINYIN_STEMS else [stem_en, pinyin_word(brand)]
            return " ".join((*words, forms[form])), country
    return None


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


#: the demos' fictional organizations (not the generator's): the talent library's people's employers
#: (zhichan/talent/demo.py ``ORGANIZATIONS``, marked 演示) and the credit demo's listed agency (zhichan/credit/demo.py
#: ``SUBJECT``, marked 【合成】 — the mark is the page's badge); tests/corpus/test_generator_english.py checks each
#: demo's names are here
DEMO_NAMES_EN = {
    "四川大学（演示）": "Sichuan University (demo)",
    "电子科技大学（演示）": "University of Electronic Science and Technology of China (demo)",
    "西南交通大学（演示）": "Southwest Jiaotong University (demo)",
    "成都示例专利代理事务所（演示）": "Chengdu Example Patent Agency (demo)",
    "成都示例资产评估有限公司（演示）": "Chengdu Example Asset Appraisal Co., Ltd. (demo)",
    "武侯区人民调解委员会（演示）": "Wuhou District People's Mediation Committee (demo)",
    "成都技术转移中心（演示）": "Chengdu Technology Transfer Center (demo)",
    "成都示例专利代理有限公司": "Chengdu Example Patent Agency Co., Ltd.",
}
#: the kinds of business of the protection demo's fictional respondents (zhichan/protection/demo.py ``SHOPS``): named
#: ``<brand><kind>（演示）`` (瑞鑫五金店（演示） → Ruixin Hardware Store (demo)); stored before as ``某某<kind><n>号``, whose
#: 某某 is the "XX" of a name left out (某某五金店12号 → XX Hardware Store No. 12)
DEMO_SHOPS_EN = {"电子商行": "Electronics Shop", "五金店": "Hardware Store", "科技有限公司": "Technology Co., Ltd.",
                 "贸易商行": "Trading Shop", "网店": "Online Shop"}
#: as typed or as a form stores it (NFKC: the talent library keeps 四川大学(演示) with ASCII brackets)
_DEMO_NAMES_FOLDED = {unicodedata.normalize("NFKC", k): v for k, v in DEMO_NAMES_EN.items()}
_DEMO_SHOP = re.compile(r"(\w{2})(\w+?)（演示）")
_DEMO_SHOP_BEFORE = re.compile(r"某某(\w+?)(\d+)号")


def demo_name_en(name: str) -> str | None:
    """A demo's fictional organization in English (:data:`DEMO_NAMES_EN`, in either width of bracket;
    :data:`DEMO_SHOPS_EN`: 瑞鑫五金店（演示） → Ruixin Hardware Store (demo), as stored before 某某五金店12号 → XX Hardware
    Store No. 12); None for any other name. A leading synthetic mark 【合成】 is left out (pages show it as
    their badge): a marked English name is its English (the overseas demo's 【合成】Overseas Rival 7)."""
    marked = (name or "").strip()
    name = marked.removeprefix("【合成】")
    found = _DEMO_NAMES_FOLDED.get(unicodedata.normalize("NFKC", name))
    if found is not None:
        return found
    if name != marked and name.isascii():  # an English name the demo marked (【合成】Overseas Rival 7): the mark is the badge
        return name
    shop = _DEMO_SHOP.fullmatch(unicodedata.normalize("NFKC", name).replace("(", "（").replace(")", "）"))
    if shop is not None and shop[2] in DEMO_SHOPS_EN and (brand := _brand_en(shop[1])) is not None:
        return f"{brand} {DEMO_SHOPS_EN[shop[2]]} (demo)"
    before = _DEMO_SHOP_BEFORE.fullmatch(name)
    if before is not None and before[1] in DEMO_SHOPS_EN:
        return f"XX {DEMO_SHOPS_EN[before[1]]} No. {int(before[2])}"
    return None


@lru_cache(maxsize=1)
def _place_index() -> dict[str, tuple[str, ...]]:
    """Each short place name the generator writes (成都, 武侯, 四川) → the region codes so named."""
    from zhichan.corpus.generator.world import short_place
    from zhichan.reference import all_cities, all_counties, all_provinces, region_name

    index: dict[str, tuple[str, ...]] = {}
    for code in [c.ljust(6, "0") for c in (*all_provinces(), *all_cities())] + list(all_counties()):
        try:
            short = short_place(region_name(code))
        except Exception:  # noqa: BLE001 - a code the reference cannot name names no place
            continue
        index[short] = (*index.get(short, ()), code)
    return index


def named_places(name: str) -> list[str]:
    """The region codes whose short place name begins ``name`` (longest first): where a generated name says it is
    from, for a name kept without its party's region (a demo case handled by another city's office)."""
    index = _place_index()
    return [code for size in range(min(len(name), 6), 1, -1) for code in index.get(name[:size], ())]


def english_name(name: str, region_code: str) -> str | None:
    """The English name of a party the generator named: an enterprise, university, institute or public institution
    in ``region_code`` (its county), a person (:func:`person_name_en`) or a foreign applicant
    (:func:`foreign_applicant`) — or a demo's fictional organization (:func:`demo_name_en`); ``None`` for a name the
    generator did not make."""
    name = (name or "").strip()
    found = _domestic_name_en(name, region_code) or person_name_en(name) or _agency_in_province(name, region_code)
    if found is None and (foreign := foreign_applicant(name)) is not None:
        found = foreign[0]
    return found or demo_name_en(name)


def _agency_en(place: str, rest: str) -> str | None:
    """A patent agency after its city (``<brand><form>``: Shanghai Hengrui Patent Agency Co., Ltd.); None else."""
    for word, word_en in AGENCY_WORDS_EN.items():
        brand = _brand_en(rest[: -len(word)]) if rest.endswith(word) and len(rest) - len(word) == 2 else None
        if brand is not None:
            return f"{place} {brand} {word_en}"
    return None


def _agency_in_province(name: str, region_code: str) -> str | None:
    """A patent agency of ``region_code``'s province in any of its cities: a patent's agency is drawn from its
    applicant's province, not its city (:func:`zhichan.corpus.generator.world.build_world`)."""
    if not name.endswith(tuple(AGENCY_WORDS_EN)) or len(region_code or "") < 2:
        return None
    from zhichan.corpus.generator.world import short_place
    from zhichan.reference import children, region_name

    try:
        cities = children(region_code[:2])
    except Exception:  # noqa: BLE001 - an unknown province names no place
        return None
    for city in cities:
        short = short_place(region_name(city))
        if short and name.startswith(short) and (found := _agency_en(_place_en(city), name[len(short):])):
            return found
    return None


def _domestic_name_en(name: str, region_code: str) -> str | None:
    """A domestic organization's English (:func:`english_name`), its place among ``region_code``'s."""
    for short, place in _places(region_code):
        if not short or not name.startswith(short):
            continue
        rest = name[len(short):]
        if (agency := _agency_en(place, rest)) is not None:
            return agency
        for suffix, kind in (("大学", "University"), ("学院", "College")):
            if not rest.endswith(suffix):
                continue
            for size in (2, 3):  # the brand: two characters, three where the generator drew a name again
                brand, field = rest[:size], rest[size: -len(suffix)]
                if len(brand) == size and field in FIELD_EN and all(ch in BRAND_PINYIN for ch in brand):
                    pinyin = pinyin_word([BRAND_PINYIN[ch] for ch in brand])
                    return " ".join(part for part in (place, pinyin, FIELD_EN[field], kind) if part)
        found = _institution_en(place, rest)
        if found is not None:
            return found
        form = next(((zh, en) for zh, en in FORMS_EN if rest.endswith(zh)), None)
        if form is None:
            continue
        rest = rest[: -len(form[0])]
        # every industry the name ends with, longest first: 铭新 + 能源科技 also ends with 新能源科技
        for industry in (w for w in _INDUSTRIES_LONGEST_FIRST if rest.endswith(w)):
            brand_en = _brand_en(rest[: -len(industry)])
            if brand_en is not None:
                return f"{place} {brand_en} {INDUSTRY_EN[industry]} {form[1]}"
    return None


assert set(BRAND_CHARS) <= set(BRAND_PINYIN), "every brand character has its reading"
assert {s for s, _ in SURNAMES} == set(SURNAME_PINYIN), "every surname the generator draws has its reading"
assert set(GIVEN_CHARS) == set(GIVEN_PINYIN), "every given-name character the generator draws has its reading"
assert set(AGENCY_WORDS) == set(AGENCY_WORDS_EN), "every agency form has its English"
assert all(set(stems) == set(FOREIGN_STEM_EN[c]) and set(forms) == set(FOREIGN_FORM_EN[c])
           for c, (stems, forms) in FOREIGN_STEMS.items()), "every foreign stem and form has its English"
