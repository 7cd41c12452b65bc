"""专利价值评估 (valuation) — a reference estimate, not a statutory appraisal (资产评估法).

The structure follows GB/T 42748-2023《专利评估指引》: legal, technical and economic value dimensions,
second- and third-level indicators below them, and weights per scenario (许可转让、金融、财税、侵权救济、
分级管理). The indicator set is data (``valuation_model.yaml``, replaceable by a bureau through the
``exchange_valuation_model`` setting); its names are the platform's, each third-level indicator scoring
one corpus signal 0–100. The value degree (价值度) is the weighted sum, and every indicator's
contribution (dimension weight × second-level weight × indicator weight × score) is kept, so the
contributions add up to the degree.

Money is estimated three ways, each with its inputs shown:

* **income approach** (收益法): the patent's share of the revenue it earns, discounted —
  ``Σ_{t=1..n} R·(1+g)^(t−1)·s / (1+r)^t`` with revenue R, growth g, share rate s, discount rate r,
  years n (by default the remaining term, at most 10); the range takes r ± 2 points. When the user
  gives no share rate the platform suggests ``1 % + 4 % × degree / 100`` of sales (its own choice,
  documented, shown as such);
* **market approach** (市场法): the platform's own contracted or recorded deals of patents sharing an IPC
  subclass, each price scaled by the ratio of value degrees; the range is their spread, the point the
  median;
* **cost approach** (成本法): the replacement cost the user gives × the remaining share of the term.

The estimate's range runs from the lowest to the highest end of the approaches that could be computed.
A deal priced by 大数据系统估价 names a valuation of its patent and is priced within its range
(:mod:`zhichan.exchange.deals`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.rights import right_on
from zhichan.corpus.store import Snapshot
from zhichan.errors import ConflictError, FormError, NotFoundError
from zhichan.exchange.checks import FieldError, patent_number, platform_status
from zhichan.exchange.listings import money
from zhichan.exchange.models import Deal, Valuation
from zhichan.legaltime import china_date
from zhichan.platform import audit
from zhichan.platform.models import Organization
from zhichan.platform.scope import Scope
from zhichan.reports.document import Document, Paragraph, Section, Table
from zhichan.untrusted import yaml_safe_load

DEFAULT_MODEL = Path(__file__).with_name("valuation_model.yaml")
SCENARIOS = ("licensing", "finance", "tax", "infringement", "grading")
TERM_YEARS = {"invention": 20, "utility_model": 10, "design": 15}
#: the income approach's range: the discount rate ± this many percentage points
DISCOUNT_SPREAD = Decimal(2)
DEFAULT_DISCOUNT = Decimal(12)
MAX_INCOME_YEARS = 10
DISCLAIMER = ("本结果为平台依据公开数据和用户输入计算的参考估值，不是资产评估机构出具的法定评估报告 / a reference estimate "
              "computed by the platform from public data and the user's inputs, not a statutory appraisal by an asset "
              "appraisal institution")
CENT = Decimal("0.01")


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


# -- the indicator set ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Indicator:
    key: str
    label: dict[str, str]
    signal: str
    score: dict[str, Any]
    weight: Decimal


@dataclass(frozen=True)
class Group:
    key: str
    label: dict[str, str]
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Dimension:
    key: str
    label: dict[str, str]
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Model:
    name: dict[str, str]
    dimensions: tuple[Dimension, ...]
    scenarios: dict[str, dict[str, Any]]
    digest: str


class ModelError(ValueError):
    """A valuation indicator file that cannot be used (the message says where)."""


def _sums_to_one(weights: list[Decimal], where: str) -> None:
    if sum(weights, Decimal(0)) != 1:
        raise ModelError(f"{where}: 权重之和应为 1 / the weights must sum to 1 (they sum to {sum(weights, Decimal(0))})")


def parse_model(text: str) -> Model:
    """The indicator set of ``text`` (YAML), checked: known signals and score kinds, weights summing to 1."""
    data = yaml_safe_load(text)
    try:
        dims = tuple(Dimension(d["key"], d["label"], tuple(
            Group(g["key"], g["label"], tuple(
                Indicator(i["key"], i["label"], i["signal"], i["score"], _d(i["weight"])) for i in g["indicators"]))
            for g in d["groups"])) for d in data["dimensions"])
        scenarios = {k: {"label": v["label"], "dimensions": {dk: _d(w) for dk, w in v["dimensions"].items()},
                         "groups": {gk: _d(w) for gk, w in v["groups"].items()}} for k, v in data["scenarios"].items()}
        name = data["name"]
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise ModelError(f"指标文件结构不完整 / the indicator file is incomplete: {exc!r}") from None
    for dim in dims:
        for group in dim.groups:
            _sums_to_one([i.weight for i in group.indicators], f"{dim.key}.{group.key}")
            for ind in group.indicators:
                if ind.signal not in SIGNALS:
                    raise ModelError(f"{ind.key}: 未知信号 {ind.signal} / unknown signal (known: {', '.join(SIGNALS)})")
                needs = {"flag": {"if_true", "if_false"}, "linear": {"cap"}, "log2": {"scale"}}.get(ind.score.get("kind", ""))
                if needs is None:
                    raise ModelError(f"{ind.key}: 未知计分方式 / unknown score kind {ind.score.get('kind')}")
                if not needs <= set(ind.score):
                    raise ModelError(f"{ind.key}: 计分参数缺少 {', '.join(sorted(needs - set(ind.score)))} / the score "
                                     "lacks a parameter")
    for key, scenario in scenarios.items():
        _sums_to_one(list(scenario["dimensions"].values()), f"scenarios.{key}.dimensions")
        if set(scenario["dimensions"]) != {d.key for d in dims}:
            raise ModelError(f"scenarios.{key}: 每个一级指标都要有权重 / every dimension needs a weight")
        for dim in dims:
            try:
                _sums_to_one([scenario["groups"][g.key] for g in dim.groups], f"scenarios.{key}.groups ({dim.key})")
            except KeyError as exc:
                raise ModelError(f"scenarios.{key}.groups: 缺少 {exc} / missing a second-level weight") from None
    return Model(name, dims, scenarios, hashlib.sha256(text.encode("utf-8")).hexdigest()[:16])


@cache
def load_model(path: Path | None = None) -> Model:
    """The bureau's indicator file (the ``exchange_valuation_model`` setting) or the platform default."""
    return parse_model((path or DEFAULT_MODEL).read_text(encoding="utf-8"))


