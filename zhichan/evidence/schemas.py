"""What the evidence service returns: entries, checkpoints, proofs, certificates, audit reports.

These are plain pydantic models with hex/base64 strings, ready for a JSON API or a template.
The text formats that get signed or hashed (the canonical leaf, the checkpoint note) are defined
here too, once, because the offline verifier must rebuild them byte for byte.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from zhichan.errors import InputError

CERTIFICATE_FORMAT = "zhichan-evidence-certificate/1"


class EvidenceError(InputError):
    code = "evidence"


def canonical_json(obj: dict[str, Any]) -> bytes:
    """The leaf encoding: UTF-8 JSON, keys sorted, no whitespace, non-ASCII kept (deterministic)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def utc_text(moment: dt.datetime) -> str:
    """ISO 8601 UTC with microseconds and a Z, from a naive-UTC or aware datetime."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


class Entry(BaseModel):
    """One log entry. ``leaf`` is the exact text whose UTF-8 bytes are the Merkle leaf."""

    index: int
    kind: str
    leaf: str
    fields: dict[str, Any]
    leaf_hash: str  # hex SM3(0x00 || leaf)

    @property
    def sm3(self) -> str | None:
        return self.fields.get("sm3")

    @property
    def sha256(self) -> str | None:
        return self.fields.get("sha256")


class CheckpointNote(BaseModel):
    """The signed text of a checkpoint (C2SP tlog-checkpoint layout: origin, size, base64 root, then time)."""

    origin: str
    tree_size: int
    root_hash: bytes
    time: str

    def text(self) -> str:
        return f"{self.origin}\n{self.tree_size}\n{b64(self.root_hash)}\n{self.time}\n"

    @classmethod
    def parse(cls, text: str) -> CheckpointNote:
        lines = text.split("\n")
        if len(lines) != 5 or lines[4] != "" or not lines[1].isdigit():
            raise EvidenceError("检查点格式错误 / malformed checkpoint note")
        try:
            root = unb64(lines[2])
        except ValueError as exc:
            raise EvidenceError("检查点根哈希格式错误 / malformed checkpoint root hash") from exc
        return cls(origin=lines[0], tree_size=int(lines[1]), root_hash=root, time=lines[3])


class SignedCheckpoint(BaseModel):
    # strict: what a client sends is checked as typed (lax mode would take ``false`` for an index)
    model_config = ConfigDict(strict=True)

    note: str
    signature: str  # base64 DER SM2 signature over note's UTF-8 bytes
    key_fingerprint: str  # hex SM3 of the signer's SubjectPublicKeyInfo

    @property
    def parsed(self) -> CheckpointNote:
        return CheckpointNote.parse(self.note)

    @property
    def tree_size(self) -> int:
        return self.parsed.tree_size

    @property
    def root_hash(self) -> str:
        return self.parsed.root_hash.hex()


class InclusionProof(BaseModel):
    index: int
    tree_size: int
    leaf_hash: str
    path: list[str]  # hex, leaf to root (RFC 9162 order)
    checkpoint: SignedCheckpoint


class ConsistencyProof(BaseModel):
    first: int
    second: int
    path: list[str]
    first_checkpoint: SignedCheckpoint | None
    second_checkpoint: SignedCheckpoint


class Certificate(BaseModel):
    """Everything needed to check one entry offline; embedded in the PDF and (if it fits) in its QR code."""

    model_config = ConfigDict(strict=True)

    format: str = CERTIFICATE_FORMAT
    index: int = Field(ge=0)
    leaf: str
    inclusion_proof: list[str]  # base64, leaf to root
    checkpoint: SignedCheckpoint
    title: str = Field("", description="Heading printed on the certificate (not signed; the leaf is).")

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_defaults=False).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str) -> Certificate:
        try:
            cert = cls.model_validate_json(data)
        except ValueError as exc:
            raise EvidenceError("证书数据无法解析 / certificate data is not valid JSON of the expected shape") from exc
        if cert.format != CERTIFICATE_FORMAT:
            raise EvidenceError(f"不支持的证书格式 {cert.format} / unsupported certificate format {cert.format}")
        return cert


class Check(BaseModel):
    name: str
    ok: bool
    detail: str = ""


class VerificationReport(BaseModel):
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name=name, ok=ok, detail=detail))
        return ok


class AuditReport(BaseModel):
    """``problems`` fail the audit (the database does not say what the log says, or was altered); ``notices`` are
    what the audit reports without failing (deposits no one owns: docs/evidence.md, "Who deposited")."""

    tree_size: int
    checkpoints: int
    problems: list[str]
    notices: list[str] = []

    @property
    def ok(self) -> bool:
        return not self.problems
