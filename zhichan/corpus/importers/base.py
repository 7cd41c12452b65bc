"""Reading source files (CSV in any common Chinese encoding, XLSX) into numbered rows.

Rows that cannot even be read (undecodable bytes, wrong number of cells in a truncated file)
are not dropped: they become :class:`Reject` lines, and reading goes on with the next row.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from zhichan.errors import InputError

#: Encodings tried in order when none is given: UTF-8 (with or without BOM), then GB18030
#: (a superset of GBK and GB2312, which is what Chinese Excel and databases export).
CANDIDATE_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class Reject:
    """One line of a rejects report."""

    file: str
    row: int  # 1-based line/row number in the source (the header is row 1); 0 = the whole file
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class SourceRows:
    """The rows of one file: ``rows`` yields ``(row_number, {header: value})``."""

    path: Path
    header: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    encoding: str | None
    rejects: list[Reject] = field(default_factory=list)
    total_hint: int | None = None
    close: Callable[[], None] = lambda: None  # releases the open file; import_file always calls it
    #: False when the encoding was chosen from the file's first bytes only (``read_source(prefix=True)``):
    #: its reader must then check the rest, or the file be opened again without ``prefix``
    encoding_checked: bool = True


#: Bytes decoded to choose a file's encoding when its reader checks the rest (``read_source(prefix=True)``).
ENCODING_PREFIX_BYTES = 4 << 20


def _utf8_prefix(path: Path) -> bytes | None:
    """The file's first :data:`ENCODING_PREFIX_BYTES` when they are UTF-8 (a character cut at
    their end allowed) and the file is longer; else None (the whole file is to be decoded)."""
    with open(path, "rb") as fh:
        head = fh.read(ENCODING_PREFIX_BYTES + 1)
    if len(head) <= ENCODING_PREFIX_BYTES:
        return None
    head = head[:ENCODING_PREFIX_BYTES]
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    return head


def detect_encoding(path: Path, chunk_size: int = 1 << 20) -> str:
    """The encoding of a CSV file: UTF-8/GB18030 by strict decoding of the whole file (streamed
    in chunks, so a large export is never held in memory), else charset-normalizer's guess."""
    for encoding in CANDIDATE_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(chunk_size):
                    decoder.decode(chunk, final=False)
            # final=False to the end: a file cut inside its last character (a truncated export)
            # is still UTF-8; the cut row is rejected later and the rest is read.
            return encoding
        except UnicodeDecodeError:
            continue
    with open(path, "rb") as fh:
        best = from_bytes(fh.read(200_000)).best()
    return best.encoding if best is not None else "gb18030"


