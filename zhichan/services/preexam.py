"""专利预审备案 and 预审: a protection centre's pre-examination channel.

An enterprise files (备案, ``services.preexam_filing``) with a centre when it is registered in the centre's
area and its fields lie in the centre's approved IPC list (``centres.yaml``), and it is not on the credit
list; a recorded enterprise then submits applications for pre-examination (``services.preexam_case``)
in the approved fields, each within the declared time limit. The grant step records the filing and
grant dates (time to grant is for the statistics, which read the case fields).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.validate import FieldError, normalize_uscc
from zhichan.credit.service import active_listing
from zhichan.errors import ConfigError, FormError
from zhichan.legaltime import china_date
from zhichan.platform.models import Organization
from zhichan.platform.scope import Scope, normalize_region_code, region_prefix
from zhichan.procedures.declaration import Text
from zhichan.procedures.service import Option, StepTaken
from zhichan.services.models import PreexamFiling
from zhichan.untrusted import yaml_safe_load

FILING = "services.preexam_filing"
#: the declarations' list of centres (``options: services.centres``)
CENTRES = "services.centres"
CASE = "services.preexam_case"
IPC_SUBCLASS = re.compile(r"^[A-H][0-9]{2}[A-Z]$")
IPC_CODE = re.compile(r"^([A-H][0-9]{2}[A-Z])\s*([0-9]{1,4}/[0-9]{1,6})?$")


class Centre(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[A-Z]{2}-[A-Z]{2,4}$")
    name: Text
    region: str
    ipc: tuple[str, ...] = Field(min_length=1)


@cache
def centres() -> dict[str, Centre]:
    try:
        found = [Centre.model_validate(c) for c in
                 yaml_safe_load((files("zhichan.services") / "centres.yaml").read_text("utf-8")) or []]
        for c in found:
            normalize_region_code(c.region)
            bad = [x for x in c.ipc if not IPC_SUBCLASS.match(x)]
            if bad:
                raise ValueError(f"{c.code}: not IPC subclasses: {bad}")
    except (ValidationError, TypeError, ValueError) as exc:
        raise ConfigError(f"保护中心声明无效：services/centres.yaml：{exc} / invalid centres: {exc}") from None
    return {c.code: c for c in found}


def serves(centre: Centre, region: str) -> bool:
    """Whether ``centre`` serves an applicant registered in ``region`` (within the centre's area)."""
    return normalize_region_code(region).startswith(region_prefix(centre.region))


def centre_options(region: str | None) -> tuple[Option, ...]:
    """The centres a filer registered in ``region`` may choose (``None``: every centre), by name — the list the
    declarations' ``centre`` field takes its choices from (``options: services.centres``)."""
    return tuple(Option(c.code, c.name) for c in centres().values() if region is None or serves(c, region))


def _centre(code: str) -> Centre:
    found = centres().get(code)
    if found is None:
        raise FormError({"centre": f"没有保护中心 {code} / no centre {code}"})
    return found


def _outside(centre: Centre, subclass: str) -> bool:
    return not any(subclass.startswith(prefix) for prefix in centre.ipc)


def check_filing(session: Session, fields: dict[str, Any], region_code: str, on: dt.date) -> None:
    """A filing's rules, every problem beside its field."""
    centre = _centre(str(fields.get("centre", "")))
    errors: dict[str, str] = {}
    if not serves(centre, region_code):
        errors["applicant"] = (f"注册地 {region_code} 不在{centre.name.zh}服务范围（{centre.region}）内 / registered outside the "
                               "centre's area")
    try:
        code = normalize_uscc(str(fields.get("credit_code", "")))
    except FieldError as exc:
        errors["credit_code"] = str(exc)
        code = None
    subclasses = [x.strip().upper() for x in str(fields.get("fields_ipc", "")).splitlines() if x.strip()]
    malformed = [x for x in subclasses if not IPC_SUBCLASS.match(x)]
    outside = [x for x in subclasses if IPC_SUBCLASS.match(x) and _outside(centre, x)]
    if malformed:
        errors["fields_ipc"] = f"不是 IPC 小类（如 H01M）：{'、'.join(malformed)} / not IPC subclasses"
    elif outside:
        errors["fields_ipc"] = (f"不在本中心获批的预审领域内：{'、'.join(outside)}（获批：{'、'.join(centre.ipc)}） / outside the "
                                "centre's approved fields")
    listing = active_listing(session, on=on, name=str(fields.get("applicant", "")), credit_code=code)
    if listing is not None:
        errors["applicant"] = f"列入严重违法失信名单，不予备案：{listing.reason}"
    if errors:
        raise FormError(errors)


def check_case(session: Session, fields: dict[str, Any], party_key: str | None) -> None:
    centre = _centre(str(fields.get("centre", "")))
    errors: dict[str, str] = {}
    match = IPC_CODE.match(str(fields.get("main_ipc", "")).strip().upper())
    if match is None:
        errors["main_ipc"] = "主分类号格式应如 H01M 10/052 / a main IPC such as H01M 10/052"
    elif _outside(centre, match.group(1)):
        errors["main_ipc"] = f"{match.group(1)} 不在本中心获批的预审领域内 / outside the centre's approved fields"
    key = normalize_name(str(fields.get("applicant", "")))
    recorded = session.scalar(select(PreexamFiling.id).where(PreexamFiling.centre == centre.code,
                                                             PreexamFiling.applicant_key == key))
    if recorded is None or (party_key is not None and normalize_name(party_key) != key):
        errors["applicant"] = f"申请人未在{centre.name.zh}备案 / the applicant has not filed with this centre"
    if errors:
        raise FormError(errors)


def make_hook() -> Any:
    def hook(session: Session, scope: Scope, step: StepTaken) -> None:
        f = step.case_fields
        if step.procedure == FILING:
            if step.event == "start":
                org = session.get(Organization, scope.org_id)
                # the registered region: an enterprise's own organization, else the case's area
                region = org.region_code if org is not None and step.party_user_id is not None else step.region_code
                check_filing(session, f, region, china_date(step.now))
            elif step.event == "record":
                session.add(PreexamFiling(case_id=step.case_id, centre=f["centre"], applicant=f["applicant"],
                                          applicant_key=normalize_name(f["applicant"]), recorded_on=china_date(step.now)))
                session.flush()
        elif step.procedure == CASE:
            if step.event == "start":
                check_case(session, f, step.party_key)
            elif step.event == "record_grant":
                filed, granted = (dt.date.fromisoformat(step.fields[k]) for k in ("filed_on", "granted_on"))
                if granted < filed or granted > china_date(step.now):
                    raise FormError({"granted_on": "授权公告日应在申请日之后、今天之前 / the grant lies between filing and today"})

    return hook
