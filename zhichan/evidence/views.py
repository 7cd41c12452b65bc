"""The look-up of a file alone (no certificate) in the evidence log, as the verify page and its API show it.

Every entry certifying the file is listed — an entry whose own file it is (a deposit) and a case step listing it
among its documents (a 决定书, a notice, an attachment) — each proven online against the newest signed checkpoint,
including that the signed leaf, not only the index, certifies the file. What is said about a case step comes
from the domain that keeps the case (``describe``: for the procedure engine
:func:`zhichan.procedures.certified.certified_steps`), scoped there: to anyone, the procedure, the step, the
document, the office and the time; the case and its certificate only to a caller who sees the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, Field

from zhichan.evidence.schemas import Check
from zhichan.evidence.service import EvidenceService
from zhichan.evidence.verify import certified_documents
from zhichan.legaltime import china_moment

#: index → leaf fields of the entries of one kind, to what may be said of each (the keys of :class:`Certifying`)
Describe = Callable[[Mapping[int, Mapping[str, Any]]], Mapping[int, Mapping[str, Any]]]


class Certifying(BaseModel):
    """One entry certifying the file looked up."""

    index: int
    kind: str
    heading: str = Field(description="条目所证事项（证书标题） / what the entry certifies (its certificate's heading)")
    time: str = Field(description="存证时间（UTC，条目所载） / time of the entry (UTC, as signed)")
    time_china: str = Field(description="北京时间 / the same time in China (UTC+8)")
    title: str | None = Field(None, description="存证标题（文件为条目本身所存时） / the deposit's title, for its own file")
    document: str | None = Field(None, description="所证文件在办件步骤中的名称 / the document's name in a case step")
    procedure: str | None = None
    step: str | None = None
    office: str | None = Field(None, description="办理机关 / the office whose step certified it")
    synthetic: bool = False
    case: str | None = Field(None, description="办件编号（仅向可见该办件者） / case number (only to who sees the case)")
    case_url: str | None = None
    certificate_url: str | None = None
    ok: bool
    checks: list[Check]


class Lookup(BaseModel):
    digest: str
    found: bool
    ok: bool = Field(description="找到且每条都核验通过 / found, and every entry verified")
    entries: list[Certifying]


def lookup_view(service: EvidenceService, digest: str, lang: str,
                describers: Mapping[str, Describe] | None = None) -> Lookup:
    """The entries certifying the file with this SM3 or SHA-256 digest; ``describers``: by entry kind, what the
    kind's domain says of its entries to this caller (in ``lang``)."""
    from zhichan.evidence.certificate import HEADINGS

    digest = digest.strip().lower()
    entries = service.find(digest)
    said: dict[int, Mapping[str, Any]] = {}
    for kind, describe in (describers or {}).items():
        said.update(describe({e.index: e.fields for e in entries if e.kind == kind}))
    out = []
    for e in entries:
        report = service.verify_entry(e.index, digest=digest)
        heading = HEADINGS.get(e.kind, ("存证条目", "Evidence entry"))
        moment = dt.datetime.strptime(str(e.fields.get("time")), "%Y-%m-%dT%H:%M:%S.%fZ")
        own = digest in (e.sm3, e.sha256)
        listed = next((d for _, d in certified_documents(e.fields) if digest in (d["sm3"], d["sha256"])), None)
        item: dict[str, Any] = {
            "index": e.index, "kind": e.kind, "heading": heading[1] if lang == "en" else heading[0],
            "time": e.fields.get("time"), "time_china": f"{china_moment(moment):%Y-%m-%d %H:%M}",
            "title": (e.fields.get("title") or e.fields.get("data_name")) if own else None,
            "ok": report.ok, "checks": report.checks,
        }
        about = dict(said.get(e.index, {}))
        labels: Mapping[str, str] = about.pop("documents", {})
        if listed is not None and not own:
            item["document"] = labels.get(listed["sha256"]) or listed.get("label") or None
        out.append(Certifying(**item, **about))
    return Lookup(digest=digest, found=bool(out), ok=bool(out) and all(c.ok for c in out), entries=out)
