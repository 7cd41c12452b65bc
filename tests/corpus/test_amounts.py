"""Money in the corpus is exact: an event's amount is parsed from text as a Decimal, stored as
``decimal128(18, 2)`` and summed as such by every reader; a snapshot that stored it as ``float64``
reads to the fen (docs/corpus.md, "Amounts")."""

from __future__ import annotations

import csv
import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.corpus.helpers import as_float64_amounts, write_csv
from zhichan.corpus.importing import import_file, load_mapper
from zhichan.corpus.keyindex import build_key_index, index_path
from zhichan.corpus.rights import lookup_rows, rights_on
from zhichan.corpus.schema import MONEY, TABLES
from zhichan.corpus.store import CorpusStore
from zhichan.corpus.testing import build_snapshot, event, patent
from zhichan.errors import InputError
from zhichan.indicators import service

AS_OF = dt.date(2024, 12, 31)
WUHOU, JINJIANG = "510107", "510104"  # two districts of 成都市 (5101)
EVENTS_MAPPING = ("table: events\nsource: pledge_list\ncolumns:\n  application_number: 申请号\n"
                  "  event_type: 事件\n  event_date: 日期\n  amount_yuan: {amount}\n")
HEADER = ["申请号", "事件", "日期"]


def _two_districts(root: Path) -> tuple[CorpusStore, str, str]:
    wuhou = patent("CN202010000001", region_code=WUHOU, applicants=["成都示例科技有限公司"])
    jinjiang = patent("CN202010000002", region_code=JINJIANG, applicants=["锦江示例材料有限公司"])
    build_snapshot(root, patents=[wuhou, jinjiang])
    return CorpusStore(root / "corpus"), wuhou["application_number"], jinjiang["application_number"]


def _import(root: Path, store: CorpusStore, amount_rule: str, column: str, rows: list[list[str]]):  # type: ignore[no-untyped-def]
    (root / "map.yaml").write_text(EVENTS_MAPPING.format(amount=amount_rule), "utf-8")
    path = write_csv(root / "pledges.csv", [*HEADER, column], rows)
    return import_file(path, mapper=load_mapper(root / "map.yaml"), store=store, as_of=AS_OF)


def test_amounts_are_exact_from_the_import_to_the_figure_and_its_records(tmp_path: Path) -> None:
    """0.10 in one district and 0.20 in the other are 0.30 in the city, not 0.30000000000000004 (the districts'
    sums were added up as floats); 12,345,678,901.23 is kept to the fen through the snapshot, the figure, its
    records and their export, which writes an amount as stored (0.10, not 0.1); an amount finer than the fen is a
    reject of its row (file, row, column, value, the reason in Chinese first), never rounded."""
    store, wuhou, jinjiang = _two_districts(tmp_path)
    result = _import(tmp_path, store, "质押金额（元）", "质押金额（元）", [
        [wuhou, "pledge", "2024-05-06", "0.10"],
        [jinjiang, "pledge", "2024-05-07", "0.2"],
        [wuhou, "pledge", "2024-06-01", "12,345,678,901.23"],
        [jinjiang, "pledge", "2024-06-02", "1.005"],
        [jinjiang, "pledge", "2024-06-03", "-5"],
    ])
    assert (result.added, result.rejected) == (3, 2), result.rejects
    by_row = {r.row: r for r in result.rejects}
    assert (by_row[5].column, by_row[5].value) == ("质押金额（元）", "1.005")
    assert by_row[5].reason.startswith("质押金额（元）最多 2 位小数") and "at most 2 decimals" in by_row[5].reason
    assert by_row[6].reason.startswith("质押金额（元）不能为负数")
    snapshot = store.current()
    assert pq.read_schema(snapshot.files("events")[0]).field("amount_yuan").type == MONEY
    con = snapshot.connect()
    try:
        assert con.execute("SELECT sum(amount_yuan) FROM events").fetchone()[0] == Decimal("12345678901.53")
    finally:
        con.close()

    values = {v.region_code: v.value for v in service.compute(["ip_pledge_amount"], ["5101", WUHOU, JINJIANG],
                                                              AS_OF, snapshot=snapshot)}
    assert values == {"5101": Decimal("12345678901.53"), WUHOU: Decimal("12345678901.33"), JINJIANG: Decimal("0.20")}
    cheap = {v.region_code: v.value for v in service.compute(
        ["ip_pledge_amount"], ["5101"], dt.date(2024, 5, 31), snapshot=snapshot)}
    assert cheap["5101"] == Decimal("0.30")  # the two districts' 0.10 and 0.20, added up exactly (0.1 + 0.2 as floats)

    records = service.drilldown("ip_pledge_amount", "5101", AS_OF, snapshot=snapshot)
    assert records.schema.field("amount_yuan").type == MONEY
    assert sorted(records.column("amount_yuan").to_pylist()) == [Decimal("0.10"), Decimal("0.20"),
                                                                 Decimal("12345678901.23")]
    exported = service.export_drilldown("ip_pledge_amount", "5101", AS_OF, tmp_path / "records.csv", snapshot=snapshot)
    with open(exported, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["amount_yuan"] for r in rows) == ["0.10", "0.20", "12345678901.23"]

    pledges = rights_on(snapshot, [wuhou], AS_OF)[wuhou].active_pledges
    assert sorted(p.amount_yuan for p in pledges) == [Decimal("0.10"), Decimal("12345678901.23")]


