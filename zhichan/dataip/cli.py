"""``zhichan dataip …``: data-IP registration — apply, publish the notice, objections, decisions.

The steps run on the procedure engine (``dataip.registration``) as a named account (``--user`` or
``ZHICHAN_USER``): its role and organization decide what it may do, as on the web pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="数据知识产权登记：申请、公示、异议、登记 / data-IP registration: apply, notice, objections, decision",
    no_args_is_help=True,
)
console = Console()


def _service():
    from zhichan.dataip.service import DataIPService
    from zhichan.platform.db import make_engine
    from zhichan.settings import get_settings
    from zhichan.web.app import open_procedures

    engine = make_engine()
    return DataIPService(open_procedures(get_settings(), engine))


def _scope(service: Any, username: str) -> Any:
    """The account the step is taken as (its role and organization, as when signed in)."""
    from sqlalchemy import select

    from zhichan.errors import InputError
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    with session_scope(service.engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.is_active:
            raise InputError(f"没有可用账号 {username} / no active account {username}")
        return scope_for_user(session, user)


#: who takes a step: an account of the platform
UserOption = Annotated[str, typer.Option("--user", "-u", envvar="ZHICHAN_USER",
                                         help="以该账号办理（角色与机构决定权限） / act as this account")]


def _show(rows: list[dict[str, Any]]) -> None:
    from zhichan.legaltime import provisional_note

    table = Table("id", "登记号 number", "数据名称 data", "申请人 applicant", "状态 status", "公示 notice")
    for r in rows:
        notice = f"{r['notice_start']} → {r['notice_end']}" if r["notice_start"] else ""
        if r.get("notice_end_provisional"):
            notice += f"（{provisional_note(r['notice_end'].year, 'zh')}）"
        name = r["data_name"] + (" （合成 synthetic）" if r.get("synthetic") else "")
        table.add_row(str(r["id"]), r["number"], name, r["applicant"], r["status"], notice)
    console.print(table)


def apply(
    applicant: Annotated[str, typer.Option(help="申请人（数据持有人） / applicant (data holder)")],
    data_name: Annotated[str, typer.Option(help="数据名称 / name of the data set")],
    description: Annotated[str, typer.Option(help="数据说明 / description")],
    source: Annotated[str, typer.Option(help="数据来源 / data source")],
    scale: Annotated[str, typer.Option(help="数据规模 / scale, e.g. 1.2 亿条")],
    structure: Annotated[str, typer.Option(help="数据结构（表、字段、格式） / data structure")],
    update_frequency: Annotated[str, typer.Option(help="更新频率 / update frequency, e.g. 每日")],
    rules: Annotated[str, typer.Option(help="算法与处理规则 / processing rules")],
    usage: Annotated[str, typer.Option(help="应用场景 / usage scenario")],
    user: UserOption,
    sample: Annotated[Path | None, typer.Option(help="数据样本或清单文件（只记录摘要） / sample or manifest file")] = None,
    publish_on: Annotated[str | None, typer.Option(help="同时公示，YYYY-MM-DD / also publish the notice on this date")] = None,
) -> None:
    """提交登记申请（可同时公示） / Apply for registration (optionally publishing the notice at once)."""
    from zhichan.dataip.service import Application
    from zhichan.evidence.service import digest_file

    service = _service()
    scope = _scope(service, user)
    reg = service.submit(scope, Application(
        applicant=applicant, data_name=data_name, description=description, data_source=source, data_scale=scale,
        data_structure=structure, update_frequency=update_frequency, processing_rules=rules, usage_scenario=usage,
        sample=digest_file(sample) if sample else None,
    ))
    if publish_on:
        reg = service.publish(scope, reg["id"], on=dt.date.fromisoformat(publish_on))
    _show([reg])


app.command("apply")(apply)
app.command("submit", hidden=True)(apply)  # the earlier name


@app.command()
def publish(
    registration_id: int,
    user: UserOption,
    on: Annotated[str | None, typer.Option(help="公示日期 YYYY-MM-DD（默认今天） / publication date")] = None,
) -> None:
    """公示登记申请（公示期按工作日计算） / Publish the notice (period counted in working days)."""
    service = _service()
    _show([service.publish(_scope(service, user), registration_id, on=dt.date.fromisoformat(on) if on else None)])


@app.command()
def notices(date: Annotated[str | None, typer.Option(help="YYYY-MM-DD（默认今天） / default today")] = None) -> None:
    """公示中的登记 / Registrations under public notice."""
    _show(_service().under_notice(dt.date.fromisoformat(date) if date else None))


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="submitted|in_notice|objected|registered|rejected|withdrawn")] = None,
    under_notice: Annotated[bool, typer.Option("--under-notice", help="只列公示中的（含截止日） / only those under notice")] = False,
    date: Annotated[str | None, typer.Option(help="配合 --under-notice：YYYY-MM-DD / with --under-notice")] = None,
) -> None:
    """登记列表 / List registrations."""
    service = _service()
    if under_notice:
        _show(service.under_notice(dt.date.fromisoformat(date) if date else None))
    else:
        _show(service.registrations(status))


@app.command("object")
def object_(
    registration_id: int,
    objector: Annotated[str, typer.Option(help="异议人 / objector")],
    reason: Annotated[str, typer.Option(help="异议理由 / reason")],
    user: UserOption,
) -> None:
    """在公示期内提出异议 / File an objection during the notice period."""
    service = _service()
    obj = service.object(_scope(service, user), registration_id, objector=objector, reason=reason)
    console.print(f"异议 objection {obj['id']} — 日志条目 entry #{obj['entry_index']}")


@app.command()
def resolve(
    objection_id: int,
    upheld: Annotated[bool, typer.Option("--upheld/--dismissed", help="异议成立/不成立 / objection upheld or dismissed")],
    resolution: Annotated[str, typer.Option(help="处理意见 / resolution")],
    user: UserOption,
) -> None:
    """处理异议（同一登记的待处理异议一并处理） / Resolve an objection (with the registration's other pending ones)."""
    service = _service()
    obj = service.resolve_objection(_scope(service, user), objection_id, upheld=upheld, resolution=resolution)
    console.print(f"异议 objection {obj['id']}: {obj['status']}")


@app.command()
def decide(
    registration_id: int,
    approve: Annotated[bool, typer.Option("--approve/--reject", help="准予登记/不予登记 / approve or reject")],
    reasons: Annotated[str, typer.Option(help="决定理由 / reasons for the decision")],
    user: UserOption,
) -> None:
    """公示期满后作出审查决定（准予或不予登记，附理由） / Decide after the notice: approve or reject, with reasons."""
    service = _service()
    reg = service.decide(_scope(service, user), registration_id, approve=approve, reasons=reasons)
    _show([reg])
    console.print(f"决定 decision — 日志条目 entry #{reg['decision_index']}")


@app.command()
def finalize(user: UserOption, registration_id: Annotated[int | None, typer.Argument()] = None) -> None:
    """公示期满无异议的准予登记（不给 ID 则处理全部到期者） / Register after the notice (all due ones without ID)."""
    service = _service()
    scope = _scope(service, user)
    _show([service.finalize(scope, registration_id)] if registration_id else service.finalize_due(scope))


@app.command()
def certificate(registration_id: int, output: Annotated[Path, typer.Option("--output", "-o")]) -> None:
    """出具数据知识产权登记证书（PDF） / Issue the registration certificate (PDF)."""
    from zhichan.evidence.certificate import render_pdf

    output.write_bytes(render_pdf(_service().certificate(registration_id)))
    console.print(f"证书 certificate: {output}")
