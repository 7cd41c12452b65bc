"""Overseas early warning (海外知识产权纠纷预警), modelled on the 国家海外知识产权纠纷应对指导中心 and its
workstations (no rule text governs it: RULES.md M6).

- :func:`foreign_shares`: foreign holders' share of each IPC main group among the corpus's live
  patents (in force or pending; the first patentee's domicile, ``is_domestic``) — a technology area
  where foreign holders concentrate has a share at or above ``protection_overseas_share`` (a setting).
- :func:`exposure`: the area's domestic enterprises with a foreign-oriented portfolio (a family member
  abroad or a PCT application) and, for each, the fields where foreign holders concentrate;
  :func:`area_exposure` keeps it per snapshot, area and settings for the page and its API.
- Overseas disputes a bureau records (:func:`record_dispute` on the form, :func:`import_disputes` from
  CSV/XLSX: every bad row reported with its line and field, never dropped), watch lists
  (:func:`add_watch`) and :func:`raise_alerts` (the job): a watched enterprise's field with a new
  dispute, or a watched field whose foreign share reaches the setting, raises one alert each.
- The guidance workstation's case record (应对指导) is the declared procedure
  ``protection.overseas_guidance``; :class:`GuidanceRules` checks its fields like the form's.

Scope: an office sees the disputes, watch lists and alerts of its subtree and the exposure of its area;
an enterprise sees its own alerts (watches naming its corpus party); nothing here is public.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name, with_party_names_en
from zhichan.corpus.store import Snapshot
from zhichan.errors import FormError, InputError, PermissionDenied
from zhichan.legaltime import china_date
from zhichan.platform.inlists import rows_in
from zhichan.platform.models import Organization, Role, utcnow
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import Scope
from zhichan.procedures.service import StepTaken
from zhichan.protection.models import OverseasAlert, OverseasDispute, OverseasWatch
from zhichan.protection.scope import register_filter
from zhichan.reference.countries import country_name
from zhichan.spreadsheet import read_table
from zhichan.web.i18n import stored_message, stored_text
from zhichan.web.labels import choice

if TYPE_CHECKING:
    import duckdb

    from zhichan.platform.portal import CorpusAccess

GUIDANCE = "protection.overseas_guidance"
#: the kinds of overseas dispute a workstation records
DISPUTE_KINDS = ("诉讼", "337调查", "海关扣押", "警告函", "展会纠纷", "电商平台投诉", "其他")
#: import columns: the English name, and the Chinese header a bureau's sheet may use instead
COLUMNS = {"enterprise": "国内企业", "country": "国家或地区", "kind": "纠纷类型", "opponent": "对方当事人",
           "ipc_group": "技术领域", "started_on": "发生日期", "forum": "受理机构", "summary": "案情摘要"}
#: the columns an import file must have (the others may be left out)
REQUIRED_COLUMNS = tuple(k for k in COLUMNS if k not in ("forum", "summary"))
_HEADER = {**{v: k for k, v in COLUMNS.items()}, **{k: k for k in COLUMNS}}
IMPORT_MAX_ROWS = 20_000
_IPC_GROUP = re.compile(r"^[A-H][0-9]{2}[A-Z][0-9]{1,4}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
#: a family member's country that does not make a portfolio foreign-oriented
HOME = "CN"


def ipc_group(text: str) -> str:
    """``h01m 10/052`` → ``H01M10`` (the main group); raises :class:`InputError` when it is none."""
    symbol = re.sub(r"\s+", "", str(text or "")).upper().split("/", 1)[0]
    if not _IPC_GROUP.match(symbol):
        raise InputError(f"IPC 大组格式应如 H01M10：{str(text)[:20]!r} / an IPC main group like H01M10")
    return symbol[:4] + str(int(symbol[4:]))


def percent(share: Decimal) -> str:
    return str((share * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --- the corpus: where foreign holders concentrate, and who is exposed -------------------------------------

_GROUP_SQL = "regexp_extract(upper(coalesce(main_ipc, ipc[1], '')), '^([A-H][0-9]{2}[A-Z])0*([0-9]{1,4})/', ['s', 'g'])"
_LIVE = "status_group IN ('valid', 'pending')"
#: foreign-oriented: a PCT application, or a family member outside China
_ABROAD = (f"(pct_application_number IS NOT NULL"
           f" OR len(list_filter(coalesce(family_countries, []), lambda c: c <> '{HOME}')) > 0)")


def foreign_shares(snapshot: Snapshot, *, min_patents: int, groups: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """IPC main group → ``{"patents", "foreign", "share"}`` (share a Decimal in [0, 1]) over the live
    patents, for groups with at least ``min_patents`` (a share of 2 patents says nothing)."""
    con = snapshot.reader()
    try:
        return _foreign_shares(con, min_patents=min_patents, groups=groups)
    finally:
        con.close()


def _foreign_shares(con: duckdb.DuckDBPyConnection, *, min_patents: int,
                    groups: list[str] | None = None) -> dict[str, dict[str, Any]]:
    rows = con.execute(f"""
        WITH p AS (SELECT {_GROUP_SQL} AS g, is_domestic FROM patents WHERE {_LIVE})
        SELECT g.s || g.g AS ipc_group, count(*) AS patents, count(*) FILTER (WHERE NOT is_domestic) AS foreign
        FROM p WHERE g.s <> ''
        GROUP BY 1 HAVING count(*) >= ? ORDER BY 1""", [min_patents]).fetchall()
    wanted = set(groups) if groups is not None else None
    return {g: {"patents": n, "foreign": f, "share": Decimal(f) / Decimal(n)}
            for g, n, f in rows if wanted is None or g in wanted}


def _area_prefix(scope: Scope) -> str:
    prefix = scope.region_prefix
    if prefix is None:
        scope.require_authenticated()
        raise PermissionDenied("仅知识产权管理部门可查看 / for IP offices only")
    return prefix


def exposure(snapshot: Snapshot, scope: Scope, *, threshold: Decimal, min_patents: int,
             limit: int = 200) -> dict[str, Any]:
    """The area's domestic enterprises with foreign-oriented live patents (a family member abroad or a PCT
    application), most exposed first: per enterprise its foreign-oriented patents and those in fields
    where foreign holders' share reaches ``threshold``."""
    prefix = _area_prefix(scope)
    con = snapshot.reader()
    try:
        return _exposure(con, snapshot.id, prefix, threshold=threshold, min_patents=min_patents, limit=limit)
    finally:
        con.close()


