"""Plan targets (规划目标) on the platform: which plan files are loaded, who sees which target, uploads.

Plans are files read with :func:`zhichan.indicators.plans.load_plan` (YAML or XLSX):

- the **plan folder** (setting ``plans_dir``; unset: the shipped examples in the repository's
  ``plans/``, e.g. ``national-14th-fyp.yaml``) — read-only for the platform;
- **uploads** in ``<data_dir>/plans/``, written by system administrators and analysts.

Scope is per target, not per file: a caller sees a target when its region lies inside the
caller's area (a county user sees its county's targets only; the national target only a
nation-level organization). An upload is refused (403) when any of its targets lies outside the
uploader's area. Progress, required growth and the forecast come from
:func:`zhichan.indicators.plans.target_progress`, cached per (snapshot, file, target, as-of).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from zhichan.errors import InputError, NotFoundError, PermissionDenied
from zhichan.indicators.models import Plan, PlanTarget
from zhichan.platform.models import Role
from zhichan.platform.portal import CorpusAccess
from zhichan.platform.scope import NATION_CODE, Scope
from zhichan.settings import Settings

#: the example plans shipped as package data (found the same way in a checkout and an installed wheel)
SHIPPED_PLANS_DIR = Path(str(files("zhichan.indicators") / "shipped_plans"))
PLAN_SUFFIXES = (".yaml", ".yml", ".xlsx")
MAX_UPLOAD_BYTES = 2 << 20
UPLOAD_ROLES = (Role.SYSTEM_ADMIN, Role.ANALYST)


@dataclass(frozen=True)
class PlanFile:
    id: str  # "shipped:<name>" | "uploaded:<name>" — stable, used in URLs
    source: str  # "shipped" | "uploaded"
    path: Path
    mtime_ns: int
    plan: Plan | None
    error: str = ""


def plan_folders(settings: Settings) -> list[tuple[str, Path]]:
    return [("shipped", settings.plans_dir or SHIPPED_PLANS_DIR), ("uploaded", upload_dir(settings))]


def upload_dir(settings: Settings) -> Path:
    return settings.data_dir / "plans"


def platform_region(code: str) -> str:
    """A plan's region (``CN``, ``51``, ``5101``, ``510107`` — the reference module's form) as the
    platform's 6-digit code (``100000`` for the nation)."""
    code = str(code).strip()
    return NATION_CODE if code.upper() in ("CN", "", NATION_CODE, "000000") else code.ljust(6, "0")


def list_plan_files(settings: Settings) -> list[PlanFile]:
    """Every plan file of the plan folder and the uploads; a file that does not load is listed with its error."""
    out = []
    for source, folder in plan_folders(settings):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in PLAN_SUFFIXES or not path.is_file():
                continue
            mtime_ns = path.stat().st_mtime_ns
            plan, error = _load(str(path), mtime_ns)
            out.append(PlanFile(f"{source}:{path.name}", source, path, mtime_ns, plan, error))
    return out


def fingerprint(files: list[PlanFile]) -> tuple[tuple[str, int], ...]:
    """What the plan files are right now — part of every cache key that depends on them."""
    return tuple((pf.id, pf.mtime_ns) for pf in files)


@lru_cache(maxsize=256)
def _load(path: str, mtime_ns: int) -> tuple[Plan | None, str]:
    """A plan file parsed once per modification time (a changed file is read again)."""
    from zhichan.errors import ZhichanError
    from zhichan.indicators.plans import load_plan

    try:
        return load_plan(path), ""
    except ZhichanError as exc:
        return None, exc.message


def visible_targets(plan: Plan, scope: Scope) -> list[tuple[int, PlanTarget]]:
    return [(i, t) for i, t in enumerate(plan.targets) if scope.covers_region(platform_region(t.region_code))]


def _target_day(access: CorpusAccess, target: PlanTarget, as_of: dt.date | None) -> tuple[dt.date, Any]:
    """The date a target is measured at (``as_of``, else its figure's default date: a platform figure's today) and
    what its cached progress depends on besides (the platform's records as last exported, for such a figure)."""
    from zhichan.indicators import registry, service

    snap = access.require_snapshot()
    ind = registry.get_indicator(target.indicator)
    return service.figure_as_of(ind.code, as_of, snap), service.platform_export_key(snap, [ind.code])


