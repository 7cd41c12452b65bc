"""``zhichan evidence …``: keys, deposit, certificates, proofs, checkpoints, audit and offline verification."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="存证：只可追加的默克尔日志、SM2 签名检查点、证书与离线核验 / evidence log, certificates, offline verification",
    no_args_is_help=True,
)
console = Console()


#: the engines a command opened, closed when it ends (a pool left open warns on PostgreSQL)
_ENGINES: list[Any] = []


@app.callback()
def _group(context: typer.Context) -> None:
    def close() -> None:
        while _ENGINES:
            _ENGINES.pop().dispose()

    context.call_on_close(close)


def _service(create_key: bool = True):
    from zhichan.evidence.service import EvidenceService
    from zhichan.platform.db import make_engine, upgrade

    engine = make_engine()
    _ENGINES.append(engine)
    upgrade(engine)
    return EvidenceService.open(engine, create_key=create_key)


def _print_report(report) -> None:
    table = Table("检查 check", "结果 result", "说明 detail")
    for check in report.checks:
        table.add_row(check.name, "[green]通过 ok[/green]" if check.ok else "[red]失败 FAILED[/red]", check.detail)
    console.print(table)
    console.print("[bold green]核验通过 / verified[/]" if report.ok else "[bold red]核验未通过 / NOT verified[/]")


@app.command()
def keygen(force: Annotated[bool, typer.Option(help="覆盖已有密钥（旧检查点将无法用新公钥验证） / replace an existing key")] = False) -> None:
    """生成日志的 SM2 签名密钥（私钥权限 0600） / Generate the log's SM2 signing key (private key mode 0600)."""
    from zhichan.evidence.keys import SigningKey, key_dir, write_keypair
    from zhichan.settings import get_settings

    key = SigningKey.generate()
    priv, pub = write_keypair(key_dir(get_settings().data_dir), key, overwrite=force)
    console.print(f"私钥 private key: {priv} (0600)\n公钥 public key: {pub}\n指纹 fingerprint (SM3): {key.public.fingerprint}")


@app.command()
def pubkey(fmt: Annotated[str, typer.Option("--format", help="pem | hex")] = "pem") -> None:
    """输出日志公钥（PEM 或十六进制） / Print the log's public key as PEM or hex."""
    from zhichan.evidence.keys import key_dir, load_signing_key
    from zhichan.settings import get_settings

    key = load_signing_key(key_dir(get_settings().data_dir), create=False).public
    typer.echo(key.to_hex() if fmt == "hex" else key.to_pem().rstrip())


#: the organization that owns a deposit, by its number (the first column of the administration's organizations page)
OrgOption = Annotated[int | None, typer.Option("--org", help=(
    "存证人机构编号（管理后台机构列表的 #） / the owning organization's number (# on the administration's "
    "organizations page)"))]

#: who acts: an account of the platform (as `zhichan dataip`)
UserOption = Annotated[str, typer.Option("--user", "-u", envvar="ZHICHAN_USER",
                                         help="以该账号办理（平台管理员） / act as this account (a platform administrator)")]


def _organization(service, org_id: int):
    from zhichan.errors import NotFoundError
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization

    with session_scope(service.engine) as session:
        org = session.get(Organization, org_id)
        if org is None:
            raise NotFoundError(f"没有编号为 {org_id} 的机构 / no organization {org_id}")
        session.expunge(org)
        return org