def area_exposure(corpus: CorpusAccess, scope: Scope, *, threshold: Decimal, min_patents: int,
                  limit: int = 200) -> dict[str, Any] | None:
    """:func:`exposure` of the current snapshot (None without one), computed once per snapshot, area and
    settings and then kept: the page and its API read the same result, a second view does not scan the
    corpus again, and a new snapshot (``CorpusAccess`` clears its cache when one lands) is computed afresh."""
    prefix = _area_prefix(scope)  # scope first: nothing cached is shown to anyone else
    snapshot = corpus.snapshot()
    if snapshot is None:
        return None
    key = ("protection.overseas.exposure", prefix, str(threshold), min_patents, limit)
    return cast(dict[str, Any], corpus.cached(key, lambda con: _exposure(
        con, snapshot.id, prefix, threshold=threshold, min_patents=min_patents, limit=limit)))


def _exposure(con: duckdb.DuckDBPyConnection, snapshot_id: str, prefix: str, *, threshold: Decimal, min_patents: int,
              limit: int) -> dict[str, Any]:
    shares = _foreign_shares(con, min_patents=min_patents)
    hot = {g: v for g, v in shares.items() if v["share"] >= threshold}
    rows = con.execute(f"""
        WITH p AS (
            SELECT first_patentee_key AS party_key, first_patentee AS name, region_code, {_GROUP_SQL} AS g,
                   {_ABROAD} AS abroad, synthetic
            FROM patents
            WHERE {_LIVE} AND is_domestic AND first_patentee_key IS NOT NULL
              AND coalesce(region_code, '') LIKE ? || '%')
        SELECT party_key, min(name), min(region_code), count(*) AS patents,
               count(*) FILTER (WHERE abroad) AS abroad,
               list(DISTINCT g.s || g.g) FILTER (WHERE abroad AND g.s <> '') AS groups, bool_and(synthetic)
        FROM p GROUP BY party_key HAVING count(*) FILTER (WHERE abroad) > 0""", [prefix]).fetchall()
    counts = dict(con.execute(f"""
        SELECT first_patentee_key || '|' || g.s || g.g, count(*) FROM (
            SELECT first_patentee_key, {_GROUP_SQL} AS g FROM patents
            WHERE {_LIVE} AND is_domestic AND coalesce(region_code, '') LIKE ? || '%'
              AND {_ABROAD})
        WHERE g.s <> '' GROUP BY 1""", [prefix]).fetchall())
    items = []
    for key, name, region, patents, abroad, groups, synthetic in rows:
        fields = sorted(({"ipc_group": g, "patents": counts.get(f"{key}|{g}", 0), "share": percent(hot[g]["share"])}
                         for g in (groups or []) if g in hot), key=lambda f: (-f["patents"], f["ipc_group"]))
        items.append({"party_key": key, "name": name, "region_code": region, "patents": patents, "abroad": abroad,
                      "exposed": sum(f["patents"] for f in fields), "fields": fields, "synthetic": bool(synthetic)})
    items.sort(key=lambda i: (-i["exposed"], -i["abroad"], i["party_key"]))
    # each enterprise in English where the generator named it (holder_name; an organization's own name comes first)
    return {"items": with_party_names_en(con, items[:limit]), "total": len(items), "threshold": percent(threshold),
            "hot": [{"ipc_group": g, **v, "share": percent(v["share"])}
                    for g, v in sorted(hot.items(), key=lambda kv: (-kv[1]["share"], kv[0]))][:50],
            "snapshot": snapshot_id}


