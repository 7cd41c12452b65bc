"""Word lists for synthetic names: people, companies, universities, institutes, agencies, banks.

Nothing here names a real organization on purpose. Every synthetic organization carries a 字号 (two
:data:`BRAND_CHARS`, never one of :data:`RESERVED_BRANDS` or a place's name) after its place, so that a
university, an institute or a public body never has the plain ``{place}{field}大学`` / ``{place}研究所`` /
``{county}人民医院`` form of a real public one (:func:`zhichan.corpus.generator.world._domestic_names`).
An enterprise's name may still coincide with a small real firm's (城市 + 常见字号 + 行业 is how Chinese
companies are named), which is why every record is labelled synthetic.
"""

from __future__ import annotations

import numpy as np

#: The most common surnames with approximate population shares in percent (公安部 2020 surname
#: ranking, rounded); the remainder is spread over the tail of the list.
SURNAMES: list[tuple[str, float]] = [
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.6), ("杨", 3.1), ("黄", 2.5), ("赵", 2.3),
    ("吴", 2.0), ("周", 1.9), ("徐", 1.5), ("孙", 1.5), ("马", 1.4), ("朱", 1.3), ("胡", 1.3), ("郭", 1.2),
    ("何", 1.2), ("林", 1.1), ("高", 1.1), ("罗", 1.1), ("郑", 1.0), ("梁", 1.0), ("谢", 0.8), ("宋", 0.8),
    ("唐", 0.8), ("许", 0.7), ("韩", 0.7), ("邓", 0.7), ("冯", 0.7), ("曹", 0.6), ("彭", 0.6), ("曾", 0.6),
    ("肖", 0.6), ("田", 0.5), ("董", 0.5), ("潘", 0.5), ("袁", 0.5), ("蔡", 0.5), ("蒋", 0.5), ("余", 0.5),
    ("于", 0.5), ("杜", 0.5), ("叶", 0.5), ("程", 0.5), ("魏", 0.4), ("苏", 0.4), ("吕", 0.4), ("丁", 0.4),
    ("任", 0.4), ("卢", 0.4), ("姚", 0.4), ("沈", 0.4), ("钟", 0.4), ("姜", 0.4), ("崔", 0.4), ("谭", 0.3),
    ("陆", 0.3), ("范", 0.3), ("汪", 0.3), ("廖", 0.3), ("石", 0.3), ("金", 0.3), ("韦", 0.3), ("贾", 0.3),
    ("夏", 0.3), ("付", 0.3), ("方", 0.3), ("邹", 0.3), ("熊", 0.3), ("白", 0.3), ("孟", 0.3), ("秦", 0.3),
    ("邱", 0.3), ("侯", 0.3), ("江", 0.3), ("尹", 0.2), ("薛", 0.2), ("闫", 0.2), ("段", 0.2), ("雷", 0.2),
    ("龙", 0.2), ("黎", 0.2), ("史", 0.2), ("陶", 0.2), ("贺", 0.2), ("毛", 0.2), ("郝", 0.2), ("顾", 0.2),
    ("龚", 0.2), ("邵", 0.2), ("万", 0.2), ("覃", 0.2), ("武", 0.2), ("钱", 0.2), ("戴", 0.2), ("严", 0.2),
    ("欧阳", 0.05), ("司马", 0.01), ("诸葛", 0.01), ("上官", 0.01),
]
GIVEN_CHARS = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅鹏飞宇浩然子涵欣怡梓轩雨泽博文思远嘉俊"
    "晨阳佳琪志强建国建华海燕丹丹晓东春晖立新永刚振宇国栋明辉海波志刚德华文斌鑫凯琳瑶婷倩颖慧晶亮斌"
    "峰辉宁健成林旭昊天睿哲楠帆翔琦雪冰松柏宏彬毅诚航瑞源泓清卓凡越骏逸宸铭昕睿恒"
)

