"""Official indicators (指标监测), high-value invention patents, plan targets and levers.

One definition per indicator (:mod:`zhichan.indicators.registry`, SQL in ``sql/``), run on DuckDB
or — transpiled by SQLGlot — on Apache Spark (:mod:`zhichan.indicators.engines`). The web layer
calls :mod:`zhichan.indicators.service`; the rules are documented in ``docs/indicators.md``.
"""