def _progress(access: CorpusAccess, pf: PlanFile, index: int, target: PlanTarget,
              as_of: dt.date | None) -> dict[str, Any]:
    from zhichan.indicators.plans import target_progress
    from zhichan.indicators.registry import get_indicator

    day, exported = _target_day(access, target, as_of)

    def compute(_cur: Any) -> dict[str, Any]:
        tp = target_progress(target, day, snapshot=access.require_snapshot())
        ind = get_indicator(tp.indicator)
        return {**tp.to_dict(), "indicator_name_en": ind.name_en, "region": platform_region(tp.region_code)}

    data = access.cached(("plan_target", pf.id, pf.mtime_ns, index, day.isoformat(), exported), compute)
    return {**data, "plan_id": pf.id, "plan_name": pf.plan.name if pf.plan else "",
            "plan_name_en": pf.plan.name_en if pf.plan else "", "note": target.note,
            "source": pf.plan.source if pf.plan else "", "source_en": pf.plan.source_en if pf.plan else ""}


def reference_targets(access: CorpusAccess, region: str, as_of: dt.date | None,
                      files: list[PlanFile]) -> list[dict[str, Any]]:
    """参照目标: for each ratio indicator (per 10,000 people, a share, a mean) that no plan sets for ``region``
    itself, the targets of the nearest region above it that has one (its city, province, then the nation),
    measured on ``region``'s own figures — a city whose own plan states its aims in words (Chengdu's does)
    sees where it stands against the national 12 per 10,000 by 2025. A count or an amount is never a
    reference: a province's count says nothing about one of its cities. The higher region's own figures are
    not computed (a caller sees only the plan's published target); the base is ``region``'s own value in
    the plan's base year, and no "planned increase achieved" is given (the increase was planned for
    the other region). Each row carries ``reference: True`` and ``reference_region``."""
    from zhichan.indicators.registry import get_indicator
    from zhichan.platform.portal import parent_region

    by_region: dict[str, list[tuple[PlanFile, int, PlanTarget]]] = {}
    for pf in files:
        for index, target in enumerate(pf.plan.targets if pf.plan else ()):
            by_region.setdefault(platform_region(target.region_code), []).append((pf, index, target))
    covered = {t.indicator for _, _, t in by_region.get(region, [])}
    out = []
    above = parent_region(region)
    while above is not None:
        found = set()
        for pf, index, target in by_region.get(above, []):
            if target.indicator in covered or get_indicator(target.indicator).additive:
                continue
            found.add(target.indicator)
            out.append(_reference(access, pf, index, target, region, above, as_of))
        covered |= found
        above = parent_region(above)
    return out


def _reference(access: CorpusAccess, pf: PlanFile, index: int, target: PlanTarget, region: str, above: str,
               as_of: dt.date | None) -> dict[str, Any]:
    from zhichan import reference
    from zhichan.indicators.plans import target_progress
    from zhichan.indicators.registry import get_indicator

    day, exported = _target_day(access, target, as_of)

    def compute(_cur: Any) -> dict[str, Any]:
        mine = PlanTarget(indicator=target.indicator, region_code=reference.normalize_region_code(region),
                          target_year=target.target_year, target_value=target.target_value,
                          base_year=target.base_year)
        # the plan's direction, not this region's: a region above the target already has met it (the national 12
        # per 10,000 read as a target to fall to for a region at 15, and "will miss")
        rising = target.target_value >= target.base_value if target.base_value is not None else None
        tp = target_progress(mine, day, snapshot=access.require_snapshot(), rising=rising)
        return {**tp.to_dict(), "gap_closed_pct": None, "indicator_name_en": get_indicator(tp.indicator).name_en,
                "region": region}

    data = access.cached(("plan_reference", pf.id, pf.mtime_ns, index, region, day.isoformat(), exported), compute)
    plan = pf.plan
    assert plan is not None
    return {**data, "plan_id": pf.id, "plan_name": plan.name, "plan_name_en": plan.name_en, "note": "",
            "source": plan.source, "source_en": plan.source_en, "reference": True, "reference_region": above}


