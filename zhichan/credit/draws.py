"""双随机一公开 (专利代理条例 第二十二条): random inspections that draw targets from one pool (the agencies of
an area) and inspectors from another (the area's officers), excluding conflicts, reproducibly from a
published seed.

The draw — anyone can repeat it from the published seed and pools, on any machine:

1. every candidate gets the ticket ``SHA-256(UTF-8(seed ␟ role ␟ [target id ␟] candidate id))``
   (␟ = U+001F, the hex digest compared as text); candidates are ranked by ticket, ties (never seen
   in practice) by id — so the order of the input lists does not matter;
2. targets: the first ``target_count`` of the target pool ranked with role ``target`` — an agency
   graded A+ or A counts as 1/k of a candidate (k from ``rating.yaml``: 4 and 2), its key being
   1 − (1 − v)^k for its ticket v read as a number in [0, 1) (weighted sampling without replacement,
   Efraimidis–Spirakis, in exact fractions: no floating point to differ between machines);
3. inspectors of a target: the inspector pool ranked with role ``inspector`` and that target's id,
   skipping inspectors in conflict with the target (same organization, or named in the corpus as one of
   its agents); the first ``inspectors_per_target`` remaining.

The published record (:meth:`Draw.as_json`) holds the seed, both pools with their ids (and each
target's k), the conflicts with reasons, so :func:`redraw` reproduces the draw from it alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.credit.agencies import credit_files, parse_cutoffs, rating, record_item
from zhichan.credit.models import Agency, Agent, Inspection
from zhichan.credit.scope import officer_covers, require_officer
from zhichan.errors import FormError, InputError, NotFoundError
from zhichan.evidence.service import utcnow
from zhichan.legaltime import china_today
from zhichan.platform.inlists import rows_in
from zhichan.platform.models import Organization, Role, User
from zhichan.platform.scope import Scope, normalize_region_code, region_prefix

SEPARATOR = "\x1f"
#: who may be drawn as an inspector (执法检查人员名录)
INSPECTOR_ROLES = (Role.CASE_OFFICER, Role.BUREAU_LEADER)


def ticket(seed: str, *parts: str) -> str:
    return hashlib.sha256(SEPARATOR.join((seed, *parts)).encode("utf-8")).hexdigest()


def rank(seed: str, ids: Iterable[str], *salt: str) -> list[str]:
    """The ids in ticket order (independent of the order they come in)."""
    return sorted(set(ids), key=lambda i: (ticket(seed, *salt, i), i))


#: tickets as numbers in [0, 1): the digest over 2^256
SPAN = 2**256


def weighted_key(seed: str, target: str, divisor: int) -> tuple[Fraction, str]:
    """A target's sort key when it counts as 1/``divisor`` of a candidate (Efraimidis–Spirakis
    weighted sampling without replacement in exact arithmetic): with v its ticket in [0, 1), the key
    is 1 − (1 − v)^divisor — v itself for a full candidate, so plain ranking is the special case."""
    v = Fraction(int(ticket(seed, "target", target), 16), SPAN)
    return (1 - (1 - v) ** divisor, target)


@dataclass(frozen=True)
class Draw:
    seed: str
    targets: dict[str, str]  # id → name
    inspectors: dict[str, str]
    #: target id → inspector id → reason
    conflicts: dict[str, dict[str, str]]
    target_count: int
    inspectors_per_target: int
    #: target id → k (the target counts as 1/k: A+ and A agencies are inspected less often); absent = 1
    divisors: dict[str, int] = field(default_factory=dict)

    def run(self) -> list[dict[str, Any]]:
        chosen = sorted(set(self.targets), key=lambda t: weighted_key(self.seed, t, self.divisors.get(t, 1)))
        chosen = chosen[: self.target_count]
        out = []
        for target in chosen:
            excluded = self.conflicts.get(target, {})
            assigned = [i for i in rank(self.seed, self.inspectors, "inspector", target) if i not in excluded]
            out.append({"target": target, "name": self.targets[target],
                        "inspectors": [{"id": i, "name": self.inspectors[i]}
                                       for i in assigned[: self.inspectors_per_target]],
                        "excluded": [{"id": i, "name": self.inspectors.get(i, i), "reason": r}
                                     for i, r in sorted(excluded.items())]})
        return out

    def as_json(self) -> dict[str, Any]:
        return {"algorithm": "sha256-rank-v1", "seed": self.seed, "target_count": self.target_count,
                "inspectors_per_target": self.inspectors_per_target,
                "targets": [{"id": k, "name": v, "divisor": self.divisors.get(k, 1)}
                            for k, v in sorted(self.targets.items())],
                "inspectors": [{"id": k, "name": v} for k, v in sorted(self.inspectors.items())],
                "conflicts": [{"target": t, "inspector": i, "reason": r}
                              for t, rows in sorted(self.conflicts.items()) for i, r in sorted(rows.items())],
                "draw": self.run()}


def redraw(published: dict[str, Any]) -> list[dict[str, Any]]:
    """The draw again from a published record alone (what anyone may do to check it)."""
    conflicts: dict[str, dict[str, str]] = {}
    for c in published["conflicts"]:
        conflicts.setdefault(str(c["target"]), {})[str(c["inspector"])] = str(c["reason"])
    return Draw(str(published["seed"]), {str(t["id"]): str(t["name"]) for t in published["targets"]},
                {str(i["id"]): str(i["name"]) for i in published["inspectors"]}, conflicts,
                int(published["target_count"]), int(published["inspectors_per_target"]),
                {str(t["id"]): int(t.get("divisor", 1)) for t in published["targets"]}).run()


# -- the pools from the database ------------------------------------------------------------------

def conflict(target_org_id: int | None, target_agent_keys: set[str], inspector_org_id: int,
             inspector_names: tuple[str, ...]) -> str | None:
    """Why an inspector may not inspect a target (回避), or ``None``: the same organization, or named
    as one of the target's agents (in the corpus's ``agents`` field or its registration data)."""
    if target_org_id is not None and inspector_org_id == target_org_id:
        return "与检查对象同属一个机构 / same organization as the target"
    if {normalize_name(n) for n in inspector_names if n} & target_agent_keys:
        return "语料或备案中为该机构的代理师 / named as one of the target's agents"
    return None


def pools(session: Session, scope: Scope, region: str, *, on: dt.date,
          cutoffs: tuple[tuple[str, int], ...]) -> Draw:
    """The target pool (the agencies of ``region``, each weighted by its grade on ``on``), the
    inspector pool (active officers of the caller's organization subtree) and their conflicts; the
    draw's seed and counts are filled in later."""
    prefix = region_prefix(region)
    query = select(Agency)
    if prefix:
        query = query.where(Agency.region_code.like(prefix + "%"))
    agencies = list(session.scalars(query))
    users = session.execute(
        select(User.username, User.display_name, User.org_id).join(Organization, Organization.id == User.org_id)
        .where(User.is_active.is_(True), User.role.in_([str(r) for r in INSPECTOR_ROLES]),
               Organization.path.like(scope.org_path_like()))).all()
    agents: dict[int, set[str]] = {}
    for agency_id, key in rows_in(session, select(Agent.agency_id, Agent.name_key), [a.id for a in agencies],
                                  Agent.agency_id):
        agents.setdefault(agency_id, set()).add(key)
    conflicts: dict[str, dict[str, str]] = {}
    for a in agencies:
        for username, display, org_id in users:
            reason = conflict(a.org_id, agents.get(a.id, set()), org_id, (display or "", username))
            if reason:
                conflicts.setdefault(str(a.id), {})[username] = reason
    table = rating().inspection_divisors
    divisors = {str(f["id"]): table.get(f["grade"], 1) for f in credit_files(session, agencies, as_of=on, cutoffs=cutoffs)}
    return Draw("", {str(a.id): a.name for a in agencies}, {u: (d or u) for u, d, _ in users}, conflicts, 0, 0,
                {k: v for k, v in divisors.items() if v != 1})


def create_inspection(session: Session, scope: Scope, fields: dict[str, str], *,
                      cutoffs: tuple[tuple[str, int], ...] | None = None) -> Inspection:
    """Draw a random inspection (``cutoffs``: the grade cut-offs; the configured ones by default)."""
    require_officer(scope)
    if cutoffs is None:
        from zhichan.settings import get_settings

        cutoffs = parse_cutoffs(get_settings().credit_agency_grades)
    errors: dict[str, str] = {}
    title = (fields.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = "请填写检查名称（200 字以内） / give a title (at most 200 characters)"
    seed = (fields.get("seed") or "").strip() or secrets.token_hex(16)
    if len(seed) > 200:
        errors["seed"] = "随机种子超过 200 字 / the seed is longer than 200 characters"
    region = ""
    try:
        raw = (fields.get("region_code") or "").strip() or scope.region_code or ""
        region = normalize_region_code(unicodedata.normalize("NFKC", raw))
        if not officer_covers(scope, region):
            errors["region_code"] = f"地区 {region} 不在本机构辖区内 / region {region} is outside your area"
    except InputError:
        errors["region_code"] = "请填写 6 位行政区划代码 / give a 6-digit region code"
    counts: dict[str, int] = {}
    for name, label in (("target_count", "抽取对象数"), ("inspectors_per_target", "每个对象的检查人员数")):
        raw = (fields.get(name) or "").strip()
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 1000:
            errors[name] = f"“{label}”应为 1–1000 的整数 / a whole number from 1 to 1000"
        else:
            counts[name] = int(raw)
    if errors:
        raise FormError(errors)
    base = pools(session, scope, region, on=china_today(), cutoffs=cutoffs)
    if counts["target_count"] > len(base.targets):
        errors["target_count"] = (f"对象库只有 {len(base.targets)} 个机构 / the target pool holds "
                                  f"{len(base.targets)} agencies")
    if counts["inspectors_per_target"] > len(base.inspectors):
        errors["inspectors_per_target"] = (f"检查人员库只有 {len(base.inspectors)} 人 / the inspector pool holds "
                                           f"{len(base.inspectors)}")
    if errors:
        raise FormError(errors)
    draw = Draw(seed, base.targets, base.inspectors, base.conflicts, counts["target_count"],
                counts["inspectors_per_target"], base.divisors)
    assert scope.org_id is not None and scope.org_path is not None
    row = Inspection(title=title, seed=seed, region_code=region, org_id=scope.org_id, org_path=scope.org_path,
                     target_count=draw.target_count, inspectors_per_target=draw.inspectors_per_target,
                     draw=json.dumps(draw.as_json(), ensure_ascii=False), results="{}", drawn_by=scope.username,
                     drawn_at=utcnow())
    session.add(row)
    session.flush()
    return row


def get_inspection(session: Session, scope: Scope, inspection_id: int) -> Inspection:
    """Officers of the drawing organization's area see it; everyone once it is published."""
    row = session.get(Inspection, inspection_id)
    if row is None or not (row.published_on is not None or
                           (scope.governance and scope.covers_org_path(row.org_path))):
        raise NotFoundError(f"没有抽查 {inspection_id} / no inspection {inspection_id}")
    return row


def inspections(session: Session, scope: Scope) -> list[Inspection]:
    """Published inspections for everyone; an officer also sees its area's unpublished ones."""
    query = select(Inspection).order_by(Inspection.drawn_at.desc(), Inspection.id.desc())
    if scope.governance and scope.org_path:
        query = query.where((Inspection.published_on.is_not(None)) | Inspection.org_path.like(scope.org_path_like()))
    else:
        query = query.where(Inspection.published_on.is_not(None))
    return list(session.scalars(query.limit(200)))


def _editable(session: Session, scope: Scope, inspection_id: int) -> Inspection:
    require_officer(scope)
    row = get_inspection(session, scope, inspection_id)
    if not scope.covers_org_path(row.org_path):
        raise NotFoundError(f"没有抽查 {inspection_id} / no inspection {inspection_id}")
    if row.published_on is not None:
        raise FormError({"_form": "结果已公示，不能修改 / the results are published and cannot change"})
    return row


def record_result(session: Session, scope: Scope, inspection_id: int, fields: dict[str, str]) -> Inspection:
    """The finding for one drawn target; a problem becomes a negative item in the agency's credit file."""
    row = _editable(session, scope, inspection_id)
    drawn = {d["target"] for d in json.loads(row.draw)["draw"]}
    target = (fields.get("target") or "").strip()
    finding = (fields.get("finding") or "").strip()
    note = (fields.get("note") or "").strip()
    errors: dict[str, str] = {}
    if target not in drawn:
        errors["target"] = "请选择本次抽中的对象 / choose a drawn target"
    if finding not in ("ok", "problem"):
        errors["finding"] = "请选择检查结论 / choose a finding"
    if finding == "problem" and not note:
        errors["note"] = "发现问题时请说明 / describe the problem"
    if len(note) > 3000:
        errors["note"] = "说明超过 3000 字 / longer than 3000 characters"
    if errors:
        raise FormError(errors)
    results = json.loads(row.results)
    if target in results:
        raise FormError({"target": "该对象的检查结果已录入 / this target's result is already recorded"})
    results[target] = {"finding": finding, "note": note, "by": scope.username}
    row.results = json.dumps(results, ensure_ascii=False)
    if finding == "problem":
        record_item(session, scope, int(target), item="inspection_problem", occurred_on=china_today(),
                    source="inspection", reference=f"抽查 {row.id}", note=note)
    return row


def publish_inspection(session: Session, scope: Scope, inspection_id: int, *, today: dt.date | None = None) -> Inspection:
    row = _editable(session, scope, inspection_id)
    missing = [d["name"] for d in json.loads(row.draw)["draw"] if d["target"] not in json.loads(row.results)]
    if missing:
        raise FormError({"_form": f"尚有 {len(missing)} 个对象未录入结果：{'、'.join(missing[:5])} / "
                                  f"{len(missing)} targets have no result yet"})
    row.published_on = today or china_today()
    return row


def inspection_json(row: Inspection) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "seed": row.seed, "region_code": row.region_code,
            "drawn_at": row.drawn_at, "drawn_by": row.drawn_by, "published_on": row.published_on,
            "results": json.loads(row.results), **{k: v for k, v in json.loads(row.draw).items() if k != "seed"}}
