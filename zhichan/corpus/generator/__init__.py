"""Synthetic corpus generator (合成语料): a deterministic, calibrated demo corpus at any scale.

    from zhichan.corpus.generator import generate
    snapshot = generate(100_000, seed=1)

See ``docs/synthetic-corpus.md`` for the calibration targets and the values reached.
"""

from zhichan.corpus.generator.service import DEFAULT_AS_OF, MAX_PATENTS, generate

__all__ = ["DEFAULT_AS_OF", "MAX_PATENTS", "generate"]
