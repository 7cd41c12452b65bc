"""Generic CSV/XLSX import with a YAML column mapping."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.corpus.helpers import write_csv
from zhichan.corpus.importing import import_file, load_mapper
from zhichan.corpus.store import CorpusStore
from zhichan.errors import InputError

MAPPING = """
table: patents
source: bureau_list
list_separator: "，"
columns:
  application_number: 申请号码
  title: 发明名称
  application_date: 申请日期
  kind: {column: 类别, parser: kind}
  legal_status: {column: 状态, map: {有效: granted, 审查中: under_examination, 失效: lapsed_unpaid}}
  ipc: {column: IPC, split: "，"}
  applicants: 权利人
  region_code: 区划代码
  grant_date: 授权日期
constants:
  agency: 示例代理机构
"""


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(MAPPING, "utf-8")
    return path


def test_mapped_csv_in_gb18030(store: CorpusStore, mapping: Path, tmp_path: Path) -> None:
    header = ["申请号码", "发明名称", "申请日期", "类别", "状态", "IPC", "权利人", "区划代码", "授权日期", "备注"]
    rows = [
        ["CN202110000001.6", "一种芯片散热装置", "2021/03/04", "发明", "有效", "H01L23/34，H01L23/36",
         "成都芯片科技有限公司，四川大学", "510107", "2023-01-10", "重点企业"],
        ["CN202110000002.0", "一种电池", "2021-05-06", "发明", "作废", "H01M4/13", "某公司", "510107", "", ""],
    ]
    path = write_csv(tmp_path / "list.csv", header, rows, encoding="gb18030")
    result = import_file(path, mapper=load_mapper(mapping), store=store, as_of=dt.date(2024, 1, 1))
    assert result.encoding == "gb18030"
    assert (result.added, result.rejected) == (1, 1)
    assert result.rejects[0].column == "状态" and "映射" in result.rejects[0].reason
    con = store.current().connect()
    row = con.sql("SELECT * FROM patents").to_arrow_table().to_pylist()[0]
    assert row["ipc"] == ["H01L23/34", "H01L23/36"] and row["applicants"] == ["成都芯片科技有限公司", "四川大学"]
    assert row["application_date"] == dt.date(2021, 3, 4) and row["grant_date"] == dt.date(2023, 1, 10)
    assert (row["kind"], row["legal_status"], row["region_code"], row["city_code"]) == (
        "invention", "granted", "510107", "5101")
    assert row["agency"] == "示例代理机构" and row["source"] == "bureau_list"
    assert '"备注": "重点企业"' in row["extra_json"]  # unmapped columns are kept, not lost
    assert row["applicant_types"] == ["enterprise", "university"]


def test_mapping_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("table: patents\ncolumns:\n  not_a_field: X\n", "utf-8")
    with pytest.raises(InputError, match="not_a_field"):
        load_mapper(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("table: [", "utf-8")
    with pytest.raises(InputError, match="映射文件格式错误"):
        load_mapper(broken)
    with pytest.raises(InputError, match="不存在"):
        load_mapper(tmp_path / "missing.yaml")


def test_trademarks_through_a_mapping(store: CorpusStore, tmp_path: Path) -> None:
    spec = tmp_path / "tm.yaml"
    spec.write_text(
        "table: trademarks\nsource: tm_list\ncolumns:\n  registration_number: 注册号\n  mark_name: 商标\n"
        "  nice_class: 类别\n  registrant: 注册人\n  region_code: 区划\n  registration_date: 注册日\n"
        "  is_geographical_indication: 地理标志\n  status: 状态\n",
        "utf-8",
    )
    path = write_csv(tmp_path / "tm.csv", ["注册号", "商标", "类别", "注册人", "区划", "注册日", "地理标志", "状态"],
                     [["12345678", "蒲江雀舌", "30", "蒲江县茶叶协会", "510131", "20150101", "是", "registered"],
                      ["12345679", "某商标", "三十", "某公司", "510107", "20160101", "否", "registered"]])
    result = import_file(path, mapper=load_mapper(spec), store=store)
    assert (result.added, result.rejected) == (1, 1) and result.rejects[0].column == "类别"
    con = store.current().connect()
    assert con.execute("SELECT mark_name, nice_class, is_geographical_indication, province_code FROM trademarks"
                       ).fetchall() == [("蒲江雀舌", 30, True, "51")]
    assert store.current().counts["patents"] == 0


def test_trademark_mapping_without_optional_columns_gets_defaults(store: CorpusStore, tmp_path: Path) -> None:
    """No ``is_geographical_indication`` column: the flag is "no", never an Arrow error."""
    spec = tmp_path / "tm.yaml"
    spec.write_text("table: trademarks\nsource: tm_list\ncolumns:\n  registration_number: 注册号\n  region_code: 区划\n",
                    "utf-8")
    path = write_csv(tmp_path / "tm.csv", ["注册号", "区划"], [["12345678", "510131"], ["12345679", ""]])
    result = import_file(path, mapper=load_mapper(spec), store=store)
    assert (result.added, result.rejected) == (2, 0)
    con = store.current().connect()
    assert con.execute("SELECT registration_number, is_geographical_indication, is_domestic FROM trademarks "
                       "ORDER BY 1").fetchall() == [("12345678", False, True), ("12345679", False, False)]


@pytest.mark.parametrize(("table", "mapped", "missing"), [
    ("events", "application_number: 号", "event_type（事件类型）"),
    ("geographical_indications", "gi_id: 号\n  name: 名", "gi_type（地理标志类型）"),
    ("copyrights", "registration_number: 号", "work_type（登记类型）"),
    ("patents", "application_number: 号\n  application_date: 日", "title（名称）"),
])
def test_a_mapping_without_a_required_field_is_refused_before_reading(tmp_path: Path, table: str, mapped: str,
                                                                     missing: str) -> None:
    spec = tmp_path / "m.yaml"
    spec.write_text(f"table: {table}\nsource: list\ncolumns:\n  {mapped}\n", "utf-8")
    with pytest.raises(InputError, match=f"必填字段：{missing}"):
        load_mapper(spec)


def test_a_constant_fills_a_required_field_and_kind_comes_from_the_number(store: CorpusStore, tmp_path: Path) -> None:
    events = tmp_path / "ev.yaml"
    events.write_text("table: events\nsource: awards\ncolumns:\n  application_number: 申请号\n  event_date: 日期\n"
                      "constants:\n  event_type: award\n  detail: china_patent_award:gold\n", "utf-8")
    result = import_file(write_csv(tmp_path / "ev.csv", ["申请号", "日期"], [["CN202223220665.2", "2024-05-01"]]),
                         mapper=load_mapper(events), store=store)
    assert result.added == 1
    patents = tmp_path / "p.yaml"
    patents.write_text("table: patents\nsource: list\ncolumns:\n  application_number: 申请号\n  title: 名称\n"
                       "  application_date: 申请日\n", "utf-8")
    result = import_file(write_csv(tmp_path / "p.csv", ["申请号", "名称", "申请日"],
                                   [["CN202223220665.2", "一种摄像头", "2022-12-02"]]), mapper=load_mapper(patents), store=store)
    assert result.added == 1, result.rejects
    con = store.current().connect()
    assert con.execute("SELECT kind FROM patents").fetchall() == [("utility_model",)]
    assert con.execute("SELECT event_type, detail FROM events").fetchall() == [("award", "china_patent_award:gold")]


@pytest.mark.parametrize(
    ("table", "field", "value", "stored"),
    [("events", "event_type", "质押", "pledge"), ("events", "event_type", "Pledge", "pledge"),
     ("events", "event_type", "抵押", None), ("copyrights", "work_type", "软件著作权", "software"),
     ("copyrights", "work_type", "专利", None), ("geographical_indications", "gi_type", "地理标志产品", "product"),
     ("trademarks", "status", "已注销", "cancelled"), ("trademarks", "status", "注销中?", None)],
)
def test_enumerated_fields_take_chinese_words_and_refuse_unknown_values(
        store: CorpusStore, tmp_path: Path, table: str, field: str, value: str, stored: str | None) -> None:
    """An unknown event type stored verbatim would count as no pledge: it is rejected with the allowed values."""
    base = {"events": {"application_number": "CN202223220665.2", "event_type": "transfer"},
            "copyrights": {"registration_number": "2024SR1", "work_type": "software"},
            "geographical_indications": {"gi_id": "GI-1", "name": "郫县豆瓣", "gi_type": "product"},
            "trademarks": {"registration_number": "12345678"}}[table]
    values = {**base, field: value}
    spec = tmp_path / "m.yaml"
    spec.write_text(f"table: {table}\nsource: list\ncolumns:\n" + "".join(f"  {f}: 列{i}\n" for i, f in enumerate(values)),
                    "utf-8")
    path = write_csv(tmp_path / "m.csv", [f"列{i}" for i in range(len(values))], [list(values.values())])
    result = import_file(path, mapper=load_mapper(spec), store=store)
    if stored is None:
        assert result.rejected == 1 and "无法识别" in result.rejects[0].reason and "可用" in result.rejects[0].reason
        assert result.rejects[0].column == f"列{list(values).index(field)}"
    else:
        assert result.added == 1
        assert store.current().connect().execute(f"SELECT {field} FROM {table}").fetchall() == [(stored,)]


def test_mapped_patent_kind_status_and_applicant_types_are_read_not_stored_verbatim(store: CorpusStore,
                                                                                   tmp_path: Path) -> None:
    """Without a parser, 实用新型 or 有权-审定授权 stored as is would break every count (or the import)."""
    spec = tmp_path / "p.yaml"
    spec.write_text("table: patents\nsource: list\ncolumns:\n  application_number: 申请号\n  title: 名称\n"
                    "  application_date: 申请日\n  kind: 类型\n  legal_status: 状态\n  applicants: 申请人\n"
                    "  applicant_types: 申请人类型\n", "utf-8")
    header = ["申请号", "名称", "申请日", "类型", "状态", "申请人", "申请人类型"]
    rows = [["CN202223220665.2", "一种摄像头", "2022-12-02", "实用新型", "有权-审定授权", "甲公司;乙大学", "企业;大专院校"],
            ["CN202122975192.6", "一种端测摄像头", "2021-11-30", "utility_model", "granted", "丙公司", "enterprise"],
            ["CN202121635235.X", "一种装置", "2021-07-16", "实用新型", "作废了", "丁公司", "企业"],
            ["CN202121635426.6", "一种系统", "2021-07-16", "实用新型", "审中-实质审查", "戊", "外星人"]]
    result = import_file(write_csv(tmp_path / "p.csv", header, rows), mapper=load_mapper(spec), store=store)
    assert (result.added, result.rejected) == (2, 2)
    assert [(r.row, r.column) for r in result.rejects] == [(4, "状态"), (5, "申请人类型")]
    assert "法律状态" in result.rejects[0].reason and "申请人类型无法识别" in result.rejects[1].reason
    con = store.current().connect()
    assert con.execute("SELECT kind, legal_status, status_group, applicant_types FROM patents ORDER BY 1, 4").fetchall() == [
        ("utility_model", "granted", "valid", ["enterprise"]),
        ("utility_model", "granted", "valid", ["enterprise", "university"])]


def test_a_partial_list_updates_what_it_names_and_keeps_the_rest(store: CorpusStore, sample_csv: Path,
                                                                tmp_path: Path) -> None:
    """A bureau list of numbers, titles and dates must not blank the abstract, IPC and legal status
    the full export gave (before: every such record became legal_status 'unknown')."""
    import_file(sample_csv, store=store, as_of=dt.date(2024, 6, 30))
    con = store.current().connect()
    query = ("SELECT title, abstract, ipc, legal_status, region_code, applicants, first_patentee_type, extra_json "
             "FROM patents WHERE application_number = 'CN202211359874.7'")
    [before] = con.execute(query).fetchall()
    spec = tmp_path / "list.yaml"
    spec.write_text("table: patents\nsource: bureau\ncolumns:\n  application_number: 申请号\n  title: 名称\n"
                    "  application_date: 申请日\n", "utf-8")
    same = write_csv(tmp_path / "same.csv", ["申请号", "名称", "申请日", "备注"],
                     [["CN202211359874.7", before[0], "2022-11-02", ""]])
    confirmed = import_file(same, mapper=load_mapper(spec), store=store, as_of=dt.date(2025, 1, 1))
    assert (confirmed.unchanged, confirmed.updated, confirmed.snapshot_id) == (1, 0, None)  # it says nothing new
    renamed = write_csv(tmp_path / "renamed.csv", ["申请号", "名称", "申请日", "备注"],
                        [["CN202211359874.7", "更正后的名称", "2022-11-02", "重点专利"]])
    result = import_file(renamed, mapper=load_mapper(spec), store=store, as_of=dt.date(2025, 1, 1))
    assert result.updated == 1
    [after] = store.current().connect().execute(query).fetchall()
    assert after[0] == "更正后的名称"
    assert after[1:7] == before[1:7] and after[3] == "granted"
    extra = json.loads(after[7])
    assert extra["备注"] == "重点专利" and json.loads(before[7]).items() <= extra.items()


def test_a_file_without_a_mapped_required_column_is_refused_at_its_header(store: CorpusStore, mapping: Path,
                                                                          tmp_path: Path) -> None:
    path = write_csv(tmp_path / "no_title.csv", ["申请号码", "申请日期", "类别"], [["CN202110000001.6", "2021-03-04", "发明"]])
    result = import_file(path, mapper=load_mapper(mapping), store=store)
    assert result.nothing_imported and [(r.row, r.column) for r in result.rejects] == [(1, "发明名称")]
    assert "缺少必需的列：发明名称" in result.rejects[0].reason