# -- the corpus signals ---------------------------------------------------------------------------

SIGNALS = ("in_force", "invalidation_pending", "disputed", "remaining_years", "claim_count", "pledged_now",
           "exclusive_licence_now", "forward_citations", "family_size", "family_granted_abroad", "sei", "award",
           "transfers", "licences", "pledges", "years_maintained")


def patent_signals(session: Session, snapshot: Snapshot, number: str, on: dt.date) -> dict[str, Any]:
    """What the corpus says of the patent on ``on``, with what the platform has recorded since its snapshot
    (:func:`zhichan.exchange.checks.platform_status`: a pledge registered here, an exclusive licence contracted here):
    the signals the indicators score, and its particulars."""
    from zhichan.search.highvalue import high_value_table

    status = platform_status(session, right_on(snapshot, number, on))
    if not status.found:
        raise FormError({"patent_number": f"平台数据中没有专利 {number} / no patent {number} in the platform's data"})
    con = snapshot.reader()
    try:
        row = con.execute("SELECT claim_count, family_size, family_granted_abroad, forward_citations, ipc "
                          "FROM patents WHERE application_number = ?", [number]).fetchone()
        counts = dict(con.execute("SELECT event_type, count(*) FROM events WHERE application_number = ? "
                                  "AND (event_date IS NULL OR event_date <= ?) GROUP BY event_type",
                                  [number, on]).fetchall())
        awards = con.execute("SELECT count(*) FROM events WHERE application_number = ? AND event_type = 'award'",
                             [number]).fetchone()
    finally:
        con.close()
    assert row is not None
    table = high_value_table(snapshot)
    criteria = {c for n, c in zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True) if n == number}
    remaining = 0.0
    # a term whose registered compensation cannot be read (term_unknown) lasts at least to its statutory end: that
    # much remains, not nothing (it scored as a term run out, and the cost approach valued it at 0)
    last_day = status.term_end or (status.term.statutory_end if status.term_unknown and status.term else None)
    if status.in_force and last_day is not None:
        remaining = round(max(0, (last_day - on).days) / 365.25, 1)
    maintained = 0.0
    if status.in_force and status.application_date is not None:
        maintained = round((on - status.application_date).days / 365.25, 1)
    exclusive = bool(status.exclusive_licences)
    return {
        "number": number, "title": status.title or "", "kind": status.kind or "", "ipc": [str(c) for c in (row[4] or [])],
        "term_end": status.term_end.isoformat() if status.term_end else None,
        "in_force": bool(status.in_force), "invalidation_pending": bool(status.invalidation_pending),
        "disputed": bool(status.suspended), "remaining_years": remaining, "claim_count": int(row[0] or 0),
        "pledged_now": bool(status.active_pledges), "exclusive_licence_now": exclusive,
        "forward_citations": int(row[3] or 0), "family_size": int(row[1] or 0), "family_granted_abroad": int(row[2] or 0),
        "sei": "sei" in criteria, "award": bool(awards and awards[0]) or "award" in criteria,
        "transfers": int(counts.get("transfer", 0)), "licences": int(counts.get("licence", 0)),
        "pledges": int(counts.get("pledge", 0)), "years_maintained": maintained,
    }


