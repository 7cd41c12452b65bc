"""Witnesses (见证): exported checkpoints that outside parties keep, and the audit that compares two.

A notary, a court or another city's platform keeps the log's signed checkpoints as files. Later,
given an older checkpoint OLD and a newer one NEW, anyone can check — without trusting the
platform — that NEW's tree is an append-only extension of OLD's (RFC 9162 §2.1.4 consistency
proof). If the operator rewrote history, the two checkpoints are a *split view*: both carry valid
signatures, but no consistency proof links them, and :func:`audit_checkpoints` says so.

Exported checkpoint file (``zhichan-checkpoint/1``, UTF-8 JSON, one object)::

    {"format": "zhichan-checkpoint/1",
     "note": "<origin>\\n<tree size>\\n<base64 SM3 root>\\n<UTC time>\\n",
     "signature": "<base64 DER SM2 signature over the note's UTF-8 bytes, ID 1234567812345678>",
     "key_fingerprint": "<hex SM3 of the signer's SubjectPublicKeyInfo DER>"}

The note is the exact signed text; the other fields are only convenience. The public key is *not*
in the file: a witness verifies with the key it obtained separately (``--pubkey``).

No database and no network here; the consistency proof comes from the caller (the log, or a file
written by ``zhichan evidence consistency``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from zhichan.errors import NotFoundError
from zhichan.evidence import merkle
from zhichan.evidence.keys import PublicKey
from zhichan.evidence.schemas import (
    CheckpointNote,
    ConsistencyProof,
    EvidenceError,
    SignedCheckpoint,
    VerificationReport,
    unb64,
)

CHECKPOINT_FORMAT = "zhichan-checkpoint/1"


class ExportedCheckpoint(BaseModel):
    format: str = CHECKPOINT_FORMAT
    note: str
    signature: str
    key_fingerprint: str

    @classmethod
    def of(cls, signed: SignedCheckpoint) -> ExportedCheckpoint:
        return cls(note=signed.note, signature=signed.signature, key_fingerprint=signed.key_fingerprint)

    def signed(self) -> SignedCheckpoint:
        return SignedCheckpoint(note=self.note, signature=self.signature, key_fingerprint=self.key_fingerprint)


def export_checkpoint(signed: SignedCheckpoint) -> bytes:
    """The witness file for one signed checkpoint (see the module docstring for the format)."""
    return (ExportedCheckpoint.of(signed).model_dump_json(indent=2) + "\n").encode("utf-8")


def parse_checkpoint(data: bytes | str) -> SignedCheckpoint:
    try:
        exported = ExportedCheckpoint.model_validate_json(data)
    except ValidationError as exc:
        raise EvidenceError("检查点文件无法解析 / not a checkpoint file (zhichan-checkpoint/1 JSON)") from exc
    if exported.format != CHECKPOINT_FORMAT:
        raise EvidenceError(f"不支持的检查点格式 {exported.format} / unsupported checkpoint format {exported.format}")
    signed = exported.signed()
    signed.parsed  # noqa: B018 - raises EvidenceError on a malformed note
    return signed


def read_checkpoint(path: Path) -> SignedCheckpoint:
    try:
        return parse_checkpoint(path.read_bytes())
    except FileNotFoundError as exc:
        raise NotFoundError(f"找不到检查点文件 {path} / checkpoint file not found: {path}") from exc


def parse_consistency(data: bytes | str) -> ConsistencyProof:
    """A consistency proof file as written by ``zhichan evidence consistency`` (JSON, hex path)."""
    try:
        return ConsistencyProof.model_validate_json(data)
    except ValidationError as exc:
        raise EvidenceError("一致性证明文件无法解析 / not a consistency proof file") from exc


def check_signature(report: VerificationReport, label: str, signed: SignedCheckpoint, key: PublicKey) -> bool:
    if signed.key_fingerprint != key.fingerprint:
        return report.add(f"{label} signature / 签名", False, "signed by a different key than the one given / 签名密钥不符")
    try:
        signature = unb64(signed.signature)
    except ValueError:
        signature = b""
    ok = key.verify(signed.note.encode("utf-8"), signature)
    return report.add(f"{label} signature / 签名", ok, f"SM2, key {key.fingerprint[:16]}…" if ok else "SM2 signature does not verify")


def order(a: SignedCheckpoint, b: SignedCheckpoint) -> tuple[SignedCheckpoint, SignedCheckpoint, bool]:
    """``(older, newer, swapped)`` by tree size (the audit accepts the two files in either order)."""
    if a.parsed.tree_size > b.parsed.tree_size:
        return b, a, True
    return a, b, False


def audit_checkpoints(
    old: SignedCheckpoint,
    new: SignedCheckpoint,
    public_key: PublicKey,
    proof: Sequence[bytes] | None,
    *,
    missing: str = "",
) -> VerificationReport:
    """Does NEW extend OLD? Both signatures, the same log, and the consistency proof between them.

    ``old`` must not be larger than ``new`` (use :func:`order`). ``proof`` is the RFC 9162
    consistency proof from ``old``'s size to ``new``'s (not needed when the sizes are equal: then
    the roots must simply be the same). A failed consistency check is reported as a split view.
    """
    report = VerificationReport(checks=[])
    a, b = old.parsed, new.parsed
    check_signature(report, f"OLD (size {a.tree_size})", old, public_key)
    check_signature(report, f"NEW (size {b.tree_size})", new, public_key)
    report.add("same log / 同一日志", a.origin == b.origin, a.origin if a.origin == b.origin else f"{a.origin!r} ≠ {b.origin!r}")
    if a.tree_size > b.tree_size:
        report.add("sizes / 大小", False, f"OLD has {a.tree_size} entries, more than NEW's {b.tree_size}")
        return report
    if a.tree_size == b.tree_size:
        same = a.root_hash == b.root_hash
        report.add(
            "consistency / 一致性", same,
            f"same size {a.tree_size}, same root" if same else split_view_message(a, b),
        )
        return report
    if proof is None:
        report.add("consistency / 一致性", False, missing or "no consistency proof available / 无一致性证明")
        return report
    ok = merkle.verify_consistency(merkle.SM3, a.tree_size, b.tree_size, a.root_hash, b.root_hash, proof)
    report.add(
        "consistency / 一致性", ok,
        f"tree of {b.tree_size} extends tree of {a.tree_size} (RFC 9162 proof, {len(proof)} hashes)"
        if ok else split_view_message(a, b),
    )
    return report


def split_view_message(a: CheckpointNote, b: CheckpointNote) -> str:
    return (
        f"历史被改写（分叉视图）：大小 {b.tree_size} 的日志不是大小 {a.tree_size} 的日志的追加扩展 / SPLIT VIEW: "
        f"the log of size {b.tree_size} (root {b.root_hash.hex()[:16]}…) does not extend the log of size "
        f"{a.tree_size} (root {a.root_hash.hex()[:16]}…) — history was rewritten"
    )


def proof_from_file(proof: ConsistencyProof, first: int, second: int) -> list[bytes]:
    if (proof.first, proof.second) != (first, second):
        raise EvidenceError(
            f"一致性证明针对大小 {proof.first}→{proof.second}，而检查点为 {first}→{second} / the proof is for sizes "
            f"{proof.first}→{proof.second}, the checkpoints are {first}→{second}"
        )
    try:
        return [bytes.fromhex(p) for p in proof.path]
    except ValueError as exc:
        raise EvidenceError("一致性证明中的哈希不是十六进制 / proof hashes must be hex") from exc
