"""Protection's pages as dicts: the public complaint form, the case panels, published decisions."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.errors import PermissionDenied
from zhichan.platform.models import Organization, Role
from zhichan.platform.orgs import RowName, english_names, holders_named_in_english, org_display_name
from zhichan.platform.portal import CorpusAccess
from zhichan.platform.scope import Scope
from zhichan.procedures.service import GOVERNANCE_KINDS, ProcedureService
from zhichan.procedures.views import listed_people, organization_names, people_listed, start_view
from zhichan.protection import service as protection
from zhichan.protection.service import COMPLAINT, DISPUTE
from zhichan.web.i18n import stored_text


def offices(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """The offices a complaint may be filed with (a county office handles its area, 第十二条、第二十五条):
    any for the public; an officer enters complaints for its own office or one below it."""
    query = select(Organization.id, Organization.name, Organization.name_en, Organization.region_code).where(
        Organization.kind.in_([str(k) for k in GOVERNANCE_KINDS]))
    if scope.governance and scope.org_path is not None:
        query = query.where(Organization.path.like(scope.org_path_like()))
    rows = session.execute(query.order_by(Organization.region_code, Organization.id)).all()
    return [{"id": r.id, "name": r.name, "name_en": r.name_en, "region_code": r.region_code} for r in rows]


def complaint_form(procedures: ProcedureService, session: Session, scope: Scope, lang: str) -> dict[str, Any]:
    """An enterprise files with the bureau it belongs to (``own_office``); anyone else chooses the office."""
    decl = procedures.registry.get(COMPLAINT, "default")
    own: str | None = None
    if scope.role == Role.ENTERPRISE_USER and scope.org_id is not None:
        org = session.get(Organization, scope.org_id)
        parent = session.get(Organization, org.parent_id) if org is not None and org.parent_id else None
        own = org_display_name(parent.name, parent.name_en, lang) if parent is not None else None
    return {**start_view(decl, lang), "offices": [] if own else offices(session, scope), "own_office": own}


#: the values of a check's message that name parties: one, or several joined by 、 (the corpus's holders)
CHECK_PARTIES = ("claimant", "holders")


def _checks(session: Session, stored: str, lang: str, case: dict[str, Any]) -> list[dict[str, Any]]:
    """A case's stored checks with their messages in ``lang`` (messages, or the bilingual texts of old rows); on English
    pages the parties they name by their English names where known (an organization's; in a synthetic case the demo's
    names), the stored check unchanged."""
    checks = json.loads(stored)
    if lang == "en":
        named = [n for c in checks for m in _messages(c["message"]) for k, v in (m.get("values") or {}).items()
                 if k in CHECK_PARTIES and isinstance(v, str) for n in v.split("、")]
        names = organization_names(session, named, lang, case)
        checks = [{**c, "message": _named(c["message"], names)} for c in checks]
    return [{**c, "message": stored_text(c["message"], lang)} for c in checks]


def _panel(session: Session, panel: str | None, lang: str, case: dict[str, Any]) -> str | None:
    """The panel's members in ``lang`` (as the case's ``shows: people`` fields show them: a demo case's in Pinyin)."""
    if not panel or lang != "en":
        return panel
    return listed_people(panel, organization_names(session, people_listed(panel), lang, case), lang)


def _messages(message: Any) -> list[dict[str, Any]]:
    """The stored messages of a check (one, or a list of them; an old row's text has none)."""
    items = message if isinstance(message, list) else [message]
    return [m for m in items if isinstance(m, dict) and "key" in m]


def _named(message: Any, names: dict[str, str]) -> Any:
    """A check's stored message with the parties it names as ``names`` gives them (English lists joined by ", ")."""
    if isinstance(message, list):
        return [_named(m, names) for m in message]
    if not isinstance(message, dict) or "key" not in message:
        return message
    values = {k: ", ".join(names.get(n, n) for n in v.split("、")) if k in CHECK_PARTIES and isinstance(v, str) else v
              for k, v in (message.get("values") or {}).items()}
    return {**message, "values": values}


