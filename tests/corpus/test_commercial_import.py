"""The 10 real records of a commercial export import, with every field checked on three of them."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.corpus.helpers import write_csv
from zhichan.corpus.importing import import_file, load_mapper
from zhichan.corpus.store import CorpusStore

AS_OF = dt.date(2024, 6, 30)


def _records(store: CorpusStore) -> dict[str, dict]:
    con = store.current().connect()
    table = con.sql("SELECT * FROM patents").to_arrow_table()
    return {row["application_number"]: row for row in table.to_pylist()}


def test_all_ten_sample_records_import(store: CorpusStore, sample_csv: Path) -> None:
    result = import_file(sample_csv, store=store, as_of=AS_OF)
    assert (result.rows_read, result.added, result.rejected) == (10, 10, 0), result.rejects
    assert store.current().counts["patents"] == 10
    assert result.encoding == "utf-8-sig"


def test_utility_model_record_fields(store: CorpusStore, sample_csv: Path) -> None:
    import_file(sample_csv, store=store, as_of=AS_OF)
    r = _records(store)["CN202223220665.2"]
    assert r["kind"] == "utility_model"
    assert (r["application_date"], r["publication_date"], r["grant_date"]) == (
        dt.date(2022, 12, 2), dt.date(2023, 3, 28), dt.date(2023, 3, 28))
    assert (r["publication_number"], r["grant_number"]) == ("CN218751475U", "CN218751475U")
    assert r["title"] == "一种无人机机载多功能盒"
    assert r["abstract"].startswith("为解决目前无人机在实际的使用过程中") and r["abstract"].endswith("具有减震效果的结构。")
    assert r["first_claim"].startswith("1.一种无人机机载多功能盒，其特征在于")
    assert r["applicants"] == ["中科大数据研究院"] and r["current_patentees"] == ["中科大数据研究院"]
    assert r["first_patentee"] == "中科大数据研究院" and r["first_patentee_type"] == "institute"
    assert r["applicant_types"] == ["institute"]
    assert r["inventors"] == ["刘迪", "刘敏", "王煜伟", "付艳波", "王元卓"]
    assert r["applicant_address"] == "河南省郑州市郑东新区中道东路6号创意岛大厦8层" and r["postal_code"] == "450000"
    assert (r["province_code"], r["city_code"], r["region_code"]) == ("41", "4101", "410100")
    assert r["is_domestic"] is True and r["applicant_country"] == "CN"
    assert (r["legal_status"], r["status_group"], r["legal_status_raw"]) == ("granted", "valid", "有权-审定授权")
    assert r["main_ipc"] == "B64U20/80" and r["ipc"] == ["B64U20/80", "B64U101/30"] and r["ipc_subclasses"] == ["B64U"]
    assert r["agency"] == "郑州明华专利代理事务所（普通合伙）" and r["agents"] == ["袁艳丽"]
    assert r["priority_numbers"] == [] and r["priority_date"] is None
    assert (r["backward_citations"], r["transfer_count"], r["licence_count"], r["pledge_count"]) == (0, 0, 0, 0)
    assert r["lapse_date"] is None and r["family_members"] == [] and r["family_granted_abroad"] is False
    assert r["substantive_exam_date"] is None  # 实质审查日 "0" means none
    assert r["synthetic"] is False and r["source"] == "commercial_export" and r["source_row"] == 2
    assert r["source_date"] == AS_OF and r["source_file"] == "cn_commercial_export_10.csv"
    extra = json.loads(r["extra_json"])
    assert extra["序号"] == "1" and extra["第一发明人"] == "刘迪" and extra["全文链接"] == "查看CN202223220665.2"
    assert extra["当前著录项联系人通讯地址"] == "河南省郑州市郑东新区中道东路6号创意岛大厦8层"


def test_pending_invention_record_fields(store: CorpusStore, sample_csv: Path) -> None:
    import_file(sample_csv, store=store, as_of=AS_OF)
    r = _records(store)["CN202211740332.4"]
    assert r["kind"] == "invention" and r["grant_date"] is None and r["grant_number"] is None
    assert (r["legal_status"], r["status_group"]) == ("under_examination", "pending")
    assert r["publication_number"] == "CN116245100A" and r["publication_date"] == dt.date(2023, 6, 9)
    assert r["title"] == "一种基于图模型的新闻关键词抽取方法及装置"
    assert r["inventors"] == ["吴琼", "刘武雷", "王元卓", "郭建永", "张旭阳", "樊天佑"]
    assert r["ipc"] == ["G06F40/289", "G06F40/216", "G06F16/901", "G06F16/33", "G06F16/31"]
    assert r["ipc_subclasses"] == ["G06F"]
    assert r["substantive_exam_date"] == dt.date(2023, 6, 27)
    assert r["postal_code"] == "450046" and r["applicant_address"].startswith("河南省郑州市郑东新区中州大道")
    assert r["agents"] == ["袁艳丽"]


def test_granted_invention_record_fields(store: CorpusStore, sample_csv: Path) -> None:
    import_file(sample_csv, store=store, as_of=AS_OF)
    r = _records(store)["CN202211359874.7"]
    assert r["kind"] == "invention"  # 专利类型 "发明公开;发明授权"
    assert (r["grant_date"], r["grant_number"]) == (dt.date(2024, 4, 5), "CN115883397B")
    assert r["publication_number"] == "CN115883397A"
    assert r["examiner"] == "邓雪彬"
    assert r["cited_non_patent"] == ["仇韫琦等.面向知识库问答的问句语义解析研究综述.《电子学报》.2022,第50卷（第09期）,2242-2264."]
    assert r["cited_patents"] == [] and r["backward_citations"] == 0
    assert r["main_ipc"] == "H04L43/02" and r["ipc"] == ["H04L43/02", "H04L9/40", "H04L67/025"]
    assert r["substantive_exam_date"] == dt.date(2023, 4, 18)
    assert r["inventors"] == ["李玺", "康锐文", "冯凯", "王元卓"]


def test_sample_as_xlsx_imports_identically(store: CorpusStore, sample_csv: Path, sample_rows, tmp_path: Path) -> None:
    header, rows = sample_rows
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:  # numbers as numbers, the way Excel stores an export it has opened
        ws.append([int(v) if v.isdigit() and len(v) < 15 else v for v in row])
    xlsx = tmp_path / "export.xlsx"
    wb.save(xlsx)
    result = import_file(xlsx, store=store, as_of=AS_OF)
    assert (result.added, result.rejected) == (10, 0), result.rejects
    from_xlsx = _records(store)
    other = CorpusStore(tmp_path / "csv-corpus")
    import_file(sample_csv, store=other, as_of=AS_OF)
    from_csv = _records(other)
    assert {k: v["content_hash"] for k, v in from_xlsx.items()} == {k: v["content_hash"] for k, v in from_csv.items()}


def test_gb18030_export_is_detected(store: CorpusStore, sample_csv: Path, tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(sample_csv.read_text("utf-8-sig").encode("gb18030"))
    result = import_file(gbk, store=store, as_of=AS_OF)
    assert result.encoding == "gb18030" and result.added == 10 and not result.rejects
    assert _records(store)["CN202223220665.2"]["title"] == "一种无人机机载多功能盒"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("有权-审定授权", "granted"), ("审中-实质审查", "under_examination"), ("审中-公开", "published"),
     ("无权-未缴年费", "lapsed_unpaid"), ("无权-驳回", "rejected"), ("无权-视为撤回", "withdrawn"),
     ("无权-期限届满", "expired"), ("无权-全部无效", "invalidated"), ("有权-部分无效", "granted"),
     ("无权-其他原因", "terminated"), ("PCT-未进入国家阶段", "pct_not_entered")],
)
def test_legal_status_strings_map_to_the_enum(text: str, expected: str) -> None:
    from zhichan.corpus.importers.commercial import parse_legal_status

    assert parse_legal_status(text).value == expected


def test_family_granted_abroad_reads_kind_codes() -> None:
    from zhichan.corpus.importers.commercial import family_countries, granted_abroad

    assert granted_abroad(["CN115883397A", "US11234567B2"]) is True
    assert granted_abroad(["CN115883397B", "WO2023123456A1", "US20230123456A1"]) is False
    assert family_countries(["CN1A", "US2B2", "ep3b1"]) == ["CN", "EP", "US"]


def test_export_layout_matches_the_real_header_and_round_trips(store: CorpusStore, sample_csv: Path, sample_rows,
                                                              tmp_path: Path) -> None:
    from zhichan.corpus.exporting import COMMERCIAL_HEADER, export_commercial
    from zhichan.corpus.importers.commercial import DIRECT_COLUMNS, EXTRA_COLUMNS, SPECIAL_COLUMNS

    header, _ = sample_rows
    assert header == COMMERCIAL_HEADER  # and the importer understands every one of the 61 columns:
    assert set(header) == set(DIRECT_COLUMNS.values()) | set(SPECIAL_COLUMNS) | set(EXTRA_COLUMNS)
    assert len(header) == 61
    import_file(sample_csv, store=store, as_of=AS_OF)
    out = tmp_path / "out.csv"
    assert export_commercial(store.current(), out) == 10
    again = CorpusStore(tmp_path / "again")
    result = import_file(out, store=again, as_of=AS_OF)
    assert (result.added, result.rejected) == (10, 0), result.rejects
    fields = ["kind", "application_date", "grant_date", "title", "abstract", "ipc", "main_ipc", "applicants",
              "inventors", "legal_status", "region_code", "agency", "agents", "cited_non_patent", "examiner",
              "substantive_exam_date", "postal_code", "applicant_types", "first_patentee"]
    first, second = _records(store), _records(again)
    for number, record in first.items():
        assert {f: record[f] for f in fields} == {f: second[number][f] for f in fields}


def test_transfer_pledge_licence_invalidation_dates_become_events(store: CorpusStore, sample_rows,
                                                                   tmp_path: Path) -> None:
    from tests.corpus.helpers import write_csv

    header, rows = sample_rows
    row = list(rows[9])  # the granted invention CN202211359874.7
    col = header.index
    row[col("转让日期")] = "20240501;20240901"
    row[col("专利转移次数")] = "2"
    row[col("质押日期")] = "20240610"
    row[col("质押次数")] = "1"
    row[col("许可日期")] = "2024-07-01"
    row[col("无效宣告日期")] = ""
    row[col("法律事件")] = "20240405 授权;20240501 专利权的转移"
    bad = list(rows[0])
    bad[col("质押日期")] = "20241350"
    result = import_file(write_csv(tmp_path / "events.csv", header, [row, bad]), store=store, as_of=AS_OF)
    assert (result.added, result.rejected) == (1, 1)
    assert result.rejects[0].column == "质押日期" and result.rejects[0].value == "20241350"
    con = store.current().connect()
    events = con.execute("SELECT event_type, event_date, detail FROM events ORDER BY event_date, event_type").fetchall()
    assert events == [
        ("legal_status_change", dt.date(2024, 4, 5), "授权"),
        ("legal_status_change", dt.date(2024, 5, 1), "专利权的转移"),
        ("transfer", dt.date(2024, 5, 1), "转让日期"),
        ("pledge", dt.date(2024, 6, 10), "质押日期"),
        ("licence", dt.date(2024, 7, 1), "许可日期"),
        ("transfer", dt.date(2024, 9, 1), "转让日期"),
    ]
    patent = _records(store)["CN202211359874.7"]
    assert (patent["transfer_count"], patent["pledge_count"]) == (2, 1)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_term_compensation_in_the_legal_events_lengthens_the_term(store: CorpusStore, sample_rows, tmp_path: Path,
                                                                     suffix: str) -> None:
    """专利法 第四十二条第二款; 细则 第八十四条: CNIPA registers and announces a compensation — a 法律事件 entry. Read on
    both import paths (the CSV's columnar one, the XLSX's row by row)."""
    from tests.corpus.helpers import write_csv
    from zhichan.corpus.rights import right_on

    header, rows = sample_rows
    row = list(rows[9])  # the granted invention CN202211359874.7, filed 2022-11-02
    row[header.index("法律事件")] = "20240405 授权;20240620 专利权期限补偿，补偿天数：123天"
    if suffix == "csv":
        path = write_csv(tmp_path / "compensated.csv", header, [row])
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(header)
        sheet.append(row)
        path = tmp_path / "compensated.xlsx"
        book.save(path)
    result = import_file(path, store=store, as_of=AS_OF)
    assert (result.added, result.rejected) == (1, 0), result.rejects
    events = store.current().connect().execute(
        "SELECT event_type, event_date, detail FROM events ORDER BY event_date").fetchall()
    assert events == [("legal_status_change", dt.date(2024, 4, 5), "授权"),
                      ("legal_status_change", dt.date(2024, 6, 20), "专利权期限补偿，补偿天数：123天")]
    right = right_on(store.current(), "CN202211359874.7", AS_OF)
    assert right.term is not None and right.term.compensated
    statutory = right.term.statutory_end
    assert (statutory, right.term_end) == (dt.date(2042, 11, 1), dt.date(2043, 3, 4))  # + 123 days
    assert right_on(store.current(), "CN202211359874.7", dt.date(2043, 3, 4)).in_force
    assert not right_on(store.current(), "CN202211359874.7", dt.date(2043, 3, 5)).in_force


def test_a_generated_corpus_round_trips_through_the_commercial_layout(tmp_path: Path) -> None:
    """Every kind of value the generator produces (events, families, PCT, statuses) survives
    export → import without a reject: the importer reads what the layout can carry."""
    from zhichan.corpus.exporting import export_commercial
    from zhichan.corpus.generator import generate

    source = generate(800, 11, store=CorpusStore(tmp_path / "source"))
    out = tmp_path / "export.csv"
    assert export_commercial(source, out) == 800
    target = CorpusStore(tmp_path / "target")
    result = import_file(out, store=target, as_of=dt.date(2025, 12, 31))
    assert (result.added, result.rejected) == (800, 0), result.rejects[:5]
    fields = "application_number, kind, application_date, grant_date, lapse_date, legal_status, main_ipc, ipc, title"
    query = f"SELECT {fields} FROM patents ORDER BY application_number"
    assert target.current().connect().execute(query).fetchall() == source.connect().execute(query).fetchall()
    counts = "SELECT event_type, count(*) FROM events WHERE event_type IN ('transfer','pledge','licence') GROUP BY 1"
    assert dict(target.current().connect().execute(counts).fetchall()) == dict(
        source.connect().execute(counts).fetchall())


@pytest.mark.parametrize(
    ("label", "country"),
    [("河南(41)", "CN"), ("香港(81)", "HK"), ("澳门(82)", "MO"), ("台湾(71)", "TW"), ("中国台湾(71)", "TW"),
     ("中国香港", "HK"), ("美国(US)", "US")],
)
def test_hong_kong_macao_taiwan_and_foreign_labels_are_kept_and_not_domestic(
        store: CorpusStore, sample_rows, tmp_path: Path, label: str, country: str) -> None:  # type: ignore[no-untyped-def]
    """港澳台 are recognised (not dropped as unknown labels) and, like foreign applicants, count in
    no official domestic indicator."""
    from zhichan.indicators import service

    header, rows = sample_rows
    invention = list(rows[-1])  # the sample's one granted invention: a valid invention when domestic
    invention[header.index("国省代码")] = label
    if country == "HK":
        invention[header.index("申请人地址")] = "香港九龙湾宏照道38号"
    result = import_file(write_csv(tmp_path / "origin.csv", header, [*rows[:-1], invention]), store=store, as_of=AS_OF)
    assert (result.added, result.rejected) == (10, 0), result.rejects
    snapshot = store.current()
    stored = snapshot.connect().execute("SELECT applicant_country, is_domestic, province_code IS NULL FROM patents "
                                        "WHERE application_number = 'CN202211359874.7'").fetchall()
    assert stored == [(country, country == "CN", country != "CN")]
    [national] = service.compute(["valid_inventions"], ["CN"], AS_OF, snapshot=snapshot)
    assert national.value == (1 if country == "CN" else 0)
    from zhichan.corpus.exporting import export_commercial  # and the export writes a label that reads back

    out = tmp_path / "out.csv"
    export_commercial(snapshot, out, where="application_number = 'CN202211359874.7'")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        label_out = list(csv.reader(fh))[1][header.index("国省代码")]
    assert label_out == {"CN": "河南省(41)", "HK": "香港(81)", "MO": "澳门(82)", "TW": "台湾(71)", "US": "US(US)"}[country]


def test_a_mapped_province_column_reads_hong_kong_macao_taiwan(store: CorpusStore, tmp_path: Path) -> None:
    spec = tmp_path / "tm.yaml"
    spec.write_text("table: trademarks\nsource: tm\ncolumns:\n  registration_number: 注册号\n"
                    "  province_code: {column: 省份, parser: province_label}\n", "utf-8")
    path = write_csv(tmp_path / "tm.csv", ["注册号", "省份"], [["1", "四川"], ["2", "澳门(82)"], ["3", "火星(99)"]])
    result = import_file(path, mapper=load_mapper(spec), store=store)
    assert (result.added, result.rejected) == (2, 1) and result.rejects[0].column == "省份"
    assert store.current().connect().execute(
        "SELECT registration_number, province_code, is_domestic FROM trademarks ORDER BY 1").fetchall() == [
        ("1", "51", True), ("2", None, False)]
