"""Witnesses: exported checkpoints and ``audit OLD NEW`` — consistent histories pass, rewritten ones (split views) fail."""

from __future__ import annotations

import base64
import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.evidence.helpers import request
from zhichan.evidence import merkle, witness
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.log import sign_checkpoint, to_signed
from zhichan.evidence.schemas import EvidenceError, SignedCheckpoint
from zhichan.evidence.service import EvidenceService
from zhichan.platform.db import make_engine, upgrade

NOW = dt.datetime(2025, 3, 3, 8, 0, 0)
ORIGIN = "test.zhichan/evidence"


def fill(log: EvidenceService, sizes: list[int], *, changed: int | None = None) -> dict[int, SignedCheckpoint]:
    """Append deposits in batches ending at ``sizes``; entry ``changed`` gets another title. Returns the checkpoints."""
    out = {}
    for end in sizes:
        start = log.size()
        records = [request(i, title="篡改后的标题" if i == changed else f"测试文件 {i}").record() for i in range(start, end)]
        log.append_records(records, now=NOW)
        out[end] = log.checkpoint_at(end)
    return out


@pytest.fixture
def forged_engine(tmp_path: Path) -> Engine:
    """A second database: the operator's rewritten copy of the log."""
    eng = make_engine(f"sqlite:///{tmp_path / 'forged.sqlite3'}")
    upgrade(eng)
    return eng


def test_consistent_checkpoints_pass(log: EvidenceService) -> None:
    cps = fill(log, [5, 12, 16])
    for a, b in [(5, 12), (5, 16), (12, 16), (16, 16)]:
        report = log.audit_witnessed(cps[a], cps[b])
        assert report.ok, report.checks
        offline = witness.audit_checkpoints(
            cps[a], cps[b], log.public_key, [bytes.fromhex(p) for p in log.consistency_proof(a, b).path]
        )
        assert offline.ok, offline.checks
    # the exported file round-trips byte for byte through the witness format
    data = witness.export_checkpoint(cps[12])
    assert json.loads(data)["format"] == "zhichan-checkpoint/1"
    assert witness.parse_checkpoint(data) == cps[12]


def test_rewritten_history_is_detected(log: EvidenceService, signing_key: SigningKey, forged_engine: Engine) -> None:
    real = fill(log, [5, 12])
    forged_log = EvidenceService(forged_engine, signing_key, ORIGIN)  # same key, same origin, same times
    forged = fill(forged_log, [5, 12], changed=2)  # entry 2 rewritten, then the same history continues
    assert forged[12].parsed.root_hash != real[12].parsed.root_hash
    assert witness.audit_checkpoints(forged[5], forged[12], signing_key.public,
                                     forged_log.consistency_path(5, 12)).ok  # the forgery is self-consistent …
    # … but not with what a witness kept: proof from the real log, and from the rewritten one
    for source in (log, forged_log):
        report = source.audit_witnessed(real[5], forged[12])
        assert not report.ok
        failed = [c for c in report.checks if not c.ok]
        assert [c.name for c in failed] == ["consistency / 一致性"]
        assert "SPLIT VIEW" in failed[0].detail and "分叉视图" in failed[0].detail
    # same size, different roots: a split view without any proof
    same = witness.audit_checkpoints(real[5], forged[5], signing_key.public, [])
    assert not same.ok and "SPLIT VIEW" in same.checks[-1].detail
    # a rewrite after the witnessed size is an honest extension of OLD, but two NEWs of one size disagree
    other = EvidenceService(make_engine(f"sqlite:///{forged_engine.url.database}-2"), signing_key, ORIGIN)
    upgrade(other.engine)
    later = fill(other, [5, 12], changed=8)
    assert log.audit_witnessed(real[5], later[12]).ok is False  # the real log cannot prove the other branch
    assert other.audit_witnessed(real[5], later[12]).ok  # the other branch does extend OLD …
    assert not witness.audit_checkpoints(real[12], later[12], signing_key.public, []).ok  # … and splits at 12
    other.engine.dispose()


