"""The talent and expert library's rules (知识产权人才库、专家库).

- The kinds are declared (kinds.yaml, extended by a bureau's file); a person may be of several, each with
  its certificate number where the kind has one.
- People come in three ways: an application through the ``talent.registration`` procedure (anyone signed
  in, for themself; :func:`registration_hook` keeps the row in step with the case), a bureau's direct
  entry (audited), an imported roster (zhichan.talent.importer; audited).
- Who sees what is :mod:`zhichan.talent.scope`'s one rule; :func:`directory` applies it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zhichan.corpus.parties import party_name_en
from zhichan.errors import FormError, InputError, NotFoundError, PermissionDenied
from zhichan.legaltime import china_date
from zhichan.platform import audit
from zhichan.platform.inlists import rows_in
from zhichan.platform.models import Organization, Role, utcnow
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import (
    Scope,
    known_region_code,
    normalize_region_code,
    party_within,
    region_prefix,
)
from zhichan.procedures.service import StepTaken
from zhichan.reference.ipc import parse_fields
from zhichan.talent.models import Person, PersonKind, Source, Status, StatusChange, Via
from zhichan.talent.scope import Viewer, viewer
from zhichan.untrusted import yaml_safe_load

PROCEDURE = "talent.registration"
KINDS_FILE = Path(__file__).resolve().parent / "kinds.yaml"
#: 共享开放: what a person may consent to show to enterprises, universities and banks (kinds and region are
#: always shown with a listed person — that is what the library is for; the name decides whether it is listed)
SHAREABLE = ("name", "organization", "ipc_fields", "industry_chains", "certificates", "contact")
#: who enters people directly, imports rosters and changes a case-less person's status
MANAGERS = (Role.CASE_OFFICER, Role.BUREAU_LEADER, Role.SYSTEM_ADMIN)
#: the library's status for each state of the registration procedure
STATUS_OF_STATE = {"submitted": Status.APPLYING, "curing": Status.APPLYING, "admitted": Status.IN_LIBRARY,
                   "suspended": Status.SUSPENDED, "refused": Status.REFUSED, "withdrawn": Status.WITHDRAWN,
                   "removed": Status.REMOVED}
#: the statuses in which a person occupies the library (a second entry for the same user is refused)
ACTIVE = (Status.APPLYING, Status.IN_LIBRARY, Status.SUSPENDED)
#: how a status change is made without a case (a case's people change through its steps)
STATUS_CHANGES = {"suspend": Status.SUSPENDED, "reinstate": Status.IN_LIBRARY, "remove": Status.REMOVED}
DIRECTORY_LIMIT = 500


@dataclass(frozen=True)
class Kind:
    code: str
    zh: str
    en: str
    certificate: bool

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@lru_cache(maxsize=8)
def _load_kinds(extra: Path | None) -> dict[str, Kind]:
    out: dict[str, Kind] = {}
    for path in (KINDS_FILE, *([extra] if extra else [])):
        try:
            data = yaml_safe_load(path.read_text("utf-8")) or {}
            for code, spec in (data.get("kinds") or {}).items():
                out[str(code)] = Kind(str(code), str(spec["zh"]), str(spec["en"]), bool(spec.get("certificate", False)))
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"人员类别文件 {path} 无效：{exc} / the kinds file {path} is not valid: {exc}") from exc
    return out


def kinds() -> dict[str, Kind]:
    """The declared kinds, in file order: the shipped ones and the bureau's (``ZHICHAN_TALENT_KINDS_FILE``)."""
    from zhichan.settings import get_settings

    return _load_kinds(get_settings().talent_kinds_file)


def kind_code(text: str) -> str | None:
    """A kind given as its code or its Chinese or English label."""
    text = unicodedata.normalize("NFKC", text).strip()
    for kind in kinds().values():
        if text in (kind.code, unicodedata.normalize("NFKC", kind.zh), kind.en):
            return kind.code
    return None


def _split(text: str) -> list[str]:
    return [p.strip() for p in str(text or "").replace("；", ";").replace("\n", ";").split(";") if p.strip()]


