"""The talent and expert library's figures (docs/indicators.md "Domain figures"; docs/talent.md "Figures").

Three workflow tables — the people (``talent_people``: who, where they work, demo or not), their kinds
(``talent_person_kinds``) and every status change (``talent_status_changes``, written by
:func:`zhichan.talent.service.set_status` on every path) — read through three relations:

- ``talent_people_status``: each person's status on the day (the last change on or before it);
- ``talent_kind_status``: the same, once per kind the person belongs to;
- ``talent_status_events``: every change up to the day, with whether it is an admission (a first entry into
  the library: from nothing or from an application; a reinstatement is not one) and whether it falls in
  the period (the year to date).

Counted: people in the library on the day (all, and per declared kind — a bureau's own kinds included),
people suspended, admissions and removals in the year to date; by the region where each person works.
:func:`zhichan.talent.service.counts` (the public's counts per kind on ``/talent``) is the same definition
on today's rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.figures import ExportContext, Figures, Relation, WorkflowTable, batches_of
from zhichan.indicators.models import IndicatorDef
from zhichan.talent.models import Person, PersonKind, StatusChange

CATEGORY = "服务"
#: a kind whose code is an identifier has its own indicator (every shipped kind; a bureau's kind named otherwise
#: is counted in talent_in_library only)
KIND_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
RELATIONS = ("talent_people_status", "talent_kind_status", "talent_status_events")
PEOPLE = pa.schema([
    pa.field("person_id", pa.int64(), nullable=False),
    pa.field("name", pa.string(), nullable=False),
    pa.field("organization", pa.string(), nullable=False),
    pa.field("region_code", pa.string(), nullable=False),  # where the person works
    pa.field("synthetic", pa.bool_(), nullable=False),
])
KINDS = pa.schema([
    pa.field("person_id", pa.int64(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),
])
CHANGES = pa.schema([
    pa.field("change_id", pa.int64(), nullable=False),
    pa.field("person_id", pa.int64(), nullable=False),
    pa.field("status", pa.string(), nullable=False),
    pa.field("previous_status", pa.string(), nullable=False),
    pa.field("changed_on", pa.date32(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
    pa.field("via", pa.string(), nullable=False),
])


def people_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    rows = ctx.session.execute(select(Person.id, Person.name, Person.organization, Person.region_code, Person.synthetic)
                               .order_by(Person.id))
    yield from batches_of(({"person_id": r.id, "name": r.name, "organization": r.organization,
                            "region_code": r.region_code, "synthetic": bool(r.synthetic)} for r in rows), PEOPLE)


def kinds_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    rows = ctx.session.execute(select(PersonKind.person_id, PersonKind.kind).order_by(PersonKind.id))
    yield from batches_of(({"person_id": r.person_id, "kind": r.kind} for r in rows), KINDS)


def changes_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    rows = ctx.session.execute(select(StatusChange).order_by(StatusChange.id)).scalars()
    yield from batches_of(({"change_id": r.id, "person_id": r.person_id, "status": r.status,
                            "previous_status": r.previous_status, "changed_on": r.changed_on, "reason": r.reason,
                            "via": r.via} for r in rows), CHANGES)


def people_version(session: Session) -> str:
    """People change by entry, import, application (new rows) and edits (``updated_at``)."""
    count, latest = session.execute(select(func.count(Person.id), func.max(Person.updated_at))).one()
    return f"{count}:{latest.isoformat() if latest else ''}"


def kinds_version(session: Session) -> str:
    count, last = session.execute(select(func.count(PersonKind.id), func.max(PersonKind.id))).one()
    return f"{count}:{last or 0}"


def changes_version(session: Session) -> str:
    """The history is append-only: its count and last id."""
    count, last = session.execute(select(func.count(StatusChange.id), func.max(StatusChange.id))).one()
    return f"{count}:{last or 0}"


def kind_label(code: str, lang: str) -> str:
    from zhichan.talent.service import kinds

    kind = kinds().get(code)
    return kind.label(lang) if kind else code


def _defs() -> list[IndicatorDef]:
    from zhichan.talent.service import kinds

    people, by_kind, events = "talent_people_status", "talent_kind_status", "talent_status_events"
    d = [
        IndicatorDef(
            "talent_in_library", "人才库在库人数", "People in the talent library", "人", "count", "stock",
            "统计日在人才库、专家库中（在库状态，不含申请审查中、暂停、移出）的人数，按其工作所在地统计；一人属多类只计一次。",
            "People in the talent and expert library on the statistics date (admitted; not under review, suspended or "
            "removed), counted where they work; a person of several kinds counts once.", CATEGORY, people, "status = 'in_library'"),
        IndicatorDef(
            "talent_suspended", "人才库暂停人数", "People suspended in the talent library", "人", "count", "stock",
            "统计日处于暂停状态（暂不参与抽取）的人数。", "People suspended (not drawn for panels for the time being) on the statistics date.", CATEGORY,
            people, "status = 'suspended'"),
        IndicatorDef(
            "talent_admitted", "人才库新入库人数", "People admitted to the talent library", "人", "count", "flow",
            "当年1月1日至统计日首次入库的人数（经申请准予入库、管理部门录入或名册导入；恢复在库不计）。",
            "People admitted to the library for the first time from 1 January to the statistics date (on application, "
            "entered by an office or imported from a roster; reinstatements not counted).", CATEGORY, events, "admission AND in_period"),
        IndicatorDef(
            "talent_removed", "人才库移出人数", "People removed from the talent library", "人", "count", "flow",
            "当年1月1日至统计日移出人才库的人数。", "People removed from the library from 1 January to the statistics date.", CATEGORY, events,
            "status = 'removed' AND in_period"),
    ]
    for kind in kinds().values():
        if not KIND_CODE.fullmatch(kind.code):  # the code names a SQL column and sits in a literal
            continue
        d.append(IndicatorDef(
            f"talent_in_library_{kind.code}", f"人才库在库{kind.zh}人数", f"{kind.en}: people in the library", "人",
            "count", "stock", f"统计日在库且属“{kind.zh}”类别的人数（一人属多类时在各类中各计一次）。",
            f"People in the library of the kind “{kind.en}” on the statistics date (a person of several kinds counts "
            "once in each).", CATEGORY, by_kind,
            f"status = 'in_library' AND kind = '{kind.code}'"))
    return d


_KEYS = ("person_id", "organization", "organization", None)
_STATUS_DRILL = ("person_id", "name", "organization", "geo", "status", "status_since", "reason", "synthetic")

FIGURES = Figures(
    tables=(WorkflowTable("talent_people", PEOPLE, people_batches, people_version),
            WorkflowTable("talent_person_kinds", KINDS, kinds_batches, kinds_version),
            WorkflowTable("talent_status_changes", CHANGES, changes_batches, changes_version)),
    relations=(
        Relation("talent_people_status", "zhichan.talent", _KEYS, _STATUS_DRILL,
                 labels=(("status", "talent.status"),)),
        Relation("talent_kind_status", "zhichan.talent", _KEYS, (*_STATUS_DRILL[:4], "kind", *_STATUS_DRILL[4:]),
                 depends=("talent_people_status",), labels=(("status", "talent.status"),),
                 names=(("kind", kind_label),)),
        Relation("talent_status_events", "zhichan.talent", ("change_id", "organization", "organization", None),
                 ("change_id", "person_id", "name", "organization", "geo", "changed_on", "previous_status", "status",
                  "via", "reason", "synthetic"),
                 labels=(("status", "talent.status"), ("previous_status", "talent.status"), ("via", "talent.via"))),
    ),
    indicators=_defs,
)


def statistics(snapshot: Any, region: str, as_of: dt.date | None = None, lang: str = "zh") -> dict[str, Any]:
    """The library's figures for ``region`` (``CN`` or a code) on ``as_of`` (default: today, the platform's records'
    default date — ``zhichan.indicators.service.default_as_of``), with 同比 —
    counts only, what the public may read (``GET /api/v1/talent/statistics``); the people behind them are on
    the region's records pages, for its officers."""
    from zhichan.indicators import registry, service

    region = service.normalize_region(region)
    codes = [i.code for i in registry.indicators().values() if i.source in RELATIONS]
    day = service.figure_as_of(codes[0], as_of, snapshot)
    found = service.compute(codes, [region], day, snapshot=snapshot)
    names = {i.code: (i.name_en if lang == "en" else i.name_zh) for i in registry.indicators().values()}
    return {"region": region, "as_of": day.isoformat(), "synthetic": any(v.synthetic for v in found),
            "figures": [{"code": v.code, "name": names[v.code], "value": v.value, "unit": v.unit,
                         "previous_value": v.previous_value, "yoy_change_pct": v.yoy_change_pct,
                         "definition_ref": v.definition_ref} for v in found]}
