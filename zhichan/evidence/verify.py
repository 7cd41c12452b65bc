"""Offline verification of an evidence certificate: no database, no network, only the public key.

A certificate proves four things, each a separate check in the report:

1. the file's SM3 and SHA-256 digests are the ones in the log entry (when the file is given);
2. the entry (the exact leaf text) is in the Merkle tree of the checkpoint (RFC 9162 inclusion proof);
3. the checkpoint was signed by the log's SM2 key (the given public key, matched by fingerprint);
4. for a PDF, the digests and index printed on the page are the ones in the embedded data.

Imports stay light (hashlib, gmssl-pyx, pypdf) so this module also works as a stand-alone verifier.
"""

from __future__ import annotations

import io
import json
from typing import Any

from zhichan.evidence import merkle
from zhichan.evidence.keys import PublicKey
from zhichan.evidence.schemas import (
    Certificate,
    CheckpointNote,
    EvidenceError,
    VerificationReport,
    canonical_json,
    unb64,
)

ATTACHMENT_NAME = "zhichan-certificate.json"
METADATA_KEY = "/ZhichanCertificate"


def _leaf_fields(leaf: str) -> dict[str, Any] | None:
    try:
        fields = json.loads(leaf)
    except ValueError:
        return None
    return fields if isinstance(fields, dict) else None


