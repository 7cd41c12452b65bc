"""PDF certificates: text and fonts, the embedded data, offline verification, the CLI end to end."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from typer.testing import CliRunner

from tests.evidence.helpers import request
from zhichan.evidence.certificate import qr_payload, render_pdf
from zhichan.evidence.cli import app
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.schemas import Certificate, EvidenceError
from zhichan.evidence.service import DepositRequest, EvidenceService, digest_bytes
from zhichan.evidence.verify import read_pdf, verify_certificate, verify_pdf
from zhichan.platform.db import make_engine, upgrade
from zhichan.platform.qr import qr_png


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvidenceService, Certificate, bytes, bytes]:
    """One SQLite log of 13 entries and the PDF certificate of entry 12 (rendering is the slow part)."""
    path = tmp_path_factory.mktemp("cert") / "w.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    service = EvidenceService(engine, SigningKey.generate(), "test.zhichan/evidence")
    service.deposit_many((request(i) for i in range(12)), batch_size=5)
    content = "专利申请文件：一种数据确权方法（终稿）".encode()
    d = digest_bytes(content)
    entry = service.deposit(
        DepositRequest(sm3=d.sm3, sha256=d.sha256, size=d.size, title="一种数据确权方法 申请文件",
                       depositor="杭州示例数据科技有限公司（合成）", file_name="申请文件.docx")
    )
    cert = service.certificate(entry.index)
    return service, cert, render_pdf(cert), content


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text_comes_back_out_and_fonts_are_embedded(issued, tmp_path: Path, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    _service, cert, pdf, content = issued
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    compact = "".join(text.split())
    for expected in ("电子数据存证证书", "杭州示例数据科技有限公司（合成）", "一种数据确权方法申请文件", "#12",
                     "类别Category其他Other",  # a usual category in both languages, as the page's labels
                     digest_bytes(content).sm3, digest_bytes(content).sha256, cert.checkpoint.parsed.root_hash.hex()):
        assert expected in compact, expected
    reader = PdfReader(str(path))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            fonts.add(str(font["/BaseFont"]))
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts
    # every text in the certificate's fonts: the footer (a page margin box, which does not inherit body's font) was
    # set in the default serif font
    assert all("Noto-Sans" in f for f in fonts), fonts
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(artifacts_dir / "evidence-certificate")], check=True)
    assert (artifacts_dir / "evidence-certificate.png").stat().st_size > 10_000


def test_embedded_data_and_qr_payload_carry_the_certificate(issued) -> None:  # type: ignore[no-untyped-def]
    service, cert, pdf, _content = issued
    embedded, _text = read_pdf(pdf)
    assert embedded == cert
    payload, short = qr_payload(cert)
    assert not short and Certificate.from_json(payload) == cert
    assert qr_png(payload).startswith(b"\x89PNG")
    long_note = DepositRequest(sm3="a" * 64, sha256="b" * 64, title="标" * 200, depositor="人" * 200, note="注" * 500)
    big = service.certificate(service.deposit(long_note).index)
    payload, short = qr_payload(big)
    assert short and json.loads(payload)["sm3"] == "a" * 64


def test_pdf_verifies_offline_with_only_the_public_key(issued) -> None:  # type: ignore[no-untyped-def]
    service, _cert, pdf, content = issued
    d = digest_bytes(content)
    report = verify_pdf(pdf, service.public_key, sm3=d.sm3, sha256=d.sha256)
    assert report.ok, report.checks
    other = digest_bytes(content + b" ")
    assert not verify_pdf(pdf, service.public_key, sm3=other.sm3, sha256=other.sha256).ok
    assert not verify_pdf(pdf, SigningKey.generate().public, sm3=d.sm3, sha256=d.sha256).ok
    with pytest.raises(EvidenceError):
        read_pdf(b"%PDF-1.7 not really")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_single_byte_change_to_certificate_data_fails(issued, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    service, cert, _pdf, content = issued
    d = digest_bytes(content)
    raw = cert.to_json()
    doc = json.loads(raw)
    field = data.draw(st.sampled_from(["leaf", "inclusion_proof", "note", "signature", "key_fingerprint", "index"]))
    if field == "index":
        doc["index"] = data.draw(st.integers(0, 40).filter(lambda i: i != cert.index))
    else:
        holder, key = {
            "leaf": (doc, "leaf"), "note": (doc["checkpoint"], "note"), "signature": (doc["checkpoint"], "signature"),
            "key_fingerprint": (doc["checkpoint"], "key_fingerprint"),
        }.get(field, (doc["inclusion_proof"], data.draw(st.integers(0, len(doc["inclusion_proof"]) - 1))))
        value = holder[key].encode("utf-8")
        pos = data.draw(st.integers(0, len(value) - 1))
        new = value[:pos] + bytes([data.draw(st.integers(0x20, 0x7E).filter(lambda b: b != value[pos]))]) + value[pos + 1 :]
        holder[key] = new.decode("utf-8", errors="replace")
    try:
        tampered = Certificate.from_json(json.dumps(doc, ensure_ascii=False))
    except EvidenceError:
        return  # not even a certificate any more
    assert not verify_certificate(tampered, service.public_key, sm3=d.sm3, sha256=d.sha256).ok


def test_cli_deposit_certificate_verify_audit(tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["keygen"]).exit_code == 0
    assert runner.invoke(app, ["keygen"]).exit_code != 0  # refuses to replace the key
    pub = tmp_path / "pub.pem"
    result = runner.invoke(app, ["pubkey"])
    pub.write_text(result.output)
    doc = tmp_path / "合同.txt"
    doc.write_text("技术许可合同 第一版（合成）", encoding="utf-8")
    result = runner.invoke(app, ["deposit", str(doc), "--depositor", "示例公司", "--certificate", str(tmp_path / "c.pdf")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["certificate", "0", "-o", str(tmp_path / "c.json")])
    assert result.exit_code == 0, result.output

    # offline: a fresh data directory with no database and no key
    monkeypatch.setenv("ZHICHAN_DATA_DIR", str(tmp_path / "elsewhere"))
    from zhichan.settings import get_settings

    get_settings.cache_clear()
    for cert in ("c.pdf", "c.json"):
        result = runner.invoke(app, ["verify", str(doc), str(tmp_path / cert), "--pubkey", str(pub)])
        assert result.exit_code == 0, result.output
        assert "verified" in result.output
    assert not (tmp_path / "elsewhere" / "zhichan.sqlite3").exists()
    doc.write_text("技术许可合同 第二版（合成）", encoding="utf-8")
    result = runner.invoke(app, ["verify", str(doc), str(tmp_path / "c.pdf"), "--pubkey", str(pub)])
    assert result.exit_code == 1 and "NOT verified" in result.output
    monkeypatch.setenv("ZHICHAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()

    doc.write_text("技术许可合同 第一版（合成）", encoding="utf-8")
    assert runner.invoke(app, ["verify", str(doc)]).exit_code == 0  # online, by digest
    assert runner.invoke(app, ["audit"]).exit_code == 0
    result = runner.invoke(app, ["consistency", "0"])
    assert result.exit_code == 0 and json.loads(result.output)["second"] == 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_step_certificate_names_its_documents_and_verifies_each(issued) -> None:  # type: ignore[no-untyped-def]
    """A generated 决定书 says it is verified with its step's certificate; the certificate printed only the case number
    and the time, and verifying the document against it failed ("≠ 证书所载 None"): the step's entry lists its
    documents' digests, the verifier compared the entry's own digest only."""
    from tests.helpers import pdf_text

    service, _cert, _pdf, _content = issued
    decision, attachment = "准予办理决定书（PDF）".encode(), "准予办理决定书（DOCX）".encode()
    documents = [{"label": label, "file_name": name, "size": len(data), "sm3": digest_bytes(data).sm3,
                  "sha256": digest_bytes(data).sha256}
                 for label, name, data in (("决定书", "SS-2026-000007-准予办理决定书.pdf", decision),
                                           ("附件", "SS-2026-000007-准予办理决定书.docx", attachment))]
    entry = service.append_records([{
        "kind": "procedure.step", "procedure": "services.search_service", "case": "SS-2026-000007", "seq": 3,
        "event": "approve", "from": "accepted", "to": "approved", "actor": "wuhou_officer", "role": "case_officer",
        "at": "2026-12-07T02:00:00", "fields_sm3": "0" * 64, "documents": documents}])[0]
    cert = service.certificate(entry.index)
    pdf = render_pdf(cert, details=(("办理步骤 Step", "第 3 步：准予办理 · Step 3: Grant"),), synthetic=True)
    compact = "".join(pdf_text(pdf).split())
    for expected in ("办件步骤存证证明", "第3步：准予办理", "合成（演示）数据", "wuhou_officer", "SS-2026-000007-准予办理决定书.pdf",
                     *(d[k] for d in documents for k in ("sm3", "sha256"))):
        assert expected in compact, expected
    assert pdf_text(pdf).count("\f") == 1  # still one page with the QR code
    for data in (decision, attachment):
        d = digest_bytes(data)
        report = verify_pdf(pdf, service.public_key, sm3=d.sm3, sha256=d.sha256)
        assert report.ok, report
    other = digest_bytes(b"another file")
    assert not verify_pdf(pdf, service.public_key, sm3=other.sm3, sha256=other.sha256).ok
    mixed = digest_bytes(decision).sm3, digest_bytes(attachment).sha256  # one document's SM3, the other's SHA-256
    assert not verify_certificate(cert, service.public_key, sm3=mixed[0], sha256=mixed[1]).ok
    assert "合成" not in pdf_text(render_pdf(cert))  # a real case's certificate carries no such notice


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_configured_public_address_adds_a_qr_code_for_a_phone(issued, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                                  artifacts_dir: Path, tmp_path: Path) -> None:
    """The data QR code verifies offline but a phone's camera shows JSON: with the platform's public address set, a
    second QR code opens the file's online verification page; without it the certificate is as before."""
    from pydantic import ValidationError

    from tests.helpers import pdf_text
    from zhichan.evidence.certificate import render_html, verification_url
    from zhichan.settings import Settings, get_settings

    service, cert, _pdf, content = issued
    letter = "准予办理决定书（合成）".encode()
    step = service.append_records([{
        "kind": "procedure.step", "procedure": "services.search_service", "case": "SS-2026-000009", "seq": 3,
        "event": "approve", "from": "accepted", "to": "approved", "actor": "wuhou_officer", "role": "case_officer",
        "at": "2026-12-07T02:00:00", "fields_sm3": "0" * 64, "documents": [
            {"label": label, "file_name": f"SS-2026-000009-准予办理决定书.{ext}", "size": len(data),
             "sm3": digest_bytes(data).sm3, "sha256": digest_bytes(data).sha256}
            for label, ext, data in (("决定书", "pdf", letter), ("附件", "docx", letter + b"x"))]}])[0]
    step_cert = service.certificate(step.index)
    assert verification_url(cert) is None and "在线核验" not in render_html(cert)  # unset: as before
    for wrong in ("ip.example.gov.cn", "https://ip.example.gov.cn/", "https://ip.example.gov.cn/?a=1"):
        with pytest.raises(ValidationError):
            Settings(public_base_url=wrong)
    monkeypatch.setenv("ZHICHAN_PUBLIC_BASE_URL", "https://ip.example.gov.cn/zhichan")
    get_settings.cache_clear()
    try:
        own = f"https://ip.example.gov.cn/zhichan/evidence/verify?digest={digest_bytes(content).sm3}"
        first_document = f"https://ip.example.gov.cn/zhichan/evidence/verify?digest={digest_bytes(letter).sm3}"
        assert (verification_url(cert), verification_url(step_cert)) == (own, first_document)
        html = render_html(cert)
        assert own in html and "data:image/png;base64," + base64.b64encode(qr_png(own.encode())).decode() in html
        for issued_cert, url in ((cert, own), (step_cert, first_document)):
            pdf = render_pdf(issued_cert)
            assert url in "".join(pdf_text(pdf).split()) and pdf_text(pdf).count("\f") == 1  # one page still
            assert verify_pdf(pdf, service.public_key).ok  # the data QR code and the attachment are unchanged
        # a log of more entries (a longer proof): the QR code's short form and its note — still one page (the block of
        # QR codes and notes went to a second page of the step's certificate)
        monkeypatch.setattr("zhichan.evidence.certificate.QR_FULL_MAX_BYTES", 0)
        pdf = render_pdf(step_cert)
        assert "精简版" in pdf_text(pdf) and pdf_text(pdf).count("\f") == 1
        assert verify_pdf(pdf, service.public_key).ok
        (tmp_path / "step.pdf").write_bytes(pdf)  # the step's, the fuller page
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(tmp_path / "step.pdf"),
                        str(artifacts_dir / "evidence-certificate-online-qr")], check=True)
    finally:
        monkeypatch.delenv("ZHICHAN_PUBLIC_BASE_URL")
        get_settings.cache_clear()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_step_name_its_entry_does_not_record_is_marked_as_not_certified(issued) -> None:  # type: ignore[no-untyped-def]
    """A step's entry recorded before entries kept the names: its certificate prints the procedure and step from the
    declaration, each marked as not part of the certified record; a page printing such a name without the mark — a
    re-rendered certificate passing another step name off as certified — fails the verification."""
    import io

    import weasyprint

    from tests.helpers import pdf_text
    from zhichan.evidence.certificate import ATTACHMENT_NAME, TEMPLATES, UNCERTIFIED, render_html

    service, _cert, _pdf, _content = issued
    entry = service.append_records([{
        "kind": "procedure.step", "procedure": "services.search_service", "case": "SS-2026-000011", "seq": 3,
        "event": "approve", "from": "accepted", "to": "approved", "actor": "wuhou_officer", "role": "case_officer",
        "at": "2026-12-07T02:00:00", "fields_sm3": "0" * 64, "documents": []}])[0]
    cert = service.certificate(entry.index)
    details = (("办理事项 Procedure", "专利检索服务 · Patent search service"),
               ("办理步骤 Step", "第 3 步：准予办理 · Step 3: Grant"))
    pdf = render_pdf(cert, details=details)
    compact = "".join(pdf_text(pdf).split())
    assert compact.count("".join(UNCERTIFIED.split())) == 2 and pdf_text(pdf).count("\f") == 1
    assert verify_pdf(pdf, service.public_key).ok  # marked: the names claim nothing
    renamed = render_pdf(cert, details=(details[0], ("办理步骤 Step", "第 3 步：不予办理 · Step 3: Refuse")))
    assert verify_pdf(renamed, service.public_key).ok and "".join(UNCERTIFIED.split()) in "".join(pdf_text(renamed).split())
    unmarked = render_html(cert, details=details).replace(UNCERTIFIED, "", 1)
    forged = bytes(weasyprint.HTML(string=unmarked, base_url=str(TEMPLATES)).write_pdf(
        attachments=[weasyprint.Attachment(file_obj=io.BytesIO(cert.to_json()), name=ATTACHMENT_NAME)]))
    report = verify_pdf(forged, service.public_key)
    assert not report.ok and "办理事项、办理步骤" in str(report)
