"""Panels drawn from the library (专家抽取): N people of a kind (and IPC field) for a purpose — a subsidy review,
a mediation, a valuation — from a published seed, reproducibly, with conflicts excluded and their reasons kept.

The draw is :mod:`zhichan.credit.draws`' (the random inspections'): the matter is its one target, the pool the
admitted people of the officer's area of the kind and field; each person's ticket is SHA-256 of the seed, role and
id, and the first ``size`` without a conflict are drawn. Conflicts (回避): the same organization as a party, a
party the person represented before (recorded by the office), or a patent in the corpus naming the person (or its organization) beside a party as applicant or inventor
(:func:`zhichan.protection.investigators.corpus_links`, the investigator roster's check). The record
(:meth:`Draw.as_json`) holds seed, pool and conflicts, so ``zhichan credit redraw`` repeats it from the record
alone.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name, party_name_en
from zhichan.corpus.store import Snapshot
from zhichan.credit.draws import Draw
from zhichan.errors import FormError, NotFoundError
from zhichan.platform import audit
from zhichan.platform.models import utcnow
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import Scope
from zhichan.protection.investigators import corpus_links
from zhichan.reference.ipc import parse_fields
from zhichan.talent.models import Panel, Person, PersonKind, Status
from zhichan.talent.scope import viewer
from zhichan.talent.service import field_matches, kinds, require_manager

PURPOSES = ("subsidy_review", "mediation", "valuation", "other")
#: the matter's id in the draw record (a panel draws for one matter)
MATTER = "matter"


def pool(session: Session, scope: Scope, kind: str, ipc_field: str) -> list[Person]:
    """The admitted people of the officer's area of ``kind`` (and covering ``ipc_field``)."""
    prefix = viewer(session, scope).prefix or ""
    people = session.scalars(select(Person).where(
        Person.status == Status.IN_LIBRARY, Person.region_code.like(prefix + "%"),
        Person.id.in_(select(PersonKind.person_id).where(PersonKind.kind == kind))).order_by(Person.id))
    return [p for p in people if not ipc_field or field_matches([f for f in p.ipc_fields.split(";") if f], ipc_field)]


def conflicts(people: list[Person], parties: list[str], snapshot: Snapshot | None) -> dict[str, str]:
    """person id → why it may not sit on the panel."""
    keys = {normalize_name(p) for p in parties}
    links = corpus_links(snapshot, sorted({p.name for p in people} | {p.organization for p in people if p.organization}),
                         parties)
    out: dict[str, str] = {}
    for p in people:
        reasons = []
        if p.organization and normalize_name(p.organization) in keys:
            reasons.append(f"与当事人同属 {p.organization} / same organization as a party")
        earlier = [q for q in p.prior_parties.splitlines() if normalize_name(q) in keys]
        if earlier:  # recorded by the office (the same check as protection's investigators)
            reasons.append(f"曾代理当事人 {'、'.join(earlier)} / earlier represented a party")
        for who in (p.name, p.organization):
            for link in links.get(who, [])[:3] if who else []:
                reasons.append(f"语料库关联：{who} 见于 {link} / corpus link")
        if reasons:
            out[str(p.id)] = "；".join(reasons)
    return out


