"""Web pages and JSON endpoints of evidence deposit (mounted by the web app; data-IP registration has
its own pages in :mod:`zhichan.dataip.router`).

Public (anonymous) — anyone can check without an account, which is the point of a transparency log:

- ``GET/POST /evidence/verify``: verify a certificate (upload the certificate PDF or JSON, plus the
  file or its pasted digest) with :mod:`zhichan.evidence.verify` — the *same* offline code as
  ``zhichan evidence verify`` — or, without a certificate, look the file/digest up in the log
  (:mod:`zhichan.evidence.views`: every entry certifying it, a case step's within the caller's scope);
- ``GET /api/v1/evidence/lookup`` and ``GET /evidence/verify?digest=`` (the address of a certificate's online
  QR code): the same look-up by a digest;
- ``GET /evidence/checkpoint.json``, ``GET /evidence/pubkey.pem``: the newest signed checkpoint in
  the witness format (``zhichan-checkpoint/1``) and the log's public key, for witnesses.

Signed-in users only: ``GET/POST /evidence/deposit`` (HTML form → the new deposit's page), the caller's deposits
``GET /evidence/deposits`` and ``GET /api/v1/evidence/deposits`` (newest first, paged), a deposit's page and certificate
``GET /evidence/deposits/{index}[/certificate.pdf]`` for its depositor only (:mod:`zhichan.evidence.scope`; 404 to
anyone else), and
``POST /api/v1/evidence/deposits`` (JSON). The leaf states the caller's organization's name as depositor; who owns the
deposit is recorded beside it by id (organization, user).

The domain's ``DOMAIN`` (listed in ``zhichan.web.app.DOMAINS``) hands the shell its router, its
templates (``templates/web/``, rendered as ``evidence/…``, extending ``base.html``) and its menu
entry; its texts are in ``locale/{zh,en}/LC_MESSAGES/messages.po`` (keys ``evidence.…``), merged into the one catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from zhichan.errors import ConflictError, FormError
from zhichan.evidence.schemas import Certificate, EvidenceError, VerificationReport
from zhichan.evidence.scope import depositor as _depositor
from zhichan.evidence.scope import owner as _owner
from zhichan.evidence.service import CATEGORIES, HEX64, DepositRequest, EvidenceService, digest_stream
from zhichan.evidence.views import (
    Lookup,
    MyDeposits,
    deposit_url,
    deposit_view,
    lookup_view,
    my_deposits_view,
    owned_deposit,
    owned_deposits,
    unowned_deposits_view,
)
from zhichan.platform.db import session_scope
from zhichan.platform.scope import Scope
from zhichan.web.deps import DbDep, ScopeDep, case_url, check_texts, lang, render
from zhichan.web.domains import MenuItem, WebDomain
from zhichan.web.i18n import translate
from zhichan.web.openapi import BodyText, errors
from zhichan.web.uploads import CHOOSE_FILE, file_refusal

TEMPLATES = FilePath(__file__).resolve().parent / "templates" / "web"
MAX_CERTIFICATE_BYTES = 5 << 20

router = APIRouter()

def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    return render(request, f"evidence/{template}", context, status=status)


def menu(scope: Scope) -> list[MenuItem]:
    """Verification for anyone; the deposit form (which links the caller's deposits) for whoever is signed in — it was
    in no menu, found only by its address."""
    items: list[MenuItem] = [("/evidence/verify", "nav.evidence_verify")]
    if scope.is_authenticated:
        items.append(("/evidence/deposit", "evidence.deposit.title"))
    return items


def evidence_service(request: Request) -> EvidenceService:
    """One service per app: the app's engine, the configured key (created on first use) and origin."""
    state = request.app.state
    service = getattr(state, "evidence_service", None)
    if service is None:
        from zhichan.evidence.keys import key_dir, load_signing_key

        settings = state.settings
        service = EvidenceService(state.engine, load_signing_key(key_dir(settings.data_dir)), settings.evidence_log_origin)
        state.evidence_service = service
    return service


# -- public: verification ----------------------------------------------------------------------


def verify_upload(
    service: EvidenceService, certificate: bytes | None, file_digest: Any | None, digest: str | None,
    lookup: Callable[[str], Lookup],
) -> dict[str, Any]:
    """The verification the page shows: offline code with a certificate, else ``lookup`` of the file in the log."""
    from zhichan.evidence.verify import certified_files, verify_certificate, verify_pdf

    digest = (digest or "").strip().lower() or None
    if digest is not None and not HEX64.match(digest):
        raise FormError({"digest": "摘要应为 64 位十六进制 / a digest is 64 hexadecimal characters"})
    if certificate:
        kwargs = {"sm3": file_digest.sm3, "sha256": file_digest.sha256} if file_digest else {}
        if certificate.startswith(b"%PDF"):
            report = verify_pdf(certificate, service.public_key, **kwargs)
            from zhichan.evidence.verify import read_pdf

            cert = read_pdf(certificate)[0]
        else:
            cert = Certificate.from_json(certificate)
            report = verify_certificate(cert, service.public_key, **kwargs)
        if digest is not None:
            fields = json.loads(cert.leaf) if report.checks and report.checks[0].ok else {}
            same = any(digest in (f["sm3"], f["sha256"]) for f in certified_files(fields))
            report.add("摘要 / Digest", same,
                       digest if same else f"{digest} 不是证书所证文件的摘要 / {digest} is not the certified file's digest")
        leaf = json.loads(cert.leaf) if report.checks and report.checks[0].ok else {}
        return {"mode": "certificate", "reports": [(cert.index, report)], "found": True, "ok": report.ok,
                "kinds": {cert.index: _kind_name(leaf.get("kind"))}}
    wanted = file_digest.sm3 if file_digest else digest
    if wanted is None:
        raise EvidenceError("请上传证书、文件或填写摘要 / upload a certificate or a file, or paste a digest")
    found = lookup(wanted)
    return {"mode": "lookup", "lookup": found, "found": found.found, "ok": found.ok}


def _kind_name(kind: str | None) -> tuple[str, str] | None:
    """What an entry certifies, as its certificate's heading names it (中文, English), for the verification page."""
    from zhichan.evidence.certificate import HEADINGS

    return HEADINGS.get(kind or "")


def _lookup(request: Request, scope: Scope, session: Session) -> Callable[[str], Lookup]:
    """The look-up of a file alone for this caller: a case step is described by the procedure engine, within the
    caller's scope (:mod:`zhichan.procedures.certified`)."""
    from zhichan.platform.orgs import org_display_name
    from zhichan.procedures.certified import certified_steps

    language, domains, procedures = lang(request), request.app.state.domains, request.app.state.procedures

    def steps(entries: Mapping[int, Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
        said: dict[int, dict[str, Any]] = {}
        for index, step in certified_steps(procedures, session, scope, entries).items():
            about: dict[str, Any] = {
                "procedure": step.procedure(language), "step": step.step(language) if step.step else None,
                "office": org_display_name(step.office, step.office_en, language), "synthetic": step.synthetic,
                "documents": {sha: label(language) for sha, label in step.documents.items()}}
            if step.case is not None:
                about |= {"case": step.case.number, "case_url": case_url(domains, step.case.procedure, step.case.id),
                          "certificate_url": f"/cases/{step.case.id}/steps/{step.case.seq}/certificate.pdf"}
            said[index] = about
        return said

    service = evidence_service(request)
    return lambda digest: lookup_view(service, digest, language, {"procedure.step": steps,
                                                                  "deposit": owned_deposits(service, scope)})


@router.get("/evidence/verify", include_in_schema=False)
def verify_page(request: Request, digest: Annotated[str, Query(max_length=200)] = "", scope: Scope = ScopeDep,
                session: Session = DbDep) -> Response:
    """The form; with ``digest`` (the address a certificate's second QR code holds), the look-up of that file."""
    service = evidence_service(request)
    result = verify_upload(service, None, None, digest, _lookup(request, scope, session)) if digest else None
    return _page(request, "verify.html", {"result": result, "ok": bool(result and result["ok"]), "digest": digest,
                                          "fingerprint": service.public_key.fingerprint,
                                          "has_checkpoint": service.has_checkpoint()})


@router.post("/evidence/verify", include_in_schema=False)
async def verify_submit(
    request: Request,
    certificate: Annotated[UploadFile | None, File()] = None,
    file: Annotated[UploadFile | None, File()] = None,
    digest: Annotated[str, Form()] = "",
    scope: Scope = ScopeDep,
) -> Response:
    service = evidence_service(request)
    # a file input left empty is no file (none of the three given: the message beside the file); an empty one is refused
    given = {name: upload for name, upload in (("certificate", certificate), ("file", file))
             if upload is not None and file_refusal(upload) != CHOOSE_FILE}
    cert_bytes, file_digest = None, None

    def verify() -> dict[str, Any]:
        errors = {name: refused for name, upload in given.items() if (refused := file_refusal(upload))}
        if not given and not digest.strip():
            errors["file"] = "请选择证书或文件，或填写摘要 / choose a certificate or a file, or paste a digest"
        try:
            check_texts({"digest": (digest, 200)})
        except FormError as refused:
            errors.update(refused.errors)
        if errors:
            raise FormError(errors)
        with session_scope(request.app.state.engine) as session:
            return verify_upload(service, cert_bytes, file_digest, digest, _lookup(request, scope, session))

    has_checkpoint = await run_in_threadpool(service.has_checkpoint)
    try:
        if "certificate" in given and given["certificate"].size:
            cert_bytes = await given["certificate"].read(MAX_CERTIFICATE_BYTES + 1)
            if len(cert_bytes) > MAX_CERTIFICATE_BYTES:
                raise FormError({"certificate": "证书文件过大 / the certificate file is too large"})
        if "file" in given and given["file"].size:
            file_digest = await run_in_threadpool(digest_stream, given["file"].file)
        result = await run_in_threadpool(verify)
    except (FormError, EvidenceError) as refused:  # the form again, the message beside its field
        # a certificate that does not read (damaged, not one of ours) is the certificate field's
        errors = refused.errors if isinstance(refused, FormError) else {"certificate": refused.message}
        return _page(request, "verify.html", {"result": None, "ok": False, "digest": digest, "errors": errors,
                                              "fingerprint": service.public_key.fingerprint,
                                              "has_checkpoint": has_checkpoint},
                     status=422 if isinstance(refused, FormError) else refused.http_status)
    return _page(request, "verify.html", {"result": result, "ok": result["ok"],
                                          "fingerprint": service.public_key.fingerprint,
                                          "has_checkpoint": has_checkpoint}, status=200)


@router.get("/evidence/checkpoint.json", include_in_schema=False)
def checkpoint_file(request: Request) -> Response:
    from zhichan.evidence.witness import export_checkpoint

    data = export_checkpoint(evidence_service(request).latest_checkpoint())
    return Response(data, media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="zhichan-checkpoint.json"'})


@router.get("/evidence/pubkey.pem", include_in_schema=False)
def public_key_file(request: Request) -> Response:
    return PlainTextResponse(evidence_service(request).public_key.to_pem(), media_type="application/x-pem-file")


# -- signed in: deposits ------------------------------------------------------------------------


@router.get("/evidence/deposit", include_in_schema=False)
def deposit_page(request: Request, scope: Scope = ScopeDep) -> Response:
    return _deposit_form(request, scope)


def _deposit_form(request: Request, scope: Scope, *, values: dict[str, str] | None = None,
                  errors: dict[str, str] | None = None, status: int = 200) -> Response:
    """The deposit form: the category a choice the depositor makes (its first option empty, no category chosen for it),
    with what a refused form was sent with and the message beside its field."""
    depositor = _depositor(scope)
    # the name the leaf will record is the caller's organization's (else its user name): shown as that organization
    depositor_en = scope.org_name_en if scope.org_name and depositor == scope.org_name else None
    options = [(c, translate(lang(request), f"evidence.category.{c}")) for c in CATEGORIES]
    return _page(request, "deposit.html", {"categories": options, "depositor": depositor,
                                           "depositor_en": depositor_en, "values": values or {},
                                           "errors": errors or {}}, status=status)


@router.post("/evidence/deposit", include_in_schema=False)
def deposit_submit(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    scope: Scope = ScopeDep,
    title: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    depositor = _depositor(scope)
    values = {"title": title, "category": category, "note": note}  # kept on a refused form (the file chosen again)
    errors = {"file": refused} if (refused := file_refusal(file)) else {}
    try:
        check_texts({"title": (title, 200), "category": (category, 50), "note": (note, 500)})
    except FormError as texts:
        errors.update(texts.errors)
    if "category" not in errors and not category.strip():
        # the depositor chooses; the form's first option is empty (it was 数据知识产权, unasked)
        errors["category"] = "请选择存证类别（文件需重新选择） / Choose the deposit's category (and the file again)"
    if errors:
        return _deposit_form(request, scope, values=values, errors=errors, status=422)
    assert file is not None
    d = digest_stream(file.file)
    service = evidence_service(request)
    entry = service.deposit(DepositRequest(
        sm3=d.sm3, sha256=d.sha256, size=d.size, file_name=FilePath(file.filename or "file").name[:255],
        title=title or FilePath(file.filename or "file").name[:200], depositor=depositor, category=category, note=note or None,
    ), owner=_owner(scope))
    # to the deposit's page (what was deposited, its checks, the certificate's link), which a reload does not
    # deposit again, rather than a PDF download that left the form on screen as if nothing had happened
    return RedirectResponse(deposit_url(entry.index), status_code=303)


def _certificate_pdf(service: EvidenceService, index: int) -> Response:
    from zhichan.evidence.certificate import render_pdf

    return Response(render_pdf(service.certificate(index)), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="evidence-{index}.pdf"'})


#: an entry's number in a page's address (the log's index: a BIGINT)
EntryIndex = Annotated[int, Path(ge=0, le=2**62)]


#: a page of a list (``?page=``)
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/evidence/deposits", include_in_schema=False)
def my_deposits_page(request: Request, page: PageNumber = 1, scope: Scope = ScopeDep,
                     session: Session = DbDep) -> Response:
    """The caller's deposits, newest first (its organization's, by id: zhichan.evidence.scope); sign-in first. To a
    platform administrator, also the newest deposits no one owns (their pages give them an owner)."""
    from zhichan.platform.orgs import RowName, english_names

    service = evidence_service(request)
    mine = my_deposits_view(service, scope, page)
    unowned = unowned_deposits_view(service, scope)
    names = {d["depositor"] for d in (unowned or {}).get("deposits", []) if d["depositor"]}
    found = english_names(session, [RowName(n) for n in names])
    return _page(request, "deposits.html", {"mine": mine, "categories": CATEGORIES, "unowned": unowned,
                                            "depositors_en": {n: found.get(RowName(n)) for n in names}})


@router.get("/api/v1/evidence/deposits", tags=["evidence"], responses=errors(401, 422))
def my_deposits_api(request: Request, page: PageNumber = 1, scope: Scope = ScopeDep) -> MyDeposits:
    """我的存证（需登录；本机构的存证，新者在前，分页） / The caller's deposits (sign-in required; its organization's,
    newest first, paged)."""
    return my_deposits_view(evidence_service(request), scope, page)


@router.get("/evidence/deposits/{index}", include_in_schema=False)
def deposit_entry_page(request: Request, index: EntryIndex, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """A deposit's page, for its depositor (zhichan.evidence.scope): what was deposited, its checks, its certificate's
    link; sign-in first, then a 404 for anyone else."""
    return _deposit_entry(request, scope, session, deposit_view(evidence_service(request), scope, index))


def _deposit_entry(request: Request, scope: Scope, session: Session, deposit: dict[str, Any],
                   form: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    """A deposit's page; to the platform's administrator, on a deposit no one owns, with the form giving it an
    owner (``form``, ``errors``: the form again, its messages beside their fields)."""
    from zhichan.platform.orgs import RowName, english_names, list_orgs

    # the name the leaf records as written: its English name through the organizations (docs/CONTRIBUTING.md)
    names_en = english_names(session, [RowName(deposit.get("depositor"))])
    orgs = list_orgs(session, scope) if deposit.get("unowned") or deposit.get("assigned") else []
    return _page(request, "deposit_entry.html", {
        "d": deposit, "depositor_en": names_en.get(RowName(deposit.get("depositor"))), "categories": CATEGORIES,
        "orgs": orgs, "form": form or {}, "errors": errors or {}}, status=status)


#: the owner forms' fields and their longest texts
OWNER_FIELDS = {"org_id": 20, "username": 80, "reason": 2000, "replaces": 20}


@router.post("/evidence/deposits/{index}/owner", include_in_schema=False)
def deposit_owner_submit(
    request: Request, index: EntryIndex, scope: Scope = ScopeDep, session: Session = DbDep,
    org_id: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """The platform administrator gives a deposit no one owns its owner (zhichan.evidence.owners); anyone else gets the
    deposit page's 404. Then to the deposit's page, which shows the assignment."""
    from zhichan.evidence.owners import assign_owner
    from zhichan.web.security import client_ip

    service = evidence_service(request)
    form = {"org_id": org_id, "username": username, "reason": reason}
    try:
        check_texts({name: (text, OWNER_FIELDS[name]) for name, text in form.items()})
        assign_owner(service.engine, scope, index, org_id=_org_field(org_id), username=username, reason=reason,
                     ip=client_ip(request))
    except FormError as refused:
        return _deposit_entry(request, scope, session, deposit_view(service, scope, index), form, refused.errors, 422)
    except ConflictError as taken:
        # owned meanwhile: the form again with the message beside the field — no more of the deposit than its number
        # (its owner's deposit is not the administrator's to read)
        said = {"index": index, "unowned": True, "conflict": True}
        return _deposit_entry(request, scope, session, said, form,
                              {str(taken.details.get("field") or "org_id"): taken.message}, 409)
    return RedirectResponse(deposit_url(index), status_code=303)


@router.post("/evidence/deposits/{index}/owner/correction", include_in_schema=False)
def deposit_owner_correction_submit(
    request: Request, index: EntryIndex, scope: Scope = ScopeDep, session: Session = DbDep,
    org_id: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    replaces: Annotated[str, Form()] = "",
) -> Response:
    """The platform administrator corrects the owner an administrator gave a deposit (zhichan.evidence.owners): a new
    owner row supersedes the current one; anyone else gets the deposit page's 404. Then to the deposit's page, which
    shows the new owner and the history."""
    from zhichan.evidence.owners import correct_owner
    from zhichan.web.security import client_ip

    service = evidence_service(request)
    form = {"org_id": org_id, "username": username, "reason": reason, "replaces": replaces}
    try:
        check_texts({name: (text, OWNER_FIELDS[name]) for name, text in form.items()})
        correct_owner(service.engine, scope, index, org_id=_org_field(org_id), username=username, reason=reason,
                      replaces=_org_field(replaces), ip=client_ip(request))
    except FormError as refused:
        return _deposit_entry(request, scope, session, deposit_view(service, scope, index), form, refused.errors, 422)
    except ConflictError as taken:  # corrected meanwhile: the page as it is now, the message beside the field
        return _deposit_entry(request, scope, session, deposit_view(service, scope, index), form | {"replaces": ""},
                              {str(taken.details.get("field") or "org_id"): taken.message}, 409)
    return RedirectResponse(deposit_url(index), status_code=303)


def _org_field(number: str) -> int | None:
    """A form's number (an organization's, an owner row's); -1, which none has, for text that is not one: refused."""
    try:
        return int(number) if number.strip() else None
    except ValueError:
        return -1


class OwnerIn(BaseModel):
    """An owner a platform administrator gives or corrects: the organization by its number, optionally a user of it."""

    model_config = ConfigDict(strict=True)

    org_id: int = Field(..., ge=1, le=2**31 - 1, description="存证人机构编号 / the owning organization's number")
    username: BodyText = Field("", max_length=80, description="该机构的用户名（可选） / a user of that organization (optional)")
    reason: BodyText = Field(..., max_length=2000, description="理由（必填，至多 500 字） / the reason (required, up to 500 "
                        "characters)")


class OwnerCorrectionIn(OwnerIn):
    """A correction: the new owner, and the number of the owner row the caller saw and corrects."""

    replaces: int | None = Field(None, ge=0, le=2**31 - 1, description=(
        "所更正的存证人记录序号（history 中的 seq；已被他人更正时 409） / the number of the owner row corrected (its "
        "``seq`` in ``history``; 409 where another correction replaced it meanwhile)"))


class OwnerStep(BaseModel):
    """One owner row an administrator wrote: given (``assigned``) or corrected (``corrected``)."""

    seq: int
    source: str
    replaces: int | None = None
    org_name: str | None = None
    org_name_en: str | None = None
    username: str | None = None
    by: str | None = Field(None, description="指定或更正的管理员 / the administrator who gave or corrected it")
    at: str | None = Field(None, description="时间（UTC） / when (UTC)")
    reason: str | None = None


class OwnerOut(BaseModel):
    """A deposit's owner as an administrator gave it, and how it came to be (oldest first)."""

    index: int
    org_id: int
    org_name: str
    org_name_en: str | None = None
    user_id: int | None = None
    username: str | None = None
    deposit_url: str
    history: list[OwnerStep]


def _owner_out(service: EvidenceService, given: Any) -> OwnerOut:
    from zhichan.evidence.owners import history

    steps = [OwnerStep(**{k: v for k, v in h.items() if k in OwnerStep.model_fields and k != "at"},
                       at=h["at"].isoformat() + "Z" if h.get("at") else None) for h in history(service.engine, given.index)]
    return OwnerOut(index=given.index, org_id=given.org_id, org_name=given.org_name, org_name_en=given.org_name_en,
                    user_id=given.user_id, username=given.username, deposit_url=deposit_url(given.index), history=steps)


_OWNER_ERRORS = errors(400, 401, 403, 404, 409, 422, _403="缺少 CSRF 令牌（会话登录时）/ no CSRF token (signed in by session)",
                       _404="没有该存证，或调用者不是平台管理员 / no such deposit, or the caller is not the platform "
                       "administrator", _409="存证已有存证人（指定）、尚无存证人或刚被更正（更正） / the deposit has an owner "
                       "(give), has none or was corrected meanwhile (correct)")


@router.post("/api/v1/evidence/deposits/{index}/owner", tags=["evidence"], responses=_OWNER_ERRORS)
def deposit_owner_api(body: OwnerIn, request: Request, index: EntryIndex, scope: Scope = ScopeDep) -> OwnerOut:
    """为没有存证人的存证指定存证人（仅平台管理员；记入审计日志） / Give a deposit no one owns its owner (the platform
    administrator only; recorded in the audit log)."""
    from zhichan.evidence.owners import assign_owner
    from zhichan.web.security import client_ip

    service = evidence_service(request)
    given = assign_owner(service.engine, scope, index, org_id=body.org_id, username=body.username, reason=body.reason,
                         ip=client_ip(request), via="api")
    return _owner_out(service, given)


@router.post("/api/v1/evidence/deposits/{index}/owner/corrections", tags=["evidence"], responses=_OWNER_ERRORS)
def deposit_owner_correction_api(body: OwnerCorrectionIn, request: Request, index: EntryIndex,
                                 scope: Scope = ScopeDep) -> OwnerOut:
    """更正管理员指定有误的存证人（仅平台管理员；新记录取代现记录，原记录保留，记入审计日志） / Correct an owner an
    administrator gave by mistake (the platform administrator only; a new row supersedes the current one, which is
    kept; recorded in the audit log)."""
    from zhichan.evidence.owners import correct_owner
    from zhichan.web.security import client_ip

    service = evidence_service(request)
    given = correct_owner(service.engine, scope, index, org_id=body.org_id, username=body.username, reason=body.reason,
                          replaces=body.replaces, ip=client_ip(request), via="api")
    return _owner_out(service, given)


@router.get("/evidence/deposits/{index}/certificate.pdf", include_in_schema=False)
def deposit_certificate(request: Request, index: EntryIndex, scope: Scope = ScopeDep) -> Response:
    """The certificate of a deposit, for its depositor only (the PDF prints the whole leaf): sign-in first, then 404."""
    service = evidence_service(request)
    owned_deposit(service, scope, index)
    return _certificate_pdf(service, index)


#: a digest as the client sends it (the service lowercases it)
DIGEST = r"^[0-9a-fA-F]{64}$"


class DepositIn(BaseModel):
    model_config = ConfigDict(strict=True)

    sm3: str = Field(..., pattern=DIGEST, description="文件 SM3 摘要（64 位十六进制） / file SM3 digest (64 hex)")
    sha256: str = Field(..., pattern=DIGEST, description="文件 SHA-256 摘要（64 位十六进制） / file SHA-256 digest (64 hex)")
    # a title of blanks only is no title (the service collapses white space)
    title: BodyText = Field(..., min_length=1, max_length=200, pattern=r"\S")
    # a client that says none records 其他 (other), which claims nothing of the file; the page's form makes the
    # depositor choose (docs/evidence.md)
    category: BodyText = Field("其他", min_length=1, max_length=50, pattern=r"\S",
                          description=f"存证类别，常用：{'、'.join(CATEGORIES)}；未填为“其他” / category, one of the usual "
                                      "ones or any other; 其他 (other) when left out")
    size: int | None = Field(None, ge=0)
    file_name: BodyText | None = Field(None, max_length=255)
    note: BodyText | None = Field(None, max_length=500)


class DepositOut(BaseModel):
    index: int
    leaf: str
    certificate: Certificate


@router.post("/api/v1/evidence/deposits", tags=["evidence"], responses=errors(
    400, 401, 403, 422, _403="缺少 CSRF 令牌（会话登录时）/ no CSRF token (signed in by session)"))
def deposit_api(body: DepositIn, request: Request, scope: Scope = ScopeDep) -> DepositOut:
    """存证（需登录；客户端本地计算摘要，文件不上传） / Deposit digests computed by the client (sign-in required)."""
    depositor = _depositor(scope)
    service = evidence_service(request)
    entry = service.deposit(DepositRequest(depositor=depositor, **body.model_dump()), owner=_owner(scope))
    return DepositOut(index=entry.index, leaf=entry.leaf, certificate=service.certificate(entry.index))


def _digest_query() -> Any:
    """A digest query parameter (one ``Query`` per parameter: FastAPI keeps the name on it)."""
    return Query(None, pattern=DIGEST, description="原文件摘要（64 位十六进制）/ the file's digest (64 hex)")


@router.post("/api/v1/evidence/verify", tags=["evidence"], responses=errors(
    400, 403, 422, _403="缺少 CSRF 令牌（无 API 令牌时）/ no CSRF token (without an API token)"))
def verify_api(
    request: Request, certificate: Certificate, sm3: str | None = _digest_query(),
    sha256: str | None = _digest_query(),
) -> VerificationReport:
    """离线核验代码核验证书数据（公开） / Verify certificate data with the offline verifier (public)."""
    from zhichan.evidence.verify import verify_certificate

    return verify_certificate(certificate, evidence_service(request).public_key, sm3=sm3 and sm3.lower(),
                              sha256=sha256 and sha256.lower())



@router.get("/api/v1/evidence/lookup", tags=["evidence"], responses=errors(422))
def lookup_api(
    request: Request, digest: Annotated[str, Query(pattern=DIGEST, description=(
        "文件的 SM3 或 SHA-256 摘要（64 位十六进制，客户端计算） / the file's SM3 or SHA-256 digest (64 hex, computed by "
        "the client)"))],
    scope: Scope = ScopeDep, session: Session = DbDep,
) -> Lookup:
    """按文件摘要查找证明该文件的全部条目（公开；办件详情仅向可见该办件者） / Every entry certifying the file with this digest
    (public; a case's details only to a caller who sees the case)."""
    return _lookup(request, scope, session)(digest)


DOMAIN = WebDomain("evidence", (router,), TEMPLATES, menu=menu)