def indicator_score(spec: dict[str, Any], value: Any) -> Decimal:
    """0–100 for one signal value under its score spec."""
    kind = spec["kind"]
    if kind == "flag":
        raw = Decimal(str(spec["if_true"] if value else spec["if_false"]))
    elif kind == "linear":
        raw = Decimal(100) * _d(value) / _d(spec["cap"])
    else:  # log2
        raw = _d(spec["scale"]) * _d(math.log2(1 + float(value)))
    return min(Decimal(100), max(Decimal(0), raw)).quantize(CENT, ROUND_HALF_UP)


def value_degree(model: Model, scenario: str, signals: dict[str, Any]) -> dict[str, Any]:
    """The degree and every indicator's line: score, the three weights, contribution (they add up)."""
    weights = model.scenarios[scenario]
    lines = []
    for dim in model.dimensions:
        for group in dim.groups:
            for ind in group.indicators:
                score = indicator_score(ind.score, signals[ind.signal])
                w1, w2 = weights["dimensions"][dim.key], weights["groups"][group.key]
                contribution = (w1 * w2 * ind.weight * score).quantize(Decimal("0.0001"), ROUND_HALF_UP)
                lines.append({"dimension": dim.key, "dimension_label": dim.label, "group": group.key,
                              "group_label": group.label, "indicator": ind.key, "label": ind.label,
                              "signal": ind.signal, "value": signals[ind.signal], "score": str(score),
                              "dimension_weight": str(w1), "group_weight": str(w2), "weight": str(ind.weight),
                              "contribution": str(contribution)})
    degree = sum((Decimal(line["contribution"]) for line in lines), Decimal(0))
    by_dimension = {d.key: str(sum((Decimal(x["contribution"]) for x in lines if x["dimension"] == d.key), Decimal(0)))
                    for d in model.dimensions}
    return {"degree": str(degree), "by_dimension": by_dimension, "lines": lines}


# -- money ----------------------------------------------------------------------------------------

def _percent(text: str, field: str, *, default: Decimal | None = None, upper: Decimal = Decimal(100)) -> Decimal | None:
    cleaned = (text or "").strip().removesuffix("%").removesuffix("％").strip()
    if not cleaned:
        return default
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FormError({field: "应为百分数，如 12 或 12.5 / a percentage such as 12 or 12.5"}) from None
    if not value.is_finite() or value < 0 or value > upper:
        raise FormError({field: f"应在 0 到 {upper} 之间 / between 0 and {upper}"})
    return value


