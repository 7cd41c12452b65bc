"""Plan targets (规划目标): load a plan, report progress, the growth needed and a forecast.

A plan file is YAML or XLSX. YAML::

    name: 国家“十四五”规划 — 每万人口高价值发明专利拥有量
    name_en: National 14th Five-Year Plan — high-value invention patents per 10,000 people   # optional
    source: 《中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要》
    source_en: Outline of the 14th Five-Year Plan …                                        # optional
    targets:
      - indicator: high_value_inventions_per_10k     # code or Chinese name
        region: CN                                   # region code (CN = nation)
        base_year: 2020
        base_value: 6.3                              # optional: computed from the corpus when absent
        target_year: 2025
        target_value: 12

XLSX: the first sheet, one target per row under a header row naming the same columns (English
or Chinese: 指标, 地区, 基期年, 基期值, 目标年, 目标值, 备注).

Progress, as Chinese plan evaluations report it (泰安: "完成预期目标的74%"):
- ``progress_pct`` = current value ÷ target value × 100;
- ``gap_closed_pct`` = (current − base) ÷ (target − base) × 100, the share of the planned increase achieved;
- ``required_annual_growth`` = (target ÷ current)^(1 / years left) − 1, years left counted from the
  as-of date to 31 December of the target year;
- ``forecast``: least-squares fit on the indicator's values at the end of each *complete* year
  (at most the last 6 before the as-of date; a year counts only when the corpus covers its
  31 December — the corpus's data end for a corpus figure, today for a platform figure, see
  ``service.default_as_of``), plus — for a stock indicator — the as-of date itself
  when the corpus reaches it, extrapolated to 31 December of the target year: log-linear (constant
  growth rate) when all values are positive, else linear. With fewer than
  :data:`MIN_FORECAST_POINTS` values there is no forecast and the method says why (a line through
  two points, one of them a year the data do not cover, forecast nothing);
- once the target year is over (the as-of date on or after its 31 December, the corpus covering it), the
  "forecast" is the value on that day (``at_target_year``: what was reached against the target), and the method
  says so;
- ``reached``: the current value already meets the target (in its direction); no required growth is given then;
- ``will_meet`` compares the forecast with the target in the plan's direction at the precision the
  figures are shown (2 decimals), so a forecast shown equal to the target meets it.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Context, Decimal
from pathlib import Path
from typing import Any

from zhichan import reference
from zhichan.corpus.store import Snapshot, open_corpus
from zhichan.errors import InputError, ZhichanError
from zhichan.indicators import registry, service
from zhichan.indicators.models import Figure, Plan, PlanTarget, TargetProgress
from zhichan.money import MoneyError, parse_money
from zhichan.progress import ProgressCallback, no_progress
from zhichan.untrusted import check_xlsx, load_yaml, whole_number

_ALIASES = {
    "indicator": ("indicator", "指标", "指标代码", "指标名称"),
    "region": ("region", "region_code", "地区", "地区代码", "行政区划代码"),
    "base_year": ("base_year", "基期年", "基期", "基年"),
    "base_value": ("base_value", "基期值", "基期数值"),
    "target_year": ("target_year", "目标年", "目标年份"),
    "target_value": ("target_value", "目标值", "目标"),
    "note": ("note", "备注", "说明"),
}
FORECAST_YEARS = 6
#: the fewest values a forecast is fitted on
MIN_FORECAST_POINTS = 3
#: figures are shown with 2 decimals; the verdict compares at that precision
SHOWN_DIGITS = 2


def _number(value: Any, field: str, where: str, *, integer: bool = False, required: bool = True) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(f"{where}：缺少 {field} / {where}: {field} is missing")
        return None
    text = str(value).strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise InputError(f"{where}：{field} 不是数字：{value!r} / {where}: {field} is not a number: {value!r}") from None
    if integer:  # exactly (a year of inf crashed int(); a float rounds past 2^53)
        year = whole_number(text)
        if year is None or not 1900 <= year <= 2100:
            raise InputError(f"{where}：{field} 不是年份：{value!r} / {where}: {field} is not a year: {value!r}")
        return year
    return number


def _amount(value: Any, field: str, where: str, *, required: bool = True) -> Decimal | None:
    """A money indicator's target or base: yuan to the fen, read by the platform's one money parser (a
    ``Decimal``, the plan's figure exactly as written)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(f"{where}：缺少 {field} / {where}: {field} is missing")
        return None
    try:
        return parse_money(value if isinstance(value, str | int | Decimal) else repr(value), "yuan", zero=True)
    except MoneyError as exc:
        raise InputError(f"{where}：{field} {exc.reason}") from None


def _target(row: dict[str, Any], where: str) -> PlanTarget:
    code = str(row.get("indicator") or "").strip()
    if not code:
        raise InputError(f"{where}：缺少指标 / {where}: indicator is missing")
    try:
        ind = registry.get_indicator(code)
        region = reference.normalize_region_code(str(row.get("region") or "CN").strip())
    except ZhichanError as exc:
        raise InputError(f"{where}：{exc.message}") from None
    # an amount of money exactly, as its figure is
    figure: Any = _amount if ind.money else _number
    target = PlanTarget(
        indicator=ind.code, region_code=region,
        target_year=_number(row.get("target_year"), "target_year", where, integer=True),
        target_value=figure(row.get("target_value"), "target_value", where),
        base_year=_number(row.get("base_year"), "base_year", where, integer=True, required=False),
        base_value=figure(row.get("base_value"), "base_value", where, required=False),
        note=str(row.get("note") or ""),
    )
    if target.base_year is not None and target.base_year >= target.target_year:
        raise InputError(f"{where}：基期年应早于目标年 / {where}: base_year must be before target_year")
    return target


def _canonical_row(raw: dict[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key or "").strip()
        for canonical, aliases in _ALIASES.items():
            if name in aliases or name.lower() in aliases:
                out[canonical] = value
    return out


#: A plan is a handful of targets; these bound what a plan file may make the server read.
MAX_TARGETS = 2_000
MAX_XLSX_COLUMNS = 60
MAX_XLSX_BYTES = 8 << 20  # unpacked


def _xlsx_rows(path: Path) -> list[tuple[Any, ...]]:
    """The first sheet's rows (at most ``MAX_TARGETS`` + 1, ``MAX_XLSX_COLUMNS`` wide), after
    :func:`zhichan.untrusted.check_xlsx`; any parser failure is an :class:`InputError`."""
    from openpyxl import load_workbook

    check_xlsx(path, max_bytes=MAX_XLSX_BYTES, what="XLSX 规划文件 / XLSX plan")
    rows: list[tuple[Any, ...]] = []
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            for values in book.worksheets[0].iter_rows(values_only=True, max_col=MAX_XLSX_COLUMNS):
                if len(rows) > MAX_TARGETS:
                    raise InputError(f"规划目标过多（最多 {MAX_TARGETS} 行） / too many rows (at most {MAX_TARGETS})")
                rows.append(values)
        finally:
            book.close()  # a read-only workbook holds its file open until closed
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for damaged files
        raise InputError(f"无法读取 XLSX 规划文件 / cannot read the XLSX plan: {str(exc)[:200]}") from None
    return rows


def load_plan(path: str | Path) -> Plan:
    """Read a plan from YAML (``.yaml``/``.yml``) or XLSX; every row is validated with its position."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"规划文件不存在：{path} / plan file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = load_yaml(path.read_bytes(), what="规划文件 YAML / plan YAML") or {}
        if not isinstance(data, dict) or not isinstance(data.get("targets"), list) or not data["targets"]:
            raise InputError("规划文件须包含 targets 列表 / the plan must have a non-empty `targets` list")
        if len(data["targets"]) > MAX_TARGETS:
            raise InputError(f"规划目标过多（最多 {MAX_TARGETS} 个） / too many targets (at most {MAX_TARGETS})")
        targets = [_target(_canonical_row(row if isinstance(row, dict) else {}), f"targets[{i}]")
                   for i, row in enumerate(data["targets"])]
        return Plan(name=str(data.get("name") or path.stem), targets=targets, source=str(data.get("source") or ""),
                    path=str(path), name_en=str(data.get("name_en") or ""), source_en=str(data.get("source_en") or ""))
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
        if len(rows) < 2:
            raise InputError("XLSX 规划文件须有表头和至少一行目标 / the XLSX plan needs a header row and one target")
        header = rows[0]
        targets = []
        for number, values in enumerate(rows[1:], start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            targets.append(_target(_canonical_row(dict(zip(header, values, strict=False))), f"第{number}行 row {number}"))
        return Plan(name=path.stem, targets=targets, path=str(path))
    raise InputError(f"规划文件须为 YAML 或 XLSX：{path.name} / a plan is YAML or XLSX: {path.name}")


def _fit(points: list[tuple[dt.date, Figure | None]], at: dt.date) -> tuple[float | None, str]:
    """The least-squares forecast at ``at`` (a float: a money indicator's is made an amount to the fen by its
    caller) and how it was made."""
    usable = [(d, v) for d, v in points if v is not None]
    if len(usable) < MIN_FORECAST_POINTS:
        return None, (f"无预测：只有 {len(usable)} 个完整年度的数值，至少需要 {MIN_FORECAST_POINTS} 个 / "
                      f"No forecast: {len(usable)} complete-year values, {MIN_FORECAST_POINTS} needed")
    xs = [d.toordinal() / 365.25 for d, _ in usable]
    x_at = at.toordinal() / 365.25
    span = f"{usable[0][0].isoformat()}…{usable[-1][0].isoformat()}"
    log = all(v > 0 for _, v in usable)
    ys = [math.log(v) for _, v in usable] if log else [float(v) for _, v in usable]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    y_at = my + slope * (x_at - mx)
    if log:
        growth = f"{math.expm1(slope):+.1%}"
        return math.exp(y_at), (f"对数线性最小二乘，{n} 个数值 {span}（年增长 {growth}） / "
                                f"Log-linear least squares on {n} values {span} (growth {growth}/year)")
    # a large slope (an amount's: 14,720,000 yuan a year) grouped, not in e-notation (+1.472e+07)
    step = f"{slope:+,.0f}" if abs(slope) >= 10_000 else f"{slope:+.4g}"
    return y_at, (f"线性最小二乘，{n} 个数值 {span}（每年 {step}） / "
                  f"Linear least squares on {n} values {span} ({step}/year)")


def _reaches(value: Figure, target: Figure, rising: bool) -> bool:
    """Whether ``value`` meets ``target`` in the plan's direction, compared as the page shows both."""
    shown: Any = round(value, SHOWN_DIGITS)  # an amount stays a Decimal, a ratio a float
    goal: Any = round(target, SHOWN_DIGITS)
    return shown >= goal if rising else shown <= goal


def target_progress(target: PlanTarget, as_of: dt.date, *, snapshot: Snapshot, engine: str = "duckdb",
                    rising: bool | None = None) -> TargetProgress:
    """Progress of one target at ``as_of``. ``rising``: whether the target is an increase (a reference target
    measured on another region takes its plan's direction); by default, the target against its base (else the
    current value)."""
    ind = registry.get_indicator(target.indicator)
    region = service.normalize_region(target.region_code)
    data_end = service.default_as_of(ind.code, snapshot)  # its source's data end: the corpus's, or today's records
    first_year = max(as_of.year - FORECAST_YEARS, target.base_year or 0)
    # complete years only: a year the corpus does not cover to its end would enter as a collapse
    years = [y for y in range(first_year, as_of.year + 1)
             if dt.date(y, 12, 31) <= as_of and service.year_complete(y, data_end)]
    points = service.trend(ind.code, region, years, snapshot=snapshot, engine=engine)
    current = service.value_of(ind, region, service.all_totals(snapshot, as_of, engine, [ind.code]),
                               service.population_scale(snapshot))
    # a stock at the as-of date is one more point when the data reach it; a year-to-date flow is not
    # comparable with whole-year values
    if ind.as_of == "stock" and as_of <= data_end and (not points or points[-1][0] != as_of):
        points.append((as_of, current))

    base_value, base_source = target.base_value, "plan"
    if base_value is None and target.base_year is not None:
        base_value = service.trend(ind.code, region, [target.base_year], snapshot=snapshot,
                                   engine=engine)[0][1]
        base_source = "computed" if base_value is not None else "missing"
    elif base_value is None:
        base_source = "missing"

    target_day = dt.date(target.target_year, 12, 31)
    years_left = (target_day - as_of).days / 365.25
    progress = gap = growth = None
    goal = target.target_value
    if current is not None:  # percentages and rates are ratios (floats); the amounts stay exact
        progress = 100.0 * service.ratio(current, goal) if goal else None
        if base_value is not None and goal != base_value:
            gap = 100.0 * service.ratio(service.difference(current, base_value), service.difference(goal, base_value))
        if years_left > 0 and current > 0 and goal > 0:
            growth = service.ratio(goal, current) ** (1 / years_left) - 1
    fitted, method = _fit(points, target_day)
    forecast: Figure | None = fitted
    if fitted is not None and ind.money:  # a forecast amount: yuan to the fen (a wild extrapolation of any size)
        forecast = Decimal(repr(fitted)).quantize(Decimal("0.01"), context=Context(prec=400))
    # the target year is over: its last day's value is known, nothing to forecast (a fit beside it read 13.63 for a
    # year that ended at 15.06)
    actual = next((v for d, v in points if d == target_day), None) if as_of >= target_day else None
    if actual is not None:
        forecast, method = actual, (f"目标年已结束：{target_day.isoformat()} 的实际值 / "
                                    f"The target year is over: the value on {target_day.isoformat()}")
    if rising is None:
        rising = target.target_value >= (base_value if base_value is not None else (current or 0))
    # already there: no growth is required (a rate of −35 %/year read as a plan to shrink)
    reached = current is not None and _reaches(current, target.target_value, rising)
    if reached:
        growth = None
    will_meet: bool | None = None
    if forecast is not None:
        will_meet = _reaches(forecast, target.target_value, rising)
    elif current is not None and _reaches(current, target.target_value, rising):
        will_meet = True
    return TargetProgress(
        indicator=ind.code, indicator_name=ind.name_zh, region_code=region,
        region_name=reference.region_name(region), as_of=as_of, base_year=target.base_year,
        base_value=base_value, base_value_source=base_source, target_year=target.target_year,
        target_value=target.target_value, current_value=current, progress_pct=progress, gap_closed_pct=gap,
        required_annual_growth=growth, forecast=forecast, forecast_method=method, will_meet=will_meet,
        trend=points, unit=ind.unit, reached=reached, at_target_year=actual,
    )


def plan_progress(plan: Plan, as_of: dt.date | None, *, snapshot: Snapshot | None = None, engine: str = "duckdb",
                  progress: ProgressCallback = no_progress) -> list[TargetProgress]:
    """Progress of every target of ``plan`` at ``as_of`` (None: each at its figure's default date)."""
    snap = snapshot if snapshot is not None else open_corpus()
    out = []
    for done, target in enumerate(plan.targets):
        progress(done, len(plan.targets))
        day = service.figure_as_of(registry.get_indicator(target.indicator).code, as_of, snap)
        out.append(target_progress(target, day, snapshot=snap, engine=engine))
    progress(len(plan.targets), len(plan.targets))
    return out
