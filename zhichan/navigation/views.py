"""Patent navigation pages' data (专利导航): chains and their decomposition trees, report runs,
quarterly schedules — each a dict the router renders as HTML or returns as JSON. Everything
analytical is :mod:`zhichan.navigation.service`; scope rules are :mod:`zhichan.navigation.scope`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zhichan.errors import InputError, NotFoundError
from zhichan.legaltime import china_today
from zhichan.navigation.jobs import REPORT_FORMATS, fragment_path
from zhichan.navigation.scope import analysis_region, covers, require_navigation
from zhichan.platform.models import Role
from zhichan.platform.portal import region_display_name
from zhichan.platform.scope import Scope
from zhichan.settings import Settings
from zhichan.web.i18n import DEFAULT_LANGUAGE


# chains -----------------------------------------------------------------------------------------
def chains(engine: Engine, scope: Scope) -> list[dict[str, Any]]:
    from zhichan.navigation import service

    require_navigation(scope)
    out = []
    for c in service.list_chains(engine):
        region = analysis_region(scope, c.home_region)
        out.append({**c.model_dump(), "home_region_name": region_display_name(c.home_region),
                    "home_region_name_en": region_display_name(c.home_region, "en"),
                    "analysis_region": region, "analysis_region_name": region_display_name(region),
                    "analysis_region_name_en": region_display_name(region, "en"),
                    "drawn_for": _drawn_for(c.home_region, region)})
    return out


def _drawn_for(home: str, analysed_for: str) -> str | None:
    """The region a chain's definition was drawn up for where the caller's reports are analysed for another (a
    shipped example for 泰安 seen by Chengdu's bureau, a city's chain run by one of its counties): the page says so
    beside the region it analyses, rather than showing the definition's region as the caller's home."""
    return home if home != analysed_for else None


def chain_detail(engine: Engine, scope: Scope, code: str) -> dict[str, Any]:
    """The decomposition tree (branches in order, with depth and the query of each)."""
    from zhichan.navigation import service

    require_navigation(scope)
    chain, source = service.chain_with_source(code, engine)
    region = analysis_region(scope, chain.home_region)
    branches = [{**b.model_dump(), "path": chain.path_name(b.id), "path_en": chain.path_name(b.id, "en"),
                 "children": len(chain.children(b.id))} for b in chain.branches]
    return {"code": chain.code, "name": chain.name, "name_en": chain.name_en, "description": chain.description,
            "description_en": chain.description_en, "version": chain.version,
            "home_region": chain.home_region, "home_region_name": region_display_name(chain.home_region),
            "home_region_name_en": region_display_name(chain.home_region, "en"),
            "analysis_region": region, "analysis_region_name": region_display_name(region),
            "analysis_region_name_en": region_display_name(region, "en"),
            "drawn_for": _drawn_for(chain.home_region, region), "source": source,
            "definition_hash": chain.definition_hash(), "branches": branches}


def default_as_of(today: dt.date | None = None, data_end: dt.date | None = None) -> dt.date:
    """The last completed quarter — of the data when they end earlier than today (``data_end``:
    ``zhichan.indicators.service.data_as_of``), so a default analysis never counts an empty stretch."""
    from zhichan.navigation.service import last_completed_quarter_end

    day = today or china_today()
    if data_end is not None:
        day = min(day, data_end + dt.timedelta(days=1))
    return last_completed_quarter_end(day)


def job_params(engine: Engine, scope: Scope, code: str, as_of: dt.date) -> dict[str, Any]:
    """Validated parameters of a ``navigation.report`` job (chain exists, region in scope)."""
    from zhichan.navigation import service

    require_navigation(scope)
    chain = service.get_chain(code, engine)
    return {"chain": chain.code, "as_of": as_of.isoformat(), "region": analysis_region(scope, chain.home_region),
            "formats": list(REPORT_FORMATS)}


# runs ---------------------------------------------------------------------------------------------
def _run_dict(run: Any, settings: Settings) -> dict[str, Any]:
    files = json.loads(run.files or "{}")
    chain = json.loads(run.chain_definition or "{}")  # the chain as the run used it
    return {"id": run.id, "chain_code": run.chain_code, "chain_name": chain.get("name") or run.chain_code,
            "chain_name_en": chain.get("name_en") or "", "region_code": run.region_code,
            "region_name": region_display_name(run.region_code),
            "region_name_en": region_display_name(run.region_code, "en"), "as_of": run.as_of.isoformat(),
            "generated_at": run.generated_at.isoformat() + "Z", "snapshot_id": run.snapshot_id,
            "chain_hash": run.chain_hash, "status": run.status,
            "formats": sorted({key.split(".")[0] for key in files}),  # pdf and pdf.en: one link, the page's language
            "schedule_id": run.schedule_id, "error": run.error,
            "interactive": fragment_path(settings, run.id).exists()}


def runs(engine: Engine, settings: Settings, scope: Scope, chain_code: str | None = None,
         limit: int = 100) -> list[dict[str, Any]]:
    from zhichan.navigation import service

    require_navigation(scope)
    visible = [r for r in service.list_runs(engine, chain_code) if covers(scope, r.region_code)]
    return [_run_dict(r, settings) for r in visible[:limit]]


def get_run(engine: Engine, settings: Settings, scope: Scope, run_id: int) -> dict[str, Any]:
    from zhichan.navigation.models import NavigationRun
    from zhichan.platform.db import session_scope

    require_navigation(scope)
    with session_scope(engine) as s:
        run = s.get(NavigationRun, run_id)
        if run is None or not covers(scope, run.region_code):
            raise NotFoundError(f"报告 {run_id} 不存在 / no report run {run_id}")
        return _run_dict(run, settings)


def run_download(engine: Engine, settings: Settings, scope: Scope, run_id: int, fmt: str,
                 lang: str = DEFAULT_LANGUAGE) -> Path:
    """A run's file in ``lang`` (the Chinese one when the run has none in ``lang``)."""
    from zhichan.navigation import service

    get_run(engine, settings, scope, run_id)  # scope first
    if fmt not in (*REPORT_FORMATS, "html"):
        raise InputError("报告格式只能是 docx、pdf 或 html / report format must be docx, pdf or html")
    return service.run_file(engine, run_id, fmt, lang)