def certified_documents(fields: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The documents an entry lists besides its own file (a case step's 决定书, notices, attachments), each with its
    place in the entry's ``documents``: what the log's document index (``evidence_documents``) holds for the entry."""
    documents = fields.get("documents")
    return [(position, d) for position, d in enumerate(documents if isinstance(documents, list) else [])
            if isinstance(d, dict) and d.get("sm3") and d.get("sha256")]


def certified_files(fields: dict[str, Any]) -> list[dict[str, Any]]:
    """The files an entry certifies, each ``{sm3, sha256, name}``: the entry's own file (a deposit, a registration's
    sample) and the documents of a case step (a generated 决定书, an uploaded 请求书), which the step's entry lists
    with their digests — a document's certificate is its step's."""
    files = []
    if fields.get("sm3") and fields.get("sha256"):
        files.append({"sm3": fields["sm3"], "sha256": fields["sha256"], "name": str(fields.get("file_name") or "")})
    for _, d in certified_documents(fields):
        files.append({"sm3": d["sm3"], "sha256": d["sha256"], "name": str(d.get("file_name") or "")})
    return files


def certified_file(fields: dict[str, Any], *, sm3: str | None = None, sha256: str | None = None) -> dict[str, Any] | None:
    """The file of the entry with these digests (each one given must match), or ``None``."""
    return next((f for f in certified_files(fields) if (sm3 is None or f["sm3"] == sm3)
                 and (sha256 is None or f["sha256"] == sha256)), None)


def verify_certificate(
    cert: Certificate,
    public_key: PublicKey,
    *,
    sm3: str | None = None,
    sha256: str | None = None,
    origin: str | None = None,
) -> VerificationReport:
    """Check a certificate; pass the file's digests to also check that it certifies that file."""
    report = VerificationReport(checks=[])
    leaf = cert.leaf.encode("utf-8")
    fields = _leaf_fields(cert.leaf)
    leaf_ok = fields is not None and canonical_json(fields) == leaf and fields.get("index") == cert.index
    report.add("存证条目 / Entry", leaf_ok, f"第 {cert.index} 条 / Entry {cert.index}" if leaf_ok
               else "叶数据不是该条目的规范 JSON / The leaf is not this entry's canonical JSON")
    fields = fields or {}

    if sm3 is not None or sha256 is not None:
        found = certified_file(fields, sm3=sm3, sha256=sha256)
        certified = "、".join(f["sm3"] for f in certified_files(fields)) or "—"
        named = f" · {found['name']}" if found is not None and found["name"] and "documents" in fields else ""
        report.add(
            "文件摘要 / File digests", found is not None,
            f"SM3 {sm3}{named}" if found is not None
            else f"文件 SM3 {sm3} ≠ 证书所载 {certified} / File SM3 {sm3} ≠ certified {certified}",
        )

    try:
        note = CheckpointNote.parse(cert.checkpoint.note)
    except EvidenceError as exc:
        report.add("检查点 / Checkpoint", False, exc.message)
        return report
    if origin is not None:
        report.add("日志名称 / Log origin", note.origin == origin, note.origin)

    try:
        proof = [unb64(p) for p in cert.inclusion_proof]
    except ValueError:
        proof = None
    included = proof is not None and merkle.verify_inclusion(
        merkle.SM3, cert.index, note.tree_size, merkle.SM3.leaf(leaf), proof, note.root_hash
    )
    report.add(
        "包含证明 / Inclusion proof", included,
        f"第 {cert.index} 条在 {note.tree_size} 条的树中，根 {note.root_hash.hex()[:16]}… / Entry {cert.index} in a tree of "
        f"{note.tree_size}, root {note.root_hash.hex()[:16]}…",
    )

    same_key = cert.checkpoint.key_fingerprint == public_key.fingerprint
    try:
        signature = unb64(cert.checkpoint.signature)
    except ValueError:
        signature = b""
    signed = same_key and public_key.verify(cert.checkpoint.note.encode("utf-8"), signature)
    report.add(
        "检查点签名 (SM2) / Checkpoint signature (SM2)", signed,
        f"公钥 {public_key.fingerprint[:16]}… / Key {public_key.fingerprint[:16]}…" if same_key
        else "签名所用的密钥不是所给公钥 / Signed by a different key than the one given",
    )
    return report


def read_pdf(data: bytes) -> tuple[Certificate, str]:
    """The certificate embedded in a PDF, and the PDF's visible text."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        payload = reader.attachments.get(ATTACHMENT_NAME)  # the attachments are parsed here, lazily
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # anyone may upload; pypdf raises many types on damaged files
        raise EvidenceError("无法读取 PDF 证书（文件已损坏？） / cannot read the PDF certificate (damaged?)") from exc
    if not payload:
        raise EvidenceError(
            f"PDF 中没有嵌入的证书数据 {ATTACHMENT_NAME} / the PDF carries no embedded {ATTACHMENT_NAME}"
        )
    return Certificate.from_json(payload[0]), text


def verify_pdf(
    data: bytes, public_key: PublicKey, *, sm3: str | None = None, sha256: str | None = None, origin: str | None = None
) -> VerificationReport:
    cert, text = read_pdf(data)
    report = verify_certificate(cert, public_key, sm3=sm3, sha256=sha256, origin=origin)
    fields = _leaf_fields(cert.leaf) or {}
    compact = "".join(text.split())
    printed = [f[k] for f in certified_files(fields) for k in ("sm3", "sha256")]
    # an entry without digests (a data-IP registration without a sample, a step without documents) prints its
    # number only
    shown = all(value in compact for value in printed) and f"#{cert.index}" in compact
    # and every other field the page prints as the entry records it: a page whose pledgor, amount or term was
    # changed around the genuine embedded certificate was reported as verified
    from zhichan.evidence.certificate import LABELS, UNCERTIFIED, printed_rows

    differ = [label for label, value, _ in printed_rows(fields) if "".join(value.split()) not in compact]
    # a case step's entry recorded before it kept the procedure's and step's names: its certificate prints them from the
    # declaration, each marked as not certified — a page printing a name without the mark passes it off as certified
    if fields.get("kind") == "procedure.step":
        unrecorded = [LABELS[name][0] for name in ("procedure_title", "step_title") if name not in fields]
        if sum(compact.count("".join(label.split())) for label in unrecorded) > compact.count("".join(UNCERTIFIED.split())):
            differ.extend(unrecorded)
    report.add("证书页面内容 / Printed data", shown and not differ,
               "页面印有证书所载摘要与条目编号 / The page shows the certified digests and entry number" if shown
               and not differ else
               "页面未印出证书所载摘要或条目编号 / The page does not show the certified digests or entry number"
               if not shown else "页面所印内容与证书所载不符：" + "、".join(label.split(" ", 1)[0] for label in differ)
               + " / The page does not print what the certificate records: "
               + ", ".join(label.split(" ", 1)[-1] for label in differ))
    return report
