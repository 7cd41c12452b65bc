"""Chains in and out: YAML and XLSX (round-trip), validation, and the chains shipped with zhichan.

XLSX layout (what a city's analysts edit in Excel/WPS):

- sheet ``产业链`` (chain): two columns, 字段/field and 值/value — ``code``, ``name``,
  ``name_en``, ``home_region``, ``description``, ``description_en``, ``version`` (the English ones
  optional);
- sheet ``技术分解表`` (branches): one row per branch, columns ``id``, ``name``, ``name_en``
  (optional), ``level``, ``parent``, ``query``, ``description`` (Chinese headers 编号, 名称, 英文名称,
  层级, 上级, 检索式, 说明 are accepted too), parents listed before their children.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from zhichan.errors import InputError, NotFoundError
from zhichan.navigation.matching import validate_query
from zhichan.navigation.schemas import Chain
from zhichan.untrusted import check_xlsx, load_yaml

CHAIN_SHEET = "产业链"
BRANCH_SHEET = "技术分解表"
BRANCH_COLUMNS = ("id", "name", "name_en", "level", "parent", "query", "description")
_ZH_HEADERS = {"编号": "id", "名称": "name", "英文名称": "name_en", "层级": "level", "上级": "parent", "检索式": "query",
               "说明": "description"}
_ZH_COLUMN = {v: k for k, v in _ZH_HEADERS.items()}
CHAIN_FIELDS = ("code", "name", "name_en", "home_region", "description", "description_en", "version")


class ChainInvalid(InputError):
    code = "navigation.chain_invalid"


class ChainNotFound(NotFoundError):
    code = "navigation.chain_not_found"


def _format_validation(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err["loc"])
        parts.append(f"{where}: {err['msg']}" if where else str(err["msg"]))
    return "; ".join(parts)


def chain_from_dict(data: dict[str, Any], *, check_queries: bool = True) -> Chain:
    """Build and validate a chain (tree rules, then every branch query must parse)."""
    try:
        chain = Chain.model_validate(data)
    except ValidationError as exc:
        raise ChainInvalid(f"产业链定义无效 / invalid chain: {_format_validation(exc)}") from exc
    if check_queries:
        validate_queries(chain)
    return chain


def validate_queries(chain: Chain) -> None:
    for b in chain.branches:
        try:
            validate_query(b.query)
        except InputError as exc:
            raise ChainInvalid(
                f"分支 {b.id}（{b.name}）的检索式无效 / branch {b.id} query is invalid: {exc.message}",
                details={"branch": b.id, **exc.details},
            ) from exc


# YAML ------------------------------------------------------------------------------------------
def chain_to_yaml(chain: Chain) -> str:
    data = {k: v for k, v in chain.model_dump(mode="json").items() if not (k.endswith("_en") and v == "")}
    data["branches"] = [{k: v for k, v in b.items() if v not in (None, "")} for b in data["branches"]]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def chain_from_yaml(text: str, *, check_queries: bool = True) -> Chain:
    try:
        data = load_yaml(text, what="产业链 YAML / chain YAML")  # bounded: no aliases, depth, size
    except InputError as exc:
        raise ChainInvalid(exc.message) from None
    if not isinstance(data, dict):
        raise ChainInvalid("YAML 顶层应为映射 / the YAML document must be a mapping")
    return chain_from_dict(data, check_queries=check_queries)


# XLSX ------------------------------------------------------------------------------------------
def chain_to_xlsx(chain: Chain) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from zhichan.spreadsheet import xlsx_row

    wb = Workbook()
    ws = wb.active
    ws.title = CHAIN_SHEET
    ws.append(["字段 / field", "值 / value"])
    for name in CHAIN_FIELDS:
        ws.append(xlsx_row(ws, [name, str(getattr(chain, name))]))
    ws.column_dimensions["B"].width = 80
    bs = wb.create_sheet(BRANCH_SHEET)
    bs.append([f"{_ZH_COLUMN[c]} / {c}" for c in BRANCH_COLUMNS])
    for b in chain.branches:
        bs.append(xlsx_row(bs, [b.id, b.name, b.name_en, b.level, b.parent or "", b.query, b.description]))
    for sheet in (ws, bs):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    bs.column_dimensions["B"].width = 24
    bs.column_dimensions["C"].width = 32
    bs.column_dimensions["F"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _header_key(value: Any) -> str:
    text = str(value or "").strip()
    for part in (p.strip() for p in text.split("/")):
        if part in BRANCH_COLUMNS:
            return part
        if part in _ZH_HEADERS:
            return _ZH_HEADERS[part]
    return text


def chain_from_xlsx(data: bytes, *, check_queries: bool = True) -> Chain:
    from openpyxl import load_workbook

    try:
        check_xlsx(data, what="产业链 XLSX / chain XLSX")  # no DTD, bounded unpacked size
    except InputError as exc:
        raise ChainInvalid(exc.message) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ChainInvalid(f"无法读取 XLSX 文件 / cannot read the XLSX file: {exc}") from exc
    try:
        if CHAIN_SHEET not in wb.sheetnames or BRANCH_SHEET not in wb.sheetnames:
            raise ChainInvalid(
                f"XLSX 须包含工作表「{CHAIN_SHEET}」和「{BRANCH_SHEET}」 / the workbook needs sheets "
                f"{CHAIN_SHEET!r} and {BRANCH_SHEET!r}"
            )
        chain_rows = list(wb[CHAIN_SHEET].iter_rows(values_only=True))[1:]
        rows = list(wb[BRANCH_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    chain: dict[str, Any] = {}
    for row in chain_rows:
        if row and row[0]:
            key = str(row[0]).strip()
            chain[key] = "" if len(row) < 2 or row[1] is None else str(row[1])
    if not rows:
        raise ChainInvalid("技术分解表为空 / the branch sheet is empty")
    header = [_header_key(h) for h in rows[0]]
    missing = {"id", "name", "level", "query"} - set(header)
    if missing:
        raise ChainInvalid(f"技术分解表缺少列 / branch sheet lacks columns: {', '.join(sorted(missing))}")
    branches = []
    for line, row in enumerate(rows[1:], start=2):
        if not row or all(v in (None, "") for v in row):
            continue
        record = {k: v for k, v in zip(header, row, strict=False) if k in BRANCH_COLUMNS}
        if isinstance(record.get("id"), float) and record["id"].is_integer():
            record["id"] = int(record["id"])
        record["id"] = str(record.get("id") or "").strip()
        record["parent"] = str(record["parent"]).strip() if record.get("parent") not in (None, "") else None
        try:
            record["level"] = int(record.get("level") or 0)
        except (TypeError, ValueError) as exc:
            raise ChainInvalid(f"第 {line} 行层级不是数字 / row {line}: level is not a number") from exc
        record["description"] = record.get("description") or ""
        record["name_en"] = str(record.get("name_en") or "")
        branches.append(record)
    chain["branches"] = branches
    return chain_from_dict(chain, check_queries=check_queries)


def load_chain_file(path: Path, *, check_queries: bool = True) -> Chain:
    """A chain from a ``.yaml``/``.yml`` or ``.xlsx`` file."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise ChainInvalid(f"文件不存在 / no such file: {path}")
    if suffix in (".yaml", ".yml"):
        return chain_from_yaml(path.read_text("utf-8"), check_queries=check_queries)
    if suffix == ".xlsx":
        return chain_from_xlsx(path.read_bytes(), check_queries=check_queries)
    raise ChainInvalid(f"仅支持 .yaml 或 .xlsx / only .yaml and .xlsx files are supported: {path.name}")


def write_chain_file(chain: Chain, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        path.write_text(chain_to_yaml(chain), "utf-8")
    elif suffix == ".xlsx":
        path.write_bytes(chain_to_xlsx(chain))
    else:
        raise ChainInvalid(f"仅支持 .yaml 或 .xlsx / only .yaml and .xlsx files are supported: {path.name}")


# built-in chains ---------------------------------------------------------------------------------
def builtin_chains() -> dict[str, Chain]:
    """The example chains shipped in ``zhichan/navigation/chains/*.yaml``, by code."""
    folder = resources.files("zhichan.navigation") / "chains"
    out: dict[str, Chain] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            chain = chain_from_yaml(entry.read_text("utf-8"), check_queries=False)
            out[chain.code] = chain
    return out
