"""The JSON API's contract, declared once for every ``/api/v1`` router.

- :func:`errors`: the error answers an operation documents in OpenAPI (``responses=``), each with
  the body every error carries (:class:`ErrorOut`, written by ``web/app.py``'s error handlers).
- :data:`IsoDate`: a calendar day in query parameters and bodies, ``YYYY-MM-DD`` only, within
  :data:`FIRST_DAY`–:data:`LAST_DAY` — documented as ``format: date`` with the range as a pattern, so
  the schema accepts exactly what the handler accepts (pydantic's lax date would take ``0`` or a
  timestamp and answer for 1970).
- :func:`allowed_methods`: the ``Allow`` header of a 405 — every method the path answers, not only
  the first route's (Starlette names the methods of the first route whose path matched).

``tests/web/test_web_contract.py`` fuzzes the schema against the handlers (schemathesis).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any

from fastapi import Path, Query
from fastapi.responses import Response
from fastapi.routing import iter_route_contexts
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, Strict, WithJsonSchema
from starlette.requests import Request
from starlette.routing import Match

from zhichan.untrusted import text_refusal


class ErrorOut(BaseModel):
    """The body of every 4xx/5xx answer of the API."""

    error: str = Field(description="机器可读代码，如 input、not_found、forbidden / machine-readable code")
    message: str = Field(description="说明（中文 / English）/ the message, Chinese first")
    details: dict[str, Any] | None = Field(None, description="细节，如校验错误列表 / details, e.g. validation errors")


STATUS_DESCRIPTIONS: dict[int, str] = {
    400: "输入无效（如检索式语法错误、参数组合无效、请求体无法解析）/ bad input (e.g. a query syntax error, "
         "an invalid combination of parameters, an unreadable body)",
    401: "未登录或 API 令牌无效 / not signed in, or an invalid API token",
    403: "超出机构范围、角色不允许或缺少 CSRF 令牌 / outside your area, not allowed for your role, or no CSRF token",
    404: "不存在或不在您的范围内 / not found, or outside your area",
    409: "与当前状态冲突（如版本已变）/ conflicts with the current state (e.g. a stale version)",
    413: "请求体过大 / request body too large",
    422: "参数或请求体不符合接口定义 / parameters or body do not match this operation's schema",
    429: "尝试过多，请稍后再试 / too many attempts; try again later",
    503: "暂时不可用：尚未导入语料或数据库繁忙，请稍后重试 / temporarily unavailable: no corpus snapshot "
         "imported yet, or the database is busy; retry",
}


def errors(*codes: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of an operation: the error codes it can answer, with the error body, and 503
    (every operation reads the corpus or the database). ``described``: a more precise description
    of one code (``_400="…"``)."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in (*codes, 503):
        out[code] = {"description": described.get(f"_{code}", STATUS_DESCRIPTIONS[code]), "model": ErrorOut}
    return out


#: The days the platform computes figures for (the first Chinese patent law took effect in 1985).
FIRST_DAY = dt.date(1985, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
#: the same range as a pattern of the ISO form, for the schema (1985–2100)
DAY_PATTERN = r"^(198[5-9]|199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str) -> dt.date:
    """``YYYY-MM-DD`` within ``FIRST_DAY``–``LAST_DAY``; ``ValueError`` with the reason otherwise."""
    text = text.strip()
    if not _ISO_DAY.fullmatch(text):
        raise ValueError("日期格式应为 YYYY-MM-DD / the date must be YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:  # written right but no such day (2025-13-01, 2026-02-30): not "the format is wrong"
        raise ValueError(f"日期不存在：{text}，请检查月和日 / no such date: {text}; check the month and day") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"日期超出范围（{FIRST_DAY.year}–{LAST_DAY.year}） / date out of range "
                         f"({FIRST_DAY.year}-{LAST_DAY.year})")
    return day


def _iso_day(value: object) -> object:
    return parse_day(value) if isinstance(value, str) else value


#: A day as ``YYYY-MM-DD`` (1985–2100). Anything else — ``0``, a timestamp, ``2024-1-2``, a time of
#: day, ``false`` in a body — is a 422 (strict: pydantic's lax date takes numbers as Unix times).
IsoDate = Annotated[
    dt.date,
    Strict(),
    BeforeValidator(_iso_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]

def _text(value: str) -> str:
    refused = text_refusal(value)
    if refused:
        raise ValueError(refused)
    return value


#: A text of a JSON body: refused (422, the message naming the field) where it holds a character no document or
#: database takes (:func:`zhichan.untrusted.text_refusal`: a NUL, a C0 control, a lone surrogate), as forms are.
BodyText = Annotated[str, AfterValidator(_text)]

#: A statistics API's region: a GB/T 2260 code of a province, city or county, or ``CN`` (the default).
StatsRegion = Annotated[str, Query(pattern=r"^(CN|[0-9]{2}([0-9]{2}){0,2})$",
                                   description="GB/T 2260 代码（2/4/6位）或 CN / region code or CN")]
#: A statistics API's as-of day; none: each figure at its default date (the data end of its source).
StatsAsOf = Annotated[IsoDate | None, Query(description="统计日 YYYY-MM-DD（默认：专利数据截至数据截止日，平台业务数据截至今天）/ "
                                                        "as-of date (default: patent data at their data end, platform "
                                                        "records at today)")]


def allowed_methods(request: Request) -> str:
    """Every method some route answers at this request's path (for ``Allow`` on a 405)."""
    methods: set[str] = set()
    # the routes of included routers as the app matches them (FastAPI keeps each router as one entry)
    for route in iter_route_contexts(request.app.router.routes):
        if route.methods and route.matches(request.scope)[0] != Match.NONE:
            methods |= set(route.methods)
    return ", ".join(sorted(methods))


def public_dict(data: dict[str, Any]) -> dict[str, Any]:
    """Without the internal ``_…`` keys (cache keys), also one level down."""
    return {k: public_dict(v) if isinstance(v, dict) else v for k, v in data.items() if not k.startswith("_")}


def _json_default(value: Any) -> str:
    """Dates and times as ISO 8601 (``2026-03-02``; a stored moment, naive UTC, marked so: ``2026-03-02T02:00:00Z``,
    which a client's clock reads right in any time zone); anything else as text."""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.isoformat() + "Z"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def fast_json(data: Any) -> Response:
    """JSON without FastAPI's per-field encoder walk (the dicts here hold plain JSON types and dates)."""
    return Response(json.dumps(data, ensure_ascii=False, default=_json_default, separators=(",", ":")),
                    media_type="application/json")


#: path and query parameters shared by the domains' ``/api/v1`` routes
RegionCode = Path(..., pattern=r"^[0-9]{2}([0-9]{2}){0,2}$", description="GB/T 2260 代码（2/4/6位）/ region code")
AsOf = Query(None, description="截至日期 YYYY-MM-DD（1985–2100；默认：专利数据截至数据截止日，平台业务数据截至今天）/ "
                              "as-of date (1985-2100; default: patent data at the last date the corpus describes, "
                              "the platform's own records at today)")
SCOPED = errors(400, 401, 403, 404, 422)
