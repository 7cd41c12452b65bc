"""The FastAPI application: server-rendered pages, the JSON API (``/api/v1``), static assets.

``create_app()`` wires settings, the workflow database (migrated on start), the corpus, the
templates and the job worker. Domain errors become responses in exactly one place
(:func:`_zhichan_error`); no response ever carries a stack trace.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.datastructures import MutableHeaders, State
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zhichan import __version__
from zhichan.credit import router as credit_router
from zhichan.dataip import router as dataip_router
from zhichan.errors import FormError, InputError, ZhichanError
from zhichan.evidence import router as evidence_router
from zhichan.exchange import router as exchange_router
from zhichan.finance import router as finance_router
from zhichan.indicators import router as indicators_router
from zhichan.legaltime import china_time, provisional_note
from zhichan.navigation import router as navigation_router
from zhichan.platform.db import make_engine, session_scope, upgrade
from zhichan.platform.exceptions import AuthenticationError
from zhichan.platform.jobs import JobRegistry, JobWorker
from zhichan.platform.portal import CorpusAccess
from zhichan.procedures import router as procedures_router
from zhichan.protection import router as protection_router
from zhichan.search import router as search_router
from zhichan.services import router as services_router
from zhichan.settings import Settings, get_settings
from zhichan.talent import router as talent_router
from zhichan.web import i18n, query_errors
from zhichan.web.choices import as_radios
from zhichan.web.domains import WebDomain
from zhichan.web.i18n import LANGUAGES, pick_language, translate
from zhichan.web.routes.assets import CachedStaticFiles, asset_url
from zhichan.web.security import LANG_COOKIE, PRE_COOKIE, csrf_guard, is_https, load_secret_key
from zhichan.web.tables import LabelledTemplate

log = logging.getLogger(__name__)
WEB_DIR = Path(__file__).resolve().parent

#: Content-Security-Policy: every asset comes from the platform itself (intranet, no CDN).
#: Vega compiles its expressions with ``new Function`` — hence 'unsafe-eval' for scripts; vega-embed
#: sets inline styles on its elements.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)


def _error_response(request: Request, status: int, body: dict[str, Any], fields: Mapping[str, str] | None = None,
                    address: bool = False) -> Response:
    """The answer to a request that failed: JSON for the API; in a part of a page, the reason in the part's place
    (``fields``/``address``: values of its address it could not take); else the sign-in page for a signed-out GET,
    the password form where one must be changed first, or the error page."""
    if query_errors.wants_json(request):
        return JSONResponse(body, status_code=status)
    part = query_errors.part_refused(request, status, str(body.get("message", "")), fields, address=address,
                                     code=str(body.get("error", "")))
    if part is not None:
        return part
    if body.get("error") == "password_change_required" and request.method == "GET":
        return RedirectResponse("/account/password", status_code=303)
    if status == 401 and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    from zhichan.web.deps import lang, render
    from zhichan.web.i18n import in_language

    message = str(body.get("message", ""))
    if fields:
        # the values refused, each in the page's language: a form error's summary joins "中文 / English" messages
        # into one no half of which the page could show (an export's address with a date that is no date)
        # each with its name, as the notice of a page's refused values names it (base.html)
        page_lang = lang(request)
        colon, sep = (": ", "; ") if page_lang == "en" else ("：", "；")
        message = sep.join(f"{name}{colon}{in_language(m, page_lang)}" for name, m in fields.items())
    request.scope.setdefault("state", {})[query_errors.ERROR_PAGE_KEY] = True
    return render(request, "error.html", {"status": status, "message": message}, status=status)


async def _zhichan_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ZhichanError)
    if exc.http_status >= 500:
        log.error("%s: %s", type(exc).__name__, exc.message)
    if isinstance(exc, FormError) and not query_errors.wants_json(request):
        # a filter in a page's address the domain cannot read (an unknown region): the page, the message beside it
        page = await query_errors.page_without(request, exc.errors)
        if page is not None:
            return page
    # in a part of a page (the search page's facets) a value it cannot read is said in the part's place
    named = exc.errors if isinstance(exc, FormError) else {}
    return _error_response(request, exc.http_status, exc.to_dict(), named, address=isinstance(exc, InputError))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()
    ][:20]
    fields = query_errors.query_fields(exc.errors())
    if fields and not query_errors.wants_json(request):
        # a page's address with a value its parameters do not take (page=0): the page, the message beside the field
        page = await query_errors.page_without(request, fields)
        if page is not None:
            return page
    body = {"error": "input", "message": "请求参数无效 / Invalid request parameters",
            "details": {"errors": details, **({"fields": fields} if fields else {})}}
    # in a part of a page (the search page's facets) the message in the part's place
    return _error_response(request, 422, body, fields, address=True)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    messages = {404: "页面不存在 / Page not found", 405: "不支持该请求方法 / Method not allowed"}
    body = {"error": f"http_{exc.status_code}", "message": messages.get(exc.status_code, str(exc.detail))}
    response = _error_response(request, exc.status_code, body)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    if exc.status_code == 405:
        from zhichan.web.openapi import allowed_methods

        response.headers["Allow"] = allowed_methods(request)  # every route at the path, not only the first
    return response


async def _database_error(request: Request, exc: Exception) -> Response:
    """A unique key taken by a concurrent request is a conflict (409); a database still busy after
    waiting for its lock is a moment's unavailability (503, retry) — neither is an internal error."""
    if isinstance(exc, IntegrityError):
        body = {"error": "conflict", "message": "与已有记录冲突（可能刚被同时创建） / Conflicts with an existing record"}
        return _error_response(request, 409, body)
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig):
        log.warning("database busy on %s %s", request.method, request.url.path)
        body = {"error": "busy", "message": "数据库繁忙，请稍后重试 / The database is busy; retry shortly"}
        response = _error_response(request, 503, body)
        response.headers["Retry-After"] = "1"
        return response
    return await _unexpected_error(request, exc)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    body = {"error": "internal", "message": "服务器内部错误，已记录 / Internal error; it has been logged"}
    return _error_response(request, 500, body)


