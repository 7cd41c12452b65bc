"""The navigation service: chains (shipped + edited), reports, runs and quarterly schedules.

What the CLI and the web layer call (no FastAPI here). The web page uses
:func:`page_data` (the report as an embeddable HTML fragment with live Vega-Lite charts, plus the
numbers); downloads use :func:`generate_report` / :func:`run_file`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.errors import InputError, NotFoundError
from zhichan.legaltime import china_today
from zhichan.navigation.analysis import AnalysisParams, NavigationResult, analyse
from zhichan.navigation.chain_io import (
    ChainNotFound,
    builtin_chains,
    chain_from_dict,
    load_chain_file,
    validate_queries,
    write_chain_file,
)
from zhichan.navigation.changes import compare, summarize
from zhichan.navigation.models import NavigationChain, NavigationRun, NavigationSchedule, utcnow
from zhichan.navigation.recommend import recommendation_text
from zhichan.navigation.regions import check_region
from zhichan.navigation.report import build_document
from zhichan.navigation.schemas import Chain, ChainSummary
from zhichan.platform.db import make_engine, session_scope
from zhichan.platform.scope import region_prefix
from zhichan.progress import ProgressCallback, no_progress
from zhichan.reports import FORMATS, render
from zhichan.reports.document import Document
from zhichan.settings import get_settings
from zhichan.web.i18n import DEFAULT_LANGUAGE, LANGUAGES

RANKS_KEPT = 50


class RunNotFound(NotFoundError):
    code = "navigation.run_not_found"


def _engine(engine: Engine | None) -> Engine:
    return engine or make_engine()


# chains ---------------------------------------------------------------------------------------
def _db_chains(engine: Engine | None) -> dict[str, Chain]:
    if engine is None:
        return {}
    with session_scope(engine) as s:
        rows = s.scalars(select(NavigationChain).order_by(NavigationChain.code)).all()
        return {r.code: chain_from_dict(json.loads(r.definition), check_queries=False) for r in rows}


def list_chains(engine: Engine | None = None) -> list[ChainSummary]:
    """Shipped chains, overridden by chains saved in the workflow database (when given)."""
    merged: dict[str, tuple[Chain, str]] = {c: (ch, "builtin") for c, ch in builtin_chains().items()}
    merged.update({c: (ch, "database") for c, ch in _db_chains(engine).items()})
    return [ChainSummary(code=c, name=ch.name, name_en=ch.name_en, home_region=ch.home_region, branches=len(ch.branches),
                         version=ch.version, source=src, definition_hash=ch.definition_hash())
            for c, (ch, src) in sorted(merged.items())]


def get_chain(code: str, engine: Engine | None = None) -> Chain:
    return chain_with_source(code, engine)[0]


def chain_with_source(code: str, engine: Engine | None = None) -> tuple[Chain, str]:
    """A chain and where it comes from: ``database`` (imported or edited) or ``builtin`` (a shipped example)."""
    chain = _db_chains(engine).get(code)
    if chain is not None:
        return chain, "database"
    chain = builtin_chains().get(code)
    if chain is None:
        raise ChainNotFound(f"产业链 {code} 不存在 / no chain {code!r}")
    return chain, "builtin"


def save_chain(chain: Chain, engine: Engine) -> Chain:
    """Create or update a chain (queries validated). An edit bumps the version; equal content is a no-op."""
    validate_queries(chain)
    with session_scope(engine) as s:
        row = s.scalars(select(NavigationChain).where(NavigationChain.code == chain.code)).one_or_none()
        base = builtin_chains().get(chain.code)
        previous = chain_from_dict(json.loads(row.definition), check_queries=False) if row else base
        if previous is not None:
            same = previous.model_copy(update={"version": chain.version}).definition_hash() == chain.definition_hash()
            if same and row is not None:
                return previous
            chain = chain.model_copy(update={"version": previous.version if same else previous.version + 1})
        if row is None:
            row = NavigationChain(code=chain.code, created_at=utcnow())
            s.add(row)
        row.name, row.home_region, row.version = chain.name, chain.home_region, chain.version
        row.definition, row.definition_hash = chain.canonical_json(), chain.definition_hash()
        row.updated_at = utcnow()
    return chain


def import_chain(path: Path, engine: Engine) -> Chain:
    return save_chain(load_chain_file(path), engine)


def export_chain(code: str, path: Path, engine: Engine | None = None) -> Chain:
    chain = get_chain(code, engine)
    write_chain_file(chain, path)
    return chain


# reports --------------------------------------------------------------------------------------
@dataclass
class ReportOutcome:
    result: NavigationResult
    document: Document  # in the first language asked for
    generated_at: dt.datetime
    files: dict[str, Path] = field(default_factory=dict)  # :func:`file_key` → path
    run_id: int | None = None
    documents: dict[str, Document] = field(default_factory=dict)  # language → the report in it


def _snapshot(snapshot: Snapshot | None) -> Snapshot:
    return snapshot or CorpusStore().current()


def analyse_chain(chain: Chain, as_of: dt.date, *, region_code: str | None = None, snapshot: Snapshot | None = None,
                  params: AnalysisParams | None = None, progress: ProgressCallback = no_progress
                  ) -> tuple[NavigationResult, dict[str, Any]]:
    """(result, summary for the next quarter) on ``snapshot`` (default: the current one)."""
    from zhichan.navigation import sql as Q
    from zhichan.navigation.analysis import _rows

    snap = _snapshot(snapshot)
    con = snap.reader()
    try:
        result = analyse(con, chain, as_of, snapshot_id=snap.id, region_code=region_code,
                         synthetic=snap.synthetic, params=params, snapshot=snap, progress=progress)
        ranks = _rows(con, Q.TOP_APPLICANTS.format(where=""), {"top": RANKS_KEPT})
    finally:
        con.close()
    return result, summarize(result, ranks)


def previous_run(engine: Engine, chain_code: str, region_code: str, before: dt.date) -> NavigationRun | None:
    """The latest successful run of the chain for the region with an earlier as-of date."""
    with session_scope(engine) as s:
        return s.scalars(
            select(NavigationRun)
            .where(NavigationRun.chain_code == chain_code, NavigationRun.region_code == region_code,
                   NavigationRun.status == "succeeded", NavigationRun.as_of < before)
            .order_by(NavigationRun.as_of.desc(), NavigationRun.id.desc())
            .limit(1)
        ).one_or_none()


def file_key(fmt: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A run's file of one format and language: ``pdf`` (Chinese, the report of record), ``pdf.en``."""
    return fmt if lang == DEFAULT_LANGUAGE else f"{fmt}.{lang}"


