"""Job kinds of patent navigation: a chain's report run (``navigation.report``: analysis + DOCX +
PDF in Chinese and English through :func:`zhichan.navigation.service.generate_report`, and the
interactive page's fragment rendered from the same documents, stored as
``<reports_dir>/web/navigation-run<id>.html`` and ``…run<id>.en.html`` — the page never re-analyses)
and the quarterly schedules that are due (``navigation.run_due``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zhichan.errors import InputError
from zhichan.navigation.scope import NAV_ROLES
from zhichan.platform.jobs import JobContext, JobRegistry
from zhichan.platform.models import Role
from zhichan.settings import Settings
from zhichan.web.i18n import DEFAULT_LANGUAGE, LANGUAGES

JOB_KIND = "navigation.report"
RUN_DUE_KIND = "navigation.run_due"
#: how often the job runner looks for due quarterly schedules (a cheap query)
DUE_CHECK_SECONDS = 3600
REPORT_FORMATS = ("docx", "pdf")


def fragment_path(settings: Settings, run_id: int, lang: str = DEFAULT_LANGUAGE) -> Path:
    """The interactive page of a run in ``lang`` (``navigation-run7.html``, ``navigation-run7.en.html``)."""
    language = "" if lang == DEFAULT_LANGUAGE else f".{lang}"
    return settings.reports_dir / "web" / f"navigation-run{run_id}{language}.html"



def register(registry: JobRegistry, engine: Engine, settings: Settings, access: Any) -> None:
    def navigation_report(ctx: JobContext) -> dict[str, Any]:
        """A chain's navigation report (DOCX + PDF + the interactive page) as of a date."""
        return report_job(engine, settings, access, ctx)

    registry.register(JOB_KIND, "专利导航分析报告 / Patent navigation report", navigation_report, set(NAV_ROLES))

    def navigation_run_due(ctx: JobContext) -> dict[str, Any]:
        """The quarterly navigation reports that are due (the submitter's area)."""
        return run_due_job(engine, settings, access, ctx)

    registry.register(RUN_DUE_KIND, "运行到期的季度导航报告 / Run the quarterly navigation reports that are due",
                      navigation_run_due, {Role.SYSTEM_ADMIN})
    registry.register_periodic(RUN_DUE_KIND, DUE_CHECK_SECONDS, lambda engine: submit_due_reports(engine, registry))


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
        languages=LANGUAGES, progress=ctx.progress,
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
    """The interactive page of a recorded run in each of its languages, from the same documents as its
    DOCX/PDF."""
    from zhichan.reports.html import render_fragment

    if outcome.run_id is None:
        return
    for lang, document in outcome.documents.items():
        path = fragment_path(settings, outcome.run_id, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(render_fragment(document, mode="vega"), "utf-8")
        tmp.replace(path)
