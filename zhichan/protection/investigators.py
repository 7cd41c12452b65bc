"""Technical investigators and experts (技术调查官、专家): the roster is the talent library's — the people of
kinds ``technical_investigator`` and ``technical_expert`` (zhichan/talent/kinds.yaml) kept by the calling
office, one above it or one below it, in the library (在库) or suspended (已暂停: shown, not available). Adding a
person here enters them into the library (zhichan.talent.service.enter_person, audited); suspending,
reinstating or removing them is done on their library page. Here: suggestions for a case — candidates ranked by how closely their fields match the
patent's IPC, conflicts excluded with the reason shown (81号令 第五条 recusal covers technical
investigators):

- same organization as a party;
- earlier representation of a party (recorded on the roster);
- co-applicant or co-inventor links found in the corpus: a patent on which the investigator (or its
  organization) and a party appear together as applicants or inventors — named with the patent, since
  a person's name alone may be shared; the officer judges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name, party_name_en
from zhichan.corpus.store import Snapshot
from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.platform import audit
from zhichan.platform.models import Organization, Role, utcnow
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case
from zhichan.protection.models import Assignment
from zhichan.protection.scope import roster_filter
from zhichan.protection.service import dispute_row
from zhichan.reference.ipc import parse_fields
from zhichan.talent import service as talent
from zhichan.talent.models import Person, PersonKind, Status, Via

ASSIGNMENTS = cast(Table, Assignment.__table__)
CASES = cast(Table, Case.__table__)
ORGANIZATIONS = cast(Table, Organization.__table__)
#: the library's kinds that make up the roster
ROSTER_KINDS = ("technical_investigator", "technical_expert")
#: the roster's former labels, still accepted where a kind is given
ALIASES = {"专家": "technical_expert"}
MANAGERS = (Role.CASE_OFFICER, Role.BUREAU_LEADER, Role.SYSTEM_ADMIN)
UNAVAILABLE = "暂不可用 / not available"


def roster_kind(text: str) -> str | None:
    """A roster kind given as its code, its label in the library or a former label (专家)."""
    code = ALIASES.get(text.strip()) or talent.kind_code(text)
    return code if code in ROSTER_KINDS else None


def add_investigator(session: Session, scope: Scope, *, name: str, organization: str, kind: str, ipc_fields: str,
                     prior_parties: str = "", available: bool = True) -> int:
    """Enter a technical investigator or expert into the talent library, kept by the caller's office (its region
    the office's); not available: suspended at once with that reason. Returns the person's id."""
    scope.require_roles(*MANAGERS)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "请填写姓名 / the name is required"
    code = roster_kind(kind)
    if code is None:
        errors["kind"] = "类别无效 / unknown kind"
    try:
        parse_fields(ipc_fields)  # the roster requires fields (the library does not)
    except FormError as exc:
        errors.update(exc.errors)
    if len(name) > 100 or len(organization) > 200:
        errors["name" if len(name) > 100 else "organization"] = "过长 / too long"
    if errors:
        raise FormError(errors)
    office = session.get(Organization, scope.org_id)
    assert office is not None and code is not None
    existing = session.scalars(select(Person).where(
        Person.name == name.strip(), Person.organization == organization.strip(), Person.org_id == office.id,
        Person.status.in_((Status.IN_LIBRARY, Status.SUSPENDED)))).first()
    if existing is not None:  # already in the library (e.g. as a review expert): the same person, one more kind
        if session.scalar(select(PersonKind.id).where(PersonKind.person_id == existing.id, PersonKind.kind == code)):
            raise FormError({"name": f"已在名录中（人才库编号 {existing.id}） / already on the roster (library no. {existing.id})"})
        session.add(PersonKind(person_id=existing.id, kind=code, certificate=""))
        fields = [f for f in existing.ipc_fields.split(";") if f]
        existing.ipc_fields = ";".join(fields + [f for f in parse_fields(ipc_fields) if f not in fields])[:400]
        prior = [q for q in existing.prior_parties.splitlines() if q]
        existing.prior_parties = "\n".join(prior + [q.strip() for q in prior_parties.splitlines()
                                                     if q.strip() and q.strip() not in prior])
        existing.updated_at = utcnow()
        audit.record(session, scope, "protection.investigator_added", existing.name, detail={"person": existing.id})
        return existing.id
    person = talent.enter_person(session, scope, {
        "name": name, "organization": organization, "region_code": office.region_code, "kinds": code,
        "ipc_fields": ipc_fields, "prior_parties": prior_parties})
    if not available:
        talent.set_status(session, person, Status.SUSPENDED, UNAVAILABLE, now=utcnow(), actor=scope.username or "",
                          via=Via.OFFICER)
    audit.record(session, scope, "protection.investigator_added", person.name, detail={"person": person.id})
    return person.id


def roster(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """The investigators and experts an office may call on: the library's people of the roster kinds kept by
    the office, the offices above it and those below it, in the library or suspended (not available)."""
    if not scope.governance or scope.org_path is None:
        raise PermissionDenied("仅办案机关可查看名录 / offices only")
    rows = session.execute(
        select(Person.id, Person.name, Person.organization, Person.ipc_fields, Person.prior_parties, Person.status,
               Person.org_id, Organization.name.label("office"), Organization.name_en.label("office_en"),
               Person.synthetic, Person.region_code)
        .join(Organization, Organization.id == Person.org_id)
        .where(Person.status.in_((Status.IN_LIBRARY, Status.SUSPENDED)), roster_filter(scope, ORGANIZATIONS.c.path),
               Person.id.in_(select(PersonKind.person_id).where(PersonKind.kind.in_(ROSTER_KINDS))))).all()
    kinds = talent.kinds_of(session, [r.id for r in rows])
    # in English as the talent library shows them: a synthetic (demo) person in Pinyin, an organization by its English name
    employers = [RowName(r.organization, r.region_code, r.synthetic) for r in rows]
    organizations = english_names(session, employers)
    out = [{"id": r.id, "name": r.name, "name_en": party_name_en(r.name, None, r.synthetic), "organization": r.organization,
            "organization_en": organizations.get(employer), "ipc_fields": r.ipc_fields,
            "prior_parties": r.prior_parties, "available": r.status == Status.IN_LIBRARY, "status": r.status,
            "org_id": r.org_id, "office": r.office, "office_en": r.office_en,
            "kinds": [k for k, _ in kinds.get(r.id, []) if k in ROSTER_KINDS]} for r, employer in zip(rows, employers, strict=True)]
    return sorted(out, key=lambda p: (ROSTER_KINDS.index(p["kinds"][0]), p["name"], p["id"]))


def match_depth(fields: list[str], ipcs: list[str]) -> int:
    """How closely a field list matches the patent's IPC symbols: the longest shared prefix (0: none)."""
    best = 0
    for f in fields:
        for code in ipcs:
            if code.replace(" ", "").upper().startswith(f):
                best = max(best, len(f))
    return best


