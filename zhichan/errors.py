"""One root exception for the package; each domain raises a purpose-specific subclass.

Messages are Chinese first, English second (``"中文 / English"``): they reach case officers in the
UI and operators in the CLI unchanged. The web layer turns these into 4xx JSON/HTML responses in
one place; nothing below the web layer knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def joined(messages: Iterable[str]) -> str:
    """Several ``"中文 / English"`` messages as one: the Chinese halves joined, then the English ones, so a page shows
    its language's half (``in_lang``) — joined as they were, both languages showed on either page. A message that is
    not one bilingual pair keeps them joined as written."""
    messages = list(messages)
    halves = [m.split(" / ") for m in messages]
    if all(len(h) == 2 for h in halves):
        return "；".join(h[0] for h in halves) + " / " + "; ".join(h[1] for h in halves)
    return "；".join(messages)


class ZhichanError(Exception):
    """Root of every error zhichan raises on purpose."""

    #: HTTP status the web layer should answer with when this error escapes a request.
    http_status: int = 400
    #: Stable machine-readable code, e.g. ``"query.syntax"``.
    code: str = "error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **({"details": self.details} if self.details else {})}


class ConfigError(ZhichanError):
    code = "config"
    http_status = 500


class InputError(ZhichanError):
    """Input the caller can fix: a malformed file, query, parameter or form."""

    code = "input"
    http_status = 400


class FormError(InputError):
    """Fields missing or invalid: one message per field, shown beside it (``details["fields"]``)."""

    code = "form"
    http_status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        summary = "；".join(errors.values())
        super().__init__(f"请更正以下内容：{summary} / please correct the marked fields", details={"fields": errors})
        self.errors = errors


class NotFoundError(ZhichanError):
    code = "not_found"
    http_status = 404


class PermissionDenied(ZhichanError):
    """The caller's organization scope or role does not cover the requested data."""

    code = "forbidden"
    http_status = 403


class ConflictError(ZhichanError):
    code = "conflict"
    http_status = 409


class CorpusError(ZhichanError):
    """Snapshot store problems: no snapshot yet, a damaged snapshot, a failed switch."""

    code = "corpus"
    http_status = 503


class MissingDependency(ZhichanError):
    """An optional component is not installed; the message carries the exact install command."""

    code = "missing_dependency"
    http_status = 501

    def __init__(self, component: str, install: str) -> None:
        super().__init__(
            f"未安装可选组件 {component}，请运行：{install} / optional component {component} is not installed; run: {install}",
            details={"component": component, "install": install},
        )