def default_report_path(chain: Chain, region: str, as_of: dt.date, fmt: str, run_id: int | None = None,
                        lang: str = DEFAULT_LANGUAGE) -> Path:
    suffix = f"-run{run_id}" if run_id else ""
    language = "" if lang == DEFAULT_LANGUAGE else f".{lang}"
    return (get_settings().reports_dir / "navigation" / chain.code
            / f"{chain.code}-{region}-{as_of.isoformat()}{suffix}{language}.{fmt}")


def check_out(out: Path | None, formats: Sequence[str], languages: Sequence[str]) -> None:
    """Refuse, before any analysis, an ``out`` that cannot take the reports: one format in one language
    may go to a file named with that format's suffix; several formats or languages go to a folder, and a
    name ending in a report format (``x.pdf``) or an existing file is refused rather than made a folder."""
    if out is None:
        return
    suffix = out.suffix.lower().lstrip(".")
    if len(formats) == 1 and len(languages) == 1:
        if suffix in FORMATS and suffix != formats[0]:
            raise InputError(f"输出文件 {out.name} 的扩展名与报告格式 {formats[0]} 不符 / the output file {out.name} "
                             f"does not end in .{formats[0]}, the report's format")
        return
    if suffix in FORMATS or out.is_file():
        raise InputError(f"多种格式或语言的报告须输出到目录，{out} 是文件名 / reports in several formats or languages "
                         f"go to a folder: {out} names a file (give a folder, e.g. --out {out.parent / out.stem}/)")


