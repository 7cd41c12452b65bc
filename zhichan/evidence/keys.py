"""The log's SM2 signing key (GB/T 32918 / GM/T 0003) and its file formats.

Signatures come from ``gmssl-pyx`` (GmSSL): SM2 with the SM3 hash and the signer-identity hash Z
(default ID ``1234567812345678``, as GM/T 0009 recommends), DER-encoded ``(r, s)``. The test suite
checks it against the published GB/T 32918.5 Annex A example and against OpenSSL's independent
SM2 implementation (see docs/evidence.md).

Files are the standard PEM containers so other tools can read them: the private key is a SEC 1
``EC PRIVATE KEY`` on the SM2 curve (OID 1.2.156.10197.1.301), written with mode 0600; the public
key is a ``PUBLIC KEY`` (SubjectPublicKeyInfo). The DER of both is fixed-length for SM2, so it is
built from fixed prefixes rather than a general ASN.1 library. The key's fingerprint is the SM3
hash of the public key's SubjectPublicKeyInfo DER.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import gmssl_pyx

from zhichan.errors import ConflictError, InputError, NotFoundError

SIGNER_ID = b"1234567812345678"

# SubjectPublicKeyInfo { AlgorithmIdentifier { id-ecPublicKey, sm2 }, BIT STRING 04||X||Y }
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")
# ECPrivateKey { 1, OCTET STRING d, [0] sm2, [1] BIT STRING 04||X||Y }
_SEC1_HEAD = bytes.fromhex("307702010104")
_SEC1_MID = bytes.fromhex("a00a06082a811ccf5501822da144034200")

# SM2 recommended curve (GB/T 32918.5): y² = x³ + ax + b over F_p — to reject points not on it.
_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
_A = _P - 3
_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93

PRIVATE_KEY_FILE = "log-signing-key.pem"
PUBLIC_KEY_FILE = "log-signing-key.pub.pem"


class SigningKeyError(InputError):
    code = "evidence.key"


def _pem(label: str, der: bytes) -> str:
    b64 = base64.b64encode(der).decode()
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _unpem(text: str, label: str) -> bytes:
    m = re.search(rf"-----BEGIN {label}-----(.+?)-----END {label}-----", text, re.S)
    if not m:
        raise SigningKeyError(f"不是 {label} PEM 文件 / not a {label} PEM file")
    try:
        return base64.b64decode("".join(m.group(1).split()), validate=True)
    except binascii.Error as exc:
        raise SigningKeyError(f"{label} PEM 内容损坏 / damaged {label} PEM") from exc


@dataclass(frozen=True)
class PublicKey:
    raw: bytes  # X || Y, 64 bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 64:
            raise SigningKeyError("SM2 公钥应为 64 字节 / an SM2 public key is 64 bytes (X||Y)")
        x, y = int.from_bytes(self.raw[:32], "big"), int.from_bytes(self.raw[32:], "big")
        if not (x < _P and y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0):
            raise SigningKeyError("公钥不在 SM2 曲线上 / the public key is not a point on the SM2 curve")

    @property
    def spki_der(self) -> bytes:
        return _SPKI_PREFIX + b"\x04" + self.raw

    @property
    def fingerprint(self) -> str:
        """SM3 of the SubjectPublicKeyInfo DER, hex."""
        return hashlib.new("sm3", self.spki_der).hexdigest()

    def to_pem(self) -> str:
        return _pem("PUBLIC KEY", self.spki_der)

    def to_hex(self) -> str:
        """Uncompressed point ``04||X||Y`` in hex (the form most SM2 tools print)."""
        return "04" + self.raw.hex()

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            return bool(gmssl_pyx.sm2_verify(self.raw, message, signature, SIGNER_ID))
        except gmssl_pyx.GmsslInnerError:
            return False

    @classmethod
    def from_text(cls, text: str) -> PublicKey:
        """Read a PEM ``PUBLIC KEY`` or a hex point (``04||X||Y`` or ``X||Y``)."""
        text = text.strip()
        if text.startswith("-----BEGIN"):
            der = _unpem(text, "PUBLIC KEY")
            if len(der) != len(_SPKI_PREFIX) + 65 or not der.startswith(_SPKI_PREFIX + b"\x04"):
                raise SigningKeyError("不是 SM2 公钥 / not an SM2 public key (SubjectPublicKeyInfo on curve sm2)")
            return cls(der[len(_SPKI_PREFIX) + 1 :])
        try:
            raw = bytes.fromhex(text)
        except ValueError as exc:
            raise SigningKeyError("公钥应为 PEM 或十六进制 / public key must be PEM or hex") from exc
        if len(raw) == 65 and raw[0] == 4:
            raw = raw[1:]
        try:
            return cls(gmssl_pyx.normalize_sm2_public_key(raw) if len(raw) == 33 else raw)
        except gmssl_pyx.InvalidValueError as exc:
            raise SigningKeyError("无效的 SM2 公钥 / invalid SM2 public key") from exc

    @classmethod
    def load(cls, path: Path) -> PublicKey:
        try:
            return cls.from_text(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise NotFoundError(f"找不到公钥文件 {path} / public key file not found: {path}") from exc


@dataclass(frozen=True)
class SigningKey:
    private: bytes  # d, 32 bytes
    public: PublicKey

    @classmethod
    def generate(cls) -> SigningKey:
        pub, priv = gmssl_pyx.sm2_key_generate()
        return cls(priv, PublicKey(pub))

    def sign(self, message: bytes) -> bytes:
        return bytes(gmssl_pyx.sm2_sign(self.private, self.public.raw, message, SIGNER_ID))

    def to_pem(self) -> str:
        der = _SEC1_HEAD + b"\x20" + self.private + _SEC1_MID + b"\x04" + self.public.raw
        return _pem("EC PRIVATE KEY", der)

    @classmethod
    def from_pem(cls, text: str) -> SigningKey:
        der = _unpem(text, "EC PRIVATE KEY")
        head = _SEC1_HEAD + b"\x20"
        if len(der) != 121 or not der.startswith(head) or der[39 : 39 + len(_SEC1_MID) + 1] != _SEC1_MID + b"\x04":
            raise SigningKeyError("不是 SM2 私钥 / not an SM2 private key (SEC 1 ECPrivateKey on curve sm2)")
        return cls(der[7:39], PublicKey(der[39 + len(_SEC1_MID) + 1 :]))


def key_dir(data_dir: Path) -> Path:
    return data_dir / "evidence"


def write_keypair(directory: Path, key: SigningKey, *, overwrite: bool = False) -> tuple[Path, Path]:
    """Write the key pair; the private key file is created with mode 0600 and never world-readable."""
    directory.mkdir(parents=True, exist_ok=True)
    priv_path, pub_path = directory / PRIVATE_KEY_FILE, directory / PUBLIC_KEY_FILE
    if priv_path.exists() and not overwrite:
        raise ConflictError(
            f"签名密钥已存在：{priv_path}；更换密钥会使已签发的检查点无法用新公钥验证 / "
            f"signing key already exists at {priv_path}; replacing it would orphan every checkpoint signed so far"
        )
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(priv_path, flags, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.to_pem())
    os.chmod(priv_path, 0o600)
    pub_path.write_text(key.public.to_pem(), encoding="ascii")
    return priv_path, pub_path


def load_signing_key(directory: Path, *, create: bool = True) -> SigningKey:
    """The log's key from ``directory``; generated on first use when ``create``."""
    path = directory / PRIVATE_KEY_FILE
    if not path.exists():
        if not create:
            raise NotFoundError(
                f"尚未生成签名密钥，请运行 zhichan evidence keygen / no signing key at {path}: run `zhichan evidence keygen`"
            )
        key = SigningKey.generate()
        write_keypair(directory, key)
        return key
    if path.stat().st_mode & 0o077:
        raise SigningKeyError(
            f"私钥文件权限过宽，请执行 chmod 600 {path} / private key file {path} is readable by others: chmod 600 it"
        )
    return SigningKey.from_pem(path.read_text(encoding="ascii"))