def run_fragment(engine: Engine, settings: Settings, scope: Scope, run_id: int,
                 lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The interactive report in ``lang`` (HTML fragment with live Vega-Lite charts), when the run made one."""
    get_run(engine, settings, scope, run_id)
    path = fragment_path(settings, run_id, lang)
    return path.read_text("utf-8") if path.exists() else None


# schedules ----------------------------------------------------------------------------------------
def schedules(engine: Engine, scope: Scope) -> list[dict[str, Any]]:
    from zhichan.navigation import service

    require_navigation(scope)
    names = {c.code: c for c in service.list_chains(engine)}
    return [{"id": x.id, "chain_code": x.chain_code, "chain_name": names[x.chain_code].name if x.chain_code in names
             else x.chain_code, "chain_name_en": names[x.chain_code].name_en if x.chain_code in names else "",
             "region_code": x.region_code,
             "region_name": region_display_name(x.region_code),
             "region_name_en": region_display_name(x.region_code, "en"), "formats": x.formats, "enabled": x.enabled,
             "next_as_of": x.next_as_of.isoformat(), "last_run_id": x.last_run_id}
            for x in service.list_schedules(engine) if covers(scope, x.region_code)]


def schedule(engine: Engine, scope: Scope, code: str) -> dict[str, Any]:
    from zhichan.navigation import service

    scope.require_roles(Role.SYSTEM_ADMIN, Role.ANALYST)
    chain = service.get_chain(code, engine)
    row = service.schedule_chain(engine, chain.code, region_code=analysis_region(scope, chain.home_region),
                                 formats=list(REPORT_FORMATS))
    return {"id": row.id, "chain_code": row.chain_code, "region_code": row.region_code,
            "next_as_of": row.next_as_of.isoformat()}