BRAND_CHARS = list(
    "华瑞德新科金宏恒盛泰达信博远中天英创智联海龙鑫源鼎润康安隆兴佳昌力凯腾飞捷诺迈卓越众正通晟能光明"
    "誉祥顺丰锦伟嘉航宇星辰汇诚合聚晶拓弘泽铭欣益亿汉唐尚品优锐睿云峰蓝启航易达美亚威乐思特立东方"
)
#: 字号 a synthetic organization never takes, although both characters are brand characters: words that name a
#: region or a direction (华中 as in 华中科技大学, 东方 as in 东方电气 or 黑龙江东方学院), the 字号 of well-known
#: companies, banks and brokers (中兴, 海信, 华润, 顺丰 …) and of real private universities and independent colleges
#: (西安思源学院, 哈尔滨华德学院, 长春光华学院, 西安明德理工学院 …). Places' own names (泰安, 嘉兴, 光明 …) are
#: reserved too, from the region table, by the generator.
RESERVED_BRANDS = frozenset({
    "华中", "华东", "中华", "东华", "中天", "东方", "天东", "中东", "东亚", "亚东", "中亚", "海东",
    "华亚", "华海", "天华", "中海", "东海", "新华", "中新", "华新", "中兴", "海信", "华润", "恒瑞",
    "迈瑞", "通威", "正泰", "宇通", "中联", "华星", "康佳", "海康", "晶科", "天合", "恒力", "中信",
    "天能", "顺丰", "中通", "华泰", "中泰", "海通", "方正", "锐捷", "泰达", "立信", "华安", "安信",
    "信达", "光明", "美亚", "康恒", "金龙", "华龙", "恒安", "华源", "德力", "远东", "中远", "中金",
    "金瑞", "华宇", "天瑞", "华凯", "宏达", "鼎龙", "华天", "合力", "天海", "海天", "华能", "中能",
    "华信", "中科", "科华", "华科", "华联", "联华", "星宇", "金海", "思源", "华德", "光华", "明德",
    "汇华", "华立", "明达", "英华", "诚信", "德信", "华锐", "安康", "泰康", "康泰", "华美", "美华",
    "新东",
})
#: Industry words, university and institute fields by technical field: :mod:`zhichan.corpus.generator.lexicon`.
COMPANY_FORMS = [("有限公司", 0.72), ("股份有限公司", 0.16), ("有限责任公司", 0.08), ("集团有限公司", 0.04)]
#: 字号 of well-known patent agencies and law firms made of brand characters (北京康信知识产权代理有限责任公司, 北京品源
#: 专利代理有限公司, 北京汇泽, 北京金信, 德恒, 天达): an agency never takes one (the credit list grades agencies).
AGENCY_RESERVED = frozenset({"康信", "品源", "汇泽", "金信", "德恒", "天达"})
AGENCY_WORDS = ["专利代理事务所（普通合伙）", "知识产权代理有限公司", "专利事务所", "知识产权服务有限公司",
                "专利代理有限公司"]
BANKS = [
    ("中国工商银行股份有限公司", 0.14), ("中国农业银行股份有限公司", 0.10), ("中国银行股份有限公司", 0.10),
    ("中国建设银行股份有限公司", 0.12), ("交通银行股份有限公司", 0.06), ("招商银行股份有限公司", 0.07),
    ("兴业银行股份有限公司", 0.05), ("中信银行股份有限公司", 0.05), ("上海浦东发展银行股份有限公司", 0.04),
    ("中国邮政储蓄银行股份有限公司", 0.05), ("北京银行股份有限公司", 0.03), ("杭州银行股份有限公司", 0.03),
    ("成都银行股份有限公司", 0.02), ("{city}农村商业银行股份有限公司", 0.09), ("{city}银行股份有限公司", 0.05),
]
ROADS = ["人民路", "解放路", "建设路", "科技路", "创新大道", "高新大道", "工业园路", "中山路", "长江路",
         "黄河路", "学府路", "天府大道", "滨江路", "文化路", "东风路", "新华路", "光明路", "开发区大道",
         "科学大道", "金融街", "世纪大道", "迎宾大道"]