@dataclass(frozen=True)
class Candidate:
    investigator: dict[str, Any]
    match: int
    exclusions: tuple[str, ...]


def corpus_links(snapshot: Snapshot | None, who: list[str], parties: list[str]) -> dict[str, list[str]]:
    """For each of ``who`` (a person or organization): the patents linking it to a party (the roster's check, and
    the talent library's panels')."""
    if snapshot is None or not who or not parties:
        return {}
    keys = {normalize_name(p): p for p in parties}
    con = snapshot.reader()
    try:
        rows = con.execute(
            "SELECT application_number, applicants, inventors FROM patents "
            "WHERE list_has_any(applicants, ?) OR list_has_any(inventors, ?)", [who, who]).fetchall()
    finally:
        con.close()
    links: dict[str, list[str]] = {}
    for number, applicants, inventors in rows:
        applicants, inventors = list(applicants or []), list(inventors or [])
        linked = [keys[normalize_name(a)] for a in applicants if normalize_name(a) in keys]
        if not linked:
            continue
        for w in who:
            if w in applicants or w in inventors:
                role = "共同申请人" if w in applicants else "发明人"
                links.setdefault(w, []).append(f"{number}（{role}，与 {'、'.join(sorted(set(linked)))}）")
    return links


def suggest(session: Session, scope: Scope, snapshot: Snapshot | None, case_id: int) -> dict[str, Any]:
    """Candidates for a dispute: ranked by IPC match, each with the reasons it is excluded (if any)."""
    case = session.execute(select(CASES).where(CASES.c.id == case_id)).first()
    if case is None or not scope.governance or not scope.covers_org_path(case.org_path):
        raise NotFoundError(f"没有办件 {case_id} / no case {case_id}")
    row = dispute_row(session, case_id)
    if row is None:
        raise NotFoundError("该办件不是专利侵权纠纷 / not a patent dispute")
    parties = [row.requester, row.respondent]
    ipcs: list[str] = []
    if snapshot is not None:
        con = snapshot.reader()
        try:
            found = con.execute("SELECT ipc FROM patents WHERE application_number = ?", [row.patent_number]).fetchall()
        finally:
            con.close()
        ipcs = list(found[0][0] or []) if found else []
    people = roster(session, scope)
    links = corpus_links(snapshot, sorted({p["name"] for p in people} | {p["organization"] for p in people if p["organization"]}),
                          parties)
    party_keys = {normalize_name(p) for p in parties}
    assigned = {r.person_id for r in session.execute(select(ASSIGNMENTS.c.person_id)
                                                           .where(ASSIGNMENTS.c.case_id == case_id))}
    out = []
    for p in people:
        reasons = []
        if not p["available"]:
            reasons.append(UNAVAILABLE)
        if p["organization"] and normalize_name(p["organization"]) in party_keys:
            reasons.append(f"与当事人同属 {p['organization']} / same organization as a party")
        earlier = [q for q in p["prior_parties"].splitlines() if normalize_name(q) in party_keys]
        if earlier:
            reasons.append(f"曾代理当事人 {'、'.join(earlier)} / earlier represented a party")
        for w in (p["name"], p["organization"]):
            for link in links.get(w, [])[:3]:
                reasons.append(f"语料库关联：{w} 见于 {link} / corpus link")
        out.append(Candidate(p, match_depth(p["ipc_fields"].split(";"), ipcs), tuple(reasons)))
    out.sort(key=lambda c: (bool(c.exclusions), -c.match, c.investigator["name"]))
    named = english_names(session, [RowName(p, case.region_code, case.synthetic) for p in parties])
    return {"case_id": case_id, "number": case.number, "ipc": ipcs, "parties": parties,
            "parties_en": [named.get(RowName(p, case.region_code, case.synthetic)) for p in parties], "assigned": sorted(assigned),
            "candidates": [{**c.investigator, "match": c.match, "exclusions": list(c.exclusions)} for c in out]}


def assign(session: Session, scope: Scope, snapshot: Snapshot | None, case_id: int, investigator_id: int) -> None:
    """Assign a suggested investigator; one with a conflict is refused with its reasons."""
    scope.require_roles(*MANAGERS)
    data = suggest(session, scope, snapshot, case_id)
    chosen = next((c for c in data["candidates"] if c["id"] == investigator_id), None)
    if chosen is None:
        raise FormError({"investigator": "不在可选名录中 / not on the roster"})
    if chosen["exclusions"]:
        raise FormError({"investigator": "；".join(chosen["exclusions"])})
    if investigator_id in data["assigned"]:
        return
    session.execute(ASSIGNMENTS.insert().values(case_id=case_id, person_id=investigator_id,
                                                assigned_by=scope.username))
    audit.record(session, scope, "protection.investigator_assigned", data["number"] or str(case_id),
                 detail={"investigator": chosen["name"]})
