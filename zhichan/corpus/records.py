"""Completing canonical records: derived fields and the content hash, shared by every importer.

An importer maps its source columns to canonical field names and calls :func:`finalize_patent`
(or :func:`finalize_record` for the other tables); the derivations live only here.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from decimal import Decimal
from typing import Any

import pyarrow as pa

from zhichan.corpus.parties import guess_party_type, normalize_name
from zhichan.corpus.schema import (
    LEGAL_STATUS_GROUP,
    TABLES,
    LegalStatus,
    PartyType,
    money_columns,
)

#: Mainland provinces (GB/T 2260); 71 Taiwan, 81 Hong Kong, 82 Macao are not 国内 in CNIPA statistics.
MAINLAND_PROVINCES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]
)
#: ``source`` of the platform's own records exported into the corpus (``platform:finance``: registered pledges);
#: they carry the platform's dates, not the imported data's, so they never move the data end.
PLATFORM_SOURCE_PREFIX = "platform:"
PROVENANCE_FIELDS = ("synthetic", "source", "import_id", "source_file", "source_row", "source_date", "content_hash")


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value))


@functools.cache
def _names(table: str) -> tuple[str, ...]:
    """The schema's field names (read once: ``Schema.names`` builds a new list at every call)."""
    return tuple(TABLES[table][0].names)


@functools.cache
def _content_names(table: str) -> tuple[str, ...]:
    return tuple(n for n in _names(table) if n not in PROVENANCE_FIELDS)


@functools.cache
def _not_null(table: str, *, flags: bool = False) -> tuple[str, ...]:
    """The fields the schema declares non-nullable (``flags``: only the yes/no ones)."""
    return tuple(f.name for f in TABLES[table][0] if not f.nullable and (not flags or pa.types.is_boolean(f.type)))


#: The content hash's versions (a snapshot records each table's in its manifest, ``content_hash``):
#: 1 — the SHA-256 hex digest (64 characters) of the record's ``json.dumps`` (keys sorted);
#: 2 — the first 128 bits (32 hex characters) of the SHA-256 of :func:`content_bytes_v2`, a
#: length-prefixed encoding of the fields that the columnar import builds in DuckDB at about half
#: the cost of the JSON. A hash of one version never equals one of the other (their lengths
#: differ), so a comparison across versions can only call a record changed, never unchanged.
CONTENT_HASH_VERSIONS = (1, 2)
#: The version a table written from scratch gets (the first import of patents); an import on top
#: of stored records keeps the stored table's version (``Snapshot.content_hash_version``).
NEW_TABLE_HASH_VERSION = {"patents": 2}


def amount_text(amount: Decimal) -> str:
    """An amount as an event's id and its content hash write it: its digits without trailing zeros and with
    at least one decimal (``2500000.0``, ``0.1``, ``12345678901.23``) — the text Python wrote the ``float``
    amounts were stored as before they were exact, so a stored event keeps its id and hash (a re-import of
    the same file adds no event twice and changes none). Every amount the corpus takes (to the fen, below
    10¹⁶) has one such text, and two amounts never the same."""
    text = f"{amount.normalize():f}"
    return text if "." in text else f"{text}.0"


_dumps_v1 = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_json_default, separators=(",", ":")).encode


def content_hash(table: str, record: dict[str, Any], version: int = 1) -> str:
    """The hash of the record's content fields (provenance excluded): equal content, equal hash."""
    if version == 2:
        return hashlib.sha256(content_bytes_v2(table, record)).hexdigest()[:32]
    if version != 1:
        raise ValueError(f"content hash version {version}")
    content = {name: record.get(name) for name in _content_names(table)}
    if money_columns(table):  # an amount as the JSON number it was (amount_text), the rest as json.dumps writes it
        blob = "{" + ",".join(f"{_dumps_v1(name)}:" + (amount_text(value) if isinstance(value, Decimal)
                                                        else _dumps_v1(value)) for name, value in sorted(content.items())) + "}"
    else:
        blob = _dumps_v1(content)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


_list_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@functools.cache
def _v2_kinds(table: str) -> tuple[tuple[str, str], ...]:
    """(field, kind) of the content fields in name order, kind one of text, list, date, int, bool."""
    schema = TABLES[table][0]
    kinds = []
    for name in sorted(_content_names(table)):
        t = schema.field(name).type
        if pa.types.is_string(t):
            kind = "text"
        elif pa.types.is_list(t) and pa.types.is_string(t.value_type):
            kind = "list"
        elif pa.types.is_date32(t):
            kind = "date"
        elif pa.types.is_integer(t):
            kind = "int"
        elif pa.types.is_boolean(t):
            kind = "bool"
        else:
            raise TypeError(f"{table}.{name}: {t} has no version-2 content encoding")
        kinds.append((name, kind))
    return tuple(kinds)