def test_an_amount_column_in_wan_yuan(tmp_path: Path) -> None:
    """A 质押金额（万元） column says its unit in the mapping: 120.5 万元 is 1,205,000.00 元, to the fen (six decimals
    in 万元); a seventh decimal is a reject. A unit on a column that is not an amount refuses the mapping."""
    store, wuhou, jinjiang = _two_districts(tmp_path)
    rule = "{column: 质押金额（万元）, unit: wan_yuan}"
    result = _import(tmp_path, store, rule, "质押金额（万元）", [
        [wuhou, "pledge", "2024-05-06", "120.5"],
        [jinjiang, "pledge", "2024-05-07", "0.000001"],
        [jinjiang, "pledge", "2024-05-08", "0.0000001"],
    ])
    assert (result.added, result.rejected) == (2, 1), result.rejects
    assert result.rejects[0].row == 4 and result.rejects[0].reason.startswith("质押金额（万元）最多 6 位小数")
    con = store.current().connect()
    try:
        assert sorted(r[0] for r in con.execute("SELECT amount_yuan FROM events").fetchall()) == [
            Decimal("0.01"), Decimal("1205000.00")]
    finally:
        con.close()
    (tmp_path / "bad.yaml").write_text(EVENTS_MAPPING.format(amount="金额") + "  party_to: {column: 银行, unit: yuan}\n",
                                       "utf-8")
    with pytest.raises(InputError, match="只有金额字段可以指定单位"):
        load_mapper(tmp_path / "bad.yaml")


