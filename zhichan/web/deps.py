"""Request-level helpers shared by the routers: the caller's scope, a DB session, rendering."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from markupsafe import Markup, escape
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from zhichan.corpus.parties import INSTITUTIONS, holder_display_name, party_type
from zhichan.corpus.store import Snapshot
from zhichan.errors import FormError, ZhichanError
from zhichan.money import MoneyUnit, format_money, grouped_amount
from zhichan.platform.db import session_scope
from zhichan.platform.jobs import JobRegistry
from zhichan.platform.models import Role
from zhichan.platform.orgs import org_display_name
from zhichan.platform.portal import CorpusAccess, region_display_name
from zhichan.platform.scope import Scope
from zhichan.reference.countries import country_name
from zhichan.untrusted import printable, text_refusal
from zhichan.web import labels, query_errors
from zhichan.web.domains import MENU_GROUPS, WebDomain
from zhichan.web.i18n import (
    PUNCTUATION,
    in_language,
    legal_citation,
    message_in_language,
    translate_whole_dates,
    without_synthetic_mark,
)
from zhichan.web.security import Caller, csrf_token, require_password_changed, resolve_caller


def caller(request: Request) -> Caller:
    return resolve_caller(request)


def scope(request: Request) -> Scope:
    """The caller's scope — every scoped route's way in, so also where a user whose password an
    administrator reset is held until it is changed (``security.require_password_changed``)."""
    found = resolve_caller(request).scope
    require_password_changed(request, found)
    return found


def db(request: Request) -> Iterator[Session]:
    """A transaction per request: committed as the route returns (:class:`TransactionRoute`), so a
    201/303 is only sent for what is stored; rolled back on error."""
    with session_scope(request.app.state.engine) as session:
        yield session


def _commit_in_route(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if not inspect.isfunction(endpoint) or inspect.iscoroutinefunction(endpoint) \
            or inspect.isgeneratorfunction(endpoint) or inspect.isasyncgenfunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)  # FastAPI reads the signature through __wrapped__
    def run(*args: Any, **kwargs: Any) -> Any:
        result = endpoint(*args, **kwargs)
        for value in kwargs.values():
            if isinstance(value, Session):
                value.commit()
        return result

    return run


class TransactionRoute(APIRoute):
    """A route whose request transaction (:func:`db`) commits in the route's own thread as it returns.

    A dependency's exit runs only after FastAPI has validated the returned model — in the thread
    pool — or even after the response is sent. Holding SQLite's write lock, or a pooled connection,
    while waiting for a free thread of the pool deadlocks as soon as every thread waits for that
    lock or a connection (50 parallel job submissions: "database is locked", pool time-outs), and a
    303 sent before the commit let a new user fail to sign in at once. Committing here releases
    both before anything else waits."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _commit_in_route(endpoint), **kwargs)


@dataclass(frozen=True)
class Part:
    """Where a part stands in its page, so that its refusal stands there too (:func:`page_part`).

    ``heading``: the message key of the heading the part starts with (the facets' 分面, the similar patents'), kept
    above a refusal at level ``level``. ``element``: a part its page polls replaces its own element (``hx-swap=
    "outerHTML"``: the jobs table, an auction's live figures) — its tag, id and class; its refusal is that element
    without the poll, so the poll stops, and a failure of the server's (5xx) is no refusal there: the page keeps the
    part as it last was and the poll tries again."""

    heading: str = ""
    level: int = 2
    element: tuple[str, str, str] | None = None

    @property
    def polled(self) -> bool:
        return self.element is not None