def test_tampered_or_foreign_signatures_are_detected(log: EvidenceService) -> None:
    cps = fill(log, [3, 7])
    good = json.loads(witness.export_checkpoint(cps[7]))
    sig = bytearray(base64.b64decode(good["signature"]))
    sig[-1] ^= 1
    bad_sig = witness.parse_checkpoint(json.dumps({**good, "signature": base64.b64encode(bytes(sig)).decode()}))
    report = log.audit_witnessed(cps[3], bad_sig)
    assert not report.ok and not report.checks[1].ok and "does not verify" in report.checks[1].detail
    # changing the size or time in the note breaks the signature
    for old, new in [("\n7\n", "\n6\n"), ("2025-03-03", "2025-03-04")]:
        edited = SignedCheckpoint(**{**cps[7].model_dump(), "note": cps[7].note.replace(old, new)})
        assert not witness.audit_checkpoints(cps[3], edited, log.public_key, log.consistency_path(3, edited.tree_size)).ok
    # a checkpoint signed by another key (even over the true root) is not this log's
    stranger = SigningKey.generate()
    p = cps[7].parsed
    foreign = to_signed(sign_checkpoint(stranger, ORIGIN, 7, p.root_hash, NOW))
    report = log.audit_witnessed(cps[3], foreign)
    assert not report.ok and "different key" in report.checks[1].detail
    with pytest.raises(EvidenceError, match="checkpoint"):
        witness.parse_checkpoint(b'{"format": "zhichan-checkpoint/1", "note": "x\\n", "signature": "", "key_fingerprint": ""}')
    with pytest.raises(EvidenceError, match="unsupported"):
        witness.parse_checkpoint(json.dumps({**good, "format": "other/2"}))


def test_sizes_out_of_order(log: EvidenceService) -> None:
    cps = fill(log, [4, 9])
    older, newer, swapped = witness.order(cps[9], cps[4])
    assert (older.tree_size, newer.tree_size, swapped) == (4, 9, True)
    assert log.audit_witnessed(cps[9], cps[4]).ok  # given the other way round: compared by size
    report = witness.audit_checkpoints(cps[9], cps[4], log.public_key, [])
    assert not report.ok and "more than NEW" in report.checks[-1].detail
    with pytest.raises(EvidenceError):
        log.consistency_path(9, 4)
    # a NEW beyond the log's size cannot be proven from this database
    far = to_signed(sign_checkpoint(log.key, ORIGIN, 50, b"\x00" * 32, NOW))
    report = log.audit_witnessed(cps[4], far)
    assert not report.ok and "50" in report.checks[-1].detail
    # a proof file for other sizes is refused as an input error
    proof = log.consistency_proof(4, 9)
    with pytest.raises(EvidenceError, match="4→9"):
        witness.proof_from_file(proof, 4, 8)


@hsettings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_byte_change_to_an_exported_checkpoint_fails(data: st.DataObject) -> None:
    old, orig, proof = _signed_pair()
    new_file = bytearray(witness.export_checkpoint(orig))
    assert witness.audit_checkpoints(old, witness.parse_checkpoint(bytes(new_file)), _KEY.public, proof).ok
    pos = data.draw(st.integers(0, len(new_file) - 1))
    new_file[pos] ^= data.draw(st.integers(1, 255))
    try:
        changed = witness.parse_checkpoint(bytes(new_file))
    except EvidenceError:
        return  # refused as malformed
    report = witness.audit_checkpoints(old, changed, _KEY.public, proof)
    # Only a change JSON reads back as the same content may pass (e.g. whitespace between fields,
    # or the unused low bits of the last base64 character of the signature).
    same = (changed.note, changed.key_fingerprint) == (orig.note, orig.key_fingerprint) and _sig(changed) == _sig(orig)
    assert report.ok == same, (pos, bytes(new_file))


