"""Job kinds the platform offers on the jobs page (long operations with progress)."""

from __future__ import annotations

import json
from typing import Any

from zhichan.corpus.schema import TABLES
from zhichan.platform.jobs import JobContext, JobRegistry
from zhichan.platform.models import Role
from zhichan.platform.portal import CorpusAccess
from zhichan.platform.scope import Scope
from zhichan.settings import Settings

STAFF = {Role.SYSTEM_ADMIN, Role.BUREAU_LEADER, Role.ANALYST}
INDEX_KIND = "search.index"
#: how often the job runner looks for a current snapshot without a search index (a file check)
INDEX_CHECK_SECONDS = 60
#: Kinds that need parameters chosen on their own page (not offered by the generic jobs form).
PARAMETRIZED_KINDS = frozenset({"navigation.report"})


def generic_kinds(kinds: list[Any]) -> list[Any]:
    return [k for k in kinds if k.kind not in PARAMETRIZED_KINDS]


def refuse_parametrized(kind: str) -> None:
    if kind in PARAMETRIZED_KINDS:
        from zhichan.errors import InputError

        raise InputError("该任务须在其页面提交（如“产业导航”） / submit this job from its own page (e.g. navigation)")


def index_new_snapshot(access: CorpusAccess, registry: JobRegistry, engine: Any) -> None:
    """The job runner's periodic check: a current snapshot without a search index (a new import)
    gets one built in the background — once: a failed build for that snapshot is left for an
    administrator to look at and resume, not retried every minute."""
    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Job, JobStatus
    from zhichan.search.layout import index_path

    snap = access.snapshot()
    if snap is None or index_path(snap) is not None:
        return
    with session_scope(engine) as s:
        tried = s.scalars(select(Job.params).where(Job.kind == INDEX_KIND, Job.status.in_(
            [JobStatus.FAILED, JobStatus.INTERRUPTED]))).all()
        if any(json.loads(p or "{}").get("snapshot") == snap.id for p in tried):
            return
        registry.submit_system(s, INDEX_KIND, {"snapshot": snap.id})


def register_builtin_jobs(registry: JobRegistry, access: CorpusAccess, settings: Settings) -> None:
    def corpus_profile(ctx: JobContext) -> dict[str, Any]:
        """Row counts and synthetic share per table of the current snapshot."""
        snap = access.require_snapshot()
        con = snap.reader()
        counts: dict[str, Any] = dict(ctx.checkpoint.get("counts", {}))
        tables = list(TABLES)
        try:
            for i, table in enumerate(tables):
                if table not in counts:
                    row = con.execute(
                        f"SELECT count(*), count(*) FILTER (WHERE synthetic) FROM {table}"  # table names from schema
                    ).fetchone()
                    counts[table] = {"rows": int(row[0]), "synthetic": int(row[1])} if row else {}
                    ctx.save_checkpoint({"counts": counts})
                ctx.progress(i + 1, len(tables))
        finally:
            con.close()
        return {"snapshot": snap.id, "counts": counts}

    def cockpit_images(ctx: JobContext) -> dict[str, Any]:
        """The cockpit's charts of the submitter's region as SVG and PNG files (for documents)."""
        from zhichan.indicators import views

        region = str(ctx.params.get("region") or "")
        # the region was the submitter's own (checked at submission); rebuild a scope for it
        scope = Scope(role=Role.ANALYST, user_id=0, username="job", org_path="/", region_code=region)
        out = settings.reports_dir / f"cockpit-{region}-job{ctx.job_id}"
        out.mkdir(parents=True, exist_ok=True)
        written: list[str] = []
        ids = ["trend", "ranking", "map"]
        for i, chart_id in enumerate(ids):
            try:
                chart = views.chart_for(access, scope, chart_id, region, "zh")
            except Exception as exc:  # noqa: BLE001 - e.g. no boundaries: skip that image, say why
                ctx.message(f"{chart_id}: {getattr(exc, 'message', type(exc).__name__)}")
                ctx.progress(i + 1, len(ids))
                continue
            (out / f"{chart_id}.svg").write_text(chart.svg(), "utf-8")
            (out / f"{chart_id}.png").write_bytes(chart.png())
            (out / f"{chart_id}.vl.json").write_text(json.dumps(chart.spec(), ensure_ascii=False), "utf-8")
            written.append(chart_id)
            ctx.progress(i + 1, len(ids))
        # where the files are, relative to the data directory: a result never shows a server path
        return {"folder": out.relative_to(settings.data_dir).as_posix() if out.is_relative_to(settings.data_dir)
                else out.name, "charts": written}

    def search_index(ctx: JobContext) -> dict[str, Any]:
        """Build the search index of the current snapshot (zhichan.search)."""
        from zhichan.search.build import build_index

        snap = access.require_snapshot()
        path = build_index(snap, progress=ctx.progress)
        return {"snapshot": snap.id, "index": path.name}

    registry.register(INDEX_KIND, "建立检索索引 / Build the search index", search_index, STAFF, platform_wide=True)
    registry.register_periodic(INDEX_KIND, INDEX_CHECK_SECONDS, lambda engine: index_new_snapshot(access, registry, engine))
    registry.register("corpus.profile", "语料概况统计 / Corpus profile", corpus_profile,
                      STAFF | {Role.CASE_OFFICER, Role.WINDOW_STAFF})
    registry.register("cockpit.images", "导出驾驶舱图表 / Export cockpit charts", cockpit_images, STAFF)