class PerRequest:
    """Per request: the page language (``?lang=`` or cookie), the cookies to set afterwards, and the
    security headers on every response. Plain ASGI (no ``BaseHTTPMiddleware``: that runs each
    request through an extra task and stream, a measurable share of a cached page's cost)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        query_lang = request.query_params.get("lang")
        state = scope.setdefault("state", {})
        state["lang"] = pick_language(query_lang, request.cookies.get(LANG_COOKIE))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                cookies = Response()
                secure = is_https(request)
                if query_lang in LANGUAGES:
                    cookies.set_cookie(LANG_COOKIE, str(query_lang), max_age=365 * 86400, samesite="lax", secure=secure)
                new_pre = state.get("new_pre_id")
                if new_pre:
                    cookies.set_cookie(PRE_COOKIE, new_pre, httponly=True, samesite="lax", secure=secure)
                for raw_key, raw_value in cookies.raw_headers:
                    if raw_key == b"set-cookie":
                        headers.append("set-cookie", raw_value.decode("latin-1"))
                for key, value in SECURITY_HEADERS:
                    headers.setdefault(key, value)
                if not scope["path"].startswith(PUBLIC_ASSET_PATHS):
                    # pages, API answers and downloads (CSV, XLSX, PDF, DOCX, chart images) may carry
                    # scoped data: no shared or browser cache keeps them; assets opt in to caching
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: Files that are the same for everybody (they set their own caching, or none).
PUBLIC_ASSET_PATHS = ("/static/", "/api/docs/assets/")

SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


#: the domains with pages, in menu order (each package's ``router.DOMAIN``)
DOMAINS: tuple[WebDomain, ...] = (
    search_router.DOMAIN,
    indicators_router.DOMAIN,
    evidence_router.DOMAIN,
    navigation_router.DOMAIN,
    procedures_router.DOMAIN,
    dataip_router.DOMAIN,
    services_router.DOMAIN,
    credit_router.DOMAIN,
    exchange_router.DOMAIN,
    protection_router.DOMAIN,
    finance_router.DOMAIN,
    talent_router.DOMAIN,
)


def procedure_service(settings: Settings, engine: Engine) -> Any:
    """The procedure engine of one app: the shipped and local declarations, the evidence log, the files."""
    from zhichan.evidence.keys import key_dir, load_signing_key
    from zhichan.evidence.service import EvidenceService
    from zhichan.legaltime import load_schedule_file
    from zhichan.procedures.declaration import ProcedureRegistry
    from zhichan.procedures.service import ProcedureService

    if settings.holiday_schedule_file is not None:
        load_schedule_file(settings.holiday_schedule_file)
    evidence = EvidenceService(engine, load_signing_key(key_dir(settings.data_dir)), settings.evidence_log_origin)
    return ProcedureService(engine, ProcedureRegistry.load(settings.procedure_dir), evidence,
                            settings.data_dir / "procedures" / "files",
                            max_attachment_bytes=settings.procedure_attachment_max_mb * 1024 * 1024)


def ready_cases(engine: Engine, service: Any) -> list[str]:
    """Migrate the workflow database and make the open cases' rows say whom they await as the declarations ``service``
    loaded do (a bureau edited an ``awaits`` in its file: :meth:`~zhichan.procedures.service.ProcedureService.
    refresh_expected`; cheap when nothing changed) — what the platform's start does, and every command that reads or
    acts on cases (:func:`open_procedures`). The procedures whose rows were rewritten."""
    upgrade(engine)
    with session_scope(engine) as session:
        refreshed: list[str] = service.refresh_expected(session)
    if refreshed:
        log.info("whom open cases await rewritten for %s", ", ".join(refreshed))
    return refreshed


def open_procedures(settings: Settings, engine: Engine) -> Any:
    """The procedure engine of a command that reads or acts on cases (``zhichan procedures sweep``, the domains'
    commands, the demos): :func:`procedure_service` on a database made ready as the platform's start makes it
    (:func:`ready_cases`)."""
    service = procedure_service(settings, engine)
    ready_cases(engine, service)
    return service


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # what this start opened is what its end closes, even if the app was given new state meanwhile (reset_app)
    settings: Settings = app.state.settings
    worker: JobWorker | None = app.state.worker
    corpus: CorpusAccess = app.state.corpus
    warm_stop: threading.Event = app.state.warm_stop
    ready_cases(app.state.engine, app.state.procedures)
    if settings.web_threads:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
    try:  # the current snapshot opened now: its key index is read in the background (the first pledge check)
        corpus.snapshot()
    except ZhichanError as exc:
        log.info("corpus not opened at start: %s", exc.message)
    if worker is not None:
        worker.start()
        # precompute the cockpit of every organization's area in the background (cheap: one
        # region_overview + indicator panel per region; snapshots are immutable, so it stays valid)
        warm = threading.Thread(target=warm_up, args=(app,), name="zhichan-warm", daemon=True)
        warm.start()
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()
        # the warm-up stops after its current region: closing the corpus under a running query fails
        warm_stop.set()
        if worker is not None:
            warm.join(60)
        corpus.close()


def shown_value(value: Any) -> Any:
    """What a template's ``{{ … }}`` prints. A view passes a page its moments as stored (naive UTC) and the template
    formats them with the ``china_time`` filter; one printed bare would read as UTC, eight hours early. The suite
    (strict, as for messages) refuses it, so a template that forgets the filter fails its page's test; a page served
    shows it in Beijing time all the same."""
    if isinstance(value, dt.datetime):
        if i18n.STRICT:
            raise TypeError(f"a moment printed without the china_time filter: {value!r}")
        return china_time(value)
    return value


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, start_worker: bool = True
) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or make_engine(settings.effective_database_url)

    app = FastAPI(
        title="知产 zhichan API",
        version=__version__,
        description="知识产权公共服务与治理平台 JSON API。认证：`Authorization: Bearer <API 令牌>`（在“账号”页创建）"
        "或登录会话（写操作需 `X-CSRF-Token`）。 / JSON API of the zhichan platform. Authenticate with an "
        "API token (`Authorization: Bearer zc_…`, created on the Account page) or a session cookie "
        "(unsafe methods then need `X-CSRF-Token`).",
        lifespan=_lifespan,
        # every value of a page's address checked as form text is (query_errors.address_texts), then the CSRF token
        dependencies=[Depends(query_errors.address_texts), Depends(csrf_guard)],
        # FastAPI's Swagger UI / ReDoc pages load their JavaScript from a CDN and initialise it
        # inline: off. /api/docs (below) serves Swagger UI from installed files, CSP-clean.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    templates.env.loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(WEB_DIR / "templates")),
        jinja2.PrefixLoader({d.name: jinja2.FileSystemLoader(str(d.templates)) for d in DOMAINS if d.templates}),
    ])
    templates.env.globals["version"] = __version__
    templates.env.globals["asset_url"] = asset_url
    templates.env.globals["provisional_note"] = provisional_note  # beside a provisional date (legaltime's one wording)
    templates.env.globals["as_radios"] = as_radios  # _form.html's choice: radio buttons or a select
    templates.env.filters["china_time"] = china_time  # a stored (naive-UTC) moment as read in China
    templates.env.finalize = shown_value
    templates.env.template_class = LabelledTemplate  # every table's cells labelled with their column's name
    i18n.check()
    i18n.install(templates.env)
    app.state.templates = templates

    app.add_exception_handler(ZhichanError, _zhichan_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _database_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)

    app.add_middleware(PerRequest)
    # large pages and JSON compressed (the cockpit's API answer, exports); level 6: most of the gain
    # of 9 for a fraction of its CPU. The two largest assets come precompressed (routes/assets.py).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Liveness for process supervisors and load balancers: answers without touching the
        database or the corpus (on the event loop, so it also shows the framework's own cost)."""
        return {"status": "ok", "version": __version__}

    from zhichan.web.routes import admin, api, assets, auth, pages

    app.include_router(assets.router)
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(pages.parts)
    app.include_router(admin.router)
    app.include_router(api.router)
    for domain in DOMAINS:
        for domain_router in domain.routers:
            app.include_router(domain_router)
    app.mount("/static", CachedStaticFiles(directory=str(WEB_DIR / "static")), name="static")
    app.mount("/api/docs/assets", StaticFiles(directory=str(files("fastapi_offline") / "static")), name="api-docs")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        """Swagger UI for /api/openapi.json, every file served by the platform (intranet)."""
        return request.app.state.templates.TemplateResponse(request, "api_docs.html", {"version": __version__})

    api.list_job_kinds_in_schema(app)
    _bind(app, settings, engine, start_worker)
    return app