def draw_panel(session: Session, scope: Scope, snapshot: Snapshot | None, fields: dict[str, str]) -> Panel:
    """Draw and record a panel (audited); :class:`FormError` beside the field for bad input or too small a pool."""
    require_manager(scope)
    errors: dict[str, str] = {}
    title = (fields.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = "请填写事项名称（200 字以内） / give the matter's title (at most 200 characters)"
    purpose = (fields.get("purpose") or "").strip()
    if purpose not in PURPOSES:
        errors["purpose"] = "请选择用途 / choose the purpose"
    kind = (fields.get("kind") or "").strip()
    if kind not in kinds():
        errors["kind"] = "请选择人员类别 / choose a kind"
    ipc_field = ""
    try:
        found = parse_fields(fields.get("ipc_field") or "", field="ipc_field", required=False)
        ipc_field = found[0] if found else ""
    except FormError as exc:
        errors.update(exc.errors)
    raw = (fields.get("size") or "").strip()
    size = int(raw) if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 50 else 0
    if not size:
        errors["size"] = "人数应为 1–50 的整数 / a whole number from 1 to 50"
    seed = (fields.get("seed") or "").strip() or secrets.token_hex(16)
    if len(seed) > 200:
        errors["seed"] = "随机种子超过 200 字 / the seed is longer than 200 characters"
    parties = [p.strip() for p in (fields.get("parties") or "").replace("；", "\n").splitlines() if p.strip()]
    if len("\n".join(parties)) > 2000:
        errors["parties"] = "当事人超过 2000 字 / longer than 2000 characters"
    if errors:
        raise FormError(errors)
    people = pool(session, scope, kind, ipc_field)
    excluded = conflicts(people, parties, snapshot)
    if len(people) - len(excluded) < size:
        raise FormError({"size": f"可抽取 {len(people) - len(excluded)} 人（库中 {len(people)} 人，回避 {len(excluded)} 人） / "
                                 f"{len(people) - len(excluded)} eligible ({len(people)} in the pool, {len(excluded)} "
                                 "in conflict)"})
    draw = Draw(seed, {MATTER: title}, {str(p.id): p.name for p in people}, {MATTER: excluded} if excluded else {},
                1, size)
    assert scope.org_id is not None and scope.org_path is not None
    row = Panel(title=title, purpose=purpose, kind=kind, ipc_field=ipc_field, parties="\n".join(parties), seed=seed,
                size=size, draw=json.dumps(draw.as_json(), ensure_ascii=False), org_id=scope.org_id,
                org_path=scope.org_path, drawn_by=scope.username, drawn_at=utcnow())
    session.add(row)
    session.flush()
    audit.record(session, scope, "talent.panel_drawn", title, detail={"panel": row.id, "seed": seed})
    return row


def get_panel(session: Session, scope: Scope, panel_id: int) -> Panel:
    """Officers of the drawing organization's area see a panel; nobody else (404)."""
    row = session.get(Panel, panel_id)
    if row is None or not scope.governance or not scope.covers_org_path(row.org_path):
        raise NotFoundError(f"没有抽取记录 {panel_id} / no panel {panel_id}")
    return row


def panels(session: Session, scope: Scope) -> list[Panel]:
    require_manager(scope)
    return list(session.scalars(select(Panel).where(Panel.org_path.like(scope.org_path_like()))
                                .order_by(Panel.drawn_at.desc(), Panel.id.desc()).limit(200)))


def names_en(session: Session, rows: list[Panel], lang: str) -> dict[str, str]:
    """For English pages, the names the panels' records keep in English where known: the people drawn or excluded,
    keyed ``person:<id>`` (a synthetic person — the demo's — in Pinyin, as the directory shows it, from the name the
    record kept), and the parties typed (the platform's organizations' English names)."""
    if lang != "en" or not rows:
        return {}
    kept = {str(p["id"]): str(p["name"]) for row in rows for p in json.loads(row.draw)["inspectors"]}
    ids = sorted(int(i) for i in kept if i.isdigit())
    synthetic = set(session.scalars(select(Person.id).where(Person.id.in_(ids), Person.synthetic.is_(True))))
    people = {f"person:{i}": en for i, name in kept.items()
              if i.isdigit() and int(i) in synthetic and (en := party_name_en(name, None, True))}
    parties = english_names(session, [RowName(p) for row in rows for p in row.parties.splitlines()])
    return people | {str(n.name): en for n, en in parties.items()}


def panel_json(row: Panel, lang: str = "zh", names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A panel as its pages and API show it; ``names``: English names (:func:`names_en`) — each member, excluded
    person and party gets ``name_en`` (None where none is known: shown as recorded)."""
    record = json.loads(row.draw)
    drawn = record["draw"][0]
    kind = kinds().get(row.kind)
    named = names or {}

    def person(p: dict[str, Any]) -> dict[str, Any]:
        return {**p, "name_en": named.get(f"person:{p['id']}")}

    parties = [p for p in row.parties.splitlines() if p]
    return {"id": row.id, "title": row.title, "purpose": row.purpose, "kind": row.kind,
            "kind_label": kind.label(lang) if kind else row.kind, "ipc_field": row.ipc_field,
            "parties": parties, "parties_en": [named.get(p) for p in parties], "seed": row.seed, "size": row.size,
            "drawn_by": row.drawn_by, "drawn_at": row.drawn_at,
            "members": [person(m) for m in drawn["inspectors"]],
            "excluded": [person(e) for e in drawn["excluded"]], "pool": record["inspectors"], "record": record}