def _check_encoding_name(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError as exc:
        raise InputError(f"未知的文件编码：{name} / unknown encoding {name}") from exc


def read_source(path: Path, *, encoding: str | None = None, sheet: str | None = None,
                expected_columns: tuple[str, ...] = (), prefix: bool = False) -> SourceRows:
    """Open a CSV or XLSX file; the first row is the header.

    ``expected_columns`` (the importer's required columns) let a CSV header that did not decode
    be told apart from a file that lacks the columns: when another encoding gives them, the file
    is refused with that encoding named.

    ``prefix``: a caller whose reader validates UTF-8 as it reads (the columnar checks: Arrow
    validates every cell) may have a file whose first :data:`ENCODING_PREFIX_BYTES` are UTF-8
    taken as UTF-8 without decoding the rest first; the result then says ``encoding_checked=False``
    and its row count is estimated. A file that turns out not to be UTF-8 is opened again
    without ``prefix``, which decides as before.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"文件不存在：{path} / file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, encoding, delimiter="\t" if suffix == ".tsv" else ",", expected=expected_columns,
                         prefix=prefix)
    raise InputError(f"不支持的文件类型：{suffix}（支持 CSV、XLSX） / unsupported file type {suffix} (CSV or XLSX)")


def _file_reject(path: Path, reason: str, value: str = "") -> Reject:
    return Reject(file=path.name, row=0, column="", value=value, reason=reason)


#: Suggested when a header decodes under no encoding we can name.
ENCODINGS_TO_TRY = ("gb18030", "utf-8", "big5")


def _first_line(path: Path, limit: int = 1 << 16) -> bytes:
    with open(path, "rb") as fh:
        head = fh.read(limit)
    return head.split(b"\n", 1)[0].rstrip(b"\r")


def _header_encoding(path: Path, used: str, expected: tuple[str, ...], delimiter: str) -> str | None:
    """An encoding other than ``used`` under which the header holds every ``expected`` column."""
    line = _first_line(path)
    for candidate in (*CANDIDATE_ENCODINGS, *ENCODINGS_TO_TRY):
        if codecs.lookup(candidate).name == codecs.lookup(used).name:
            continue
        try:
            text = line.decode(candidate)
        except UnicodeDecodeError:
            continue
        header = [h.strip().lstrip("\ufeff") for h in next(csv.reader([text], delimiter=delimiter), [])]
        if expected and all(c in header for c in expected):
            return candidate
    return None


def _wrong_encoding_reject(path: Path, used: str, right: str | None) -> Reject:
    if right:
        return _file_reject(path, f"表头按 {used} 解码后不是可识别的列名：该文件是 {right} 编码，请改用 --encoding {right}，"
                                  f"或省略 --encoding 自动识别 / the header did not decode as {used}: the file is {right}; "
                                  f"pass --encoding {right} or omit --encoding")
    tries = "、".join(e for e in ENCODINGS_TO_TRY if codecs.lookup(e).name != codecs.lookup(used).name)
    return _file_reject(path, f"表头无法按 {used} 解码：请尝试 --encoding {tries}，或省略 --encoding 自动识别 / "
                              f"header not decodable as {used}: try --encoding {tries.replace('、', ', ')} or omit --encoding")


def _read_csv(path: Path, encoding: str | None, delimiter: str, expected: tuple[str, ...] = (),
              prefix: bool = False) -> SourceRows:
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip() and path.stat().st_size <= len(head):
        return SourceRows(path, [], iter(()), encoding, [_file_reject(path, "文件为空 / the file is empty")])
    if b"\x00" in head.split(b"\n", 1)[0] and not (encoding or "").lower().startswith("utf-16"):  # a NUL in a row rejects the row
        return SourceRows(path, [], iter(()), encoding, [_file_reject(
            path, "表头含有 NUL 字节，不是文本 CSV（二进制文件或已损坏）/ NUL bytes in the header: not a text CSV (binary or damaged file)")])
    head_utf8 = _utf8_prefix(path) if prefix and not encoding else None
    enc = _check_encoding_name(encoding) if encoding else "utf-8-sig" if head_utf8 else detect_encoding(path)
    # surrogateescape keeps undecodable bytes visible so the row holding them can be rejected
    stream = open(path, encoding=enc, errors="surrogateescape", newline="")  # noqa: SIM115 - SourceRows.close
    first = stream.read(1)
    if first != "\ufeff":
        stream.seek(0)
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        stream.close()
        return SourceRows(path, [], iter(()), enc, [_file_reject(path, "文件为空 / the file is empty")])
    except csv.Error as exc:
        stream.close()
        return SourceRows(path, [], iter(()), enc, [_file_reject(path, f"无法读取表头：{exc} / unreadable header")])
    rejects: list[Reject] = []
    if not any(header):
        stream.close()
        rejects.append(_file_reject(path, "表头为空 / the header row is empty"))
        return SourceRows(path, header, iter(()), enc, rejects)
    undecodable = any(_has_undecodable(h) for h in header)
    if undecodable or (expected and not all(c in header for c in expected)):
        right = _header_encoding(path, enc, expected, delimiter)
        if undecodable or right:
            stream.close()
            rejects.append(_wrong_encoding_reject(path, encoding or enc, right))
            return SourceRows(path, [], iter(()), enc, rejects)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        row_number = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                stream.close()
                return
            except csv.Error as exc:
                row_number += 1
                rejects.append(Reject(path.name, row_number, "", "", f"CSV 格式错误：{exc} / malformed CSV"))
                continue
            row_number += 1
            if not any(c.strip() for c in cells):
                continue  # blank line
            if len(cells) != len(header):
                rejects.append(Reject(
                    path.name, row_number, "", _preview(delimiter.join(cells)),
                    f"列数不符：应为 {len(header)} 列，实为 {len(cells)} 列（文件可能被截断） / "
                    f"expected {len(header)} cells, found {len(cells)} (truncated file?)",
                ))
                continue
            undecodable = [h for h, c in zip(header, cells, strict=True) if _has_undecodable(c)]
            if undecodable:
                rejects.append(Reject(
                    path.name, row_number, undecodable[0], _preview(_printable(cells[header.index(undecodable[0])])),
                    f"无法按 {enc} 解码的字节，请检查文件编码 / bytes not decodable as {enc}",
                ))
                continue
            yield row_number, dict(zip(header, cells, strict=True))

    if head_utf8 is not None:  # the rows estimated from the first bytes' (a progress bar's total)
        total = round(head_utf8.count(b"\n") * path.stat().st_size / len(head_utf8))
        return SourceRows(path, header, rows(), enc, rejects, total_hint=total, close=stream.close, encoding_checked=False)
    return SourceRows(path, header, rows(), enc, rejects, total_hint=_count_lines(path) - 1, close=stream.close)


def _read_xlsx(path: Path, sheet: str | None) -> SourceRows:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for damaged files
        return SourceRows(path, [], iter(()), None, [_file_reject(path, f"无法打开 XLSX 文件：{exc} / cannot open the workbook")])
    if sheet and sheet not in workbook.sheetnames:
        workbook.close()
        raise InputError(f"工作表不存在：{sheet} / no sheet {sheet}")
    ws = workbook[sheet] if sheet else workbook.worksheets[0]
    iterator = ws.iter_rows(values_only=True)
    try:
        header = ["" if h is None else str(h).strip() for h in next(iterator)]
    except StopIteration:
        workbook.close()
        return SourceRows(path, [], iter(()), None, [_file_reject(path, "文件为空 / the file is empty")])
    while header and header[-1] == "":
        header.pop()
    rejects: list[Reject] = []

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for row_number, values in enumerate(iterator, start=2):
            cells = list(values)[: len(header)] + [None] * max(0, len(header) - len(values))
            extra = [v for v in list(values)[len(header):] if v not in (None, "")]
            if all(v in (None, "") for v in cells) and not extra:
                continue
            if extra:
                rejects.append(Reject(path.name, row_number, "", _preview(str(extra)),
                                      "数据超出表头列数 / cells beyond the header's columns"))
                continue
            yield row_number, {h: ("" if v is None else v) for h, v in zip(header, cells, strict=True)}

    return SourceRows(path, header, rows(), None, rejects, total_hint=ws.max_row, close=workbook.close)


_UNDECODABLE = re.compile("[\udc80-\udcff]")


def _count_lines(path: Path, chunk_size: int = 1 << 20) -> int:
    """Newlines in the file: the progress bar's total (cells with line breaks make it an upper bound)."""
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(chunk_size), b""))


def _has_undecodable(text: str) -> bool:
    return _UNDECODABLE.search(text) is not None


def _printable(text: str) -> str:
    return text.encode("utf-8", errors="backslashreplace").decode("utf-8")


def _preview(text: str, limit: int = 120) -> str:
    text = _printable(text)
    return text if len(text) <= limit else text[:limit] + "…"