def targets_for(
    access: CorpusAccess, settings: Settings, scope: Scope, as_of: dt.date | None, *, region: str | None = None,
    files: list[PlanFile] | None = None,
) -> dict[str, Any]:
    """Progress of every target the caller may see (only those of ``region`` when given), and the
    reference targets of ``region`` (else of the caller's own area) from the plans above it
    (:func:`reference_targets`).

    Returns ``{"targets": [...], "references": [...], "plans": [...], "errors": [...]}``; each target
    carries the indicator's progress %, gap closed %, required annual growth, forecast (+ method) and
    ``will_meet`` — at ``as_of``, or each at its figure's default date (its own ``as_of``; ``dates`` says which
    dates the targets' figures are at).
    """
    scope.require_authenticated()
    if not scope.governance:
        raise PermissionDenied("当前账号不能查看规划目标 / this account has no access to plan targets")
    if region is not None:
        region = scope.require_region(region)
    files = list_plan_files(settings) if files is None else files
    targets, plans, errors = [], [], []
    for pf in files:
        if pf.plan is None:
            if scope.is_admin:
                errors.append({"plan_id": pf.id, "error": pf.error})
            continue
        mine = visible_targets(pf.plan, scope)
        if not mine:
            continue
        plans.append({"id": pf.id, "name": pf.plan.name, "name_en": pf.plan.name_en, "source": pf.plan.source,
                      "source_en": pf.plan.source_en, "origin": pf.source, "targets": len(mine)})
        for index, target in mine:
            if region is not None and platform_region(target.region_code) != region:
                continue
            targets.append(_progress(access, pf, index, target, as_of))
    references = reference_targets(access, region or scope.home_region(), as_of, files)
    for pf in files:  # a plan that only gives references is listed too, with none of its own targets here
        used = sum(1 for r in references if r["plan_id"] == pf.id)
        if used and pf.plan is not None:
            listed = next((p for p in plans if p["id"] == pf.id), None)
            if listed is None:
                listed = {"id": pf.id, "name": pf.plan.name, "name_en": pf.plan.name_en, "source": pf.plan.source,
                          "source_en": pf.plan.source_en, "origin": pf.source, "targets": 0}
                plans.append(listed)
            listed["references"] = used
    from zhichan.indicators.service import figure_dates

    dates = figure_dates(as_of, access.require_snapshot())
    return {"as_of": dates["given"] or dates["corpus"], "dates": dates, "targets": targets, "references": references,
            "plans": plans, "errors": errors}


def _safe_stem(filename: str) -> str:
    stem = Path(filename or "plan").stem
    stem = re.sub(r"[^\w\-]+", "-", stem, flags=re.UNICODE).strip("-_")[:60]
    return stem or "plan"


def save_upload(settings: Settings, scope: Scope, filename: str, content: bytes) -> PlanFile:
    """Validate an uploaded plan (format, every row, every target inside the uploader's area) and store it."""
    from zhichan.indicators.plans import load_plan

    scope.require_roles(*UPLOAD_ROLES)
    suffix = Path(filename or "").suffix.lower()
    if suffix not in PLAN_SUFFIXES:
        raise InputError("规划文件须为 YAML 或 XLSX / a plan is YAML or XLSX")
    if not content:
        raise InputError("上传的文件为空 / the uploaded file is empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise InputError("规划文件过大（最多 2 MB） / plan file too large (2 MB max)")
    folder = upload_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        probe = Path(tmp) / f"upload{suffix}"
        probe.write_bytes(content)
        plan = load_plan(probe)
        for target in plan.targets:
            code = platform_region(target.region_code)
            if not scope.covers_region(code):
                raise PermissionDenied(
                    f"规划目标的地区 {code} 不在本机构范围内 / the target region {code} is outside your organization's area"
                )
        name = f"{_safe_stem(filename)}-{hashlib.sha256(content).hexdigest()[:8]}{suffix}"
        final = folder / name
        probe.replace(final)
    if plan.name == "upload":  # an XLSX plan is named after its file
        plan.name = _safe_stem(filename)
    return PlanFile(f"uploaded:{name}", "uploaded", final, final.stat().st_mtime_ns, plan)


def delete_upload(settings: Settings, scope: Scope, plan_id: str) -> None:
    """Remove an uploaded plan whose targets all lie inside the caller's area (shipped plans stay)."""
    scope.require_roles(*UPLOAD_ROLES)
    for pf in list_plan_files(settings):
        if pf.id == plan_id and pf.source == "uploaded":
            if pf.plan is not None and not visible_targets(pf.plan, scope):
                break  # not the caller's: answer as if it did not exist
            if pf.plan is not None and len(visible_targets(pf.plan, scope)) != len(pf.plan.targets):
                raise PermissionDenied("该规划含本机构范围外的目标 / this plan has targets outside your area")
            if pf.plan is None and not scope.is_admin:
                raise PermissionDenied("只有管理员可以删除无法读取的规划 / only admins remove unreadable plans")
            pf.path.unlink()
            return
    raise NotFoundError("没有这个已上传的规划 / no such uploaded plan")