def reset_app(app: FastAPI, settings: Settings, engine: Engine) -> None:
    """Give an app :func:`create_app` built (without its job worker) another data directory and
    database, as if built anew: every per-instance object (corpus, jobs, procedures, the domains'
    hooks, the secret key, the generated API schema) made again; the routes, middleware and
    templates kept. The tests' reset hook: FastAPI prepares each route on its first request
    (~0.2 CPU-s for every route of a fresh app), a cost each test's own app paid again."""
    if app.state.worker is not None:
        raise RuntimeError("reset_app: the app runs a job worker")
    templates = app.state.templates
    app.state = State()
    app.state.templates = templates
    _bind(app, settings, engine, start_worker=False)


def _bind(app: FastAPI, settings: Settings, engine: Engine, start_worker: bool) -> None:
    """The app's per-instance state: everything that follows the data directory and the database."""
    from zhichan.web.jobkinds import register_builtin_jobs

    job_registry = JobRegistry()
    app.state.settings = settings
    app.state.engine = engine
    app.state.worker = JobWorker(engine, job_registry, lock_path=settings.data_dir / "jobs.lock") if start_worker else None
    app.state.secret_key = load_secret_key(settings.secret_key, settings.data_dir)
    app.state.corpus = CorpusAccess(settings.corpus_dir)
    app.state.warm_stop = threading.Event()
    app.state.jobs = job_registry
    register_builtin_jobs(job_registry, app.state.corpus, settings)
    app.state.procedures = procedure_service(settings, engine)
    app.state.domains = DOMAINS
    for domain in DOMAINS:
        domain.setup(app)
    app.state.translate = translate
    app.openapi_schema = None  # generated again on the next request: the job kinds are this state's


