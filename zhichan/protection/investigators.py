"""Technical investigators and experts (技术调查官、专家): a roster with technical fields (IPC) and
availability, and suggestions for a case — candidates ranked by how closely their fields match the
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

from sqlalchemy import CursorResult, Table, select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.store import Snapshot
from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.platform import audit
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case
from zhichan.protection.models import Assignment, Investigator
from zhichan.protection.scope import roster_filter
from zhichan.protection.service import dispute_row
from zhichan.reference.ipc import parse_fields

INVESTIGATORS = cast(Table, Investigator.__table__)
ASSIGNMENTS = cast(Table, Assignment.__table__)
CASES = cast(Table, Case.__table__)
KINDS = ("技术调查官", "专家")
MANAGERS = (Role.CASE_OFFICER, Role.BUREAU_LEADER, Role.SYSTEM_ADMIN)


def add_investigator(session: Session, scope: Scope, *, name: str, organization: str, kind: str, ipc_fields: str,
                     prior_parties: str = "", available: bool = True) -> int:
    scope.require_roles(*MANAGERS)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "请填写姓名 / the name is required"
    if kind not in KINDS:
        errors["kind"] = "类别无效 / unknown kind"
    try:
        fields = parse_fields(ipc_fields)
    except FormError as exc:
        errors.update(exc.errors)
        fields = []
    if len(name) > 100 or len(organization) > 200:
        errors["name" if len(name) > 100 else "organization"] = "过长 / too long"
    if errors:
        raise FormError(errors)
    assert scope.org_id is not None and scope.org_path is not None
    result = cast(CursorResult[Any], session.execute(INVESTIGATORS.insert().values(
        name=name.strip(), organization=organization.strip(), kind=kind, ipc_fields=";".join(fields),
        prior_parties="\n".join(p.strip() for p in prior_parties.splitlines() if p.strip()), available=available,
        org_id=scope.org_id, org_path=scope.org_path)))
    audit.record(session, scope, "protection.investigator_added", name.strip())
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def roster(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """The investigators a bureau may call on: its own roster and those of the offices above it."""
    if not scope.governance or scope.org_path is None:
        raise PermissionDenied("仅办案机关可查看名录 / offices only")
    rows = session.execute(select(INVESTIGATORS).where(roster_filter(scope, INVESTIGATORS.c.org_path))
        .order_by(INVESTIGATORS.c.kind, INVESTIGATORS.c.name)).all()
    return [dict(r._mapping) for r in rows]


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
    con = snapshot.connect()
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
        con = snapshot.connect()
        try:
            found = con.execute("SELECT ipc FROM patents WHERE application_number = ?", [row.patent_number]).fetchall()
        finally:
            con.close()
        ipcs = list(found[0][0] or []) if found else []
    people = roster(session, scope)
    links = corpus_links(snapshot, sorted({p["name"] for p in people} | {p["organization"] for p in people if p["organization"]}),
                          parties)
    party_keys = {normalize_name(p) for p in parties}
    assigned = {r.investigator_id for r in session.execute(select(ASSIGNMENTS.c.investigator_id)
                                                           .where(ASSIGNMENTS.c.case_id == case_id))}
    out = []
    for p in people:
        reasons = []
        if not p["available"]:
            reasons.append("暂不可用 / not available")
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
    return {"case_id": case_id, "number": case.number, "ipc": ipcs, "parties": parties, "assigned": sorted(assigned),
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
    session.execute(ASSIGNMENTS.insert().values(case_id=case_id, investigator_id=investigator_id,
                                                assigned_by=scope.username))
    audit.record(session, scope, "protection.investigator_assigned", data["number"] or str(case_id),
                 detail={"investigator": chosen["name"]})