def generate_report(chain: Chain | str, as_of: dt.date, formats: list[str], *, region_code: str | None = None,
                    snapshot: Snapshot | None = None, out: Path | None = None, engine: Engine | None = None,
                    generated_at: dt.datetime | None = None, compare_with_previous: bool = True,
                    schedule_id: int | None = None, params: AnalysisParams | None = None,
                    languages: Sequence[str] = (DEFAULT_LANGUAGE,),
                    progress: ProgressCallback = no_progress) -> ReportOutcome:
    """Analyse, render ``formats`` in each of ``languages`` and (with an engine) record the run.

    ``out`` is a file path (one format, one language) or a folder (:func:`check_out`). ``generated_at``
    pins the timestamp (tests, regeneration); otherwise it is now.
    """
    for fmt in formats:
        if fmt not in FORMATS:
            raise InputError(f"不支持的报告格式 {fmt}（可选 html/docx/pdf） / unsupported report format {fmt}")
    for lang in languages:
        if lang not in LANGUAGES:
            raise InputError(f"不支持的报告语言 {lang}（可选 zh/en） / unsupported report language {lang}")
    check_out(out, formats, languages)
    if isinstance(chain, str):
        chain = get_chain(chain, engine)
    region = check_region(region_code or chain.home_region)
    generated_at = generated_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    result, summary = analyse_chain(chain, as_of, region_code=region, snapshot=snapshot, params=params,
                                    progress=progress)
    if engine is not None and compare_with_previous:
        prev = previous_run(engine, chain.code, region, as_of)
        if prev is not None:
            result.changes = compare(result, json.loads(prev.summary))
    documents = {lang: build_document(result, generated_at, lang) for lang in languages}
    outcome = ReportOutcome(result=result, document=documents[languages[0]], generated_at=generated_at,
                            documents=documents)

    run: NavigationRun | None = None
    if engine is not None:
        with session_scope(engine) as s:
            run = NavigationRun(
                chain_code=chain.code, region_code=region, chain_hash=chain.definition_hash(),
                chain_definition=chain.canonical_json(), snapshot_id=result.snapshot_id, as_of=as_of,
                generated_at=generated_at.astimezone(dt.UTC).replace(tzinfo=None), status="running",
                formats=",".join(formats), files="{}", summary=json.dumps(summary, ensure_ascii=False, sort_keys=True),
                schedule_id=schedule_id,
            )
            s.add(run)
            s.flush()
            outcome.run_id = run.id
    try:
        for (lang, document), fmt in itertools.product(documents.items(), formats):
            if out is not None and (len(formats) == 1 and len(documents) == 1 and out.suffix):
                path = out
            elif out is not None:
                path = out / default_report_path(chain, region, as_of, fmt, outcome.run_id, lang).name
            else:
                path = default_report_path(chain, region, as_of, fmt, outcome.run_id, lang)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(render(document, fmt))
            tmp.replace(path)
            outcome.files[file_key(fmt, lang)] = path
    except BaseException as exc:
        if engine is not None and outcome.run_id is not None:
            _finish_run(engine, outcome.run_id, "failed", {}, str(exc))
        raise
    if engine is not None and outcome.run_id is not None:
        _finish_run(engine, outcome.run_id, "succeeded", {k: str(v) for k, v in outcome.files.items()}, None)
    return outcome


def _finish_run(engine: Engine, run_id: int, status: str, files: dict[str, str], error: str | None) -> None:
    with session_scope(engine) as s:
        run = s.get(NavigationRun, run_id)
        assert run is not None
        run.status, run.files, run.error = status, json.dumps(files, ensure_ascii=False, sort_keys=True), error


def list_runs(engine: Engine, chain_code: str | None = None) -> list[NavigationRun]:
    with session_scope(engine) as s:
        q = select(NavigationRun).order_by(NavigationRun.id.desc())
        if chain_code:
            q = q.where(NavigationRun.chain_code == chain_code)
        return list(s.scalars(q).all())


def run_file(engine: Engine, run_id: int, fmt: str, lang: str = DEFAULT_LANGUAGE) -> Path:
    """A run's file in ``lang`` — or the Chinese report of record when the run has none in ``lang``
    (a run made on the command line in Chinese only)."""
    with session_scope(engine) as s:
        run = s.get(NavigationRun, run_id)
        if run is None:
            raise RunNotFound(f"报告 {run_id} 不存在 / no report run {run_id}")
        files = json.loads(run.files)
    if file_key(fmt, lang) in files and Path(files[file_key(fmt, lang)]).exists():
        return Path(files[file_key(fmt, lang)])
    if fmt not in files or not Path(files[fmt]).exists():
        raise RunNotFound(f"报告 {run_id} 没有 {fmt} 文件 / run {run_id} has no {fmt} file")
    return Path(files[fmt])


