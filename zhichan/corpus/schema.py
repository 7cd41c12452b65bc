"""The canonical records of the IP corpus, one Arrow schema per table.

The bulk corpus is a *snapshot*: a folder of Parquet files, one sub-folder per table below,
queried through DuckDB (see :mod:`zhichan.corpus.store`). Every module reads these names;
nothing else defines them.

Conventions
- Dates are ``date32``; money is yuan to the fen, exact: :data:`MONEY` (``decimal128(18, 2)``, DuckDB
  ``DECIMAL(18,2)``, Spark ``DecimalType(18,2)``; 16 digits before the point, as the workflow
  database's ``NUMERIC(18, 2)``). A snapshot written before stored it as ``float64``: every reader
  takes it through :func:`read_columns_sql` / :func:`conform`, which read such a value to the fen
  (:data:`MONEY_SQL`); lists are Arrow lists (DuckDB ``LIST``).
- ``application_number`` is the patent's identity, in the form ``CN202223220665.2``
  (``CN`` + 12 digits + ``.`` + check character; 8-digit pre-2003 numbers keep their length).
- Region codes follow GB/T 2260 / 统计用区划代码 2023: ``region_code`` 6 digits (county),
  ``city_code`` 4, ``province_code`` 2. Domestic (国内, excluding Hong Kong, Macao, Taiwan)
  records have a mainland ``province_code``; foreign ones carry ``applicant_country``.
- Every table carries provenance: ``synthetic`` (True for generated demo data — shown in the
  UI), ``source`` (importer name), ``import_id``, ``source_file``, ``source_row``,
  ``source_date`` (the date the source describes the record as of; the newer record for an
  application wins) and ``content_hash`` (for idempotent re-imports).
- Source columns the canonical model does not name are kept verbatim in ``extra_json`` so an
  import never loses data.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

#: money in the corpus: yuan to the fen (分, the smallest unit of 人民币), exact
MONEY = pa.decimal128(18, 2)


class PatentKind(StrEnum):
    INVENTION = "invention"  # 发明
    UTILITY_MODEL = "utility_model"  # 实用新型
    DESIGN = "design"  # 外观设计


class StatusGroup(StrEnum):
    PENDING = "pending"  # 审中
    VALID = "valid"  # 有权
    INVALID = "invalid"  # 无权
    UNKNOWN = "unknown"


class LegalStatus(StrEnum):
    """Canonical legal status (法律状态); :data:`LEGAL_STATUS_GROUP` gives its group."""

    PUBLISHED = "published"  # 审中-公开
    UNDER_EXAMINATION = "under_examination"  # 审中-实质审查
    GRANTED = "granted"  # 有权-审定授权 / 授权
    REJECTED = "rejected"  # 无权-驳回
    WITHDRAWN = "withdrawn"  # 无权-撤回 / 视为撤回
    ABANDONED = "abandoned"  # 无权-放弃
    LAPSED_UNPAID = "lapsed_unpaid"  # 无权-未缴年费
    EXPIRED = "expired"  # 无权-期限届满
    INVALIDATED = "invalidated"  # 无权-全部无效
    PCT_NOT_ENTERED = "pct_not_entered"  # PCT-未进入国家阶段
    TERMINATED = "terminated"  # 无权 with a reason the source does not name
    UNKNOWN = "unknown"


LEGAL_STATUS_GROUP: dict[LegalStatus, StatusGroup] = {
    LegalStatus.PUBLISHED: StatusGroup.PENDING,
    LegalStatus.UNDER_EXAMINATION: StatusGroup.PENDING,
    LegalStatus.GRANTED: StatusGroup.VALID,
    LegalStatus.REJECTED: StatusGroup.INVALID,
    LegalStatus.WITHDRAWN: StatusGroup.INVALID,
    LegalStatus.ABANDONED: StatusGroup.INVALID,
    LegalStatus.LAPSED_UNPAID: StatusGroup.INVALID,
    LegalStatus.EXPIRED: StatusGroup.INVALID,
    LegalStatus.INVALIDATED: StatusGroup.INVALID,
    LegalStatus.PCT_NOT_ENTERED: StatusGroup.INVALID,
    LegalStatus.TERMINATED: StatusGroup.INVALID,
    LegalStatus.UNKNOWN: StatusGroup.UNKNOWN,
}


class PartyType(StrEnum):
    ENTERPRISE = "enterprise"  # 企业
    UNIVERSITY = "university"  # 大专院校
    INSTITUTE = "institute"  # 科研机构
    INDIVIDUAL = "individual"  # 个人
    GOVERNMENT = "government"  # 机关团体
    OTHER = "other"


class EventType(StrEnum):
    TRANSFER = "transfer"  # 转让 / 权利转移
    LICENCE = "licence"  # 许可
    PLEDGE = "pledge"  # 质押（出质登记）
    PLEDGE_RELEASE = "pledge_release"  # 质押解除
    INVALIDATION = "invalidation"  # 无效宣告请求/决定
    AWARD = "award"  # 中国专利奖、国家科学技术奖
    LEGAL_STATUS_CHANGE = "legal_status_change"  # 法律状态变更


class AwardKind(StrEnum):
    """``detail`` of an ``award`` event starts with one of these, e.g. ``china_patent_award:gold``."""

    CHINA_PATENT_AWARD = "china_patent_award"  # 中国专利奖（金奖/银奖/优秀奖）
    NATIONAL_STI_AWARD = "national_sti_award"  # 国家科学技术奖


def _provenance() -> list[pa.Field]:
    return [
        pa.field("synthetic", pa.bool_(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("import_id", pa.string(), nullable=False),
        pa.field("source_file", pa.string()),
        pa.field("source_row", pa.int64()),
        pa.field("source_date", pa.date32()),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("extra_json", pa.string()),
    ]


_str_list = pa.list_(pa.string())

PATENTS = pa.schema(
    [
        pa.field("application_number", pa.string(), nullable=False),  # 申请号
        pa.field("publication_number", pa.string()),  # 公开号 (latest publication)
        pa.field("grant_number", pa.string()),  # 授权公告号
        pa.field("kind", pa.string(), nullable=False),  # PatentKind
        pa.field("application_date", pa.date32(), nullable=False),  # 申请日
        pa.field("publication_date", pa.date32()),  # 公开日
        pa.field("grant_date", pa.date32()),  # 授权公告日
        pa.field("lapse_date", pa.date32()),  # 失效日期 (rights ended or application died)
        pa.field("legal_status", pa.string(), nullable=False),  # LegalStatus
        pa.field("status_group", pa.string(), nullable=False),  # StatusGroup
        pa.field("legal_status_raw", pa.string()),  # the source's wording, e.g. 有权-审定授权
        pa.field("legal_status_date", pa.date32()),
        pa.field("title", pa.string(), nullable=False),  # 名称
        pa.field("abstract", pa.string()),  # 摘要
        pa.field("first_claim", pa.string()),  # 主权项
        pa.field("claim_count", pa.int32()),
        pa.field("ipc", _str_list),  # 分类号, normalized like H04N5/225
        pa.field("main_ipc", pa.string()),  # 主分类号
        pa.field("ipc_subclasses", _str_list),  # distinct 4-character subclasses of ``ipc``
        pa.field("cpc", _str_list),
        pa.field("sei_codes", _str_list),  # 战略性新兴产业 categories, e.g. 5.2 (see zhichan.reference)
        pa.field("tech_field", pa.int8()),  # WIPO technology field (Schmoch) of main_ipc
        pa.field("applicants", _str_list),  # 申请人 at filing
        pa.field("applicant_types", _str_list),  # PartyType per applicant
        pa.field("applicant_uscc", _str_list),  # 统一社会信用代码 per applicant ('' when unknown)
        pa.field("current_patentees", _str_list),  # 当前权利人 (falls back to applicants)
        pa.field("first_patentee", pa.string()),  # 第一权利人 — attribution of indicators
        pa.field("first_patentee_type", pa.string()),  # PartyType
        pa.field("first_patentee_key", pa.string()),  # normalized name (entity resolution)
        pa.field("applicant_address", pa.string()),  # 申请人地址
        pa.field("postal_code", pa.string()),
        pa.field("region_code", pa.string()),  # 6-digit county code of the first patentee
        pa.field("city_code", pa.string()),
        pa.field("province_code", pa.string()),
        pa.field("applicant_country", pa.string()),  # ISO 3166 alpha-2; CN for domestic
        pa.field("is_domestic", pa.bool_(), nullable=False),  # mainland applicant (国内, 不含港澳台)
        pa.field("inventors", _str_list),  # 发明人
        pa.field("agency", pa.string()),  # 专利代理机构
        pa.field("agents", _str_list),  # 专利代理人
        pa.field("priority_numbers", _str_list),  # 优先权
        pa.field("priority_date", pa.date32()),  # earliest priority date
        pa.field("pct_application_number", pa.string()),  # 国际申请号
        pa.field("pct_application_date", pa.date32()),
        pa.field("pct_publication_number", pa.string()),
        pa.field("pct_publication_date", pa.date32()),
        pa.field("national_entry_date", pa.date32()),  # 进入国家日期
        pa.field("family_id", pa.string()),
        pa.field("family_size", pa.int32()),  # 简单同族数量
        pa.field("family_members", _str_list),  # 同族专利 publication numbers
        pa.field("family_countries", _str_list),
        pa.field("family_granted_abroad", pa.bool_()),  # 在海外有同族专利权 (high-value criterion 2)
        pa.field("cited_patents", _str_list),  # 引证专利 (backward)
        pa.field("cited_non_patent", _str_list),  # 非专利引证
        pa.field("backward_citations", pa.int32()),  # 引证数
        pa.field("forward_citations", pa.int32()),  # 被引证数 (null when the source lacks it)
        pa.field("transfer_count", pa.int32()),  # 专利转移次数
        pa.field("licence_count", pa.int32()),  # 许可次数
        pa.field("pledge_count", pa.int32()),  # 质押次数
        pa.field("examiner", pa.string()),  # 审查员
        pa.field("substantive_exam_date", pa.date32()),  # 实质审查日
        *_provenance(),
    ]
)

EVENTS = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),  # stable hash of the event's content
        pa.field("application_number", pa.string(), nullable=False),
        pa.field("event_type", pa.string(), nullable=False),  # EventType
        pa.field("event_date", pa.date32()),
        pa.field("amount_yuan", MONEY),  # pledge financing amount, deal price… (元, to the fen)
        pa.field("party_from", pa.string()),  # assignor / licensor / pledgor
        pa.field("party_to", pa.string()),  # assignee / licensee / pledgee (bank)
        pa.field("detail", pa.string()),  # e.g. award kind:level, new legal status
        *_provenance(),
    ]
)

TRADEMARKS = pa.schema(
    [
        pa.field("registration_number", pa.string(), nullable=False),  # 注册号
        pa.field("mark_name", pa.string()),
        pa.field("nice_class", pa.int16()),  # 尼斯分类
        pa.field("mark_kind", pa.string()),  # ordinary | collective | certification
        pa.field("is_geographical_indication", pa.bool_(), nullable=False),  # 地理标志集体/证明商标
        pa.field("registrant", pa.string()),
        pa.field("registrant_uscc", pa.string()),
        pa.field("region_code", pa.string()),
        pa.field("city_code", pa.string()),
        pa.field("province_code", pa.string()),
        pa.field("is_domestic", pa.bool_(), nullable=False),
        pa.field("application_date", pa.date32()),
        pa.field("registration_date", pa.date32()),
        pa.field("expiry_date", pa.date32()),  # 专用权期限届满日 (10 years, renewable)
        pa.field("status", pa.string()),  # pending | registered | expired | cancelled | invalidated
        pa.field("status_date", pa.date32()),
        *_provenance(),
    ]
)

GEOGRAPHICAL_INDICATIONS = pa.schema(
    [
        pa.field("gi_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),  # e.g. 郫县豆瓣
        pa.field("gi_type", pa.string(), nullable=False),  # product (地理标志产品) | mark (地理标志商标)
        pa.field("holder", pa.string()),
        pa.field("region_code", pa.string()),
        pa.field("city_code", pa.string()),
        pa.field("province_code", pa.string()),
        pa.field("approval_date", pa.date32()),
        pa.field("status", pa.string()),  # protected | revoked
        *_provenance(),
    ]
)

COPYRIGHTS = pa.schema(
    [
        pa.field("registration_number", pa.string(), nullable=False),
        pa.field("work_type", pa.string(), nullable=False),  # software (软件著作权) | work (作品)
        pa.field("title", pa.string()),
        pa.field("owner", pa.string()),
        pa.field("region_code", pa.string()),
        pa.field("city_code", pa.string()),
        pa.field("province_code", pa.string()),
        pa.field("registration_date", pa.date32()),
        *_provenance(),
    ]
)

#: Derived in every snapshot from ``patents``: one row per resolved organization or person.
PARTIES = pa.schema(
    [
        pa.field("party_key", pa.string(), nullable=False),  # normalized name
        pa.field("name", pa.string(), nullable=False),  # most frequent spelling
        pa.field("party_type", pa.string()),
        pa.field("uscc", pa.string()),
        pa.field("region_code", pa.string()),
        pa.field("patent_count", pa.int64()),
        pa.field("synthetic", pa.bool_(), nullable=False),
    ]
)

#: table name -> (schema, identity columns)
TABLES: dict[str, tuple[pa.Schema, tuple[str, ...]]] = {
    "patents": (PATENTS, ("application_number",)),
    "events": (EVENTS, ("event_id",)),
    "trademarks": (TRADEMARKS, ("registration_number",)),
    "geographical_indications": (GEOGRAPHICAL_INDICATIONS, ("gi_id",)),
    "copyrights": (COPYRIGHTS, ("registration_number",)),
    "parties": (PARTIES, ("party_key",)),
}

#: Tables an import writes; ``parties`` is derived from ``patents`` when a snapshot is built.
IMPORTED_TABLES = ("patents", "events", "trademarks", "geographical_indications", "copyrights")


def empty_table(name: str) -> pa.Table:
    return TABLES[name][0].empty_table()


#: How an amount stored before amounts were exact (a ``float64`` of a snapshot written before) reads: to the
#: fen, half away from zero, as DuckDB's ``CAST(… AS DECIMAL(18, 2))`` rounds it (the value × 100, rounded) —
#: :func:`conform` rounds Arrow's the same way. An exact amount reads as it is (the cast changes nothing).
MONEY_SQL = "CAST({column} AS DECIMAL(18, 2))"


@cache
def money_columns(table: str) -> tuple[str, ...]:
    """The columns of ``table`` that hold money (:data:`MONEY`)."""
    return tuple(f.name for f in TABLES[table][0] if f.type == MONEY)


def read_columns_sql(table: str, columns: tuple[str, ...] | list[str] | None = None) -> str:
    """The select list that reads ``columns`` (default: every column the files have, ``*``) of ``table``'s part
    files in the canonical types, whatever snapshot wrote them: a money column through :data:`MONEY_SQL`. Every SQL
    reader of part files uses it (the snapshot's views, a right's lookup without a key index, the key
    index's sort, a writer's re-sort); a snapshot may mix parts of both kinds (an update import links the
    stored parts no new record falls into), and DuckDB reads a column of several files as the first one's type."""
    money = money_columns(table)
    if columns is None:
        cast = ", ".join(f"{MONEY_SQL.format(column=n)} AS {n}" for n in money)
        return f"* REPLACE ({cast})" if money else "*"
    return ", ".join(f"{MONEY_SQL.format(column=n)} AS {n}" if n in money else n for n in columns)


def conform(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """``data`` (its columns those of ``schema``, in order) cast to ``schema``, a stored ``float64`` amount
    rounded to the fen as :data:`MONEY_SQL` rounds it (ties away from zero; Arrow's own cast rounds them to even)."""
    columns = []
    for name, field in zip(data.column_names, schema, strict=True):
        column = data.column(name)
        if pa.types.is_decimal(field.type) and pa.types.is_floating(column.type):
            column = pc.divide(pc.round(pc.multiply(column, 100.0), 0, round_mode="half_towards_infinity"), 100.0)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=data.column_names).cast(schema)