def case_panel(session: Session, scope: Scope, case: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """The protection part of a case page (``case``: the engine's case view) in ``lang``, or ``None``."""
    procedure = case["case"]["procedure"]
    case_id = case["case"]["id"]
    if procedure == COMPLAINT:
        row = protection.complaint_row(session, case_id)
        return {"kind": "complaint", "checks": _checks(session, row.checks, lang, case["case"]), "anonymous": row.anonymous,
                "patent_number": row.patent_number, "route": row.route, "linked_case_id": row.linked_case_id,
                "duplicates": protection.duplicates(session, scope, case_id) if case["officer"] else []}
    if procedure == DISPUTE:
        row = protection.dispute_row(session, case_id)
        if row is None:
            return None
        return {"kind": "dispute", "checks": _checks(session, row.checks, lang, case["case"]) if case["officer"] else [],
                "patent_number": row.patent_number, "panel": row.panel, "panel_shown": _panel(session, row.panel, lang,
                                                                                            case["case"]),
                "simplified": row.simplified,
                "respondent_abroad": row.respondent_abroad, "complaint_case_id": row.complaint_case_id,
                "decided_on": row.decided_on, "published_on": row.published_on,
                "challenge_until": protection.challenge_until(row.decided_on) if row.decided_on else None}
    return None


def overseas_page(session: Session, scope: Scope, corpus: CorpusAccess, *, threshold: Decimal,
                  min_patents: int, lang: str = "zh") -> dict[str, Any]:
    """海外纠纷预警: an office's area (exposure, hot fields, disputes, watch list, alerts); an enterprise's
    own alerts. Anyone else: 401/403."""
    from zhichan.protection import overseas

    scope.require_authenticated()
    if not overseas.can_see_alerts(scope):
        raise PermissionDenied("无权查看海外纠纷预警 / overseas warnings are for IP offices and the enterprises watched")
    data: dict[str, Any] = {"office": scope.governance, "alerts": overseas.alerts(session, scope, lang=lang),
                            "kinds": overseas.DISPUTE_KINDS, "columns": overseas.COLUMNS,
                            "required_columns": overseas.REQUIRED_COLUMNS, "guidance": overseas.GUIDANCE}
    if scope.governance:
        exposure = overseas.area_exposure(corpus, scope, threshold=threshold, min_patents=min_patents)
        data["exposure"] = exposure and {**exposure, "items": holders_named_in_english(session, exposure["items"])}
        disputes, watches = overseas.disputes(session, scope), overseas.watches(session, scope)
        # the demo's (synthetic) rows: the generator's names in English, placed by the area of the office that
        # recorded the dispute or keeps the watch (not the viewer's: a province sees its cities' rows)
        offices = [overseas.recording_office(d.org_path) for d in disputes]
        regions = overseas.office_regions(session, [*offices, *(w.org_id for w in watches)])
        disputes_named = [(d, RowName(d.enterprise, region, d.synthetic), RowName(d.opponent, region, d.synthetic))
                          for d, o in zip(disputes, offices, strict=True) for region in [regions.get(o)]]
        watches_named = [(w, RowName(w.enterprise, regions.get(w.org_id), w.synthetic)) for w in watches]
        names_en = english_names(session, [n for _, e, o in disputes_named for n in (e, o)]
                                 + [n for _, n in watches_named])
        data["disputes"] = [{"id": d.id, "enterprise": d.enterprise, "enterprise_en": names_en.get(enterprise),
                             "country": d.country, "kind": d.kind, "opponent": d.opponent,
                             "opponent_en": names_en.get(opponent), "ipc_group": d.ipc_group,
                             "started_on": d.started_on, "forum": d.forum, "source": d.source, "synthetic": d.synthetic}
                            for d, enterprise, opponent in disputes_named]
        data["watches"] = [{"id": w.id, "enterprise": w.enterprise, "enterprise_en": names_en.get(enterprise),
                            "ipc_groups": w.ipc_groups.split(";"), "created_at": w.created_at, "synthetic": w.synthetic}
                           for w, enterprise in watches_named]
    return data