@app.command()
def deposit(
    files: Annotated[list[Path], typer.Argument(help="要存证的文件（只记录摘要） / files to deposit (only digests are kept)")],
    title: Annotated[str | None, typer.Option(help="标题（默认文件名） / title (default: file name)")] = None,
    org: OrgOption = None,
    depositor: Annotated[str | None, typer.Option(help=(
        "条目所载存证人名称（默认 --org 机构的名称） / the depositor's name the entry records (default: the --org "
        "organization's name)"))] = None,
    note: Annotated[str | None, typer.Option(help="备注 / note")] = None,
    category: Annotated[str, typer.Option(
        help="类别：数据知识产权、设计稿、商业秘密、电商侵权证据、原创作品、合同协议、技术资料、其他 / category")] = "其他",
    certificate: Annotated[Path | None, typer.Option(help="把证书 PDF 写到此处（单个文件时） / write the PDF certificate here")] = None,
) -> None:
    """存证：记录文件的 SM3 与 SHA-256 摘要；--org 指定拥有它的机构 / Deposit files: record their SM3 and SHA-256
    digests; --org names the organization that owns them."""
    from zhichan.evidence.service import DepositRequest, Owner

    service = _service()
    owning = _organization(service, org) if org is not None else None
    name = depositor or (owning.name if owning is not None else None)
    if not name:
        raise typer.BadParameter("需要 --org 或 --depositor / give --org (or at least --depositor)")
    requests = [DepositRequest.for_file(f, title=title or f.name, depositor=name, note=note, category=category) for f in files]
    owned_by = Owner(org_id=owning.id, user_id=None, source="command") if owning is not None else None
    entries = service.deposit_all(requests, owner=owned_by)
    table = Table("#", "file", "SM3")
    for f, entry in zip(files, entries, strict=True):
        table.add_row(str(entry.index), str(f), entry.fields["sm3"])
    console.print(table)
    if owning is not None:
        console.print(f"存证人 owner: {owning.name} (#{owning.id})")
    else:
        first = entries[0].index
        console.print(
            "[yellow]这些存证没有存证人：任何人都不能在网页上打开其详情页与证书。平台管理员可在其详情页或用命令为它指定 / "
            "these deposits have no owner: no one can open their pages or certificates on the web. A platform "
            f"administrator gives each one on its page (/evidence/deposits/{first}) or with[/yellow]\n"
            f"  zhichan evidence owner {first} --org ORG_ID --reason REASON --user ADMIN")
    if certificate is not None:
        if len(entries) != 1:
            raise typer.BadParameter("--certificate 只用于单个文件 / --certificate needs exactly one file")
        _write_certificate(service, entries[0].index, certificate)


@app.command()
def owner(
    index: Annotated[int, typer.Argument(help="存证条目编号 / the deposit's entry number")],
    org: Annotated[int, typer.Option("--org", help="存证人机构编号（管理后台机构列表的 #） / the owning organization's number")],
    reason: Annotated[str, typer.Option(help="理由（记入审计日志） / the reason (kept in the audit log)")],
    user: UserOption,
    owner_user: Annotated[str, typer.Option(help="该机构中拥有它的用户名（可选） / a user of that organization who owns it")] = "",
    correct: Annotated[bool, typer.Option("--correct", help=(
        "更正管理员指定有误的存证人（新记录取代现记录，原记录保留） / correct an owner an administrator gave by mistake "
        "(a new row supersedes the current one, which is kept)"))] = False,
) -> None:
    """为没有存证人的存证指定存证人，或以 --correct 更正指定有误的存证人（平台管理员；记入审计日志） / Give a deposit that has
    no owner its owner, or with --correct correct one given by mistake (a platform administrator; recorded in the
    audit log)."""
    from sqlalchemy import select

    from zhichan.errors import InputError, PermissionDenied, ZhichanError
    from zhichan.evidence.owners import assign_owner, correct_owner, may_assign
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    service = _service(create_key=False)
    with session_scope(service.engine) as session:
        account = session.scalar(select(User).where(User.username == user))
        if account is None or not account.is_active:
            raise InputError(f"没有可用账号 {user} / no active account {user}")
        scope = scope_for_user(session, account)
    if not may_assign(scope):  # the web answers 404 (it does not tell who may); the operator is told
        raise PermissionDenied(f"{user} 不是平台管理员（根机构的系统管理员），不能指定存证人 / {user} is not a platform "
                               "administrator (a system administrator of the root organization) and gives no owner")
    try:
        act = correct_owner if correct else assign_owner
        given = act(service.engine, scope, index, org_id=org, username=owner_user, reason=reason, via="cli")
    except ZhichanError as exc:
        if isinstance(exc.details.get("fields"), dict):  # a FormError: each field's message
            raise InputError("；".join(exc.details["fields"].values())) from None
        raise
    who = f" · {given.username}" if given.username else ""
    said = "更正为 corrected to" if correct else "存证人 owner:"
    console.print(f"存证 deposit #{index} → {said} {given.org_name} (#{given.org_id}){who}; "
                  f"审计日志 audit log #{given.audit_id}")