def test_a_snapshot_written_with_float_amounts_reads_them_to_the_fen(tmp_path: Path) -> None:
    """A snapshot written before amounts were exact (``float64``) is read as ``DECIMAL(18, 2)`` by its views, a right's
    lookup (key index or DuckDB) and the key index built from it; an import on top of it links the parts it does not
    change, so the next snapshot mixes both kinds, and still sums exactly."""
    wuhou = patent("CN202010000001", region_code=WUHOU)
    amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("12345678901.23")]
    build_snapshot(tmp_path, patents=[wuhou], events=[
        event(wuhou["application_number"], "pledge", f"2024-0{i + 1}-01", party_to=f"银行{i}", amount_yuan=a)
        for i, a in enumerate(amounts)])
    store = CorpusStore(tmp_path / "corpus")
    old = store.current()
    as_float64_amounts(old.path)
    assert pq.read_schema(old.files("events")[0]).field("amount_yuan").type == pa.float64()

    con = old.connect()
    try:
        assert con.execute("SELECT typeof(amount_yuan), sum(amount_yuan) OVER () FROM events LIMIT 1").fetchone() == (
            "DECIMAL(18,2)", Decimal("12345678901.53"))
    finally:
        con.close()
    number = wuhou["application_number"]
    for key_index in (True, False):
        _, rows = lookup_rows(old, [number], key_index=key_index)
        assert [r[3] for r in rows] == amounts, key_index
    build_key_index(old.path, ("events",))  # from the float64 parts
    assert pa.ipc.open_file(pa.memory_map(str(index_path(old.path, "events")))).schema.field("amount_yuan").type == MONEY

    # an update import links the stored parts no new record falls into: a snapshot may hold parts of both kinds,
    # and DuckDB reads a column of several files as the first one's type
    later = build_snapshot(tmp_path / "later", patents=[wuhou], events=[
        event(wuhou["application_number"], "pledge", "2024-05-01", party_to="银行9", amount_yuan=Decimal("0.01"))])
    os.link(later.files("events")[0], old.path / "events" / "part-00001.parquet")
    assert [pq.read_schema(f).field("amount_yuan").type for f in old.files("events")] == [pa.float64(), MONEY]
    con = old.connect()
    try:
        assert con.execute("SELECT sum(amount_yuan) FROM events").fetchone()[0] == Decimal("12345678901.54")
    finally:
        con.close()


def test_every_money_column_of_the_corpus_is_exact() -> None:
    assert TABLES["events"][0].field("amount_yuan").type == MONEY == pa.decimal128(18, 2)


@pytest.mark.parametrize("amount", ["2500000.00", "0.10", "12345678901.23", "7.25", "0.01"])
def test_an_events_id_and_hash_are_those_it_had_as_a_float(amount: str) -> None:
    """An event stored before amounts were exact keeps its id and content hash (they wrote the float: ``2500000.0``,
    ``0.1``): a re-import of the same file finds its events unchanged and adds none twice."""
    import hashlib
    import json

    from zhichan.corpus.records import _content_names, content_hash, event_id

    row = event("CN202010000001.1", "pledge", "2024-05-06", party_from="甲公司", party_to="某银行", detail="出质登记",
                amount_yuan=Decimal(amount))
    old_key = "|".join(["CN202010000001.1", "pledge", "2024-05-06", str(float(amount)), "甲公司", "某银行", "出质登记"])
    assert row["event_id"] == event_id(row) == hashlib.sha256(old_key.encode()).hexdigest()[:32]
    as_float = {name: row[name] for name in _content_names("events")} | {"amount_yuan": float(amount)}
    old_hash = hashlib.sha256(json.dumps(as_float, ensure_ascii=False, sort_keys=True, default=str,
                                         separators=(",", ":")).encode()).hexdigest()
    assert row["content_hash"] == content_hash("events", row) == old_hash


def test_a_spreadsheets_number_cell_reads_as_excel_shows_it() -> None:
    """An XLSX number cell arrives as a float: read to the 15 significant digits Excel keeps and shows, 0.1 + 0.2 is
    0.30, not a reject for its 17th decimal; a text cell is read as written."""
    from zhichan.corpus.importers.rows import parse_amount
    from zhichan.corpus.validate import FieldError

    assert parse_amount(0.1 + 0.2, "金额") == Decimal("0.30")
    assert parse_amount(12345678901.23, "金额") == Decimal("12345678901.23")
    assert parse_amount(1205000, "金额") == Decimal("1205000.00")
    assert parse_amount("１，２００.５ 元", "金额") == Decimal("1200.50")
    assert parse_amount("120.5万元", "金额", "wan_yuan") == Decimal("1205000.00")
    for bad in ("1.005", "abc", "-1", "1e16"):
        with pytest.raises(FieldError):
            parse_amount(bad, "金额")
