"""A page's address with a value it cannot take (``?region=XYZ``, ``?page=0``, ``?as_of=2024-13-45``): the page itself,
as it is without that value, with the message beside its field — not the generic error page.

A list or catalogue page reads its filters from the query string. FastAPI refuses a value its declaration does not take
(a page number of 0, a date that is no date, a text longer than allowed) before the page's function runs, and a domain
refuses one it cannot read (an unknown region, fee method or procedure) with a :class:`zhichan.errors.FormError` naming
the field. Either way, for a page (not the API, which answers 422 with the field), the route is run again without the
refused values and with their messages in ``request.state.query_errors``; :func:`zhichan.web.deps.render` adds them to
the page's ``errors`` (beside the field where the page has one) and lists at the top of the page any its template did
not show (a page number has no field). The answer keeps the status 422. A route answering a file (an export, a
chart's image) is not run again: without the value it made another day's file; the error page names the value.

A part of a page (:class:`zhichan.web.deps.PartRoute`, an HTML fragment its page loads with HTMX: the search page's
facets, a patent's similar patents, the polled jobs table and auction figures) has no fields and its values are the
page's to give (a required query, a sealed hit total): it answers with the messages in its own place
(:func:`part_refused`, 422 or the domain's 400), never with the error page — and so it answers whatever else it cannot
show (a thing no longer there, a session that ended, a failure).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

STATE_KEY = "query_errors"
#: set on the request's state where the generic error page was rendered (the page failed for another reason)
ERROR_PAGE_KEY = "error_page"
REQUIRED = "必填 / required"
#: the header of a part's refusal: the page's script (static/app.js) shows it in the part's place, where HTMX leaves
#: any other 4xx or 5xx answer unshown
PART_REFUSED_HEADER = "X-Part-Refused"


#: the error type :func:`address_texts` gives a refused value (its message in ``ctx["message"]``)
TEXT_REFUSED = "text_refused"


async def address_texts(request: Request) -> None:
    """App-wide dependency: every name and value of the address's query string under the one text rule
    (:func:`zhichan.untrusted.text_refusal`: nothing XML 1.0 or a database does not take — a NUL reached PostgreSQL,
    which refuses it, a page showing it back, a document generator), whether a route declares it (``Query``) or reads
    ``request.query_params`` itself (a start form's prefilled fields, the plans page's ``uploaded``). Refused as
    FastAPI refuses a declared value it cannot take: a page run again without it, the message beside its field (422);
    the API and a part of a page answer 422 with the field.

    A form's submission (a page's POST) is run without them too, as a page's GET is — its data is its body's, which the
    form's handler checks — and the page it answers with says them beside their fields or at its top (422,
    :func:`zhichan.web.deps.render`); it was answered with the generic error page instead, the form and what was typed
    in it gone. Run without them rather than run again: a body read once (a form's, a file's) is not read twice."""
    from fastapi.exceptions import RequestValidationError

    from zhichan.untrusted import text_refusal

    refused = [{"type": TEXT_REFUSED, "loc": ("query", name), "msg": message, "input": value,
                "ctx": {"message": message}}
               for name, value in request.query_params.multi_items()
               if (message := text_refusal(name) or text_refusal(value))]
    if not refused:
        return
    if request.method != "POST" or wants_json(request):
        raise RequestValidationError(refused)
    fields = query_fields(refused)
    state = request.scope.setdefault("state", {})
    state[STATE_KEY] = {**state.get(STATE_KEY, {}), **fields}
    request.scope["query_string"] = urlencode([(k, v) for k, v in request.query_params.multi_items()
                                               if k not in fields]).encode()
    del request._query_params  # read again from the address without them (Starlette keeps the parsed ones)


def wants_json(request: Request) -> bool:
    """Whether a request is the API's, or asks for JSON: answered with JSON, never a page."""
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def validation_message(error: Mapping[str, Any], name: str = "") -> str:
    """One refused query value's message, "中文 / English", from a pydantic error (its ``type`` and ``ctx``) and the
    parameter's ``name``."""
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    if kind == TEXT_REFUSED:
        return str(ctx.get("message", ""))
    if kind == "string_pattern_mismatch" and name in ("region", "region_code"):
        return "应为行政区划代码（数字，如 510107） / must be a region code (digits, such as 510107)"
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return REQUIRED  # an empty value of a required one (q=) is as good as none
    if kind == "int_parsing" or kind == "int_from_float":
        return "应为整数 / must be a whole number"
    if kind in ("greater_than_equal", "greater_than"):
        return f"应不小于 {ctx.get('ge', ctx.get('gt'))} / must be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"应不大于 {ctx.get('le', ctx.get('lt'))} / must be at most {ctx.get('le', ctx.get('lt'))}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "应为日期，如 2024-03-07 / must be a date such as 2024-03-07"
    if kind == "string_too_long":
        return f"不超过 {ctx.get('max_length')} 个字符 / at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return f"至少 {ctx.get('min_length')} 个字符 / at least {ctx.get('min_length')} characters"
    if kind == "bool_parsing":
        return "应为 true 或 false / must be true or false"
    if kind in ("literal_error", "enum"):
        return f"应为 {ctx.get('expected', '')} 之一 / must be one of {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        choices = re.fullmatch(r"\^\(([\w.|-]+)\)\$", str(ctx.get("pattern", "")))
        if choices:  # a choice among a few words (status: open|closed|all)
            return f"应为 {'、'.join(choices[1].split('|'))} 之一 / must be one of {', '.join(choices[1].split('|'))}"
        return "格式不符 / not in the expected form"
    return "值无效 / invalid value"