def _write_certificate(service, index: int, out: Path) -> None:
    from zhichan.evidence.certificate import render_pdf

    out.write_bytes(render_pdf(service.certificate(index)))
    console.print(f"证书 certificate: {out}")


@app.command("certificate")
def certificate_cmd(
    index: int,
    output: Annotated[Path, typer.Option("--output", "-o", help="PDF 或 .json 文件 / PDF or .json file")],
) -> None:
    """出具第 INDEX 条的证书（PDF，或 .json 仅数据） / Issue the certificate of entry INDEX (PDF, or .json data only)."""
    service = _service()
    if output.suffix.lower() == ".json":
        output.write_bytes(service.certificate(index).to_json())
        console.print(f"证书数据 certificate data: {output}")
    else:
        _write_certificate(service, index, output)


@app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="原文件 / the original file")],
    cert: Annotated[Path | None, typer.Argument(help="证书 PDF 或 JSON（离线核验） / certificate PDF or JSON (offline)")] = None,
    pubkey: Annotated[Path | None, typer.Option(help="日志公钥（PEM 或十六进制） / the log's public key (PEM or hex)")] = None,
) -> None:
    """核验文件：有证书时离线核验，无证书时查日志 / Verify a file: offline with a certificate, else against the log."""
    from zhichan.evidence.service import digest_file

    digest = digest_file(file)
    if cert is not None:
        from zhichan.evidence.keys import PublicKey, key_dir
        from zhichan.evidence.schemas import Certificate
        from zhichan.evidence.verify import verify_certificate, verify_pdf
        from zhichan.settings import get_settings

        key = PublicKey.load(pubkey or key_dir(get_settings().data_dir) / "log-signing-key.pub.pem")
        data = cert.read_bytes()
        if data.startswith(b"%PDF"):
            report = verify_pdf(data, key, sm3=digest.sm3, sha256=digest.sha256)
        else:
            report = verify_certificate(Certificate.from_json(data), key, sm3=digest.sm3, sha256=digest.sha256)
        _print_report(report)
        raise typer.Exit(0 if report.ok else 1)
    service = _service(create_key=False)
    entries = service.find(digest.sm3)
    if not entries:
        console.print(f"[red]日志中没有此文件（SM3 {digest.sm3}） / this file is not in the log[/red]")
        raise typer.Exit(1)
    ok = True
    for entry in entries:
        console.print(f"条目 entry #{entry.index} {entry.fields.get('time')} {entry.fields.get('title', '')}")
        report = service.verify_entry(entry.index, digest=digest.sm3)  # the signed leaf must certify the file
        _print_report(report)
        ok = ok and report.ok
    raise typer.Exit(0 if ok else 1)


@app.command()
def lookup(digest: str) -> None:
    """按 SM3 或 SHA-256 摘要查找条目 / Find entries by SM3 or SHA-256 digest."""
    entries = _service(create_key=False).find(digest)
    for entry in entries:
        typer.echo(json.dumps({"index": entry.index, **entry.fields}, ensure_ascii=False))
    if not entries:
        raise typer.Exit(1)


@app.command()
def checkpoint(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
    size: Annotated[int | None, typer.Option(help="导出已有的某一大小的检查点 / a stored checkpoint of this size")] = None,
    export: Annotated[Path | None, typer.Option(help="写出见证用检查点文件 / write the witness file (zhichan-checkpoint/1)")] = None,
) -> None:
    """当前大小的签名检查点（必要时签发），可导出供见证方保存 / The signed checkpoint of the current size; export it for witnesses."""
    from zhichan.evidence.witness import export_checkpoint

    signed = _service().checkpoint() if size is None else _service(create_key=False).checkpoint_at(size)
    if export is not None:
        export.write_bytes(export_checkpoint(signed))
        console.print(f"检查点 checkpoint {signed.tree_size} → {export}")
    elif as_json:
        typer.echo(signed.model_dump_json(indent=2))
    else:
        console.print(signed.note + f"— SM2 {signed.signature}\n— key {signed.key_fingerprint}")


