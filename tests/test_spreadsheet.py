"""Formula injection (CSV/XLSX): the one rule, and every export path that writes cells through it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from zhichan.spreadsheet import FORMULA_TRIGGERS, csv_cell, formula_like, xlsx_row

PAYLOAD = "=cmd|' /C calc'!A0"


@settings(max_examples=300)
@given(st.sampled_from(FORMULA_TRIGGERS), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20))
def test_text_starting_with_a_trigger_is_never_a_formula(trigger: str, rest: str) -> None:
    text = trigger + rest
    assert formula_like(text)
    assert csv_cell(text) == "'" + text
    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(xlsx_row(sheet, [text, 1]))
    buffer = io.BytesIO()
    book.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue()))
    cell = read["s"]["A1"]
    assert cell.data_type == "s" and cell.quotePrefix  # a string, exactly as written, never evaluated
    assert cell.value == text or text[0] in "\t\r"  # XML may normalize leading whitespace
    read.close()


@given(st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.none(), st.text(max_size=20)))
def test_other_values_are_unchanged(value: object) -> None:
    if not formula_like(value):
        assert csv_cell(value) == value


def test_money_is_a_number_cell_to_the_fen_or_its_exact_text() -> None:
    """An amount (a Decimal) is a number a spreadsheet adds up, shown to the fen; one of more digits than a
    spreadsheet's number keeps (15) is its exact text — as a number it read …409.94 (openpyxl) or …409.90 (Excel)."""
    from decimal import Decimal

    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(xlsx_row(sheet, [Decimal("0.10"), Decimal("9999999999999.99"), Decimal("90071992547409.93"), -3]))
    buffer = io.BytesIO()
    book.save(buffer)
    [cells] = load_workbook(io.BytesIO(buffer.getvalue()))["s"].iter_rows()
    assert [(c.value, c.number_format) for c in cells] == [
        (0.1, "#,##0.00"), (9999999999999.99, "#,##0.00"), ("90071992547409.93", "General"), (-3, "General")]


def test_csv_rows_read_back_as_text(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerow([csv_cell(v) for v in (PAYLOAD, "+1", "-2", "@SUM(A1)", "＝1", "电池", -3)])
    with open(path, encoding="utf-8-sig", newline="") as fh:
        row = next(csv.reader(fh))
    assert row == ["'" + PAYLOAD, "'+1", "'-2", "'@SUM(A1)", "'＝1", "电池", "-3"]


def test_the_rejects_report_writes_rejected_values_as_text(tmp_path: Path) -> None:
    import datetime as dt

    from zhichan.corpus.importing import import_file
    from zhichan.corpus.store import CorpusStore

    sample = Path(__file__).resolve().parents[1] / "zhichan" / "corpus" / "samples" / "cn_commercial_export_10.csv"
    with open(sample, encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    bad = list(rows[0])
    bad[header.index("申请日")] = "=1+1"
    path = tmp_path / "bad.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([header, bad])
    result = import_file(path, store=CorpusStore(tmp_path / "store"), as_of=dt.date(2024, 6, 30))
    assert result.rejected == 1 and result.rejects[0].value == "=1+1"  # the result keeps the real value
    with open(result.rejects_path or "", encoding="utf-8-sig", newline="") as fh:
        report = list(csv.DictReader(fh))
    assert report[0]["value"] == "'=1+1"


def test_chain_xlsx_keeps_formula_like_names_as_text_and_round_trips() -> None:
    from zhichan.navigation.chain_io import chain_from_dict, chain_from_xlsx, chain_to_xlsx

    chain = chain_from_dict({"code": "evil", "name": PAYLOAD, "home_region": "5101", "branches": [
        {"id": "1", "name": "=HYPERLINK(\"http://x\")", "level": 1, "query": "IPC=H01M", "description": "-1"}]})
    data = chain_to_xlsx(chain)
    assert chain_from_xlsx(data) == chain
    book = load_workbook(io.BytesIO(data))
    try:
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells)
    finally:
        book.close()


@given(st.text(st.characters(max_codepoint=0x3000), max_size=30))
def test_any_text_can_be_written_to_xlsx(text: str) -> None:
    """Control characters (an imported title with \\x0b) no longer abort the whole export."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(xlsx_row(sheet, [text]))
    book.save(io.BytesIO())


def test_the_levers_csv_export_writes_formulas_as_text(tmp_path: Path) -> None:
    import datetime as dt

    import pyarrow as pa

    from zhichan.indicators.cli import _print_patents

    table = pa.table({"application_number": ["CN1"], "title": [PAYLOAD], "first_patentee": ["+86 公司"],
                      "application_date": [dt.date(2020, 1, 2)], "sei_codes": [["1.1"]], "fee": [-3]})
    out = tmp_path / "levers.csv"
    _print_patents(table, [], "t", out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["application_number", "title", "first_patentee", "application_date", "fee"],
                    ["CN1", "'" + PAYLOAD, "'+86 公司", "2020-01-02", "-3"]]