def income_approach(revenue: Decimal, share: Decimal, discount: Decimal, years: int, growth: Decimal) -> dict[str, Any]:
    """The discounted share of revenue, with each year's line, at r − 2, r and r + 2 points."""

    def present_value(rate: Decimal) -> tuple[Decimal, list[dict[str, str]]]:
        total, rows = Decimal(0), []
        for t in range(1, years + 1):
            earned = revenue * (1 + growth / 100) ** (t - 1) * share / 100
            factor = 1 / (1 + rate / 100) ** t
            total += earned * factor
            rows.append({"year": str(t), "income": str(earned.quantize(CENT, ROUND_HALF_UP)),
                         "factor": str(factor.quantize(Decimal("0.0001"), ROUND_HALF_UP)),
                         "present": str((earned * factor).quantize(CENT, ROUND_HALF_UP))})
        return total.quantize(CENT, ROUND_HALF_UP), rows

    point, rows = present_value(discount)
    high, _ = present_value(max(Decimal(0), discount - DISCOUNT_SPREAD))
    low, _ = present_value(discount + DISCOUNT_SPREAD)
    return {"low": str(low), "point": str(point), "high": str(high), "years": rows}


def comparable_deals(session: Session, snapshot: Snapshot, model: Model, scenario: str, signals: dict[str, Any],
                     on: dt.date, degree: Decimal) -> dict[str, Any] | None:
    """The platform's contracted or recorded deals of patents sharing an IPC subclass, scaled by degree."""
    subclasses = {c[:4] for c in signals["ipc"]}
    if not subclasses or degree <= 0:
        return None
    rows = session.scalars(select(Deal).where(Deal.state.in_(("contracted", "recorded")),
                                              Deal.application_number != signals["number"])
                           .order_by(Deal.id.desc()).limit(500))
    found = []
    for deal in rows:
        try:
            theirs = patent_signals(session, snapshot, deal.application_number, on)
        except FormError:
            continue
        if not subclasses & {c[:4] for c in theirs["ipc"]}:
            continue
        their_degree = Decimal(value_degree(model, scenario, theirs)["degree"])
        if their_degree <= 0:
            continue
        price = deal.contract_price or deal.price
        adjusted = (price * degree / their_degree).quantize(CENT, ROUND_HALF_UP)
        found.append({"deal": deal.id, "number": deal.application_number, "title": deal.title, "kind": deal.deal_kind,
                      "price": str(price), "degree": str(their_degree), "adjusted": str(adjusted)})
        if len(found) == 20:
            break
    if not found:
        return None
    values = sorted(Decimal(str(f["adjusted"])) for f in found)
    median = Decimal(str(statistics.median(values))).quantize(CENT, ROUND_HALF_UP)
    return {"low": str(values[0]), "point": str(median), "high": str(values[-1]), "deals": found}


def cost_approach(cost: Decimal, remaining_years: float, kind: str) -> dict[str, Any]:
    term = TERM_YEARS.get(kind, 20)
    share = min(Decimal(1), _d(remaining_years) / term).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    value = (cost * share).quantize(CENT, ROUND_HALF_UP)
    return {"low": str(value), "point": str(value), "high": str(value), "term_years": term, "remaining_share": str(share)}


def suggested_share(degree: Decimal) -> Decimal:
    """The platform's suggested share of sales when the user gives none: 1 % + 4 % × degree / 100."""
    return (1 + 4 * degree / 100).quantize(CENT, ROUND_HALF_UP)


# -- a valuation ----------------------------------------------------------------------------------