@app.command()
def prove(index: int, size: Annotated[int | None, typer.Option(help="检查点大小 / checkpoint size")] = None) -> None:
    """第 INDEX 条的包含证明（JSON） / Inclusion proof of entry INDEX (JSON)."""
    typer.echo(_service(create_key=False).inclusion_proof(index, size).model_dump_json(indent=2))


@app.command()
def consistency(
    first: int,
    second: Annotated[int | None, typer.Argument()] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件（供 audit --proof） / write to a file")] = None,
) -> None:
    """两个日志大小之间的一致性证明（JSON） / Consistency proof between two log sizes (JSON)."""
    text = _service(create_key=False).consistency_proof(first, second).model_dump_json(indent=2)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


@app.command()
def audit(
    old: Annotated[Path | None, typer.Argument(help="较早的检查点文件 / the older exported checkpoint")] = None,
    new: Annotated[Path | None, typer.Argument(help="较新的检查点文件 / the newer exported checkpoint")] = None,
    pubkey: Annotated[Path | None, typer.Option(help="日志公钥（PEM 或十六进制） / the log's public key")] = None,
    proof: Annotated[Path | None, typer.Option(help="离线：zhichan evidence consistency 输出的证明 / offline proof file")] = None,
    full: Annotated[bool, typer.Option("--full", help="全量审计（不给检查点文件时的默认） / full audit (default without files)")] = False,
) -> None:
    """见证审计 OLD NEW：证明 NEW 是 OLD 的追加扩展；不给文件则全量审计 / Prove NEW extends OLD; without files, a full audit."""
    if (old is None and new is None) or full:
        if old is not None or new is not None:
            raise typer.BadParameter("--full 不带检查点文件 / --full takes no checkpoint files")
        _full_audit()
        return
    if old is None or new is None:
        raise typer.BadParameter("需要两个检查点文件 OLD NEW / give two checkpoint files, OLD and NEW")
    _witness_audit(old, new, pubkey, proof)


def _witness_audit(old_path: Path, new_path: Path, pubkey: Path | None, proof_path: Path | None) -> None:
    from zhichan.evidence import witness
    from zhichan.evidence.keys import PUBLIC_KEY_FILE, PublicKey, key_dir
    from zhichan.settings import get_settings

    old, new, swapped = witness.order(witness.read_checkpoint(old_path), witness.read_checkpoint(new_path))
    if swapped:
        console.print("[yellow]OLD 大于 NEW，已按大小对调 / OLD is larger than NEW: compared the other way round[/yellow]")
    key = PublicKey.load(pubkey or key_dir(get_settings().data_dir) / PUBLIC_KEY_FILE)
    a, b = old.parsed.tree_size, new.parsed.tree_size
    if proof_path is not None:
        path = witness.proof_from_file(witness.parse_consistency(proof_path.read_bytes()), a, b) if a < b else []
        report = witness.audit_checkpoints(old, new, key, path)
    else:
        report = _service(create_key=False).audit_witnessed(old, new, key)
    _print_report(report)
    if not report.ok:
        for check in report.checks:
            if not check.ok:
                console.print(f"[bold red]✗ {check.name}: {check.detail}[/]")
    raise typer.Exit(0 if report.ok else 1)


def _full_audit() -> None:
    from zhichan.progress import rich_progress

    service = _service(create_key=False)
    with rich_progress("审计 audit", service.size()) as progress:
        report = service.audit(progress=progress)
    for problem in report.problems:
        console.print(f"[red]✗[/red] {problem}")
    for notice in report.notices:  # not failures (docs/evidence.md, "Who deposited")
        console.print(f"[yellow]·[/yellow] {notice}")
    console.print(
        f"{report.tree_size} 条, {report.checkpoints} 个检查点 / entries, checkpoints — "
        + ("[bold green]完好 intact[/]" if report.ok else f"[bold red]{len(report.problems)} 个问题 problems[/]")
    )
    raise typer.Exit(0 if report.ok else 1)