@dataclass(frozen=True)
class PersonInput:
    """A person as checked: what an application, an entry or a roster row gives."""

    name: str
    organization: str
    region_code: str
    kinds: dict[str, str]  # code → certificate number ("" where none)
    ipc_fields: list[str]
    industry_chains: list[str]
    phone: str
    email: str
    shared: list[str]
    #: parties represented or advised before, one a line (officers only)
    prior_parties: str = ""


def _share_code(text: str) -> str:
    """A shared field given as its code or its label (an export's column imports back)."""
    from zhichan.web.i18n import translate

    for code in SHAREABLE:
        if text in (translate("zh", f"talent.share.{code}"), translate("en", f"talent.share.{code}")):
            return code
    return text


def clean_person(values: dict[str, Any], office: Organization | None = None) -> PersonInput:
    """Check a person's fields (every problem at once, :class:`FormError` by field). ``kinds``: codes or
    labels separated by ";"; ``certificates``: one ``kind: number`` per line (or ";"); ``shared``: fields of
    :data:`SHAREABLE`; the region must lie in ``office``'s area (the office keeping the record)."""
    errors: dict[str, str] = {}
    text = {k: unicodedata.normalize("NFKC", str(values.get(k) or "")).strip() for k in
            ("name", "organization", "region_code", "kinds", "certificates", "ipc_fields", "industry_chains",
             "phone", "email", "shared")}
    prior = "\n".join(p.strip() for p in str(values.get("prior_parties") or "").splitlines() if p.strip())
    if not text["name"]:
        errors["name"] = "请填写姓名 / the name is required"
    elif len(text["name"]) > 100:
        errors["name"] = "姓名超过 100 字 / the name is longer than 100 characters"
    if len(text["organization"]) > 200:
        errors["organization"] = "工作单位超过 200 字 / longer than 200 characters"
    region = ""
    try:
        region = normalize_region_code(text["region_code"])
        if len(text["region_code"]) != 6:
            raise InputError("not six digits")
    except InputError:
        errors["region_code"] = "请填写 6 位行政区划代码（如 510107） / give a 6-digit region code (e.g. 510107)"
    else:
        try:
            known_region_code(region)
        except InputError as exc:  # well-formed, naming no region (510199): stored, then shown as its digits
            errors["region_code"] = exc.message
    if region and "region_code" not in errors and office is not None and not _within(office, region):
        errors["region_code"] = (f"地区 {region} 不在{office.name}辖区内 / region {region} is outside the area of "
                                 "the office keeping the record")
    chosen: dict[str, str] = {}
    for part in _split(text["kinds"]):
        code = kind_code(part)
        if code is None:
            errors["kinds"] = f"未知的人员类别“{part[:20]}” / unknown kind “{part[:20]}”"
            break
        chosen[code] = ""
    if not chosen and "kinds" not in errors:
        errors["kinds"] = "请选择至少一个人员类别 / choose at least one kind"
    for line in _split(text["certificates"]):
        label, sep, number = line.replace("：", ":").replace("=", ":").partition(":")
        code = kind_code(label)
        if not sep or code is None or not number.strip():
            errors["certificates"] = f"证书应写作“类别: 编号”：{line[:30]} / write a certificate as “kind: number”"
        elif code not in chosen:
            errors["certificates"] = f"未选择类别“{label.strip()[:20]}” / the kind “{label.strip()[:20]}” is not chosen"
        elif len(number.strip()) > 60:
            errors["certificates"] = "证书编号超过 60 字 / a certificate number is longer than 60 characters"
        else:
            chosen[code] = number.strip()
    missing = [kinds()[c].zh for c, number in chosen.items() if kinds()[c].certificate and not number]
    if missing and "certificates" not in errors:
        errors["certificates"] = (f"请填写资格证书编号：{'、'.join(missing)} / give the certificate number of "
                                  f"{', '.join(kinds()[c].en for c, n in chosen.items() if kinds()[c].certificate and not n)}")
    fields: list[str] = []
    try:
        fields = parse_fields(text["ipc_fields"], required=False)
    except FormError as exc:
        errors.update(exc.errors)
    chains = _split(text["industry_chains"].replace("、", ";").replace(",", ";"))
    if len(";".join(fields)) > 400 or len(";".join(chains)) > 400:
        errors["ipc_fields" if len(";".join(fields)) > 400 else "industry_chains"] = "过长 / too long"
    if len(text["phone"]) > 40:
        errors["phone"] = "电话超过 40 字 / longer than 40 characters"
    if len(prior) > 3000:
        errors["prior_parties"] = "超过 3000 字 / longer than 3000 characters"
    if text["email"] and ("@" not in text["email"] or len(text["email"]) > 200):
        errors["email"] = "电子邮箱无效 / not an email address"
    shared = []
    for part in _split(text["shared"].replace(",", ";").replace("、", ";")):
        part = _share_code(part)
        if part not in SHAREABLE:
            errors["shared"] = f"不可共享的字段“{part[:20]}” / “{part[:20]}” cannot be shared"
            break
        shared.append(part)
    if errors:
        raise FormError(errors)
    return PersonInput(text["name"], text["organization"], region, chosen, fields, chains, text["phone"],
                       text["email"], [s for s in SHAREABLE if s in shared], unicodedata.normalize("NFKC", prior))


