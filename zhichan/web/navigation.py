"""Patent navigation (专利导航) on the platform: chains, their decomposition trees, report runs as
background jobs, the interactive report and DOCX/PDF downloads, quarterly schedules.

Everything analytical is ``zhichan.navigation.service`` (owned by the navigation module); this
layer adds scope and the job:

- **Who**: system administrators, bureau leaders and analysts of a region (``NAV_ROLES``).
- **Chains** (definitions and queries) are methodology, readable by every such user. A chain is
  analysed for its home region when that lies inside the caller's area, else for the caller's own
  region (a county analyst runs the Chengdu chain for its county).
- **Reports (runs) and schedules** are region data: a caller sees those whose region lies inside
  its area — a county user its own county's only. Another area's run answers 404 (its existence
  is not revealed).
- **Runs are jobs** (``navigation.report``): analysis + DOCX + PDF through
  :func:`zhichan.navigation.service.generate_report`, and the interactive page's fragment rendered
  from the same document (``zhichan.reports.html.render_fragment``), stored as
  ``<reports_dir>/web/navigation-run<id>.html`` — the page never re-analyses.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zhichan.errors import InputError, NotFoundError
from zhichan.platform.jobs import JobRegistry
from zhichan.platform.models import Role
from zhichan.platform.portal import region_display_name
from zhichan.platform.scope import Scope, region_prefix
from zhichan.settings import Settings

NAV_ROLES = (Role.SYSTEM_ADMIN, Role.BUREAU_LEADER, Role.ANALYST)
JOB_KIND = "navigation.report"
RUN_DUE_KIND = "navigation.run_due"
#: how often the job runner looks for due quarterly schedules (a cheap query)
DUE_CHECK_SECONDS = 3600
REPORT_FORMATS = ("docx", "pdf")


def require_navigation(scope: Scope) -> None:
    scope.require_roles(*NAV_ROLES)
    scope.home_region()  # a region is needed (403 otherwise)


def analysis_region(scope: Scope, chain_home: str) -> str:
    """The region a chain is analysed for on behalf of ``scope`` (2/4/6-digit form the chains use)."""
    if scope.covers_region(chain_home):
        return chain_home
    return region_prefix(scope.home_region()) or chain_home


def _covers(scope: Scope, region: str) -> bool:
    try:
        return scope.covers_region(region)
    except InputError:
        return False


def fragment_path(settings: Settings, run_id: int) -> Path:
    return settings.reports_dir / "web" / f"navigation-run{run_id}.html"


# chains -----------------------------------------------------------------------------------------
def chains(engine: Engine, scope: Scope) -> list[dict[str, Any]]:
    from zhichan.navigation import service

    require_navigation(scope)
    out = []
    for c in service.list_chains(engine):
        region = analysis_region(scope, c.home_region)
        out.append({**c.model_dump(), "home_region_name": region_display_name(c.home_region),
                    "analysis_region": region, "analysis_region_name": region_display_name(region)})
    return out


def chain_detail(engine: Engine, scope: Scope, code: str) -> dict[str, Any]:
    """The decomposition tree (branches in order, with depth and the query of each)."""
    from zhichan.navigation import service

    require_navigation(scope)
    chain = service.get_chain(code, engine)
    region = analysis_region(scope, chain.home_region)
    branches = [{**b.model_dump(), "path": chain.path_name(b.id), "children": len(chain.children(b.id))}
                for b in chain.branches]
    return {"code": chain.code, "name": chain.name, "description": chain.description, "version": chain.version,
            "home_region": chain.home_region, "home_region_name": region_display_name(chain.home_region),
            "analysis_region": region, "analysis_region_name": region_display_name(region),
            "definition_hash": chain.definition_hash(), "branches": branches}


def default_as_of(today: dt.date | None = None, data_end: dt.date | None = None) -> dt.date:
    """The last completed quarter — of the data when they end earlier than today (``data_end``:
    ``zhichan.indicators.service.data_as_of``), so a default analysis never counts an empty stretch."""
    from zhichan.navigation.service import last_completed_quarter_end

    day = today or dt.date.today()
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
    return {"id": run.id, "chain_code": run.chain_code, "region_code": run.region_code,
            "region_name": region_display_name(run.region_code), "as_of": run.as_of.isoformat(),
            "generated_at": run.generated_at.isoformat() + "Z", "snapshot_id": run.snapshot_id,
            "chain_hash": run.chain_hash, "status": run.status, "formats": sorted(files),
            "schedule_id": run.schedule_id, "error": run.error,
            "interactive": fragment_path(settings, run.id).exists()}


def runs(engine: Engine, settings: Settings, scope: Scope, chain_code: str | None = None,
         limit: int = 100) -> list[dict[str, Any]]:
    from zhichan.navigation import service

    require_navigation(scope)
    visible = [r for r in service.list_runs(engine, chain_code) if _covers(scope, r.region_code)]
    return [_run_dict(r, settings) for r in visible[:limit]]


def get_run(engine: Engine, settings: Settings, scope: Scope, run_id: int) -> dict[str, Any]:
    from zhichan.navigation.models import NavigationRun
    from zhichan.platform.db import session_scope

    require_navigation(scope)
    with session_scope(engine) as s:
        run = s.get(NavigationRun, run_id)
        if run is None or not _covers(scope, run.region_code):
            raise NotFoundError(f"报告 {run_id} 不存在 / no report run {run_id}")
        return _run_dict(run, settings)


def run_download(engine: Engine, settings: Settings, scope: Scope, run_id: int, fmt: str) -> Path:
    from zhichan.navigation import service

    get_run(engine, settings, scope, run_id)  # scope first
    if fmt not in (*REPORT_FORMATS, "html"):
        raise InputError("报告格式只能是 docx、pdf 或 html / report format must be docx, pdf or html")
    return service.run_file(engine, run_id, fmt)


def run_fragment(engine: Engine, settings: Settings, scope: Scope, run_id: int) -> str | None:
    """The interactive report (HTML fragment with live Vega-Lite charts), when the run made one."""
    get_run(engine, settings, scope, run_id)
    path = fragment_path(settings, run_id)
    return path.read_text("utf-8") if path.exists() else None


# schedules ----------------------------------------------------------------------------------------
def schedules(engine: Engine, scope: Scope) -> list[dict[str, Any]]:
    from zhichan.navigation import service

    require_navigation(scope)
    return [{"id": x.id, "chain_code": x.chain_code, "region_code": x.region_code,
             "region_name": region_display_name(x.region_code), "formats": x.formats, "enabled": x.enabled,
             "next_as_of": x.next_as_of.isoformat(), "last_run_id": x.last_run_id}
            for x in service.list_schedules(engine) if _covers(scope, x.region_code)]


def schedule(engine: Engine, scope: Scope, code: str) -> dict[str, Any]:
    from zhichan.navigation import service

    scope.require_roles(Role.SYSTEM_ADMIN, Role.ANALYST)
    chain = service.get_chain(code, engine)
    row = service.schedule_chain(engine, chain.code, region_code=analysis_region(scope, chain.home_region),
                                 formats=list(REPORT_FORMATS))
    return {"id": row.id, "chain_code": row.chain_code, "region_code": row.region_code,
            "next_as_of": row.next_as_of.isoformat()}


# the job ----------------------------------------------------------------------------------------
def report_job(engine: Engine, settings: Settings, access: Any, ctx: Any) -> dict[str, Any]:
    """``navigation.report``: analyse the chain as of the date, write DOCX + PDF (a recorded run) and
    the interactive fragment from the same document."""
    from zhichan.navigation import service

    params = ctx.params
    if not params.get("chain") or not params.get("as_of"):
        raise InputError("请在“产业导航”页面提交分析 / submit navigation runs from the navigation page")
    as_of = dt.date.fromisoformat(str(params["as_of"]))
    outcome = service.generate_report(
        str(params["chain"]), as_of, list(params.get("formats") or REPORT_FORMATS),
        region_code=str(params["region"]), snapshot=access.require_snapshot(), engine=engine,
        progress=ctx.progress,
    )
    _write_fragment(settings, outcome)
    return {"run_id": outcome.run_id, "chain": params["chain"], "region": params["region"],
            "as_of": as_of.isoformat(), "files": sorted(outcome.files)}


def run_due_job(engine: Engine, settings: Settings, access: Any, ctx: Any) -> dict[str, Any]:
    """``navigation.run_due``: every quarterly schedule whose quarter has ended — of the submitter's
    area (``params.region``), or of every area when the platform submitted it (no region)."""
    from zhichan.navigation import service

    outcomes = service.run_due(engine, snapshot=access.require_snapshot(), within=ctx.params.get("region"),
                               on_report=lambda outcome: _write_fragment(settings, outcome), progress=ctx.progress)
    return {"runs": [{"run_id": o.run_id, "chain": o.result.chain.code, "region": o.result.region_code,
                      "as_of": o.result.as_of.isoformat()} for o in outcomes]}


def submit_due_reports(engine: Engine, registry: JobRegistry) -> None:
    """The job runner's periodic check: queue ``navigation.run_due`` when a schedule is due."""
    from zhichan.navigation import service
    from zhichan.platform.db import session_scope

    if service.due_schedules(engine):
        with session_scope(engine) as s:
            registry.submit_system(s, RUN_DUE_KIND)


def _write_fragment(settings: Settings, outcome: Any) -> None:
    """The interactive page of a recorded run, from the same document as its DOCX/PDF."""
    from zhichan.reports.html import render_fragment

    if outcome.run_id is None:
        return
    path = fragment_path(settings, outcome.run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_fragment(outcome.document, mode="vega"), "utf-8")
    tmp.replace(path)