def evaluate(session: Session, scope: Scope, snapshot: Snapshot | None, model: Model, *, number: str, scenario: str,
             inputs: dict[str, str], now: dt.datetime) -> Valuation:
    """Value the patent on today's corpus, store the result with every factor, and return it."""
    scope.require_authenticated()
    if snapshot is None:
        raise ConflictError("尚无语料快照，无法估值 / no corpus snapshot: nothing to value")
    today = china_date(now)
    errors: dict[str, str] = {}
    try:
        asset = patent_number(number)
    except FieldError as exc:
        raise FormError({"patent_number": str(exc)}) from None
    if scenario not in model.scenarios:
        errors["scenario"] = "请选择评估场景 / choose a scenario"
    values: dict[str, Any] = {}
    for field, parse in (("annual_revenue", lambda t, f: money(t, f)), ("rd_cost", lambda t, f: money(t, f)),
                         ("share_rate", lambda t, f: _percent(t, f)),
                         ("discount_rate", lambda t, f: _percent(t, f, default=DEFAULT_DISCOUNT)),
                         ("growth_rate", lambda t, f: _percent(t, f, default=Decimal(0), upper=Decimal(50)))):
        try:
            values[field] = parse(inputs.get(field, ""), field)
        except FormError as exc:
            errors.update(exc.errors)
    years_text = (inputs.get("years") or "").strip()
    if years_text and (not years_text.isdigit() or not 1 <= int(years_text) <= 20):
        errors["years"] = "收益年限为 1 到 20 的整数 / the years are a whole number from 1 to 20"
    if errors:
        raise FormError(errors)
    signals = patent_signals(session, snapshot, asset, today)
    if not signals["in_force"]:
        raise FormError({"patent_number": "该专利权已不在有效期内，不作估值 / the patent is not in force: no valuation"})
    scored = value_degree(model, scenario, signals)
    degree = Decimal(scored["degree"])
    approaches: dict[str, Any] = {}
    share_given = values["share_rate"] is not None
    share = values["share_rate"] if share_given else suggested_share(degree)
    years = int(years_text) if years_text else max(1, min(MAX_INCOME_YEARS, int(signals["remaining_years"])))
    if values["annual_revenue"] is not None:
        approaches["income"] = {
            **income_approach(values["annual_revenue"], share, values["discount_rate"], years, values["growth_rate"]),
            "inputs": {"annual_revenue": str(values["annual_revenue"]), "share_rate": str(share),
                       "share_rate_suggested": not share_given, "discount_rate": str(values["discount_rate"]),
                       "growth_rate": str(values["growth_rate"]), "years": years}}
    market = comparable_deals(session, snapshot, model, scenario, signals, today, degree)
    if market is not None:
        approaches["market"] = market
    if values["rd_cost"] is not None:
        approaches["cost"] = {**cost_approach(values["rd_cost"], signals["remaining_years"], signals["kind"]),
                              "inputs": {"rd_cost": str(values["rd_cost"])}}
    low = min((Decimal(a["low"]) for a in approaches.values()), default=None)
    high = max((Decimal(a["high"]) for a in approaches.values()), default=None)
    org = session.get(Organization, scope.org_id) if scope.org_id is not None else None
    row = Valuation(application_number=asset, title=signals["title"][:500], scenario=scenario, as_of=today,
                    degree=degree, low_yuan=low, high_yuan=high, model_digest=model.digest,
                    result=json.dumps({"model": model.name, "scenario_label": model.scenarios[scenario]["label"],
                                       "signals": signals, **scored, "approaches": approaches}, ensure_ascii=False),
                    org_id=org.id if org else None, org_path=org.path if org else "/", user_id=scope.user_id,
                    synthetic=bool(snapshot.synthetic), created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, scope, "exchange.valuation", asset, detail={"valuation": row.id, "degree": str(degree)})
    return row


def get(session: Session, scope: Scope, valuation_id: int) -> Valuation:
    """A valuation its author's organization, or a bureau over it, may see."""
    scope.require_authenticated()
    row = session.get(Valuation, valuation_id)
    if row is None or not (row.org_id == scope.org_id or (scope.governance and scope.covers_org_path(row.org_path))):
        raise NotFoundError(f"没有估值 {valuation_id} / no valuation {valuation_id}")
    return row


def as_dict(row: Valuation) -> dict[str, Any]:
    return {**json.loads(row.result), "id": row.id, "application_number": row.application_number, "title": row.title,
            "scenario": row.scenario, "as_of": row.as_of, "degree": row.degree, "low_yuan": row.low_yuan,
            "high_yuan": row.high_yuan, "model_digest": row.model_digest, "synthetic": row.synthetic,
            "disclaimer": DISCLAIMER}


