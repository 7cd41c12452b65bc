"""``zhichan exchange …``: the open-licence annuity reduction worked out, and closing auctions that are due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="运营交易大厅 / the IP exchange", no_args_is_help=True)


def _day(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{name}: 日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD") from None


@app.command()
def annuity(
    kind: Annotated[str, typer.Option(help="invention | utility_model | design")],
    filed: Annotated[str, typer.Option(help="申请日 / filing date")],
    recorded: Annotated[str, typer.Option(help="开放许可备案日 / the licence's recording date")],
    until: Annotated[str, typer.Option(help="许可期限止 / the licence's end")],
    withdrawn: Annotated[str, typer.Option(help="撤回日 / withdrawal date")] = "",
    other_rate: Annotated[str, typer.Option(help="其他减缴比例（百分比，如 85） / another reduction in per cent")] = "0",
    term_end: Annotated[str, typer.Option(help="含期限补偿的专利权届满日（默认法定期限） / the term's last day with its "
                                               "compensation (default: the statutory term's)")] = "",
) -> None:
    """开放许可年费减免，逐专利年度列出算式 / The open-licence annuity reduction per patent year, with the arithmetic."""
    from zhichan.exchange.annuity import ANNUITY_SCHEDULE, Window, reduction_schedule

    if kind not in ANNUITY_SCHEDULE:
        raise typer.BadParameter("kind: invention | utility_model | design")
    filed_on = _day(filed, "filed")
    lines = reduction_schedule(kind, filed_on, [Window(_day(recorded, "recorded"), _day(until, "until"))],
                               withdrawn_on=_day(withdrawn, "withdrawn") if withdrawn else None,
                               other_rate=Decimal(other_rate) / 100,
                               term_last_day=_day(term_end, "term_end") if term_end else None)
    table = Table("年度 year", "起止 from–to", "应缴日 due", "年费 annuity", "算式 arithmetic", "说明 reason")
    for line in lines:
        table.add_row(str(line.year), f"{line.starts}–{line.ends}", str(line.due), str(line.annuity), line.arithmetic,
                      line.reason_zh)
    Console().print(table)


@app.command("close-auctions")
def close_auctions() -> None:
    """结束已到截止时间的网络竞价并为成交者开启交易（作业调度器也会定时执行） / Close the auctions that are due and open the
    sold ones' deals (the job runner does it too)."""
    from zhichan.corpus.store import open_corpus
    from zhichan.evidence.service import utcnow
    from zhichan.exchange import deals
    from zhichan.exchange.bidding import close_due
    from zhichan.platform.db import make_engine, session_scope
    from zhichan.settings import get_settings
    from zhichan.web.app import open_procedures

    settings = get_settings()
    engine = make_engine(settings.effective_database_url)
    procedures = open_procedures(settings, engine)
    snapshot = open_corpus()  # the sold auctions' deals check the patent against it, as in the app
    deals.install(procedures, lambda: snapshot)
    with session_scope(engine) as session:
        closed = close_due(session, procedures, now=utcnow())
    engine.dispose()
    if closed:
        numbers = "、".join(f"#{n}" for n in closed)
        Console().print(f"已结束 {len(closed)} 场网络竞价：{numbers} / closed {len(closed)} auction(s): {numbers}")
    else:
        Console().print("没有到期的网络竞价 / no auction was due")


@app.command()
def demo(count: Annotated[int, typer.Option(help="演示企业数 / demo enterprises")] = 12) -> None:
    """合成演示数据：挂牌、需求、已公告的开放许可（标注为合成） / Synthetic demo listings, needs and open licences."""
    from zhichan.corpus.store import open_corpus
    from zhichan.exchange.demo import seed
    from zhichan.platform.db import make_engine
    from zhichan.settings import get_settings
    from zhichan.web.app import open_procedures

    settings = get_settings()
    snapshot = open_corpus()
    if not snapshot.synthetic:
        raise typer.BadParameter("演示数据只写入合成语料 / demo data goes only with a synthetic corpus")
    engine = make_engine(settings.effective_database_url)
    made = seed(engine, snapshot, open_procedures(settings, engine), count=count)
    engine.dispose()
    Console().print(made)