def page_part(heading: str = "", level: int = 2,
              element: tuple[str, str, str] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a :class:`PartRoute`'s endpoint a part of its page standing as :class:`Part` says."""

    def declare(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        endpoint.page_part = Part(heading, level, element)  # type: ignore[attr-defined]
        return endpoint

    return declare


class PartRoute(TransactionRoute):
    """A part of a page: an HTML fragment its page loads with HTMX in its place (the search page's facets, a patent's
    similar patents, the jobs table and an auction's live figures, which their pages poll). Whatever it cannot answer
    — a value of its address it cannot take, a thing no longer there, a session that ended, a failure — is said in
    the part itself, with the status (:func:`zhichan.web.query_errors.part_refused`): the error page or the sign-in
    page does not fit there, and the page around it is not the part's to run again without the value. Its endpoint
    says where it stands with :func:`page_part`."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        self.part: Part = getattr(endpoint, "page_part", Part())


def form_errors(session: Session, exc: ZhichanError, form: dict[str, Any], field_prefix: str = "") -> dict[str, Any]:
    """What a form page needs to show a refused submission again: the input (``form``) and the
    message beside its field (``errors``; the service names the field in ``details["field"]``,
    otherwise it heads the form). The request's transaction is rolled back first."""
    session.rollback()
    if isinstance(exc, FormError):  # a message per field
        return {"form": form, "errors": {field_prefix + field: message for field, message in exc.errors.items()}}
    field = str(exc.details.get("field") or "form")
    return {"form": form, "errors": {field_prefix + field: exc.message}}


#: a required field of a form left empty (:func:`check_texts`)
REQUIRED = "请填写此项 / this field is required"


def check_texts(fields: Mapping[str, tuple[str, int | None]], required: tuple[str, ...] = ()) -> None:
    """The texts a form page's handler reads itself (``name: (text, max_length)``; None: the length is the service's
    to check), checked where they enter:
    :class:`FormError` with the message beside each field holding a character no document or database takes or too
    long a text (:func:`zhichan.untrusted.text_refusal`), or left empty though ``required``. The handler shows the form
    again with them (status 422): a ``Form()`` with ``max_length`` answered a bare "请求参数无效" page instead and
    lost what was typed."""
    errors: dict[str, str] = {}
    for name, (text, max_length) in fields.items():
        refused = text_refusal(text, max_length)
        if refused:
            errors[name] = refused
        elif name in required and not text.strip():
            errors[name] = REQUIRED
    if errors:
        raise FormError(errors)


def corpus(request: Request) -> CorpusAccess:
    return request.app.state.corpus


ScopeDep = Depends(scope)
DbDep = Depends(db)
CorpusDep = Depends(corpus)


def lang(request: Request) -> str:
    return str(getattr(request.state, "lang", "zh"))


def nav_items(s: Scope, domains: tuple[WebDomain, ...] = (), jobs: JobRegistry | None = None) -> list[tuple[str, str]]:
    """The menu's entries in order: the platform's pages, then each domain's; the jobs page for whoever
    may start a job."""
    return [item for _, items in nav_groups(s, domains, jobs) for item in items]


def nav_groups(s: Scope, domains: tuple[WebDomain, ...] = (),
               jobs: JobRegistry | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The menu by group (:data:`zhichan.web.domains.MENU_GROUPS`, then administration); empty groups left out."""
    groups: dict[str, list[tuple[str, str]]] = {name: [] for name in (*MENU_GROUPS, "admin")}
    if s.governance:
        groups["analysis"] += [("/cockpit", "nav.cockpit"), ("/plans", "nav.plans")]
    groups["analysis"].append(("/search", "nav.search"))
    if s.role == Role.ENTERPRISE_USER:
        groups["analysis"].append(("/enterprise", "nav.enterprise"))
    for domain in domains:
        groups[domain.menu_group] += domain.menu(s)
    if s.is_authenticated and (jobs is None or jobs.kinds(s)):
        groups["work"].append(("/jobs", "nav.jobs"))
    if s.is_admin:
        groups["admin"].append(("/admin/users", "nav.admin"))
    return [(name, items) for name, items in groups.items() if items]


def case_url(domains: tuple[WebDomain, ...], procedure: str, case_id: int) -> str:
    """Where a link to a case leads: its domain's own page of it (a service application's progress page,
    ``/services/applications/<id>``), else the generic case page."""
    for domain in domains:
        own = domain.case_page(procedure, case_id) if domain.case_page else None
        if own:
            return own
    return f"/cases/{case_id}"


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    refused = request.scope.get("state", {}).get(query_errors.STATE_KEY)
    if refused and isinstance((context or {}).get("errors", {}), dict):
        # values of the address the page could not take (zhichan.web.query_errors): beside their fields, where the
        # page has them, and at the top of the page those it did not show (a page number, a date in the address);
        # the page says something was refused (422), as a form refused is
        context = {**(context or {}), "errors": {**refused, **(context or {}).get("errors", {})}}
        status = 422 if status < 400 else status
        response = request.app.state.templates.TemplateResponse(request, template, _context(request, context),
                                                                status_code=status)
        page = bytes(response.body).decode()
        # a name refused itself (a control character in it) shown as printable() writes it, never as it came
        unshown = {printable(name): message for name, message in refused.items()
                   if str(escape(message_in_language(message, lang(request)))) not in page}
        if not unshown:
            return response
        context["query_notice"] = unshown
    return request.app.state.templates.TemplateResponse(request, template, _context(request, context),
                                                        status_code=status)


def render_string(request: Request, template: str, context: dict[str, Any] | None = None) -> Markup:
    """A partial template rendered to HTML with the same context helpers (for cached page parts)."""
    return Markup(request.app.state.templates.get_template(template).render(_context(request, context)))


def _data_as_of(snapshot: Snapshot | None) -> str | None:
    """The last date the corpus describes, shown in every page's footer (cached per snapshot)."""
    if snapshot is None:
        return None
    from zhichan.indicators.service import data_as_of

    return data_as_of(snapshot).isoformat()


def language_switch(request: Request, other: str) -> str:
    """The address of the header's language switch: this page in ``other`` with its query kept
    (``/cockpit?region=510107&lang=en``; a bare ``?lang=en`` dropped the region, a search's query, a list's filters).
    A page answering a form (a step's messages beside its fields at ``/cases/{id}/act/{step}``, a printed receipt)
    has an address that answers no GET (405): its switch leads to the page the form was sent from (the same-origin
    Referer), or the start page."""
    if request.method in ("GET", "HEAD"):
        path, query = request.url.path, request.query_params
    else:
        sent_from = urlsplit(request.headers.get("referer", ""))
        # a path of this site only: "//elsewhere.example/…" would be another site's address in the link
        if sent_from.netloc == request.url.netloc and sent_from.path.startswith("/") and not sent_from.path.startswith("//"):
            path, query = sent_from.path, QueryParams(sent_from.query)
        else:
            path, query = "/", QueryParams()
    kept = [(name, value) for name, value in query.multi_items() if name != "lang"]
    return f"{path}?{urlencode([*kept, ('lang', other)])}"


def _context(request: Request, context: dict[str, Any] | None) -> dict[str, Any]:
    app = request.app
    current_lang = lang(request)
    who = resolve_caller(request).scope
    snapshot = app.state.corpus.snapshot()

    def t(key: str, **values: object) -> str:
        return translate_whole_dates(current_lang, key, **values)

    def json_script(value: Any) -> Markup:
        """JSON for a ``<script type="application/json">`` island (``<`` escaped so it cannot close the tag)."""
        from zhichan.reports.html import script_json

        return Markup(script_json(json.dumps(value, ensure_ascii=False, default=str)))

    def cite(text: str | None) -> str:
        return legal_citation(text, current_lang)

    def in_lang(text: str | None) -> str:
        return in_language(text or "", current_lang)

    def as_message(text: str | None) -> str:
        # a message shown on its own: the page's half, an English one with a capital first letter
        return message_in_language(text or "", current_lang)

    def label(field: str, value: Any, fallback: Any = None) -> str:
        return labels.label(current_lang, field, value, fallback)

    def role_label() -> str:
        # the caller's role; an enterprise account of a university or research institute (what the corpus types its
        # organization) as that institution's (高校用户), not 企业用户
        kind = party_type(snapshot, who.party_key) if snapshot is not None and who.role == Role.ENTERPRISE_USER else None
        return t(f"account.kind.{kind}") if kind in INSTITUTIONS else label("role", who.role)

    def event_detail(event_type: str, detail: str | None) -> str:
        return labels.event_detail(current_lang, event_type, detail)

    def region(code: str | None) -> str:
        return region_display_name(str(code), current_lang) if code else ""

    def country(code: str | None) -> str:
        # a foreign party's country or region by its ISO code (美国 / United States), where a region would stand
        return country_name(code, current_lang)

    def org_name(name: str | None, name_en: str | None = None) -> str:
        # an organization in the page's language: its English name where known, else its name
        return org_display_name(name, name_en, current_lang)

    def holder_name(holder: Mapping[str, Any]) -> str:
        # a holder (a corpus party) in the page's language: its English name on English pages where known
        return holder_display_name(holder, current_lang)

    def holder_legal_name(holder: Mapping[str, Any]) -> Markup:
        # under an English name, the legal (Chinese) name: what the holder is found and filed by
        legal = str(holder.get("name") or "")
        if holder_display_name(holder, current_lang) == legal:
            return Markup("")
        return Markup('<span class="legal-name muted small" lang="zh-CN">{}</span>').format(legal)

    def name_in_lang(name: str | None, name_en: str | None = None) -> str:
        # a named thing with an optional English name (a chain, a branch): the Chinese name where it has none
        return (name_en or name or "") if current_lang == "en" else (name or "")

    def case_title(title: str | None, badged: bool = False) -> Markup:
        # a stored title without the demo's 【合成】 mark; the synthetic badge instead, unless the row shows one already
        text, marked = without_synthetic_mark(title)
        badge = Markup(' <span class="badge synthetic small">{}</span>').format(t("badge.synthetic"))
        return Markup("{}{}").format(text, badge if marked and not badged else "")

    def case_link(procedure: str, case_id: int) -> str:
        return case_url(app.state.domains, procedure, case_id)

    def facet_label(facet: str, value: Any, fallback: Any = None) -> str:
        return labels.facet_value(current_lang, facet, value, fallback)

    def money(value: Any, unit: MoneyUnit = "yuan") -> str:
        return format_money(value, current_lang, unit)

    def amount(value: Any) -> str:
        """An amount in a column whose heading names the unit (金额（元）): grouped, to the fen, without the unit
        (``27,850,000.00``); none as a dash, anything else not a number as it is."""
        if value is None:
            return "—"
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return grouped_amount(number, cents=True) if number.is_finite() else str(value)

    ctx = {
        "request": request,
        "t": t,
        "label": label,
        "role_label": role_label,
        "in_lang": in_lang,
        "as_message": as_message,
        "cite": cite,
        "event_detail": event_detail,
        "region": region,
        "country": country,
        "org_name": org_name,
        "name_in_lang": name_in_lang,
        "holder_name": holder_name,
        "holder_legal_name": holder_legal_name,
        "case_title": case_title,
        "case_url": case_link,
        "facet_label": facet_label,
        "money": money,
        "amount": amount,
        "lang": current_lang,
        "scope": who,
        "csrf_token": csrf_token(request),
        "nav": nav_groups(who, request.app.state.domains, request.app.state.jobs),
        "snapshot": snapshot,
        "synthetic": bool(snapshot and snapshot.synthetic),
        "data_as_of": _data_as_of(snapshot),
        "json_script": json_script,
        "path": request.url.path,
        "lang_switch": language_switch(request, "zh" if current_lang == "en" else "en"),
        **PUNCTUATION["en" if current_lang == "en" else "zh"],
        **(context or {}),
    }
    errors = ctx.get("errors")
    if isinstance(errors, dict):
        # a form's messages are written "中文 / English": beside a field, the page's half — as on the error page, at the
        # top of a page (a value of its address refused) and wherever a bilingual text is shown (in_lang)
        ctx["errors"] = {k: message_in_language(v, current_lang) if isinstance(v, str) else v
                         for k, v in errors.items()}
    return ctx