#: Postal-code prefix (first two digits) of each province.
POSTAL_PREFIX = {
    "11": "10", "12": "30", "13": "05", "14": "03", "15": "01", "21": "11", "22": "13", "23": "15",
    "31": "20", "32": "21", "33": "31", "34": "23", "35": "35", "36": "33", "37": "25", "41": "45",
    "42": "43", "43": "41", "44": "51", "45": "53", "46": "57", "50": "40", "51": "61", "52": "55",
    "53": "65", "54": "85", "61": "71", "62": "73", "63": "81", "64": "75", "65": "83",
}
#: Foreign applicants: name stems by country (each name is a stem, one or more brand characters and a form). The
#: stems are plain transliterations or rare characters, never a famous company's or the start of one (三星, 丰田, 博世;
#: 诺基 + 亚 made 诺基亚, 爱立 + 信 爱立信, 鸿 + 海 + 精密工业股份有限公司 Foxconn's legal name, 恒 + 隆 Hang Lung); each
#: country keeps its number of stems, so the draws are those of before.
FOREIGN_STEMS = {
    "JP": (["北泽", "东和", "高濑", "野岛", "小坂", "森下", "松浦", "西泽", "荒木", "植田", "京阳", "浅野"],
           ["电机株式会社", "化学株式会社", "精工株式会社", "工业株式会社", "电子株式会社", "制作所株式会社"]),
    "US": (["奥尔登", "贝克", "卡特", "戴维斯", "艾默", "格林", "哈里斯", "杰克逊", "摩尔", "斯坦顿", "泰勒"],
           ["技术公司", "有限责任公司", "公司", "系统公司", "医疗公司", "控股公司"]),
    "DE": (["布伦纳", "克劳斯", "施密特", "韦伯", "穆勒", "福格", "赫尔曼", "施泰纳"],
           ["股份公司", "有限责任公司", "两合公司"]),
    "KR": (["新元", "东林", "汉宁", "昌信", "东进", "永进", "大元"], ["电子株式会社", "株式会社", "化学株式会社"]),
    "TW": (["竑", "璟", "彧", "晋", "秉", "沛", "钰"], ["精密工业股份有限公司", "电子股份有限公司", "科技股份有限公司"]),
    "FR": (["博瓦", "杜兰", "拉福", "马蒂"], ["公司", "股份有限公司"]),
    "CH": (["韦尔", "哈斯勒", "布鲁恩", "温特"], ["股份公司", "有限公司"]),
    "NL": (["范德", "胡斯", "德弗里"], ["知识产权公司", "公司"]),
    "GB": (["霍尔特", "惠特菲", "布莱克"], ["有限公司", "技术有限公司"]),
    "SE": (["埃克隆", "奥斯伯", "伦德伯"], ["公司", "电话股份有限公司"]),
    "HK": (["浚", "琛", "澜"], ["科技有限公司", "实业有限公司"]),
    "IT": (["罗西", "贝尔蒂", "卡尔达"], ["股份公司", "有限公司"]),
    "MO": (["濠"], ["科技有限公司"]),
    "FI": (["维尔塔", "萨洛"], ["公司", "技术有限公司"]),
}
#: Design patents: product names with their Locarno class (洛迦诺分类).
DESIGN_PRODUCTS: list[tuple[str, str]] = [
    ("包装盒", "09-03"), ("包装瓶", "09-01"), ("茶杯", "07-01"), ("台灯", "26-05"), ("吸顶灯", "26-05"),
    ("沙发", "06-01"), ("办公椅", "06-01"), ("餐桌", "06-03"), ("衣柜", "06-04"), ("手机", "14-03"),
    ("智能手表", "10-02"), ("蓝牙耳机", "14-01"), ("充电器", "13-02"), ("电动牙刷", "04-02"), ("扫地机器人", "15-05"),
    ("电饭煲", "07-02"), ("空气净化器", "23-04"), ("加湿器", "23-04"), ("电风扇", "23-04"), ("运动鞋", "02-04"),
    ("女装上衣", "02-02"), ("背包", "03-01"), ("儿童玩具车", "21-01"), ("积木", "21-01"), ("面料", "05-05"),
    ("壁纸", "05-06"), ("瓷砖", "25-01"), ("门把手", "08-06"), ("水龙头", "23-01"), ("花洒", "23-01"),
    ("电动车", "12-11"), ("汽车轮毂", "12-16"), ("无人机", "12-07"), ("显示器", "14-02"), ("键盘", "14-02"),
    ("图形用户界面", "14-04"), ("医用监护仪", "24-01"), ("药瓶", "09-01"), ("酒瓶", "09-01"), ("月饼", "01-01"),
    ("首饰", "11-01"), ("香水瓶", "09-01"), ("笔记本电脑", "14-02"), ("路由器", "14-03"), ("投影仪", "16-06"),
]
DESIGN_VARIANTS = ["", "", "（{w}）", "（{w}款）", "（{n}）"]
DESIGN_WORDS = ["花开富贵", "简约", "经典", "星空", "国潮", "青花", "极光", "竹韵", "祥云", "熊猫", "锦绣", "山水"]

