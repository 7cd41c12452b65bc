"""Generic CSV/XLSX import driven by a YAML column mapping.

Example (``docs/importing.md`` has the full reference)::

    table: patents            # patents | events | trademarks | geographical_indications | copyrights
    source: city_bureau_2024  # provenance name
    list_separator: ";"
    columns:                  # canonical field: source column, or a mapping with options
      application_number: 申请号
      title: 名称
      application_date: 申请日
      kind: {column: 类型, parser: kind}            # built-in parsers: kind, legal_status, province_label
      legal_status: {column: 状态, parser: legal_status}
      ipc: {column: IPC, split: ","}
      applicant_types: {column: 申请人类型, map: {企业: enterprise, 高校: university}}
      # (table: events) amount_yuan: {column: 质押金额（万元）, unit: wan_yuan}   # yuan unless said
    constants:
      region_code: "510107"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zhichan.corpus.importers.commercial import Origin, parse_kind, parse_legal_status, parse_origin_label
from zhichan.corpus.importers.rows import FIELD_LABELS, REQUIRED_FIELDS, RowErrors, RowMapper, coerce_value
from zhichan.corpus.schema import TABLES, money_columns
from zhichan.corpus.validate import FieldError, kind_from_application_number
from zhichan.errors import InputError
from zhichan.money import MoneyUnit
from zhichan.untrusted import yaml_safe_load

PARSERS = {
    "kind": lambda v: parse_kind(v).value,
    "legal_status": lambda v: parse_legal_status(v).value,
    "province_label": parse_origin_label,  # an Origin: fills province_code, or the country of 港澳台/foreign
}


class ColumnRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    column: str
    split: str | None = None
    map: dict[str, Any] | None = None
    parser: Literal["kind", "legal_status", "province_label"] | None = None
    default: Any = None
    #: an amount's column: yuan (元, the default) or wan_yuan (万元, a 质押金额（万元） column)
    unit: MoneyUnit | None = None


class MappingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: Literal["patents", "events", "trademarks", "geographical_indications", "copyrights"] = "patents"
    source: str = "mapped"
    list_separator: str = ";；"
    encoding: str | None = None
    sheet: str | None = None
    columns: dict[str, str | ColumnRule]
    constants: dict[str, Any] = Field(default_factory=dict)


class MappedFileMapper(RowMapper):
    """Imports any CSV/XLSX whose columns a :class:`MappingSpec` names."""

    def __init__(self, spec: MappingSpec) -> None:
        schema = TABLES[spec.table][0]
        unknown = [f for f in (*spec.columns, *spec.constants) if f not in schema.names]
        if unknown:
            raise InputError(
                f"映射文件中的字段不属于 {spec.table}：{', '.join(unknown)} / fields not in table {spec.table}: {unknown}"
            )
        self.spec = spec
        self.rules = {f: (r if isinstance(r, ColumnRule) else ColumnRule(column=r)) for f, r in spec.columns.items()}
        not_money = [f for f, r in self.rules.items() if r.unit and f not in money_columns(spec.table)]
        if not_money:
            raise InputError(f"只有金额字段可以指定单位（unit）：{', '.join(not_money)} / "
                             f"only an amount's column has a unit: {not_money}")
        self.table = spec.table  # type: ignore[misc]
        self.name = spec.source  # type: ignore[misc]
        derived = {"kind"} if spec.table == "patents" else set()  # kind: from the application number's kind digit
        unmapped = [f for f in REQUIRED_FIELDS[spec.table] if f not in spec.columns and f not in spec.constants
                    and f not in derived]
        if unmapped:
            names = "、".join(f"{f}（{FIELD_LABELS.get(f, f)}）" for f in unmapped)
            raise InputError(f"映射文件缺少 {spec.table} 的必填字段：{names} / the mapping must map "
                             f"required fields of {spec.table}: {', '.join(unmapped)}")
        needed = dict.fromkeys((*TABLES[spec.table][1], *REQUIRED_FIELDS[spec.table]))  # identity first
        self.required_columns = tuple(  # type: ignore[misc]  # a file without them is refused at its header
            self.rules[f].column for f in needed if f in self.rules and self.rules[f].default is None
        )
        self.known_columns = tuple(r.column for r in self.rules.values())

    def column_of(self, fieldname: str) -> str:
        rule = self.rules.get(fieldname)
        return rule.column if rule else super().column_of(fieldname)

    def provided_fields(self) -> set[str] | None:
        provided = set(self.rules) | set(self.spec.constants)
        if any(r.parser == "province_label" for r in self.rules.values()):
            provided |= {"province_code", "applicant_country", "is_domestic"}
        return provided

    @classmethod
    def from_file(cls, path: Path) -> MappedFileMapper:
        try:
            data = yaml_safe_load(Path(path).read_text("utf-8"))
            return cls(MappingSpec.model_validate(data))
        except FileNotFoundError as exc:
            raise InputError(f"映射文件不存在：{path} / mapping file not found") from exc
        except (yaml.YAMLError, ValidationError) as exc:
            raise InputError(f"映射文件格式错误：{exc} / invalid mapping file") from exc

    def map_row(self, row: dict[str, Any], errors: RowErrors) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rec: dict[str, Any] = dict(self.spec.constants)
        for fieldname, rule in self.rules.items():
            raw = row.get(rule.column, rule.default)
            if raw in (None, "") and rule.default is not None:
                raw = rule.default
            if rule.map is not None and raw not in (None, ""):
                key = str(raw).strip()
                if key not in rule.map:
                    errors.add(rule.column, raw, f"映射表中没有该值：{key} / value not in the mapping")
                    continue
                raw = rule.map[key]
            if rule.parser and raw not in (None, ""):
                raw = errors.call(rule.column, raw, PARSERS[rule.parser], str(raw))
                if raw is None:
                    continue
                if isinstance(raw, Origin):
                    rec.update(raw.fields(self.spec.table))
                    continue
            separator = rule.split or self.spec.list_separator
            try:
                rec[fieldname] = coerce_value(self.spec.table, fieldname, raw, separator=separator, label=rule.column,
                                              unit=rule.unit or "yuan")
            except FieldError as exc:
                errors.add(rule.column, raw, exc.reason)
        if self.spec.table == "patents" and not rec.get("kind") and rec.get("application_number"):
            rec["kind"] = kind_from_application_number(rec["application_number"]).value
        rec["extra_json"] = self.extra_json(row)
        return rec, []

