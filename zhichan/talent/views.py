"""The talent library's pages as dicts (the router renders them as HTML or returns them as JSON)."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy.orm import Session

from zhichan.errors import PermissionDenied
from zhichan.platform.orgs import org_display_name
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import Text
from zhichan.procedures.service import Option
from zhichan.reference.regions import all_cities, all_counties, all_provinces, region_choices, region_label
from zhichan.talent import service
from zhichan.talent.scope import viewer
from zhichan.web.i18n import translate


@functools.lru_cache(maxsize=64)
def declared_regions(area: str | None) -> tuple[Option, ...]:
    """The talent declaration's region field's list (``options: talent.regions``): the regions of
    :func:`region_choices` for a filer in ``area``, in both languages; ``None`` (the engine's check)
    or a national office: every province, city and county, with their full names."""
    zh, en = region_choices(area, "zh"), region_choices(area, "en")
    if zh is None or en is None:
        codes = sorted([c.ljust(6, "0") for c in all_provinces() + all_cities()] + all_counties())
        return tuple(Option(c, Text(zh=region_label(c, "zh", full=True), en=region_label(c, "en", full=True)))
                     for c in codes)
    return tuple(Option(a["code"], Text(zh=a["label"], en=b["label"]))
                 for g, h in zip(zh, en, strict=True) for a, b in zip(g["options"], h["options"], strict=True))


def directory_view(session: Session, scope: Scope, *, kind: str = "", field: str = "", region: str = "",
                   status: str = "", lang: str = "zh") -> dict[str, Any]:
    """/talent: the people the caller sees (officers and members), and for everyone the counts per kind of
    the caller's area (the public: the whole platform's)."""
    who = viewer(session, scope)
    area = who.prefix or ""
    data: dict[str, Any] = {"counts": service.counts(session, region=area, lang=lang), "signed_in": scope.is_authenticated,
                            "filters": {"kind": kind, "field": field, "region": region, "status": status},
                            "kinds": [{"code": k.code, "label": k.label(lang), "certificate": k.certificate}
                                      for k in service.kinds().values()],
                            "statuses": [str(s) for s in service.Status], "shareable": list(service.SHAREABLE),
                            "regions": region_choices(scope.region_code if scope.governance else None, lang),
                            # the filter offers the regions of the caller's area by name (a national view: a code box)
                            "filter_regions": region_choices(area.ljust(6, "0") if area else None, lang)}
    if who.prefix is None:
        return {**data, "officer": False, "items": None, "total": None, "more": False}
    found = service.directory(session, scope, kind=kind, field=field, region=region, status=status, lang=lang)
    manager = who.officer and scope.role in service.MANAGERS
    may_apply = scope.is_authenticated and not scope.governance
    return {**data, **found, "manager": manager, "may_apply": may_apply,
            "region_code": scope.region_code if who.officer else None}


def person_view(session: Session, scope: Scope, person_id: int, *, lang: str = "zh") -> dict[str, Any]:
    who = viewer(session, scope)
    person = service.get_person(session, scope, person_id)
    data = service.person_json(person, service.kinds_of(session, [person.id]).get(person.id, []), who, lang,
                               service.organizations_en(session, [person]) if lang == "en" else {})
    if who.officer:
        data["prior_parties"] = person.prior_parties
    return {"person": data, "officer": who.officer,
            "history": service.history(session, person.id) if who.officer else [],
            "manager": who.officer and scope.role in service.MANAGERS and person.case_id is None}


def export_columns(officer: bool) -> tuple[str, ...]:
    base = ("name", "organization", "region_code", "kinds", "certificates", "ipc_fields", "industry_chains",
            "phone", "email")
    return (*base, "status", "status_reason", "status_on", "source", "shared", "synthetic") if officer else \
        (*base, "synthetic")


def export_name(session: Session, scope: Scope, region: str, fmt: str) -> str:
    """An export's file name as the other exports name theirs: what it holds, its region and its day —
    ``talent-510107-2026-12-07.csv``: the filter's region, else the caller's area (the nation ``100000``); the day
    (Beijing's) the directory was read, since the library is the platform's records as they stand."""
    from zhichan.legaltime import china_today
    from zhichan.platform.scope import NATION_CODE, normalize_region_code

    # a region the directory refused never gets here: export_rows raised beside its field first
    code = normalize_region_code(region) if region else (viewer(session, scope).prefix or "").ljust(6, "0")
    return f"talent-{NATION_CODE if code == '000000' else code}-{china_today().isoformat()}.{fmt}"


def export_rows(session: Session, scope: Scope, lang: str, *, chains: dict[str, str] | None = None,
                **filters: str) -> tuple[list[str], list[list[Any]]]:
    """The scoped directory (every row, not just the page's) as a header and rows for CSV/XLSX: the columns
    the caller may see; a field the person does not share is left empty."""
    from zhichan.platform.portal import region_display_name

    scope.require_authenticated()
    data = service.directory(session, scope, lang=lang, limit=None, **filters)
    columns = list(export_columns(bool(data["officer"])))
    # the region's name beside its code, as the records' and levers' files give it (the code stays: the roster
    # import reads it back); on English files the names the English page shows beside the legal ones, which stay
    # in their columns as registered (what an import reads back)
    columns.insert(columns.index("region_code") + 1, "region_name")
    if lang == "en":
        columns.insert(columns.index("name") + 1, "name_en")
        columns.insert(columns.index("organization") + 1, "organization_en")
        # the chains the platform knows in English beside the text as written (``chains``: the pages' names of them)
        columns.insert(columns.index("industry_chains") + 1, "industry_chains_en")
    # a row's flag headed and said as the records' and the search's exports say it (合成记录: 是/否)
    header = [translate(lang, "indicators.export.region_name", column=translate(lang, "talent.field.region"))
              if c == "region_name" else translate(lang, "field.synthetic") if c == "synthetic"
              else translate(lang, f"talent.field.{c}") for c in columns]
    rows = []
    labels = {k.code: k.label(lang) for k in service.kinds().values()}
    sep = "; " if lang == "en" else "；"  # the roster import reads either
    for p in data["items"]:
        values = {**p, "kinds": sep.join(k["label"] for k in p["kinds"]),
                  "certificates": sep.join(f"{labels.get(c['kind'], c['kind'])}: {c['number']}"
                                           for c in p["certificates"] or []),
                  "ipc_fields": ";".join(p["ipc_fields"] or []), "industry_chains": sep.join(p["industry_chains"] or []),
                  "industry_chains_en": sep.join((chains or {}).get(c, c) for c in p["industry_chains"] or []),
                  "region_name": region_display_name(p["region_code"], lang) if p.get("region_code") else "",
                  "shared": sep.join(translate(lang, f"talent.share.{f}") for f in p.get("shared") or []),
                  "status": translate(lang, f"talent.status.{p['status']}") if p.get("status") else "",
                  "source": translate(lang, f"talent.source.{p['source']}") if p.get("source") else "",
                  "synthetic": translate(lang, "report.yes" if p.get("synthetic") else "report.no")}
        rows.append([values.get(c) if values.get(c) is not None else "" for c in columns])
    return header, rows


def export_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    from zhichan.spreadsheet import table_csv

    return table_csv(header, rows)


def export_xlsx(header: list[str], rows: list[list[Any]], lang: str) -> bytes:
    """The directory as XLSX, its sheet named in the file's language (a Chinese file's read "talent")."""
    from zhichan.spreadsheet import table_xlsx

    return table_xlsx(header, rows, translate(lang, "talent.export.sheet"))


def apply_view(session: Session, scope: Scope, lang: str) -> dict[str, Any]:
    scope.require_authenticated()
    if scope.governance:
        raise PermissionDenied("管理部门人员请由本局直接录入 / officers are entered by their office")
    office = service.handling_office(session, scope)
    return {"kinds": [{"code": k.code, "label": k.label(lang), "certificate": k.certificate}
                      for k in service.kinds().values()],
            "shareable": list(service.SHAREABLE), "office": org_display_name(office.name, office.name_en, lang),
            "regions": region_choices(office.region_code, lang)}
