"""Patent agencies (专利代理机构): the registry, their credit files under the 2023 trial rating, and the
periodically published list.

- The registry is seeded from the corpus (each snapshot's ``agency`` and ``agents`` fields, names
  folded by :func:`zhichan.corpus.parties.normalize_name`) and completed by registration data
  (统一社会信用代码, 执业许可证号, registered area, registered agents).
- A credit file starts at 100 points; every negative item deducts the points the declared table
  (``rating.yaml``) gave it when it was recorded, while it lies within the rating window; the grade
  follows the cut-offs of ``ZHICHAN_CREDIT_AGENCY_GRADES``; an agency on the credit list is graded D.
- Complaints about an agency reach its file through :func:`record_item` (the protection module's
  complaints call it with ``source="complaint"``), as do problems found by random inspections.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.store import Snapshot
from zhichan.corpus.validate import FieldError, normalize_uscc
from zhichan.credit.models import Agency, AgencyItem, AgencyPublication, Agent
from zhichan.credit.scope import officer_covers, require_agency, require_officer
from zhichan.credit.service import active_listings
from zhichan.errors import FormError, InputError, NotFoundError
from zhichan.evidence.service import utcnow
from zhichan.legaltime import china_today
from zhichan.legaltime.periods import add_months
from zhichan.platform.inlists import scalars_in
from zhichan.platform.models import Organization
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import Scope, known_region_code, normalize_region_code, region_prefix
from zhichan.untrusted import yaml_safe_load

GRADES = ("A+", "A", "B", "C", "D")
START_SCORE = 100


@dataclass(frozen=True)
class ItemKind:
    code: str
    zh: str
    en: str
    points: int


@dataclass(frozen=True)
class Rating:
    window_months: int
    listed_grade: str
    items: dict[str, ItemKind]
    #: grade → k: an agency of that grade counts as 1/k of an agency in a random draw
    inspection_divisors: dict[str, int]


@lru_cache(maxsize=1)
def rating() -> Rating:
    """The declared table of negative items and their points (``zhichan/credit/rating.yaml``)."""
    data = yaml_safe_load((files("zhichan.credit") / "rating.yaml").read_text("utf-8"))
    items = {code: ItemKind(code, v["zh"], v["en"], int(v["points"])) for code, v in data["items"].items()}
    divisors = {str(g): int(k) for g, k in data["inspection_divisors"].items()}
    if any(k < 1 for k in divisors.values()) or not set(divisors) <= set(GRADES):
        raise ValueError(f"inspection_divisors must map grades to whole numbers ≥ 1: {divisors}")
    return Rating(int(data["window_months"]), str(data["listed_grade"]), items, divisors)


def parse_cutoffs(text: str) -> tuple[tuple[str, int], ...]:
    """``"A+:95,A:85,B:70,C:60"`` → the lowest score of each grade, best first (below C: D)."""
    pairs = tuple((g.strip(), int(v)) for g, v in (part.split(":") for part in text.split(",")))
    if tuple(g for g, _ in pairs) != GRADES[:4] or any(a[1] <= b[1] for a, b in itertools.pairwise(pairs)):
        raise ValueError(f"grade cut-offs must be A+, A, B, C in falling order: {text}")
    return pairs


def grade_for(score: int, cutoffs: tuple[tuple[str, int], ...]) -> str:
    return next((grade for grade, lowest in cutoffs if score >= lowest), "D")


def counted(items: list[AgencyItem], as_of: dt.date, window_months: int) -> list[AgencyItem]:
    """The items within the rating window: occurred after ``as_of`` minus the window, not after ``as_of``."""
    since = add_months(as_of, -window_months)
    return [i for i in items if since < i.occurred_on <= as_of]


def credit_file(session: Session, agency: Agency, *, as_of: dt.date, cutoffs: tuple[tuple[str, int], ...]) -> dict[str, Any]:
    """An agency's score, grade and the items behind them on ``as_of`` — the one computation the
    pages, the API, the draws and the publications use (through :func:`credit_files`)."""
    return credit_files(session, [agency], as_of=as_of, cutoffs=cutoffs)[0]


def credit_files(session: Session, agencies: list[Agency], *, as_of: dt.date,
                 cutoffs: tuple[tuple[str, int], ...]) -> list[dict[str, Any]]:
    """:func:`credit_file` of many agencies in a few queries (a list page, a publication, a draw's pool)."""
    table = rating()
    by_agency: dict[int, list[AgencyItem]] = {a.id: [] for a in agencies}
    for item in scalars_in(session, select(AgencyItem).order_by(AgencyItem.occurred_on.desc(), AgencyItem.id.desc()),
                           by_agency, AgencyItem.agency_id):
        by_agency[item.agency_id].append(item)
    listings = active_listings(session, on=as_of, subjects=[(a.name, a.credit_code) for a in agencies])
    files = []
    for agency, listing in zip(agencies, listings, strict=True):
        items = by_agency[agency.id]
        within = counted(items, as_of, table.window_months)
        score = max(0, START_SCORE - sum(i.points for i in within))
        grade = table.listed_grade if listing is not None else grade_for(score, cutoffs)
        counted_ids = {i.id for i in within}
        files.append({
            "id": agency.id, "name": agency.name, "credit_code": agency.credit_code,
            "licence_number": agency.licence_number, "region_code": agency.region_code, "source": agency.source,
            "filings": agency.filings, "synthetic": agency.synthetic, "as_of": as_of,
            "score": score, "grade": grade, "listing": listing.reason if listing else None,
            "items": [{"id": i.id, "item": i.item, "zh": table.items[i.item].zh if i.item in table.items else i.item,
                       "en": table.items[i.item].en if i.item in table.items else i.item, "points": i.points,
                       "occurred_on": i.occurred_on, "source": i.source, "reference": i.reference, "note": i.note,
                       "counted": i.id in counted_ids} for i in items],
        })
    return files


# -- the registry ----------------------------------------------------------------------------------

def _agency_by_key(session: Session, key: str) -> Agency | None:
    return session.scalars(select(Agency).where(Agency.name_key == key)).first()


def seed_from_corpus(session: Session, snapshot: Snapshot) -> dict[str, int]:
    """Add the agencies and agents the snapshot names (and refresh their filing counts); registration
    data already entered is kept. Returns how many agencies and agents were added."""
    con = snapshot.reader()
    try:
        agencies = con.execute(
            "SELECT trim(agency), count(*), mode(region_code), bool_and(coalesce(synthetic, false)) FROM patents "
            "WHERE agency IS NOT NULL AND trim(agency) <> '' GROUP BY 1 ORDER BY 1").fetchall()
        agents = con.execute(
            "SELECT trim(agency), trim(a), count(*) FROM patents, unnest(agents) AS t(a) "
            "WHERE agency IS NOT NULL AND trim(agency) <> '' AND a IS NOT NULL AND trim(a) <> '' "
            "GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    finally:
        con.close()
    added = {"agencies": 0, "agents": 0}
    by_key: dict[str, Agency] = {}
    # one agency however the snapshot spells it: [name, filings, area, only synthetic records]
    folded: dict[str, list[Any]] = {}
    for name, n, region, synthetic in agencies:
        entry = folded.setdefault(normalize_name(name), [name, 0, region, True])
        entry[1] += int(n)
        entry[3] = entry[3] and bool(synthetic)
    now = utcnow()
    for key, (name, n, region, synthetic) in folded.items():
        row = _agency_by_key(session, key)
        if row is None:
            row = Agency(name=name, name_key=key, region_code=region, address="", source="corpus", filings=n,
                         synthetic=synthetic, created_at=now, updated_at=now)
            session.add(row)
            added["agencies"] += 1
        else:
            row.filings = n
            row.synthetic = row.synthetic and synthetic and row.source == "corpus"
            if row.source == "corpus" and row.region_code is None:
                row.region_code = region
        by_key[key] = row
    session.flush()
    agent_counts: dict[tuple[int, str], list[Any]] = {}
    for agency_name, agent_name, n in agents:
        agency = by_key[normalize_name(agency_name)]
        agent_counts.setdefault((agency.id, normalize_name(agent_name)), [agent_name, 0])[1] += int(n)
    existing = {(a.agency_id, a.name_key): a for a in session.scalars(select(Agent))}
    for (agency_id, key), (name, n) in agent_counts.items():
        if (agency_id, key) in existing:
            existing[(agency_id, key)].filings = n
            continue
        session.add(Agent(agency_id=agency_id, name=name, name_key=key, source="corpus", filings=n))
        added["agents"] += 1
    session.flush()
    return added


def register_agency(session: Session, scope: Scope, fields: dict[str, str]) -> Agency:
    """Registration data for an agency (new, or one the corpus named): every bad field named at once."""
    require_officer(scope)
    errors: dict[str, str] = {}
    name = (fields.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写机构名称 / give the agency's name"
    elif len(name) > 200:
        errors["name"] = "机构名称超过 200 字 / name longer than 200 characters"
    code: str | None = None
    if (fields.get("credit_code") or "").strip():
        try:
            code = normalize_uscc(fields["credit_code"])
        except FieldError as exc:
            errors["credit_code"] = str(exc)
    region: str | None = None
    raw_region = (fields.get("region_code") or "").strip()
    try:
        region = known_region_code(unicodedata.normalize("NFKC", raw_region))
        if not officer_covers(scope, region):
            errors["region_code"] = f"地区 {region} 不在本机构辖区内 / region {region} is outside your area"
    except InputError as exc:  # malformed, or naming no region (it was stored and shown as its digits)
        errors["region_code"] = exc.message
    licence = (fields.get("licence_number") or "").strip()
    if len(licence) > 40:
        errors["licence_number"] = "执业许可证号超过 40 字 / licence number longer than 40 characters"
    address = (fields.get("address") or "").strip()
    if len(address) > 300:
        errors["address"] = "地址超过 300 字 / address longer than 300 characters"
    agent_names = [a.strip() for a in (fields.get("agents") or "").replace("；", ";").replace("，", ";")
                   .replace(",", ";").split(";") if a.strip()]
    if any(len(a) > 100 for a in agent_names):
        errors["agents"] = "代理师姓名超过 100 字 / an agent's name is longer than 100 characters"
    key = normalize_name(name)
    row = _agency_by_key(session, key) if name else None
    if row is not None and not officer_covers(scope, row.region_code) and row.region_code is not None:
        errors["name"] = "该机构已由其他地区登记 / this agency is registered by another area"
    if errors:
        raise FormError(errors)
    now = utcnow()
    if row is None:
        row = Agency(name=name, name_key=key, source="registration", filings=0, address="", synthetic=False,
                     created_at=now)
        session.add(row)
    row.name = name
    row.credit_code, row.region_code, row.licence_number = code, region, licence or None
    # registration data is entered by an office: the agency is real from then on
    row.address, row.source, row.synthetic, row.updated_at = address, "registration", False, now
    session.flush()
    known = {a.name_key for a in session.scalars(select(Agent).where(Agent.agency_id == row.id))}
    for agent in agent_names:
        if normalize_name(agent) not in known:
            session.add(Agent(agency_id=row.id, name=agent, name_key=normalize_name(agent), source="registration",
                              filings=0))
            known.add(normalize_name(agent))
    session.flush()
    return row


def agencies_in_area(session: Session, scope: Scope, *, region: str | None = None) -> list[Agency]:
    """The agencies an officer's area holds (``region``: a narrower area within it)."""
    require_officer(scope)
    prefix = region_prefix(scope.region_code or "")
    if region:
        area = normalize_region_code(region)
        if not officer_covers(scope, area):
            from zhichan.errors import PermissionDenied

            raise PermissionDenied(f"地区 {area} 不在本机构辖区内 / region {area} is outside your area")
        prefix = region_prefix(area)
    query = select(Agency).order_by(Agency.name_key)
    if prefix:
        query = query.where(Agency.region_code.like(prefix + "%"))
    return list(session.scalars(query))


def get_agency(session: Session, scope: Scope, agency_id: int) -> Agency:
    row = session.get(Agency, agency_id)
    if row is None:
        raise NotFoundError(f"没有代理机构 {agency_id} / no agency {agency_id}")
    require_agency(scope, row.org_id, row.region_code, agency_id)
    return row


def own_agency(session: Session, scope: Scope) -> Agency | None:
    """The agency of an agency user's organization (linked, or by its name)."""
    scope.require_authenticated()
    row = session.scalars(select(Agency).where(Agency.org_id == scope.org_id)).first()
    if row is None and scope.org_id is not None:
        org = session.get(Organization, scope.org_id)
        if org is not None and org.kind == "agency":
            row = _agency_by_key(session, normalize_name(org.name))
            if row is not None and row.org_id is None:
                row.org_id = org.id
    return row


def agents_of(session: Session, agency_id: int) -> list[Agent]:
    return list(session.scalars(select(Agent).where(Agent.agency_id == agency_id).order_by(Agent.filings.desc(),
                                                                                            Agent.name_key)))


def record_item(session: Session, scope: Scope, agency_id: int, *, item: str, occurred_on: str | dt.date,
                source: str = "officer", reference: str = "", note: str = "") -> AgencyItem:
    """A negative item in an agency's credit file (a complaint upheld, a penalty, an inspection's
    finding …); the points are the declared table's at the time of recording."""
    require_officer(scope)
    agency = get_agency(session, scope, agency_id)
    errors: dict[str, str] = {}
    kind = rating().items.get(item)
    if kind is None:
        errors["item"] = "请选择负面信息类型 / choose the kind of item"
    day: dt.date | None = None
    try:
        day = occurred_on if isinstance(occurred_on, dt.date) else dt.date.fromisoformat(str(occurred_on).strip())
    except ValueError:
        errors["occurred_on"] = "日期格式应为 YYYY-MM-DD / the date must be YYYY-MM-DD"
    if day is not None and day > china_today():
        errors["occurred_on"] = "发生日期不能晚于今天 / the date cannot be in the future"
    if len(reference) > 80:
        errors["reference"] = "文号超过 80 字 / reference longer than 80 characters"
    if len(note) > 3000:
        errors["note"] = "说明超过 3000 字 / note longer than 3000 characters"
    if errors:
        raise FormError(errors)
    assert kind is not None and day is not None and scope.org_id is not None and scope.org_path is not None
    row = AgencyItem(agency_id=agency.id, item=kind.code, points=kind.points, occurred_on=day, source=source,
                     reference=reference.strip(), note=note.strip(), org_id=scope.org_id, org_path=scope.org_path,
                     recorded_by=scope.username, created_at=utcnow())
    session.add(row)
    session.flush()
    return row


# -- publication -----------------------------------------------------------------------------------

def publish(session: Session, org: Organization, *, as_of: dt.date, cutoffs: tuple[tuple[str, int], ...]) -> AgencyPublication:
    """Freeze the credit list of every agency in ``org``'s area as of ``as_of``."""
    prefix = region_prefix(org.region_code)
    query = select(Agency).order_by(Agency.name_key)
    if prefix:
        query = query.where(Agency.region_code.like(prefix + "%"))
    agencies = []
    for f in credit_files(session, list(session.scalars(query)), as_of=as_of, cutoffs=cutoffs):
        agencies.append({"id": f["id"], "name": f["name"], "credit_code": f["credit_code"], "synthetic": f["synthetic"],
                         "region_code": f["region_code"], "score": f["score"], "grade": f["grade"],
                         "listing": f["listing"],
                         "items": [{k: i[k] for k in ("zh", "en", "points", "occurred_on", "reference")}
                                   for i in f["items"] if i["counted"]]})
    payload = {"cutoffs": [list(c) for c in cutoffs], "window_months": rating().window_months, "agencies": agencies}
    row = AgencyPublication(as_of=as_of, region_code=org.region_code, org_id=org.id,
                            payload=json.dumps(payload, ensure_ascii=False, default=str), created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def publish_due(session: Session, *, today: dt.date, every_days: int, cutoffs: tuple[tuple[str, int], ...]) -> AgencyPublication | None:
    """The periodic publication (the job): the platform's root publishes when its last list is
    ``every_days`` old or there is none; ``None`` when not due, and while the registry holds no agency — on a new
    platform the check ran before the corpus seeded the registry, and its list of no agency stood until the next
    was due (90 days)."""
    root = session.scalar(select(Organization).where(Organization.parent_id.is_(None)).order_by(Organization.id))
    if root is None or session.scalar(select(Agency.id).limit(1)) is None:
        return None
    last = session.scalar(select(func.max(AgencyPublication.as_of)).where(AgencyPublication.org_id == root.id))
    if last is not None and (today - last).days < every_days:
        return None
    return publish(session, root, as_of=today, cutoffs=cutoffs)


def latest_publication(session: Session, publication_id: int | None = None) -> dict[str, Any] | None:
    """A publication (the newest by default) as the public reads it: the record as published, each agency with the
    English name it is known by now (``name_en``: its organization's, else a generated agency's — Shanghai Hengrui
    Patent Agency Co., Ltd. —, as the agency pages name it; None where none is known)."""
    query = select(AgencyPublication).order_by(AgencyPublication.created_at.desc(), AgencyPublication.id.desc())
    if publication_id is not None:
        query = select(AgencyPublication).where(AgencyPublication.id == publication_id)
    row = session.scalars(query.limit(1)).first()
    if row is None:
        return None
    published = json.loads(row.payload)
    agencies = [(a, RowName(a["name"], a.get("region_code"), bool(a.get("synthetic"))))
                for a in published.get("agencies", [])]
    named = english_names(session, [n for _, n in agencies])
    published["agencies"] = [{**a, "name_en": named.get(n)} for a, n in agencies]
    return {"id": row.id, "as_of": row.as_of, "region_code": row.region_code, **published}


def publications(session: Session, limit: int = 20) -> list[dict[str, Any]]:
    """The most recent publications (public): day, area and organization (its English name beside, where
    recorded), newest first."""
    rows = session.execute(select(AgencyPublication.id, AgencyPublication.as_of, AgencyPublication.region_code,
                                  Organization.name, Organization.name_en)
                           .join(Organization, Organization.id == AgencyPublication.org_id)
                           .order_by(AgencyPublication.created_at.desc(), AgencyPublication.id.desc()).limit(limit))
    return [{"id": i, "as_of": d, "region_code": r, "publisher": n, "publisher_en": en} for i, d, r, n, en in rows]
