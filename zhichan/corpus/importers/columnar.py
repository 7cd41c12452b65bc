"""The commercial export layout checked a column at a time: the fast path of an import.

Arrow reads a UTF-8 CSV as text in batches; DuckDB checks and converts every column of a
batch at once (check characters, dates, integers, IPC syntax, list splitting, the address's
postal code, the content hash); the few low-cardinality labels (专利类型, 法律状态, 国省代码,
申请人类型), applicant names and addresses are resolved once per distinct value in Python.

A row is finalized here only when every cell is in the common form these expressions
understand. Any other row — an unusual date form, a wrong check character, a stray space or
control character, a label no rule knows — is handed back to the row path
(:meth:`CommercialExportMapper.map_row`), which accepts it or writes its rejects exactly as
before. So a row accepted here gets the record the row path would make (byte for byte, content
hash included: ``tests/corpus/test_columnar_import.py`` imports the same files both ways), and
a row that fails a check always takes the one path that writes the rejects report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from zhichan.corpus.importers.commercial import (
    DIRECT_COLUMNS,
    EXTRA_COLUMNS,
    CommercialExportMapper,
    commercial_events,
    parse_kind,
    parse_legal_status,
    parse_origin_label,
)
from zhichan.corpus.importers.rows import RowErrors
from zhichan.corpus.records import MAINLAND_PROVINCES, PROVENANCE_FIELDS
from zhichan.corpus.schema import LEGAL_STATUS_GROUP, MONEY, TABLES, LegalStatus
from zhichan.corpus.validate import KIND_DIGITS, FieldError
from zhichan.legaltime import china_today

#: Python's ``str.strip()`` whitespace, as an RE2 class: a cell starting or ending with one of
#: these is stripped by the row path, so such a cell (rare) is left to it.
_WS = r"[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
#: A value holding one of these cannot be a number in scientific notation after NFKC.
_NOT_NUMBER = r"[A-DF-Za-df-z\x{3400}-\x{9fff}/;:,()_#%&@\[\]]"
_IPC = r"[A-H][0-9]{2}[A-Z][1-9][0-9]{0,3}/[0-9]{2}(?:[0-9]{0,3}[1-9])?"
_LIST_SPLIT = "[;；]"

#: Columns read as one string field (NFC-normalized and stripped by the row path).
_TEXT_FIELDS = ("publication_number", "grant_number", "title", "abstract", "first_claim", "agency",
                "first_patentee", "pct_application_number", "pct_publication_number", "examiner")
_LIST_FIELDS = ("applicants", "inventors", "agents", "priority_numbers", "current_patentees", "cited_patents",
                "cited_non_patent", "family_members", "cpc")
_DATE_FIELDS = ("application_date", "publication_date", "grant_date", "lapse_date", "pct_application_date",
                "pct_publication_date", "national_entry_date", "substantive_exam_date")
_INT_FIELDS = ("backward_citations", "family_size", "transfer_count", "licence_count", "pledge_count")
_EVENT_COLUMNS = ("转让日期", "质押日期", "许可日期", "无效宣告日期", "法律事件")
_LABEL_COLUMNS = ("专利类型", "法律状态", "申请人地址", "国省代码", "申请人类型", "优先权日", "CPC主分类号")


def _list_sql(cell: str) -> str:
    """``validate.split_list`` of a cell whose only whitespace is U+0020 (``_byte_checks`` sends
    any other to the row path): the items between separators, spaces around them dropped. An
    empty cell is an empty list without splitting it; no trim: a cell starting or ending with a
    space takes the row path (``_byte_checks``), so this result of such a row is never kept."""
    return (f"CASE WHEN {cell} = '' THEN []::VARCHAR[] "
            f"ELSE list_filter(string_split_regex({cell}, ' *{_LIST_SPLIT} *'), lambda x: x <> '') END")


class NotColumnar(Exception):
    """The file is not one the fast path reads as the row path does (it then reads it row by row)."""


def eligible(mapper: Any, path: Path, encoding: str | None = "utf-8", header: list[str] | None = None) -> bool:
    """Commercial layout, a UTF-8 comma-separated file, a header of distinct named columns
    (without ``header``: whether a file of this mapper and name can be, before it is opened)."""
    return (type(mapper) is CommercialExportMapper and path.suffix.lower() in (".csv", ".txt")
            and (encoding or "").replace("_", "-").lower() in ("utf-8", "utf-8-sig", "utf8")
            and (header is None or (len(set(header)) == len(header) and all(header))))


#: How long the import's Arrow allocator keeps freed pages for the next batch (milliseconds).
ARROW_DECAY_MS = 5000


def reusing_pool() -> pa.MemoryPool:
    """Arrow's jemalloc pool, freed pages kept :data:`ARROW_DECAY_MS`: each batch then reuses the
    last one's pages, where Arrow's default allocator (mimalloc) hands them back to the system and
    faults in (and zeroes) fresh ones. The default pool when pyarrow was built without jemalloc.
    The worker processes use it for all their Arrow memory (1M records: 105 CPU-µs a record
    instead of 110, 24 system CPU-s instead of 30), the CSV reader for the batches it reads
    (99–100 µs instead of 102–103)."""
    try:
        pa.jemalloc_set_decay_ms(ARROW_DECAY_MS)
        return pa.jemalloc_memory_pool()
    except NotImplementedError:
        return pa.default_memory_pool()


#: Bytes of the file Arrow reads into one record batch (batches of ``rows`` are made of these).
READ_BLOCK_BYTES = 4 << 20


def read_batches(path: Path, header: list[str], rows: int) -> Iterator[pa.Table]:
    """The data rows as text, ``rows`` at a time, with ``__row`` (the row number, header = 1).

    A row Arrow cannot split into the header's cells raises :class:`NotColumnar`: its row
    number would be unknown, so the file is read by the row path instead.
    """
    with open(path, "rb") as fh:  # a file cut inside its last character: Arrow cannot even show that row
        fh.seek(max(0, path.stat().st_size - 4096))
        try:
            fh.read().lstrip(bytes(range(0x80, 0xC0))).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotColumnar("the file ends inside a character") from exc
    bad: list[Any] = []

    def invalid(row: Any) -> str:
        bad.append(row.number)
        return "skip"

    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=READ_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
            memory_pool=reusing_pool(),  # the batches' buffers: the pages of the ones before reused
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise NotColumnar(str(exc)) from exc
    first = 2
    pending: list[pa.RecordBatch] = []
    size = 0
    try:
        for batch in reader:
            if bad:
                raise NotColumnar("malformed rows")
            pending.append(batch)
            size += batch.num_rows
            if size >= rows:
                yield _numbered(pending, first)
                first += size
                pending, size = [], 0
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise NotColumnar(str(exc)) from exc
    if bad:
        raise NotColumnar("malformed rows")
    if pending:
        yield _numbered(pending, first)


def _numbered(batches: list[pa.RecordBatch], first: int) -> pa.Table:
    table = pa.Table.from_batches(batches)
    return table.append_column("__row", pa.array(range(first, first + table.num_rows), pa.int64()))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _s(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _esc(expr: str) -> str:
    """JSON string escaping (as ``json.dumps(ensure_ascii=False)``) of a text without control characters."""
    return (f"replace(replace(replace(replace(replace({expr}, '\\', '\\\\'), '\"', '\\\"'), chr(10), '\\n'), "
            f"chr(13), '\\r'), chr(9), '\\t')")


def content_json_sql(table: str) -> str:
    """The text :func:`zhichan.corpus.records.content_hash` hashes, as a DuckDB expression over
    the canonical columns: ``to_json`` of a struct with the keys in sorted order writes what
    ``json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` writes, for text
    without control characters other than tab, newline and carriage return (the columnar path
    leaves any other to the row path). Its SHA-256 is taken by hashlib (:func:`_sha256_each`)."""
    schema = TABLES[table][0]
    names = sorted(n for n in schema.names if n not in PROVENANCE_FIELDS)
    return "to_json({" + ", ".join(f"{_s(n)}: {_q(n)}" for n in names) + "})"


def content_bytes_v2_sql(table: str) -> str:
    """:func:`zhichan.corpus.records.content_bytes_v2` as a DuckDB expression over the canonical
    columns: one flat ``concat`` (a text's length prefix and the text as two arguments, so no
    intermediate copies); a list's JSON is ``to_json``, the same text as ``json.dumps`` for items
    without control characters other than tab, newline and carriage return (the columnar path
    leaves any other to the row path)."""
    from zhichan.corpus.records import _v2_kinds

    parts = []
    for name, kind in _v2_kinds(table):
        c = _q(name)
        if kind == "text":
            parts.append(f"CASE WHEN {c} IS NULL THEN 'N' ELSE CAST(strlen({c}) AS VARCHAR) || ':' END, {c}")
        elif kind == "list":
            parts.append(f"coalesce(CAST(to_json({c}) AS VARCHAR), 'N')")
        elif kind == "date":
            parts.append(f"coalesce(CAST({c} AS VARCHAR), 'N')")
        elif kind == "int":
            parts.append(f"coalesce(CAST({c} AS VARCHAR) || ';', 'N')")
        else:
            parts.append(f"CASE WHEN {c} THEN 'T' WHEN NOT {c} THEN 'F' ELSE 'N' END")
    return "concat(" + ", ".join(parts) + ")"


def _kind_digit_sql(number: str) -> str:
    """The kind digit of a number :func:`application_number_sql` accepts (the 5th of 12 digits, the 3rd of 8)."""
    return f"substr({number}, CASE WHEN length({number}) = 16 THEN 7 ELSE 5 END, 1)"


_APPNO_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def application_number_sql(number: str) -> str:
    """True when ``number`` is a CN application number in canonical form (``CN`` + 12 or 8 digits,
    ``.``, check character) with the right check character (``validate.check_character``) and a
    known kind digit — :func:`~zhichan.corpus.validate.normalize_application_number` accepts it
    and returns it unchanged. The weighted sum is written out digit by digit (no list, no lambda);
    the last four weights count only for a 12-digit number."""
    def term(i: int) -> str:
        return f"(ord(substr({number}, {i + 3}, 1)) - 48) * {_APPNO_WEIGHTS[i]}"

    total = (" + ".join(term(i) for i in range(8))
             + f" + CASE WHEN length({number}) = 16 THEN {' + '.join(term(i) for i in range(8, 12))} ELSE 0 END")
    check = f"substr('0123456789X', ({total}) % 11 + 1, 1)"
    return (f"(regexp_full_match({number}, 'CN(?:[0-9]{{12}}|[0-9]{{8}})\\.[0-9X]') AND right({number}, 1) = {check} "
            f"AND {_kind_digit_sql(number)} IN ({', '.join(_s(k) for k in KIND_DIGITS)}))")


#: GB 32100-2015 characters (no I, O, Z, S, V), each worth its position; python-stdnum's ``cn.uscc`` alphabet.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_sql(code: str) -> str:
    """True when ``code`` is a unified social credit code in compact form (18 characters, the
    first 8 digits) with the right check character: what ``stdnum.cn.uscc.is_valid`` says of a
    compact code, as one expression over a column (``tests/corpus/test_columnar_import.py``
    compares both on 200,000 random codes)."""
    total = " + ".join(f"(instr('{USCC_ALPHABET}', substr({code}, {i + 1}, 1)) - 1) * {w}"
                       for i, w in enumerate(_USCC_WEIGHTS))  # written out: no list, no lambda
    return (f"(regexp_full_match({code}, '[0-9]{{8}}[{USCC_ALPHABET}]{{10}}') "
            f"AND right({code}, 1) = substr('{USCC_ALPHABET}', CAST((31 - ({total}) % 31) % 31 + 1 AS BIGINT), 1))")


class ColumnarBatch:
    """Checks and finalizes batches of one import; caches per distinct value across batches."""

    def __init__(self, header: list[str], addresses: dict[str, str | None], today: dt.date | None = None,
                 hash_version: int = 1) -> None:
        self.header = header
        #: the content hash's version (``records.content_hash``): the stored table's, or a new table's
        self.hash_version = hash_version
        self.today = today or china_today()
        self.con = duckdb.connect(config={"autoinstall_known_extensions": "false",  # one batch at a time
                                          "autoload_known_extensions": "false", "memory_limit": "1GB"})
        self.known = set(CommercialExportMapper.known_columns) - set(EXTRA_COLUMNS)
        self.extra = sorted(h for h in header if h not in self.known)
        #: text columns the row path normalizes to NFC: a cell not in NFC already takes the row path
        self.nfc_columns = {DIRECT_COLUMNS[f] for f in (*_TEXT_FIELDS, "main_ipc", "application_number")}
        self._labels: dict[str, dict[str, Any]] = {c: {} for c in ("kind", "status", "origin", "types")}
        self._names: dict[str, tuple[str, str]] = {}
        self._addresses = addresses  # shared with the row path: each distinct address is resolved once
        self._tech: dict[str, int | None] = {}
        self._sei_registered = False
        self._sei_codes = "[]"

    def close(self) -> None:
        self.con.close()

    # ------------------------------------------------------------------ pass 1: cells
    def _cells_sql(self) -> str:
        col = {f: _q(c) for f, c in DIRECT_COLUMNS.items() if c in self.header}
        slow: list[str] = []
        out: list[str] = ["__row"]

        for f in (*_TEXT_FIELDS, "main_ipc", "application_number"):
            c = col.get(f)
            if c is None:
                out.append(f"NULL::VARCHAR AS {f}")
                continue
            slow.append(f"({c} <> '' AND NOT regexp_matches({c}, '{_NOT_NUMBER}'))")
            out.append(f"nullif({c}, '') AS {f}")
        if "main_ipc" in col:
            slow.append(f"({col['main_ipc']} <> '' AND NOT regexp_full_match({col['main_ipc']}, '{_IPC}'))")
        number = col.get("application_number", "''")
        slow.append(f"NOT coalesce({application_number_sql(number)}, false)")
        out.append(f"{_kind_digit_sql(number)} AS __kind_digit")
        for f in ("application_date", "title"):  # required: an empty one is rejected by the row path
            slow.append(f"{col[f]} = ''" if f in col else "true")
        for f in ("ipc", *_LIST_FIELDS):
            c = col.get("ipc" if f == "ipc" else f)
            if c is None:
                out.append(f"[]::VARCHAR[] AS {f}")
                continue
            out.append(f"{_list_sql(c)} AS {f}")
            if f == "ipc":  # canonical codes joined by a bare separator; anything else takes the row path
                slow.append(f"NOT regexp_full_match({c}, '(?:{_IPC}(?:{_LIST_SPLIT}{_IPC})*)?')")
            else:  # an item (or an empty one) holding nothing a number in scientific notation cannot hold
                slow.append(f"({c} <> '' AND regexp_matches({c}, '(?:^|{_LIST_SPLIT})[^;；{_NOT_NUMBER[1:]}*(?:{_LIST_SPLIT}|$)'))")
        for f in _DATE_FIELDS:
            c = col.get(f)
            if c is None:
                out.append(f"NULL::DATE AS {f}")
                continue
            day = f"CAST(try_strptime({c}, '%Y%m%d') AS DATE)"
            out.append(f"CASE WHEN {c} <> '' THEN {day} END AS {f}")
            # CASE, not AND: an empty cell (most of the sparse date columns) is not parsed at all
            slow.append(f"CASE WHEN {c} = '' THEN false ELSE NOT coalesce(regexp_full_match({c}, '[0-9]{{8}}') "
                        f"AND {day} BETWEEN DATE '1900-01-01' AND DATE '{self.today + dt.timedelta(days=1)}', false) END")
        for f in _INT_FIELDS:
            c = col.get(f)
            if c is None:
                out.append(f"NULL::INTEGER AS {f}")
                continue
            out.append(f"CASE WHEN {c} <> '' THEN TRY_CAST({c} AS INTEGER) END AS {f}")
            slow.append(f"({c} <> '' AND NOT regexp_full_match({c}, '[0-9]{{1,9}}'))")
        # priority dates: every item 8 digits, a real date in range; the earliest kept
        p = _q("优先权日") if "优先权日" in self.header else "''"
        p_items = _list_sql(p)
        out.append(f"CASE WHEN {p} <> '' THEN list_min(list_transform({p_items}, "
                   f"lambda x: CAST(try_strptime(x, '%Y%m%d') AS DATE))) END AS priority_date")
        slow.append(f"CASE WHEN {p} = '' THEN false ELSE coalesce(list_bool_or(list_transform({p_items}, "
                    f"lambda x: NOT coalesce(regexp_full_match(x, '[0-9]{{8}}') "
                    f"AND CAST(try_strptime(x, '%Y%m%d') AS DATE) BETWEEN DATE '1900-01-01' "
                    f"AND DATE '{self.today + dt.timedelta(days=1)}', false))), false) END")
        # CPC: the list, else the main CPC column
        if "CPC主分类号" in self.header:
            main_cpc = _q("CPC主分类号")
            out.append(f"CASE WHEN {main_cpc} <> '' THEN [{main_cpc}] END AS __cpc_main")
        else:
            out.append("NULL::VARCHAR[] AS __cpc_main")
        # address: a 6-digit postal code in front is split off
        a = _q("申请人地址") if "申请人地址" in self.header else "''"
        has_postal = f"regexp_matches({a}, '^[0-9]{{6}}')"
        rest = f"regexp_replace(substr({a}, 7), '^{_WS}+', '')"
        out.append(f"CASE WHEN {has_postal} THEN substr({a}, 1, 6) END AS postal_code")
        out.append(f"nullif(CASE WHEN {has_postal} THEN {rest} ELSE {a} END, '') AS applicant_address")
        slow.append(f"regexp_matches({a}, '[\\n\\r\\x{{85}}\\x{{2028}}\\x{{2029}}]')")
        slow.append(f"regexp_matches(regexp_replace(substr({a}, 1, 6), '[0-9]', '', 'g'), '\\pN')")
        # family members: ASCII, so the country prefix and the grant kind read as the row path reads them
        fam = col.get("family_members")
        if fam is not None:
            slow.append(f"regexp_matches({fam}, '[^\\x00-\\x7f]')")
        for c in ("专利类型", "法律状态", "国省代码", "申请人类型"):
            out.append(f"{_q(c)} AS {_q('__' + c)}" if c in self.header else f"'' AS {_q('__' + c)}")
        ev = [f"{_q(c)} <> ''" for c in _EVENT_COLUMNS if c in self.header]
        out.append(f"({' OR '.join(ev) or 'false'}) AS __has_events")
        # a row of empty or blank cells is a blank line: skipped, as the row path skips it
        out.append(f"regexp_full_match(concat({', '.join(_q(c) for c in self.header)}), '{_WS}*') AS __blank")
        out.append(self._extra_json_sql() + " AS extra_json")
        out.append("(" + " OR ".join(f"coalesce({s}, true)" for s in slow) + ") AS __slow")
        return "SELECT " + ",\n ".join(out) + " FROM batch"

    def _extra_json_sql(self) -> str:
        """``RowMapper.extra_json``: the unmapped columns' non-empty cells, keys sorted, ``json.dumps`` spacing."""
        if not self.extra:
            return "NULL::VARCHAR"
        # one concat a cell (no chain of copies); the key escaped here, the cell's characters
        # escaped only in a cell that holds one (few do)
        needs_escape = r"'[\\\"\t\n\r]'"
        items = []
        for c in self.extra:
            key = _s(json.dumps(c, ensure_ascii=False) + ': "')
            cell = f"CASE WHEN regexp_matches({_q(c)}, {needs_escape}) THEN {_esc(_q(c))} ELSE {_q(c)} END"
            items.append(f"CASE WHEN {_q(c)} <> '' THEN concat({key}, {cell}, '\"') END")
        return f"nullif(concat('{{', concat_ws(', ', {', '.join(items)}), '}}'), '{{}}')"

    # ------------------------------------------------------------------ per distinct value
    def process(self, batch: pa.Table) -> tuple[pa.Table, list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]:
        """``(records, slow rows, event records)``: the finalized records of the rows in common
        form (canonical schema, provenance still to add), the other rows as ``(row, {column: cell})``
        for the row path, and the events of the finalized records (application number as key)."""
        self.con.register("batch", batch)
        try:
            cells = self.con.sql(self._cells_sql()).to_arrow_table()
        finally:
            self.con.unregister("batch")
        slow = cells.column("__slow").to_numpy(zero_copy_only=False) | self._byte_checks(batch)
        blank = cells.column("__blank").to_numpy(zero_copy_only=False)
        n = cells.num_rows
        kinds = self._labelled(cells.column("__专利类型"), "kind", lambda t: parse_kind(t).value if t else None)
        statuses = self._labelled(cells.column("__法律状态"), "status", lambda t: parse_legal_status(t).value)
        origins = self._labelled(cells.column("__国省代码"), "origin",
                                 lambda t: parse_origin_label(t) if t else None)
        types = self._labelled(cells.column("__申请人类型"), "types", _party_types)
        kind_digits = cells.column("__kind_digit").to_pylist()
        status_raw = cells.column("__法律状态").to_pylist()
        if any(v is _ERROR for cache in self._labels.values() for v in cache.values()):  # a label no rule knows
            for i in range(n):
                if _ERROR in (kinds[i], statuses[i], origins[i], types[i]):
                    slow[i] = True
        # events: the row path's own code, for the few rows that have any
        events: dict[int, list[dict[str, Any]]] = {}
        has_events = cells.column("__has_events").to_numpy(zero_copy_only=False)
        with_events = [i for i in map(int, has_events.nonzero()[0]) if not slow[i]]
        taken = pa.array(with_events, pa.int64())  # only those rows' cells become Python strings
        event_cells = {c: batch.column(c).take(taken).to_pylist() for c in _EVENT_COLUMNS if c in self.header}
        for j, i in enumerate(with_events):
            errors = RowErrors()
            found = commercial_events({c: v[j] for c, v in event_cells.items()}, errors)
            if errors:
                slow[i] = True
            else:
                events[i] = found
        slow_rows: list[tuple[int, dict[str, Any]]] = []
        row_numbers = cells.column("__row").to_pylist()
        slow_index = [i for i in map(int, slow.nonzero()[0]) if not blank[i]]
        if slow_index:
            picked = batch.take(pa.array(slow_index, pa.int64())).select(self.header).to_pylist()
            slow_rows = [(row_numbers[i], row) for i, row in zip(slow_index, picked, strict=True)]
        keep = ~slow & ~blank
        fast_index = keep.nonzero()[0]
        if not len(fast_index):
            return TABLES["patents"][0].empty_table(), slow_rows, []
        every = len(fast_index) == n  # the usual case: no copy of the batch
        if not every:
            cells = cells.take(pa.array(fast_index, pa.int64()))

        def pick(values: list[Any]) -> list[Any]:
            return values if every else [values[i] for i in fast_index]

        kinds, statuses, origins, types = pick(kinds), pick(statuses), pick(origins), pick(types)
        kind_digits, status_raw = pick(kind_digits), pick(status_raw)
        status_of = {s: LegalStatus(s or LegalStatus.UNKNOWN) for s in set(statuses)}  # a few distinct values
        status_values = [status_of[s] for s in statuses]
        group_of = {v: LEGAL_STATUS_GROUP[v].value for v in status_of.values()}
        columns: dict[str, Any] = {
            "kind": [k or KIND_DIGITS[d].value for k, d in zip(kinds, kind_digits, strict=True)],
            "legal_status": [s.value for s in status_values],
            "status_group": [group_of[s] for s in status_values],
            "legal_status_raw": [t or None for t in status_raw],
            "__province": [o.province_code if o else None for o in origins],
            "__country": [o.country if o else None for o in origins],
            "__types": [t if t is not None else [] for t in types],
        }
        extra = pa.table({k: v for k, v in columns.items()},
                         schema=pa.schema([("kind", pa.string()), ("legal_status", pa.string()),
                                           ("status_group", pa.string()), ("legal_status_raw", pa.string()),
                                           ("__province", pa.string()), ("__country", pa.string()),
                                           ("__types", pa.list_(pa.string()))]))
        for name in extra.column_names:
            cells = cells.append_column(name, extra.column(name))
        cells = self._regions(cells)
        cells = self._parties(cells)
        records = self._finalize(cells)
        fast_events: list[dict[str, Any]] = []
        numbers = records.column("application_number").to_pylist()
        rows = records.column("source_row").to_pylist()
        position = {int(i): k for k, i in enumerate(fast_index)}
        for i, found in events.items():
            k = position.get(i)
            if k is None:
                continue
            for ev in found:
                fast_events.append({"application_number": numbers[k], "source_row": rows[k], **ev})
        return records, slow_rows, fast_events

    def _byte_checks(self, batch: pa.Table) -> np.ndarray:
        """Rows with a cell holding a control character (other than tab, newline, carriage return)
        or starting or ending with whitespace, or a list cell holding whitespace other than the
        space: found in the cells' UTF-8 bytes, a column at a time."""
        flags = np.zeros(batch.num_rows, dtype=bool)
        lists = {DIRECT_COLUMNS[f] for f in ("ipc", *_LIST_FIELDS)} | {"优先权日"}
        for name in self.header:
            array = batch.column(name).combine_chunks()
            offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset: array.offset + len(array) + 1]
            data_buffer = array.buffers()[2]
            if data_buffer is None or offsets[-1] == offsets[0]:
                continue
            data = np.frombuffer(data_buffer, dtype=np.uint8)[: offsets[-1]]
            low = np.flatnonzero(data < 0x20)  # tab, newline and carriage return are the only usual ones
            bad = low[_CONTROL_BYTES[data[low]]]
            if name in lists:
                bad = np.concatenate([bad, np.flatnonzero(_whitespace_at(data, anywhere=True, space=False))])
            if name in self.nfc_columns and not unicodedata.is_normalized("NFC", str(memoryview(data_buffer)[: offsets[-1]], "utf-8")):
                # a whole column in NFC (the usual case) has every cell in NFC; else find the cells
                cells = array.to_pylist()
                bad = np.concatenate([bad, offsets[[i for i, v in enumerate(cells)
                                                    if not unicodedata.is_normalized("NFC", v)]]])
            if len(bad):
                flags[np.searchsorted(offsets, bad, side="right") - 1] = True
            start, end = offsets[:-1], offsets[1:]
            filled = end > start
            edges = _whitespace_at(data, starts=start[filled]) | _whitespace_at(data, ends=end[filled])
            flags[np.flatnonzero(filled)[edges]] = True
        return flags

    def _labelled(self, values: pa.ChunkedArray, what: str, fn: Callable[[str], Any]) -> list[Any]:
        cache = self._labels[what]
        out = []
        for value in values.to_pylist():  # few distinct values: a dict lookup a row
            if value not in cache:
                try:
                    cache[value] = fn(value)
                except FieldError:
                    cache[value] = _ERROR
            out.append(cache[value])
        return out

    # ------------------------------------------------------------------ region, parties
    def _regions(self, cells: pa.Table) -> pa.Table:
        """The code each mainland applicant's address resolves to (``importing._resolve_regions``),
        each distinct address resolved once per import; :data:`_REGION` and :data:`_PROVINCE`
        turn it into the region and province as the row path does."""
        from zhichan.reference import resolve_addresses_level

        mainland = pc.is_null(cells.column("__country").combine_chunks())
        addresses = pc.if_else(mainland, cells.column("applicant_address").combine_chunks(), pa.scalar(None, pa.string()))
        distinct = pc.unique(addresses).drop_null()
        todo = sorted(set(distinct.to_pylist()) - self._addresses.keys())
        if todo:
            self._addresses.update(zip(todo, resolve_addresses_level(todo), strict=True))
        codes = pa.array([self._addresses.get(a) for a in distinct.to_pylist()], pa.string())
        return cells.append_column("__address_code", codes.take(pc.index_in(addresses, value_set=distinct)))

    def _parties(self, cells: pa.Table) -> pa.Table:
        """Types and keys of first patentees and applicants (``finalize_patent``), per distinct name:
        the current patentees default to the applicants, the first patentee to the first of them;
        its type is the first 申请人类型 when it is the first applicant, else guessed from the name
        (as is the type of each applicant beyond those 申请人类型 lists)."""
        from zhichan.corpus.parties import guess_party_type, normalize_name

        apps = cells.column("applicants").combine_chunks()
        types = cells.column("__types").combine_chunks()
        current = cells.column("current_patentees").combine_chunks()
        current = pc.if_else(pc.equal(pc.list_value_length(current), 0), apps, current)
        first = pc.coalesce(cells.column("first_patentee").combine_chunks(), _first_items(current))
        # each distinct name once: a Python call for a name not seen before in this import
        names = pc.unique(pa.concat_arrays([first.drop_null(), apps.flatten()]))
        info = self._names
        for name in names.to_pylist():
            if name not in info:
                info[name] = (guess_party_type(name).value, normalize_name(name))
        found = [info[name] for name in names.to_pylist()]
        name_types = pa.array([f[0] for f in found], pa.string())
        name_keys = pa.array([f[1] for f in found], pa.string())
        at = pc.index_in(first, value_set=names)
        stated = pc.fill_null(pc.and_(pc.equal(_first_items(apps), first), pc.greater(pc.list_value_length(types), 0)), False)
        first_type = pc.if_else(stated, _first_items(types), name_types.take(at))
        cells = cells.set_column(cells.column_names.index("current_patentees"), "current_patentees", current)
        cells = cells.set_column(cells.column_names.index("first_patentee"), "first_patentee", first)
        cells = cells.append_column("first_patentee_type", first_type)
        cells = cells.append_column("first_patentee_key", name_keys.take(at))
        return cells.append_column("applicant_types", _extend_types(types, apps, names, name_types))

    def _register_sei(self) -> None:
        if self._sei_registered:
            return
        from zhichan.reference.sei import _sort_key, _table

        table = _table()
        codes = sorted({e.sei_code for entries in table.values() for e in entries}, key=_sort_key)
        rank = {c: i for i, c in enumerate(codes)}
        rows = [(key, e.sei_code, rank[e.sei_code], e.qualifier == "keyword", list(e.terms))
                for key, entries in table.items() for e in entries]
        sei = pa.table({"ipc_key": [r[0] for r in rows], "sei_code": [r[1] for r in rows],
                        "sei_rank": [r[2] for r in rows], "keyword": [r[3] for r in rows],
                        "terms": pa.array([r[4] for r in rows], pa.list_(pa.string()))})
        self._sei_codes = "[" + ", ".join(_s(c) for c in codes) + "]"
        self.con.register("sei_source", sei)
        self.con.execute("CREATE TABLE sei AS SELECT * FROM sei_source")
        self.con.unregister("sei_source")
        self._sei_registered = True

    # ------------------------------------------------------------------ pass 2: derived fields, hash
    def _finalize(self, cells: pa.Table) -> pa.Table:
        from zhichan.reference import tech_field_for_ipc

        self._register_sei()
        # the main IPC code, else the first one: its technology field once per distinct code
        mains = pc.coalesce(cells.column("main_ipc").combine_chunks(), _first_items(cells.column("ipc").combine_chunks()))
        distinct = pc.unique(mains).drop_null()
        for main in distinct.to_pylist():
            if main not in self._tech:
                self._tech[main] = tech_field_for_ipc(main)
        fields = pa.array([self._tech[main] for main in distinct.to_pylist()], pa.int8())
        cells = cells.append_column("tech_field", fields.take(pc.index_in(mains, value_set=distinct)))
        cells = cells.append_column("sei_codes", self._sei_column(cells))
        mainland = ", ".join(_s(p) for p in sorted(MAINLAND_PROVINCES))
        schema = TABLES["patents"][0]
        derived = {
            "ipc": "s.ipc_final",
            "main_ipc": "coalesce(s.main_ipc, s.ipc_final[1])",
            "ipc_subclasses": "list_sort(list_distinct(list_transform(list_filter(s.ipc_final, lambda c: length(c) >= 4), "
                              "lambda c: substr(c, 1, 4))))",
            "cpc": "CASE WHEN len(s.cpc) = 0 AND s.__cpc_main IS NOT NULL THEN s.__cpc_main ELSE s.cpc END",
            "sei_codes": "coalesce(s.sei_codes, [])",
            "applicant_uscc": "[]::VARCHAR[]",
            "region_code": "s.region_code",
            "city_code": "CASE WHEN length(s.region_code) >= 4 THEN substr(s.region_code, 1, 4) END",
            "province_code": "coalesce(s.__province, substr(s.region_code, 1, 2))",
            "applicant_country": "coalesce(s.__country, CASE WHEN coalesce(s.__province, substr(s.region_code, 1, 2)) "
                                 "IS NOT NULL THEN 'CN' END)",
            "is_domestic": f"CASE WHEN s.__country IS NOT NULL THEN false ELSE coalesce(coalesce(s.__province, "
                           f"substr(s.region_code, 1, 2)) IN ({mainland}), false) END",
            "family_countries": "list_sort(list_distinct(list_transform(list_filter(s.family_members, "
                                "lambda m: regexp_matches(m, '^[A-Za-z]{2}')), lambda m: upper(substr(m, 1, 2)))))",
            "family_granted_abroad": "coalesce(list_bool_or(list_transform(s.family_members, lambda m: "
                                     "regexp_full_match(upper(replace(m, ' ', '')), "
                                     "'([A-Z]{2})[0-9]+[A-Z]*?(?:B[0-9]?|C[0-9]?|E[0-9]?|S[0-9]?|Y[0-9]?)') AND "
                                     "substr(upper(replace(m, ' ', '')), 1, 2) NOT IN ('CN', 'WO'))), false)",
            "backward_citations": "coalesce(s.backward_citations, CASE WHEN len(s.cited_patents) + "
                                  "len(s.cited_non_patent) > 0 THEN len(s.cited_patents) + len(s.cited_non_patent) END)",
            "synthetic": "false",
            "source_row": "s.__row",
        }
        select = []
        for field in schema:
            name = field.name
            if name in derived:
                expr = derived[name]
            elif name in cells.column_names:
                expr = f"s.{_q(name)}"
            else:
                expr = "NULL"
            select.append(f"CAST({expr} AS {_duck_type(field.type)}) AS {_q(name)}")
        # a projection keeps the rows' order (insertion order is preserved): no join, no sort
        sql = (f"SELECT {', '.join(select)} FROM (SELECT * EXCLUDE (__province), {_IPC_FINAL} AS ipc_final, "
               f"{_REGION} AS region_code, {_PROVINCE} AS __province FROM cells) s")
        self.con.register("cells", cells)
        try:
            content = content_bytes_v2_sql("patents") if self.hash_version == 2 else content_json_sql("patents")
            final = self.con.sql(f"SELECT *, {content} AS __json FROM ({sql})").to_arrow_table()
        finally:
            self.con.unregister("cells")
        if not pc.all(pc.equal(final.column("source_row"), cells.column("__row"))).as_py():
            final = final.sort_by("source_row")  # the rows of ``cells`` are in row order
        hashes = _sha256_each(final.column("__json"), 32 if self.hash_version == 2 else 64)
        final = final.drop_columns(["__json"])
        return final.set_column(final.column_names.index("content_hash"), "content_hash", hashes)

    def _sei_column(self, cells: pa.Table) -> pa.Array:
        """``reference.sei_codes_for`` of each row's IPC codes (with title and abstract for the
        keyword entries), as a column aligned with ``cells``; null where no code applies."""
        self.con.register("cells", cells)
        try:
            found = self.con.sql(f"""
                WITH codes AS (
                    SELECT s.__row, unnest(s.ipc_final) AS code FROM (SELECT __row, {_IPC_FINAL} AS ipc_final FROM cells) s
                ), keys AS (
                    SELECT __row, code AS k FROM codes
                    UNION ALL SELECT __row, split_part(code, '/', 1) || '/00' FROM codes
                        WHERE code <> split_part(code, '/', 1) || '/00'
                    UNION ALL SELECT __row, substr(code, 1, 4) FROM codes
                ), matched AS (
                    SELECT keys.__row, sei.sei_rank, sei.keyword, sei.terms FROM keys JOIN sei ON sei.ipc_key = keys.k
                ), kept AS (
                    SELECT __row, sei_rank FROM matched WHERE NOT keyword
                    UNION ALL
                    SELECT m.__row, m.sei_rank FROM matched m JOIN cells c ON c.__row = m.__row
                    WHERE m.keyword AND list_bool_or(list_transform(m.terms, lambda t: contains(concat_ws(' ', c.title, c.abstract), t)))
                )
                SELECT __row, list_transform(list_sort(list_distinct(list(sei_rank))),
                                             lambda r: {self._sei_codes}[r + 1]) AS sei_codes
                FROM kept GROUP BY __row
            """).to_arrow_table()
        finally:
            self.con.unregister("cells")
        position = np.searchsorted(cells.column("__row").to_numpy(), found.column("__row").to_numpy())
        index = np.full(cells.num_rows, -1, dtype=np.int64)
        index[position] = np.arange(found.num_rows)
        return found.column("sei_codes").take(pa.array(index, mask=index < 0)).combine_chunks()


#: The main IPC code first, then the others (``finalize_patent``).
_IPC_FINAL = "CASE WHEN main_ipc IS NOT NULL AND NOT list_contains(ipc, main_ipc) THEN list_prepend(main_ipc, ipc) ELSE ipc END"


#: ``importing._resolve_regions`` of the address's code: a county or city code (4 characters or
#: more) is the region unless it contradicts the stated province; a province code alone fills the
#: province when none is stated.
_REGION = ("CASE WHEN length(nullif(__address_code, '')) >= 4 AND (nullif(__province, '') IS NULL "
           "OR starts_with(__address_code, __province)) "
           "THEN CASE WHEN length(__address_code) >= 6 THEN __address_code ELSE rpad(__address_code, 6, '0') END END")
_PROVINCE = ("CASE WHEN length(nullif(__address_code, '')) < 4 THEN coalesce(nullif(__province, ''), __address_code) "
             "ELSE __province END")


def _sha256_each(texts: pa.ChunkedArray, width: int = 64) -> pa.Array:
    """The SHA-256 hex digest of each string's UTF-8 bytes (hashlib: the CPU's SHA instructions),
    its first ``width`` hex characters."""
    digests: list[str] = []
    sha = hashlib.sha256
    for chunk in texts.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset: chunk.offset + len(chunk) + 1].tolist()
        data = chunk.buffers()[2]
        raw = memoryview(b"" if data is None else data)  # Arrow's buffer itself: no copy of the texts
        if width == 64:
            digests.extend(sha(raw[a:b]).hexdigest() for a, b in itertools.pairwise(offsets))
        else:
            digests.extend(sha(raw[a:b]).hexdigest()[:width] for a, b in itertools.pairwise(offsets))
    return pa.array(digests, pa.string())


def _first_items(lists: pa.ListArray) -> pa.Array:
    """The first item of each list (null for an empty one)."""
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return lists.flatten().take(pa.array(starts, mask=lengths == 0))


def _extend_types(types: pa.ListArray, apps: pa.ListArray, names: pa.Array, name_types: pa.Array) -> pa.ListArray:
    """Each row's stated applicant types, then the guessed type of each applicant beyond them."""
    n = len(apps)
    type_count = pc.list_value_length(types).to_numpy(zero_copy_only=False).astype(np.int64)
    app_count = pc.list_value_length(apps).to_numpy(zero_copy_only=False).astype(np.int64)
    app_row = np.repeat(np.arange(n), app_count)
    position = np.arange(len(app_row)) - np.repeat(np.cumsum(app_count) - app_count, app_count)
    beyond = np.flatnonzero(position >= type_count[app_row])
    if not len(beyond):
        return types
    guessed = name_types.take(pc.index_in(apps.flatten().take(pa.array(beyond)), value_set=names))
    rows = np.concatenate([np.repeat(np.arange(n), type_count), app_row[beyond]])
    order = np.argsort(rows, kind="stable")  # a row's stated types first, then its guessed ones
    values = pa.concat_arrays([types.flatten(), guessed]).take(pa.array(order))
    offsets = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _duck_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_list(arrow_type):
        return "VARCHAR[]"
    return {pa.string(): "VARCHAR", pa.date32(): "DATE", pa.bool_(): "BOOLEAN", pa.int8(): "TINYINT",
            pa.int16(): "SMALLINT", pa.int32(): "INTEGER", pa.int64(): "BIGINT", MONEY: "DECIMAL(18, 2)"}[arrow_type]


#: Bytes of control characters JSON escapes as ``\\u00XX`` (tab, newline, carriage return excepted).
_CONTROL_BYTES = np.zeros(256, dtype=bool)
_CONTROL_BYTES[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]] = True
#: Code points ``str.isspace()`` holds (all below U+3001), and the same without U+0020.
_SPACE = np.zeros(0x3002, dtype=bool)
_SPACE[[c for c in range(0x3001) if chr(c).isspace()]] = True
_SPACE_NOT_SPACE = _SPACE.copy()
_SPACE_NOT_SPACE[0x20] = False
#: First bytes of the UTF-8 form of those code points (ASCII ones, C2, E1, E2, E3).
_SPACE_LEAD = np.zeros(256, dtype=bool)
_SPACE_LEAD[list({chr(c).encode("utf-8")[0] for c in np.flatnonzero(_SPACE)})] = True


def _code_points(data: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """The code points of the UTF-8 characters starting at ``lead`` (0x3001 for any above U+3000)."""
    last = len(data) - 1
    b0 = data[lead].astype(np.int32)
    b1 = data[np.minimum(lead + 1, last)].astype(np.int32) & 0x3F
    b2 = data[np.minimum(lead + 2, last)].astype(np.int32) & 0x3F
    cp = np.where(b0 < 0x80, b0, np.where(b0 < 0xE0, ((b0 & 0x1F) << 6) | b1, ((b0 & 0x0F) << 12) | (b1 << 6) | b2))
    return np.where((b0 >= 0xF0) | (cp > 0x3000), 0x3001, cp)


def _whitespace_at(data: np.ndarray, *, starts: np.ndarray | None = None, ends: np.ndarray | None = None,
                   anywhere: bool = False, space: bool = True) -> np.ndarray:
    """Whether a whitespace character (``str.isspace``) begins at each of ``starts``, ends just
    before each of ``ends``, or (``anywhere``) is anywhere in ``data`` (one flag a byte, at the
    character's first byte); ``space=False`` leaves out U+0020."""
    table = _SPACE if space else _SPACE_NOT_SPACE
    if anywhere:  # only a byte that can begin a whitespace character needs its code point
        found = np.zeros(len(data), dtype=bool)
        leads = np.flatnonzero(_SPACE_LEAD[data])
        found[leads] = table[_code_points(data, leads)]
        return found
    if starts is not None:
        return table[_code_points(data, starts.astype(np.int64))]
    assert ends is not None
    at = ends.astype(np.int64)
    lead = np.where(data[at - 1] < 0x80, at - 1,
                    np.where((data[np.maximum(at - 2, 0)] & 0xE0) == 0xC0, at - 2, at - 3))
    return table[_code_points(data, np.maximum(lead, 0))]


class _Error:
    def __repr__(self) -> str:
        return "<error>"


_ERROR = _Error()


def _party_types(text: str) -> list[str] | None:
    from zhichan.corpus.parties import party_type_from_label

    if not text:
        return None
    import re

    kinds = [party_type_from_label(t) for t in re.split(r"[;；]", text) if t.strip()]
    return [k.value for k in kinds if k is not None]