# --- overseas disputes ---------------------------------------------------------------------------------

def _require_office(scope: Scope) -> str:
    scope.require_authenticated()
    if not scope.governance or scope.org_path is None or scope.role == Role.ANALYST:
        raise PermissionDenied("仅知识产权管理部门办案人员可登记 / for IP office staff only")
    return scope.org_path


def dispute_fields(raw: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """One dispute's fields checked, every problem beside its field (:class:`FormError`)."""
    values = {k: str(raw.get(k) or "").strip() for k in COLUMNS}
    errors: dict[str, str] = {}
    for name, limit in (("enterprise", 200), ("opponent", 200)):
        if not values[name]:
            errors[name] = "必填 / required"
        elif len(values[name]) > limit:
            errors[name] = f"不超过 {limit} 字 / at most {limit} characters"
    country = values["country"].upper()
    if not _COUNTRY.match(country):
        errors["country"] = "请填写两位国家或地区代码，如 US / a two-letter country code such as US"
    elif country == HOME:
        errors["country"] = "海外纠纷的国家或地区不能为 CN / an overseas dispute is outside CN"
    if values["kind"] not in DISPUTE_KINDS:
        errors["kind"] = "请选择：" + "、".join(DISPUTE_KINDS) + " / choose one of the kinds"
    group = ""
    try:
        group = ipc_group(values["ipc_group"])
    except InputError as exc:
        errors["ipc_group"] = exc.message
    started: dt.date | None = None
    raw_day = raw.get("started_on")
    if isinstance(raw_day, dt.datetime):
        started = raw_day.date()
    elif isinstance(raw_day, dt.date):
        started = raw_day
    else:
        try:
            started = dt.date.fromisoformat(values["started_on"])
        except ValueError:
            errors["started_on"] = "日期格式应为 2025-03-01 / a date like 2025-03-01"
    if started is not None and started > today:
        errors["started_on"] = "发生日期不能晚于今天 / the day cannot be in the future"
    if len(values["forum"]) > 200:
        errors["forum"] = "不超过 200 字 / at most 200 characters"
    if len(values["summary"]) > 5000:
        errors["summary"] = "不超过 5000 字 / at most 5000 characters"
    if errors:
        raise FormError(errors)
    return {**values, "country": country, "ipc_group": group, "started_on": started,
            "enterprise_key": normalize_name(values["enterprise"])}


def _same(session: Session, org_path: str, f: dict[str, Any]) -> bool:
    return session.scalar(select(OverseasDispute.id).where(
        OverseasDispute.org_path == org_path, OverseasDispute.enterprise_key == f["enterprise_key"],
        OverseasDispute.country == f["country"], OverseasDispute.kind == f["kind"],
        OverseasDispute.opponent == f["opponent"], OverseasDispute.started_on == f["started_on"]).limit(1)) is not None


def record_dispute(session: Session, scope: Scope, raw: dict[str, Any], *, source: str = "form",
                   now: dt.datetime | None = None, synthetic: bool = False) -> OverseasDispute:
    org_path = _require_office(scope)
    f = dispute_fields(raw, china_date(now or utcnow()))
    if _same(session, org_path, f):
        raise FormError({"opponent": "已登记相同纠纷（同一企业、国家、类型、对方和日期） / this dispute is already recorded"})
    row = OverseasDispute(**{k: f[k] for k in (*COLUMNS, "enterprise_key")}, source=source[:200], org_path=org_path,
                          recorded_by=scope.username, recorded_at=now or utcnow(), synthetic=synthetic)
    session.add(row)
    session.flush()
    return row


@dataclass
class ImportReport:
    imported: int = 0
    #: (line, {field: message}) of every row not imported
    rejects: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "rejects": [{"line": n, "errors": e} for n, e in self.rejects]}

    def rejects_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["行号 line", "字段 field", "问题 problem"])
        for line, errors in self.rejects:
            for name, message in errors.items():
                writer.writerow([line, name, message])
        return out.getvalue()