def page_data(chain: Chain | str, as_of: dt.date, *, region_code: str | None = None,
              snapshot: Snapshot | None = None, engine: Engine | None = None,
              lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """For the web page: the report as an embeddable fragment whose charts are Vega-Lite islands
    (``<script type="application/json" data-chart-for=…>``, rendered by the platform's app.js with
    ``/assets/vega-bundle.js``), the chart specs by id, and the numbers."""
    from zhichan.reports.html import EMBED_SCRIPT, render_fragment

    if isinstance(chain, str):
        chain = get_chain(chain, engine)
    result, _ = analyse_chain(chain, as_of, region_code=region_code, snapshot=snapshot)
    document = build_document(result, dt.datetime.now(dt.UTC).replace(microsecond=0), lang)
    return {
        "title": document.title,
        "fragment_html": render_fragment(document, mode="vega"),
        "embed_script": EMBED_SCRIPT,
        "charts": {f.chart.chart_id: f.chart.spec() for f in document.figures()},
        "overview": result.overview,
        "branches": result.branches,
        "recommendations": [{**x, "text": recommendation_text(x, result, lang)} for x in result.recommendations],
        "synthetic": result.synthetic,
    }


# quarterly schedules ------------------------------------------------------------------------------
def quarter_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s quarter."""
    month = ((day.month - 1) // 3 + 1) * 3
    next_month = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return next_month - dt.timedelta(days=1)


def last_completed_quarter_end(today: dt.date) -> dt.date:
    """The latest quarter end strictly before ``today`` (the quarter a report is due for)."""
    first_of_quarter = dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
    return first_of_quarter - dt.timedelta(days=1)


def next_quarter_end(day: dt.date) -> dt.date:
    return quarter_end(quarter_end(day) + dt.timedelta(days=1))


def schedule_chain(engine: Engine, chain_code: str, *, region_code: str | None = None,
                   formats: list[str] | None = None, today: dt.date | None = None) -> NavigationSchedule:
    """Report ``chain_code`` every quarter; the first report is for the last completed quarter."""
    chain = get_chain(chain_code, engine)
    region = region_code or chain.home_region
    fmts = formats or ["docx", "pdf"]
    for fmt in fmts:
        if fmt not in FORMATS:
            raise InputError(f"不支持的报告格式 {fmt} / unsupported report format {fmt}")
    first = last_completed_quarter_end(today or china_today())
    with session_scope(engine) as s:
        row = s.scalars(select(NavigationSchedule).where(
            NavigationSchedule.chain_code == chain_code, NavigationSchedule.region_code == region)).one_or_none()
        if row is None:
            row = NavigationSchedule(chain_code=chain_code, region_code=region, next_as_of=first, created_at=utcnow())
            s.add(row)
        row.formats, row.enabled = ",".join(fmts), True
        s.flush()
        return row


def list_schedules(engine: Engine) -> list[NavigationSchedule]:
    with session_scope(engine) as s:
        return list(s.scalars(select(NavigationSchedule).order_by(NavigationSchedule.chain_code,
                                                                   NavigationSchedule.region_code)).all())


def due_schedules(engine: Engine, *, today: dt.date | None = None, within: str | None = None) -> list[NavigationSchedule]:
    """Enabled schedules whose quarter has ended; ``within``: only those of regions inside that one."""
    today = today or china_today()
    prefix = region_prefix(within) if within else ""
    return [x for x in list_schedules(engine)
            if x.enabled and x.next_as_of < today and x.region_code.startswith(prefix)]


def run_due(engine: Engine, *, today: dt.date | None = None, snapshot: Snapshot | None = None,
            out: Path | None = None, generated_at: dt.datetime | None = None, within: str | None = None,
            on_report: Callable[[ReportOutcome], None] | None = None,
            progress: ProgressCallback = no_progress) -> list[ReportOutcome]:
    """Run every enabled schedule whose quarter has ended (cron-friendly: safe to call any day);
    ``within``: only the schedules of regions inside that region; ``on_report`` is called with each
    report as soon as it is recorded.

    A schedule several quarters behind reports only the latest completed quarter, then waits for
    the next one.
    """
    today = today or china_today()
    done: list[ReportOutcome] = []
    due = due_schedules(engine, today=today, within=within)
    for i, sched in enumerate(due):
        as_of = last_completed_quarter_end(today)
        outcome = generate_report(sched.chain_code, as_of, sched.formats.split(","), region_code=sched.region_code,
                                  snapshot=snapshot, out=out, engine=engine, generated_at=generated_at,
                                  schedule_id=sched.id, languages=LANGUAGES)
        with session_scope(engine) as s:
            row = s.get(NavigationSchedule, sched.id)
            assert row is not None
            row.next_as_of, row.last_run_id = next_quarter_end(as_of), outcome.run_id
        if on_report is not None:
            on_report(outcome)
        done.append(outcome)
        progress(i + 1, len(due))
    return done