__all__ = ["AuthenticationError", "create_app", "reset_app", "warm_cockpits", "warm_search", "warm_up"]


def warm_up(app: FastAPI) -> None:
    """The start-up warm-up: the search first (seconds), then the cockpits (longer)."""
    warm_search(app)
    warm_cockpits(app)


def warm_search(app: FastAPI) -> bool:
    """Warm the search of the snapshot the search page would use (:func:`zhichan.search.service.warm`)."""
    from zhichan.search import service
    from zhichan.search.views import searchable_snapshot

    try:
        return service.warm(searchable_snapshot(app.state.corpus))
    except Exception as exc:  # noqa: BLE001 - warming is an optimization; e.g. no snapshot yet
        log.info("search warm-up skipped: %s", getattr(exc, "message", exc))
        return False


def warm_cockpits(app: FastAPI, lang: str = "zh") -> int:
    """Compute the cockpit view (default as-of: the data end; ``lang``) of every region an organization
    governs; returns how many."""
    from sqlalchemy import select

    from zhichan.indicators import views
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, OrgKind, Role
    from zhichan.platform.scope import Scope

    try:
        with session_scope(app.state.engine) as s:
            codes = sorted(set(s.scalars(select(Organization.region_code).where(Organization.kind.in_(
                [OrgKind.NATION, OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY])))))
    except Exception:  # warming is an optimization; never fail the server for it
        log.exception("cockpit warm-up: cannot list organizations")
        return 0
    done = 0
    for code in codes:
        if app.state.warm_stop.is_set():
            break
        scope = Scope(role=Role.ANALYST, user_id=0, username="warm-up", org_path="/", region_code=code)
        try:
            views.cockpit(app.state.corpus, scope, code, lang, settings=app.state.settings)
            done += 1
        except Exception as exc:  # noqa: BLE001 - e.g. no snapshot yet
            log.info("cockpit warm-up of %s skipped: %s", code, getattr(exc, "message", exc))
    return done


def all_routes(app: FastAPI) -> list[Any]:
    """Every route of the app, flattened (FastAPI keeps included routers as nested entries).

    The scope tests enumerate these; routers are included without an extra prefix, so each
    route's own ``path`` is the URL path.
    """
    out: list[Any] = []
    pending = list(app.routes)
    while pending:
        route = pending.pop(0)
        nested = getattr(route, "original_router", None)
        if nested is not None:
            pending.extend(nested.routes)
        else:
            out.append(route)
    return out