TRADEMARK_WORDS = list("华美佳乐福康健鑫源泰盛达金银星月川蜀豫杭西宁泰山云鼎润丰禾农茶香味品尚优")
GI_REAL = [  # (name, type, county code) — well-known geographical indications, still marked synthetic
    ("郫县豆瓣", "product", "510117"), ("蒲江雀舌", "product", "510131"), ("蒲江猕猴桃", "mark", "510131"),
    ("西湖龙井", "product", "330106"), ("泰山板栗", "mark", "370911"), ("泰山女儿茶", "mark", "370902"),
    ("肥城桃", "product", "370983"), ("中牟大蒜", "product", "410122"), ("新郑大枣", "mark", "410184"),
    ("湟中青稞酒", "mark", "630106"), ("互助青稞酒", "product", "630223"), ("龙泉驿水蜜桃", "mark", "510112"),
    ("都江堰猕猴桃", "product", "510181"), ("新津黄辣丁", "mark", "510132"), ("临安山核桃", "product", "330112"),
    ("余杭径山茶", "product", "330110"), ("建德苞茶", "product", "330182"), ("荥阳河阴石榴", "product", "410182"),
]
GI_PRODUCTS = ["大米", "茶", "蜂蜜", "柑橘", "核桃", "花椒", "苹果", "牛肉", "羊肉", "香菇", "红枣", "土鸡",
               "黄酒", "豆腐干", "生姜", "莲藕", "板栗", "葡萄", "桃", "梨"]
SOFTWARE_WORDS = ["智慧园区管理平台", "数据采集系统", "设备监控软件", "电子商务平台", "智能仓储管理系统",
                  "在线教育平台", "财务管理系统", "客户关系管理软件", "物联网网关软件", "图像识别系统",
                  "能耗监测平台", "生产执行系统", "移动办公应用", "知识产权管理系统", "医疗影像分析软件"]
WORK_TYPES = [("美术作品", 0.45), ("摄影作品", 0.25), ("文字作品", 0.15), ("影视作品", 0.08), ("音乐作品", 0.07)]
WORK_WORDS = ["春", "山水", "印象", "家园", "城市之光", "守望", "远方", "故乡", "锦官城", "西湖", "泰山", "高原"]


def surname_table() -> tuple[list[str], np.ndarray]:
    names = [s for s, _ in SURNAMES]
    weights = np.array([w for _, w in SURNAMES], dtype=float)
    return names, weights / weights.sum()


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` Chinese personal names (surname by frequency, one or two given-name characters)."""
    names, p = surname_table()
    s = rng.choice(len(names), size=n, p=p)
    g1 = rng.integers(0, len(GIVEN_CHARS), size=n)
    g2 = rng.integers(0, len(GIVEN_CHARS), size=n)
    two = rng.random(n) < 0.7
    chars = GIVEN_CHARS
    return [
        names[a] + chars[b] + (chars[c] if t else "")
        for a, b, c, t in zip(s.tolist(), g1.tolist(), g2.tolist(), two.tolist(), strict=True)
    ]


_SURNAMES_ARRAY, _SURNAME_P = surname_table()
_SURNAME_CUM = np.cumsum(_SURNAME_P)


def hashed_person_names(keys: np.ndarray) -> list[str]:
    """Deterministic names for integer keys (so one inventor keeps one name across patents)."""
    k = keys.astype(np.uint64)
    h = (k * np.uint64(0x9E3779B97F4A7C15)) ^ (k >> np.uint64(29))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    u = (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    s = np.minimum(np.searchsorted(_SURNAME_CUM, u), len(_SURNAMES_ARRAY) - 1)
    g1 = ((h >> np.uint64(7)) % np.uint64(len(GIVEN_CHARS))).astype(np.int64)
    g2 = ((h >> np.uint64(19)) % np.uint64(len(GIVEN_CHARS))).astype(np.int64)
    two = ((h >> np.uint64(3)) % np.uint64(10)) < 7
    chars = GIVEN_CHARS
    sn = _SURNAMES_ARRAY
    return [
        sn[a] + chars[b] + (chars[c] if t else "")
        for a, b, c, t in zip(s.tolist(), g1.tolist(), g2.tolist(), two.tolist(), strict=True)
    ]
