"""The credit domain's pages as dicts (the router renders them as HTML or returns them as JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from zhichan.corpus.parties import party_name_en
from zhichan.credit import agencies, draws, service
from zhichan.credit.scope import require_officer
from zhichan.legaltime import china_date
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope


def listings_view(session: Session, *, on: dt.date, page: int, per_page: int) -> dict[str, Any]:
    total, rows = service.public_listings(session, on=on, offset=(page - 1) * per_page, limit=per_page)
    made, repair = service.synthetic_listings(session, rows), service.repair_days(session, rows)
    named = service.subjects_en(session, rows, made)
    items = [{k: v for k, v in service.listing_json(r, on, repair[r.id], synthetic=r.id in made,
                                                    subject_en=named.get(r.id)).items() if k != "case_id"}
             for r in rows]
    return {"on": on, "page": page, "per_page": per_page, "total": total, "items": items}


def manage_view(session: Session, scope: Scope, *, on: dt.date, page: int, per_page: int = 50) -> dict[str, Any]:
    require_officer(scope)
    total, rows = service.area_listings(session, scope, offset=(page - 1) * per_page, limit=per_page)
    made, repair = service.synthetic_listings(session, rows), service.repair_days(session, rows)
    named = service.subjects_en(session, rows, made)
    return {"on": on, "page": page, "per_page": per_page, "total": total,
            "items": [service.listing_json(r, on, repair[r.id], synthetic=r.id in made, subject_en=named.get(r.id))
                      for r in rows],
            "may_start": scope.role in (Role.CASE_OFFICER, Role.BUREAU_LEADER)}


def mine_view(session: Session, scope: Scope, *, on: dt.date) -> dict[str, Any]:
    scope.require_authenticated()
    own = agencies.own_agency(session, scope) if scope.role == Role.AGENCY_USER else None
    rows = service.own_listings(session, scope)
    repair = service.repair_days(session, rows)
    return {"on": on, "items": [service.listing_json(r, on, repair[r.id]) for r in rows],
            "agency_id": own.id if own else None}


def agencies_view(session: Session, scope: Scope, *, on: dt.date, cutoffs: tuple[tuple[str, int], ...]) -> dict[str, Any]:
    rows = agencies.agencies_in_area(session, scope)
    files = agencies.credit_files(session, rows, as_of=on, cutoffs=cutoffs)
    return {"on": on, "cutoffs": cutoffs, "items": [{**{k: f[k] for k in ("id", "name", "credit_code", "region_code",
                                                                            "source", "filings", "score", "grade",
                                                                            "listing", "synthetic")},
                                                     "name_en": _agency_en(f)} for f in files]}


def _agency_en(file: dict[str, Any]) -> str | None:
    """An agency's English name where the generator named it (synthetic agencies: pages show it through
    ``holder_name``, the legal name beside it)."""
    return party_name_en(file["name"], file.get("region_code"), bool(file.get("synthetic")))


def agency_view(session: Session, scope: Scope, agency_id: int, *, on: dt.date,
                cutoffs: tuple[tuple[str, int], ...]) -> dict[str, Any]:
    row = agencies.get_agency(session, scope, agency_id)
    file = agencies.credit_file(session, row, as_of=on, cutoffs=cutoffs)
    return {**file, "name_en": _agency_en(file), "cutoffs": cutoffs, "address": row.address,
            "agents": [{"name": a.name, "name_en": party_name_en(a.name, None, row.synthetic), "source": a.source,
                        "filings": a.filings,
                        "certificate_number": a.certificate_number} for a in agencies.agents_of(session, row.id)],
            "item_kinds": [{"code": k.code, "zh": k.zh, "en": k.en, "points": k.points}
                           for k in agencies.rating().items.values()],
            "window_months": agencies.rating().window_months, "officer": scope.governance}


def inspections_view(session: Session, scope: Scope) -> dict[str, Any]:
    return {"items": [{"id": i.id, "title": i.title, "seed": i.seed, "region_code": i.region_code,
                       "drawn_on": china_date(i.drawn_at), "published_on": i.published_on,
                       "target_count": i.target_count}
                      for i in draws.inspections(session, scope)],
            "officer": scope.governance, "region_code": scope.region_code}


def inspection_view(session: Session, scope: Scope, inspection_id: int) -> dict[str, Any]:
    row = draws.get_inspection(session, scope, inspection_id)
    data = draws.inspection_json(row)
    data["drawn_on"] = china_date(row.drawn_at)
    # the published record stays as drawn (redraw() compares it); the page reads each target's weight here
    data["weights"] = {t["id"]: t.get("divisor", 1) for t in data["targets"] if t.get("divisor", 1) != 1}
    data["editable"] = row.published_on is None and scope.governance and scope.covers_org_path(row.org_path)
    return data