def _yuan(value: Any) -> str:
    return "—" if value in (None, "") else f"{Decimal(str(value)):,.2f}"


def report(row: Valuation, lang: str = "zh") -> Document:
    """The valuation as a report in ``lang`` (DOCX or PDF through :mod:`zhichan.reports`): the same stored factors,
    in the words of the valuation page (``exchange.valuation.*``)."""
    from zhichan.web.i18n import translate

    def t(key: str, **values: Any) -> str:
        return translate(lang, f"exchange.valuation.{key}", **values)

    data = as_dict(row)

    def pick(label: dict[str, str]) -> str:
        return label["en"] if lang == "en" else label["zh"]

    summary = Section(t("result"), [
        Paragraph(t("disclaimer"), style="lead"),
        Table([t("item"), t("value_column")], [
            [t("patent"), f"{row.application_number} {row.title}"],
            [t("scenario"), pick(data["scenario_label"])],
            [t("as_of"), row.as_of.isoformat()],
            [t("degree_scale"), f"{row.degree:.2f}"],
            [t("range"), f"{_yuan(row.low_yuan)} – {_yuan(row.high_yuan)}" if row.low_yuan is not None
             else t("no_range")],
            [t("model"), f"{pick(data['model'])} ({row.model_digest})"],
        ])])
    lines = Section(t("lines"), [
        Paragraph(f"{t('lines_note')} {t('names_note')}", style="note"),
        Table([t("dimension"), t("group"), t("indicator"), t("value"), t("score"), t("weights"), t("contribution")],
              # a yes/no datum stays a bool: every renderer writes it as yes/no in the document's language
              [[pick(x["dimension_label"]), pick(x["group_label"]), pick(x["label"]),
                x["value"] if isinstance(x["value"], bool) else str(x["value"]), x["score"],
                f"{x['dimension_weight']} × {x['group_weight']} × {x['weight']}", x["contribution"]]
               for x in data["lines"]])])
    money_section = Section(t("money"))
    approaches = data["approaches"]
    if "income" in approaches:
        inc = approaches["income"]
        p = inc["inputs"]
        money_section.sub(t("income"), Paragraph(t(
            "income_inputs", revenue=_yuan(p["annual_revenue"]), share=p["share_rate"],
            suggested=t("suggested_mark") if p["share_rate_suggested"] else "", discount=p["discount_rate"],
            growth=p["growth_rate"], years=p["years"])),
            Table([t("year"), t("share_income"), t("factor"), t("present")],
                  [[y["year"], _yuan(y["income"]), y["factor"], _yuan(y["present"])] for y in inc["years"]]),
            Paragraph(t("income_total", point=_yuan(inc["point"]), spread=DISCOUNT_SPREAD, n=DISCOUNT_SPREAD,
                        low=_yuan(inc["low"]), high=_yuan(inc["high"]))))
    if "market" in approaches:
        mk = approaches["market"]
        money_section.sub(t("market"), Table(
            [t("deal"), t("patent"), t("deal_kind"), t("price"), t("degree"), t("adjusted")],
            [[str(d["deal"]), d["number"], translate(lang, f"choice.{d['kind']}"), _yuan(d["price"]), d["degree"],
              _yuan(d["adjusted"])] for d in mk["deals"]]),
            Paragraph(t("market_note", point=_yuan(mk["point"]), low=_yuan(mk["low"]), high=_yuan(mk["high"]))))
    if "cost" in approaches:
        co = approaches["cost"]
        money_section.sub(t("cost"), Paragraph(t(
            "cost_note", cost=_yuan(co["inputs"]["rd_cost"]), share=co["remaining_share"], term=co["term_years"],
            n=co["term_years"], point=_yuan(co["point"]))))
    if not approaches:
        money_section.add(Paragraph(t("no_range")))
    return Document(title=t("report_title"), subtitle=f"{row.application_number} · GB/T 42748-2023",
                    generated_at=row.created_at, lang=lang,
                    metadata=[(t("number"), str(row.id)), (t("as_of"), row.as_of.isoformat())],
                    sections=[summary, lines, money_section], synthetic=row.synthetic)
