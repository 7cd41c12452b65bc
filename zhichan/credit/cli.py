"""``zhichan credit …``: seed the agency registry from the corpus, import registration data, end
listings whose term is over, publish the agency credit list, and repeat a published random draw."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy import Engine

app = typer.Typer(help="信用管理 / credit lists, agency credit and random inspections", no_args_is_help=True)


def _engine() -> Engine:
    from zhichan.platform.db import make_engine, upgrade
    from zhichan.settings import get_settings

    engine = make_engine(get_settings().effective_database_url)
    upgrade(engine)
    return engine


@app.command("seed-agencies")
def seed_agencies() -> None:
    """从当前语料快照登记代理机构与代理师 / Agencies and agents of the current snapshot into the registry."""
    from zhichan.corpus.store import open_corpus
    from zhichan.credit.agencies import seed_from_corpus
    from zhichan.platform.db import session_scope

    engine = _engine()
    with session_scope(engine) as s:
        added = seed_from_corpus(s, open_corpus())
    engine.dispose()
    Console().print(f"新增机构 {added['agencies']}，新增代理师 {added['agents']} / added {added['agencies']} agencies, "
                    f"{added['agents']} agents")


@app.command("import-agencies")
def import_agencies(path: Path, encoding: Annotated[str, typer.Option(help="文件编码，如 gb18030 / the file's "
                                                                          "encoding")] = "utf-8-sig") -> None:
    """导入代理机构登记数据（CSV：name, credit_code, region_code, licence_number, address, agents 以;分隔） /
    Registration data from a CSV file; bad rows are reported with their line and field, never dropped silently."""
    from zhichan.credit.agencies import register_agency
    from zhichan.credit.service import system_scope
    from zhichan.errors import FormError
    from zhichan.platform.db import session_scope
    from zhichan.platform.orgs import root_org

    try:
        with path.open(encoding=encoding, newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, LookupError) as exc:
        Console().print(f"无法读取 {path.name}：{exc} / cannot read the file (try --encoding gb18030)", style="red")
        raise typer.Exit(1) from exc
    engine = _engine()
    with session_scope(engine) as s:
        if root_org(s) is None:
            Console().print("尚未建立机构 / no organizations yet (run zhichan demo or create the root)", style="red")
            raise typer.Exit(1)
    rejects: list[str] = []
    done = 0
    for line, row in enumerate(rows, start=2):
        with session_scope(engine) as s:
            try:
                register_agency(s, system_scope(s), {k: (v or "") for k, v in row.items() if k})
                done += 1
            except FormError as exc:
                s.rollback()
                rejects.append(f"第 {line} 行 / line {line}: " + "; ".join(f"{k}: {v}" for k, v in exc.errors.items()))
    engine.dispose()
    console = Console()
    console.print(f"已导入 {done} 行 / imported {done} rows")
    for r in rejects:
        console.print(r, style="red")
    if rejects:
        raise typer.Exit(1)


@app.command()
def expire() -> None:
    """移出管理期满的名单 / End the listings whose one-year term is over."""
    from zhichan.credit.service import expire_listings
    from zhichan.platform.db import session_scope
    from zhichan.settings import get_settings
    from zhichan.web.app import open_procedures

    engine = _engine()
    service = open_procedures(get_settings(), engine)
    from zhichan.credit.service import install

    install(service)  # the hook, and the days of cases opened before the terms were declared
    with session_scope(engine) as s:
        n = expire_listings(s, service)
    engine.dispose()
    Console().print(f"移出 {n} 条 / ended {n}")


@app.command()
def redraw(record: Annotated[Path, typer.Argument(help="公示的抽查记录 JSON（/api/v1/credit/inspections/{id}） / the "
                                                       "published inspection record")]) -> None:
    """按公示的种子和对象库、人员库重新抽取并与公示结果比对 / Repeat a published draw and compare."""
    from zhichan.credit.draws import redraw as again

    published = json.loads(record.read_text("utf-8"))
    drawn = again(published)
    console = Console()
    for d in drawn:
        console.print(f"{d['name']}（{d['target']}）: " + "、".join(i["name"] for i in d["inspectors"]))
    same = [(d["target"], [i["id"] for i in d["inspectors"]]) for d in drawn] == \
        [(d["target"], [i["id"] for i in d["inspectors"]]) for d in published["draw"]]
    console.print("与公示结果一致 / matches the published draw" if same else "与公示结果不一致 / DIFFERS from the "
                  "published draw", style="green" if same else "red")
    if not same:
        raise typer.Exit(1)
