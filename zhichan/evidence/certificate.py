"""PDF certificates (存证证书) with a QR code, rendered by WeasyPrint with Noto Sans CJK.

The machine-readable certificate (:class:`~zhichan.evidence.schemas.Certificate` as JSON) goes
into the PDF twice: as the embedded file ``zhichan-certificate.json`` (always complete) and in the
QR code (complete when it fits a version-40 QR code at error-correction level L, 2,953 bytes;
otherwise a short form with the entry number, digests and checkpoint, and the page says so). Where the platform's
public address is configured (``ZHICHAN_PUBLIC_BASE_URL``) a second, small QR code holds the address of the
file's online verification page, for a phone's camera.
``zhichan evidence verify FILE CERT.pdf --pubkey KEY`` reads the embedded file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from zhichan.errors import MissingDependency
from zhichan.evidence.schemas import Certificate, CheckpointNote
from zhichan.evidence.verify import ATTACHMENT_NAME
from zhichan.platform.qr import qr_data_uri

TEMPLATES = Path(__file__).resolve().parent / "templates"

HEADINGS = {
    "deposit": ("电子数据存证证书", "Electronic Evidence Deposit Certificate"),
    "dataip.application": ("数据知识产权登记申请存证证明", "Data-IP Registration Application Record"),
    "dataip.decision": ("数据知识产权登记证书", "Data Intellectual Property Registration Certificate"),
    "procedure.step": ("办件步骤存证证明", "Case Step Record"),
    "exchange.open_licence.licence": ("开放许可达成存证证明", "Open Licence Record"),
    "exchange.open_licence.record": ("开放许可备案存证证明", "Open Licence Recording Record"),
    "exchange.bid": ("网络竞价出价存证证明", "Auction Bid Record"),
    "exchange.auction.close": ("网络竞价结果存证证明", "Auction Result Record"),
    "exchange.auction.stop": ("网络竞价中止、恢复或终止存证证明", "Auction Suspension, Resumption or Termination Record"),
    "finance.pledge_registration": ("知识产权质押登记证书", "IP Pledge Registration Certificate"),
}

LABELS: dict[str, tuple[str, bool]] = {  # field -> (label, printed in monospace)
    "procedure_title": ("办理事项 Procedure", False),  # a case step's, by their declared names
    "step_title": ("办理步骤 Step", False),
    "registration_no": ("登记号 Registration No.", False),
    "decision": ("登记结论 Decision", False),
    "pledgor": ("出质人 Pledgor", False),
    "pledgee": ("质权人 Pledgee", False),
    "debt_amount": ("被担保主债权数额 Secured debt", False),
    "debt_term": ("债务履行期 Debt term", False),
    "rights": ("出质的权利 Pledged rights", False),
    "registered_on": ("登记日 Registered on", False),
    "case": ("办件编号 Case", False),
    "actor": ("办理人 Taken by", False),
    "title": ("名称 Title", False),
    "category": ("类别 Category", False),
    "data_name": ("数据名称 Data name", False),
    "depositor": ("存证人 Depositor", False),
    "applicant": ("申请人 Applicant", False),
    "file_name": ("文件名 File name", False),
    "size": ("文件大小 Size (bytes)", False),
    "media_type": ("文件类型 Media type", False),
    "data_source": ("数据来源 Data source", False),
    "data_scale": ("数据规模 Data scale", False),
    "data_structure": ("数据结构 Data structure", False),
    "update_frequency": ("更新频率 Update frequency", False),
    "processing_rules": ("算法规则 Processing rules", False),
    "usage_scenario": ("应用场景 Usage scenario", False),
    "description": ("说明 Description", False),
    "notice_start": ("公示开始 Notice from", False),
    "notice_end": ("公示截止 Notice until", False),
    "application_index": ("申请存证条目 Application entry", False),
    "note": ("备注 Note", False),
    "time": ("存证时间 Deposit time", False),
    "sm3": ("SM3 摘要 SM3 digest", True),
    "sha256": ("SHA-256 摘要 SHA-256 digest", True),
}


#: a coded value an entry records, as the certificate prints it (the page is bilingual, as its labels)
CODED: dict[str, dict[str, str]] = {
    "decision": {"registered": "准予登记 Registered", "rejected": "不予登记 Refused"},
}


@lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    return env.get_template("certificate.html")


def _beijing(utc_text: str) -> str:
    from zhichan.legaltime import china_moment

    moment = china_moment(dt.datetime.strptime(utc_text, "%Y-%m-%dT%H:%M:%S.%fZ"))
    return f"{moment:%Y-%m-%d %H:%M:%S} 北京时间 Beijing time (UTC+8)　{utc_text}"


def _category(value: str) -> str:
    """A deposit's category as the certificate prints it: one of the usual ones in both languages (设计稿 Design
    drafts, from the catalogues), any other label as the depositor wrote it."""
    from zhichan.evidence.service import CATEGORIES
    from zhichan.web.i18n import translate

    return f"{value} {translate('en', f'evidence.category.{value}')}" if value in CATEGORIES else value


#: the longest certificate a QR code carries whole; a longer one (a log of more entries: a longer inclusion proof) is
#: carried in the short form, without the proof
QR_FULL_MAX_BYTES = 2900


def qr_payload(cert: Certificate) -> tuple[bytes, bool]:
    """The QR code's content and whether it is the short form."""
    full = cert.to_json()
    if len(full) <= QR_FULL_MAX_BYTES:
        return full, False
    fields = json.loads(cert.leaf)
    short = {
        "format": cert.format + "#short",
        "index": cert.index,
        "sm3": fields.get("sm3"),
        "sha256": fields.get("sha256"),
        "checkpoint": cert.checkpoint.model_dump(),
    }
    return json.dumps(short, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), True