def query_fields(errors: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The refused query values by parameter name, or nothing where an error is elsewhere (a path, a body)."""
    fields: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if len(loc) < 2 or loc[0] != "query":
            return {}
        fields.setdefault(loc[1], validation_message(error, loc[1]))
    return fields


async def page_without(request: Request, fields: Mapping[str, str]) -> Response | None:
    """The page of ``request`` run again without the query values in ``fields`` and with their messages (status 422),
    or None where it cannot be (not a page's GET — a part's neither: it says them in its place —, a value refused
    twice, a required value, a name not in the address, a route answering a file rather than a page)."""
    from zhichan.web.deps import PartRoute

    route = request.scope.get("route")
    state = request.scope.setdefault("state", {})
    refused = state.get(STATE_KEY, {})  # refused before, on the way here: the address no longer has them
    if (request.method != "GET" or not isinstance(route, APIRoute) or isinstance(route, PartRoute) or not fields
            or any(name in refused or name not in request.query_params for name in fields)):
        return None
    declared = {param.alias: param for param in route.dependant.query_params}
    if any(name in declared and declared[name].field_info.is_required() for name in fields):
        return None
    scope = dict(request.scope)
    scope["query_string"] = urlencode([(k, v) for k, v in request.query_params.multi_items() if k not in fields]).encode()
    state[STATE_KEY] = {**refused, **fields}  # the request's own state (its language, its cookies)
    state.pop(ERROR_PAGE_KEY, None)
    messages: list[Message] = []

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start" and not _is_html(message):
            raise _NotAPage  # before its body is made: an export's rows are not computed for nothing
        messages.append(message)

    try:
        await route.app(scope, request.receive, keep)
    except _NotAPage:
        # a file (an export, a chart's image): without the refused value it holds other figures — another date's,
        # another order's — under a name that says nothing of it; refused instead, the message on the error page
        state[STATE_KEY] = refused  # no page is shown without them
        return None
    start = next(m for m in messages if m["type"] == "http.response.start")
    if start["status"] not in (200, 422) or state.get(ERROR_PAGE_KEY):
        return None  # the page answers otherwise anyway (sign-in, 403, 404): that answer, for the address as given
    response = Response(b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body"),
                        status_code=422)
    response.raw_headers = [(k, v) for k, v in start["headers"]]
    return response


class _NotAPage(Exception):
    """The route answered a file, not a page (:func:`page_without`)."""


def _is_html(start: Message) -> bool:
    return any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in start.get("headers", ()))


def part_refused(request: Request, status: int, message: str = "", fields: Mapping[str, str] | None = None, *,
                 address: bool = False, code: str = "") -> Response | None:
    """The part of a page ``request`` asks for saying, in its place and with ``status``, why it cannot be shown: each
    refused query value's message by name (``fields``) or the answer's ``message`` ("中文 / English"); ``address``:
    a value of its address it could not take (a filter it cannot read, a required query missing). Signed out (401),
    a link to sign in that comes back to the page; a password to change first (``code``), a link to that form. None
    where the route is not a part (:class:`zhichan.web.deps.PartRoute`) or the request not a GET, and for a failure
    of the server's (5xx) in a part its page polls: that answer is left unshown, the poll tries again."""
    from zhichan.web.deps import PartRoute, render

    route = request.scope.get("route")
    if request.method != "GET" or not isinstance(route, PartRoute) or (status >= 500 and route.part.polled):
        return None
    context: dict[str, Any] = {"part": route.part, "refused": dict(fields or {}), "message": message,
                               "address": address, "signed_out": status == 401,
                               "change_password": code == "password_change_required"}
    if status == 401:
        context["sign_in"] = "/login?" + urlencode({"next": page_address(request)})
    response = render(request, "_part_refused.html", context, status=status)
    response.headers[PART_REFUSED_HEADER] = "1"
    return response


def page_address(request: Request) -> str:
    """The address of the page a part was loaded into (HTMX's ``HX-Current-URL``), its path and query only; the home
    page where there is none."""
    from zhichan.web.routes.auth import safe_next

    page = urlsplit(request.headers.get("hx-current-url", ""))
    return safe_next(page.path + (f"?{page.query}" if page.query else ""))