def _rows(data: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """(line, row by column name) of a CSV (UTF-8 or GB18030) or XLSX file; unknown columns ignored."""
    table = read_table(data, filename, max_rows=IMPORT_MAX_ROWS, what="纠纷 XLSX / disputes XLSX")
    header = [_HEADER.get(str(h or "").strip()) for h in table[0]]
    missing = [f"{k}（{COLUMNS[k]}）" for k in REQUIRED_COLUMNS if k not in header]
    if missing:
        raise InputError("缺少列 / missing columns: " + "、".join(missing))
    rows = []
    for line, values in enumerate(table[1:], start=2):
        if all(v in (None, "") for v in values):
            continue
        rows.append((line, {h: v for h, v in zip(header, values, strict=False) if h}))
    return rows


def import_disputes(session: Session, scope: Scope, data: bytes, filename: str, *,
                    now: dt.datetime | None = None) -> ImportReport:
    """Every good row recorded, every bad one (or one already recorded) in the report with its line."""
    _require_office(scope)
    report = ImportReport()
    for line, row in _rows(data, filename):
        try:
            with session.begin_nested():
                record_dispute(session, scope, row, source=f"import:{filename[:180]}", now=now)
            report.imported += 1
        except FormError as exc:
            report.rejects.append((line, exc.errors))
    return report


def disputes(session: Session, scope: Scope, *, limit: int = 200) -> list[OverseasDispute]:
    scope.require_authenticated()
    return list(session.scalars(select(OverseasDispute).where(register_filter(scope, OverseasDispute.org_path))
                                .order_by(OverseasDispute.started_on.desc(), OverseasDispute.id.desc()).limit(limit)))


# --- watch lists and alerts ------------------------------------------------------------------------------

def enterprise_groups(snapshot: Snapshot | None, party_key: str, top: int = 5) -> list[str]:
    """The main groups of an enterprise's foreign-oriented live patents, most patents first."""
    if snapshot is None:
        return []
    con = snapshot.reader()
    try:
        rows = con.execute(f"""
            SELECT g.s || g.g, count(*) FROM (SELECT {_GROUP_SQL} AS g FROM patents
                WHERE {_LIVE} AND first_patentee_key = ?
                  AND {_ABROAD})
            WHERE g.s <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?""", [party_key, top]).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def add_watch(session: Session, scope: Scope, snapshot: Snapshot | None, enterprise: str, groups_text: str, *,
              now: dt.datetime | None = None, synthetic: bool = False) -> OverseasWatch:
    """Put an enterprise on the office's watch list; with no fields given, those of its foreign-oriented
    patents in the corpus."""
    org_path = _require_office(scope)
    assert scope.org_id is not None
    name = enterprise.strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 200:
        errors["enterprise"] = "请填写企业名称（200 字以内） / the enterprise's name (at most 200 characters)"
    key = normalize_name(name)
    groups: list[str] = []
    for part in re.split(r"[;；,，\s]+", groups_text.strip()):
        if part:
            try:
                groups.append(ipc_group(part))
            except InputError as exc:
                errors["ipc_groups"] = exc.message
    if not errors and not groups:
        groups = enterprise_groups(snapshot, key)
        if not groups:
            errors["ipc_groups"] = ("语料中未找到该企业的海外布局专利，请填写关注的技术领域（IPC 大组） / no foreign-oriented "
                                    "patents of this enterprise in the corpus: give the fields to watch")
    if not errors and session.scalar(select(OverseasWatch.id).where(OverseasWatch.org_id == scope.org_id,
                                                                   OverseasWatch.enterprise_key == key)):
        errors["enterprise"] = "该企业已在本局关注名单中 / already on this office's watch list"
    if errors:
        raise FormError(errors)
    row = OverseasWatch(enterprise=name, enterprise_key=key, ipc_groups=";".join(dict.fromkeys(groups))[:500],
                        org_id=scope.org_id, org_path=org_path, created_by=scope.username,
                        created_at=now or utcnow(), synthetic=synthetic)
    session.add(row)
    session.flush()
    return row


def watches(session: Session, scope: Scope) -> list[OverseasWatch]:
    scope.require_authenticated()
    return list(session.scalars(select(OverseasWatch).where(register_filter(scope, OverseasWatch.org_path))
                                .order_by(OverseasWatch.id)))


def raise_alerts(session: Session, snapshot: Snapshot | None, *, threshold: Decimal, min_patents: int,
                 now: dt.datetime | None = None) -> int:
    """One alert per watched field and new dispute there (recorded since the watch began), and one per
    watched field whose foreign holders' share reaches ``threshold``; returns how many were raised."""
    now = now or utcnow()
    raised = 0
    watched = list(session.scalars(select(OverseasWatch).order_by(OverseasWatch.id)))
    if not watched:
        return 0
    seen = {(a.watch_id, a.kind, a.ipc_group, a.dispute_id) for a in session.execute(
        select(OverseasAlert.watch_id, OverseasAlert.kind, OverseasAlert.ipc_group, OverseasAlert.dispute_id))}
    all_groups = sorted({g for w in watched for g in w.ipc_groups.split(";") if g})
    shares = foreign_shares(snapshot, min_patents=min_patents, groups=all_groups) if snapshot is not None else {}
    for watch in watched:
        groups = [g for g in watch.ipc_groups.split(";") if g]
        new = session.scalars(select(OverseasDispute).where(
            OverseasDispute.ipc_group.in_(groups), OverseasDispute.recorded_at >= watch.created_at)
            .order_by(OverseasDispute.id))
        for d in new:
            if (watch.id, "dispute", d.ipc_group, d.id) in seen:
                continue
            own = d.enterprise_key == watch.enterprise_key
            session.add(OverseasAlert(
                watch_id=watch.id, kind="dispute", ipc_group=d.ipc_group, dispute_id=d.id, raised_at=now,
                synthetic=watch.synthetic and d.synthetic,
                message=_message("dispute_own" if own else "dispute", group=d.ipc_group, enterprise=watch.enterprise,
                                 country=d.country, kind=d.kind, opponent=d.opponent, started_on=d.started_on)))
            seen.add((watch.id, "dispute", d.ipc_group, d.id))
            raised += 1
        for g in groups:
            share = shares.get(g)
            if share is None or share["share"] < threshold or (watch.id, "concentration", g, 0) in seen:
                continue
            session.add(OverseasAlert(
                watch_id=watch.id, kind="concentration", ipc_group=g, dispute_id=0, snapshot_id=snapshot.id if snapshot else "",
                share=percent(share["share"]), raised_at=now, synthetic=watch.synthetic,
                message=_message("concentration", group=g, share=percent(share["share"]), foreign=share["foreign"],
                                 patents=share["patents"], threshold=percent(threshold))))
            seen.add((watch.id, "concentration", g, 0))
            raised += 1
    session.flush()
    return raised


def _message(alert: str, **values: object) -> str:
    """An alert's text as a message (``protection.alert.<alert>``), shown in the page's language."""
    return json.dumps(stored_message(f"protection.alert.{alert}", **values), ensure_ascii=False)


#: alerts stored before their texts were messages: "中文（涉及本企业 / involving …）… / English"
_OLD_OWN = re.compile(r"（涉及本企业 / involving [^）]*）")


def alert_text(message: str, lang: str, names: Mapping[str, str] | None = None) -> str:
    """An alert's text in ``lang``, composed now of what it stored: the country by its name (美国 / United States, it
    was the code), the kind of dispute by its label, the enterprise and the opponent in ``lang`` where ``names`` knows
    them (:func:`alert_names`) — they showed as typed on English pages. An alert stored before as "中文 / English"
    shows its half."""
    if message.startswith("{"):
        stored = json.loads(message)
        values = dict(stored.get("values") or {})
        if isinstance(values.get("country"), str):
            values["country"] = country_name(values["country"], lang)
        if isinstance(values.get("kind"), str):
            values["kind"] = choice(lang, values["kind"])
        for party in ("enterprise", "opponent"):
            if isinstance(values.get(party), str):
                values[party] = (names or {}).get(values[party]) or values[party]
        return stored_text({**stored, "values": values}, lang)
    zh, sep, en = message.rpartition(" / ")
    if not sep:
        return message
    return en if lang == "en" else _OLD_OWN.sub("（涉及本企业）", zh)


def alerts(session: Session, scope: Scope, *, limit: int = 200, lang: str = "zh") -> list[dict[str, Any]]:
    """An enterprise's own alerts (watches naming its corpus party), or an office's subtree's, in ``lang``."""
    scope.require_authenticated()
    query = select(OverseasAlert, OverseasWatch.enterprise).join(OverseasWatch, OverseasWatch.id == OverseasAlert.watch_id)
    if scope.role == Role.ENTERPRISE_USER:
        if not scope.party_key:
            return []
        query = query.where(OverseasWatch.enterprise_key == normalize_name(scope.party_key))
    elif scope.governance:
        query = query.where(register_filter(scope, OverseasWatch.org_path))
    else:
        raise PermissionDenied("无权查看预警 / alerts are for IP offices and the enterprises watched")
    rows = session.execute(query.add_columns(OverseasWatch.org_id)
                           .order_by(OverseasAlert.raised_at.desc(), OverseasAlert.id.desc()).limit(limit)).all()
    names = alert_names(session, [(a, name, org_id) for a, name, org_id in rows], lang)
    return [{"id": a.id, "kind": a.kind, "ipc_group": a.ipc_group, "share": a.share,
             "message": alert_text(a.message, lang, named), "raised_at": a.raised_at, "enterprise": name,
             "enterprise_en": named.get(name), "synthetic": a.synthetic} for (a, name, _), named in zip(rows, names, strict=True)]


def alert_names(session: Session, rows: list[tuple[OverseasAlert, str, int]], lang: str) -> list[dict[str, str]]:
    """For each alert (with its watched enterprise and the watching office), the parties it names (the watched
    enterprise, a dispute's enterprise and opponent) in ``lang`` where known there: on English pages
    :func:`zhichan.platform.orgs.english_names` (an organization's English name, else in a synthetic alert the English
    the generator's name reads as, placed by that alert's watching office's area)."""
    if lang != "en" or not rows:
        return [{} for _ in rows]
    regions = office_regions(session, [org_id for alert, _, org_id in rows if alert.synthetic])
    named: list[list[RowName]] = []
    for alert, enterprise, org_id in rows:
        values = (json.loads(alert.message).get("values") or {}) if alert.message.startswith("{") else {}
        names = [enterprise, *(v for k, v in values.items() if k in ("enterprise", "opponent") and isinstance(v, str))]
        named.append([RowName(n, regions.get(org_id), alert.synthetic) for n in names])
    found = english_names(session, [n for names in named for n in names])
    return [{str(n.name): found[n] for n in names if n in found} for names in named]


def office_regions(session: Session, org_ids: Iterable[int]) -> dict[int, str]:
    """The region of each office (organization id) that keeps a watch or recorded a dispute: where the generator's
    names in its synthetic (demo) rows are read."""
    return dict(rows_in(session, select(Organization.id, Organization.region_code), org_ids, Organization.id))


def recording_office(org_path: str) -> int:
    """The office that recorded a dispute: the last organization of its ``org_path`` (``/1/4/9/`` → 9)."""
    return int(org_path.rstrip("/").rsplit("/", 1)[-1])


def can_see_alerts(scope: Scope) -> bool:
    return scope.is_authenticated and (scope.role == Role.ENTERPRISE_USER or scope.governance)


# --- the guidance workstation's case (应对指导) ------------------------------------------------------------

class GuidanceRules:
    """The hook on ``protection.overseas_guidance``: on filing the country and field are checked like a
    recorded dispute's (beside the field)."""

    def __call__(self, session: Session, scope: Scope, step: StepTaken) -> None:
        if step.event != "start":
            return
        f = step.fields
        errors: dict[str, str] = {}
        country = str(f.get("country") or "").strip().upper()
        if not _COUNTRY.match(country) or country == HOME:
            errors["country"] = "请填写两位国家或地区代码（非 CN），如 US / a two-letter country code other than CN"
        if f.get("ipc_group"):
            try:
                ipc_group(str(f["ipc_group"]))
            except InputError as exc:
                errors["ipc_group"] = exc.message
        if errors:
            raise FormError(errors)