def content_bytes_v2(table: str, record: dict[str, Any]) -> bytes:
    """What a version-2 content hash hashes: each content field in name order, as ``N`` when empty
    (null), else a text as its UTF-8 length in bytes, ``:`` and its bytes; a list of texts as its
    JSON (``json.dumps``, no spaces); a date as ``YYYY-MM-DD``; an integer as its digits and ``;``;
    a yes/no as ``T`` or ``F``. Every field's encoding ends where it says, so two records have the
    same bytes only when every field is equal. ``columnar.content_bytes_v2_sql`` builds the same
    bytes in DuckDB (``tests/corpus/test_columnar_import.py`` compares them)."""
    out: list[str] = []
    for name, kind in _v2_kinds(table):
        value = record.get(name)
        if value is None:
            out.append("N")
        elif kind == "text":
            out.append(f"{len(value.encode('utf-8'))}:{value}")
        elif kind == "list":
            out.append(_list_json(list(value)))
        elif kind == "date":
            out.append(value.isoformat() if isinstance(value, dt.date) else str(value))
        elif kind == "int":
            out.append(f"{int(value)};")
        else:
            out.append("T" if value else "F")
    return "".join(out).encode("utf-8")


def split_region(region_code: str | None) -> tuple[str | None, str | None]:
    """(city_code, province_code) of a 6-digit county code."""
    if not region_code:
        return None, None
    return (region_code[:4] if len(region_code) >= 4 else None), region_code[:2]


def _with_defaults(table: str, record: dict[str, Any]) -> dict[str, Any]:
    names = _names(table)
    if not record.keys() <= _name_set(table):
        raise KeyError(f"{table}: not canonical fields: {sorted(set(record) - set(names))}")
    return {name: record.get(name) for name in names}


@functools.cache
def _name_set(table: str) -> frozenset[str]:
    return frozenset(_names(table))


def finalize_patent(record: dict[str, Any], *, derive_classifications: bool = True, hash_version: int = 1) -> dict[str, Any]:
    """Fill the derived fields of a patent record and compute its content hash (of ``hash_version``)."""
    row = _with_defaults("patents", record)
    status = LegalStatus(row["legal_status"] or LegalStatus.UNKNOWN)
    row["legal_status"] = status.value
    row["status_group"] = LEGAL_STATUS_GROUP[status].value
    ipc = [c for c in (row["ipc"] or []) if c]
    if row["main_ipc"] and row["main_ipc"] not in ipc:
        ipc.insert(0, row["main_ipc"])
    row["ipc"] = ipc
    row["main_ipc"] = row["main_ipc"] or (ipc[0] if ipc else None)
    row["ipc_subclasses"] = sorted({c[:4] for c in ipc if len(c) >= 4})
    for name in ("applicants", "applicant_types", "applicant_uscc", "inventors", "agents", "priority_numbers",
                 "family_members", "family_countries", "cited_patents", "cited_non_patent", "cpc"):
        row[name] = list(row[name] or [])
    row["current_patentees"] = list(row["current_patentees"] or row["applicants"])
    if not row["first_patentee"] and row["current_patentees"]:
        row["first_patentee"] = row["current_patentees"][0]
    if row["first_patentee"]:
        if not row["first_patentee_type"]:
            same_as_first_applicant = row["applicants"] and row["applicants"][0] == row["first_patentee"]
            if same_as_first_applicant and row["applicant_types"]:
                row["first_patentee_type"] = row["applicant_types"][0]
            else:
                row["first_patentee_type"] = guess_party_type(row["first_patentee"]).value
        row["first_patentee_key"] = normalize_name(row["first_patentee"])
    if len(row["applicant_types"]) < len(row["applicants"]):
        row["applicant_types"] = row["applicant_types"] + [
            guess_party_type(name).value for name in row["applicants"][len(row["applicant_types"]):]
        ]
    city, province = split_region(row["region_code"])
    row["city_code"] = row["city_code"] or city
    row["province_code"] = row["province_code"] or province
    row["is_domestic"] = bool(row["province_code"] in MAINLAND_PROVINCES) if row["is_domestic"] is None else row["is_domestic"]
    if row["applicant_country"] is None and row["province_code"]:
        row["applicant_country"] = "CN"
    if row["backward_citations"] is None and (row["cited_patents"] or row["cited_non_patent"]):
        row["backward_citations"] = len(row["cited_patents"]) + len(row["cited_non_patent"])
    if derive_classifications and ipc:
        from zhichan.reference import sei_codes_for_ipc, tech_field_for_ipc

        if not row["sei_codes"]:
            text = " ".join(t for t in (row["title"], row["abstract"]) if t)
            row["sei_codes"] = sei_codes_for_ipc(ipc, text)
        if row["tech_field"] is None and row["main_ipc"]:
            row["tech_field"] = tech_field_for_ipc(row["main_ipc"])
    row["sei_codes"] = list(row["sei_codes"] or [])
    row["synthetic"] = bool(row["synthetic"])
    row["content_hash"] = content_hash("patents", row, hash_version)
    _check_not_null("patents", row)
    return row


