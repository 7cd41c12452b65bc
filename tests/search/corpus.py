"""The fixed test corpus the query-language reference (docs/query-language.md) is checked against.

Sixteen hand-made patents; each field of the query language has records that match and records
that must not (e.g. H01M10/44 for ``IPC=H01M1``, 信息与通信 for the operator 与 inside a word).
High-value flags come from the indicators domain's definition, so dates are chosen to keep the
flags stable for years: the "maintained" patent was filed in 2012 (more than 10 years, less than 20).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from zhichan.corpus.records import finalize_patent, finalize_record
from zhichan.corpus.validate import application_number_with_check

_BASE: dict[str, Any] = {
    "source": "test", "import_id": "test", "synthetic": False, "kind": "invention", "legal_status": "granted",
    "tech_field": 1,
    # the date the corpus describes (its data end): the high-value flags' date, after its last event
    "source_date": "2024-06-30",
}


def _p(serial: str, **fields: Any) -> dict[str, Any]:
    record = {**_BASE, "application_number": application_number_with_check(serial), **fields}
    for key, value in list(record.items()):
        if key.endswith("_date") and isinstance(value, str):
            record[key] = dt.date.fromisoformat(value)
    return finalize_patent(record, derive_classifications=False)


def patents() -> list[dict[str, Any]]:
    return [
        _p("202110000001", title="一种锂离子电池负极材料及其制备方法",
           abstract="本发明公开了一种锂离子电池负极材料，包括硅碳复合颗粒和包覆在其表面的导电涂层，提高了电池的循环寿命。",
           first_claim="1.一种锂离子电池负极材料，其特征在于，包括硅碳复合颗粒。",
           ipc=["H01M4/13", "H01M4/62"], applicants=["成都锂能科技有限公司"], inventors=["张伟", "李娜"],
           applicant_address="四川省成都市高新区天府大道100号", agency="成都天府专利代理有限公司",
           region_code="510107", sei_codes=["6.3"], application_date="2021-03-15",
           publication_number="CN113000001A", publication_date="2021-09-10",
           grant_number="CN113000001B", grant_date="2023-02-01"),
        _p("202220000002", kind="utility_model", title="一种芯片封装结构",
           abstract="本实用新型涉及一种芯片封装结构，包括基板、芯片和散热盖。",
           first_claim="1.一种芯片封装结构，包括基板。", ipc=["H01L23/31"], applicants=["电子科技大学"],
           inventors=["王强"], applicant_address="四川省成都市成华区建设北路二段4号", region_code="510108",
           sei_codes=["1.2"], application_date="2022-05-20", grant_number="CN217000002U", grant_date="2022-10-11"),
        _p("202210000003", legal_status="under_examination", title="一种半导体芯片的测试方法",
           abstract="本申请提供一种半导体芯片的测试方法，用于检测晶圆上的缺陷。", first_claim="1.一种测试方法。",
           ipc=["H01L21/66", "G01R31/28"], applicants=["华为技术有限公司"], inventors=["陈明", "张伟"],
           applicant_address="广东省深圳市龙岗区坂田华为总部办公楼", agency="北京同达信恒知识产权代理有限公司",
           region_code="440307", sei_codes=["1.2"], application_date="2022-11-03",
           publication_number="CN115000003A", publication_date="2023-03-07"),
        _p("201210000004", title="一种耐磨涂层及其喷涂方法", abstract="本发明提供一种耐磨涂层，适用于发动机叶片。",
           first_claim="1.一种耐磨涂层，由陶瓷颗粒组成。", ipc=["C23C14/06", "C23C4/10"], applicants=["四川大学"],
           inventors=["刘洋"], applicant_address="四川省成都市武侯区一环路南一段24号", region_code="510107",
           sei_codes=["3.1"], application_date="2012-06-01", publication_number="CN102700004A",
           publication_date="2012-10-03", grant_number="CN102700004B", grant_date="2014-08-20"),
        _p("202030000005", kind="design", title="手机壳", abstract=None, first_claim=None, ipc=[],
           applicants=["王五"], applicant_types=["individual"], inventors=["王五"], region_code="510107",
           application_date="2020-07-07", grant_number="CN306000005S", grant_date="2020-12-01"),
        _p("201610000006", legal_status="lapsed_unpaid", title="电池管理系统及方法",
           abstract="一种电池管理系统，采集电芯电压并均衡。", first_claim="1.一种电池管理系统。",
           ipc=["H02J7/00", "H01M10/44"], applicants=["四川新能源汽车有限公司"], inventors=["赵六"],
           applicant_address="四川省成都市龙泉驿区汽车城大道1号", region_code="510112", sei_codes=["5.2"],
           application_date="2016-04-01", publication_number="CN105800006A", publication_date="2016-08-10",
           grant_number="CN105800006B", grant_date="2018-05-04", lapse_date="2021-04-01"),
        _p("202110000007", title="Graphene coating for lithium battery electrodes",
           abstract="A graphene coating improves the conductivity of lithium battery electrodes.",
           first_claim="1. A coating comprising graphene.", ipc=["H01M4/62"], applicants=["Tesla, Inc."],
           applicant_types=["enterprise"], inventors=["John Smith"], region_code=None, applicant_country="US",
           is_domestic=False, sei_codes=["6.3"], application_date="2021-06-30",
           publication_number="CN113500007A", publication_date="2021-12-01", legal_status="published"),
        _p("202010000008", title="ＬＥＤ照明装置", abstract="一种ＬＥＤ照明装置，节能。", first_claim="1.一种照明装置。",
           ipc=["F21V29/00"], applicants=["绵阳光电有限公司"], inventors=["孙七"],
           applicant_address="四川省绵阳市涪城区科创园区", region_code="510703", sei_codes=[],
           application_date="2020-01-10", grant_number="CN111000008B", grant_date="2022-01-04"),
        _p("201910000009", legal_status="rejected", title="一种信息与通信系统",
           abstract="一种信息与通信系统，包括服务器和终端。", first_claim="1.一种信息与通信系统。",
           ipc=["H04L67/10"], applicants=["北京信通科技有限公司"], inventors=["周八"],
           applicant_address="北京市海淀区中关村大街1号", region_code="110108", sei_codes=["1.1"],
           application_date="2019-12-31", publication_number="CN111200009A", publication_date="2020-07-01"),
        _p("202310000010", legal_status="withdrawn", title="一种锂电池回收方法",
           abstract="一种废旧锂电池的回收方法，回收钴和锂。", first_claim="1.一种回收方法。", ipc=["H01M10/54"],
           applicants=["成都锂能科技有限公司", "四川大学"], inventors=["张伟"], region_code="510107",
           sei_codes=["7.1"], application_date="2023-02-14", publication_number="CN116000010A",
           publication_date="2023-06-02"),
        _p("202010000011", title="基于深度学习的图像识别方法",
           abstract="本发明公开一种基于深度学习的图像识别方法，利用卷积神经网络识别芯片表面缺陷。",
           first_claim="1.一种图像识别方法。", ipc=["G06N3/08", "G06V10/82"], applicants=["成都视觉智能有限公司"],
           inventors=["吴九"], applicant_address="四川省成都市高新区天府软件园", region_code="510107",
           sei_codes=["1.4"], application_date="2020-02-02", publication_number="CN111300011A",
           publication_date="2020-06-05", grant_number="CN111300011B", grant_date="2021-11-30",
           family_granted_abroad=True),
        _p("202010000012", title="一种高强度混凝土", abstract="一种高强度混凝土，掺加钢纤维。",
           first_claim="1.一种混凝土。", ipc=["C04B28/04"], applicants=["四川建材集团有限公司"],
           current_patentees=["成都城投建材有限公司"], inventors=["郑十"], region_code="510104",
           sei_codes=[], application_date="2020-09-09", grant_number="CN112000012B", grant_date="2022-03-03"),
        _p("201910000013", title="一种电动汽车充电桩", abstract="一种电动汽车充电桩，具有过流保护。",
           first_claim="1.一种充电桩。", ipc=["B60L53/31"], applicants=["成都充电科技有限公司"], inventors=["钱一"],
           region_code="510112", sei_codes=["5.2"], application_date="2019-05-05",
           grant_number="CN110000013B", grant_date="2021-01-05"),
        _p("202010000014", kind="utility_model", title="一种锂电池外壳", abstract="一种锂电池外壳，防爆。",
           first_claim="1.一种外壳。", ipc=["H01M50/10"], applicants=["成都锂能科技有限公司"], inventors=["李娜"],
           region_code="510107", sei_codes=["6.3"], application_date="2020-03-03",
           grant_number="CN212000014U", grant_date="2020-11-11"),
        _p("202110000015", legal_status="expired", title="池塘养殖增氧装置", abstract="一种池塘增氧装置。",
           first_claim="1.一种增氧装置。", ipc=["A01K63/04"], applicants=["眉山渔业合作社"], inventors=["冯二"],
           region_code="511402", sei_codes=[], application_date="2021-01-20",
           grant_number="CN113100015B", grant_date="2021-08-01", lapse_date="2024-01-20"),
        _p("202210000016", title="芯片散热涂层材料", abstract="一种用于芯片的散热涂层材料，含氮化硼。",
           first_claim="1.一种散热涂层材料。", ipc=["H01L23/373", "C09D5/00"], applicants=["华为技术有限公司"],
           inventors=["陈明"], region_code="440307", sei_codes=["1.2", "3.1"], application_date="2022-01-01",
           publication_number="CN114400016A", publication_date="2022-04-05",
           grant_number="CN114400016B", grant_date="2024-01-01"),
    ]


def events() -> list[dict[str, Any]]:
    pledge = {"source": "test", "import_id": "test", "synthetic": False}
    first = application_number_with_check("202210000016")
    award = application_number_with_check("201910000013")
    return [
        finalize_record("events", {**pledge, "application_number": first, "event_type": "pledge",
                                   "event_date": dt.date(2024, 6, 1), "amount_yuan": Decimal("20000000"),
                                   "party_to": "中国银行"}),
        finalize_record("events", {**pledge, "application_number": award, "event_type": "award",
                                   "event_date": dt.date(2023, 7, 1), "detail": "china_patent_award:gold"}),
    ]


def an(serial: str) -> str:
    """The full application number of a serial used above."""
    return application_number_with_check(serial)
