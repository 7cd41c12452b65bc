"""Formula injection: an applicant or title written as a formula comes out of every search export
path (service CSV/XLSX, ``zhichan search --export``, the web's index-less CSV) as text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.corpus.testing import build_snapshot
from zhichan.search import service
from zhichan.search.build import build_index
from zhichan.settings import Settings

from . import corpus

PAYLOAD = "=cmd|' /C calc'!A0"
TITLE = "@SUM(1+1)*cmd|' /C calc'!A0"


def _data(settings: Settings, index: bool = True) -> None:
    evil = corpus._p("202310000099", title=TITLE, abstract="-2+3", applicants=[PAYLOAD, "+86 公司"],
                     application_date="2023-01-01", region_code="510107")
    snap = build_snapshot(settings.data_dir, patents=[*corpus.patents()[:2], evil])
    if index:
        build_index(snap, with_vectors=False)


def _read(path: Path) -> list[list[object]]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return list(csv.reader(fh))
    book = load_workbook(path)
    try:
        sheet = book["检索结果"]
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        for row in sheet.iter_rows():  # no cell is a formula, and risky text is quote-prefixed
            assert all(c.data_type != "f" for c in row)
            assert all(c.quotePrefix for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@")
        return rows
    finally:
        book.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_service_and_cli_exports_never_write_formulas(fmt: str, settings: Settings) -> None:
    _data(settings)
    out = settings.data_dir / f"api.{fmt}"
    assert service.export("TI=cmd", out) == 1
    cli_out = settings.data_dir / f"cli.{fmt}"
    ran = CliRunner().invoke(app, ["search", "TI=cmd", "--export", str(cli_out)])
    assert ran.exit_code == 0, ran.output
    for path in (out, cli_out):
        header, row = _read(path)
        cells = dict(zip(header, row, strict=True))
        if fmt == "csv":
            assert cells["名称"] == "'" + TITLE and cells["申请人"] == "'" + PAYLOAD + "; +86 公司"
            assert cells["摘要"] == "'-2+3"
        else:  # XLSX keeps the exact text, as a string cell
            assert cells["名称"] == TITLE and cells["申请人"] == PAYLOAD + "; +86 公司" and cells["摘要"] == "-2+3"


def test_the_index_less_web_csv_never_writes_formulas(settings: Settings, tmp_path: Path) -> None:
    from zhichan.platform.portal import CorpusAccess
    from zhichan.search.views import search_export

    _data(settings, index=False)
    access = CorpusAccess(settings.corpus_dir)
    try:
        path = search_export(access, "cmd", "csv", tmp_path)  # no index: the same export, by a scan
    finally:
        access.close()
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 2
    assert all(not str(cell).startswith(("=", "+", "-", "@")) for cell in rows[1])
    assert "'" + TITLE in rows[1]


def test_a_control_character_in_a_title_does_not_abort_the_xlsx_export(settings: Settings) -> None:
    odd = corpus._p("202310000098", title="一种\x0b电池\x01装置", application_date="2023-01-01", region_code="510107")
    build_index(build_snapshot(settings.data_dir, patents=[odd]), with_vectors=False)
    out = settings.data_dir / "odd.xlsx"
    assert service.export("电池", out) == 1
    header, row = _read(out)
    assert dict(zip(header, row, strict=True))["名称"] == "一种\ufffd电池\ufffd装置"