#: Fields recomputed from the others whenever a record is finalized: never taken from a stored record.
DERIVED_FIELDS: dict[str, frozenset[str]] = {
    "patents": frozenset({"status_group", "ipc_subclasses", "sei_codes", "tech_field", "first_patentee_key",
                          "first_patentee_type"}),
}
_FOLLOW = {  # a field a source gives → fields that must come with it, not from the stored record
    "region_code": ("city_code", "province_code", "is_domestic", "applicant_country"),
    "province_code": ("city_code", "region_code", "is_domestic", "applicant_country"),
    "legal_status": ("legal_status_raw", "legal_status_date"),
    "applicants": ("applicant_types", "applicant_uscc"),
    "applicant_address": ("region_code", "city_code", "province_code", "postal_code"),  # resolved again
}


def complete_from_stored(table: str, record: dict[str, Any], stored: dict[str, Any], provided: set[str]) -> None:
    """Fill the fields a source does not give (``provided``: the fields it names) from the stored
    record of the same key, so a partial list (a bureau's numbers, titles and dates) updates what it
    names and never blanks what it does not (abstract, IPC, legal status …). ``extra_json`` merges,
    the new file's columns winning. Derived fields are left for :func:`finalize_record` to recompute.
    """
    keep_out = set(provided) | set(DERIVED_FIELDS.get(table, ())) | set(PROVENANCE_FIELDS) | {"extra_json"}
    for name in provided:
        keep_out.update(_FOLLOW.get(name, ()))
    for name in TABLES[table][0].names:
        if name not in keep_out and record.get(name) in (None, []):
            record[name] = stored.get(name)
    if stored.get("extra_json"):
        merged = {**json.loads(stored["extra_json"]), **json.loads(record.get("extra_json") or "{}")}
        record["extra_json"] = json.dumps(merged, ensure_ascii=False, sort_keys=True)


def event_id(record: dict[str, Any]) -> str:
    """The first 32 hex digits of the SHA-256 of the event's content joined by ``|`` (a missing or zero value
    as "", an amount as :func:`amount_text` writes it)."""
    amount = record.get("amount_yuan")
    key = "|".join(
        amount_text(amount) if k == "amount_yuan" and amount else str(record.get(k) or "")
        for k in ("application_number", "event_type", "event_date", "amount_yuan", "party_from", "party_to", "detail")
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


#: the largest amount the corpus holds (MONEY: 16 digits before the point)
AMOUNT_LIMIT = Decimal("1e16")
_FEN = Decimal("0.01")


def _check_amounts(table: str, row: dict[str, Any]) -> None:
    """Every amount is a :class:`~decimal.Decimal` of yuan to the fen, not negative, that :data:`MONEY` holds —
    a source's text is parsed into one before (``zhichan.money.parse_money`` through the importers'
    ``coerce_value``), never a ``float``; stored to two decimals."""
    for name in money_columns(table):
        value = row.get(name)
        if value is None:
            continue
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise TypeError(f"{table}.{name}: an amount is a Decimal, not {type(value).__name__} ({value!r})")
        amount = Decimal(value)
        if not amount.is_finite() or amount < 0 or amount >= AMOUNT_LIMIT or amount != amount.quantize(_FEN):
            raise ValueError(f"金额应为 0 至 10¹⁶ 元、至多两位小数：{value} / an amount is 0 to 10¹⁶ yuan, "
                             f"to the fen: {value}")
        row[name] = amount.quantize(_FEN)


def finalize_record(table: str, record: dict[str, Any], hash_version: int = 1) -> dict[str, Any]:
    """Fill defaults, region splits, ids and the content hash of a non-patent record."""
    if table == "patents":
        return finalize_patent(record, hash_version=hash_version)
    row = _with_defaults(table, record)
    _check_amounts(table, row)
    if table == "events" and not row["event_id"]:
        row["event_id"] = event_id(row)
    if "region_code" in row:
        city, province = split_region(row["region_code"])
        row["city_code"] = row.get("city_code") or city
        row["province_code"] = row.get("province_code") or province
    if "is_domestic" in row and row["is_domestic"] is None:
        row["is_domestic"] = bool(row.get("province_code") in MAINLAND_PROVINCES)
    row["synthetic"] = bool(row["synthetic"])
    _default_flags(table, row)
    row["content_hash"] = content_hash(table, row, hash_version)
    _check_not_null(table, row)
    return row


def _default_flags(table: str, row: dict[str, Any]) -> None:
    """A yes/no field the source does not give is "no" (e.g. ``is_geographical_indication``)."""
    for name in _not_null(table, flags=True):
        if row.get(name) is None:
            row[name] = False


def _check_not_null(table: str, row: dict[str, Any]) -> None:
    """Every field the schema declares non-nullable is filled — else a clear reason, never an Arrow error."""
    empty = [name for name in _not_null(table) if row.get(name) is None]
    if empty:
        raise ValueError(f"缺少必填字段 {', '.join(empty)} / required fields missing: {', '.join(empty)}")


__all__ = [
    "CONTENT_HASH_VERSIONS",
    "MAINLAND_PROVINCES",
    "NEW_TABLE_HASH_VERSION",
    "PartyType",
    "amount_text",
    "content_bytes_v2",
    "content_hash",
    "event_id",
    "finalize_patent",
    "finalize_record",
    "split_region",
]
