"""公共服务事项清单: the catalogue of services, each running a declared procedure.

One definition per fact: an entry's name, legal basis, required materials and time limit are read from
the procedure declaration it runs (``definitions/*.yaml``; a bureau changes a time limit with a local
declaration file, as for any procedure); the catalogue adds who may apply, the fee, the category and
the documents generated at its decisions (``catalogue.yaml``). A bureau edits who may apply, the fee,
its contact, notes and whether it offers the service, for its own area, on the web (a
:class:`CatalogueOverride`, the most specific area's applying), never in code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.errors import ConfigError, FormError, NotFoundError, PermissionDenied
from zhichan.evidence.service import utcnow
from zhichan.money import format_money
from zhichan.platform import audit
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope, region_prefix
from zhichan.procedures.declaration import Declaration, ProcedureRegistry, Text, period_text
from zhichan.procedures.service import StepTaken
from zhichan.services.models import CatalogueOverride
from zhichan.untrusted import yaml_safe_load

#: who edits the catalogue for the area of their organization
EDITORS = (Role.BUREAU_LEADER, Role.SYSTEM_ADMIN)
MAX_FEE = Decimal("1000000")


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Z]{2}-[A-Z]{2}-[0-9]{3}$")
    procedure: str
    category: Text
    applicants: Text
    fee_yuan: Decimal = Field(ge=0)
    #: the declared clock that is the service's committed time limit (承诺办结时限)
    time_limit_clock: str
    #: the steps whose document the platform generates (decision, recommendation letter), by event
    decisions: dict[str, Text] = {}


@cache
def shipped_entries() -> tuple[Entry, ...]:
    text = (files("zhichan.services") / "catalogue.yaml").read_text("utf-8")
    try:
        entries = tuple(Entry.model_validate(e) for e in yaml_safe_load(text) or [])
    except (ValidationError, TypeError) as exc:
        raise ConfigError(f"服务事项清单无效：services/catalogue.yaml：{exc} / invalid service catalogue: {exc}") from None
    codes = [e.code for e in entries]
    if len(set(codes)) != len(codes):
        raise ConfigError("服务事项清单中有重复编码 / the service catalogue repeats a code")
    return entries


def check_catalogue(registry: ProcedureRegistry, entries: tuple[Entry, ...] | None = None) -> None:
    """Every entry's procedure, clock and decision steps exist in every jurisdiction's declaration, and
    each decision step declares the document the platform generates for it (else the app does not start)."""
    for entry in entries or shipped_entries():
        declarations = [d for d in registry.all() if d.procedure == entry.procedure]
        if not declarations:
            raise ConfigError(f"服务事项 {entry.code}：没有办理程序 {entry.procedure} / no procedure {entry.procedure}")
        for decl in declarations:
            if entry.time_limit_clock not in decl.clocks:
                raise ConfigError(f"服务事项 {entry.code}：{decl.procedure}（{decl.jurisdiction}）没有期限 "
                                  f"{entry.time_limit_clock} / no clock {entry.time_limit_clock}")
            if decl.cycle_clock != entry.time_limit_clock:  # the handling time in statistics is the time limit's
                raise ConfigError(f"服务事项 {entry.code}：{decl.procedure}（{decl.jurisdiction}）的 cycle_clock 应为承诺时限 "
                                  f"{entry.time_limit_clock} / cycle_clock must be the time limit {entry.time_limit_clock}")
            for event in entry.decisions:
                steps = [t for t in decl.transitions if t.event == event]
                if not steps or any(len(t.documents) != 1 for t in steps):
                    raise ConfigError(f"服务事项 {entry.code}：步骤 {event} 须声明且只声明一份文书 / step {event} "
                                      "must exist and declare exactly one document")


def entry(code: str) -> Entry:
    found = next((e for e in shipped_entries() if e.code == code), None)
    if found is None:
        raise NotFoundError(f"没有服务事项 {code} / no service {code}")
    return found


def entry_for_procedure(procedure: str) -> Entry | None:
    return next((e for e in shipped_entries() if e.procedure == procedure), None)


def _override(session: Session, code: str, region_code: str | None) -> CatalogueOverride | None:
    """The edit of the most specific area containing ``region_code`` (``None``: the nation's only)."""
    rows = session.scalars(select(CatalogueOverride).where(CatalogueOverride.code == code)).all()
    best, best_len = None, -1
    for row in rows:
        prefix = region_prefix(row.jurisdiction)
        if (region_code or "").startswith(prefix) and len(prefix) > best_len:
            best, best_len = row, len(prefix)
    return best


def fee_text(fee: Decimal, lang: str) -> str:
    if fee == 0:
        return "Free" if lang == "en" else "不收费"
    return format_money(fee, lang)


def entry_view(session: Session, registry: ProcedureRegistry, e: Entry, region_code: str | None,
               lang: str) -> dict[str, Any]:
    """An entry as it applies in ``region_code`` (the declaration of that jurisdiction, the area's edit)."""
    decl: Declaration = registry.for_region(e.procedure, region_code)
    clock = decl.clocks[e.time_limit_clock]
    edit = _override(session, e.code, region_code)
    fee = edit.fee_yuan if edit is not None else e.fee_yuan
    materials = [d(lang) for d in decl.start.documents]
    return {
        "code": e.code, "procedure": e.procedure, "name": decl.title(lang), "basis": decl.basis,
        "category": e.category(lang), "applicants": edit.applicants if edit is not None and edit.applicants
        else e.applicants(lang), "materials": materials, "more_attachments": decl.start.attachments,
        "time_limit": period_text(clock.amount, clock.unit, lang), "time_limit_amount": clock.amount,
        "time_limit_unit": clock.unit, "time_limit_basis": clock.basis, "jurisdiction": decl.jurisdiction,
        "fee_yuan": fee, "fee": fee_text(fee, lang), "contact": edit.contact if edit else "",
        "notes": edit.notes if edit else "", "offered": edit.offered if edit else True,
        "online": decl.start.party, "edited_for": edit.jurisdiction if edit else None,
        "apply_url": f"/procedures/{e.procedure}/new",
        "fields": [{"label": f.label(lang), "required": f.required} for f in decl.start.fields],
    }


def catalogue_view(session: Session, registry: ProcedureRegistry, region_code: str | None, lang: str) -> dict[str, Any]:
    entries = [entry_view(session, registry, e, region_code, lang) for e in shipped_entries()]
    return {"region_code": region_code, "entries": entries}


def parse_fee(raw: str) -> Decimal:
    """A fee in yuan as typed (``1,200.50``): an exact decimal with at most two places, 0 ≤ fee ≤ 1,000,000."""
    text = (raw or "").strip().replace(",", "").replace("，", "")
    try:
        fee = Decimal(text)
    except InvalidOperation:
        raise FormError({"fee_yuan": "收费标准应为金额，如 0 或 120.00 / the fee is an amount such as 0 or 120.00"}) from None
    if not fee.is_finite() or fee < 0 or fee > MAX_FEE or fee.as_tuple().exponent < -2:  # type: ignore[operator]
        raise FormError({"fee_yuan": "收费标准应在 0 至 1,000,000 元之间，至多两位小数 / the fee is 0 to 1,000,000 yuan "
                                     "with at most two decimals"})
    return fee.quantize(Decimal("0.01"))


def edit_entry(session: Session, scope: Scope, code: str, values: dict[str, str], *, now: dt.datetime | None = None,
               ip: str = "") -> CatalogueOverride:
    """A bureau's edit of an entry for its own area; :class:`FormError` names every bad field."""
    scope.require_roles(*EDITORS)
    if not scope.governance or scope.region_code is None:
        raise PermissionDenied("只有知识产权管理部门可以编辑服务事项 / only a bureau edits the catalogue")
    e = entry(code)
    errors: dict[str, str] = {}
    fee = e.fee_yuan
    try:
        fee = parse_fee(values.get("fee_yuan", ""))
    except FormError as exc:
        errors |= exc.errors
    applicants = (values.get("applicants") or "").strip()
    contact = (values.get("contact") or "").strip()
    notes = (values.get("notes") or "").strip()
    if not applicants:
        errors["applicants"] = "请填写申请对象 / say who may apply"
    elif len(applicants) > 1000:
        errors["applicants"] = "申请对象超过 1000 字 / longer than 1000 characters"
    if len(contact) > 300:
        errors["contact"] = "咨询方式超过 300 字 / longer than 300 characters"
    if len(notes) > 3000:
        errors["notes"] = "备注超过 3000 字 / longer than 3000 characters"
    offered = values.get("offered", "") in ("1", "on", "true")
    if errors:
        raise FormError(errors)
    row = session.scalar(select(CatalogueOverride).where(CatalogueOverride.code == code,
                                                         CatalogueOverride.jurisdiction == scope.region_code))
    if row is None:
        row = CatalogueOverride(code=code, jurisdiction=scope.region_code)
        session.add(row)
    row.applicants, row.fee_yuan, row.contact, row.notes, row.offered = applicants, fee, contact, notes, offered
    row.updated_by, row.updated_at = scope.username, now or utcnow()
    session.flush()
    audit.record(session, scope, "services.catalogue_edit", code, ip=ip,
                 detail={"jurisdiction": scope.region_code, "fee_yuan": str(fee), "offered": offered})
    return row


def offered_hook(session: Session, scope: Scope, step: StepTaken) -> None:
    """A service the bureau of the case's area does not offer takes no applications there."""
    if step.event != "start":
        return
    e = entry_for_procedure(step.procedure)
    edit = _override(session, e.code, step.region_code) if e is not None else None
    if edit is not None and not edit.offered:
        raise FormError({"_offered": f"本地（{edit.jurisdiction}）暂不办理此事项 / this service is not offered here"})
