"""SM2 signing key: published GB/T 32918 example, an independent reference, OpenSSL, key files."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.evidence import sm2_reference as ref
from zhichan.errors import ConflictError
from zhichan.evidence.keys import PublicKey, SigningKey, SigningKeyError, load_signing_key, write_keypair

# GB/T 32918.5-2017 (GM/T 0003.5-2012) Annex A: signature on the recommended curve.
ANNEX_D = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
ANNEX_PUB = bytes.fromhex(
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
ANNEX_K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
ANNEX_Z = "b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3"
ANNEX_R = 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
ANNEX_S = 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA
MESSAGE = b"message digest"


def _point(raw: bytes) -> tuple[int, int]:
    return int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")


def test_reference_sm2_reproduces_the_published_example() -> None:
    assert ref.mul(ANNEX_D, ref.G) == _point(ANNEX_PUB)
    assert ref.z_value(_point(ANNEX_PUB)).hex() == ANNEX_Z
    assert ref.sign(ANNEX_D, MESSAGE, ANNEX_K) == (ANNEX_R, ANNEX_S)
    assert ref.verify(_point(ANNEX_PUB), MESSAGE, ANNEX_R, ANNEX_S)


def test_gmssl_verifies_the_published_example() -> None:
    key = PublicKey(ANNEX_PUB)
    der = ref.rs_to_der(ANNEX_R, ANNEX_S)
    assert key.verify(MESSAGE, der)
    assert not key.verify(b"message digesT", der)
    assert not key.verify(MESSAGE, ref.rs_to_der(ANNEX_R, ANNEX_S ^ 1))


def test_gmssl_signatures_verify_with_the_reference_and_back() -> None:
    key = SigningKey.generate()
    d = int.from_bytes(key.private, "big")
    assert ref.mul(d, ref.G) == _point(key.public.raw)
    for message in (b"", "检查点".encode(), bytes(range(256))):
        r, s = ref.der_to_rs(key.sign(message))
        assert ref.verify(_point(key.public.raw), message, r, s)
        assert not ref.verify(_point(key.public.raw), message + b"x", r, s)
        assert key.public.verify(message, ref.rs_to_der(*ref.sign(d, message, 0x1234567)))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl command not installed")
def test_openssl_reads_our_key_files_and_signatures(tmp_path: Path) -> None:
    key = SigningKey.generate()
    priv, pub = write_keypair(tmp_path, key)
    (tmp_path / "msg").write_bytes("zhichan 存证".encode())
    (tmp_path / "sig").write_bytes(key.sign((tmp_path / "msg").read_bytes()))
    opts = ["-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678"]
    ok = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(pub), *opts,
         "-in", str(tmp_path / "msg"), "-sigfile", str(tmp_path / "sig")],
        capture_output=True, text=True,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    subprocess.run(
        ["openssl", "pkeyutl", "-sign", "-inkey", str(priv), *opts,
         "-in", str(tmp_path / "msg"), "-out", str(tmp_path / "sig2")],
        check=True, capture_output=True,
    )
    assert key.public.verify((tmp_path / "msg").read_bytes(), (tmp_path / "sig2").read_bytes())


def test_key_files_round_trip_with_private_mode_0600(tmp_path: Path) -> None:
    key = load_signing_key(tmp_path / "evidence")
    priv = tmp_path / "evidence" / "log-signing-key.pem"
    assert stat.S_IMODE(priv.stat().st_mode) == 0o600
    assert load_signing_key(tmp_path / "evidence") == key
    assert PublicKey.load(tmp_path / "evidence" / "log-signing-key.pub.pem") == key.public
    with pytest.raises(ConflictError):
        write_keypair(tmp_path / "evidence", SigningKey.generate())
    priv.chmod(0o644)
    with pytest.raises(SigningKeyError, match="chmod 600"):
        load_signing_key(tmp_path / "evidence")


def test_public_key_text_forms() -> None:
    key = SigningKey.generate().public
    assert PublicKey.from_text(key.to_pem()) == key
    assert PublicKey.from_text(key.to_hex()) == key
    assert PublicKey.from_text(key.raw.hex()) == key
    assert len(key.fingerprint) == 64
    for bad in ("zz", "04" + "00" * 64, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"):
        with pytest.raises(SigningKeyError):
            PublicKey.from_text(bad)
