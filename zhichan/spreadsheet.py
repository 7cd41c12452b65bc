"""Cells of the files people open in a spreadsheet program (CSV, XLSX): text is never a formula.

An applicant, title or rejected value written ``=cmd|' /C calc'!A0`` must reach the reader as
text (CSV/formula injection, OWASP). One rule decides which text is at risk —
:func:`formula_like` — and every export writes its cells through :func:`csv_cell` or
:func:`xlsx_cell`:

- CSV has no cell types, so risky text gets a leading apostrophe, which Excel, WPS and
  LibreOffice read as "text follows" and do not show.
- XLSX has them: risky text is written as a string cell with the quote-prefix style (what Excel
  itself stores when one types ``'=…``), so the value stays exactly what it was — an import of
  the file reads it back unchanged — and is never evaluated.

XLSX (XML 1.0) cannot hold most control characters; openpyxl refuses the whole workbook when a
title carries one (an imported ``\x0b``). :func:`xlsx_cell` writes each as U+FFFD, visibly, so
the export still happens (:func:`zhichan.untrusted.printable`, the definition forms are checked by); the corpus keeps
the original text.

Money is a ``Decimal`` (the platform's only Decimals are amounts in yuan): CSV writes its exact text
(``90071992547409.93``); XLSX a number cell with the format :data:`MONEY_FORMAT` (``#,##0.00``), which a
spreadsheet shows to the fen and adds up — for an amount of at most :data:`EXACT_DIGITS` significant digits
(every amount below 10 trillion yuan, to the fen). A larger one is written as its exact text: a spreadsheet
holds a number as a double and shows 15 digits of it (openpyxl writes 16), so 90,071,992,547,409.93 would read
…409.94 or …409.90 — the way a long identifier is kept as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from zhichan.untrusted import printable

#: First characters that make a spreadsheet program read a cell as a formula (OWASP's list, plus the
#: full-width forms Chinese input methods type, which WPS and Excel also accept).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


#: how an XLSX cell shows an amount of money: grouped, to the fen
MONEY_FORMAT = "#,##0.00"
#: the most significant digits a spreadsheet's number keeps exactly (Excel's 15; a double holds 15 always)
EXACT_DIGITS = 15


def formula_like(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: risky text behind an apostrophe, everything else unchanged."""
    return "'" + value if formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """``value`` for ``sheet.append``: risky text as a quote-prefixed string cell, characters XLSX
    cannot hold as U+FFFD, money (a ``Decimal``) as a number cell in :data:`MONEY_FORMAT` (its exact text beyond
    :data:`EXACT_DIGITS` digits), the rest unchanged."""
    if isinstance(value, str):
        value = printable(value)
    if isinstance(value, Decimal) and len(value.as_tuple().digits) > EXACT_DIGITS:
        return str(value)  # money a number cell would round: its exact text
    if isinstance(value, Decimal):  # money: a number cell to the fen
        from openpyxl.cell import WriteOnlyCell

        money = WriteOnlyCell(sheet, value)
        money.number_format = MONEY_FORMAT
        return money
    if not formula_like(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"  # openpyxl would otherwise store text starting with = as a formula
    cell.quotePrefix = True
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    return [xlsx_cell(sheet, v) for v in values]


def table_csv(header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A header and rows as a CSV file (UTF-8 with the BOM a spreadsheet program reads Chinese by), every cell through
    :func:`csv_cell` — the one writer of a page's list exported whole."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row(header))
    writer.writerows(csv_row(r) for r in rows)
    return out.getvalue().encode("utf-8-sig")


def table_xlsx(header: list[str], rows: Iterable[Iterable[Any]], sheet_name: str) -> bytes:
    """The same as one sheet of an XLSX file, every cell through :func:`xlsx_cell` (money a number to the fen)."""
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    sheet.append(xlsx_row(sheet, header))
    for r in rows:
        sheet.append(xlsx_row(sheet, r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_table(data: bytes, filename: str, *, max_rows: int, what: str) -> list[list[Any]]:
    """The rows (header first, at most ``max_rows`` after it) of an uploaded CSV (UTF-8 or GB18030) or the first
    sheet of an XLSX file (``what`` names it in the messages); :class:`zhichan.errors.InputError` for a file
    that cannot be read or is empty — the one reader of the rosters and lists people upload."""
    import csv
    import io

    from zhichan.errors import InputError
    from zhichan.untrusted import check_xlsx

    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        check_xlsx(data, what=what)
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a bad file
            raise InputError(f"无法读取 XLSX 文件 / cannot read the XLSX file: {exc}") from exc
        try:
            table = [list(r) for r in book.worksheets[0].iter_rows(values_only=True, max_row=max_rows + 1)]
        finally:
            book.close()
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError("无法识别文件编码（UTF-8 或 GB18030） / the file is neither UTF-8 nor GB18030")
        table = [list(r) for r in csv.reader(io.StringIO(text))][:max_rows + 1]
    if not table:
        raise InputError("文件为空 / the file is empty")
    return table