def insert_person(session: Session, data: PersonInput, *, org_id: int, source: Source, status: Status,
                  user_id: int | None = None, case_id: int | None = None, synthetic: bool = False,
                  now: dt.datetime | None = None, actor: str = "", reason: str = "") -> Person:
    """A new person, with the first row of its status history (``via`` its source)."""
    now = now or utcnow()
    row = Person(name=data.name, organization=data.organization, region_code=data.region_code,
                 ipc_fields=";".join(data.ipc_fields), industry_chains=";".join(data.industry_chains),
                 phone=data.phone, email=data.email, shared=";".join(data.shared), prior_parties=data.prior_parties,
                 status=status, status_reason="", status_on=china_date(now), source=source, org_id=org_id,
                 user_id=user_id, case_id=case_id, synthetic=synthetic, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    session.add_all(PersonKind(person_id=row.id, kind=code, certificate=number) for code, number in data.kinds.items())
    set_status(session, row, status, reason, now=now, actor=actor, via=Via(str(source)), first=True)
    session.flush()
    return row


def set_status(session: Session, person: Person, status: Status, reason: str, *, now: dt.datetime, actor: str,
               via: Via, first: bool = False) -> None:
    """The one way a person's status changes: the row's status, reason and day, and a row of its history
    (``talent_status_changes``: day, reason, actor, how) — what the library's figures count on a date."""
    previous = "" if first else str(person.status)
    day = china_date(now)
    person.status, person.status_reason, person.status_on, person.updated_at = status, reason, day, now
    session.add(StatusChange(person_id=person.id, status=str(status), previous_status=previous, changed_on=day,
                             reason=reason, actor=actor[:80], via=str(via), created_at=now))


def history(session: Session, person_id: int) -> list[dict[str, Any]]:
    """A person's status changes, oldest first (officers see them on the person's page)."""
    rows = session.scalars(select(StatusChange).where(StatusChange.person_id == person_id)
                           .order_by(StatusChange.changed_on, StatusChange.id))
    return [{"status": r.status, "previous_status": r.previous_status, "changed_on": r.changed_on, "reason": r.reason,
             "actor": r.actor, "via": r.via} for r in rows]


def _within(org: Organization, region: str) -> bool:
    return party_within(region, region_prefix(org.region_code))


# -- admission through the procedure ----------------------------------------------------------------

def registration_hook(session: Session, scope: Scope, step: StepTaken) -> None:
    """Keeps ``talent_people`` in step with a ``talent.registration`` case (in the step's transaction): the
    application checked and recorded as applying; admission, refusal, withdrawal, suspension, reinstatement
    and removal set the status with the step's reasons and day."""
    if step.event == "start":
        scope.require_authenticated()  # the declaration is public so anyone signed in may apply
        data = clean_person(step.fields, session.get(Organization, step.org_id))
        if step.party_user_id is not None and session.scalar(
                select(Person.id).where(Person.user_id == step.party_user_id, Person.status.in_(ACTIVE))) is not None:
            raise FormError({"name": "您已在库或已有申请在审查中 / you are in the library or have an application "
                                     "under review already"})
        insert_person(session, data, org_id=step.org_id, source=Source.APPLIED, status=Status.APPLYING,
                      user_id=step.party_user_id, case_id=step.case_id, now=step.now, actor=scope.username or "")
        if step.party_key is not None:
            # an application is the person's own: the applying user follows it, not its employer's other users
            from zhichan.procedures.models import Case

            session.execute(update(Case).where(Case.id == step.case_id).values(party_key=None))
        return
    person = session.scalars(select(Person).where(Person.case_id == step.case_id)).first()
    if person is None:
        raise NotFoundError(f"办件 {step.number} 没有人才库记录 / case {step.number} has no library row")
    status = STATUS_OF_STATE.get(step.target)
    if status is None or status == person.status:  # a cure keeps the application under review
        return
    reason = str(step.fields.get("reasons") or step.fields.get("reason") or step.fields.get("note") or "")
    set_status(session, person, status, reason, now=step.now, actor=scope.username or "", via=Via.CASE_STEP)


def handling_office(session: Session, scope: Scope) -> Organization:
    """The office an application from this caller goes to: its own organization's nearest bureau (an
    officer's own office)."""
    from zhichan.procedures.service import GOVERNANCE_KINDS

    scope.require_authenticated()
    org = session.get(Organization, scope.org_id) if scope.org_id is not None else None
    while org is not None and org.kind not in GOVERNANCE_KINDS:
        org = session.get(Organization, org.parent_id) if org.parent_id else None
    if org is None:
        raise PermissionDenied("账号未隶属任何知识产权局 / the account belongs to no bureau")
    return org


def form_fields(form: dict[str, Any]) -> dict[str, str]:
    """The application page's inputs (a checkbox per kind and per shared field, a certificate box per kind)
    as the declaration's fields — kinds and shared fields by their Chinese labels, as the case page shows them
    (:func:`clean_person` reads labels and codes alike)."""
    from zhichan.web.i18n import translate

    declared = kinds()
    chosen = [c for c in declared if form.pop(f"kind_{c}", None)]
    certificates = [f"{declared[c].zh}: {str(form.get(f'cert_{c}', '')).strip()}" for c in chosen
                    if str(form.get(f"cert_{c}", "")).strip()]
    shared = [f for f in SHAREABLE if form.pop(f"share_{f}", None)]
    keep = {k: str(v) for k, v in form.items() if not k.startswith(("kind_", "cert_", "share_"))}
    return {**keep, "kinds": "；".join(declared[c].zh for c in chosen), "certificates": "\n".join(certificates),
            "shared": "；".join(translate("zh", f"talent.share.{f}") for f in shared)}


def apply(session: Session, scope: Scope, procedures: Any, form: dict[str, Any], uploads: tuple[Any, ...] = (),
          *, now: dt.datetime | None = None, ip: str = "") -> dict[str, Any]:
    """Apply for oneself: a ``talent.registration`` case with the caller's bureau, the caller its party. An
    officer does not apply to its own office (it would review itself): its office enters it (audited)."""
    scope.require_authenticated()
    if scope.governance:
        raise PermissionDenied("管理部门人员请由本局直接录入 / officers are entered by their office")
    fields = form_fields(dict(form))
    office = handling_office(session, scope)
    # every problem at once, as the hook would name them: the engine stops at its own field checks (a region
    # not in the form's list) before the hook's (the certificates a kind needs)
    clean_person(fields, office)
    if scope.role == Role.ENTERPRISE_USER:  # the engine's party: the user and its enterprise, with its bureau
        return dict(procedures.start(session, scope, PROCEDURE, fields=fields, uploads=uploads, now=now, ip=ip))
    return dict(procedures.start(session, scope, PROCEDURE, fields=fields, uploads=uploads, now=now, ip=ip,
                                 handling_org_id=office.id, filer_is_party=True))


# -- a bureau's own entries -------------------------------------------------------------------------

def require_manager(scope: Scope) -> None:
    scope.require_roles(*MANAGERS)
    if not scope.governance:
        raise PermissionDenied("仅限知识产权管理部门 / for IP offices only")


def enter_person(session: Session, scope: Scope, values: dict[str, Any], *, source: Source = Source.ENTERED,
                 synthetic: bool = False, now: dt.datetime | None = None) -> Person:
    """录入: an officer enters a person directly into the library (audited); the region must lie in its area."""
    require_manager(scope)
    org = session.get(Organization, scope.org_id)
    assert org is not None
    data = clean_person(values, org)
    row = insert_person(session, data, org_id=org.id, source=source, status=Status.IN_LIBRARY, synthetic=synthetic,
                        now=now, actor=scope.username or "")
    audit.record(session, scope, f"talent.person_{source}", data.name, detail={"person": row.id})
    return row


def change_status(session: Session, scope: Scope, person_id: int, change: str, reason: str, *,
                  now: dt.datetime | None = None) -> Person:
    """Suspend, reinstate or remove a person who came without a case (audited); a person admitted through
    a case changes through that case's steps (:class:`FormError` names it)."""
    require_manager(scope)
    person = get_person(session, scope, person_id)
    if person.case_id is not None:
        raise FormError({"_form": "该人员经入库程序入库，请在其办件中办理 / this person was admitted through a case: "
                                  "take the step on the case"})
    status = STATUS_CHANGES.get(change)
    allowed = {"suspend": (Status.IN_LIBRARY,), "reinstate": (Status.SUSPENDED,),
               "remove": (Status.IN_LIBRARY, Status.SUSPENDED)}.get(change, ())
    reason = reason.strip()
    if status is None or person.status not in allowed:
        raise FormError({"change": "当前状态下不能办理该操作 / this change does not apply in the current status"})
    if change != "reinstate" and not reason:
        raise FormError({"reason": "请填写理由 / give the reason"})
    if len(reason) > 3000:
        raise FormError({"reason": "理由超过 3000 字 / longer than 3000 characters"})
    set_status(session, person, status, reason, now=now or utcnow(), actor=scope.username or "", via=Via.OFFICER)
    audit.record(session, scope, "talent.status_changed", person.name,
                 detail={"person": person.id, "status": str(status), "reason": reason})
    return person


# -- reading ------------------------------------------------------------------------------------------

def kinds_of(session: Session, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for r in rows_in(session, select(PersonKind.person_id, PersonKind.kind, PersonKind.certificate)
                     .order_by(PersonKind.id), ids, PersonKind.person_id):
        out.setdefault(r.person_id, []).append((r.kind, r.certificate))
    return out


def field_matches(fields: list[str], wanted: str) -> bool:
    """A person's IPC fields cover ``wanted`` (H01M covers H01M4/13) or lie within it (H01 holds H01M)."""
    return any(f.startswith(wanted) or wanted.startswith(f) for f in fields)


def employer(person: Person) -> RowName:
    """The organization a person works for, as :func:`organizations_en` keys its English name."""
    return RowName(person.organization, person.region_code, person.synthetic)


def organizations_en(session: Session, people: Iterable[Person]) -> dict[RowName, str]:
    """The English names of the organizations ``people`` work for (by :func:`employer`), where known
    (:func:`zhichan.platform.orgs.english_names`): the platform's organization of that name, else for a synthetic (demo)
    person the one its demo named (四川大学（演示） → Sichuan University (demo)); a typed name nobody knows in English
    is shown as typed."""
    return english_names(session, [employer(p) for p in people])


def person_json(person: Person, person_kinds: list[tuple[str, str]], who: Viewer, lang: str = "zh",
                organizations: Mapping[RowName, str] | None = None) -> dict[str, Any]:
    """A person as ``who`` may see it: officers every field; members the consented ones. ``organizations``: the
    English names of organizations (:func:`organizations_en`), for ``organization_en``."""
    declared = kinds()
    out: dict[str, Any] = {
        "id": person.id, "region_code": person.region_code, "synthetic": person.synthetic,
        "kinds": [{"code": k, "label": declared[k].label(lang) if k in declared else k} for k, _ in person_kinds]}
    shared = set(person.shared.split(";")) if person.shared else set()
    visible = set(SHAREABLE) if who.officer else shared
    out["name"] = person.name if "name" in visible else None
    # a synthetic (demo) person's name in Pinyin on English pages, as the generator's people read (holder_name)
    out["name_en"] = party_name_en(person.name, None, person.synthetic) if "name" in visible else None
    out["organization"] = person.organization if "organization" in visible else None
    out["organization_en"] = (organizations or {}).get(employer(person)) if "organization" in visible else None
    out["ipc_fields"] = [f for f in person.ipc_fields.split(";") if f] if "ipc_fields" in visible else None
    out["industry_chains"] = [c for c in person.industry_chains.split(";") if c] if "industry_chains" in visible else None
    out["certificates"] = ([{"kind": k, "number": n} for k, n in person_kinds if n]
                           if "certificates" in visible else None)
    out["phone"] = person.phone if "contact" in visible else None
    out["email"] = person.email if "contact" in visible else None
    if who.officer:
        out.update(status=person.status, status_reason=person.status_reason, status_on=person.status_on,
                   source=person.source, case_id=person.case_id, shared=sorted(shared, key=SHAREABLE.index))
    return out


def _visible_query(who: Viewer) -> Any:
    query = select(Person)
    if who.prefix is None:  # the public: no person at all
        return None
    if who.prefix:
        query = query.where(Person.region_code.like(who.prefix + "%"))
    if not who.officer:
        # shared fields are stored in SHAREABLE's order, "name" first: a listed person's list starts with it
        query = query.where(Person.status == Status.IN_LIBRARY, Person.shared.like("name%"))
    return query


def directory(session: Session, scope: Scope, *, kind: str = "", field: str = "", region: str = "",
              status: str = "", lang: str = "zh", limit: int | None = DIRECTORY_LIMIT) -> dict[str, Any]:
    """The people the caller sees, filtered by kind, IPC field prefix, region and (officers) status; the
    public gets the counts per kind only (:func:`counts`)."""
    who = viewer(session, scope)
    query = _visible_query(who)
    if query is None:
        raise PermissionDenied("请登录后查看人才库名录 / sign in to see the library's people")
    errors: dict[str, str] = {}
    if kind and kind not in kinds():
        errors["kind"] = "未知的人员类别 / unknown kind"
    wanted: list[str] = []
    if field:
        try:
            wanted = parse_fields(field, field="field", required=False)[:1]
        except FormError as exc:
            errors.update(exc.errors)
    area = ""
    if region:
        try:
            area = region_prefix(region)
        except InputError:
            errors["region"] = "请填写 2、4 或 6 位行政区划代码 / give a 2-, 4- or 6-digit region code"
    if status and (not who.officer or status not in list(Status)):
        errors["status"] = "未知的状态 / unknown status"
    if errors:
        raise FormError(errors)
    if area:
        query = query.where(Person.region_code.like(area + "%"))
    if status:
        query = query.where(Person.status == status)
    if kind:
        query = query.where(Person.id.in_(select(PersonKind.person_id).where(PersonKind.kind == kind)))
    people = list(session.scalars(query.order_by(Person.region_code, Person.name, Person.id)))
    if wanted:
        # a member filters only on fields the person shares (else the filter would disclose them)
        people = [p for p in people if (who.officer or "ipc_fields" in p.shared.split(";"))
                  and field_matches([f for f in p.ipc_fields.split(";") if f], wanted[0])]
    total = len(people)
    shown = people if limit is None else people[:limit]
    person_kinds = kinds_of(session, [p.id for p in shown])
    named = organizations_en(session, shown) if lang == "en" else {}
    return {"officer": who.officer, "total": total, "more": total > len(shown),
            "items": [person_json(p, person_kinds.get(p.id, []), who, lang, named) for p in shown]}


def counts(session: Session, *, region: str = "", lang: str = "zh") -> list[dict[str, Any]]:
    """People in the library (in_library) per kind, within ``region`` (a code prefix; "" the nation): what
    the public sees, and the figures' definition."""
    from sqlalchemy import func

    query = (select(PersonKind.kind, func.count(PersonKind.person_id)).join(Person, Person.id == PersonKind.person_id)
             .where(Person.status == Status.IN_LIBRARY).group_by(PersonKind.kind))
    if region:
        query = query.where(Person.region_code.like(region + "%"))
    found = {str(k): int(n) for k, n in session.execute(query)}
    return [{"kind": k.code, "label": k.label(lang), "count": int(found.get(k.code, 0))} for k in kinds().values()]


def get_person(session: Session, scope: Scope, person_id: int) -> Person:
    """One person the caller sees; 404 otherwise (existence is not disclosed)."""
    who = viewer(session, scope)
    person = session.get(Person, person_id)
    if person is None or who.prefix is None or not person.region_code.startswith(who.prefix) or (
            not who.officer and (person.status != Status.IN_LIBRARY or not person.shared.startswith("name"))):
        raise NotFoundError(f"没有人员 {person_id} / no person {person_id}")
    return person