def verification_url(cert: Certificate) -> str | None:
    """The address a phone's camera opens to verify the certified file online: the verify page looking up the
    entry's first certified file (its own, else a case step's first document) by SM3, under the configured
    ``public_base_url``. ``None`` without that setting (the platform does not know its own public address) or for an
    entry certifying no file."""
    from zhichan.evidence.verify import certified_files
    from zhichan.settings import get_settings

    base = get_settings().public_base_url
    files = certified_files(json.loads(cert.leaf))
    if base is None or not files:
        return None
    return f"{base}/evidence/verify?digest={files[0]['sm3']}"


def printed_rows(fields: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(label, value as printed, monospace) of every field of the entry ``fields`` (its leaf) the page prints: what the
    page shows and what the verification finds on it (:func:`zhichan.evidence.verify.verify_pdf`)."""
    kind = fields.get("kind", "deposit")
    rows = []
    for name, (label, is_hex) in LABELS.items():
        if name in fields:
            value = _beijing(fields[name]) if name == "time" else str(fields[name])
            value = CODED.get(name, {}).get(value, value)
            if name == "category" and kind == "deposit":
                value = _category(value)
            elif name == "size" and isinstance(fields[name], int):
                value = f"{fields[name]:,}"  # 1,048,576: a size a reader counts the digits of
            rows.append((label, value, is_hex))
    return rows


#: what a certificate prints beside a row the entry does not record (:func:`render_html`'s ``details``), and what
#: ``/verify`` requires on the page of an entry that prints such rows (:func:`zhichan.evidence.verify.verify_pdf`)
UNCERTIFIED = "不属于存证内容（据现行声明打印） · Not part of the certified record (printed from the current declaration)"


def render_html(cert: Certificate, *, details: tuple[tuple[str, str], ...] = (), synthetic: bool = False) -> str:
    """``details``: (label, value) rows the caller knows and the entry does not record (a case step's procedure and
    step names, from its declaration, for an entry recorded before it kept them), each marked :data:`UNCERTIFIED`;
    ``synthetic``: what the entry records is synthetic demo data."""
    fields = json.loads(cert.leaf)
    kind = fields.get("kind", "deposit")
    heading, heading_en = HEADINGS.get(kind, (cert.title or "存证证明", "Evidence Record"))
    rows = printed_rows(fields)
    documents = fields.get("documents") if isinstance(fields.get("documents"), list) else []
    note = CheckpointNote.parse(cert.checkpoint.note)
    payload, compact = qr_payload(cert)
    url = verification_url(cert)
    return str(
        _template().render(
            cert=cert, heading=heading, heading_en=heading_en, rows=rows, note=note, origin=note.origin,
            qr_data_uri=qr_data_uri(payload), qr_mm=52, qr_compact=compact,
            url=url, url_qr_data_uri=url and qr_data_uri(url.encode()),
            attachment_name=ATTACHMENT_NAME, documents=[d for d in documents if isinstance(d, dict)],
            synthetic=synthetic, details=details, uncertified=UNCERTIFIED,
        )
    )


def render_pdf(cert: Certificate, *, details: tuple[tuple[str, str], ...] = (), synthetic: bool = False) -> bytes:
    """The certificate as PDF bytes, with the certificate JSON embedded as a file (``details``, ``synthetic``: see
    :func:`render_html`)."""
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - weasyprint is a core dependency
        raise MissingDependency("WeasyPrint", "pip install weasyprint") from exc
    attachment = weasyprint.Attachment(
        file_obj=io.BytesIO(cert.to_json()), name=ATTACHMENT_NAME,
        description="zhichan evidence certificate (machine-readable) / 证书核验数据",
    )
    from zhichan.untrusted import printable

    # a title or name stored before the forms refused control characters: U+FFFD, not a failed certificate
    html = weasyprint.HTML(string=printable(render_html(cert, details=details, synthetic=synthetic)),
                           base_url=str(TEMPLATES))
    return bytes(html.write_pdf(attachments=[attachment]))