@cache
def _signed_pair() -> tuple[SignedCheckpoint, SignedCheckpoint, list[bytes]]:
    """Checkpoints of sizes 5 and 13 and the consistency proof between them, signed once: SM2
    signatures are randomized, so signing per example would change the file's length under the
    byte position Hypothesis draws (and Hypothesis rightly calls that flaky)."""
    tree = merkle.MemoryTree()
    for i in range(13):
        tree.append(f"leaf {i}".encode())
    old = to_signed(sign_checkpoint(_KEY, ORIGIN, 5, tree.root(5), NOW))
    orig = to_signed(sign_checkpoint(_KEY, ORIGIN, 13, tree.root(13), NOW))
    return old, orig, tree.consistency_proof(5, 13)


def _sig(cp: SignedCheckpoint) -> bytes | None:
    try:
        return base64.b64decode(cp.signature, validate=True)
    except ValueError:
        return None


_KEY = SigningKey.generate()


def test_cli_export_consistency_and_audit(settings: object, tmp_path: Path) -> None:
    from zhichan.evidence.cli import app
    from zhichan.evidence.keys import key_dir, load_signing_key

    runner = CliRunner()
    files = []
    for i in range(9):
        f = tmp_path / f"doc{i}.txt"
        f.write_text(f"合成文件 {i}", encoding="utf-8")
        files.append(f)

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result.output

    run("deposit", *map(str, files[:4]), "--depositor", "示例公司（合成）")
    old, new, pub, proof = (tmp_path / n for n in ("old.json", "new.json", "pub.pem", "proof.json"))
    run("checkpoint", "--export", str(old))
    run("deposit", *map(str, files[4:]), "--depositor", "示例公司（合成）")
    run("checkpoint", "--export", str(new))
    assert witness.read_checkpoint(old).tree_size == 4 and witness.read_checkpoint(new).tree_size == 9
    pub.write_text(run("pubkey"), encoding="utf-8")
    run("consistency", "4", "9", "-o", str(proof))

    assert "核验通过" in run("audit", str(old), str(new), "--pubkey", str(pub))
    assert "核验通过" in run("audit", str(old), str(new), "--pubkey", str(pub), "--proof", str(proof))
    assert "对调" in run("audit", str(new), str(old), "--pubkey", str(pub))
    assert "intact" in run("audit")  # no files: the full audit
    assert "intact" in run("audit", "--full")
    run("checkpoint", "--size", "4", "--export", str(tmp_path / "again.json"))
    assert witness.read_checkpoint(tmp_path / "again.json") == witness.read_checkpoint(old)

    # the operator rewrites entry 1 and re-signs with the same key: the witness's OLD exposes it
    key = load_signing_key(key_dir(settings.data_dir), create=False)  # type: ignore[attr-defined]
    forged_db = make_engine(f"sqlite:///{tmp_path / 'forged.sqlite3'}")
    upgrade(forged_db)
    forged_log = EvidenceService(forged_db, key, "forged")
    forged_log.origin = witness.read_checkpoint(old).parsed.origin
    forged_log.append_records([request(i, title="改" if i == 1 else "t").record() for i in range(9)], now=NOW)
    forged = tmp_path / "forged.json"
    forged.write_bytes(witness.export_checkpoint(forged_log.checkpoint_at(9)))
    out = run("audit", str(old), str(forged), "--pubkey", str(pub), code=1)
    assert "SPLITVIEW" in "".join(out.split())
    out = run("audit", str(old), str(forged), "--pubkey", str(pub), "--proof", str(proof), code=1)
    assert "分叉视图" in "".join(out.split())
    forged_db.dispose()

    other_key = tmp_path / "other.pem"
    other_key.write_text(SigningKey.generate().public.to_pem(), encoding="utf-8")
    assert "NOT verified" in run("audit", str(old), str(new), "--pubkey", str(other_key), code=1)
    result = runner.invoke(app, ["audit", str(old)])
    assert result.exit_code == 2  # one file is a usage error
